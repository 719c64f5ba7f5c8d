#pragma once

#include "storage/evaluation_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlEvaluationRepository final : public EvaluationRepository {
 public:
  explicit MysqlEvaluationRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::vector<EvaluationTarget>> ListTargets() override;
  absl::StatusOr<std::vector<EvaluationRequest>> ListRequests(int64_t outlet_id) override;
  absl::StatusOr<std::vector<domain::monitoring::Reading>> ListReadings(int64_t outlet_id,
                                                                        absl::Time from,
                                                                        absl::Time to) override;
  absl::Status FinishOutlet(Tx& tx, int64_t outlet_id, absl::Time evaluated_through,
                            const std::vector<EvaluationRequest>& handled, absl::Time now) override;
  absl::Status RecordProgress(int64_t outlet_id, absl::Time evaluated_through,
                              const std::vector<EvaluationRequest>& handled,
                              absl::Time now) override;
  absl::StatusOr<std::vector<DeviceActivity>> ListBoundDevices() override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
