// The alert hub without a database: a fake feed stands in for the repository (the MySQL
// one is covered by tests/integration/alert_test.cc). Scope in memory follows the SQL rule,
// subscriptions get what they missed from memory while the ring holds it, new alerts reach
// each subscriber once, Notify wakes the poller, a subscriber can leave from its callback,
// and Stop tells everyone.
#include "api/alert_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "testing/status_matchers.h"

namespace ecocase::api {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The feed in memory; only what the hub uses.
class FakeAlerts final : public storage::AlertRepository {
 public:
  void Add(const std::string& district, const std::string& uscc) {
    absl::MutexLock lock(&mu_);
    storage::AlertEvent e;
    e.seq = static_cast<int64_t>(events_.size()) + 1;
    e.kind = "INCIDENT_OPENED";
    e.district_code = district;
    e.enterprise_uscc = uscc;
    events_.push_back(e);
  }
  absl::StatusOr<storage::AlertEvent> Append(storage::Tx&, storage::AlertEvent,
                                             absl::Time) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::vector<storage::AlertEvent>> ListAfter(const storage::Scope&, int64_t,
                                                             int) override {
    return absl::UnimplementedError("not in this test");
  }
  absl::StatusOr<std::vector<storage::AlertEvent>> ListAllAfter(int64_t after_seq,
                                                                int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<storage::AlertEvent> out;
    for (const auto& e : events_) {
      if (e.seq > after_seq && static_cast<int>(out.size()) < limit) out.push_back(e);
    }
    return out;
  }
  absl::StatusOr<int64_t> LastSeq() override {
    absl::MutexLock lock(&mu_);
    return static_cast<int64_t>(events_.size());
  }

 private:
  absl::Mutex mu_;
  std::vector<storage::AlertEvent> events_;
};

class Recorder final : public AlertSubscriber {
 public:
  explicit Recorder(int leave_after = 0) : leave_after_(leave_after) {}
  bool OnAlerts(const std::vector<AlertPtr>& alerts) override {
    absl::MutexLock lock(&mu_);
    for (const AlertPtr& a : alerts) seqs_.push_back(a->seq);
    return leave_after_ == 0 || static_cast<int>(seqs_.size()) < leave_after_;
  }
  void OnHubStopped() override {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  // Waits (up to 5 s) until `n` alerts arrived, then returns them.
  std::vector<int64_t> Await(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return seqs_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(5));
    return seqs_;
  }
  bool stopped() {
    absl::MutexLock lock(&mu_);
    return stopped_;
  }

