#include "domain/hj212/decryptor.h"

#include "absl/strings/str_cat.h"

namespace ecocase::domain::hj212 {
namespace {

constexpr size_t kBlock = 16;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> DecryptCpArea(const CpDecryptor& cipher, absl::string_view area,
                                          const Sm4Key& key) {
  size_t whole = area.size() / kBlock * kBlock;
  if (whole == 0) return std::string(area);
  absl::StatusOr<std::string> plain = cipher.DecryptCp(area.substr(0, whole), key);
  if (!plain.ok()) return plain.status();
  if (plain->size() != whole) return absl::InternalError("decryptor changed the length");
  plain->append(area.data() + whole, area.size() - whole);
  return plain;
}

absl::StatusOr<std::string> EncryptCpArea(const CpDecryptor& cipher, absl::string_view area,
                                          const Sm4Key& key) {
  size_t whole = area.size() / kBlock * kBlock;
  if (whole == 0) return std::string(area);
  absl::StatusOr<std::string> sealed = cipher.EncryptCp(area.substr(0, whole), key);
  if (!sealed.ok()) return sealed.status();
  if (sealed->size() != whole) return absl::InternalError("encryptor changed the length");
  sealed->append(area.data() + whole, area.size() - whole);
  return sealed;
}

absl::StatusOr<std::string> UnhexPrintedCiphertext(absl::string_view area) {
  if (area.substr(0, 3) != "{0x") return absl::InvalidArgumentError("not a {0x..} ciphertext");
  size_t close = area.find('}');
  if (close == absl::string_view::npos) return absl::InvalidArgumentError("no closing '}'");
  std::string bytes;
  absl::string_view list = area.substr(1, close - 1);
  while (!list.empty()) {
    // Each item is exactly "0xHH", items separated by ','.
    if (list.size() < 4 || list[0] != '0' || (list[1] != 'x' && list[1] != 'X')) {
      return absl::InvalidArgumentError(absl::StrCat("bad item at offset ", bytes.size()));
    }
    int high = HexValue(list[2]);
    int low = HexValue(list[3]);
    if (high < 0 || low < 0) return absl::InvalidArgumentError("bad hex digit");
    bytes.push_back(static_cast<char>(high * 16 + low));
    list.remove_prefix(4);
    if (list.empty()) break;
    if (list[0] != ',') return absl::InvalidArgumentError("items must be separated by ','");
    list.remove_prefix(1);
    if (list.empty()) return absl::InvalidArgumentError("trailing ','");
  }
  if (bytes.empty() || bytes.size() % kBlock != 0) {
    return absl::InvalidArgumentError("ciphertext is not whole 16-byte blocks");
  }
  bytes.append(area.data() + close + 1, area.size() - close - 1);
  return bytes;
}

}  // namespace ecocase::domain::hj212
