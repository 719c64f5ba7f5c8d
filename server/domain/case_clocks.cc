#include "domain/case_clocks.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/regulatory_time.h"

namespace ecocase::domain {
namespace {

absl::Status DaysOptionError(const char* field, int value, int max) {
  if (value >= 1 && value <= max) return absl::OkStatus();
  return common::InvalidFieldError(field, absl::StrCat("must be 1..", max, ", got ", value));
}

absl::Time StartOfDay(absl::CivilDay day) { return common::FromRegulatory(absl::CivilSecond(day)); }

// Late when done at or after the due; otherwise overdue once `now` reaches it.
bool Overdue(absl::Time due, std::optional<absl::Time> done, absl::Time now) {
  return done.value_or(now) >= due;
}

CaseDeadline FromDeadline(const Deadline& deadline, std::optional<absl::Time> done,
                          absl::Time now) {
  return {.due = deadline.due,
          .due_day = deadline.due_day,
          .provisional = deadline.provisional,
          .overdue = Overdue(deadline.due, done, now)};
}

// Inclusive day ranges, merged so that overlapping or adjacent days count once.
struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;
};

std::vector<DayRange> Merge(std::vector<DayRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const DayRange& a, const DayRange& b) { return a.first < b.first; });
  std::vector<DayRange> merged;
  for (const DayRange& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

// Days of `merged` within [from, to].
int DaysIn(const std::vector<DayRange>& merged, absl::CivilDay from, absl::CivilDay to) {
  int64_t n = 0;
  for (const DayRange& r : merged) {
    const absl::CivilDay a = std::max(r.first, from);
    const absl::CivilDay b = std::min(r.last, to);
    if (a <= b) n += (b - a) + 1;
  }
  return static_cast<int>(n);
}

bool KnownKind(ExcludedPeriodKind kind) {
  return kind >= ExcludedPeriodKind::kHearing && kind <= ExcludedPeriodKind::kOther;
}

struct DecisionClockState {
  DecisionClock clock;
  int excluded_through_end = 0;  // excluded days after filing up to the end day
};

// The last day of a limit of `limit` counted days after `filing_day`, skipping excluded
// days: the smallest day whose counted days reach the limit, found as a fixed point (each
// round adds the excluded days the previous guess took in; it only grows).
absl::CivilDay CountedLastDay(absl::CivilDay filing_day, int limit,
                              const std::vector<DayRange>& excluded) {
  absl::CivilDay last = filing_day + limit;
  while (true) {
    const absl::CivilDay next = filing_day + limit + DaysIn(excluded, filing_day + 1, last);
    if (next == last) return last;
    last = next;
  }
}

absl::StatusOr<DecisionClockState> DecisionClockImpl(const DecisionClockInput& input,
                                                     std::optional<absl::Time> decided_time,
                                                     absl::Time now,
                                                     const DecisionClockOptions& options,
                                                     const WorkingCalendar& calendar) {
  if (absl::Status s = DaysOptionError("options.days", options.days, kMaxDeadlineAmount); !s.ok()) {
    return s;
  }
  if (absl::Status s = DaysOptionError("options.first_extension_max_days",
                                       options.first_extension_max_days, kMaxDeadlineAmount);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = DaysOptionError("options.further_extension_max_days",
                                       options.further_extension_max_days, kMaxDeadlineAmount);
      !s.ok()) {
    return s;
  }
  if (decided_time.has_value() && *decided_time < input.filing_time) {
    return common::InvalidFieldError("decided_time", "is before the filing time");
  }
  const absl::Time end_time = decided_time.value_or(now);
  const absl::CivilDay filing_day = common::RegulatoryDay(input.filing_time);
  const absl::CivilDay end_day = common::RegulatoryDay(end_time);

  std::vector<DayRange> ranges;
  bool open_seen = false;
  for (size_t i = 0; i < input.excluded.size(); ++i) {
    const ExcludedPeriod& p = input.excluded[i];
    const std::string field = absl::StrCat("excluded[", i, "]");
    if (!KnownKind(p.kind)) {
      return common::InvalidFieldError(field + ".kind", "must say why the clock stands still");
    }
    if (p.first > end_day) {
      return common::InvalidFieldError(field + ".first", "is after today (or the decision)");
    }
    absl::CivilDay last = end_day;
    if (p.last.has_value()) {
      if (*p.last < p.first) return common::InvalidFieldError(field + ".last", "is before first");
      if (*p.last - p.first >= kMaxDeadlineAmount) {
        return common::InvalidFieldError(field + ".last", "makes the period over ten years");
      }
      last = *p.last;
    } else {
      if (open_seen) {
        return common::InvalidFieldError(field + ".last", "only one period can be still open");
      }
      open_seen = true;
    }
    const absl::CivilDay first = std::max(p.first, filing_day + 1);
    if (first <= last) ranges.push_back({first, last});
  }
  const std::vector<DayRange> excluded = Merge(std::move(ranges));

  const auto deadline_for = [&](int limit) -> absl::StatusOr<Deadline> {
    const int total = static_cast<int>(CountedLastDay(filing_day, limit, excluded) - filing_day);
    if (total > kMaxDeadlineAmount) {
      return common::InvalidFieldError("excluded", "push the decision over ten years out");
    }
    return calendar.ComputeDeadline(
        StartOfDay(filing_day),
        {.unit = DeadlineUnit::kCalendarDays,
         .amount = total,
         .extend_past_non_working_day = options.extend_past_non_working_day});
  };

  int limit = options.days;
  for (size_t i = 0; i < input.extensions.size(); ++i) {
    const DecisionExtension& e = input.extensions[i];
    const std::string field = absl::StrCat("extensions[", i, "]");
    if (e.approval != ExtensionApproval::kHead &&
        e.approval != ExtensionApproval::kCollectiveDiscussion) {
      return common::InvalidFieldError(field + ".approval", "must say who approved it");
    }
    if (e.approved_by.empty()) {
      return common::InvalidFieldError(field + ".approved_by", "must name the approver");
    }
    if (i > 0 && e.approval != ExtensionApproval::kCollectiveDiscussion) {
      return common::WithReason(
          absl::FailedPreconditionError(
              "a further extension of the decision limit needs collective discussion"),
          "COLLECTIVE_DISCUSSION_REQUIRED");
    }
    const int max = i == 0 ? options.first_extension_max_days : options.further_extension_max_days;
    if (e.days < 1 || e.days > max) {
      return common::InvalidFieldError(field + ".days", absl::StrCat("must be 1..", max));
    }
    absl::StatusOr<Deadline> before = deadline_for(limit);
    if (!before.ok()) return before.status();
    if (e.approve_time >= before->due) {
      return common::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              field, " was approved after the decision limit ran out; it cannot revive it")),
          "DECISION_CLOCK_EXPIRED");
    }
    limit += e.days;
  }

  absl::StatusOr<Deadline> deadline = deadline_for(limit);
  if (!deadline.ok()) return deadline.status();
  const absl::CivilDay counted_last = CountedLastDay(filing_day, limit, excluded);

  DecisionClockState state;
  DecisionClock& clock = state.clock;
  clock.deadline = FromDeadline(*deadline, decided_time, now);
  clock.limit_days = limit;
  clock.excluded_days = static_cast<int>(counted_last - filing_day) - limit;
  state.excluded_through_end = DaysIn(excluded, filing_day + 1, end_day);
  clock.days_used =
      std::max(0, static_cast<int>(end_day - filing_day) - state.excluded_through_end);
  clock.days_left = static_cast<int>(deadline->due_day - end_day);
  clock.paused = !decided_time.has_value() && DaysIn(excluded, end_day, end_day) > 0;
  return state;
}

}  // namespace

