#include "common/sweep_scheduler.h"

#include <atomic>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "testing/status_matchers.h"

namespace ecocase::common {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

// The LeaseStore contract in memory, with failure injection. Thread-safe.
class InMemoryLeaseStore final : public LeaseStore {
 public:
  absl::StatusOr<bool> TryAcquire(absl::string_view name, absl::string_view holder,
                                  absl::Time now, absl::Duration ttl) override {
    absl::MutexLock lock(&mu_);
    ++acquire_calls_;
    if (!fail_with_.ok()) return fail_with_;
    Lease& lease = leases_[std::string(name)];
    if (lease.holder == holder && lease.expires_at > now) {
      lease.expires_at = now + ttl;
      return true;
    }
    if (lease.expires_at <= now) {
      lease.holder = std::string(holder);
      lease.expires_at = now + ttl;
      return true;
    }
    return false;
  }

  absl::Status Release(absl::string_view name, absl::string_view holder) override {
    absl::MutexLock lock(&mu_);
    if (!fail_with_.ok()) return fail_with_;
    auto it = leases_.find(std::string(name));
    if (it != leases_.end() && it->second.holder == holder) {
      it->second.expires_at = absl::InfinitePast();
    }
    return absl::OkStatus();
  }

  absl::Status RecordRun(absl::string_view name, absl::string_view holder,
                         absl::Time finished) override {
    absl::MutexLock lock(&mu_);
    if (!fail_with_.ok()) return fail_with_;
    auto it = leases_.find(std::string(name));
    if (it == leases_.end() || it->second.holder != holder) {
      return absl::FailedPreconditionError("not the holder");
    }
    it->second.last_run_at = finished;
    return absl::OkStatus();
  }

  // Every call fails with `s` until called again with OK.
  void FailWith(absl::Status s) {
    absl::MutexLock lock(&mu_);
    fail_with_ = std::move(s);
  }
  std::string Holder(const std::string& name) {
    absl::MutexLock lock(&mu_);
    return leases_[name].holder;
  }
  absl::Time ExpiresAt(const std::string& name) {
    absl::MutexLock lock(&mu_);
    return leases_[name].expires_at;
  }
  absl::Time LastRunAt(const std::string& name) {
    absl::MutexLock lock(&mu_);
    return leases_[name].last_run_at;
  }
  int acquire_calls() {
    absl::MutexLock lock(&mu_);
    return acquire_calls_;
  }

 private:
  struct Lease {
    std::string holder;
    absl::Time expires_at = absl::InfinitePast();
    absl::Time last_run_at = absl::InfinitePast();
  };
  absl::Mutex mu_;
  std::map<std::string, Lease> leases_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_with_ ABSL_GUARDED_BY(mu_);
  int acquire_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class SweepSchedulerTest : public ::testing::Test {
 protected:
  // What another replica gets when it tries for the lease now.
  bool OtherReplicaAcquires(const std::string& name) {
    absl::StatusOr<bool> held =
        store_.TryAcquire(name, "replica-b", clock_.Now(), absl::Seconds(30));
    EXPECT_THAT(held, IsOk());
    return held.ok() && *held;
  }

  // A job that counts its runs.
  std::function<absl::Status()> Counter(std::atomic<int>& runs) {
    return [&runs] {
      ++runs;
      return absl::OkStatus();
    };
  }

  FakeClock clock_{kStart};
  InMemoryLeaseStore store_;
};

TEST_F(SweepSchedulerTest, RunsADueJobOnceAndThenEveryInterval) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("expiry", absl::Minutes(5), absl::Seconds(30), Counter(runs)), IsOk());

  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(store_.LastRunAt("expiry"), kStart);

  clock_.Advance(absl::Minutes(5) - absl::Seconds(1));
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 1) << "not due yet";

  clock_.Advance(absl::Seconds(1));
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 2) << "exactly one interval after the first start";
}

TEST_F(SweepSchedulerTest, JobsHaveTheirOwnIntervals) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> fast{0}, slow{0};
  ASSERT_THAT(s.AddJob("fast", absl::Seconds(10), absl::Seconds(30), Counter(fast)), IsOk());
  ASSERT_THAT(s.AddJob("slow", absl::Seconds(60), absl::Seconds(30), Counter(slow)), IsOk());
  for (int i = 0; i < 12; ++i) {  // Two minutes in 10 s ticks.
    ASSERT_THAT(s.RunDueJobs(), IsOk());
    clock_.Advance(absl::Seconds(10));
  }
  EXPECT_EQ(fast, 12);
  EXPECT_EQ(slow, 2);
}

