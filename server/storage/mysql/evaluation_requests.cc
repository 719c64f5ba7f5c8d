#include "storage/mysql/evaluation_requests.h"

#include <cppconn/prepared_statement.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/regulatory_time.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/sql_time.h"

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

void RequestEvaluation(sql::Connection& conn, const OutletHours& hours, absl::Time requested) {
  const std::string when = FormatSqlTime(requested);
  auto next = hours.begin();
  while (next != hours.end()) {
    std::vector<std::pair<int64_t, absl::Time>> batch;
    for (; next != hours.end() && batch.size() < kRowsPerStatement; ++next) batch.push_back(*next);
    std::string sql =
        "INSERT INTO evaluation_request (outlet_id, hour_start, request_time) VALUES ";
    for (size_t i = 0; i < batch.size(); ++i) absl::StrAppend(&sql, i ? ",(?,?,?)" : "(?,?,?)");
    absl::StrAppend(&sql,
                    " ON DUPLICATE KEY UPDATE request_time = GREATEST(request_time, "
                    "VALUES(request_time))");
    auto stmt = Prepare(conn, sql);
    int i = 1;
    for (const auto& [outlet_id, hour] : batch) {
      stmt->setInt64(i++, outlet_id);
      stmt->setString(i++, FormatSqlTime(hour));
      stmt->setString(i++, when);
    }
    stmt->executeUpdate();
  }
}

}  // namespace ecocase::storage::mysql
