// DataMarkService against the real database through the real Application: the enterprise
// marks a period of its outlet, an officer of the district accepts or rejects it or the
// enterprise takes it back; accepting asks the evaluator to judge the covered hours again
// (evaluation_request rows); idempotent retries, etags, scope per role (BOLA), list filters
// and the evaluator's ListAccepted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/regulatory_time.h"
#include "ecocase/v1/data_mark.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_data_mark_repository.h"
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
absl::Time Beijing(int y, int m, int d, int hh = 0, int mm = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, hh, mm, 0));
}

std::string PlantOutlet(const std::string& code = "DA001") {
  return absl::StrCat("enterprises/", kPlant, "/outlets/", code);
}

// The field named by an INVALID_ARGUMENT's BadRequest, or "".
std::string ViolatedField(const grpc::Status& s) {
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return "";
  google::rpc::BadRequest bad;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

class DataMarkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The clock stands at Monday 2026-03-02 09:00 Beijing. The sweeps (the evaluation
    // consumes evaluation_request rows) stay out of the way after their first run.
    app_ = TestApp::Start("marks",
                          [](app::ApplicationOptions& o) { o.sweep_tick = absl::Minutes(9); });
    ASSERT_NE(app_, nullptr);
    marks_ = v1::DataMarkService::NewStub(app_->channel());
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410803", "焦作市某某水泥有限公司");
    app_->CreateOutlet(kPlant, "DA001", {"a21026", "a21002"});
    app_->CreateOutlet(kPlant, "DA002", {"a34013"});
    app_->CreateOutlet(kOther, "DA001", {"a34013"});
    officer_a_ = app_->CreateUserAndLogin("off.a", v1::ROLE_OFFICER, {"410802"});
    officer_c_ = app_->CreateUserAndLogin("off.c", v1::ROLE_OFFICER, {"410803"});
    supervisor_ = app_->CreateUserAndLogin("sup", v1::ROLE_SUPERVISOR, {"410800"});
    hotline_ = app_->CreateUserAndLogin("hot", v1::ROLE_HOTLINE_OPERATOR, {"410800"});
    plant_ = app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    other_ = app_->CreateUserAndLogin("ent.other", v1::ROLE_ENTERPRISE, {}, kOther);
  }

  // A fault of SO2 at DA001 on Sunday 2026-03-01 08:00-10:30 Beijing.
  static v1::DataMark Fault() {
    v1::DataMark m;
    m.set_pollutant("a21026");
    m.set_type(v1::DataMark::FAULT);
    *m.mutable_start_time() = api::ToTimestamp(Beijing(2026, 3, 1, 8));
    *m.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 1, 10, 30));
    m.set_reason("二氧化硫分析仪采样泵故障，已于10:30更换恢复。");
    m.add_evidence("运维记录 YW-2026-0301");
    m.add_evidence("故障照片 IMG_0301_0812");
    return m;
  }

  grpc::Status Create(const std::string& token, const std::string& parent, const v1::DataMark& mark,
                      v1::DataMark* out, const std::string& request_id = "") {
    v1::CreateDataMarkRequest request;
    request.set_parent(parent);
    *request.mutable_data_mark() = mark;
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return marks_->CreateDataMark(ctx.get(), request, out);
  }

  // The plant marks `mark` at DA001; fails the test otherwise.
  v1::DataMark CreatePlantMark(const v1::DataMark& mark = Fault()) {
    v1::DataMark out;
    grpc::Status s = Create(plant_, PlantOutlet(), mark, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Review(const std::string& token, const v1::DataMark& mark, bool accept,
                      const std::string& reason, v1::DataMark* out,
                      const std::string& request_id = "") {
    v1::ReviewDataMarkRequest request;
    request.set_name(mark.name());
    request.set_decision(accept ? v1::ReviewDataMarkRequest::ACCEPT
                                : v1::ReviewDataMarkRequest::REJECT);
    request.set_reason(reason);
    request.set_etag(mark.etag());
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return marks_->ReviewDataMark(ctx.get(), request, out);
  }

  grpc::Status Withdraw(const std::string& token, const v1::DataMark& mark, v1::DataMark* out) {
    v1::WithdrawDataMarkRequest request;
    request.set_name(mark.name());
    request.set_etag(mark.etag());
    auto ctx = TestApp::Context(token);
    return marks_->WithdrawDataMark(ctx.get(), request, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::DataMark* out) {
    v1::GetDataMarkRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return marks_->GetDataMark(ctx.get(), request, out);
  }

  std::vector<std::string> ListNames(const std::string& token,
                                     const v1::ListDataMarksRequest& request) {
    v1::ListDataMarksResponse out;
    auto ctx = TestApp::Context(token);
    grpc::Status s = marks_->ListDataMarks(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const v1::DataMark& m : out.data_marks()) names.push_back(m.name());
    return names;
  }

  int64_t Count(const std::string& sql) { return app_->schema().QueryInt(sql); }

  int64_t AuditCount(const std::string& resource, const std::string& action = "") {
    return Count(absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE resource = '", resource, "'",
                              action.empty() ? "" : absl::StrCat(" AND action = '", action, "'")));
  }

  // The UTC hours requested for re-evaluation, "YYYY-MM-DD HH:MM:SS" in order.
  std::vector<std::string> RequestedHours() {
    std::vector<std::string> hours;
    const int64_t n = Count("SELECT COUNT(*) FROM evaluation_request");
    for (int64_t i = 0; i < n; ++i) {
      hours.push_back(app_->schema().QueryString(absl::StrCat(
          "SELECT DATE_FORMAT(hour_start, '%Y-%m-%d %H:%i:%s') FROM evaluation_request "
          "ORDER BY outlet_id, hour_start LIMIT 1 OFFSET ",
          i)));
    }
    return hours;
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::DataMarkService::Stub> marks_;
  std::string officer_a_, officer_c_, supervisor_, hotline_, plant_, other_;
};

// --- Lifecycle -------------------------------------------------------------------------------

TEST_F(DataMarkTest, AcceptedMarkRequestsItsHoursForReEvaluation) {
  v1::DataMark created = CreatePlantMark();
  EXPECT_EQ(created.state(), v1::DataMark::PENDING);
  EXPECT_EQ(created.outlet(), PlantOutlet());
  EXPECT_EQ(created.enterprise(), absl::StrCat("enterprises/", kPlant));
  EXPECT_EQ(created.created_by(), "users/ent.plant");
  EXPECT_THAT(created.evidence(), ElementsAre("运维记录 YW-2026-0301", "故障照片 IMG_0301_0812"));
  EXPECT_EQ(created.etag(), "v1");
  EXPECT_FALSE(created.has_review_time());
  // Pending marks exclude nothing: no hour is judged again yet.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM evaluation_request"), 0);

  app_->clock().Advance(absl::Hours(2));
  v1::DataMark accepted;
  grpc::Status s = Review(officer_a_, created, /*accept=*/true, "", &accepted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(accepted.state(), v1::DataMark::ACCEPTED);
  EXPECT_EQ(accepted.reviewed_by(), "users/off.a");
  EXPECT_EQ(api::FromTimestamp(accepted.review_time()), app_->clock().Now());
  EXPECT_NE(accepted.etag(), created.etag());
  // 08:00-10:30 Beijing touches the hours 08, 09 and 10: UTC 00, 01 and 02.
  EXPECT_THAT(RequestedHours(),
              ElementsAre("2026-03-01 00:00:00", "2026-03-01 01:00:00", "2026-03-01 02:00:00"));
  EXPECT_EQ(Count(absl::StrCat(
                "SELECT COUNT(*) FROM evaluation_request r JOIN outlet o ON o.id = r.outlet_id "
                "JOIN enterprise e ON e.id = o.enterprise_id WHERE o.code = 'DA001' AND e.uscc = '",
                kPlant, "'")),
            3);

  // The enterprise reads what the officer decided.
  v1::DataMark read;
  ASSERT_TRUE(Get(plant_, created.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::DataMark::ACCEPTED);
  EXPECT_EQ(read.etag(), accepted.etag());
  EXPECT_EQ(AuditCount(created.name()), 2);
  EXPECT_EQ(AuditCount(created.name(), "CreateDataMark"), 1);
  EXPECT_EQ(AuditCount(created.name(), "AcceptDataMark"), 1);

  // Decided once: no second review, no withdrawal.
  v1::DataMark out;
  s = Review(supervisor_, accepted, /*accept=*/false, "复核不符", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(Withdraw(plant_, accepted, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Review(officer_a_, accepted, /*accept=*/true, "", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // A second accepted mark over the same hours adds only the hours not yet requested.
  v1::DataMark all = Fault();
  all.clear_pollutant();
  *all.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 1, 11));
  v1::DataMark second = CreatePlantMark(all);
  ASSERT_TRUE(Review(supervisor_, second, /*accept=*/true, "已核实运维记录", &out).ok());
  EXPECT_EQ(out.review_reason(), "已核实运维记录");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM evaluation_request"), 3);
}

TEST_F(DataMarkTest, RejectionNeedsAReasonAndRequestsNothing) {
  v1::DataMark created = CreatePlantMark();
  v1::DataMark out;
  grpc::Status s = Review(officer_a_, created, /*accept=*/false, "", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "reason");
  s = Review(officer_a_, created, /*accept=*/false, "  ", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Neither decision given.
  v1::ReviewDataMarkRequest undecided;
  undecided.set_name(created.name());
  auto ctx = TestApp::Context(officer_a_);
  s = marks_->ReviewDataMark(ctx.get(), undecided, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "decision");

  v1::DataMark read;
  ASSERT_TRUE(Get(officer_a_, created.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::DataMark::PENDING);
  EXPECT_EQ(read.etag(), created.etag());

  v1::DataMark rejected;
  s = Review(officer_a_, created, /*accept=*/false, "运维记录显示当日设备运行正常，标记时段不符",
             &rejected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(rejected.state(), v1::DataMark::REJECTED);
  EXPECT_EQ(rejected.review_reason(), "运维记录显示当日设备运行正常，标记时段不符");
  EXPECT_EQ(rejected.reviewed_by(), "users/off.a");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM evaluation_request"), 0);
  EXPECT_EQ(AuditCount(created.name(), "RejectDataMark"), 1);
  EXPECT_EQ(Withdraw(plant_, rejected, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Review(officer_a_, rejected, /*accept=*/true, "", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DataMarkTest, TheEnterpriseWithdrawsAPendingMark) {
  v1::DataMark created = CreatePlantMark();
  v1::DataMark out;
  // Only the enterprise withdraws.
  EXPECT_EQ(Withdraw(officer_a_, created, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::DataMark withdrawn;
  grpc::Status s = Withdraw(plant_, created, &withdrawn);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(withdrawn.state(), v1::DataMark::WITHDRAWN);
  EXPECT_TRUE(withdrawn.reviewed_by().empty());
  EXPECT_EQ(Review(officer_a_, withdrawn, /*accept=*/true, "", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Withdraw(plant_, withdrawn, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(AuditCount(created.name(), "WithdrawDataMark"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM evaluation_request"), 0);
}

// --- Write conventions ------------------------------------------------------------------------

TEST_F(DataMarkTest, RetriesWithTheSameRequestIdDoNothingTwice) {
  v1::DataMark first, again;
  ASSERT_TRUE(Create(plant_, PlantOutlet(), Fault(), &first, "mark-1").ok());
  grpc::Status s = Create(plant_, PlantOutlet(), Fault(), &again, "mark-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM data_mark"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM data_mark_evidence"), 2);
  // The same id with another request is a mistake, not a retry.
  v1::DataMark changed = Fault();
  changed.set_reason("另一个原因");
  EXPECT_EQ(Create(plant_, PlantOutlet(), changed, &again, "mark-1").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::DataMark accepted, accepted_again;
  ASSERT_TRUE(Review(officer_a_, first, true, "", &accepted, "review-1").ok());
  // The retry carries the etag read before the first attempt: answered from the first
  // response, not refused as stale and not applied twice.
  s = Review(officer_a_, first, true, "", &accepted_again, "review-1");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(accepted_again.etag(), accepted.etag());
  EXPECT_EQ(AuditCount(first.name()), 2);
}

TEST_F(DataMarkTest, AStaleEtagIsAborted) {
  v1::DataMark created = CreatePlantMark();
  v1::DataMark stale = created;
  stale.set_etag("v7");
  v1::DataMark out;
  EXPECT_EQ(Review(officer_a_, stale, true, "", &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Withdraw(plant_, stale, &out).error_code(), grpc::StatusCode::ABORTED);
  // A malformed etag names its field.
  stale.set_etag("seven");
  grpc::Status s = Review(officer_a_, stale, true, "", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "etag");
  // Withdrawn in between: the officer's decision on the old version is refused.
  ASSERT_TRUE(Withdraw(plant_, created, &out).ok());
  EXPECT_EQ(Review(officer_a_, created, true, "", &out).error_code(), grpc::StatusCode::ABORTED);
  v1::DataMark read;
  ASSERT_TRUE(Get(officer_a_, created.name(), &read).ok());
  EXPECT_EQ(read.state(), v1::DataMark::WITHDRAWN);
}

TEST_F(DataMarkTest, BadMarksAreRefusedNamingTheField) {
  struct Case {
    const char* what;
    std::function<void(v1::DataMark&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"no type", [](v1::DataMark& m) { m.set_type(v1::DataMark::TYPE_UNSPECIFIED); },
       "data_mark.type"},
      {"unknown type", [](v1::DataMark& m) { m.set_type(static_cast<v1::DataMark::Type>(42)); },
       "data_mark.type"},
      {"no start", [](v1::DataMark& m) { m.clear_start_time(); }, "data_mark.start_time"},
      {"no end", [](v1::DataMark& m) { m.clear_end_time(); }, "data_mark.end_time"},
      {"reversed",
       [](v1::DataMark& m) { *m.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 1, 7)); },
       "data_mark.end_time"},
      {"a fault in the future",
       [](v1::DataMark& m) { *m.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 2, 12)); },
       "data_mark.end_time"},
      {"older than the back-fill window",
       [](v1::DataMark& m) {
         *m.mutable_start_time() = api::ToTimestamp(Beijing(2025, 11, 1));
         *m.mutable_end_time() = api::ToTimestamp(Beijing(2025, 11, 2));
       },
       "data_mark.start_time"},
      {"longer than 31 days",
       [](v1::DataMark& m) { *m.mutable_start_time() = api::ToTimestamp(Beijing(2026, 1, 1)); },
       "data_mark.end_time"},
      {"absurd time", [](v1::DataMark& m) { m.mutable_start_time()->set_seconds(-5); },
       "data_mark.start_time"},
      {"no reason", [](v1::DataMark& m) { m.clear_reason(); }, "data_mark.reason"},
      {"bad factor", [](v1::DataMark& m) { m.set_pollutant("SO2"); }, "data_mark.pollutant"},
      {"water factor at an air outlet", [](v1::DataMark& m) { m.set_pollutant("w01018"); },
       "data_mark.pollutant"},
      {"empty evidence", [](v1::DataMark& m) { m.add_evidence(""); }, "data_mark.evidence[2]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    v1::DataMark m = Fault();
    c.change(m);
    v1::DataMark out;
    grpc::Status s = Create(plant_, PlantOutlet(), m, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(ViolatedField(s), c.field) << s.error_message();
  }
  v1::DataMark out;
  grpc::Status s = Create(plant_, "enterprises/x/outlets/DA001", Fault(), &out);
  EXPECT_EQ(ViolatedField(s), "parent");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM data_mark"), 0);

  // Planned maintenance may lie a week ahead.
  v1::DataMark planned = Fault();
  planned.set_type(v1::DataMark::MAINTENANCE);
  planned.clear_pollutant();
  *planned.mutable_start_time() = api::ToTimestamp(Beijing(2026, 3, 5, 8));
  *planned.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 5, 17));
  s = Create(plant_, PlantOutlet(), planned, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(out.pollutant().empty());
}

// --- Scope --------------------------------------------------------------------------------

TEST_F(DataMarkTest, EachSideSeesAndActsOnlyWithinItsScope) {
  v1::DataMark mark = CreatePlantMark();
  v1::DataMark out;
  // Another enterprise can neither mark the plant's outlet nor see its marks.
  EXPECT_EQ(Create(other_, PlantOutlet(), Fault(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(other_, mark.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Withdraw(other_, mark, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListNames(other_, {}), IsEmpty());
  // An outlet the plant does not have is not found either.
  EXPECT_EQ(Create(plant_, PlantOutlet("DA009"), Fault(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Only enterprises mark.
  EXPECT_EQ(Create(officer_a_, PlantOutlet(), Fault(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // An officer of another district does not find it to review.
  EXPECT_EQ(Get(officer_c_, mark.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Review(officer_c_, mark, true, "", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(ListNames(officer_c_, {}), IsEmpty());
  // The hotline reads but does not review.
  EXPECT_THAT(ListNames(hotline_, {}), ElementsAre(mark.name()));
  EXPECT_EQ(Review(hotline_, mark, true, "", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Nothing changed.
  ASSERT_TRUE(Get(officer_a_, mark.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::DataMark::PENDING);
  EXPECT_EQ(out.etag(), mark.etag());
  EXPECT_EQ(AuditCount(mark.name()), 1);
  EXPECT_THAT(ListNames(plant_, {}), ElementsAre(mark.name()));
}

// --- Lists --------------------------------------------------------------------------------

TEST_F(DataMarkTest, ListFiltersAndPages) {
  v1::DataMark so2 = CreatePlantMark();  // 03-01 08:00-10:30, DA001
  app_->clock().Advance(absl::Minutes(1));
  v1::DataMark dust = Fault();
  dust.set_pollutant("a34013");
  dust.set_type(v1::DataMark::STOPPED);
  *dust.mutable_start_time() = api::ToTimestamp(Beijing(2026, 2, 27, 0));
  *dust.mutable_end_time() = api::ToTimestamp(Beijing(2026, 2, 28, 0));
  v1::DataMark stopped;
  ASSERT_TRUE(Create(plant_, PlantOutlet("DA002"), dust, &stopped).ok());
  app_->clock().Advance(absl::Minutes(1));
  v1::DataMark other;
  ASSERT_TRUE(
      Create(other_, absl::StrCat("enterprises/", kOther, "/outlets/DA001"), dust, &other).ok());
  v1::DataMark accepted;
  ASSERT_TRUE(Review(officer_a_, so2, true, "", &accepted).ok());

  // Newest first.
  EXPECT_THAT(ListNames(supervisor_, {}), ElementsAre(other.name(), stopped.name(), so2.name()));
  v1::ListDataMarksRequest request;
  request.set_enterprise(absl::StrCat("enterprises/", kPlant));
  EXPECT_THAT(ListNames(supervisor_, request), ElementsAre(stopped.name(), so2.name()));
  request.set_outlet(PlantOutlet("DA002"));
  EXPECT_THAT(ListNames(supervisor_, request), ElementsAre(stopped.name()));
  request.Clear();
  request.set_state(v1::DataMark::PENDING);
  EXPECT_THAT(ListNames(supervisor_, request), ElementsAre(other.name(), stopped.name()));
  request.set_state(v1::DataMark::ACCEPTED);
  EXPECT_THAT(ListNames(officer_a_, request), ElementsAre(so2.name()));
  // Overlapping [start, end): the mark ending at 02-28 00:00 does not reach into it.
  request.Clear();
  *request.mutable_start_time() = api::ToTimestamp(Beijing(2026, 2, 28, 0));
  EXPECT_THAT(ListNames(officer_a_, request), ElementsAre(so2.name()));
  *request.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 1, 8));
  EXPECT_THAT(ListNames(officer_a_, request), IsEmpty());
  request.clear_start_time();
  EXPECT_THAT(ListNames(officer_a_, request), ElementsAre(stopped.name()));

  // Pages of one, in the same order, then none left.
  request.Clear();
  request.set_page_size(1);
  std::vector<std::string> paged;
  for (int i = 0; i < 5; ++i) {
    v1::ListDataMarksResponse page;
    auto ctx = TestApp::Context(supervisor_);
    ASSERT_TRUE(marks_->ListDataMarks(ctx.get(), request, &page).ok());
    for (const v1::DataMark& m : page.data_marks()) paged.push_back(m.name());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(paged, ElementsAre(other.name(), stopped.name(), so2.name()));

  // Filters that make no sense are refused.
  v1::ListDataMarksRequest bad;
  bad.set_enterprise(absl::StrCat("enterprises/", kOther));
  bad.set_outlet(PlantOutlet());
  v1::ListDataMarksResponse out;
  auto ctx = TestApp::Context(supervisor_);
  grpc::Status s = marks_->ListDataMarks(ctx.get(), bad, &out);
  EXPECT_EQ(ViolatedField(s), "outlet");
  bad.Clear();
  *bad.mutable_start_time() = api::ToTimestamp(Beijing(2026, 3, 1));
  *bad.mutable_end_time() = api::ToTimestamp(Beijing(2026, 2, 1));
  auto ctx2 = TestApp::Context(supervisor_);
  s = marks_->ListDataMarks(ctx2.get(), bad, &out);
  EXPECT_EQ(ViolatedField(s), "end_time");
}

TEST_F(DataMarkTest, ListAcceptedGivesTheEvaluatorTheAcceptedMarksOfAnOutlet) {
  v1::DataMark so2 = CreatePlantMark();  // 03-01 08:00-10:30
  v1::DataMark all = Fault();
  all.clear_pollutant();
  *all.mutable_start_time() = api::ToTimestamp(Beijing(2026, 3, 1, 12));
  *all.mutable_end_time() = api::ToTimestamp(Beijing(2026, 3, 1, 14));
  v1::DataMark all_mark = CreatePlantMark(all);
  CreatePlantMark(Fault());  // pending: not the evaluator's
  v1::DataMark out;
  ASSERT_TRUE(Review(officer_a_, so2, true, "", &out).ok());
  ASSERT_TRUE(Review(officer_a_, all_mark, true, "", &out).ok());

  storage::mysql::ConnectionPool pool(app_->schema().options());
  storage::mysql::MysqlDataMarkRepository repository(pool);
  const int64_t outlet_id = Count(absl::StrCat(
      "SELECT o.id FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id WHERE o.code = "
      "'DA001' AND e.uscc = '",
      kPlant, "'"));
  auto day = repository.ListAccepted(outlet_id, Beijing(2026, 3, 1), Beijing(2026, 3, 2));
  ASSERT_TRUE(day.ok()) << day.status();
  ASSERT_EQ(day->size(), 2u);
  EXPECT_EQ((*day)[0].ResourceName(), so2.name());  // by start
  EXPECT_EQ((*day)[0].start, Beijing(2026, 3, 1, 8));
  EXPECT_EQ((*day)[0].end, Beijing(2026, 3, 1, 10, 30));
  EXPECT_EQ((*day)[0].outlet_id, outlet_id);
  EXPECT_THAT((*day)[0].evidence, ElementsAre("运维记录 YW-2026-0301", "故障照片 IMG_0301_0812"));
  EXPECT_EQ((*day)[1].ResourceName(), all_mark.name());
  // The evaluator's view of SO2 and of NOx.
  auto so2_periods = domain::evaluation::ExcludedPeriodsFor(*day, "a21026");
  EXPECT_EQ(so2_periods.size(), 2u);
  auto nox_periods = domain::evaluation::ExcludedPeriodsFor(*day, "a21002");
  ASSERT_EQ(nox_periods.size(), 1u);
  EXPECT_EQ(nox_periods[0].start, Beijing(2026, 3, 1, 12));
  // Half-open: a window ending where a mark starts, or starting where it ends, misses it.
  auto before = repository.ListAccepted(outlet_id, Beijing(2026, 3, 1, 7), Beijing(2026, 3, 1, 8));
  ASSERT_TRUE(before.ok());
  EXPECT_THAT(*before, IsEmpty());
  auto between =
      repository.ListAccepted(outlet_id, Beijing(2026, 3, 1, 10, 30), Beijing(2026, 3, 1, 12));
  ASSERT_TRUE(between.ok());
  EXPECT_THAT(*between, IsEmpty());
  // Another outlet has none.
  auto other = repository.ListAccepted(outlet_id + 1000, Beijing(2026, 3, 1), Beijing(2026, 3, 2));
  ASSERT_TRUE(other.ok());
  EXPECT_THAT(*other, IsEmpty());
}

}  // namespace
}  // namespace ecocase
