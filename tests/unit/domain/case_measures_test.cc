// The measures of a case and the daily continuous penalty they bear on (domain-rules
// §4.4-4.6), and the decision-clock records; days worked out by hand.
#include "domain/case_measures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/cord.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "domain/case_decision_clock.h"
#include "testing/status_matchers.h"

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kOfficer[] = "users/alice";

absl::Time Beijing(int y, int m, int d, int h = 10) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, 0, 0));
}

std::string ReasonOf(const absl::Status& s) {
  auto reason = s.GetPayload(common::kReasonPayload);
  return reason ? std::string(*reason) : "";
}
std::string FieldOf(const absl::Status& s) {
  auto field = s.GetPayload(common::kFieldPayload);
  return field ? std::string(*field) : "";
}

// A case whose ¥100,000 fine was served on 2026-04-09, with two certified officers.
EnforcementCase Served() {
  EnforcementCase c;
  c.id = 3;
  c.party_kind = PartyKind::kOrganisation;
  c.state = CaseState::kServed;
  c.filed_day = absl::CivilDay(2026, 3, 2);
  c.officers = {{"alice", "豫环执0001", absl::CivilDay(2028, 1, 1)},
                {"bob", "豫环执0002", absl::CivilDay(2028, 1, 1)}};
  Decision d;
  d.kind = DecisionKind::kPenalty;
  d.penalties = {{PenaltyKind::kFine, 10'000'000}};
  d.correction_orders = {"立即停止超标排放"};
  d.day = absl::CivilDay(2026, 4, 8);
  c.decision = d;
  c.service = Service{ServiceMethod::kDirect, absl::CivilDay(2026, 4, 9), false};
  return c;
}

CaseMeasure Limit(absl::CivilDay start, int months) {
  CaseMeasure m;
  m.kind = CaseMeasureKind::kProductionLimit;
  m.document = "焦环限〔2026〕2号";
  m.start_day = start;
  m.amount = months;
  return m;
}

TEST(CaseMeasuresTest, DailyPenaltyLessTheDaysAProductionLimitStopped) {
  EnforcementCase c = Served();
  ASSERT_THAT(ImposeMeasure(c, Limit(absl::CivilDay(2026, 4, 20), 1), MeasureLimits{}, kOfficer,
                            Beijing(2026, 4, 20)),
              IsOk());
  EXPECT_EQ(MeasureLastDay(c.measures[0], MeasureLimits{}), absl::CivilDay(2026, 5, 20));
  // Refused at the covert re-inspection of 04-30, and again (after the renewed order) on
  // 05-25; corrected on 06-10, so the refusal of 06-20 belongs to no round.
  std::vector<CorrectionReinspection> found = {{absl::CivilDay(2026, 6, 20), true},
                                               {absl::CivilDay(2026, 4, 30), true},
                                               {absl::CivilDay(2026, 6, 10), false},
                                               {absl::CivilDay(2026, 5, 25), true}};
  absl::StatusOr<CaseDailyPenalty> result = ComputeCaseDailyPenalty(
      c, found, MeasureLimits{}, DailyPenaltyOptions{}, absl::CivilDay(2026, 6, 30));
  ASSERT_THAT(result.status(), IsOk());
  ASSERT_EQ(result->rounds.size(), 2u);
  EXPECT_EQ(result->rounds[1].order_served_day, absl::CivilDay(2026, 4, 30));
  EXPECT_EQ(result->rounds[1].reinspection_day, absl::CivilDay(2026, 5, 25));
  const DailyPenalty* p = &result->penalty;
  ASSERT_EQ(p->rounds.size(), 2u);
  // 04-10..04-30 is 21 days; the limit stopped 04-20..04-30 (11): 10 counted.
  EXPECT_EQ(p->rounds[0].days, 10);
  EXPECT_EQ(p->rounds[0].stopped_days, 11);
  // 05-01..05-25 is 25 days; the limit stopped 05-01..05-20 (20): 5 counted.
  EXPECT_EQ(p->rounds[1].days, 5);
  EXPECT_EQ(p->rounds[1].stopped_days, 20);
  EXPECT_EQ(p->total_days, 15);
  EXPECT_EQ(p->daily_fen, 10'000'000);
  EXPECT_EQ(p->total_fen, 150'000'000);  // ¥1,500,000
}

