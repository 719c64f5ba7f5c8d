#include "security/field_cipher.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecocase::security {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kKeyIdBytes = 4;
constexpr size_t kMaxKeyFileBytes = 4096;
constexpr size_t kMaxAadBytes = 4096;
constexpr absl::string_view kVersion = "v1";
constexpr absl::string_view kDataKeyInfo = "ecocase field encryption v1";
constexpr absl::string_view kLookupKeyInfo = "ecocase reporter lookup v1";
constexpr absl::string_view kKeyIdInfo = "ecocase key id v1";

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::string_view View(const std::array<unsigned char, FieldCipher::kMasterKeyBytes>& key) {
  return absl::string_view(reinterpret_cast<const char*>(key.data()), key.size());
}

// Wipes a std::string holding secret bytes before it is freed.
struct SecretString {
  std::string value;
  ~SecretString() { OPENSSL_cleanse(value.data(), value.size()); }
};

[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "ecocase: FATAL: %s failed (OpenSSL error %lu)\n", what,
               ERR_get_error());
  std::abort();
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsLowerHex(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

absl::Status BlobError(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("encrypted field cannot be decrypted: ", what));
}

}  // namespace

namespace crypto_internal {

absl::StatusOr<std::string> HkdfSha256(absl::string_view ikm, absl::string_view salt,
                                       absl::string_view info, size_t length) {
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
  if (kdf == nullptr) return absl::InternalError("HKDF is not available in this OpenSSL");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (ctx == nullptr) return absl::InternalError("EVP_KDF_CTX_new failed");
  // OSSL_PARAM takes non-const pointers but only reads through them.
  char digest[] = "SHA256";
  std::vector<OSSL_PARAM> params;
  params.push_back(OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0));
  params.push_back(OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()), ikm.size()));
  // An absent salt means HashLen zero bytes (RFC 5869 §2.2), which OpenSSL applies itself.
  if (!salt.empty()) {
    params.push_back(OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()));
  }
  if (!info.empty()) {
    params.push_back(OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()));
  }
  params.push_back(OSSL_PARAM_construct_end());
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     params.data()) != 1) {
    return absl::InternalError("HKDF-SHA256 derivation failed");
  }
  return out;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  // HMAC() may not take a null data pointer even for zero bytes.
  static const unsigned char kEmpty = 0;
  const unsigned char* data_bytes = data.empty() ? &kEmpty : Bytes(data);
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data_bytes, data.size(), mac,
           &mac_size) == nullptr) {
    DieOpenSsl("HMAC-SHA256");
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

absl::StatusOr<std::string> Aes256GcmSeal(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view plaintext) {
  if (key.size() != 32 || nonce.size() != kNonceBytes) {
    return absl::InvalidArgumentError("AES-256-GCM needs a 32-byte key and a 12-byte nonce");
  }
  if (plaintext.size() > FieldCipher::kMaxPlaintextBytes || aad.size() > kMaxAadBytes) {
    return absl::InvalidArgumentError("AES-256-GCM input too long");
  }
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return absl::InternalError("EVP_CIPHER_CTX_new failed");
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  int written = 0;
  int final_written = 0;
  // 12 bytes is GCM's default IV length, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1) {
    return absl::InternalError("AES-256-GCM init failed");
  }
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &written, Bytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return absl::InternalError("AES-256-GCM AAD failed");
  }
  written = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), out_bytes, &written, Bytes(plaintext),
                                              static_cast<int>(plaintext.size())) != 1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  if (EVP_EncryptFinal_ex(ctx.get(), out_bytes + written, &final_written) != 1 ||
      static_cast<size_t>(written + final_written) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out_bytes + plaintext.size()) != 1) {
    return absl::InternalError("AES-256-GCM finalisation failed");
  }
  return out;
}

absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view sealed) {
  if (key.size() != 32 || nonce.size() != kNonceBytes) {
    return absl::InvalidArgumentError("AES-256-GCM needs a 32-byte key and a 12-byte nonce");
  }
  if (sealed.size() < kTagBytes) return absl::DataLossError("AES-256-GCM input lacks a tag");
  if (sealed.size() > FieldCipher::kMaxPlaintextBytes + kTagBytes ||
      aad.size() > kMaxAadBytes) {
    return absl::DataLossError("AES-256-GCM input too long");
  }
  const absl::string_view ciphertext = sealed.substr(0, sealed.size() - kTagBytes);
  std::string tag(sealed.substr(ciphertext.size()));
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return absl::InternalError("EVP_CIPHER_CTX_new failed");
  SecretString out{std::string(ciphertext.size(), '\0')};
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.value.data());
  int written = 0;
  int final_written = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1) {
    return absl::InternalError("AES-256-GCM init failed");
  }
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &written, Bytes(aad),
                                        static_cast<int>(aad.size())) != 1) {
    return absl::InternalError("AES-256-GCM AAD failed");
  }
  written = 0;
  if (!ciphertext.empty() && EVP_DecryptUpdate(ctx.get(), out_bytes, &written, Bytes(ciphertext),
                                               static_cast<int>(ciphertext.size())) != 1) {
    return absl::InternalError("AES-256-GCM decryption failed");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) != 1) {
    return absl::InternalError("AES-256-GCM tag setup failed");
  }
  // Final is where the tag is checked; until it passes, `out` is unauthenticated and is
  // wiped by SecretString rather than returned.
  if (EVP_DecryptFinal_ex(ctx.get(), out_bytes + written, &final_written) != 1) {
    return absl::DataLossError("AES-256-GCM authentication failed");
  }
  out.value.resize(static_cast<size_t>(written + final_written));
  return std::move(out.value);
}

}  // namespace crypto_internal

FieldCipher::FieldCipher(Key data_key, Key lookup_key, std::string key_id)
    : data_key_(data_key), lookup_key_(lookup_key), key_id_(std::move(key_id)) {}

FieldCipher::~FieldCipher() {
  OPENSSL_cleanse(data_key_.data(), data_key_.size());
  OPENSSL_cleanse(lookup_key_.data(), lookup_key_.size());
}

absl::StatusOr<FieldCipher> FieldCipher::FromKeyText(absl::string_view text,
                                                      absl::string_view source) {
  // Messages say what is wrong with the shape of the text, never what it contains.
  const absl::string_view hex = absl::StripAsciiWhitespace(text);
  if (hex.size() != 2 * kMasterKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": expected ", 2 * kMasterKeyBytes, " hex digits (a ", kMasterKeyBytes,
        "-byte key, e.g. from `openssl rand -hex 32`), got ", hex.size(), " characters"));
  }
  SecretString master{std::string(kMasterKeyBytes, '\0')};
  for (size_t i = 0; i < kMasterKeyBytes; ++i) {
    const int high = HexValue(hex[2 * i]);
    const int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": character ", 2 * i + (high < 0 ? 1 : 2),
                       " is not a hex digit (0-9, a-f)"));
    }
    master.value[i] = static_cast<char>(high * 16 + low);
  }
  if (std::all_of(master.value.begin(), master.value.end(),
                  [&](char c) { return c == master.value[0]; })) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": all bytes of the key are equal, which looks like a placeholder; "
                             "generate one with `openssl rand -hex 32`"));
  }

  Key keys[2];
  const absl::string_view infos[2] = {kDataKeyInfo, kLookupKeyInfo};
  for (int k = 0; k < 2; ++k) {
    absl::StatusOr<std::string> derived =
        crypto_internal::HkdfSha256(master.value, "", infos[k], kMasterKeyBytes);
    if (!derived.ok()) return derived.status();
    SecretString wipe{std::move(*derived)};
    std::memcpy(keys[k].data(), wipe.value.data(), kMasterKeyBytes);
  }
  absl::StatusOr<std::string> id =
      crypto_internal::HkdfSha256(master.value, "", kKeyIdInfo, kKeyIdBytes);
  if (!id.ok()) return id.status();
  FieldCipher cipher(keys[0], keys[1], absl::BytesToHexString(*id));
  OPENSSL_cleanse(keys, sizeof(keys));
  return cipher;
}

absl::StatusOr<FieldCipher> FieldCipher::FromFile(const std::string& path,
                                                   KeyFileAccess access) {
  // open + fstat on the descriptor, so the checked file is the file read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err),
                        absl::StrCat("cannot open key file ", path, ": ", std::strerror(err)));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err),
                        absl::StrCat("cannot stat key file ", path, ": ", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("key file ", path, " is not a regular file"));
  }
  if (access == KeyFileAccess::kOwnerOnly && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "key file %s has mode %04o, which lets its group or other users access it; run "
        "`chmod 600 %s` (or allow shared access for a container secret mount)",
        path, st.st_mode & 07777, path));
  }
  if (static_cast<size_t>(st.st_size) > kMaxKeyFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat("key file ", path, " is larger than ",
                                                   kMaxKeyFileBytes, " bytes"));
  }
  SecretString text{std::string(kMaxKeyFileBytes + 1, '\0')};
  size_t total = 0;
  while (total < text.value.size()) {
    const ssize_t n = ::read(fd, text.value.data() + total, text.value.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      return absl::Status(absl::ErrnoToStatusCode(err),
                          absl::StrCat("cannot read key file ", path, ": ", std::strerror(err)));
    }
    if (n == 0) break;
    total += static_cast<size_t>(n);
  }
  if (total > kMaxKeyFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat("key file ", path, " is larger than ",
                                                   kMaxKeyFileBytes, " bytes"));
  }
  return FromKeyText(absl::string_view(text.value.data(), total), absl::StrCat("key file ", path));
}

