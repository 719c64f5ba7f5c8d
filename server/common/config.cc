#include "common/config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecocase::common {
namespace {

std::string EnvName(const std::string& key) {
  return "ECOCASE_" + absl::AsciiStrToUpper(key);
}

const ConfigKey* FindKey(const std::vector<ConfigKey>& keys, absl::string_view name) {
  for (const auto& k : keys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read file ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::map<std::string, std::string>> Config::ParseFile(
    absl::string_view text, absl::string_view file_name) {
  std::map<std::string, std::string> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_no, ": expected `key = value`"));
    }
    std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (out.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_no, ": key `", key, "` set twice"));
    }
    out[key] = value;
  }
  return out;
}

absl::StatusOr<Config> Config::Load(const std::vector<ConfigKey>& keys,
                                    const std::vector<std::string>& args,
                                    const EnvLookup& env) {
  Config config;
  for (const auto& k : keys) config.values_[k.name] = {k.default_value, "default"};

  // Flags are parsed first (only to find --config), applied last.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_path = env("ECOCASE_CONFIG").value_or("");
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      config.help_requested_ = true;
      continue;
    }
    if (!absl::ConsumePrefix(&arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument `", arg, "`"));
    }
    std::string name, value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      value = "true";
    }
    if (name == "config") {
      config_path = value;
      continue;
    }
    const ConfigKey* key = FindKey(keys, name);
    if (key == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (key->env_only) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", name, " is a secret and may only be set through ", EnvName(name)));
    }
    flags.emplace_back(name, value);
  }

  if (!config_path.empty()) {
    auto text = ReadFileToString(config_path);
    if (!text.ok()) return text.status();
    auto parsed = ParseFile(*text, config_path);
    if (!parsed.ok()) return parsed.status();
    for (const auto& [name, value] : *parsed) {
      const ConfigKey* key = FindKey(keys, name);
      if (key == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(config_path, ": unknown key `", name, "`"));
      }
      if (key->env_only) {
        return absl::InvalidArgumentError(absl::StrCat(
            config_path, ": `", name, "` is a secret and may only be set through ",
            EnvName(name)));
      }
      config.values_[name] = {value, "file"};
    }
  }
  for (const auto& k : keys) {
    if (auto v = env(EnvName(k.name)); v.has_value()) config.values_[k.name] = {*v, "env"};
  }
  for (const auto& [name, value] : flags) config.values_[name] = {value, "flag"};
  return config;
}

const std::string& Config::Get(const std::string& name) const {
  return values_.at(name).text;
}

const std::string& Config::Origin(const std::string& name) const {
  return values_.at(name).origin;
}

absl::StatusOr<int> Config::GetInt(const std::string& name, int min, int max) const {
  int v = 0;
  if (!absl::SimpleAtoi(Get(name), &v) || v < min || v > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "setting ", name, " = `", Get(name), "` must be an integer in [", min, ", ", max, "]"));
  }
  return v;
}

absl::StatusOr<bool> Config::GetBool(const std::string& name) const {
  bool v = false;
  if (!absl::SimpleAtob(Get(name), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("setting ", name, " = `", Get(name), "` must be true or false"));
  }
  return v;
}

absl::StatusOr<absl::Duration> Config::GetDuration(const std::string& name) const {
  absl::Duration d;
  if (!absl::ParseDuration(Get(name), &d) || d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "setting ", name, " = `", Get(name), "` must be a duration such as 500ms, 5s or 2m"));
  }
  return d;
}

std::string Config::Usage(const std::vector<ConfigKey>& keys) {
  std::string out =
      "Settings (precedence: --flag > ECOCASE_<NAME> env > --config file > default):\n";
  for (const auto& k : keys) {
    absl::StrAppend(&out, "  ", k.env_only ? EnvName(k.name) : "--" + k.name);
    if (!k.default_value.empty()) absl::StrAppend(&out, " (default ", k.default_value, ")");
    absl::StrAppend(&out, "\n      ", k.help, "\n");
  }
  return out;
}

}  // namespace ecocase::common
