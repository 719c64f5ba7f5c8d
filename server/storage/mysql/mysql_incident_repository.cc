#include "storage/mysql/mysql_incident_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage {

std::string IncidentRecord::ResourceName() const { return absl::StrCat("incidents/", id); }

namespace mysql {
namespace {

using domain::evaluation::Incident;
using domain::evaluation::IncidentKind;
using domain::evaluation::IncidentState;
using domain::evaluation::VerdictKind;
using domain::evaluation::WindowVerdict;

constexpr absl::string_view kColumns =
    "SELECT i.id, i.enterprise_id, e.uscc, e.display_name, e.district_code, i.outlet_id, "
    "o.code, i.pollutant, i.kind, i.mn, i.first_bad_window, i.window_seconds, i.state, "
    "i.last_bad_window, i.bad_windows, i.peak_value, i.peak_limit, i.peak_unit, i.peak_ratio, "
    "i.closing_window, i.compliant_run, i.rule_version, i.task_id, i.explanation, "
    "i.explained_by, i.explain_time, i.case_candidate, i.open_time, i.update_time, i.version "
    "FROM incident i JOIN outlet o ON o.id = i.outlet_id "
    "JOIN enterprise e ON e.id = i.enterprise_id ";

constexpr absl::string_view kWindowsSql =
    "SELECT window_start, verdict, value, limit_value, unit, ratio, valid_count, rule_version, "
    "detail FROM incident_window WHERE incident_id = ? ORDER BY window_start";

absl::StatusOr<std::optional<absl::Time>> OptionalTime(sql::ResultSet& rs, int index) {
  if (rs.isNull(index)) return std::optional<absl::Time>();
  ECOCASE_ASSIGN_OR_RETURN(absl::Time t, ParseSqlTime(rs.getString(index)));
  return std::optional<absl::Time>(t);
}

absl::StatusOr<IncidentRecord> ReadRecord(sql::ResultSet& rs) {
  IncidentRecord r;
  r.id = rs.getInt64(1);
  r.enterprise_id = rs.getInt64(2);
  r.enterprise_uscc = rs.getString(3);
  r.enterprise_name = rs.getString(4);
  r.district_code = rs.getString(5);
  r.outlet_id = rs.getInt64(6);
  r.outlet_code = rs.getString(7);
  Incident& in = r.incident;
  in.key.outlet = r.outlet_code;
  in.key.pollutant = rs.getString(8);
  const std::string kind = rs.getString(9);
  auto k = domain::evaluation::IncidentKindFromName(kind);
  if (!k) return absl::DataLossError(absl::StrCat("incident ", r.id, " has kind ", kind));
  in.key.kind = *k;
  r.mn = rs.getString(10);
  ECOCASE_ASSIGN_OR_RETURN(in.first_bad_window, ParseSqlTime(rs.getString(11)));
  r.window_length = absl::Seconds(rs.getInt(12));
  const std::string state = rs.getString(13);
  r.withdrawn = state == "WITHDRAWN";
  in.state = state == "OPEN" ? IncidentState::kOpen : IncidentState::kClosed;
  ECOCASE_ASSIGN_OR_RETURN(in.last_bad_window, ParseSqlTime(rs.getString(14)));
  in.bad_windows = rs.getInt(15);
  in.peak_value = static_cast<double>(rs.getDouble(16));
  in.peak_limit = static_cast<double>(rs.getDouble(17));
  in.peak_unit = rs.getString(18);
  in.peak_ratio = static_cast<double>(rs.getDouble(19));
  ECOCASE_ASSIGN_OR_RETURN(in.closing_window, OptionalTime(rs, 20));
  in.compliant_run = rs.getInt(21);
  r.rule_version = rs.getString(22);
  if (!rs.isNull(23)) r.task_id = rs.getInt64(23);
  r.explanation = rs.getString(24);
  r.explained_by = rs.getString(25);
  ECOCASE_ASSIGN_OR_RETURN(r.explain_time, OptionalTime(rs, 26));
  r.case_candidate = rs.getBoolean(27);
  ECOCASE_ASSIGN_OR_RETURN(r.open_time, ParseSqlTime(rs.getString(28)));
  ECOCASE_ASSIGN_OR_RETURN(r.update_time, ParseSqlTime(rs.getString(29)));
  r.version = rs.getInt64(30);
  return r;
}

absl::Status LoadWindows(sql::Connection& conn, IncidentRecord& r) {
  auto stmt = Prepare(conn, kWindowsSql);
  stmt->setInt64(1, r.id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  r.incident.verdicts.clear();
  while (rs->next()) {
    WindowVerdict v;
    ECOCASE_ASSIGN_OR_RETURN(v.window_start, ParseSqlTime(rs->getString(1)));
    v.window_length = r.window_length;
    const std::string verdict = rs->getString(2);
    auto kind = domain::evaluation::VerdictKindFromName(verdict);
    if (!kind) return absl::DataLossError(absl::StrCat("incident window verdict ", verdict));
    v.kind = *kind;
    v.value = static_cast<double>(rs->getDouble(3));
    v.limit = static_cast<double>(rs->getDouble(4));
    v.unit = rs->getString(5);
    v.ratio = static_cast<double>(rs->getDouble(6));
    v.inputs.valid_count = rs->getInt(7);
    v.inputs.rule_version = rs->getString(8);
    v.inputs.detail = rs->getString(9);
    r.incident.verdicts.push_back(std::move(v));
  }
  return absl::OkStatus();
}

// Reads the rows of `stmt` (columns kColumns), with their windows when asked.
absl::StatusOr<std::vector<IncidentRecord>> ReadAll(sql::Connection& conn,
                                                    sql::PreparedStatement& stmt,
                                                    bool with_windows) {
  std::vector<IncidentRecord> out;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(IncidentRecord r, ReadRecord(*rs));
      out.push_back(std::move(r));
    }
  }
  if (with_windows) {
    for (IncidentRecord& r : out) ECOCASE_RETURN_IF_ERROR(LoadWindows(conn, r));
  }
  return out;
}

std::string Truncated(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return text.substr(0, cut);
}

void SetOptionalTime(sql::PreparedStatement& stmt, int index, const std::optional<absl::Time>& t) {
  if (t) {
    stmt.setString(index, FormatSqlTime(*t));
  } else {
    stmt.setNull(index, sql::DataType::VARCHAR);
  }
}

// The summary columns in the order of kInsertSql / kUpdateSql from `first`.
int BindSummary(sql::PreparedStatement& stmt, int i, const Incident& in,
                const std::string& rule_version) {
  stmt.setString(i++, std::string(domain::evaluation::IncidentStateName(in.state)));
  stmt.setString(i++, FormatSqlTime(in.last_bad_window));
  stmt.setInt(i++, in.bad_windows);
  stmt.setDouble(i++, in.peak_value);
  stmt.setDouble(i++, in.peak_limit);
  stmt.setString(i++, in.peak_unit);
  stmt.setDouble(i++, in.peak_ratio);
  SetOptionalTime(stmt, i++, in.closing_window);
  stmt.setInt(i++, in.compliant_run);
  stmt.setString(i++, Truncated(rule_version, 128));
  return i;
}

constexpr absl::string_view kInsertSql =
    "INSERT INTO incident (enterprise_id, outlet_id, pollutant, kind, mn, first_bad_window, "
    "window_seconds, state, last_bad_window, bad_windows, peak_value, peak_limit, peak_unit, "
    "peak_ratio, closing_window, compliant_run, rule_version, open_time, update_time, version) "
    "VALUES (?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, ?,?,1)";
constexpr absl::string_view kUpdateSql =
    "UPDATE incident SET state = ?, last_bad_window = ?, bad_windows = ?, peak_value = ?, "
    "peak_limit = ?, peak_unit = ?, peak_ratio = ?, closing_window = ?, compliant_run = ?, "
    "rule_version = ?, update_time = ?, version = version + 1 WHERE id = ?";
constexpr absl::string_view kInsertWindowSql =
    "INSERT INTO incident_window (incident_id, window_start, verdict, value, limit_value, unit, "
    "ratio, valid_count, rule_version, detail) VALUES (?,?,?,?,?,?,?,?,?,?)";

void WriteWindows(sql::Connection& conn, int64_t id, const Incident& in) {
  auto clear = Prepare(conn, "DELETE FROM incident_window WHERE incident_id = ?");
  clear->setInt64(1, id);
  clear->executeUpdate();
  auto insert = Prepare(conn, kInsertWindowSql);
  for (const WindowVerdict& v : in.verdicts) {
    insert->setInt64(1, id);
    insert->setString(2, FormatSqlTime(v.window_start));
    insert->setString(3, std::string(domain::evaluation::VerdictKindName(v.kind)));
    insert->setDouble(4, v.value);
    insert->setDouble(5, v.limit);
    insert->setString(6, v.unit);
    insert->setDouble(7, v.ratio);
    insert->setInt(8, v.inputs.valid_count);
    insert->setString(9, Truncated(v.inputs.rule_version, 128));
    insert->setString(10, Truncated(v.inputs.detail, 1000));
    insert->executeUpdate();
  }
}

}  // namespace

