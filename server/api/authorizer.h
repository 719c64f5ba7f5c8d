#pragma once

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/authorization_policy.h"
#include "domain/principal.h"
#include "storage/session_repository.h"

namespace grpc {
class ServerContextBase;
}

namespace ecocase::api {

// The one check every handler makes first (gRPC 1.51 interceptors cannot reject a call):
// authenticate the `authorization: Bearer <token>` metadata, then consult the policy.
// UNAUTHENTICATED for a missing, malformed, expired or revoked token; PERMISSION_DENIED
// for a role that may never perform the action. Which objects the caller may touch is the
// repository's scope predicate.
class Authorizer {
 public:
  Authorizer(storage::SessionRepository& sessions, const common::Clock& clock)
      : sessions_(sessions), clock_(clock) {}

  absl::StatusOr<domain::Principal> Authorize(grpc::ServerContextBase* context,
                                              domain::Action action);
  // Authentication alone, for calls every signed-in user may make.
  absl::StatusOr<domain::Principal> Authenticate(grpc::ServerContextBase* context);

 private:
  storage::SessionRepository& sessions_;
  const common::Clock& clock_;
};

}  // namespace ecocase::api
