#include "api/evidence_upload_sweep.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/evidence_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "security/sha256.h"

namespace ecocase::api {

absl::StatusOr<int> EvidenceUploadSweep::AbandonStale(int batch) {
  const absl::Time now = clock_.Now();
  const absl::Time cutoff = now - stale_after_;
  const std::string actor = "users/system";
  int removed = 0;
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::EvidenceItem> stale,
                           evidence_.ListStaleUploads(cutoff, batch));
  for (const domain::EvidenceItem& listed : stale) {
    bool skipped = false;
    storage::MutationKey key{actor, "ecocase.v1.EvidenceService/AbandonStaleUpload", "", ""};
    auto result =
        mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
          skipped = false;
          ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence stored, evidence_.Lock(tx, listed.id));
          // Completed or abandoned meanwhile (by its uploader or another replica).
          if (stored.item.state != domain::EvidenceState::kUploading) {
            skipped = true;
            return absl::CancelledError("no longer uploading");
          }
          ECOCASE_RETURN_IF_ERROR(domain::AbandonUpload(stored.item));
          ECOCASE_RETURN_IF_ERROR(evidence_.StoreProgress(tx, stored.item, now));
          return storage::MutationResult{
              "",
              {.actor = actor,
               .action = "AbandonStaleUpload",
               .resource = stored.item.ResourceName(),
               .change_digest = security::Sha256Hex(
                   absl::StrCat(stored.item.ResourceName(), " ABANDONED ", stored.item.sha256)),
               .district_code = stored.placement.district_code,
               .enterprise_uscc = stored.placement.enterprise_uscc}};
        });
    if (skipped) continue;
    if (!result.ok()) return result.status();
    ECOCASE_RETURN_IF_ERROR(blobs_.Abandon(EvidenceServiceImpl::UploadId(listed.id)));
    common::Log(common::LogLevel::kInfo, "stale_upload_abandoned")
        .Str("evidence", listed.ResourceName())
        .Int("received_bytes", listed.received_bytes);
    ++removed;
  }
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::PendingUpload> partial,
                           blobs_.ListStaleUploads(cutoff));
  for (const storage::PendingUpload& upload : partial) {
    int64_t id = 0;
    absl::string_view upload_id = upload.upload_id;
    if (!absl::ConsumePrefix(&upload_id, "evidence-") || !absl::SimpleAtoi(upload_id, &id)) {
      continue;  // Not ours to judge.
    }
    absl::StatusOr<storage::StoredEvidence> item = evidence_.Get(id);
    if (item.ok() && item->item.state == domain::EvidenceState::kUploading) continue;
    if (!item.ok() && !absl::IsNotFound(item.status())) return item.status();
    ECOCASE_RETURN_IF_ERROR(blobs_.Abandon(upload.upload_id));
    ++removed;
  }
  return removed;
}

}  // namespace ecocase::api
