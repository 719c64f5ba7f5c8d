#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ecocase::common {

// Injected time source. Logic that computes deadlines, leases or expiry takes a Clock&,
// never the system clock, so tests control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  // A process-wide instance for wiring in main().
  static SystemClock& Instance();
};

// A clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::common
