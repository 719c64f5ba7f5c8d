#include "api/auth_service.h"

#include <grpcpp/server_context.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "api/user_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "security/sha256.h"
#include "security/tokens.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.AuthService/";

// The client's IP address without the port: "ipv4:10.0.0.5:51234" -> "10.0.0.5".
std::string PeerAddress(grpc::ServerContext* context) {
  std::string peer = context->peer();
  absl::string_view p = peer;
  if (!absl::ConsumePrefix(&p, "ipv4:")) absl::ConsumePrefix(&p, "ipv6:");
  size_t colon = p.rfind(':');
  if (colon != absl::string_view::npos) p = p.substr(0, colon);
  return std::string(p);
}

absl::Status WrongCredentials() {
  return absl::UnauthenticatedError("wrong username or password");
}

storage::AuditEntry UserAudit(const domain::Principal& actor, absl::string_view action,
                              const ecocase::v1::User& result) {
  return {.actor = actor.ResourceName(),
          .action = std::string(action),
          .resource = result.name(),
          .change_digest = MessageDigest(result),
          .district_code = result.district_codes_size() > 0 ? result.district_codes(0) : "",
          .enterprise_uscc = result.enterprise_uscc()};
}

}  // namespace

AuthServiceImpl::AuthServiceImpl(Authorizer& authorizer, storage::UserRepository& users,
                                 storage::SessionRepository& sessions,
                                 storage::LoginThrottle& throttle,
                                 storage::MutationRunner& mutations,
                                 const security::PasswordHasher& hasher,
                                 const common::Clock& clock, AuthOptions options)
    : authorizer_(authorizer),
      users_(users),
      sessions_(sessions),
      throttle_(throttle),
      mutations_(mutations),
      hasher_(hasher),
      clock_(clock),
      options_(std::move(options)) {}

storage::SessionTokens AuthServiceImpl::NewTokens(absl::Time now,
                                                  ecocase::v1::LoginResponse& out) const {
  std::string access = security::NewOpaqueToken();
  std::string refresh = security::NewOpaqueToken();
  storage::SessionTokens tokens{security::TokenDigest(access), now + options_.access_token_ttl,
                                security::TokenDigest(refresh),
                                now + options_.refresh_token_ttl};
  out.set_access_token(access);
  *out.mutable_access_token_expire_time() = ToTimestamp(tokens.access_expire_time);
  out.set_refresh_token(refresh);
  *out.mutable_refresh_token_expire_time() = ToTimestamp(tokens.refresh_expire_time);
  return tokens;
}

absl::Status AuthServiceImpl::DoLogin(grpc::ServerContext* context,
                                      const ecocase::v1::LoginRequest& request,
                                      ecocase::v1::LoginResponse& response) {
  if (request.username().empty()) return common::InvalidFieldError("username", "is required");
  if (request.password().empty()) return common::InvalidFieldError("password", "is required");
  absl::Time now = clock_.Now();
  // Usernames are throttled by digest: the throttle table holds no names.
  std::string user_subject =
      absl::StrCat("user:", security::Sha256Hex(absl::AsciiStrToLower(request.username())));
  std::vector<std::string> subjects = {user_subject,
                                       absl::StrCat("addr:", PeerAddress(context))};
  ECOCASE_ASSIGN_OR_RETURN(absl::Time locked_until, throttle_.LockedUntil(subjects, now));
  if (locked_until > now) {
    return common::WithReason(
        absl::ResourceExhaustedError(absl::StrCat(
            "too many failed sign-ins; try again after ",
            absl::FormatTime("%Y-%m-%d %H:%M:%S", locked_until, absl::FixedTimeZone(8 * 3600)),
            " (Asia/Shanghai)")),
        "LOGIN_THROTTLED");
  }
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::UserCredentials> creds,
                           users_.FindCredentials(request.username()));
  bool ok = false;
  if (!creds.has_value()) {
    hasher_.BurnTime(request.password());  // Same time as a real check: no user probing.
  } else {
    ok = hasher_.Verify(request.password(), creds->password_hash) && !creds->user.disabled;
  }
  if (!ok) {
    ECOCASE_RETURN_IF_ERROR(throttle_.RecordFailure(subjects, now, options_.login_max_failures,
                                                    options_.login_failure_window,
                                                    options_.login_lockout));
    return WrongCredentials();
  }
  ECOCASE_RETURN_IF_ERROR(throttle_.Clear(user_subject));
  const domain::User& user = creds->user;
  domain::Principal actor;
  actor.username = user.username;
  storage::SessionTokens tokens = NewTokens(now, response);
  *response.mutable_user() = ToProto(user);
  // No request_id: a login is never replayed (its response holds fresh tokens).
  storage::MutationKey key{actor.ResourceName(), absl::StrCat(kService, "Login"), "", ""};
  auto result = mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
    ECOCASE_ASSIGN_OR_RETURN(int64_t session_id, sessions_.Create(tx, user.id, tokens, now));
    storage::AuditEntry audit;
    audit.actor = actor.ResourceName();
    audit.action = "Login";
    audit.resource = actor.ResourceName();
    // The digest names the session, never the tokens.
    audit.change_digest = security::Sha256Hex(absl::StrCat("session:", session_id));
    return storage::MutationResult{"", audit};
  });
  return result.status();
}

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* context,
                                    const ecocase::v1::LoginRequest* request,
                                    ecocase::v1::LoginResponse* response) {
  absl::Status s = DoLogin(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* context,
                                     const ecocase::v1::LogoutRequest*,
                                     ecocase::v1::LogoutResponse*) {
  auto principal = authorizer_.Authorize(context, Action::kLogout);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  storage::MutationKey key{principal->ResourceName(), absl::StrCat(kService, "Logout"), "", ""};
  auto result = mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
    ECOCASE_RETURN_IF_ERROR(sessions_.Revoke(tx, principal->session_id, clock_.Now()));
    storage::AuditEntry audit{principal->ResourceName(), "Logout", principal->ResourceName(),
                              security::Sha256Hex(absl::StrCat("session:", principal->session_id)),
                              "", ""};
    return storage::MutationResult{"", audit};
  });
  return ToGrpcStatus(result.status());
}

