#pragma once

#include "storage/audit_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlAuditRepository final : public AuditRepository {
 public:
  // `verify_batch_size`: records read per query while verifying.
  explicit MysqlAuditRepository(ConnectionPool& pool, int verify_batch_size = 1000)
      : pool_(pool), verify_batch_size_(verify_batch_size > 0 ? verify_batch_size : 1000) {}

  absl::StatusOr<std::vector<AuditRecordRow>> List(
      const Scope& scope, const AuditFilter& filter, int limit,
      std::optional<int64_t> before_sequence) override;
  absl::StatusOr<VerifyReport> Verify(int64_t checkpoint_sequence,
                                      std::string checkpoint_hash) override;

 private:
  ConnectionPool& pool_;
  const int verify_batch_size_;
};

}  // namespace ecocase::storage::mysql
