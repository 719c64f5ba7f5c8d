// ComplaintService against the real database through the real Application: the whole
// lifecycle with a rectification task from verified findings, the not-accepted path, a
// reopen after 不满意, merging with a reply to every reporter, a 12345 order imported
// twice, repeat reports, deadlines across the National Day holiday and its adjusted
// Saturday, overdue lists by the injected clock, anonymous complaints, and the reporter's
// protection: masked for staff, clear only through the audited RevealReporter, never for
// an enterprise, never plaintext in the database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "api/complaint_overdue_sweep.h"
#include "api/proto_convert.h"
#include "ecocase/v1/alert.grpc.pb.h"
#include "ecocase/v1/complaint.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "security/field_cipher.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/mysql_complaint_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kPlant = ValidUscc("91410802MA3T00001");  // 解放区 410802
constexpr char kPhone[] = "13912345678";
constexpr char kName[] = "王小明";

absl::Time Shanghai(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::FixedTimeZone(8 * 3600));
}

std::string DateText(const google::type::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

std::string Password(const std::string& username) { return absl::StrCat("password-", username); }

v1::Complaint NewComplaint(const std::string& phone, const std::string& name = kName) {
  v1::Complaint c;
  c.set_channel(v1::HOTLINE_12369_PHONE);
  c.mutable_reporter()->set_name(name);
  c.mutable_reporter()->set_phone(phone);
  c.mutable_location()->set_address("焦作市解放区民主路与建设路交叉口东200米");
  c.mutable_location()->set_district_code("410802");
  c.mutable_location()->mutable_lat_lng()->set_latitude(35.2406);
  c.mutable_location()->mutable_lat_lng()->set_longitude(113.2418);
  c.set_category(v1::AIR);
  c.set_urgency(v1::NORMAL);
  c.set_description("热电厂烟囱夜间冒黑烟，附近居民闻到刺鼻气味");
  c.set_enterprise(absl::StrCat("enterprises/", kPlant));
  return c;
}

class ComplaintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cipher = security::FieldCipher::FromKeyText(security::FieldCipher::NewKeyText());
    ASSERT_TRUE(cipher.ok());
    cipher_ = std::make_shared<const security::FieldCipher>(*cipher);
    // The background sweeps stay out of the way; tests run the overdue sweep themselves.
    app_ = TestApp::Start("complaint", [this](app::ApplicationOptions& o) {
      o.sweep_tick = absl::Minutes(9);
      o.field_cipher = cipher_;
    });
    ASSERT_NE(app_, nullptr);
    alerts_ = v1::AlertService::NewStub(app_->channel());
    complaints_ = v1::ComplaintService::NewStub(app_->channel());
    tasks_ = v1::TaskService::NewStub(app_->channel());
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateUserAndLogin("hotline", v1::ROLE_HOTLINE_OPERATOR, {"410800"});
    app_->CreateUserAndLogin("off.a", v1::ROLE_OFFICER, {"410802"});
    app_->CreateUserAndLogin("off.far", v1::ROLE_OFFICER, {"410803"});
    app_->CreateUserAndLogin("sup", v1::ROLE_SUPERVISOR, {"410800"});
    app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    app_->CreateUserAndLogin("integ", v1::ROLE_INTEGRATION, {"410800"});
    SignIn();
  }

  void SignIn() {
    hotline_ = app_->Login("hotline", Password("hotline"));
    officer_ = app_->Login("off.a", Password("off.a"));
    far_officer_ = app_->Login("off.far", Password("off.far"));
    supervisor_ = app_->Login("sup", Password("sup"));
    plant_ = app_->Login("ent.plant", Password("ent.plant"));
    integration_ = app_->Login("integ", Password("integ"));
  }

  grpc::Status Create(const std::string& token, const v1::Complaint& complaint, v1::Complaint* out,
                      const std::string& request_id = "") {
    v1::CreateComplaintRequest request;
    *request.mutable_complaint() = complaint;
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return complaints_->CreateComplaint(ctx.get(), request, out);
  }

  v1::Complaint MustCreate(const v1::Complaint& complaint) {
    v1::Complaint out;
    grpc::Status s = Create(hotline_, complaint, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::Complaint* out) {
    v1::GetComplaintRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return complaints_->GetComplaint(ctx.get(), request, out);
  }

  // Each step returns the complaint after it; a failed step fails the test.
  template <typename Request, typename Method>
  grpc::Status Step(const std::string& token, Method method, Request request, v1::Complaint* out) {
    auto ctx = TestApp::Context(token);
    return (complaints_.get()->*method)(ctx.get(), request, out);
  }

  v1::Complaint Accept(const std::string& name) {
    v1::AcceptComplaintRequest r;
    r.set_name(name);
    v1::Complaint out;
    grpc::Status s = Step(hotline_, &v1::ComplaintService::Stub::AcceptComplaint, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Complaint Dispatch(const std::string& name) {
    v1::DispatchComplaintRequest r;
    r.set_name(name);
    r.mutable_assignment()->set_district_code("410802");
    r.mutable_assignment()->set_team("解放区大气执法中队");
    r.mutable_assignment()->set_officer("users/off.a");
    v1::Complaint out;
    grpc::Status s = Step(hotline_, &v1::ComplaintService::Stub::DispatchComplaint, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Findings(const std::string& name, v1::Findings::Outcome outcome,
                        v1::Complaint* out) {
    v1::RecordFindingsRequest r;
    r.set_name(name);
    r.mutable_findings()->set_outcome(outcome);
    r.mutable_findings()->set_text("现场检查发现脱硫设施停运，烟气未经处理直排");
    return Step(officer_, &v1::ComplaintService::Stub::RecordFindings, r, out);
  }

  grpc::Status Reply(const std::string& name, const std::string& text, v1::Complaint* out) {
    v1::ReplyComplaintRequest r;
    r.set_name(name);
    r.set_text(text);
    return Step(hotline_, &v1::ComplaintService::Stub::ReplyComplaint, r, out);
  }

  grpc::Status Revisit(const std::string& name, v1::Satisfaction satisfaction, v1::Complaint* out,
                       const std::string& of = "", bool handling = false) {
    v1::RecordRevisitRequest r;
    r.set_name(name);
    r.mutable_revisit()->set_complaint(of);
    r.mutable_revisit()->set_satisfaction(satisfaction);
    r.mutable_revisit()->set_handling_reason(handling);
    return Step(hotline_, &v1::ComplaintService::Stub::RecordRevisit, r, out);
  }

  grpc::Status Close(const std::string& name, v1::Complaint* out) {
    v1::CloseComplaintRequest r;
    r.set_name(name);
    return Step(hotline_, &v1::ComplaintService::Stub::CloseComplaint, r, out);
  }

  v1::ListComplaintsResponse List(const std::string& token, v1::ListComplaintsRequest request) {
    v1::ListComplaintsResponse out;
    auto ctx = TestApp::Context(token);
    grpc::Status s = complaints_->ListComplaints(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Runs the overdue sweep's work now, per the FakeClock; returns the clocks reported.
  int ReportOverdue() {
    storage::mysql::ConnectionPool pool(app_->schema().options());
    storage::mysql::MysqlMutationRunner runner(pool, app_->clock());
    storage::mysql::MysqlComplaintRepository repository(pool, cipher_.get());
    storage::mysql::MysqlAlertRepository alerts(pool);
    api::ComplaintOverdueSweep sweep(repository, runner, alerts, app_->clock());
    auto reported = sweep.ReportOverdue();
    EXPECT_TRUE(reported.ok()) << reported.status();
    return reported.value_or(-1);
  }

  // The kinds of the alerts `token` can read, oldest first.
  std::vector<std::string> AlertKinds(const std::string& token) {
    v1::ListAlertsResponse out;
    auto ctx = TestApp::Context(token);
    grpc::Status s = alerts_->ListAlerts(ctx.get(), {}, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> kinds;
    for (const v1::Alert& a : out.alerts()) {
      EXPECT_TRUE(a.enterprise().empty()) << a.DebugString();
      EXPECT_THAT(a.title(), Not(HasSubstr(kName)));
      kinds.push_back(a.kind());
    }
    return kinds;
  }

  std::shared_ptr<const security::FieldCipher> cipher_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::ComplaintService::Stub> complaints_;
  std::unique_ptr<v1::AlertService::Stub> alerts_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::string hotline_, officer_, far_officer_, supervisor_, plant_, integration_;
};

TEST_F(ComplaintTest, FullLifecycleIssuesATaskAndFlagsACaseClue) {
  v1::Complaint c = MustCreate(NewComplaint(kPhone));
  EXPECT_EQ(c.state(), v1::Complaint::RECEIVED);
  EXPECT_EQ(c.state_label(), "登记");
  EXPECT_TRUE(c.deadlines().has_acceptance_due());
  EXPECT_TRUE(c.deadlines().closure_awaits_acceptance());
  c = Accept(c.name());
  EXPECT_EQ(c.state(), v1::Complaint::ACCEPTED);
  EXPECT_FALSE(c.deadlines().closure_awaits_acceptance());
  // 12369: closure within 60 days of acceptance (2026-03-02 -> end of 2026-05-01).
  EXPECT_EQ(DateText(c.deadlines().closure_due_date()), "2026-5-1");
  c = Dispatch(c.name());
  EXPECT_EQ(c.state(), v1::Complaint::DISPATCHED);
  EXPECT_EQ(c.assignment().officer(), "users/off.a");

  // The officer's queue holds it.
  v1::ListComplaintsRequest mine;
  mine.set_assigned_officer("users/me");
  EXPECT_EQ(List(officer_, mine).complaints_size(), 1);

  v1::Complaint out;
  ASSERT_TRUE(Findings(c.name(), v1::Findings::VERIFIED, &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::FINDINGS_RECORDED);
  EXPECT_TRUE(out.case_clue());
  ASSERT_EQ(out.findings_size(), 1);
  ASSERT_EQ(out.findings(0).links_size(), 1);
  const std::string task_name = out.findings(0).links(0);
  EXPECT_THAT(task_name, HasSubstr("tasks/"));
  // The task points back at the complaint and says nothing of the reporter.
  v1::GetTaskRequest get_task;
  get_task.set_name(task_name);
  v1::Task task;
  auto ctx = TestApp::Context(plant_);
  ASSERT_TRUE(tasks_->GetTask(ctx.get(), get_task, &task).ok());
  EXPECT_EQ(task.source_kind(), v1::Task::COMPLAINT);
  EXPECT_EQ(task.source(), c.name());
  EXPECT_THAT(task.DebugString(), Not(HasSubstr(kPhone)));
  EXPECT_THAT(task.DebugString(), Not(HasSubstr(kName)));
  // The enterprise hears of its task on the feed, and of nothing else of the complaint.
  v1::ListAlertsResponse plant_alerts;
  auto alerts_ctx = TestApp::Context(plant_);
  ASSERT_TRUE(alerts_->ListAlerts(alerts_ctx.get(), {}, &plant_alerts).ok());
  ASSERT_EQ(plant_alerts.alerts_size(), 1);
  EXPECT_EQ(plant_alerts.alerts(0).kind(), "TASK_ISSUED");
  EXPECT_EQ(plant_alerts.alerts(0).resource(), task_name);
  EXPECT_THAT(plant_alerts.DebugString(), Not(HasSubstr(kPhone)));

  // A reply quoting the reporter is refused; a public-safe one goes out.
  EXPECT_EQ(Reply(c.name(), absl::StrCat(kName, "您好，经查属实"), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Reply(c.name(), "您反映的问题经查属实，已责令企业限期整改。", &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::REPLIED);
  ASSERT_TRUE(Revisit(c.name(), v1::SATISFIED, &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::REVISITED);
  ASSERT_TRUE(Close(c.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::CLOSED);
  EXPECT_TRUE(out.has_close_time());

  // Clues are listed for the case work.
  v1::ListComplaintsRequest clues;
  clues.set_case_clue_only(true);
  EXPECT_EQ(List(supervisor_, clues).complaints_size(), 1);
}

TEST_F(ComplaintTest, ARerouteHandsItToAnotherDistrictsOfficerWithTheHistoryKept) {
  v1::Complaint c = Dispatch(Accept(MustCreate(NewComplaint(kPhone)).name()).name());
  v1::Complaint out;
  EXPECT_EQ(Get(far_officer_, c.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::RerouteComplaintRequest r;
  r.set_name(c.name());
  r.mutable_assignment()->set_district_code("410803");
  r.mutable_assignment()->set_officer("users/off.a");
  r.set_reason("排放源位于中站区");
  // The officer must work in the district it goes to.
  EXPECT_EQ(Step(hotline_, &v1::ComplaintService::Stub::RerouteComplaint, r, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  r.mutable_assignment()->set_officer("users/off.far");
  ASSERT_TRUE(Step(hotline_, &v1::ComplaintService::Stub::RerouteComplaint, r, &out).ok());
  ASSERT_EQ(out.routing_size(), 2);
  EXPECT_EQ(out.routing(1).from().officer(), "users/off.a");
  EXPECT_EQ(out.routing(1).to().officer(), "users/off.far");
  EXPECT_EQ(out.routing(1).reason(), "排放源位于中站区");
  // Now in the other district's queue, and its officer records the findings.
  v1::ListComplaintsRequest mine;
  mine.set_assigned_officer("users/me");
  EXPECT_EQ(List(far_officer_, mine).complaints_size(), 1);
  v1::RecordFindingsRequest findings;
  findings.set_name(c.name());
  findings.mutable_findings()->set_outcome(v1::Findings::NOT_VERIFIED);
  findings.mutable_findings()->set_text("现场未发现异常排放");
  ASSERT_TRUE(Step(far_officer_, &v1::ComplaintService::Stub::RecordFindings, findings, &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::FINDINGS_RECORDED);
}

TEST_F(ComplaintTest, NotAcceptedPathTellsTheAuthorityAndStopsTheClock) {
  v1::Complaint c = MustCreate(NewComplaint(kPhone));
  v1::RejectComplaintRequest r;
  r.set_name(c.name());
  r.set_ground(v1::Acceptance::OUTSIDE_REMIT);
  r.set_reason("反映的是邻居空调外机噪声，属社会生活噪声");
  r.set_authority("焦作市城市管理局");
  v1::Complaint out;
  ASSERT_TRUE(Step(hotline_, &v1::ComplaintService::Stub::RejectComplaint, r, &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::NOT_ACCEPTED);
  EXPECT_EQ(out.acceptance().authority(), "焦作市城市管理局");
  // Nothing further is possible.
  v1::AcceptComplaintRequest accept;
  accept.set_name(c.name());
  EXPECT_EQ(Step(hotline_, &v1::ComplaintService::Stub::AcceptComplaint, accept, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A closed complaint is never overdue, however late it is.
  app_->clock().Advance(absl::Hours(24 * 90));
  SignIn();
  v1::ListComplaintsRequest overdue;
  overdue.set_overdue_only(true);
  EXPECT_EQ(List(supervisor_, overdue).complaints_size(), 0);
}

TEST_F(ComplaintTest, DissatisfiedForAHandlingReasonReopensIt) {
  v1::Complaint c = Dispatch(Accept(MustCreate(NewComplaint(kPhone)).name()).name());
  v1::Complaint out;
  ASSERT_TRUE(Findings(c.name(), v1::Findings::NOT_VERIFIED, &out).ok());
  EXPECT_FALSE(out.case_clue());
  ASSERT_TRUE(Reply(c.name(), "经现场核查，未发现所反映问题。", &out).ok());
  ASSERT_TRUE(Revisit(c.name(), v1::DISSATISFIED, &out, "", /*handling=*/true).ok());
  EXPECT_EQ(out.state(), v1::Complaint::DISPATCHED);
  EXPECT_EQ(out.reopen_count(), 1);
  // The second round runs the same steps and closes.
  ASSERT_TRUE(Findings(c.name(), v1::Findings::PARTLY_VERIFIED, &out).ok());
  EXPECT_EQ(out.findings_size(), 2);
  ASSERT_TRUE(Reply(c.name(), "复查发现夜间存在部分异味排放，已责令整改。", &out).ok());
  ASSERT_TRUE(Revisit(c.name(), v1::BASICALLY_SATISFIED, &out).ok());
  ASSERT_TRUE(Close(c.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::CLOSED);
  EXPECT_EQ(out.revisits_size(), 2);
}

TEST_F(ComplaintTest, MergedComplaintsGetOneReplyEachAndEveryReporterIsRevisited) {
  v1::Complaint master = Accept(MustCreate(NewComplaint(kPhone)).name());
  v1::Complaint second = NewComplaint("13800001111", "李四");
  second.set_channel(v1::HOTLINE_12369_WECHAT);
  v1::Complaint duplicate = MustCreate(second);

  v1::SuggestDuplicatesRequest suggest;
  suggest.set_name(master.name());
  v1::SuggestDuplicatesResponse suggestions;
  auto ctx = TestApp::Context(hotline_);
  ASSERT_TRUE(complaints_->SuggestDuplicates(ctx.get(), suggest, &suggestions).ok());
  ASSERT_EQ(suggestions.suggestions_size(), 1);
  EXPECT_EQ(suggestions.suggestions(0).complaint(), duplicate.name());
  EXPECT_TRUE(suggestions.suggestions(0).same_enterprise());

  v1::MergeComplaintRequest merge;
  merge.set_name(master.name());
  merge.set_duplicate(duplicate.name());
  v1::Complaint out;
  ASSERT_TRUE(Step(hotline_, &v1::ComplaintService::Stub::MergeComplaint, merge, &out).ok());
  ASSERT_EQ(out.linked_size(), 1);
  EXPECT_EQ(out.linked(0).complaint(), duplicate.name());
  EXPECT_EQ(out.linked(0).reporter().phone(), "138****1111");
  v1::Complaint merged;
  ASSERT_TRUE(Get(hotline_, duplicate.name(), &merged).ok());
  EXPECT_EQ(merged.state(), v1::Complaint::MERGED);
  EXPECT_EQ(merged.master(), master.name());

  Dispatch(master.name());
  ASSERT_TRUE(Findings(master.name(), v1::Findings::VERIFIED, &out).ok());
  ASSERT_TRUE(Reply(master.name(), "经查属实，已责令企业整改。", &out).ok());
  ASSERT_EQ(out.replies_size(), 2);
  EXPECT_EQ(out.replies(0).to_complaint(), master.name());
  EXPECT_EQ(out.replies(1).to_complaint(), duplicate.name());
  ASSERT_TRUE(Revisit(master.name(), v1::SATISFIED, &out).ok());
  // The merged reporter is still to be asked.
  EXPECT_EQ(Close(master.name(), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Revisit(master.name(), v1::SATISFIED, &out, duplicate.name()).ok());
  ASSERT_TRUE(Close(master.name(), &out).ok());

  // The operator calls both back with the clear numbers; the reads are audited.
  v1::RevealReporterRequest reveal;
  reveal.set_name(master.name());
  reveal.set_purpose("回访");
  v1::ReporterContact contact;
  auto reveal_ctx = TestApp::Context(hotline_);
  ASSERT_TRUE(complaints_->RevealReporter(reveal_ctx.get(), reveal, &contact).ok());
  EXPECT_EQ(contact.phone(), kPhone);
  EXPECT_EQ(contact.name(), kName);
  ASSERT_EQ(contact.linked_size(), 1);
  EXPECT_EQ(contact.linked(0).phone(), "13800001111");
  EXPECT_EQ(app_->schema().QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'RevealReporter' AND resource = '",
                master.name(), "'")),
            1);
}

TEST_F(ComplaintTest, A12345OrderImportedTwiceIsOneComplaint) {
  v1::Complaint order = NewComplaint("0391-2345678");
  order.set_channel(v1::HOTLINE_12345_TRANSFER);
  order.set_external_order_number("JZ12345-20260302-0001");
  v1::Complaint first, second;
  ASSERT_TRUE(Create(integration_, order, &first, "import-a").ok());
  ASSERT_TRUE(Create(integration_, order, &second, "import-b").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(List(supervisor_, {}).complaints_size(), 1);
  // An integration account imports 12345 orders only.
  v1::Complaint phone_call = NewComplaint(kPhone);
  EXPECT_EQ(Create(integration_, phone_call, &first).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ComplaintTest, RetriedIntakeWithTheSameRequestIdRegistersOnce) {
  v1::Complaint first, second;
  ASSERT_TRUE(Create(hotline_, NewComplaint(kPhone), &first, "call-1").ok());
  ASSERT_TRUE(Create(hotline_, NewComplaint(kPhone), &second, "call-1").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(List(supervisor_, {}).complaints_size(), 1);
}

TEST_F(ComplaintTest, TheSameReporterOnAnAcceptedMatterIsLinkedNotReopened) {
  v1::Complaint first = Accept(MustCreate(NewComplaint(kPhone)).name());
  // The same number typed another way is the same reporter.
  v1::Complaint again = MustCreate(NewComplaint("+86 139-1234-5678"));
  EXPECT_EQ(again.state(), v1::Complaint::NOT_ACCEPTED);
  EXPECT_EQ(again.acceptance().ground(), v1::Acceptance::REPEAT_REPORT);
  EXPECT_EQ(again.master(), first.name());
  v1::Complaint master;
  ASSERT_TRUE(Get(supervisor_, first.name(), &master).ok());
  ASSERT_EQ(master.linked_size(), 1);
  EXPECT_EQ(master.linked(0).kind(), v1::LinkedComplaint::REPEAT);
}

TEST_F(ComplaintTest, DeadlinesCrossTheNationalDayHolidayAndCountItsAdjustedSaturday) {
  // Wednesday 2026-09-30; 10-01..10-07 are off and Saturday 10-10 is worked.
  app_->clock().Set(Shanghai(2026, 9, 30, 10));
  SignIn();
  v1::Complaint order = NewComplaint(kPhone);
  order.set_channel(v1::HOTLINE_12345_TRANSFER);
  order.set_external_order_number("JZ12345-20260930-0042");
  v1::Complaint c;
  ASSERT_TRUE(Create(integration_, order, &c).ok()) << c.DebugString();
  // 12345: signed for within 1 working day, closed within 15, from the day after receipt.
  EXPECT_EQ(DateText(c.deadlines().acceptance_due_date()), "2026-10-8");
  EXPECT_EQ(DateText(c.deadlines().closure_due_date()), "2026-10-27");
  EXPECT_EQ(api::FromTimestamp(c.deadlines().closure_due()), Shanghai(2026, 10, 28));
  EXPECT_EQ(c.deadlines().closure_limit().display(), "15个工作日");

  // Unsigned on 10-09 it is overdue for acceptance, and listed.
  app_->clock().Set(Shanghai(2026, 10, 9, 9));
  SignIn();
  v1::ListComplaintsRequest overdue;
  overdue.set_overdue_only(true);
  v1::ListComplaintsResponse listed = List(supervisor_, overdue);
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_TRUE(listed.complaints(0).deadlines().acceptance_overdue());
  EXPECT_FALSE(listed.complaints(0).deadlines().closure_overdue());
  Accept(c.name());
  EXPECT_EQ(List(supervisor_, overdue).complaints_size(), 0);
  // At 00:00 on 10-28 the closure clock has run out.
  app_->clock().Set(Shanghai(2026, 10, 28));
  SignIn();
  listed = List(supervisor_, overdue);
  ASSERT_EQ(listed.complaints_size(), 1);
  EXPECT_TRUE(listed.complaints(0).deadlines().closure_overdue());
}

TEST_F(ComplaintTest, ClocksCountFromTheReceiptAtThe12345Centre) {
  // Monday 2026-03-02 09:00: an order the 12345 centre took on Wednesday 02-25 and nobody
  // signed for is overdue the moment it arrives.
  v1::Complaint order = NewComplaint(kPhone);
  order.set_channel(v1::HOTLINE_12345_TRANSFER);
  order.set_external_order_number("JZ12345-20260225-0007");
  *order.mutable_intake_time() = api::ToTimestamp(Shanghai(2026, 2, 25, 16));
  v1::Complaint c;
  ASSERT_TRUE(Create(integration_, order, &c).ok());
  EXPECT_EQ(api::FromTimestamp(c.intake_time()), Shanghai(2026, 2, 25, 16));
  EXPECT_EQ(DateText(c.deadlines().acceptance_due_date()), "2026-2-26");
  EXPECT_TRUE(c.deadlines().acceptance_overdue());
  v1::ListComplaintsRequest overdue;
  overdue.set_overdue_only(true);
  EXPECT_EQ(List(supervisor_, overdue).complaints_size(), 1);
  // A receipt ahead of the clock is refused.
  order.set_external_order_number("JZ12345-20260303-0001");
  *order.mutable_intake_time() = api::ToTimestamp(Shanghai(2026, 3, 3));
  grpc::Status s = Create(integration_, order, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("complaint.intake_time"));
}

TEST_F(ComplaintTest, StaffOfTheDistrictGetAlertsAndTheEnterpriseNone) {
  v1::Complaint c = Dispatch(Accept(MustCreate(NewComplaint(kPhone)).name()).name());
  EXPECT_THAT(AlertKinds(supervisor_),
              ::testing::ElementsAre("COMPLAINT_RECEIVED", "COMPLAINT_DISPATCHED"));
  EXPECT_THAT(AlertKinds(officer_),
              ::testing::ElementsAre("COMPLAINT_RECEIVED", "COMPLAINT_DISPATCHED"));
  EXPECT_TRUE(AlertKinds(far_officer_).empty());
  EXPECT_TRUE(AlertKinds(plant_).empty());
}

TEST_F(ComplaintTest, TheSweepReportsEachOverdueClockOnce) {
  v1::Complaint urgent = NewComplaint(kPhone);
  urgent.set_urgency(v1::URGENT);  // 2 h to accept, 5 working days to close.
  v1::Complaint c = MustCreate(urgent);
  EXPECT_EQ(ReportOverdue(), 0);
  app_->clock().Advance(absl::Hours(3));
  SignIn();
  EXPECT_EQ(ReportOverdue(), 1);
  EXPECT_EQ(ReportOverdue(), 0);
  // Accepted late, then the closure clock runs out too: 5 working days from Monday 03-02
  // end with Monday 03-09, so it is overdue on Tuesday.
  Accept(c.name());
  app_->clock().Advance(absl::Hours(24 * 8));
  SignIn();
  EXPECT_EQ(ReportOverdue(), 1);
  EXPECT_EQ(ReportOverdue(), 0);
  EXPECT_EQ(app_->schema().QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'MarkComplaintOverdue' AND "
                "resource = '",
                c.name(), "'")),
            2);
  std::vector<std::string> kinds = AlertKinds(supervisor_);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "COMPLAINT_OVERDUE"), 2);
  EXPECT_TRUE(AlertKinds(plant_).empty());
}

TEST_F(ComplaintTest, ASupervisorExtendsClosureOnceBeforeItExpires) {
  v1::Complaint c = Accept(MustCreate(NewComplaint(kPhone)).name());
  v1::ExtendComplaintRequest r;
  r.set_name(c.name());
  r.mutable_extra()->set_amount(30);
  r.mutable_extra()->set_unit(v1::SlaLimit::CALENDAR_DAYS);
  r.set_reason("需委托第三方补充监测");
  v1::Complaint out;
  EXPECT_EQ(Step(hotline_, &v1::ComplaintService::Stub::ExtendComplaint, r, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Step(supervisor_, &v1::ComplaintService::Stub::ExtendComplaint, r, &out).ok());
  ASSERT_EQ(out.deadlines().extensions_size(), 1);
  EXPECT_EQ(DateText(out.deadlines().closure_due_date()), "2026-5-31");
  EXPECT_THAT(out.deadlines().extensions(0).notice(), HasSubstr("2026年5月31日"));
  // 12369 allows one extension.
  EXPECT_EQ(Step(supervisor_, &v1::ComplaintService::Stub::ExtendComplaint, r, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ComplaintTest, AnAnonymousComplaintIsHandledAndClosedWithoutARevisit) {
  v1::Complaint anonymous = NewComplaint("", "");
  anonymous.mutable_reporter()->set_anonymous(true);
  v1::Complaint c = MustCreate(anonymous);
  EXPECT_TRUE(c.reporter().anonymous());
  EXPECT_TRUE(c.reporter().phone().empty());
  Dispatch(Accept(c.name()).name());
  v1::Complaint out;
  ASSERT_TRUE(Findings(c.name(), v1::Findings::NOT_VERIFIED, &out).ok());
  ASSERT_TRUE(Reply(c.name(), "经现场核查，未发现所反映问题。", &out).ok());
  EXPECT_EQ(Revisit(c.name(), v1::SATISFIED, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Close(c.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Complaint::CLOSED);
}

TEST_F(ComplaintTest, AnEnterpriseNeverReadsAReporterByAnyRpc) {
  v1::Complaint c = MustCreate(NewComplaint(kPhone));
  v1::Complaint got;
  EXPECT_EQ(Get(plant_, c.name(), &got).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListComplaintsResponse listed;
  auto list_ctx = TestApp::Context(plant_);
  EXPECT_EQ(complaints_->ListComplaints(list_ctx.get(), {}, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(listed.complaints_size(), 0);
  v1::RevealReporterRequest reveal;
  reveal.set_name(c.name());
  reveal.set_purpose("回访");
  v1::ReporterContact contact;
  auto reveal_ctx = TestApp::Context(plant_);
  EXPECT_EQ(complaints_->RevealReporter(reveal_ctx.get(), reveal, &contact).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(contact.phone().empty());
  v1::SuggestDuplicatesRequest suggest;
  suggest.set_name(c.name());
  v1::SuggestDuplicatesResponse suggestions;
  auto suggest_ctx = TestApp::Context(plant_);
  EXPECT_EQ(complaints_->SuggestDuplicates(suggest_ctx.get(), suggest, &suggestions).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Staff see it masked; an officer of another district not at all; only the hotline
  // reads it in clear.
  ASSERT_TRUE(Get(officer_, c.name(), &got).ok());
  EXPECT_EQ(got.reporter().phone(), "139****5678");
  EXPECT_EQ(got.reporter().name(), "王**");
  EXPECT_TRUE(got.reporter().masked());
  EXPECT_THAT(got.DebugString(), Not(HasSubstr(kPhone)));
  EXPECT_EQ(Get(far_officer_, c.name(), &got).error_code(), grpc::StatusCode::NOT_FOUND);
  auto officer_reveal = TestApp::Context(officer_);
  EXPECT_EQ(complaints_->RevealReporter(officer_reveal.get(), reveal, &contact).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ComplaintTest, TheStoredPhoneAndNameAreNotPlaintext) {
  v1::Complaint c = MustCreate(NewComplaint(kPhone));
  const std::string id = c.name().substr(std::string("complaints/").size());
  const std::string row = app_->schema().QueryString(absl::StrCat(
      "SELECT CONCAT_WS('|', reporter_name_enc, reporter_phone_enc, reporter_hash) FROM "
      "complaint WHERE id = ",
      id));
  EXPECT_THAT(row, HasSubstr("v1:"));
  EXPECT_THAT(row, Not(HasSubstr(kPhone)));
  // Nor masked (a bare "5678" may turn up in the ciphertext or hash by chance).
  EXPECT_THAT(row, Not(HasSubstr("****5678")));
  EXPECT_THAT(row, Not(HasSubstr(kName)));
  // Nor in the responses kept for retries.
  EXPECT_EQ(app_->schema().QueryInt(
                "SELECT COUNT(*) FROM idempotency_key WHERE response LIKE '%13912345678%'"),
            0);
}

TEST_F(ComplaintTest, BadInputIsRefusedNamingTheField) {
  v1::Complaint bad = NewComplaint("12345");
  v1::Complaint out;
  grpc::Status s = Create(hotline_, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("complaint.reporter.phone"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr("12345 ")));
  v1::Complaint no_district = NewComplaint(kPhone);
  no_district.mutable_location()->clear_district_code();
  s = Create(hotline_, no_district, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("complaint.location.district_code"));
  // The SLA table and the calendar are readable.
  v1::SlaPolicy policy;
  auto ctx = TestApp::Context(officer_);
  ASSERT_TRUE(complaints_->GetSlaPolicy(ctx.get(), {}, &policy).ok());
  EXPECT_GE(policy.rules_size(), 7);
  v1::GetHolidayCalendarRequest year;
  year.set_year(2026);
  v1::HolidayCalendar calendar;
  auto cal_ctx = TestApp::Context(officer_);
  ASSERT_TRUE(complaints_->GetHolidayCalendar(cal_ctx.get(), year, &calendar).ok());
  EXPECT_TRUE(calendar.loaded());
  EXPECT_GT(calendar.days_size(), 20);
}

}  // namespace
}  // namespace ecocase
