#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/user_repository.h"

namespace ecocase::storage::mysql {

class MysqlUserRepository final : public UserRepository {
 public:
  explicit MysqlUserRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::User> Create(Tx& tx, domain::User user,
                                      const std::string& password_hash, absl::Time now) override;
  absl::StatusOr<domain::User> Update(Tx& tx, const Scope& scope, const std::string& username,
                                      int64_t expected_version,
                                      absl::FunctionRef<absl::Status(domain::User&)> change,
                                      absl::Time now) override;
  absl::StatusOr<domain::User> SetPasswordHash(Tx& tx, const Scope& scope,
                                               const std::string& username,
                                               const std::string& password_hash,
                                               absl::Time now) override;
  absl::StatusOr<domain::User> Get(const Scope& scope, const std::string& username) override;
  absl::StatusOr<std::vector<domain::User>> List(const Scope& scope, const UserFilter& filter,
                                                 int limit,
                                                 const std::string& after_username) override;
  absl::StatusOr<std::optional<UserCredentials>> FindCredentials(
      const std::string& username) override;
  absl::StatusOr<bool> AnyUserWithRole(domain::Role role) override;

 private:
  ConnectionPool& pool_;
};

// Loads the district codes and (STATION) device MNs of `user` (used by the session
// repository too).
void LoadJurisdiction(sql::Connection& conn, domain::User& user);

}  // namespace ecocase::storage::mysql
