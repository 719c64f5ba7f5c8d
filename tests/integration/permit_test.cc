// PermitService against the real database through the real Application: the lifecycle
// (draft → issue → change → renew → expiry by the injected clock → cancel; revoke), limits
// in force at version boundaries, national-platform imports, scope per role (BOLA), the
// public disclosure view, expiring lists, request ids, etags and the audit trail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/permit_service.h"
#include "common/regulatory_time.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "storage/mysql/mysql_permit_repository.h"
#include "testing/error_reason.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using ::ecocase::testing::ValidUscc;

const std::string kUsccA = ValidUscc("91410802MA45PA001");  // 解放区 410802
const std::string kUsccB = ValidUscc("91410882MA45PB002");  // 沁阳市 410882
const std::string kUsccC = ValidUscc("91410802MA45PC003");  // 解放区, no outlets registered

// Private data of enterprise A that no public view may carry.
constexpr char kAddressA[] = "焦作市解放区民主北路 88 号";
constexpr char kContactName[] = "王建国";
constexpr char kContactPhone[] = "13903910088";
constexpr double kLatitudeA = 35.2391234;
constexpr double kLongitudeA = 113.2417771;

std::string Number(const std::string& uscc, const std::string& site) {
  return absl::StrCat(uscc, site, "P");
}
std::string PermitName(const std::string& uscc, const std::string& site) {
  return absl::StrCat("enterprises/", uscc, "/permits/", Number(uscc, site));
}

