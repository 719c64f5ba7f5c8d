#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/working_calendar.h"

namespace ecocase::domain {

// The clocks and money arithmetic of an enforcement case (domain-rules §4.2 rows 1, 8-10,
// §4.4-4.6). Pure: `now` and every date are passed in; days are Asia/Shanghai regulatory
// days (common/regulatory_time.h); money is integer fen (分), never floating point.
//
// Period conventions (民法典 arts. 201-203, applied to statutory periods):
//   - the day a period starts from is not counted; a period of N days from day D ends at
//     24:00 of day D + N;
//   - a statutory period whose last day is not a working day ends on the next working day
//     (art. 203) — the filing, decision, service and payment clocks, each an option;
//   - measure durations (查封扣押, 限产) are caps on a burden on the party, not periods for an
//     act, so their end day is never moved.
// Validation errors are INVALID_ARGUMENT naming the field; rule-state errors are
// FAILED_PRECONDITION with a reason code (common/errors.h).

// A due instant and whether it was missed. `overdue`: the step was done at or after `due`
// (late), or is still not done at `now` and `now` is at or after `due`.
struct CaseDeadline {
  absl::Time due;
  absl::CivilDay due_day;    // the last day of the period; `due` is its end
  bool provisional = false;  // a day examined lies in a year with no holiday schedule
  bool overdue = false;
};

// ---- Filing (立案), §4.2 row 1 ----

struct FilingClockOptions {
  // [M] 2023 生态环境行政处罚办法: decide filing within 15 days of receiving the clue,
  // extendable once by up to 15 days with the head's approval. (2010 办法: 7 working days.)
  int days = 15;
  int max_extension_days = 15;
  bool extend_past_non_working_day = true;  // 民法典 art. 203
};

// The filing decision's deadline for a clue received at `received_time`, extended by
// `extension_days` (0: not extended). `decided_time`: when filing or not filing was decided.
// INVALID_ARGUMENT: extension_days outside 0..max_extension_days, decided before received.
absl::StatusOr<CaseDeadline> FilingDeadline(absl::Time received_time, int extension_days,
                                            std::optional<absl::Time> decided_time, absl::Time now,
                                            const FilingClockOptions& options,
                                            const WorkingCalendar& calendar);

// ---- Decision within 90 days of filing (行政处罚法 art. 60), §4.2 row 8 ----

// Why the decision clock stands still [M: 2023 办法 lists
// 听证、公告、监测、鉴定、检测、评估、认定、 送达 "等"].
enum class ExcludedPeriodKind {
  kUnspecified = 0,
  kHearing,        // 听证
  kPublicNotice,   // 公告
  kMonitoring,     // 监测
  kAppraisal,      // 鉴定
  kTesting,        // 检测
  kAssessment,     // 评估
  kDetermination,  // 认定
  kService,        // 送达
  kOther,          // 其他 (the note says what)
};

// A period not counted towards the decision limit, in whole regulatory days: the days
// first..last, both inclusive, are excluded, even if the activity took only part of a day
// (the bureau cannot decide on a day its hearing or monitoring is still going on) [M].
// Days on or before the filing day are never counted anyway and are ignored.
struct ExcludedPeriod {
  ExcludedPeriodKind kind = ExcludedPeriodKind::kUnspecified;
  absl::CivilDay first;
  std::optional<absl::CivilDay> last = std::nullopt;  // nullopt: still going on (at most one)
  std::string note = {};
};

enum class ExtensionApproval {
  kUnspecified = 0,
  kHead,                  // 负责人批准
  kCollectiveDiscussion,  // 集体讨论决定
};

struct DecisionExtension {
  int days = 0;
  ExtensionApproval approval = ExtensionApproval::kUnspecified;
  std::string approved_by;  // users/{username}
  absl::Time approve_time;  // must be before the due instant it extends
  std::string reason = {};  // why more time is needed
};

struct DecisionClockOptions {
  int days = 90;  // 行政处罚法 art. 60
  // [M] 2023 办法: the first extension up to 30 days with the head's approval; further ones
  // only by collective discussion "with a reasonable period", which the law does not bound:
  // the cap below is the bureau's.
  int first_extension_max_days = 30;
  int further_extension_max_days = 60;
  bool extend_past_non_working_day = true;  // 民法典 art. 203
};

struct DecisionClockInput {
  absl::Time filing_time;
  std::vector<ExcludedPeriod> excluded = {};       // any order; overlaps count once
  std::vector<DecisionExtension> extensions = {};  // in the order granted
};

struct DecisionClock {
  CaseDeadline deadline;
  int limit_days = 0;     // days + the extensions' days
  int excluded_days = 0;  // excluded days after filing up to the due day (counted once)
  // Counted (not excluded) days after the filing day up to and including today; more than
  // limit_days once overdue.
  int days_used = 0;
  // due_day - today in calendar days; negative when overdue.
  int days_left = 0;
  // Today lies in an excluded period. While an open period runs, the due counts it up to
  // today: every further day of it moves the due one day later.
  bool paused = false;
};

// The decision clock at `now` (`decided_time`: the decision, if made). INVALID_ARGUMENT
// naming excluded[i].kind / .first / .last (before the first day, or a period starting after
// today, or a second open period), extensions[i].days / .approval / .approved_by;
// FAILED_PRECONDITION with COLLECTIVE_DISCUSSION_REQUIRED (a further extension approved by
// the head alone) or DECISION_CLOCK_EXPIRED (an extension approved at or after the due it
// would extend).
absl::StatusOr<DecisionClock> ComputeDecisionClock(const DecisionClockInput& input,
                                                   std::optional<absl::Time> decided_time,
                                                   absl::Time now,
                                                   const DecisionClockOptions& options,
                                                   const WorkingCalendar& calendar);

// Supervisor KPI of a decided case (§4.2, 超期率): handling days = days after the filing day
// up to and including the decision day, less excluded days; over the limit when the decision
// came at or after the decision clock's due — i.e. handling days > 90 + extensions, except
// that a limit ending on a holiday runs on to the next working day as in the clock.
struct DecisionKpi {
  int handling_days = 0;
  int excluded_days = 0;
  bool over_limit = false;
};
absl::StatusOr<DecisionKpi> DecisionHandlingKpi(const DecisionClockInput& input,
                                                absl::Time decided_time,
                                                const DecisionClockOptions& options,
                                                const WorkingCalendar& calendar);

// ---- Service (art. 61) and payment (art. 67), §4.2 rows 9-10 ----

struct ServiceClockOptions {
  // 行政处罚法 art. 61: serve within 7 days when the party is not present; art. 85 makes the
  // law's "七日" working days, excluding statutory holidays [M: art. 85 not in domain-rules].
  DeadlineRule rule = {.unit = DeadlineUnit::kWorkingDays, .amount = 7};
};
// INVALID_ARGUMENT: served_time before decided_time.
absl::StatusOr<CaseDeadline> ServiceDeadline(absl::Time decided_time,
                                             std::optional<absl::Time> served_time, absl::Time now,
                                             const ServiceClockOptions& options,
                                             const WorkingCalendar& calendar);

struct PaymentClockOptions {
  // 行政处罚法 art. 67: pay within 15 days of receiving the decision — calendar days (art. 85
  // converts only 二、三、五、七日), moved past a holiday end by 民法典 art. 203.
  DeadlineRule rule = {.unit = DeadlineUnit::kCalendarDays, .amount = 15};
};
// INVALID_ARGUMENT: paid_time before served_time.
absl::StatusOr<CaseDeadline> PaymentDeadline(absl::Time served_time,
                                             std::optional<absl::Time> paid_time, absl::Time now,
                                             const PaymentClockOptions& options,
                                             const WorkingCalendar& calendar);

// ---- Late-payment surcharge (加处罚款, 行政处罚法 art. 72; 行政强制法 art. 45) ----

enum class SurchargeBase {
  // "每日按罚款数额的百分之三加处罚款" taken literally: 3 % of the fine however much of it
  // is paid, until it is paid in full [M: default].
  kFineAmount,
  // 3 % of the principal still unpaid at the start of each day.
  kUnpaidPrincipal,
};

struct SurchargeOptions {
  int percent_per_day = 3;
  SurchargeBase base = SurchargeBase::kFineAmount;
};

// A payment on `day`, split by the receipt into principal and surcharge.
struct FinePayment {
  absl::CivilDay day;
  int64_t principal_fen = 0;
  int64_t surcharge_fen = 0;
};

// Fines above this are input mistakes (10 billion yuan); it keeps fen × percent in int64.
inline constexpr int64_t kMaxFineFen = int64_t{1'000'000'000'000};

struct FineBalance {
  int days_accrued = 0;       // overdue days on which a surcharge accrued (cap and payment stop it)
  int64_t surcharge_fen = 0;  // accrued, at most the fine
  bool capped = false;        // reached the fine amount
  int64_t principal_paid_fen = 0;
  int64_t surcharge_paid_fen = 0;
  int64_t unpaid_principal_fen = 0;
  int64_t owed_fen = 0;  // unpaid principal + surcharge - surcharge paid
};

// The balance of a fine at the end of `as_of`. Counting: the first overdue day is the day
// after `payment_due_day` (the last day of the payment period); each overdue day adds
// floor(base × percent / 100) fen — each day's surcharge rounded down to the fen, in the
// party's favour — while principal is unpaid; the total stops at the fine amount (art. 72).
// Principal paid on a day still bears that day's surcharge (paying on an overdue day is
// late); accrual stops after the day the principal is paid in full.
// INVALID_ARGUMENT: fine_fen outside 1..kMaxFineFen, payments[i] negative or after as_of,
// principal paid above the fine, surcharge paid above what accrued by as_of.
absl::StatusOr<FineBalance> ComputeFineBalance(int64_t fine_fen, absl::CivilDay payment_due_day,
                                               const std::vector<FinePayment>& payments,
                                               absl::CivilDay as_of,
                                               const SurchargeOptions& options);

// ---- Daily continuous penalty (按日连续处罚), §4.4 ----

// One round: a correction order served (责令改正违法行为决定书) and the re-inspection that
// found the violation continuing or was obstructed (拒不改正, 部令28 art. 13).
struct DailyPenaltyRound {
  absl::CivilDay order_served_day;
  absl::CivilDay reinspection_day;
};

// Days on which a production limit, suspension or sealing stopped the discharge (部令28
// art. 20), first..last inclusive; overlaps count once.
struct StoppedPeriod {
  absl::CivilDay first;
  absl::CivilDay last;
  std::string note = {};
};

struct DailyPenaltyOptions {
  // 部令28 art. 10: the covert re-inspection within 30 days of serving the order. A later
  // one is refused (FAILED_PRECONDITION), not flagged: a penalty counted over a procedure
  // the order forbids is the kind a court voids.
  int max_reinspection_days = 30;
};

struct DailyPenaltyRoundResult {
  int days = 0;          // counted days
  int stopped_days = 0;  // days of the round not counted because the discharge was stopped
};

struct DailyPenalty {
  std::vector<DailyPenaltyRoundResult> rounds;
  int total_days = 0;
  int64_t daily_fen = 0;  // = the original fine (部令28 art. 19)
  int64_t total_fen = 0;  // daily_fen × total_days
};

// Counting (环境保护法 art. 59; 部令28 art. 17): each round counts the days from the day after
// its order was served to its re-inspection day, inclusive, less stopped days; rounds add up.
// INVALID_ARGUMENT: original_fine_fen outside 1..kMaxFineFen, no rounds, rounds[i].
// reinspection_day not after its order_served_day, rounds[i].order_served_day before the
// previous round's re-inspection, stopped[i].last before .first;
// FAILED_PRECONDITION REINSPECTION_TOO_LATE (more than max_reinspection_days after service).
absl::StatusOr<DailyPenalty> ComputeDailyPenalty(int64_t original_fine_fen,
                                                 const std::vector<DailyPenaltyRound>& rounds,
                                                 const std::vector<StoppedPeriod>& stopped,
                                                 const DailyPenaltyOptions& options);

// ---- Measure durations, §4.5-4.6 ----

enum class MeasureKind {
  kUnspecified = 0,
  kSealing,          // 查封、扣押: days (部令29 art. 15; 行政强制法 art. 25)
  kProductionLimit,  // 限制生产: months (部令30 art. 15)
};
// 停产整治 has no fixed duration: it runs until the decision is lifted (部令30 art. 17).

struct MeasureLimits {
  int sealing_max_days = 30;
  int sealing_max_extension_days = 30;
  int production_limit_max_months = 3;
  int production_limit_max_extension_months = 3;
  int max_extensions = 1;  // "可以延长" once, with the head's approval
};

// A measure's period; `amount` and `extensions` are days for sealing, months for a
// production limit.
struct MeasurePeriod {
  MeasureKind kind = MeasureKind::kUnspecified;
  absl::CivilDay start_day;  // the day the decision was served / the measure executed
  int amount = 0;
  std::vector<int> extensions = {};
};

// The last day of the measure: start_day + days, or the corresponding day `amount` months
// later (the month's last day when it has none, 民法典 art. 202); each extension runs on
// from the previous last day the same way. INVALID_ARGUMENT naming kind / amount /
// extensions[i] (outside 1..the limit) or FAILED_PRECONDITION MEASURE_EXTENSION_LIMIT (more
// extensions than allowed).
absl::StatusOr<absl::CivilDay> MeasureEndDay(const MeasurePeriod& period,
                                             const MeasureLimits& limits);

// Appends an extension of `amount` requested on `request_day` and returns the new last day.
// The MeasureEndDay errors, and FAILED_PRECONDITION MEASURE_EXPIRED when the request comes
// after the last day (an expired measure must be lifted, not extended). `period` is left
// unchanged on error.
absl::StatusOr<absl::CivilDay> ExtendMeasure(MeasurePeriod& period, int amount,
                                             absl::CivilDay request_day,
                                             const MeasureLimits& limits);

// "¥12,345.67"; a negative amount as "-¥5.00".
std::string FormatYuan(int64_t fen);

}  // namespace ecocase::domain
