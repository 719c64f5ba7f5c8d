#pragma once

#include "absl/strings/string_view.h"
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ecocase::common {

// One setting, declared once with its default and help text.
struct ConfigKey {
  std::string name;           // snake_case; env var is ECOCASE_<NAME UPPERCASE>.
  std::string default_value;  // Text form, as it would appear in a file.
  std::string help;
  // Secrets may come only from the environment: never from a file that could be committed,
  // never from a flag that `ps` shows.
  bool env_only = false;
};

// Looks up an environment variable; injected so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

// Settings merged from, in increasing precedence: defaults, a `key = value` file
// (`--config=FILE` or ECOCASE_CONFIG; `#` comments), ECOCASE_* environment variables, and
// `--key=value` flags (`--flag` alone means true). Unknown keys are errors, so a typo in a
// deployment never silently falls back to a default.
class Config final {
 public:
  static absl::StatusOr<Config> Load(const std::vector<ConfigKey>& keys,
                                     const std::vector<std::string>& args,
                                     const EnvLookup& env);
  // Parses file text alone (used by Load and by tests).
  static absl::StatusOr<std::map<std::string, std::string>> ParseFile(
      absl::string_view text, absl::string_view file_name);

  const std::string& Get(const std::string& name) const;
  absl::StatusOr<int> GetInt(const std::string& name, int min, int max) const;
  absl::StatusOr<bool> GetBool(const std::string& name) const;
  // Durations as absl accepts them: "250ms", "5s", "2m".
  absl::StatusOr<absl::Duration> GetDuration(const std::string& name) const;
  // Where a value came from: "default", "file", "env" or "flag".
  const std::string& Origin(const std::string& name) const;
  bool help_requested() const { return help_requested_; }
  static std::string Usage(const std::vector<ConfigKey>& keys);

 private:
  struct Value {
    std::string text;
    std::string origin;
  };
  std::map<std::string, Value> values_;
  bool help_requested_ = false;
};

// Reads a whole file; NOT_FOUND / PERMISSION_DENIED style errors name the path.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace ecocase::common
