#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecocase::security {

// How FromFile treats a key file that its group or other users may access.
enum class KeyFileAccess {
  // Default: refuse (FAILED_PRECONDITION) any group/other permission bit, as ssh does for
  // private keys. The fix is `chmod 600 FILE`.
  kOwnerOnly,
  // Accept any mode: for container secret mounts (Docker 0444, Kubernetes' default 0644)
  // where the mount namespace, not the file mode, keeps other users out.
  kAllowShared,
};

// Encrypts personal fields at rest (reporter name and phone, domain-rules §5.1: the
// informant's identity is confidential) and computes keyed lookup hashes over them.
//
// Operators manage ONE secret: a 32-byte master key written as 64 hex digits
// (`openssl rand -hex 32`). Two independent keys are derived from it with HKDF-SHA256
// (RFC 5869, empty salt):
//   data key   = HKDF(master, info "ecocase field encryption v1"), for AES-256-GCM;
//   lookup key = HKDF(master, info "ecocase reporter lookup v1"), for HMAC-SHA256;
//   key id     = hex of the first 4 bytes of HKDF(master, info "ecocase key id v1").
// The key id is not secret; it names the key in blobs and in logs.
//
// Blob format (text, fits a VARCHAR/TEXT column):
//   "v1:" <key id, 8 lower-case hex> ":" <standard base64 with padding of
//   nonce (12 random bytes) | ciphertext | GCM tag (16 bytes)>
// The additional authenticated data is "v1:" <key id> ":" <context>, so a blob copied to
// another column or table (another context) does not decrypt. A blob has
// 12 + 4 * ceil((28 + plaintext bytes) / 3) characters: 52 for 0 bytes, 64 for an
// 11-digit phone.
//
// Key rotation (not built yet): a second cipher would decrypt blobs carrying the old key
// id; lookup hashes carry no key id and must be recomputed when the master key changes.
//
// Error messages never contain key material, plaintext, or any part of a blob but a
// well-formed key id (a column holding plaintext by mistake must not leak through an
// error).
//
// Immutable after construction; Encrypt/Decrypt/LookupHash are thread-safe.
class FieldCipher final {
 public:
  static constexpr size_t kMasterKeyBytes = 32;
  // Longest plaintext Encrypt accepts; personal fields are short.
  static constexpr size_t kMaxPlaintextBytes = 64 * 1024;

  // Parses a master key: exactly 64 hex digits (either case) after trimming ASCII
  // whitespace, e.g. the value of an environment variable. A key whose 32 bytes are all
  // equal (all zeros, all 0xff) is refused as a placeholder. `source` names where the text
  // came from (an environment variable or file name) in error messages.
  // INVALID_ARGUMENT on any error.
  static absl::StatusOr<FieldCipher> FromKeyText(
      absl::string_view text, absl::string_view source = "field encryption key");

  // Reads the master key text from a regular file (at most 4 KiB) and parses it as
  // FromKeyText does. NOT_FOUND / PERMISSION_DENIED etc. (from errno) if it cannot be
  // opened; FAILED_PRECONDITION if it is not a regular file, or if `access` is kOwnerOnly
  // and the mode grants group/other any permission; INVALID_ARGUMENT for bad contents.
  static absl::StatusOr<FieldCipher> FromFile(const std::string& path,
                                              KeyFileAccess access = KeyFileAccess::kOwnerOnly);

  // A fresh random master key as 64 lower-case hex digits (for setup scripts and tests).
  // Aborts if the CSPRNG fails.
  static std::string NewKeyText();

  FieldCipher(const FieldCipher&) = default;
  FieldCipher& operator=(const FieldCipher&) = default;
  FieldCipher(FieldCipher&&) = default;
  FieldCipher& operator=(FieldCipher&&) = default;
  ~FieldCipher();  // Wipes the derived keys.

  // 8 lower-case hex digits identifying the master key (not secret).
  const std::string& key_id() const { return key_id_; }

  // Encrypts `plaintext` bound to `context`, which names where the blob is stored, e.g.
  // "complaint_reporter.phone". Every call uses a fresh random nonce, so equal plaintexts
  // give different blobs (use LookupHash to find equal values). INVALID_ARGUMENT for an
  // empty context or a plaintext over kMaxPlaintextBytes; INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view context) const;

  // Reverses Encrypt. A stored blob that cannot be decrypted is DATA_LOSS whatever the
  // reason (malformed, unknown version, another key id, tampered, other context, wrong
  // key): the column no longer yields its value. The message says which, without
  // quoting the blob. INVALID_ARGUMENT only for an empty context (a caller bug).
  absl::StatusOr<std::string> Decrypt(absl::string_view blob, absl::string_view context) const;

  // HMAC-SHA256 with the lookup key over (decimal length of purpose, ":", purpose, ":",
  // value), as 64 lower-case hex digits. Deterministic, so a repeat reporter is found by
  // comparing hashes without decrypting anything. Callers pass the NORMALIZED value
  // (NormalizePhone) and a purpose naming the field, e.g. "reporter_phone", so equal
  // values of different fields do not match. Aborts if OpenSSL fails (a wrong hash would
  // silently break matching).
  std::string LookupHash(absl::string_view normalized_value, absl::string_view purpose) const;

 private:
  using Key = std::array<unsigned char, kMasterKeyBytes>;
  FieldCipher(Key data_key, Key lookup_key, std::string key_id);

  Key data_key_;
  Key lookup_key_;
  std::string key_id_;
};

// The primitives under FieldCipher, exposed for known-answer tests. Not for direct use:
// Aes256GcmSeal takes the nonce from its caller, and a repeated nonce breaks GCM.
namespace crypto_internal {

// RFC 5869 HKDF with SHA-256; `length` <= 255 * 32. INTERNAL if OpenSSL fails.
absl::StatusOr<std::string> HkdfSha256(absl::string_view ikm, absl::string_view salt,
                                       absl::string_view info, size_t length);

// Raw 32-byte HMAC-SHA256. Aborts if OpenSSL fails.
std::string HmacSha256(absl::string_view key, absl::string_view data);

// AES-256-GCM with a 12-byte nonce; returns ciphertext | 16-byte tag. INVALID_ARGUMENT
// for a wrong key or nonce size; INTERNAL if OpenSSL fails.
absl::StatusOr<std::string> Aes256GcmSeal(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view plaintext);

// Inverse of Aes256GcmSeal; DATA_LOSS if the tag does not verify.
absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key, absl::string_view nonce,
                                          absl::string_view aad, absl::string_view sealed);

}  // namespace crypto_internal
}  // namespace ecocase::security
