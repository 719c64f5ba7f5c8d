// The sweep scheduler against the real lease table: two "replicas" (two schedulers with
// their own connection pools) share one schema and one FakeClock, which stands in for
// NTP-synchronised wall clocks.

#include "common/sweep_scheduler.h"

#include <atomic>
#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "common/clock.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_lease_store.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::common::FakeClock;
using ::ecocase::common::SweepScheduler;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// 2023-11-14 22:13:20.123456789 UTC: sub-microsecond digits on purpose.
const absl::Time kStart = absl::FromUnixNanos(1'700'000'000'123'456'789);
constexpr absl::Duration kTtl = absl::Seconds(30);
constexpr absl::Duration kTick = absl::Seconds(10);
constexpr absl::Duration kInterval = absl::Minutes(1);

class SweepTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schema_ = TestSchema::Create("sweep").release();
    ConnectionPool pool(schema_->options());
    auto migrations = LoadMigrations(ecocase::embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(ApplyMigrations(pool, *migrations), IsOk());
  }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(schema_, nullptr);
    schema_->Execute("DELETE FROM sweep_lease");
    DbOptions options = schema_->options();
    options.pool_size = 4;
    pool_a_ = std::make_unique<ConnectionPool>(options);
    pool_b_ = std::make_unique<ConnectionPool>(options);
    store_a_ = std::make_unique<MysqlLeaseStore>(*pool_a_);
    store_b_ = std::make_unique<MysqlLeaseStore>(*pool_b_);
  }

  // A replica running the "expiry" job, counting its runs in `runs`.
  std::unique_ptr<SweepScheduler> Replica(MysqlLeaseStore& store, const std::string& id,
                                          std::atomic<int>& runs) {
    auto s = std::make_unique<SweepScheduler>(store, clock_, id);
    EXPECT_THAT(s->AddJob("expiry", kInterval, kTtl,
                          [&runs] {
                            ++runs;
                            return absl::OkStatus();
                          }),
                IsOk());
    return s;
  }

  // Whether `holder` holds the lease after asking for it at `now`.
  static bool Acquired(MysqlLeaseStore& store, const std::string& name, const std::string& holder,
                       absl::Time now) {
    absl::StatusOr<bool> held = store.TryAcquire(name, holder, now, kTtl);
    EXPECT_THAT(held, IsOk());
    return held.ok() && *held;
  }

  std::string Holder(const std::string& name) {
    return schema_->QueryString(
        absl::StrCat("SELECT holder FROM sweep_lease WHERE name = '", name, "'"));
  }

  static TestSchema* schema_;
  FakeClock clock_{kStart};
  std::unique_ptr<ConnectionPool> pool_a_, pool_b_;
  std::unique_ptr<MysqlLeaseStore> store_a_, store_b_;
};

TestSchema* SweepTest::schema_ = nullptr;

TEST_F(SweepTest, OnlyTheHolderRunsTheJob) {
  std::atomic<int> runs_a{0}, runs_b{0};
  auto a = Replica(*store_a_, "replica-a", runs_a);
  auto b = Replica(*store_b_, "replica-b", runs_b);

  // Ten minutes of ticks, A first; each job is due every minute.
  for (int i = 0; i < 60; ++i) {
    ASSERT_THAT(a->RunDueJobs(), IsOk());
    ASSERT_THAT(b->RunDueJobs(), IsOk());
    clock_.Advance(kTick);
  }
  EXPECT_EQ(runs_a, 10);
  EXPECT_EQ(runs_b, 0);
  EXPECT_THAT(a->HeldLeases(), ElementsAre("expiry"));
  EXPECT_THAT(b->HeldLeases(), IsEmpty());
  EXPECT_EQ(Holder("expiry"), "replica-a");
  // The last run was recorded, in UTC with microseconds and without rounding up.
  EXPECT_EQ(schema_->QueryString("SELECT DATE_FORMAT(last_run_at, '%Y-%m-%d %H:%i:%s.%f') "
                                 "FROM sweep_lease WHERE name = 'expiry'"),
            "2023-11-14 22:22:20.123456");
}

