#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::common {

// Named, expiring leases shared by all replicas, so that a periodic job runs in exactly
// one replica at a time (architecture.md §2a). A lease is held by one `holder` (a replica
// id) until its expiry; a holder that dies simply stops renewing and any replica may take
// the lease once it has expired.
//
// Time is always passed in (`now`, from the caller's injected Clock) and never read from
// the database, so tests drive expiry with FakeClock. The price is that replicas compare
// their own clocks: run NTP on every host and keep TTLs well above the expected skew
// (seconds at most), or a replica whose clock runs ahead may take a live lease early.
//
// Names are at most 64 bytes and holders at most 128 bytes, both non-empty; anything
// else is INVALID_ARGUMENT. Storage failures are UNAVAILABLE (database unreachable),
// ABORTED (lock contention that outlasted the retries) or INTERNAL.
class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  // Takes the lease `name` for `holder` until now + ttl when it is free or expired
  // (expiry <= now), renews it to now + ttl when `holder` already holds it, and leaves it
  // alone when another holder's lease is still valid. Returns whether `holder` holds the
  // lease after the call. Atomic: of several holders racing for a free lease, exactly one
  // gets true. A ttl <= 0 is INVALID_ARGUMENT.
  virtual absl::StatusOr<bool> TryAcquire(absl::string_view name, absl::string_view holder,
                                          absl::Time now, absl::Duration ttl) = 0;

  // Gives the lease up at once when `holder` holds it, so another replica can take it
  // without waiting for the expiry (graceful handover). OK, and nothing changes, when
  // `holder` does not hold it.
  virtual absl::Status Release(absl::string_view name, absl::string_view holder) = 0;

  // Records that `holder` completed a run of the job at `finished` (for operators; it
  // does not affect who holds the lease). FAILED_PRECONDITION when another holder has
  // taken the lease meanwhile (or it never existed): the run outlived the lease and
  // another replica may have run the job concurrently.
  virtual absl::Status RecordRun(absl::string_view name, absl::string_view holder,
                                 absl::Time finished) = 0;
};

}  // namespace ecocase::common
