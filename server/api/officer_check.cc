#include "api/officer_check.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/scope.h"

namespace ecocase::api {

namespace {

// An enabled OFFICER (or SUPERVISOR too, when `supervisors`) account whose jurisdiction
// covers `district_code` (when not empty); INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<domain::User> EnabledStaff(storage::UserRepository& users,
                                          const std::string& username, absl::string_view field,
                                          absl::string_view district_code, bool supervisors) {
  auto user = users.Get(storage::Scope::All(), username);
  if (absl::IsNotFound(user.status())) {
    return common::InvalidFieldError(field, absl::StrCat("users/", username, " does not exist"));
  }
  if (!user.ok()) return user.status();
  const bool role_ok = user->role == domain::Role::kOfficer ||
                       (supervisors && user->role == domain::Role::kSupervisor);
  if (!role_ok || user->disabled) {
    return common::InvalidFieldError(
        field, absl::StrCat("users/", username, " is not an enabled ",
                            supervisors ? "OFFICER or SUPERVISOR" : "OFFICER", " account"));
  }
  if (!district_code.empty() && !domain::JurisdictionCovers(user->jurisdiction, district_code)) {
    return common::InvalidFieldError(
        field, absl::StrCat("users/", username, " does not work in district ", district_code));
  }
  return user;
}

}  // namespace

absl::Status CheckEnabledOfficer(storage::UserRepository& users, const std::string& username,
                                 absl::string_view field, absl::string_view district_code) {
  return EnabledStaff(users, username, field, district_code, /*supervisors=*/false).status();
}

absl::Status CheckEnabledEnforcer(storage::UserRepository& users, const std::string& username,
                                  absl::string_view field, absl::string_view district_code) {
  return EnabledStaff(users, username, field, district_code, /*supervisors=*/true).status();
}

absl::StatusOr<domain::User> CheckCertifiedEnforcer(storage::UserRepository& users,
                                                    const std::string& username,
                                                    absl::string_view field,
                                                    absl::string_view district_code,
                                                    absl::CivilDay day) {
  ECOCASE_ASSIGN_OR_RETURN(domain::User user, EnabledStaff(users, username, field, district_code,
                                                           /*supervisors=*/true));
  if (!user.certificate || !user.certificate->ValidOn(day)) {
    return common::InvalidFieldError(
        field,
        absl::StrCat("users/", username, " has no enforcement certificate (执法证) valid on ",
                     absl::FormatCivilTime(day)));
  }
  return user;
}

}  // namespace ecocase::api
