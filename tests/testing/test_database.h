#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/db_options.h"

namespace ecocase::testing {

// Connection settings of the private MariaDB that tests/run.sh started (ECOCASE_DB_*
// variables from deploy/mysql/dbctl.sh). Fails the calling test when they are missing.
storage::DbOptions DatabaseFromEnvironment();

// A schema of its own for one test binary or fixture, created empty and dropped on
// destruction, so parallel test binaries never see each other's rows.
class TestSchema final {
 public:
  // `label` becomes part of the schema name; keep it short.
  static std::unique_ptr<TestSchema> Create(const std::string& label);
  static std::unique_ptr<TestSchema> Create(const storage::DbOptions& server,
                                            const std::string& label);
  ~TestSchema();

  // Options pointing at this schema.
  const storage::DbOptions& options() const { return options_; }
  // Runs one SQL statement as the test user (setup and assertions).
  void Execute(const std::string& sql) const;
  // Runs a query returning one integer (COUNT(*) and the like).
  int64_t QueryInt(const std::string& sql) const;
  std::string QueryString(const std::string& sql) const;

 private:
  explicit TestSchema(storage::DbOptions options) : options_(std::move(options)) {}
  storage::DbOptions options_;
};

// A private MariaDB instance of its own, started with deploy/mysql/dbctl.sh in a temp
// dir, for tests that stop or kill the database (parallel tests keep theirs).
class PrivateDatabase final {
 public:
  static std::unique_ptr<PrivateDatabase> Start(const std::string& label);
  ~PrivateDatabase();  // Stops the instance and removes its directory.

  const storage::DbOptions& options() const { return options_; }
  void Stop();   // Clean shutdown.
  void Kill();   // SIGKILL.
  void Restart();  // Starts again on the same port with the same data.

 private:
  PrivateDatabase() = default;
  std::string dir_;
  storage::DbOptions options_;
};

}  // namespace ecocase::testing
