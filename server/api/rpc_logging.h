#pragma once

#include <memory>
#include <string>

#include <grpcpp/support/server_interceptor.h>

namespace grpc {
class ServerContextBase;
}

namespace ecocase::api {

// Makes the interceptor that writes one structured line per RPC when it finishes:
// method, principal, status code and latency. Never the request, so no secrets or
// personal data reach the log. (gRPC 1.51 interceptors can observe a call but not reject
// it; authorization therefore happens in the handlers.)
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLoggingInterceptorFactory();

// Names the authenticated principal of a call (e.g. "user:17") for its log line.
void SetRpcPrincipal(grpc::ServerContextBase* context, std::string principal);

}  // namespace ecocase::api
