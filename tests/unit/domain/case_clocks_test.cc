#include "domain/case_clocks.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "domain/working_calendar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

// Expected values are worked out by hand from the law and the State Council's 2026 holiday
// notice (deploy/calendar/cn-holidays.txt), never with the code under test. 2026 国庆:
// Thu Oct 1 - Wed Oct 7 off; Sun Sep 20 and Sat Oct 10 worked (调休上班). A period of N days
// from day D ends at 24:00 of D + N (民法典 art. 201), i.e. at 00:00 +08:00 of D + N + 1.

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time At(std::string_view rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &t, &error))
      << rfc3339 << ": " << error;
  return t;
}

using common::ReasonOf;

class CaseClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<WorkingCalendar> calendar = DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
    ASSERT_FALSE(calendar_->IsWorkingDay(absl::CivilDay(2026, 10, 7)));
    ASSERT_TRUE(calendar_->IsWorkingDay(absl::CivilDay(2026, 10, 10)));  // Saturday
  }
  const WorkingCalendar& calendar() const { return *calendar_; }

 private:
  std::optional<WorkingCalendar> calendar_;
};

// ---- Filing ----

TEST_F(CaseClockTest, FilingDueMovesPastTheNationalDayHoliday) {
  // Received Sun 2026-09-20 (a 调休 workday); 15 days → Mon 10-05, a holiday; the next
  // working day is Thu 10-08 (民法典 art. 203).
  absl::StatusOr<CaseDeadline> d = FilingDeadline(At("2026-09-20T09:00:00+08:00"), 0, std::nullopt,
                                                  At("2026-10-08T23:00:00+08:00"), {}, calendar());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->due_day, absl::CivilDay(2026, 10, 8));
  EXPECT_EQ(d->due, At("2026-10-09T00:00:00+08:00"));
  EXPECT_FALSE(d->overdue);
}

TEST_F(CaseClockTest, FilingExtensionOnceBy15Days) {
  // 15 + 15 = 30 days after 09-20: 10-20 (Tue, a working day).
  absl::StatusOr<CaseDeadline> d = FilingDeadline(At("2026-09-20T09:00:00+08:00"), 15, std::nullopt,
                                                  At("2026-10-21T00:00:00+08:00"), {}, calendar());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->due_day, absl::CivilDay(2026, 10, 20));
  EXPECT_TRUE(d->overdue);  // 00:00 of the next day
  EXPECT_THAT(FilingDeadline(At("2026-09-20T09:00:00+08:00"), 16, std::nullopt,
                             At("2026-09-21T00:00:00+08:00"), {}, calendar()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extension_days")));
}

// ---- Decision (90 days) ----

// Filed Tue 2026-03-03; 90 days: March 28 + April 30 + May 31 = 89 → Mon 2026-06-01.
DecisionClockInput FiledMarch3() { return {.filing_time = At("2026-03-03T10:00:00+08:00")}; }

TEST_F(CaseClockTest, DecisionClockWithoutPausesIs90Days) {
  absl::StatusOr<DecisionClock> c = ComputeDecisionClock(
      FiledMarch3(), std::nullopt, At("2026-06-01T23:59:59+08:00"), {}, calendar());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->deadline.due_day, absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(c->deadline.due, At("2026-06-02T00:00:00+08:00"));
  EXPECT_FALSE(c->deadline.overdue);
  EXPECT_EQ(c->days_used, 90);
  EXPECT_EQ(c->days_left, 0);
}

TEST_F(CaseClockTest, DecisionClockWithPausedPeriodAndExtension) {
  DecisionClockInput input = FiledMarch3();
  // 监测 03-10..03-19 inclusive: 10 days → 06-01 + 10 = Thu 06-11.
  input.excluded.push_back({.kind = ExcludedPeriodKind::kMonitoring,
                            .first = absl::CivilDay(2026, 3, 10),
                            .last = absl::CivilDay(2026, 3, 19),
                            .note = "委托监测"});
  const absl::Time now = At("2026-06-15T12:00:00+08:00");

  absl::StatusOr<DecisionClock> paused_only =
      ComputeDecisionClock(input, std::nullopt, now, {}, calendar());
  ASSERT_THAT(paused_only, IsOk());
  EXPECT_EQ(paused_only->deadline.due_day, absl::CivilDay(2026, 6, 11));
  EXPECT_TRUE(paused_only->deadline.overdue);
  EXPECT_EQ(paused_only->excluded_days, 10);

  // +30 days by the head, approved before the due: 06-11 + 30 = Sat 07-11 → Mon 07-13.
  input.extensions.push_back({.days = 30,
                              .approval = ExtensionApproval::kHead,
                              .approved_by = "users/head",
                              .approve_time = At("2026-06-01T09:00:00+08:00")});
  absl::StatusOr<DecisionClock> c = ComputeDecisionClock(input, std::nullopt, now, {}, calendar());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->limit_days, 120);
  EXPECT_EQ(c->deadline.due_day, absl::CivilDay(2026, 7, 13));
  EXPECT_EQ(c->deadline.due, At("2026-07-14T00:00:00+08:00"));
  EXPECT_FALSE(c->deadline.overdue);
  EXPECT_FALSE(c->paused);
  // 03-03 → 06-15 is 28 + 30 + 31 + 15 = 104 days, less 10 excluded.
  EXPECT_EQ(c->days_used, 94);
  EXPECT_EQ(c->days_left, 28);  // 06-15 → 07-13
}

