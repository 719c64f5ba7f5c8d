#include "storage/mysql/mysql_reading_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/mysql/evaluation_requests.h"
#include "storage/mysql/reading_columns.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_literal.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::hj212::DeviceProfile;
using domain::monitoring::Reading;
using domain::monitoring::ReadingKind;
using domain::monitoring::ReadingSource;

// ---------------------------------------------------------------------------------------
// Devices.

constexpr absl::string_view kFindDeviceSql =
    "SELECT d.mn, COALESCE(d.outlet_id, 0), COALESCE(e.uscc, ''), COALESCE(o.code, ''), "
    "d.password_hash, d.protocol_version, d.strictness, d.crc_mode, d.encryption, d.sm4_keys "
    "FROM device d LEFT JOIN outlet o ON o.id = d.outlet_id "
    "LEFT JOIN enterprise e ON e.id = o.enterprise_id "
    "WHERE d.mn = ?";

// ---------------------------------------------------------------------------------------
// Inserts: literal rows in SQL text (sql_literal.h says why), up to kRowsPerStatement a
// statement, several statements of a large batch in one transaction. A row is at most
// about 250 bytes, so a statement stays far below max_allowed_packet (16 MiB by default).

constexpr size_t kRowsPerStatement = 1000;
// A natural key already stored keeps its first value: re-sent and back-filled readings are
// no-ops, and the affected-row count is the number of new rows.
constexpr absl::string_view kInsertTail = " ON DUPLICATE KEY UPDATE mn = mn";

using OptionalValue = std::optional<double> Reading::*;
struct OptionalColumn {
  absl::string_view name;
  OptionalValue value;
};
constexpr OptionalColumn kOptionalColumns[] = {{"value", &Reading::value},
                                               {"min_value", &Reading::min_value},
                                               {"max_value", &Reading::max_value},
                                               {"cou", &Reading::cou},
                                               {"zs_value", &Reading::zs_value}};
constexpr size_t kOptionalCount = std::size(kOptionalColumns);

// The columns one statement writes. A column no row of it has a value for is left to its
// default (NULL, flag 'N', backfilled FALSE): real-time packets carry Rtd and Flag alone,
// and every literal MariaDB need not parse is time saved.
struct InsertColumns {
  std::array<bool, kOptionalCount> optional{};
  bool flag = false;
  bool backfilled = false;
};

InsertColumns ColumnsOf(absl::Span<const ReadingRow* const> rows) {
  InsertColumns c;
  for (const ReadingRow* row : rows) {
    for (size_t i = 0; i < kOptionalCount; ++i) {
      c.optional[i] = c.optional[i] || (row->reading.*kOptionalColumns[i].value).has_value();
    }
    c.flag = c.flag || row->reading.flag != "N";
    c.backfilled = c.backfilled || row->reading.backfilled;
  }
  return c;
}

std::string InsertHead(const InsertColumns& c) {
  std::string sql = "INSERT INTO reading (mn, pollutant, kind, data_time, outlet_id";
  for (size_t i = 0; i < kOptionalCount; ++i) {
    if (c.optional[i]) absl::StrAppend(&sql, ", ", kOptionalColumns[i].name);
  }
  if (c.flag) sql.append(", flag");
  if (c.backfilled) sql.append(", backfilled");
  sql.append(", source, receive_time) VALUES ");
  return sql;
}

// Appends the row's tuple of `c`'s columns; false if a value has no literal (a number not
// finite or a time outside DATETIME, which the domain's reading checks never let through).
bool AppendRow(std::string& sql, const ReadingRow& row, const InsertColumns& c) {
  const Reading& r = row.reading;
  sql.push_back('(');
  AppendSqlString(sql, r.mn);
  sql.push_back(',');
  AppendSqlString(sql, r.pollutant);
  absl::StrAppend(&sql, ",", static_cast<int>(r.kind), ",");
  if (!AppendSqlDateTimeNumber(sql, r.data_time)) return false;
  absl::StrAppend(&sql, ",", row.outlet_id);
  for (size_t i = 0; i < kOptionalCount; ++i) {
    if (!c.optional[i]) continue;
    sql.push_back(',');
    if (!AppendSqlDouble(sql, r.*kOptionalColumns[i].value)) return false;
  }
  if (c.flag) {
    sql.push_back(',');
    AppendSqlString(sql, r.flag);
  }
  if (c.backfilled) absl::StrAppend(&sql, ",", r.backfilled ? 1 : 0);
  absl::StrAppend(&sql, ",", static_cast<int>(row.source), ",");
  if (!AppendSqlDateTimeMicrosNumber(sql, row.receive_time)) return false;
  sql.push_back(')');
  return true;
}