TEST_F(SweepSchedulerTest, DoesNotRunWhileAnotherReplicaHoldsTheLease) {
  ASSERT_THAT(store_.TryAcquire("expiry", "replica-b", kStart, absl::Seconds(30)), IsOk());
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("expiry", absl::Minutes(1), absl::Seconds(30), Counter(runs)), IsOk());

  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 0);
  EXPECT_THAT(s.HeldLeases(), IsEmpty());

  // Still due, so the next tick tries again and takes the lease once it has expired.
  clock_.Advance(absl::Seconds(30));
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 1);
  EXPECT_THAT(s.HeldLeases(), ElementsAre("expiry"));
}

TEST_F(SweepSchedulerTest, RenewsItsLeaseOnEveryTickEvenWhenNothingIsDue) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("expiry", absl::Hours(1), absl::Seconds(30), Counter(runs)), IsOk());
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  for (int i = 0; i < 100; ++i) {  // 100 TTLs of ticks every 10 s, no run due.
    clock_.Advance(absl::Seconds(10));
    ASSERT_THAT(s.RunDueJobs(), IsOk());
    EXPECT_EQ(store_.ExpiresAt("expiry"), clock_.Now() + absl::Seconds(30));
  }
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(OtherReplicaAcquires("expiry"));
}

TEST_F(SweepSchedulerTest, FailingJobIsLoggedAndTheOthersStillRun) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> before{0}, after{0};
  ASSERT_THAT(s.AddJob("before", absl::Minutes(1), absl::Seconds(30), Counter(before)), IsOk());
  ASSERT_THAT(s.AddJob("broken", absl::Minutes(1), absl::Seconds(30),
                       [] { return absl::InternalError("disk on fire"); }),
              IsOk());
  ASSERT_THAT(s.AddJob("after", absl::Minutes(1), absl::Seconds(30), Counter(after)), IsOk());

  ::testing::internal::CaptureStderr();
  absl::Status tick = s.RunDueJobs();
  std::string log = ::testing::internal::GetCapturedStderr();

  EXPECT_THAT(tick, StatusIs(absl::StatusCode::kInternal, HasSubstr("broken: disk on fire")));
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_THAT(log, HasSubstr("\"event\":\"sweep_job_failed\""));
  EXPECT_THAT(log, HasSubstr("\"job\":\"broken\""));
  EXPECT_THAT(log, HasSubstr("disk on fire"));
  // A failed run is not recorded as a completed one, but still waits for its interval.
  EXPECT_EQ(store_.LastRunAt("broken"), absl::InfinitePast());
  EXPECT_THAT(s.RunDueJobs(), IsOk());
}

TEST_F(SweepSchedulerTest, LeaseStoreErrorSkipsTheJobUntilTheStoreIsBack) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("expiry", absl::Minutes(1), absl::Seconds(30), Counter(runs)), IsOk());
  store_.FailWith(absl::UnavailableError("database down"));
  ::testing::internal::CaptureStderr();
  EXPECT_THAT(s.RunDueJobs(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("sweep_lease_error"));
  EXPECT_EQ(runs, 0);

  store_.FailWith(absl::OkStatus());
  EXPECT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_EQ(runs, 1);
}

TEST_F(SweepSchedulerTest, RunLongerThanTheTtlIsAWarning) {
  SweepScheduler s(store_, clock_, "replica-a");
  ASSERT_THAT(s.AddJob("slow", absl::Minutes(10), absl::Seconds(30),
                       [this] {
                         clock_.Advance(absl::Seconds(31));
                         return absl::OkStatus();
                       }),
              IsOk());
  ::testing::internal::CaptureStderr();
  EXPECT_THAT(s.RunDueJobs(), IsOk());
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("\"event\":\"sweep_job_overran_lease\""));
  EXPECT_THAT(log, HasSubstr("\"took_ms\":31000"));
}

TEST_F(SweepSchedulerTest, LeaseTakenMidRunIsNoticedAndLogged) {
  SweepScheduler s(store_, clock_, "replica-a");
  ASSERT_THAT(s.AddJob("slow", absl::Minutes(10), absl::Seconds(30),
                       [this] {
                         // Stalls past its TTL; another replica takes over meanwhile.
                         clock_.Advance(absl::Seconds(40));
                         EXPECT_TRUE(OtherReplicaAcquires("slow"));
                         return absl::OkStatus();
                       }),
              IsOk());
  ::testing::internal::CaptureStderr();
  EXPECT_THAT(s.RunDueJobs(), IsOk());
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("sweep_run_not_recorded"));
  EXPECT_THAT(s.HeldLeases(), IsEmpty());
  EXPECT_EQ(store_.Holder("slow"), "replica-b");
}

