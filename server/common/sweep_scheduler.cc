#include "common/sweep_scheduler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace ecocase::common {
namespace {

absl::Status Annotate(const absl::Status& s, absl::string_view job) {
  return absl::Status(s.code(), absl::StrCat("sweep job ", job, ": ", s.message()));
}

}  // namespace

SweepScheduler::SweepScheduler(LeaseStore& leases, const Clock& clock, std::string replica_id)
    : leases_(leases), clock_(clock), replica_id_(std::move(replica_id)) {}

SweepScheduler::~SweepScheduler() { Stop(); }

absl::Status SweepScheduler::AddJob(std::string name, absl::Duration interval,
                                    absl::Duration ttl, std::function<absl::Status()> run) {
  if (name.empty()) return absl::InvalidArgumentError("sweep job name is empty");
  if (interval <= absl::ZeroDuration() || ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sweep job ", name, ": interval and ttl must be positive"));
  }
  if (!run) return absl::InvalidArgumentError(absl::StrCat("sweep job ", name, ": no function"));
  absl::MutexLock tick_lock(&tick_mu_);
  absl::MutexLock lock(&mu_);
  if (tick_ > absl::ZeroDuration() && ttl <= tick_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sweep job ", name, ": ttl ", absl::FormatDuration(ttl), " must exceed the tick ",
        absl::FormatDuration(tick_)));
  }
  for (const auto& job : jobs_) {
    if (job->name == name) {
      return absl::AlreadyExistsError(absl::StrCat("sweep job ", name, " already registered"));
    }
  }
  auto job = std::make_unique<Job>();
  job->name = std::move(name);
  job->interval = interval;
  job->ttl = ttl;
  job->run = std::move(run);
  jobs_.push_back(std::move(job));
  return absl::OkStatus();
}

absl::Status SweepScheduler::RunDueJobs() {
  absl::MutexLock tick_lock(&tick_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (abandoned_) return absl::FailedPreconditionError("sweep scheduler was abandoned");
  }
  absl::Status first_error;
  for (const auto& job : jobs_) {
    absl::Status s = Tick(*job);
    if (first_error.ok()) first_error = s;
  }
  return first_error;
}

absl::Status SweepScheduler::Tick(Job& job) {
  const absl::Time now = clock_.Now();
  const bool due = !job.last_start.has_value() || now - *job.last_start >= job.interval;
  // "Held at the last tick", even if the TTL has run out since: TryAcquire renews it if
  // nobody took it meanwhile, and tells us if somebody did.
  const bool was_held = HeldUntil(job) != absl::InfinitePast();
  if (!due && !was_held) return absl::OkStatus();

  absl::StatusOr<bool> held = leases_.TryAcquire(job.name, replica_id_, now, job.ttl);
  if (!held.ok()) {
    // Not knowing whether we hold the lease, we must not run; the lease (if ours) keeps
    // its old expiry, and the next tick tries again.
    Log(LogLevel::kWarning, "sweep_lease_error")
        .Str("job", job.name)
        .Str("replica", replica_id_)
        .Str("error", held.status().ToString());
    return Annotate(held.status(), job.name);
  }
  if (!*held) {
    if (was_held) {
      Log(LogLevel::kWarning, "sweep_lease_lost").Str("job", job.name).Str("replica", replica_id_);
    }
    SetHeldUntil(job, absl::InfinitePast());
    return absl::OkStatus();
  }
  if (!was_held) {
    Log(LogLevel::kInfo, "sweep_lease_acquired")
        .Str("job", job.name)
        .Str("replica", replica_id_)
        .Int("ttl_ms", absl::ToInt64Milliseconds(job.ttl));
  }
  SetHeldUntil(job, now + job.ttl);
  if (!due) return absl::OkStatus();

  // Cadence counts from the start of a run, failed or not, so a failing job is retried
  // after its interval rather than on every tick.
  job.last_start = now;
  const absl::Status result = job.run();
  const absl::Time finished = clock_.Now();
  const absl::Duration took = finished - now;
  if (took > job.ttl) {
    Log(LogLevel::kWarning, "sweep_job_overran_lease")
        .Str("job", job.name)
        .Str("replica", replica_id_)
        .Int("took_ms", absl::ToInt64Milliseconds(took))
        .Int("ttl_ms", absl::ToInt64Milliseconds(job.ttl));
  }
  if (!result.ok()) {
    Log(LogLevel::kError, "sweep_job_failed")
        .Str("job", job.name)
        .Str("replica", replica_id_)
        .Int("took_ms", absl::ToInt64Milliseconds(took))
        .Str("error", result.ToString());
    return Annotate(result, job.name);
  }
  Log(LogLevel::kInfo, "sweep_job_done")
      .Str("job", job.name)
      .Str("replica", replica_id_)
      .Int("took_ms", absl::ToInt64Milliseconds(took));
  const absl::Status recorded = leases_.RecordRun(job.name, replica_id_, finished);
  if (!recorded.ok()) {
    Log(LogLevel::kWarning, "sweep_run_not_recorded")
        .Str("job", job.name)
        .Str("replica", replica_id_)
        .Str("error", recorded.ToString());
    if (recorded.code() == absl::StatusCode::kFailedPrecondition) {
      SetHeldUntil(job, absl::InfinitePast());  // Another replica took the lease mid-run.
    }
  }
  return absl::OkStatus();
}