// The INSERT statements of `rows` (in their order), or INVALID_ARGUMENT naming the first
// row that has a value with no literal.
absl::StatusOr<std::vector<std::string>> InsertStatements(
    const std::vector<const ReadingRow*>& rows) {
  std::vector<std::string> statements;
  for (size_t first = 0; first < rows.size(); first += kRowsPerStatement) {
    const absl::Span<const ReadingRow* const> part =
        absl::MakeConstSpan(rows).subspan(first, kRowsPerStatement);
    const InsertColumns columns = ColumnsOf(part);
    std::string sql = InsertHead(columns);
    sql.reserve(sql.size() + part.size() * 200 + kInsertTail.size());
    for (size_t i = 0; i < part.size(); ++i) {
      if (i > 0) sql.push_back(',');
      if (!AppendRow(sql, *part[i], columns)) {
        const Reading& r = part[i]->reading;
        return absl::InvalidArgumentError(
            absl::StrCat("reading ", r.mn, " ", r.pollutant, " ", absl::FormatTime(r.data_time),
                         " has a value that is not a finite number or a time outside DATETIME"));
      }
    }
    sql.append(kInsertTail.data(), kInsertTail.size());
    statements.push_back(std::move(sql));
  }
  return statements;
}

// ---------------------------------------------------------------------------------------
// What an insert tells the evaluation: when each device was last heard from (for
// DEVICE_OFFLINE), and which already finished hours got data late and must be judged again.

struct BatchActivity {
  std::map<std::string, absl::Time> last_seen;  // latest receive time per MN
  OutletHours late_hours;
  absl::Time now = absl::InfinitePast();  // the latest receive time
};

BatchActivity ActivityOf(const std::vector<const ReadingRow*>& rows) {
  BatchActivity a;
  for (const ReadingRow* row : rows) {
    absl::Time& seen = a.last_seen.try_emplace(row->reading.mn, row->receive_time).first->second;
    seen = std::max(seen, row->receive_time);
    a.now = std::max(a.now, row->receive_time);
    const absl::Time hour = common::RegulatoryHourStart(row->reading.data_time);
    if (hour < common::RegulatoryHourStart(row->receive_time)) {
      a.late_hours.emplace(row->outlet_id, hour);
    }
  }
  return a;
}

// One statement for the batch's devices: the writer's throughput must not pay per MN.
void WriteLastSeen(sql::Connection& conn, const std::map<std::string, absl::Time>& last_seen) {
  if (last_seen.empty()) return;
  std::string sql = "INSERT INTO device_activity (mn, last_seen) VALUES ";
  bool first = true;
  for (const auto& [mn, t] : last_seen) {
    sql.append(first ? "(" : ",(");
    first = false;
    AppendSqlString(sql, mn);
    sql.push_back(',');
    AppendSqlDateTimeMicros(sql, t);
    sql.push_back(')');
  }
  sql.append(" ON DUPLICATE KEY UPDATE last_seen = GREATEST(last_seen, VALUES(last_seen))");
  ExecuteStatement(conn, sql);
}

// ---------------------------------------------------------------------------------------
// Reads.

constexpr absl::string_view kOutletInScopeSql =
    "SELECT o.id FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id "
    "WHERE e.uscc = ? AND o.code = ? AND ";

const std::string kListColumns =
    absl::StrCat("SELECT ", kReadingColumns, ", r.source, r.receive_time FROM reading r ");
// Filters written so that one constant statement serves every combination: an empty
// pollutant or kind 0 matches all. The keyset runs over (data_time, pollutant, kind, mn).
constexpr absl::string_view kListWhere =
    "WHERE r.outlet_id = ? AND (? = '' OR r.pollutant = ?) AND (? = 0 OR r.kind = ?) "
    "AND r.data_time >= ? AND r.data_time < ? "
    "AND (r.data_time, r.pollutant, r.kind, r.mn) > (?, ?, ?, ?) "
    "ORDER BY r.data_time, r.pollutant, r.kind, r.mn LIMIT ?";

// Bounds the DATETIME column can hold, for open-ended ranges.
constexpr absl::string_view kMinDataTime = "1000-01-01 00:00:00";
constexpr absl::string_view kMaxDataTime = "9999-12-31 23:59:59";

// Whole seconds: the column is DATETIME, and the natural key must not depend on rounding.
std::string FormatDataTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
}

std::string BoundTime(absl::Time t, absl::string_view open) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return std::string(open);
  return FormatDataTime(t);
}

// ---------------------------------------------------------------------------------------
// Partitions: monthly, named pYYYYMM, bounded by TO_DAYS of the next month's first day.

constexpr absl::string_view kPartitionsSql =
    "SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'reading' "
    "ORDER BY PARTITION_ORDINAL_POSITION";

