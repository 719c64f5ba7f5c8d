#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/geo_point.h"
#include "domain/hj212/profile.h"
#include "domain/principal.h"

namespace ecocase::domain {

// 排污许可管理类别 (条例 art. 2, 24). Values match ecocase.v1.ManagementClass.
enum class ManagementClass {
  kUnspecified = 0,
  kKey = 1,           // 重点管理
  kSimplified = 2,    // 简化管理
  kRegistration = 3,  // 登记管理 (排污登记)
};

// "KEY", "SIMPLIFIED", "REGISTRATION" as stored in the database.
absl::string_view ManagementClassName(ManagementClass management_class);
std::optional<ManagementClass> ManagementClassFromName(absl::string_view name);

// A contact person of an enterprise. Personal data: never in audit records or logs.
struct Contact {
  std::string name;
  std::string title;
  std::string phone;
};

// A discharging unit (排污单位), known by its unified social credit code.
struct Enterprise {
  int64_t id = 0;
  std::string uscc;
  std::string display_name;
  std::string address;
  std::string district_code;  // GB/T 2260; what officers' jurisdictions cover.
  std::string industry_code;  // GB/T 4754, e.g. D4411.
  ManagementClass management_class = ManagementClass::kUnspecified;
  bool key_discharger = false;
  std::optional<GeoPoint> location;
  std::vector<Contact> contacts;
  int64_t version = 0;  // Bumped by every change; the etag.
  absl::Time create_time;
  absl::Time update_time;

  std::string ResourceName() const { return "enterprises/" + uscc; }
};

// What an outlet discharges into. Values match ecocase.v1.OutletKind.
enum class OutletKind {
  kUnspecified = 0,
  kAir = 1,    // 废气排放口, DA###
  kWater = 2,  // 废水排放口, DW###
};

// "AIR", "WATER" as stored in the database.
absl::string_view OutletKindName(OutletKind kind);
std::optional<OutletKind> OutletKindFromName(absl::string_view name);

// An HJ 212 data acquisition device (数采仪) known by its MN, and where it reports.
struct Device {
  std::string mn;
  // The outlet it is bound to; both empty once unbound.
  std::string enterprise_uscc;
  std::string outlet_code;
  std::optional<absl::Time> bind_time;
  // The owning enterprise's district (for audit records); empty once unbound.
  std::string district_code;
  // How it speaks HJ 212, as registered when it was bound (DeviceProfileFor). `password`
  // stays unset: the PW is stored only as a hash. `sm4_keys` is secret: the registry
  // stores it on bind but never reads it back (only the ingest doors need it).
  hj212::DeviceProfile protocol;

  std::string ResourceName() const { return "devices/" + mn; }
  // `enterprises/{uscc}/outlets/{code}`, or empty once unbound.
  std::string OutletName() const;
};

// A discharge outlet (排放口, HJ 608-2017) of an enterprise.
struct Outlet {
  int64_t id = 0;
  std::string enterprise_uscc;
  std::string code;                            // DA001 …, DW001 …
  OutletKind kind = OutletKind::kUnspecified;  // From the code.
  std::string display_name;
  std::optional<GeoPoint> location;
  std::vector<std::string> pollutant_codes;  // HJ 212 factor codes, sorted.
  std::vector<Device> devices;               // Currently bound, by MN.
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
  // The owning enterprise's district (for audit records).
  std::string district_code;

