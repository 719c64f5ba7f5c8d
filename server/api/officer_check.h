#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/user_repository.h"

namespace ecocase::api {

// OK when `username` (bare) is an enabled OFFICER account whose jurisdiction covers
// `district_code` (when not empty); INVALID_ARGUMENT naming `field` otherwise; the
// repository's error when it fails. For requests that name officers: re-inspections,
// complaint dispatch.
absl::Status CheckEnabledOfficer(storage::UserRepository& users, const std::string& username,
                                 absl::string_view field, absl::string_view district_code = "");

}  // namespace ecocase::api
