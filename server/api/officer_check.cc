#include "api/officer_check.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/scope.h"

namespace ecocase::api {

absl::Status CheckEnabledOfficer(storage::UserRepository& users, const std::string& username,
                                 absl::string_view field, absl::string_view district_code) {
  auto user = users.Get(storage::Scope::All(), username);
  if (absl::IsNotFound(user.status())) {
    return common::InvalidFieldError(field, absl::StrCat("users/", username, " does not exist"));
  }
  if (!user.ok()) return user.status();
  if (user->role != domain::Role::kOfficer || user->disabled) {
    return common::InvalidFieldError(
        field, absl::StrCat("users/", username, " is not an enabled OFFICER account"));
  }
  if (!district_code.empty() && !domain::JurisdictionCovers(user->jurisdiction, district_code)) {
    return common::InvalidFieldError(
        field, absl::StrCat("users/", username, " does not work in district ", district_code));
  }
  return absl::OkStatus();
}

absl::StatusOr<domain::User> CheckCertifiedEnforcer(storage::UserRepository& users,
                                                    const std::string& username,
                                                    absl::string_view field,
                                                    absl::string_view district_code,
                                                    absl::CivilDay day) {
  auto user = users.Get(storage::Scope::All(), username);
  if (absl::IsNotFound(user.status())) {
    return common::InvalidFieldError(field, absl::StrCat("users/", username, " does not exist"));
  }
  if (!user.ok()) return user.status();
  if ((user->role != domain::Role::kOfficer && user->role != domain::Role::kSupervisor) ||
      user->disabled) {
    return common::InvalidFieldError(
        field,
        absl::StrCat("users/", username, " is not an enabled OFFICER or SUPERVISOR account"));
  }
  if (!domain::JurisdictionCovers(user->jurisdiction, district_code)) {
    return common::InvalidFieldError(
        field, absl::StrCat("users/", username, " does not work in district ", district_code));
  }
  if (!user->certificate || !user->certificate->ValidOn(day)) {
    return common::InvalidFieldError(
        field,
        absl::StrCat("users/", username, " has no enforcement certificate (执法证) valid on ",
                     absl::FormatCivilTime(day)));
  }
  return *std::move(user);
}

}  // namespace ecocase::api
