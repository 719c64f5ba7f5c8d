#include "storage/mysql/sql_script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;

TEST(SqlScriptTest, SplitsAtSemicolonsOutsideQuotesAndComments) {
  auto parts = SplitSqlScript(
      "-- header; not a statement\n"
      "CREATE TABLE a (x INT COMMENT 'a;b');\n"
      "/* block; comment */ INSERT INTO a VALUES (1); # trailing;\n"
      "INSERT INTO a VALUES ('it\\'s; fine')");
  ASSERT_TRUE(parts.ok());
  EXPECT_THAT(*parts, ElementsAre("CREATE TABLE a (x INT COMMENT 'a;b')",
                                  "INSERT INTO a VALUES (1)",
                                  "INSERT INTO a VALUES ('it\\'s; fine')"));
}

TEST(SqlScriptTest, UnterminatedQuoteIsAnError) {
  EXPECT_THAT(SplitSqlScript("SELECT 'oops;"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SplitSqlScript("SELECT 1 /* never closed"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ecocase::storage::mysql
