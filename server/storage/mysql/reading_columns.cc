#include "storage/mysql/reading_columns.h"

#include <cppconn/resultset.h>

#include <optional>

#include "common/status_macros.h"
#include "storage/mysql/sql_time.h"

namespace ecocase::storage::mysql {
namespace {

std::optional<double> OptionalDouble(sql::ResultSet& rs, int index) {
  if (rs.isNull(index)) return std::nullopt;
  return static_cast<double>(rs.getDouble(index));
}

}  // namespace

absl::StatusOr<domain::monitoring::Reading> ReadingFromRow(sql::ResultSet& rs) {
  domain::monitoring::Reading r;
  r.mn = rs.getString(1);
  r.pollutant = rs.getString(2);
  r.kind = static_cast<domain::monitoring::ReadingKind>(rs.getInt(3));
  ECOCASE_ASSIGN_OR_RETURN(r.data_time, ParseSqlTime(rs.getString(4)));
  r.value = OptionalDouble(rs, 5);
  r.min_value = OptionalDouble(rs, 6);
  r.max_value = OptionalDouble(rs, 7);
  r.cou = OptionalDouble(rs, 8);
  r.zs_value = OptionalDouble(rs, 9);
  r.flag = rs.getString(10);
  r.backfilled = rs.getBoolean(11);
  return r;
}

}  // namespace ecocase::storage::mysql
