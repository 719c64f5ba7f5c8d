#include "storage/mysql/mysql_permit_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::Permit;
using domain::PermitEdit;
using domain::PermitHolder;
using domain::PermitKey;
using domain::PermitLimit;
using domain::PermitVersion;

// Columns read into a domain::Permit, in this order, by every query below (aliases p for
// permit, e for enterprise). The effective time of the latest version rides along.
constexpr absl::string_view kPermitColumns =
    "p.id, p.enterprise_id, p.permit_number, e.uscc, p.site_sequence, p.state, p.source, "
    "DATE_FORMAT(p.valid_from, '%Y-%m-%d'), DATE_FORMAT(p.valid_until, '%Y-%m-%d'), "
    "p.issuing_authority, DATE_FORMAT(p.issue_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "p.current_version, "
    "(SELECT DATE_FORMAT(cv.effective_time, '%Y-%m-%d %H:%i:%s.%f') FROM permit_version cv "
    "WHERE cv.permit_id = p.id AND cv.version = p.current_version), "
    "p.end_reason, DATE_FORMAT(p.end_time, '%Y-%m-%d %H:%i:%s.%f'), p.case_name, p.version, "
    "DATE_FORMAT(p.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(p.update_time, '%Y-%m-%d %H:%i:%s.%f'), e.display_name, e.district_code";

constexpr absl::string_view kSelectLimits =
    "SELECT l.outlet_code, l.pollutant_code, l.concentration_limit, l.concentration_unit, "
    "l.averaging_window, l.reference_o2, l.annual_mass_t, l.standard FROM permit_limit l "
    "WHERE l.permit_id = ? AND l.version = ? ORDER BY l.outlet_code, l.pollutant_code";

constexpr absl::string_view kSelectOutletCodes =
    "SELECT code FROM outlet WHERE enterprise_id = ? ORDER BY code";
// The enterprise's permits in force and the outlets their latest version limits.
constexpr absl::string_view kSelectInForce =
    "SELECT p.id, p.permit_number, p.site_sequence, l.outlet_code FROM permit p "
    "LEFT JOIN permit_limit l ON l.permit_id = p.id AND l.version = p.current_version "
    "WHERE p.enterprise_id = ? AND p.state = 'IN_FORCE' ORDER BY p.permit_number, l.outlet_code";

constexpr absl::string_view kInsertPermit =
    "INSERT INTO permit (permit_number, enterprise_id, site_sequence, state, source, valid_from, "
    "valid_until, issuing_authority, issue_time, current_version, end_reason, end_time, "
    "case_name, version, create_time, update_time) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
constexpr absl::string_view kUpdatePermit =
    "UPDATE permit SET state = ?, valid_from = ?, valid_until = ?, issue_time = ?, "
    "current_version = ?, end_reason = ?, end_time = ?, case_name = ?, version = version + 1, "
    "update_time = ? WHERE id = ?";
constexpr absl::string_view kInsertVersion =
    "INSERT INTO permit_version (permit_id, version, effective_time, reason, valid_until, "
    "valid_until_end, note, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertLimit =
    "INSERT INTO permit_limit (permit_id, version, outlet_code, pollutant_code, "
    "concentration_limit, concentration_unit, averaging_window, reference_o2, annual_mass_t, "
    "standard) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kDeleteDraftLimits =
    "DELETE FROM permit_limit WHERE permit_id = ? AND version = 0";

constexpr absl::string_view kSelectVersions =
    "SELECT v.version, DATE_FORMAT(v.effective_time, '%Y-%m-%d %H:%i:%s.%f'), v.reason, "
    "DATE_FORMAT(v.valid_until, '%Y-%m-%d'), v.note, "
    "DATE_FORMAT(v.create_time, '%Y-%m-%d %H:%i:%s.%f') FROM permit_version v "
    "WHERE v.permit_id = ? ORDER BY v.version DESC";

