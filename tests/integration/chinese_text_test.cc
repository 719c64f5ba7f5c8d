#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include "storage/mysql/connection_pool.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::IsOk;

TEST(ChineseTextTest, RoundTripsUnchangedIncludingFourByteCharacters) {
  auto schema = ecocase::testing::TestSchema::Create("utf8");
  schema->Execute(
      "CREATE TABLE note (id INT PRIMARY KEY, body VARCHAR(200) NOT NULL) "
      "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
  ConnectionPool pool(schema->options());
  // Common CJK, a rare 4-byte CJK Extension B character (𠀋) and an emoji: utf8mb3 would
  // reject the last two, latin1 would mangle all of them.
  const std::string text = "焦作市生态环境局 解放区 排污许可证 𠀋 🌳";
  ASSERT_THAT(RunInTransaction(pool, "insert note",
                               [&](sql::Connection& c) {
                                 auto stmt = Prepare(c, "INSERT INTO note VALUES (1, ?)");
                                 stmt->setString(1, text);
                                 stmt->executeUpdate();
                                 return absl::OkStatus();
                               }),
              IsOk());
  std::string read_back;
  ASSERT_THAT(RunWithConnection(pool, "read note",
                                [&](sql::Connection& c) {
                                  auto stmt = Prepare(c, "SELECT body FROM note WHERE id = 1");
                                  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
                                  rs->next();
                                  read_back = rs->getString(1);
                                  return absl::OkStatus();
                                }),
              IsOk());
  EXPECT_EQ(read_back, text);
  // The server stored characters, not bytes reinterpreted: CHAR_LENGTH counts 22.
  EXPECT_EQ(schema->QueryInt("SELECT CHAR_LENGTH(body) FROM note WHERE id = 1"), 22);
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(*) FROM note WHERE body LIKE '%环境局%'"), 1);
}

}  // namespace
}  // namespace ecocase::storage::mysql
