#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

// OpenSSL's EVP_MD_CTX, declared here so that OpenSSL headers stay out of ours.
struct evp_md_ctx_st;

namespace ecocase::security {

// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

// SHA-256 over data fed in pieces, for files too large to hold in memory:
//   Sha256Stream hash;
//   while (...) hash.Update(chunk);
//   std::string hex = hash.FinishHex();
// FinishHex() returns the same digest as Sha256Hex() of the concatenated pieces and leaves
// the stream empty again, ready for a new message. Not thread-safe; movable, not copyable (a
// moved-from stream may only be assigned to or destroyed).
class Sha256Stream final {
 public:
  Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;
  ~Sha256Stream();

  void Update(absl::string_view data);
  // 64 lower-case hex digits; resets the stream.
  std::string FinishHex();
  // Bytes fed since construction or the last FinishHex().
  int64_t size_bytes() const { return size_bytes_; }

 private:
  struct CtxDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
  int64_t size_bytes_ = 0;
};

}  // namespace ecocase::security
