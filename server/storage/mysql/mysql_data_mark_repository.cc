#include "storage/mysql/mysql_data_mark_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/evaluation_requests.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::evaluation::DataMark;
using domain::evaluation::DataMarkState;

// Columns read into a DataMark, in this order, by every query below (aliases d data_mark,
// e enterprise, o outlet).
constexpr absl::string_view kMarkColumns =
    "d.id, e.uscc, o.code, d.outlet_id, d.pollutant, d.mark_type, "
    "DATE_FORMAT(d.start_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(d.end_time, '%Y-%m-%d %H:%i:%s.%f'), d.reason, d.state, d.review_reason, "
    "d.reviewed_by, DATE_FORMAT(d.review_time, '%Y-%m-%d %H:%i:%s.%f'), d.created_by, "
    "DATE_FORMAT(d.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(d.update_time, '%Y-%m-%d %H:%i:%s.%f'), d.version, e.district_code";
constexpr absl::string_view kMarkFrom =
    " FROM data_mark d JOIN enterprise e ON e.id = d.enterprise_id "
    "JOIN outlet o ON o.id = d.outlet_id";

constexpr absl::string_view kInsertMark =
    "INSERT INTO data_mark (enterprise_id, outlet_id, pollutant, mark_type, start_time, "
    "end_time, reason, state, review_reason, reviewed_by, review_time, created_by, "
    "create_time, update_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', NULL, ?, ?, ?, 1)";
constexpr absl::string_view kInsertEvidence =
    "INSERT INTO data_mark_evidence (mark_id, position, reference) VALUES (?, ?, ?)";
constexpr absl::string_view kUpdateMark =
    "UPDATE data_mark SET state = ?, review_reason = ?, reviewed_by = ?, review_time = ?, "
    "update_time = ?, version = version + 1 WHERE id = ?";

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("dataMarks/", id, " not found"));
}

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(absl::StrCat("dataMarks/", id, " has an unknown ", what));
}

absl::StatusOr<DataMark> ReadMarkRow(sql::ResultSet& rs) {
  DataMark m;
  m.id = rs.getInt64(1);
  m.enterprise_uscc = rs.getString(2);
  m.outlet_code = rs.getString(3);
  m.outlet_id = rs.getInt64(4);
  m.pollutant = rs.getString(5);
  auto type = domain::evaluation::DataMarkTypeFromName(std::string(rs.getString(6)));
  if (!type.has_value()) return BadColumn(m.id, "type");
  m.type = *type;
  ECOCASE_ASSIGN_OR_RETURN(m.start, ParseSqlTime(rs.getString(7)));
  ECOCASE_ASSIGN_OR_RETURN(m.end, ParseSqlTime(rs.getString(8)));
  m.reason = rs.getString(9);
  auto state = domain::evaluation::DataMarkStateFromName(std::string(rs.getString(10)));
  if (!state.has_value()) return BadColumn(m.id, "state");
  m.state = *state;
  m.review_reason = rs.getString(11);
  m.reviewed_by = rs.getString(12);
  if (!rs.isNull(13)) {
    ECOCASE_ASSIGN_OR_RETURN(absl::Time reviewed, ParseSqlTime(rs.getString(13)));
    m.review_time = reviewed;
  }
  m.created_by = rs.getString(14);
  ECOCASE_ASSIGN_OR_RETURN(m.create_time, ParseSqlTime(rs.getString(15)));
  ECOCASE_ASSIGN_OR_RETURN(m.update_time, ParseSqlTime(rs.getString(16)));
  m.version = rs.getInt64(17);
  m.district_code = rs.getString(18);
  return m;
}

// Runs a query of kMarkColumns and reads every mark with its evidence (two statements
// whatever their number).
absl::StatusOr<std::vector<DataMark>> ReadMarks(sql::Connection& conn,
                                                sql::PreparedStatement& stmt) {
  std::vector<DataMark> marks;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(DataMark m, ReadMarkRow(*rs));
      marks.push_back(std::move(m));
    }
  }
  if (marks.empty()) return marks;
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < marks.size(); ++i) index[marks[i].id] = i;
  std::vector<absl::string_view> marks_sql(marks.size(), "?");
  auto evidence = Prepare(
      conn, absl::StrCat("SELECT mark_id, reference FROM data_mark_evidence WHERE mark_id IN (",
                         absl::StrJoin(marks_sql, ", "), ") ORDER BY mark_id, position"));
  int i = 1;
  for (const DataMark& m : marks) evidence->setInt64(i++, m.id);
  std::unique_ptr<sql::ResultSet> rs(evidence->executeQuery());
  while (rs->next()) {
    auto it = index.find(rs->getInt64(1));
    if (it != index.end()) marks[it->second].evidence.push_back(rs->getString(2));
  }
  return marks;
}

