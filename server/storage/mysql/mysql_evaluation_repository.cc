#include "storage/mysql/mysql_evaluation_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/mysql/reading_columns.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::monitoring::Reading;

// Outlets with a device bound to them now or before: only they can have readings.
constexpr absl::string_view kTargetsSql =
    "SELECT o.id, o.code, e.id, e.uscc, COALESCE(e.district_code, ''), p.evaluated_through, "
    "  (SELECT MIN(b.bind_time) FROM device_binding b WHERE b.outlet_id = o.id) "
    "FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id "
    "LEFT JOIN evaluation_progress p ON p.outlet_id = o.id "
    "WHERE EXISTS (SELECT 1 FROM device_binding b WHERE b.outlet_id = o.id) "
    "ORDER BY o.id";

// Every issued version's limits for every outlet, with the instants the version applies:
// until the next version takes effect, its validity ends or the permit ends.
constexpr absl::string_view kLimitsSql =
    "SELECT o.id, l.pollutant_code, l.concentration_limit, l.concentration_unit, "
    "  l.averaging_window, l.reference_o2, l.standard, pm.permit_number, v.version, "
    "  v.effective_time, "
    "  LEAST(v.valid_until_end, COALESCE(pm.end_time, '9999-12-31 00:00:00'), "
    "    COALESCE((SELECT MIN(n.effective_time) FROM permit_version n "
    "              WHERE n.permit_id = v.permit_id AND n.version > v.version), "
    "             '9999-12-31 00:00:00')) "
    "FROM outlet o JOIN permit pm ON pm.enterprise_id = o.enterprise_id "
    "JOIN permit_version v ON v.permit_id = pm.id "
    "JOIN permit_limit l ON l.permit_id = v.permit_id AND l.version = v.version "
    "  AND l.outlet_code = o.code "
    "WHERE pm.state <> 'DRAFT' AND v.version > 0 "
    "  AND EXISTS (SELECT 1 FROM device_binding b WHERE b.outlet_id = o.id) "
    "ORDER BY o.id, l.pollutant_code, v.effective_time";

constexpr absl::string_view kRequestsSql =
    "SELECT hour_start, request_time FROM evaluation_request WHERE outlet_id = ? "
    "ORDER BY hour_start";

const std::string kReadingsSql =
    absl::StrCat("SELECT ", kReadingColumns,
                 " FROM reading r WHERE r.outlet_id = ? AND r.data_time >= ? AND r.data_time < ? "
                 "ORDER BY r.pollutant, r.kind, r.data_time");

constexpr absl::string_view kProgressSql =
    "INSERT INTO evaluation_progress (outlet_id, evaluated_through, update_time) "
    "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
    "evaluated_through = VALUES(evaluated_through), update_time = VALUES(update_time)";

// A request asked again after it was listed has a newer request_time and stays.
constexpr absl::string_view kDeleteRequestsSql =
    "DELETE FROM evaluation_request WHERE outlet_id = ? AND hour_start <= ? "
    "AND request_time <= ?";

constexpr absl::string_view kBoundDevicesSql =
    "SELECT d.mn, d.outlet_id, o.enterprise_id, d.bind_time, a.last_seen "
    "FROM device d JOIN outlet o ON o.id = d.outlet_id "
    "LEFT JOIN device_activity a ON a.mn = d.mn "
    "WHERE d.outlet_id IS NOT NULL AND d.bind_time IS NOT NULL ORDER BY d.mn";

std::string FormatSecond(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
}

std::optional<double> OptionalDouble(sql::ResultSet& rs, int index) {
  if (rs.isNull(index)) return std::nullopt;
  return static_cast<double>(rs.getDouble(index));
}

}  // namespace

absl::StatusOr<std::vector<EvaluationTarget>> MysqlEvaluationRepository::ListTargets() {
  std::vector<EvaluationTarget> out;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "list_evaluation_targets", [&](sql::Connection& conn) -> absl::Status {
        out.clear();
        std::map<int64_t, size_t> by_outlet;
        {
          auto stmt = Prepare(conn, kTargetsSql);
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
          while (rs->next()) {
            EvaluationTarget t;
            t.outlet_id = rs->getInt64(1);
            t.outlet_code = rs->getString(2);
            t.enterprise_id = rs->getInt64(3);
            t.enterprise_uscc = rs->getString(4);
            t.district_code = rs->getString(5);
            if (!rs->isNull(6)) {
              ECOCASE_ASSIGN_OR_RETURN(t.evaluated_through, ParseSqlTime(rs->getString(6)));
            }
            ECOCASE_ASSIGN_OR_RETURN(t.first_bind_time, ParseSqlTime(rs->getString(7)));
            by_outlet[t.outlet_id] = out.size();
            out.push_back(std::move(t));
          }
        }
        auto stmt = Prepare(conn, kLimitsSql);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          auto it = by_outlet.find(rs->getInt64(1));
          if (it == by_outlet.end()) continue;
          EvaluationTarget& t = out[it->second];
          LimitPeriod p;
          p.limit.outlet_code = t.outlet_code;
          p.limit.pollutant_code = rs->getString(2);
          p.limit.concentration_limit = static_cast<double>(rs->getDouble(3));
          p.limit.concentration_unit = rs->getString(4);
          p.limit.averaging_window = domain::AveragingWindowFromName(std::string(rs->getString(5)))
                                         .value_or(domain::AveragingWindow::kHour);
          p.limit.reference_o2_percent = OptionalDouble(*rs, 6);
          p.limit.standard = rs->getString(7);
          p.permit_number = rs->getString(8);
          p.version = rs->getInt(9);
          ECOCASE_ASSIGN_OR_RETURN(p.from, ParseSqlTime(rs->getString(10)));
          ECOCASE_ASSIGN_OR_RETURN(p.until, ParseSqlTime(rs->getString(11)));
          if (p.from < p.until) t.limits.push_back(std::move(p));
        }
        return absl::OkStatus();
      }));
  // Outlets without any limit have nothing to judge.
  std::erase_if(out, [](const EvaluationTarget& t) { return t.limits.empty(); });
  return out;
}

