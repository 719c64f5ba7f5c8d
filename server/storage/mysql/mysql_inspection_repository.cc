#include "storage/mysql/mysql_inspection_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/mysql/inspection_document.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::InspectionRecord;

// Columns read by ReadRecordRow, in this order (alias r).
constexpr absl::string_view kRecordColumns =
    "r.id, r.kind, r.state, r.district_code, r.enterprise_uscc, r.corrects, r.created_by, "
    "DATE_FORMAT(r.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(r.update_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(r.sign_time, '%Y-%m-%d %H:%i:%s.%f'), r.version, r.document";

constexpr absl::string_view kInsertRecord =
    "INSERT INTO inspection_record (kind, state, district_code, enterprise_uscc, corrects, "
    "created_by, create_time, update_time, sign_time, version, document) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)";
// Only from the version the caller locked; the creator and create_time never change.
constexpr absl::string_view kUpdateRecord =
    "UPDATE inspection_record SET kind = ?, state = ?, district_code = ?, enterprise_uscc = ?, "
    "corrects = ?, update_time = ?, sign_time = ?, document = ?, version = version + 1 "
    "WHERE id = ? AND version = ?";

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("inspections/", id, " not found"));
}

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("inspections/", id, " has an unknown ", what, " in the database"));
}

// Staff see the records of the districts their scope covers. An ENTERPRISE scope sees none:
// a record reaches the party through its case.
SqlPredicate InspectionScope(const Scope& scope) {
  if (!scope.everything && !scope.enterprise_uscc.empty()) return {"FALSE", {}};
  return ScopePredicate(scope, "r.district_code", "NULL");
}

void SetOptionalString(sql::PreparedStatement& stmt, int i, const std::string& value) {
  if (value.empty()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, value);
  }
}

void SetOptionalId(sql::PreparedStatement& stmt, int i, int64_t id) {
  if (id == 0) {
    stmt.setNull(i, sql::DataType::BIGINT);
  } else {
    stmt.setInt64(i, id);
  }
}

// absl::Time() (the epoch) is how the domain says "not signed yet".
void SetOptionalTime(sql::PreparedStatement& stmt, int i, absl::Time t) {
  if (t == absl::Time()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, FormatSqlTime(t));
  }
}

// The columns every write sets from the record, from parameter `i` on; returns the next.
int BindMutableColumns(sql::PreparedStatement& stmt, int i, const InspectionRecord& r) {
  stmt.setString(i++, std::string(domain::InspectionKindName(r.kind)));
  stmt.setString(i++, std::string(domain::InspectionStateName(r.state)));
  stmt.setString(i++, r.district_code);
  SetOptionalString(stmt, i++, r.enterprise_uscc);
  SetOptionalId(stmt, i++, r.corrects);
  return i;
}

absl::StatusOr<InspectionRecord> ReadRecordRow(sql::ResultSet& rs) {
  InspectionRecord r;
  r.id = rs.getInt64(1);
  std::optional<domain::InspectionKind> kind =
      domain::InspectionKindFromName(std::string(rs.getString(2)));
  if (!kind.has_value()) return BadColumn(r.id, "kind");
  r.kind = *kind;
  std::optional<domain::InspectionState> state =
      domain::InspectionStateFromName(std::string(rs.getString(3)));
  if (!state.has_value()) return BadColumn(r.id, "state");
  r.state = *state;
  r.district_code = rs.getString(4);
  if (!rs.isNull(5)) r.enterprise_uscc = rs.getString(5);
  if (!rs.isNull(6)) r.corrects = rs.getInt64(6);
  r.created_by = rs.getString(7);
  ECOCASE_ASSIGN_OR_RETURN(r.create_time, ParseSqlTime(rs.getString(8)));
  ECOCASE_ASSIGN_OR_RETURN(r.update_time, ParseSqlTime(rs.getString(9)));
  if (!rs.isNull(10)) {
    ECOCASE_ASSIGN_OR_RETURN(r.sign_time, ParseSqlTime(rs.getString(10)));
  }
  r.version = rs.getInt64(11);
  ECOCASE_RETURN_IF_ERROR(FromInspectionDocument(rs.getString(12), r));
  return r;
}

absl::StatusOr<std::vector<InspectionRecord>> ReadRecords(sql::PreparedStatement& stmt) {
  std::vector<InspectionRecord> records;
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    ECOCASE_ASSIGN_OR_RETURN(InspectionRecord r, ReadRecordRow(*rs));
    records.push_back(std::move(r));
  }
  return records;
}

