#include "storage/mysql/scope_sql.h"

#include <cppconn/prepared_statement.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ecocase::storage::mysql {

SqlPredicate ScopePredicate(const Scope& scope, const std::string& district_column,
                            const std::string& enterprise_column) {
  SqlPredicate p;
  if (scope.everything) {
    p.sql = "TRUE";
    return p;
  }
  std::vector<std::string> terms;
  if (!scope.enterprise_uscc.empty()) {
    terms.push_back(absl::StrCat(enterprise_column, " = ?"));
    p.values.push_back(scope.enterprise_uscc);
  }
  for (const std::string& code : scope.district_codes) {
    if (!domain::IsDistrictCode(code)) continue;  // Malformed codes grant nothing.
    if (absl::EndsWith(code, "0000")) {
      terms.push_back(absl::StrCat(district_column, " LIKE ?"));
      p.values.push_back(code.substr(0, 2) + "%");
    } else if (absl::EndsWith(code, "00")) {
      terms.push_back(absl::StrCat(district_column, " LIKE ?"));
      p.values.push_back(code.substr(0, 4) + "%");
    } else {
      terms.push_back(absl::StrCat(district_column, " = ?"));
      p.values.push_back(code);
    }
  }
  p.sql = terms.empty() ? "FALSE" : absl::StrCat("(", absl::StrJoin(terms, " OR "), ")");
  return p;
}

int BindStrings(sql::PreparedStatement& stmt, int first_index,
                const std::vector<std::string>& values) {
  int i = first_index;
  for (const std::string& v : values) stmt.setString(i++, v);
  return i;
}

}  // namespace ecocase::storage::mysql
