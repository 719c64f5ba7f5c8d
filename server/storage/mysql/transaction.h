#pragma once

#include "absl/strings/string_view.h"

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

// An open transaction on one connection: started by Begin(), rolled back when destroyed
// unless Commit() succeeded. Connector/C++ exceptions are thrown through; RunInTransaction
// is the place that catches them.
class Transaction final {
 public:
  explicit Transaction(sql::Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Begin();
  void Commit();

 private:
  sql::Connection& conn_;
  bool open_ = false;
};

struct TransactionOptions {
  // Attempts in all when the database reports a deadlock (1213), a lock wait timeout
  // (1205), or a connection lost before COMMIT was sent (the server rolled back, so a
  // fresh attempt is safe). Then ABORTED / UNAVAILABLE.
  int max_attempts = 4;
};

// Runs `body` inside one transaction on a pooled connection and commits it. The whole
// transaction is retried as TransactionOptions says; `body` must therefore be safe to run
// again (it sees a rolled-back database each time). A non-OK status from `body` rolls
// back and is returned as is. A connection lost during COMMIT returns UNAVAILABLE: the
// outcome is unknown, and the caller's request_id makes the retry safe.
absl::Status RunInTransaction(ConnectionPool& pool, absl::string_view operation,
                              absl::FunctionRef<absl::Status(sql::Connection&)> body,
                              TransactionOptions options = {});

// Runs `body` on a pooled connection without a transaction (reads), mapping exceptions.
// A connection found dead is replaced and `body` run once more.
absl::Status RunWithConnection(ConnectionPool& pool, absl::string_view operation,
                               absl::FunctionRef<absl::Status(sql::Connection&)> body);

}  // namespace ecocase::storage::mysql
