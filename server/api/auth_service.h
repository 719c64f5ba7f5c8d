#pragma once

#include <string>

#include "api/authorizer.h"
#include "common/clock.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "security/password_hasher.h"
#include "storage/login_throttle.h"
#include "storage/mutation.h"
#include "storage/session_repository.h"
#include "storage/user_repository.h"

namespace ecocase::api {

struct AuthOptions {
  absl::Duration access_token_ttl = absl::Hours(8);   // One working shift.
  absl::Duration refresh_token_ttl = absl::Hours(24 * 7);
  // Failed sign-ins per username and per address within the window before a lockout.
  int login_max_failures = 5;
  absl::Duration login_failure_window = absl::Minutes(15);
  absl::Duration login_lockout = absl::Minutes(15);
  // The bureau's own area: a jurisdiction covering it sees everything.
  std::string city_code = "410800";
};

class AuthServiceImpl final : public ecocase::v1::AuthService::Service {
 public:
  AuthServiceImpl(Authorizer& authorizer, storage::UserRepository& users,
                  storage::SessionRepository& sessions, storage::LoginThrottle& throttle,
                  storage::MutationRunner& mutations, const security::PasswordHasher& hasher,
                  const common::Clock& clock, AuthOptions options);

  grpc::Status Login(grpc::ServerContext* context, const ecocase::v1::LoginRequest* request,
                     ecocase::v1::LoginResponse* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const ecocase::v1::LogoutRequest* request,
                      ecocase::v1::LogoutResponse* response) override;
  grpc::Status RefreshToken(grpc::ServerContext* context,
                            const ecocase::v1::RefreshTokenRequest* request,
                            ecocase::v1::LoginResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const ecocase::v1::WhoAmIRequest* request,
                      ecocase::v1::User* response) override;
  grpc::Status CreateUser(grpc::ServerContext* context,
                          const ecocase::v1::CreateUserRequest* request,
                          ecocase::v1::User* response) override;
  grpc::Status GetUser(grpc::ServerContext* context, const ecocase::v1::GetUserRequest* request,
                       ecocase::v1::User* response) override;
  grpc::Status ListUsers(grpc::ServerContext* context,
                         const ecocase::v1::ListUsersRequest* request,
                         ecocase::v1::ListUsersResponse* response) override;
  grpc::Status UpdateUser(grpc::ServerContext* context,
                          const ecocase::v1::UpdateUserRequest* request,
                          ecocase::v1::User* response) override;
  grpc::Status DisableUser(grpc::ServerContext* context,
                           const ecocase::v1::DisableUserRequest* request,
                           ecocase::v1::User* response) override;
  grpc::Status EnableUser(grpc::ServerContext* context,
                          const ecocase::v1::EnableUserRequest* request,
                          ecocase::v1::User* response) override;
  grpc::Status ResetPassword(grpc::ServerContext* context,
                             const ecocase::v1::ResetPasswordRequest* request,
                             ecocase::v1::User* response) override;

  // Creates the first ADMIN (`admin`, jurisdiction city_code) when no ADMIN exists, so a
  // new deployment can be signed into. Returns whether it created one.
  absl::StatusOr<bool> BootstrapAdmin(const std::string& password);

 private:
  absl::Status DoLogin(grpc::ServerContext* context, const ecocase::v1::LoginRequest& request,
                       ecocase::v1::LoginResponse& response);
  absl::Status DoCreateUser(grpc::ServerContext* context,
                            const ecocase::v1::CreateUserRequest& request,
                            ecocase::v1::User& response);
  absl::Status DoUpdateUser(grpc::ServerContext* context,
                            const ecocase::v1::UpdateUserRequest& request,
                            ecocase::v1::User& response);
  absl::Status SetDisabled(grpc::ServerContext* context, domain::Action action,
                           absl::string_view method, const std::string& name,
                           const std::string& etag, const std::string& request_id,
                           const google::protobuf::Message& request, bool disabled,
                           ecocase::v1::User& response);
  absl::Status DoResetPassword(grpc::ServerContext* context,
                               const ecocase::v1::ResetPasswordRequest& request,
                               ecocase::v1::User& response);
  absl::Status DoListUsers(grpc::ServerContext* context,
                           const ecocase::v1::ListUsersRequest& request,
                           ecocase::v1::ListUsersResponse& response);

  // New tokens for a session; `out` gets the tokens and their expiry times.
  storage::SessionTokens NewTokens(absl::Time now, ecocase::v1::LoginResponse& out) const;
  // PERMISSION_DENIED unless the caller's jurisdiction covers everything `user` will have.
  absl::Status CheckCanManage(const domain::Principal& caller, const domain::User& user) const;
  // Runs a user-changing mutation and parses the stored/returned response into `out`.
  absl::Status RunUserMutation(const domain::Principal& caller, absl::string_view method,
                               const std::string& request_id,
                               const google::protobuf::Message& request_for_hash,
                               absl::FunctionRef<absl::StatusOr<domain::User>(storage::Tx&)> body,
                               ecocase::v1::User& out);

  Authorizer& authorizer_;
  storage::UserRepository& users_;
  storage::SessionRepository& sessions_;
  storage::LoginThrottle& throttle_;
  storage::MutationRunner& mutations_;
  const security::PasswordHasher& hasher_;
  const common::Clock& clock_;
  const AuthOptions options_;
};

}  // namespace ecocase::api
