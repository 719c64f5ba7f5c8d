#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/lease_store.h"

namespace ecocase::common {

// Runs periodic jobs (expiry, overdue and offline sweeps, ...) in exactly one replica at a
// time (architecture.md §2a). Every replica registers the same jobs; for each job a lease
// in the LeaseStore decides which replica runs it. The holder renews its leases on every
// tick, so it keeps them for as long as it is alive; Stop() hands them over at once, and
// the leases of a replica that dies expire after their TTL, when another replica takes
// them on its next tick.
//
// Jobs MUST be idempotent. A lease is a promise by timing, not a fence: a holder stalled
// beyond its TTL (GC-like pause, a run longer than the TTL, clock skew between replicas)
// can overlap with the next holder, and after a handover the new holder runs the job
// again without knowing when the old one last ran. A job must therefore produce the same
// result when it runs twice or concurrently (e.g. conditional UPDATEs that re-check the
// state they change in the same statement).
//
// Timing: a job is due when `interval` has passed (per the Clock) since this replica last
// started it, or when this replica never ran it. Leases are renewed only at ticks, and a
// tick runs its due jobs one after the other, so a job's TTL must exceed the tick plus
// the longest run of the jobs in the same scheduler, plus the clock skew between
// replicas; a few ticks is a good TTL. A run longer than its TTL is logged as a warning.
//
// Thread-safe, except that Start(), Stop() and Abandon() are meant for the owning thread.
// Jobs run on the scheduler's thread (or the caller's, for RunDueJobs) and must neither
// throw nor call back into the scheduler (AddJob, RunDueJobs, Stop, Abandon deadlock).
class SweepScheduler final {
 public:
  // `replica_id` names this process in the lease table (e.g. "hostname:pid"); it must be
  // unique among live replicas, non-empty and at most 128 bytes.
  SweepScheduler(LeaseStore& leases, const Clock& clock, std::string replica_id);
  // Stops and releases held leases, as Stop() does.
  ~SweepScheduler();
  SweepScheduler(const SweepScheduler&) = delete;
  SweepScheduler& operator=(const SweepScheduler&) = delete;

  // Registers a job run every `interval` under the lease `name` (at most 64 bytes), held
  // `ttl` past each renewal. INVALID_ARGUMENT for an empty name, interval <= 0, ttl <= 0,
  // or a ttl not above the tick of a started scheduler; ALREADY_EXISTS for a name already
  // registered.
  absl::Status AddJob(std::string name, absl::Duration interval, absl::Duration ttl,
                      std::function<absl::Status()> run);

  // One tick, now per the Clock: for every job that is due, or whose lease this replica
  // held at its last tick, takes or renews the lease, and runs the job when it is due and
  // the lease is held. A job's error or a lease-store error is logged and does not stop
  // the other jobs; the first such error is returned after all jobs had their turn.
  // Ticks never overlap: a call waits for a running tick. FAILED_PRECONDITION after
  // Abandon().
  absl::Status RunDueJobs();

  // Starts a background thread that calls RunDueJobs() at once and then every `tick` of
  // real time. INVALID_ARGUMENT when tick <= 0 or a job's TTL is not above it;
  // FAILED_PRECONDITION when already started or abandoned.
  absl::Status Start(absl::Duration tick);

  // Stops the background thread (waiting for a running job to finish) and releases the
  // leases this replica holds, so other replicas take over on their next tick. Safe to
  // call more than once and without Start(); RunDueJobs() or Start() may follow.
  void Stop();

  // Stops ticking without releasing anything, as a crash would: the leases stay with
  // this replica until their TTL runs out. For tests of takeover after a holder dies.
  void Abandon();

  // The jobs whose lease this replica held at its last tick and whose TTL has not run
  // out since (per the Clock), in registration order. For tests and status pages.
  std::vector<std::string> HeldLeases() const;

  const std::string& replica_id() const { return replica_id_; }

 private:
  struct Job {
    std::string name;
    absl::Duration interval;
    absl::Duration ttl;
    std::function<absl::Status()> run;
    std::optional<absl::Time> last_start;  // Guarded by tick_mu_.
    // When the lease we hold runs out; InfinitePast when we do not hold it (as far as we
    // know). Guarded by mu_.
    absl::Time held_until = absl::InfinitePast();
  };

  absl::Status Tick(Job& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void SetHeldUntil(Job& job, absl::Time t) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Time HeldUntil(const Job& job) const ABSL_LOCKS_EXCLUDED(mu_);
  void ReleaseAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(tick_mu_);
  void Loop(absl::Duration tick);
  // Stops the thread; releases the leases unless `release` is false.
  void Shutdown(bool release);

  LeaseStore& leases_;
  const Clock& clock_;
  const std::string replica_id_;

  // Held for a whole tick, so ticks never overlap and Stop()'s release comes after them.
  absl::Mutex tick_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  // The Job objects never move (unique_ptr); the vector changes under both mutexes.
  std::vector<std::unique_ptr<Job>> jobs_;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration tick_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();  // Zero when stopped.

  std::thread thread_;  // Touched by Start(), Stop() and Abandon() only.
};

}  // namespace ecocase::common
