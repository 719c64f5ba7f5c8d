#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/evidence.h"

namespace ecocase::domain {

// Inspection records (现场检查笔录 / 勘察笔录 / 询问笔录, domain-rules §4.3; issue 10) as pure
// rules. A record is drafted on the officer's device, carries at least two officers who
// showed their certificates (行政处罚法 arts. 42, 55), the findings, attached evidence, and
// the signatures: every officer's, and the party's or, when the party refuses, a note of
// the refusal with a witness (pattern of 部令29 arts. 12, 14). Values of the enums are
// meant to match ecocase.v1.InspectionRecord and are stored by name.
//
//   (new) ──ValidateDraft──> DRAFT ──UpdateDraft, AttachEvidence──> DRAFT ──Sign──> SIGNED
//
// A SIGNED record is immutable: every change is FAILED_PRECONDITION INSPECTION_SIGNED; a
// correction is a new draft (StartCorrection) whose `corrects` names the old record.
// Refused signing is FAILED_PRECONDITION INSPECTION_OFFICERS or INSPECTION_PARTY_SIGNATURE;
// bad input is INVALID_ARGUMENT naming the field.

enum class InspectionKind {
  kUnspecified = 0,
  kOnSiteInspection = 1,  // 现场检查笔录
  kSurvey = 2,            // 勘察笔录
  kInterview = 3,         // 询问笔录
};
absl::string_view InspectionKindName(InspectionKind kind);  // "ON_SITE_INSPECTION", ...
std::optional<InspectionKind> InspectionKindFromName(absl::string_view name);
absl::string_view InspectionKindLabel(InspectionKind kind);  // "现场检查笔录", ...

enum class InspectionState { kUnspecified = 0, kDraft = 1, kSigned = 2 };
absl::string_view InspectionStateName(InspectionState state);  // "DRAFT", "SIGNED"
std::optional<InspectionState> InspectionStateFromName(absl::string_view name);

inline constexpr int kMinInspectionOfficers = 2;
inline constexpr int kMaxInspectionOfficers = 10;
inline constexpr int kMaxInspectionEvidence = 100;
inline constexpr char kSignatureRefusalNote[] = "拒绝签字";

struct InspectionOfficer {
  std::string username;                 // without `users/` (stripped)
  std::string display_name;             // 1-64: the name printed on the record
  std::string certificate_number;       // 执法证号, 1-64
  bool credentials_shown = false;       // 已出示执法证件
  std::optional<absl::Time> sign_time;  // the officer signed
};

// The party (or the person present) signed the record.
struct PartySignature {
  std::string name;  // 1-64
  absl::Time time;
};

// The party refused to sign; a witness saw it.
struct SignatureRefusal {
  std::string witness_name;                  // 见证人, 1-64
  std::string witness_note;                  // 0-200: the witness's unit or ID, as the form asks
  std::string note = kSignatureRefusalNote;  // 1-200
  absl::Time time;
};

// An evidence item as attached: enough for the case file without another lookup.
struct AttachedEvidence {
  int64_t id = 0;
  EvidenceKind kind = EvidenceKind::kUnspecified;
  std::string file_name;
  std::string sha256;
};

struct InspectionRecord {
  int64_t id = 0;  // assigned by storage
  InspectionKind kind = InspectionKind::kUnspecified;
  std::string enterprise_uscc;  // optional (individuals); normalised
  std::string party_name;  // 被检查单位 / 被询问人所在单位 or the individual, 1-200
  std::string person_present;  // 现场负责人 / 被询问人, 1-64
  std::string person_title;    // 职务, 0-64
  std::string place;           // 1-200
  std::string district_code;   // GB/T 2260, for scope
  absl::Time start_time;
  absl::Time end_time;  // after start, at most 24 hours later [M], not in the future
  std::vector<InspectionOfficer> officers;  // 1-10 while drafting, >= 2 to sign
  std::string findings;                     // 1-5000, line breaks allowed
  std::vector<AttachedEvidence> evidence;   // by AttachEvidence only
  std::optional<PartySignature> party_signature;
  std::optional<SignatureRefusal> refusal;  // instead of the party's signature
  int64_t corrects = 0;  // the id of the signed record this one corrects; 0 for none

