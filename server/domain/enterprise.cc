#include "domain/enterprise.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "domain/hj212/commands.h"
#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

constexpr size_t kMaxContacts = 20;
constexpr size_t kMaxPollutants = 100;

struct ClassNameRow {
  ManagementClass value;
  absl::string_view name;
};

constexpr ClassNameRow kClassNames[] = {
    {ManagementClass::kKey, "KEY"},
    {ManagementClass::kSimplified, "SIMPLIFIED"},
    {ManagementClass::kRegistration, "REGISTRATION"},
};

bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

// 0-15 for a hex digit of either case, else -1.
int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool AllDigits(absl::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

// Code points of UTF-8 text, or -1 if it holds control characters.
int DisplayLength(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return -1;
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool TextFits(absl::string_view s, int min, int max) {
  int n = DisplayLength(s);
  return n >= min && n <= max;
}

absl::Status ValidateLocation(const std::optional<GeoPoint>& location, const std::string& field) {
  if (!location.has_value()) return absl::OkStatus();
  if (!std::isfinite(location->latitude) || location->latitude < -90 || location->latitude > 90) {
    return common::InvalidFieldError(absl::StrCat(field, ".latitude"),
                                     "must be between -90 and 90 degrees (WGS-84)");
  }
  if (!std::isfinite(location->longitude) || location->longitude < -180 ||
      location->longitude > 180) {
    return common::InvalidFieldError(absl::StrCat(field, ".longitude"),
                                     "must be between -180 and 180 degrees (WGS-84)");
  }
  return absl::OkStatus();
}

bool IsPhone(absl::string_view phone) {
  if (phone.size() > 32) return false;
  return std::all_of(phone.begin(), phone.end(),
                     [](char c) { return IsDigit(c) || c == '+' || c == '-'; });
}

}  // namespace

absl::string_view ManagementClassName(ManagementClass management_class) {
  for (const auto& row : kClassNames) {
    if (row.value == management_class) return row.name;
  }
  return "UNSPECIFIED";
}

std::optional<ManagementClass> ManagementClassFromName(absl::string_view name) {
  for (const auto& row : kClassNames) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

absl::string_view OutletKindName(OutletKind kind) {
  switch (kind) {
    case OutletKind::kAir:
      return "AIR";
    case OutletKind::kWater:
      return "WATER";
    case OutletKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

std::optional<OutletKind> OutletKindFromName(absl::string_view name) {
  if (name == "AIR") return OutletKind::kAir;
  if (name == "WATER") return OutletKind::kWater;
  return std::nullopt;
}

std::string Device::OutletName() const {
  if (enterprise_uscc.empty()) return "";
  return absl::StrCat("enterprises/", enterprise_uscc, "/outlets/", outlet_code);
}

std::string Outlet::ResourceName() const {
  return absl::StrCat("enterprises/", enterprise_uscc, "/outlets/", code);
}

bool IsIndustryCode(absl::string_view code) {
  if (code.size() < 3 || code.size() > 5) return false;
  if (code[0] < 'A' || code[0] > 'T') return false;
  return AllDigits(code.substr(1));
}

bool IsHj608OutletCode(absl::string_view code) {
  return code.size() == 5 && code[0] == 'D' && (code[1] == 'A' || code[1] == 'W') &&
         AllDigits(code.substr(2));
}

bool IsHj212FactorCode(absl::string_view code) {
  return code.size() == 6 && (code[0] == 'a' || code[0] == 'w') && AllDigits(code.substr(1));
}

bool IsMn(absl::string_view mn) {
  if (mn.empty() || mn.size() > 24) return false;
  return std::all_of(mn.begin(), mn.end(),
                     [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); });
}

OutletKind OutletKindFromCode(absl::string_view code) {
  if (!IsHj608OutletCode(code)) return OutletKind::kUnspecified;
  return code[1] == 'A' ? OutletKind::kAir : OutletKind::kWater;
}

absl::StatusOr<std::string> UsccFromEnterpriseName(absl::string_view name,
                                                   absl::string_view field) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "enterprises/") || rest.empty() ||
      rest.find('/') != absl::string_view::npos) {
    return common::InvalidFieldError(field, "must be `enterprises/{uscc}`");
  }
  auto uscc = NormalizeUscc(rest);
  if (!uscc.ok()) {
    return common::InvalidFieldError(
        field, absl::StrCat("holds no valid credit code: ", uscc.status().message()));
  }
  return *uscc;
}

