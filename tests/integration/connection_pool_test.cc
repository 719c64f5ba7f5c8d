#include "storage/mysql/connection_pool.h"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;

int64_t ConnectionId(sql::Connection& conn) {
  auto stmt = Prepare(conn, "SELECT CONNECTION_ID()");
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  rs->next();
  return rs->getInt64(1);
}

TEST(ConnectionPoolTest, ExhaustedPoolWaitsThenFailsWithResourceExhausted) {
  auto schema = TestSchema::Create("pool");
  DbOptions options = schema->options();
  options.pool_size = 2;
  ConnectionPool pool(options);
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());

  absl::Time start = absl::Now();
  auto c = pool.Acquire(absl::Milliseconds(300));
  absl::Duration waited = absl::Now() - start;
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kResourceExhausted,
                          ::testing::HasSubstr("2 database connections")));
  EXPECT_GE(waited, absl::Milliseconds(290));  // It waited before giving up.
  EXPECT_EQ(pool.open_connections(), 2);
}

TEST(ConnectionPoolTest, WaiterGetsTheConnectionReleasedDuringItsWait) {
  auto schema = TestSchema::Create("pool");
  DbOptions options = schema->options();
  options.pool_size = 1;
  ConnectionPool pool(options);
  auto held = std::make_unique<absl::StatusOr<PooledConnection>>(pool.Acquire());
  ASSERT_THAT(*held, IsOk());
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(100));
    held.reset();
  });
  auto next = pool.Acquire(absl::Seconds(10));
  releaser.join();
  EXPECT_THAT(next, IsOk());
}

TEST(ConnectionPoolTest, KilledConnectionIsReplacedOnNextAcquire) {
  auto schema = TestSchema::Create("pool");
  DbOptions options = schema->options();
  options.pool_size = 1;
  options.validate_idle_after = absl::ZeroDuration();  // Check every lent connection.
  ConnectionPool pool(options);
  int64_t first_id = 0;
  {
    auto conn = pool.Acquire();
    ASSERT_THAT(conn, IsOk());
    first_id = ConnectionId(conn->get());
  }
  schema->Execute("KILL " + std::to_string(first_id));

  auto conn = pool.Acquire();
  ASSERT_THAT(conn, IsOk());
  int64_t second_id = ConnectionId(conn->get());
  EXPECT_NE(second_id, first_id);
  EXPECT_EQ(pool.open_connections(), 1);
}

TEST(ConnectionPoolTest, UnreachableDatabaseIsUnavailable) {
  DbOptions options = ecocase::testing::DatabaseFromEnvironment();
  options.port = 1;  // Nothing listens there.
  options.connect_timeout = absl::Seconds(1);
  ConnectionPool pool(options);
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(pool.Probe(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(pool.open_connections(), 0);  // The failed slot was given back.
}

TEST(ConnectionPoolTest, ProbeAnswersEvenWhenThePoolIsBusy) {
  auto schema = TestSchema::Create("pool");
  DbOptions options = schema->options();
  options.pool_size = 1;
  ConnectionPool pool(options);
  auto held = pool.Acquire();
  ASSERT_THAT(held, IsOk());
  EXPECT_THAT(pool.Probe(), IsOk());
}

}  // namespace
}  // namespace ecocase::storage::mysql
