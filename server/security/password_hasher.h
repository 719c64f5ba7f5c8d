#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecocase::security {

struct PasswordHashOptions {
  // PBKDF2-HMAC-SHA256 cost. The default is OWASP's current floor for PBKDF2-SHA256
  // (~0.14 s per hash on one core here); tests lower it. Valid range 1..10,000,000.
  int pbkdf2_iterations = 600000;
};

// Salted PBKDF2-HMAC-SHA256 password hashes in a self-describing text form:
//
//   pbkdf2-sha256$<iterations>$<salt, base64>$<32-byte hash, base64>
//
// The cost is stored with each hash, so raising `pbkdf2_iterations` later keeps old hashes
// valid; NeedsRehash() tells the login path when to store a fresh hash. Hashing is slow on
// purpose: run it off the RPC threads and rate-limit logins. Thread-safe (no mutable state).
class PasswordHasher final {
 public:
  explicit PasswordHasher(PasswordHashOptions options = {});

  // A fresh hash with a random 16-byte salt and the configured cost. INVALID_ARGUMENT if the
  // configured cost is out of range or the password is absurdly long (> 4096 bytes);
  // INTERNAL if OpenSSL fails. Does not apply the new-password policy: see
  // ValidateNewPassword().
  absl::StatusOr<std::string> Hash(absl::string_view password) const;

  // True iff `encoded` is a well-formed hash of `password`. Uses the cost stored in
  // `encoded`; anything malformed (unknown scheme, bad base64, cost outside 1..10,000,000)
  // is false, never a crash or a stall. Compares in constant time.
  bool Verify(absl::string_view password, absl::string_view encoded) const;

  // True if `encoded` should be replaced by Hash() after a successful Verify(): it is
  // malformed, or weaker than the current configuration (fewer iterations, other salt size).
  // A stored hash stronger than the configuration is kept (never downgrade).
  bool NeedsRehash(absl::string_view encoded) const;

  // Spends the same time as one Verify() at the configured cost and discards the result.
  // Call it when the username is unknown, so response time does not reveal which users
  // exist.
  void BurnTime(absl::string_view password) const;

 private:
  PasswordHashOptions options_;
};

// Policy for a password a user chooses (NIST SP 800-63B style: length only, no composition
// rules). INVALID_ARGUMENT (common::InvalidFieldError, so the client gets a BadRequest
// violation on `field`) if it is shorter than 10 characters (Unicode code points, so
// Chinese passwords count per character), longer than 128 bytes, not valid UTF-8, or
// contains a control character (U+0000..U+001F, U+007F..U+009F). `field` is the request
// field being checked, e.g. "new_password". The message never repeats the password.
absl::Status ValidateNewPassword(absl::string_view password, absl::string_view field = "password");

}  // namespace ecocase::security