TEST_F(SweepTest, GracefulStopHandsOverOnTheNextTick) {
  std::atomic<int> runs_a{0}, runs_b{0};
  auto a = Replica(*store_a_, "replica-a", runs_a);
  auto b = Replica(*store_b_, "replica-b", runs_b);
  ASSERT_THAT(a->RunDueJobs(), IsOk());
  ASSERT_THAT(b->RunDueJobs(), IsOk());
  ASSERT_EQ(runs_a, 1);
  ASSERT_EQ(runs_b, 0);

  clock_.Advance(absl::Seconds(1));
  a->Stop();
  EXPECT_THAT(a->HeldLeases(), IsEmpty());
  ASSERT_THAT(b->RunDueJobs(), IsOk());  // Long before A's TTL would have run out.
  EXPECT_EQ(runs_b, 1);
  EXPECT_THAT(b->HeldLeases(), ElementsAre("expiry"));
  EXPECT_EQ(Holder("expiry"), "replica-b");
}

TEST_F(SweepTest, DeadHolderIsTakenOverOnlyAfterItsTtl) {
  std::atomic<int> runs_a{0}, runs_b{0};
  auto a = Replica(*store_a_, "replica-a", runs_a);
  auto b = Replica(*store_b_, "replica-b", runs_b);
  ASSERT_THAT(a->RunDueJobs(), IsOk());
  clock_.Advance(kTick);
  ASSERT_THAT(a->RunDueJobs(), IsOk());  // Last renewal: the lease runs out at now + kTtl.
  a->Abandon();                          // Crashes: no release, no more renewals.
  const absl::Time expiry = clock_.Now() + kTtl;

  while (clock_.Now() + kTick < expiry) {
    clock_.Advance(kTick);
    ASSERT_THAT(b->RunDueJobs(), IsOk());
    EXPECT_EQ(runs_b, 0) << "took over at " << clock_.Now() << ", before " << expiry;
  }
  clock_.Set(expiry - absl::Microseconds(1));
  ASSERT_THAT(b->RunDueJobs(), IsOk());
  EXPECT_EQ(runs_b, 0) << "one microsecond before the expiry";

  clock_.Set(expiry);
  ASSERT_THAT(b->RunDueJobs(), IsOk());
  EXPECT_EQ(runs_b, 1);
  EXPECT_EQ(runs_a, 1);
  EXPECT_EQ(Holder("expiry"), "replica-b");
}

TEST_F(SweepTest, LiveHolderKeepsItsLeaseThroughManyTtls) {
  std::atomic<int> runs_a{0}, runs_b{0};
  auto a = Replica(*store_a_, "replica-a", runs_a);
  auto b = Replica(*store_b_, "replica-b", runs_b);
  // 100 TTLs of fake time; B ticks right after A and also half a tick later.
  for (int i = 0; i < 300; ++i) {
    ASSERT_THAT(a->RunDueJobs(), IsOk());
    ASSERT_THAT(b->RunDueJobs(), IsOk());
    clock_.Advance(kTick / 2);
    ASSERT_THAT(b->RunDueJobs(), IsOk());
    clock_.Advance(kTick / 2);
  }
  EXPECT_EQ(runs_b, 0);
  EXPECT_EQ(runs_a, 50);
  EXPECT_EQ(Holder("expiry"), "replica-a");
}

// Both replicas ask for the same free lease at the same moment, through their own
// connection pools. Rounds alternate between a lease row that does not exist yet (the
// INSERT race) and one whose lease has expired (the UPDATE race).
TEST_F(SweepTest, RacingReplicasGetTheLeaseExactlyOnce) {
  constexpr int kRounds = 50;
  int wins_a = 0, wins_b = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string name = round % 2 == 0 ? absl::StrCat("race-", round) : "race-shared";
    clock_.Advance(2 * kTtl);  // Whatever was held before has expired.
    const absl::Time now = clock_.Now();
    absl::Barrier* start = new absl::Barrier(2);
    absl::StatusOr<bool> got_a, got_b;
    auto race = [&](MysqlLeaseStore& store, const char* holder, absl::StatusOr<bool>& got) {
      if (start->Block()) delete start;
      got = store.TryAcquire(name, holder, now, kTtl);
    };
    std::thread ta([&] { race(*store_a_, "replica-a", got_a); });
    std::thread tb([&] { race(*store_b_, "replica-b", got_b); });
    ta.join();
    tb.join();
    ASSERT_THAT(got_a, IsOk()) << "round " << round;
    ASSERT_THAT(got_b, IsOk()) << "round " << round;
    ASSERT_NE(*got_a, *got_b) << "round " << round << ": exactly one must win";
    (*got_a ? wins_a : wins_b) += 1;
    EXPECT_EQ(Holder(name), *got_a ? "replica-a" : "replica-b") << "round " << round;
  }
  EXPECT_EQ(wins_a + wins_b, kRounds);
}