  InspectionState state = InspectionState::kUnspecified;
  std::string created_by;  // users/{username}
  std::string signed_by;   // users/{username}: the officer who closed it
  absl::Time create_time;
  absl::Time update_time;
  absl::Time sign_time;
  int64_t version = 0;  // the etag, bumped by storage

  std::string ResourceName() const;  // inspections/{id}
};

// `inspections/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> InspectionIdFromName(absl::string_view name, absl::string_view field);

// FAILED_PRECONDITION INSPECTION_SIGNED when the record is SIGNED; OK for drafts.
absl::Status CheckMutable(const InspectionRecord& record);

// A record is evidence a case may cite once every officer and the party (or the witness of
// its refusal) signed: FAILED_PRECONDITION INSPECTION_STATE for a draft.
absl::Status CheckCitable(const InspectionRecord& record);

// Checks a draft's fields (under `prefix`, e.g. "inspection"): kind, USCC (optional,
// normalised), party name, person present and title, place, district code, the times
// (now: the end is not in the future beyond a minute of clock skew), 1-10 distinct officers
// (username, display name, certificate number; signatures not before the start), findings,
// and the party's signature or the refusal (not both; names, note, times not before the
// start). The counts and flags that signing needs are checked by Sign.
absl::Status ValidateDraft(InspectionRecord& record, absl::string_view prefix, absl::Time now);

// Opens a validated record as a DRAFT.
void CreateDraft(InspectionRecord& record, const std::string& actor, absl::Time now);

// Replaces the editable fields of a DRAFT with those of `draft` (validated here under
// `prefix`); id, attached evidence, `corrects`, creator and times are kept. Every signature
// (the officers', the party's or its refusal) is cleared: it was given to the old text.
absl::Status UpdateDraft(InspectionRecord& record, InspectionRecord draft, absl::string_view prefix,
                         absl::Time now);

// Attaches a STORED evidence item to a DRAFT (EVIDENCE_STATE otherwise); no-op when
// attached; at most kMaxInspectionEvidence (INVALID_ARGUMENT "evidence").
absl::Status AttachEvidence(InspectionRecord& record, const EvidenceItem& item, absl::Time now);

// DRAFT -> SIGNED. Needs at least two officers, every one with credentials shown and signed
// (INSPECTION_OFFICERS, the message naming who), `actor` (users/{username}) one of them
// (INSPECTION_OFFICERS), and the party's signature or a refusal with a witness
// (INSPECTION_PARTY_SIGNATURE).
absl::Status Sign(InspectionRecord& record, const std::string& actor, absl::Time now);

// The caller `actor` (users/{username}) signs a DRAFT as one of its officers (their own entry
// needs credentials shown; INSPECTION_OFFICERS otherwise); signing again is a no-op. With
// it the party's signature or refusal may be recorded (at `now`): INVALID_ARGUMENT when both
// are given, INSPECTION_PARTY_SIGNATURE when the record already holds a different one.
// When every officer has signed, the record is Sign'ed (returns true; INSPECTION_PARTY_SIGNATURE
// when the party's part is missing, INSPECTION_OFFICERS with fewer than two officers);
// otherwise it stays a DRAFT (returns false). On any error `record` is unchanged.
absl::StatusOr<bool> SignAsOfficer(InspectionRecord& record, const std::string& actor,
                                   std::optional<PartySignature> party,
                                   std::optional<SignatureRefusal> refusal, absl::Time now);

// A new DRAFT correcting the SIGNED `original`: its fields and evidence copied, signatures
// cleared, `corrects` set; storage assigns the id. FAILED_PRECONDITION INSPECTION_STATE when
// the original is still a draft (edit it instead).
absl::StatusOr<InspectionRecord> StartCorrection(const InspectionRecord& original,
                                                 const std::string& actor, absl::Time now);

// The record as plain multi-line text for the case file: a header (现场检查（勘察）笔录 or
// 询问笔录), times in Asia/Shanghai (e.g. 2026年03月05日09时30分), the place and party, the
// officers with their certificate numbers, the findings, the attached evidence with their
// SHA-256, and the signatures or the refusal (拒签) with the witness.
std::string RenderInspectionRecord(const InspectionRecord& record);

}  // namespace ecocase::domain
