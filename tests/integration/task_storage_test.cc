// Rectification task storage against the real database: every field round-trips, issuing
// is idempotent per finding, scope hides other districts' and enterprises' tasks, stale
// etags abort, history rows come back in order, lists filter and page newest first, and
// the overdue sweep's listing follows the clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/task.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_task_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;
using ::ecocase::testing::ValidUscc;
using domain::ReinspectionKind;
using domain::ReinspectionOutcome;
using domain::Task;
using domain::TaskDeadline;
using domain::TaskSourceKind;
using domain::TaskState;
using storage::Scope;
using storage::TaskCursor;
using storage::TaskFilter;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kUsccA = ValidUscc("91410802MA45TA001");  // 解放区 410802
const std::string kUsccB = ValidUscc("91410882MA45TB002");  // 沁阳市 410882
const std::string kOfficer = "users/wangqiang";
const std::string kEnterpriseUser = "users/ent_a";

// Beijing time.
absl::Time Beijing(int y, int m, int d, int h = 10, int mi = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, mi, 0));
}

Scope District(const std::string& code) {
  Scope s;
  s.district_codes = {code};
  return s;
}

Scope EnterpriseScope(const std::string& uscc) {
  Scope s;
  s.enterprise_uscc = uscc;
  return s;
}

using common::ReasonOf;

std::vector<int64_t> Ids(const std::vector<Task>& tasks) {
  std::vector<int64_t> ids;
  for (const Task& t : tasks) ids.push_back(t.id);
  return ids;
}

class TaskStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("tsk");
    storage::DbOptions options = schema_->options();
    options.pool_size = 6;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(options);
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(*pool_, *migrations), IsOk());
    repo_ = std::make_unique<storage::mysql::MysqlTaskRepository>(*pool_);
    auto calendar = domain::DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));

    schema_->Execute(absl::StrCat(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, create_time, update_time) VALUES "
        "('", kUsccA, "', '焦作市甲化工有限公司', '解放区民主路1号', '410802', 'C2614', 'KEY', "
        "NOW(6), NOW(6)), "
        "('", kUsccB, "', '沁阳市乙造纸有限公司', '沁阳市太行路2号', '410882', 'C2221', 'KEY', "
        "NOW(6), NOW(6))"));
    schema_->Execute(absl::StrCat(
        "INSERT INTO outlet (enterprise_id, code, kind, display_name, create_time, update_time) "
        "SELECT id, 'DA001', 'AIR', '1号锅炉烟囱', NOW(6), NOW(6) FROM enterprise WHERE uscc = '",
        kUsccA, "'"));
  }

  // A validated, issued task (not stored), 3 working days from `at`.
  Task NewTask(const std::string& uscc, const std::string& source, absl::Time at,
               TaskDeadline deadline = {3, true}) {
    Task t;
    t.enterprise_uscc = uscc;
    t.source_kind = TaskSourceKind::kExceedanceIncident;
    t.source = source;
    t.title = "1号锅炉烟囱二氧化硫小时均值超标整改";
    t.legal_basis = "《中华人民共和国大气污染防治法》第九十九条";
    t.required_actions = {"查明超标原因", "恢复脱硫设施正常运行"};
    t.evidence_required = {"脱硫设施维修记录", "第三方监测报告"};
    t.deadline = deadline;
    EXPECT_THAT(domain::ValidateNewTask(t, "task"), IsOk());
    domain::Issue(t, kOfficer, at, *calendar_);
    return t;
  }

  absl::StatusOr<std::pair<Task, bool>> Issue(const Scope& scope, const Task& task) {
    absl::StatusOr<std::pair<Task, bool>> result;
    absl::Status status =
        storage::mysql::RunInTransaction(*pool_, "issue task", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          result = repo_->Issue(tx, scope, task, task.issue_time);
          return result.status();
        });
    if (!status.ok()) return status;
    return result;
  }

  // Issues within everything and returns the stored task.
  Task Issued(const std::string& uscc, const std::string& source, absl::Time at,
              TaskDeadline deadline = {3, true}) {
    auto issued = Issue(Scope::All(), NewTask(uscc, source, at, deadline));
    EXPECT_THAT(issued, IsOk());
    EXPECT_TRUE(issued.ok() && issued->second);
    return issued.ok() ? issued->first : Task{};
  }

  absl::StatusOr<Task> Update(const Scope& scope, int64_t id, int64_t version,
                              const std::function<absl::Status(Task&)>& change, absl::Time now) {
    absl::StatusOr<Task> result;
    absl::Status status =
        storage::mysql::RunInTransaction(*pool_, "update task", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          result = repo_->Update(tx, scope, id, version, change, now);
          return result.status();
        });
    if (!status.ok()) return status;
    return result;
  }

  Task MustUpdate(int64_t id, const std::function<absl::Status(Task&)>& change, absl::Time now) {
    auto updated = Update(Scope::All(), id, 0, change, now);
    EXPECT_THAT(updated, IsOk());
    return updated.ok() ? *updated : Task{};
  }

  // Whether the sweep's mark was taken.
  bool MarkFlagged(int64_t id, absl::Time due) {
    absl::StatusOr<bool> result;
    absl::Status status =
        storage::mysql::RunInTransaction(*pool_, "flag overdue", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          result = repo_->MarkOverdueFlagged(tx, id, due);
          return result.status();
        });
    EXPECT_THAT(status, IsOk());
    return status.ok() && *result;
  }

  domain::Reinspection Reinspection(ReinspectionKind kind, ReinspectionOutcome outcome,
                                    absl::CivilDay day, std::vector<std::string> officers) {
    domain::Reinspection r;
    r.kind = kind;
    r.outcome = outcome;
    r.date = day;
    r.officers = std::move(officers);
    r.findings = absl::StrCat("复查", absl::FormatCivilTime(day), "：脱硫塔循环泵运行情况");
    return r;
  }

  std::vector<Task> ListAll(const Scope& scope, const TaskFilter& filter) {
    auto tasks = repo_->List(scope, filter, 100, std::nullopt);
    EXPECT_THAT(tasks, IsOk());
    return tasks.ok() ? *tasks : std::vector<Task>{};
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<storage::mysql::MysqlTaskRepository> repo_;
  std::optional<domain::WorkingCalendar> calendar_;
};

