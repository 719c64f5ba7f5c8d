#include "storage/mysql/mysql_mutation_runner.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "security/audit_chain.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

constexpr absl::string_view kClaimKey =
    "INSERT INTO idempotency_key (principal, method, request_id, request_hash, response, "
    "create_time) VALUES (?, ?, ?, ?, '', ?)";
constexpr absl::string_view kSelectKey =
    "SELECT request_hash, response FROM idempotency_key "
    "WHERE principal = ? AND method = ? AND request_id = ?";
constexpr absl::string_view kStoreResponse =
    "UPDATE idempotency_key SET response = ? WHERE principal = ? AND method = ? AND "
    "request_id = ?";
constexpr absl::string_view kPurgeKeys = "DELETE FROM idempotency_key WHERE create_time < ?";

constexpr absl::string_view kLockHead =
    "SELECT sequence, hash FROM audit_head WHERE id = 1 FOR UPDATE";
constexpr absl::string_view kInsertRecord =
    "INSERT INTO audit_log (sequence, record_time, actor, action, resource, request_id, "
    "change_digest, district_code, enterprise_uscc, previous_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)";
constexpr absl::string_view kUpdateHead =
    "UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1";

void BindKey(sql::PreparedStatement& stmt, int first, const MutationKey& key) {
  stmt.setString(first, key.principal);
  stmt.setString(first + 1, key.method);
  stmt.setString(first + 2, key.request_id);
}

// Claims the key for this transaction. Returns the stored response when the key was
// already used (by a committed transaction: a concurrent claimant's INSERT waits on our
// row lock until we commit or roll back).
absl::StatusOr<std::optional<std::string>> ClaimKey(sql::Connection& conn,
                                                    const MutationKey& key, absl::Time now) {
  try {
    auto claim = Prepare(conn, kClaimKey);
    BindKey(*claim, 1, key);
    claim->setString(4, key.request_hash);
    claim->setString(5, FormatSqlTime(now));
    claim->executeUpdate();
    return std::optional<std::string>();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErDupEntry) throw;
  }
  auto select = Prepare(conn, kSelectKey);
  BindKey(*select, 1, key);
  std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
  if (!rs->next()) {
    return absl::AbortedError("request_id is being used by a concurrent request; retry");
  }
  if (std::string(rs->getString(1)) != key.request_hash) {
    return absl::InvalidArgumentError(
        "request_id was already used with a different request; use a new request_id");
  }
  std::unique_ptr<std::istream> blob(rs->getBlob(2));
  std::ostringstream response;
  response << blob->rdbuf();
  return std::optional<std::string>(response.str());
}

}  // namespace

absl::Status AppendAuditRecord(sql::Connection& conn, const AuditEntry& entry,
                               absl::string_view request_id, absl::Time now) {
  auto head = Prepare(conn, kLockHead);
  std::unique_ptr<sql::ResultSet> rs(head->executeQuery());
  if (!rs->next()) {
    // Migration V002 seeds the row; without it no change can be recorded, so none is made.
    return absl::InternalError("audit_head row is missing: the audit chain cannot be extended");
  }
  security::AuditFields f;
  f.sequence = rs->getInt64(1) + 1;
  f.previous_hash = rs->getString(2);
  // Microsecond precision: what DATETIME(6) stores, so verification recomputes the same.
  f.record_time_micros = absl::ToUnixMicros(now);
  f.actor = entry.actor;
  f.action = entry.action;
  f.resource = entry.resource;
  f.request_id = std::string(request_id);
  f.change_digest = entry.change_digest;
  f.district_code = entry.district_code;
  f.enterprise_uscc = entry.enterprise_uscc;
  std::string hash = security::AuditRecordHash(f);

  auto insert = Prepare(conn, kInsertRecord);
  insert->setInt64(1, f.sequence);
  insert->setString(2, FormatSqlTime(absl::FromUnixMicros(f.record_time_micros)));
  insert->setString(3, f.actor);
  insert->setString(4, f.action);
  insert->setString(5, f.resource);
  insert->setString(6, f.request_id);
  insert->setString(7, f.change_digest);
  insert->setString(8, f.district_code);
  insert->setString(9, f.enterprise_uscc);
  insert->setString(10, f.previous_hash);
  insert->setString(11, hash);
  insert->executeUpdate();

  auto update = Prepare(conn, kUpdateHead);
  update->setInt64(1, f.sequence);
  update->setString(2, hash);
  update->executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<std::string> MysqlMutationRunner::Run(
    const MutationKey& key, absl::FunctionRef<absl::StatusOr<MutationResult>(Tx&)> body) {
  std::string response;
  absl::Status s = RunInTransaction(pool_, key.method, [&](sql::Connection& conn) {
    absl::Time now = clock_.Now();
    if (!key.request_id.empty()) {
      auto stored = ClaimKey(conn, key, now);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        response = **stored;  // A retry: nothing runs twice.
        return absl::OkStatus();
      }
    }
    Tx tx(conn);
    absl::StatusOr<MutationResult> result = body(tx);
    if (!result.ok()) return result.status();
    ECOCASE_RETURN_IF_ERROR(AppendAuditRecord(conn, result->audit, key.request_id, now));
    if (!key.request_id.empty()) {
      auto store = Prepare(conn, kStoreResponse);
      std::istringstream blob(result->response);
      store->setBlob(1, &blob);
      BindKey(*store, 2, key);
      store->executeUpdate();
    }
    response = std::move(result->response);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<int64_t> MysqlMutationRunner::PurgeIdempotencyKeys(absl::Time cutoff) {
  int64_t deleted = 0;
  absl::Status s = RunInTransaction(pool_, "purge idempotency keys", [&](sql::Connection& c) {
    auto stmt = Prepare(c, kPurgeKeys);
    stmt->setString(1, FormatSqlTime(cutoff));
    deleted = stmt->executeUpdate();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return deleted;
}

}  // namespace ecocase::storage::mysql