absl::StatusOr<CaseDeadline> FilingDeadline(absl::Time received_time, int extension_days,
                                            std::optional<absl::Time> decided_time, absl::Time now,
                                            const FilingClockOptions& options,
                                            const WorkingCalendar& calendar) {
  if (absl::Status s = DaysOptionError("options.days", options.days, kMaxDeadlineAmount / 2);
      !s.ok()) {
    return s;
  }
  if (options.max_extension_days < 0 || options.max_extension_days > kMaxDeadlineAmount / 2) {
    return common::InvalidFieldError("options.max_extension_days", "is out of range");
  }
  if (extension_days < 0 || extension_days > options.max_extension_days) {
    return common::InvalidFieldError("extension_days",
                                     absl::StrCat("must be 0..", options.max_extension_days));
  }
  if (decided_time.has_value() && *decided_time < received_time) {
    return common::InvalidFieldError("decided_time", "is before the clue was received");
  }
  const Deadline deadline = calendar.ComputeDeadline(
      received_time, {.unit = DeadlineUnit::kCalendarDays,
                      .amount = options.days + extension_days,
                      .extend_past_non_working_day = options.extend_past_non_working_day});
  return FromDeadline(deadline, decided_time, now);
}

absl::StatusOr<DecisionClock> ComputeDecisionClock(const DecisionClockInput& input,
                                                   std::optional<absl::Time> decided_time,
                                                   absl::Time now,
                                                   const DecisionClockOptions& options,
                                                   const WorkingCalendar& calendar) {
  absl::StatusOr<DecisionClockState> state =
      DecisionClockImpl(input, decided_time, now, options, calendar);
  if (!state.ok()) return state.status();
  return state->clock;
}

