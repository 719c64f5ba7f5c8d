#include "security/tokens.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "security/sha256.h"

namespace ecocase::security {
namespace {

constexpr int kTokenBytes = 32;

// Without randomness every credential we would hand out is guessable; stop instead.
[[noreturn]] void DieNoRandomness(const char* what) {
  std::fprintf(stderr, "ecocase: FATAL: RAND_bytes failed while creating %s (OpenSSL error %lu)\n",
               what, ERR_get_error());
  std::abort();
}

void FillRandom(unsigned char* out, int size, const char* what) {
  if (RAND_bytes(out, size) != 1) DieNoRandomness(what);
}

// 57 characters: digits 2-9, A-Z without I and O, a-z without l.
constexpr absl::string_view kPasswordAlphabet =
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
// Bytes >= 228 (4 * 57) are rejected so every character is equally likely.
constexpr unsigned kAcceptBelow = 256 / kPasswordAlphabet.size() * kPasswordAlphabet.size();

}  // namespace

std::string NewOpaqueToken() {
  unsigned char bytes[kTokenBytes];
  FillRandom(bytes, sizeof(bytes), "a token");
  std::string token =
      absl::StrCat(kOpaqueTokenPrefix, absl::WebSafeBase64Escape(absl::string_view(
                                           reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  OPENSSL_cleanse(bytes, sizeof(bytes));
  return token;
}

std::string TokenDigest(absl::string_view token) { return Sha256Hex(token); }

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;  // data() may be null.
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomPassword(int length) {
  static_assert(kPasswordAlphabet.size() == 57);
  std::string password;
  if (length <= 0) return password;
  password.reserve(static_cast<size_t>(length));
  unsigned char buffer[64];
  while (password.size() < static_cast<size_t>(length)) {
    FillRandom(buffer, sizeof(buffer), "a password");
    for (unsigned char b : buffer) {
      if (b >= kAcceptBelow) continue;
      password.push_back(kPasswordAlphabet[b % kPasswordAlphabet.size()]);
      if (password.size() == static_cast<size_t>(length)) break;
    }
  }
  OPENSSL_cleanse(buffer, sizeof(buffer));
  return password;
}

}  // namespace ecocase::security