grpc::Status AuthServiceImpl::RefreshToken(grpc::ServerContext*,
                                           const ecocase::v1::RefreshTokenRequest* request,
                                           ecocase::v1::LoginResponse* response) {
  if (request->refresh_token().empty()) {
    return ToGrpcStatus(common::InvalidFieldError("refresh_token", "is required"));
  }
  absl::Time now = clock_.Now();
  storage::SessionTokens tokens = NewTokens(now, *response);
  std::string username;
  storage::MutationKey key{"refresh", absl::StrCat(kService, "RefreshToken"), "", ""};
  auto result = mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
    ECOCASE_ASSIGN_OR_RETURN(
        domain::Principal p,
        sessions_.Refresh(tx, security::TokenDigest(request->refresh_token()), tokens, now));
    username = p.username;
    storage::AuditEntry audit{p.ResourceName(), "RefreshToken", p.ResourceName(),
                              security::Sha256Hex(absl::StrCat("session:", p.session_id)), "",
                              ""};
    return storage::MutationResult{"", audit};
  });
  if (!result.ok()) {
    response->Clear();
    return ToGrpcStatus(result.status());
  }
  auto user = users_.Get(storage::Scope::All(), username);
  if (!user.ok()) return ToGrpcStatus(user.status());
  *response->mutable_user() = ToProto(*user);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::WhoAmI(grpc::ServerContext* context,
                                     const ecocase::v1::WhoAmIRequest*,
                                     ecocase::v1::User* response) {
  auto principal = authorizer_.Authorize(context, Action::kWhoAmI);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto user = users_.Get(storage::Scope::All(), principal->username);
  if (!user.ok()) return ToGrpcStatus(user.status());
  *response = ToProto(*user);
  return grpc::Status::OK;
}

absl::Status AuthServiceImpl::CheckCanManage(const domain::Principal& caller,
                                             const domain::User& user) const {
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  if (scope.everything) return absl::OkStatus();
  if (user.role == domain::Role::kEnterprise) {
    return absl::PermissionDeniedError(
        "only an administrator for the whole city manages enterprise accounts");
  }
  for (const std::string& code : user.jurisdiction.district_codes) {
    if (!domain::JurisdictionCovers(caller.jurisdiction, code)) {
      return absl::PermissionDeniedError(
          absl::StrCat("district ", code, " is outside your jurisdiction"));
    }
  }
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::RunUserMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request_for_hash,
    absl::FunctionRef<absl::StatusOr<domain::User>(storage::Tx&)> body, ecocase::v1::User& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           MessageDigest(request_for_hash)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::User user, body(tx));
        ecocase::v1::User result = ToProto(user);
        return storage::MutationResult{result.SerializeAsString(),
                                       UserAudit(caller, method, result)};
      }));
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoCreateUser(grpc::ServerContext* context,
                                           const ecocase::v1::CreateUserRequest& request,
                                           ecocase::v1::User& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateUser));
  ECOCASE_ASSIGN_OR_RETURN(domain::User user, FromProto(request.user(), "user"));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateUser(user, "user"));
  ECOCASE_RETURN_IF_ERROR(security::ValidateNewPassword(request.password(), "password"));
  ECOCASE_RETURN_IF_ERROR(CheckCanManage(caller, user));
  ECOCASE_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(request.password()));
  // The fingerprint leaves the password out: no password-derived value is stored with it.
  ecocase::v1::CreateUserRequest fingerprint = request;
  fingerprint.clear_password();
  fingerprint.clear_request_id();
  return RunUserMutation(
      caller, "CreateUser", request.request_id(), fingerprint,
      [&](storage::Tx& tx) { return users_.Create(tx, user, hash, clock_.Now()); }, response);
}

