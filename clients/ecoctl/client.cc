#include "client.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace ecoctl {
namespace {

constexpr int kMaxRetries = 3;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(kExitUsage, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// 250 ms, 500 ms, 1 s, each with up to 20% jitter so retrying clients spread out.
void Backoff(int retry, const grpc::Status& status) {
  int base_ms = 250 << (retry - 1);
  std::uniform_int_distribution<int> jitter(0, base_ms / 5);
  std::random_device rd;
  int ms = base_ms + jitter(rd);
  std::cerr << "ecoctl: server unavailable (" << status.error_message() << "); retry " << retry
            << "/" << kMaxRetries << " in " << ms << " ms\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const Connection& c) {
  if (c.plaintext) return grpc::CreateChannel(c.server, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions ssl;
  if (!c.ca_file.empty()) ssl.pem_root_certs = ReadFile(c.ca_file);
  return grpc::CreateChannel(c.server, grpc::SslCredentials(ssl));
}

void SetDeadline(grpc::ClientContext& ctx, const Connection& c) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(c.timeout_ms));
}

grpc::Status CallWithRetry(const Connection& c, const Rpc& rpc) {
  for (int retry = 0;; ++retry) {
    grpc::ClientContext ctx;
    SetDeadline(ctx, c);
    grpc::Status s = rpc(ctx);
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE || retry == kMaxRetries) return s;
    Backoff(retry + 1, s);
  }
}

std::string NewRequestId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) {
    throw CommandError(kExitRpcError, "no randomness for a request id (RAND_bytes failed)");
  }
  b[6] = (b[6] & 0x0f) | 0x40;  // Version 4.
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant.
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

store::Session SessionFromLogin(const ecocase::v1::LoginResponse& response) {
  store::Session s;
  s.set_username(response.user().username());
  s.set_access_token(response.access_token());
  *s.mutable_access_token_expire_time() = response.access_token_expire_time();
  s.set_refresh_token(response.refresh_token());
  *s.mutable_refresh_token_expire_time() = response.refresh_token_expire_time();
  return s;
}

CommandError AuthenticatedClient::NotSignedIn(const std::string& server,
                                              const std::string& username) {
  return CommandError(kExitNotSignedIn,
                      "not signed in to " + server + " (or session expired): run `ecoctl login --user " +
                          (username.empty() ? "…" : username) + "`");
}

AuthenticatedClient::AuthenticatedClient(const Connection& connection, const ConfigStore& store)
    : connection_(connection), store_(store) {
  store::Credentials credentials = store_.ReadCredentials();
  auto it = credentials.sessions().find(connection_.server);
  if (it == credentials.sessions().end()) throw NotSignedIn(connection_.server, "");
  session_ = it->second;
  auto channel = MakeChannel(connection_);
  auth_ = ecocase::v1::AuthService::NewStub(channel);
  audit_ = ecocase::v1::AuditService::NewStub(channel);
  enterprise_ = ecocase::v1::EnterpriseService::NewStub(channel);
  permit_ = ecocase::v1::PermitService::NewStub(channel);
}

grpc::Status AuthenticatedClient::Call(const Rpc& rpc) {
  bool refreshed = false;
  for (int retry = 0;;) {
    grpc::ClientContext ctx;
    SetDeadline(ctx, connection_);
    ctx.AddMetadata("authorization", "Bearer " + session_.access_token());
    grpc::Status s = rpc(ctx);
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE && retry < kMaxRetries) {
      Backoff(++retry, s);
      continue;
    }
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      if (refreshed) throw NotSignedIn(connection_.server, session_.username());
      Refresh();
      refreshed = true;
      continue;
    }
    return s;
  }
}

void AuthenticatedClient::Refresh() {
  // The lock spans the RefreshToken call: a refresh token works once, so a second ecoctl
  // refreshing at the same time would otherwise end up signed out.
  ConfigStore::Lock lock = store_.Acquire();
  store::Credentials credentials = store_.ReadCredentials();
  auto it = credentials.sessions().find(connection_.server);
  if (it == credentials.sessions().end()) {
    throw NotSignedIn(connection_.server, session_.username());  // Signed out meanwhile.
  }
  if (it->second.access_token() != session_.access_token()) {
    session_ = it->second;  // Another ecoctl has refreshed already.
    return;
  }
  if (session_.refresh_token().empty()) throw NotSignedIn(connection_.server, session_.username());
  ecocase::v1::RefreshTokenRequest request;
  request.set_refresh_token(session_.refresh_token());
  ecocase::v1::LoginResponse response;
  grpc::Status s = CallWithRetry(connection_, [&](grpc::ClientContext& ctx) {
    return auth_->RefreshToken(&ctx, request, &response);
  });
  if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    throw NotSignedIn(connection_.server, session_.username());
  }
  if (!s.ok()) throw RpcError(s);
  store::Session renewed = SessionFromLogin(response);
  *renewed.mutable_sign_in_time() = session_.sign_in_time();
  session_ = renewed;
  (*credentials.mutable_sessions())[connection_.server] = session_;
  store_.WriteCredentials(credentials, lock);
}

}  // namespace ecoctl
