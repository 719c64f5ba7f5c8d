// The exceedance and missing-data evaluation end to end on a real MariaDB (issue 7): a
// simulated day of one outlet — known exceedance hours, missing hours, an accepted and a
// rejected maintenance mark, a limit change at midnight, late data — judged by the real
// evaluator into exactly the hand-computed incidents, tasks and alerts, read back through
// IncidentService with each role's scope.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "domain/evaluation/data_mark.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/incident.grpc.pb.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "evaluation/monitoring_evaluator.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/mysql_data_mark_repository.h"
#include "storage/mysql/mysql_evaluation_repository.h"
#include "storage/mysql/mysql_incident_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "storage/mysql/mysql_reading_repository.h"
#include "storage/mysql/mysql_task_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/test_app.h"

namespace ecocase {
namespace {

using domain::monitoring::Reading;
using domain::monitoring::ReadingKind;
using ::ecocase::testing::TestApp;
using ::testing::DoubleNear;
using ::testing::HasSubstr;

constexpr char kPlant[] = "91410800MA44TE5T0P";
constexpr char kOther[] = "91410800MA44TF7W2J";
constexpr char kMn[] = "41080200000001";

// The Asia/Shanghai instant of a civil time. The simulated day D is 2026-11-10.
absl::Time Beijing(int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, d, hh, mm, 0), absl::FixedTimeZone(8 * 3600));
}
absl::Time D(int hh, int mm = 0) { return Beijing(10, hh, mm); }

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}
absl::Time FromTs(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

v1::PermitLimit So2Limit(double value) {
  v1::PermitLimit l;
  l.set_outlet_code("DA001");
  l.set_pollutant_code("a21026");
  l.set_concentration_limit(value);
  l.set_concentration_unit("mg/m3");
  l.set_averaging_window(v1::AVERAGING_WINDOW_HOUR);
  l.set_reference_o2_percent(6);  // GB 13223-2011, coal-fired boiler
  l.set_standard("GB 13223-2011");
  return l;
}

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The application's own sweep is kept out of the way: the test runs its evaluator.
    app_ = TestApp::Start("eval", [](app::ApplicationOptions& o) {
      o.evaluation_interval = absl::Hours(24 * 365);
      o.monitoring.hj212_enabled = false;
    });
    ASSERT_NE(app_, nullptr);
    app_->clock().Set(Beijing(9, 10));
    admin_ = app_->AdminToken();
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410803", "焦作市某某水泥有限公司");
    app_->CreateOutlet(kPlant, "DA001", {"a21026", "a19001"});
    supervisor_ = app_->CreateUserAndLogin("sup.eval", v1::ROLE_SUPERVISOR, {"410800"});
    officer_ = app_->CreateUserAndLogin("off.jiefang", v1::ROLE_OFFICER, {"410802"});
    officer_elsewhere_ = app_->CreateUserAndLogin("off.qinyang", v1::ROLE_OFFICER, {"410882"});
    enterprise_ = app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    other_ = app_->CreateUserAndLogin("ent.other", v1::ROLE_ENTERPRISE, {}, kOther);
    incidents_ = v1::IncidentService::NewStub(app_->channel());
    tasks_stub_ = v1::TaskService::NewStub(app_->channel());

    // The permit: SO2 200 mg/m3 from issue (D-1 10:00), 100 mg/m3 from midnight of D.
    auto permits = v1::PermitService::NewStub(app_->channel());
    v1::CreatePermitRequest create;
    create.set_parent(absl::StrCat("enterprises/", kPlant));
    v1::Permit* p = create.mutable_permit();
    p->set_permit_number(absl::StrCat(kPlant, "001P"));
    p->mutable_valid_from()->set_year(2026);
    p->mutable_valid_from()->set_month(3);
    p->mutable_valid_from()->set_day(1);
    p->mutable_valid_until()->set_year(2031);
    p->mutable_valid_until()->set_month(2);
    p->mutable_valid_until()->set_day(28);
    *p->add_limits() = So2Limit(200);
    v1::Permit draft, issued, changed;
    auto c1 = TestApp::Context(supervisor_);
    ASSERT_TRUE(permits->CreatePermit(c1.get(), create, &draft).ok());
    v1::IssuePermitRequest issue;
    issue.set_name(draft.name());
    auto c2 = TestApp::Context(supervisor_);
    ASSERT_TRUE(permits->IssuePermit(c2.get(), issue, &issued).ok());
    v1::ChangePermitRequest change;
    change.set_name(issued.name());
    *change.add_limits() = So2Limit(100);
    *change.mutable_effective_time() = Ts(D(0));
    change.set_note("焦环许变〔2026〕7号");
    auto c3 = TestApp::Context(supervisor_);
    grpc::Status s = permits->ChangePermit(c3.get(), change, &changed);
    ASSERT_TRUE(s.ok()) << s.error_message();

    auto registry = v1::EnterpriseService::NewStub(app_->channel());
    v1::BindDeviceRequest bind;
    bind.set_outlet(absl::StrCat("enterprises/", kPlant, "/outlets/DA001"));
    bind.set_mn(kMn);
    bind.set_device_password("123456");
    v1::Device device;
    auto c4 = TestApp::Context(admin_);
    s = registry->BindDevice(c4.get(), bind, &device);
    ASSERT_TRUE(s.ok()) << s.error_message();
    outlet_id_ = app_->schema().QueryInt("SELECT id FROM outlet WHERE code = 'DA001'");

    pool_ = std::make_unique<storage::mysql::ConnectionPool>(app_->schema().options());
    readings_ = std::make_unique<storage::mysql::MysqlReadingRepository>(*pool_);
    evaluation_repo_ = std::make_unique<storage::mysql::MysqlEvaluationRepository>(*pool_);
    incident_repo_ = std::make_unique<storage::mysql::MysqlIncidentRepository>(*pool_);
    marks_ = std::make_unique<storage::mysql::MysqlDataMarkRepository>(*pool_);
    tasks_ = std::make_unique<storage::mysql::MysqlTaskRepository>(*pool_);
    alerts_ = std::make_unique<storage::mysql::MysqlAlertRepository>(*pool_);
    mutations_ = std::make_unique<storage::mysql::MysqlMutationRunner>(*pool_, eval_clock_);
    auto calendar = domain::DefaultWorkingCalendar();
    ASSERT_TRUE(calendar.ok());
    calendar_ = std::make_unique<domain::WorkingCalendar>(*calendar);
    evaluator_ = std::make_unique<evaluation::MonitoringEvaluator>(
        *evaluation_repo_, *incident_repo_, *marks_, *tasks_, *alerts_, *mutations_, *calendar_,
        eval_clock_, evaluation::EvaluationOptions{});
  }

  // Minute means of SO2 (raw, as measured) and O2 for the hour starting at `hour`,
  // received a minute after each minute ends, or at `received` when given (late data).
  void Hour(absl::Time hour, double so2, double o2, std::optional<absl::Time> received = {}) {
    std::vector<storage::ReadingRow> rows;
    for (int m = 0; m < 60; ++m) {
      for (auto [code, value] : {std::pair<const char*, double>{"a21026", so2}, {"a19001", o2}}) {
        storage::ReadingRow row;
        row.reading.mn = kMn;
        row.reading.pollutant = code;
        row.reading.kind = ReadingKind::kMinute;
        row.reading.data_time = hour + absl::Minutes(m);
        row.reading.value = value;
        row.outlet_id = outlet_id_;
        row.receive_time = received.value_or(hour + absl::Minutes(m + 1));
        rows.push_back(row);
      }
    }
    ASSERT_TRUE(readings_->Insert(rows).ok());
  }

  // A maintenance mark of the enterprise over [from, to), accepted or rejected by the officer.
  void Mark(absl::Time from, absl::Time to, bool accept) {
    absl::Status s =
        storage::mysql::RunInTransaction(*pool_, "test_mark", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          domain::evaluation::DataMark mark;
          mark.enterprise_uscc = kPlant;
          mark.outlet_code = "DA001";
          mark.type = domain::evaluation::DataMarkType::kMaintenance;
          mark.start = from;
          mark.end = to;
          mark.reason = "脱硫系统计划检修";
          domain::evaluation::Submit(mark, "users/ent.plant", app_->clock().Now());
          auto stored = marks_->Create(tx, storage::Scope::All(), mark, app_->clock().Now());
          if (!stored.ok()) return stored.status();
          return marks_
              ->Update(
                  tx, storage::Scope::All(), stored->id, 0,
                  [&](domain::evaluation::DataMark& m) {
                    return accept ? domain::evaluation::Accept(m, "users/off.jiefang", "", from)
                                  : domain::evaluation::Reject(m, "users/off.jiefang",
                                                               "检修未按规定提前报备", from);
                  },
                  app_->clock().Now())
              .status();
        });
    ASSERT_TRUE(s.ok()) << s;
  }

  evaluation::EvaluationStats Evaluate(absl::Time at) {
    eval_clock_.Set(at);
    auto stats = evaluator_->RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : evaluation::EvaluationStats{};
  }

  std::vector<v1::Incident> List(const std::string& token, v1::Incident::Kind kind,
                                 grpc::StatusCode expect = grpc::StatusCode::OK) {
    v1::ListIncidentsRequest request;
    request.set_kind(kind);
    request.set_include_withdrawn(true);
    v1::ListIncidentsResponse response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = incidents_->ListIncidents(ctx.get(), request, &response);
    EXPECT_EQ(s.error_code(), expect) << s.error_message();
    // Oldest first reads like the day.
    std::vector<v1::Incident> out(response.incidents().rbegin(), response.incidents().rend());
    return out;
  }

  v1::Incident Get(const std::string& token, const std::string& name,
                   grpc::StatusCode expect = grpc::StatusCode::OK) {
    v1::GetIncidentRequest request;
    request.set_name(name);
    v1::Incident incident;
    auto ctx = TestApp::Context(token);
    grpc::Status s = incidents_->GetIncident(ctx.get(), request, &incident);
    EXPECT_EQ(s.error_code(), expect) << s.error_message();
    return incident;
  }

  // Alerts of `kind` about incidents of `incident_kind` (all kinds when empty).
  int64_t Alerts(const std::string& kind, const std::string& incident_kind = "") {
    return app_->schema().QueryInt(absl::StrCat(
        "SELECT COUNT(*) FROM alert_event a LEFT JOIN incident i ON a.resource = "
        "CONCAT('incidents/', i.id) WHERE a.kind = '",
        kind, "'",
        incident_kind.empty() ? "" : absl::StrCat(" AND i.kind = '", incident_kind, "'")));
  }

  // Moves the application's clock and signs everyone in again (tokens live 8 hours).
  void Travel(absl::Time t) {
    app_->clock().Set(t);
    officer_ = app_->Login("off.jiefang", "password-off.jiefang");
    officer_elsewhere_ = app_->Login("off.qinyang", "password-off.qinyang");
    supervisor_ = app_->Login("sup.eval", "password-sup.eval");
    enterprise_ = app_->Login("ent.plant", "password-ent.plant");
    other_ = app_->Login("ent.other", "password-ent.other");
  }

  std::unique_ptr<TestApp> app_;
  std::string admin_, supervisor_, officer_, officer_elsewhere_, enterprise_, other_;
  std::unique_ptr<v1::IncidentService::Stub> incidents_;
  std::unique_ptr<v1::TaskService::Stub> tasks_stub_;
  int64_t outlet_id_ = 0;
  common::FakeClock eval_clock_{absl::UnixEpoch()};
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<storage::mysql::MysqlReadingRepository> readings_;
  std::unique_ptr<storage::mysql::MysqlEvaluationRepository> evaluation_repo_;
  std::unique_ptr<storage::mysql::MysqlIncidentRepository> incident_repo_;
  std::unique_ptr<storage::mysql::MysqlDataMarkRepository> marks_;
  std::unique_ptr<storage::mysql::MysqlTaskRepository> tasks_;
  std::unique_ptr<storage::mysql::MysqlAlertRepository> alerts_;
  std::unique_ptr<storage::mysql::MysqlMutationRunner> mutations_;
  std::unique_ptr<domain::WorkingCalendar> calendar_;
  std::unique_ptr<evaluation::MonitoringEvaluator> evaluator_;
};

