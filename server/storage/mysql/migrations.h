#pragma once

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/embedded_file.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::embedded {
// deploy/mysql/migrations/V*.sql, compiled into the server (storage/CMakeLists.txt).
std::span<const common::EmbeddedFile> EmbeddedMigrations();
}  // namespace ecocase::embedded

namespace ecocase::storage::mysql {

struct Migration {
  int version = 0;           // V007__x.sql -> 7
  std::string name;          // File name, e.g. "V007__add_outlets.sql".
  std::string sql;
  std::string checksum;      // SHA-256 hex of the file.
};

// Parses file names `V<digits>__<words>.sql` and orders by version; a bad name or a
// repeated version is INVALID_ARGUMENT.
absl::StatusOr<std::vector<Migration>> LoadMigrations(
    std::span<const common::EmbeddedFile> files);

struct MigrationReport {
  int schema_version = 0;  // Highest version applied after the run.
  std::vector<std::string> applied_now;
};

// Applies the migrations not yet recorded in `schema_migrations`, in order, under a
// database-wide lock so replicas starting together apply each file once. A recorded
// migration whose file changed since (checksum differs), or one recorded but unknown to
// this binary, is FAILED_PRECONDITION and nothing is applied.
absl::StatusOr<MigrationReport> ApplyMigrations(ConnectionPool& pool,
                                                const std::vector<Migration>& migrations);

// The highest applied version, 0 for an empty database.
absl::StatusOr<int> CurrentSchemaVersion(ConnectionPool& pool);

}  // namespace ecocase::storage::mysql