absl::StatusOr<DecisionKpi> DecisionHandlingKpi(const DecisionClockInput& input,
                                                absl::Time decided_time,
                                                const DecisionClockOptions& options,
                                                const WorkingCalendar& calendar) {
  absl::StatusOr<DecisionClockState> state =
      DecisionClockImpl(input, decided_time, decided_time, options, calendar);
  if (!state.ok()) return state.status();
  return DecisionKpi{.handling_days = state->clock.days_used,
                     .excluded_days = state->excluded_through_end,
                     .over_limit = state->clock.deadline.overdue};
}

absl::StatusOr<CaseDeadline> ServiceDeadline(absl::Time decided_time,
                                             std::optional<absl::Time> served_time, absl::Time now,
                                             const ServiceClockOptions& options,
                                             const WorkingCalendar& calendar) {
  if (absl::Status s = ValidateDeadlineRule(options.rule); !s.ok()) return s;
  if (served_time.has_value() && *served_time < decided_time) {
    return common::InvalidFieldError("served_time", "is before the decision");
  }
  return FromDeadline(calendar.ComputeDeadline(decided_time, options.rule), served_time, now);
}

absl::StatusOr<CaseDeadline> PaymentDeadline(absl::Time served_time,
                                             std::optional<absl::Time> paid_time, absl::Time now,
                                             const PaymentClockOptions& options,
                                             const WorkingCalendar& calendar) {
  if (absl::Status s = ValidateDeadlineRule(options.rule); !s.ok()) return s;
  if (paid_time.has_value() && *paid_time < served_time) {
    return common::InvalidFieldError("paid_time", "is before the decision was served");
  }
  return FromDeadline(calendar.ComputeDeadline(served_time, options.rule), paid_time, now);
}