 private:
  const int leave_after_;
  absl::Mutex mu_;
  std::vector<int64_t> seqs_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

storage::Scope Districts(std::vector<std::string> codes) {
  storage::Scope s;
  s.district_codes = std::move(codes);
  return s;
}

storage::Scope Enterprise(const std::string& uscc) {
  storage::Scope s;
  s.enterprise_uscc = uscc;
  return s;
}

std::vector<int64_t> Seqs(const std::vector<AlertPtr>& alerts) {
  std::vector<int64_t> out;
  for (const AlertPtr& a : alerts) out.push_back(a->seq);
  return out;
}

TEST(ScopeAdmitsTest, FollowsTheScopePredicateOfTheQueries) {
  EXPECT_TRUE(ScopeAdmits(storage::Scope::All(), "", ""));
  EXPECT_TRUE(ScopeAdmits(Districts({"410802"}), "410802", "X"));
  EXPECT_FALSE(ScopeAdmits(Districts({"410802"}), "410803", "X"));
  // A city covers its districts, and a province its cities; not another city's.
  EXPECT_TRUE(ScopeAdmits(Districts({"410800"}), "410882", "X"));
  EXPECT_TRUE(ScopeAdmits(Districts({"410000"}), "410882", "X"));
  EXPECT_FALSE(ScopeAdmits(Districts({"410800"}), "410902", "X"));
  // A malformed code grants nothing; an alert without a district is for `everything` only.
  EXPECT_FALSE(ScopeAdmits(Districts({"4108"}), "410802", "X"));
  EXPECT_FALSE(ScopeAdmits(Districts({"410800"}), "", "X"));
  EXPECT_TRUE(ScopeAdmits(Enterprise("A"), "410802", "A"));
  EXPECT_FALSE(ScopeAdmits(Enterprise("A"), "410802", "B"));
  EXPECT_FALSE(ScopeAdmits(storage::Scope{}, "410802", ""));  // An empty scope sees nothing.
}

TEST(AlertHubTest, ReplaysFromMemoryThenDeliversNewAlertsInScopeOnce) {
  FakeAlerts feed;
  feed.Add("410802", "A");  // 1: before the hub started, the database's to tell.
  AlertHub hub(feed, {.poll_interval = absl::Seconds(60), .recent_alerts = 2});
  ASSERT_THAT(hub.Start(), IsOk());
  EXPECT_EQ(hub.last_seq(), 1);
  Recorder early;
  auto sub = hub.Subscribe(&early, Districts({"410802"}), std::nullopt);
  ASSERT_THAT(sub, IsOk());
  EXPECT_EQ(sub->live_after, 1);

  feed.Add("410802", "A");  // 2
  feed.Add("410803", "B");  // 3
  feed.Add("410802", "A");  // 4
  hub.Notify();             // The poll interval is a minute: only Notify wakes it.
  EXPECT_THAT(early.Await(2), ElementsAre(2, 4));

  // The ring holds 3 and 4: from 1 on, the subscriber reads the database up to 4.
  Recorder from_one;
  auto behind = hub.Subscribe(&from_one, Districts({"410800"}), 1);
  ASSERT_THAT(behind, IsOk());
  EXPECT_FALSE(behind->replayed);
  EXPECT_EQ(behind->live_after, 4);
  // From 2 on, memory has it all; in scope only.
  Recorder from_two;
  auto replay = hub.Subscribe(&from_two, Enterprise("A"), 2);
  ASSERT_THAT(replay, IsOk());
  EXPECT_TRUE(replay->replayed);
  EXPECT_THAT(Seqs(replay->replay), ElementsAre(4));

  feed.Add("410803", "B");  // 5
  hub.Notify();
  EXPECT_THAT(from_one.Await(1), ElementsAre(5));
  feed.Add("410802", "A");  // 6
  hub.Notify();
  EXPECT_THAT(from_two.Await(1), ElementsAre(6));
  EXPECT_THAT(early.Await(3), ElementsAre(2, 4, 6));
  EXPECT_THAT(from_one.Await(2), ElementsAre(5, 6));
  hub.Stop();
}

TEST(AlertHubTest, PollsWithoutNotifyAndDropsASubscriberThatLeaves) {
  FakeAlerts feed;
  AlertHub hub(feed, {.poll_interval = absl::Milliseconds(20)});
  ASSERT_THAT(hub.Start(), IsOk());
  Recorder leaves(/*leave_after=*/1);
  Recorder stays;
  ASSERT_THAT(hub.Subscribe(&leaves, storage::Scope::All(), std::nullopt), IsOk());
  ASSERT_THAT(hub.Subscribe(&stays, storage::Scope::All(), std::nullopt), IsOk());
  EXPECT_EQ(hub.subscriber_count(), 2u);
  feed.Add("410802", "A");
  EXPECT_THAT(stays.Await(1), ElementsAre(1));
  EXPECT_THAT(leaves.Await(1), ElementsAre(1));
  EXPECT_EQ(hub.subscriber_count(), 1u);
  feed.Add("410802", "A");
  EXPECT_THAT(stays.Await(2), ElementsAre(1, 2));
  EXPECT_THAT(leaves.Await(1), ElementsAre(1));
  hub.Stop();
  EXPECT_TRUE(stays.stopped());
  EXPECT_FALSE(leaves.stopped());
}

TEST(AlertHubTest, StopTellsSubscribersAndRefusesNewOnes) {
  FakeAlerts feed;
  AlertHub hub(feed, {});
  Recorder r;
  EXPECT_THAT(hub.Subscribe(&r, storage::Scope::All(), std::nullopt),
              StatusIs(absl::StatusCode::kUnavailable));  // Not started.
  ASSERT_THAT(hub.Start(), IsOk());
  auto sub = hub.Subscribe(&r, storage::Scope::All(), std::nullopt);
  ASSERT_THAT(sub, IsOk());
  hub.Stop();
  EXPECT_TRUE(r.stopped());
  EXPECT_EQ(hub.subscriber_count(), 0u);
  hub.Unsubscribe(sub->id);  // Harmless after the hub let go.
  hub.Stop();                // And so is stopping twice.
  Recorder late;
  EXPECT_THAT(hub.Subscribe(&late, storage::Scope::All(), std::nullopt),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(r.Await(0), IsEmpty());
}

}  // namespace
}  // namespace ecocase::api
