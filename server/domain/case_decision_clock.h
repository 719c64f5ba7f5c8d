#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/case_clocks.h"
#include "domain/enforcement_case.h"
#include "domain/working_calendar.h"

namespace ecocase::domain {

// The clocks of one enforcement case, from what is recorded on it: the steps that record
// the decision clock's excluded periods and extensions, and the read model of every clock
// (case_clocks.h does the arithmetic). The instants come from the case's timeline (OPEN,
// FILE / NOT_FILE, DECIDE_* / TRANSFER) and the days from its records (service, payments).

// Every [M] period of a case, with the documented defaults of case_clocks.h.
struct CaseClockOptions {
  FilingClockOptions filing;
  DecisionClockOptions decision;
  ServiceClockOptions service;
  PaymentClockOptions payment;
  SurchargeOptions surcharge;
};

// Starts a period not counted towards the decision limit (FILED to HEARING_HELD): kind
// required; first day (default today) after the filing day and not after today; `last`
// when already known (not before first, not after today), else the period stays open —
// at most one open period (CASE_CLOCK_PAUSED otherwise); note 0-500.
absl::Status PauseDecisionClock(EnforcementCase& c, ExcludedPeriod period, const std::string& actor,
                                absl::Time now);

// Ends the open period on `last_day` (from its first day up to today; the default is
// yesterday, the clock running again today). FAILED_PRECONDITION CASE_CLOCK_NOT_PAUSED
// without an open period.
absl::Status ResumeDecisionClock(EnforcementCase& c, std::optional<absl::CivilDay> last_day,
                                 const std::string& actor, absl::Time now);

// Records an approved extension (FILED to HEARING_HELD): days and approval as
// ComputeDecisionClock checks them (a further extension needs collective discussion, and
// none is granted once the clock expired); reason 1-500. `approved_by` and `approve_time`
// are the actor and now.
absl::Status ExtendDecisionClock(EnforcementCase& c, DecisionExtension extension,
                                 const CaseClockOptions& options, const WorkingCalendar& calendar,
                                 const std::string& actor, absl::Time now);

// The clocks as of `now`. A clock is present once it has started (filing from the clue,
// decision from filing, service from a penalty decision, payment from service of a fine,
// the transfer package from the transfer) and `running` while its step is not done.
struct RunningDeadline {
  CaseDeadline deadline;
  bool running = false;
};
struct CaseClockView {
  std::optional<RunningDeadline> filing;
  std::optional<RunningDeadline> decision;
  std::optional<DecisionClock> decision_clock;
  std::optional<RunningDeadline> service;
  std::optional<RunningDeadline> payment;
  std::optional<RunningDeadline> transfer;  // the package to the police
  std::optional<FineBalance> fine;          // a served decision with a fine
  int64_t fine_fen = 0;
  // A running clock is past due.
  bool overdue = false;
  // The earliest due of the running clocks, none while the decision clock is paused (its
  // due then moves every day) or when nothing runs; what storage keeps for overdue lists.
  std::optional<absl::Time> next_due;
};
absl::StatusOr<CaseClockView> ComputeCaseClocks(const EnforcementCase& c, absl::Time now,
                                                const CaseClockOptions& options,
                                                const WorkingCalendar& calendar);

}  // namespace ecocase::domain