absl::StatusOr<std::vector<EvaluationRequest>> MysqlEvaluationRepository::ListRequests(
    int64_t outlet_id) {
  std::vector<EvaluationRequest> out;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "list_evaluation_requests", [&](sql::Connection& conn) -> absl::Status {
        out.clear();
        auto stmt = Prepare(conn, kRequestsSql);
        stmt->setInt64(1, outlet_id);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          EvaluationRequest r;
          ECOCASE_ASSIGN_OR_RETURN(r.hour_start, ParseSqlTime(rs->getString(1)));
          ECOCASE_ASSIGN_OR_RETURN(r.request_time, ParseSqlTime(rs->getString(2)));
          out.push_back(r);
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Reading>> MysqlEvaluationRepository::ListReadings(int64_t outlet_id,
                                                                             absl::Time from,
                                                                             absl::Time to) {
  std::vector<Reading> out;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "list_evaluation_readings", [&](sql::Connection& conn) -> absl::Status {
        out.clear();
        auto stmt = Prepare(conn, kReadingsSql);
        stmt->setInt64(1, outlet_id);
        stmt->setString(2, FormatSecond(from));
        stmt->setString(3, FormatSecond(to));
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          ECOCASE_ASSIGN_OR_RETURN(Reading r, ReadingFromRow(*rs));
          out.push_back(std::move(r));
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::Status MysqlEvaluationRepository::FinishOutlet(Tx& tx, int64_t outlet_id,
                                                     absl::Time evaluated_through,
                                                     const std::vector<EvaluationRequest>& handled,
                                                     absl::Time now) {
  sql::Connection& conn = tx.connection();
  auto progress = Prepare(conn, kProgressSql);
  progress->setInt64(1, outlet_id);
  progress->setString(2, FormatSqlTime(evaluated_through));
  progress->setString(3, FormatSqlTime(now));
  progress->executeUpdate();
  if (handled.empty()) return absl::OkStatus();
  absl::Time last_hour = absl::InfinitePast();
  absl::Time last_request = absl::InfinitePast();
  for (const EvaluationRequest& r : handled) {
    last_hour = std::max(last_hour, r.hour_start);
    last_request = std::max(last_request, r.request_time);
  }
  auto remove = Prepare(conn, kDeleteRequestsSql);
  remove->setInt64(1, outlet_id);
  remove->setString(2, FormatSqlTime(last_hour));
  remove->setString(3, FormatSqlTime(last_request));
  remove->executeUpdate();
  return absl::OkStatus();
}

absl::Status MysqlEvaluationRepository::RecordProgress(
    int64_t outlet_id, absl::Time evaluated_through, const std::vector<EvaluationRequest>& handled,
    absl::Time now) {
  return RunInTransaction(pool_, "record_evaluation_progress", [&](sql::Connection& conn) {
    Tx tx(conn);
    return FinishOutlet(tx, outlet_id, evaluated_through, handled, now);
  });
}

absl::StatusOr<std::vector<DeviceActivity>> MysqlEvaluationRepository::ListBoundDevices() {
  std::vector<DeviceActivity> out;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list_bound_devices", [&](sql::Connection& conn) -> absl::Status {
        out.clear();
        auto stmt = Prepare(conn, kBoundDevicesSql);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          DeviceActivity d;
          d.mn = rs->getString(1);
          d.outlet_id = rs->getInt64(2);
          d.enterprise_id = rs->getInt64(3);
          ECOCASE_ASSIGN_OR_RETURN(d.bind_time, ParseSqlTime(rs->getString(4)));
          if (!rs->isNull(5)) {
            ECOCASE_ASSIGN_OR_RETURN(d.last_seen, ParseSqlTime(rs->getString(5)));
          }
          out.push_back(std::move(d));
        }
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace ecocase::storage::mysql
