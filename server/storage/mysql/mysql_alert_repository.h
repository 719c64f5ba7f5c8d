#pragma once

#include "storage/alert_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlAlertRepository final : public AlertRepository {
 public:
  explicit MysqlAlertRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<AlertEvent> Append(Tx& tx, AlertEvent event, absl::Time now) override;
  absl::StatusOr<std::vector<AlertEvent>> ListAfter(const Scope& scope, int64_t after_seq,
                                                    int limit) override;
  absl::StatusOr<std::vector<AlertEvent>> ListAllAfter(int64_t after_seq, int limit) override;
  absl::StatusOr<int64_t> LastSeq() override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
