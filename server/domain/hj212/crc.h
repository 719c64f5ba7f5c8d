#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ecocase::domain::hj212 {

// Which CRC a frame carries. HJ 212 (Appendix A of 2017 and 2025) is the only standard one;
// the MODBUS forms are what some devices and libraries send by mistake (domain-rules §1.9)
// and only a lenient profile accepts them.
enum class CrcVariant {
  kHj212,          // crc = (crc >> 8) ^ byte, then 8 reflected steps with 0xA001
  kModbus,         // CRC-16/MODBUS: crc ^= byte; printed high byte first
  kModbusSwapped,  // CRC-16/MODBUS with its two bytes swapped
};

// The Appendix A CRC. Not CRC-16/MODBUS: it throws away the low byte before each byte, so it
// has only 256 possible values and guards framing, not integrity. "123456789" -> 0x2F80.
uint16_t Crc16Hj212(absl::string_view data);

// CRC-16/MODBUS (init 0xFFFF, reflected 0xA001). "123456789" -> 0x4B37.
uint16_t Crc16Modbus(absl::string_view data);

uint16_t ComputeCrc(CrcVariant variant, absl::string_view data);

// Four upper-case hex digits, high byte first, as the frame carries them: 0x1C80 -> "1C80".
std::string CrcHex(uint16_t crc);

// Parses the 4-character CRC field, case-insensitively ("1dc0" is seen in the field).
std::optional<uint16_t> ParseCrcHex(absl::string_view field);

absl::string_view CrcVariantName(CrcVariant variant);

}  // namespace ecocase::domain::hj212