void ExpectSameTask(const Task& got, const Task& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.enterprise_uscc, want.enterprise_uscc);
  EXPECT_EQ(got.outlet_code, want.outlet_code);
  EXPECT_EQ(got.source_kind, want.source_kind);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.legal_basis, want.legal_basis);
  EXPECT_EQ(got.required_actions, want.required_actions);
  EXPECT_EQ(got.evidence_required, want.evidence_required);
  EXPECT_EQ(got.deadline.days, want.deadline.days);
  EXPECT_EQ(got.deadline.working_days, want.deadline.working_days);
  EXPECT_EQ(got.due_day, want.due_day);
  EXPECT_EQ(got.due_time, want.due_time);
  EXPECT_EQ(got.due_provisional, want.due_provisional);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.refused, want.refused);
  EXPECT_EQ(got.state_reason, want.state_reason);
  EXPECT_EQ(got.issued_by, want.issued_by);
  EXPECT_EQ(got.issue_time, want.issue_time);
  EXPECT_EQ(got.update_time, want.update_time);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.district_code, want.district_code);
  EXPECT_EQ(got.rectification.has_value(), want.rectification.has_value());
  EXPECT_EQ(got.reinspections.size(), want.reinspections.size());
  EXPECT_EQ(got.extension.has_value(), want.extension.has_value());
}

