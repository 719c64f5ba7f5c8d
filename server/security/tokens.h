#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace ecocase::security {

// Prefix of every opaque token, so a leaked one is recognisable (secret scanners, logs).
inline constexpr absl::string_view kOpaqueTokenPrefix = "eco_";
// kOpaqueTokenPrefix + 43 base64url characters (32 random bytes, no padding).
inline constexpr size_t kOpaqueTokenLength = 47;

// A fresh 256-bit session/API token: "eco_" + 43 base64url characters. Aborts the process
// if the CSPRNG fails: issuing a guessable credential is worse than going down.
std::string NewOpaqueToken();

// SHA-256 of `token` as 64 lower-case hex digits: the only form that is stored, so a
// database dump does not hand out working tokens.
std::string TokenDigest(absl::string_view token);

// Compares in time that depends only on the lengths (the lengths themselves may leak).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// `length` random characters from letters and digits without look-alikes (no 0 O 1 l I),
// for demo users and admin resets: about 5.8 bits per character, uniform. Returns "" for
// length <= 0. Aborts if the CSPRNG fails.
std::string RandomPassword(int length);

}  // namespace ecocase::security
