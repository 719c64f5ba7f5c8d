#include "storage/mysql/mysql_user_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

// Columns read into a domain::User, in this order, by every query below.
constexpr absl::string_view kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.enterprise_uscc, u.disabled, "
    "u.cert_number, DATE_FORMAT(u.cert_valid_from, '%Y-%m-%d'), "
    "DATE_FORMAT(u.cert_valid_until, '%Y-%m-%d'), u.version, "
    "DATE_FORMAT(u.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(u.update_time, '%Y-%m-%d %H:%i:%s.%f'), u.password_hash";

constexpr absl::string_view kInsertUser =
    "INSERT INTO app_user (username, display_name, role, enterprise_uscc, password_hash, "
    "disabled, cert_number, cert_valid_from, cert_valid_until, version, create_time, "
    "update_time) VALUES (?, ?, ?, NULLIF(?, ''), ?, FALSE, NULLIF(?, ''), ?, ?, 1, ?, ?)";
constexpr absl::string_view kInsertDistrict =
    "INSERT INTO app_user_district (user_id, district_code) VALUES (?, ?)";
constexpr absl::string_view kDeleteDistricts =
    "DELETE FROM app_user_district WHERE user_id = ?";
constexpr absl::string_view kSelectDistricts =
    "SELECT district_code FROM app_user_district WHERE user_id = ? ORDER BY district_code";
constexpr absl::string_view kInsertDevice =
    "INSERT INTO app_user_device (user_id, mn) VALUES (?, ?)";
constexpr absl::string_view kDeleteDevices = "DELETE FROM app_user_device WHERE user_id = ?";
constexpr absl::string_view kSelectDevices =
    "SELECT mn FROM app_user_device WHERE user_id = ? ORDER BY mn";
constexpr absl::string_view kUpdateUser =
    "UPDATE app_user SET display_name = ?, enterprise_uscc = NULLIF(?, ''), disabled = ?, "
    "cert_number = NULLIF(?, ''), cert_valid_from = ?, cert_valid_until = ?, "
    "version = version + 1, update_time = ? WHERE id = ?";
constexpr absl::string_view kUpdatePassword =
    "UPDATE app_user SET password_hash = ?, version = version + 1, update_time = ? "
    "WHERE id = ?";
constexpr absl::string_view kAnyWithRole = "SELECT 1 FROM app_user WHERE role = ? LIMIT 1";