// The limit in force at T (bound four times), as domain::VersionAt says, in one statement:
// of each issued permit of the enterprise that had not ended by T, the latest version that
// took effect by T, if its validity covers T; then that version's limit for the outlet and
// pollutant. An outlet is limited by one permit in force (checked on every change); the
// ORDER BY only makes a broken invariant deterministic.
constexpr absl::string_view kSelectLimitInForce =
    "SELECT p.permit_number, v.version, l.outlet_code, l.pollutant_code, "
    "l.concentration_limit, l.concentration_unit, l.averaging_window, l.reference_o2, "
    "l.annual_mass_t, l.standard "
    "FROM enterprise e "
    "JOIN permit p ON p.enterprise_id = e.id "
    "JOIN permit_version v ON v.permit_id = p.id "
    "JOIN permit_limit l ON l.permit_id = v.permit_id AND l.version = v.version "
    "WHERE e.uscc = ? AND l.outlet_code = ? AND l.pollutant_code = ? "
    "AND p.current_version > 0 AND (p.end_time IS NULL OR p.end_time > ?) "
    "AND v.version = (SELECT MAX(v2.version) FROM permit_version v2 "
    "WHERE v2.permit_id = p.id AND v2.effective_time <= ?) "
    "AND v.effective_time <= ? AND v.valid_until_end > ? AND ";
constexpr absl::string_view kLimitInForceOrder =
    " ORDER BY v.effective_time DESC, p.permit_number LIMIT 1";

constexpr absl::string_view kSelectDue =
    "SELECT e.uscc, p.permit_number FROM permit p JOIN enterprise e ON e.id = p.enterprise_id "
    "WHERE p.state = 'IN_FORCE' AND p.valid_until < ? "
    "ORDER BY p.valid_until, p.permit_number LIMIT ?";

constexpr absl::string_view kSelectPublicOutlets =
    "SELECT DISTINCT o.code, o.display_name FROM outlet o JOIN permit_limit l "
    "ON l.outlet_code = o.code WHERE o.enterprise_id = ? AND l.permit_id = ? AND l.version = ? "
    "ORDER BY o.code";

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("bad date '", text, "' in the database"));
  }
  return day;
}

absl::StatusOr<std::optional<absl::Time>> ReadOptionalTime(sql::ResultSet& rs, int index) {
  if (rs.isNull(index)) return std::optional<absl::Time>();
  ECOCASE_ASSIGN_OR_RETURN(absl::Time t, ParseSqlTime(rs.getString(index)));
  return std::optional<absl::Time>(t);
}

void SetOptionalTime(sql::PreparedStatement& stmt, int index, std::optional<absl::Time> t) {
  if (t.has_value()) {
    stmt.setString(index, FormatSqlTime(*t));
  } else {
    stmt.setNull(index, sql::DataType::TIMESTAMP);
  }
}

void SetOptionalDouble(sql::PreparedStatement& stmt, int index, std::optional<double> v) {
  if (v.has_value()) {
    stmt.setDouble(index, *v);
  } else {
    stmt.setNull(index, sql::DataType::DOUBLE);
  }
}

// Reads kLimitColumns starting at `first`.
absl::StatusOr<PermitLimit> ReadLimit(sql::ResultSet& rs, int first) {
  PermitLimit l;
  l.outlet_code = rs.getString(first);
  l.pollutant_code = rs.getString(first + 1);
  l.concentration_limit = static_cast<double>(rs.getDouble(first + 2));
  l.concentration_unit = rs.getString(first + 3);
  auto window = domain::AveragingWindowFromName(std::string(rs.getString(first + 4)));
  if (!window.has_value()) return absl::InternalError("a permit limit has an unknown window");
  l.averaging_window = *window;
  if (!rs.isNull(first + 5)) l.reference_o2_percent = static_cast<double>(rs.getDouble(first + 5));
  if (!rs.isNull(first + 6)) l.annual_mass_limit_t = static_cast<double>(rs.getDouble(first + 6));
  l.standard = rs.getString(first + 7);
  return l;
}

absl::StatusOr<std::vector<PermitLimit>> LoadLimits(sql::Connection& conn, int64_t permit_id,
                                                    int version) {
  auto stmt = Prepare(conn, kSelectLimits);
  stmt->setInt64(1, permit_id);
  stmt->setInt(2, version);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  std::vector<PermitLimit> limits;
  while (rs->next()) {
    ECOCASE_ASSIGN_OR_RETURN(PermitLimit l, ReadLimit(*rs, 1));
    limits.push_back(std::move(l));
  }
  return limits;
}

