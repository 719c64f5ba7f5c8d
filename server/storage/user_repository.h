#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/user.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct UserFilter {
  std::optional<domain::Role> role;
  bool include_disabled = false;
};

// What a sign-in needs: the user and the stored password hash.
struct UserCredentials {
  domain::User user;
  std::string password_hash;
};

// Users and their jurisdictions. Reads take a Scope: a user outside it is NOT_FOUND, the
// same as one that does not exist.
class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // ALREADY_EXISTS for a taken username.
  virtual absl::StatusOr<domain::User> Create(Tx& tx, domain::User user,
                                              const std::string& password_hash,
                                              absl::Time now) = 0;
  // Locks the user, checks `expected_version` (0: any), applies `change` and stores the
  // result with the version bumped. NOT_FOUND outside `scope`; ABORTED for a stale version.
  virtual absl::StatusOr<domain::User> Update(
      Tx& tx, const Scope& scope, const std::string& username, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::User&)> change, absl::Time now) = 0;
  // Stores a new password hash and bumps the version.
  virtual absl::StatusOr<domain::User> SetPasswordHash(Tx& tx, const Scope& scope,
                                                       const std::string& username,
                                                       const std::string& password_hash,
                                                       absl::Time now) = 0;

  virtual absl::StatusOr<domain::User> Get(const Scope& scope, const std::string& username) = 0;
  // Ordered by username, those after `after_username`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::User>> List(const Scope& scope,
                                                         const UserFilter& filter, int limit,
                                                         const std::string& after_username) = 0;
  // For sign-in; nullopt when there is no such user.
  virtual absl::StatusOr<std::optional<UserCredentials>> FindCredentials(
      const std::string& username) = 0;
  virtual absl::StatusOr<bool> AnyUserWithRole(domain::Role role) = 0;
};

}  // namespace ecocase::storage
