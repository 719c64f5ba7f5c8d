#include "storage/mysql/mysql_session_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "storage/mysql/mysql_user_repository.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

// A session is usable while not revoked, not expired and its user not disabled; the
// expiry is compared with the injected clock's `now`, bound as a parameter.
constexpr absl::string_view kSelectByAccess =
    "SELECT s.id, u.id, u.username, u.role, u.enterprise_uscc FROM auth_session s "
    "JOIN app_user u ON u.id = s.user_id WHERE s.access_digest = ? AND s.revoke_time IS NULL "
    "AND s.access_expire_time > ? AND u.disabled = FALSE";
constexpr absl::string_view kSelectByRefresh =
    "SELECT s.id, u.id, u.username, u.role, u.enterprise_uscc FROM auth_session s "
    "JOIN app_user u ON u.id = s.user_id WHERE s.refresh_digest = ? AND s.revoke_time IS NULL "
    "AND s.refresh_expire_time > ? AND u.disabled = FALSE FOR UPDATE";
constexpr absl::string_view kInsertSession =
    "INSERT INTO auth_session (user_id, access_digest, access_expire_time, refresh_digest, "
    "refresh_expire_time, create_time) VALUES (?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kRotateSession =
    "UPDATE auth_session SET access_digest = ?, access_expire_time = ?, refresh_digest = ?, "
    "refresh_expire_time = ? WHERE id = ?";
constexpr absl::string_view kRevokeSession =
    "UPDATE auth_session SET revoke_time = ? WHERE id = ? AND revoke_time IS NULL";
constexpr absl::string_view kRevokeUserSessions =
    "UPDATE auth_session SET revoke_time = ? WHERE user_id = ? AND revoke_time IS NULL";

absl::StatusOr<std::optional<domain::Principal>> SelectPrincipal(sql::Connection& conn,
                                                                 absl::string_view query,
                                                                 const std::string& digest,
                                                                 absl::Time now) {
  auto stmt = Prepare(conn, query);
  stmt->setString(1, digest);
  stmt->setString(2, FormatSqlTime(now));
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::optional<domain::Principal>();
  domain::Principal p;
  p.session_id = rs->getInt64(1);
  p.user_id = rs->getInt64(2);
  p.username = rs->getString(3);
  auto role = domain::RoleFromName(std::string(rs->getString(4)));
  if (!role.has_value()) return absl::InternalError("session user has an unknown role");
  p.role = *role;
  p.jurisdiction.enterprise_uscc = rs->isNull(5) ? "" : std::string(rs->getString(5));
  domain::User user;
  user.id = p.user_id;
  LoadJurisdiction(conn, user);
  p.jurisdiction.district_codes = std::move(user.jurisdiction.district_codes);
  p.jurisdiction.device_mns = std::move(user.jurisdiction.device_mns);
  return std::optional<domain::Principal>(std::move(p));
}

absl::Status Unauthenticated(absl::string_view which) {
  return absl::UnauthenticatedError(
      absl::StrCat(which, " is invalid, expired or revoked; sign in again"));
}

}  // namespace

absl::StatusOr<domain::Principal> MysqlSessionRepository::FindByAccessDigest(
    const std::string& digest, absl::Time now) {
  std::optional<domain::Principal> found;
  absl::Status s = RunWithConnection(pool_, "authenticate", [&](sql::Connection& conn) {
    auto r = SelectPrincipal(conn, kSelectByAccess, digest, now);
    if (!r.ok()) return r.status();
    found = *std::move(r);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!found.has_value()) return Unauthenticated("access token");
  return *std::move(found);
}

absl::StatusOr<int64_t> MysqlSessionRepository::Create(Tx& tx, int64_t user_id,
                                                       const SessionTokens& tokens,
                                                       absl::Time now) {
  sql::Connection& conn = tx.connection();
  auto stmt = Prepare(conn, kInsertSession);
  stmt->setInt64(1, user_id);
  stmt->setString(2, tokens.access_digest);
  stmt->setString(3, FormatSqlTime(tokens.access_expire_time));
  stmt->setString(4, tokens.refresh_digest);
  stmt->setString(5, FormatSqlTime(tokens.refresh_expire_time));
  stmt->setString(6, FormatSqlTime(now));
  stmt->executeUpdate();
  auto id = Prepare(conn, "SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> rs(id->executeQuery());
  rs->next();
  return rs->getInt64(1);
}

absl::StatusOr<domain::Principal> MysqlSessionRepository::Refresh(
    Tx& tx, const std::string& refresh_digest, const SessionTokens& tokens, absl::Time now) {
  sql::Connection& conn = tx.connection();
  auto found = SelectPrincipal(conn, kSelectByRefresh, refresh_digest, now);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return Unauthenticated("refresh token");
  auto stmt = Prepare(conn, kRotateSession);
  stmt->setString(1, tokens.access_digest);
  stmt->setString(2, FormatSqlTime(tokens.access_expire_time));
  stmt->setString(3, tokens.refresh_digest);
  stmt->setString(4, FormatSqlTime(tokens.refresh_expire_time));
  stmt->setInt64(5, (*found)->session_id);
  stmt->executeUpdate();
  return **found;
}

absl::Status MysqlSessionRepository::Revoke(Tx& tx, int64_t session_id, absl::Time now) {
  auto stmt = Prepare(tx.connection(), kRevokeSession);
  stmt->setString(1, FormatSqlTime(now));
  stmt->setInt64(2, session_id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

absl::Status MysqlSessionRepository::RevokeAllForUser(Tx& tx, int64_t user_id, absl::Time now) {
  auto stmt = Prepare(tx.connection(), kRevokeUserSessions);
  stmt->setString(1, FormatSqlTime(now));
  stmt->setInt64(2, user_id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

}  // namespace ecocase::storage::mysql
