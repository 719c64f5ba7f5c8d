#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/user.h"
#include "storage/user_repository.h"

namespace ecocase::api {

// OK when `username` (bare) is an enabled OFFICER account whose jurisdiction covers
// `district_code` (when not empty); INVALID_ARGUMENT naming `field` otherwise; the
// repository's error when it fails. For requests that name officers: re-inspections,
// complaint dispatch.
absl::Status CheckEnabledOfficer(storage::UserRepository& users, const std::string& username,
                                 absl::string_view field, absl::string_view district_code = "");

// OK when `username` (bare) is an enabled OFFICER or SUPERVISOR account whose jurisdiction
// covers `district_code`; INVALID_ARGUMENT naming `field` otherwise. For those who capture
// evidence.
absl::Status CheckEnabledEnforcer(storage::UserRepository& users, const std::string& username,
                                  absl::string_view field, absl::string_view district_code);

// The account of an enforcement officer who may be assigned to a case (行政处罚法 art. 42):
// an enabled OFFICER or SUPERVISOR whose jurisdiction covers `district_code` and whose
// certificate (执法证) is valid on `day`; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<domain::User> CheckCertifiedEnforcer(storage::UserRepository& users,
                                                    const std::string& username,
                                                    absl::string_view field,
                                                    absl::string_view district_code,
                                                    absl::CivilDay day);

}  // namespace ecocase::api
