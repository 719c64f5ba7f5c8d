#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace ecocase::storage::mysql {

// Splits a migration file into single statements at `;` outside quotes and comments
// (Connector/C++ runs one statement per call). `--`, `#` and `/* */` comments are
// dropped; empty statements are skipped. An unterminated quote or comment is an error.
absl::StatusOr<std::vector<std::string>> SplitSqlScript(absl::string_view script);

}  // namespace ecocase::storage::mysql
