#pragma once

#include "storage/incident_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlIncidentRepository final : public IncidentRepository {
 public:
  explicit MysqlIncidentRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::vector<IncidentRecord>> ListForReplay(int64_t outlet_id,
                                                            const std::string& pollutant,
                                                            domain::evaluation::IncidentKind kind,
                                                            absl::Time from) override;
  absl::StatusOr<IncidentRecord> Save(Tx& tx, int64_t enterprise_id, int64_t outlet_id,
                                      const std::string& mn,
                                      const domain::evaluation::Incident& incident,
                                      absl::Duration window_length, const std::string& rule_version,
                                      absl::Time now) override;
  absl::Status Withdraw(Tx& tx, int64_t id, absl::Time now) override;
  absl::Status SetTask(Tx& tx, int64_t id, int64_t task_id) override;
  absl::StatusOr<std::vector<IncidentRecord>> ListOpenOffline() override;
  absl::StatusOr<std::vector<IncidentRecord>> FlagUnexplained(Tx& tx, absl::Time opened_before,
                                                              absl::Time now) override;
  absl::StatusOr<IncidentRecord> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<IncidentRecord>> List(
      const Scope& scope, const IncidentFilter& filter, int limit,
      const std::optional<IncidentCursor>& after) override;
  absl::StatusOr<IncidentRecord> Explain(
      Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
      absl::FunctionRef<absl::Status(const IncidentRecord&)> check, const std::string& explanation,
      const std::string& explained_by, absl::Time now) override;
  absl::StatusOr<std::vector<IncidentRecord>> ListOpenForEnterprise(
      const Scope& scope, const std::string& enterprise_uscc, int limit) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