TEST_F(TaskStorageTest, IssueThenGetRoundTripsEveryField) {
  // Issued on Tuesday 2026-04-28 with 3 working days: 04-29, 04-30, then 劳动节, so 05-06.
  const absl::Time issued_at = Beijing(2026, 4, 28, 10, 15) + absl::Nanoseconds(1500);
  Task task = NewTask(kUsccA, "incidents/123", issued_at);
  task.outlet_code = "DA001";
  task.source_kind = TaskSourceKind::kInspection;
  task.source = "焦环查〔2026〕12号";
  task.evidence_required = {"整改前后照片"};
  auto issued = Issue(District("410802"), task);
  ASSERT_THAT(issued, IsOk());
  EXPECT_TRUE(issued->second);
  const Task& stored = issued->first;
  EXPECT_GT(stored.id, 0);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.district_code, "410802");
  EXPECT_EQ(stored.state, TaskState::kIssued);
  EXPECT_EQ(stored.due_day, absl::CivilDay(2026, 5, 6));
  EXPECT_FALSE(stored.due_provisional);
  // Times are kept to the microsecond.
  EXPECT_EQ(stored.issue_time, Beijing(2026, 4, 28, 10, 15) + absl::Microseconds(1));
  EXPECT_FALSE(stored.rectification.has_value());
  EXPECT_THAT(stored.reinspections, IsEmpty());
  EXPECT_FALSE(stored.extension.has_value());

  Task want = task;
  want.id = stored.id;
  want.version = 1;
  want.district_code = "410802";
  want.issue_time = stored.issue_time;
  want.update_time = stored.issue_time;
  ExpectSameTask(stored, want);

  auto got = repo_->Get(EnterpriseScope(kUsccA), stored.id);
  ASSERT_THAT(got, IsOk());
  ExpectSameTask(*got, want);

  // A task without an outlet and with an extension request, a report and a refusal.
  Task plain = Issued(kUsccB, "complaints/45", Beijing(2026, 4, 28));
  EXPECT_EQ(plain.outlet_code, "");
  Task changed = MustUpdate(
      plain.id,
      [&](Task& t) {
        EXPECT_THAT(domain::Acknowledge(t, "users/ent_b", Beijing(2026, 4, 29)), IsOk());
        domain::TaskExtension x;
        x.reason = "备件需从厂家调货";
        x.extra = {10, false};
        return domain::RequestExtension(t, x, "users/ent_b", Beijing(2026, 4, 29));
      },
      Beijing(2026, 4, 29));
  ASSERT_TRUE(changed.extension.has_value());
  EXPECT_EQ(changed.version, 2);
  EXPECT_EQ(changed.state, TaskState::kAcknowledged);
  EXPECT_EQ(changed.update_time, Beijing(2026, 4, 29));
  EXPECT_EQ(changed.extension->reason, "备件需从厂家调货");
  EXPECT_EQ(changed.extension->extra.days, 10);
  EXPECT_FALSE(changed.extension->extra.working_days);
  EXPECT_EQ(changed.extension->state, domain::ExtensionState::kPending);
  EXPECT_EQ(changed.extension->requested_by, "users/ent_b");
  auto reread = repo_->Get(Scope::All(), plain.id);
  ASSERT_THAT(reread, IsOk());
  ExpectSameTask(*reread, changed);
}

TEST_F(TaskStorageTest, IssuingTwiceForTheSameSourceReturnsTheFirst) {
  Task first = Issued(kUsccA, "incidents/7", Beijing(2026, 3, 2));
  Task again = NewTask(kUsccA, "incidents/7", Beijing(2026, 3, 3));
  again.title = "另一个标题";
  auto second = Issue(District("410802"), again);
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(second->first.id, first.id);
  EXPECT_EQ(second->first.title, first.title);
  EXPECT_EQ(second->first.issue_time, first.issue_time);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM rectification_task"), 1);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM task_item"), 4);

  // The same source of another kind, or another case of the same text, is another finding.
  Task other_kind = NewTask(kUsccA, "incidents/7", Beijing(2026, 3, 3));
  other_kind.source_kind = TaskSourceKind::kComplaint;
  auto third = Issue(Scope::All(), other_kind);
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->second);
  auto upper = Issue(Scope::All(), NewTask(kUsccA, "INCIDENTS/7", Beijing(2026, 3, 3)));
  ASSERT_THAT(upper, IsOk());
  EXPECT_TRUE(upper->second);

  // The finding already turned into a task in another district is not shown.
  auto elsewhere = Issue(District("410882"), NewTask(kUsccB, "incidents/7", Beijing(2026, 3, 3)));
  EXPECT_THAT(elsewhere, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM rectification_task"), 3);
}

