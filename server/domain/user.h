#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/principal.h"

namespace ecocase::domain {

// An officer's administrative enforcement certificate (执法证).
struct EnforcementCertificate {
  std::string number;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;

  // Whether it is valid on `day` (both ends included).
  bool ValidOn(absl::CivilDay day) const { return valid_from <= day && day <= valid_until; }
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kUnspecified;
  Jurisdiction jurisdiction;
  std::optional<EnforcementCertificate> certificate;
  bool disabled = false;
  int64_t version = 0;  // Bumped by every change; the etag.
  absl::Time create_time;
  absl::Time update_time;

  std::string ResourceName() const { return "users/" + username; }
};

// `users/{username}` -> username; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> UsernameFromName(absl::string_view name, absl::string_view field);

// Checks a user about to be stored. Errors are INVALID_ARGUMENT naming the field under
// `prefix` (e.g. "user.district_codes"). Normalises the USCC in place.
absl::Status ValidateUser(User& user, absl::string_view prefix);

}  // namespace ecocase::domain
