#include "domain/principal.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace ecocase::domain {
namespace {

struct RoleNameRow {
  Role role;
  absl::string_view name;
};

constexpr RoleNameRow kRoleNames[] = {
    {Role::kAdmin, "ADMIN"},
    {Role::kSupervisor, "SUPERVISOR"},
    {Role::kOfficer, "OFFICER"},
    {Role::kHotlineOperator, "HOTLINE_OPERATOR"},
    {Role::kEnterprise, "ENTERPRISE"},
    {Role::kStation, "STATION"},
    {Role::kIntegration, "INTEGRATION"},
};

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& row : kRoleNames) {
    if (row.role == role) return row.name;
  }
  return "UNSPECIFIED";
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (const auto& row : kRoleNames) {
    if (row.name == name) return row.role;
  }
  return std::nullopt;
}

bool IsDistrictCode(absl::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool CodeCovers(absl::string_view scope_code, absl::string_view district_code) {
  if (!IsDistrictCode(scope_code) || !IsDistrictCode(district_code)) return false;
  if (scope_code == district_code) return true;
  if (absl::EndsWith(scope_code, "0000")) {
    return scope_code.substr(0, 2) == district_code.substr(0, 2);
  }
  if (absl::EndsWith(scope_code, "00")) {
    return scope_code.substr(0, 4) == district_code.substr(0, 4);
  }
  return false;
}

bool JurisdictionCovers(const Jurisdiction& jurisdiction, absl::string_view district_code) {
  for (const std::string& code : jurisdiction.district_codes) {
    if (CodeCovers(code, district_code)) return true;
  }
  return false;
}

}  // namespace ecocase::domain