TEST_F(TaskStorageTest, ConcurrentIssuersOfOneFindingMakeOneTask) {
  constexpr int kThreads = 6;
  std::vector<absl::StatusOr<std::pair<Task, bool>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Issue(Scope::All(), NewTask(kUsccA, "cases/9", Beijing(2026, 3, 2, 9, i)));
    });
  }
  for (std::thread& t : threads) t.join();
  int created = 0;
  std::set<int64_t> ids;
  for (const auto& r : results) {
    ASSERT_THAT(r, IsOk());
    created += r->second ? 1 : 0;
    ids.insert(r->first.id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM rectification_task"), 1);
}

TEST_F(TaskStorageTest, ScopeHidesOtherDistrictsAndEnterprises) {
  Task a = Issued(kUsccA, "incidents/1", Beijing(2026, 3, 2));
  for (const Scope& outside : {District("410882"), EnterpriseScope(kUsccB), Scope{}}) {
    EXPECT_THAT(repo_->Get(outside, a.id), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(Update(
                    outside, a.id, 0,
                    [](Task& t) { return domain::Acknowledge(t, kEnterpriseUser, t.issue_time); },
                    Beijing(2026, 3, 3)),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(ListAll(outside, TaskFilter{}), IsEmpty());
    EXPECT_THAT(repo_->CountOpenAndOverdue(outside, kUsccA, Beijing(2026, 3, 3)),
                StatusIs(absl::StatusCode::kNotFound));
  }
  // Absent is the same answer as hidden.
  EXPECT_THAT(repo_->Get(Scope::All(), a.id + 1000), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Update(Scope::All(), a.id + 1000, 0, [](Task&) { return absl::OkStatus(); },
                     Beijing(2026, 3, 3)),
              StatusIs(absl::StatusCode::kNotFound));
  // Issuing to an enterprise outside scope, or to an outlet it does not have.
  EXPECT_THAT(Issue(District("410882"), NewTask(kUsccA, "incidents/2", Beijing(2026, 3, 2))),
              StatusIs(absl::StatusCode::kNotFound));
  Task no_outlet = NewTask(kUsccB, "incidents/3", Beijing(2026, 3, 2));
  no_outlet.outlet_code = "DA001";
  EXPECT_THAT(Issue(Scope::All(), no_outlet), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM rectification_task"), 1);

  for (const Scope& inside : {District("410802"), District("410800"), EnterpriseScope(kUsccA)}) {
    EXPECT_THAT(repo_->Get(inside, a.id), IsOk());
    EXPECT_THAT(Ids(ListAll(inside, TaskFilter{})), ElementsAre(a.id));
  }
  auto acknowledged =
      Update(EnterpriseScope(kUsccA), a.id, 1,
             [](Task& t) { return domain::Acknowledge(t, kEnterpriseUser, t.issue_time); },
             Beijing(2026, 3, 3));
  ASSERT_THAT(acknowledged, IsOk());
  EXPECT_EQ(acknowledged->state, TaskState::kAcknowledged);
}

TEST_F(TaskStorageTest, StaleVersionAbortsAndFailedChangesWriteNothing) {
  Task a = Issued(kUsccA, "incidents/1", Beijing(2026, 3, 2));
  auto acknowledge = [](Task& t) { return domain::Acknowledge(t, kEnterpriseUser, t.issue_time); };
  auto first = Update(Scope::All(), a.id, 1, acknowledge, Beijing(2026, 3, 3));
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->version, 2);
  auto stale = Update(Scope::All(), a.id, 1,
                      [](Task& t) { return domain::Cancel(t, "企业名称错误", t.update_time); },
                      Beijing(2026, 3, 4));
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(ReasonOf(stale.status()), "ETAG_MISMATCH");

  // The domain's refusal is returned as is and nothing changes.
  auto refused = Update(Scope::All(), a.id, 2, acknowledge, Beijing(2026, 3, 4));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(refused.status()), "TASK_STATE");
  auto unchanged = repo_->Get(Scope::All(), a.id);
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_EQ(unchanged->version, 2);
  EXPECT_EQ(unchanged->state, TaskState::kAcknowledged);
  EXPECT_EQ(unchanged->update_time, Beijing(2026, 3, 3));

  // A change may not alter what the task is.
  auto moved = Update(Scope::All(), a.id, 2, [](Task& t) {
    t.source = "incidents/99";
    return absl::OkStatus();
  }, Beijing(2026, 3, 4));
  EXPECT_THAT(moved, StatusIs(absl::StatusCode::kInternal));
}

TEST_F(TaskStorageTest, HistoryReadsBackInOrder) {
  Task a = Issued(kUsccA, "incidents/1", Beijing(2026, 3, 2));
  auto submit = [](const std::string& report, std::vector<std::string> evidence,
                   absl::Time at) {
    return [=](Task& t) {
      ECOCASE_RETURN_IF_ERROR(domain::Acknowledge(t, kEnterpriseUser, at));
      domain::Rectification r;
      r.report = report;
      r.evidence = evidence;
      return domain::Submit(t, r, kEnterpriseUser, at);
    };
  };
  MustUpdate(a.id, submit("已更换循环泵。\n附维修记录。", {"evidence/11", "evidence/12"},
                          Beijing(2026, 3, 3)),
             Beijing(2026, 3, 3));
  Task refused = MustUpdate(
      a.id,
      [&](Task& t) {
        return domain::RecordReinspection(
            t,
            Reinspection(ReinspectionKind::kOnSite, ReinspectionOutcome::kNotCorrected,
                         absl::CivilDay(2026, 3, 5), {"lisi"}),
            TaskDeadline{5, true}, kOfficer, Beijing(2026, 3, 5, 16), *calendar_);
      },
      Beijing(2026, 3, 5, 16));
  EXPECT_TRUE(refused.refused);
  EXPECT_EQ(refused.state, TaskState::kIssued);
  EXPECT_EQ(refused.due_day, absl::CivilDay(2026, 3, 12));
  MustUpdate(a.id, submit("脱硫塔已恢复运行，小时均值达标。", {"evidence/13"}, Beijing(2026, 3, 9)),
             Beijing(2026, 3, 9));
  Task verified = MustUpdate(
      a.id,
      [&](Task& t) {
        return domain::RecordReinspection(
            t,
            Reinspection(ReinspectionKind::kNonSite, ReinspectionOutcome::kCorrected,
                         absl::CivilDay(2026, 3, 10), {}),
            std::nullopt, "users/zhaoliu", Beijing(2026, 3, 10, 9), *calendar_);
      },
      Beijing(2026, 3, 10, 9));

  auto got = repo_->Get(Scope::All(), a.id);
  ASSERT_THAT(got, IsOk());
  ExpectSameTask(*got, verified);
  EXPECT_EQ(got->state, TaskState::kVerified);
  EXPECT_TRUE(got->refused);
  EXPECT_EQ(got->version, 5);
  ASSERT_TRUE(got->rectification.has_value());
  EXPECT_EQ(got->rectification->report, "脱硫塔已恢复运行，小时均值达标。");
  EXPECT_THAT(got->rectification->evidence, ElementsAre("evidence/13"));
  EXPECT_EQ(got->rectification->submitted_by, kEnterpriseUser);
  EXPECT_EQ(got->rectification->submit_time, Beijing(2026, 3, 9));
  ASSERT_EQ(got->reinspections.size(), 2u);
  const domain::Reinspection& r1 = got->reinspections[0];
  EXPECT_EQ(r1.kind, ReinspectionKind::kOnSite);
  EXPECT_EQ(r1.outcome, ReinspectionOutcome::kNotCorrected);
  EXPECT_EQ(r1.date, absl::CivilDay(2026, 3, 5));
  EXPECT_THAT(r1.officers, ElementsAre("wangqiang", "lisi"));
  EXPECT_EQ(r1.findings, "复查2026-03-05：脱硫塔循环泵运行情况");
  EXPECT_EQ(r1.record_time, Beijing(2026, 3, 5, 16));
  const domain::Reinspection& r2 = got->reinspections[1];
  EXPECT_EQ(r2.kind, ReinspectionKind::kNonSite);
  EXPECT_EQ(r2.outcome, ReinspectionOutcome::kCorrected);
  EXPECT_THAT(r2.officers, ElementsAre("zhaoliu"));

  // Both reports are kept, with their evidence.
  EXPECT_EQ(schema_->QueryString(absl::StrCat(
                "SELECT GROUP_CONCAT(seq, ':', submit_time ORDER BY seq SEPARATOR '|') "
                "FROM task_rectification WHERE task_id = ",
                a.id)),
            "1:2026-03-03 02:00:00.000000|2:2026-03-09 02:00:00.000000");
  EXPECT_EQ(schema_->QueryString(absl::StrCat(
                "SELECT GROUP_CONCAT(seq, '/', reference ORDER BY seq, position SEPARATOR ' ') "
                "FROM task_rectification_evidence WHERE task_id = ",
                a.id)),
            "1/evidence/11 1/evidence/12 2/evidence/13");
}

TEST_F(TaskStorageTest, ExtensionsKeepTheirHistory) {
  Task a = Issued(kUsccA, "incidents/1", Beijing(2026, 3, 2), TaskDeadline{10, false});
  EXPECT_EQ(a.due_day, absl::CivilDay(2026, 3, 12));
  auto request = [](const std::string& reason, int days) {
    return [=](Task& t) {
      domain::TaskExtension x;
      x.reason = reason;
      x.extra = {days, false};
      return domain::RequestExtension(t, x, kEnterpriseUser, t.update_time);
    };
  };
  MustUpdate(a.id, request("设备到货延迟", 5), Beijing(2026, 3, 3));
  Task granted = MustUpdate(
      a.id,
      [&](Task& t) {
        return domain::DecideExtension(t, true, "同意延期5日", "users/chief", Beijing(2026, 3, 4),
                                       *calendar_);
      },
      Beijing(2026, 3, 4));
  EXPECT_EQ(granted.due_day, absl::CivilDay(2026, 3, 17));
  ASSERT_TRUE(granted.extension.has_value());
  EXPECT_EQ(granted.extension->state, domain::ExtensionState::kGranted);
  EXPECT_EQ(granted.extension->decided_by, "users/chief");
  EXPECT_EQ(granted.extension->decision_note, "同意延期5日");

  Task again = MustUpdate(a.id, request("施工队伍未到位", 3), Beijing(2026, 3, 10));
  ASSERT_TRUE(again.extension.has_value());
  EXPECT_EQ(again.extension->state, domain::ExtensionState::kPending);
  EXPECT_EQ(again.extension->reason, "施工队伍未到位");
  EXPECT_EQ(again.extension->decided_by, "");
  EXPECT_EQ(schema_->QueryString(absl::StrCat(
                "SELECT GROUP_CONCAT(seq, ':', state, ':', decided_by ORDER BY seq) "
                "FROM task_extension WHERE task_id = ",
                a.id)),
            "1:GRANTED:users/chief,2:PENDING:");
}

TEST_F(TaskStorageTest, ListFiltersAndPagesNewestFirst) {
  // Two tasks share an issue time: the id decides.
  Task a1 = Issued(kUsccA, "incidents/1", Beijing(2026, 3, 2));
  Task b1 = Issued(kUsccB, "incidents/2", Beijing(2026, 3, 3));
  Task a2 = Issued(kUsccA, "incidents/3", Beijing(2026, 3, 4));
  Task a3 = Issued(kUsccA, "incidents/4", Beijing(2026, 3, 4));
  Task b2 = Issued(kUsccB, "incidents/5", Beijing(2026, 3, 5), TaskDeadline{30, false});
  MustUpdate(a2.id, [](Task& t) { return domain::Acknowledge(t, kEnterpriseUser, t.issue_time); },
             Beijing(2026, 3, 5));
  MustUpdate(a3.id, [](Task& t) { return domain::Cancel(t, "认定撤销", t.issue_time); },
             Beijing(2026, 3, 5));

  EXPECT_THAT(Ids(ListAll(Scope::All(), TaskFilter{})),
              ElementsAre(b2.id, a3.id, a2.id, b1.id, a1.id));
  std::vector<int64_t> paged;
  std::optional<TaskCursor> after;
  for (int page = 0; page < 4; ++page) {
    auto tasks = repo_->List(Scope::All(), TaskFilter{}, 2, after);
    ASSERT_THAT(tasks, IsOk());
    for (const Task& t : *tasks) paged.push_back(t.id);
    if (tasks->size() < 2) break;
    after = TaskCursor{tasks->back().issue_time, tasks->back().id};
  }
  EXPECT_THAT(paged, ElementsAre(b2.id, a3.id, a2.id, b1.id, a1.id));

  TaskFilter by_enterprise;
  by_enterprise.enterprise_uscc = kUsccB;
  EXPECT_THAT(Ids(ListAll(Scope::All(), by_enterprise)), ElementsAre(b2.id, b1.id));
  TaskFilter by_state;
  by_state.state = TaskState::kAcknowledged;
  EXPECT_THAT(Ids(ListAll(Scope::All(), by_state)), ElementsAre(a2.id));
  TaskFilter by_district;
  by_district.district_code = "410802";
  EXPECT_THAT(Ids(ListAll(Scope::All(), by_district)), ElementsAre(a3.id, a2.id, a1.id));
  by_district.district_code = "410800";  // the city covers its districts
  EXPECT_THAT(ListAll(Scope::All(), by_district).size(), 5u);
  by_district.district_code = "410882";
  EXPECT_THAT(Ids(ListAll(District("410802"), by_district)), IsEmpty());

  // Due soon: open tasks due by the bound (b2 is due in April, a3 is cancelled).
  TaskFilter due_soon;
  due_soon.due_before = Beijing(2026, 3, 31);
  EXPECT_THAT(Ids(ListAll(Scope::All(), due_soon)), ElementsAre(a2.id, b1.id, a1.id));
  // Overdue at 2026-03-06 12:00: a1 was due at the end of 03-05 (3 working days from
  // Monday 03-02); b1 and a2 are due later.
  TaskFilter overdue;
  overdue.overdue_only = true;
  overdue.now = Beijing(2026, 3, 6, 12);
  EXPECT_THAT(Ids(ListAll(Scope::All(), overdue)), ElementsAre(a1.id));
  overdue.now = Beijing(2026, 3, 10, 12);
  EXPECT_THAT(Ids(ListAll(Scope::All(), overdue)), ElementsAre(a2.id, b1.id, a1.id));
  overdue.enterprise_uscc = kUsccA;
  EXPECT_THAT(Ids(ListAll(EnterpriseScope(kUsccA), overdue)), ElementsAre(a2.id, a1.id));
}

TEST_F(TaskStorageTest, OverdueListingFollowsTheClock) {
  // Issued Thursday 2026-04-30 with 2 working days: 劳动节 05-01..05, so 05-06 and 05-07.
  Task holiday = Issued(kUsccA, "incidents/1", Beijing(2026, 4, 30), TaskDeadline{2, true});
  EXPECT_EQ(holiday.due_day, absl::CivilDay(2026, 5, 7));
  // Monday 2026-04-27 with 2 calendar days.
  Task calendar_days = Issued(kUsccB, "incidents/2", Beijing(2026, 4, 27), TaskDeadline{2, false});
  EXPECT_EQ(calendar_days.due_day, absl::CivilDay(2026, 4, 29));
  Task closed = Issued(kUsccA, "incidents/3", Beijing(2026, 4, 29), TaskDeadline{1, false});
  MustUpdate(closed.id, [](Task& t) { return domain::Cancel(t, "重复下达", t.issue_time); },
             Beijing(2026, 4, 29, 11));

  auto at = [&](absl::Time now) {
    auto tasks = repo_->ListOverdueOpen(now, 10);
    EXPECT_THAT(tasks, IsOk());
    return tasks.ok() ? Ids(*tasks) : std::vector<int64_t>{};
  };
  EXPECT_THAT(at(Beijing(2026, 4, 29, 23, 59)), IsEmpty());
  EXPECT_THAT(at(Beijing(2026, 4, 30, 0, 0)), ElementsAre(calendar_days.id));
  EXPECT_THAT(at(Beijing(2026, 5, 7, 23, 59)), ElementsAre(calendar_days.id));
  EXPECT_THAT(at(Beijing(2026, 5, 8, 0, 0)), ElementsAre(calendar_days.id, holiday.id));

  auto counts = repo_->CountOpenAndOverdue(Scope::All(), kUsccA, Beijing(2026, 5, 8));
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->open, 1);
  EXPECT_EQ(counts->overdue, 1);
  counts = repo_->CountOpenAndOverdue(District("410802"), kUsccA, Beijing(2026, 5, 7));
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->open, 1);
  EXPECT_EQ(counts->overdue, 0);

  // Flagged once per due time: the sweep does not see it again until its deadline moves.
  EXPECT_TRUE(MarkFlagged(calendar_days.id, calendar_days.due_time));
  EXPECT_FALSE(MarkFlagged(calendar_days.id, calendar_days.due_time));
  EXPECT_FALSE(MarkFlagged(holiday.id, holiday.due_time + absl::Hours(1)));
  EXPECT_THAT(at(Beijing(2026, 5, 8)), ElementsAre(holiday.id));
  const int64_t version = calendar_days.version;
  auto unchanged = repo_->Get(Scope::All(), calendar_days.id);
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_EQ(unchanged->version, version);

  Task reopened = MustUpdate(
      calendar_days.id,
      [&](Task& t) {
        ECOCASE_RETURN_IF_ERROR(domain::Acknowledge(t, "users/ent_b", Beijing(2026, 5, 12)));
        domain::Rectification r;
        r.report = "已整改";
        ECOCASE_RETURN_IF_ERROR(domain::Submit(t, r, "users/ent_b", Beijing(2026, 5, 12)));
        return domain::RejectRectification(t, "报告未附监测数据", TaskDeadline{1, false},
                                           Beijing(2026, 5, 12), *calendar_);
      },
      Beijing(2026, 5, 12));
  EXPECT_EQ(reopened.due_day, absl::CivilDay(2026, 5, 13));
  EXPECT_THAT(at(Beijing(2026, 5, 13, 12)), ElementsAre(holiday.id));
  EXPECT_THAT(at(Beijing(2026, 5, 14)), ElementsAre(holiday.id, calendar_days.id));

  auto limited = repo_->ListOverdueOpen(Beijing(2026, 5, 14), 1);
  ASSERT_THAT(limited, IsOk());
  EXPECT_THAT(Ids(*limited), ElementsAre(holiday.id));
}

}  // namespace
}  // namespace ecocase
