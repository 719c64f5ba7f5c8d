// TaskService against the real database through the real Application: the rectification
// lifecycle with both re-inspection outcomes, refusal (拒不改正), rejection, extensions,
// overdue detection by the injected clock across the May Day holiday and its audited sweep,
// idempotent issuing per source, scope per role (BOLA), etags under concurrent officers and
// the task counts on GetPermitStatus.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "api/task_service.h"
#include "common/regulatory_time.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "storage/mysql/mysql_task_repository.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kPlant = ValidUscc("91410802MA3T00001");  // 解放区 410802
const std::string kOther = ValidUscc("91410803MA3T00002");  // 中站区 410803

// The Asia/Shanghai instant of a civil time.
absl::Time Shanghai(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::FixedTimeZone(8 * 3600));
}

std::string DateText(const google::type::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

std::string Password(const std::string& username) { return absl::StrCat("password-", username); }

// A task for `uscc` from the finding `source`, due `days` after issue.
v1::Task NewTask(const std::string& uscc, const std::string& source, int days,
                 bool working_days = false) {
  v1::Task t;
  t.set_enterprise(absl::StrCat("enterprises/", uscc));
  t.set_source_kind(v1::Task::EXCEEDANCE_INCIDENT);
  t.set_source(source);
  t.set_title("1号锅炉烟囱二氧化硫小时均值超标整改");
  t.set_legal_basis("《中华人民共和国大气污染防治法》第九十九条");
  t.add_required_actions("检修脱硫设施，恢复正常运行");
  t.add_evidence_required("整改前后照片");
  t.mutable_deadline()->set_days(days);
  t.mutable_deadline()->set_working_days(working_days);
  return t;
}

class TaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The background sweep stays out of the way; tests run the overdue sweep themselves.
    app_ =
        TestApp::Start("task", [](app::ApplicationOptions& o) { o.sweep_tick = absl::Minutes(9); });
    ASSERT_NE(app_, nullptr);
    registry_ = v1::EnterpriseService::NewStub(app_->channel());
    tasks_ = v1::TaskService::NewStub(app_->channel());
    permits_ = v1::PermitService::NewStub(app_->channel());
    admin_ = app_->AdminToken();
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410803", "焦作市某某水泥有限公司");
    app_->CreateOutlet(kPlant, "DA001", {"a21026"});
    app_->CreateUserAndLogin("off.a", v1::ROLE_OFFICER, {"410802"});
    app_->CreateUserAndLogin("off.b", v1::ROLE_OFFICER, {"410802"});
    app_->CreateUserAndLogin("off.c", v1::ROLE_OFFICER, {"410803"});
    app_->CreateUserAndLogin("sup", v1::ROLE_SUPERVISOR, {"410800"});
    app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    app_->CreateUserAndLogin("ent.other", v1::ROLE_ENTERPRISE, {}, kOther);
    app_->CreateUserAndLogin("integ", v1::ROLE_INTEGRATION, {"410800"});
    SignIn();
  }

  // Fresh tokens (after the clock moved past their lifetime).
  void SignIn() {
    officer_a_ = app_->Login("off.a", Password("off.a"));
    officer_b_ = app_->Login("off.b", Password("off.b"));
    officer_c_ = app_->Login("off.c", Password("off.c"));
    supervisor_ = app_->Login("sup", Password("sup"));
    plant_ = app_->Login("ent.plant", Password("ent.plant"));
    other_ = app_->Login("ent.other", Password("ent.other"));
    integration_ = app_->Login("integ", Password("integ"));
    admin_ = app_->AdminToken();
  }

  grpc::Status Issue(const std::string& token, const v1::Task& task, v1::Task* out,
                     const std::string& request_id = "") {
    v1::IssueTaskRequest request;
    *request.mutable_task() = task;
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return tasks_->IssueTask(ctx.get(), request, out);
  }

  // Issues a task to the plant as officer A; fails the test otherwise.
  v1::Task IssuePlantTask(const std::string& source, int days = 10, bool working = false) {
    v1::Task out;
    grpc::Status s = Issue(officer_a_, NewTask(kPlant, source, days, working), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::Task* out) {
    v1::GetTaskRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return tasks_->GetTask(ctx.get(), request, out);
  }

  grpc::Status List(const std::string& token, const v1::ListTasksRequest& request,
                    v1::ListTasksResponse* out) {
    auto ctx = TestApp::Context(token);
    return tasks_->ListTasks(ctx.get(), request, out);
  }

  std::vector<std::string> ListNames(const std::string& token, v1::ListTasksRequest request) {
    v1::ListTasksResponse out;
    grpc::Status s = List(token, request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const v1::Task& t : out.tasks()) names.push_back(t.name());
    return names;
  }

  grpc::Status Acknowledge(const std::string& token, const v1::Task& task, v1::Task* out,
                           const std::string& request_id = "") {
    v1::AcknowledgeTaskRequest request;
    request.set_name(task.name());
    request.set_etag(task.etag());
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return tasks_->AcknowledgeTask(ctx.get(), request, out);
  }

  grpc::Status Submit(const std::string& token, const v1::Task& task, v1::Task* out) {
    v1::SubmitRectificationRequest request;
    request.set_name(task.name());
    request.set_etag(task.etag());
    request.mutable_rectification()->set_report("已更换脱硫塔喷淋层并恢复运行，附整改前后照片。");
    request.mutable_rectification()->add_evidence("evidence/2026-001");
    auto ctx = TestApp::Context(token);
    return tasks_->SubmitRectification(ctx.get(), request, out);
  }

  // A re-inspection dated today (Asia/Shanghai) by the caller and `officers`.
  grpc::Status Reinspect(const std::string& token, const v1::Task& task,
                         v1::Reinspection::Kind kind, v1::Reinspection::Outcome outcome,
                         const std::vector<std::string>& officers, v1::Task* out,
                         int new_deadline_days = 0, bool working_days = false) {
    v1::RecordReinspectionRequest request;
    request.set_name(task.name());
    request.set_etag(task.etag());
    v1::Reinspection* r = request.mutable_reinspection();
    r->set_kind(kind);
    r->set_outcome(outcome);
    for (const std::string& o : officers) r->add_officers(o);
    *r->mutable_date() = api::ToDate(common::RegulatoryDay(app_->clock().Now()));
    r->set_findings("现场检查脱硫设施运行情况");
    if (new_deadline_days > 0) {
      request.mutable_new_deadline()->set_days(new_deadline_days);
      request.mutable_new_deadline()->set_working_days(working_days);
    }
    auto ctx = TestApp::Context(token);
    return tasks_->RecordReinspection(ctx.get(), request, out);
  }

  // Issue -> acknowledge -> submit, as officer A and the plant.
  v1::Task Submitted(const std::string& source) {
    v1::Task t = IssuePlantTask(source);
    v1::Task acked, submitted;
    grpc::Status s = Acknowledge(plant_, t, &acked);
    EXPECT_TRUE(s.ok()) << s.error_message();
    s = Submit(plant_, acked, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return submitted;
  }

  grpc::Status RequestExtension(const std::string& token, const v1::Task& task, int days,
                                v1::Task* out) {
    v1::RequestExtensionRequest request;
    request.set_name(task.name());
    request.set_etag(task.etag());
    request.mutable_extension()->set_reason("脱硫塔配件采购周期较长");
    request.mutable_extension()->mutable_extra()->set_days(days);
    auto ctx = TestApp::Context(token);
    return tasks_->RequestExtension(ctx.get(), request, out);
  }

  grpc::Status Decide(const std::string& token, const v1::Task& task, bool grant, v1::Task* out) {
    v1::DecideExtensionRequest request;
    request.set_name(task.name());
    request.set_etag(task.etag());
    request.set_grant(grant);
    request.set_note(grant ? "同意延期" : "不予延期");
    auto ctx = TestApp::Context(token);
    return tasks_->DecideExtension(ctx.get(), request, out);
  }

  grpc::Status PermitStatus(const std::string& token, const std::string& uscc,
                            v1::PermitStatus* out) {
    v1::GetPermitStatusRequest request;
    request.set_enterprise(absl::StrCat("enterprises/", uscc));
    auto ctx = TestApp::Context(token);
    return permits_->GetPermitStatus(ctx.get(), request, out);
  }

  // Runs the overdue sweep's work now, per the FakeClock.
  int MarkOverdue() {
    storage::mysql::ConnectionPool pool(app_->schema().options());
    storage::mysql::MysqlMutationRunner runner(pool, app_->clock());
    storage::mysql::MysqlTaskRepository repository(pool);
    storage::mysql::MysqlAlertRepository alerts(pool);
    api::TaskOverdueSweep sweep(repository, runner, app_->clock(), alerts);
    auto marked = sweep.MarkOverdue();
    EXPECT_TRUE(marked.ok()) << marked.status();
    return marked.value_or(-1);
  }

  int64_t AuditCount(const std::string& resource, const std::string& action = "") {
    return app_->schema().QueryInt(
        absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE resource = '", resource, "'",
                     action.empty() ? "" : absl::StrCat(" AND action = '", action, "'")));
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::EnterpriseService::Stub> registry_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::PermitService::Stub> permits_;
  std::string admin_, officer_a_, officer_b_, officer_c_, supervisor_, plant_, other_, integration_;
};

// --- Lifecycle -------------------------------------------------------------------------------

TEST_F(TaskTest, IssuedAcknowledgedSubmittedAndVerifiedOnSite) {
  v1::Task issued;
  v1::Task request = NewTask(kPlant, "incidents/1", 10);
  request.set_outlet(absl::StrCat("enterprises/", kPlant, "/outlets/DA001"));
  grpc::Status s = Issue(officer_a_, request, &issued);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(issued.state(), v1::Task::ISSUED);
  EXPECT_EQ(issued.enterprise(), absl::StrCat("enterprises/", kPlant));
  EXPECT_EQ(issued.outlet(), request.outlet());
  EXPECT_EQ(issued.issued_by(), "users/off.a");
  // Ten calendar days from Monday 2026-03-02, the issue day not counted: Thursday 03-12.
  EXPECT_EQ(DateText(issued.due_date()), "2026-3-12");
  EXPECT_FALSE(issued.overdue());
  EXPECT_FALSE(issued.refused());
  EXPECT_EQ(issued.etag(), "v1");

  v1::Task acked, again;
  s = Acknowledge(plant_, issued, &acked, "ack-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(acked.state(), v1::Task::ACKNOWLEDGED);
  // The same request_id again is answered from the first response, not applied twice.
  s = Acknowledge(plant_, issued, &again, "ack-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.etag(), acked.etag());
  // A stale etag is refused.
  EXPECT_EQ(Acknowledge(plant_, issued, &again).error_code(), grpc::StatusCode::ABORTED);

  v1::Task submitted;
  s = Submit(plant_, acked, &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(submitted.state(), v1::Task::SUBMITTED);
  EXPECT_EQ(submitted.rectification().submitted_by(), "users/ent.plant");
  EXPECT_THAT(submitted.rectification().evidence(), ElementsAre("evidence/2026-001"));

  v1::Task verified;
  s = Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                {"users/off.b"}, &verified);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(verified.state(), v1::Task::VERIFIED);
  EXPECT_FALSE(verified.refused());
  ASSERT_EQ(verified.reinspections_size(), 1);
  EXPECT_THAT(verified.reinspections(0).officers(), ElementsAre("users/off.a", "users/off.b"));

  // What the enterprise reads is what the officer wrote.
  v1::Task read;
  ASSERT_TRUE(Get(plant_, issued.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::Task::VERIFIED);
  EXPECT_EQ(read.etag(), verified.etag());
  EXPECT_EQ(AuditCount(issued.name()), 4);
  EXPECT_EQ(AuditCount(issued.name(), "RecordReinspection"), 1);
  // Each step is on the alert feed once (the retried acknowledgement is not), in order.
  EXPECT_EQ(app_->schema().QueryString(absl::StrCat(
                "SELECT GROUP_CONCAT(kind ORDER BY seq) FROM alert_event WHERE resource = '",
                issued.name(), "'")),
            "TASK_ISSUED,TASK_CHANGED,TASK_CHANGED,TASK_CHANGED");
  EXPECT_THAT(app_->schema().QueryString(absl::StrCat(
                  "SELECT title FROM alert_event WHERE resource = '", issued.name(),
                  "' ORDER BY seq DESC LIMIT 1")),
              ::testing::HasSubstr("【复查通过】"));
  // Closed: nothing more to re-inspect or cancel.
  v1::Task out;
  v1::CancelTaskRequest cancel;
  cancel.set_name(issued.name());
  cancel.set_reason("误发");
  auto ctx = TestApp::Context(officer_a_);
  EXPECT_EQ(tasks_->CancelTask(ctx.get(), cancel, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(TaskTest, NotCorrectedMarksRefusedAndReopensUntilASecondRoundIsCorrected) {
  v1::Task submitted = Submitted("incidents/2");
  v1::Task out;
  // Not corrected needs a new period.
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::NON_SITE,
                      v1::Reinspection::NOT_CORRECTED, {}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::Task reopened;
  grpc::Status s = Reinspect(officer_a_, submitted, v1::Reinspection::NON_SITE,
                             v1::Reinspection::NOT_CORRECTED, {}, &reopened, 5,
                             /*working_days=*/true);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reopened.state(), v1::Task::ISSUED);
  EXPECT_TRUE(reopened.refused());
  EXPECT_FALSE(reopened.state_reason().empty());
  // Five working days from Monday 03-02: Monday 03-09.
  EXPECT_EQ(DateText(reopened.due_date()), "2026-3-9");
  EXPECT_TRUE(reopened.deadline().working_days());

  v1::Task acked, resubmitted, verified;
  ASSERT_TRUE(Acknowledge(plant_, reopened, &acked).ok());
  ASSERT_TRUE(Submit(plant_, acked, &resubmitted).ok());
  s = Reinspect(officer_b_, resubmitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                {"off.a"}, &verified);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(verified.state(), v1::Task::VERIFIED);
  EXPECT_TRUE(verified.refused());  // The refusal stays on record for the case.
  ASSERT_EQ(verified.reinspections_size(), 2);
  EXPECT_EQ(verified.reinspections(0).outcome(), v1::Reinspection::NOT_CORRECTED);
  EXPECT_EQ(verified.reinspections(1).outcome(), v1::Reinspection::CORRECTED);
}

TEST_F(TaskTest, ObstructedCovertReinspectionMarksRefused) {
  // 暗查 needs no notice: possible while the task is still ISSUED.
  v1::Task issued = IssuePlantTask("incidents/3");
  v1::Task out;
  grpc::Status s = Reinspect(officer_a_, issued, v1::Reinspection::COVERT,
                             v1::Reinspection::OBSTRUCTED, {}, &out, 3);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.state(), v1::Task::ISSUED);
  EXPECT_TRUE(out.refused());
  ASSERT_EQ(out.reinspections_size(), 1);
  EXPECT_EQ(out.reinspections(0).kind(), v1::Reinspection::COVERT);
  EXPECT_EQ(out.reinspections(0).outcome(), v1::Reinspection::OBSTRUCTED);
  // An announced re-inspection of a task not yet acknowledged is out of order.
  EXPECT_EQ(
      Reinspect(officer_a_, out, v1::Reinspection::NON_SITE, v1::Reinspection::CORRECTED, {}, &out)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(TaskTest, ReinspectionOfficersAreCheckedAndOnSiteNeedsTwo) {
  v1::Task submitted = Submitted("incidents/4");
  v1::Task out;
  // The caller alone, named or not, is one officer.
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                      {}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                      {"users/off.a"}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Named officers must be OFFICER accounts that exist.
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                      {"users/nobody"}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                      {"users/sup"}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reinspect(officer_a_, submitted, v1::Reinspection::ON_SITE, v1::Reinspection::CORRECTED,
                      {"users/Not Valid"}, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::Task read;
  ASSERT_TRUE(Get(officer_a_, submitted.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::Task::SUBMITTED);
  EXPECT_EQ(read.etag(), submitted.etag());
  EXPECT_EQ(AuditCount(submitted.name(), "RecordReinspection"), 0);
}

TEST_F(TaskTest, RejectRectificationSendsTheReportBackWithANewDeadline) {
  v1::Task issued = IssuePlantTask("incidents/5");
  v1::RejectRectificationRequest reject;
  reject.set_name(issued.name());
  reject.set_reason("整改报告未附在线监测数据");
  reject.mutable_new_deadline()->set_days(7);
  v1::Task out;
  {
    auto ctx = TestApp::Context(officer_a_);
    EXPECT_EQ(tasks_->RejectRectification(ctx.get(), reject, &out).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);  // Nothing submitted yet.
  }
  v1::Task acked, submitted;
  ASSERT_TRUE(Acknowledge(plant_, issued, &acked).ok());
  ASSERT_TRUE(Submit(plant_, acked, &submitted).ok());
  app_->clock().Advance(absl::Hours(24));  // Tuesday 03-03.
  SignIn();
  reject.set_etag(submitted.etag());
  reject.clear_new_deadline();
  {
    auto ctx = TestApp::Context(officer_a_);
    EXPECT_EQ(tasks_->RejectRectification(ctx.get(), reject, &out).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  reject.mutable_new_deadline()->set_days(7);
  auto ctx = TestApp::Context(officer_a_);
  grpc::Status s = tasks_->RejectRectification(ctx.get(), reject, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.state(), v1::Task::ISSUED);
  EXPECT_EQ(out.state_reason(), "整改报告未附在线监测数据");
  EXPECT_FALSE(out.refused());
  EXPECT_EQ(DateText(out.due_date()), "2026-3-10");  // Seven days from 03-03.
  EXPECT_EQ(out.rectification().report(), submitted.rectification().report());
}

TEST_F(TaskTest, AGrantedExtensionMovesTheDueDateAndARefusedOneDoesNot) {
  v1::Task issued = IssuePlantTask("incidents/6");  // Due 03-12.
  v1::Task pending;
  grpc::Status s = RequestExtension(plant_, issued, 5, &pending);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(pending.extension().state(), v1::Extension::PENDING);
  EXPECT_EQ(pending.extension().requested_by(), "users/ent.plant");
  EXPECT_EQ(DateText(pending.due_date()), "2026-3-12");
  v1::Task out;
  // One pending request at a time.
  EXPECT_EQ(RequestExtension(plant_, pending, 3, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Only a supervisor decides.
  EXPECT_EQ(Decide(officer_a_, pending, true, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::Task granted;
  s = Decide(supervisor_, pending, true, &granted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(granted.extension().state(), v1::Extension::GRANTED);
  EXPECT_EQ(granted.extension().decided_by(), "users/sup");
  EXPECT_EQ(DateText(granted.due_date()), "2026-3-17");  // Five more days from 03-12.

  v1::Task second, refused;
  ASSERT_TRUE(RequestExtension(plant_, granted, 10, &second).ok());
  s = Decide(supervisor_, second, false, &refused);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(refused.extension().state(), v1::Extension::REFUSED);
  EXPECT_EQ(DateText(refused.due_date()), "2026-3-17");
  // Nothing left to decide.
  EXPECT_EQ(Decide(supervisor_, refused, true, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// --- Clocks ----------------------------------------------------------------------------------

TEST_F(TaskTest, OverdueByTheClockAcrossMayDayAndTheSweepAuditsItOnce) {
  // Wednesday 2026-04-29; 劳动节 is 05-01..05-05. Three working days: 04-30, 05-06, 05-07.
  app_->clock().Set(Shanghai(2026, 4, 29, 10));
  SignIn();
  v1::Task issued = IssuePlantTask("incidents/7", 3, /*working=*/true);
  EXPECT_EQ(DateText(issued.due_date()), "2026-5-7");
  EXPECT_FALSE(issued.due_provisional());
  v1::ListTasksRequest overdue;
  overdue.set_overdue_only(true);
  v1::ListTasksRequest due_soon;
  due_soon.set_due_within_days(3);

  // In the middle of the holiday: not overdue, and not due within three days either.
  app_->clock().Set(Shanghai(2026, 5, 3, 12));
  SignIn();
  v1::Task read;
  ASSERT_TRUE(Get(plant_, issued.name(), &read).ok());
  EXPECT_FALSE(read.overdue());
  EXPECT_THAT(ListNames(officer_a_, overdue), IsEmpty());
  EXPECT_THAT(ListNames(officer_a_, due_soon), IsEmpty());
  EXPECT_EQ(MarkOverdue(), 0);

  // The last day itself: due soon, still not overdue.
  app_->clock().Set(Shanghai(2026, 5, 7, 23, 59));
  SignIn();
  ASSERT_TRUE(Get(plant_, issued.name(), &read).ok());
  EXPECT_FALSE(read.overdue());
  EXPECT_THAT(ListNames(officer_a_, due_soon), ElementsAre(issued.name()));
  EXPECT_EQ(MarkOverdue(), 0);

  // After the third working day.
  app_->clock().Set(Shanghai(2026, 5, 8, 0, 1));
  SignIn();
  ASSERT_TRUE(Get(plant_, issued.name(), &read).ok());
  EXPECT_TRUE(read.overdue());
  EXPECT_EQ(read.etag(), issued.etag());
  EXPECT_THAT(ListNames(officer_a_, overdue), ElementsAre(issued.name()));
  EXPECT_THAT(ListNames(plant_, overdue), ElementsAre(issued.name()));
  EXPECT_THAT(ListNames(officer_c_, overdue), IsEmpty());  // Another district.
  EXPECT_EQ(MarkOverdue(), 1);
  EXPECT_EQ(MarkOverdue(), 0);
  EXPECT_EQ(AuditCount(issued.name(), "MarkTaskOverdue"), 1);
  EXPECT_EQ(app_->schema().QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM alert_event WHERE kind = 'TASK_OVERDUE' AND resource = '",
                issued.name(), "'")),
            1);
  // Marking changed nothing the enterprise holds: its etag still works.
  ASSERT_TRUE(Get(plant_, issued.name(), &read).ok());
  EXPECT_EQ(read.etag(), issued.etag());
  v1::Task acked;
  ASSERT_TRUE(Acknowledge(plant_, read, &acked).ok());
  EXPECT_TRUE(acked.overdue());
}

TEST_F(TaskTest, GetPermitStatusCountsOpenAndOverdueTasks) {
  v1::PermitStatus status;
  ASSERT_TRUE(PermitStatus(plant_, kPlant, &status).ok());
  EXPECT_EQ(status.open_tasks(), 0);
  EXPECT_EQ(status.overdue_tasks(), 0);

  IssuePlantTask("incidents/8", 2);   // Due 03-04.
  IssuePlantTask("incidents/9", 30);  // Due 04-01.
  v1::Task closed = IssuePlantTask("incidents/10", 2);
  v1::CancelTaskRequest cancel;
  cancel.set_name(closed.name());
  cancel.set_reason("超标数据经核实为设备故障");
  v1::Task out;
  auto ctx = TestApp::Context(supervisor_);
  ASSERT_TRUE(tasks_->CancelTask(ctx.get(), cancel, &out).ok());
  EXPECT_EQ(out.state(), v1::Task::CANCELLED);

  app_->clock().Set(Shanghai(2026, 3, 10, 9));
  SignIn();
  ASSERT_TRUE(PermitStatus(supervisor_, kPlant, &status).ok());
  EXPECT_EQ(status.open_tasks(), 2);
  EXPECT_EQ(status.overdue_tasks(), 1);
  ASSERT_TRUE(PermitStatus(plant_, kPlant, &status).ok());
  EXPECT_EQ(status.open_tasks(), 2);
  ASSERT_TRUE(PermitStatus(admin_, kOther, &status).ok());
  EXPECT_EQ(status.open_tasks(), 0);
}

// --- Issuing ---------------------------------------------------------------------------------

TEST_F(TaskTest, IssuingTwiceFromTheSameSourceMakesOneTask) {
  v1::Task first, second, third;
  ASSERT_TRUE(Issue(officer_a_, NewTask(kPlant, "incidents/11", 10), &first, "r-1").ok());
  grpc::Status s = Issue(integration_, NewTask(kPlant, "incidents/11", 10), &second, "r-2");
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = Issue(officer_b_, NewTask(kPlant, "incidents/11", 20), &third);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(third.name(), first.name());
  EXPECT_EQ(third.issued_by(), "users/off.a");
  EXPECT_EQ(AuditCount(first.name(), "IssueTask"), 1);
  // Another kind of finding with the same number is another source.
  v1::Task complaint = NewTask(kPlant, "incidents/11", 10);
  complaint.set_source_kind(v1::Task::COMPLAINT);
  v1::Task fourth;
  ASSERT_TRUE(Issue(officer_a_, complaint, &fourth).ok());
  EXPECT_NE(fourth.name(), first.name());
  // The same finding cannot be another enterprise's.
  v1::Task out;
  EXPECT_EQ(Issue(supervisor_, NewTask(kOther, "incidents/11", 10), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListTasksRequest mine;
  mine.set_enterprise(absl::StrCat("enterprises/", kPlant));
  EXPECT_EQ(ListNames(supervisor_, mine).size(), 2u);
}

TEST_F(TaskTest, IssueRequestsAreValidated) {
  v1::Task out;
  v1::Task bad = NewTask(kPlant, "incidents/12", 0);
  EXPECT_EQ(Issue(officer_a_, bad, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = NewTask(kPlant, "incidents/12", 10);
  bad.clear_required_actions();
  EXPECT_EQ(Issue(officer_a_, bad, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = NewTask(kPlant, "", 10);
  EXPECT_EQ(Issue(officer_a_, bad, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad = NewTask(kPlant, "incidents/12", 10);
  bad.set_outlet(absl::StrCat("enterprises/", kOther, "/outlets/DA001"));
  EXPECT_EQ(Issue(officer_a_, bad, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // An enterprise outside the officer's districts is not there for them.
  EXPECT_EQ(Issue(officer_a_, NewTask(kOther, "incidents/12", 10), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Enterprises do not issue tasks.
  EXPECT_EQ(Issue(plant_, NewTask(kPlant, "incidents/12", 10), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// --- Scope -----------------------------------------------------------------------------------

TEST_F(TaskTest, OthersCannotReadOrActOnATask) {
  v1::Task issued = IssuePlantTask("incidents/13");
  v1::Task out;
  // Another enterprise.
  EXPECT_EQ(Get(other_, issued.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Acknowledge(other_, issued, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(RequestExtension(other_, issued, 5, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListNames(other_, v1::ListTasksRequest()), IsEmpty());
  // An officer of another district.
  EXPECT_EQ(Get(officer_c_, issued.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      Reinspect(officer_c_, issued, v1::Reinspection::COVERT, v1::Reinspection::CORRECTED, {}, &out)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListNames(officer_c_, v1::ListTasksRequest()), IsEmpty());
  // The plant and the district see it; officers cannot acknowledge for the enterprise.
  EXPECT_THAT(ListNames(plant_, v1::ListTasksRequest()), ElementsAre(issued.name()));
  EXPECT_THAT(ListNames(officer_b_, v1::ListTasksRequest()), ElementsAre(issued.name()));
  EXPECT_EQ(Acknowledge(officer_a_, issued, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(plant_, "tasks/999999", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(plant_, "tasks/x", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(AuditCount(issued.name()), 1);
}

TEST_F(TaskTest, ListsFilterByStateAndDistrictAndPaginate) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    names.push_back(IssuePlantTask(absl::StrCat("inspections/", i)).name());
    app_->clock().Advance(absl::Minutes(1));
  }
  v1::Task acked;
  v1::Task first;
  ASSERT_TRUE(Get(plant_, names[0], &first).ok());
  ASSERT_TRUE(Acknowledge(plant_, first, &acked).ok());
  v1::ListTasksRequest by_state;
  by_state.set_state(v1::Task::ACKNOWLEDGED);
  EXPECT_THAT(ListNames(officer_a_, by_state), ElementsAre(names[0]));
  v1::ListTasksRequest elsewhere;
  elsewhere.set_district_code("410803");
  EXPECT_THAT(ListNames(supervisor_, elsewhere), IsEmpty());

  // Newest first, two at a time.
  std::vector<std::string> seen;
  v1::ListTasksRequest paged;
  paged.set_page_size(2);
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListTasksResponse page;
    ASSERT_TRUE(List(supervisor_, paged, &page).ok());
    for (const v1::Task& t : page.tasks()) seen.push_back(t.name());
    if (page.next_page_token().empty()) break;
    paged.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre(names[4], names[3], names[2], names[1], names[0]));
  // A token is for its own query only.
  paged.set_state(v1::Task::ISSUED);
  v1::ListTasksResponse page;
  EXPECT_EQ(List(supervisor_, paged, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListTasksRequest bad;
  bad.set_due_within_days(-1);
  EXPECT_EQ(List(supervisor_, bad, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// --- Concurrency -----------------------------------------------------------------------------

TEST_F(TaskTest, TwoOfficersVerifyingWithTheSameEtagOneWins) {
  v1::Task submitted = Submitted("incidents/14");
  grpc::Status results[2];
  v1::Task outs[2];
  const std::string tokens[2] = {officer_a_, officer_b_};
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      results[i] = Reinspect(tokens[i], submitted, v1::Reinspection::NON_SITE,
                             v1::Reinspection::CORRECTED, {}, &outs[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0, aborted = 0;
  for (const grpc::Status& s : results) {
    ok += s.ok() ? 1 : 0;
    aborted += s.error_code() == grpc::StatusCode::ABORTED ? 1 : 0;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(aborted, 1);
  v1::Task read;
  ASSERT_TRUE(Get(officer_a_, submitted.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::Task::VERIFIED);
  EXPECT_EQ(read.reinspections_size(), 1);
  EXPECT_EQ(AuditCount(submitted.name(), "RecordReinspection"), 1);
}

// The sweep is registered in the Application: with a short tick it marks an overdue task
// by itself, once.
TEST(TaskSweepTest, TheRegisteredSweepMarksOverdueTasksOnce) {
  auto app = TestApp::Start(
      "tasksweep", [](app::ApplicationOptions& o) { o.sweep_tick = absl::Milliseconds(100); });
  ASSERT_NE(app, nullptr);
  auto tasks = v1::TaskService::NewStub(app->channel());
  app->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
  std::string officer = app->CreateUserAndLogin("off.sweep", v1::ROLE_OFFICER, {"410802"});
  v1::IssueTaskRequest issue;
  *issue.mutable_task() = NewTask(kPlant, "incidents/sweep", 1);
  v1::Task issued;
  auto ctx = TestApp::Context(officer);
  ASSERT_TRUE(tasks->IssueTask(ctx.get(), issue, &issued).ok());

  const std::string count_sql = absl::StrCat(
      "SELECT COUNT(*) FROM audit_log WHERE action = 'MarkTaskOverdue' AND resource = '",
      issued.name(), "'");
  app->clock().Set(Shanghai(2026, 3, 4, 0, 30));  // Due at the end of 03-03.
  int64_t marked = 0;
  for (int i = 0; i < 200 && marked == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    marked = app->schema().QueryInt(count_sql);
  }
  EXPECT_EQ(marked, 1);
  // Later runs of the sweep leave it alone.
  app->clock().Advance(absl::Minutes(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(app->schema().QueryInt(count_sql), 1);
}

}  // namespace
}  // namespace ecocase