// SO2 raw 120 at 9 % O2 is 120 × (21−6)/(21−9) = 150 mg/m3 at the reference 6 %: within the
// 200 limit before midnight, above the 100 limit from midnight. Raw 60 → 75 and raw 40 → 50
// are compliant; raw 160 → 200 is twice the limit.
TEST_F(EvaluationTest, SimulatedDayYieldsExactlyTheHandComputedIncidentsTasksAndAlerts) {
  // D-1 from noon (the first day judged starts 24 hours back; limit 200), then the first
  // hours of D (limit 100).
  for (int h = 12; h < 24; ++h) Hour(Beijing(9, h), 120, 9);
  for (int h = 0; h < 3; ++h) Hour(D(h), 120, 9);  // 3 exceedance hours (the new limit)
  for (int h = 3; h < 5; ++h) Hour(D(h), 60, 9);   // 2 compliant hours close it at 04:00
  // 05:00-07:59 nothing: missing. 08:00-09:59 an accepted maintenance mark over high values.
  Mark(D(8), D(10), /*accept=*/true);
  for (int h = 8; h < 10; ++h) Hour(D(h), 300, 9);

  // Judged at 12:10: hours through 11:00. 10:00 and 11:00 have no data yet: missing too.
  evaluation::EvaluationStats first = Evaluate(D(12, 10));
  EXPECT_EQ(first.tasks_issued, 1);
  std::vector<v1::Incident> exceed = List(officer_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(exceed.size(), 1u);
  EXPECT_EQ(exceed[0].state(), v1::Incident::CLOSED);
  EXPECT_EQ(FromTs(exceed[0].first_bad_window()), D(0));
  EXPECT_EQ(FromTs(exceed[0].last_bad_window()), D(2));
  EXPECT_EQ(exceed[0].bad_windows(), 3);
  EXPECT_THAT(exceed[0].peak_value(), DoubleNear(150, 1e-9));
  EXPECT_THAT(exceed[0].peak_limit(), DoubleNear(100, 1e-9));
  EXPECT_THAT(exceed[0].peak_ratio(), DoubleNear(1.5, 1e-9));
  EXPECT_EQ(FromTs(exceed[0].closing_window()), D(4));
  EXPECT_FALSE(exceed[0].task().empty());
  EXPECT_THAT(exceed[0].rule_version(), HasSubstr("means/1;judge/1;"));

  std::vector<v1::Incident> missing = List(officer_, v1::Incident::MISSING_DATA);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].state(), v1::Incident::OPEN);
  EXPECT_EQ(FromTs(missing[0].first_bad_window()), D(5));
  EXPECT_EQ(FromTs(missing[0].last_bad_window()), D(11));
  EXPECT_EQ(missing[0].bad_windows(), 5);  // 05, 06, 07, 10, 11 (08-09 marked)

  // The enterprise's permit status shows what is open: the missing data and, silent since
  // 10:00, its device.
  auto permits = v1::PermitService::NewStub(app_->channel());
  v1::GetPermitStatusRequest status_request;
  status_request.set_enterprise(absl::StrCat("enterprises/", kPlant));
  v1::PermitStatus status;
  auto status_ctx = TestApp::Context(enterprise_);
  ASSERT_TRUE(permits->GetPermitStatus(status_ctx.get(), status_request, &status).ok());
  ASSERT_EQ(status.open_incidents_size(), 2);
  EXPECT_EQ(status.open_incidents(1).name(), missing[0].name());
  EXPECT_EQ(status.open_incidents(0).kind(), v1::Incident::DEVICE_OFFLINE);
  EXPECT_EQ(status.open_tasks(), 1);

  // The incident keeps every window and how it was computed, as a case needs it.
  v1::Incident detail = Get(officer_, exceed[0].name());
  ASSERT_EQ(detail.windows_size(), 5);  // 00, 01, 02 exceed; 03, 04 compliant
  EXPECT_EQ(detail.windows(0).verdict(), v1::IncidentWindow::EXCEEDANCE);
  EXPECT_EQ(detail.windows(0).valid_count(), 60);
  EXPECT_THAT(detail.windows(0).detail(), HasSubstr("O2=9%"));
  EXPECT_EQ(detail.windows(4).verdict(), v1::IncidentWindow::COMPLIANT);
  EXPECT_THAT(detail.windows(4).value(), DoubleNear(75, 1e-9));
  v1::Incident missing_detail = Get(officer_, missing[0].name());
  int excluded = 0;
  for (const auto& w : missing_detail.windows()) {
    excluded += w.verdict() == v1::IncidentWindow::EXCLUDED;
  }
  EXPECT_EQ(excluded, 2);

  // The task: issued once, to the plant, from the incident.
  v1::GetTaskRequest get_task;
  get_task.set_name(exceed[0].task());
  v1::Task task;
  auto ctx = TestApp::Context(enterprise_);
  ASSERT_TRUE(tasks_stub_->GetTask(ctx.get(), get_task, &task).ok());
  EXPECT_EQ(task.source_kind(), v1::Task::EXCEEDANCE_INCIDENT);
  EXPECT_EQ(task.source(), exceed[0].name());
  EXPECT_EQ(task.state(), v1::Task::ISSUED);

  // Judging again with nothing new changes nothing: no alert, no task, no new version.
  const int64_t alerts_before = app_->schema().QueryInt("SELECT COUNT(*) FROM alert_event");
  evaluation::EvaluationStats again = Evaluate(D(12, 20));
  EXPECT_EQ(again.opened + again.updated + again.closed + again.withdrawn, 0);
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM alert_event"), alerts_before);
  EXPECT_EQ(Get(officer_, exceed[0].name()).etag(), exceed[0].etag());

  // Late data for 10:00 and 11:00 (compliant) closes the missing-data incident at 11:00,
  // with its bad hours back to 3.
  Hour(D(10), 40, 9, D(12, 30));
  Hour(D(11), 40, 9, D(12, 30));
  Evaluate(D(12, 40));
  missing = List(officer_, v1::Incident::MISSING_DATA);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].state(), v1::Incident::CLOSED);
  EXPECT_EQ(missing[0].bad_windows(), 3);
  EXPECT_EQ(FromTs(missing[0].closing_window()), D(11));

  // The rest of the day: a rejected mark does not hide 12:00-13:59 at raw 160 (→ 200).
  Mark(D(12), D(14), /*accept=*/false);
  for (int h = 12; h < 14; ++h) Hour(D(h), 160, 9);
  for (int h = 14; h < 24; ++h) Hour(D(h), 40, 9);
  evaluation::EvaluationStats rest = Evaluate(Beijing(11, 0, 10));
  EXPECT_EQ(rest.tasks_issued, 1);
  exceed = List(officer_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(exceed.size(), 2u);
  EXPECT_EQ(FromTs(exceed[1].first_bad_window()), D(12));
  EXPECT_EQ(exceed[1].bad_windows(), 2);
  EXPECT_THAT(exceed[1].peak_ratio(), DoubleNear(2.0, 1e-9));
  EXPECT_EQ(FromTs(exceed[1].closing_window()), D(15));
  EXPECT_NE(exceed[1].task(), exceed[0].task());
  EXPECT_EQ(List(officer_, v1::Incident::MISSING_DATA).size(), 1u);

  // Exactly two tasks, and an alert for each opening, closing and task.
  EXPECT_EQ(
      app_->schema().QueryInt(
          "SELECT COUNT(*) FROM rectification_task WHERE source_kind = 'EXCEEDANCE_INCIDENT'"),
      2);
  EXPECT_EQ(Alerts("INCIDENT_OPENED", "EXCEEDANCE"), 2);
  EXPECT_EQ(Alerts("INCIDENT_CLOSED", "EXCEEDANCE"), 2);
  EXPECT_EQ(Alerts("INCIDENT_OPENED", "MISSING_DATA"), 1);
  EXPECT_EQ(Alerts("INCIDENT_CLOSED", "MISSING_DATA"), 1);
  EXPECT_EQ(Alerts("TASK_ISSUED"), 2);
  EXPECT_EQ(Alerts("INCIDENT_WITHDRAWN"), 0);
  // The device fell silent from 10:00 (the last marked hour) until the late data at 12:30.
  std::vector<v1::Incident> offline = List(officer_, v1::Incident::DEVICE_OFFLINE);
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].state(), v1::Incident::CLOSED);
}

