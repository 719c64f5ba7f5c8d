#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecocase::domain::hj212 {

// The standard a device speaks. The values are the Flag version bits (Flag >> 2).
enum class ProtocolVersion {
  k2005 = 0,  // HJ/T 212-2005: Flag 0-3 or absent, 14-character MN
  k2017 = 1,  // HJ 212-2017: Flag 4-7
  k2025 = 2,  // HJ 212-2025: Flag 8-11, RF, SM4 of the CP area
};

absl::string_view ProtocolVersionName(ProtocolVersion version);  // "2005", "2017", "2025"

enum class Strictness {
  // §1.13 strict: all of QN ST CN PW MN Flag with their standard formats, CRLF, byte length
  // <= 1024, CP <= 950, the registered version only.
  kStrict,
  // §1.13 lenient (legacy devices): QN/Flag/PW may be absent, formats are only checked to be
  // printable, LF-only terminator and character-counted length are noted, length <= 9999, and
  // a version mismatch is a note instead of a rejection.
  kLenient,
};

enum class CrcMode {
  kHj212,           // only the Appendix A CRC
  kHj212OrModbus,   // also CRC-16/MODBUS and its byte swap (lenient profiles only, §1.9)
};

enum class CpEncryption {
  kNone,      // the CP area is always plaintext
  kOptional,  // HJ 212-2025 private networks: decrypt when the CP area is not plain text
  kRequired,  // HJ 212-2025 on the Internet: CN 2000-2999, 1014 and 3020 must be encrypted
};

// A 16-byte SM4 key. Secret: never log it or put it in a Rejection detail.
using Sm4Key = std::array<uint8_t, 16>;

inline constexpr size_t kMaxDataLengthStrict = 1024;  // Table 2 / Table 3
inline constexpr size_t kMaxDataLengthLenient = 9999;  // what 4 digits can say
inline constexpr size_t kMaxCpLength = 950;

// What the bureau registered for one device (one MN). The protocol is the source of truth:
// the Flag bits of a frame are checked against it, never used to guess another version.
struct DeviceProfile {
  ProtocolVersion version = ProtocolVersion::k2017;
  Strictness strictness = Strictness::kStrict;
  CrcMode crc_mode = CrcMode::kHj212;
  CpEncryption encryption = CpEncryption::kNone;
  // Tried in order (current key first). Around a CN 1014 rotation the caller puts the keys
  // valid at that moment here; the decoder has no clock.
  std::vector<Sm4Key> sm4_keys;
  // The registered PW; unset means the caller checks it elsewhere.
  std::optional<std::string> password;

  bool lenient() const { return strictness == Strictness::kLenient; }
  size_t max_data_length() const {
    return lenient() ? kMaxDataLengthLenient : kMaxDataLengthStrict;
  }
};

// INVALID_ARGUMENT for combinations the rules do not allow: MODBUS CRC on a strict profile,
// encryption before 2025, or encryption without a key.
absl::Status ValidateProfile(const DeviceProfile& profile);

}  // namespace ecocase::domain::hj212
