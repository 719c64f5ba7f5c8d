#include "testing/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// Runs `statement` on a fresh connection to `options`.
template <typename Fn>
auto WithConnection(const storage::DbOptions& options, Fn fn) {
  storage::mysql::ConnectionPool pool(options);
  auto conn = pool.Acquire();
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot connect to the test database: " << conn.status();
    std::abort();
  }
  return fn(conn->get());
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) ADD_FAILURE() << "command failed (" << rc << "): " << command;
  return out;
}

storage::DbOptions ParseDbEnv(const std::string& text) {
  storage::DbOptions o;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.first == "ECOCASE_DB_HOST") o.host = kv.second;
    if (kv.first == "ECOCASE_DB_PORT") (void)absl::SimpleAtoi(kv.second, &o.port);
    if (kv.first == "ECOCASE_DB_USER") o.user = kv.second;
    if (kv.first == "ECOCASE_DB_PASSWORD") o.password = kv.second;
    if (kv.first == "ECOCASE_DB_NAME") o.schema = kv.second;
  }
  return o;
}

std::string Dbctl() {
  std::string dbctl = Env("ECOCASE_TEST_DBCTL");
  if (dbctl.empty()) {
    ADD_FAILURE() << "ECOCASE_TEST_DBCTL is not set; run the tests through tests/run.sh";
    std::abort();
  }
  return dbctl;
}

}  // namespace

storage::DbOptions DatabaseFromEnvironment() {
  storage::DbOptions o;
  if (Env("ECOCASE_DB_PORT").empty()) {
    ADD_FAILURE() << "ECOCASE_DB_* is not set; run the tests through tests/run.sh, which "
                     "starts a private MariaDB";
    std::abort();
  }
  o.host = Env("ECOCASE_DB_HOST");
  (void)absl::SimpleAtoi(Env("ECOCASE_DB_PORT"), &o.port);
  o.user = Env("ECOCASE_DB_USER");
  o.password = Env("ECOCASE_DB_PASSWORD");
  o.schema = "";
  return o;
}

std::unique_ptr<TestSchema> TestSchema::Create(const std::string& label) {
  return Create(DatabaseFromEnvironment(), label);
}

std::unique_ptr<TestSchema> TestSchema::Create(const storage::DbOptions& server,
                                               const std::string& label) {
  static std::atomic<int> counter{0};
  storage::DbOptions admin = server;
  admin.schema = "";
  std::string name = absl::StrCat("t_", label, "_", getpid(), "_", counter++);
  WithConnection(admin, [&](sql::Connection& c) {
    storage::mysql::ExecuteStatement(c, absl::StrCat("DROP DATABASE IF EXISTS ", name));
    storage::mysql::ExecuteStatement(
        c, absl::StrCat("CREATE DATABASE ", name,
                        " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
    return 0;
  });
  storage::DbOptions options = admin;
  options.schema = name;
  return std::unique_ptr<TestSchema>(new TestSchema(options));
}

TestSchema::~TestSchema() {
  storage::DbOptions admin = options_;
  admin.schema = "";
  try {
    storage::mysql::ConnectionPool pool(admin);
    if (auto conn = pool.Acquire(); conn.ok()) {
      storage::mysql::ExecuteStatement(conn->get(),
                                       absl::StrCat("DROP DATABASE IF EXISTS ", options_.schema));
    }
  } catch (...) {
    // A database that a fault test stopped keeps its schema; its directory goes anyway.
  }
}

void TestSchema::Execute(const std::string& sql) const {
  WithConnection(options_, [&](sql::Connection& c) {
    storage::mysql::ExecuteStatement(c, sql);
    return 0;
  });
}

int64_t TestSchema::QueryInt(const std::string& sql) const {
  return WithConnection(options_, [&](sql::Connection& c) -> int64_t {
    std::unique_ptr<sql::Statement> stmt(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
    return rs->next() ? rs->getInt64(1) : -1;
  });
}

std::string TestSchema::QueryString(const std::string& sql) const {
  return WithConnection(options_, [&](sql::Connection& c) -> std::string {
    std::unique_ptr<sql::Statement> stmt(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(sql));
    return rs->next() ? std::string(rs->getString(1)) : std::string();
  });
}

std::unique_ptr<PrivateDatabase> PrivateDatabase::Start(const std::string& label) {
  std::unique_ptr<PrivateDatabase> db(new PrivateDatabase());
  std::string base = Env("ECOCASE_TEST_TMPDIR");
  if (base.empty()) base = std::filesystem::temp_directory_path().string();
  db->dir_ = absl::StrCat(base, "/ecocase-db-", label, "-", getpid());
  std::filesystem::remove_all(db->dir_);
  db->options_ = ParseDbEnv(RunCommand(absl::StrCat(Dbctl(), " start ", db->dir_)));
  return db;
}

PrivateDatabase::~PrivateDatabase() {
  std::system(absl::StrCat(Dbctl(), " stop ", dir_, " >/dev/null 2>&1").c_str());
  std::filesystem::remove_all(dir_);
}

void PrivateDatabase::Stop() { RunCommand(absl::StrCat(Dbctl(), " stop ", dir_, " >&2")); }
void PrivateDatabase::Kill() { RunCommand(absl::StrCat(Dbctl(), " kill ", dir_, " >&2")); }
void PrivateDatabase::Restart() {
  RunCommand(absl::StrCat(Dbctl(), " start ", dir_, " >/dev/null"));
}

}  // namespace ecocase::testing
