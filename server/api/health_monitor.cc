#include "api/health_monitor.h"

#include <grpcpp/health_check_service_interface.h>

#include "common/log.h"

namespace ecocase::api {

HealthMonitor::HealthMonitor(grpc::HealthCheckServiceInterface* health,
                             std::function<absl::Status()> probe, absl::Duration interval)
    : health_(health), probe_(std::move(probe)), interval_(interval) {
  CheckNow();
  thread_ = std::thread([this] { Run(); });
}

HealthMonitor::~HealthMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

bool HealthMonitor::CheckNow() {
  absl::Status s = probe_();
  bool serving = s.ok();
  absl::MutexLock lock(&mu_);
  if (draining_) return false;
  if (last_ != static_cast<int>(serving)) {
    health_->SetServingStatus(serving);
    common::Log(serving ? common::LogLevel::kInfo : common::LogLevel::kError, "health")
        .Str("status", serving ? "SERVING" : "NOT_SERVING")
        .Str("reason", serving ? "database reachable" : s.message());
    last_ = serving;
  }
  return serving;
}

void HealthMonitor::Drain() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
  health_->SetServingStatus(false);
}

void HealthMonitor::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto stopped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopped), interval_)) return;
    }
    CheckNow();
  }
}

}  // namespace ecocase::api
