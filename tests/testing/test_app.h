#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/channel.h>

#include "app/application.h"
#include "common/clock.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "testing/test_database.h"

namespace ecocase::testing {

inline constexpr char kAdminPassword[] = "bootstrap-Admin-9f3k";

// The real Application on a fresh schema, in process, plaintext on a free port, with a
// FakeClock and cheap password hashing. `admin` (city-wide) exists from the start.
class TestApp {
 public:
  static std::unique_ptr<TestApp> Start(
      const std::string& label,
      const std::function<void(app::ApplicationOptions&)>& adjust = nullptr);
  ~TestApp();

  common::FakeClock& clock() { return clock_; }
  TestSchema& schema() { return *schema_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  v1::AuthService::Stub& auth() { return *auth_; }
  app::Application& application() { return *app_; }
  // The evidence blob store's directory (a fresh temporary one, removed at the end).
  const std::string& evidence_dir() const { return evidence_dir_; }

  // A context carrying `token` as the bearer (none when empty), with a 30 s deadline.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token);
  // Signs in and returns the access token; fails the test on error.
  std::string Login(const std::string& username, const std::string& password);
  std::string AdminToken() { return Login("admin", kAdminPassword); }
  // Creates a user as admin (password "password-<username>") and returns its token. A
  // STATION account gets one made-up device MN.
  std::string CreateUserAndLogin(const std::string& username, v1::Role role,
                                 const std::vector<std::string>& districts,
                                 const std::string& enterprise_uscc = "");
  // Registers, as admin, a key-class enterprise (D4411) in `district`, and an outlet of it
  // monitoring `pollutants`; fail the test on error.
  void CreateEnterprise(const std::string& uscc, const std::string& district,
                        const std::string& display_name);
  void CreateOutlet(const std::string& uscc, const std::string& code,
                    const std::vector<std::string>& pollutants);

 private:
  TestApp();
  common::FakeClock clock_;
  std::unique_ptr<TestSchema> schema_;
  std::string evidence_dir_;
  std::unique_ptr<domain::WorkingCalendar> calendar_;
  std::unique_ptr<app::Application> app_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
};

}  // namespace ecocase::testing
