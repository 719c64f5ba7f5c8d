#include "domain/hj212/crc.h"

#include <array>

namespace ecocase::domain::hj212 {
namespace {

// The reflected 0xA001 table shared by both variants: T[x] is 8 shift/XOR steps from x.
constexpr std::array<uint16_t, 256> MakeTable() {
  std::array<uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ 0xA001u : crc >> 1;
    table[i] = static_cast<uint16_t>(crc);
  }
  return table;
}

constexpr std::array<uint16_t, 256> kTable = MakeTable();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

uint16_t Crc16Hj212(absl::string_view data) {
  uint16_t crc = 0xFFFF;
  for (unsigned char byte : data) {
    // Appendix A: the low byte is dropped ("crc_reg = (crc_reg >> 8) ^ byte").
    crc = kTable[((crc >> 8) ^ byte) & 0xFF];
  }
  return crc;
}

uint16_t Crc16Modbus(absl::string_view data) {
  uint16_t crc = 0xFFFF;
  for (unsigned char byte : data) {
    crc = static_cast<uint16_t>((crc >> 8) ^ kTable[(crc ^ byte) & 0xFF]);
  }
  return crc;
}

uint16_t ComputeCrc(CrcVariant variant, absl::string_view data) {
  switch (variant) {
    case CrcVariant::kHj212: return Crc16Hj212(data);
    case CrcVariant::kModbus: return Crc16Modbus(data);
    case CrcVariant::kModbusSwapped: {
      uint16_t crc = Crc16Modbus(data);
      return static_cast<uint16_t>((crc << 8) | (crc >> 8));
    }
  }
  return Crc16Hj212(data);
}

std::string CrcHex(uint16_t crc) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out(4, '0');
  for (int i = 3; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[crc & 0xF];
    crc = static_cast<uint16_t>(crc >> 4);
  }
  return out;
}

std::optional<uint16_t> ParseCrcHex(absl::string_view field) {
  if (field.size() != 4) return std::nullopt;
  unsigned value = 0;
  for (char c : field) {
    int digit = HexValue(c);
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return static_cast<uint16_t>(value);
}

absl::string_view CrcVariantName(CrcVariant variant) {
  switch (variant) {
    case CrcVariant::kHj212: return "hj212";
    case CrcVariant::kModbus: return "modbus";
    case CrcVariant::kModbusSwapped: return "modbus_swapped";
  }
  return "hj212";
}

}  // namespace ecocase::domain::hj212