// Users visible to `scope`: by their districts, or for enterprise accounts by enterprise.
SqlPredicate UserScope(const Scope& scope) {
  if (scope.everything) return {"TRUE", {}};
  Scope districts = scope;
  districts.enterprise_uscc.clear();
  SqlPredicate by_district = ScopePredicate(districts, "d.district_code", "");
  SqlPredicate p;
  p.sql = absl::StrCat("(EXISTS (SELECT 1 FROM app_user_district d WHERE d.user_id = u.id AND ",
                       by_district.sql, ")");
  p.values = by_district.values;
  if (!scope.enterprise_uscc.empty()) {
    absl::StrAppend(&p.sql, " OR u.enterprise_uscc = ?");
    p.values.push_back(scope.enterprise_uscc);
  }
  p.sql += ")";
  return p;
}

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (text.empty() || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

void SetNullableDay(sql::PreparedStatement& stmt, int index,
                    const std::optional<domain::EnforcementCertificate>& cert, bool from) {
  if (!cert.has_value()) {
    stmt.setNull(index, 0);
  } else {
    stmt.setString(index, DayText(from ? cert->valid_from : cert->valid_until));
  }
}

absl::StatusOr<UserCredentials> ReadUser(sql::ResultSet& rs) {
  UserCredentials c;
  domain::User& u = c.user;
  u.id = rs.getInt64(1);
  u.username = rs.getString(2);
  u.display_name = rs.getString(3);
  auto role = domain::RoleFromName(std::string(rs.getString(4)));
  if (!role.has_value()) {
    return absl::InternalError(absl::StrCat("user ", u.username, " has an unknown role"));
  }
  u.role = *role;
  u.jurisdiction.enterprise_uscc = rs.isNull(5) ? "" : std::string(rs.getString(5));
  u.disabled = rs.getBoolean(6);
  if (!rs.isNull(7)) {
    auto from = ParseDay(rs.getString(8));
    auto until = ParseDay(rs.getString(9));
    if (from.has_value() && until.has_value()) {
      u.certificate = domain::EnforcementCertificate{rs.getString(7), *from, *until};
    }
  }
  u.version = rs.getInt64(10);
  auto created = ParseSqlTime(rs.getString(11));
  if (!created.ok()) return created.status();
  u.create_time = *created;
  auto updated = ParseSqlTime(rs.getString(12));
  if (!updated.ok()) return updated.status();
  u.update_time = *updated;
  c.password_hash = rs.getString(13);
  return c;
}

// Stores the district codes and (STATION) device MNs of `user`, whose id is set.
void InsertJurisdiction(sql::Connection& conn, const domain::User& user) {
  auto district = Prepare(conn, kInsertDistrict);
  for (const std::string& code : user.jurisdiction.district_codes) {
    district->setInt64(1, user.id);
    district->setString(2, code);
    district->executeUpdate();
  }
  auto device = Prepare(conn, kInsertDevice);
  for (const std::string& mn : user.jurisdiction.device_mns) {
    device->setInt64(1, user.id);
    device->setString(2, mn);
    device->executeUpdate();
  }
}

void DeleteJurisdiction(sql::Connection& conn, int64_t user_id) {
  for (absl::string_view sql : {kDeleteDistricts, kDeleteDevices}) {
    auto del = Prepare(conn, sql);
    del->setInt64(1, user_id);
    del->executeUpdate();
  }
}

// Selects one user by username within `scope`, optionally locking the row.
absl::StatusOr<std::optional<UserCredentials>> SelectUser(sql::Connection& conn,
                                                          const Scope& scope,
                                                          const std::string& username,
                                                          bool for_update) {
  SqlPredicate p = UserScope(scope);
  std::string query = absl::StrCat("SELECT ", kUserColumns,
                                   " FROM app_user u WHERE u.username = ? AND ", p.sql,
                                   for_update ? " FOR UPDATE" : "");
  auto stmt = Prepare(conn, query);
  stmt->setString(1, username);
  BindStrings(*stmt, 2, p.values);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::optional<UserCredentials>();
  auto c = ReadUser(*rs);
  if (!c.ok()) return c.status();
  LoadJurisdiction(conn, c->user);
  return std::optional<UserCredentials>(*std::move(c));
}

absl::Status NotFound(const std::string& username) {
  return absl::NotFoundError(absl::StrCat("users/", username, " not found"));
}

absl::Status StaleEtag(const std::string& username) {
  return common::WithReason(
      absl::AbortedError(absl::StrCat("users/", username,
                                      " was changed by someone else; read it again and retry")),
      "ETAG_MISMATCH");
}

}  // namespace

void LoadJurisdiction(sql::Connection& conn, domain::User& user) {
  auto districts = Prepare(conn, kSelectDistricts);
  districts->setInt64(1, user.id);
  std::unique_ptr<sql::ResultSet> rs(districts->executeQuery());
  user.jurisdiction.district_codes.clear();
  while (rs->next()) user.jurisdiction.district_codes.push_back(rs->getString(1));

  auto devices = Prepare(conn, kSelectDevices);
  devices->setInt64(1, user.id);
  std::unique_ptr<sql::ResultSet> drs(devices->executeQuery());
  user.jurisdiction.device_mns.clear();
  while (drs->next()) user.jurisdiction.device_mns.push_back(drs->getString(1));
}

absl::StatusOr<domain::User> MysqlUserRepository::Create(Tx& tx, domain::User user,
                                                         const std::string& password_hash,
                                                         absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  auto stmt = Prepare(conn, kInsertUser);
  stmt->setString(1, user.username);
  stmt->setString(2, user.display_name);
  stmt->setString(3, std::string(domain::RoleName(user.role)));
  stmt->setString(4, user.jurisdiction.enterprise_uscc);
  stmt->setString(5, password_hash);
  stmt->setString(6, user.certificate.has_value() ? user.certificate->number : "");
  SetNullableDay(*stmt, 7, user.certificate, true);
  SetNullableDay(*stmt, 8, user.certificate, false);
  stmt->setString(9, FormatSqlTime(now));
  stmt->setString(10, FormatSqlTime(now));
  try {
    stmt->executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErDupEntry) {
      return absl::AlreadyExistsError(absl::StrCat("users/", user.username, " already exists"));
    }
    throw;
  }
  auto id = Prepare(conn, "SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> rs(id->executeQuery());
  rs->next();
  user.id = rs->getInt64(1);
  InsertJurisdiction(conn, user);
  user.version = 1;
  user.disabled = false;
  user.create_time = now;
  user.update_time = now;
  return user;
}

