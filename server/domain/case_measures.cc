#include "domain/case_measures.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/text_check.h"

namespace ecocase::domain {
namespace {

struct KindName {
  CaseMeasureKind kind;
  absl::string_view name;
  absl::string_view label;
};
constexpr KindName kKinds[] = {
    {CaseMeasureKind::kSealing, "SEALING", "查封、扣押"},
    {CaseMeasureKind::kProductionLimit, "PRODUCTION_LIMIT", "限制生产"},
    {CaseMeasureKind::kProductionSuspension, "PRODUCTION_SUSPENSION", "停产整治"},
};

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return common::WithReason(absl::FailedPreconditionError(message), reason);
}

void Record(EnforcementCase& c, absl::string_view kind, const std::string& actor, absl::Time now,
            std::string note) {
  c.update_time = now;
  c.timeline.push_back(CaseEvent{std::string(kind), c.state, actor, now, std::move(note)});
}

bool MeasuresAllowed(CaseState state) {
  return state >= CaseState::kFiled && state <= CaseState::kExecuting &&
         state != CaseState::kNotFiled && state != CaseState::kNoPenalty &&
         state != CaseState::kTransferred;
}

// The case_clocks period of a timed measure.
MeasurePeriod PeriodOf(const CaseMeasure& m) {
  return MeasurePeriod{
      m.kind == CaseMeasureKind::kSealing ? MeasureKind::kSealing : MeasureKind::kProductionLimit,
      m.start_day, m.amount, m.extensions};
}

absl::StatusOr<CaseMeasure*> MeasureAt(EnforcementCase& c, int index) {
  if (index < 0 || index >= static_cast<int>(c.measures.size())) {
    return common::InvalidFieldError(
        "index", absl::StrCat("must name one of the case's ", c.measures.size(), " measures"));
  }
  return &c.measures[index];
}

}  // namespace

absl::string_view CaseMeasureKindName(CaseMeasureKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "UNSPECIFIED";
}

