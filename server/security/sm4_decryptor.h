#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/hj212/decryptor.h"

namespace ecocase::security {

// SM4-ECB without padding (GB/T 32907-2016) through OpenSSL 3.0's EVP_sm4_ecb, for the
// HJ 212-2025 CP area. Stateless and thread-safe.
class Sm4CpDecryptor final : public domain::hj212::CpDecryptor {
 public:
  absl::StatusOr<std::string> DecryptCp(absl::string_view ciphertext,
                                        const domain::hj212::Sm4Key& key) const override;
  absl::StatusOr<std::string> EncryptCp(absl::string_view plaintext,
                                        const domain::hj212::Sm4Key& key) const override;
};

}  // namespace ecocase::security
