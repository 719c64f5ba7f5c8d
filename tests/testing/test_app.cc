#include "testing/test_app.h"

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "security/field_cipher.h"
#include "testing/grpc_calls.h"

namespace ecocase::testing {

TestApp::TestApp()
    : clock_(
          absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::FixedTimeZone(8 * 3600))) {}

std::unique_ptr<TestApp> TestApp::Start(
    const std::string& label, const std::function<void(app::ApplicationOptions&)>& adjust) {
  std::unique_ptr<TestApp> t(new TestApp());
  t->schema_ = TestSchema::Create(label);
  app::ApplicationOptions o;
  o.db = t->schema_->options();
  o.db.pool_size = 8;
  o.server.listen_address = "127.0.0.1:0";
  o.server.plaintext = true;
  o.monitoring.hj212.listen_address = "127.0.0.1";  // port 0: a free one
  o.passwords.pbkdf2_iterations = 1000;             // Tests need speed, not attack resistance.
  o.health_probe_interval = absl::Milliseconds(200);
  o.replica_id = absl::StrCat("test-", label);
  o.bootstrap_admin_password = kAdminPassword;
  t->evidence_dir_ = (std::filesystem::temp_directory_path() /
                      absl::StrCat("ecocase-evidence-", label, "-", getpid()))
                         .string();
  std::filesystem::remove_all(t->evidence_dir_);
  o.evidence_dir = t->evidence_dir_;
  auto cipher = security::FieldCipher::FromKeyText(security::FieldCipher::NewKeyText());
  EXPECT_TRUE(cipher.ok());
  if (cipher.ok()) o.field_cipher = std::make_shared<const security::FieldCipher>(*cipher);
  if (adjust) adjust(o);
  auto calendar = domain::DefaultWorkingCalendar();
  EXPECT_TRUE(calendar.ok());
  t->calendar_ = std::make_unique<domain::WorkingCalendar>(*calendar);
  auto app = app::Application::Start(o, *t->calendar_, t->clock_);
  if (!app.ok()) {
    ADD_FAILURE() << "application did not start: " << app.status();
    return nullptr;
  }
  t->app_ = *std::move(app);
  t->channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", t->app_->port()),
                                    grpc::InsecureChannelCredentials());
  t->auth_ = v1::AuthService::NewStub(t->channel_);
  return t;
}

TestApp::~TestApp() {
  if (app_ != nullptr) app_->Shutdown(absl::Seconds(1));
  app_.reset();
  std::error_code ignored;
  if (!evidence_dir_.empty()) std::filesystem::remove_all(evidence_dir_, ignored);
}

std::unique_ptr<grpc::ClientContext> TestApp::Context(const std::string& token) {
  return CallContext(token);
}

std::string TestApp::Login(const std::string& username, const std::string& password) {
  return testing::Login(*auth_, username, password);
}

std::string TestApp::CreateUserAndLogin(const std::string& username, v1::Role role,
                                        const std::vector<std::string>& districts,
                                        const std::string& enterprise_uscc) {
  v1::CreateUserRequest request;
  v1::User* user = request.mutable_user();
  user->set_username(username);
  user->set_display_name(absl::StrCat("测试用户 ", username));
  user->set_role(role);
  for (const std::string& d : districts) user->add_district_codes(d);
  user->set_enterprise_uscc(enterprise_uscc);
  // A STATION account names the devices it reports for; tests that ingest create their
  // own with real devices.
  if (role == v1::ROLE_STATION) user->add_device_mns("TESTSTATIONDEVICE01");
  request.set_password(absl::StrCat("password-", username));
  v1::User created;
  auto ctx = Context(AdminToken());
  grpc::Status s = auth_->CreateUser(ctx.get(), request, &created);
  EXPECT_TRUE(s.ok()) << "create " << username << ": " << s.error_message();
  return Login(username, absl::StrCat("password-", username));
}

void TestApp::CreateEnterprise(const std::string& uscc, const std::string& district,
                               const std::string& display_name) {
  v1::CreateEnterpriseRequest request;
  v1::Enterprise* e = request.mutable_enterprise();
  e->set_uscc(uscc);
  e->set_display_name(display_name);
  e->set_address("焦作市某某路 1 号");
  e->set_district_code(district);
  e->set_industry_code("D4411");
  e->set_management_class(v1::MANAGEMENT_CLASS_KEY);
  v1::Enterprise out;
  auto ctx = Context(AdminToken());
  grpc::Status s =
      v1::EnterpriseService::NewStub(channel_)->CreateEnterprise(ctx.get(), request, &out);
  EXPECT_TRUE(s.ok()) << "create enterprise " << uscc << ": " << s.error_message();
}

void TestApp::CreateOutlet(const std::string& uscc, const std::string& code,
                           const std::vector<std::string>& pollutants) {
  v1::CreateOutletRequest request;
  request.set_parent(absl::StrCat("enterprises/", uscc));
  request.mutable_outlet()->set_code(code);
  request.mutable_outlet()->set_display_name("1 号锅炉烟囱");
  for (const std::string& p : pollutants) request.mutable_outlet()->add_pollutant_codes(p);
  v1::Outlet out;
  auto ctx = Context(AdminToken());
  grpc::Status s = v1::EnterpriseService::NewStub(channel_)->CreateOutlet(ctx.get(), request, &out);
  EXPECT_TRUE(s.ok()) << "create outlet " << uscc << "/" << code << ": " << s.error_message();
}

}  // namespace ecocase::testing
