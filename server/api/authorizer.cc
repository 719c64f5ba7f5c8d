#include "api/authorizer.h"

#include <grpcpp/server_context.h>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "api/rpc_logging.h"
#include "security/tokens.h"

namespace ecocase::api {

absl::StatusOr<domain::Principal> Authorizer::Authenticate(grpc::ServerContextBase* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing `authorization: Bearer <token>` metadata; sign in with AuthService.Login");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty()) {
    return absl::UnauthenticatedError("authorization metadata must be `Bearer <token>`");
  }
  auto principal = sessions_.FindByAccessDigest(security::TokenDigest(value), clock_.Now());
  if (!principal.ok()) return principal.status();
  SetRpcPrincipal(context, principal->ResourceName());
  return principal;
}

absl::StatusOr<domain::Principal> Authorizer::Authorize(grpc::ServerContextBase* context,
                                                        domain::Action action) {
  auto principal = Authenticate(context);
  if (!principal.ok()) return principal.status();
  absl::Status allowed = domain::CheckAllowed(*principal, action);
  if (!allowed.ok()) return allowed;
  return principal;
}

}  // namespace ecocase::api
