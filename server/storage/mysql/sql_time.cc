#include "storage/mysql/sql_time.h"

#include "absl/strings/str_cat.h"

namespace ecocase::storage::mysql {

std::string FormatSqlTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", TruncateToMicros(t), absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseSqlTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::InternalError(absl::StrCat("bad time '", text, "' in the database: ", error));
  }
  return t;
}

absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

}  // namespace ecocase::storage::mysql