TEST_F(CaseClockTest, DecisionClockOverlappingPausesCountOnce) {
  DecisionClockInput input = FiledMarch3();
  input.excluded.push_back({.kind = ExcludedPeriodKind::kMonitoring,
                            .first = absl::CivilDay(2026, 3, 10),
                            .last = absl::CivilDay(2026, 3, 19)});
  input.excluded.push_back({.kind = ExcludedPeriodKind::kAppraisal,
                            .first = absl::CivilDay(2026, 3, 15),
                            .last = absl::CivilDay(2026, 3, 24)});
  // Union 03-10..03-24 = 15 days → 06-01 + 15 = Tue 06-16.
  absl::StatusOr<DecisionClock> c =
      ComputeDecisionClock(input, std::nullopt, At("2026-04-01T10:00:00+08:00"), {}, calendar());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->excluded_days, 15);
  EXPECT_EQ(c->deadline.due_day, absl::CivilDay(2026, 6, 16));
}

TEST_F(CaseClockTest, DecisionClockOpenPauseCountsUpToToday) {
  DecisionClockInput input = FiledMarch3();
  input.excluded.push_back(
      {.kind = ExcludedPeriodKind::kHearing, .first = absl::CivilDay(2026, 4, 1)});
  // 04-01..04-05 excluded so far: 5 days → 06-01 + 5 = Sat 06-06 → Mon 06-08.
  absl::StatusOr<DecisionClock> c =
      ComputeDecisionClock(input, std::nullopt, At("2026-04-05T10:00:00+08:00"), {}, calendar());
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE(c->paused);
  EXPECT_EQ(c->excluded_days, 5);
  EXPECT_EQ(c->deadline.due_day, absl::CivilDay(2026, 6, 8));
  EXPECT_EQ(c->days_used, 28);  // 03-03 → 04-05 = 33 days, less 5

  input.excluded.push_back(
      {.kind = ExcludedPeriodKind::kService, .first = absl::CivilDay(2026, 4, 2)});
  EXPECT_THAT(
      ComputeDecisionClock(input, std::nullopt, At("2026-04-05T10:00:00+08:00"), {}, calendar()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("excluded[1].last")));
}

