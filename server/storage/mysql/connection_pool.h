#pragma once

#include <cstdint>
#include <memory>
#include "absl/strings/string_view.h"
#include <vector>

#include <cppconn/connection.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/db_options.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace ecocase::storage::mysql {

class ConnectionPool;

// A connection lent by the pool; returned to it when this object dies. A connection that
// saw a lost-connection error is marked broken and is closed instead of reused.
class PooledConnection final {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();

  sql::Connection& get() { return *conn_; }
  sql::Connection* operator->() { return conn_.get(); }
  void MarkBroken() { broken_ = true; }

 private:
  friend class ConnectionPool;
  PooledConnection(ConnectionPool* pool, std::unique_ptr<sql::Connection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  ConnectionPool* pool_;
  std::unique_ptr<sql::Connection> conn_;
  bool broken_ = false;
};

// A bounded pool of Connector/C++ connections (utf8mb4, UTC session time zone, strict SQL
// mode). Connections are opened lazily up to pool_size; a caller waits at most
// acquire_timeout for one. Thread-safe.
class ConnectionPool final {
 public:
  explicit ConnectionPool(storage::DbOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Returns RESOURCE_EXHAUSTED when every connection stayed busy for the whole wait,
  // UNAVAILABLE when a new connection cannot be opened.
  absl::StatusOr<PooledConnection> Acquire();
  absl::StatusOr<PooledConnection> Acquire(absl::Duration wait);

  // Round trip on a dedicated connection, independent of how busy the pool is: OK when the
  // database answers, UNAVAILABLE otherwise. For health checks.
  absl::Status Probe();

  const storage::DbOptions& options() const { return options_; }
  int open_connections() const;
  int idle_connections() const;

 private:
  friend class PooledConnection;
  struct Idle {
    std::unique_ptr<sql::Connection> conn;
    absl::Time since;
  };
  absl::StatusOr<std::unique_ptr<sql::Connection>> Open() const;
  void Release(std::unique_ptr<sql::Connection> conn, bool broken);

  const storage::DbOptions options_;
  mutable absl::Mutex mu_;
  std::vector<Idle> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // Lent plus idle, plus slots being opened.
  // When a connection was last found dead: idle connections older than that are checked
  // before use, since a database restart kills them all at once.
  absl::Time last_loss_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();

  absl::Mutex probe_mu_;
  std::unique_ptr<sql::Connection> probe_conn_ ABSL_GUARDED_BY(probe_mu_);
};

// Connector/C++ hands out raw owning pointers; these wrap them at once.
std::unique_ptr<sql::PreparedStatement> Prepare(sql::Connection& conn, absl::string_view sql);
void ExecuteStatement(sql::Connection& conn, absl::string_view sql);
// The AUTO_INCREMENT id the connection's last INSERT made.
int64_t LastInsertId(sql::Connection& conn);

}  // namespace ecocase::storage::mysql