std::optional<absl::CivilMonth> MonthOfPartition(absl::string_view name) {
  int yyyymm = 0;
  if (name.size() != 7 || name[0] != 'p' || !absl::SimpleAtoi(name.substr(1), &yyyymm)) {
    return std::nullopt;
  }
  return absl::CivilMonth(yyyymm / 100, yyyymm % 100);
}

std::string PartitionName(absl::CivilMonth month) {
  return absl::StrFormat("p%04d%02d", month.year(), month.month());
}

std::string PartitionDefinition(absl::CivilMonth month) {
  absl::CivilMonth next = month + 1;
  return absl::StrFormat("PARTITION %s VALUES LESS THAN (TO_DAYS('%04d-%02d-01'))",
                         PartitionName(month), next.year(), next.month());
}

// The profile columns of V004, read back through the registry's own names.
absl::StatusOr<DeviceProfile> ProfileFromColumns(const std::string& version,
                                                 const std::string& strictness,
                                                 const std::string& crc_mode,
                                                 const std::string& encryption,
                                                 const std::string& sm4_keys) {
  auto v = domain::ProtocolVersionFromStoredName(version);
  auto s = domain::StrictnessFromName(strictness);
  auto c = domain::CrcModeFromName(crc_mode);
  auto e = domain::CpEncryptionFromName(encryption);
  auto keys = domain::Sm4KeysFromText(sm4_keys);
  if (!v || !s || !c || !e || !keys) {
    // Never the key text: it is secret.
    return absl::DataLossError(absl::StrCat("device profile columns hold unknown values: ", version,
                                            " ", strictness, " ", crc_mode, " ", encryption));
  }
  DeviceProfile p;
  p.version = *v;
  p.strictness = *s;
  p.crc_mode = *c;
  p.encryption = *e;
  p.sm4_keys = *std::move(keys);
  return p;
}

}  // namespace

absl::StatusOr<std::optional<DeviceRecord>> MysqlReadingRepository::FindDevice(
    const std::string& mn) {
  std::optional<DeviceRecord> found;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "find_device", [&](sql::Connection& conn) -> absl::Status {
        found.reset();
        auto stmt = Prepare(conn, kFindDeviceSql);
        stmt->setString(1, mn);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          // The column compares case-insensitively; an MN is matched byte for byte.
          if (rs->getString(1) != mn) continue;
          DeviceRecord d;
          d.mn = rs->getString(1);
          d.outlet_id = rs->getInt64(2);
          d.enterprise_uscc = rs->getString(3);
          d.outlet_code = rs->getString(4);
          d.password_hash = rs->getString(5);
          ECOCASE_ASSIGN_OR_RETURN(
              d.profile, ProfileFromColumns(rs->getString(6), rs->getString(7), rs->getString(8),
                                            rs->getString(9), rs->getString(10)));
          found = std::move(d);
        }
        return absl::OkStatus();
      }));
  return found;
}

absl::StatusOr<int64_t> MysqlReadingRepository::Insert(const std::vector<ReadingRow>& rows) {
  if (rows.empty()) return 0;
  // Key order: concurrent batches then lock rows in the same order and do not deadlock.
  std::vector<const ReadingRow*> ordered;
  ordered.reserve(rows.size());
  for (const ReadingRow& row : rows) ordered.push_back(&row);
  auto key = [](const ReadingRow* r) {
    return std::tie(r->reading.mn, r->reading.pollutant, r->reading.kind, r->reading.data_time);
  };
  std::sort(ordered.begin(), ordered.end(),
            [&](const ReadingRow* a, const ReadingRow* b) { return key(a) < key(b); });

  // Built before the transaction: a retry sends the same text, and no connection waits.
  ECOCASE_ASSIGN_OR_RETURN(std::vector<std::string> statements, InsertStatements(ordered));
  // What the insert tells the evaluation: when each device was last heard from (for
  // DEVICE_OFFLINE), and which finished hours got data late and must be judged again.
  const BatchActivity activity = ActivityOf(ordered);
  const std::map<std::string, absl::Time> last_seen = last_seen_.ToWrite(activity.last_seen);
  int64_t inserted = 0;
  ECOCASE_RETURN_IF_ERROR(
      RunInTransaction(pool_, "insert_readings", [&](sql::Connection& conn) -> absl::Status {
        inserted = 0;
        std::unique_ptr<sql::Statement> stmt(conn.createStatement());
        for (const std::string& sql : statements) {
          inserted += stmt->executeUpdate(sql::SQLString(sql.data(), sql.size()));
        }
        WriteLastSeen(conn, last_seen);
        RequestEvaluation(conn, activity.late_hours, activity.now);
        return absl::OkStatus();
      }));
  last_seen_.Written(last_seen);
  return inserted;
}