TEST_F(CaseClockTest, DecisionClockExtensionsAreValidated) {
  const absl::Time now = At("2026-05-01T10:00:00+08:00");
  const DecisionExtension head{.days = 30,
                               .approval = ExtensionApproval::kHead,
                               .approved_by = "users/head",
                               .approve_time = At("2026-04-20T10:00:00+08:00")};
  DecisionClockInput input = FiledMarch3();
  input.extensions = {head, head};
  absl::StatusOr<DecisionClock> c = ComputeDecisionClock(input, std::nullopt, now, {}, calendar());
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(c.status()), "COLLECTIVE_DISCUSSION_REQUIRED");

  input.extensions = {head, head};
  input.extensions[1].approval = ExtensionApproval::kCollectiveDiscussion;
  // 90 + 30 + 20 = 140 days after 03-03: 06-01 + 50 = Tue 07-21.
  input.extensions[1].days = 20;
  c = ComputeDecisionClock(input, std::nullopt, now, {}, calendar());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->deadline.due_day, absl::CivilDay(2026, 7, 21));

  input.extensions = {head};
  input.extensions[0].days = 31;
  EXPECT_THAT(ComputeDecisionClock(input, std::nullopt, now, {}, calendar()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extensions[0].days")));

  input.extensions = {head};
  input.extensions[0].approve_time = At("2026-06-02T00:00:00+08:00");  // the 90-day due
  c = ComputeDecisionClock(input, std::nullopt, now, {}, calendar());
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(c.status()), "DECISION_CLOCK_EXPIRED");
}

TEST_F(CaseClockTest, DecisionKpiHandlingDaysExcludePauses) {
  DecisionClockInput input = FiledMarch3();
  input.excluded.push_back({.kind = ExcludedPeriodKind::kMonitoring,
                            .first = absl::CivilDay(2026, 3, 10),
                            .last = absl::CivilDay(2026, 3, 19)});
  // Decided 06-11: 100 days after filing, less 10 = 90: on time.
  absl::StatusOr<DecisionKpi> on_time =
      DecisionHandlingKpi(input, At("2026-06-11T16:00:00+08:00"), {}, calendar());
  ASSERT_THAT(on_time, IsOk());
  EXPECT_EQ(on_time->handling_days, 90);
  EXPECT_EQ(on_time->excluded_days, 10);
  EXPECT_FALSE(on_time->over_limit);
  // Decided 06-12: 91 > 90.
  absl::StatusOr<DecisionKpi> late =
      DecisionHandlingKpi(input, At("2026-06-12T09:00:00+08:00"), {}, calendar());
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ(late->handling_days, 91);
  EXPECT_TRUE(late->over_limit);
}

// ---- Service and payment ----

TEST_F(CaseClockTest, ServiceWithinSevenWorkingDaysAcrossTheHoliday) {
  // Decided Tue 09-29. Working days after it: 09-30 (1), 10-01..07 off, 10-08 (2), 10-09
  // (3), Sat 10-10 worked (4), Sun 10-11 off, 10-12 (5), 10-13 (6), 10-14 (7).
  const absl::Time decided = At("2026-09-29T10:00:00+08:00");
  absl::StatusOr<CaseDeadline> d =
      ServiceDeadline(decided, std::nullopt, At("2026-10-14T20:00:00+08:00"), {}, calendar());
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->due_day, absl::CivilDay(2026, 10, 14));
  EXPECT_FALSE(d->overdue);
  d = ServiceDeadline(decided, At("2026-10-15T09:00:00+08:00"), At("2026-10-20T09:00:00+08:00"), {},
                      calendar());
  ASSERT_THAT(d, IsOk());
  EXPECT_TRUE(d->overdue);  // served late
}