absl::StatusOr<std::vector<IncidentRecord>> MysqlIncidentRepository::ListForReplay(
    int64_t outlet_id, const std::string& pollutant, IncidentKind kind, absl::Time from) {
  std::vector<IncidentRecord> out;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "list_incidents_for_replay", [&](sql::Connection& conn) -> absl::Status {
        auto stmt =
            Prepare(conn, absl::StrCat(kColumns,
                                       "WHERE i.outlet_id = ? AND i.pollutant = ? AND i.kind = ? "
                                       "AND i.state <> 'WITHDRAWN' AND (i.state = 'OPEN' OR "
                                       "i.last_bad_window >= ? OR i.closing_window >= ?) "
                                       "ORDER BY i.first_bad_window"));
        stmt->setInt64(1, outlet_id);
        stmt->setString(2, pollutant);
        stmt->setString(3, std::string(domain::evaluation::IncidentKindName(kind)));
        stmt->setString(4, FormatSqlTime(from));
        stmt->setString(5, FormatSqlTime(from));
        ECOCASE_ASSIGN_OR_RETURN(out, ReadAll(conn, *stmt, true));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<IncidentRecord> MysqlIncidentRepository::Save(
    Tx& tx, int64_t enterprise_id, int64_t outlet_id, const std::string& mn,
    const Incident& incident, absl::Duration window_length, const std::string& rule_version,
    absl::Time now) {
  sql::Connection& conn = tx.connection();
  const std::string kind(domain::evaluation::IncidentKindName(incident.key.kind));
  auto find = Prepare(conn, absl::StrCat(kColumns,
                                         "WHERE i.outlet_id = ? AND i.pollutant = ? AND "
                                         "i.kind = ? AND i.first_bad_window = ? FOR UPDATE"));
  find->setInt64(1, outlet_id);
  find->setString(2, incident.key.pollutant);
  find->setString(3, kind);
  find->setString(4, FormatSqlTime(incident.first_bad_window));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> found, ReadAll(conn, *find, true));

  int64_t id = 0;
  if (found.empty()) {
    auto insert = Prepare(conn, kInsertSql);
    int i = 1;
    insert->setInt64(i++, enterprise_id);
    insert->setInt64(i++, outlet_id);
    insert->setString(i++, incident.key.pollutant);
    insert->setString(i++, kind);
    insert->setString(i++, mn);
    insert->setString(i++, FormatSqlTime(incident.first_bad_window));
    insert->setInt(i++, static_cast<int>(absl::ToInt64Seconds(window_length)));
    i = BindSummary(*insert, i, incident, rule_version);
    insert->setString(i++, FormatSqlTime(now));
    insert->setString(i++, FormatSqlTime(now));
    insert->executeUpdate();
    id = LastInsertId(conn);
  } else {
    IncidentRecord& stored = found.front();
    id = stored.id;
    Incident as_stored = stored.incident;
    as_stored.key = incident.key;  // key.outlet is the code on read, the caller's on write
    if (!stored.withdrawn && as_stored == incident && stored.rule_version == rule_version) {
      return stored;
    }
    auto update = Prepare(conn, kUpdateSql);
    int i = BindSummary(*update, 1, incident, rule_version);
    update->setString(i++, FormatSqlTime(now));
    update->setInt64(i++, id);
    update->executeUpdate();
  }
  WriteWindows(conn, id, incident);
  auto reread = Prepare(conn, absl::StrCat(kColumns, "WHERE i.id = ?"));
  reread->setInt64(1, id);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> saved, ReadAll(conn, *reread, true));
  if (saved.empty()) return absl::InternalError("incident vanished while saved");
  return std::move(saved.front());
}

