#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/case_clocks.h"
#include "domain/enforcement_case.h"
#include "domain/task.h"

namespace ecocase::domain {

// The measures a case imposes besides the penalty and the daily continuous penalty they
// bear on (domain-rules §4.4-4.6): 查封、扣押 (部令29), 限制生产 and 停产整治 (部令30), each
// recorded on the case with its period (case_clocks.h MeasureEndDay), its extensions and
// its lifting; and 按日连续处罚 counted from the correction order's re-inspections.

// The last day the measure is in force on its own terms (nullopt for a suspension, which
// runs until lifted).
std::optional<absl::CivilDay> MeasureLastDay(const CaseMeasure& measure,
                                             const MeasureLimits& limits);

// Imposes a measure (FILED to EXECUTING): two officers with certificates valid today execute
// it (部令29 art. 12: CASE_OFFICERS); kind required; document 1-64; start day not after
// today; amount within the limit for sealing and production limits, 0 for a suspension;
// note 0-500.
absl::Status ImposeMeasure(EnforcementCase& c, CaseMeasure measure, const MeasureLimits& limits,
                           const std::string& actor, absl::Time now);

// Extends measure `index` by `amount` (days or months) with the head's approval, before it
// expires and as often as the limits allow (MEASURE_EXPIRED, MEASURE_EXTENSION_LIMIT); a
// suspension or a lifted measure cannot be extended (CASE_MEASURE_STATE).
absl::Status ExtendCaseMeasure(EnforcementCase& c, int index, int amount,
                               const MeasureLimits& limits, const std::string& actor,
                               absl::Time now);

// Lifts measure `index` on `day` (after its start, not after today); a lifted measure
// cannot be lifted again (CASE_MEASURE_STATE).
absl::Status LiftMeasure(EnforcementCase& c, int index, absl::CivilDay day,
                         const std::string& actor, absl::Time now);

// The days the case's measures stopped the discharge, up to `today`: from each start to
// the day before it was lifted, or to its last day (部令28 art. 20).
std::vector<StoppedPeriod> StoppedPeriods(const EnforcementCase& c, const MeasureLimits& limits,
                                          absl::CivilDay today);

// A re-inspection of the decision's correction task.
struct CorrectionReinspection {
  absl::CivilDay day;
  bool refused = false;  // not corrected or obstructed (拒不改正)
};

// Appends the re-inspections of a correction task, each refused when it found the task not
// corrected or was obstructed (拒不改正, as domain::RecordReinspection marks the task).
void AppendCorrectionReinspections(const Task& task, std::vector<CorrectionReinspection>& out);

// 按日连续处罚 of a served penalty decision: the rounds run from the service day to the
// first refused re-inspection, then from each refusal (the renewed order) to the next,
// until a re-inspection finds it corrected; the daily amount is the decided fine, less the
// days the measures stopped the discharge. FAILED_PRECONDITION CASE_STATE before service,
// CASE_NO_FINE without a fine, CASE_NOT_REFUSED without a refused re-inspection; and
// ComputeDailyPenalty's errors (REINSPECTION_TOO_LATE).
struct CaseDailyPenalty {
  std::vector<DailyPenaltyRound> rounds;  // as counted, oldest first
  std::vector<StoppedPeriod> stopped;     // the measures' days, up to today
  DailyPenalty penalty;                   // rounds[i] <-> penalty.rounds[i]
};
absl::StatusOr<CaseDailyPenalty> ComputeCaseDailyPenalty(
    const EnforcementCase& c, std::vector<CorrectionReinspection> reinspections,
    const MeasureLimits& limits, const DailyPenaltyOptions& options, absl::CivilDay today);

}  // namespace ecocase::domain
