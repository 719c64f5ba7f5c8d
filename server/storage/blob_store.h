#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::storage {

// One stored blob, read front to back in bounded chunks (for DownloadEvidence).
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // The blob's size as stored.
  virtual int64_t size_bytes() const = 0;
  // The next chunk: never empty before the end, an empty string at the end. UNAVAILABLE or
  // INTERNAL on a read error.
  virtual absl::StatusOr<std::string> Next() = 0;
};

// A blob whose content has been verified and stored under its own hash.
struct StoredBlob {
  std::string sha256;  // 64 lower-case hex digits
  int64_t size_bytes = 0;
};

// An upload that has not been completed or abandoned.
struct PendingUpload {
  std::string upload_id;
  int64_t offset_bytes = 0;  // What UploadOffset would return.
  absl::Time last_write_time;
};

// Content-addressed, immutable file storage for evidence, with resumable uploads.
//
// An upload is named by the caller (`upload_id`: 1–128 of [A-Za-z0-9_-]) and grows only at its
// end. Completing it verifies the whole content's SHA-256 and only then makes it visible as a
// blob, named by that hash; a blob never changes or disappears through this interface. A blob
// is never visible with partial or wrong content, whenever the process or the machine stops.
//
// Several processes (replicas) may share one store; two writers of the same upload exclude
// each other (ABORTED for the loser). Ids and hashes are checked before they touch a path:
// INVALID_ARGUMENT naming the field `upload_id` or `sha256`. Storage I/O errors are
// UNAVAILABLE (transient: EIO, ESTALE, timeouts), RESOURCE_EXHAUSTED (disk full or quota) or
// INTERNAL, each with the errno text.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Opens an upload of exactly `declared_size_bytes` bytes. Idempotent: starting an existing
  // upload with the same size keeps its bytes. FAILED_PRECONDITION (reason
  // UPLOAD_SIZE_CHANGED) if it exists with another size; INVALID_ARGUMENT
  // (`declared_size_bytes`) if negative or above the store's limit.
  virtual absl::Status StartUpload(absl::string_view upload_id, int64_t declared_size_bytes) = 0;

  // The resume point: how many bytes of the upload are on disk. Every acknowledged Append is
  // included; bytes written but not acknowledged before a crash may be too (the final hash
  // check catches any damage). NOT_FOUND if the upload does not exist.
  virtual absl::StatusOr<int64_t> UploadOffset(absl::string_view upload_id) = 0;

  // Writes `data` at `offset_bytes`, flushes it to stable storage and returns the new
  // offset. `offset_bytes` must equal UploadOffset; a retried chunk that lies (partly) below
  // it is accepted if the bytes already there are the same, and only its tail is written.
  // Errors: NOT_FOUND (no such upload); FAILED_PRECONDITION with reason
  // UPLOAD_OFFSET_MISMATCH and the expected offset in the message (a gap), or reason
  // UPLOAD_CHUNK_CONFLICT (a retried chunk whose bytes differ); INVALID_ARGUMENT (`data`)
  // for a chunk above the chunk limit or one that would pass the declared size; ABORTED
  // (reason UPLOAD_BUSY) while another writer holds the upload.
  virtual absl::StatusOr<int64_t> Append(absl::string_view upload_id, int64_t offset_bytes,
                                         absl::string_view data) = 0;

  // Hashes the whole upload from disk and, if it equals `expected_sha256`, stores it as the
  // blob of that hash (kept as is when that blob already exists: same content) and removes
  // the upload. Errors: NOT_FOUND (no such upload; after a crash between a successful
  // Complete and its caller's commit, ask Stat for the hash); FAILED_PRECONDITION with
  // reason UPLOAD_INCOMPLETE (fewer bytes than declared, the offset in the message) or
  // EVIDENCE_HASH_MISMATCH (content hashes otherwise: the upload's bytes are discarded and
  // it stays open at offset 0, so the client re-sends from the start); ABORTED (UPLOAD_BUSY).
  virtual absl::StatusOr<StoredBlob> Complete(absl::string_view upload_id,
                                              absl::string_view expected_sha256) = 0;

  // Deletes an upload and its bytes. OK if it does not exist.
  virtual absl::Status Abandon(absl::string_view upload_id) = 0;

  // Uploads last written before `cutoff`, for a cleanup sweep (which then calls Abandon).
  virtual absl::StatusOr<std::vector<PendingUpload>> ListStaleUploads(absl::Time cutoff) = 0;

  // Streams the blob named `sha256`; NOT_FOUND if there is none. The content is not
  // re-verified here.
  virtual absl::StatusOr<std::unique_ptr<BlobReader>> Open(absl::string_view sha256) = 0;

  // The size of the blob named `sha256`; NOT_FOUND if there is none.
  virtual absl::StatusOr<int64_t> Stat(absl::string_view sha256) = 0;
};

}  // namespace ecocase::storage
