#include "storage/mysql/transaction.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include "common/log.h"
#include "storage/mysql/mysql_error.h"

namespace ecocase::storage::mysql {

Transaction::Transaction(sql::Connection& conn) : conn_(conn) {}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    ExecuteStatement(conn_, "ROLLBACK");
  } catch (const sql::SQLException&) {
    // The connection is already gone: the server rolled back for us.
  }
}

void Transaction::Begin() {
  ExecuteStatement(conn_, "START TRANSACTION");
  open_ = true;
}

void Transaction::Commit() {
  open_ = false;  // Whatever COMMIT's outcome, a ROLLBACK afterwards means nothing.
  ExecuteStatement(conn_, "COMMIT");
}

absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view operation,
                              absl::FunctionRef<absl::Status(sql::Connection&)> body,
                              TransactionOptions options) {
  absl::Status last;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    auto conn = pool.Acquire();
    if (!conn.ok()) return conn.status();
    bool committing = false;
    try {
      Transaction tx(conn->get());
      tx.Begin();
      absl::Status s = body(conn->get());
      if (!s.ok()) return s;  // ~Transaction rolls back.
      committing = true;
      tx.Commit();
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      last = StatusFromSqlException(e, operation);
      int code = e.getErrorCode();
      bool lost = IsConnectionLost(code);
      if (lost) conn->MarkBroken();
      if (committing && lost) return last;  // Unknown outcome: never guess.
      if (!IsTransactionRetryable(code) && !lost) return last;
      common::Log(common::LogLevel::kWarning, "db_transaction_retry")
          .Str("operation", operation)
          .Int("mysql_error", code)
          .Int("attempt", attempt);
    }
  }
  return last;
}

absl::Status RunWithConnection(ConnectionPool& pool, absl::string_view operation,
                               absl::FunctionRef<absl::Status(sql::Connection&)> body) {
  // One more try on a fresh connection when the first one turns out dead (a restarted
  // database); reads change nothing, so running them again is safe.
  for (int attempt = 1;; ++attempt) {
    auto conn = pool.Acquire();
    if (!conn.ok()) return conn.status();
    try {
      return body(conn->get());
    } catch (const sql::SQLException& e) {
      bool lost = IsConnectionLost(e.getErrorCode());
      if (lost) conn->MarkBroken();
      if (!lost || attempt == 2) return StatusFromSqlException(e, operation);
    }
  }
}

}  // namespace ecocase::storage::mysql