// One mark by id within scope (not locked).
absl::StatusOr<std::optional<DataMark>> SelectMark(sql::Connection& conn, const Scope& scope,
                                                   int64_t id) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt = Prepare(
      conn, absl::StrCat("SELECT ", kMarkColumns, kMarkFrom, " WHERE d.id = ? AND ", p.sql));
  stmt->setInt64(1, id);
  BindStrings(*stmt, 2, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<DataMark> marks, ReadMarks(conn, *stmt));
  if (marks.empty()) return std::optional<DataMark>();
  return std::optional<DataMark>(std::move(marks.front()));
}

// What the enterprise declared: a review must not change it.
bool SameDeclaration(const DataMark& a, const DataMark& b) {
  return a.id == b.id && a.enterprise_uscc == b.enterprise_uscc && a.outlet_code == b.outlet_code &&
         a.outlet_id == b.outlet_id && a.pollutant == b.pollutant && a.type == b.type &&
         a.start == b.start && a.end == b.end && a.reason == b.reason && a.evidence == b.evidence &&
         a.created_by == b.created_by && a.create_time == b.create_time;
}

}  // namespace

absl::StatusOr<DataMark> MysqlDataMarkRepository::Create(Tx& tx, const Scope& scope, DataMark mark,
                                                         absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto outlet = Prepare(conn, absl::StrCat("SELECT e.id, o.id FROM enterprise e "
                                           "LEFT JOIN outlet o ON o.enterprise_id = e.id AND "
                                           "o.code = ? WHERE e.uscc = ? AND ",
                                           p.sql));
  outlet->setString(1, mark.outlet_code);
  outlet->setString(2, mark.enterprise_uscc);
  BindStrings(*outlet, 3, p.values);
  int64_t enterprise_id = 0;
  int64_t outlet_id = 0;
  {
    std::unique_ptr<sql::ResultSet> rs(outlet->executeQuery());
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("enterprises/", mark.enterprise_uscc, " not found"));
    }
    if (rs->isNull(2)) {
      return absl::NotFoundError(absl::StrCat("enterprises/", mark.enterprise_uscc, "/outlets/",
                                              mark.outlet_code, " not found"));
    }
    enterprise_id = rs->getInt64(1);
    outlet_id = rs->getInt64(2);
  }
  auto stmt = Prepare(conn, kInsertMark);
  stmt->setInt64(1, enterprise_id);
  stmt->setInt64(2, outlet_id);
  stmt->setString(3, mark.pollutant);
  stmt->setString(4, std::string(domain::evaluation::DataMarkTypeName(mark.type)));
  stmt->setString(5, FormatSqlTime(TruncateToMicros(mark.start)));
  stmt->setString(6, FormatSqlTime(TruncateToMicros(mark.end)));
  stmt->setString(7, mark.reason);
  stmt->setString(8, std::string(domain::evaluation::DataMarkStateName(mark.state)));
  stmt->setString(9, mark.created_by);
  stmt->setString(10, FormatSqlTime(TruncateToMicros(mark.create_time)));
  stmt->setString(11, FormatSqlTime(now));
  stmt->executeUpdate();
  const int64_t id = LastInsertId(conn);
  if (!mark.evidence.empty()) {
    auto evidence = Prepare(conn, kInsertEvidence);
    for (size_t i = 0; i < mark.evidence.size(); ++i) {
      evidence->setInt64(1, id);
      evidence->setInt(2, static_cast<int>(i));
      evidence->setString(3, mark.evidence[i]);
      evidence->executeUpdate();
    }
  }
  ECOCASE_ASSIGN_OR_RETURN(std::optional<DataMark> stored, SelectMark(conn, Scope::All(), id));
  if (!stored.has_value()) return absl::InternalError("a created data mark vanished");
  return std::move(*stored);
}