// Record `id` within `scope`, locked when `for_update`; NOT_FOUND otherwise.
absl::StatusOr<InspectionRecord> SelectRecord(sql::Connection& conn, const Scope& scope, int64_t id,
                                              bool for_update) {
  SqlPredicate p = InspectionScope(scope);
  auto stmt = Prepare(
      conn, absl::StrCat("SELECT ", kRecordColumns, " FROM inspection_record r WHERE r.id = ? AND ",
                         p.sql, for_update ? " FOR UPDATE" : ""));
  stmt->setInt64(1, id);
  BindStrings(*stmt, 2, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<InspectionRecord> found, ReadRecords(*stmt));
  if (found.empty()) return NotFound(id);
  return std::move(found.front());
}

// The times storage keeps: whole microseconds.
void Truncate(InspectionRecord& r) {
  auto t = [](absl::Time& time) { time = TruncateToMicros(time); };
  t(r.start_time);
  t(r.end_time);
  for (domain::InspectionOfficer& o : r.officers) {
    if (o.sign_time.has_value()) t(*o.sign_time);
  }
  if (r.party_signature.has_value()) t(r.party_signature->time);
  if (r.refusal.has_value()) t(r.refusal->time);
  t(r.create_time);
  t(r.update_time);
  t(r.sign_time);
}

}  // namespace

absl::StatusOr<InspectionRecord> MysqlInspectionRepository::Create(Tx& tx,
                                                                   InspectionRecord record) {
  sql::Connection& conn = tx.connection();
  Truncate(record);
  auto stmt = Prepare(conn, kInsertRecord);
  int i = BindMutableColumns(*stmt, 1, record);
  stmt->setString(i++, record.created_by);
  stmt->setString(i++, FormatSqlTime(record.create_time));
  stmt->setString(i++, FormatSqlTime(record.update_time));
  SetOptionalTime(*stmt, i++, record.sign_time);
  stmt->setString(i, ToInspectionDocument(record));
  stmt->executeUpdate();
  record.id = LastInsertId(conn);
  record.version = 1;
  return record;
}

absl::StatusOr<InspectionRecord> MysqlInspectionRepository::Lock(Tx& tx, const Scope& scope,
                                                                 int64_t id) {
  return SelectRecord(tx.connection(), scope, id, /*for_update=*/true);
}

absl::StatusOr<InspectionRecord> MysqlInspectionRepository::Store(Tx& tx, InspectionRecord record) {
  Truncate(record);
  auto stmt = Prepare(tx.connection(), kUpdateRecord);
  int i = BindMutableColumns(*stmt, 1, record);
  stmt->setString(i++, FormatSqlTime(record.update_time));
  SetOptionalTime(*stmt, i++, record.sign_time);
  stmt->setString(i++, ToInspectionDocument(record));
  stmt->setInt64(i++, record.id);
  stmt->setInt64(i, record.version);
  // The version always changes, so a matched row is a changed row.
  if (stmt->executeUpdate() == 0) {
    return absl::InternalError(absl::StrCat(record.ResourceName(), " is not stored at version ",
                                            record.version, "; it was not locked"));
  }
  ++record.version;
  return record;
}

absl::StatusOr<InspectionRecord> MysqlInspectionRepository::Get(const Scope& scope, int64_t id) {
  InspectionRecord found;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "get inspection record", [&](sql::Connection& conn) {
        ECOCASE_ASSIGN_OR_RETURN(found, SelectRecord(conn, scope, id, /*for_update=*/false));
        return absl::OkStatus();
      }));
  return found;
}

absl::StatusOr<std::vector<InspectionRecord>> MysqlInspectionRepository::List(
    const Scope& scope, const InspectionFilter& filter, int limit,
    const std::optional<InspectionCursor>& after) {
  std::vector<InspectionRecord> records;
  if (limit <= 0) return records;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list inspection records", [&](sql::Connection& conn) {
        SqlPredicate p = InspectionScope(scope);
        auto stmt = Prepare(
            conn, absl::StrCat("SELECT ", kRecordColumns, " FROM inspection_record r WHERE ", p.sql,
                               filter.enterprise_uscc.empty() ? "" : " AND r.enterprise_uscc = ?",
                               filter.state.has_value() ? " AND r.state = ?" : "",
                               after.has_value()
                                   ? " AND (r.create_time < ? OR (r.create_time = ? AND r.id < ?))"
                                   : "",
                               " ORDER BY r.create_time DESC, r.id DESC LIMIT ?"));
        int i = BindStrings(*stmt, 1, p.values);
        if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
        if (filter.state.has_value()) {
          stmt->setString(i++, std::string(domain::InspectionStateName(*filter.state)));
        }
        if (after.has_value()) {
          const std::string t = FormatSqlTime(after->create_time);
          stmt->setString(i++, t);
          stmt->setString(i++, t);
          stmt->setInt64(i++, after->id);
        }
        stmt->setInt(i, limit);
        ECOCASE_ASSIGN_OR_RETURN(records, ReadRecords(*stmt));
        return absl::OkStatus();
      }));
  return records;
}

}  // namespace ecocase::storage::mysql
