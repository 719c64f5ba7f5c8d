#include "storage/mysql/sql_script.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ecocase::storage::mysql {
namespace {

void Flush(std::string& current, std::vector<std::string>& out) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(current);
  if (!trimmed.empty()) out.emplace_back(trimmed);
  current.clear();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitSqlScript(absl::string_view s) {
  std::vector<std::string> out;
  std::string current;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'' || c == '"' || c == '`') {
      size_t start = i++;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && c != '`') ++i;  // Backslash escapes in string literals.
        ++i;
      }
      if (i >= s.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated ", std::string(1, c), " quote at byte ", start));
      }
      current.append(s.data() + start, i - start + 1);
      ++i;
    } else if (c == '#' || (c == '-' && s.substr(i, 3) == "-- ") ||
               (c == '-' && s.substr(i, 3) == "--\n")) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && s.substr(i, 2) == "/*") {
      size_t end = s.find("*/", i + 2);
      if (end == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unterminated comment at byte ", i));
      }
      i = end + 2;
      current.push_back(' ');
    } else if (c == ';') {
      Flush(current, out);
      ++i;
    } else {
      current.push_back(c);
      ++i;
    }
  }
  Flush(current, out);
  return out;
}

}  // namespace ecocase::storage::mysql