absl::StatusOr<DataMark> MysqlDataMarkRepository::Update(
    Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
    absl::FunctionRef<absl::Status(DataMark&)> change, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  // Lock the mark row alone (a joined FOR UPDATE would lock its enterprise and outlet too).
  {
    auto lock = Prepare(conn, "SELECT id FROM data_mark WHERE id = ? FOR UPDATE");
    lock->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
    if (!rs->next()) return NotFound(id);
  }
  ECOCASE_ASSIGN_OR_RETURN(std::optional<DataMark> before, SelectMark(conn, scope, id));
  if (!before.has_value()) return NotFound(id);
  if (expected_version != 0 && expected_version != before->version) {
    return common::WithReason(
        absl::AbortedError(absl::StrCat(before->ResourceName(),
                                        " was changed by someone else; read it again and retry")),
        "ETAG_MISMATCH");
  }
  DataMark after = *before;
  ECOCASE_RETURN_IF_ERROR(change(after));
  if (!SameDeclaration(*before, after)) {
    return absl::InternalError(
        absl::StrCat("a change tried to alter what ", before->ResourceName(), " declares"));
  }
  auto stmt = Prepare(conn, kUpdateMark);
  stmt->setString(1, std::string(domain::evaluation::DataMarkStateName(after.state)));
  stmt->setString(2, after.review_reason);
  stmt->setString(3, after.reviewed_by);
  if (after.review_time.has_value()) {
    stmt->setString(4, FormatSqlTime(TruncateToMicros(*after.review_time)));
  } else {
    stmt->setNull(4, sql::DataType::TIMESTAMP);
  }
  stmt->setString(5, FormatSqlTime(now));
  stmt->setInt64(6, id);
  stmt->executeUpdate();
  if (after.state == DataMarkState::kAccepted && before->state != DataMarkState::kAccepted) {
    RequestEvaluation(conn, HoursOf(after.outlet_id, after.start, after.end), now);
  }
  ECOCASE_ASSIGN_OR_RETURN(std::optional<DataMark> stored, SelectMark(conn, Scope::All(), id));
  if (!stored.has_value()) return absl::InternalError("an updated data mark vanished");
  return std::move(*stored);
}

absl::StatusOr<DataMark> MysqlDataMarkRepository::Get(const Scope& scope, int64_t id) {
  std::optional<DataMark> found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get data mark", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectMark(conn, scope, id));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return NotFound(id);
  return std::move(*found);
}

absl::StatusOr<std::vector<DataMark>> MysqlDataMarkRepository::List(
    const Scope& scope, const DataMarkFilter& filter, int limit,
    const std::optional<DataMarkCursor>& after) {
  std::vector<DataMark> marks;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list data marks", [&](sql::Connection& conn) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    std::string query = absl::StrCat(
        "SELECT ", kMarkColumns, kMarkFrom, " WHERE ", p.sql,
        filter.enterprise_uscc.empty() ? "" : " AND e.uscc = ?",
        filter.outlet_code.empty() ? "" : " AND o.code = ?",
        filter.state.has_value() ? " AND d.state = ?" : "",
        filter.from.has_value() ? " AND d.end_time > ?" : "",
        filter.to.has_value() ? " AND d.start_time < ?" : "",
        after.has_value() ? " AND (d.create_time < ? OR (d.create_time = ? AND d.id < ?))" : "",
        " ORDER BY d.create_time DESC, d.id DESC LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = BindStrings(*stmt, 1, p.values);
    if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
    if (!filter.outlet_code.empty()) stmt->setString(i++, filter.outlet_code);
    if (filter.state.has_value()) {
      stmt->setString(i++, std::string(domain::evaluation::DataMarkStateName(*filter.state)));
    }
    if (filter.from.has_value())
      stmt->setString(i++, FormatSqlTime(TruncateToMicros(*filter.from)));
    if (filter.to.has_value()) stmt->setString(i++, FormatSqlTime(TruncateToMicros(*filter.to)));
    if (after.has_value()) {
      const std::string t = FormatSqlTime(after->create_time);
      stmt->setString(i++, t);
      stmt->setString(i++, t);
      stmt->setInt64(i++, after->id);
    }
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(marks, ReadMarks(conn, *stmt));
    return absl::OkStatus();
  }));
  return marks;
}

absl::StatusOr<std::vector<DataMark>> MysqlDataMarkRepository::ListAccepted(int64_t outlet_id,
                                                                            absl::Time from,
                                                                            absl::Time to) {
  std::vector<DataMark> marks;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list accepted data marks", [&](sql::Connection& conn) {
        auto stmt = Prepare(conn, absl::StrCat("SELECT ", kMarkColumns, kMarkFrom,
                                               " WHERE d.outlet_id = ? AND d.state = 'ACCEPTED' "
                                               "AND d.start_time < ? AND d.end_time > ? "
                                               "ORDER BY d.start_time, d.id"));
        stmt->setInt64(1, outlet_id);
        stmt->setString(2, FormatSqlTime(TruncateToMicros(to)));
        stmt->setString(3, FormatSqlTime(TruncateToMicros(from)));
        ECOCASE_ASSIGN_OR_RETURN(marks, ReadMarks(conn, *stmt));
        return absl::OkStatus();
      }));
  return marks;
}

}  // namespace ecocase::storage::mysql
