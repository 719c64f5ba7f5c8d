#include "storage/mysql/mysql_reading_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/mysql/evaluation_requests.h"
#include "storage/mysql/reading_columns.h"
#include "storage/mysql/scope_sql.h"
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
// Inserts. One statement of up to kRowsPerStatement rows; a batch larger than that runs
// several in the same transaction. 14 parameters a row keeps a full statement at 7,000
// placeholders, well under the protocol's 65,535.

constexpr int kRowsPerStatement = 500;
constexpr absl::string_view kInsertHead =
    "INSERT INTO reading (mn, pollutant, kind, data_time, outlet_id, value, min_value, "
    "max_value, cou, zs_value, flag, backfilled, source, receive_time) VALUES ";
constexpr absl::string_view kInsertRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
// A natural key already stored keeps its first value: re-sent and back-filled readings are
// no-ops, and the affected-row count is the number of new rows.
constexpr absl::string_view kInsertTail = " ON DUPLICATE KEY UPDATE mn = mn";

std::string InsertSql(int rows) {
  std::string sql(kInsertHead);
  sql.reserve(kInsertHead.size() + rows * (kInsertRow.size() + 1) + kInsertTail.size());
  for (int i = 0; i < rows; ++i) {
    if (i > 0) sql.push_back(',');
    sql.append(kInsertRow.data(), kInsertRow.size());
  }
  sql.append(kInsertTail.data(), kInsertTail.size());
  return sql;
}

// Whole seconds: the column is DATETIME, and the natural key must not depend on rounding.
std::string FormatDataTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
}

void SetOptionalDouble(sql::PreparedStatement& stmt, int index, const std::optional<double>& v) {
  if (v.has_value()) {
    stmt.setDouble(index, *v);
  } else {
    stmt.setNull(index, sql::DataType::DOUBLE);
  }
}

int BindRow(sql::PreparedStatement& stmt, int index, const ReadingRow& row) {
  const Reading& r = row.reading;
  stmt.setString(index++, r.mn);
  stmt.setString(index++, r.pollutant);
  stmt.setInt(index++, static_cast<int>(r.kind));
  stmt.setString(index++, FormatDataTime(r.data_time));
  stmt.setInt64(index++, row.outlet_id);
  SetOptionalDouble(stmt, index++, r.value);
  SetOptionalDouble(stmt, index++, r.min_value);
  SetOptionalDouble(stmt, index++, r.max_value);
  SetOptionalDouble(stmt, index++, r.cou);
  SetOptionalDouble(stmt, index++, r.zs_value);
  stmt.setString(index++, r.flag);
  stmt.setBoolean(index++, r.backfilled);
  stmt.setInt(index++, static_cast<int>(row.source));
  stmt.setString(index++, FormatSqlTime(row.receive_time));
  return index;
}

// ---------------------------------------------------------------------------------------
// What an insert tells the evaluation: when each device was last heard from (for
// DEVICE_OFFLINE), and which already finished hours got data late and must be judged again.

void RecordActivity(sql::Connection& conn, const std::vector<const ReadingRow*>& rows) {
  std::map<std::string, absl::Time> last_seen;
  OutletHours late_hours;
  absl::Time now = absl::InfinitePast();
  for (const ReadingRow* row : rows) {
    absl::Time& seen = last_seen.try_emplace(row->reading.mn, row->receive_time).first->second;
    seen = std::max(seen, row->receive_time);
    now = std::max(now, row->receive_time);
    const absl::Time hour = common::RegulatoryHourStart(row->reading.data_time);
    if (hour < common::RegulatoryHourStart(row->receive_time)) {
      late_hours.emplace(row->outlet_id, hour);
    }
  }
  // One statement for the batch's devices: the writer's throughput must not pay per MN.
  std::string sql = "INSERT INTO device_activity (mn, last_seen) VALUES ";
  for (size_t i = 0; i < last_seen.size(); ++i) absl::StrAppend(&sql, i ? ",(?,?)" : "(?,?)");
  absl::StrAppend(&sql, " ON DUPLICATE KEY UPDATE last_seen = GREATEST(last_seen, "
                        "VALUES(last_seen))");
  auto seen = Prepare(conn, sql);
  int index = 1;
  for (const auto& [mn, t] : last_seen) {
    seen->setString(index++, mn);
    seen->setString(index++, FormatSqlTime(t));
  }
  seen->executeUpdate();
  RequestEvaluation(conn, late_hours, now);
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
    return absl::DataLossError(absl::StrCat("device profile columns hold unknown values: ",
                                            version, " ", strictness, " ", crc_mode, " ",
                                            encryption));
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

  int64_t inserted = 0;
  ECOCASE_RETURN_IF_ERROR(
      RunInTransaction(pool_, "insert_readings", [&](sql::Connection& conn) -> absl::Status {
        inserted = 0;
        std::unique_ptr<sql::PreparedStatement> full;
        size_t next = 0;
        while (next < ordered.size()) {
          size_t n = std::min<size_t>(kRowsPerStatement, ordered.size() - next);
          std::unique_ptr<sql::PreparedStatement> tail;
          sql::PreparedStatement* stmt;
          if (n == kRowsPerStatement) {
            if (!full) full = Prepare(conn, InsertSql(kRowsPerStatement));
            stmt = full.get();
          } else {
            tail = Prepare(conn, InsertSql(static_cast<int>(n)));
            stmt = tail.get();
          }
          int index = 1;
          for (size_t i = 0; i < n; ++i) index = BindRow(*stmt, index, *ordered[next + i]);
          inserted += stmt->executeUpdate();
          next += n;
        }
        RecordActivity(conn, ordered);
        return absl::OkStatus();
      }));
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
