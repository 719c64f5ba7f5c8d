#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/permit_repository.h"

namespace ecocase::storage::mysql {

class MysqlPermitRepository final : public PermitRepository {
 public:
  explicit MysqlPermitRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::PermitHolder> LockHolder(Tx& tx, const Scope& scope,
                                                  const std::string& uscc) override;
  absl::StatusOr<LockedPermit> Lock(Tx& tx, const Scope& scope, const domain::PermitKey& key,
                                    int64_t expected_version) override;
  absl::StatusOr<domain::Permit> Save(Tx& tx, const domain::PermitHolder& holder,
                                      const domain::PermitEdit& edit, absl::Time now) override;

  absl::StatusOr<domain::Permit> Get(const Scope& scope, const domain::PermitKey& key) override;
  absl::StatusOr<std::vector<domain::Permit>> List(const Scope& scope, const PermitFilter& filter,
                                                   int limit,
                                                   const std::string& after_number) override;
  absl::StatusOr<std::vector<domain::PermitVersion>> ListVersions(
      const Scope& scope, const domain::PermitKey& key) override;
  absl::StatusOr<LimitInForce> FindLimitInForce(const Scope& scope, const std::string& uscc,
                                                const std::string& outlet_code,
                                                const std::string& pollutant_code,
                                                absl::Time t) override;
  absl::StatusOr<EnterprisePermits> ListForEnterprise(const Scope& scope,
                                                      const std::string& uscc) override;
  absl::StatusOr<std::vector<domain::Permit>> ListExpiring(
      const Scope& scope, absl::CivilDay last_day, int limit,
      const std::optional<ExpiringKey>& after) override;
  absl::StatusOr<std::vector<domain::PermitKey>> ListDueForExpiry(absl::CivilDay today,
                                                                  int limit) override;
  absl::StatusOr<PublicPermitView> GetPublic(const std::string& permit_number) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