absl::StatusOr<domain::User> MysqlUserRepository::Update(
    Tx& tx, const Scope& scope, const std::string& username, int64_t expected_version,
    absl::FunctionRef<absl::Status(domain::User&)> change, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  auto found = SelectUser(conn, scope, username, /*for_update=*/true);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(username);
  domain::User user = (*found)->user;
  if (expected_version != 0 && expected_version != user.version) return StaleEtag(username);
  absl::Status changed = change(user);
  if (!changed.ok()) return changed;
  auto stmt = Prepare(conn, kUpdateUser);
  stmt->setString(1, user.display_name);
  stmt->setString(2, user.jurisdiction.enterprise_uscc);
  stmt->setBoolean(3, user.disabled);
  stmt->setString(4, user.certificate.has_value() ? user.certificate->number : "");
  SetNullableDay(*stmt, 5, user.certificate, true);
  SetNullableDay(*stmt, 6, user.certificate, false);
  stmt->setString(7, FormatSqlTime(now));
  stmt->setInt64(8, user.id);
  stmt->executeUpdate();
  DeleteJurisdiction(conn, user.id);
  InsertJurisdiction(conn, user);
  user.version += 1;
  user.update_time = now;
  return user;
}

absl::StatusOr<domain::User> MysqlUserRepository::SetPasswordHash(Tx& tx, const Scope& scope,
                                                                  const std::string& username,
                                                                  const std::string& hash,
                                                                  absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  auto found = SelectUser(conn, scope, username, /*for_update=*/true);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(username);
  domain::User user = (*found)->user;
  auto stmt = Prepare(conn, kUpdatePassword);
  stmt->setString(1, hash);
  stmt->setString(2, FormatSqlTime(now));
  stmt->setInt64(3, user.id);
  stmt->executeUpdate();
  user.version += 1;
  user.update_time = now;
  return user;
}

absl::StatusOr<domain::User> MysqlUserRepository::Get(const Scope& scope,
                                                      const std::string& username) {
  std::optional<UserCredentials> found;
  absl::Status s = RunWithConnection(pool_, "get user", [&](sql::Connection& conn) {
    auto r = SelectUser(conn, scope, username, /*for_update=*/false);
    if (!r.ok()) return r.status();
    found = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found.has_value()) return NotFound(username);
  return found->user;
}

absl::StatusOr<std::vector<domain::User>> MysqlUserRepository::List(
    const Scope& scope, const UserFilter& filter, int limit, const std::string& after) {
  std::vector<domain::User> users;
  absl::Status s = RunWithConnection(pool_, "list users", [&](sql::Connection& conn) {
    users.clear();
    SqlPredicate p = UserScope(scope);
    std::string query = absl::StrCat(
        "SELECT ", kUserColumns, " FROM app_user u WHERE u.username > ? AND ", p.sql,
        filter.role.has_value() ? " AND u.role = ?" : "",
        filter.include_disabled ? "" : " AND u.disabled = FALSE",
        " ORDER BY u.username LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = 1;
    stmt->setString(i++, after);
    i = BindStrings(*stmt, i, p.values);
    if (filter.role.has_value()) stmt->setString(i++, std::string(domain::RoleName(*filter.role)));
    stmt->setInt(i, limit);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    while (rs->next()) {
      auto c = ReadUser(*rs);
      if (!c.ok()) return c.status();
      users.push_back(std::move(c->user));
    }
    for (domain::User& u : users) LoadJurisdiction(conn, u);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return users;
}

absl::StatusOr<std::optional<UserCredentials>> MysqlUserRepository::FindCredentials(
    const std::string& username) {
  std::optional<UserCredentials> found;
  absl::Status s = RunWithConnection(pool_, "find user", [&](sql::Connection& conn) {
    auto r = SelectUser(conn, Scope::All(), username, /*for_update=*/false);
    if (!r.ok()) return r.status();
    found = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return found;
}

absl::StatusOr<bool> MysqlUserRepository::AnyUserWithRole(domain::Role role) {
  bool any = false;
  absl::Status s = RunWithConnection(pool_, "find user by role", [&](sql::Connection& conn) {
    auto stmt = Prepare(conn, kAnyWithRole);
    stmt->setString(1, std::string(domain::RoleName(role)));
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    any = rs->next();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return any;
}

}  // namespace ecocase::storage::mysql
