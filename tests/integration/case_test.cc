// CaseService against the real database through the real Application: the whole penalty
// procedure with a hearing, legal review, service issuing the correction task, payment and
// closure; the gates refused with the condition they name; the 90-day decision clock with a
// paused period and extensions; gapless case numbers under concurrent filing; two
// supervisors closing with the same etag; request_id retries; the enterprise's scope (its
// own cases, from notification on, without internal records); case candidates; the daily
// continuous penalty from the correction task's refused re-inspection less the days of a
// production limit; a served 吊销 decision revoking the permit; the transfer package; the
// public decisions, read without signing in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/case_overdue_sweep.h"
#include "api/proto_convert.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/alert.grpc.pb.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/case.grpc.pb.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "ecocase/v1/inspection.grpc.pb.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/mysql_case_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "security/sha256.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kPlant = ValidUscc("91410802MA3T00001");  // 解放区 410802
const std::string kOther = ValidUscc("91410802MA3T00002");

absl::Time Shanghai(int y, int m, int d, int hh = 10) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), absl::FixedTimeZone(8 * 3600));
}

google::type::Date Date(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

std::string DateText(const google::type::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string Password(const std::string& username) { return absl::StrCat("password-", username); }

v1::Case NewCase(const std::string& link, const std::string& uscc = kPlant) {
  v1::Case c;
  c.mutable_source()->set_kind(v1::CaseSource::REFERRAL);
  c.mutable_source()->set_link(link);
  c.set_party_kind(v1::ORGANISATION);
  c.set_party_name("焦作市某某热电有限公司");
  c.set_enterprise(absl::StrCat("enterprises/", uscc));
  c.set_district_code("410802");
  c.set_summary("1号锅炉烟气二氧化硫超标排放");
  return c;
}

v1::PenaltyItem Fine(int64_t yuan) {
  v1::PenaltyItem p;
  p.set_kind(v1::FINE);
  p.set_amount_fen(yuan * 100);
  return p;
}

class CaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ =
        TestApp::Start("case", [](app::ApplicationOptions& o) { o.sweep_tick = absl::Minutes(9); });
    ASSERT_NE(app_, nullptr);
    app_->clock().Set(Shanghai(2026, 3, 2));
    cases_ = v1::CaseService::NewStub(app_->channel());
    tasks_ = v1::TaskService::NewStub(app_->channel());
    evidence_ = v1::EvidenceService::NewStub(app_->channel());
    inspections_ = v1::InspectionService::NewStub(app_->channel());
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410802", "焦作市另一家化工有限公司");
    CreateEnforcer("off.a", v1::ROLE_OFFICER, {"410802"}, "豫环执0001");
    CreateEnforcer("off.b", v1::ROLE_OFFICER, {"410802"}, "豫环执0002");
    CreateEnforcer("off.c", v1::ROLE_OFFICER, {"410802"}, "");  // no certificate
    CreateEnforcer("sup", v1::ROLE_SUPERVISOR, {"410800"}, "豫环执0100");
    CreateEnforcer("sup2", v1::ROLE_SUPERVISOR, {"410800"}, "豫环执0101");
    app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    app_->CreateUserAndLogin("ent.other", v1::ROLE_ENTERPRISE, {}, kOther);
    SignIn();
  }

  void CreateEnforcer(const std::string& username, v1::Role role,
                      const std::vector<std::string>& districts, const std::string& certificate) {
    v1::CreateUserRequest request;
    v1::User* user = request.mutable_user();
    user->set_username(username);
    user->set_display_name(absl::StrCat("执法人员 ", username));
    user->set_role(role);
    for (const std::string& d : districts) user->add_district_codes(d);
    if (!certificate.empty()) {
      user->mutable_certificate()->set_number(certificate);
      *user->mutable_certificate()->mutable_valid_from() = Date(2025, 1, 1);
      *user->mutable_certificate()->mutable_valid_until() = Date(2029, 12, 31);
    }
    request.set_password(Password(username));
    v1::User created;
    auto ctx = TestApp::Context(app_->AdminToken());
    grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &created);
    ASSERT_TRUE(s.ok()) << username << ": " << s.error_message();
  }

  // Sessions expire when the clock jumps; sign in again after each jump.
  void SignIn() {
    officer_ = app_->Login("off.a", Password("off.a"));
    supervisor_ = app_->Login("sup", Password("sup"));
    supervisor2_ = app_->Login("sup2", Password("sup2"));
    plant_ = app_->Login("ent.plant", Password("ent.plant"));
    other_ = app_->Login("ent.other", Password("ent.other"));
  }

  void At(absl::Time t) {
    app_->clock().Set(t);
    SignIn();
  }

  template <typename Request, typename Method>
  grpc::Status Call(const std::string& token, Method method, const Request& request,
                    v1::Case* out) {
    auto ctx = TestApp::Context(token);
    return (cases_.get()->*method)(ctx.get(), request, out);
  }

  // A step that must succeed; returns the case after it.
  template <typename Request, typename Method>
  v1::Case Must(const std::string& token, Method method, const Request& request) {
    v1::Case out;
    grpc::Status s = Call(token, method, request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Case Open(const v1::Case& c, const std::string& request_id = "") {
    v1::OpenCaseRequest r;
    *r.mutable_case_() = c;
    r.set_request_id(request_id);
    return Must(officer_, &v1::CaseService::Stub::OpenCase, r);
  }

  v1::Case Assign(const std::string& name, const std::string& user) {
    v1::AssignCaseOfficerRequest r;
    r.set_name(name);
    r.set_user(user);
    return Must(supervisor_, &v1::CaseService::Stub::AssignCaseOfficer, r);
  }

  grpc::Status File(const std::string& name, v1::Case* out, const std::string& request_id = "",
                    google::type::Date end = Date(2026, 2, 20)) {
    v1::FileCaseRequest r;
    r.set_name(name);
    *r.mutable_violation_end_date() = end;
    r.set_request_id(request_id);
    return Call(supervisor_, &v1::CaseService::Stub::FileCase, r, out);
  }

  // An evidence item of `parent` uploaded by off.a; STORED unless `complete` is false.
  std::string Evidence(const std::string& parent, const std::string& content,
                       bool complete = true) {
    v1::StartEvidenceUploadRequest start;
    v1::Evidence* e = start.mutable_evidence();
    e->set_kind(v1::AUDIO_VISUAL);
    e->set_sha256(security::Sha256Hex(content));
    e->set_size_bytes(static_cast<int64_t>(content.size()));
    e->set_media_type("image/jpeg");
    e->set_file_name("排口照片.jpg");
    *e->mutable_capture_time() = api::ToTimestamp(app_->clock().Now() - absl::Hours(1));
    e->set_device_id("IMEI 860000000000009");
    e->add_capturing_officers("users/off.a");
    e->set_parent(parent);
    v1::Evidence started;
    auto ctx = TestApp::Context(officer_);
    grpc::Status s = evidence_->StartEvidenceUpload(ctx.get(), start, &started);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!complete) return started.name();
    auto upload_ctx = TestApp::Context(officer_);
    v1::Evidence done;
    auto writer = evidence_->UploadEvidence(upload_ctx.get(), &done);
    v1::UploadEvidenceRequest chunk;
    chunk.set_name(started.name());
    chunk.set_data(content);
    chunk.set_sha256(security::Sha256Hex(content));
    writer->Write(chunk);
    writer->WritesDone();
    s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(done.state(), v1::Evidence::STORED);
    return started.name();
  }

  // Opened, two officers, filed, investigating, evidence attached, under review.
  v1::Case Reviewed(const std::string& link) {
    v1::Case c = Open(NewCase(link));
    Assign(c.name(), "users/off.a");
    Assign(c.name(), "users/off.b");
    v1::Case filed;
    EXPECT_TRUE(File(c.name(), &filed).ok());
    v1::StartInvestigationRequest start;
    start.set_name(c.name());
    Must(officer_, &v1::CaseService::Stub::StartInvestigation, start);
    v1::AttachCaseEvidenceRequest attach;
    attach.set_name(c.name());
    attach.set_evidence(Evidence(c.name(), absl::StrCat("photo of ", link)));
    Must(officer_, &v1::CaseService::Stub::AttachCaseEvidence, attach);
    v1::SubmitForReviewRequest submit;
    submit.set_name(c.name());
    return Must(officer_, &v1::CaseService::Stub::SubmitForReview, submit);
  }

  v1::Case Notify(const std::string& name, int64_t yuan, google::type::Date received) {
    v1::NotifyPartyRequest r;
    r.set_name(name);
    v1::Notification* n = r.mutable_notification();
    n->set_facts("2026年2月1号锅炉烟气二氧化硫小时浓度多次超过排放限值。");
    *n->add_proposed() = Fine(yuan);
    n->set_legal_basis("《中华人民共和国大气污染防治法》第九十九条第二项");
    n->set_rights("当事人有权进行陈述、申辩；符合条件的，有权要求听证。");
    *n->mutable_received_date() = received;
    return Must(officer_, &v1::CaseService::Stub::NotifyParty, r);
  }

  grpc::Status Decide(const std::string& name, int64_t yuan, v1::Case* out) {
    v1::DecideCaseRequest r;
    r.set_name(name);
    r.mutable_decision()->set_kind(v1::Decision::PENALTY);
    *r.mutable_decision()->add_penalties() = Fine(yuan);
    r.mutable_decision()->add_correction_orders("立即停止超标排放");
    r.mutable_decision()->add_correction_orders("30日内完成脱硫设施检修");
    r.mutable_decision()->set_legal_basis("《中华人民共和国大气污染防治法》第九十九条第二项");
    return Call(supervisor_, &v1::CaseService::Stub::DecideCase, r, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::Case* out) {
    v1::GetCaseRequest r;
    r.set_name(name);
    return Call(token, &v1::CaseService::Stub::GetCase, r, out);
  }

  v1::ListCasesResponse List(const std::string& token, v1::ListCasesRequest r) {
    auto ctx = TestApp::Context(token);
    v1::ListCasesResponse out;
    grpc::Status s = cases_->ListCases(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The kinds of the alerts `token` can read, oldest first.
  std::vector<std::string> AlertKinds(const std::string& token) {
    auto stub = v1::AlertService::NewStub(app_->channel());
    v1::ListAlertsResponse out;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub->ListAlerts(ctx.get(), {}, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> kinds;
    for (const v1::Alert& a : out.alerts()) kinds.push_back(a.kind());
    return kinds;
  }

  // One run of the overdue sweep, on its own connections, at the test clock.
  int SweepOverdue() {
    storage::mysql::ConnectionPool pool(app_->schema().options());
    storage::mysql::MysqlMutationRunner runner(pool, app_->clock());
    storage::mysql::MysqlCaseRepository repository(pool);
    storage::mysql::MysqlAlertRepository alerts(pool);
    absl::StatusOr<domain::WorkingCalendar> calendar = domain::DefaultWorkingCalendar();
    EXPECT_TRUE(calendar.ok());
    api::CaseOverdueSweep sweep(repository, runner, alerts, *calendar, app_->clock(),
                                domain::CaseClockOptions{});
    absl::StatusOr<int> reported = sweep.ReportOverdue();
    EXPECT_TRUE(reported.ok()) << reported.status();
    return reported.value_or(-1);
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::CaseService::Stub> cases_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::unique_ptr<v1::EvidenceService::Stub> evidence_;
  std::unique_ptr<v1::InspectionService::Stub> inspections_;
  std::string officer_, supervisor_, supervisor2_, plant_, other_;
};

TEST_F(CaseTest, WholeProcedureWithHearingToArchive) {
  v1::Case c = Open(NewCase("焦环移〔2026〕3号"));
  EXPECT_EQ(c.state(), v1::Case::CLUE);
  EXPECT_EQ(c.case_number(), "");
  EXPECT_TRUE(c.clocks().has_filing());
  EXPECT_EQ(DateText(c.clocks().filing().due_date()), "2026-03-17");  // 15 days

  // One officer without a certificate cannot be assigned.
  v1::AssignCaseOfficerRequest bad;
  bad.set_name(c.name());
  bad.set_user("users/off.c");
  v1::Case out;
  grpc::Status s = Call(supervisor_, &v1::CaseService::Stub::AssignCaseOfficer, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("执法证"));

  Assign(c.name(), "users/off.a");
  c = Assign(c.name(), "users/off.b");
  ASSERT_EQ(c.officers_size(), 2);
  EXPECT_EQ(c.officers(0).certificate_number(), "豫环执0001");
  ASSERT_TRUE(File(c.name(), &c).ok());
  EXPECT_EQ(c.state(), v1::Case::FILED);
  EXPECT_EQ(c.case_number(), "焦环罚〔2026〕1号");
  EXPECT_EQ(c.clocks().decision_limit_days(), 90);
  EXPECT_EQ(DateText(c.clocks().decision().due_date()), "2026-06-01");

  v1::StartInvestigationRequest start;
  start.set_name(c.name());
  Must(officer_, &v1::CaseService::Stub::StartInvestigation, start);
  // Review needs evidence.
  v1::SubmitForReviewRequest submit;
  submit.set_name(c.name());
  s = Call(officer_, &v1::CaseService::Stub::SubmitForReview, submit, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("needs evidence"));
  v1::AttachCaseEvidenceRequest attach;
  attach.set_name(c.name());
  attach.set_evidence(Evidence(c.name(), "photo of the hearing case"));
  Must(officer_, &v1::CaseService::Stub::AttachCaseEvidence, attach);
  Must(officer_, &v1::CaseService::Stub::SubmitForReview, submit);

  // ¥80,000 reaches 较大数额: the party may ask for a hearing within 5 working days.
  At(Shanghai(2026, 3, 25));
  c = Notify(c.name(), 80000, Date(2026, 3, 25));
  EXPECT_EQ(c.state(), v1::Case::NOTIFIED);
  ASSERT_EQ(c.notifications_size(), 1);
  EXPECT_TRUE(c.notifications(0).hearing_right());
  EXPECT_EQ(DateText(c.notifications(0).hearing_request_end_date()), "2026-04-01");
  // No decision in the statement period.
  s = Decide(c.name(), 80000, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("陈述申辩期"));

  v1::RequestHearingRequest hearing;
  hearing.set_name(c.name());
  c = Must(officer_, &v1::CaseService::Stub::RequestHearing, hearing);
  // Dates not set yet are absent, not empty.
  EXPECT_TRUE(c.hearing().has_request_date());
  EXPECT_FALSE(c.hearing().has_hearing_date());
  EXPECT_FALSE(c.has_court_enforcement_date());
  At(Shanghai(2026, 3, 28));
  v1::ScheduleHearingRequest schedule;
  schedule.set_name(c.name());
  *schedule.mutable_notice_date() = Date(2026, 3, 28);
  *schedule.mutable_hearing_date() = Date(2026, 4, 7);  // six working days: too early
  schedule.set_presiding("users/sup2");
  s = Call(officer_, &v1::CaseService::Stub::ScheduleHearing, schedule, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("may be held from 2026-04-08"));
  *schedule.mutable_hearing_date() = Date(2026, 4, 8);
  Must(officer_, &v1::CaseService::Stub::ScheduleHearing, schedule);
  At(Shanghai(2026, 4, 8));
  v1::RecordHearingRequest held;
  held.set_name(c.name());
  held.set_outcome(v1::Hearing::HELD);
  held.set_record("当事人到场陈述，承认超标事实。");
  c = Must(officer_, &v1::CaseService::Stub::RecordHearing, held);
  EXPECT_EQ(c.state(), v1::Case::HEARING_HELD);

  // A held hearing calls for legal review before the decision.
  s = Decide(c.name(), 80000, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("legal review"));
  v1::RecordReviewRequest review;
  review.set_name(c.name());
  review.set_conclusion("事实清楚，证据确凿，程序合法，处罚适当。");
  Must(supervisor_, &v1::CaseService::Stub::RecordLegalReview, review);
  ASSERT_TRUE(Decide(c.name(), 80000, &c).ok());
  EXPECT_EQ(c.state(), v1::Case::DECIDED);
  EXPECT_TRUE(c.clocks().has_service());

  // Service issues the correction orders as one rectification task, linked both ways.
  v1::ServeDecisionRequest serve;
  serve.set_name(c.name());
  serve.mutable_service()->set_method(v1::Service::DIRECT);
  *serve.mutable_service()->mutable_served_date() = Date(2026, 4, 9);
  At(Shanghai(2026, 4, 9));
  c = Must(officer_, &v1::CaseService::Stub::ServeDecision, serve);
  EXPECT_EQ(c.state(), v1::Case::SERVED);
  ASSERT_EQ(c.correction_tasks_size(), 1);
  EXPECT_EQ(DateText(c.clocks().payment().due_date()), "2026-04-24");
  {
    v1::GetTaskRequest r;
    r.set_name(c.correction_tasks(0));
    v1::Task task;
    auto ctx = TestApp::Context(plant_);
    ASSERT_TRUE(tasks_->GetTask(ctx.get(), r, &task).ok());
    EXPECT_EQ(task.source(), c.name());
    EXPECT_EQ(task.source_kind(), v1::Task::CASE_DECISION);
    EXPECT_THAT(task.required_actions(), ElementsAre("立即停止超标排放", "30日内完成脱硫设施检修"));
  }

  // Unpaid: no closure as performed.
  v1::CloseCaseRequest close;
  close.set_name(c.name());
  close.set_ground(v1::FULLY_PERFORMED);
  s = Call(supervisor_, &v1::CaseService::Stub::CloseCase, close, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::RecordPaymentRequest pay;
  pay.set_name(c.name());
  pay.mutable_payment()->set_amount_fen(8'000'000);
  *pay.mutable_payment()->mutable_paid_date() = Date(2026, 4, 20);
  pay.mutable_payment()->set_receipt("NS20260420001");
  At(Shanghai(2026, 4, 21));
  c = Must(officer_, &v1::CaseService::Stub::RecordPayment, pay);
  EXPECT_EQ(c.state(), v1::Case::EXECUTING);
  EXPECT_EQ(c.clocks().owed_fen(), 0);
  c = Must(supervisor_, &v1::CaseService::Stub::CloseCase, close);
  EXPECT_EQ(c.state(), v1::Case::CLOSED);
  v1::ArchiveCaseRequest archive;
  archive.set_name(c.name());
  c = Must(officer_, &v1::CaseService::Stub::ArchiveCase, archive);
  EXPECT_EQ(c.state(), v1::Case::ARCHIVED);

  std::vector<std::string> kinds;
  for (const v1::CaseEvent& e : c.timeline()) kinds.push_back(e.kind());
  EXPECT_THAT(kinds,
              ElementsAre("OPEN", "ASSIGN_OFFICER", "ASSIGN_OFFICER", "FILE", "START_INVESTIGATION",
                          "SUBMIT_FOR_REVIEW", "NOTIFY", "REQUEST_HEARING", "SCHEDULE_HEARING",
                          "HEARING_HELD", "LEGAL_REVIEW", "DECIDE_PENALTY", "SERVE", "PAYMENT",
                          "CLOSE", "ARCHIVE"));

  // The officer's list: my cases.
  v1::ListCasesRequest mine;
  mine.set_officer("users/me");
  v1::ListCasesResponse listed = List(officer_, mine);
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_EQ(listed.cases(0).name(), c.name());
  v1::ListCasesRequest open_only;
  open_only.set_open_only(true);
  EXPECT_EQ(List(supervisor_, open_only).cases_size(), 0);
}

TEST_F(CaseTest, InvestigationNeedsTwoCertifiedOfficers) {
  v1::Case c = Open(NewCase("焦环移〔2026〕4号"));
  c = Assign(c.name(), "users/off.a");
  ASSERT_TRUE(File(c.name(), &c).ok());
  v1::StartInvestigationRequest start;
  start.set_name(c.name());
  v1::Case out;
  grpc::Status s = Call(officer_, &v1::CaseService::Stub::StartInvestigation, start, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("two"));
  // An officer may not file (a supervisor's decision): PERMISSION_DENIED.
  v1::FileCaseRequest file;
  file.set_name(c.name());
  *file.mutable_violation_end_date() = Date(2026, 2, 20);
  s = Call(officer_, &v1::CaseService::Stub::FileCase, file, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CaseTest, DecisionClockWithPausedPeriodAndExtensions) {
  v1::Case c = Open(NewCase("焦环移〔2026〕5号"));
  Assign(c.name(), "users/off.a");
  Assign(c.name(), "users/off.b");
  // Filed 2026-03-02: 90 days end on Sunday 05-31, so the due runs on to Monday 06-01.
  ASSERT_TRUE(File(c.name(), &c).ok());
  EXPECT_EQ(DateText(c.clocks().decision().due_date()), "2026-06-01");

  // 监测 from 03-10 to 03-19: ten days not counted.
  At(Shanghai(2026, 3, 10));
  v1::PauseDecisionClockRequest pause;
  pause.set_name(c.name());
  pause.mutable_period()->set_kind(v1::ExcludedPeriod::MONITORING);
  pause.mutable_period()->set_note("委托焦作市环境监测站比对监测");
  c = Must(officer_, &v1::CaseService::Stub::PauseDecisionClock, pause);
  EXPECT_TRUE(c.clocks().decision_paused());
  v1::Case out;
  grpc::Status s = Call(officer_, &v1::CaseService::Stub::PauseDecisionClock, pause, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // already paused
  At(Shanghai(2026, 3, 20));
  v1::ResumeDecisionClockRequest resume;
  resume.set_name(c.name());
  c = Must(officer_, &v1::CaseService::Stub::ResumeDecisionClock, resume);
  EXPECT_FALSE(c.clocks().decision_paused());
  EXPECT_EQ(c.clocks().decision_excluded_days(), 10);
  EXPECT_EQ(DateText(c.clocks().decision().due_date()), "2026-06-10");

  // The head extends by 30 days; a second extension needs collective discussion.
  v1::ExtendDecisionClockRequest extend;
  extend.set_name(c.name());
  extend.mutable_extension()->set_days(30);
  extend.mutable_extension()->set_approval(v1::DecisionExtension::HEAD);
  extend.mutable_extension()->set_reason("案情复杂，需补充调取生产记录");
  s = Call(officer_, &v1::CaseService::Stub::ExtendDecisionClock, extend, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  c = Must(supervisor_, &v1::CaseService::Stub::ExtendDecisionClock, extend);
  EXPECT_EQ(c.clocks().decision_limit_days(), 120);
  EXPECT_EQ(DateText(c.clocks().decision().due_date()), "2026-07-10");
  s = Call(supervisor_, &v1::CaseService::Stub::ExtendDecisionClock, extend, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  extend.mutable_extension()->set_approval(v1::DecisionExtension::COLLECTIVE_DISCUSSION);
  c = Must(supervisor_, &v1::CaseService::Stub::ExtendDecisionClock, extend);
  EXPECT_EQ(c.clocks().decision_limit_days(), 150);

  // Past the due (08-09 is a Sunday: 08-10), the case is overdue in the supervisor's list.
  EXPECT_EQ(DateText(c.clocks().decision().due_date()), "2026-08-10");
  At(Shanghai(2026, 8, 11));
  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  v1::ListCasesResponse listed = List(supervisor_, overdue);
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_TRUE(listed.cases(0).clocks().decision().overdue());
}

TEST_F(CaseTest, CaseNumbersGaplessUnderConcurrentFiling) {
  constexpr int kCases = 6;
  std::vector<std::string> names;
  for (int i = 0; i < kCases; ++i) {
    v1::Case c = Open(NewCase(absl::StrCat("焦环移〔2026〕", 100 + i, "号")));
    names.push_back(c.name());
  }
  // A refused filing (past the limitation period) takes no number.
  v1::Case refused = Open(NewCase("焦环移〔2026〕200号"));
  v1::Case out;
  grpc::Status s = File(refused.name(), &out, "", Date(2023, 1, 1));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("limitation"));

  std::vector<std::string> numbers(kCases);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCases; ++i) {
    threads.emplace_back([&, i] {
      v1::Case filed;
      grpc::Status st = File(names[i], &filed, absl::StrCat("file-", i));
      EXPECT_TRUE(st.ok()) << st.error_message();
      numbers[i] = filed.case_number();
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> distinct(numbers.begin(), numbers.end());
  std::set<std::string> expected;
  for (int i = 1; i <= kCases; ++i) expected.insert(absl::StrCat("焦环罚〔2026〕", i, "号"));
  EXPECT_EQ(distinct, expected);

  // A retry with the same request_id returns the same number and takes none.
  v1::Case again;
  ASSERT_TRUE(File(names[0], &again, "file-0").ok());
  EXPECT_EQ(again.case_number(), numbers[0]);
  ASSERT_TRUE(File(refused.name(), &out, "", Date(2026, 2, 1)).ok());
  EXPECT_EQ(out.case_number(), absl::StrCat("焦环罚〔2026〕", kCases + 1, "号"));
}

TEST_F(CaseTest, TwoSupervisorsClosingWithOneEtagOneWins) {
  v1::Case c = Reviewed("焦环移〔2026〕6号");
  v1::DecideCaseRequest decide;
  decide.set_name(c.name());
  decide.mutable_decision()->set_kind(v1::Decision::NO_PENALTY);
  decide.mutable_decision()->set_reason("违法行为轻微并及时改正，没有造成危害后果");
  c = Must(supervisor_, &v1::CaseService::Stub::DecideCase, decide);
  ASSERT_EQ(c.state(), v1::Case::NO_PENALTY);

  v1::CloseCaseRequest close;
  close.set_name(c.name());
  close.set_ground(v1::NO_EXECUTION_NEEDED);
  close.set_etag(c.etag());
  grpc::Status first, second;
  v1::Case a, b;
  std::thread t1([&] { first = Call(supervisor_, &v1::CaseService::Stub::CloseCase, close, &a); });
  std::thread t2(
      [&] { second = Call(supervisor2_, &v1::CaseService::Stub::CloseCase, close, &b); });
  t1.join();
  t2.join();
  EXPECT_NE(first.ok(), second.ok()) << first.error_message() << " / " << second.error_message();
  const grpc::Status& loser = first.ok() ? second : first;
  EXPECT_EQ(loser.error_code(), grpc::StatusCode::ABORTED);
  v1::Case now;
  ASSERT_TRUE(Get(supervisor_, c.name(), &now).ok());
  EXPECT_EQ(now.state(), v1::Case::CLOSED);
  int closes = 0;
  for (const v1::CaseEvent& e : now.timeline()) closes += e.kind() == "CLOSE";
  EXPECT_EQ(closes, 1);
}

TEST_F(CaseTest, EnterpriseSeesItsOwnCasesFromNotificationOn) {
  v1::Case c = Reviewed("焦环移〔2026〕7号");
  v1::Case out;
  EXPECT_EQ(Get(plant_, c.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List(plant_, v1::ListCasesRequest()).cases_size(), 0);

  At(Shanghai(2026, 3, 25));
  Notify(c.name(), 10000, Date(2026, 3, 25));
  ASSERT_TRUE(Get(plant_, c.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Case::NOTIFIED);
  EXPECT_FALSE(out.has_source());
  ASSERT_GT(out.timeline_size(), 0);
  EXPECT_EQ(out.timeline(0).kind(), "NOTIFY");
  EXPECT_EQ(List(plant_, v1::ListCasesRequest()).cases_size(), 1);
  // Another enterprise sees nothing of it, and nobody on the party's side can act.
  EXPECT_EQ(Get(other_, c.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List(other_, v1::ListCasesRequest()).cases_size(), 0);
  v1::RecordPartyResponseRequest respond;
  respond.set_name(c.name());
  respond.set_kind(v1::PartyResponse::WAIVED);
  EXPECT_EQ(Call(plant_, &v1::CaseService::Stub::RecordPartyResponse, respond, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CaseTest, OpeningTwiceFromOneFindingIsOneCase) {
  v1::Case c = NewCase("");
  c.mutable_source()->set_kind(v1::CaseSource::OVERDUE_TASK);
  // An overdue rectification task is a candidate until a case is opened from it.
  v1::IssueTaskRequest issue;
  v1::Task* t = issue.mutable_task();
  t->set_enterprise(absl::StrCat("enterprises/", kPlant));
  t->set_source_kind(v1::Task::INSPECTION);
  t->set_source("焦环检〔2026〕11号");
  t->set_title("危险废物贮存场所整改");
  t->set_legal_basis("《中华人民共和国固体废物污染环境防治法》第八十一条");
  t->add_required_actions("设置危险废物识别标志");
  t->add_evidence_required("整改后照片");
  t->mutable_deadline()->set_days(5);
  v1::Task task;
  {
    auto ctx = TestApp::Context(officer_);
    grpc::Status s = tasks_->IssueTask(ctx.get(), issue, &task);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  At(Shanghai(2026, 3, 20));
  v1::ListCaseCandidatesResponse candidates;
  {
    auto ctx = TestApp::Context(officer_);
    ASSERT_TRUE(
        cases_->ListCaseCandidates(ctx.get(), v1::ListCaseCandidatesRequest(), &candidates).ok());
  }
  ASSERT_EQ(candidates.candidates_size(), 1);
  EXPECT_EQ(candidates.candidates(0).source().kind(), v1::CaseSource::OVERDUE_TASK);
  EXPECT_EQ(candidates.candidates(0).source().link(), task.name());

  // The finding must exist and concern the case's party.
  {
    v1::OpenCaseRequest r;
    *r.mutable_case_() = c;
    r.mutable_case_()->mutable_source()->set_link("tasks/9999");
    v1::Case out;
    grpc::Status s = Call(officer_, &v1::CaseService::Stub::OpenCase, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("tasks/9999 does not exist"));
    r.mutable_case_()->mutable_source()->set_link(task.name());
    r.mutable_case_()->set_enterprise(absl::StrCat("enterprises/", kOther));
    s = Call(officer_, &v1::CaseService::Stub::OpenCase, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("case.enterprise"));
    // Not refused: it is no REFUSED_TASK source.
    r.mutable_case_()->set_enterprise(absl::StrCat("enterprises/", kPlant));
    r.mutable_case_()->mutable_source()->set_kind(v1::CaseSource::REFUSED_TASK);
    s = Call(officer_, &v1::CaseService::Stub::OpenCase, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  c.mutable_source()->set_link(task.name());
  v1::Case first = Open(c, "open-1");
  v1::Case second = Open(c, "open-2");
  EXPECT_EQ(first.name(), second.name());
  v1::ListCasesRequest by_source;
  by_source.set_source_link(task.name());
  EXPECT_EQ(List(supervisor_, by_source).cases_size(), 1);
  {
    auto ctx = TestApp::Context(officer_);
    candidates.Clear();
    ASSERT_TRUE(
        cases_->ListCaseCandidates(ctx.get(), v1::ListCaseCandidatesRequest(), &candidates).ok());
  }
  EXPECT_EQ(candidates.candidates_size(), 0);
}

TEST_F(CaseTest, BadInputNamesTheField) {
  v1::Case c = NewCase("焦环移〔2026〕8号");
  c.set_summary("");
  v1::OpenCaseRequest r;
  *r.mutable_case_() = c;
  v1::Case out;
  grpc::Status s = Call(officer_, &v1::CaseService::Stub::OpenCase, r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("summary"));
  v1::GetCaseRequest get;
  get.set_name("cases/x");
  s = Call(officer_, &v1::CaseService::Stub::GetCase, get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name("cases/999");
  EXPECT_EQ(Call(officer_, &v1::CaseService::Stub::GetCase, get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CaseTest, DailyPenaltyFromRefusedReinspectionLessProductionLimitDays) {
  v1::Case c = Reviewed("焦环移〔2026〕9号");
  At(Shanghai(2026, 3, 25));
  Notify(c.name(), 100000, Date(2026, 3, 23));
  v1::RecordPartyResponseRequest waive;
  waive.set_name(c.name());
  waive.set_kind(v1::PartyResponse::WAIVED);
  Must(officer_, &v1::CaseService::Stub::RecordPartyResponse, waive);
  v1::Case out;
  ASSERT_TRUE(Decide(c.name(), 100000, &out).ok());
  At(Shanghai(2026, 4, 9));
  v1::ServeDecisionRequest serve;
  serve.set_name(c.name());
  serve.mutable_service()->set_method(v1::Service::DIRECT);
  *serve.mutable_service()->mutable_served_date() = Date(2026, 4, 9);
  c = Must(officer_, &v1::CaseService::Stub::ServeDecision, serve);
  ASSERT_EQ(c.correction_tasks_size(), 1);

  // Nothing refused yet: no daily penalty.
  v1::GetDailyPenaltyRequest get;
  get.set_name(c.name());
  v1::DailyPenalty penalty;
  {
    auto ctx = TestApp::Context(officer_);
    grpc::Status s = cases_->GetDailyPenalty(ctx.get(), get, &penalty);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }

  // 限制生产 from 04-20 for one month, executed by the case's two officers.
  At(Shanghai(2026, 4, 20));
  v1::ImposeMeasureRequest limit;
  limit.set_name(c.name());
  limit.mutable_measure()->set_kind(v1::CaseMeasure::PRODUCTION_LIMIT);
  limit.mutable_measure()->set_document("焦环限〔2026〕2号");
  limit.mutable_measure()->set_amount(1);
  c = Must(officer_, &v1::CaseService::Stub::ImposeMeasure, limit);
  ASSERT_EQ(c.measures_size(), 1);
  EXPECT_EQ(DateText(c.measures(0).last_date()), "2026-05-20");
  // A sealing of 31 days is beyond the law.
  v1::ImposeMeasureRequest sealing = limit;
  sealing.mutable_measure()->set_kind(v1::CaseMeasure::SEALING);
  sealing.mutable_measure()->set_amount(31);
  grpc::Status s = Call(officer_, &v1::CaseService::Stub::ImposeMeasure, sealing, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("measure.amount"));

  // The covert re-inspection of 04-30 finds the discharge going on: 拒不改正.
  At(Shanghai(2026, 4, 30));
  {
    v1::RecordReinspectionRequest r;
    r.set_name(c.correction_tasks(0));
    r.mutable_reinspection()->set_kind(v1::Reinspection::COVERT);
    *r.mutable_reinspection()->mutable_date() = Date(2026, 4, 30);
    r.mutable_reinspection()->set_outcome(v1::Reinspection::NOT_CORRECTED);
    r.mutable_reinspection()->set_findings("暗查发现1号锅炉仍超标排放");
    r.mutable_new_deadline()->set_days(10);
    v1::Task task;
    auto ctx = TestApp::Context(officer_);
    grpc::Status st = tasks_->RecordReinspection(ctx.get(), r, &task);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_TRUE(task.refused());
  }
  {
    auto ctx = TestApp::Context(officer_);
    grpc::Status st = cases_->GetDailyPenalty(ctx.get(), get, &penalty);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  // 04-10..04-30 is 21 days; the limit stopped 04-20..04-30 (11 days): 10 days × ¥100,000.
  ASSERT_EQ(penalty.rounds_size(), 1);
  EXPECT_EQ(DateText(penalty.rounds(0).order_served_date()), "2026-04-09");
  EXPECT_EQ(penalty.rounds(0).days(), 10);
  EXPECT_EQ(penalty.rounds(0).stopped_days(), 11);
  EXPECT_EQ(penalty.daily_fen(), 10'000'000);
  EXPECT_EQ(penalty.total_fen(), 100'000'000);
  ASSERT_EQ(penalty.stopped_size(), 1);
  EXPECT_EQ(penalty.stopped(0).document(), "焦环限〔2026〕2号");

  // Lifted on 04-25: only 04-20..04-24 stopped, so 16 days count.
  v1::LiftMeasureRequest lift;
  lift.set_name(c.name());
  lift.set_index(0);
  *lift.mutable_lifted_date() = Date(2026, 4, 25);
  c = Must(officer_, &v1::CaseService::Stub::LiftMeasure, lift);
  EXPECT_EQ(DateText(c.measures(0).lifted_date()), "2026-04-25");
  {
    auto ctx = TestApp::Context(officer_);
    ASSERT_TRUE(cases_->GetDailyPenalty(ctx.get(), get, &penalty).ok());
  }
  EXPECT_EQ(penalty.total_days(), 16);
}

TEST_F(CaseTest, ServedRevocationRevokesThePermitInForce) {
  app_->CreateOutlet(kPlant, "DA001", {"a21026"});
  auto permits = v1::PermitService::NewStub(app_->channel());
  v1::CreatePermitRequest create;
  create.set_parent(absl::StrCat("enterprises/", kPlant));
  v1::Permit* p = create.mutable_permit();
  p->set_permit_number(absl::StrCat(kPlant, "001P"));
  *p->mutable_valid_from() = Date(2026, 3, 1);
  *p->mutable_valid_until() = Date(2031, 2, 28);
  v1::PermitLimit* l = p->add_limits();
  l->set_outlet_code("DA001");
  l->set_pollutant_code("a21026");
  l->set_concentration_limit(100);
  l->set_concentration_unit("mg/m3");
  l->set_averaging_window(v1::AVERAGING_WINDOW_HOUR);
  l->set_reference_o2_percent(6);
  l->set_standard("GB 13223-2011");
  v1::Permit draft, issued;
  {
    auto ctx = TestApp::Context(supervisor_);
    grpc::Status s = permits->CreatePermit(ctx.get(), create, &draft);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    v1::IssuePermitRequest issue;
    issue.set_name(draft.name());
    auto ctx = TestApp::Context(supervisor_);
    ASSERT_TRUE(permits->IssuePermit(ctx.get(), issue, &issued).ok());
  }

  v1::Case c = Reviewed("焦环移〔2026〕10号");
  At(Shanghai(2026, 3, 25));
  v1::NotifyPartyRequest notify;
  notify.set_name(c.name());
  v1::Notification* n = notify.mutable_notification();
  n->set_facts("通过暗管排放未经处理的废水，拒不改正。");
  v1::PenaltyItem revoke;
  revoke.set_kind(v1::PERMIT_REVOCATION);
  *n->add_proposed() = Fine(200000);
  *n->add_proposed() = revoke;
  n->set_legal_basis("《排污许可管理条例》第三十九条");
  n->set_rights("当事人有权进行陈述、申辩和要求听证。");
  *n->mutable_received_date() = Date(2026, 3, 23);
  Must(officer_, &v1::CaseService::Stub::NotifyParty, notify);
  v1::RecordPartyResponseRequest waive;
  waive.set_name(c.name());
  waive.set_kind(v1::PartyResponse::WAIVED);
  Must(officer_, &v1::CaseService::Stub::RecordPartyResponse, waive);
  // Revocation is a heavy decision: legal review and collective discussion first.
  v1::RecordReviewRequest review;
  review.set_name(c.name());
  review.set_conclusion("事实清楚，证据确凿，程序合法，同意吊销。");
  Must(supervisor_, &v1::CaseService::Stub::RecordLegalReview, review);
  Must(supervisor_, &v1::CaseService::Stub::RecordCollectiveDiscussion, review);
  v1::DecideCaseRequest decide;
  decide.set_name(c.name());
  decide.mutable_decision()->set_kind(v1::Decision::PENALTY);
  *decide.mutable_decision()->add_penalties() = Fine(200000);
  *decide.mutable_decision()->add_penalties() = revoke;
  decide.mutable_decision()->add_correction_orders("立即拆除暗管，停止违法排放");
  decide.mutable_decision()->set_legal_basis("《排污许可管理条例》第三十九条");
  Must(supervisor_, &v1::CaseService::Stub::DecideCase, decide);
  // Still in force until the decision is served.
  v1::GetPermitRequest get_permit;
  get_permit.set_name(issued.name());
  v1::Permit now_permit;
  {
    auto ctx = TestApp::Context(supervisor_);
    ASSERT_TRUE(permits->GetPermit(ctx.get(), get_permit, &now_permit).ok());
  }
  EXPECT_EQ(now_permit.state(), issued.state());
  v1::ServeDecisionRequest serve;
  serve.set_name(c.name());
  serve.mutable_service()->set_method(v1::Service::DIRECT);
  *serve.mutable_service()->mutable_served_date() = Date(2026, 3, 25);
  c = Must(officer_, &v1::CaseService::Stub::ServeDecision, serve);
  ASSERT_EQ(c.timeline(c.timeline_size() - 1).kind(), "REVOKE_PERMIT");
  {
    auto ctx = TestApp::Context(supervisor_);
    ASSERT_TRUE(permits->GetPermit(ctx.get(), get_permit, &now_permit).ok());
  }
  EXPECT_EQ(now_permit.state(), v1::Permit::REVOKED);
  EXPECT_THAT(now_permit.end_reason(), HasSubstr(c.case_number()));
}

TEST_F(CaseTest, TransferNeedsItsPackageSentBeforeCompletion) {
  v1::Case c = Reviewed("焦环移〔2026〕11号");
  v1::TransferCaseRequest transfer;
  transfer.set_name(c.name());
  transfer.mutable_transfer()->set_kind(v1::CaseTransfer::ADMINISTRATIVE_DETENTION);
  transfer.mutable_transfer()->set_receiving_body("焦作市公安局解放分局");
  v1::Case out;
  grpc::Status s = Call(supervisor_, &v1::CaseService::Stub::TransferCase, transfer, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("transfer.package"));
  for (const char* doc : {"案件移送审批表", "移送书", "案件调查报告", "证据材料"}) {
    transfer.mutable_transfer()->add_package(doc);
  }
  c = Must(supervisor_, &v1::CaseService::Stub::TransferCase, transfer);
  EXPECT_EQ(c.state(), v1::Case::TRANSFERRED);
  EXPECT_EQ(DateText(c.transfer().send_by_date()), "2026-03-05");
  EXPECT_EQ(DateText(c.clocks().transfer().due_date()), "2026-03-05");
  v1::CloseCaseRequest close;
  close.set_name(c.name());
  close.set_ground(v1::TRANSFER_COMPLETED);
  s = Call(supervisor_, &v1::CaseService::Stub::CloseCase, close, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("package"));
  // Late: the list shows it overdue until it is sent.
  At(Shanghai(2026, 3, 6));
  v1::ListCasesRequest overdue;
  overdue.set_overdue_only(true);
  EXPECT_EQ(List(supervisor_, overdue).cases_size(), 1);
  v1::RecordTransferSentRequest sent;
  sent.set_name(c.name());
  sent.set_receipt("焦公（解）受字〔2026〕17号");
  c = Must(officer_, &v1::CaseService::Stub::RecordTransferSent, sent);
  EXPECT_TRUE(c.clocks().transfer().overdue());  // sent late
  EXPECT_EQ(List(supervisor_, overdue).cases_size(), 0);
  c = Must(supervisor_, &v1::CaseService::Stub::CloseCase, close);
  EXPECT_EQ(c.state(), v1::Case::CLOSED);
}

TEST_F(CaseTest, PublicDecisionsWithoutSigningIn) {
  v1::Case fined = Reviewed("焦环移〔2026〕12号");
  At(Shanghai(2026, 3, 25));
  Notify(fined.name(), 10000, Date(2026, 3, 23));
  v1::RecordPartyResponseRequest waive;
  waive.set_name(fined.name());
  waive.set_kind(v1::PartyResponse::WAIVED);
  Must(officer_, &v1::CaseService::Stub::RecordPartyResponse, waive);
  v1::Case out;
  ASSERT_TRUE(Decide(fined.name(), 10000, &out).ok());
  // A no-penalty decision is not published.
  v1::Case lenient = Reviewed("焦环移〔2026〕13号");
  v1::DecideCaseRequest decide;
  decide.set_name(lenient.name());
  decide.mutable_decision()->set_kind(v1::Decision::NO_PENALTY);
  decide.mutable_decision()->set_reason("违法行为轻微并及时改正");
  Must(supervisor_, &v1::CaseService::Stub::DecideCase, decide);

  v1::ListPublicDecisionsResponse published;
  auto ctx = TestApp::Context("");
  grpc::Status s =
      cases_->ListPublicDecisions(ctx.get(), v1::ListPublicDecisionsRequest(), &published);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(published.decisions_size(), 1);
  const v1::PublicDecision& d = published.decisions(0);
  EXPECT_EQ(d.case_number(), out.case_number());
  EXPECT_EQ(d.party_name(), "焦作市某某热电有限公司");
  ASSERT_EQ(d.penalties_size(), 1);
  EXPECT_EQ(d.penalties(0).amount_fen(), 1'000'000);
  EXPECT_EQ(DateText(d.decision_date()), "2026-03-25");
}

TEST_F(CaseTest, AlertsFollowTheCaseAndTheOverdueSweepReportsOnce) {
  v1::Case c = Open(NewCase("焦环移〔2026〕14号"));
  EXPECT_THAT(AlertKinds(supervisor_), ElementsAre("CASE_OPENED"));
  // The filing clock (15 days from 03-02) runs out at the end of 03-17.
  At(Shanghai(2026, 3, 17, 23));
  EXPECT_EQ(SweepOverdue(), 0);
  At(Shanghai(2026, 3, 18));
  EXPECT_EQ(SweepOverdue(), 1);
  EXPECT_EQ(SweepOverdue(), 0);  // once
  EXPECT_THAT(AlertKinds(supervisor_), ElementsAre("CASE_OPENED", "CASE_OVERDUE"));
  // The enterprise hears nothing before it is notified.
  EXPECT_TRUE(AlertKinds(plant_).empty());

  Assign(c.name(), "users/off.a");
  Assign(c.name(), "users/off.b");
  v1::Case filed;
  ASSERT_TRUE(File(c.name(), &filed).ok());
  v1::StartInvestigationRequest start;
  start.set_name(c.name());
  Must(officer_, &v1::CaseService::Stub::StartInvestigation, start);
  v1::AttachCaseEvidenceRequest attach;
  attach.set_name(c.name());
  attach.set_evidence(Evidence(c.name(), "photo of the revoked permit's case"));
  Must(officer_, &v1::CaseService::Stub::AttachCaseEvidence, attach);
  v1::SubmitForReviewRequest submit;
  submit.set_name(c.name());
  Must(officer_, &v1::CaseService::Stub::SubmitForReview, submit);
  Notify(c.name(), 10000, Date(2026, 3, 18));
  EXPECT_THAT(AlertKinds(plant_), ElementsAre("CASE_NOTIFIED"));
  EXPECT_THAT(AlertKinds(other_), ::testing::IsEmpty());
  EXPECT_THAT(AlertKinds(supervisor_),
              ElementsAre("CASE_OPENED", "CASE_OVERDUE", "CASE_FILED", "CASE_NOTIFIED"));
}

TEST_F(CaseTest, ACaseCitesOnlyStoredEvidenceAndSignedInspectionRecords) {
  v1::Case c = Open(NewCase("豫环移〔2026〕77号"));
  Assign(c.name(), "users/off.a");
  Assign(c.name(), "users/off.b");
  v1::Case out;
  ASSERT_TRUE(File(c.name(), &out).ok());
  v1::StartInvestigationRequest start;
  start.set_name(c.name());
  Must(officer_, &v1::CaseService::Stub::StartInvestigation, start);
  auto attach = [&](const std::string& ref) {
    v1::AttachCaseEvidenceRequest r;
    r.set_name(c.name());
    r.set_evidence(ref);
    return Call(officer_, &v1::CaseService::Stub::AttachCaseEvidence, r, &out);
  };
  EXPECT_EQ(attach("evidence/999999").error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status s = attach(Evidence(c.name(), "half a photo", /*complete=*/false));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("UPLOADING"));

  // An inspection record is evidence once its officers and the party signed it.
  v1::CreateInspectionRecordRequest create;
  v1::InspectionRecord* record = create.mutable_record();
  record->set_kind(v1::InspectionRecord::ON_SITE_INSPECTION);
  record->set_enterprise(absl::StrCat("enterprises/", kPlant));
  record->set_party_name("焦作市某某热电有限公司");
  record->set_person_present("王五");
  record->set_place("1号锅炉烟囱");
  *record->mutable_start_time() = api::ToTimestamp(app_->clock().Now() - absl::Hours(2));
  *record->mutable_end_time() = api::ToTimestamp(app_->clock().Now() - absl::Hours(1));
  for (const char* officer : {"users/off.a", "users/off.b"}) {
    v1::InspectionOfficer* o = record->add_officers();
    o->set_user(officer);
    o->set_credentials_shown(true);
  }
  record->set_findings("脱硫设施停运。");
  v1::InspectionRecord drafted;
  auto ctx = TestApp::Context(officer_);
  s = inspections_->CreateInspectionRecord(ctx.get(), create, &drafted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = attach(drafted.name());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("draft"));
  v1::InspectionRecord signed_record;
  v1::SignInspectionRecordRequest sign;
  sign.set_name(drafted.name());
  ctx = TestApp::Context(officer_);
  ASSERT_TRUE(inspections_->SignInspectionRecord(ctx.get(), sign, &signed_record).ok());
  sign.mutable_party_signature()->set_name("王五");
  ctx = TestApp::Context(app_->Login("off.b", Password("off.b")));
  s = inspections_->SignInspectionRecord(ctx.get(), sign, &signed_record);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(signed_record.state(), v1::InspectionRecord::SIGNED);
  s = attach(drafted.name());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(out.evidence(), ::testing::Contains(drafted.name()));
}

}  // namespace
}  // namespace ecocase