// The Asia/Shanghai instant of a civil time.
absl::Time Shanghai(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::FixedTimeZone(8 * 3600));
}

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  ts.set_seconds(micros / 1000000);
  ts.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return ts;
}
absl::Time FromTs(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::type::Date Date(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::PermitLimit Limit(const std::string& outlet, const std::string& pollutant, double value,
                      v1::AveragingWindow window = v1::AVERAGING_WINDOW_HOUR) {
  v1::PermitLimit l;
  l.set_outlet_code(outlet);
  l.set_pollutant_code(pollutant);
  l.set_concentration_limit(value);
  l.set_concentration_unit(pollutant[0] == 'a' ? "mg/m3" : "mg/L");
  l.set_averaging_window(window);
  if (pollutant[0] == 'a') l.set_reference_o2_percent(6);
  l.set_annual_mass_limit_t(120.5);
  l.set_standard(pollutant[0] == 'a' ? "GB 13223-2011" : "GB 8978-1996");
  return l;
}

using ::ecocase::testing::ErrorReason;

std::string FieldViolation(const grpc::Status& s) {
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

// The registry is written by EnterpriseService (built in parallel); the permit tests set
// their enterprises and outlets up in SQL.
void SeedRegistry(testing::TestSchema& db) {
  db.Execute(absl::StrCat(
      "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
      "management_class, key_discharger, latitude, longitude, version, create_time, "
      "update_time) VALUES ('",
      kUsccA, "', '焦作市测试热电有限公司', '", kAddressA, "', '410802', 'D4411', 'KEY', TRUE, ",
      absl::StrFormat("%.17g", kLatitudeA), ", ", absl::StrFormat("%.17g", kLongitudeA),
      ", 1, NOW(6), NOW(6)), ('", kUsccB,
      "', '沁阳市测试造纸有限公司', '沁阳市产业集聚区 6 号', '410882', 'C2221', 'KEY', TRUE, "
      "NULL, NULL, 1, NOW(6), NOW(6)), ('",
      kUsccC,
      "', '焦作市无排口有限公司', '焦作市解放区 1 号', '410802', 'C3011', "
      "'SIMPLIFIED', FALSE, NULL, NULL, 1, NOW(6), NOW(6))"));
  db.Execute(
      absl::StrCat("INSERT INTO enterprise_contact (enterprise_id, position, name, "
                   "title, phone) SELECT id, 0, '",
                   kContactName, "', '环保负责人', '", kContactPhone,
                   "' FROM enterprise WHERE uscc = '", kUsccA, "'"));
  auto outlet = [&](const std::string& uscc, const std::string& code, const std::string& kind,
                    const std::string& name, const std::string& pollutant) {
    db.Execute(absl::StrCat(
        "INSERT INTO outlet (enterprise_id, code, kind, display_name, latitude, longitude, "
        "version, create_time, update_time) SELECT id, '",
        code, "', '", kind, "', '", name, "', ", absl::StrFormat("%.17g", kLatitudeA), ", ",
        absl::StrFormat("%.17g", kLongitudeA), ", 1, NOW(6), NOW(6) FROM enterprise WHERE uscc = '",
        uscc, "'"));
    db.Execute(absl::StrCat(
        "INSERT INTO outlet_pollutant (outlet_id, pollutant_code) SELECT o.id, '", pollutant,
        "' FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id WHERE e.uscc = '", uscc,
        "' AND o.code = '", code, "'"));
  };
  outlet(kUsccA, "DA001", "AIR", "1号锅炉烟囱", "a21026");
  outlet(kUsccA, "DA002", "AIR", "2号锅炉烟囱", "a21026");
  outlet(kUsccA, "DW001", "WATER", "废水总排口", "w01018");
  outlet(kUsccB, "DA001", "AIR", "碱回收炉烟囱", "a21026");
}

class PermitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Sweeps run once at start and then only when a test runs the expiry itself (a tick
    // just under the 10-minute lease TTLs), so the expiry below is deterministic.
    app_ = TestApp::Start("permit",
                          [](app::ApplicationOptions& o) { o.sweep_tick = absl::Minutes(9); });
    ASSERT_NE(app_, nullptr);
    stub_ = v1::PermitService::NewStub(app_->channel());
    SeedRegistry(app_->schema());
    supervisor_ = app_->CreateUserAndLogin("sup.zhao", v1::ROLE_SUPERVISOR, {"410800"});
    officer_a_ = app_->CreateUserAndLogin("off.jiefang", v1::ROLE_OFFICER, {"410802"});
    officer_b_ = app_->CreateUserAndLogin("off.qinyang", v1::ROLE_OFFICER, {"410882"});
    enterprise_a_ = app_->CreateUserAndLogin("ent.a", v1::ROLE_ENTERPRISE, {}, kUsccA);
    enterprise_b_ = app_->CreateUserAndLogin("ent.b", v1::ROLE_ENTERPRISE, {}, kUsccB);
    integration_ = app_->CreateUserAndLogin("platform.sync", v1::ROLE_INTEGRATION, {"410800"});
  }

  // Moves the FakeClock and signs everyone in again (access tokens live 8 hours).
  void Travel(absl::Time t) {
    app_->clock().Set(t);
    supervisor_ = app_->Login("sup.zhao", "password-sup.zhao");
    officer_a_ = app_->Login("off.jiefang", "password-off.jiefang");
    officer_b_ = app_->Login("off.qinyang", "password-off.qinyang");
    enterprise_a_ = app_->Login("ent.a", "password-ent.a");
    enterprise_b_ = app_->Login("ent.b", "password-ent.b");
    integration_ = app_->Login("platform.sync", "password-platform.sync");
  }

  // --- RPC helpers ------------------------------------------------------------------------

  grpc::Status Create(const std::string& token, const std::string& uscc, const std::string& site,
                      std::vector<v1::PermitLimit> limits, v1::Permit* out,
                      google::type::Date from = Date(2026, 3, 1),
                      google::type::Date until = Date(2031, 2, 28),
                      const std::string& request_id = "") {
    v1::CreatePermitRequest request;
    request.set_parent(absl::StrCat("enterprises/", uscc));
    v1::Permit* p = request.mutable_permit();
    p->set_permit_number(Number(uscc, site));
    *p->mutable_valid_from() = from;
    *p->mutable_valid_until() = until;
    for (auto& l : limits) *p->add_limits() = l;
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return stub_->CreatePermit(ctx.get(), request, out);
  }

  grpc::Status Issue(const std::string& name, v1::Permit* out, const std::string& etag = "",
                     const std::string& request_id = "") {
    v1::IssuePermitRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(supervisor_);
    return stub_->IssuePermit(ctx.get(), request, out);
  }

  // A permit of A's site `site` in force with the given limits; fails the test otherwise.
  v1::Permit InForce(const std::string& uscc, const std::string& site,
                     std::vector<v1::PermitLimit> limits,
                     google::type::Date until = Date(2031, 2, 28)) {
    v1::Permit draft;
    grpc::Status s = Create(supervisor_, uscc, site, limits, &draft, Date(2026, 3, 1), until);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::Permit issued;
    s = Issue(draft.name(), &issued);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return issued;
  }

  grpc::Status Change(const std::string& name, std::vector<v1::PermitLimit> limits,
                      std::optional<absl::Time> effective, v1::Permit* out,
                      const std::string& etag = "") {
    v1::ChangePermitRequest request;
    request.set_name(name);
    for (auto& l : limits) *request.add_limits() = l;
    if (effective.has_value()) *request.mutable_effective_time() = Ts(*effective);
    request.set_note("焦环许变〔2026〕7号");
    request.set_etag(etag);
    auto ctx = TestApp::Context(supervisor_);
    return stub_->ChangePermit(ctx.get(), request, out);
  }

  grpc::Status Renew(const std::string& name, google::type::Date until, v1::Permit* out) {
    v1::RenewPermitRequest request;
    request.set_name(name);
    *request.mutable_valid_until() = until;
    request.set_note("焦环许续〔2030〕12号");
    auto ctx = TestApp::Context(supervisor_);
    return stub_->RenewPermit(ctx.get(), request, out);
  }

  grpc::Status Revoke(const std::string& name, v1::Permit* out) {
    v1::RevokePermitRequest request;
    request.set_name(name);
    request.set_reason("吊销：焦环罚〔2026〕15号");
    request.set_case_("cases/15");
    auto ctx = TestApp::Context(supervisor_);
    return stub_->RevokePermit(ctx.get(), request, out);
  }

  grpc::Status Cancel(const std::string& name, v1::Permit* out) {
    v1::CancelPermitRequest request;
    request.set_name(name);
    request.set_reason("有效期届满未延续");
    auto ctx = TestApp::Context(supervisor_);
    return stub_->CancelPermit(ctx.get(), request, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::Permit* out) {
    v1::GetPermitRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return stub_->GetPermit(ctx.get(), request, out);
  }

  grpc::Status LimitAt(const std::string& token, const std::string& uscc, const std::string& outlet,
                       const std::string& pollutant, absl::Time t, v1::LimitInForce* out) {
    v1::GetLimitInForceRequest request;
    request.set_outlet(absl::StrCat("enterprises/", uscc, "/outlets/", outlet));
    request.set_pollutant_code(pollutant);
    *request.mutable_time() = Ts(t);
    auto ctx = TestApp::Context(token);
    return stub_->GetLimitInForce(ctx.get(), request, out);
  }

  grpc::Status Import(v1::Permit record, v1::Permit* out, std::optional<absl::Time> issue_time,
                      const std::string& request_id = "") {
    v1::ImportPermitRequest request;
    *request.mutable_permit() = record;
    if (issue_time.has_value()) *request.mutable_issue_time() = Ts(*issue_time);
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(integration_);
    return stub_->ImportPermit(ctx.get(), request, out);
  }

  grpc::Status StatusOf(const std::string& token, const std::string& uscc, v1::PermitStatus* out) {
    v1::GetPermitStatusRequest request;
    request.set_enterprise(absl::StrCat("enterprises/", uscc));
    auto ctx = TestApp::Context(token);
    return stub_->GetPermitStatus(ctx.get(), request, out);
  }

  std::vector<std::string> Numbers(const v1::ListPermitsResponse& r) {
    std::vector<std::string> out;
    for (const auto& p : r.permits()) out.push_back(p.permit_number());
    return out;
  }

  grpc::Status List(const std::string& token, v1::ListPermitsRequest request,
                    v1::ListPermitsResponse* out) {
    auto ctx = TestApp::Context(token);
    return stub_->ListPermits(ctx.get(), request, out);
  }

  grpc::Status Expiring(const std::string& token, int within, v1::ListPermitsResponse* out,
                        int page_size = 0, const std::string& page_token = "") {
    v1::ListExpiringPermitsRequest request;
    request.set_within_days(within);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    auto ctx = TestApp::Context(token);
    return stub_->ListExpiringPermits(ctx.get(), request, out);
  }

  // Runs the expiry sweep's work now, per the FakeClock.
  int ExpireDue() {
    storage::mysql::ConnectionPool pool(app_->schema().options());
    storage::mysql::MysqlMutationRunner runner(pool, app_->clock());
    storage::mysql::MysqlPermitRepository repository(pool);
    api::PermitExpiry expiry(repository, runner, app_->clock());
    auto expired = expiry.ExpireDue();
    EXPECT_TRUE(expired.ok()) << expired.status();
    return expired.value_or(-1);
  }

  int64_t AuditCount(const std::string& resource, const std::string& action = "") {
    return app_->schema().QueryInt(
        absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE resource = '", resource, "'",
                     action.empty() ? "" : absl::StrCat(" AND action = '", action, "'")));
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::PermitService::Stub> stub_;
  std::string supervisor_, officer_a_, officer_b_, enterprise_a_, enterprise_b_, integration_;
};

// --- Lifecycle -----------------------------------------------------------------------------

TEST_F(PermitTest, WholeLifecycleDraftIssueChangeRenewExpireCancel) {
  const std::string name = PermitName(kUsccA, "001");
  // An officer prepares a draft without limits.
  v1::Permit draft;
  ASSERT_TRUE(Create(officer_a_, kUsccA, "001", {}, &draft).ok());
  EXPECT_EQ(draft.name(), name);
  EXPECT_EQ(draft.enterprise(), "enterprises/" + kUsccA);
  EXPECT_EQ(draft.state(), v1::Permit::DRAFT);
  EXPECT_EQ(draft.source(), v1::Permit::BUREAU);
  EXPECT_EQ(draft.current_version(), 0);
  EXPECT_EQ(draft.issuing_authority(), "焦作市生态环境局");

  // Issuing a permit with no limits is refused.
  v1::Permit issued;
  grpc::Status s = Issue(name, &issued, draft.etag());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("without limits"));

  // The officer completes the draft.
  v1::UpdatePermitRequest update;
  *update.mutable_permit() = draft;
  *update.mutable_permit()->add_limits() = Limit("DA001", "a21026", 35);
  *update.mutable_permit()->add_limits() = Limit("DW001", "w01018", 50, v1::AVERAGING_WINDOW_DAY);
  update.mutable_update_mask()->add_paths("limits");
  v1::Permit updated;
  auto ctx = TestApp::Context(officer_a_);
  ASSERT_TRUE(stub_->UpdatePermit(ctx.get(), update, &updated).ok());
  EXPECT_EQ(updated.limits_size(), 2);
  EXPECT_NE(updated.etag(), draft.etag());

  // A supervisor issues it: version 1 from now.
  const absl::Time t1 = app_->clock().Now();
  s = Issue(name, &issued, updated.etag());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(issued.state(), v1::Permit::IN_FORCE);
  EXPECT_EQ(issued.current_version(), 1);
  EXPECT_EQ(FromTs(issued.issue_time()), t1);
  EXPECT_EQ(issued.limits_size(), 2);

  // 变更 a month later: version 2 with new limits from now.
  Travel(app_->clock().Now() + absl::Hours(24 * 30));
  const absl::Time t2 = app_->clock().Now();
  v1::Permit changed;
  s = Change(name, {Limit("DA001", "a21026", 50), Limit("DW001", "w01018", 40)}, std::nullopt,
             &changed, issued.etag());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(changed.current_version(), 2);
  EXPECT_EQ(changed.limits(0).concentration_limit(), 50);

  // 延续 before expiry: version 3, five more years.
  Travel(Shanghai(2030, 12, 1, 10));
  const absl::Time t3 = app_->clock().Now();
  v1::Permit renewed;
  s = Renew(name, Date(2036, 2, 28), &renewed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(renewed.current_version(), 3);
  EXPECT_EQ(renewed.valid_until().year(), 2036);
  EXPECT_EQ(renewed.limits(0).concentration_limit(), 50);  // Limits carry over.

  v1::ListPermitVersionsRequest versions_request;
  versions_request.set_name(name);
  v1::ListPermitVersionsResponse versions;
  auto vctx = TestApp::Context(officer_a_);
  ASSERT_TRUE(stub_->ListPermitVersions(vctx.get(), versions_request, &versions).ok());
  ASSERT_EQ(versions.versions_size(), 3);  // Newest first.
  EXPECT_EQ(versions.versions(0).version(), 3);
  EXPECT_EQ(versions.versions(0).reason(), v1::PermitVersion::RENEWAL);
  EXPECT_EQ(FromTs(versions.versions(0).effective_time()), t3);
  EXPECT_EQ(versions.versions(1).reason(), v1::PermitVersion::CHANGE);
  EXPECT_EQ(FromTs(versions.versions(1).effective_time()), t2);
  EXPECT_EQ(versions.versions(1).note(), "焦环许变〔2026〕7号");
  EXPECT_EQ(versions.versions(2).reason(), v1::PermitVersion::ISSUE);
  EXPECT_EQ(FromTs(versions.versions(2).effective_time()), t1);
  EXPECT_EQ(versions.versions(2).limits(0).concentration_limit(), 35);  // Immutable.
  EXPECT_EQ(versions.versions(2).valid_until().year(), 2031);

  // The last day 2036-02-28 is still in force; the sweep finds nothing.
  Travel(Shanghai(2036, 2, 28, 23, 59, 59));
  EXPECT_EQ(ExpireDue(), 0);
  // Once it has ended (Asia/Shanghai), the expiry moves it to EXPIRED at the end of the day.
  Travel(Shanghai(2036, 2, 29, 0, 20));
  EXPECT_EQ(ExpireDue(), 1);
  EXPECT_EQ(ExpireDue(), 0);  // Idempotent.
  v1::Permit expired;
  ASSERT_TRUE(Get(supervisor_, name, &expired).ok());
  EXPECT_EQ(expired.state(), v1::Permit::EXPIRED);
  EXPECT_EQ(FromTs(expired.end_time()), Shanghai(2036, 2, 29));
  EXPECT_EQ(AuditCount(name, "ExpirePermit"), 1);
  EXPECT_EQ(
      app_->schema().QueryString(absl::StrCat(
          "SELECT actor FROM audit_log WHERE action = 'ExpirePermit' AND resource = '", name, "'")),
      "users/system");

  // Changing or renewing an expired permit is refused; 注销 is not.
  v1::Permit refused;
  EXPECT_EQ(Renew(name, Date(2041, 2, 28), &refused).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::Permit cancelled;
  ASSERT_TRUE(Cancel(name, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), v1::Permit::CANCELLED);
  EXPECT_EQ(FromTs(cancelled.end_time()), Shanghai(2036, 2, 29));  // Ended when it expired.
  EXPECT_EQ(cancelled.end_reason(), "有效期届满未延续");

  // Every mutation left exactly one audit record; the refused ones none.
  EXPECT_EQ(AuditCount(name), 7);  // Create, Update, Issue, Change, Renew, Expire, Cancel.
  EXPECT_EQ(AuditCount(name, "IssuePermit"), 1);
  EXPECT_EQ(app_->schema().QueryString(absl::StrCat(
                "SELECT enterprise_uscc FROM audit_log WHERE action = 'CancelPermit' AND "
                "resource = '",
                name, "'")),
            kUsccA);
  EXPECT_EQ(app_->schema().QueryString(absl::StrCat(
                "SELECT district_code FROM audit_log WHERE action = 'CreatePermit' AND "
                "resource = '",
                name, "'")),
            "410802");
}

TEST_F(PermitTest, RevokedPermitCannotBeChanged) {
  v1::Permit p = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)});
  app_->clock().Advance(absl::Hours(2));
  const absl::Time revoked_at = app_->clock().Now();
  v1::Permit revoked;
  ASSERT_TRUE(Revoke(p.name(), &revoked).ok());
  EXPECT_EQ(revoked.state(), v1::Permit::REVOKED);
  EXPECT_EQ(FromTs(revoked.end_time()), revoked_at);
  EXPECT_EQ(revoked.end_reason(), "吊销：焦环罚〔2026〕15号");
  EXPECT_EQ(app_->schema().QueryString(absl::StrCat(
                "SELECT case_name FROM permit WHERE permit_number = '", p.permit_number(), "'")),
            "cases/15");

  v1::Permit out;
  grpc::Status s = Change(p.name(), {Limit("DA001", "a21026", 50)}, std::nullopt, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("REVOKED"));
  EXPECT_EQ(Renew(p.name(), Date(2036, 2, 28), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Revoke(p.name(), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Issue(p.name(), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // A revoked permit's site may be permitted again: it is no longer in force.
  EXPECT_EQ(app_->schema().QueryInt(
                absl::StrCat("SELECT COUNT(*) FROM permit WHERE in_force_site IS NOT NULL")),
            0);
}

TEST_F(PermitTest, OnePermitInForcePerSiteAndOutlet) {
  v1::Permit first = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)});
  ASSERT_EQ(first.state(), v1::Permit::IN_FORCE);

  // The same number again: ALREADY_EXISTS, for drafts and imports alike.
  v1::Permit out;
  EXPECT_EQ(Create(supervisor_, kUsccA, "001", {}, &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // Another site (…002P) of the same enterprise with its own outlet: fine.
  v1::Permit second = InForce(kUsccA, "002", {Limit("DA002", "a21026", 35)});
  EXPECT_EQ(second.state(), v1::Permit::IN_FORCE);

  // A third permit claiming an outlet already limited by a permit in force overlaps.
  v1::Permit third;
  ASSERT_TRUE(Create(supervisor_, kUsccA, "003", {Limit("DA001", "a21026", 20)}, &third).ok());
  grpc::Status s = Issue(third.name(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr("DA001 is already limited by permit " + first.permit_number()));
  // …and so does a change that moves a permit onto another permit's outlet.
  s = Change(second.name(), {Limit("DA001", "a21026", 35)}, std::nullopt, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // A second permit in force for the same site (a legacy row whose number names site 004
  // differently) blocks issuing the site's permit.
  app_->schema().Execute(absl::StrCat(
      "INSERT INTO permit (permit_number, enterprise_id, site_sequence, state, source, "
      "valid_from, valid_until, issuing_authority, current_version, version, create_time, "
      "update_time) SELECT '",
      Number(kUsccA, "904"),
      "', id, '004', 'IN_FORCE', 'NATIONAL_PLATFORM', '2025-01-01', "
      "'2029-12-31', '焦作市生态环境局', 1, 1, NOW(6), NOW(6) FROM enterprise WHERE uscc = '",
      kUsccA, "'"));
  v1::Permit fourth;
  ASSERT_TRUE(Create(supervisor_, kUsccA, "004", {Limit("DW001", "w01018", 50)}, &fourth).ok());
  s = Issue(fourth.name(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("site 004"));
  EXPECT_THAT(s.error_message(), HasSubstr("already has a permit in force"));
  // The database's own key says the same if two transactions ever raced past the check.
  EXPECT_ANY_THROW(app_->schema().Execute(
      absl::StrCat("UPDATE permit SET state = 'IN_FORCE' WHERE permit_number = '",
                   fourth.permit_number(), "'")));
}

TEST_F(PermitTest, BadInputNamesTheField) {
  v1::Permit out;
  // The number must be the enterprise's.
  v1::CreatePermitRequest request;
  request.set_parent("enterprises/" + kUsccA);
  request.mutable_permit()->set_permit_number(Number(kUsccB, "001"));
  *request.mutable_permit()->mutable_valid_from() = Date(2026, 3, 1);
  *request.mutable_permit()->mutable_valid_until() = Date(2031, 2, 28);
  auto ctx = TestApp::Context(supervisor_);
  grpc::Status s = stub_->CreatePermit(ctx.get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolation(s), "permit.permit_number");

  s = Create(supervisor_, kUsccA, "001", {}, &out, Date(2026, 3, 1), Date(2026, 2, 1));
  EXPECT_EQ(FieldViolation(s), "permit.valid_until");

  v1::PermitLimit no_window = Limit("DA001", "a21026", 35, v1::AVERAGING_WINDOW_UNSPECIFIED);
  s = Create(supervisor_, kUsccA, "001", {Limit("DA002", "a21026", 35), no_window}, &out);
  EXPECT_EQ(FieldViolation(s), "permit.limits[1].averaging_window");

  v1::PermitLimit wrong_unit = Limit("DW001", "w01018", 50);
  wrong_unit.set_concentration_unit("mg/m3");
  s = Create(supervisor_, kUsccA, "001", {wrong_unit}, &out);
  EXPECT_EQ(FieldViolation(s), "permit.limits[0].concentration_unit");

  // An outlet the enterprise has not registered.
  s = Create(supervisor_, kUsccA, "001", {Limit("DA009", "a21026", 35)}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("permit.limits[0].outlet_code: outlet DA009"));
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM permit"), 0);
}

// --- Limits in force -----------------------------------------------------------------------

TEST_F(PermitTest, LimitInForceAtVersionBoundaries) {
  const absl::Duration us = absl::Microseconds(1);
  const absl::Time t1 = app_->clock().Now();
  v1::Permit p =
      InForce(kUsccA, "001", {Limit("DA001", "a21026", 35), Limit("DA001", "a21002", 50)});
  // A change decided now, in force from the 1st of next month, dropping the NOx limit.
  const absl::Time t2 = Shanghai(2026, 4, 1);
  v1::Permit changed;
  ASSERT_TRUE(Change(p.name(), {Limit("DA001", "a21026", 25)}, t2, &changed).ok());

  v1::LimitInForce l;
  EXPECT_EQ(LimitAt(officer_a_, kUsccA, "DA001", "a21026", t1 - us, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", t1, &l).ok());
  EXPECT_EQ(l.permit(), p.name());
  EXPECT_EQ(l.version(), 1);
  EXPECT_EQ(l.limit().concentration_limit(), 35);
  EXPECT_EQ(l.limit().averaging_window(), v1::AVERAGING_WINDOW_HOUR);
  EXPECT_EQ(l.limit().reference_o2_percent(), 6);
  EXPECT_EQ(l.limit().concentration_unit(), "mg/m3");
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", t2 - us, &l).ok());
  EXPECT_EQ(l.version(), 1);
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", t2, &l).ok());
  EXPECT_EQ(l.version(), 2);
  EXPECT_EQ(l.limit().concentration_limit(), 25);
  // NOx was limited by version 1 only: nothing applies from t2 (no fallback to version 1).
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21002", t2 - us, &l).ok());
  EXPECT_EQ(l.limit().concentration_limit(), 50);
  EXPECT_EQ(LimitAt(officer_a_, kUsccA, "DA001", "a21002", t2, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Validity ends at 00:00 Asia/Shanghai after 2031-02-28.
  const absl::Time end = Shanghai(2031, 3, 1);
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", end - us, &l).ok());
  EXPECT_EQ(LimitAt(officer_a_, kUsccA, "DA001", "a21026", end, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Another outlet, another pollutant: nothing.
  EXPECT_EQ(LimitAt(officer_a_, kUsccA, "DA002", "a21026", t2, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Revocation ends it from that instant; the history before stays answerable.
  Travel(Shanghai(2027, 5, 5, 15, 30));
  const absl::Time r = app_->clock().Now();
  v1::Permit revoked;
  ASSERT_TRUE(Revoke(p.name(), &revoked).ok());
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", r - us, &l).ok());
  EXPECT_EQ(l.version(), 2);
  EXPECT_EQ(LimitAt(officer_a_, kUsccA, "DA001", "a21026", r, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(LimitAt(officer_a_, kUsccA, "DA001", "a21026", t1, &l).ok());
  EXPECT_EQ(l.version(), 1);

  // Without a time: now.
  v1::GetLimitInForceRequest request;
  request.set_outlet(absl::StrCat("enterprises/", kUsccA, "/outlets/DA001"));
  request.set_pollutant_code("a21026");
  auto ctx = TestApp::Context(officer_a_);
  EXPECT_EQ(stub_->GetLimitInForce(ctx.get(), request, &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PermitTest, ChangeNotBeforeTheLatestVersion) {
  v1::Permit p = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)});
  v1::Permit out;
  grpc::Status s =
      Change(p.name(), {Limit("DA001", "a21026", 30)}, app_->clock().Now() - absl::Hours(1), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("version 1"));
  s = Change(p.name(), {}, std::nullopt, &out);
  EXPECT_EQ(FieldViolation(s), "limits");
}

// --- Import from the national platform -----------------------------------------------------

TEST_F(PermitTest, ImportIsIdempotentByNumberAndAChangedRecordMakesAVersion) {
  v1::Permit record;
  record.set_permit_number(Number(kUsccB, "001"));
  *record.mutable_valid_from() = Date(2024, 5, 1);
  *record.mutable_valid_until() = Date(2029, 4, 30);
  *record.add_limits() = Limit("DA001", "a21026", 100);
  *record.add_limits() = Limit("DA001", "a19001", 20);  // Particulates.
  const absl::Time issued_on_platform = Shanghai(2024, 4, 28, 10);

  v1::Permit first;
  grpc::Status s = Import(record, &first, issued_on_platform);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.state(), v1::Permit::IN_FORCE);
  EXPECT_EQ(first.source(), v1::Permit::NATIONAL_PLATFORM);
  EXPECT_EQ(first.current_version(), 1);
  EXPECT_EQ(FromTs(first.issue_time()), issued_on_platform);
  const std::string name = first.name();
  EXPECT_EQ(AuditCount(name), 1);

  // The same record again (limits in another order): nothing changes, nothing is recorded.
  v1::Permit same_record = record;
  std::swap(*same_record.mutable_limits(0), *same_record.mutable_limits(1));
  v1::Permit again;
  ASSERT_TRUE(Import(same_record, &again, issued_on_platform).ok());
  EXPECT_EQ(again.current_version(), 1);
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(AuditCount(name), 1);

  // The limit applied from the start of validity (after the platform's decision).
  v1::LimitInForce l;
  ASSERT_TRUE(LimitAt(officer_b_, kUsccB, "DA001", "a21026", Shanghai(2024, 5, 1), &l).ok());
  EXPECT_EQ(l.version(), 1);

  // A changed record: version 2 from the platform's change time.
  record.mutable_limits(0)->set_concentration_limit(50);
  const absl::Time changed_on_platform = Shanghai(2026, 3, 1, 16);
  v1::Permit changed;
  ASSERT_TRUE(Import(record, &changed, changed_on_platform).ok());
  EXPECT_EQ(changed.current_version(), 2);
  EXPECT_EQ(AuditCount(name), 2);
  v1::ListPermitVersionsRequest vr;
  vr.set_name(name);
  v1::ListPermitVersionsResponse versions;
  auto ctx = TestApp::Context(integration_);
  ASSERT_TRUE(stub_->ListPermitVersions(ctx.get(), vr, &versions).ok());
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).reason(), v1::PermitVersion::IMPORT);
  EXPECT_EQ(FromTs(versions.versions(0).effective_time()), changed_on_platform);
  ASSERT_TRUE(LimitAt(officer_b_, kUsccB, "DA001", "a21026", changed_on_platform, &l).ok());
  EXPECT_EQ(l.version(), 2);
  EXPECT_EQ(l.limit().concentration_limit(), 50);
  // Re-sending that record is again a no-op.
  ASSERT_TRUE(Import(record, &again, changed_on_platform).ok());
  EXPECT_EQ(again.current_version(), 2);
  EXPECT_EQ(AuditCount(name), 2);

  // An import never overwrites a permit the bureau issued, and needs the registered holder.
  v1::Permit bureau = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)});
  v1::Permit over = record;
  over.set_permit_number(bureau.permit_number());
  EXPECT_EQ(Import(over, &again, std::nullopt).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::Permit unknown = record;
  unknown.set_permit_number(Number(ValidUscc("91410803MA45PD004"), "001"));
  s = Import(unknown, &again, std::nullopt);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("register"));
}

// --- Request ids and etags -------------------------------------------------------------------

TEST_F(PermitTest, RequestIdReplaysTheFirstResult) {
  v1::Permit first, second;
  ASSERT_TRUE(Create(officer_a_, kUsccA, "001", {Limit("DA001", "a21026", 35)}, &first,
                     Date(2026, 3, 1), Date(2031, 2, 28), "req-create-1")
                  .ok());
  app_->clock().Advance(absl::Seconds(5));
  ASSERT_TRUE(Create(officer_a_, kUsccA, "001", {Limit("DA001", "a21026", 35)}, &second,
                     Date(2026, 3, 1), Date(2031, 2, 28), "req-create-1")
                  .ok());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  // The same id with another request.
  grpc::Status s = Create(officer_a_, kUsccA, "001", {Limit("DA001", "a21026", 30)}, &second,
                          Date(2026, 3, 1), Date(2031, 2, 28), "req-create-1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::Permit issued, replayed;
  ASSERT_TRUE(Issue(first.name(), &issued, first.etag(), "req-issue-1").ok());
  ASSERT_TRUE(Issue(first.name(), &replayed, first.etag(), "req-issue-1").ok());
  EXPECT_EQ(replayed.SerializeAsString(), issued.SerializeAsString());
  EXPECT_EQ(AuditCount(first.name()), 2);
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM permit_version"), 1);
}

TEST_F(PermitTest, StaleEtagIsAborted) {
  v1::Permit draft;
  ASSERT_TRUE(Create(officer_a_, kUsccA, "001", {Limit("DA001", "a21026", 35)}, &draft).ok());
  v1::UpdatePermitRequest update;
  *update.mutable_permit() = draft;
  *update.mutable_permit()->mutable_valid_until() = Date(2031, 1, 31);
  update.mutable_update_mask()->add_paths("valid_until");
  v1::Permit updated;
  auto ctx = TestApp::Context(officer_a_);
  ASSERT_TRUE(stub_->UpdatePermit(ctx.get(), update, &updated).ok());
  EXPECT_EQ(updated.valid_until().month(), 1);

  auto ctx2 = TestApp::Context(officer_a_);
  grpc::Status s = stub_->UpdatePermit(ctx2.get(), update, &updated);  // Old etag.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorReason(s), "ETAG_MISMATCH");
  v1::Permit issued;
  s = Issue(draft.name(), &issued, draft.etag());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  ASSERT_TRUE(Issue(draft.name(), &issued, updated.etag()).ok());
}

// --- Scope ---------------------------------------------------------------------------------

TEST_F(PermitTest, ScopeForEachRole) {
  v1::Permit a = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)});
  v1::Permit b = InForce(kUsccB, "001", {Limit("DA001", "a21026", 100)});
  v1::Permit out;

  // Officers see their districts only; the rest is NOT_FOUND, never PERMISSION_DENIED.
  EXPECT_TRUE(Get(officer_a_, a.name(), &out).ok());
  EXPECT_EQ(Get(officer_a_, b.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(officer_b_, a.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Create(officer_b_, kUsccA, "002", {}, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::LimitInForce l;
  EXPECT_EQ(LimitAt(officer_b_, kUsccA, "DA001", "a21026", app_->clock().Now(), &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListPermitsResponse listed;
  ASSERT_TRUE(List(officer_a_, v1::ListPermitsRequest(), &listed).ok());
  EXPECT_THAT(Numbers(listed), ElementsAre(a.permit_number()));
  v1::ListPermitsRequest by_parent;
  by_parent.set_parent("enterprises/" + kUsccB);
  listed.Clear();
  ASSERT_TRUE(List(officer_a_, by_parent, &listed).ok());
  EXPECT_THAT(Numbers(listed), IsEmpty());
  v1::PermitStatus status;
  EXPECT_EQ(StatusOf(officer_a_, kUsccB, &status).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListPermitVersionsRequest vr;
  vr.set_name(b.name());
  v1::ListPermitVersionsResponse versions;
  auto vctx = TestApp::Context(officer_a_);
  EXPECT_EQ(stub_->ListPermitVersions(vctx.get(), vr, &versions).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // A supervisor for the whole city sees both.
  listed.Clear();
  ASSERT_TRUE(List(supervisor_, v1::ListPermitsRequest(), &listed).ok());
  EXPECT_EQ(listed.permits_size(), 2);
  v1::ListPermitsRequest qinyang;
  qinyang.set_district_code("410882");
  listed.Clear();
  ASSERT_TRUE(List(supervisor_, qinyang, &listed).ok());
  EXPECT_THAT(Numbers(listed), ElementsAre(b.permit_number()));

  // An enterprise reads its own permit, limits and status; another's is NOT_FOUND.
  EXPECT_TRUE(Get(enterprise_a_, a.name(), &out).ok());
  EXPECT_EQ(Get(enterprise_a_, b.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(LimitAt(enterprise_a_, kUsccA, "DA001", "a21026", app_->clock().Now(), &l).ok());
  EXPECT_EQ(LimitAt(enterprise_a_, kUsccB, "DA001", "a21026", app_->clock().Now(), &l).error_code(),
            grpc::StatusCode::NOT_FOUND);
  listed.Clear();
  ASSERT_TRUE(List(enterprise_b_, v1::ListPermitsRequest(), &listed).ok());
  EXPECT_THAT(Numbers(listed), ElementsAre(b.permit_number()));
  EXPECT_TRUE(StatusOf(enterprise_a_, kUsccA, &status).ok());
  EXPECT_EQ(StatusOf(enterprise_a_, kUsccB, &status).error_code(), grpc::StatusCode::NOT_FOUND);
  // And changes nothing.
  v1::Permit revoked;
  v1::RevokePermitRequest revoke;
  revoke.set_name(a.name());
  revoke.set_reason("x");
  auto ctx = TestApp::Context(enterprise_a_);
  EXPECT_EQ(stub_->RevokePermit(ctx.get(), revoke, &revoked).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Officers prepare drafts but do not decide.
  auto octx = TestApp::Context(officer_a_);
  EXPECT_EQ(stub_->RevokePermit(octx.get(), revoke, &revoked).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PermitTest, PermitStatusForTheEnterprise) {
  v1::PermitStatus status;
  ASSERT_TRUE(StatusOf(enterprise_a_, kUsccA, &status).ok());
  EXPECT_EQ(status.enterprise(), "enterprises/" + kUsccA);
  EXPECT_EQ(status.enterprise_display_name(), "焦作市测试热电有限公司");
  EXPECT_FALSE(status.has_permit_in_force());
  EXPECT_EQ(status.permits_size(), 0);

  v1::Permit draft;
  ASSERT_TRUE(Create(supervisor_, kUsccA, "003", {Limit("DW001", "w01018", 50)}, &draft).ok());
  v1::Permit a = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)}, Date(2026, 5, 1));
  v1::Permit old = InForce(kUsccA, "002", {Limit("DA002", "a21026", 35)});
  v1::Permit out;
  ASSERT_TRUE(Revoke(old.name(), &out).ok());

  status.Clear();
  ASSERT_TRUE(StatusOf(enterprise_a_, kUsccA, &status).ok());
  EXPECT_TRUE(status.has_permit_in_force());
  ASSERT_EQ(status.permits_size(), 2);  // In force first, then the ended one; no draft.
  EXPECT_EQ(status.permits(0).permit().permit_number(), a.permit_number());
  EXPECT_EQ(status.permits(0).days_to_expiry(), 60);  // 2026-03-02 → 2026-05-01.
  EXPECT_EQ(status.permits(0).permit().limits(0).concentration_limit(), 35);
  EXPECT_EQ(status.permits(1).permit().permit_number(), old.permit_number());
  EXPECT_EQ(status.permits(1).permit().state(), v1::Permit::REVOKED);
  // The status carries only fields that exist today: permits, the rectification task
  // counts and open incidents (evaluation_test fills them), nothing about cases yet.
  EXPECT_EQ(v1::PermitStatus::descriptor()->field_count(), 7);
  EXPECT_EQ(status.open_incidents_size(), 0);
  EXPECT_EQ(status.open_tasks(), 0);
  EXPECT_EQ(status.overdue_tasks(), 0);

  // Staff in scope may ask too.
  EXPECT_TRUE(StatusOf(officer_a_, kUsccA, &status).ok());
  Travel(Shanghai(2026, 5, 1, 23, 0));
  status.Clear();
  ASSERT_TRUE(StatusOf(enterprise_a_, kUsccA, &status).ok());
  EXPECT_EQ(status.permits(0).days_to_expiry(), 0);  // Last day.
}

// --- Public disclosure ---------------------------------------------------------------------

TEST_F(PermitTest, PublicReadNeedsNoTokenAndCarriesNoPrivateField) {
  v1::Permit draft;
  ASSERT_TRUE(Create(supervisor_, kUsccA, "001",
                     {Limit("DA001", "a21026", 35), Limit("DW001", "w01018", 50)}, &draft)
                  .ok());
  v1::GetPublicPermitRequest request;
  request.set_permit_number(draft.permit_number());
  v1::PublicPermit pub;
  auto ctx = TestApp::Context("");
  // Drafts are not public.
  EXPECT_EQ(stub_->GetPublicPermit(ctx.get(), request, &pub).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::Permit issued;
  ASSERT_TRUE(Issue(draft.name(), &issued).ok());
  auto ctx2 = TestApp::Context("");
  grpc::Status s = stub_->GetPublicPermit(ctx2.get(), request, &pub);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(pub.permit_number(), draft.permit_number());
  EXPECT_EQ(pub.holder_name(), "焦作市测试热电有限公司");
  EXPECT_EQ(pub.holder_uscc(), kUsccA);
  EXPECT_EQ(pub.state(), v1::Permit::IN_FORCE);
  EXPECT_EQ(pub.valid_until().year(), 2031);
  EXPECT_EQ(pub.issuing_authority(), "焦作市生态环境局");
  ASSERT_EQ(pub.outlets_size(), 2);  // The permitted outlets only (DA002 is not).
  EXPECT_EQ(pub.outlets(0).code(), "DA001");
  EXPECT_EQ(pub.outlets(0).display_name(), "1号锅炉烟囱");
  EXPECT_EQ(pub.outlets(1).code(), "DW001");
  EXPECT_EQ(pub.limits_size(), 2);

  // Nothing private in the bytes: no contact, phone, address, coordinates, etag or ids.
  const std::string bytes = pub.SerializeAsString();
  EXPECT_EQ(bytes.find(kContactName), std::string::npos);
  EXPECT_EQ(bytes.find(kContactPhone), std::string::npos);
  EXPECT_EQ(bytes.find(kAddressA), std::string::npos);
  for (double coordinate : {kLatitudeA, kLongitudeA}) {
    char raw[sizeof(double)];
    std::memcpy(raw, &coordinate, sizeof raw);
    EXPECT_EQ(bytes.find(std::string(raw, sizeof raw)), std::string::npos);
  }
  EXPECT_EQ(bytes.find(issued.etag()), std::string::npos);
  EXPECT_EQ(bytes.find("enterprises/"), std::string::npos);
  EXPECT_EQ(bytes.find("users/"), std::string::npos);
  // And no field the client's descriptor does not know.
  EXPECT_TRUE(pub.GetReflection()->GetUnknownFields(pub).empty());

  // Unknown and malformed numbers.
  request.set_permit_number(Number(kUsccB, "001"));
  auto ctx3 = TestApp::Context("");
  EXPECT_EQ(stub_->GetPublicPermit(ctx3.get(), request, &pub).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_permit_number("not-a-number");
  auto ctx4 = TestApp::Context("");
  EXPECT_EQ(stub_->GetPublicPermit(ctx4.get(), request, &pub).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// --- Expiring lists and the scheduled sweep -------------------------------------------------

TEST_F(PermitTest, ExpiringWithinSixtyDaysSoonestFirstAndScoped) {
  // Today is 2026-03-02 (Asia/Shanghai).
  v1::Permit a1 = InForce(kUsccA, "001", {Limit("DA001", "a21026", 35)}, Date(2026, 4, 30));
  v1::Permit a2 = InForce(kUsccA, "002", {Limit("DA002", "a21026", 35)}, Date(2026, 3, 31));
  v1::Permit a3 = InForce(kUsccA, "003", {Limit("DW001", "w01018", 50)}, Date(2026, 9, 30));
  v1::Permit b1 = InForce(kUsccB, "001", {Limit("DA001", "a21026", 100)}, Date(2026, 4, 15));

  v1::ListPermitsResponse r;
  ASSERT_TRUE(Expiring(supervisor_, 0, &r).ok());
  EXPECT_THAT(Numbers(r), ElementsAre(a2.permit_number(), b1.permit_number(), a1.permit_number()));
  r.Clear();
  ASSERT_TRUE(Expiring(officer_a_, 0, &r).ok());
  EXPECT_THAT(Numbers(r), ElementsAre(a2.permit_number(), a1.permit_number()));
  r.Clear();
  ASSERT_TRUE(Expiring(officer_b_, 0, &r).ok());
  EXPECT_THAT(Numbers(r), ElementsAre(b1.permit_number()));
  r.Clear();
  ASSERT_TRUE(Expiring(supervisor_, 365, &r).ok());
  EXPECT_EQ(r.permits_size(), 4);

  // Pages of one, in the same order.
  std::vector<std::string> paged;
  std::string token;
  do {
    v1::ListPermitsResponse page;
    ASSERT_TRUE(Expiring(supervisor_, 60, &page, 1, token).ok());
    for (const auto& p : page.permits()) paged.push_back(p.permit_number());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(paged, ElementsAre(a2.permit_number(), b1.permit_number(), a1.permit_number()));

  // Revoked permits are not "expiring"; expired ones are listed as EXPIRED.
  v1::Permit out;
  ASSERT_TRUE(Revoke(b1.name(), &out).ok());
  Travel(Shanghai(2026, 4, 1, 8));
  EXPECT_EQ(ExpireDue(), 1);  // a2.
  r.Clear();
  ASSERT_TRUE(Expiring(supervisor_, 0, &r).ok());
  EXPECT_THAT(Numbers(r), ElementsAre(a1.permit_number()));
  v1::ListPermitsRequest expired;
  expired.set_state(v1::Permit::EXPIRED);
  r.Clear();
  ASSERT_TRUE(List(officer_a_, expired, &r).ok());
  EXPECT_THAT(Numbers(r), ElementsAre(a2.permit_number()));
  EXPECT_EQ(Expiring(supervisor_, -1, &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(PermitSweepTest, TheRegisteredSweepExpiresPermits) {
  auto app = TestApp::Start(
      "permitsweep", [](app::ApplicationOptions& o) { o.sweep_tick = absl::Milliseconds(100); });
  ASSERT_NE(app, nullptr);
  SeedRegistry(app->schema());
  std::string supervisor = app->CreateUserAndLogin("sup.sweep", v1::ROLE_SUPERVISOR, {"410800"});
  auto stub = v1::PermitService::NewStub(app->channel());
  v1::CreatePermitRequest create;
  create.set_parent("enterprises/" + kUsccA);
  create.mutable_permit()->set_permit_number(Number(kUsccA, "001"));
  *create.mutable_permit()->mutable_valid_from() = Date(2026, 3, 1);
  *create.mutable_permit()->mutable_valid_until() = Date(2026, 3, 31);
  *create.mutable_permit()->add_limits() = Limit("DA001", "a21026", 35);
  v1::Permit draft, issued;
  auto ctx = TestApp::Context(supervisor);
  ASSERT_TRUE(stub->CreatePermit(ctx.get(), create, &draft).ok());
  v1::IssuePermitRequest issue;
  issue.set_name(draft.name());
  auto ctx2 = TestApp::Context(supervisor);
  ASSERT_TRUE(stub->IssuePermit(ctx2.get(), issue, &issued).ok());

  app->clock().Set(Shanghai(2026, 4, 1, 0, 30));
  supervisor = app->Login("sup.sweep", "password-sup.sweep");
  v1::Permit now;
  for (int i = 0; i < 200; ++i) {
    v1::GetPermitRequest get;
    get.set_name(draft.name());
    auto gctx = TestApp::Context(supervisor);
    ASSERT_TRUE(stub->GetPermit(gctx.get(), get, &now).ok());
    if (now.state() == v1::Permit::EXPIRED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(now.state(), v1::Permit::EXPIRED);
  EXPECT_EQ(FromTs(now.end_time()), Shanghai(2026, 4, 1));
}

}  // namespace
}  // namespace ecocase
