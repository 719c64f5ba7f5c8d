#include "storage/mysql/connection_pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "storage/mysql/mysql_error.h"

namespace ecocase::storage::mysql {
namespace {

// get_driver_instance() is not thread-safe; take it once.
sql::Driver* Driver() {
  static sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

int Seconds(absl::Duration d) {
  return std::max(1, static_cast<int>(absl::ToInt64Seconds(d)));
}

// Session settings every connection gets, so SQL behaves the same on MariaDB and MySQL 8:
// UTC DATETIMEs, strict mode, and READ COMMITTED (read-modify-write uses FOR UPDATE).
constexpr absl::string_view kSessionSetup[] = {
    "SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
    "SET time_zone = '+00:00'",
    "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
};

}  // namespace

std::unique_ptr<sql::PreparedStatement> Prepare(sql::Connection& conn, absl::string_view sql) {
  return std::unique_ptr<sql::PreparedStatement>(
      conn.prepareStatement(sql::SQLString(sql.data(), sql.size())));
}

void ExecuteStatement(sql::Connection& conn, absl::string_view sql) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  stmt->execute(sql::SQLString(sql.data(), sql.size()));
}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_), broken_);
}

ConnectionPool::ConnectionPool(storage::DbOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](ConnectionPool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
        return p->open_ == static_cast<int>(p->idle_.size());
      },
      this));
}

absl::StatusOr<std::unique_ptr<sql::Connection>> ConnectionPool::Open() const {
  sql::ConnectOptionsMap props;
  if (!options_.socket.empty()) {
    props["hostName"] = sql::SQLString("unix://" + options_.socket);
  } else {
    props["hostName"] = sql::SQLString(absl::StrCat("tcp://", options_.host, ":", options_.port));
  }
  props["userName"] = sql::SQLString(options_.user);
  props["password"] = sql::SQLString(options_.password);
  if (!options_.schema.empty()) props["schema"] = sql::SQLString(options_.schema);
  // Without this Connector/C++ talks latin1 and Chinese text is mangled.
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  props["OPT_CONNECT_TIMEOUT"] = Seconds(options_.connect_timeout);
  props["OPT_READ_TIMEOUT"] = Seconds(options_.io_timeout);
  props["OPT_WRITE_TIMEOUT"] = Seconds(options_.io_timeout);
  // Silent reconnects drop session state and open transactions; we replace instead.
  props["OPT_RECONNECT"] = false;
  try {
    std::unique_ptr<sql::Connection> conn(Driver()->connect(props));
    for (absl::string_view setup : kSessionSetup) ExecuteStatement(*conn, setup);
    return conn;
  } catch (const sql::SQLException& e) {
    absl::Status s = StatusFromSqlException(e, "connect to database");
    if (s.code() == absl::StatusCode::kInternal) {
      // Access denied, unknown database...: the database is there but refuses us.
      return absl::UnavailableError(absl::StrCat(s.message(), ": ", e.what()));
    }
    return s;
  }
}

absl::StatusOr<PooledConnection> ConnectionPool::Acquire() {
  return Acquire(options_.acquire_timeout);
}

absl::StatusOr<PooledConnection> ConnectionPool::Acquire(absl::Duration wait) {
  std::unique_ptr<sql::Connection> conn;
  absl::Time idle_since;
  absl::Time last_loss;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), wait)) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "all ", options_.pool_size, " database connections stayed busy for ",
          absl::FormatDuration(wait), "; retry later"));
    }
    if (!idle_.empty()) {
      // Most recently used first: it is the least likely to have timed out.
      conn = std::move(idle_.back().conn);
      idle_since = idle_.back().since;
      idle_.pop_back();
      last_loss = last_loss_;
    } else {
      ++open_;  // Reserve the slot, then connect without holding the lock.
    }
  }
  if (conn != nullptr) {
    bool usable = true;
    if (idle_since <= last_loss || absl::Now() - idle_since >= options_.validate_idle_after) {
      try {
        usable = conn->isValid();
      } catch (const sql::SQLException&) {
        usable = false;
      }
    }
    if (usable) return PooledConnection(this, std::move(conn));
    common::Log(common::LogLevel::kWarning, "db_connection_replaced")
        .Str("reason", "idle connection no longer valid");
    conn.reset();
  }
  auto opened = Open();
  if (!opened.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return opened.status();
  }
  return PooledConnection(this, *std::move(opened));
}

void ConnectionPool::Release(std::unique_ptr<sql::Connection> conn, bool broken) {
  if (broken) {
    try {
      conn.reset();
    } catch (const sql::SQLException&) {
      // Closing a dead socket may throw; the slot is freed all the same.
    }
  }
  absl::MutexLock lock(&mu_);
  if (broken) {
    --open_;
    last_loss_ = absl::Now();
  } else {
    idle_.push_back({std::move(conn), absl::Now()});
  }
}

absl::Status ConnectionPool::Probe() {
  absl::MutexLock lock(&probe_mu_);
  if (probe_conn_ != nullptr) {
    try {
      ExecuteStatement(*probe_conn_, "SELECT 1");
      return absl::OkStatus();
    } catch (const sql::SQLException&) {
      probe_conn_.reset();  // Reopen below; a restarted database needs a new connection.
    }
  }
  auto opened = Open();
  if (!opened.ok()) return opened.status();
  probe_conn_ = *std::move(opened);
  return absl::OkStatus();
}

int ConnectionPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int ConnectionPool::idle_connections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(idle_.size());
}

int64_t LastInsertId(sql::Connection& conn) {
  auto stmt = Prepare(conn, "SELECT LAST_INSERT_ID()");
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  rs->next();
  return rs->getInt64(1);
}

}  // namespace ecocase::storage::mysql
