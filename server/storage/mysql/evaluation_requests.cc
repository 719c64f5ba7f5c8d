#include "storage/mysql/evaluation_requests.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/regulatory_time.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/sql_literal.h"

namespace ecocase::storage::mysql {
namespace {

// Rows written by one statement at most.
constexpr size_t kRowsPerStatement = 200;

}  // namespace

OutletHours HoursOf(int64_t outlet_id, absl::Time start, absl::Time end) {
  OutletHours hours;
  for (absl::Time h = common::RegulatoryHourStart(start); h < end; h += absl::Hours(1)) {
    hours.emplace(outlet_id, h);
  }
  return hours;
}

// Literal values (sql_literal.h): the reading writer calls this in every batch that carries
// late data, and a prepare per batch would cost more than the statement.
void RequestEvaluation(sql::Connection& conn, const OutletHours& hours, absl::Time requested) {
  auto next = hours.begin();
  while (next != hours.end()) {
    std::string sql =
        "INSERT INTO evaluation_request (outlet_id, hour_start, request_time) VALUES ";
    for (size_t n = 0; next != hours.end() && n < kRowsPerStatement; ++next, ++n) {
      const auto& [outlet_id, hour] = *next;
      absl::StrAppend(&sql, n ? ",(" : "(", outlet_id, ",");
      AppendSqlDateTimeMicros(sql, hour);
      sql.push_back(',');
      AppendSqlDateTimeMicros(sql, requested);
      sql.push_back(')');
    }
    absl::StrAppend(&sql,
                    " ON DUPLICATE KEY UPDATE request_time = GREATEST(request_time, "
                    "VALUES(request_time))");
    ExecuteStatement(conn, sql);
  }
}

}  // namespace ecocase::storage::mysql
