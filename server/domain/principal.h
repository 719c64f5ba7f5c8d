#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ecocase::domain {

// What a user may do (see authorization_policy.cc). Values match ecocase.v1.Role.
enum class Role {
  kUnspecified = 0,
  kAdmin = 1,
  kSupervisor = 2,
  kOfficer = 3,
  kHotlineOperator = 4,
  kEnterprise = 5,
  kStation = 6,
  kIntegration = 7,
};

// "ADMIN", "OFFICER", ... as stored in the database.
absl::string_view RoleName(Role role);
std::optional<Role> RoleFromName(absl::string_view name);

// Where a user may act: GB/T 2260 district codes, or for ENTERPRISE exactly one
// enterprise (its unified social credit code).
struct Jurisdiction {
  std::vector<std::string> district_codes;
  std::string enterprise_uscc;
  // STATION only: the device MNs this account may send readings for (1-100); empty for
  // every other role. (The initializer keeps `Jurisdiction{codes, uscc}` warning-free.)
  std::vector<std::string> device_mns = {};
};

// Whether `scope_code` covers `district_code`: equal, or a city code (xxxx00) covering its
// districts, or a province code (xx0000) covering its cities and districts.
bool CodeCovers(absl::string_view scope_code, absl::string_view district_code);
// Whether any of the jurisdiction's codes covers `district_code`.
bool JurisdictionCovers(const Jurisdiction& jurisdiction, absl::string_view district_code);
// A well-formed GB/T 2260 code: six digits.
bool IsDistrictCode(absl::string_view code);

// The authenticated caller of one RPC.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kUnspecified;
  Jurisdiction jurisdiction;
  int64_t session_id = 0;

  // The name used in audit records, idempotency keys and logs: `users/{username}`.
  std::string ResourceName() const { return "users/" + username; }
};

}  // namespace ecocase::domain