std::optional<CaseMeasureKind> CaseMeasureKindFromName(absl::string_view name) {
  for (const KindName& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

absl::string_view CaseMeasureKindLabel(CaseMeasureKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.label;
  }
  return "未指定";
}

std::optional<absl::CivilDay> MeasureLastDay(const CaseMeasure& measure,
                                             const MeasureLimits& limits) {
  if (measure.kind == CaseMeasureKind::kProductionSuspension) return std::nullopt;
  absl::StatusOr<absl::CivilDay> last = MeasureEndDay(PeriodOf(measure), limits);
  if (!last.ok()) return std::nullopt;
  return *last;
}

absl::Status ImposeMeasure(EnforcementCase& c, CaseMeasure measure, const MeasureLimits& limits,
                           const std::string& actor, absl::Time now) {
  if (!MeasuresAllowed(c.state)) {
    return Refused("CASE_STATE", absl::StrCat(c.ResourceName(), " is ", CaseStateName(c.state),
                                              ": a measure needs a filed case not yet closed, "
                                              "transferred or decided without penalty"));
  }
  if (measure.kind == CaseMeasureKind::kUnspecified ||
      CaseMeasureKindName(measure.kind) == "UNSPECIFIED") {
    return common::InvalidFieldError("measure.kind", "is required");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(measure.document, 1, 64, "measure.document"));
  ECOCASE_RETURN_IF_ERROR(CheckText(measure.note, 0, 500, "measure.note", /*multiline=*/true));
  const absl::CivilDay today = common::RegulatoryDay(now);
  if (measure.start_day == absl::CivilDay()) measure.start_day = today;
  if (measure.start_day > today || (c.filed_day && measure.start_day < *c.filed_day)) {
    return common::InvalidFieldError("measure.start_date",
                                     "must lie between the filing day and today");
  }
  measure.extensions.clear();
  measure.lifted_day.reset();
  std::string until = "until lifted";
  if (measure.kind == CaseMeasureKind::kProductionSuspension) {
    if (measure.amount != 0) {
      return common::InvalidFieldError("measure.amount",
                                       "must be 0: 停产整治 runs until it is lifted");
    }
  } else {
    absl::StatusOr<absl::CivilDay> last = MeasureEndDay(PeriodOf(measure), limits);
    if (!last.ok()) {
      return common::InvalidFieldError("measure.amount", last.status().message());
    }
    until = absl::StrCat("to ", Day(*last));
  }
  ECOCASE_RETURN_IF_ERROR(NeedTwoOfficers(c, today, "executing a measure (部令29 art. 12)"));
  const std::string note = absl::StrCat(CaseMeasureKindLabel(measure.kind), " ", measure.document,
                                        " from ", Day(measure.start_day), " ", until);
  c.measures.push_back(std::move(measure));
  Record(c, "IMPOSE_MEASURE", actor, now, note);
  return absl::OkStatus();
}

absl::Status ExtendCaseMeasure(EnforcementCase& c, int index, int amount,
                               const MeasureLimits& limits, const std::string& actor,
                               absl::Time now) {
  ECOCASE_ASSIGN_OR_RETURN(CaseMeasure * measure, MeasureAt(c, index));
  if (measure->kind == CaseMeasureKind::kProductionSuspension || measure->lifted_day) {
    return Refused("CASE_MEASURE_STATE",
                   absl::StrCat(CaseMeasureKindLabel(measure->kind), " ", measure->document,
                                measure->lifted_day ? " was lifted" : " has no fixed period",
                                ": nothing to extend"));
  }
  MeasurePeriod period = PeriodOf(*measure);
  ECOCASE_ASSIGN_OR_RETURN(absl::CivilDay last,
                           ExtendMeasure(period, amount, common::RegulatoryDay(now), limits));
  measure->extensions = period.extensions;
  Record(
      c, "EXTEND_MEASURE", actor, now,
      absl::StrCat(CaseMeasureKindLabel(measure->kind), " ", measure->document, " to ", Day(last)));
  return absl::OkStatus();
}

absl::Status LiftMeasure(EnforcementCase& c, int index, absl::CivilDay day,
                         const std::string& actor, absl::Time now) {
  ECOCASE_ASSIGN_OR_RETURN(CaseMeasure * measure, MeasureAt(c, index));
  if (measure->lifted_day) {
    return Refused("CASE_MEASURE_STATE",
                   absl::StrCat(measure->document, " was lifted on ", Day(*measure->lifted_day)));
  }
  if (day <= measure->start_day || day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("lifted_date",
                                     "must lie after the measure's start and not after today");
  }
  measure->lifted_day = day;
  Record(c, "LIFT_MEASURE", actor, now,
         absl::StrCat(CaseMeasureKindLabel(measure->kind), " ", measure->document, " lifted ",
                      Day(day)));
  return absl::OkStatus();
}

std::vector<StoppedPeriod> StoppedPeriods(const EnforcementCase& c, const MeasureLimits& limits,
                                          absl::CivilDay today) {
  std::vector<StoppedPeriod> out;
  for (const CaseMeasure& m : c.measures) {
    absl::CivilDay last = today;
    if (std::optional<absl::CivilDay> end = MeasureLastDay(m, limits)) last = std::min(last, *end);
    if (m.lifted_day) last = std::min(last, *m.lifted_day - 1);
    if (last < m.start_day) continue;
    out.push_back(StoppedPeriod{m.start_day, last, m.document});
  }
  return out;
}

void AppendCorrectionReinspections(const Task& task, std::vector<CorrectionReinspection>& out) {
  for (const Reinspection& r : task.reinspections) {
    out.push_back({r.date, r.outcome != ReinspectionOutcome::kCorrected});
  }
}

absl::StatusOr<CaseDailyPenalty> ComputeCaseDailyPenalty(
    const EnforcementCase& c, std::vector<CorrectionReinspection> reinspections,
    const MeasureLimits& limits, const DailyPenaltyOptions& options, absl::CivilDay today) {
  if (!c.service || !c.decision || c.decision->kind != DecisionKind::kPenalty) {
    return Refused("CASE_STATE",
                   absl::StrCat(c.ResourceName(), " is ", CaseStateName(c.state),
                                ": a daily penalty follows a served penalty decision"));
  }
  if (c.FineFen() <= 0) {
    return Refused("CASE_NO_FINE", "the decision imposes no fine to repeat daily (部令28 art. 19)");
  }
  std::sort(reinspections.begin(), reinspections.end(),
            [](const CorrectionReinspection& a, const CorrectionReinspection& b) {
              return a.day < b.day;
            });
  std::vector<DailyPenaltyRound> rounds;
  absl::CivilDay order_served = c.service->day;
  for (const CorrectionReinspection& r : reinspections) {
    if (r.day <= order_served) continue;  // before this order: not its re-inspection
    if (!r.refused) break;                // corrected: the cycle ends (art. 18)
    rounds.push_back(DailyPenaltyRound{order_served, r.day});
    order_served = r.day;  // the renewed order (art. 14)
  }
  if (rounds.empty()) {
    return Refused("CASE_NOT_REFUSED",
                   "no re-inspection of the correction order found it refused (拒不改正, 部令28 "
                   "art. 13)");
  }
  CaseDailyPenalty out;
  out.stopped = StoppedPeriods(c, limits, today);
  ECOCASE_ASSIGN_OR_RETURN(out.penalty,
                           ComputeDailyPenalty(c.FineFen(), rounds, out.stopped, options));
  out.rounds = std::move(rounds);
  return out;
}

}  // namespace ecocase::domain
