#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ecocase::storage::mysql {

// DATETIME(6) columns hold UTC with whole microseconds. Times are bound and read as text
// in that form, so C++ and the table compare exactly the same values.
std::string FormatSqlTime(absl::Time t);
// Parses "YYYY-MM-DD HH:MM:SS[.ffffff]" as UTC; INTERNAL for anything else.
absl::StatusOr<absl::Time> ParseSqlTime(const std::string& text);
// `t` without its sub-microsecond part.
absl::Time TruncateToMicros(absl::Time t);

}  // namespace ecocase::storage::mysql
