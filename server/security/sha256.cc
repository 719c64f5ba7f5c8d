#include "security/sha256.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace ecocase::security {
namespace {

// EVP digest calls on SHA-256 fail only when memory runs out; there is nothing to recover.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "ecocase: FATAL: %s failed (OpenSSL error %lu)\n", what, ERR_get_error());
  std::abort();
}

std::string HexOf(const unsigned char* digest, size_t size) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexOf(digest, sizeof(digest));
}

void Sha256Stream::CtxDeleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) DieOpenSsl("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) DieOpenSsl("EVP_DigestInit_ex");
}

Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;
Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::Update(absl::string_view data) {
  if (data.empty()) return;
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    DieOpenSsl("EVP_DigestUpdate");
  }
  size_bytes_ += static_cast<int64_t>(data.size());
}

std::string Sha256Stream::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1) DieOpenSsl("EVP_DigestFinal_ex");
  if (EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) DieOpenSsl("EVP_DigestInit_ex");
  size_bytes_ = 0;
  return HexOf(digest, length);
}

}  // namespace ecocase::security