grpc::Status AuthServiceImpl::CreateUser(grpc::ServerContext* context,
                                         const ecocase::v1::CreateUserRequest* request,
                                         ecocase::v1::User* response) {
  return ToGrpcStatus(DoCreateUser(context, *request, *response));
}

grpc::Status AuthServiceImpl::GetUser(grpc::ServerContext* context,
                                      const ecocase::v1::GetUserRequest* request,
                                      ecocase::v1::User* response) {
  auto caller = authorizer_.Authorize(context, Action::kGetUser);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto username = domain::UsernameFromName(request->name(), "name");
  if (!username.ok()) return ToGrpcStatus(username.status());
  auto user = users_.Get(storage::Scope::For(*caller, options_.city_code), *username);
  if (!user.ok()) return ToGrpcStatus(user.status());
  *response = ToProto(*user);
  return grpc::Status::OK;
}

absl::Status AuthServiceImpl::DoListUsers(grpc::ServerContext* context,
                                          const ecocase::v1::ListUsersRequest& request,
                                          ecocase::v1::ListUsersResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListUsers));
  std::string query = QueryFingerprint({"ListUsers", caller.ResourceName(),
                                        absl::StrCat(request.role()),
                                        request.include_disabled() ? "all" : "enabled"});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  storage::UserFilter filter;
  if (request.role() != ecocase::v1::ROLE_UNSPECIFIED) {
    domain::Role role = FromProto(request.role());
    if (role == domain::Role::kUnspecified) {
      return common::InvalidFieldError("role", "is not a known role");
    }
    filter.role = role;
  }
  filter.include_disabled = request.include_disabled();
  // One more than asked tells whether another page follows.
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<domain::User> users,
      users_.List(storage::Scope::For(caller, options_.city_code), filter, page.size + 1,
                  page.after));
  bool more = static_cast<int>(users.size()) > page.size;
  if (more) users.resize(page.size);
  for (const domain::User& u : users) *response.add_users() = ToProto(u);
  if (more) response.set_next_page_token(MakePageToken(query, users.back().username));
  return absl::OkStatus();
}

grpc::Status AuthServiceImpl::ListUsers(grpc::ServerContext* context,
                                        const ecocase::v1::ListUsersRequest* request,
                                        ecocase::v1::ListUsersResponse* response) {
  return ToGrpcStatus(DoListUsers(context, *request, *response));
}

absl::Status AuthServiceImpl::DoUpdateUser(grpc::ServerContext* context,
                                           const ecocase::v1::UpdateUserRequest& request,
                                           ecocase::v1::User& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUpdateUser));
  ECOCASE_ASSIGN_OR_RETURN(std::string username,
                           domain::UsernameFromName(request.user().name(), "user.name"));
  if (request.update_mask().paths().empty()) {
    return common::InvalidFieldError("update_mask", "name at least one field to change");
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path != "display_name" && path != "district_codes" && path != "enterprise_uscc" &&
        path != "certificate" && path != "device_mns") {
      return common::InvalidFieldError(
          "update_mask", absl::StrCat("`", path,
                                      "` cannot be changed (display_name, district_codes, "
                                      "enterprise_uscc, certificate, device_mns can)"));
    }
  }
  int64_t version = 0;
  if (!request.user().etag().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(request.user().etag(), "user.etag"));
  }
  ecocase::v1::User patch_proto = request.user();
  patch_proto.set_username(username);
  ECOCASE_ASSIGN_OR_RETURN(domain::User patch, FromProto(patch_proto, "user"));
  ecocase::v1::UpdateUserRequest fingerprint = request;
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunUserMutation(
      caller, "UpdateUser", request.request_id(), fingerprint,
      [&](storage::Tx& tx) {
        return users_.Update(tx, scope, username, version, [&](domain::User& user) {
          for (const std::string& path : request.update_mask().paths()) {
            if (path == "display_name") user.display_name = patch.display_name;
            if (path == "district_codes") {
              user.jurisdiction.district_codes = patch.jurisdiction.district_codes;
            }
            if (path == "enterprise_uscc") {
              user.jurisdiction.enterprise_uscc = patch.jurisdiction.enterprise_uscc;
            }
            if (path == "certificate") user.certificate = patch.certificate;
            if (path == "device_mns") {
              user.jurisdiction.device_mns = patch.jurisdiction.device_mns;
            }
          }
          ECOCASE_RETURN_IF_ERROR(domain::ValidateUser(user, "user"));
          return CheckCanManage(caller, user);
        }, clock_.Now());
      },
      response);
}

