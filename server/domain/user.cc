#include "domain/user.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "domain/enterprise.h"
#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

constexpr size_t kMaxDistricts = 50;
constexpr size_t kMaxStationDevices = 100;

bool IsUsernameChar(char c) {
  return absl::ascii_islower(static_cast<unsigned char>(c)) ||
         absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool IsValidUsername(absl::string_view u) {
  if (u.size() < 3 || u.size() > 64) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(u.front()))) return false;
  for (char c : u) {
    if (!IsUsernameChar(c)) return false;
  }
  return true;
}

// Code points of UTF-8 text, or -1 if it holds control characters.
int DisplayLength(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return -1;
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

absl::StatusOr<std::string> UsernameFromName(absl::string_view name, absl::string_view field) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "users/") || !IsValidUsername(rest)) {
    return common::InvalidFieldError(field, "must be `users/{username}`");
  }
  return std::string(rest);
}

absl::Status ValidateUser(User& user, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!IsValidUsername(user.username)) {
    return common::InvalidFieldError(
        field("username"),
        "must be 3-64 characters of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit");
  }
  int display = DisplayLength(user.display_name);
  if (display < 1 || display > 64) {
    return common::InvalidFieldError(field("display_name"),
                                     "must be 1-64 characters without control characters");
  }
  if (user.role == Role::kUnspecified) {
    return common::InvalidFieldError(field("role"), "is required");
  }
  Jurisdiction& j = user.jurisdiction;
  if (user.role == Role::kEnterprise) {
    if (!j.district_codes.empty()) {
      return common::InvalidFieldError(
          field("district_codes"), "must be empty for ROLE_ENTERPRISE: its scope is its enterprise");
    }
    auto uscc = NormalizeUscc(j.enterprise_uscc);
    if (!uscc.ok()) return common::InvalidFieldError(field("enterprise_uscc"), uscc.status().message());
    j.enterprise_uscc = *uscc;
  } else {
    if (!j.enterprise_uscc.empty()) {
      return common::InvalidFieldError(field("enterprise_uscc"),
                                       "is only for ROLE_ENTERPRISE users");
    }
    if (j.district_codes.empty() || j.district_codes.size() > kMaxDistricts) {
      return common::InvalidFieldError(field("district_codes"),
                                       "must hold 1-50 GB/T 2260 codes (e.g. 410800 or 410802)");
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < j.district_codes.size(); ++i) {
      const std::string& code = j.district_codes[i];
      if (!IsDistrictCode(code)) {
        return common::InvalidFieldError(absl::StrCat(field("district_codes"), "[", i, "]"),
                                         "must be a six-digit GB/T 2260 code");
      }
      if (!seen.insert(code).second) {
        return common::InvalidFieldError(absl::StrCat(field("district_codes"), "[", i, "]"),
                                         "is listed twice");
      }
    }
  }
  if (user.role == Role::kStation) {
    if (j.device_mns.empty() || j.device_mns.size() > kMaxStationDevices) {
      return common::InvalidFieldError(
          field("device_mns"),
          "must hold 1-100 MNs for ROLE_STATION: the devices it may send readings for");
    }
    // The database compares MNs without regard to case, so "ab1" and "AB1" are one device.
    std::set<std::string> seen;
    for (size_t i = 0; i < j.device_mns.size(); ++i) {
      const std::string& mn = j.device_mns[i];
      std::string at = absl::StrCat(field("device_mns"), "[", i, "]");
      if (!IsMn(mn)) {
        return common::InvalidFieldError(at, "must be an HJ 212 MN: 1-24 letters and digits");
      }
      if (!seen.insert(absl::AsciiStrToUpper(mn)).second) {
        return common::InvalidFieldError(at, "is listed twice");
      }
    }
  } else if (!j.device_mns.empty()) {
    return common::InvalidFieldError(field("device_mns"), "is only for ROLE_STATION users");
  }
  if (user.certificate.has_value()) {
    const EnforcementCertificate& c = *user.certificate;
    if (c.number.empty() || c.number.size() > 64 || DisplayLength(c.number) < 0) {
      return common::InvalidFieldError(field("certificate.number"), "must be 1-64 characters");
    }
    if (c.valid_until < c.valid_from) {
      return common::InvalidFieldError(field("certificate.valid_until"),
                                       "must not be before valid_from");
    }
  }
  return absl::OkStatus();
}

}  // namespace ecocase::domain
