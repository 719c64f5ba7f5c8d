// AuthService against the real database through the real Application: sign-in, token
// expiry and revocation, throttling, scope (BOLA), idempotent writes, etags, error details.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::testing::HasSubstr;
using ::testing::Not;

// A valid USCC (GB 32100 check character), from python-stdnum's doctest.
constexpr char kEnterpriseA[] = "91110000600037341L";

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = TestApp::Start("auth");
    ASSERT_NE(app_, nullptr);
  }

  grpc::Status WhoAmI(const std::string& token, v1::User* out = nullptr) {
    v1::User user;
    auto ctx = TestApp::Context(token);
    grpc::Status s = app_->auth().WhoAmI(ctx.get(), v1::WhoAmIRequest(), &user);
    if (out != nullptr) *out = user;
    return s;
  }

  grpc::Status LoginStatus(const std::string& username, const std::string& password,
                           v1::LoginResponse* out = nullptr) {
    v1::LoginRequest request;
    request.set_username(username);
    request.set_password(password);
    v1::LoginResponse response;
    auto ctx = TestApp::Context("");
    grpc::Status s = app_->auth().Login(ctx.get(), request, &response);
    if (out != nullptr) *out = response;
    return s;
  }

  grpc::Status GetUser(const std::string& token, const std::string& name, v1::User* out) {
    v1::GetUserRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return app_->auth().GetUser(ctx.get(), request, out);
  }

  std::unique_ptr<TestApp> app_;
};

using ::ecocase::testing::ValidUscc;

TEST_F(AuthTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  grpc::Status wrong = LoginStatus("admin", "not-the-password");
  grpc::Status unknown = LoginStatus("nobody", "not-the-password");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
}

TEST_F(AuthTest, LoginThenWhoAmI) {
  v1::LoginResponse login;
  ASSERT_TRUE(LoginStatus("admin", testing::kAdminPassword, &login).ok());
  EXPECT_THAT(login.access_token(), ::testing::StartsWith("eco_"));
  v1::User me;
  ASSERT_TRUE(WhoAmI(login.access_token(), &me).ok());
  EXPECT_EQ(me.name(), "users/admin");
  EXPECT_EQ(me.role(), v1::ROLE_ADMIN);
  EXPECT_THAT(me.district_codes(), ::testing::ElementsAre("410800"));
}

