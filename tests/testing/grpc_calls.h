#pragma once
// Calls to a running server the way a client makes them: a context with the bearer token
// and a deadline, and signing in. For the in-process TestApp and for tests that run the
// server as a child process alike.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecocase/v1/auth.grpc.pb.h"

namespace ecocase::testing {

// A context carrying `token` ("" for none) that gives up after `deadline`.
inline std::unique_ptr<grpc::ClientContext> CallContext(
    const std::string& token, absl::Duration deadline = absl::Seconds(30)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

// Signs in and returns the access token ("" and a test failure when refused).
inline std::string Login(v1::AuthService::Stub& auth, const std::string& username,
                         const std::string& password) {
  v1::LoginRequest request;
  request.set_username(username);
  request.set_password(password);
  v1::LoginResponse response;
  auto ctx = CallContext("");
  grpc::Status s = auth.Login(ctx.get(), request, &response);
  EXPECT_TRUE(s.ok()) << "login " << username << ": " << s.error_message();
  return response.access_token();
}

inline std::string Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& username,
                         const std::string& password) {
  return Login(*v1::AuthService::NewStub(channel), username, password);
}

}  // namespace ecocase::testing
