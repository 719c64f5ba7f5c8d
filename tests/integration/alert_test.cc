// The alert feed through the real Application: alerts appended through the repository in
// a transaction (as the evaluator and the task code do), ListAlerts pages oldest first,
// WatchAlerts resumes from a cursor without gaps or repeats whether the backlog comes from
// memory or the database, every role sees its own scope, a watch that falls behind is
// ended and resumes without loss, and a thousand idle watches hold no thousand threads
// and all end when the server stops.
#include <dirent.h>
#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ecocase/v1/alert.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/error_reason.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kUsccA = ValidUscc("91410802MA46AL001");  // 解放区 410802
const std::string kUsccB = ValidUscc("91410803MA46AL002");  // 中站区 410803
const std::string kUsccC = ValidUscc("91410882MA46AL003");  // 沁阳市 410882

// The field of the BadRequest violation in `s`, or "".
std::string ViolatedField(const grpc::Status& s) {
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

using ::ecocase::testing::ErrorReason;

int64_t SeqOf(const v1::Alert& a) {
  int64_t seq = 0;
  EXPECT_TRUE(absl::SimpleAtoi(a.cursor(), &seq)) << a.cursor();
  return seq;
}

// Threads of this process: the server runs in it.
int ThreadCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> v;
  for (int64_t i = first; i <= last; ++i) v.push_back(i);
  return v;
}

// A synchronous watch (a 30 s deadline, like every test call).
struct Watch {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader;

  // Reads up to `n` alerts; fewer when the stream ends.
  std::vector<v1::Alert> Read(size_t n) {
    std::vector<v1::Alert> out;
    v1::Alert a;
    while (out.size() < n && reader->Read(&a)) out.push_back(a);
    return out;
  }
  // The status of a stream the server ends.
  grpc::Status End() {
    v1::Alert ignored;
    while (reader->Read(&ignored)) {
    }
    return reader->Finish();
  }
  grpc::Status Cancel() {
    ctx->TryCancel();
    return End();
  }
};

class AlertTest : public ::testing::Test {
 protected:
  // Starts the server (`adjust` changes its options) with three enterprises and a
  // city-wide supervisor.
  void Start(const std::function<void(app::ApplicationOptions&)>& adjust = nullptr) {
    app_ = TestApp::Start("alr", [&](app::ApplicationOptions& o) {
      o.alerts.poll_interval = absl::Milliseconds(50);
      if (adjust) adjust(o);
    });
    ASSERT_NE(app_, nullptr);
    app_->CreateEnterprise(kUsccA, "410802", "焦作市甲化工有限公司");
    app_->CreateEnterprise(kUsccB, "410803", "焦作市乙电力有限公司");
    app_->CreateEnterprise(kUsccC, "410882", "沁阳市丙造纸有限公司");
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(app_->schema().options());
    repo_ = std::make_unique<storage::mysql::MysqlAlertRepository>(*pool_);
    stub_ = v1::AlertService::NewStub(app_->channel());
    supervisor_ = app_->CreateUserAndLogin("sup", v1::ROLE_SUPERVISOR, {"410800"});
  }

  int64_t EnterpriseId(const std::string& uscc) {
    return app_->schema().QueryInt(
        absl::StrCat("SELECT id FROM enterprise WHERE uscc = '", uscc, "'"));
  }

