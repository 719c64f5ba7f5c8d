#include "common/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace ecocase::common {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetMinLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

void AppendJsonString(std::string& out, absl::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));  // UTF-8 passes through unchanged.
        }
    }
  }
  out.push_back('"');
}

Log::Log(LogLevel level, absl::string_view event)
    : enabled_(static_cast<int>(level) >= min_level.load()) {
  if (!enabled_) return;
  line_ = "{\"time\":";
  AppendJsonString(line_, absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                           absl::UTCTimeZone()));
  line_ += ",\"level\":";
  AppendJsonString(line_, LevelName(level));
  line_ += ",\"event\":";
  AppendJsonString(line_, event);
}

Log::~Log() {
  if (!enabled_) return;
  line_ += "}\n";
  std::fwrite(line_.data(), 1, line_.size(), stderr);
}

void Log::Key(absl::string_view key) {
  line_.push_back(',');
  AppendJsonString(line_, key);
  line_.push_back(':');
}

Log& Log::Str(absl::string_view key, absl::string_view value) {
  if (!enabled_) return *this;
  Key(key);
  AppendJsonString(line_, value);
  return *this;
}

Log& Log::Int(absl::string_view key, int64_t value) {
  if (!enabled_) return *this;
  Key(key);
  absl::StrAppend(&line_, value);
  return *this;
}

Log& Log::Num(absl::string_view key, double value) {
  if (!enabled_) return *this;
  Key(key);
  absl::StrAppendFormat(&line_, "%.6g", value);
  return *this;
}

Log& Log::Bool(absl::string_view key, bool value) {
  if (!enabled_) return *this;
  Key(key);
  line_ += value ? "true" : "false";
  return *this;
}

}  // namespace ecocase::common
