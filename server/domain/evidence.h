#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/geo_point.h"
#include "domain/principal.h"

namespace ecocase::domain {

// Evidence items (证据, domain-rules §4.2 row 2a, §4.3; issue 10) as pure rules: the metadata
// an officer declares when an upload starts, the resumable upload session, and who may see
// an item. Storage moves the bytes and computes the hash; it calls in here to decide. Values
// of the enums are meant to match ecocase.v1.Evidence and are stored by name.
//
// An item is immutable once STORED: a correction is a new item whose `corrects` names the
// old one.
//
//   (start) ──StartUpload──> UPLOADING ──CheckChunk..., CompleteUpload──> STORED
//   UPLOADING ──AbandonUpload──> ABANDONED (storage deletes the partial file)
//
// Bad input is INVALID_ARGUMENT naming the field; a refused step is FAILED_PRECONDITION with
// a reason (EVIDENCE_STATE, EVIDENCE_OFFSET_MISMATCH, EVIDENCE_SIZE_MISMATCH,
// EVIDENCE_HASH_MISMATCH, EVIDENCE_CHUNK_HASH_MISMATCH).

// The kinds of evidence: 行政处罚法 art. 46 [V] plus the 2023 办法's additions [S].
enum class EvidenceKind {
  kUnspecified = 0,
  kDocument = 1,               // 书证
  kPhysical = 2,               // 物证
  kAudioVisual = 3,            // 视听资料
  kElectronicData = 4,         // 电子数据
  kWitnessTestimony = 5,       // 证人证言
  kPartyStatement = 6,         // 当事人的陈述
  kAppraisalOpinion = 7,       // 鉴定意见
  kInspectionTranscript = 8,   // 勘验笔录
  kOnSiteRecord = 9,           // 现场笔录
  kTestReport = 10,            // 检测报告
  kAssessmentReport = 11,      // 评估报告
  kDeterminationOpinion = 12,  // 认定意见
};
absl::string_view EvidenceKindName(EvidenceKind kind);  // "DOCUMENT", ...
std::optional<EvidenceKind> EvidenceKindFromName(absl::string_view name);
absl::string_view EvidenceKindLabel(EvidenceKind kind);  // "书证", ...

enum class EvidenceState {
  kUnspecified = 0,
  kUploading = 1,  // bytes arriving; resumable
  kStored = 2,     // complete, hash verified, immutable
  kAbandoned = 3,  // refused or expired; the partial file is deleted
};
absl::string_view EvidenceStateName(EvidenceState state);  // "UPLOADING", ...
std::optional<EvidenceState> EvidenceStateFromName(absl::string_view name);

// Limits of uploads [M: defaults to confirm with the bureau; made configurable].
struct EvidenceOptions {
  int64_t max_size_bytes = int64_t{2} << 30;   // 2 GiB: a long video
  int64_t max_chunk_bytes = int64_t{4} << 20;  // 4 MiB per streamed chunk
  // A capture time may be this far ahead of the server's clock (device clocks drift).
  absl::Duration clock_skew = absl::Minutes(10);
  // A capture time may be at most this old: 5 years (the longest limitation period,
  // 行政处罚法 art. 36).
  absl::Duration max_capture_age = absl::Hours(24 * (5 * 365 + 1));
};

struct EvidenceItem {
  int64_t id = 0;          // assigned by storage
  std::string sha256;      // declared: 64 lower-case hex digits (normalised)
  int64_t size_bytes = 0;  // declared: 1..max_size_bytes
  std::string media_type;  // `type/subtype`, e.g. image/jpeg (normalised to lower case)
  std::string file_name;   // display only, never a path: 1-255 characters, no `/` or `\`
  EvidenceKind kind = EvidenceKind::kUnspecified;
  absl::Time capture_time;  // when the device captured it
  std::optional<GeoPoint> location;
  std::string device_id;     // 1-128: IMEI, serial number, ...
  std::string device_model;  // 0-128
  // Usernames (without `users/`, which is stripped) of the officers who captured it: at
  // least one, two for 现场笔录 and 勘验笔录 (arts. 42, 55); distinct; at most 10.
  std::vector<std::string> capturing_officers;
  std::string parent;       // cases/{id}, inspections/{id} or tasks/{id}
  std::string description;  // 0-1000, line breaks allowed
  int64_t corrects = 0;     // the id of the item this one corrects; 0 for none

  // Set by the rules below, not by the client:
  EvidenceState state = EvidenceState::kUnspecified;
  int64_t received_bytes = 0;  // bytes stored so far (UPLOADING)
  std::string uploaded_by;     // users/{username}
  absl::Time create_time;      // the upload started
  absl::Time upload_time;      // the upload completed (STORED)