absl::Status MysqlIncidentRepository::Withdraw(Tx& tx, int64_t id, absl::Time now) {
  auto stmt = Prepare(tx.connection(),
                      "UPDATE incident SET state = 'WITHDRAWN', update_time = ?, "
                      "version = version + 1 WHERE id = ? AND state <> 'WITHDRAWN'");
  stmt->setString(1, FormatSqlTime(now));
  stmt->setInt64(2, id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

absl::Status MysqlIncidentRepository::SetTask(Tx& tx, int64_t id, int64_t task_id) {
  auto stmt = Prepare(tx.connection(), "UPDATE incident SET task_id = ? WHERE id = ?");
  stmt->setInt64(1, task_id);
  stmt->setInt64(2, id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<IncidentRecord>> MysqlIncidentRepository::ListOpenOffline() {
  std::vector<IncidentRecord> out;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list_open_offline", [&](sql::Connection& conn) -> absl::Status {
        auto stmt = Prepare(conn, absl::StrCat(kColumns,
                                               "WHERE i.kind = 'DEVICE_OFFLINE' AND "
                                               "i.state = 'OPEN' ORDER BY i.id"));
        ECOCASE_ASSIGN_OR_RETURN(out, ReadAll(conn, *stmt, false));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<IncidentRecord>> MysqlIncidentRepository::FlagUnexplained(
    Tx& tx, absl::Time opened_before, absl::Time now) {
  sql::Connection& conn = tx.connection();
  auto select = Prepare(conn, absl::StrCat(kColumns,
                                           "WHERE i.kind = 'EXCEEDANCE' AND i.state <> "
                                           "'WITHDRAWN' AND i.case_candidate = FALSE AND "
                                           "i.explain_time IS NULL AND i.open_time < ? "
                                           "ORDER BY i.id LIMIT 500 FOR UPDATE"));
  select->setString(1, FormatSqlTime(opened_before));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> out, ReadAll(conn, *select, false));
  auto flag = Prepare(conn,
                      "UPDATE incident SET case_candidate = TRUE, update_time = ?, "
                      "version = version + 1 WHERE id = ?");
  for (IncidentRecord& r : out) {
    flag->setString(1, FormatSqlTime(now));
    flag->setInt64(2, r.id);
    flag->executeUpdate();
    r.case_candidate = true;
    ++r.version;
  }
  return out;
}

absl::StatusOr<IncidentRecord> MysqlIncidentRepository::Get(const Scope& scope, int64_t id) {
  SqlPredicate in_scope = ScopePredicate(scope, "e.district_code", "e.uscc");
  std::vector<IncidentRecord> found;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "get_incident", [&](sql::Connection& conn) -> absl::Status {
        auto stmt = Prepare(conn, absl::StrCat(kColumns, "WHERE i.id = ? AND ", in_scope.sql));
        stmt->setInt64(1, id);
        BindStrings(*stmt, 2, in_scope.values);
        ECOCASE_ASSIGN_OR_RETURN(found, ReadAll(conn, *stmt, true));
        return absl::OkStatus();
      }));
  if (found.empty()) return absl::NotFoundError(absl::StrCat("incidents/", id, " not found"));
  return std::move(found.front());
}

absl::StatusOr<std::vector<IncidentRecord>> MysqlIncidentRepository::List(
    const Scope& scope, const IncidentFilter& filter, int limit,
    const std::optional<IncidentCursor>& after) {
  SqlPredicate in_scope = ScopePredicate(scope, "e.district_code", "e.uscc");
  std::string where = absl::StrCat("WHERE ", in_scope.sql);
  std::vector<std::string> values = in_scope.values;
  if (!filter.enterprise_uscc.empty()) {
    absl::StrAppend(&where, " AND e.uscc = ?");
    values.push_back(filter.enterprise_uscc);
    if (!filter.outlet_code.empty()) {
      absl::StrAppend(&where, " AND o.code = ?");
      values.push_back(filter.outlet_code);
    }
  }
  if (filter.kind) {
    absl::StrAppend(&where, " AND i.kind = ?");
    values.push_back(std::string(domain::evaluation::IncidentKindName(*filter.kind)));
  }
  if (filter.open_only) absl::StrAppend(&where, " AND i.state = 'OPEN'");
  if (!filter.include_withdrawn) absl::StrAppend(&where, " AND i.state <> 'WITHDRAWN'");
  if (filter.case_candidates_only) absl::StrAppend(&where, " AND i.case_candidate = TRUE");
  if (after) {
    absl::StrAppend(&where, " AND (i.open_time, i.id) < (?, ?)");
  }
  absl::StrAppend(&where, " ORDER BY i.open_time DESC, i.id DESC LIMIT ?");
  std::vector<IncidentRecord> out;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list_incidents", [&](sql::Connection& conn) -> absl::Status {
        auto stmt = Prepare(conn, absl::StrCat(kColumns, where));
        int i = BindStrings(*stmt, 1, values);
        if (after) {
          stmt->setString(i++, FormatSqlTime(after->open_time));
          stmt->setInt64(i++, after->id);
        }
        stmt->setInt(i++, limit);
        ECOCASE_ASSIGN_OR_RETURN(out, ReadAll(conn, *stmt, false));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<IncidentRecord> MysqlIncidentRepository::Explain(
    Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
    absl::FunctionRef<absl::Status(const IncidentRecord&)> check, const std::string& explanation,
    const std::string& explained_by, absl::Time now) {
  sql::Connection& conn = tx.connection();
  SqlPredicate in_scope = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto lock =
      Prepare(conn, absl::StrCat(kColumns, "WHERE i.id = ? AND ", in_scope.sql, " FOR UPDATE"));
  lock->setInt64(1, id);
  BindStrings(*lock, 2, in_scope.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> found, ReadAll(conn, *lock, false));
  if (found.empty()) return absl::NotFoundError(absl::StrCat("incidents/", id, " not found"));
  if (expected_version != 0 && expected_version != found.front().version) {
    return common::WithReason(
        absl::AbortedError(absl::StrCat("incidents/", id,
                                        " was changed by someone else; read it again and retry")),
        "ETAG_MISMATCH");
  }
  ECOCASE_RETURN_IF_ERROR(check(found.front()));
  auto update = Prepare(conn,
                        "UPDATE incident SET explanation = ?, explained_by = ?, "
                        "explain_time = ?, update_time = ?, version = version + 1 WHERE id = ?");
  update->setString(1, explanation);
  update->setString(2, explained_by);
  update->setString(3, FormatSqlTime(now));
  update->setString(4, FormatSqlTime(now));
  update->setInt64(5, id);
  update->executeUpdate();
  auto reread = Prepare(conn, absl::StrCat(kColumns, "WHERE i.id = ?"));
  reread->setInt64(1, id);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> saved, ReadAll(conn, *reread, true));
  return std::move(saved.front());
}

absl::StatusOr<std::vector<IncidentRecord>> MysqlIncidentRepository::ListOpenForEnterprise(
    const Scope& scope, const std::string& enterprise_uscc, int limit) {
  IncidentFilter filter;
  filter.enterprise_uscc = enterprise_uscc;
  filter.open_only = true;
  return List(scope, filter, limit, std::nullopt);
}

}  // namespace mysql
}  // namespace ecocase::storage
