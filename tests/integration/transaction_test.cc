#include "storage/mysql/transaction.h"

#include <atomic>
#include <thread>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/barrier.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("tx");
    schema_->Execute("CREATE TABLE account (id INT PRIMARY KEY, balance INT NOT NULL)");
    schema_->Execute("INSERT INTO account VALUES (1, 100), (2, 100)");
    DbOptions options = schema_->options();
    options.pool_size = 4;
    pool_ = std::make_unique<ConnectionPool>(options);
  }

  static void AddTo(sql::Connection& c, int id, int amount) {
    auto stmt = Prepare(c, "UPDATE account SET balance = balance + ? WHERE id = ?");
    stmt->setInt(1, amount);
    stmt->setInt(2, id);
    stmt->executeUpdate();
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(TransactionTest, CommitsOnSuccess) {
  ASSERT_THAT(RunInTransaction(*pool_, "move",
                               [](sql::Connection& c) {
                                 AddTo(c, 1, -10);
                                 AddTo(c, 2, 10);
                                 return absl::OkStatus();
                               }),
              IsOk());
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 1"), 90);
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 2"), 110);
}

TEST_F(TransactionTest, ErrorFromBodyRollsBackEverything) {
  EXPECT_THAT(RunInTransaction(*pool_, "move",
                               [](sql::Connection& c) {
                                 AddTo(c, 1, -10);
                                 return absl::FailedPreconditionError("insufficient");
                               }),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 1"), 100);
}

TEST_F(TransactionTest, DuplicateKeyIsAlreadyExists) {
  EXPECT_THAT(RunInTransaction(*pool_, "insert account",
                               [](sql::Connection& c) {
                                 ExecuteStatement(c, "INSERT INTO account VALUES (1, 5)");
                                 return absl::OkStatus();
                               }),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

// Two transactions lock the rows in opposite order; a barrier makes sure each holds its
// first lock before asking for the second, so InnoDB must pick a deadlock victim (1213).
// The victim's whole transaction is retried and both transfers land.
TEST_F(TransactionTest, DeadlockVictimIsRetriedAndBothCommit) {
  absl::Barrier* both_hold_first_lock = new absl::Barrier(2);
  std::atomic<int> attempts_a{0}, attempts_b{0};
  auto transfer = [&](int from, int to, std::atomic<int>& attempts) {
    return RunInTransaction(*pool_, "transfer", [&](sql::Connection& c) {
      int attempt = ++attempts;
      AddTo(c, from, -1);
      if (attempt == 1 && both_hold_first_lock->Block()) delete both_hold_first_lock;
      AddTo(c, to, 1);
      return absl::OkStatus();
    });
  };
  absl::Status sa, sb;
  std::thread a([&] { sa = transfer(1, 2, attempts_a); });
  std::thread b([&] { sb = transfer(2, 1, attempts_b); });
  a.join();
  b.join();
  EXPECT_THAT(sa, IsOk());
  EXPECT_THAT(sb, IsOk());
  EXPECT_EQ(attempts_a + attempts_b, 3) << "exactly one victim, retried once";
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 1"), 100);
  EXPECT_EQ(schema_->QueryInt("SELECT SUM(balance) FROM account"), 200);
}

TEST_F(TransactionTest, PersistentDeadlocksEndAborted) {
  std::atomic<int> attempts{0};
  absl::Status s = RunInTransaction(
      *pool_, "always deadlocks",
      [&](sql::Connection& c) {
        ++attempts;
        // SIGNAL raises a genuine MySQL error 1213 the way InnoDB reports a deadlock.
        ExecuteStatement(c, "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, "
                            "MESSAGE_TEXT = 'Deadlock found'");
        return absl::OkStatus();
      },
      TransactionOptions{.max_attempts = 3});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(attempts, 3);
}

TEST_F(TransactionTest, ConnectionKilledMidTransactionIsRetriedOnAFreshConnection) {
  std::atomic<int> attempts{0};
  absl::Status s = RunInTransaction(*pool_, "killed", [&](sql::Connection& c) {
    if (++attempts == 1) {
      AddTo(c, 1, -50);
      // Kill our own connection: the server rolls back, the client sees 2013.
      ExecuteStatement(c, "KILL CONNECTION CONNECTION_ID()");
    }
    AddTo(c, 2, 7);
    return absl::OkStatus();
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 1"), 100);
  EXPECT_EQ(schema_->QueryInt("SELECT balance FROM account WHERE id = 2"), 107);
}

}  // namespace
}  // namespace ecocase::storage::mysql
