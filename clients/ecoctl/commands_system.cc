// health and info (no sign-in needed), and helpers shared by the commands.
#include <iostream>

#include "commands.h"
#include "ecocase/v1/system.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "output.h"

namespace ecoctl {
namespace {

int Health(const Connection& c) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(c));
  grpc::ClientContext ctx;
  SetDeadline(ctx, c);
  grpc::health::v1::HealthCheckResponse out;
  Check(stub->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &out));
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(out.status()) << "\n";
  return out.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk
                                                                         : kExitUnhealthy;
}

int Info(const Connection& c) {
  auto stub = ecocase::v1::SystemService::NewStub(MakeChannel(c));
  grpc::ClientContext ctx;
  SetDeadline(ctx, c);
  ecocase::v1::ServerInfo out;
  Check(stub->GetServerInfo(&ctx, ecocase::v1::GetServerInfoRequest(), &out));
  if (c.json) {
    std::cout << ToJson(out) << "\n";
    return kExitOk;
  }
  std::cout << "version          " << out.version() << "\n"
            << "schema_version   " << out.schema_version() << "\n"
            << "regulatory_date  " << FormatDate(out.regulatory_date()) << " (Asia/Shanghai)\n"
            << "calendar_years  ";
  for (int y : out.calendar_years()) std::cout << " " << y;
  std::cout << "\n";
  for (const auto& src : out.calendar_sources()) std::cout << "calendar_source  " << src << "\n";
  return kExitOk;
}

}  // namespace

void AddSystemCommands(CLI::App& app, Context& ctx) {
  app.add_subcommand("health", "SERVING when the server and its database are up (exit 3 if not)")
      ->callback([&ctx] { ctx.run = [&ctx] { return Health(ctx.connection); }; });
  app.add_subcommand("info", "server version, schema, time and calendar")
      ->callback([&ctx] { ctx.run = [&ctx] { return Info(ctx.connection); }; });
}

void CheckChange(const grpc::Status& status, const std::string& request_id,
                 const std::string& extra_hint) {
  if (status.ok()) return;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
      status.error_code() == grpc::StatusCode::CANCELLED) {
    throw RpcError(status,
                   "the server may or may not have made this change. Running the same command "
                   "again with --request-id " +
                       request_id + " is safe: the server does it at most once." +
                       (extra_hint.empty() ? "" : "\n" + extra_hint));
  }
  throw RpcError(status);
}

std::string UserResourceName(const std::string& name_or_username) {
  if (name_or_username.rfind("users/", 0) == 0) return name_or_username;
  return "users/" + name_or_username;
}

}  // namespace ecoctl