  std::string ResourceName() const;
};

// Form checks (no database), each true for a well-formed value.
// GB/T 4754 industry code: a section letter A-T and 2-4 digits (D44, D4411, C3011).
bool IsIndustryCode(absl::string_view code);
// HJ 608-2017 outlet code: D, then A (air) or W (water), then three digits.
bool IsHj608OutletCode(absl::string_view code);
// HJ 212-2017 pollutant factor code: a (air, HJ 524) or w (water, HJ 525) and 5 digits.
bool IsHj212FactorCode(absl::string_view code);
// HJ 212 MN: 1-24 letters and digits.
bool IsMn(absl::string_view mn);

// The kind an outlet code implies; kUnspecified for a malformed code.
OutletKind OutletKindFromCode(absl::string_view code);

// Resource names. Each returns INVALID_ARGUMENT naming `field` for a malformed name; the
// USCC comes back normalised (NormalizeUscc).
absl::StatusOr<std::string> UsccFromEnterpriseName(absl::string_view name, absl::string_view field);
struct OutletRef {
  std::string enterprise_uscc;
  std::string code;
};
absl::StatusOr<OutletRef> OutletRefFromName(absl::string_view name, absl::string_view field);
absl::StatusOr<std::string> MnFromDeviceName(absl::string_view name, absl::string_view field);

// Checks an enterprise about to be stored. Errors are INVALID_ARGUMENT naming the field
// under `prefix` (e.g. "enterprise.contacts[1].phone"). Normalises the USCC in place.
absl::Status ValidateEnterprise(Enterprise& enterprise, absl::string_view prefix);
// Checks an outlet about to be stored; sets `kind` from the code and sorts the pollutant
// codes. Air outlets take a-codes, water outlets w-codes; at least one, none twice.
absl::Status ValidateOutlet(Outlet& outlet, absl::string_view prefix);
// INVALID_ARGUMENT naming `field` unless `mn` is a well-formed MN.
absl::Status ValidateMn(absl::string_view mn, absl::string_view field);
// INVALID_ARGUMENT naming `field` unless the HJ 212 access password (PW) is 6-64
// printable ASCII characters other than space and the frame separators `;` `,` `=` `&`.
// The message never repeats it.
absl::Status ValidateDevicePassword(absl::string_view password, absl::string_view field);

// The HJ 212 protocol a bind request asks for (ecocase.v1.DeviceProtocol).
struct DeviceProtocolRequest {
  hj212::ProtocolVersion version = hj212::ProtocolVersion::k2017;
  bool lenient = false;
  hj212::CpEncryption encryption = hj212::CpEncryption::kNone;
  // Secret. 32 hex digits, or the 16 characters HJ 212-2025 CN 1014 carries; empty
  // without encryption.
  std::string sm4_key;
};

// The profile to register for a device. Strict devices are judged by the Appendix A CRC
// only; lenient (legacy) ones also by CRC-16/MODBUS, which many of them compute. Errors are
// INVALID_ARGUMENT naming the field under `prefix` (e.g. "protocol.sm4_key"): encryption
// before HJ 212-2025, encryption without a key, a key without encryption, a malformed key.
// No message repeats the key.
absl::StatusOr<hj212::DeviceProfile> DeviceProfileFor(const DeviceProtocolRequest& request,
                                                      absl::string_view prefix);

// An SM4 key as the bureau hands it over: 32 hex digits (either case), or 16 printable
// ASCII characters used as the key bytes (hj212::Sm4KeyFromText). nullopt otherwise.
std::optional<hj212::Sm4Key> ParseSm4Key(absl::string_view text);

// The device profile as stored (the `device` columns of V004) and back.
absl::string_view ProtocolVersionStoredName(hj212::ProtocolVersion version);  // "2017"
std::optional<hj212::ProtocolVersion> ProtocolVersionFromStoredName(absl::string_view name);
absl::string_view StrictnessName(hj212::Strictness strictness);  // "STRICT", "LENIENT"
std::optional<hj212::Strictness> StrictnessFromName(absl::string_view name);
absl::string_view CrcModeName(hj212::CrcMode mode);  // "HJ212", "HJ212_OR_MODBUS"
std::optional<hj212::CrcMode> CrcModeFromName(absl::string_view name);
// "NONE", "OPTIONAL", "REQUIRED".
absl::string_view CpEncryptionName(hj212::CpEncryption encryption);
std::optional<hj212::CpEncryption> CpEncryptionFromName(absl::string_view name);
// SM4 keys as stored: 32 lower-case hex digits each, comma separated, current key first.
// Secret, both ways. Empty text is no keys; nullopt for malformed text.
std::string Sm4KeysText(const std::vector<hj212::Sm4Key>& keys);
std::optional<std::vector<hj212::Sm4Key>> Sm4KeysFromText(absl::string_view text);

// Whether a caller in `role` sees enterprises' contact people and site locations: bureau
// staff and (within its own scope) the enterprise itself, not system accounts.
bool MaySeeEnterpriseContacts(Role role);

}  // namespace ecocase::domain
