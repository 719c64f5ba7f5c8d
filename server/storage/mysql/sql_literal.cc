#include "storage/mysql/sql_literal.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/mysql/sql_time.h"

namespace ecocase::storage::mysql {

void AppendSqlString(std::string& out, absl::string_view text) {
  out.push_back('\'');
  for (char c : text) {
    switch (c) {
      case '\0': out.append("\\0"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\\': out.append("\\\\"); break;
      case '\'': out.append("\\'"); break;
      case '"': out.append("\\\""); break;
      case '\x1a': out.append("\\Z"); break;
      default: out.push_back(c);
    }
  }
  out.push_back('\'');
}

bool AppendSqlDouble(std::string& out, const std::optional<double>& value) {
  if (!value.has_value()) {
    out.append("NULL");
    return true;
  }
  if (!std::isfinite(*value)) return false;
  char buffer[32];
  // Scientific and shortest: "1.5e+00" is a DOUBLE literal; "1.5" would be DECIMAL.
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, *value, std::chars_format::scientific);
  if (error != std::errc()) return false;
  out.append(buffer, end);
  return true;
}

void AppendSqlDateTimeMicros(std::string& out, absl::Time t) {
  absl::StrAppend(&out, "'", FormatSqlTime(t), "'");
}

namespace {

bool AppendDateTimeNumber(std::string& out, absl::Time t, bool micros) {
  const absl::TimeZone::CivilInfo info = absl::UTCTimeZone().At(TruncateToMicros(t));
  const absl::CivilSecond& c = info.cs;
  if (c.year() < 1000 || c.year() > 9999) return false;
  absl::StrAppendFormat(&out, "%04d%02d%02d%02d%02d%02d", c.year(), c.month(), c.day(), c.hour(),
                        c.minute(), c.second());
  if (micros) absl::StrAppendFormat(&out, ".%06d", absl::ToInt64Microseconds(info.subsecond));
  return true;
}

}  // namespace

bool AppendSqlDateTimeNumber(std::string& out, absl::Time t) {
  return AppendDateTimeNumber(out, t, false);
}

bool AppendSqlDateTimeMicrosNumber(std::string& out, absl::Time t) {
  return AppendDateTimeNumber(out, t, true);
}

}  // namespace ecocase::storage::mysql