TEST(CaseMeasuresTest, LiftedMeasureStopsTheDayBeforeLifting) {
  EnforcementCase c = Served();
  ASSERT_THAT(ImposeMeasure(c, Limit(absl::CivilDay(2026, 4, 20), 3), MeasureLimits{}, kOfficer,
                            Beijing(2026, 4, 20)),
              IsOk());
  ASSERT_THAT(LiftMeasure(c, 0, absl::CivilDay(2026, 4, 25), kOfficer, Beijing(2026, 4, 25)),
              IsOk());
  std::vector<StoppedPeriod> stopped =
      StoppedPeriods(c, MeasureLimits{}, absl::CivilDay(2026, 6, 1));
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0].first, absl::CivilDay(2026, 4, 20));
  EXPECT_EQ(stopped[0].last, absl::CivilDay(2026, 4, 24));
  EXPECT_EQ(
      ReasonOf(LiftMeasure(c, 0, absl::CivilDay(2026, 4, 26), kOfficer, Beijing(2026, 4, 26))),
      "CASE_MEASURE_STATE");
  EXPECT_EQ(ReasonOf(ExtendCaseMeasure(c, 0, 1, MeasureLimits{}, kOfficer, Beijing(2026, 4, 26))),
            "CASE_MEASURE_STATE");
  // A suspension runs until lifted: stopped up to today.
  CaseMeasure suspension;
  suspension.kind = CaseMeasureKind::kProductionSuspension;
  suspension.document = "焦环停〔2026〕1号";
  suspension.start_day = absl::CivilDay(2026, 5, 1);
  ASSERT_THAT(ImposeMeasure(c, suspension, MeasureLimits{}, kOfficer, Beijing(2026, 5, 1)), IsOk());
  stopped = StoppedPeriods(c, MeasureLimits{}, absl::CivilDay(2026, 5, 10));
  ASSERT_EQ(stopped.size(), 2u);
  EXPECT_EQ(stopped[1].last, absl::CivilDay(2026, 5, 10));
}

TEST(CaseMeasuresTest, SealingLimitsAndExtension) {
  EnforcementCase c = Served();
  CaseMeasure sealing;
  sealing.kind = CaseMeasureKind::kSealing;
  sealing.document = "焦环封〔2026〕3号";
  sealing.start_day = absl::CivilDay(2026, 4, 10);
  sealing.amount = 31;
  EXPECT_EQ(FieldOf(ImposeMeasure(c, sealing, MeasureLimits{}, kOfficer, Beijing(2026, 4, 10))),
            "measure.amount");
  sealing.amount = 30;
  ASSERT_THAT(ImposeMeasure(c, sealing, MeasureLimits{}, kOfficer, Beijing(2026, 4, 10)), IsOk());
  EXPECT_EQ(MeasureLastDay(c.measures[0], MeasureLimits{}), absl::CivilDay(2026, 5, 10));
  ASSERT_THAT(ExtendCaseMeasure(c, 0, 30, MeasureLimits{}, kOfficer, Beijing(2026, 5, 8)), IsOk());
  EXPECT_EQ(MeasureLastDay(c.measures[0], MeasureLimits{}), absl::CivilDay(2026, 6, 9));
  // Once only.
  EXPECT_EQ(ReasonOf(ExtendCaseMeasure(c, 0, 5, MeasureLimits{}, kOfficer, Beijing(2026, 5, 9))),
            "MEASURE_EXTENSION_LIMIT");
  EXPECT_EQ(FieldOf(ExtendCaseMeasure(c, 4, 5, MeasureLimits{}, kOfficer, Beijing(2026, 5, 9))),
            "index");
  // A suspension has no amount.
  CaseMeasure suspension;
  suspension.kind = CaseMeasureKind::kProductionSuspension;
  suspension.document = "焦环停〔2026〕1号";
  suspension.amount = 1;
  EXPECT_EQ(FieldOf(ImposeMeasure(c, suspension, MeasureLimits{}, kOfficer, Beijing(2026, 5, 9))),
            "measure.amount");
}

TEST(CaseMeasuresTest, MeasureNeedsTwoCertifiedOfficers) {
  EnforcementCase c = Served();
  c.officers.pop_back();
  absl::Status s = ImposeMeasure(c, Limit(absl::CivilDay(2026, 4, 20), 1), MeasureLimits{},
                                 kOfficer, Beijing(2026, 4, 20));
  EXPECT_EQ(ReasonOf(s), "CASE_OFFICERS");
  EXPECT_TRUE(c.measures.empty());
}

