#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/permit.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

// A permit row locked for a change, with its holder (locked first: every permit change
// locks the enterprise row, then the permit row, so "one in force per site" and "one
// permit per outlet" are decided by one transaction at a time).
struct LockedPermit {
  domain::PermitHolder holder;
  domain::Permit permit;
};

struct PermitFilter {
  std::string enterprise_uscc;  // Empty: all in scope.
  std::optional<domain::PermitState> state;
  std::string district_code;  // Empty: all in scope.
};

// The limit that applied to one outlet × pollutant at a moment, and where it comes from.
struct LimitInForce {
  std::string enterprise_uscc;
  std::string permit_number;
  int version = 0;
  domain::PermitLimit limit;
};

// An outlet as the public view shows it.
struct PublicOutlet {
  std::string code;
  std::string display_name;
};

// What the law makes public about a permit (信息公开), and nothing else.
struct PublicPermitView {
  domain::Permit permit;  // Only number, holder, state, validity, authority, limits are used.
  std::vector<PublicOutlet> outlets;  // The outlets its latest version limits.
};

// An enterprise and all its permits but drafts, for its status page.
struct EnterprisePermits {
  std::string uscc;
  std::string display_name;
  std::vector<domain::Permit> permits;
};

// Discharge permits, their immutable versions and limits. Reads take a Scope (the holder's
// district or the caller's enterprise): a permit outside it is NOT_FOUND, the same as one
// that does not exist.
class PermitRepository {
 public:
  virtual ~PermitRepository() = default;

  // Locks the enterprise `uscc` within `scope` and reads what a permit change checks
  // against: registered outlets and the permits in force. NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::PermitHolder> LockHolder(Tx& tx, const Scope& scope,
                                                          const std::string& uscc) = 0;
  // Locks the holder, then the permit. NOT_FOUND outside scope; ABORTED (ETAG_MISMATCH)
  // when `expected_version` is not 0 and not the permit's version.
  virtual absl::StatusOr<LockedPermit> Lock(Tx& tx, const Scope& scope,
                                            const domain::PermitKey& key,
                                            int64_t expected_version) = 0;
  // Inserts a new permit (edit.permit.id == 0) or updates a locked one, appending
  // edit.new_version with its limits. Returns the permit as stored (etag bumped).
  // ALREADY_EXISTS for a taken permit number; FAILED_PRECONDITION when another permit of
  // the same site is in force.
  virtual absl::StatusOr<domain::Permit> Save(Tx& tx, const domain::PermitHolder& holder,
                                              const domain::PermitEdit& edit, absl::Time now) = 0;

  virtual absl::StatusOr<domain::Permit> Get(const Scope& scope, const domain::PermitKey& key) = 0;
  // Ordered by permit number, those after `after_number`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::Permit>> List(const Scope& scope,
                                                           const PermitFilter& filter, int limit,
                                                           const std::string& after_number) = 0;
  // Newest first. NOT_FOUND outside scope.
  virtual absl::StatusOr<std::vector<domain::PermitVersion>> ListVersions(
      const Scope& scope, const domain::PermitKey& key) = 0;
  // The limit of the version that applied at `t` (domain::VersionAt, in one SQL
  // statement). NOT_FOUND when none applied or the outlet is outside scope.
  virtual absl::StatusOr<LimitInForce> FindLimitInForce(const Scope& scope, const std::string& uscc,
                                                        const std::string& outlet_code,
                                                        const std::string& pollutant_code,
                                                        absl::Time t) = 0;
  // NOT_FOUND for an enterprise outside scope.
  virtual absl::StatusOr<EnterprisePermits> ListForEnterprise(const Scope& scope,
                                                              const std::string& uscc) = 0;
  // Permits in force whose last day is on or before `last_day`, soonest first (then by
  // number), after the (valid_until, number) key `after`, at most `limit`.
  struct ExpiringKey {
    absl::CivilDay valid_until;
    std::string permit_number;
  };
  virtual absl::StatusOr<std::vector<domain::Permit>> ListExpiring(
      const Scope& scope, absl::CivilDay last_day, int limit,
      const std::optional<ExpiringKey>& after) = 0;
  // Permits in force whose last day is before `today`, at most `limit` (for the sweep).
  virtual absl::StatusOr<std::vector<domain::PermitKey>> ListDueForExpiry(absl::CivilDay today,
                                                                          int limit) = 0;
  // The public view of an issued permit; NOT_FOUND for drafts and unknown numbers.
  virtual absl::StatusOr<PublicPermitView> GetPublic(const std::string& permit_number) = 0;
};

}  // namespace ecocase::storage