  std::string ResourceName() const;  // evidence/{id}
};

// `evidence/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> EvidenceIdFromName(absl::string_view name, absl::string_view field);

// 64 lower-case hex digits.
bool IsSha256Hex(absl::string_view hex);

// `type/subtype` of RFC 6838 restricted names (letters, digits, `!#$&-^_.+`, each part 1-64,
// starting with a letter or digit), no parameters; the top-level type one of application,
// audio, image, text, video, model.
bool IsMediaType(absl::string_view media_type);

// Checks an item about to be uploaded (fields under `prefix`, e.g. "evidence"): SHA-256
// (lower-cased in place), declared size 1..options.max_size_bytes, media type (lower-cased),
// file name, kind, capture time (set, at most options.clock_skew after `now`, at most
// options.max_capture_age before it), location ranges, device id (1-128) and model (0-128),
// capturing officers (usernames; `users/` stripped in place), parent link, description
// (0-1000), corrects (>= 0).
absl::Status ValidateNewEvidence(EvidenceItem& item, absl::string_view prefix,
                                 const EvidenceOptions& options, absl::Time now);

// Starts the upload of a validated item: UPLOADING, nothing received.
void StartUpload(EvidenceItem& item, const std::string& actor, absl::Time now);

// What the client is told when it asks where to resume (after a dropped connection).
struct UploadProgress {
  int64_t offset = 0;     // the next chunk starts here
  bool complete = false;  // STORED: nothing left to send, the item is final
};
// UPLOADING: the bytes received so far; STORED: the whole size, complete. ABANDONED (or not
// started) is FAILED_PRECONDITION EVIDENCE_STATE: the client starts a new upload.
absl::StatusOr<UploadProgress> ResumeOffset(const EvidenceItem& item);

// Checks one chunk of `chunk_bytes` bytes written at `offset` and returns the received size
// after it; the caller stores the bytes and then sets received_bytes. The item must be
// UPLOADING (EVIDENCE_STATE); the chunk 1..options.max_chunk_bytes (INVALID_ARGUMENT
// "chunk.data"); the offset equal to the bytes received so far (EVIDENCE_OFFSET_MISMATCH, the
// message names the offset to resume from; a negative one is INVALID_ARGUMENT
// "chunk.offset"); and the chunk must not run past the declared size (EVIDENCE_SIZE_MISMATCH).
absl::StatusOr<int64_t> CheckChunk(const EvidenceItem& item, int64_t offset, int64_t chunk_bytes,
                                   const EvidenceOptions& options);

// The chunk's declared SHA-256 (INVALID_ARGUMENT "chunk.sha256" unless 64 hex digits) against
// the one storage computed over the received bytes (EVIDENCE_CHUNK_HASH_MISMATCH: the chunk
// was damaged in transit and is not stored; the client sends it again).
absl::Status CheckChunkHash(absl::string_view declared_sha256, absl::string_view computed_sha256);

// Completes the upload with the SHA-256 storage computed over the whole file: UPLOADING ->
// STORED. The declared size must be reached (EVIDENCE_SIZE_MISMATCH) and the hash equal the
// declared one (EVIDENCE_HASH_MISMATCH); on either refusal the item is unchanged and the
// caller abandons it. Completing a STORED item again with the same hash is OK and changes
// nothing (a retried completion returns the same item); any other state is EVIDENCE_STATE.
absl::Status CompleteUpload(EvidenceItem& item, absl::string_view computed_sha256, absl::Time now);

// UPLOADING -> ABANDONED. A STORED item is immutable (EVIDENCE_STATE); ABANDONED is a no-op.
absl::Status AbandonUpload(EvidenceItem& item);

// Only an item stored whole and verified is evidence a record or a case may cite:
// FAILED_PRECONDITION EVIDENCE_STATE otherwise.
absl::Status CheckCitable(const EvidenceItem& item);

// Who is asking to see an item; the API works the booleans out from the item's parent.
struct EvidenceViewer {
  Role role = Role::kUnspecified;
  std::string username;  // without `users/`
  // Staff: the parent (case, inspection or task) lies in the viewer's jurisdiction.
  bool in_scope = false;
  // Enterprise: the parent is a case against the viewer's own enterprise ...
  bool own_case = false;
  // ... and that case has been notified (告知, 行政处罚法 art. 44) or gone further.
  bool case_notified = false;
};

// Admins, supervisors and officers see every item in scope. An enterprise sees a STORED item
// of its own case once the case is notified, and items it uploaded itself [M]; nothing of
// inspections or tasks before a case, nothing of other parties. Everyone else sees nothing.
bool MaySeeEvidence(const EvidenceItem& item, const EvidenceViewer& viewer);

}  // namespace ecocase::domain