absl::StatusOr<Permit> ReadPermit(sql::ResultSet& rs) {
  Permit p;
  p.id = rs.getInt64(1);
  p.enterprise_id = rs.getInt64(2);
  p.permit_number = rs.getString(3);
  p.enterprise_uscc = rs.getString(4);
  p.site_sequence = rs.getString(5);
  auto state = domain::PermitStateFromName(std::string(rs.getString(6)));
  auto source = domain::PermitSourceFromName(std::string(rs.getString(7)));
  if (!state.has_value() || !source.has_value()) {
    return absl::InternalError(
        absl::StrCat("permit ", p.permit_number, " has an unknown state or source"));
  }
  p.state = *state;
  p.source = *source;
  ECOCASE_ASSIGN_OR_RETURN(p.valid_from, ParseDay(rs.getString(8)));
  ECOCASE_ASSIGN_OR_RETURN(p.valid_until, ParseDay(rs.getString(9)));
  p.issuing_authority = rs.getString(10);
  ECOCASE_ASSIGN_OR_RETURN(p.issue_time, ReadOptionalTime(rs, 11));
  p.current_version = rs.getInt(12);
  ECOCASE_ASSIGN_OR_RETURN(p.current_effective_time, ReadOptionalTime(rs, 13));
  p.end_reason = rs.getString(14);
  ECOCASE_ASSIGN_OR_RETURN(p.end_time, ReadOptionalTime(rs, 15));
  p.case_name = rs.getString(16);
  p.version = rs.getInt64(17);
  ECOCASE_ASSIGN_OR_RETURN(p.create_time, ParseSqlTime(rs.getString(18)));
  ECOCASE_ASSIGN_OR_RETURN(p.update_time, ParseSqlTime(rs.getString(19)));
  p.holder_name = rs.getString(20);
  p.holder_district_code = rs.getString(21);
  return p;
}

// Runs a query of kPermitColumns and reads every row with its limits (the draft's or the
// latest version's).
absl::StatusOr<std::vector<Permit>> ReadPermits(sql::Connection& conn,
                                                sql::PreparedStatement& stmt) {
  std::vector<Permit> permits;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(Permit p, ReadPermit(*rs));
      permits.push_back(std::move(p));
    }
  }
  for (Permit& p : permits) {
    ECOCASE_ASSIGN_OR_RETURN(p.limits, LoadLimits(conn, p.id, p.current_version));
  }
  return permits;
}

absl::Status NotFound(const PermitKey& key) {
  return absl::NotFoundError(
      absl::StrCat(domain::PermitName(key.uscc, key.permit_number), " not found"));
}

absl::Status EnterpriseNotFound(const std::string& uscc) {
  return absl::NotFoundError(absl::StrCat("enterprises/", uscc, " not found"));
}

// One permit by enterprise and number within scope, optionally locked.
absl::StatusOr<std::optional<Permit>> SelectPermit(sql::Connection& conn, const Scope& scope,
                                                   const PermitKey& key, bool for_update) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  std::string query = absl::StrCat("SELECT ", kPermitColumns,
                                   " FROM permit p JOIN enterprise e ON e.id = p.enterprise_id "
                                   "WHERE e.uscc = ? AND p.permit_number = ? AND ",
                                   p.sql, for_update ? " FOR UPDATE" : "");
  auto stmt = Prepare(conn, query);
  stmt->setString(1, key.uscc);
  stmt->setString(2, key.permit_number);
  BindStrings(*stmt, 3, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<Permit> permits, ReadPermits(conn, *stmt));
  if (permits.empty()) return std::optional<Permit>();
  return std::optional<Permit>(std::move(permits.front()));
}

void InsertLimits(sql::Connection& conn, int64_t permit_id, int version,
                  const std::vector<PermitLimit>& limits) {
  auto stmt = Prepare(conn, kInsertLimit);
  for (const PermitLimit& l : limits) {
    stmt->setInt64(1, permit_id);
    stmt->setInt(2, version);
    stmt->setString(3, l.outlet_code);
    stmt->setString(4, l.pollutant_code);
    stmt->setDouble(5, l.concentration_limit);
    stmt->setString(6, l.concentration_unit);
    stmt->setString(7, std::string(domain::AveragingWindowName(l.averaging_window)));
    SetOptionalDouble(*stmt, 8, l.reference_o2_percent);
    SetOptionalDouble(*stmt, 9, l.annual_mass_limit_t);
    stmt->setString(10, l.standard);
    stmt->executeUpdate();
  }
}