absl::StatusOr<FineBalance> ComputeFineBalance(int64_t fine_fen, absl::CivilDay payment_due_day,
                                               const std::vector<FinePayment>& payments,
                                               absl::CivilDay as_of,
                                               const SurchargeOptions& options) {
  if (fine_fen < 1 || fine_fen > kMaxFineFen) {
    return common::InvalidFieldError("fine_fen", absl::StrCat("must be 1..", kMaxFineFen));
  }
  if (options.percent_per_day < 1 || options.percent_per_day > 100) {
    return common::InvalidFieldError("options.percent_per_day", "must be 1..100");
  }
  if (options.base != SurchargeBase::kFineAmount &&
      options.base != SurchargeBase::kUnpaidPrincipal) {
    return common::InvalidFieldError("options.base", "is not a SurchargeBase");
  }
  FineBalance balance;
  for (size_t i = 0; i < payments.size(); ++i) {
    const FinePayment& p = payments[i];
    const std::string field = absl::StrCat("payments[", i, "]");
    if (p.principal_fen < 0 || p.principal_fen > kMaxFineFen) {
      return common::InvalidFieldError(field + ".principal_fen", "is out of range");
    }
    if (p.surcharge_fen < 0 || p.surcharge_fen > kMaxFineFen) {
      return common::InvalidFieldError(field + ".surcharge_fen", "is out of range");
    }
    if (p.day > as_of) return common::InvalidFieldError(field + ".day", "is after as_of");
    balance.principal_paid_fen += p.principal_fen;
    balance.surcharge_paid_fen += p.surcharge_fen;
  }
  if (balance.principal_paid_fen > fine_fen) {
    return common::InvalidFieldError("payments", "pay more principal than the fine");
  }

  std::vector<FinePayment> sorted = payments;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const FinePayment& a, const FinePayment& b) { return a.day < b.day; });
  int64_t unpaid = fine_fen;
  size_t next = 0;
  // Runs of days with a constant base: from `day` to the next payment day (which still bears
  // its surcharge) or as_of.
  for (absl::CivilDay day = payment_due_day + 1; day <= as_of && !balance.capped;) {
    while (next < sorted.size() && sorted[next].day < day) unpaid -= sorted[next++].principal_fen;
    if (unpaid <= 0) break;
    const absl::CivilDay run_last =
        next < sorted.size() ? std::min(sorted[next].day, as_of) : as_of;
    const int64_t base = options.base == SurchargeBase::kFineAmount ? fine_fen : unpaid;
    const int64_t per_day = base * options.percent_per_day / 100;  // floor: the party's favour
    if (per_day == 0) break;  // the base only shrinks from here
    const int64_t to_cap = (fine_fen - balance.surcharge_fen + per_day - 1) / per_day;
    const int64_t days = std::min<int64_t>(run_last - day + 1, to_cap);
    balance.days_accrued += static_cast<int>(days);
    balance.surcharge_fen += days * per_day;
    if (balance.surcharge_fen >= fine_fen) {
      balance.surcharge_fen = fine_fen;
      balance.capped = true;
    }
    day = run_last + 1;
  }
  if (balance.surcharge_paid_fen > balance.surcharge_fen) {
    return common::InvalidFieldError("payments", "pay more surcharge than accrued by as_of");
  }
  balance.unpaid_principal_fen = fine_fen - balance.principal_paid_fen;
  balance.owed_fen =
      balance.unpaid_principal_fen + balance.surcharge_fen - balance.surcharge_paid_fen;
  return balance;
}

absl::StatusOr<DailyPenalty> ComputeDailyPenalty(int64_t original_fine_fen,
                                                 const std::vector<DailyPenaltyRound>& rounds,
                                                 const std::vector<StoppedPeriod>& stopped,
                                                 const DailyPenaltyOptions& options) {
  if (original_fine_fen < 1 || original_fine_fen > kMaxFineFen) {
    return common::InvalidFieldError("original_fine_fen", absl::StrCat("must be 1..", kMaxFineFen));
  }
  if (absl::Status s = DaysOptionError("options.max_reinspection_days",
                                       options.max_reinspection_days, kMaxDeadlineAmount);
      !s.ok()) {
    return s;
  }
  if (rounds.empty()) return common::InvalidFieldError("rounds", "must hold at least one round");
  std::vector<DayRange> ranges;
  for (size_t i = 0; i < stopped.size(); ++i) {
    if (stopped[i].last < stopped[i].first) {
      return common::InvalidFieldError(absl::StrCat("stopped[", i, "].last"), "is before first");
    }
    ranges.push_back({stopped[i].first, stopped[i].last});
  }
  const std::vector<DayRange> stopped_days = Merge(std::move(ranges));

  DailyPenalty penalty;
  penalty.daily_fen = original_fine_fen;
  for (size_t i = 0; i < rounds.size(); ++i) {
    const DailyPenaltyRound& r = rounds[i];
    const std::string field = absl::StrCat("rounds[", i, "]");
    if (r.reinspection_day <= r.order_served_day) {
      return common::InvalidFieldError(field + ".reinspection_day",
                                       "must be after the day the order was served");
    }
    if (i > 0 && r.order_served_day < rounds[i - 1].reinspection_day) {
      return common::InvalidFieldError(field + ".order_served_day",
                                       "is before the previous round's re-inspection");
    }
    if (r.reinspection_day - r.order_served_day > options.max_reinspection_days) {
      return common::WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              field, ": the re-inspection came more than ", options.max_reinspection_days,
              " days after the correction order was served (部令28 art. 10)")),
          "REINSPECTION_TOO_LATE");
    }
    DailyPenaltyRoundResult result;
    result.stopped_days = DaysIn(stopped_days, r.order_served_day + 1, r.reinspection_day);
    result.days = static_cast<int>(r.reinspection_day - r.order_served_day) - result.stopped_days;
    penalty.total_days += result.days;
    penalty.rounds.push_back(result);
  }
  // Each round is at most max_reinspection_days, but the number of rounds is not bounded.
  if (penalty.total_days > 0 && original_fine_fen > INT64_MAX / penalty.total_days) {
    return common::InvalidFieldError("rounds", "make the total overflow");
  }
  penalty.total_fen = original_fine_fen * penalty.total_days;
  return penalty;
}