void SweepScheduler::SetHeldUntil(Job& job, absl::Time t) {
  absl::MutexLock lock(&mu_);
  job.held_until = t;
}

absl::Time SweepScheduler::HeldUntil(const Job& job) const {
  absl::MutexLock lock(&mu_);
  return job.held_until;
}

absl::Status SweepScheduler::Start(absl::Duration tick) {
  if (tick <= absl::ZeroDuration()) return absl::InvalidArgumentError("tick must be positive");
  {
    absl::MutexLock lock(&mu_);
    if (abandoned_) return absl::FailedPreconditionError("sweep scheduler was abandoned");
    if (thread_.joinable()) return absl::FailedPreconditionError("sweep scheduler is running");
    for (const auto& job : jobs_) {
      if (job->ttl <= tick) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sweep job ", job->name, ": ttl ", absl::FormatDuration(job->ttl),
            " must exceed the tick ", absl::FormatDuration(tick)));
      }
    }
    stop_requested_ = false;
    tick_ = tick;
  }
  thread_ = std::thread([this, tick] { Loop(tick); });
  Log(LogLevel::kInfo, "sweep_scheduler_started")
      .Str("replica", replica_id_)
      .Int("tick_ms", absl::ToInt64Milliseconds(tick));
  return absl::OkStatus();
}

void SweepScheduler::Loop(absl::Duration tick) {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_requested_) return;
    }
    // Errors are logged inside; the next tick retries.
    RunDueJobs().IgnoreError();
    absl::MutexLock lock(&mu_);
    // Real time between ticks: the injected Clock only decides dueness and expiry.
    if (mu_.AwaitWithTimeout(absl::Condition(&stop_requested_), tick)) return;
  }
}

void SweepScheduler::Stop() { Shutdown(/*release=*/true); }

void SweepScheduler::Abandon() {
  Shutdown(/*release=*/false);
  absl::MutexLock lock(&mu_);
  abandoned_ = true;
}

void SweepScheduler::Shutdown(bool release) {
  {
    absl::MutexLock lock(&mu_);
    stop_requested_ = true;
    tick_ = absl::ZeroDuration();
    if (abandoned_) release = false;  // A dead replica releases nothing, ever.
  }
  if (thread_.joinable()) thread_.join();
  if (!release) return;
  absl::MutexLock tick_lock(&tick_mu_);
  ReleaseAll();
}

void SweepScheduler::ReleaseAll() {
  for (const auto& job : jobs_) {
    if (HeldUntil(*job) == absl::InfinitePast()) continue;
    SetHeldUntil(*job, absl::InfinitePast());
    const absl::Status s = leases_.Release(job->name, replica_id_);
    if (!s.ok()) {
      // It expires after its TTL anyway; the next holder just waits longer.
      Log(LogLevel::kWarning, "sweep_lease_release_failed")
          .Str("job", job->name)
          .Str("replica", replica_id_)
          .Str("error", s.ToString());
      continue;
    }
    Log(LogLevel::kInfo, "sweep_lease_released").Str("job", job->name).Str("replica", replica_id_);
  }
}

std::vector<std::string> SweepScheduler::HeldLeases() const {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  std::vector<std::string> held;
  for (const auto& job : jobs_) {
    if (job->held_until > now) held.push_back(job->name);
  }
  return held;
}

}  // namespace ecocase::common