// Maps a duplicate key on the permit table to what it means.
absl::Status DuplicatePermit(const sql::SQLException& e, const Permit& permit) {
  if (absl::StrContains(e.what(), "uk_permit_in_force_site")) {
    return absl::FailedPreconditionError(absl::StrCat("site ", permit.site_sequence,
                                                      " of enterprises/", permit.enterprise_uscc,
                                                      " already has a permit in force"));
  }
  return absl::AlreadyExistsError(absl::StrCat("permit ", permit.permit_number, " already exists"));
}

// The times storage keeps: whole microseconds.
PermitEdit Truncated(PermitEdit edit) {
  auto trunc = [](std::optional<absl::Time>& t) {
    if (t.has_value()) t = TruncateToMicros(*t);
  };
  trunc(edit.permit.issue_time);
  trunc(edit.permit.end_time);
  trunc(edit.permit.current_effective_time);
  if (edit.new_version.has_value()) {
    edit.new_version->effective_time = TruncateToMicros(edit.new_version->effective_time);
    edit.new_version->create_time = TruncateToMicros(edit.new_version->create_time);
  }
  return edit;
}

}  // namespace

absl::StatusOr<PermitHolder> MysqlPermitRepository::LockHolder(Tx& tx, const Scope& scope,
                                                               const std::string& uscc) {
  sql::Connection& conn = tx.connection();
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt = Prepare(conn, absl::StrCat("SELECT e.id, e.uscc, e.display_name, e.district_code "
                                         "FROM enterprise e WHERE e.uscc = ? AND ",
                                         p.sql, " FOR UPDATE"));
  stmt->setString(1, uscc);
  BindStrings(*stmt, 2, p.values);
  PermitHolder h;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) return EnterpriseNotFound(uscc);
    h.enterprise_id = rs->getInt64(1);
    h.uscc = rs->getString(2);
    h.display_name = rs->getString(3);
    h.district_code = rs->getString(4);
  }
  auto outlets = Prepare(conn, kSelectOutletCodes);
  outlets->setInt64(1, h.enterprise_id);
  {
    std::unique_ptr<sql::ResultSet> rs(outlets->executeQuery());
    while (rs->next()) h.outlet_codes.push_back(rs->getString(1));
  }
  std::sort(h.outlet_codes.begin(), h.outlet_codes.end());
  auto in_force = Prepare(conn, kSelectInForce);
  in_force->setInt64(1, h.enterprise_id);
  std::unique_ptr<sql::ResultSet> rs(in_force->executeQuery());
  while (rs->next()) {
    int64_t id = rs->getInt64(1);
    if (h.in_force.empty() || h.in_force.back().permit_id != id) {
      h.in_force.push_back({id, rs->getString(2), rs->getString(3), {}});
    }
    if (!rs->isNull(4)) {
      std::string code = rs->getString(4);
      auto& codes = h.in_force.back().outlet_codes;
      if (codes.empty() || codes.back() != code) codes.push_back(code);
    }
  }
  return h;
}

absl::StatusOr<LockedPermit> MysqlPermitRepository::Lock(Tx& tx, const Scope& scope,
                                                         const PermitKey& key,
                                                         int64_t expected_version) {
  auto holder = LockHolder(tx, scope, key.uscc);
  if (absl::IsNotFound(holder.status())) return NotFound(key);
  if (!holder.ok()) return holder.status();
  ECOCASE_ASSIGN_OR_RETURN(std::optional<Permit> permit,
                           SelectPermit(tx.connection(), scope, key, /*for_update=*/true));
  if (!permit.has_value()) return NotFound(key);
  if (expected_version != 0 && expected_version != permit->version) {
    return common::WithReason(
        absl::AbortedError(absl::StrCat(permit->ResourceName(),
                                        " was changed by someone else; read it again and retry")),
        "ETAG_MISMATCH");
  }
  return LockedPermit{*std::move(holder), *std::move(permit)};
}