std::string FieldCipher::NewKeyText() {
  unsigned char bytes[kMasterKeyBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) DieOpenSsl("RAND_bytes for a field key");
  std::string text = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  OPENSSL_cleanse(bytes, sizeof(bytes));
  return text;
}

absl::StatusOr<std::string> FieldCipher::Encrypt(absl::string_view plaintext,
                                                 absl::string_view context) const {
  if (context.empty()) {
    return absl::InvalidArgumentError("field encryption needs a context naming the column");
  }
  if (plaintext.size() > kMaxPlaintextBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("field to encrypt is longer than ", kMaxPlaintextBytes, " bytes"));
  }
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof(nonce)) != 1) {
    return absl::InternalError("RAND_bytes failed while encrypting a field");
  }
  const absl::string_view nonce_view(reinterpret_cast<const char*>(nonce), sizeof(nonce));
  const std::string header = absl::StrCat(kVersion, ":", key_id_, ":");
  absl::StatusOr<std::string> sealed = crypto_internal::Aes256GcmSeal(
      View(data_key_), nonce_view, absl::StrCat(header, context), plaintext);
  if (!sealed.ok()) return sealed.status();
  return absl::StrCat(header, absl::Base64Escape(absl::StrCat(nonce_view, *sealed)));
}

absl::StatusOr<std::string> FieldCipher::Decrypt(absl::string_view blob,
                                                 absl::string_view context) const {
  if (context.empty()) {
    return absl::InvalidArgumentError("field decryption needs a context naming the column");
  }
  // "v1:" + 8 hex + ":" + base64; nothing of the blob is echoed (it may be plaintext).
  const size_t first = blob.find(':');
  if (first == absl::string_view::npos) return BlobError("not a versioned blob");
  if (blob.substr(0, first) != kVersion) return BlobError("unsupported blob version");
  const absl::string_view rest = blob.substr(first + 1);
  const size_t second = rest.find(':');
  if (second != 2 * kKeyIdBytes || !IsLowerHex(rest.substr(0, second))) {
    return BlobError("malformed key id");
  }
  const absl::string_view blob_key_id = rest.substr(0, second);
  if (blob_key_id != key_id_) {
    // Key ids are not secret and say which key to load.
    return BlobError(absl::StrCat("encrypted under key id ", blob_key_id,
                                  ", this server holds key id ", key_id_));
  }
  const absl::string_view payload = rest.substr(second + 1);
  std::string raw;
  // Re-encoding must give the same text: absl accepts unpadded input, and one stored
  // value should have one spelling.
  if (!absl::Base64Unescape(payload, &raw) || absl::Base64Escape(raw) != payload) {
    return BlobError("payload is not canonical base64");
  }
  if (raw.size() < kNonceBytes + kTagBytes) return BlobError("payload is truncated");
  if (raw.size() > kNonceBytes + kMaxPlaintextBytes + kTagBytes) {
    return BlobError("payload is too long");
  }
  const absl::string_view raw_view(raw);
  absl::StatusOr<std::string> plaintext = crypto_internal::Aes256GcmOpen(
      View(data_key_), raw_view.substr(0, kNonceBytes),
      absl::StrCat(kVersion, ":", key_id_, ":", context), raw_view.substr(kNonceBytes));
  if (!plaintext.ok()) {
    if (plaintext.status().code() != absl::StatusCode::kDataLoss) return plaintext.status();
    return BlobError(absl::StrCat("authentication failed (tampered, stored under a context other "
                                  "than ",
                                  context, ", or encrypted with another key)"));
  }
  return plaintext;
}

std::string FieldCipher::LookupHash(absl::string_view normalized_value,
                                    absl::string_view purpose) const {
  // The length prefix keeps (purpose, value) pairs unambiguous: ("a:b", "c") != ("a", "b:c").
  SecretString message{absl::StrCat(purpose.size(), ":", purpose, ":", normalized_value)};
  return absl::BytesToHexString(crypto_internal::HmacSha256(View(lookup_key_), message.value));
}

}  // namespace ecocase::security