  // Appends `n` alerts of `uscc` in one transaction (as the evaluator does) and wakes the
  // hub; returns their seqs.
  std::vector<int64_t> Append(const std::string& uscc, int n = 1, const std::string& detail = "") {
    std::vector<int64_t> seqs;
    const int64_t id = EnterpriseId(uscc);
    absl::Status s = storage::mysql::RunInTransaction(*pool_, "append alerts",
                                                      [&](sql::Connection& conn) {
      seqs.clear();
      storage::Tx tx(conn);
      for (int i = 0; i < n; ++i) {
        storage::AlertEvent e;
        e.kind = "INCIDENT_OPENED";
        e.resource = absl::StrCat("incidents/", 100 + i);
        e.enterprise_id = id;
        e.title = "1号锅炉烟囱 二氧化硫 小时均值超标";
        e.detail = detail;
        auto stored = repo_->Append(tx, e, app_->clock().Now());
        if (!stored.ok()) return stored.status();
        seqs.push_back(stored->seq);
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    app_->application().alert_hub().Notify();
    return seqs;
  }

  // Waits until the hub has handed out alert `seq`.
  void AwaitHub(int64_t seq) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (app_->application().alert_hub().last_seq() < seq && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_GE(app_->application().alert_hub().last_seq(), seq);
  }

  Watch OpenWatch(const std::string& token, const std::string& after_cursor,
                  bool from_now = false) {
    Watch w;
    w.ctx = TestApp::Context(token);
    v1::WatchAlertsRequest request;
    request.set_after_cursor(after_cursor);
    request.set_from_now(from_now);
    w.reader = stub_->WatchAlerts(w.ctx.get(), request);
    return w;
  }

  grpc::Status List(const std::string& token, const v1::ListAlertsRequest& request,
                    v1::ListAlertsResponse* response) {
    auto ctx = TestApp::Context(token);
    return stub_->ListAlerts(ctx.get(), request, response);
  }

  // Every alert the caller may list, as seqs.
  std::vector<int64_t> ListedSeqs(const std::string& token) {
    v1::ListAlertsRequest request;
    request.set_page_size(500);
    v1::ListAlertsResponse response;
    grpc::Status s = List(token, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<int64_t> seqs;
    for (const v1::Alert& a : response.alerts()) seqs.push_back(SeqOf(a));
    return seqs;
  }

  // A watcher that hangs up after every K alerts and comes back with the cursor of the last
  // one, while a writer keeps appending, sees each alert exactly once and in order. Run with
  // the recent alerts held in memory (reconnects replay from the hub) and with almost none
  // (reconnects read their backlog from the database).
  void ReconnectingWatcherSeesEveryAlertOnce() {
    constexpr int kBefore = 10;
    constexpr int kDuring = 30;
    constexpr size_t kTotal = kBefore + kDuring;
    constexpr size_t kPerConnection = 7;
    Append(kUsccA, kBefore);
    std::thread writer([&] {
      for (int i = 0; i < kDuring; ++i) {
        Append(i % 2 == 0 ? kUsccB : kUsccC);
        absl::SleepFor(absl::Milliseconds(15));
      }
    });
    std::vector<int64_t> seen;
    std::string cursor = "0";
    int connections = 0;
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (seen.size() < kTotal && absl::Now() < deadline) {
      Watch w = OpenWatch(supervisor_, cursor);
      ++connections;
      v1::Alert a;
      size_t n = 0;
      while (n < kPerConnection && seen.size() < kTotal && w.reader->Read(&a)) {
        seen.push_back(SeqOf(a));
        cursor = a.cursor();
        ++n;
      }
      EXPECT_EQ(w.Cancel().error_code(), grpc::StatusCode::CANCELLED);
    }
    writer.join();
    EXPECT_THAT(seen, ElementsAreArray(Range(1, kTotal)));
    EXPECT_GE(connections, static_cast<int>(kTotal / kPerConnection));
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<storage::mysql::MysqlAlertRepository> repo_;
  std::unique_ptr<v1::AlertService::Stub> stub_;
  std::string supervisor_;
};

TEST_F(AlertTest, ReconnectingWatcherSeesEveryAlertOnceFromMemory) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ReconnectingWatcherSeesEveryAlertOnce();
}

TEST_F(AlertTest, ReconnectingWatcherSeesEveryAlertOnceFromTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(Start([](app::ApplicationOptions& o) { o.alerts.recent_alerts = 2; }));
  ReconnectingWatcherSeesEveryAlertOnce();
}

TEST_F(AlertTest, ListAlertsPagesOldestFirst) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const absl::Time now = app_->clock().Now();
  Append(kUsccA, 7, "小时均值 120 mg/m³，限值 35 mg/m³");
  v1::ListAlertsRequest request;
  request.set_page_size(3);
  std::vector<int64_t> seqs;
  int pages = 0;
  for (;;) {
    v1::ListAlertsResponse page;
    ASSERT_TRUE(List(supervisor_, request, &page).ok());
    ++pages;
    for (const v1::Alert& a : page.alerts()) seqs.push_back(SeqOf(a));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(seqs, ElementsAreArray(Range(1, 7)));
  EXPECT_EQ(pages, 3);

  request.Clear();
  request.set_after_cursor("5");
  v1::ListAlertsResponse after;
  ASSERT_TRUE(List(supervisor_, request, &after).ok());
  ASSERT_EQ(after.alerts_size(), 2);
  const v1::Alert& a = after.alerts(0);
  EXPECT_EQ(a.cursor(), "6");
  EXPECT_EQ(a.kind(), "INCIDENT_OPENED");
  EXPECT_EQ(a.resource(), "incidents/105");
  EXPECT_EQ(a.enterprise(), "enterprises/" + kUsccA);
  EXPECT_EQ(a.district_code(), "410802");
  EXPECT_EQ(a.title(), "1号锅炉烟囱 二氧化硫 小时均值超标");
  EXPECT_EQ(a.detail(), "小时均值 120 mg/m³，限值 35 mg/m³");
  EXPECT_EQ(a.create_time().seconds(), absl::ToUnixSeconds(now));
  EXPECT_TRUE(after.next_page_token().empty());

  // A token belongs to its query; a cursor is a cursor.
  v1::ListAlertsRequest first;
  first.set_page_size(3);
  v1::ListAlertsResponse page;
  ASSERT_TRUE(List(supervisor_, first, &page).ok());
  request.set_page_token(page.next_page_token());
  v1::ListAlertsResponse refused;
  grpc::Status s = List(supervisor_, request, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "page_token");
  for (const std::string bad : {"abc", "-1", "1e3", " 5", "9999999999999999999"}) {
    request.Clear();
    request.set_after_cursor(bad);
    s = List(supervisor_, request, &refused);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ViolatedField(s), "after_cursor") << bad;
  }
}

TEST_F(AlertTest, EveryRoleSeesItsScopeInListsAndWatches) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string enterprise_a =
      app_->CreateUserAndLogin("ent_a", v1::ROLE_ENTERPRISE, {}, kUsccA);
  const std::string officer_802 = app_->CreateUserAndLogin("off802", v1::ROLE_OFFICER, {"410802"});
  const std::string officer_803 = app_->CreateUserAndLogin("off803", v1::ROLE_OFFICER, {"410803"});
  const std::string hotline =
      app_->CreateUserAndLogin("hot", v1::ROLE_HOTLINE_OPERATOR, {"410800"});
  const std::string admin = app_->AdminToken();
  // Seqs 1..6: A B C A B C.
  for (int i = 0; i < 2; ++i) {
    Append(kUsccA);
    Append(kUsccB);
    Append(kUsccC);
  }
  EXPECT_THAT(ListedSeqs(enterprise_a), ElementsAre(1, 4));
  EXPECT_THAT(ListedSeqs(officer_802), ElementsAre(1, 4));
  EXPECT_THAT(ListedSeqs(officer_803), ElementsAre(2, 5));
  EXPECT_THAT(ListedSeqs(supervisor_), ElementsAreArray(Range(1, 6)));
  EXPECT_THAT(ListedSeqs(hotline), ElementsAreArray(Range(1, 6)));
  EXPECT_THAT(ListedSeqs(admin), ElementsAreArray(Range(1, 6)));

  // Watches: the backlog in scope, then live alerts in scope only. Each watch is given
  // time to subscribe (its headers), then an alert of C (seq 7) and one of A (seq 8)
  // follow: the next alert a watch of A's scope reads is 8, not 7.
  Watch ent = OpenWatch(enterprise_a, "0");
  Watch off = OpenWatch(officer_802, "0");
  Watch other = OpenWatch(officer_803, "0");
  Watch sup = OpenWatch(supervisor_, "0");
  std::vector<int64_t> seen;
  for (const v1::Alert& a : ent.Read(2)) seen.push_back(SeqOf(a));
  EXPECT_THAT(seen, ElementsAre(1, 4));
  seen.clear();
  for (const v1::Alert& a : off.Read(2)) seen.push_back(SeqOf(a));
  EXPECT_THAT(seen, ElementsAre(1, 4));
  seen.clear();
  for (const v1::Alert& a : other.Read(2)) seen.push_back(SeqOf(a));
  EXPECT_THAT(seen, ElementsAre(2, 5));
  seen.clear();
  for (const v1::Alert& a : sup.Read(6)) seen.push_back(SeqOf(a));
  EXPECT_THAT(seen, ElementsAreArray(Range(1, 6)));

  Append(kUsccC);
  Append(kUsccA);
  Append(kUsccB);
  auto next = [](Watch& w) {
    std::vector<v1::Alert> one = w.Read(1);
    return one.empty() ? int64_t{0} : SeqOf(one[0]);
  };
  EXPECT_EQ(next(ent), 8);
  EXPECT_EQ(next(off), 8);
  EXPECT_EQ(next(other), 9);
  EXPECT_EQ(next(sup), 7);
  EXPECT_EQ(next(sup), 8);
  EXPECT_EQ(next(sup), 9);
  for (Watch* w : {&ent, &off, &other, &sup}) w->Cancel();
}

TEST_F(AlertTest, RefusesMissingTokensWrongRolesAndBadStartingPoints) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string station = app_->CreateUserAndLogin("sta", v1::ROLE_STATION, {"410802"});
  const std::string integration =
      app_->CreateUserAndLogin("int", v1::ROLE_INTEGRATION, {"410800"});
  v1::ListAlertsResponse response;
  const v1::ListAlertsRequest all;
  EXPECT_EQ(List("", all, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(List("eco_not-a-real-token", all, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(List(station, all, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(integration, all, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(OpenWatch("", "", true).End().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(OpenWatch(station, "", true).End().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(OpenWatch(integration, "", true).End().error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  Append(kUsccA, 3);
  struct Case {
    std::string after_cursor;
    bool from_now;
    std::string field;
  };
  for (const Case& c : {Case{"", false, "after_cursor"}, Case{"2", true, "from_now"},
                        Case{"x", false, "after_cursor"}, Case{"-1", false, "after_cursor"},
                        Case{"4", false, "after_cursor"}}) {
    SCOPED_TRACE(c.after_cursor);
    Watch w = OpenWatch(supervisor_, c.after_cursor, c.from_now);
    EXPECT_THAT(w.Read(1), IsEmpty());
    grpc::Status s = w.reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(ViolatedField(s), c.field);
  }
  // The last alert's cursor is a fine place to start.
  Watch w = OpenWatch(supervisor_, "3");
  Append(kUsccA);
  std::vector<v1::Alert> next = w.Read(1);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].cursor(), "4");
  w.Cancel();
}

// A burst beyond the watcher's queue ends the watch with RESOURCE_EXHAUSTED naming where
// to resume; resuming from the cursor the headers gave loses nothing.
TEST_F(AlertTest, WatcherThatFallsBehindResumesWithoutLoss) {
  ASSERT_NO_FATAL_FAILURE(Start([](app::ApplicationOptions& o) { o.alerts.watcher_queue = 8; }));
  Append(kUsccA, 2);
  ASSERT_NO_FATAL_FAILURE(AwaitHub(2));
  Watch w = OpenWatch(supervisor_, "", /*from_now=*/true);
  w.reader->WaitForInitialMetadata();
  const auto& headers = w.ctx->GetServerInitialMetadata();
  auto start = headers.find("ecocase-watch-cursor");
  ASSERT_NE(start, headers.end());
  std::string cursor(start->second.data(), start->second.size());
  EXPECT_EQ(cursor, "2");

  Append(kUsccB, 60);  // seqs 3..62 in one transaction: one delivery of 60.
  std::vector<int64_t> seen;
  for (const v1::Alert& a : w.Read(60)) {
    seen.push_back(SeqOf(a));
    cursor = a.cursor();
  }
  grpc::Status s = w.reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("after_cursor="));
  EXPECT_EQ(ErrorReason(s), "ALERT_WATCH_TOO_SLOW");
  EXPECT_LT(seen.size(), 60u);

  Watch again = OpenWatch(supervisor_, cursor);
  for (const v1::Alert& a : again.Read(60 - seen.size())) seen.push_back(SeqOf(a));
  EXPECT_THAT(seen, ElementsAreArray(Range(3, 62)));
  again.Cancel();
}

// The callback API: idle watches are reactors, not threads. A thousand of them on one
// server add far fewer than a thousand threads, each gets a new alert, and all end
// (UNAVAILABLE, to resume from their cursors) as soon as the server stops.
TEST_F(AlertTest, ThousandIdleWatchersHoldNoThreadsAndEndAtShutdown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kWatchers = 1000;
  // Warm up what the first watch starts lazily (the callback and executor threads).
  {
    Watch warm = OpenWatch(supervisor_, "", true);
    warm.reader->WaitForInitialMetadata();
    warm.Cancel();
  }
  const int before = ThreadCount();
  ASSERT_GT(before, 0);

  struct Slot {
    grpc::ClientContext ctx;
    v1::Alert alert;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncReader<v1::Alert>> reader;
  };
  enum Op : intptr_t { kStarted = 0, kHeaders = 1, kRead = 2, kFinished = 3 };
  auto tag = [](int i, Op op) {
    return reinterpret_cast<void*>(static_cast<intptr_t>(i) * 4 + op);
  };
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<Slot>> slots(kWatchers);
  v1::WatchAlertsRequest request;
  request.set_from_now(true);
  for (int i = 0; i < kWatchers; ++i) {
    slots[i] = std::make_unique<Slot>();
    slots[i]->ctx.AddMetadata("authorization", "Bearer " + supervisor_);
    slots[i]->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    slots[i]->reader = stub_->PrepareAsyncWatchAlerts(&slots[i]->ctx, request, &cq);
    slots[i]->reader->StartCall(tag(i, kStarted));
  }
  // Waits for `count` completions of `op`; other ops' completions are not expected.
  auto await = [&](Op op, int count, int* ok_count) {
    *ok_count = 0;
    const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
    for (int done = 0; done < count;) {
      void* got = nullptr;
      bool ok = false;
      if (cq.AsyncNext(&got, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) {
        ADD_FAILURE() << "only " << done << " of " << count << " completions of op " << op;
        return;
      }
      EXPECT_EQ(reinterpret_cast<intptr_t>(got) % 4, op);
      ++done;
      *ok_count += ok;
    }
  };
  int ok = 0;
  await(kStarted, kWatchers, &ok);
  EXPECT_EQ(ok, kWatchers);
  // The headers come once each watch is subscribed.
  for (int i = 0; i < kWatchers; ++i) slots[i]->reader->ReadInitialMetadata(tag(i, kHeaders));
  await(kHeaders, kWatchers, &ok);
  EXPECT_EQ(ok, kWatchers);
  EXPECT_EQ(app_->application().alert_hub().subscriber_count(), static_cast<size_t>(kWatchers));

  const int idle = ThreadCount();
  EXPECT_LT(idle - before, 50) << before << " threads before, " << idle << " with the watches";

  for (int i = 0; i < kWatchers; ++i) slots[i]->reader->Read(&slots[i]->alert, tag(i, kRead));
  const int64_t seq = Append(kUsccA)[0];
  await(kRead, kWatchers, &ok);
  EXPECT_EQ(ok, kWatchers);
  for (int i = 0; i < kWatchers; ++i) ASSERT_EQ(SeqOf(slots[i]->alert), seq) << i;
  EXPECT_LT(ThreadCount() - before, 50);

  for (int i = 0; i < kWatchers; ++i) slots[i]->reader->Read(&slots[i]->alert, tag(i, kRead));
  const absl::Time stopping = absl::Now();
  app_->application().Shutdown(absl::Seconds(20));
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(10)) << "the watches held the server";
  await(kRead, kWatchers, &ok);
  EXPECT_EQ(ok, 0);
  for (int i = 0; i < kWatchers; ++i) {
    slots[i]->reader->Finish(&slots[i]->status, tag(i, kFinished));
  }
  await(kFinished, kWatchers, &ok);
  int unavailable = 0;
  for (const auto& slot : slots) unavailable += slot->status.error_code() == grpc::UNAVAILABLE;
  EXPECT_EQ(unavailable, kWatchers) << slots[0]->status.error_message();
  EXPECT_THAT(slots[0]->status.error_message(), HasSubstr("after_cursor="));
  cq.Shutdown();
  void* got = nullptr;
  bool drained = false;
  while (cq.Next(&got, &drained)) {
  }
}

}  // namespace
}  // namespace ecocase
