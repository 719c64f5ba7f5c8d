#include "domain/hj212/profile.h"

namespace ecocase::domain::hj212 {

absl::string_view ProtocolVersionName(ProtocolVersion version) {
  switch (version) {
    case ProtocolVersion::k2005: return "2005";
    case ProtocolVersion::k2017: return "2017";
    case ProtocolVersion::k2025: return "2025";
  }
  return "unknown";
}

absl::Status ValidateProfile(const DeviceProfile& profile) {
  if (profile.crc_mode == CrcMode::kHj212OrModbus && !profile.lenient()) {
    return absl::InvalidArgumentError("the MODBUS CRC variants are for lenient profiles only");
  }
  if (profile.encryption != CpEncryption::kNone) {
    if (profile.version != ProtocolVersion::k2025) {
      return absl::InvalidArgumentError("SM4 encryption of the CP area exists only in HJ 212-2025");
    }
    if (profile.sm4_keys.empty()) {
      return absl::InvalidArgumentError("an encrypting profile needs at least one SM4 key");
    }
  }
  return absl::OkStatus();
}

}  // namespace ecocase::domain::hj212
