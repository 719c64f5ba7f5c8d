#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ecocase::storage {

// Failed sign-ins counted per subject ("user:<digest>", "addr:<ip>"), shared by every
// replica through the database.
class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;
  // The latest lock of any of `subjects` still in force at `now`, or InfinitePast.
  virtual absl::StatusOr<absl::Time> LockedUntil(const std::vector<std::string>& subjects,
                                                 absl::Time now) = 0;
  // Counts a failure for each subject; `max_failures` within `window` locks the subject
  // for `lockout`.
  virtual absl::Status RecordFailure(const std::vector<std::string>& subjects, absl::Time now,
                                     int max_failures, absl::Duration window,
                                     absl::Duration lockout) = 0;
  // Forgets the failures of a subject (after a successful sign-in).
  virtual absl::Status Clear(const std::string& subject) = 0;
  // Deletes subjects whose window began and whose lock ended before `cutoff`; returns how
  // many. For the sweep: without it every address ever seen would stay forever.
  virtual absl::StatusOr<int64_t> PurgeStale(absl::Time cutoff) = 0;
};

}  // namespace ecocase::storage
