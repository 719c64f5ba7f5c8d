#pragma once

#include <string>
#include <vector>

#include "storage/scope.h"

namespace sql {
class PreparedStatement;
}

namespace ecocase::storage::mysql {

// A WHERE fragment with `?` placeholders and the values to bind, in order. Built only
// from fixed fragments; every value is bound.
struct SqlPredicate {
  std::string sql;
  std::vector<std::string> values;
};

// The predicate restricting rows to `scope`, given the row's district and enterprise
// columns (trusted column expressions written in the repository, never user input), e.g.
// ScopePredicate(scope, "a.district_code", "a.enterprise_uscc"). Rows with a NULL district
// are visible only to an `everything` scope.
SqlPredicate ScopePredicate(const Scope& scope, const std::string& district_column,
                            const std::string& enterprise_column);

// Binds `values` as strings starting at parameter `first_index`; returns the next index.
int BindStrings(sql::PreparedStatement& stmt, int first_index,
                const std::vector<std::string>& values);

}  // namespace ecocase::storage::mysql
