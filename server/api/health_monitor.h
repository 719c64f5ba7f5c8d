#pragma once

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grpc {
class HealthCheckServiceInterface;
}

namespace ecocase::api {

// Probes the database every `interval` and sets grpc.health.v1 to SERVING or NOT_SERVING
// accordingly, so a load balancer stops sending work while the database is unreachable
// and resumes by itself when it returns. Transitions are logged once each.
class HealthMonitor final {
 public:
  HealthMonitor(grpc::HealthCheckServiceInterface* health,
                std::function<absl::Status()> probe, absl::Duration interval);
  ~HealthMonitor();  // Stops the probing thread.

  // Probes once, synchronously, and updates the status. Returns whether it is serving.
  bool CheckNow();
  // Marks NOT_SERVING for good (shutdown): later probes no longer change it.
  void Drain();

 private:
  void Run();

  grpc::HealthCheckServiceInterface* health_;
  std::function<absl::Status()> probe_;
  absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  int last_ ABSL_GUARDED_BY(mu_) = -1;  // -1 unknown, 0 not serving, 1 serving.
  std::thread thread_;
};

}  // namespace ecocase::api