absl::StatusOr<OutletRef> OutletRefFromName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kForm = "must be `enterprises/{uscc}/outlets/{code}`";
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "enterprises/")) {
    return common::InvalidFieldError(field, kForm);
  }
  size_t slash = rest.find("/outlets/");
  if (slash == absl::string_view::npos) return common::InvalidFieldError(field, kForm);
  absl::string_view code = rest.substr(slash + 9);
  auto uscc = NormalizeUscc(rest.substr(0, slash));
  if (!uscc.ok()) {
    return common::InvalidFieldError(
        field, absl::StrCat("holds no valid credit code: ", uscc.status().message()));
  }
  if (!IsHj608OutletCode(code)) {
    return common::InvalidFieldError(field,
                                     "holds no valid outlet code (DA### for air, DW### for water)");
  }
  return OutletRef{*uscc, std::string(code)};
}

absl::StatusOr<std::string> MnFromDeviceName(absl::string_view name, absl::string_view field) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "devices/") || !IsMn(rest)) {
    return common::InvalidFieldError(field, "must be `devices/{mn}` (MN: 1-24 letters and digits)");
  }
  return std::string(rest);
}

absl::Status ValidateEnterprise(Enterprise& e, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  auto uscc = NormalizeUscc(e.uscc);
  if (!uscc.ok()) return common::InvalidFieldError(field("uscc"), uscc.status().message());
  e.uscc = *uscc;
  if (!TextFits(e.display_name, 1, 200)) {
    return common::InvalidFieldError(field("display_name"),
                                     "must be 1-200 characters without control characters");
  }
  if (!TextFits(e.address, 1, 300)) {
    return common::InvalidFieldError(field("address"),
                                     "must be 1-300 characters without control characters");
  }
  if (!IsDistrictCode(e.district_code)) {
    return common::InvalidFieldError(field("district_code"),
                                     "must be a six-digit GB/T 2260 code, e.g. 410802");
  }
  if (!IsIndustryCode(e.industry_code)) {
    return common::InvalidFieldError(
        field("industry_code"),
        "must be a GB/T 4754 code: a section letter A-T and 2-4 digits, e.g. D4411");
  }
  if (e.management_class == ManagementClass::kUnspecified) {
    return common::InvalidFieldError(
        field("management_class"),
        "is required: MANAGEMENT_CLASS_KEY, _SIMPLIFIED or _REGISTRATION");
  }
  if (absl::Status s = ValidateLocation(e.location, field("location")); !s.ok()) return s;
  if (e.contacts.size() > kMaxContacts) {
    return common::InvalidFieldError(field("contacts"), "must hold at most 20 people");
  }
  for (size_t i = 0; i < e.contacts.size(); ++i) {
    const Contact& c = e.contacts[i];
    std::string at = absl::StrCat(field("contacts"), "[", i, "]");
    if (!TextFits(c.name, 1, 64)) {
      return common::InvalidFieldError(absl::StrCat(at, ".name"), "is required: 1-64 characters");
    }
    if (!TextFits(c.title, 0, 64)) {
      return common::InvalidFieldError(absl::StrCat(at, ".title"), "must be at most 64 characters");
    }
    if (!IsPhone(c.phone)) {
      return common::InvalidFieldError(absl::StrCat(at, ".phone"),
                                       "must be at most 32 digits, `+` and `-`");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOutlet(Outlet& o, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  o.kind = OutletKindFromCode(o.code);
  if (o.kind == OutletKind::kUnspecified) {
    return common::InvalidFieldError(
        field("code"), "must be DA### (air) or DW### (water), e.g. DA001 (HJ 608-2017)");
  }
  if (!TextFits(o.display_name, 1, 100)) {
    return common::InvalidFieldError(field("display_name"),
                                     "must be 1-100 characters without control characters");
  }
  if (absl::Status s = ValidateLocation(o.location, field("location")); !s.ok()) return s;
  if (o.pollutant_codes.empty() || o.pollutant_codes.size() > kMaxPollutants) {
    return common::InvalidFieldError(field("pollutant_codes"),
                                     "must name 1-100 HJ 212 factor codes, e.g. a21026");
  }
  const char element = o.kind == OutletKind::kAir ? 'a' : 'w';
  for (size_t i = 0; i < o.pollutant_codes.size(); ++i) {
    const std::string& code = o.pollutant_codes[i];
    std::string at = absl::StrCat(field("pollutant_codes"), "[", i, "]");
    if (!IsHj212FactorCode(code)) {
      return common::InvalidFieldError(
          at, "must be an HJ 212-2017 factor code: a or w and five digits, e.g. a21026");
    }
    if (code[0] != element) {
      return common::InvalidFieldError(
          at, o.kind == OutletKind::kAir ? "an air outlet (DA) monitors air factors (a#####)"
                                         : "a water outlet (DW) monitors water factors (w#####)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (o.pollutant_codes[j] == code) {
        return common::InvalidFieldError(at, "is listed twice");
      }
    }
  }
  std::sort(o.pollutant_codes.begin(), o.pollutant_codes.end());
  return absl::OkStatus();
}

absl::Status ValidateMn(absl::string_view mn, absl::string_view field) {
  if (!IsMn(mn)) {
    return common::InvalidFieldError(field, "must be an HJ 212 MN: 1-24 letters and digits");
  }
  return absl::OkStatus();
}

absl::Status ValidateDevicePassword(absl::string_view password, absl::string_view field) {
  // `;`, `,`, `=` and `&` separate fields of an HJ 212 frame: a PW holding one could never
  // be sent, so the device could never sign in.
  bool printable = std::all_of(password.begin(), password.end(), [](char c) {
    return c >= 0x21 && c <= 0x7e && c != ';' && c != ',' && c != '=' && c != '&';
  });
  if (password.size() < 6 || password.size() > 64 || !printable) {
    return common::InvalidFieldError(
        field,
        "must be 6-64 printable ASCII characters without spaces, `;`, `,`, `=` or `&` "
        "(the HJ 212 PW)");
  }
  return absl::OkStatus();
}

std::optional<hj212::Sm4Key> ParseSm4Key(absl::string_view text) {
  hj212::Sm4Key key{};
  if (text.size() == 2 * key.size()) {
    for (size_t i = 0; i < key.size(); ++i) {
      int high = HexDigitValue(text[2 * i]);
      int low = HexDigitValue(text[2 * i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      key[i] = static_cast<uint8_t>(high * 16 + low);
    }
    return key;
  }
  // The text form travels inside HJ 212 frames (CN 1014 NewSK): printable ASCII only.
  bool printable =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!printable) return std::nullopt;
  return hj212::Sm4KeyFromText(text);
}

absl::StatusOr<hj212::DeviceProfile> DeviceProfileFor(const DeviceProtocolRequest& request,
                                                      absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  hj212::DeviceProfile profile;
  profile.version = request.version;
  profile.strictness = request.lenient ? hj212::Strictness::kLenient : hj212::Strictness::kStrict;
  profile.crc_mode = request.lenient ? hj212::CrcMode::kHj212OrModbus : hj212::CrcMode::kHj212;
  profile.encryption = request.encryption;
  if (request.encryption == hj212::CpEncryption::kNone) {
    if (!request.sm4_key.empty()) {
      return common::InvalidFieldError(
          field("sm4_key"), "is only for encrypting devices (encryption OPTIONAL or REQUIRED)");
    }
  } else {
    if (request.version != hj212::ProtocolVersion::k2025) {
      return common::InvalidFieldError(
          field("encryption"), "SM4 encryption of the CP area exists only in HJ 212-2025");
    }
    if (request.sm4_key.empty()) {
      return common::InvalidFieldError(field("sm4_key"),
                                       "is required with encryption OPTIONAL or REQUIRED");
    }
    std::optional<hj212::Sm4Key> key = ParseSm4Key(request.sm4_key);
    if (!key.has_value()) {
      return common::InvalidFieldError(
          field("sm4_key"), "must be 32 hex digits or 16 printable ASCII characters");
    }
    profile.sm4_keys.push_back(*key);
  }
  // The codec's own rule for profiles; the checks above already name the field.
  if (absl::Status s = hj212::ValidateProfile(profile); !s.ok()) {
    return common::InvalidFieldError(prefix, s.message());
  }
  return profile;
}

absl::string_view ProtocolVersionStoredName(hj212::ProtocolVersion version) {
  return hj212::ProtocolVersionName(version);
}

std::optional<hj212::ProtocolVersion> ProtocolVersionFromStoredName(absl::string_view name) {
  for (hj212::ProtocolVersion v : {hj212::ProtocolVersion::k2005, hj212::ProtocolVersion::k2017,
                                   hj212::ProtocolVersion::k2025}) {
    if (hj212::ProtocolVersionName(v) == name) return v;
  }
  return std::nullopt;
}

absl::string_view StrictnessName(hj212::Strictness strictness) {
  return strictness == hj212::Strictness::kLenient ? "LENIENT" : "STRICT";
}

std::optional<hj212::Strictness> StrictnessFromName(absl::string_view name) {
  if (name == "STRICT") return hj212::Strictness::kStrict;
  if (name == "LENIENT") return hj212::Strictness::kLenient;
  return std::nullopt;
}

absl::string_view CrcModeName(hj212::CrcMode mode) {
  return mode == hj212::CrcMode::kHj212OrModbus ? "HJ212_OR_MODBUS" : "HJ212";
}

std::optional<hj212::CrcMode> CrcModeFromName(absl::string_view name) {
  if (name == "HJ212") return hj212::CrcMode::kHj212;
  if (name == "HJ212_OR_MODBUS") return hj212::CrcMode::kHj212OrModbus;
  return std::nullopt;
}

absl::string_view CpEncryptionName(hj212::CpEncryption encryption) {
  switch (encryption) {
    case hj212::CpEncryption::kNone:
      return "NONE";
    case hj212::CpEncryption::kOptional:
      return "OPTIONAL";
    case hj212::CpEncryption::kRequired:
      return "REQUIRED";
  }
  return "NONE";
}

std::optional<hj212::CpEncryption> CpEncryptionFromName(absl::string_view name) {
  if (name == "NONE") return hj212::CpEncryption::kNone;
  if (name == "OPTIONAL") return hj212::CpEncryption::kOptional;
  if (name == "REQUIRED") return hj212::CpEncryption::kRequired;
  return std::nullopt;
}

std::string Sm4KeysText(const std::vector<hj212::Sm4Key>& keys) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const hj212::Sm4Key& key : keys) {
    if (!out.empty()) out += ',';
    for (uint8_t b : key) {
      out += kHex[b >> 4];
      out += kHex[b & 0x0f];
    }
  }
  return out;
}

std::optional<std::vector<hj212::Sm4Key>> Sm4KeysFromText(absl::string_view text) {
  std::vector<hj212::Sm4Key> keys;
  if (text.empty()) return keys;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    // Only the hex form is stored; 16 characters here would be a damaged column.
    if (part.size() != 32) return std::nullopt;
    std::optional<hj212::Sm4Key> key = ParseSm4Key(part);
    if (!key.has_value()) return std::nullopt;
    keys.push_back(*key);
  }
  return keys;
}

bool MaySeeEnterpriseContacts(Role role) {
  switch (role) {
    case Role::kAdmin:
    case Role::kSupervisor:
    case Role::kOfficer:
    case Role::kHotlineOperator:
    case Role::kEnterprise:
      return true;
    default:
      return false;
  }
}

}  // namespace ecocase::domain
