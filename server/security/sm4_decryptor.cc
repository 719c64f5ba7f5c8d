#include "security/sm4_decryptor.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace ecocase::security {
namespace {

constexpr size_t kBlock = 16;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

absl::StatusOr<std::string> Sm4Ecb(absl::string_view input, const domain::hj212::Sm4Key& key,
                                   bool encrypt) {
  if (input.size() % kBlock != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SM4-ECB without padding needs whole 16-byte blocks, got ", input.size()));
  }
  if (input.empty()) return std::string();
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return absl::ResourceExhaustedError("EVP_CIPHER_CTX_new failed");
  // EVP_sm4_ecb is null when OpenSSL was built without SM4 (Debian 12's 3.0 has it).
  const EVP_CIPHER* cipher = EVP_sm4_ecb();
  if (cipher == nullptr ||
      EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) != 1) {
    return absl::InternalError("SM4-ECB is not available in this OpenSSL");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);  // HJ 212-2025 §6.4.2: "Nopadding"
  std::string out(input.size() + kBlock, '\0');
  int written = 0;
  int final_written = 0;
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), out_bytes, &written,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out_bytes + written, &final_written) != 1) {
    return absl::InternalError("SM4-ECB failed");
  }
  out.resize(static_cast<size_t>(written + final_written));
  return out;
}

}  // namespace

absl::StatusOr<std::string> Sm4CpDecryptor::DecryptCp(absl::string_view ciphertext,
                                                      const domain::hj212::Sm4Key& key) const {
  return Sm4Ecb(ciphertext, key, /*encrypt=*/false);
}

absl::StatusOr<std::string> Sm4CpDecryptor::EncryptCp(absl::string_view plaintext,
                                                      const domain::hj212::Sm4Key& key) const {
  return Sm4Ecb(plaintext, key, /*encrypt=*/true);
}

}  // namespace ecocase::security
