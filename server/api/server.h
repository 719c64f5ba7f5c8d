#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Service;
class HealthCheckServiceInterface;
}  // namespace grpc

namespace ecocase::api {

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // Port 0 picks a free port (tests).
  // TLS unless plaintext is asked for explicitly.
  bool plaintext = false;
  std::string tls_cert_file;
  std::string tls_key_file;
  // When set, clients must present a certificate signed by this CA (mTLS).
  std::string tls_client_ca_file;
  // Threads the synchronous server may use for RPCs in all; sized with the database pool
  // because every unary handler blocks on Connector/C++.
  int max_threads = 64;
};

// The gRPC server with ecocase's fixed parts: health (grpc.health.v1), reflection, one log
// line per RPC, TLS. Services are owned by the caller and must outlive the server.
class GrpcServer final {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  int port() const { return port_; }
  grpc::HealthCheckServiceInterface* health();
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Stops accepting calls, lets in-flight calls finish until `grace` has passed, then
  // cancels what is left. Returns once the server has stopped.
  void Shutdown(absl::Duration grace);
  void Wait();

 private:
  GrpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace ecocase::api