absl::StatusOr<std::vector<StoredReading>> MysqlReadingRepository::List(
    const Scope& scope, const ReadingQuery& query, int limit,
    const std::optional<ReadingCursor>& after) {
  std::vector<StoredReading> out;
  SqlPredicate in_scope = ScopePredicate(scope, "e.district_code", "e.uscc");
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list_readings", [&](sql::Connection& conn) -> absl::Status {
        out.clear();
        auto outlet = Prepare(conn, absl::StrCat(kOutletInScopeSql, in_scope.sql));
        outlet->setString(1, query.enterprise_uscc);
        outlet->setString(2, query.outlet_code);
        BindStrings(*outlet, 3, in_scope.values);
        std::unique_ptr<sql::ResultSet> found(outlet->executeQuery());
        if (!found->next()) {
          return absl::NotFoundError(absl::StrCat("enterprises/", query.enterprise_uscc,
                                                  "/outlets/", query.outlet_code, " not found"));
        }
        const int64_t outlet_id = found->getInt64(1);

        auto stmt = Prepare(conn, absl::StrCat(kListColumns, kListWhere));
        int i = 1;
        stmt->setInt64(i++, outlet_id);
        stmt->setString(i++, query.pollutant);
        stmt->setString(i++, query.pollutant);
        stmt->setInt(i++, static_cast<int>(query.kind));
        stmt->setInt(i++, static_cast<int>(query.kind));
        stmt->setString(i++, BoundTime(query.start_time, kMinDataTime));
        stmt->setString(i++, BoundTime(query.end_time, kMaxDataTime));
        if (after.has_value()) {
          stmt->setString(i++, FormatDataTime(after->data_time));
          stmt->setString(i++, after->pollutant);
          stmt->setInt(i++, after->kind);
          stmt->setString(i++, after->mn);
        } else {
          stmt->setString(i++, std::string(kMinDataTime));
          stmt->setString(i++, "");
          stmt->setInt(i++, -1);
          stmt->setString(i++, "");
        }
        stmt->setInt(i++, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          StoredReading s;
          ECOCASE_ASSIGN_OR_RETURN(s.reading, ReadingFromRow(*rs));
          s.source = static_cast<ReadingSource>(rs->getInt(kReadingColumnCount + 1));
          ECOCASE_ASSIGN_OR_RETURN(s.receive_time,
                                   ParseSqlTime(rs->getString(kReadingColumnCount + 2)));
          s.enterprise_uscc = query.enterprise_uscc;
          s.outlet_code = query.outlet_code;
          out.push_back(std::move(s));
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<std::string>> MysqlReadingRepository::MaintainPartitions(
    absl::Time now, absl::Duration retention, int months_ahead) {
  std::vector<std::string> dropped;
  const absl::CivilMonth current(absl::ToCivilSecond(now, absl::UTCTimeZone()));
  const absl::CivilMonth last_wanted = current + months_ahead;
  // A month is dropped once all of it is older than the retention period.
  const absl::CivilMonth first_kept(absl::ToCivilSecond(now - retention, absl::UTCTimeZone()));

  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "maintain_reading_partitions", [&](sql::Connection& conn) -> absl::Status {
        dropped.clear();
        std::vector<absl::CivilMonth> months;
        bool has_future = false;
        {
          auto stmt = Prepare(conn, kPartitionsSql);
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
          while (rs->next()) {
            std::string name = rs->getString(1);
            if (name == "p_future") has_future = true;
            if (auto month = MonthOfPartition(name)) months.push_back(*month);
          }
        }
        if (!has_future || months.empty()) {
          return absl::FailedPreconditionError(
              "table reading is not partitioned as V004 creates it (p_before, pYYYYMM..., "
              "p_future)");
        }
        // Partition DDL takes no parameters; every name and bound below is generated from
        // dates here, never from input.
        std::vector<std::string> added;
        for (absl::CivilMonth m = months.back() + 1; m <= last_wanted; ++m) {
          added.push_back(PartitionDefinition(m));
        }
        if (!added.empty()) {
          ExecuteStatement(conn, absl::StrCat("ALTER TABLE reading REORGANIZE PARTITION p_future "
                                              "INTO (",
                                              absl::StrJoin(added, ", "),
                                              ", PARTITION p_future VALUES LESS THAN MAXVALUE)"));
        }
        for (absl::CivilMonth m : months) {
          // Keep at least one monthly partition: REORGANIZE above needs one to follow.
          if (m >= first_kept || m == months.back()) break;
          ExecuteStatement(conn,
                           absl::StrCat("ALTER TABLE reading DROP PARTITION ", PartitionName(m)));
          dropped.push_back(PartitionName(m));
        }
        if (!dropped.empty()) {
          // Rows older than the first month ever created sit in p_before; they are older
          // than everything just dropped.
          ExecuteStatement(conn, "ALTER TABLE reading TRUNCATE PARTITION p_before");
        }
        return absl::OkStatus();
      }));
  return dropped;
}

}  // namespace ecocase::storage::mysql
