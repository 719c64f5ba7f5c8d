#pragma once

#include "storage/enterprise_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlEnterpriseRepository final : public EnterpriseRepository {
 public:
  explicit MysqlEnterpriseRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::Enterprise> Create(Tx& tx, domain::Enterprise enterprise,
                                            absl::Time now) override;
  absl::StatusOr<domain::Enterprise> Get(const Scope& scope, const std::string& uscc) override;
  absl::StatusOr<std::vector<domain::Enterprise>> List(const Scope& scope,
                                                       const EnterpriseFilter& filter, int limit,
                                                       const std::string& after_uscc) override;
  absl::StatusOr<domain::Enterprise> Update(
      Tx& tx, const Scope& scope, const std::string& uscc, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::Enterprise&)> change, absl::Time now) override;

  absl::StatusOr<domain::Outlet> CreateOutlet(Tx& tx, const Scope& scope, domain::Outlet outlet,
                                              absl::Time now) override;
  absl::StatusOr<domain::Outlet> GetOutlet(const Scope& scope, const std::string& uscc,
                                           const std::string& code) override;
  absl::StatusOr<std::vector<domain::Outlet>> ListOutlets(const Scope& scope,
                                                          const std::string& uscc, int limit,
                                                          const std::string& after_code) override;
  absl::StatusOr<domain::Outlet> UpdateOutlet(
      Tx& tx, const Scope& scope, const std::string& uscc, const std::string& code,
      int64_t expected_version, absl::FunctionRef<absl::Status(domain::Outlet&)> change,
      absl::Time now) override;

  absl::StatusOr<domain::Device> BindDevice(Tx& tx, const Scope& scope, const std::string& uscc,
                                            const std::string& code, const std::string& mn,
                                            const std::string& password_hash,
                                            const domain::hj212::DeviceProfile& protocol,
                                            absl::Time now) override;
  absl::StatusOr<domain::Device> UnbindDevice(Tx& tx, const Scope& scope, const std::string& mn,
                                              absl::Time now) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
