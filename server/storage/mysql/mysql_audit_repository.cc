#include "storage/mysql/mysql_audit_repository.h"

#include <limits>
#include <memory>
#include <utility>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "security/audit_chain.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

sql::SQLString Sql(absl::string_view s) { return sql::SQLString(s.data(), s.size()); }

// Both queries below select these columns in this order; ReadRow maps them.
absl::StatusOr<AuditRecordRow> ReadRow(sql::ResultSet& rs) {
  AuditRecordRow row;
  row.sequence = rs.getInt64(1);
  ECOCASE_ASSIGN_OR_RETURN(row.record_time, ParseSqlTime(rs.getString(2).asStdString()));
  row.actor = rs.getString(3).asStdString();
  row.action = rs.getString(4).asStdString();
  row.resource = rs.getString(5).asStdString();
  row.request_id = rs.getString(6).asStdString();
  row.change_digest = rs.getString(7).asStdString();
  row.district_code = rs.getString(8).asStdString();
  row.enterprise_uscc = rs.getString(9).asStdString();
  row.previous_hash = rs.getString(10).asStdString();
  row.hash = rs.getString(11).asStdString();
  return row;
}

security::AuditFields ToFields(const AuditRecordRow& row) {
  security::AuditFields f;
  f.sequence = row.sequence;
  f.record_time_micros = absl::ToUnixMicros(row.record_time);
  f.actor = row.actor;
  f.action = row.action;
  f.resource = row.resource;
  f.request_id = row.request_id;
  f.change_digest = row.change_digest;
  f.district_code = row.district_code;
  f.enterprise_uscc = row.enterprise_uscc;
  f.previous_hash = row.previous_hash;
  return f;
}

// List: a fixed SELECT, the scope predicate, then optional filters from this whitelist,
// every value bound.
constexpr absl::string_view kListSelect =
    "SELECT sequence, DATE_FORMAT(record_time, '%Y-%m-%d %H:%i:%s.%f'), actor, action, "
    "resource, request_id, change_digest, COALESCE(district_code, ''), "
    "COALESCE(enterprise_uscc, ''), previous_hash, hash FROM audit_log WHERE ";
constexpr absl::string_view kAndResource = " AND resource = ?";
constexpr absl::string_view kAndActor = " AND actor = ?";
constexpr absl::string_view kAndBefore = " AND sequence < ?";
constexpr absl::string_view kListOrder = " ORDER BY sequence DESC LIMIT ?";

}  // namespace

absl::StatusOr<std::vector<AuditRecordRow>> MysqlAuditRepository::List(
    const Scope& scope, const AuditFilter& filter, int limit,
    std::optional<int64_t> before_sequence) {
  if (limit < 1) return absl::InvalidArgumentError("audit list limit must be at least 1");
  const SqlPredicate in_scope = ScopePredicate(scope, "district_code", "enterprise_uscc");
  std::string query = absl::StrCat(kListSelect, in_scope.sql);
  if (!filter.resource.empty()) absl::StrAppend(&query, kAndResource);
  if (!filter.actor.empty()) absl::StrAppend(&query, kAndActor);
  if (before_sequence.has_value()) absl::StrAppend(&query, kAndBefore);
  absl::StrAppend(&query, kListOrder);

  std::vector<AuditRecordRow> rows;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list audit records", [&](sql::Connection& c) -> absl::Status {
        rows.clear();  // The body runs again on a replaced connection.
        auto stmt = Prepare(c, query);
        int next = BindStrings(*stmt, 1, in_scope.values);
        if (!filter.resource.empty()) stmt->setString(next++, Sql(filter.resource));
        if (!filter.actor.empty()) stmt->setString(next++, Sql(filter.actor));
        if (before_sequence.has_value()) stmt->setInt64(next++, *before_sequence);
        stmt->setInt(next, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          ECOCASE_ASSIGN_OR_RETURN(AuditRecordRow row, ReadRow(*rs));
          rows.push_back(std::move(row));
        }
        return absl::OkStatus();
      }));
  return rows;
}

namespace {

// Verification reads the chain in several queries and the head in another; on the
// pool's READ COMMITTED connections each would see a different moment while appends go
// on, so they all run in one REPEATABLE READ snapshot (a plain non-locking read: appends
// are not blocked). SET TRANSACTION without SESSION applies to the next transaction
// only, so the pooled connection keeps its READ COMMITTED default afterwards.
constexpr absl::string_view kNextTransactionRepeatableRead =
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
constexpr absl::string_view kStartSnapshot =
    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

class ReadSnapshot final {
 public:
  explicit ReadSnapshot(sql::Connection& conn) : conn_(conn) {
    ExecuteStatement(conn_, kNextTransactionRepeatableRead);
    ExecuteStatement(conn_, kStartSnapshot);
    open_ = true;
  }
  ~ReadSnapshot() {
    if (!open_) return;
    try {
      ExecuteStatement(conn_, "ROLLBACK");
    } catch (const sql::SQLException&) {
      // The connection is gone; so is the transaction.
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  void End() {
    open_ = false;
    ExecuteStatement(conn_, "COMMIT");
  }

 private:
  sql::Connection& conn_;
  bool open_ = false;
};

constexpr absl::string_view kSelectHead = "SELECT sequence, hash FROM audit_head WHERE id = 1";
// Keyset batches in chain order.
constexpr absl::string_view kSelectBatch =
    "SELECT sequence, DATE_FORMAT(record_time, '%Y-%m-%d %H:%i:%s.%f'), actor, action, "
    "resource, request_id, change_digest, COALESCE(district_code, ''), "
    "COALESCE(enterprise_uscc, ''), previous_hash, hash FROM audit_log "
    "WHERE sequence > ? ORDER BY sequence LIMIT ?";

}  // namespace

absl::StatusOr<VerifyReport> MysqlAuditRepository::Verify(int64_t checkpoint_sequence,
                                                          std::string checkpoint_hash) {
  VerifyReport report;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(
      pool_, "verify audit chain", [&](sql::Connection& c) -> absl::Status {
        ReadSnapshot snapshot(c);
        security::AuditChainVerifier verifier(checkpoint_sequence, checkpoint_hash);

        std::optional<std::pair<int64_t, std::string>> head;
        {
          auto stmt = Prepare(c, kSelectHead);
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
          if (rs->next()) head.emplace(rs->getInt64(1), rs->getString(2).asStdString());
        }

        // From the lowest possible key: a forged record numbered 0 or below is read too.
        int64_t after = std::numeric_limits<int64_t>::min();
        auto batch = Prepare(c, kSelectBatch);
        for (;;) {
          batch->setInt64(1, after);
          batch->setInt(2, verify_batch_size_);
          std::unique_ptr<sql::ResultSet> rs(batch->executeQuery());
          int read = 0;
          while (rs->next()) {
            ++read;
            ECOCASE_ASSIGN_OR_RETURN(AuditRecordRow row, ReadRow(*rs));
            verifier.Add(ToFields(row), row.hash);
            after = row.sequence;
          }
          if (read < verify_batch_size_) break;
        }
        if (head.has_value()) {
          verifier.Finish(head->first, head->second);
        } else {
          verifier.FinishWithoutHead();
        }
        snapshot.End();

        report.intact = verifier.intact();
        report.record_count = verifier.record_count();
        report.last_sequence = verifier.last_sequence();
        report.last_hash = verifier.last_hash();
        report.first_broken_sequence = verifier.first_broken_sequence();
        report.problem = verifier.problem();
        return absl::OkStatus();
      }));
  return report;
}

}  // namespace ecocase::storage::mysql
