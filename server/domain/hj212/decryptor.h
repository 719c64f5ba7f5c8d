#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/hj212/profile.h"

namespace ecocase::domain::hj212 {

// SM4-ECB without padding (GB/T 32907-2016), the cipher HJ 212-2025 §6.4.2 prescribes for the
// CP area. The domain cannot call OpenSSL; security/Sm4CpDecryptor implements this.
class CpDecryptor {
 public:
  virtual ~CpDecryptor() = default;

  // Decrypts whole 16-byte blocks. INVALID_ARGUMENT if the size is not a multiple of 16.
  virtual absl::StatusOr<std::string> DecryptCp(absl::string_view ciphertext,
                                                const Sm4Key& key) const = 0;

  // The same primitive the other way, for host-to-device CN 1014 and for tests.
  // INVALID_ARGUMENT if the size is not a multiple of 16.
  virtual absl::StatusOr<std::string> EncryptCp(absl::string_view plaintext,
                                                const Sm4Key& key) const = 0;
};

// The HJ 212-2025 Appendix A.2 rule on a whole CP area (the bytes between "CP=&&" and the
// closing "&&"): every full 16-byte block is encrypted, a shorter tail stays plaintext.
absl::StatusOr<std::string> DecryptCpArea(const CpDecryptor& cipher, absl::string_view area,
                                          const Sm4Key& key);
absl::StatusOr<std::string> EncryptCpArea(const CpDecryptor& cipher, absl::string_view area,
                                          const Sm4Key& key);

// The {0xE4,0x3E,...} printed form some implementations send literally (hj212-2025.md
// §2.7.3, reading B), possibly followed by the plaintext tail. Returns the raw bytes + tail,
// or INVALID_ARGUMENT if `area` starts with "{0x" but is malformed. Precondition: area
// starts with "{0x".
absl::StatusOr<std::string> UnhexPrintedCiphertext(absl::string_view area);

}  // namespace ecocase::domain::hj212
