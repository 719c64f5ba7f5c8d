// Connection to ecocase-server: channel, deadlines, retries and the signed-in session.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "config_store.h"
#include "errors.h"
#include "ecocase/v1/audit.grpc.pb.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "ecoctl_store.pb.h"

namespace ecoctl {

// The global flags.
struct Connection {
  std::string server = "127.0.0.1:50051";
  std::string ca_file;
  bool plaintext = false;
  bool json = false;
  int timeout_ms = 10000;
};

// One attempt of an RPC on a prepared context (deadline, metadata already set).
using Rpc = std::function<grpc::Status(grpc::ClientContext&)>;

std::shared_ptr<grpc::Channel> MakeChannel(const Connection& c);
void SetDeadline(grpc::ClientContext& ctx, const Connection& c);

// Runs `rpc`, retrying UNAVAILABLE up to 3 times with backoff. The caller's request is
// sent unchanged each time: with a request_id the server does the change at most once.
grpc::Status CallWithRetry(const Connection& c, const Rpc& rpc);

// A random UUIDv4 for AIP-155 request ids.
std::string NewRequestId();

// Calls as the user signed in to `--server`, from the credentials file. Throws
// CommandError(kExitNotSignedIn) when there is no usable session.
class AuthenticatedClient {
 public:
  AuthenticatedClient(const Connection& connection, const ConfigStore& store);

  ecocase::v1::AuthService::Stub& auth() { return *auth_; }
  ecocase::v1::AuditService::Stub& audit() { return *audit_; }
  ecocase::v1::EnterpriseService::Stub& enterprise() { return *enterprise_; }
  ecocase::v1::PermitService::Stub& permit() { return *permit_; }
  const store::Session& session() const { return session_; }

  // Runs `rpc` with the access token. On UNAUTHENTICATED it refreshes the session once
  // and tries again; UNAVAILABLE is retried as in CallWithRetry.
  grpc::Status Call(const Rpc& rpc);

  // The error for a missing or ended session.
  static CommandError NotSignedIn(const std::string& server, const std::string& username);

 private:
  void Refresh();

  const Connection& connection_;
  const ConfigStore& store_;
  store::Session session_;
  std::unique_ptr<ecocase::v1::AuthService::Stub> auth_;
  std::unique_ptr<ecocase::v1::AuditService::Stub> audit_;
  std::unique_ptr<ecocase::v1::EnterpriseService::Stub> enterprise_;
  std::unique_ptr<ecocase::v1::PermitService::Stub> permit_;
};

// A session record from a Login or RefreshToken response.
store::Session SessionFromLogin(const ecocase::v1::LoginResponse& response);

}  // namespace ecoctl
