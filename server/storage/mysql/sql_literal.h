#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::storage::mysql {

// Values written into SQL text as literals, for the statements of the reading writer's
// batches (readings, devices' last_seen, evaluation requests), where a server-side prepare
// costs more than the work: preparing a multi-row INSERT of thousands of placeholders (parse,
// metadata sent back, close) took a fifth of MariaDB's CPU. Every other statement binds
// parameters.
//
// Each function appends to `out`. The escaping assumes the session settings every pooled
// connection gets (connection_pool.cc): a utf8mb4 connection, backslash escapes on (the
// sql_mode never names NO_BACKSLASH_ESCAPES).

// A quoted string literal, escaped as mysql_real_escape_string escapes it for utf8mb4.
void AppendSqlString(std::string& out, absl::string_view text);

// A double that reads back as exactly the same value: the shortest round-trip digits in
// exponent form, which the server parses as a DOUBLE (never as DECIMAL). NULL when absent.
// A value that is not finite has no SQL literal: false, and nothing appended.
[[nodiscard]] bool AppendSqlDouble(std::string& out, const std::optional<double>& value);

// 'YYYY-MM-DD HH:MM:SS.ffffff', UTC with whole microseconds, as FormatSqlTime (sql_time.h).
void AppendSqlDateTimeMicros(std::string& out, absl::Time t);

// A DATETIME as the number YYYYMMDDhhmmss (UTC, whole seconds), or YYYYMMDDhhmmss.ffffff
// (whole microseconds): MariaDB stores a number into a DATETIME column for less work than
// it spends on the quoted text. False, and nothing appended, outside the years 1000-9999
// that DATETIME holds, where the number would name another time.
[[nodiscard]] bool AppendSqlDateTimeNumber(std::string& out, absl::Time t);
[[nodiscard]] bool AppendSqlDateTimeMicrosNumber(std::string& out, absl::Time t);

}  // namespace ecocase::storage::mysql
