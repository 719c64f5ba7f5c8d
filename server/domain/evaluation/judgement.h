#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/evaluation/incidents.h"
#include "domain/evaluation/means.h"
#include "domain/monitoring/reading.h"
#include "domain/permit.h"

namespace ecocase::domain::evaluation {

// The judgement of issue 7 item 2 (domain-rules §2.4, §2.8): one outlet's readings over a
// span of Beijing hours, turned into per-window verdicts for every factor that has a limit
// in force, ready for EvaluateIncidents. Pure: the caller loads readings, limits and marks.

// Bump with any change to how windows are judged (recorded with every verdict).
inline constexpr absl::string_view kJudgementRuleVersion = "judge/1";

// Oxygen, and the flow that weights wastewater day means (HJ 212 Appendix B).
inline constexpr absl::string_view kOxygenFactor = "a19001";
inline constexpr absl::string_view kWastewaterFlowFactor = "w00000";

// The limit that applies to one factor at one instant, with where it comes from.
struct ApplicableLimit {
  double limit = 0;
  std::string unit;
  AveragingWindow window = AveragingWindow::kHour;
  std::optional<double> reference_o2;
  std::string source;  // e.g. "91410800MA44TE5T0P001P v2 (GB 13223-2011)"
};

// Which limit is in force for `pollutant` at `t`; nullopt when none (no verdict then).
using LimitLookup =
    std::function<std::optional<ApplicableLimit>(const std::string& pollutant, absl::Time t)>;

struct JudgementInput {
  Medium medium = Medium::kFlueGas;
  // The hours to judge, [from, to), both on Beijing hour boundaries. DAY windows are judged
  // for the Beijing days lying wholly inside [from, to).
  absl::Time from;
  absl::Time to;
  // Every reading of the outlet (all factors and kinds) with data_time in [from, to).
  std::vector<monitoring::Reading> readings;
  // The factors to judge (those that have a limit at some time in the span).
  std::vector<std::string> pollutants;
  LimitLookup limit_at;
  // Accepted data marks per factor code; the key "" holds marks for every factor.
  std::map<std::string, std::vector<ExcludedPeriod>> marks;
  MeansOptions means;  // thresholds; its excluded_periods are ignored (see `marks`)
};

struct FactorVerdicts {
  std::string pollutant;
  absl::Duration window_length;         // one hour or one day
  std::vector<WindowVerdict> verdicts;  // increasing window_start
};

// For each factor in `pollutants`: one verdict per window with a limit in force.
//   valid mean above the limit            -> EXCEEDANCE (value = 折算 value when a reference
//                                            O2 applies, else 标干)
//   valid mean within it                  -> COMPLIANT
//   no valid mean, and the unit stopped   -> EXCLUDED (data flagged F)
//   (or the window overlaps an accepted mark)
//   no valid mean otherwise               -> MISSING
// A DAY window uses the limit in force at the start of that day; its hours are the day's
// hourly means (flue gas arithmetic, wastewater weighted by the w00000 hourly flow).
std::vector<FactorVerdicts> JudgeWindows(const JudgementInput& input);

}  // namespace ecocase::domain::evaluation