TEST_F(SweepSchedulerTest, LostLeaseIsLoggedOnTheNextTick) {
  SweepScheduler s(store_, clock_, "replica-a");
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("expiry", absl::Hours(1), absl::Seconds(30), Counter(runs)), IsOk());
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  // Replica A stalls for longer than its TTL and B takes over.
  clock_.Advance(absl::Seconds(31));
  ASSERT_TRUE(OtherReplicaAcquires("expiry"));
  ::testing::internal::CaptureStderr();
  ASSERT_THAT(s.RunDueJobs(), IsOk());
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("sweep_lease_lost"));
  EXPECT_THAT(s.HeldLeases(), IsEmpty());
  EXPECT_EQ(store_.Holder("expiry"), "replica-b");
}

TEST_F(SweepSchedulerTest, StopReleasesHeldLeasesAndAbandonDoesNot) {
  std::atomic<int> runs{0};
  {
    SweepScheduler a(store_, clock_, "replica-a");
    ASSERT_THAT(a.AddJob("one", absl::Minutes(1), absl::Seconds(30), Counter(runs)), IsOk());
    ASSERT_THAT(a.RunDueJobs(), IsOk());
    EXPECT_THAT(a.HeldLeases(), ElementsAre("one"));
    a.Stop();
    EXPECT_THAT(a.HeldLeases(), IsEmpty());
    EXPECT_TRUE(OtherReplicaAcquires("one"));
  }
  {
    SweepScheduler a(store_, clock_, "replica-a");
    ASSERT_THAT(a.AddJob("two", absl::Minutes(1), absl::Seconds(30), Counter(runs)), IsOk());
    ASSERT_THAT(a.RunDueJobs(), IsOk());
    a.Abandon();
    EXPECT_THAT(a.RunDueJobs(), StatusIs(absl::StatusCode::kFailedPrecondition));
  }  // The destructor must not release either.
  EXPECT_EQ(store_.Holder("two"), "replica-a");
  EXPECT_EQ(store_.ExpiresAt("two"), clock_.Now() + absl::Seconds(30));
}

TEST_F(SweepSchedulerTest, AddJobValidatesItsArguments) {
  SweepScheduler s(store_, clock_, "replica-a");
  auto ok = [] { return absl::OkStatus(); };
  EXPECT_THAT(s.AddJob("", absl::Minutes(1), absl::Seconds(30), ok),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s.AddJob("x", absl::ZeroDuration(), absl::Seconds(30), ok),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s.AddJob("x", absl::Minutes(1), -absl::Seconds(1), ok),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s.AddJob("x", absl::Minutes(1), absl::Seconds(30), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(s.AddJob("x", absl::Minutes(1), absl::Seconds(30), ok), IsOk());
  EXPECT_THAT(s.AddJob("x", absl::Minutes(2), absl::Seconds(30), ok),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(SweepSchedulerTest, StartRefusesATickNotBelowEveryTtl) {
  SweepScheduler s(store_, clock_, "replica-a");
  ASSERT_THAT(s.AddJob("x", absl::Minutes(1), absl::Seconds(30), [] { return absl::OkStatus(); }),
              IsOk());
  EXPECT_THAT(s.Start(absl::Seconds(30)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s.Start(absl::ZeroDuration()), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Real time only paces the background thread's ticks. The FakeClock stays frozen, so the
// job runs once and later ticks only renew its lease.
TEST_F(SweepSchedulerTest, StartTicksInTheBackgroundAndStopReleases) {
  SweepScheduler s(store_, clock_, "replica-a");
  absl::Notification ran;
  std::atomic<int> runs{0};
  ASSERT_THAT(s.AddJob("bg", absl::Minutes(1), absl::Seconds(30),
                       [&] {
                         if (++runs == 1) ran.Notify();
                         return absl::OkStatus();
                       }),
              IsOk());
  ASSERT_THAT(s.Start(absl::Milliseconds(5)), IsOk());
  EXPECT_THAT(s.Start(absl::Milliseconds(5)), StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(30)));
  // Renewals keep going while nothing is due (FakeClock is frozen).
  const int calls = store_.acquire_calls();
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (store_.acquire_calls() < calls + 3 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_GE(store_.acquire_calls(), calls + 3);
  EXPECT_THAT(s.AddJob("late", absl::Minutes(1), absl::Milliseconds(5),
                       [] { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must exceed the tick")));
  s.Stop();
  EXPECT_EQ(runs, 1);
  EXPECT_THAT(s.HeldLeases(), IsEmpty());
  EXPECT_TRUE(OtherReplicaAcquires("bg"));
}

}  // namespace
}  // namespace ecocase::common
