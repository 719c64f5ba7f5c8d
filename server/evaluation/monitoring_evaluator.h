#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/evaluation/incidents.h"
#include "domain/evaluation/means.h"
#include "domain/working_calendar.h"
#include "storage/alert_repository.h"
#include "storage/data_mark_repository.h"
#include "storage/evaluation_repository.h"
#include "storage/incident_repository.h"
#include "storage/mutation.h"
#include "storage/task_repository.h"

namespace ecocase::evaluation {

struct EvaluationOptions {
  // An hour is judged once it ended this long ago: hourly (2061) packets come just after
  // the hour. Later data re-judge it (evaluation_request). [M]
  absl::Duration hour_grace = absl::Minutes(10);
  // How far back an outlet judged for the first time starts.
  absl::Duration initial_lookback = absl::Hours(24);
  // Requests older than this are dropped unjudged (the reading back-fill window).
  absl::Duration max_replay = absl::Hours(24 * 90);
  domain::evaluation::MeansOptions means;
  domain::evaluation::IncidentOptions incidents;
  domain::evaluation::OfflineOptions offline;
  // The rectification task a new exceedance issues: its period. [M]
  int task_deadline_days = 10;
  bool task_deadline_working_days = true;
  // The enterprise may explain an exceedance within this time of its opening; after it, an
  // unexplained incident is flagged as a case candidate. [M]
  absl::Duration explain_window = absl::Hours(72);
};

struct EvaluationStats {
  int outlets_judged = 0;
  int windows = 0;
  int opened = 0;
  int updated = 0;
  int closed = 0;
  int withdrawn = 0;
  int tasks_issued = 0;
  int case_candidates = 0;
};

// Issue 7's sweep: judges every monitored outlet's finished hours (and days) against the
// limits in force, keeps incidents, issues a rectification task per new exceedance and
// appends alerts, all of one outlet in one transaction. Runs in one replica at a time (the
// sweep scheduler's lease); re-running it over the same data changes nothing.
class MonitoringEvaluator {
 public:
  MonitoringEvaluator(storage::EvaluationRepository& evaluation,
                      storage::IncidentRepository& incidents, storage::DataMarkRepository& marks,
                      storage::TaskRepository& tasks, storage::AlertRepository& alerts,
                      storage::MutationRunner& mutations, const domain::WorkingCalendar& calendar,
                      const common::Clock& clock, EvaluationOptions options);

  // Called after a commit that appended alerts (wakes the alert hub).
  void set_on_alerts(std::function<void()> on_alerts) { on_alerts_ = std::move(on_alerts); }

  // One pass over every outlet, device and unexplained incident. The first error is
  // returned after the other outlets had their turn.
  absl::StatusOr<EvaluationStats> RunOnce();

  const EvaluationOptions& options() const { return options_; }

 private:
  absl::Status EvaluateOutlet(const storage::EvaluationTarget& target, absl::Time now,
                              EvaluationStats& stats);
  absl::Status EvaluateOffline(absl::Time now, EvaluationStats& stats);
  // Cancels the task of a withdrawn incident while it is still only ISSUED.
  absl::Status CancelUntouchedTask(storage::Tx& tx, int64_t task_id,
                                   const storage::IncidentRecord& record, absl::Time now);
  absl::Status FlagUnexplained(absl::Time now, EvaluationStats& stats);

  storage::EvaluationRepository& evaluation_;
  storage::IncidentRepository& incidents_;
  storage::DataMarkRepository& marks_;
  storage::TaskRepository& tasks_;
  storage::AlertRepository& alerts_;
  storage::MutationRunner& mutations_;
  const domain::WorkingCalendar& calendar_;
  const common::Clock& clock_;
  EvaluationOptions options_;
  std::function<void()> on_alerts_;
};

}  // namespace ecocase::evaluation
