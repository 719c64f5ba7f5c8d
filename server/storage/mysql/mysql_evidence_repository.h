#pragma once

#include "storage/evidence_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

// Evidence items' metadata in evidence_item (V010): one row per item, the capturing
// officers as a JSON array. A unique key on (uploaded_by, parent, sha256, live) keeps one
// live item per upload, whoever starts it first.
class MysqlEvidenceRepository final : public EvidenceRepository {
 public:
  explicit MysqlEvidenceRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::pair<StoredEvidence, bool>> Create(
      Tx& tx, domain::EvidenceItem item, const EvidencePlacement& placement) override;
  absl::StatusOr<StoredEvidence> Lock(Tx& tx, int64_t id) override;
  absl::Status StoreProgress(Tx& tx, const domain::EvidenceItem& item, absl::Time now) override;
  absl::StatusOr<StoredEvidence> Get(int64_t id) override;
  absl::StatusOr<std::vector<StoredEvidence>> List(const std::string& parent,
                                                   bool include_incomplete, int limit,
                                                   int64_t after_id) override;
  absl::StatusOr<int64_t> SumDeclaredBytesSince(const std::string& uploaded_by,
                                                absl::Time since) override;
  absl::StatusOr<std::vector<domain::EvidenceItem>> ListStaleUploads(absl::Time cutoff,
                                                                     int limit) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
