// EnterpriseService against the real database through the real Application: the registry
// of enterprises, outlets and devices; scope per role (BOLA); duplicates; etags;
// idempotent writes; keyset pagination over 1,000 enterprises; the audit trail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ecocase/v1/audit.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ::ecocase::testing::ValidUscc;

// Two enterprises in different districts of Jiaozuo, and a third in the first district.
const std::string kInJiefang = ValidUscc("91410802MA3X00001");    // 解放区 410802
const std::string kInZhongzhan = ValidUscc("91410803MA3X00002");  // 中站区 410803
const std::string kAlsoJiefang = ValidUscc("91410802MA3X00003");

constexpr char kContactName[] = "王建国";
constexpr char kContactPhone[] = "13903910000";

v1::Enterprise NewEnterprise(const std::string& uscc, const std::string& district,
                             const std::string& display_name = "焦作市某某热电有限公司") {
  v1::Enterprise e;
  e.set_uscc(uscc);
  e.set_display_name(display_name);
  e.set_address("焦作市某某路 1 号");
  e.set_district_code(district);
  e.set_industry_code("D4411");
  e.set_management_class(v1::MANAGEMENT_CLASS_KEY);
  e.set_key_discharger(true);
  e.mutable_location()->set_latitude(35.2158);
  e.mutable_location()->set_longitude(113.2418);
  v1::EnterpriseContact* c = e.add_contacts();
  c->set_name(kContactName);
  c->set_title("环保负责人");
  c->set_phone(kContactPhone);
  return e;
}

v1::Outlet NewOutlet(const std::string& code, std::vector<std::string> pollutants) {
  v1::Outlet o;
  o.set_code(code);
  o.set_display_name(absl::StrCat(code, " 排放口"));
  for (const std::string& p : pollutants) o.add_pollutant_codes(p);
  return o;
}

std::string EnterpriseName(const std::string& uscc) { return "enterprises/" + uscc; }
std::string OutletName(const std::string& uscc, const std::string& code) {
  return absl::StrCat("enterprises/", uscc, "/outlets/", code);
}

google::rpc::Status Details(const grpc::Status& s) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(s.error_details()));
  return details;
}

