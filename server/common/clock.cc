#include "common/clock.h"

#include "absl/time/clock.h"

namespace ecocase::common {

absl::Time SystemClock::Now() const { return absl::Now(); }

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

void FakeClock::Set(absl::Time t) {
  absl::MutexLock lock(&mu_);
  now_ = t;
}

}  // namespace ecocase::common