namespace {

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay month_last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month.year(), month.month(), day.day()), month_last);
}

}  // namespace

absl::StatusOr<absl::CivilDay> MeasureEndDay(const MeasurePeriod& period,
                                             const MeasureLimits& limits) {
  int max = 0;
  int max_extension = 0;
  switch (period.kind) {
    case MeasureKind::kSealing:
      max = limits.sealing_max_days;
      max_extension = limits.sealing_max_extension_days;
      break;
    case MeasureKind::kProductionLimit:
      max = limits.production_limit_max_months;
      max_extension = limits.production_limit_max_extension_months;
      break;
    default: return common::InvalidFieldError("kind", "must be sealing or production limit");
  }
  if (period.amount < 1 || period.amount > max) {
    return common::InvalidFieldError("amount", absl::StrCat("must be 1..", max));
  }
  if (static_cast<int>(period.extensions.size()) > limits.max_extensions) {
    return common::WithReason(
        absl::FailedPreconditionError(
            absl::StrCat("the measure can be extended ", limits.max_extensions, " time(s)")),
        "MEASURE_EXTENSION_LIMIT");
  }
  const auto add = [&](absl::CivilDay from, int amount) {
    return period.kind == MeasureKind::kSealing ? from + amount : AddMonths(from, amount);
  };
  absl::CivilDay end = add(period.start_day, period.amount);
  for (size_t i = 0; i < period.extensions.size(); ++i) {
    const int amount = period.extensions[i];
    if (amount < 1 || amount > max_extension) {
      return common::InvalidFieldError(absl::StrCat("extensions[", i, "]"),
                                       absl::StrCat("must be 1..", max_extension));
    }
    end = add(end, amount);
  }
  return end;
}

absl::StatusOr<absl::CivilDay> ExtendMeasure(MeasurePeriod& period, int amount,
                                             absl::CivilDay request_day,
                                             const MeasureLimits& limits) {
  absl::StatusOr<absl::CivilDay> current = MeasureEndDay(period, limits);
  if (!current.ok()) return current.status();
  if (request_day > *current) {
    return common::WithReason(
        absl::FailedPreconditionError("the measure has ended; lift it instead of extending it"),
        "MEASURE_EXPIRED");
  }
  MeasurePeriod extended = period;
  extended.extensions.push_back(amount);
  absl::StatusOr<absl::CivilDay> end = MeasureEndDay(extended, limits);
  if (!end.ok()) return end.status();
  period = std::move(extended);
  return end;
}

std::string FormatYuan(int64_t fen) {
  // Through uint64 so that INT64_MIN has a magnitude.
  const bool negative = fen < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(fen) : fen;
  const std::string digits = absl::StrCat(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(negative ? "-" : "", "¥", grouped, ".", cents < 10 ? "0" : "", cents);
}

}  // namespace ecocase::domain