// The field of the BadRequest violation in `s`, or "" when there is none.
std::string ViolatedField(const grpc::Status& s) {
  google::rpc::Status details = Details(s);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

std::string Reason(const grpc::Status& s) {
  google::rpc::Status details = Details(s);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

class EnterpriseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = TestApp::Start("ent");
    ASSERT_NE(app_, nullptr);
    stub_ = v1::EnterpriseService::NewStub(app_->channel());
    admin_ = app_->AdminToken();
  }

  grpc::Status Create(const std::string& token, const v1::Enterprise& e,
                      v1::Enterprise* out = nullptr, const std::string& request_id = "") {
    v1::CreateEnterpriseRequest request;
    *request.mutable_enterprise() = e;
    request.set_request_id(request_id);
    v1::Enterprise response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->CreateEnterprise(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status Get(const std::string& token, const std::string& uscc,
                   v1::Enterprise* out = nullptr) {
    v1::GetEnterpriseRequest request;
    request.set_name(EnterpriseName(uscc));
    v1::Enterprise response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->GetEnterprise(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status List(const std::string& token, const v1::ListEnterprisesRequest& request,
                    v1::ListEnterprisesResponse* out) {
    auto ctx = TestApp::Context(token);
    return stub_->ListEnterprises(ctx.get(), request, out);
  }

  // Every enterprise `token` sees with `request`'s filters, page by page.
  std::vector<v1::Enterprise> ListAll(const std::string& token,
                                      v1::ListEnterprisesRequest request) {
    std::vector<v1::Enterprise> all;
    request.set_page_size(500);
    do {
      v1::ListEnterprisesResponse page;
      grpc::Status s = List(token, request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), page.enterprises().begin(), page.enterprises().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  grpc::Status Update(const std::string& token, const v1::UpdateEnterpriseRequest& request,
                      v1::Enterprise* out = nullptr) {
    v1::Enterprise response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->UpdateEnterprise(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status CreateOutlet(const std::string& token, const std::string& uscc,
                            const v1::Outlet& outlet, v1::Outlet* out = nullptr) {
    v1::CreateOutletRequest request;
    request.set_parent(EnterpriseName(uscc));
    *request.mutable_outlet() = outlet;
    v1::Outlet response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->CreateOutlet(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status GetOutlet(const std::string& token, const std::string& name,
                         v1::Outlet* out = nullptr) {
    v1::GetOutletRequest request;
    request.set_name(name);
    v1::Outlet response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->GetOutlet(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status ListOutlets(const std::string& token, const std::string& uscc,
                           v1::ListOutletsResponse* out, int page_size = 0,
                           const std::string& page_token = "") {
    v1::ListOutletsRequest request;
    request.set_parent(EnterpriseName(uscc));
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    auto ctx = TestApp::Context(token);
    return stub_->ListOutlets(ctx.get(), request, out);
  }

  grpc::Status Bind(const std::string& token, const std::string& outlet, const std::string& mn,
                    v1::Device* out = nullptr, const std::string& request_id = "") {
    v1::BindDeviceRequest request;
    request.set_outlet(outlet);
    request.set_mn(mn);
    request.set_device_password("Pw-123456");
    request.set_request_id(request_id);
    v1::Device response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->BindDevice(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status BindWith(const std::string& token, const std::string& outlet,
                        const std::string& mn, const v1::DeviceProtocol& protocol,
                        v1::Device* out = nullptr, const std::string& request_id = "") {
    v1::BindDeviceRequest request;
    request.set_outlet(outlet);
    request.set_mn(mn);
    request.set_device_password("Pw-123456");
    request.set_request_id(request_id);
    *request.mutable_protocol() = protocol;
    v1::Device response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->BindDevice(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  // The profile columns of a device: "version strictness crc_mode encryption sm4_keys".
  std::string StoredProfile(const std::string& mn) {
    return app_->schema().QueryString(
        "SELECT CONCAT_WS(' ', protocol_version, strictness, crc_mode, encryption, "
        "IF(sm4_keys = '', '-', sm4_keys)) FROM device WHERE mn = '" + mn + "'");
  }

  grpc::Status Unbind(const std::string& token, const std::string& mn, v1::Device* out = nullptr,
                      const std::string& request_id = "") {
    v1::UnbindDeviceRequest request;
    request.set_name("devices/" + mn);
    request.set_request_id(request_id);
    v1::Device response;
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub_->UnbindDevice(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  // Admin registers the three enterprises and an air outlet DA001 on each.
  void RegisterThree() {
    for (const auto& [uscc, district] :
         {std::pair{kInJiefang, "410802"}, std::pair{kInZhongzhan, "410803"},
          std::pair{kAlsoJiefang, "410802"}}) {
      grpc::Status s = Create(admin_, NewEnterprise(uscc, district));
      ASSERT_TRUE(s.ok()) << s.error_message();
      s = CreateOutlet(admin_, uscc, NewOutlet("DA001", {"a21026", "a21002"}));
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  int64_t Count(const std::string& sql) { return app_->schema().QueryInt(sql); }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
  std::string admin_;
};

// --- Create, get, update ---------------------------------------------------------------

TEST_F(EnterpriseTest, CreateThenGetReturnsWhatWasStored) {
  v1::Enterprise request = NewEnterprise(kInJiefang, "410802");
  std::string lower = kInJiefang;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  request.set_uscc(lower);  // Normalised on the way in.
  v1::Enterprise created;
  ASSERT_TRUE(Create(admin_, request, &created).ok());
  EXPECT_EQ(created.name(), EnterpriseName(kInJiefang));
  EXPECT_EQ(created.uscc(), kInJiefang);
  EXPECT_EQ(created.etag(), "v1");
  EXPECT_EQ(created.management_class(), v1::MANAGEMENT_CLASS_KEY);
  EXPECT_TRUE(created.key_discharger());
  EXPECT_DOUBLE_EQ(created.location().latitude(), 35.2158);
  EXPECT_DOUBLE_EQ(created.location().longitude(), 113.2418);
  ASSERT_EQ(created.contacts_size(), 1);
  EXPECT_EQ(created.contacts(0).name(), kContactName);
  EXPECT_EQ(created.create_time().seconds(), absl::ToUnixSeconds(app_->clock().Now()));

  v1::Enterprise got;
  ASSERT_TRUE(Get(admin_, kInJiefang, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
  // The name may carry the code in lower case too.
  ASSERT_TRUE(Get(admin_, lower, &got).ok());
  EXPECT_EQ(got.uscc(), kInJiefang);
}

TEST_F(EnterpriseTest, BadCreditCodesAreInvalidArgumentNamingTheField) {
  std::string wrong_check = kInJiefang.substr(0, 17) + (kInJiefang[17] == '0' ? '1' : '0');
  for (const std::string& uscc :
       {wrong_check, kInJiefang.substr(0, 17), kInJiefang + "0",
        kInJiefang.substr(0, 9) + "I" + kInJiefang.substr(10), std::string()}) {
    SCOPED_TRACE(uscc);
    grpc::Status s = Create(admin_, NewEnterprise(uscc, "410802"));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedField(s), "enterprise.uscc");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enterprise"), 0);
  // And in names.
  grpc::Status s = Get(admin_, wrong_check);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "name");
}

TEST_F(EnterpriseTest, OtherBadFieldsAreNamed) {
  const std::vector<std::pair<std::function<void(v1::Enterprise&)>, std::string>> kCases = {
      {[](v1::Enterprise& e) { e.set_display_name(""); }, "enterprise.display_name"},
      {[](v1::Enterprise& e) { e.set_address(""); }, "enterprise.address"},
      {[](v1::Enterprise& e) { e.set_district_code("4108"); }, "enterprise.district_code"},
      {[](v1::Enterprise& e) { e.set_industry_code("火力发电"); }, "enterprise.industry_code"},
      {[](v1::Enterprise& e) { e.set_management_class(v1::MANAGEMENT_CLASS_UNSPECIFIED); },
       "enterprise.management_class"},
      {[](v1::Enterprise& e) { e.mutable_location()->set_latitude(135); },
       "enterprise.location.latitude"},
      {[](v1::Enterprise& e) { e.mutable_contacts(0)->set_phone("call me"); },
       "enterprise.contacts[0].phone"},
  };
  for (const auto& [spoil, field] : kCases) {
    v1::Enterprise e = NewEnterprise(kInJiefang, "410802");
    spoil(e);
    grpc::Status s = Create(admin_, e);
    SCOPED_TRACE(field);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedField(s), field);
  }
}

TEST_F(EnterpriseTest, DuplicateCreditCodeIsAlreadyExists) {
  ASSERT_TRUE(Create(admin_, NewEnterprise(kInJiefang, "410802")).ok());
  grpc::Status s = Create(admin_, NewEnterprise(kInJiefang, "410803", "另一个名字"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  std::string lower = kInJiefang;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(Create(admin_, NewEnterprise(lower, "410802")).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enterprise"), 1);
}

TEST_F(EnterpriseTest, UpdateChangesMaskedFieldsAndStaleEtagsAreAborted) {
  v1::Enterprise created;
  ASSERT_TRUE(Create(admin_, NewEnterprise(kInJiefang, "410802"), &created).ok());
  app_->clock().Advance(absl::Minutes(5));

  v1::UpdateEnterpriseRequest first;
  first.mutable_enterprise()->set_name(created.name());
  first.mutable_enterprise()->set_etag(created.etag());
  first.mutable_enterprise()->set_display_name("焦作市某某热电有限公司（更名）");
  first.mutable_enterprise()->set_management_class(v1::MANAGEMENT_CLASS_SIMPLIFIED);
  first.mutable_enterprise()->set_address("ignored: not in the mask");
  first.mutable_update_mask()->add_paths("display_name");
  first.mutable_update_mask()->add_paths("management_class");
  first.mutable_update_mask()->add_paths("contacts");  // Sent empty: clears them.
  first.mutable_update_mask()->add_paths("location");  // Sent absent: clears it.
  v1::Enterprise updated;
  grpc::Status s = Update(admin_, first, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.etag(), "v2");
  EXPECT_EQ(updated.display_name(), "焦作市某某热电有限公司（更名）");
  EXPECT_EQ(updated.management_class(), v1::MANAGEMENT_CLASS_SIMPLIFIED);
  EXPECT_EQ(updated.address(), created.address());
  EXPECT_THAT(updated.contacts(), IsEmpty());
  EXPECT_FALSE(updated.has_location());
  EXPECT_EQ(updated.create_time().seconds(), created.create_time().seconds());
  EXPECT_EQ(updated.update_time().seconds(), created.update_time().seconds() + 300);

  v1::Enterprise got;
  ASSERT_TRUE(Get(admin_, kInJiefang, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), updated.SerializeAsString());

  v1::UpdateEnterpriseRequest stale = first;  // Still carries v1.
  stale.mutable_enterprise()->set_display_name("又一个名字");
  s = Update(admin_, stale);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Reason(s), "ETAG_MISMATCH");

  v1::UpdateEnterpriseRequest immutable = first;
  immutable.mutable_enterprise()->set_etag(updated.etag());
  immutable.mutable_update_mask()->add_paths("uscc");
  s = Update(admin_, immutable);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "update_mask");

  v1::UpdateEnterpriseRequest no_mask;
  no_mask.mutable_enterprise()->set_name(created.name());
  EXPECT_EQ(ViolatedField(Update(admin_, no_mask)), "update_mask");

  v1::UpdateEnterpriseRequest invalid;
  invalid.mutable_enterprise()->set_name(created.name());
  invalid.mutable_enterprise()->set_industry_code("44");
  invalid.mutable_update_mask()->add_paths("industry_code");
  s = Update(admin_, invalid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "enterprise.industry_code");
  ASSERT_TRUE(Get(admin_, kInJiefang, &got).ok());
  EXPECT_EQ(got.etag(), "v2");  // Nothing changed.
}

// --- Idempotency -----------------------------------------------------------------------

TEST_F(EnterpriseTest, SameRequestIdTenTimesConcurrentlyCreatesOneEnterprise) {
  std::string officer = app_->CreateUserAndLogin("li.officer", v1::ROLE_OFFICER, {"410802"});
  v1::Enterprise request = NewEnterprise(kInJiefang, "410802");
  constexpr int kCalls = 10;
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<v1::Enterprise> responses(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = Create(officer, request, &responses[i], "7f1c9a52-create-once"); });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(responses[i].SerializeAsString(), responses[0].SerializeAsString());
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enterprise"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'CreateEnterprise'"), 1);

  // The same id with another request is refused; a new id is a new (duplicate) create.
  v1::Enterprise other = NewEnterprise(kAlsoJiefang, "410802");
  EXPECT_EQ(Create(officer, other, nullptr, "7f1c9a52-create-once").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Create(officer, request, nullptr, "another-id").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(EnterpriseTest, RetriedBindAndUnbindDoNothingTwice) {
  RegisterThree();
  std::string outlet = OutletName(kInJiefang, "DA001");
  v1::Device first, again;
  ASSERT_TRUE(Bind(admin_, outlet, "88888880000001", &first, "bind-1").ok());
  ASSERT_TRUE(Bind(admin_, outlet, "88888880000001", &again, "bind-1").ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  app_->clock().Advance(absl::Hours(1));
  ASSERT_TRUE(Unbind(admin_, "88888880000001", &first, "unbind-1").ok());
  ASSERT_TRUE(Unbind(admin_, "88888880000001", &again, "unbind-1").ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('BindDevice', "
                  "'UnbindDevice')"),
            2);
  // Without the request id, a second unbind finds nothing bound.
  EXPECT_EQ(Unbind(admin_, "88888880000001").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// --- Outlets and devices ---------------------------------------------------------------

TEST_F(EnterpriseTest, OutletsRoundTripAndCheckTheirPollutants) {
  ASSERT_TRUE(Create(admin_, NewEnterprise(kInJiefang, "410802")).ok());
  v1::Outlet created;
  grpc::Status s = CreateOutlet(admin_, kInJiefang,
                                NewOutlet("DW001", {"w21003", "w01018", "w00000"}), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(created.name(), OutletName(kInJiefang, "DW001"));
  EXPECT_EQ(created.kind(), v1::OUTLET_KIND_WATER);
  EXPECT_THAT(created.pollutant_codes(), ElementsAre("w00000", "w01018", "w21003"));
  EXPECT_EQ(created.etag(), "v1");
  ASSERT_TRUE(CreateOutlet(admin_, kInJiefang, NewOutlet("DA002", {"a21026"})).ok());
  ASSERT_TRUE(CreateOutlet(admin_, kInJiefang, NewOutlet("DA001", {"a34013"})).ok());

  v1::Outlet got;
  ASSERT_TRUE(GetOutlet(admin_, created.name(), &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());

  // Ordered by code, one per page.
  std::vector<std::string> codes;
  std::string token;
  do {
    v1::ListOutletsResponse page;
    ASSERT_TRUE(ListOutlets(admin_, kInJiefang, &page, 1, token).ok());
    ASSERT_LE(page.outlets_size(), 1);
    for (const auto& o : page.outlets()) codes.push_back(o.code());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(codes, ElementsAre("DA001", "DA002", "DW001"));

  // Wrong element, bad code, unknown code form: each names its field.
  s = CreateOutlet(admin_, kInJiefang, NewOutlet("DW002", {"w01018", "a21026"}));
  EXPECT_EQ(ViolatedField(s), "outlet.pollutant_codes[1]");
  s = CreateOutlet(admin_, kInJiefang, NewOutlet("DX001", {"a21026"}));
  EXPECT_EQ(ViolatedField(s), "outlet.code");
  s = CreateOutlet(admin_, kInJiefang, NewOutlet("DA003", {}));
  EXPECT_EQ(ViolatedField(s), "outlet.pollutant_codes");

  // Update with the etag; then the old etag is stale.
  v1::UpdateOutletRequest update;
  update.mutable_outlet()->set_name(created.name());
  update.mutable_outlet()->set_etag(created.etag());
  update.mutable_outlet()->add_pollutant_codes("w21011");
  update.mutable_outlet()->add_pollutant_codes("w01018");
  update.mutable_update_mask()->add_paths("pollutant_codes");
  v1::Outlet updated;
  auto ctx = TestApp::Context(admin_);
  s = stub_->UpdateOutlet(ctx.get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(updated.pollutant_codes(), ElementsAre("w01018", "w21011"));
  EXPECT_EQ(updated.etag(), "v2");
  auto ctx2 = TestApp::Context(admin_);
  s = stub_->UpdateOutlet(ctx2.get(), update, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Reason(s), "ETAG_MISMATCH");
  update.mutable_outlet()->clear_etag();
  update.mutable_update_mask()->add_paths("code");
  auto ctx3 = TestApp::Context(admin_);
  EXPECT_EQ(ViolatedField(stub_->UpdateOutlet(ctx3.get(), update, &updated)), "update_mask");
}

TEST_F(EnterpriseTest, DuplicateOutletCodeIsAlreadyExistsOnlyWithinAnEnterprise) {
  RegisterThree();  // DA001 on each: the same code in other enterprises is fine.
  grpc::Status s = CreateOutlet(admin_, kInJiefang, NewOutlet("DA001", {"a34013"}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outlet"), 3);
  // An absent enterprise is NOT_FOUND.
  EXPECT_EQ(CreateOutlet(admin_, ValidUscc("91410802MA3X00009"), NewOutlet("DA001", {"a34013"}))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(EnterpriseTest, AnMnIsBoundOnceInTheWholeSystem) {
  RegisterThree();
  ASSERT_TRUE(CreateOutlet(admin_, kInJiefang, NewOutlet("DA002", {"a21026"})).ok());
  v1::Device device;
  ASSERT_TRUE(
      Bind(admin_, OutletName(kInJiefang, "DA001"), "010000A8900016F000169DC0", &device).ok());
  EXPECT_EQ(device.name(), "devices/010000A8900016F000169DC0");
  EXPECT_EQ(device.outlet(), OutletName(kInJiefang, "DA001"));
  EXPECT_EQ(device.bind_time().seconds(), absl::ToUnixSeconds(app_->clock().Now()));
  // Again on the same outlet, another outlet of the enterprise, another enterprise.
  for (const std::string& outlet :
       {OutletName(kInJiefang, "DA001"), OutletName(kInJiefang, "DA002"),
        OutletName(kInZhongzhan, "DA001")}) {
    SCOPED_TRACE(outlet);
    EXPECT_EQ(Bind(admin_, outlet, "010000A8900016F000169DC0").error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  v1::Outlet got;
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInJiefang, "DA001"), &got).ok());
  ASSERT_EQ(got.devices_size(), 1);
  EXPECT_EQ(got.devices(0).mn(), "010000A8900016F000169DC0");
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInJiefang, "DA002"), &got).ok());
  EXPECT_THAT(got.devices(), IsEmpty());

  // The password is kept as a cheap-cost PBKDF2 hash only.
  std::string hash = app_->schema().QueryString(
      "SELECT password_hash FROM device WHERE mn = '010000A8900016F000169DC0'");
  EXPECT_THAT(hash, ::testing::StartsWith("pbkdf2-sha256$10000$"));
  EXPECT_THAT(hash, ::testing::Not(HasSubstr("Pw-123456")));

  // Bad MN and password are named.
  v1::BindDeviceRequest bad;
  bad.set_outlet(OutletName(kInJiefang, "DA002"));
  bad.set_mn("MN-0001");
  bad.set_device_password("Pw-123456");
  v1::Device out;
  auto ctx = TestApp::Context(admin_);
  EXPECT_EQ(ViolatedField(stub_->BindDevice(ctx.get(), bad, &out)), "mn");
  bad.set_mn("88888880000002");
  bad.set_device_password("123");
  auto ctx2 = TestApp::Context(admin_);
  EXPECT_EQ(ViolatedField(stub_->BindDevice(ctx2.get(), bad, &out)), "device_password");
}

TEST_F(EnterpriseTest, UnbindingThenRebindingElsewhereKeepsTheHistory) {
  RegisterThree();
  const std::string mn = "88888880000001";
  ASSERT_TRUE(Bind(admin_, OutletName(kInJiefang, "DA001"), mn).ok());
  app_->clock().Advance(absl::Hours(6));  // Within the access token's 8 hours.
  v1::Device unbound;
  ASSERT_TRUE(Unbind(admin_, mn, &unbound).ok());
  EXPECT_EQ(unbound.name(), "devices/" + mn);
  EXPECT_TRUE(unbound.outlet().empty());
  EXPECT_FALSE(unbound.has_bind_time());
  v1::Outlet got;
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInJiefang, "DA001"), &got).ok());
  EXPECT_THAT(got.devices(), IsEmpty());

  app_->clock().Advance(absl::Hours(1));
  v1::Device rebound;
  ASSERT_TRUE(Bind(admin_, OutletName(kInZhongzhan, "DA001"), mn, &rebound).ok());
  EXPECT_EQ(rebound.outlet(), OutletName(kInZhongzhan, "DA001"));
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInZhongzhan, "DA001"), &got).ok());
  ASSERT_EQ(got.devices_size(), 1);

  EXPECT_EQ(Count("SELECT COUNT(*) FROM device"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding WHERE mn = '88888880000001'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding b JOIN outlet o ON o.id = b.outlet_id "
                  "JOIN enterprise e ON e.id = o.enterprise_id WHERE e.uscc = '" +
                  kInJiefang + "' AND b.unbind_time = b.bind_time + INTERVAL 6 HOUR"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding b JOIN outlet o ON o.id = b.outlet_id "
                  "JOIN enterprise e ON e.id = o.enterprise_id WHERE e.uscc = '" +
                  kInZhongzhan + "' AND b.unbind_time IS NULL"),
            1);
}

v1::DeviceProtocol Protocol(v1::DeviceProtocol::Version version, bool lenient,
                            v1::DeviceProtocol::Encryption encryption,
                            const std::string& sm4_key = "") {
  v1::DeviceProtocol p;
  p.set_version(version);
  p.set_lenient(lenient);
  p.set_encryption(encryption);
  p.set_sm4_key(sm4_key);
  return p;
}

constexpr char kHexKey[] = "0F1E2D3C4B5A69788796A5B4C3D2E1F0";

TEST_F(EnterpriseTest, DevicesCarryTheirProtocolProfile) {
  RegisterThree();
  ASSERT_TRUE(CreateOutlet(admin_, kInJiefang, NewOutlet("DA002", {"a21026"})).ok());
  ASSERT_TRUE(CreateOutlet(admin_, kInJiefang, NewOutlet("DA003", {"a21026"})).ok());
  // Without a protocol: HJ 212-2017, strict, plain text.
  v1::Device plain;
  ASSERT_TRUE(Bind(admin_, OutletName(kInJiefang, "DA001"), "88888880000001", &plain).ok());
  EXPECT_EQ(plain.protocol().version(), v1::DeviceProtocol::VERSION_2017);
  EXPECT_FALSE(plain.protocol().lenient());
  EXPECT_EQ(plain.protocol().encryption(), v1::DeviceProtocol::ENCRYPTION_NONE);
  EXPECT_EQ(StoredProfile("88888880000001"), "2017 STRICT HJ212 NONE -");

  // A legacy 2005 device, lenient: the MODBUS CRC variants are accepted too.
  v1::Device legacy;
  ASSERT_TRUE(BindWith(admin_, OutletName(kInJiefang, "DA002"), "41080200000005",
                       Protocol(v1::DeviceProtocol::VERSION_2005, true,
                                v1::DeviceProtocol::ENCRYPTION_UNSPECIFIED),
                       &legacy)
                  .ok());
  EXPECT_EQ(legacy.protocol().version(), v1::DeviceProtocol::VERSION_2005);
  EXPECT_TRUE(legacy.protocol().lenient());
  EXPECT_EQ(StoredProfile("41080200000005"), "2005 LENIENT HJ212_OR_MODBUS NONE -");

  // A 2025 device on the Internet: SM4 required; the key is stored, never returned.
  v1::Device sealed;
  ASSERT_TRUE(BindWith(admin_, OutletName(kInJiefang, "DA003"), "41080200000025",
                       Protocol(v1::DeviceProtocol::VERSION_2025, false,
                                v1::DeviceProtocol::ENCRYPTION_REQUIRED, kHexKey),
                       &sealed)
                  .ok());
  EXPECT_EQ(sealed.protocol().encryption(), v1::DeviceProtocol::ENCRYPTION_REQUIRED);
  EXPECT_TRUE(sealed.protocol().sm4_key().empty());
  EXPECT_EQ(StoredProfile("41080200000025"),
            "2025 STRICT HJ212 REQUIRED 0f1e2d3c4b5a69788796a5b4c3d2e1f0");

  // Read back with the outlet.
  v1::Outlet got;
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInJiefang, "DA003"), &got).ok());
  ASSERT_EQ(got.devices_size(), 1);
  EXPECT_EQ(got.devices(0).protocol().version(), v1::DeviceProtocol::VERSION_2025);
  EXPECT_EQ(got.devices(0).protocol().encryption(), v1::DeviceProtocol::ENCRYPTION_REQUIRED);
  EXPECT_TRUE(got.devices(0).protocol().sm4_key().empty());
  ASSERT_TRUE(GetOutlet(admin_, OutletName(kInJiefang, "DA002"), &got).ok());
  ASSERT_EQ(got.devices_size(), 1);
  EXPECT_TRUE(got.devices(0).protocol().lenient());
  v1::ListOutletsResponse outlets;
  ASSERT_TRUE(ListOutlets(admin_, kInJiefang, &outlets).ok());
  for (const v1::Outlet& o : outlets.outlets()) {
    for (const v1::Device& d : o.devices()) {
      EXPECT_NE(d.protocol().version(), v1::DeviceProtocol::VERSION_UNSPECIFIED) << d.mn();
    }
  }
}

TEST_F(EnterpriseTest, TheSm4KeyStaysOutOfResponsesLogsAuditAndIdempotencyRecords) {
  RegisterThree();
  const std::string text_key = "Sm4-Demo-Key-016";  // The 16-character form of CN 1014.
  ::testing::internal::CaptureStderr();
  v1::Device first, again;
  v1::DeviceProtocol protocol = Protocol(v1::DeviceProtocol::VERSION_2025, false,
                                         v1::DeviceProtocol::ENCRYPTION_OPTIONAL, text_key);
  ASSERT_TRUE(BindWith(admin_, OutletName(kInJiefang, "DA001"), "41080200000026", protocol,
                       &first, "bind-sm4")
                  .ok());
  ASSERT_TRUE(BindWith(admin_, OutletName(kInJiefang, "DA001"), "41080200000026", protocol,
                       &again, "bind-sm4")
                  .ok());
  std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_THAT(first.SerializeAsString(), Not(HasSubstr(text_key)));
  EXPECT_THAT(logs, Not(HasSubstr(text_key)));
  // Stored as the hex of its 16 bytes.
  EXPECT_EQ(StoredProfile("41080200000026"),
            "2025 STRICT HJ212 OPTIONAL 536d342d44656d6f2d4b65792d303136");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding WHERE mn = '41080200000026'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_key WHERE request_id = 'bind-sm4' AND "
                  "(response LIKE '%" + text_key + "%' OR response LIKE '%536d342d44656d6f%')"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE CONCAT_WS('|', actor, action, resource, "
                  "request_id, change_digest) LIKE '%" + text_key + "%'"),
            0);
}

TEST_F(EnterpriseTest, BadProtocolsAreInvalidArgumentNamingTheField) {
  RegisterThree();
  struct Case {
    v1::DeviceProtocol protocol;
    std::string field;
  };
  v1::DeviceProtocol unknown_version;
  unknown_version.set_version(static_cast<v1::DeviceProtocol::Version>(9));
  const Case kCases[] = {
      {Protocol(v1::DeviceProtocol::VERSION_2017, false, v1::DeviceProtocol::ENCRYPTION_REQUIRED,
                kHexKey),
       "protocol.encryption"},
      {Protocol(v1::DeviceProtocol::VERSION_2025, false, v1::DeviceProtocol::ENCRYPTION_REQUIRED),
       "protocol.sm4_key"},
      {Protocol(v1::DeviceProtocol::VERSION_2025, false, v1::DeviceProtocol::ENCRYPTION_REQUIRED,
                "0F1E2D3C4B5A69788796A5B4C3D2E1"),
       "protocol.sm4_key"},
      {Protocol(v1::DeviceProtocol::VERSION_2025, false, v1::DeviceProtocol::ENCRYPTION_NONE,
                kHexKey),
       "protocol.sm4_key"},
      {unknown_version, "protocol.version"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.field);
    grpc::Status s = BindWith(admin_, OutletName(kInJiefang, "DA001"), "88888880000009",
                              c.protocol);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedField(s), c.field);
    if (!c.protocol.sm4_key().empty()) {
      EXPECT_THAT(s.error_message(), Not(HasSubstr(c.protocol.sm4_key())));
    }
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device"), 0);
}

TEST_F(EnterpriseTest, RebindingRegistersTheProfileAfresh) {
  RegisterThree();
  const std::string mn = "41080200000027";
  ASSERT_TRUE(BindWith(admin_, OutletName(kInJiefang, "DA001"), mn,
                       Protocol(v1::DeviceProtocol::VERSION_2025, false,
                                v1::DeviceProtocol::ENCRYPTION_REQUIRED, kHexKey))
                  .ok());
  app_->clock().Advance(absl::Minutes(5));
  ASSERT_TRUE(Unbind(admin_, mn).ok());
  app_->clock().Advance(absl::Minutes(5));
  ASSERT_TRUE(BindWith(admin_, OutletName(kInZhongzhan, "DA001"), mn,
                       Protocol(v1::DeviceProtocol::VERSION_2017, true,
                                v1::DeviceProtocol::ENCRYPTION_NONE))
                  .ok());
  // The old key does not outlive the binding it was registered with.
  EXPECT_EQ(StoredProfile(mn), "2017 LENIENT HJ212_OR_MODBUS NONE -");
}

TEST_F(EnterpriseTest, RebindingAtTheSameInstantReplacesTheEmptyBinding) {
  RegisterThree();
  const std::string mn = "88888880000001";
  ASSERT_TRUE(Bind(admin_, OutletName(kInJiefang, "DA001"), mn).ok());
  ASSERT_TRUE(Unbind(admin_, mn).ok());  // Same (fake) instant: a binding of no length.
  grpc::Status s = Bind(admin_, OutletName(kInZhongzhan, "DA001"), mn);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_binding WHERE unbind_time IS NULL"), 1);
}

// --- Scope per role --------------------------------------------------------------------

TEST_F(EnterpriseTest, OfficerSeesAndChangesOnlyHisDistricts) {
  RegisterThree();
  ASSERT_TRUE(Bind(admin_, OutletName(kInZhongzhan, "DA001"), "88888880000003").ok());
  std::string officer = app_->CreateUserAndLogin("zhao.officer", v1::ROLE_OFFICER, {"410802"});

  v1::Enterprise got;
  EXPECT_TRUE(Get(officer, kInJiefang, &got).ok());
  EXPECT_EQ(got.contacts_size(), 1);  // Staff see contacts.
  // Out of his districts is NOT_FOUND, like an enterprise that does not exist.
  grpc::Status other = Get(officer, kInZhongzhan);
  grpc::Status absent = Get(officer, ValidUscc("91410802MA3X00009"));
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);

  std::vector<v1::Enterprise> seen = ListAll(officer, v1::ListEnterprisesRequest());
  std::vector<std::string> usccs;
  for (const auto& e : seen) usccs.push_back(e.uscc());
  std::vector<std::string> expected = {kInJiefang, kAlsoJiefang};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(usccs, expected);
  // Asking for the other district gives nothing, not an error.
  v1::ListEnterprisesRequest filtered;
  filtered.set_district_code("410803");
  EXPECT_THAT(ListAll(officer, filtered), IsEmpty());

  EXPECT_EQ(GetOutlet(officer, OutletName(kInZhongzhan, "DA001")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListOutletsResponse outlets;
  EXPECT_EQ(ListOutlets(officer, kInZhongzhan, &outlets).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CreateOutlet(officer, kInZhongzhan, NewOutlet("DA009", {"a21026"})).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Bind(officer, OutletName(kInZhongzhan, "DA001"), "88888880000004").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Unbind(officer, "88888880000003").error_code(), grpc::StatusCode::NOT_FOUND);

  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_name(EnterpriseName(kInZhongzhan));
  update.mutable_enterprise()->set_display_name("改名");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(Update(officer, update).error_code(), grpc::StatusCode::NOT_FOUND);
  // He may not register an enterprise elsewhere, nor move one of his away.
  EXPECT_EQ(Create(officer, NewEnterprise(ValidUscc("91410803MA3X00008"), "410803")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::UpdateEnterpriseRequest move;
  move.mutable_enterprise()->set_name(EnterpriseName(kInJiefang));
  move.mutable_enterprise()->set_district_code("410803");
  move.mutable_update_mask()->add_paths("district_code");
  EXPECT_EQ(Update(officer, move).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Within his districts he works normally.
  EXPECT_TRUE(Create(officer, NewEnterprise(ValidUscc("91410802MA3X00007"), "410802")).ok());
  EXPECT_TRUE(CreateOutlet(officer, kInJiefang, NewOutlet("DW001", {"w01018"})).ok());
  EXPECT_TRUE(Bind(officer, OutletName(kInJiefang, "DW001"), "88888880000005").ok());
  update.mutable_enterprise()->set_name(EnterpriseName(kInJiefang));
  EXPECT_TRUE(Update(officer, update).ok());
  EXPECT_TRUE(Unbind(officer, "88888880000005").ok());
}

TEST_F(EnterpriseTest, CityWideSupervisorReadsEverythingButDoesNotRegister) {
  RegisterThree();
  std::string supervisor =
      app_->CreateUserAndLogin("sun.supervisor", v1::ROLE_SUPERVISOR, {"410800"});
  EXPECT_EQ(ListAll(supervisor, v1::ListEnterprisesRequest()).size(), 3u);
  EXPECT_TRUE(Get(supervisor, kInZhongzhan).ok());
  EXPECT_TRUE(GetOutlet(supervisor, OutletName(kInZhongzhan, "DA001")).ok());
  EXPECT_EQ(
      Create(supervisor, NewEnterprise(ValidUscc("91410802MA3X00008"), "410802")).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_name(EnterpriseName(kInJiefang));
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(Update(supervisor, update).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unbind(supervisor, "88888880000001").error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EnterpriseTest, EnterpriseUserSeesOnlyItsOwn) {
  RegisterThree();
  ASSERT_TRUE(Bind(admin_, OutletName(kInJiefang, "DA001"), "88888880000001").ok());
  ASSERT_TRUE(Bind(admin_, OutletName(kAlsoJiefang, "DA001"), "88888880000002").ok());
  std::string own = app_->CreateUserAndLogin("jiefang-power", v1::ROLE_ENTERPRISE, {}, kInJiefang);
  v1::Enterprise got;
  ASSERT_TRUE(Get(own, kInJiefang, &got).ok());
  EXPECT_EQ(got.contacts_size(), 1);  // Its own contacts and location.
  EXPECT_TRUE(got.has_location());
  // A neighbour in the same district is as invisible as one that does not exist.
  EXPECT_EQ(Get(own, kAlsoJiefang).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(own, kInZhongzhan).error_code(), grpc::StatusCode::NOT_FOUND);
  std::vector<v1::Enterprise> seen = ListAll(own, v1::ListEnterprisesRequest());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].uscc(), kInJiefang);

  v1::Outlet outlet;
  ASSERT_TRUE(GetOutlet(own, OutletName(kInJiefang, "DA001"), &outlet).ok());
  ASSERT_EQ(outlet.devices_size(), 1);
  EXPECT_EQ(outlet.devices(0).mn(), "88888880000001");
  // The neighbour's outlet (and so its device) is NOT_FOUND.
  EXPECT_EQ(GetOutlet(own, OutletName(kAlsoJiefang, "DA001")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListOutletsResponse outlets;
  EXPECT_EQ(ListOutlets(own, kAlsoJiefang, &outlets).error_code(), grpc::StatusCode::NOT_FOUND);
  // Reading is all it does here.
  EXPECT_EQ(Create(own, NewEnterprise(ValidUscc("91410802MA3X00008"), "410802")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateOutlet(own, kInJiefang, NewOutlet("DA002", {"a21026"})).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Unbind(own, "88888880000002").error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EnterpriseTest, HotlineOperatorReadsAndStationIsRefused) {
  RegisterThree();
  std::string hotline =
      app_->CreateUserAndLogin("hotline-1", v1::ROLE_HOTLINE_OPERATOR, {"410800"});
  v1::Enterprise got;
  ASSERT_TRUE(Get(hotline, kInZhongzhan, &got).ok());
  EXPECT_EQ(got.contacts_size(), 1);
  EXPECT_EQ(ListAll(hotline, v1::ListEnterprisesRequest()).size(), 3u);
  EXPECT_TRUE(GetOutlet(hotline, OutletName(kInZhongzhan, "DA001")).ok());
  EXPECT_EQ(Create(hotline, NewEnterprise(ValidUscc("91410802MA3X00008"), "410802")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // STATION accounts name their devices; TestApp::CreateUserAndLogin has no place for them.
  v1::CreateUserRequest create_station;
  create_station.mutable_user()->set_username("station-1");
  create_station.mutable_user()->set_display_name("数采网关");
  create_station.mutable_user()->set_role(v1::ROLE_STATION);
  create_station.mutable_user()->add_district_codes("410802");
  create_station.mutable_user()->add_device_mns("88888880000001");
  create_station.set_password("password-station-1");
  v1::User created;
  auto create_ctx = TestApp::Context(admin_);
  ASSERT_TRUE(app_->auth().CreateUser(create_ctx.get(), create_station, &created).ok());
  std::string station = app_->Login("station-1", "password-station-1");
  EXPECT_EQ(Get(station, kInJiefang).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListEnterprisesResponse list;
  EXPECT_EQ(List(station, v1::ListEnterprisesRequest(), &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetOutlet(station, OutletName(kInJiefang, "DA001")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Bind(station, OutletName(kInJiefang, "DA001"), "88888880000001").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EnterpriseTest, IntegrationRegistersButIsNotShownContactsOrLocations) {
  std::string integration =
      app_->CreateUserAndLogin("platform-import", v1::ROLE_INTEGRATION, {"410800"});
  v1::Enterprise created;
  ASSERT_TRUE(Create(integration, NewEnterprise(kInZhongzhan, "410803"), &created).ok());
  EXPECT_THAT(created.contacts(), IsEmpty());
  EXPECT_FALSE(created.has_location());
  v1::Enterprise got;
  ASSERT_TRUE(Get(integration, kInZhongzhan, &got).ok());
  EXPECT_THAT(got.contacts(), IsEmpty());
  ASSERT_TRUE(Get(admin_, kInZhongzhan, &got).ok());  // Stored all the same.
  EXPECT_EQ(got.contacts_size(), 1);
  EXPECT_TRUE(got.has_location());
}

// --- Lists -----------------------------------------------------------------------------

class EnterprisePaginationTest : public EnterpriseTest {
 protected:
  static constexpr int kBulk = 1000;

  // One multi-row INSERT: USCCs in an order unrelated to insertion, spread over
  // 解放区, 中站区 and 山阳区, with the management classes in turn.
  void InsertBulk() {
    std::vector<std::string> rows;
    for (int i = 1; i <= kBulk; ++i) {
      std::string uscc = ValidUscc(absl::StrFormat("91410800%09d", (i * 7919) % 1000003));
      const char* district = i % 5 == 0 ? "410811" : (i % 2 == 0 ? "410802" : "410803");
      const char* management_class =
          i % 3 == 0 ? "KEY" : (i % 3 == 1 ? "SIMPLIFIED" : "REGISTRATION");
      rows.push_back(absl::StrFormat(
          "('%s', '焦作市批量企业%04d有限公司', '焦作市某路 %d 号', '%s', 'C3011', '%s', FALSE, "
          "1, '2026-03-02 01:00:00', '2026-03-02 01:00:00')",
          uscc, i, i, district, management_class));
      bulk_.push_back(uscc);
      district_of_[uscc] = district;
    }
    app_->schema().Execute(absl::StrCat(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, key_discharger, version, create_time, update_time) VALUES ",
        absl::StrJoin(rows, ", ")));
    std::sort(bulk_.begin(), bulk_.end());
  }

  void InsertOne(const std::string& uscc) {
    app_->schema().Execute(absl::StrCat(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, version, create_time, update_time) VALUES ('",
        uscc,
        "', '新登记企业', '焦作市', '410802', 'C3011', 'KEY', 1, '2026-03-02 02:00:00', "
        "'2026-03-02 02:00:00')"));
  }

  std::vector<std::string> bulk_;  // Sorted.
  std::map<std::string, std::string> district_of_;
};

TEST_F(EnterprisePaginationTest, EveryEnterpriseExactlyOnceInOrderWhileRowsAreAdded) {
  InsertBulk();
  ASSERT_EQ(Count("SELECT COUNT(*) FROM enterprise"), kBulk);
  std::string supervisor =
      app_->CreateUserAndLogin("sun.supervisor", v1::ROLE_SUPERVISOR, {"410800"});

  // Rows added mid-way: before the cursor (never seen) and after it (seen once).
  const std::vector<std::string> before = {ValidUscc("91410799000000001"),
                                           ValidUscc("91410799000000002")};
  const std::vector<std::string> after = {ValidUscc("91410801000000001"),
                                          ValidUscc("91410801000000002"),
                                          ValidUscc("91410801000000003")};
  std::vector<std::string> seen;
  std::vector<int> sizes;
  v1::ListEnterprisesRequest request;
  request.set_page_size(97);
  int pages = 0;
  do {
    v1::ListEnterprisesResponse page;
    grpc::Status s = List(supervisor, request, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    sizes.push_back(page.enterprises_size());
    for (const auto& e : page.enterprises()) seen.push_back(e.uscc());
    if (++pages == 3) {
      for (const std::string& u : before) InsertOne(u);
      for (const std::string& u : after) InsertOne(u);
    }
    request.set_page_token(page.next_page_token());
    ASSERT_LT(pages, 100) << "pagination does not end";
  } while (!request.page_token().empty());

  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size()) << "duplicates";
  std::vector<std::string> expected = bulk_;
  expected.insert(expected.end(), after.begin(), after.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
  // Full pages of 97 until the last: 1,003 rows -> 10 full pages and one of 33.
  ASSERT_EQ(sizes.size(), 11u);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], 97);
  EXPECT_EQ(sizes.back(), 33);

  // A token belongs to its query: another filter or another caller may not reuse it.
  v1::ListEnterprisesResponse first;
  v1::ListEnterprisesRequest paged;
  paged.set_page_size(10);
  ASSERT_TRUE(List(supervisor, paged, &first).ok());
  paged.set_page_token(first.next_page_token());
  paged.set_district_code("410802");
  v1::ListEnterprisesResponse refused;
  grpc::Status s = List(supervisor, paged, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "page_token");
  paged.clear_district_code();
  EXPECT_EQ(List(admin_, paged, &refused).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EnterprisePaginationTest, FiltersAndScopeApplyToTheWholeList) {
  InsertBulk();
  auto count_in = [&](const std::string& code) {
    return std::count_if(bulk_.begin(), bulk_.end(),
                         [&](const std::string& u) { return district_of_[u] == code; });
  };
  std::string officer = app_->CreateUserAndLogin("zhao.officer", v1::ROLE_OFFICER, {"410802"});
  std::vector<v1::Enterprise> mine = ListAll(officer, v1::ListEnterprisesRequest());
  EXPECT_EQ(static_cast<int64_t>(mine.size()), count_in("410802"));
  for (const auto& e : mine) EXPECT_EQ(e.district_code(), "410802");

  // An officer of two districts sees both.
  std::string two =
      app_->CreateUserAndLogin("qian.officer", v1::ROLE_OFFICER, {"410802", "410811"});
  EXPECT_EQ(static_cast<int64_t>(ListAll(two, v1::ListEnterprisesRequest()).size()),
            count_in("410802") + count_in("410811"));

  v1::ListEnterprisesRequest by_district;
  by_district.set_district_code("410803");
  EXPECT_EQ(static_cast<int64_t>(ListAll(admin_, by_district).size()), count_in("410803"));
  by_district.set_district_code("410800");  // The city code covers its districts.
  EXPECT_EQ(ListAll(admin_, by_district).size(), static_cast<size_t>(kBulk));
  by_district.set_district_code("4108");
  v1::ListEnterprisesResponse out;
  EXPECT_EQ(ViolatedField(List(admin_, by_district, &out)), "district_code");

  v1::ListEnterprisesRequest by_class;
  by_class.set_management_class(v1::MANAGEMENT_CLASS_KEY);
  std::vector<v1::Enterprise> key = ListAll(admin_, by_class);
  EXPECT_EQ(key.size(), static_cast<size_t>(kBulk / 3));
  for (const auto& e : key) EXPECT_EQ(e.management_class(), v1::MANAGEMENT_CLASS_KEY);

  v1::ListEnterprisesRequest by_name;
  by_name.set_name_contains("企业012");  // 0120-0129.
  EXPECT_EQ(ListAll(admin_, by_name).size(), 10u);
}

TEST_F(EnterpriseTest, NameContainsTakesWildcardsLiterally) {
  ASSERT_TRUE(Create(admin_, NewEnterprise(kInJiefang, "410802", "焦作100%达标化工有限公司")).ok());
  ASSERT_TRUE(
      Create(admin_, NewEnterprise(kAlsoJiefang, "410802", "焦作1000达标化工有限公司")).ok());
  ASSERT_TRUE(Create(admin_, NewEnterprise(kInZhongzhan, "410803", "焦作某_化工有限公司")).ok());
  auto names = [&](const std::string& text) {
    v1::ListEnterprisesRequest request;
    request.set_name_contains(text);
    std::vector<std::string> out;
    for (const auto& e : ListAll(admin_, request)) out.push_back(e.display_name());
    return out;
  };
  EXPECT_THAT(names("100%"), ElementsAre("焦作100%达标化工有限公司"));
  EXPECT_THAT(names("某_"), ElementsAre("焦作某_化工有限公司"));
  EXPECT_THAT(names("_"), ElementsAre("焦作某_化工有限公司"));
  EXPECT_THAT(names("达标"), ::testing::SizeIs(2));
  EXPECT_THAT(names("!"), IsEmpty());
}

// --- Audit -----------------------------------------------------------------------------

TEST_F(EnterpriseTest, EveryMutationIsAuditedWithoutContactData) {
  std::string officer = app_->CreateUserAndLogin("zhao.officer", v1::ROLE_OFFICER, {"410802"});
  int64_t before = Count("SELECT COUNT(*) FROM audit_log");
  v1::Enterprise created;
  ASSERT_TRUE(Create(officer, NewEnterprise(kInJiefang, "410802"), &created).ok());
  v1::UpdateEnterpriseRequest update;
  update.mutable_enterprise()->set_name(created.name());
  *update.mutable_enterprise()->mutable_contacts() = created.contacts();
  update.mutable_enterprise()->mutable_contacts(0)->set_phone("13903910001");
  update.mutable_update_mask()->add_paths("contacts");
  ASSERT_TRUE(Update(officer, update).ok());
  ASSERT_TRUE(CreateOutlet(officer, kInJiefang, NewOutlet("DA001", {"a21026"})).ok());
  v1::UpdateOutletRequest outlet_update;
  outlet_update.mutable_outlet()->set_name(OutletName(kInJiefang, "DA001"));
  outlet_update.mutable_outlet()->set_display_name("1号锅炉烟囱");
  outlet_update.mutable_update_mask()->add_paths("display_name");
  v1::Outlet outlet;
  auto ctx = TestApp::Context(officer);
  ASSERT_TRUE(stub_->UpdateOutlet(ctx.get(), outlet_update, &outlet).ok());
  ASSERT_TRUE(Bind(officer, OutletName(kInJiefang, "DA001"), "88888880000001").ok());
  app_->clock().Advance(absl::Minutes(1));
  ASSERT_TRUE(Unbind(officer, "88888880000001").ok());
  // Refused calls leave no record.
  EXPECT_FALSE(Create(officer, NewEnterprise(kInJiefang, "410802")).ok());

  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log") - before, 6);
  for (const char* action : {"CreateEnterprise", "UpdateEnterprise", "CreateOutlet", "UpdateOutlet",
                             "BindDevice", "UnbindDevice"}) {
    SCOPED_TRACE(action);
    EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE action = '", action,
                                 "' AND actor = 'users/zhao.officer' AND enterprise_uscc = '",
                                 kInJiefang, "' AND district_code = '410802'")),
              1);
  }
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE resource = 'enterprises/",
                               kInJiefang, "/outlets/DA001'")),
            2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE resource = 'devices/88888880000001'"), 2);
  // No contact name or phone anywhere in the trail.
  for (const char* personal : {kContactName, kContactPhone, "13903910001", "环保负责人"}) {
    SCOPED_TRACE(personal);
    EXPECT_EQ(Count(absl::StrCat(
                  "SELECT COUNT(*) FROM audit_log WHERE CONCAT_WS('|', actor, action, resource, "
                  "request_id, change_digest, district_code, enterprise_uscc, previous_hash, "
                  "hash) LIKE '%",
                  personal, "%'")),
              0);
  }
  // And the chain still verifies.
  auto audit = v1::AuditService::NewStub(app_->channel());
  v1::VerifyAuditChainResponse verified;
  auto vctx = TestApp::Context(admin_);
  ASSERT_TRUE(audit->VerifyAuditChain(vctx.get(), v1::VerifyAuditChainRequest(), &verified).ok());
  EXPECT_TRUE(verified.intact()) << verified.problem();
}

}  // namespace
}  // namespace ecocase