TEST_F(CaseClockTest, PaymentWithin15DaysMovesPastTheHoliday) {
  // Served Tue 09-22; 15 days → Wed 10-07, a holiday → Thu 10-08.
  const absl::Time served = At("2026-09-22T15:00:00+08:00");
  absl::StatusOr<CaseDeadline> paid_in_time = PaymentDeadline(
      served, At("2026-10-08T23:00:00+08:00"), At("2026-10-20T00:00:00+08:00"), {}, calendar());
  ASSERT_THAT(paid_in_time, IsOk());
  EXPECT_EQ(paid_in_time->due_day, absl::CivilDay(2026, 10, 8));
  EXPECT_FALSE(paid_in_time->overdue);
  absl::StatusOr<CaseDeadline> unpaid =
      PaymentDeadline(served, std::nullopt, At("2026-10-09T00:00:00+08:00"), {}, calendar());
  ASSERT_THAT(unpaid, IsOk());
  EXPECT_TRUE(unpaid->overdue);
  EXPECT_THAT(PaymentDeadline(served, At("2026-09-21T00:00:00+08:00"), served, {}, calendar()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("paid_time")));
}

// ---- Late-payment surcharge ----

constexpr int64_t kTenThousandYuan = 1'000'000;  // fen
const absl::CivilDay kPaymentDue(2026, 10, 8);

