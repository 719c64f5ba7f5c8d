#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/evidence.h"
#include "storage/mutation.h"

namespace ecocase::storage {

// Where an item belongs, as the API resolved its parent (a case, inspection record or
// task): stored with the item for audit records and district queries.
struct EvidencePlacement {
  std::string district_code;    // "" when unknown
  std::string enterprise_uscc;  // "" when the parent names no enterprise
};

// An evidence item with where it belongs.
struct StoredEvidence {
  domain::EvidenceItem item;
  EvidencePlacement placement;
};

// Evidence items' metadata (the bytes live in the BlobStore, named by the item's sha256).
// Scope is not applied here: the API resolves the item's parent within the caller's scope
// (a case's notification, a task's enterprise) and answers NOT_FOUND when it is not
// visible.
class EvidenceRepository {
 public:
  virtual ~EvidenceRepository() = default;

  // Inserts an item started with domain::StartUpload (id ignored). When the same uploader
  // has an item of the same sha256 under the same parent that is not ABANDONED, returns it
  // with created = false and writes nothing (a unique key catches concurrent starts);
  // otherwise the stored item (id assigned) with created = true.
  virtual absl::StatusOr<std::pair<StoredEvidence, bool>> Create(
      Tx& tx, domain::EvidenceItem item, const EvidencePlacement& placement) = 0;

  // Locks the item (SELECT ... FOR UPDATE). NOT_FOUND when there is none.
  virtual absl::StatusOr<StoredEvidence> Lock(Tx& tx, int64_t id) = 0;

  // Stores what an upload changes: state, received_bytes, upload_time; update_time = now.
  // NOT_FOUND when there is none. Every other field is immutable and not written.
  virtual absl::Status StoreProgress(Tx& tx, const domain::EvidenceItem& item,
                                     absl::Time now) = 0;

  // NOT_FOUND when there is none.
  virtual absl::StatusOr<StoredEvidence> Get(int64_t id) = 0;

  // The items of `parent` (e.g. "cases/3"), oldest first (id ASC), those with id > after_id,
  // at most `limit`; STORED only unless `include_incomplete`.
  virtual absl::StatusOr<std::vector<StoredEvidence>> List(const std::string& parent,
                                                           bool include_incomplete, int limit,
                                                           int64_t after_id) = 0;

  // The declared bytes of the items `uploaded_by` (users/{username}) started at or after
  // `since` and did not abandon (for the upload quota).
  virtual absl::StatusOr<int64_t> SumDeclaredBytesSince(const std::string& uploaded_by,
                                                        absl::Time since) = 0;

  // UPLOADING items not updated since `cutoff`, oldest first, at most `limit` (for the
  // stale-upload sweep).
  virtual absl::StatusOr<std::vector<domain::EvidenceItem>> ListStaleUploads(absl::Time cutoff,
                                                                             int limit) = 0;
};

}  // namespace ecocase::storage
