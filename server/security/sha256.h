#pragma once

#include <string>
#include "absl/strings/string_view.h"

namespace ecocase::security {

// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

}  // namespace ecocase::security