// More contenders than two, all on a brand-new row, to be sure the lease row's creation
// does not deadlock them (or that a deadlock is retried away).
TEST_F(SweepTest, ManyRacersOnANewRowStillGetOneWinner) {
  constexpr int kRacers = 6;
  DbOptions options = schema_->options();
  options.pool_size = 1;
  std::vector<std::unique_ptr<ConnectionPool>> pools;
  std::vector<std::unique_ptr<MysqlLeaseStore>> stores;
  for (int i = 0; i < kRacers; ++i) {
    pools.push_back(std::make_unique<ConnectionPool>(options));
    stores.push_back(std::make_unique<MysqlLeaseStore>(*pools.back()));
  }
  for (int round = 0; round < 10; ++round) {
    const std::string name = absl::StrCat("crowd-", round);
    absl::Barrier* start = new absl::Barrier(kRacers);
    std::vector<absl::StatusOr<bool>> got(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        if (start->Block()) delete start;
        got[i] = stores[i]->TryAcquire(name, absl::StrCat("replica-", i), kStart, kTtl);
      });
    }
    for (auto& t : threads) t.join();
    int winners = 0;
    for (const auto& g : got) {
      ASSERT_THAT(g, IsOk()) << "round " << round;
      winners += *g ? 1 : 0;
    }
    EXPECT_EQ(winners, 1) << "round " << round;
  }
}

TEST_F(SweepTest, LeaseStoreContract) {
  MysqlLeaseStore& store = *store_a_;
  const absl::Time t0 = kStart;
  ASSERT_TRUE(Acquired(store, "job", "a", t0));
  // Stored in UTC, truncated to whole microseconds.
  EXPECT_EQ(schema_->QueryString("SELECT DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s.%f') "
                                 "FROM sweep_lease WHERE name = 'job'"),
            "2023-11-14 22:13:50.123456");
  EXPECT_FALSE(Acquired(store, "job", "b", t0 + kTtl - absl::Microseconds(1)));
  // Renewal by the holder moves the expiry but keeps acquired_at.
  ASSERT_TRUE(Acquired(store, "job", "a", t0 + kTick));
  EXPECT_FALSE(Acquired(store, "job", "b", t0 + kTtl));
  EXPECT_EQ(schema_->QueryString("SELECT DATE_FORMAT(acquired_at, '%Y-%m-%d %H:%i:%s.%f') "
                                 "FROM sweep_lease WHERE name = 'job'"),
            "2023-11-14 22:13:20.123456");

  // Only the holder (byte for byte) releases or records a run.
  EXPECT_THAT(store.Release("job", "b"), IsOk());
  EXPECT_THAT(store.Release("job", "A"), IsOk());
  EXPECT_FALSE(Acquired(store, "job", "b", t0 + kTick));
  EXPECT_THAT(store.RecordRun("job", "b", t0), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(store.RecordRun("job", "a", t0 + kTick), IsOk());
  EXPECT_THAT(store.RecordRun("never", "a", t0),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(store.Release("job", "a"), IsOk());
  EXPECT_TRUE(Acquired(store, "job", "b", t0 + kTick));
  EXPECT_EQ(Holder("job"), "b");
  EXPECT_THAT(store.Release("never", "a"), IsOk());

  // Bad arguments never reach the table.
  EXPECT_THAT(store.TryAcquire("", "a", t0, kTtl), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store.TryAcquire(std::string(65, 'n'), "a", t0, kTtl),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store.TryAcquire("job", "", t0, kTtl), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store.TryAcquire("job", std::string(129, 'h'), t0, kTtl),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("holder")));
  EXPECT_THAT(store.TryAcquire("job", "a", t0, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store.TryAcquire("job", "a", absl::InfiniteFuture(), kTtl),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SweepTest, FailingJobDoesNotStopTheOthersOrLoseTheLease) {
  SweepScheduler a(*store_a_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(a.AddJob("broken", kInterval, kTtl, [] { return absl::InternalError("boom"); }),
              IsOk());
  ASSERT_THAT(a.AddJob("fine", kInterval, kTtl,
                       [&] {
                         ++runs;
                         return absl::OkStatus();
                       }),
              IsOk());
  ::testing::internal::CaptureStderr();
  EXPECT_THAT(a.RunDueJobs(), StatusIs(absl::StatusCode::kInternal, HasSubstr("boom")));
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("sweep_job_failed"));
  EXPECT_EQ(runs, 1);
  EXPECT_THAT(a.HeldLeases(), ElementsAre("broken", "fine"));
}

}  // namespace
}  // namespace ecocase::storage::mysql
