#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sql {
class Connection;
}

namespace ecocase::storage {

// An open database transaction, handed by MutationRunner to repository methods so that
// one request's writes, its audit record and its idempotency key commit together. Opaque
// above storage/.
class Tx {
 public:
  explicit Tx(sql::Connection& conn) : conn_(conn) {}
  sql::Connection& connection() { return conn_; }

 private:
  sql::Connection& conn_;
};

// AIP-155: the first successful response is kept per (principal, method, request_id).
struct MutationKey {
  std::string principal;  // e.g. "users/zhangwei"
  std::string method;     // e.g. "ecocase.v1.AuthService/CreateUser"
  std::string request_id;  // Empty: no idempotency (the caller did not ask for it).
  // SHA-256 of the request without its request_id: the same id with another request is
  // INVALID_ARGUMENT.
  std::string request_hash;
};

// What the audit chain records of a change. No personal data: the change is a digest.
struct AuditEntry {
  std::string actor;
  std::string action;
  std::string resource;
  std::string change_digest;  // SHA-256 hex of the resulting state.
  std::string district_code;  // Optional, for scoped reads.
  std::string enterprise_uscc;  // Optional, for scoped reads.
};

struct MutationResult {
  std::string response;  // The serialized response message, returned to retries.
  AuditEntry audit;
};

// Runs one state change: its writes, its audit record and its idempotency key in one
// transaction, acknowledged only after COMMIT.
class MutationRunner {
 public:
  virtual ~MutationRunner() = default;
  // Returns the serialized response: `body`'s, or, for a request_id seen before with the
  // same request, the stored one (and `body` does not run). INVALID_ARGUMENT for a
  // request_id reused with a different request. `body` may run more than once (deadlock
  // retries) and sees a rolled-back database each time.
  virtual absl::StatusOr<std::string> Run(
      const MutationKey& key, absl::FunctionRef<absl::StatusOr<MutationResult>(Tx&)> body) = 0;
};

}  // namespace ecocase::storage
