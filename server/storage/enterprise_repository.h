#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/enterprise.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct EnterpriseFilter {
  // Only enterprises in this district; a city (xxxx00) or province (xx0000) code covers
  // its districts. Empty: any. Must be a six-digit code when set.
  std::string district_code;
  std::optional<domain::ManagementClass> management_class;
  // Only enterprises whose registered name contains this text (taken literally: `%` and
  // `_` match themselves). Empty: any.
  std::string name_contains;
};

// The registry: enterprises, their outlets and the monitoring devices bound to them.
// Every read and write takes a Scope; for outlets and devices it is the owning
// enterprise's (district or USCC). Anything outside it is NOT_FOUND, the same as absent.
class EnterpriseRepository {
 public:
  virtual ~EnterpriseRepository() = default;

  // Stores a validated enterprise with its contacts (version 1). ALREADY_EXISTS for a
  // registered USCC.
  virtual absl::StatusOr<domain::Enterprise> Create(Tx& tx, domain::Enterprise enterprise,
                                                    absl::Time now) = 0;
  virtual absl::StatusOr<domain::Enterprise> Get(const Scope& scope, const std::string& uscc) = 0;
  // Ordered by USCC, those after `after_uscc`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::Enterprise>> List(const Scope& scope,
                                                               const EnterpriseFilter& filter,
                                                               int limit,
                                                               const std::string& after_uscc) = 0;
  // Locks the enterprise, checks `expected_version` (0: any), applies `change` (which
  // validates) and stores the result with the version bumped. NOT_FOUND outside `scope`;
  // ABORTED (reason ETAG_MISMATCH) for a stale version.
  virtual absl::StatusOr<domain::Enterprise> Update(
      Tx& tx, const Scope& scope, const std::string& uscc, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::Enterprise&)> change, absl::Time now) = 0;

  // Adds a validated outlet to the enterprise `outlet.enterprise_uscc`. NOT_FOUND for an
  // enterprise outside `scope`; ALREADY_EXISTS for a code the enterprise already has.
  virtual absl::StatusOr<domain::Outlet> CreateOutlet(Tx& tx, const Scope& scope,
                                                      domain::Outlet outlet, absl::Time now) = 0;
  virtual absl::StatusOr<domain::Outlet> GetOutlet(const Scope& scope, const std::string& uscc,
                                                   const std::string& code) = 0;
  // The enterprise's outlets ordered by code, those after `after_code`, at most `limit`.
  // NOT_FOUND when the enterprise is outside `scope`.
  virtual absl::StatusOr<std::vector<domain::Outlet>> ListOutlets(
      const Scope& scope, const std::string& uscc, int limit, const std::string& after_code) = 0;
  // As Update, for an outlet (display name, location, pollutants).
  virtual absl::StatusOr<domain::Outlet> UpdateOutlet(
      Tx& tx, const Scope& scope, const std::string& uscc, const std::string& code,
      int64_t expected_version, absl::FunctionRef<absl::Status(domain::Outlet&)> change,
      absl::Time now) = 0;

  // Binds MN `mn` to the outlet with its protocol profile (SM4 keys included) and opens a
  // binding-history row at `now`. A device known but unbound is rebound (with the new
  // password hash and profile). NOT_FOUND for an outlet outside `scope`; ALREADY_EXISTS
  // when the MN is bound anywhere in the system. The returned device carries no keys.
  virtual absl::StatusOr<domain::Device> BindDevice(Tx& tx, const Scope& scope,
                                                    const std::string& uscc,
                                                    const std::string& code, const std::string& mn,
                                                    const std::string& password_hash,
                                                    const domain::hj212::DeviceProfile& protocol,
                                                    absl::Time now) = 0;
  // Releases the MN from its outlet and closes its binding-history row at `now`; returns
  // the device as it was bound (outlet, bind time, district). NOT_FOUND when it is not
  // bound to an outlet inside `scope`; FAILED_PRECONDITION when a caller who sees
  // everything names a known but unbound MN.
  virtual absl::StatusOr<domain::Device> UnbindDevice(Tx& tx, const Scope& scope,
                                                      const std::string& mn, absl::Time now) = 0;
};

}  // namespace ecocase::storage
