#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace ecocase::common {

// A fixed set of threads running posted tasks in order, with a bounded queue. For blocking
// work (database lookups) that must not run on an event loop or on gRPC's callback threads.
// Thread-safe.
class ThreadPool final {
 public:
  ThreadPool(int threads, size_t max_queued);
  ~ThreadPool();  // runs what is queued, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`; false (and the task dropped) when the queue is full or the pool stops.
  bool Post(std::function<void()> task);

 private:
  void Run();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace ecocase::common
