#include "api/rpc_logging.h"

#include <grpcpp/server_context.h>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace ecocase::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Principals set by handlers, keyed by their call's context until the call's log line.
class PrincipalRegistry {
 public:
  void Set(const grpc::ServerContextBase* ctx, std::string principal) {
    absl::MutexLock lock(&mu_);
    principals_[ctx] = std::move(principal);
  }
  std::string Take(const grpc::ServerContextBase* ctx) {
    absl::MutexLock lock(&mu_);
    auto it = principals_.find(ctx);
    if (it == principals_.end()) return "-";
    std::string p = std::move(it->second);
    principals_.erase(it);
    return p;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, std::string> principals_
      ABSL_GUARDED_BY(mu_);
};

PrincipalRegistry& Registry() {
  static auto* registry = new PrincipalRegistry();
  return *registry;
}

class RpcLoggingInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RpcLoggingInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      common::Log(status.ok() ? common::LogLevel::kInfo : common::LogLevel::kWarning, "rpc")
          .Str("method", info_->method())
          .Str("principal", Registry().Take(info_->server_context()))
          .Int("code", static_cast<int>(status.error_code()))
          .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - start_));
      logged_ = true;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_CLOSE) &&
        !logged_) {
      // Cancelled before a status was sent (client gone, deadline passed).
      Registry().Take(info_->server_context());
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
  bool logged_ = false;
};

class RpcLoggingInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcLoggingInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLoggingInterceptorFactory() {
  return std::make_unique<RpcLoggingInterceptorFactory>();
}

void SetRpcPrincipal(grpc::ServerContextBase* context, std::string principal) {
  Registry().Set(context, std::move(principal));
}

}  // namespace ecocase::api