TEST_F(EvaluationTest, AMarkAcceptedAfterJudgementWithdrawsWhatItCovers) {
  for (int h = 0; h < 2; ++h) Hour(D(h), 160, 9);  // 200: twice the limit
  for (int h = 2; h < 4; ++h) Hour(D(h), 40, 9);
  Evaluate(D(4, 10));
  std::vector<v1::Incident> exceed = List(officer_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(exceed.size(), 1u);
  ASSERT_EQ(exceed[0].state(), v1::Incident::CLOSED);

  // The officer accepts a start-up mark for those hours: they are judged again and the
  // incident is withdrawn (kept for the record), with an alert.
  Mark(D(0), D(2), /*accept=*/true);
  evaluation::EvaluationStats stats = Evaluate(D(4, 20));
  EXPECT_EQ(stats.withdrawn, 1);
  exceed = List(officer_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(exceed.size(), 1u);
  EXPECT_EQ(exceed[0].state(), v1::Incident::WITHDRAWN);
  EXPECT_EQ(Alerts("INCIDENT_WITHDRAWN"), 1);
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM evaluation_request"), 0);
  // Its task, not yet acknowledged, is cancelled with the reason.
  EXPECT_EQ(app_->schema().QueryString(absl::StrCat(
                "SELECT state FROM rectification_task WHERE source = '", exceed[0].name(), "'")),
            "CANCELLED");
  EXPECT_EQ(Alerts("TASK_CHANGED"), 1);
}

TEST_F(EvaluationTest, EachRoleSeesOnlyItsOwnIncidentsAndOnlyTheEnterpriseExplains) {
  for (int h = 0; h < 2; ++h) Hour(D(h), 160, 9);
  Evaluate(D(2, 10));
  std::vector<v1::Incident> mine = List(enterprise_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(mine.size(), 1u);
  const std::string name = mine[0].name();
  EXPECT_EQ(List(supervisor_, v1::Incident::EXCEEDANCE).size(), 1u);
  EXPECT_EQ(List(officer_, v1::Incident::EXCEEDANCE).size(), 1u);
  EXPECT_TRUE(List(officer_elsewhere_, v1::Incident::EXCEEDANCE).empty());
  EXPECT_TRUE(List(other_, v1::Incident::EXCEEDANCE).empty());
  Get(other_, name, grpc::StatusCode::NOT_FOUND);
  Get(officer_elsewhere_, name, grpc::StatusCode::NOT_FOUND);

  auto explain = [&](const std::string& token, const std::string& text,
                     const std::string& request_id) {
    v1::ExplainIncidentRequest request;
    request.set_name(name);
    request.set_explanation(text);
    request.set_request_id(request_id);
    v1::Incident out;
    auto ctx = TestApp::Context(token);
    return incidents_->ExplainIncident(ctx.get(), request, &out).error_code();
  };
  // Within the 72-hour window (the service reads the application's clock).
  Travel(D(3));
  EXPECT_EQ(explain(other_, "不是我们的", "r0"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(explain(officer_, "代为说明", "r1"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(explain(enterprise_, "", "r2"), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(explain(enterprise_, "脱硫塔浆液循环泵故障，已更换备用泵", "r3"), grpc::StatusCode::OK);
  EXPECT_EQ(explain(enterprise_, "脱硫塔浆液循环泵故障，已更换备用泵", "r3"), grpc::StatusCode::OK);
  EXPECT_EQ(explain(enterprise_, "再说明一次", "r4"), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Get(officer_, name).explanation(), "脱硫塔浆液循环泵故障，已更换备用泵");
}

TEST_F(EvaluationTest, UnexplainedExceedancesBecomeCaseCandidatesAfterTheWindow) {
  for (int h = 0; h < 2; ++h) Hour(D(h), 160, 9);
  Evaluate(D(2, 10));
  EXPECT_EQ(Evaluate(D(2, 10) + absl::Hours(71)).case_candidates, 0);
  EXPECT_EQ(Evaluate(D(2, 10) + absl::Hours(73)).case_candidates, 1);
  std::vector<v1::Incident> exceed = List(supervisor_, v1::Incident::EXCEEDANCE);
  ASSERT_EQ(exceed.size(), 1u);
  EXPECT_TRUE(exceed[0].case_candidate());
  // Too late to explain now.
  Travel(D(2, 10) + absl::Hours(80));
  v1::ExplainIncidentRequest request;
  request.set_name(exceed[0].name());
  request.set_explanation("补充说明");
  v1::Incident out;
  auto ctx = TestApp::Context(enterprise_);
  EXPECT_EQ(incidents_->ExplainIncident(ctx.get(), request, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EvaluationTest, ASilentDeviceOpensAnOfflineIncidentThatClosesWhenItSpeaks) {
  // Bound at D-1 10:00 and never heard from: offline after an hour.
  evaluation::EvaluationStats stats = Evaluate(Beijing(9, 10, 30));
  EXPECT_EQ(List(officer_, v1::Incident::DEVICE_OFFLINE).size(), 0u);
  stats = Evaluate(Beijing(9, 12));
  std::vector<v1::Incident> offline = List(officer_, v1::Incident::DEVICE_OFFLINE);
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].state(), v1::Incident::OPEN);
  EXPECT_EQ(offline[0].mn(), kMn);
  Evaluate(Beijing(9, 12, 30));  // still offline: nothing new
  EXPECT_EQ(Alerts("INCIDENT_OPENED", "DEVICE_OFFLINE"), 1);
  Hour(Beijing(9, 12), 40, 9);
  Evaluate(Beijing(9, 13, 5));
  offline = List(officer_, v1::Incident::DEVICE_OFFLINE);
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].state(), v1::Incident::CLOSED);
  EXPECT_EQ(Alerts("INCIDENT_CLOSED", "DEVICE_OFFLINE"), 1);
}

}  // namespace
}  // namespace ecocase
