#include "storage/mysql/mysql_alert_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

// Columns read into an AlertEvent, in this order (aliases a alert_event, e enterprise).
constexpr absl::string_view kColumns =
    "SELECT a.seq, a.kind, a.resource, a.enterprise_id, e.uscc, a.district_code, a.title, "
    "a.detail, DATE_FORMAT(a.create_time, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM alert_event a LEFT JOIN enterprise e ON e.id = a.enterprise_id ";

// The column widths of alert_event: a longer value is the caller's mistake, reported as
// such rather than as the strict SQL mode's "data too long".
constexpr size_t kMaxKind = 32;
constexpr size_t kMaxResource = 128;
constexpr size_t kMaxTitle = 500;
constexpr size_t kMaxDetail = 2000;

// Characters of UTF-8 text (VARCHAR widths count characters).
size_t CharCount(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char ch : utf8) n += (ch & 0xC0) != 0x80;
  return n;
}

absl::Status CheckEvent(const AlertEvent& e) {
  if (e.kind.empty() || e.kind.size() > kMaxKind) {
    return absl::InvalidArgumentError("an alert needs a kind of at most 32 characters");
  }
  if (e.resource.empty() || e.resource.size() > kMaxResource) {
    return absl::InvalidArgumentError("an alert needs a resource of at most 128 characters");
  }
  if (e.title.empty() || CharCount(e.title) > kMaxTitle) {
    return absl::InvalidArgumentError("an alert needs a title of at most 500 characters");
  }
  if (CharCount(e.detail) > kMaxDetail) {
    return absl::InvalidArgumentError("an alert's detail has at most 2000 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AlertEvent>> ReadEvents(sql::PreparedStatement& stmt) {
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<AlertEvent> events;
  while (rs->next()) {
    AlertEvent e;
    e.seq = rs->getInt64(1);
    e.kind = rs->getString(2);
    e.resource = rs->getString(3);
    e.enterprise_id = rs->getInt64(4);
    e.enterprise_uscc = rs->getString(5);
    e.district_code = rs->getString(6);
    e.title = rs->getString(7);
    e.detail = rs->getString(8);
    ECOCASE_ASSIGN_OR_RETURN(e.create_time, ParseSqlTime(rs->getString(9)));
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace

absl::StatusOr<AlertEvent> MysqlAlertRepository::Append(Tx& tx, AlertEvent event,
                                                        absl::Time now) {
  ECOCASE_RETURN_IF_ERROR(CheckEvent(event));
  sql::Connection& conn = tx.connection();
  const bool has_enterprise = event.enterprise_id != 0 || !event.enterprise_uscc.empty();
  if (!has_enterprise && event.district_code.empty()) {
    return absl::InvalidArgumentError("an alert without an enterprise needs a district");
  }
  if (has_enterprise) {
    // By id, or by credit code for callers that know only that (task changes).
    const bool by_id = event.enterprise_id != 0;
    auto stmt = Prepare(conn, by_id ? "SELECT id, uscc, district_code FROM enterprise WHERE id = ?"
                                    : "SELECT id, uscc, district_code FROM enterprise WHERE uscc = ?");
    if (by_id) {
      stmt->setInt64(1, event.enterprise_id);
    } else {
      stmt->setString(1, event.enterprise_uscc);
    }
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("the enterprise of an alert (",
                                              by_id ? absl::StrCat(event.enterprise_id)
                                                    : event.enterprise_uscc,
                                              ") does not exist"));
    }
    event.enterprise_id = rs->getInt64(1);
    event.enterprise_uscc = rs->getString(2);
    if (event.district_code.empty()) event.district_code = rs->getString(3);
  }
  // The row lock serializes appends to COMMIT, so seqs become visible in order and a
  // reader that has seen N has seen everything below it.
  {
    auto stmt = Prepare(conn, "SELECT last_seq FROM alert_sequence WHERE id = 1 FOR UPDATE");
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) return absl::InternalError("alert_sequence has no row 1 (migration V006)");
    event.seq = rs->getInt64(1) + 1;
  }
  {
    auto stmt = Prepare(conn, "UPDATE alert_sequence SET last_seq = ? WHERE id = 1");
    stmt->setInt64(1, event.seq);
    stmt->executeUpdate();
  }
  event.create_time = TruncateToMicros(now);
  auto stmt = Prepare(conn,
                      "INSERT INTO alert_event (seq, kind, resource, enterprise_id, district_code, "
                      "title, detail, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  stmt->setInt64(1, event.seq);
  stmt->setString(2, event.kind);
  stmt->setString(3, event.resource);
  if (has_enterprise) {
    stmt->setInt64(4, event.enterprise_id);
  } else {
    stmt->setNull(4, sql::DataType::BIGINT);
  }
  stmt->setString(5, event.district_code);
  stmt->setString(6, event.title);
  stmt->setString(7, event.detail);
  stmt->setString(8, FormatSqlTime(event.create_time));
  stmt->executeUpdate();
  return event;
}

absl::StatusOr<std::vector<AlertEvent>> MysqlAlertRepository::ListAfter(const Scope& scope,
                                                                        int64_t after_seq,
                                                                        int limit) {
  std::vector<AlertEvent> events;
  if (limit <= 0) return events;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list alerts", [&](sql::Connection& conn) {
    // The alert's own district (its enterprise's when it was raised), as the hub filters
    // live events: a watcher and a list agree on what the caller sees.
    SqlPredicate p = ScopePredicate(scope, "a.district_code", "e.uscc");
    auto stmt = Prepare(conn, absl::StrCat(kColumns, "WHERE a.seq > ? AND ", p.sql,
                                           " ORDER BY a.seq LIMIT ?"));
    stmt->setInt64(1, after_seq);
    int i = BindStrings(*stmt, 2, p.values);
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(events, ReadEvents(*stmt));
    return absl::OkStatus();
  }));
  return events;
}

absl::StatusOr<std::vector<AlertEvent>> MysqlAlertRepository::ListAllAfter(int64_t after_seq,
                                                                           int limit) {
  return ListAfter(Scope::All(), after_seq, limit);
}

absl::StatusOr<int64_t> MysqlAlertRepository::LastSeq() {
  int64_t last = 0;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "last alert", [&](sql::Connection& conn) {
    // alert_sequence, not MAX(seq): a transaction holding the lock may have taken a seq it
    // has not committed, and the committed value is what readers can see.
    auto stmt = Prepare(conn, "SELECT last_seq FROM alert_sequence WHERE id = 1");
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (rs->next()) last = rs->getInt64(1);
    return absl::OkStatus();
  }));
  return last;
}

}  // namespace ecocase::storage::mysql
