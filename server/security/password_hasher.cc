#include "security/password_hasher.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace ecocase::security {
namespace {

constexpr absl::string_view kScheme = "pbkdf2-sha256";
constexpr int kSaltBytes = 16;
// Salts of other sizes are accepted so the size can change without invalidating old rows.
constexpr size_t kMinSaltBytes = 16;
constexpr size_t kMaxSaltBytes = 64;
constexpr int kHashBytes = 32;
constexpr int kMinIterations = 1;
// A corrupt or hostile row must not pin a login thread for long: 10M is ~2.3 s here.
constexpr int kMaxIterations = 10'000'000;
// HMAC pre-hashes long keys, so this is only a sanity bound (and keeps lengths in `int`).
constexpr size_t kMaxPasswordBytes = 4096;
// Longest well-formed encoding is far below this; reject junk before splitting it.
constexpr size_t kMaxEncodedBytes = 256;

constexpr size_t kMinPasswordCodePoints = 10;
constexpr size_t kMaxNewPasswordBytes = 128;

struct ParsedHash {
  int iterations = 0;
  std::string salt;
  std::string hash;
};

bool IsValidIterations(int iterations) {
  return iterations >= kMinIterations && iterations <= kMaxIterations;
}

// Strict decimal: digits only, no sign, no leading zero, no whitespace (SimpleAtoi alone
// would accept " +600000"), so every accepted string has one spelling.
bool ParseIterations(absl::string_view text, int* out) {
  if (text.empty() || text.size() > 8 || text[0] == '0') return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || !IsValidIterations(value)) return false;
  *out = value;
  return true;
}

// Canonical base64 only: re-encoding must give back the input. Rejects missing padding,
// stray characters and non-zero trailing bits, so one hash has exactly one encoding.
bool DecodeCanonicalBase64(absl::string_view text, std::string* out) {
  if (text.empty() || !absl::Base64Unescape(text, out)) return false;
  return absl::Base64Escape(*out) == text;
}

bool Parse(absl::string_view encoded, ParsedHash* out) {
  if (encoded.size() > kMaxEncodedBytes) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  if (!ParseIterations(parts[1], &out->iterations)) return false;
  if (!DecodeCanonicalBase64(parts[2], &out->salt) || out->salt.size() < kMinSaltBytes ||
      out->salt.size() > kMaxSaltBytes) {
    return false;
  }
  return DecodeCanonicalBase64(parts[3], &out->hash) && out->hash.size() == kHashBytes;
}

// PBKDF2-HMAC-SHA256 into `out` (kHashBytes). Callers have bounded every length.
bool Derive(absl::string_view password, absl::string_view salt, int iterations,
            unsigned char* out) {
  // data() of an empty view may be null; OpenSSL wants a real pointer.
  const char* pw = password.empty() ? "" : password.data();
  return PKCS5_PBKDF2_HMAC(pw, static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(), kHashBytes,
                           out) == 1;
}

// Decodes one UTF-8 sequence at the start of `s`; returns its length, or 0 if invalid
// (truncated, overlong, surrogate, beyond U+10FFFF).
size_t DecodeUtf8(absl::string_view s, uint32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return 0;  // Continuation byte or 0xF8..0xFF as a lead.
  }
  if (s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

bool IsControl(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

PasswordHasher::PasswordHasher(PasswordHashOptions options) : options_(options) {}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  if (!IsValidIterations(options_.pbkdf2_iterations)) {
    return absl::InvalidArgumentError(absl::StrCat("pbkdf2_iterations must be between ",
                                                   kMinIterations, " and ", kMaxIterations));
  }
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("password must be at most ", kMaxPasswordBytes, " bytes"));
  }
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) {
    return absl::InternalError("RAND_bytes failed: no salt for the password hash");
  }
  const absl::string_view salt_view(reinterpret_cast<const char*>(salt), sizeof(salt));
  unsigned char hash[kHashBytes];
  if (!Derive(password, salt_view, options_.pbkdf2_iterations, hash)) {
    return absl::InternalError("PKCS5_PBKDF2_HMAC failed");
  }
  std::string encoded = absl::StrCat(
      kScheme, "$", options_.pbkdf2_iterations, "$", absl::Base64Escape(salt_view), "$",
      absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(hash), sizeof(hash))));
  OPENSSL_cleanse(hash, sizeof(hash));
  return encoded;
}

bool PasswordHasher::Verify(absl::string_view password, absl::string_view encoded) const {
  if (password.size() > kMaxPasswordBytes) return false;
  ParsedHash parsed;
  if (!Parse(encoded, &parsed)) return false;
  unsigned char hash[kHashBytes];
  if (!Derive(password, parsed.salt, parsed.iterations, hash)) return false;
  const bool equal = CRYPTO_memcmp(hash, parsed.hash.data(), kHashBytes) == 0;
  OPENSSL_cleanse(hash, sizeof(hash));
  return equal;
}

bool PasswordHasher::NeedsRehash(absl::string_view encoded) const {
  ParsedHash parsed;
  if (!Parse(encoded, &parsed)) return true;
  return parsed.iterations < options_.pbkdf2_iterations || parsed.salt.size() != kSaltBytes;
}

void PasswordHasher::BurnTime(absl::string_view password) const {
  // Same work as Verify() of an up-to-date hash; the salt value does not change the cost.
  int iterations = options_.pbkdf2_iterations;
  if (iterations < kMinIterations) iterations = kMinIterations;
  if (iterations > kMaxIterations) iterations = kMaxIterations;
  if (password.size() > kMaxPasswordBytes) password = password.substr(0, kMaxPasswordBytes);
  static constexpr char kSalt[kSaltBytes] = {};
  unsigned char hash[kHashBytes];
  Derive(password, absl::string_view(kSalt, sizeof(kSalt)), iterations, hash);
  OPENSSL_cleanse(hash, sizeof(hash));
}

absl::Status ValidateNewPassword(absl::string_view password, absl::string_view field) {
  if (password.size() > kMaxNewPasswordBytes) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be at most ", kMaxNewPasswordBytes, " bytes"));
  }
  size_t code_points = 0;
  for (absl::string_view rest = password; !rest.empty(); ++code_points) {
    uint32_t cp = 0;
    const size_t length = DecodeUtf8(rest, &cp);
    if (length == 0) return common::InvalidFieldError(field, "must be valid UTF-8");
    if (IsControl(cp)) {
      return common::InvalidFieldError(field, "must not contain control characters");
    }
    rest.remove_prefix(length);
  }
  if (code_points < kMinPasswordCodePoints) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be at least ", kMinPasswordCodePoints, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace ecocase::security