grpc::Status AuthServiceImpl::UpdateUser(grpc::ServerContext* context,
                                         const ecocase::v1::UpdateUserRequest* request,
                                         ecocase::v1::User* response) {
  return ToGrpcStatus(DoUpdateUser(context, *request, *response));
}

absl::Status AuthServiceImpl::SetDisabled(grpc::ServerContext* context, Action action,
                                          absl::string_view method, const std::string& name,
                                          const std::string& etag,
                                          const std::string& request_id,
                                          const google::protobuf::Message& request,
                                          bool disabled, ecocase::v1::User& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller, authorizer_.Authorize(context, action));
  ECOCASE_ASSIGN_OR_RETURN(std::string username, domain::UsernameFromName(name, "name"));
  if (disabled && username == caller.username) {
    return absl::FailedPreconditionError("you cannot disable your own account");
  }
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, "etag"));
  }
  std::unique_ptr<google::protobuf::Message> fingerprint(request.New());
  fingerprint->CopyFrom(request);
  fingerprint->GetReflection()->ClearField(
      fingerprint.get(), fingerprint->GetDescriptor()->FindFieldByName("request_id"));
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunUserMutation(
      caller, method, request_id, *fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::User> {
        absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(
            domain::User user,
            users_.Update(tx, scope, username, version, [&](domain::User& u) {
              u.disabled = disabled;
              return absl::OkStatus();
            }, now));
        // Disabling ends every session at once.
        if (disabled) ECOCASE_RETURN_IF_ERROR(sessions_.RevokeAllForUser(tx, user.id, now));
        return user;
      },
      response);
}

grpc::Status AuthServiceImpl::DisableUser(grpc::ServerContext* context,
                                          const ecocase::v1::DisableUserRequest* request,
                                          ecocase::v1::User* response) {
  return ToGrpcStatus(SetDisabled(context, Action::kDisableUser, "DisableUser", request->name(),
                                  request->etag(), request->request_id(), *request, true,
                                  *response));
}

grpc::Status AuthServiceImpl::EnableUser(grpc::ServerContext* context,
                                         const ecocase::v1::EnableUserRequest* request,
                                         ecocase::v1::User* response) {
  return ToGrpcStatus(SetDisabled(context, Action::kEnableUser, "EnableUser", request->name(),
                                  request->etag(), request->request_id(), *request, false,
                                  *response));
}

absl::Status AuthServiceImpl::DoResetPassword(grpc::ServerContext* context,
                                              const ecocase::v1::ResetPasswordRequest& request,
                                              ecocase::v1::User& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kResetPassword));
  ECOCASE_ASSIGN_OR_RETURN(std::string username, domain::UsernameFromName(request.name(), "name"));
  ECOCASE_RETURN_IF_ERROR(security::ValidateNewPassword(request.new_password(), "new_password"));
  ECOCASE_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(request.new_password()));
  ecocase::v1::ResetPasswordRequest fingerprint = request;
  fingerprint.clear_new_password();
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunUserMutation(
      caller, "ResetPassword", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::User> {
        absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(domain::User user,
                                 users_.SetPasswordHash(tx, scope, username, hash, now));
        ECOCASE_RETURN_IF_ERROR(sessions_.RevokeAllForUser(tx, user.id, now));
        return user;
      },
      response);
}

grpc::Status AuthServiceImpl::ResetPassword(grpc::ServerContext* context,
                                            const ecocase::v1::ResetPasswordRequest* request,
                                            ecocase::v1::User* response) {
  return ToGrpcStatus(DoResetPassword(context, *request, *response));
}

absl::StatusOr<bool> AuthServiceImpl::BootstrapAdmin(const std::string& password) {
  ECOCASE_ASSIGN_OR_RETURN(bool exists, users_.AnyUserWithRole(domain::Role::kAdmin));
  if (exists) return false;
  ECOCASE_RETURN_IF_ERROR(security::ValidateNewPassword(password, "ECOCASE_BOOTSTRAP_ADMIN_PASSWORD"));
  domain::User admin;
  admin.username = "admin";
  admin.display_name = "系统管理员";
  admin.role = domain::Role::kAdmin;
  admin.jurisdiction.district_codes = {options_.city_code};
  ECOCASE_RETURN_IF_ERROR(domain::ValidateUser(admin, "admin"));
  ECOCASE_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(password));
  domain::Principal system;
  system.username = "system";
  ecocase::v1::User out;
  absl::Status s = RunUserMutation(
      system, "BootstrapAdmin", "", ecocase::v1::User(),
      [&](storage::Tx& tx) { return users_.Create(tx, admin, hash, clock_.Now()); }, out);
  if (absl::IsAlreadyExists(s)) return false;  // Another replica was first.
  if (!s.ok()) return s;
  return true;
}

}  // namespace ecocase::api
