#include "domain/case_decision_clock.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/text_check.h"

namespace ecocase::domain {
namespace {

bool BeforeDecision(CaseState state) {
  return state >= CaseState::kFiled && state <= CaseState::kHearingHeld &&
         state != CaseState::kNotFiled;
}

absl::Status NotBeforeDecision(const EnforcementCase& c, absl::string_view what) {
  return common::WithReason(absl::FailedPreconditionError(
                                absl::StrCat(c.ResourceName(), " is ", CaseStateName(c.state), ": ",
                                             what, " needs a filed case not yet decided")),
                            "CASE_STATE");
}

void Record(EnforcementCase& c, absl::string_view kind, const std::string& actor, absl::Time now,
            std::string note) {
  c.update_time = now;
  c.timeline.push_back(CaseEvent{std::string(kind), c.state, actor, now, std::move(note)});
}

// The time of the first timeline event of one of `kinds`.
std::optional<absl::Time> EventTime(const EnforcementCase& c,
                                    std::initializer_list<absl::string_view> kinds) {
  for (const CaseEvent& e : c.timeline) {
    for (absl::string_view kind : kinds) {
      if (e.kind == kind) return e.time;
    }
  }
  return std::nullopt;
}

DecisionClockInput ClockInput(const EnforcementCase& c, absl::Time filing_time) {
  return DecisionClockInput{filing_time, c.excluded_periods, c.decision_extensions};
}

// Payments applied to the principal first, then to the surcharge accrued by `as_of`.
absl::StatusOr<FineBalance> Balance(int64_t fine_fen, absl::CivilDay payment_due_day,
                                    const std::vector<Payment>& paid, absl::CivilDay as_of,
                                    const SurchargeOptions& options) {
  std::vector<FinePayment> principal_only;
  std::vector<int64_t> extra;
  int64_t principal_left = fine_fen;
  for (const Payment& p : paid) {
    const int64_t principal = std::min(principal_left, p.amount_fen);
    principal_left -= principal;
    principal_only.push_back(FinePayment{p.day, principal, 0});
    extra.push_back(p.amount_fen - principal);
  }
  ECOCASE_ASSIGN_OR_RETURN(FineBalance accrued, ComputeFineBalance(fine_fen, payment_due_day,
                                                                   principal_only, as_of, options));
  int64_t surcharge_left = accrued.surcharge_fen;
  for (size_t i = 0; i < principal_only.size(); ++i) {
    principal_only[i].surcharge_fen = std::min(surcharge_left, extra[i]);
    surcharge_left -= principal_only[i].surcharge_fen;
  }
  return ComputeFineBalance(fine_fen, payment_due_day, principal_only, as_of, options);
}

}  // namespace

absl::Status PauseDecisionClock(EnforcementCase& c, ExcludedPeriod period, const std::string& actor,
                                absl::Time now) {
  if (!BeforeDecision(c.state)) return NotBeforeDecision(c, "pausing the decision clock");
  if (period.kind == ExcludedPeriodKind::kUnspecified || period.kind > ExcludedPeriodKind::kOther) {
    return common::InvalidFieldError("period.kind", "is required");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(period.note, 0, 500, "period.note", /*multiline=*/true));
  const absl::CivilDay today = common::RegulatoryDay(now);
  if (period.first == absl::CivilDay()) period.first = today;
  if (c.filed_day && period.first <= *c.filed_day) {
    return common::InvalidFieldError("period.first_date", "must be after the filing day");
  }
  if (period.first > today) {
    return common::InvalidFieldError("period.first_date", "may not be in the future");
  }
  if (period.last && (*period.last < period.first || *period.last > today)) {
    return common::InvalidFieldError("period.last_date",
                                     "must lie between the first day and today");
  }
  if (!period.last) {
    for (const ExcludedPeriod& p : c.excluded_periods) {
      if (!p.last) {
        return common::WithReason(
            absl::FailedPreconditionError(absl::StrCat(
                "the decision clock is already paused since ", absl::FormatCivilTime(p.first),
                "; resume it before starting another open period")),
            "CASE_CLOCK_PAUSED");
      }
    }
  }
  const std::string note =
      absl::StrCat(absl::FormatCivilTime(period.first), "..",
                   period.last ? absl::FormatCivilTime(*period.last) : std::string(""),
                   period.note.empty() ? "" : " ", period.note);
  c.excluded_periods.push_back(std::move(period));
  Record(c, "PAUSE_DECISION_CLOCK", actor, now, note);
  return absl::OkStatus();
}

absl::Status ResumeDecisionClock(EnforcementCase& c, std::optional<absl::CivilDay> last_day,
                                 const std::string& actor, absl::Time now) {
  if (!BeforeDecision(c.state)) return NotBeforeDecision(c, "resuming the decision clock");
  auto open = std::find_if(c.excluded_periods.begin(), c.excluded_periods.end(),
                           [](const ExcludedPeriod& p) { return !p.last.has_value(); });
  if (open == c.excluded_periods.end()) {
    return common::WithReason(
        absl::FailedPreconditionError("the decision clock is not paused: nothing to resume"),
        "CASE_CLOCK_NOT_PAUSED");
  }
  const absl::CivilDay today = common::RegulatoryDay(now);
  const absl::CivilDay last = last_day.value_or(today - 1);
  if (last < open->first || last > today) {
    return common::InvalidFieldError(
        "last_date", absl::StrCat("must lie between the pause's first day ",
                                  absl::FormatCivilTime(open->first), " and today"));
  }
  open->last = last;
  Record(c, "RESUME_DECISION_CLOCK", actor, now,
         absl::StrCat("excluded to ", absl::FormatCivilTime(last)));
  return absl::OkStatus();
}

absl::Status ExtendDecisionClock(EnforcementCase& c, DecisionExtension extension,
                                 const CaseClockOptions& options, const WorkingCalendar& calendar,
                                 const std::string& actor, absl::Time now) {
  if (!BeforeDecision(c.state)) return NotBeforeDecision(c, "extending the decision clock");
  ECOCASE_RETURN_IF_ERROR(CheckText(extension.reason, 1, 500, "extension.reason",
                                    /*multiline=*/true));
  const std::optional<absl::Time> filed = EventTime(c, {"FILE"});
  if (!filed) return absl::InternalError("a filed case has no FILE event");
  extension.approved_by = actor;
  extension.approve_time = now;
  DecisionClockInput input = ClockInput(c, *filed);
  input.extensions.push_back(extension);
  absl::StatusOr<DecisionClock> clock =
      ComputeDecisionClock(input, std::nullopt, now, options.decision, calendar);
  if (!clock.ok()) {
    // ComputeDecisionClock names extensions[i]; the caller sent the one extension.
    const auto field = clock.status().GetPayload(common::kFieldPayload);
    if (field && absl::StartsWith(std::string(*field), "extensions[")) {
      const std::string name(*field);
      return common::InvalidFieldError(absl::StrCat("extension", name.substr(name.find(']') + 1)),
                                       clock.status().message());
    }
    return clock.status();
  }
  const std::string note =
      absl::StrCat("+", extension.days, " days to ", absl::FormatCivilTime(clock->deadline.due_day),
                   ": ", extension.reason);
  c.decision_extensions.push_back(std::move(extension));
  Record(c, "EXTEND_DECISION_CLOCK", actor, now, note);
  return absl::OkStatus();
}

absl::StatusOr<CaseClockView> ComputeCaseClocks(const EnforcementCase& c, absl::Time now,
                                                const CaseClockOptions& options,
                                                const WorkingCalendar& calendar) {
  CaseClockView view;
  std::vector<const RunningDeadline*> running;
  auto note_running = [&](const std::optional<RunningDeadline>& d) {
    if (d && d->running) running.push_back(&*d);
  };

  const std::optional<absl::Time> filed = EventTime(c, {"FILE"});
  const std::optional<absl::Time> filing_decided = EventTime(c, {"FILE", "NOT_FILE"});
  ECOCASE_ASSIGN_OR_RETURN(CaseDeadline filing,
                           FilingDeadline(c.create_time, 0, filing_decided,
                                          std::max(now, c.create_time), options.filing, calendar));
  view.filing = RunningDeadline{filing, !filing_decided.has_value()};
  note_running(view.filing);

  if (filed) {
    const std::optional<absl::Time> decided =
        EventTime(c, {"DECIDE_PENALTY", "DECIDE_NO_PENALTY", "TRANSFER"});
    ECOCASE_ASSIGN_OR_RETURN(
        DecisionClock clock,
        ComputeDecisionClock(ClockInput(c, *filed), decided, now, options.decision, calendar));
    view.decision = RunningDeadline{clock.deadline, !decided.has_value()};
    view.decision_clock = clock;
    note_running(view.decision);
  }

  const std::optional<absl::Time> penalty_decided = EventTime(c, {"DECIDE_PENALTY"});
  if (penalty_decided) {
    std::optional<absl::Time> served;
    if (c.service) served = common::FromRegulatory(absl::CivilSecond(c.service->day));
    // The party may receive the decision on the day it is made, before the clerk records
    // it; the clock only needs the day.
    if (served && *served < *penalty_decided) served = penalty_decided;
    ECOCASE_ASSIGN_OR_RETURN(CaseDeadline service, ServiceDeadline(*penalty_decided, served, now,
                                                                   options.service, calendar));
    view.service = RunningDeadline{service, !served.has_value()};
    note_running(view.service);

    view.fine_fen = c.FineFen();
    if (served && view.fine_fen > 0) {
      std::optional<absl::Time> paid_in_full;
      int64_t paid = 0;
      for (const Payment& p : c.payments) {
        paid += p.amount_fen;
        if (paid >= view.fine_fen) {
          paid_in_full = std::max(*served, common::FromRegulatory(absl::CivilSecond(p.day)));
          break;
        }
      }
      ECOCASE_ASSIGN_OR_RETURN(CaseDeadline payment,
                               PaymentDeadline(*served, paid_in_full, std::max(now, *served),
                                               options.payment, calendar));
      view.payment = RunningDeadline{payment, !paid_in_full.has_value()};
      note_running(view.payment);
      ECOCASE_ASSIGN_OR_RETURN(
          FineBalance balance,
          Balance(view.fine_fen, payment.due_day, c.payments,
                  std::max(common::RegulatoryDay(now), c.service->day), options.surcharge));
      view.fine = balance;
    }
  }

  if (c.transfer) {
    const absl::CivilDay today = common::RegulatoryDay(now);
    CaseDeadline send;
    send.due_day = c.transfer->send_by_day;
    send.due = common::FromRegulatory(absl::CivilSecond(c.transfer->send_by_day + 1));
    send.overdue = c.transfer->sent_day ? *c.transfer->sent_day > c.transfer->send_by_day
                                        : today > c.transfer->send_by_day;
    view.transfer = RunningDeadline{send, !c.transfer->sent_day.has_value()};
    note_running(view.transfer);
  }

  const bool paused =
      view.decision_clock && view.decision_clock->paused && view.decision && view.decision->running;
  for (const RunningDeadline* d : running) {
    if (d->deadline.overdue) view.overdue = true;
    if (paused && d == &*view.decision) continue;
    if (!view.next_due || d->deadline.due < *view.next_due) view.next_due = d->deadline.due;
  }
  return view;
}

}  // namespace ecocase::domain