absl::StatusOr<Permit> MysqlPermitRepository::Save(Tx& tx, const PermitHolder& holder,
                                                   const PermitEdit& original, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  PermitEdit edit = Truncated(original);
  Permit p = edit.permit;
  p.enterprise_id = holder.enterprise_id;
  p.enterprise_uscc = holder.uscc;
  p.holder_name = holder.display_name;
  p.holder_district_code = holder.district_code;
  try {
    if (p.id == 0) {
      auto stmt = Prepare(conn, kInsertPermit);
      stmt->setString(1, p.permit_number);
      stmt->setInt64(2, p.enterprise_id);
      stmt->setString(3, p.site_sequence);
      stmt->setString(4, std::string(domain::PermitStateName(p.state)));
      stmt->setString(5, std::string(domain::PermitSourceName(p.source)));
      stmt->setString(6, DayText(p.valid_from));
      stmt->setString(7, DayText(p.valid_until));
      stmt->setString(8, p.issuing_authority);
      SetOptionalTime(*stmt, 9, p.issue_time);
      stmt->setInt(10, p.current_version);
      stmt->setString(11, p.end_reason);
      SetOptionalTime(*stmt, 12, p.end_time);
      stmt->setString(13, p.case_name);
      stmt->setString(14, FormatSqlTime(now));
      stmt->setString(15, FormatSqlTime(now));
      stmt->executeUpdate();
      auto id = Prepare(conn, "SELECT LAST_INSERT_ID()");
      std::unique_ptr<sql::ResultSet> rs(id->executeQuery());
      rs->next();
      p.id = rs->getInt64(1);
      p.version = 1;
      p.create_time = now;
    } else {
      auto stmt = Prepare(conn, kUpdatePermit);
      stmt->setString(1, std::string(domain::PermitStateName(p.state)));
      stmt->setString(2, DayText(p.valid_from));
      stmt->setString(3, DayText(p.valid_until));
      SetOptionalTime(*stmt, 4, p.issue_time);
      stmt->setInt(5, p.current_version);
      stmt->setString(6, p.end_reason);
      SetOptionalTime(*stmt, 7, p.end_time);
      stmt->setString(8, p.case_name);
      stmt->setString(9, FormatSqlTime(now));
      stmt->setInt64(10, p.id);
      stmt->executeUpdate();
      p.version += 1;
    }
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErDupEntry) return DuplicatePermit(e, p);
    throw;
  }
  p.update_time = now;

  if (edit.new_version.has_value()) {
    const PermitVersion& v = *edit.new_version;
    auto stmt = Prepare(conn, kInsertVersion);
    stmt->setInt64(1, p.id);
    stmt->setInt(2, v.version);
    stmt->setString(3, FormatSqlTime(v.effective_time));
    stmt->setString(4, std::string(domain::VersionReasonName(v.reason)));
    stmt->setString(5, DayText(v.valid_until));
    stmt->setString(6, FormatSqlTime(domain::ValidityEnd(v.valid_until)));
    stmt->setString(7, v.note);
    stmt->setString(8, FormatSqlTime(now));
    stmt->executeUpdate();
    InsertLimits(conn, p.id, v.version, v.limits);
    // An issued draft's limits live on in version 1.
    auto del = Prepare(conn, kDeleteDraftLimits);
    del->setInt64(1, p.id);
    del->executeUpdate();
  } else if (edit.rewrite_draft_limits || original.permit.id == 0) {
    auto del = Prepare(conn, kDeleteDraftLimits);
    del->setInt64(1, p.id);
    del->executeUpdate();
    InsertLimits(conn, p.id, 0, p.limits);
  }
  return p;
}

absl::StatusOr<Permit> MysqlPermitRepository::Get(const Scope& scope, const PermitKey& key) {
  std::optional<Permit> found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get permit", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectPermit(conn, scope, key, /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return NotFound(key);
  return *std::move(found);
}

absl::StatusOr<std::vector<Permit>> MysqlPermitRepository::List(const Scope& scope,
                                                                const PermitFilter& filter,
                                                                int limit,
                                                                const std::string& after) {
  std::vector<Permit> permits;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list permits", [&](sql::Connection& conn) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    std::string query = absl::StrCat("SELECT ", kPermitColumns,
                                     " FROM permit p JOIN enterprise e ON e.id = p.enterprise_id "
                                     "WHERE p.permit_number > ? AND ",
                                     p.sql, filter.enterprise_uscc.empty() ? "" : " AND e.uscc = ?",
                                     filter.state.has_value() ? " AND p.state = ?" : "",
                                     filter.district_code.empty() ? "" : " AND e.district_code = ?",
                                     " ORDER BY p.permit_number LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = 1;
    stmt->setString(i++, after);
    i = BindStrings(*stmt, i, p.values);
    if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
    if (filter.state.has_value()) {
      stmt->setString(i++, std::string(domain::PermitStateName(*filter.state)));
    }
    if (!filter.district_code.empty()) stmt->setString(i++, filter.district_code);
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(permits, ReadPermits(conn, *stmt));
    return absl::OkStatus();
  }));
  return permits;
}

