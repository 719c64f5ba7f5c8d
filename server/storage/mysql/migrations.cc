#include "storage/mysql/migrations.h"

#include <algorithm>
#include <map>
#include <regex>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "security/sha256.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/sql_script.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

constexpr absl::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
constexpr absl::string_view kSelectApplied =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr absl::string_view kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)";
constexpr absl::string_view kSelectMaxVersion =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
// One lock per schema, so two schemas on one server migrate independently.
constexpr absl::string_view kGetLock =
    "SELECT GET_LOCK(CONCAT('ecocase.migrations.', DATABASE()), 120)";
constexpr absl::string_view kReleaseLock =
    "SELECT RELEASE_LOCK(CONCAT('ecocase.migrations.', DATABASE()))";

struct Applied {
  std::string name;
  std::string checksum;
};

absl::Status ApplyLocked(sql::Connection& conn, const std::vector<Migration>& migrations,
                         MigrationReport& report) {
  ExecuteStatement(conn, kCreateMigrationsTable);
  std::map<int, Applied> applied;
  {
    auto stmt = Prepare(conn, kSelectApplied);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    while (rs->next()) {
      applied[rs->getInt(1)] = {rs->getString(2), rs->getString(3)};
    }
  }
  // Check everything before changing anything.
  for (const auto& [version, row] : applied) {
    auto it = std::find_if(migrations.begin(), migrations.end(),
                           [v = version](const Migration& m) { return m.version == v; });
    if (it == migrations.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database has migration ", row.name, " (version ", version,
          ") that this server does not know; it is older than the schema"));
    }
    if (it->checksum != row.checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", it->name, " was changed after it was applied (recorded checksum ",
          row.checksum, ", file now ", it->checksum,
          "); restore the original file and put the change in a new migration"));
    }
  }
  for (const Migration& m : migrations) {
    if (applied.contains(m.version)) continue;
    auto statements = SplitSqlScript(m.sql);
    if (!statements.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration ", m.name, ": ", statements.status().message()));
    }
    // DDL commits implicitly in MySQL, so a migration is not atomic; it is recorded only
    // after every statement succeeded, and files are written to be re-runnable.
    for (const std::string& statement : *statements) ExecuteStatement(conn, statement);
    auto insert = Prepare(conn, kInsertApplied);
    insert->setInt(1, m.version);
    insert->setString(2, m.name);
    insert->setString(3, m.checksum);
    insert->executeUpdate();
    report.applied_now.push_back(m.name);
    common::Log(common::LogLevel::kInfo, "migration_applied").Str("name", m.name);
  }
  return absl::OkStatus();
}

int SelectInt(sql::Connection& conn, absl::string_view query) {
  auto stmt = Prepare(conn, query);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  return rs->next() ? rs->getInt(1) : 0;
}

}  // namespace

absl::StatusOr<std::vector<Migration>> LoadMigrations(
    std::span<const common::EmbeddedFile> files) {
  static const std::regex kName(R"(V(\d+)__[A-Za-z0-9_]+\.sql)");
  std::vector<Migration> out;
  for (const auto& f : files) {
    std::string name(f.name);
    std::smatch m;
    if (!std::regex_match(name, m, kName)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migration file name `", name, "` must look like V001__create_tables.sql"));
    }
    int version = 0;
    if (!absl::SimpleAtoi(m[1].str(), &version) || version <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad migration version in ", name));
    }
    out.push_back({version, name, std::string(f.contents), security::Sha256Hex(f.contents)});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations ", out[i - 1].name, " and ", out[i].name, " share a version"));
    }
  }
  return out;
}

absl::StatusOr<MigrationReport> ApplyMigrations(ConnectionPool& pool,
                                                const std::vector<Migration>& migrations) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  MigrationReport report;
  try {
    if (SelectInt(conn->get(), kGetLock) != 1) {
      return absl::UnavailableError("another server held the migration lock for 120 s");
    }
    absl::Status s = ApplyLocked(conn->get(), migrations, report);
    SelectInt(conn->get(), kReleaseLock);
    if (!s.ok()) return s;
    report.schema_version = SelectInt(conn->get(), kSelectMaxVersion);
  } catch (const sql::SQLException& e) {
    // A failed statement leaves the session holding the lock; dropping the connection
    // releases it.
    conn->MarkBroken();
    return StatusFromSqlException(e, "apply migrations");
  }
  return report;
}

absl::StatusOr<int> CurrentSchemaVersion(ConnectionPool& pool) {
  int version = 0;
  absl::Status s = RunWithConnection(pool, "read schema version", [&](sql::Connection& c) {
    try {
      version = SelectInt(c, kSelectMaxVersion);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1146) throw;  // 1146: no schema_migrations table yet.
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return version;
}

}  // namespace ecocase::storage::mysql
