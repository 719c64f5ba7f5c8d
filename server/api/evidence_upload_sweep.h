#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/blob_store.h"
#include "storage/evidence_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// The `abandon_stale_uploads` sweep: evidence uploads nobody wrote to since `stale_after`
// are abandoned (audited as `users/system`) and their partial files deleted, so disk space
// a client gave up on comes back; partial files whose item is gone or no longer uploading
// (a crash between the commit and the deletion) are deleted too.
class EvidenceUploadSweep final {
 public:
  EvidenceUploadSweep(storage::EvidenceRepository& evidence, storage::BlobStore& blobs,
                      storage::MutationRunner& mutations, const common::Clock& clock,
                      absl::Duration stale_after)
      : evidence_(evidence),
        blobs_(blobs),
        mutations_(mutations),
        clock_(clock),
        stale_after_(stale_after) {}

  // Returns how many uploads and orphaned partial files it removed (at most `batch` uploads
  // per call).
  absl::StatusOr<int> AbandonStale(int batch = 100);

 private:
  storage::EvidenceRepository& evidence_;
  storage::BlobStore& blobs_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  const absl::Duration stale_after_;
};

}  // namespace ecocase::api