TEST_F(AuthTest, MissingMalformedAndUnknownTokensAreUnauthenticated) {
  EXPECT_EQ(WhoAmI("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI("eco_forged").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Basic YWRtaW46eA==");
  v1::User user;
  EXPECT_EQ(app_->auth().WhoAmI(&ctx, v1::WhoAmIRequest(), &user).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, ExpiredAccessTokenIsRefusedAndRefreshRotates) {
  v1::LoginResponse login;
  ASSERT_TRUE(LoginStatus("admin", testing::kAdminPassword, &login).ok());
  app_->clock().Advance(absl::Hours(8) + absl::Seconds(1));
  EXPECT_EQ(WhoAmI(login.access_token()).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(login.refresh_token());
  v1::LoginResponse renewed;
  auto ctx = TestApp::Context("");
  ASSERT_TRUE(app_->auth().RefreshToken(ctx.get(), refresh, &renewed).ok());
  EXPECT_TRUE(WhoAmI(renewed.access_token()).ok());
  EXPECT_EQ(renewed.user().name(), "users/admin");
  // The old refresh token was used up.
  v1::LoginResponse again;
  auto ctx2 = TestApp::Context("");
  EXPECT_EQ(app_->auth().RefreshToken(ctx2.get(), refresh, &again).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, LogoutRevokesAtOnce) {
  std::string token = app_->AdminToken();
  ASSERT_TRUE(WhoAmI(token).ok());
  v1::LogoutResponse out;
  auto ctx = TestApp::Context(token);
  ASSERT_TRUE(app_->auth().Logout(ctx.get(), v1::LogoutRequest(), &out).ok());
  EXPECT_EQ(WhoAmI(token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, DisablingAUserRevokesTheirSessionsAndSignIn) {
  std::string officer = app_->CreateUserAndLogin("wang.officer", v1::ROLE_OFFICER, {"410802"});
  ASSERT_TRUE(WhoAmI(officer).ok());
  v1::DisableUserRequest disable;
  disable.set_name("users/wang.officer");
  v1::User disabled;
  auto ctx = TestApp::Context(app_->AdminToken());
  ASSERT_TRUE(app_->auth().DisableUser(ctx.get(), disable, &disabled).ok());
  EXPECT_TRUE(disabled.disabled());
  EXPECT_EQ(WhoAmI(officer).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(LoginStatus("wang.officer", "password-wang.officer").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthTest, PasswordResetRevokesSessionsAndTheNewPasswordWorks) {
  std::string officer = app_->CreateUserAndLogin("li.officer", v1::ROLE_OFFICER, {"410803"});
  v1::ResetPasswordRequest reset;
  reset.set_name("users/li.officer");
  reset.set_new_password("a-new-Password-2026");
  v1::User out;
  auto ctx = TestApp::Context(app_->AdminToken());
  ASSERT_TRUE(app_->auth().ResetPassword(ctx.get(), reset, &out).ok());
  EXPECT_EQ(WhoAmI(officer).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(LoginStatus("li.officer", "password-li.officer").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(LoginStatus("li.officer", "a-new-Password-2026").ok());
}

TEST_F(AuthTest, RepeatedFailuresThrottleTheUserUntilTheLockoutEnds) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(LoginStatus("admin", "wrong-password").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Even the right password is refused while locked.
  grpc::Status locked = LoginStatus("admin", testing::kAdminPassword);
  EXPECT_EQ(locked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(locked.error_message(), HasSubstr("try again after"));
  app_->clock().Advance(absl::Minutes(15) + absl::Seconds(1));
  EXPECT_TRUE(LoginStatus("admin", testing::kAdminPassword).ok());
}

TEST_F(AuthTest, FailuresFromOneAddressThrottleEveryUsernameTriedFromIt) {
  // Password spraying: one address, many usernames.
  for (int i = 0; i < 5; ++i) {
    LoginStatus(absl::StrCat("guess", i), "wrong-password");
  }
  EXPECT_EQ(LoginStatus("admin", testing::kAdminPassword).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AuthTest, EnterpriseSeesOnlyItsOwnUsersAndOthersLookAbsent) {
  std::string uscc_b = ValidUscc("91410800MA4000000");
  std::string a = app_->CreateUserAndLogin("ent-a", v1::ROLE_ENTERPRISE, {}, kEnterpriseA);
  app_->CreateUserAndLogin("ent-a2", v1::ROLE_ENTERPRISE, {}, kEnterpriseA);
  app_->CreateUserAndLogin("ent-b", v1::ROLE_ENTERPRISE, {}, uscc_b);

  v1::User user;
  EXPECT_TRUE(GetUser(a, "users/ent-a2", &user).ok());
  grpc::Status other = GetUser(a, "users/ent-b", &user);
  grpc::Status absent = GetUser(a, "users/no-such-user", &user);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND);
  // The same wording apart from the name asked for: nothing tells the two apart.
  EXPECT_EQ(other.error_message(), "users/ent-b not found");
  EXPECT_EQ(absent.error_message(), "users/no-such-user not found");
  // Staff accounts of the bureau are not the enterprise's business either.
  EXPECT_EQ(GetUser(a, "users/admin", &user).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::ListUsersRequest list;
  v1::ListUsersResponse page;
  auto ctx = TestApp::Context(a);
  ASSERT_TRUE(app_->auth().ListUsers(ctx.get(), list, &page).ok());
  std::set<std::string> names;
  for (const auto& u : page.users()) names.insert(u.name());
  EXPECT_EQ(names, (std::set<std::string>{"users/ent-a", "users/ent-a2"}));
}

TEST_F(AuthTest, DistrictSupervisorSeesItsDistrictOnly) {
  std::string sup = app_->CreateUserAndLogin("sup-jiefang", v1::ROLE_SUPERVISOR, {"410802"});
  app_->CreateUserAndLogin("off-jiefang", v1::ROLE_OFFICER, {"410802"});
  app_->CreateUserAndLogin("off-zhongzhan", v1::ROLE_OFFICER, {"410803"});
  v1::User user;
  EXPECT_TRUE(GetUser(sup, "users/off-jiefang", &user).ok());
  EXPECT_EQ(GetUser(sup, "users/off-zhongzhan", &user).error_code(), grpc::StatusCode::NOT_FOUND);
  // A role that may never administer users is refused outright.
  v1::CreateUserRequest create;
  create.mutable_user()->set_username("x-user");
  auto ctx = TestApp::Context(sup);
  EXPECT_EQ(app_->auth().CreateUser(ctx.get(), create, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthTest, SameRequestIdTwentyTimesConcurrentlyCreatesOneUser) {
  std::string admin = app_->AdminToken();
  v1::CreateUserRequest request;
  request.mutable_user()->set_username("zhao.officer");
  request.mutable_user()->set_display_name("赵执法");
  request.mutable_user()->set_role(v1::ROLE_OFFICER);
  request.mutable_user()->add_district_codes("410811");
  request.set_password("correct-horse-battery");
  request.set_request_id("7f1c2a9e-6b0d-4d3e-9a51-0c8f2b6e1d44");

  constexpr int kClients = 20;
  std::vector<std::string> responses(kClients);
  std::vector<grpc::Status> statuses(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      v1::User out;
      auto ctx = TestApp::Context(admin);
      statuses[i] = app_->auth().CreateUser(ctx.get(), request, &out);
      responses[i] = out.SerializeAsString();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(responses[i], responses[0]);
  }
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM app_user WHERE username = 'zhao.officer'"),
            1);
  EXPECT_EQ(app_->schema().QueryInt(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'CreateUser' AND "
                "resource = 'users/zhao.officer'"),
            1);

  // The same id with a different request is refused.
  request.mutable_user()->set_display_name("赵某");
  v1::User out;
  auto ctx = TestApp::Context(admin);
  EXPECT_EQ(app_->auth().CreateUser(ctx.get(), request, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuthTest, StaleEtagIsAborted) {
  app_->CreateUserAndLogin("sun.officer", v1::ROLE_OFFICER, {"410804"});
  std::string admin = app_->AdminToken();
  v1::User current;
  ASSERT_TRUE(GetUser(admin, "users/sun.officer", &current).ok());

  v1::UpdateUserRequest first;
  *first.mutable_user() = current;
  first.mutable_user()->set_display_name("孙一");
  first.mutable_update_mask()->add_paths("display_name");
  v1::User updated;
  auto ctx = TestApp::Context(admin);
  ASSERT_TRUE(app_->auth().UpdateUser(ctx.get(), first, &updated).ok());
  EXPECT_NE(updated.etag(), current.etag());

  v1::UpdateUserRequest stale = first;  // Still carries the old etag.
  stale.mutable_user()->set_display_name("孙二");
  auto ctx2 = TestApp::Context(admin);
  grpc::Status s = app_->auth().UpdateUser(ctx2.get(), stale, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  google::rpc::ErrorInfo info;
  ASSERT_EQ(details.details_size(), 1);
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "ETAG_MISMATCH");
  EXPECT_EQ(info.domain(), "ecocase");
}

TEST_F(AuthTest, BadFieldIsInvalidArgumentWithAFieldViolation) {
  v1::CreateUserRequest request;
  request.mutable_user()->set_username("qian.officer");
  request.mutable_user()->set_display_name("钱");
  request.mutable_user()->set_role(v1::ROLE_OFFICER);
  request.mutable_user()->add_district_codes("410802");
  request.mutable_user()->add_district_codes("41080X");
  request.set_password("long-enough-password");
  v1::User out;
  auto ctx = TestApp::Context(app_->AdminToken());
  grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  google::rpc::BadRequest bad;
  bool found = false;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&bad)) found = true;
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(bad.field_violations(0).field(), "user.district_codes[1]");
  // Nothing was written.
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM app_user WHERE username = 'qian.officer'"),
            0);
}

TEST_F(AuthTest, EnterpriseAccountsNeedAValidCreditCode) {
  v1::CreateUserRequest request;
  request.mutable_user()->set_username("ent-bad");
  request.mutable_user()->set_display_name("某公司");
  request.mutable_user()->set_role(v1::ROLE_ENTERPRISE);
  request.mutable_user()->set_enterprise_uscc("91110000600037341X");  // Wrong check char.
  request.set_password("long-enough-password");
  v1::User out;
  auto ctx = TestApp::Context(app_->AdminToken());
  grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("user.enterprise_uscc"));
}

TEST_F(AuthTest, PaginationWalksAllUsersAndTokensAreBoundToTheQuery) {
  for (int i = 0; i < 7; ++i) {
    app_->CreateUserAndLogin(absl::StrCat("page-user-", i), v1::ROLE_OFFICER, {"410821"});
  }
  std::string admin = app_->AdminToken();
  std::vector<std::string> seen;
  v1::ListUsersRequest request;
  request.set_page_size(3);
  request.set_role(v1::ROLE_OFFICER);
  std::string token;
  do {
    request.set_page_token(token);
    v1::ListUsersResponse page;
    auto ctx = TestApp::Context(admin);
    ASSERT_TRUE(app_->auth().ListUsers(ctx.get(), request, &page).ok());
    EXPECT_LE(page.users_size(), 3);
    for (const auto& u : page.users()) seen.push_back(u.username());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  // A token from one query does not work for another.
  v1::ListUsersRequest first;
  first.set_page_size(1);
  v1::ListUsersResponse page;
  auto ctx = TestApp::Context(admin);
  ASSERT_TRUE(app_->auth().ListUsers(ctx.get(), first, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListUsersRequest other;
  other.set_role(v1::ROLE_ADMIN);
  other.set_page_token(page.next_page_token());
  auto ctx2 = TestApp::Context(admin);
  EXPECT_EQ(app_->auth().ListUsers(ctx2.get(), other, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuthTest, StationAccountsCarryTheirDevicesThroughStorageAndSignIn) {
  std::string admin = app_->AdminToken();
  v1::CreateUserRequest request;
  v1::User* station = request.mutable_user();
  station->set_username("station.wuzhi");
  station->set_display_name("武陟县数采汇聚");
  station->set_role(v1::ROLE_STATION);
  station->add_district_codes("410823");
  station->add_device_mns("41082300000002");
  station->add_device_mns("41082300000001");
  request.set_password("station-passphrase-2026");
  v1::User created;
  auto ctx = TestApp::Context(admin);
  ASSERT_TRUE(app_->auth().CreateUser(ctx.get(), request, &created).ok());
  EXPECT_THAT(created.device_mns(), ::testing::UnorderedElementsAre("41082300000001",
                                                                    "41082300000002"));
  EXPECT_EQ(app_->schema().QueryInt(
                "SELECT COUNT(*) FROM app_user_device d JOIN app_user u ON u.id = d.user_id "
                "WHERE u.username = 'station.wuzhi'"),
            2);

  // Read back, listed, and after an unrelated change: the devices stay.
  v1::User got;
  ASSERT_TRUE(GetUser(admin, "users/station.wuzhi", &got).ok());
  EXPECT_THAT(got.device_mns(), ::testing::ElementsAre("41082300000001", "41082300000002"));
  EXPECT_THAT(got.district_codes(), ::testing::ElementsAre("410823"));
  v1::ListUsersRequest list;
  list.set_role(v1::ROLE_STATION);
  v1::ListUsersResponse page;
  auto list_ctx = TestApp::Context(admin);
  ASSERT_TRUE(app_->auth().ListUsers(list_ctx.get(), list, &page).ok());
  ASSERT_EQ(page.users_size(), 1);
  EXPECT_EQ(page.users(0).device_mns_size(), 2);
  v1::UpdateUserRequest update;
  update.mutable_user()->set_name("users/station.wuzhi");
  update.mutable_user()->set_display_name("武陟县数采汇聚（新）");
  update.mutable_update_mask()->add_paths("display_name");
  v1::User updated;
  auto update_ctx = TestApp::Context(admin);
  ASSERT_TRUE(app_->auth().UpdateUser(update_ctx.get(), update, &updated).ok());
  EXPECT_THAT(updated.device_mns(), ::testing::ElementsAre("41082300000001", "41082300000002"));

  // The station signs in and sees its devices; the session's principal carries them.
  v1::LoginResponse login;
  ASSERT_TRUE(LoginStatus("station.wuzhi", "station-passphrase-2026", &login).ok());
  EXPECT_EQ(login.user().device_mns_size(), 2);
  v1::User me;
  ASSERT_TRUE(WhoAmI(login.access_token(), &me).ok());
  EXPECT_EQ(me.role(), v1::ROLE_STATION);
  EXPECT_THAT(me.device_mns(), ::testing::ElementsAre("41082300000001", "41082300000002"));
}

TEST_F(AuthTest, StationDevicesAreRequiredAndOnlyForStations) {
  std::string admin = app_->AdminToken();
  auto create = [&](v1::Role role, std::vector<std::string> mns) {
    v1::CreateUserRequest request;
    request.mutable_user()->set_username("station.bad");
    request.mutable_user()->set_display_name("数采");
    request.mutable_user()->set_role(role);
    request.mutable_user()->add_district_codes("410802");
    for (const std::string& mn : mns) request.mutable_user()->add_device_mns(mn);
    request.set_password("long-enough-password");
    v1::User out;
    auto ctx = TestApp::Context(admin);
    return app_->auth().CreateUser(ctx.get(), request, &out);
  };
  grpc::Status none = create(v1::ROLE_STATION, {});
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(none.error_message(), HasSubstr("user.device_mns"));
  grpc::Status malformed = create(v1::ROLE_STATION, {"41080200000001", "MN-1"});
  EXPECT_EQ(malformed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(malformed.error_message(), HasSubstr("user.device_mns[1]"));
  grpc::Status officer = create(v1::ROLE_OFFICER, {"41080200000001"});
  EXPECT_EQ(officer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(officer.error_message(), HasSubstr("user.device_mns"));
  EXPECT_EQ(app_->schema().QueryInt("SELECT COUNT(*) FROM app_user_device"), 0);
}

TEST_F(AuthTest, NoPasswordOrTokenInLogsOrAuditRecords) {
  ::testing::internal::CaptureStderr();
  v1::LoginResponse login;
  ASSERT_TRUE(LoginStatus("admin", testing::kAdminPassword, &login).ok());
  v1::CreateUserRequest request;
  request.mutable_user()->set_username("zhou.hotline");
  request.mutable_user()->set_display_name("周接线员");
  request.mutable_user()->set_role(v1::ROLE_HOTLINE_OPERATOR);
  request.mutable_user()->add_district_codes("410800");
  request.set_password("zhou-secret-passphrase");
  v1::User out;
  auto ctx = TestApp::Context(login.access_token());
  ASSERT_TRUE(app_->auth().CreateUser(ctx.get(), request, &out).ok());
  std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(logs, HasSubstr("/ecocase.v1.AuthService/CreateUser"));
  EXPECT_THAT(logs, HasSubstr("\"principal\":\"users/admin\""));
  for (const std::string& secret : {std::string(testing::kAdminPassword),
                                    std::string("zhou-secret-passphrase"), login.access_token(),
                                    login.refresh_token(), std::string("周接线员")}) {
    EXPECT_THAT(logs, Not(HasSubstr(secret)));
    std::string in_audit = app_->schema().QueryString(absl::StrCat(
        "SELECT COUNT(*) FROM audit_log WHERE CONCAT_WS('|', actor, action, resource, "
        "request_id, change_digest) LIKE '%", secret, "%'"));
    EXPECT_EQ(in_audit, "0") << secret;
  }
}

}  // namespace
}  // namespace ecocase
