// ecoctl: the command-line client of ecocase for every role. Thin: it sends requests and
// prints answers; the server is the source of truth for validation.
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "ecocase/v1/system.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "google/protobuf/util/json_util.h"

namespace {

struct Connection {
  std::string server = "127.0.0.1:50051";
  std::string ca_file;
  bool plaintext = false;
  bool json = false;
  int timeout_ms = 10000;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::Channel> MakeChannel(const Connection& c) {
  if (c.plaintext) return grpc::CreateChannel(c.server, grpc::InsecureChannelCredentials());
  grpc::SslCredentialsOptions ssl;
  if (!c.ca_file.empty()) ssl.pem_root_certs = ReadFile(c.ca_file);
  return grpc::CreateChannel(c.server, grpc::SslCredentials(ssl));
}

void SetDeadline(grpc::ClientContext& ctx, const Connection& c) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(c.timeout_ms));
}

int Report(const grpc::Status& status) {
  std::cerr << "error: " << status.error_code() << " " << status.error_message() << "\n";
  return 1;
}

int Health(const Connection& c) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(c));
  grpc::ClientContext ctx;
  SetDeadline(ctx, c);
  grpc::health::v1::HealthCheckResponse out;
  grpc::Status s = stub->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &out);
  if (!s.ok()) return Report(s);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(out.status()) << "\n";
  return out.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ecoctl — command-line client of ecocase (焦作市生态环境局 执法监管平台)"};
  Connection conn;
  if (const char* s = std::getenv("ECOCTL_SERVER")) conn.server = s;
  if (const char* s = std::getenv("ECOCTL_CA_FILE")) conn.ca_file = s;
  app.add_option("--server", conn.server, "host:port of ecocase-server (env ECOCTL_SERVER)");
  app.add_option("--ca", conn.ca_file, "CA certificate (PEM) to verify the server (env ECOCTL_CA_FILE)");
  app.add_flag("--plaintext", conn.plaintext, "connect without TLS");
  app.add_flag("--json", conn.json, "print JSON instead of a table");
  app.add_option("--timeout-ms", conn.timeout_ms, "deadline of each call")->check(CLI::PositiveNumber);
  app.require_subcommand(1);

  int rc = 0;
  auto* health = app.add_subcommand("health", "SERVING when the server and its database are up");
  health->callback([&] { rc = Health(conn); });

  auto* info = app.add_subcommand("info", "server version, schema, time and calendar");
  info->callback([&] {
    auto stub = ecocase::v1::SystemService::NewStub(MakeChannel(conn));
    grpc::ClientContext ctx;
    SetDeadline(ctx, conn);
    ecocase::v1::ServerInfo out;
    grpc::Status s = stub->GetServerInfo(&ctx, ecocase::v1::GetServerInfoRequest(), &out);
    if (!s.ok()) {
      rc = Report(s);
      return;
    }
    if (conn.json) {
      std::string json;
      google::protobuf::util::MessageToJsonString(out, &json);
      std::cout << json << "\n";
      return;
    }
    std::cout << "version          " << out.version() << "\n"
              << "schema_version   " << out.schema_version() << "\n"
              << "regulatory_date  " << out.regulatory_date().year() << "-"
              << out.regulatory_date().month() << "-" << out.regulatory_date().day()
              << " (Asia/Shanghai)\n"
              << "calendar_years  ";
    for (int y : out.calendar_years()) std::cout << " " << y;
    std::cout << "\n";
    for (const auto& src : out.calendar_sources()) std::cout << "calendar_source  " << src << "\n";
  });
  CLI11_PARSE(app, argc, argv);
  return rc;
}
