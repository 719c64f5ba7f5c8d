#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecocase::domain {

// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
// 0-9 and A-Y without I, O, S, V, Z; the last is a check character over the first 17
// (weights 3^(i-1) mod 31). Returns the code normalised (upper case, spaces and hyphens
// removed) or INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<std::string> NormalizeUscc(absl::string_view code);

// The check character for the first 17 characters (which must be valid symbols).
char UsccCheckCharacter(absl::string_view first17);

}  // namespace ecocase::domain
