#pragma once

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/time.h"

namespace ecocase::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Sets the lowest level written; lines below it are dropped. Default kInfo.
void SetMinLogLevel(LogLevel level);

// One structured log line, written as a single JSON object to stderr when it goes out of
// scope, so lines from concurrent threads never interleave:
//   Log(LogLevel::kInfo, "rpc").Str("method", m).Int("latency_us", us);
// Callers must never pass secrets or personal data (passwords, tokens, reporter names and
// phones); field values are not inspected.
class Log final {
 public:
  Log(LogLevel level, absl::string_view event);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  Log& Str(absl::string_view key, absl::string_view value);
  Log& Int(absl::string_view key, int64_t value);
  Log& Num(absl::string_view key, double value);
  Log& Bool(absl::string_view key, bool value);

 private:
  void Key(absl::string_view key);
  bool enabled_;
  std::string line_;
};

// Appends `s` to `out` as a JSON string literal (quoted, escaped).
void AppendJsonString(std::string& out, absl::string_view s);

}  // namespace ecocase::common