TEST(CaseMeasuresTest, DailyPenaltyNeedsAFineAndARefusal) {
  EnforcementCase c = Served();
  EXPECT_EQ(
      ReasonOf(ComputeCaseDailyPenalty(c, {{absl::CivilDay(2026, 4, 30), false}}, MeasureLimits{},
                                       DailyPenaltyOptions{}, absl::CivilDay(2026, 5, 1))
                   .status()),
      "CASE_NOT_REFUSED");
  // More than 30 days after the order: the re-inspection the order allows came too late.
  EXPECT_EQ(
      ReasonOf(ComputeCaseDailyPenalty(c, {{absl::CivilDay(2026, 5, 20), true}}, MeasureLimits{},
                                       DailyPenaltyOptions{}, absl::CivilDay(2026, 5, 21))
                   .status()),
      "REINSPECTION_TOO_LATE");
  c.decision->penalties = {{PenaltyKind::kWarning, 0}};
  EXPECT_EQ(
      ReasonOf(ComputeCaseDailyPenalty(c, {{absl::CivilDay(2026, 4, 30), true}}, MeasureLimits{},
                                       DailyPenaltyOptions{}, absl::CivilDay(2026, 5, 1))
                   .status()),
      "CASE_NO_FINE");
  EnforcementCase unserved = Served();
  unserved.service.reset();
  EXPECT_EQ(ReasonOf(ComputeCaseDailyPenalty(unserved, {}, MeasureLimits{}, DailyPenaltyOptions{},
                                             absl::CivilDay(2026, 5, 1))
                         .status()),
            "CASE_STATE");
}

TEST(CaseDecisionClockTest, PauseResumeAndExtendAreChecked) {
  EnforcementCase c = Served();
  c.state = CaseState::kInvestigating;
  c.timeline.push_back(CaseEvent{"FILE", CaseState::kFiled, kOfficer, Beijing(2026, 3, 2), ""});
  ExcludedPeriod monitoring{ExcludedPeriodKind::kMonitoring, absl::CivilDay()};
  ASSERT_THAT(PauseDecisionClock(c, monitoring, kOfficer, Beijing(2026, 3, 10)), IsOk());
  EXPECT_EQ(c.excluded_periods[0].first, absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(ReasonOf(PauseDecisionClock(c, monitoring, kOfficer, Beijing(2026, 3, 11))),
            "CASE_CLOCK_PAUSED");
  ASSERT_THAT(ResumeDecisionClock(c, std::nullopt, kOfficer, Beijing(2026, 3, 20)), IsOk());
  EXPECT_EQ(c.excluded_periods[0].last, absl::CivilDay(2026, 3, 19));
  EXPECT_EQ(ReasonOf(ResumeDecisionClock(c, std::nullopt, kOfficer, Beijing(2026, 3, 21))),
            "CASE_CLOCK_NOT_PAUSED");
  // A closed period given at once; not before filing.
  ExcludedPeriod early{ExcludedPeriodKind::kTesting, absl::CivilDay(2026, 3, 1),
                       absl::CivilDay(2026, 3, 4)};
  EXPECT_EQ(FieldOf(PauseDecisionClock(c, early, kOfficer, Beijing(2026, 3, 21))),
            "period.first_date");

  CaseClockOptions options;
  absl::StatusOr<WorkingCalendar> calendar = DefaultWorkingCalendar();
  ASSERT_TRUE(calendar.ok());
  DecisionExtension head{30, ExtensionApproval::kHead, "", absl::Time(), "案情复杂"};
  ASSERT_THAT(ExtendDecisionClock(c, head, options, *calendar, "users/head", Beijing(2026, 5, 1)),
              IsOk());
  EXPECT_EQ(c.decision_extensions[0].approved_by, "users/head");
  absl::Status again =
      ExtendDecisionClock(c, head, options, *calendar, "users/head", Beijing(2026, 5, 2));
  EXPECT_EQ(ReasonOf(again), "COLLECTIVE_DISCUSSION_REQUIRED");
  DecisionExtension too_long{61, ExtensionApproval::kCollectiveDiscussion, "", absl::Time(), "x"};
  EXPECT_EQ(FieldOf(ExtendDecisionClock(c, too_long, options, *calendar, "users/head",
                                        Beijing(2026, 5, 2))),
            "extension.days");
  DecisionExtension no_reason{10, ExtensionApproval::kCollectiveDiscussion, "", absl::Time(), ""};
  EXPECT_EQ(FieldOf(ExtendDecisionClock(c, no_reason, options, *calendar, "users/head",
                                        Beijing(2026, 5, 2))),
            "extension.reason");

  // The view: 90 + 30 days less 10 excluded from 03-02: the due is 07-10 (a Friday).
  absl::StatusOr<CaseClockView> view =
      ComputeCaseClocks(c, Beijing(2026, 5, 2), options, *calendar);
  ASSERT_THAT(view.status(), IsOk());
  ASSERT_TRUE(view->decision.has_value());
  EXPECT_EQ(view->decision->deadline.due_day, absl::CivilDay(2026, 7, 10));
  EXPECT_TRUE(view->decision->running);
  EXPECT_EQ(view->next_due, view->decision->deadline.due);
}

}  // namespace
}  // namespace ecocase::domain