absl::StatusOr<std::vector<PermitVersion>> MysqlPermitRepository::ListVersions(
    const Scope& scope, const PermitKey& key) {
  std::vector<PermitVersion> versions;
  bool found = false;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list permit versions", [&](sql::Connection& conn) {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<Permit> permit,
                                 SelectPermit(conn, scope, key, /*for_update=*/false));
        found = permit.has_value();
        if (!found) return absl::OkStatus();
        auto stmt = Prepare(conn, kSelectVersions);
        stmt->setInt64(1, permit->id);
        {
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
          while (rs->next()) {
            PermitVersion v;
            v.version = rs->getInt(1);
            ECOCASE_ASSIGN_OR_RETURN(v.effective_time, ParseSqlTime(rs->getString(2)));
            auto reason = domain::VersionReasonFromName(std::string(rs->getString(3)));
            if (!reason.has_value())
              return absl::InternalError("a permit version has an unknown reason");
            v.reason = *reason;
            ECOCASE_ASSIGN_OR_RETURN(v.valid_until, ParseDay(rs->getString(4)));
            v.note = rs->getString(5);
            ECOCASE_ASSIGN_OR_RETURN(v.create_time, ParseSqlTime(rs->getString(6)));
            versions.push_back(std::move(v));
          }
        }
        for (PermitVersion& v : versions) {
          ECOCASE_ASSIGN_OR_RETURN(v.limits, LoadLimits(conn, permit->id, v.version));
        }
        return absl::OkStatus();
      }));
  if (!found) return NotFound(key);
  return versions;
}

absl::StatusOr<LimitInForce> MysqlPermitRepository::FindLimitInForce(
    const Scope& scope, const std::string& uscc, const std::string& outlet_code,
    const std::string& pollutant_code, absl::Time t) {
  std::optional<LimitInForce> found;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "find limit in force", [&](sql::Connection& conn) {
        SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
        auto stmt = Prepare(conn, absl::StrCat(kSelectLimitInForce, p.sql, kLimitInForceOrder));
        const std::string at = FormatSqlTime(t);
        stmt->setString(1, uscc);
        stmt->setString(2, outlet_code);
        stmt->setString(3, pollutant_code);
        stmt->setString(4, at);
        stmt->setString(5, at);
        stmt->setString(6, at);
        stmt->setString(7, at);
        BindStrings(*stmt, 8, p.values);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        if (!rs->next()) return absl::OkStatus();
        LimitInForce l;
        l.enterprise_uscc = uscc;
        l.permit_number = rs->getString(1);
        l.version = rs->getInt(2);
        ECOCASE_ASSIGN_OR_RETURN(l.limit, ReadLimit(*rs, 3));
        found = std::move(l);
        return absl::OkStatus();
      }));
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat("no permit limited ", pollutant_code,
                                            " at enterprises/", uscc, "/outlets/", outlet_code,
                                            " at ", FormatSqlTime(t), " UTC"));
  }
  return *std::move(found);
}