TEST(LateSurchargeTest, ThreePercentPerDayFromTheDayAfterTheDue) {
  // Day 1 = 10-09: 3 % of 1,000,000 fen = 30,000.
  absl::StatusOr<FineBalance> b =
      ComputeFineBalance(kTenThousandYuan, kPaymentDue, {}, absl::CivilDay(2026, 10, 9), {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->days_accrued, 1);
  EXPECT_EQ(b->surcharge_fen, 30'000);
  EXPECT_EQ(b->owed_fen, 1'030'000);
  // On the due day itself nothing accrues.
  b = ComputeFineBalance(kTenThousandYuan, kPaymentDue, {}, kPaymentDue, {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->surcharge_fen, 0);
  // Day 10 = 10-18: 300,000.
  b = ComputeFineBalance(kTenThousandYuan, kPaymentDue, {}, absl::CivilDay(2026, 10, 18), {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->days_accrued, 10);
  EXPECT_EQ(b->surcharge_fen, 300'000);
}

TEST(LateSurchargeTest, CappedAtTheFine) {
  // Day 40 = 11-17. 34 × 30,000 = 1,020,000 > the fine: capped at 1,000,000 on day 34.
  absl::StatusOr<FineBalance> b =
      ComputeFineBalance(kTenThousandYuan, kPaymentDue, {}, absl::CivilDay(2026, 11, 17), {});
  ASSERT_THAT(b, IsOk());
  EXPECT_TRUE(b->capped);
  EXPECT_EQ(b->days_accrued, 34);
  EXPECT_EQ(b->surcharge_fen, kTenThousandYuan);
  EXPECT_EQ(b->owed_fen, 2'000'000);
}

TEST(LateSurchargeTest, EachDayIsRoundedDownToTheFen) {
  // 3 % of 333 fen = 9.99 → 9 a day; 10 days = 90 (not floor(99.9) = 99).
  absl::StatusOr<FineBalance> b =
      ComputeFineBalance(333, kPaymentDue, {}, absl::CivilDay(2026, 10, 18), {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->surcharge_fen, 90);
}

TEST(LateSurchargeTest, PartialPaymentUnderEitherBase) {
  // 400,000 principal paid on day 5 (10-13); as of day 10 (10-18).
  const std::vector<FinePayment> payments = {
      {.day = absl::CivilDay(2026, 10, 13), .principal_fen = 400'000}};
  const absl::CivilDay as_of(2026, 10, 18);
  // Fine amount: 10 × 30,000 = 300,000; owed 600,000 + 300,000.
  absl::StatusOr<FineBalance> b =
      ComputeFineBalance(kTenThousandYuan, kPaymentDue, payments, as_of, {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->surcharge_fen, 300'000);
  EXPECT_EQ(b->unpaid_principal_fen, 600'000);
  EXPECT_EQ(b->owed_fen, 900'000);
  // Unpaid principal: days 1-5 on 1,000,000 (5 × 30,000, the payment day still bears it),
  // days 6-10 on 600,000 (5 × 18,000): 240,000; owed 840,000.
  b = ComputeFineBalance(kTenThousandYuan, kPaymentDue, payments, as_of,
                         {.base = SurchargeBase::kUnpaidPrincipal});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->surcharge_fen, 240'000);
  EXPECT_EQ(b->owed_fen, 840'000);
}

TEST(LateSurchargeTest, FullPaymentStopsAccrualAndSurchargePaidIsDeducted) {
  // Paid in full on day 3 (10-11) with 90,000 of surcharge: nothing owed afterwards.
  const std::vector<FinePayment> payments = {{.day = absl::CivilDay(2026, 10, 11),
                                              .principal_fen = kTenThousandYuan,
                                              .surcharge_fen = 90'000}};
  absl::StatusOr<FineBalance> b =
      ComputeFineBalance(kTenThousandYuan, kPaymentDue, payments, absl::CivilDay(2026, 11, 30), {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->days_accrued, 3);
  EXPECT_EQ(b->surcharge_fen, 90'000);
  EXPECT_EQ(b->owed_fen, 0);

  EXPECT_THAT(ComputeFineBalance(kTenThousandYuan, kPaymentDue,
                                 {{.day = kPaymentDue, .principal_fen = kTenThousandYuan + 1}},
                                 kPaymentDue, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("payments")));
}

// ---- Daily continuous penalty ----

constexpr int64_t kOriginalFine = 20'000'000;  // ¥200,000

TEST(DailyPenaltyTest, DaysStoppedByAProductionLimitAreNotCounted) {
  // Order served 06-01; re-inspection 06-20: 06-02..06-20 = 19 days; 限产 stopped the
  // discharge 06-10..06-14 (5 days): 14 days × ¥200,000 = ¥2,800,000.
  absl::StatusOr<DailyPenalty> p = ComputeDailyPenalty(
      kOriginalFine,
      {{.order_served_day = absl::CivilDay(2026, 6, 1),
        .reinspection_day = absl::CivilDay(2026, 6, 20)}},
      {{.first = absl::CivilDay(2026, 6, 10), .last = absl::CivilDay(2026, 6, 14), .note = "限产"}},
      {});
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->rounds.size(), 1u);
  EXPECT_EQ(p->rounds[0].stopped_days, 5);
  EXPECT_EQ(p->total_days, 14);
  EXPECT_EQ(p->daily_fen, kOriginalFine);
  EXPECT_EQ(p->total_fen, 280'000'000);
}

TEST(DailyPenaltyTest, TwoRoundsAccumulateAndOverlappingStopsCountOnce) {
  // Round 1: 06-02..06-20 = 19 days, stopped 06-10..06-14 ∪ 06-12..06-16 = 06-10..06-16 (7):
  // 12. Round 2: served 06-22, re-inspected 07-10: 06-23..07-10 = 8 + 10 = 18. Total 30.
  absl::StatusOr<DailyPenalty> p = ComputeDailyPenalty(
      kOriginalFine,
      {{.order_served_day = absl::CivilDay(2026, 6, 1),
        .reinspection_day = absl::CivilDay(2026, 6, 20)},
       {.order_served_day = absl::CivilDay(2026, 6, 22),
        .reinspection_day = absl::CivilDay(2026, 7, 10)}},
      {{.first = absl::CivilDay(2026, 6, 10), .last = absl::CivilDay(2026, 6, 14)},
       {.first = absl::CivilDay(2026, 6, 12), .last = absl::CivilDay(2026, 6, 16)}},
      {});
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->rounds[0].days, 12);
  EXPECT_EQ(p->rounds[1].days, 18);
  EXPECT_EQ(p->total_days, 30);
  EXPECT_EQ(p->total_fen, 600'000'000);
}

TEST(DailyPenaltyTest, ReinspectionMoreThan30DaysAfterServiceIsRefused) {
  // 06-01 + 30 = 07-01 is the last day for the covert re-inspection (部令28 art. 10).
  const absl::CivilDay served(2026, 6, 1);
  EXPECT_THAT(
      ComputeDailyPenalty(
          kOriginalFine,
          {{.order_served_day = served, .reinspection_day = absl::CivilDay(2026, 7, 1)}}, {}, {}),
      IsOk());
  absl::StatusOr<DailyPenalty> p = ComputeDailyPenalty(
      kOriginalFine, {{.order_served_day = served, .reinspection_day = absl::CivilDay(2026, 7, 2)}},
      {}, {});
  EXPECT_THAT(p, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(p.status()), "REINSPECTION_TOO_LATE");
  EXPECT_THAT(
      ComputeDailyPenalty(kOriginalFine, {{.order_served_day = served, .reinspection_day = served}},
                          {}, {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rounds[0]")));
}

// ---- Measures ----

TEST(MeasureClockTest, SealingThirtyDaysExtendedOnce) {
  // 查封 from 06-01: 30 days → 07-01; +30 → 07-31.
  MeasurePeriod sealing{
      .kind = MeasureKind::kSealing, .start_day = absl::CivilDay(2026, 6, 1), .amount = 30};
  EXPECT_EQ(MeasureEndDay(sealing, {}).value_or(absl::CivilDay()), absl::CivilDay(2026, 7, 1));

  MeasurePeriod late = sealing;
  absl::StatusOr<absl::CivilDay> end = ExtendMeasure(late, 30, absl::CivilDay(2026, 7, 2), {});
  EXPECT_THAT(end, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(end.status()), "MEASURE_EXPIRED");

  EXPECT_THAT(ExtendMeasure(sealing, 31, absl::CivilDay(2026, 6, 25), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extensions[0]")));
  end = ExtendMeasure(sealing, 30, absl::CivilDay(2026, 6, 25), {});
  ASSERT_THAT(end, IsOk());
  EXPECT_EQ(*end, absl::CivilDay(2026, 7, 31));
  end = ExtendMeasure(sealing, 10, absl::CivilDay(2026, 7, 20), {});
  EXPECT_THAT(end, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(end.status()), "MEASURE_EXTENSION_LIMIT");

  sealing.amount = 31;
  EXPECT_THAT(MeasureEndDay(sealing, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("amount")));
}

TEST(MeasureClockTest, ProductionLimitMonthsEndOnTheCorrespondingDay) {
  // 3 months from 2026-11-30: February has no 30th → 2027-02-28 (民法典 art. 202);
  // + 3 months from there → 2027-05-28.
  MeasurePeriod limit{.kind = MeasureKind::kProductionLimit,
                      .start_day = absl::CivilDay(2026, 11, 30),
                      .amount = 3};
  EXPECT_EQ(MeasureEndDay(limit, {}).value_or(absl::CivilDay()), absl::CivilDay(2027, 2, 28));
  EXPECT_THAT(ExtendMeasure(limit, 4, absl::CivilDay(2027, 2, 1), {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<absl::CivilDay> end = ExtendMeasure(limit, 3, absl::CivilDay(2027, 2, 1), {});
  ASSERT_THAT(end, IsOk());
  EXPECT_EQ(*end, absl::CivilDay(2027, 5, 28));
}

TEST(MeasureClockTest, FormatYuan) {
  EXPECT_EQ(FormatYuan(1'234'567), "¥12,345.67");
  EXPECT_EQ(FormatYuan(5), "¥0.05");
  EXPECT_EQ(FormatYuan(-500), "-¥5.00");
  EXPECT_EQ(FormatYuan(100'000'000), "¥1,000,000.00");
}

}  // namespace
}  // namespace ecocase::domain
