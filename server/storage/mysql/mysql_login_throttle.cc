#include "storage/mysql/mysql_login_throttle.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

constexpr absl::string_view kSelectLock =
    "SELECT DATE_FORMAT(locked_until, '%Y-%m-%d %H:%i:%s.%f') FROM login_throttle "
    "WHERE subject = ? AND locked_until > ?";
constexpr absl::string_view kSelectForUpdate =
    "SELECT failures, DATE_FORMAT(window_start, '%Y-%m-%d %H:%i:%s.%f') FROM login_throttle "
    "WHERE subject = ? FOR UPDATE";
constexpr absl::string_view kInsert =
    "INSERT INTO login_throttle (subject, failures, window_start, locked_until) "
    "VALUES (?, 1, ?, NULL)";
constexpr absl::string_view kUpdate =
    "UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? "
    "WHERE subject = ?";
constexpr absl::string_view kDelete = "DELETE FROM login_throttle WHERE subject = ?";
constexpr absl::string_view kPurge =
    "DELETE FROM login_throttle WHERE window_start < ? AND "
    "(locked_until IS NULL OR locked_until < ?)";

}  // namespace

absl::StatusOr<absl::Time> MysqlLoginThrottle::LockedUntil(
    const std::vector<std::string>& subjects, absl::Time now) {
  absl::Time latest = absl::InfinitePast();
  absl::Status s = RunWithConnection(pool_, "check login throttle", [&](sql::Connection& c) {
    auto stmt = Prepare(c, kSelectLock);
    for (const std::string& subject : subjects) {
      stmt->setString(1, subject);
      stmt->setString(2, FormatSqlTime(now));
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
      if (!rs->next()) continue;
      auto t = ParseSqlTime(rs->getString(1));
      if (!t.ok()) return t.status();
      latest = std::max(latest, *t);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return latest;
}

absl::Status MysqlLoginThrottle::RecordFailure(const std::vector<std::string>& subjects,
                                               absl::Time now, int max_failures,
                                               absl::Duration window, absl::Duration lockout) {
  return RunInTransaction(pool_, "record login failure", [&](sql::Connection& c) {
    for (const std::string& subject : subjects) {
      auto select = Prepare(c, kSelectForUpdate);
      select->setString(1, subject);
      std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
      if (!rs->next()) {
        auto insert = Prepare(c, kInsert);
        insert->setString(1, subject);
        insert->setString(2, FormatSqlTime(now));
        insert->executeUpdate();
        continue;
      }
      int failures = rs->getInt(1);
      auto window_start = ParseSqlTime(rs->getString(2));
      if (!window_start.ok()) return window_start.status();
      absl::Time start = *window_start;
      if (now - start > window) {  // A new window: old failures are forgiven.
        failures = 0;
        start = now;
      }
      ++failures;
      auto update = Prepare(c, kUpdate);
      update->setInt(1, failures);
      update->setString(2, FormatSqlTime(start));
      if (failures >= max_failures) {
        update->setString(3, FormatSqlTime(now + lockout));
      } else {
        update->setNull(3, 0);
      }
      update->setString(4, subject);
      update->executeUpdate();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MysqlLoginThrottle::PurgeStale(absl::Time cutoff) {
  int64_t deleted = 0;
  absl::Status s = RunInTransaction(pool_, "purge login throttle", [&](sql::Connection& c) {
    auto stmt = Prepare(c, kPurge);
    stmt->setString(1, FormatSqlTime(cutoff));
    stmt->setString(2, FormatSqlTime(cutoff));
    deleted = stmt->executeUpdate();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return deleted;
}

absl::Status MysqlLoginThrottle::Clear(const std::string& subject) {
  return RunInTransaction(pool_, "clear login throttle", [&](sql::Connection& c) {
    auto stmt = Prepare(c, kDelete);
    stmt->setString(1, subject);
    stmt->executeUpdate();
    return absl::OkStatus();
  });
}

}  // namespace ecocase::storage::mysql