absl::StatusOr<EnterprisePermits> MysqlPermitRepository::ListForEnterprise(
    const Scope& scope, const std::string& uscc) {
  std::optional<EnterprisePermits> out;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "enterprise permits", [&](sql::Connection& conn) {
        SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
        auto enterprise = Prepare(conn, absl::StrCat("SELECT e.id, e.uscc, e.display_name FROM "
                                                     "enterprise e WHERE e.uscc = ? AND ",
                                                     p.sql));
        enterprise->setString(1, uscc);
        BindStrings(*enterprise, 2, p.values);
        int64_t id = 0;
        EnterprisePermits result;
        {
          std::unique_ptr<sql::ResultSet> rs(enterprise->executeQuery());
          if (!rs->next()) return absl::OkStatus();
          id = rs->getInt64(1);
          result.uscc = rs->getString(2);
          result.display_name = rs->getString(3);
        }
        auto stmt = Prepare(conn, absl::StrCat("SELECT ", kPermitColumns,
                                               " FROM permit p JOIN enterprise e ON e.id = "
                                               "p.enterprise_id WHERE p.enterprise_id = ? AND "
                                               "p.state <> 'DRAFT' ORDER BY p.permit_number"));
        stmt->setInt64(1, id);
        ECOCASE_ASSIGN_OR_RETURN(result.permits, ReadPermits(conn, *stmt));
        out = std::move(result);
        return absl::OkStatus();
      }));
  if (!out.has_value()) return EnterpriseNotFound(uscc);
  return *std::move(out);
}

absl::StatusOr<std::vector<Permit>> MysqlPermitRepository::ListExpiring(
    const Scope& scope, absl::CivilDay last_day, int limit,
    const std::optional<ExpiringKey>& after) {
  std::vector<Permit> permits;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list expiring permits", [&](sql::Connection& conn) {
        SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
        std::string query = absl::StrCat(
            "SELECT ", kPermitColumns,
            " FROM permit p JOIN enterprise e ON e.id = p.enterprise_id "
            "WHERE p.state = 'IN_FORCE' AND p.valid_until <= ? AND ",
            p.sql,
            after.has_value()
                ? " AND (p.valid_until > ? OR (p.valid_until = ? AND p.permit_number > ?))"
                : "",
            " ORDER BY p.valid_until, p.permit_number LIMIT ?");
        auto stmt = Prepare(conn, query);
        int i = 1;
        stmt->setString(i++, DayText(last_day));
        i = BindStrings(*stmt, i, p.values);
        if (after.has_value()) {
          stmt->setString(i++, DayText(after->valid_until));
          stmt->setString(i++, DayText(after->valid_until));
          stmt->setString(i++, after->permit_number);
        }
        stmt->setInt(i, limit);
        ECOCASE_ASSIGN_OR_RETURN(permits, ReadPermits(conn, *stmt));
        return absl::OkStatus();
      }));
  return permits;
}

absl::StatusOr<std::vector<PermitKey>> MysqlPermitRepository::ListDueForExpiry(absl::CivilDay today,
                                                                               int limit) {
  std::vector<PermitKey> keys;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "permits due to expire", [&](sql::Connection& conn) {
        auto stmt = Prepare(conn, kSelectDue);
        stmt->setString(1, DayText(today));
        stmt->setInt(2, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) keys.push_back({rs->getString(1), rs->getString(2)});
        return absl::OkStatus();
      }));
  return keys;
}

absl::StatusOr<PublicPermitView> MysqlPermitRepository::GetPublic(
    const std::string& permit_number) {
  std::optional<PublicPermitView> view;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "public permit", [&](sql::Connection& conn) {
    // Issued permits only: a draft (or a draft cancelled before issue) was never a permit.
    auto stmt = Prepare(conn, absl::StrCat("SELECT ", kPermitColumns,
                                           " FROM permit p JOIN enterprise e ON e.id = "
                                           "p.enterprise_id WHERE p.permit_number = ? AND "
                                           "p.state <> 'DRAFT' AND p.current_version > 0"));
    stmt->setString(1, permit_number);
    ECOCASE_ASSIGN_OR_RETURN(std::vector<Permit> permits, ReadPermits(conn, *stmt));
    if (permits.empty()) return absl::OkStatus();
    PublicPermitView v;
    v.permit = std::move(permits.front());
    auto outlets = Prepare(conn, kSelectPublicOutlets);
    outlets->setInt64(1, v.permit.enterprise_id);
    outlets->setInt64(2, v.permit.id);
    outlets->setInt(3, v.permit.current_version);
    std::unique_ptr<sql::ResultSet> rs(outlets->executeQuery());
    while (rs->next()) v.outlets.push_back({rs->getString(1), rs->getString(2)});
    view = std::move(v);
    return absl::OkStatus();
  }));
  if (!view.has_value()) {
    return absl::NotFoundError(absl::StrCat("permit ", permit_number, " not found"));
  }
  return *std::move(view);
}

}  // namespace ecocase::storage::mysql
