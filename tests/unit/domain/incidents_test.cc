// Incidents from per-window verdicts (issue 7): merging, closing, idempotent replay, late
// data, separate kinds, offline.
#include "domain/evaluation/incidents.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/regulatory_time.h"
#include "testing/status_matchers.h"

namespace ecocase::domain::evaluation {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr double kLimit = 100;  // mg/m3, GB 13223 SO2 new coal-fired boiler

// The start of Beijing hour `h` of 2026-05-06.
absl::Time Hour(int h) {
  return common::FromRegulatory(absl::CivilSecond(2026, 5, 6, 0, 0, 0)) + absl::Hours(h);
}

VerdictInputs Inputs() { return {"rules-v1", 60, "CN 2051 minute means"}; }

WindowVerdict E(int h, double value) {
  return ExceedanceVerdict(Hour(h), absl::Hours(1), value, kLimit, "mg/m3", Inputs());
}
WindowVerdict C(int h) {
  return CompliantVerdict(Hour(h), absl::Hours(1), 40, kLimit, "mg/m3", Inputs());
}
WindowVerdict M(int h) { return MissingVerdict(Hour(h), absl::Hours(1), {"rules-v1", 12, ""}); }
WindowVerdict X(int h) {
  return ExcludedVerdict(Hour(h), absl::Hours(1), {"rules-v1", 0, "mark 5"});
}

const IncidentKey kExceedanceKey{"outlets/DA001", "a21026", IncidentKind::kExceedance};
const IncidentKey kMissingKey{"outlets/DA001", "a21026", IncidentKind::kMissingData};

IncidentEvaluation Evaluate(const IncidentKey& key, const std::vector<Incident>& stored,
                            const std::vector<WindowVerdict>& span) {
  auto result = EvaluateIncidents(key, stored, span, IncidentOptions{});
  EXPECT_THAT(result, IsOk());
  return result.ok() ? *std::move(result) : IncidentEvaluation{};
}

std::vector<IncidentEventKind> Kinds(const IncidentEvaluation& evaluation) {
  std::vector<IncidentEventKind> kinds;
  for (const auto& e : evaluation.events) kinds.push_back(e.kind);
  return kinds;
}

TEST(IncidentTest, ThreeExceedingHoursThenTwoCompliantMakeOneClosedIncident) {
  const auto result =
      Evaluate(kExceedanceKey, {}, {C(0), E(1, 120), E(2, 180), E(3, 150), C(4), C(5), C(6)});
  ASSERT_THAT(result.incidents, SizeIs(1));
  const Incident& incident = result.incidents[0];
  EXPECT_EQ(incident.key, kExceedanceKey);
  EXPECT_EQ(incident.state, IncidentState::kClosed);
  EXPECT_EQ(incident.first_bad_window, Hour(1));
  EXPECT_EQ(incident.last_bad_window, Hour(3));
  EXPECT_EQ(incident.bad_windows, 3);
  EXPECT_DOUBLE_EQ(incident.peak_value, 180);
  EXPECT_DOUBLE_EQ(incident.peak_limit, kLimit);
  EXPECT_EQ(incident.peak_unit, "mg/m3");
  EXPECT_DOUBLE_EQ(incident.peak_ratio, 1.8);
  EXPECT_EQ(incident.closing_window, Hour(5));
  // Evidence: every window from the first bad one through the closing one, with its inputs.
  ASSERT_THAT(incident.verdicts, SizeIs(5));
  EXPECT_EQ(incident.verdicts.front(), E(1, 120));
  EXPECT_EQ(incident.verdicts.back().inputs.rule_version, "rules-v1");
  EXPECT_THAT(Kinds(result), ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kClosed));
}

TEST(IncidentTest, PeakRatioFollowsTheLimitInForce) {
  // The limit drops at hour 2: the highest value is not the highest ratio.
  const auto result =
      Evaluate(kExceedanceKey, {},
               {E(1, 150), ExceedanceVerdict(Hour(2), absl::Hours(1), 120, 50, "mg/m3", Inputs())});
  ASSERT_THAT(result.incidents, SizeIs(1));
  EXPECT_DOUBLE_EQ(result.incidents[0].peak_value, 150);
  EXPECT_DOUBLE_EQ(result.incidents[0].peak_limit, kLimit);
  EXPECT_DOUBLE_EQ(result.incidents[0].peak_ratio, 2.4);
  EXPECT_EQ(result.incidents[0].state, IncidentState::kOpen);
}

TEST(IncidentTest, OneCompliantHourBetweenExceedancesKeepsItOpen) {
  const auto result = Evaluate(kExceedanceKey, {}, {E(1, 120), C(2), E(3, 130), C(4)});
  ASSERT_THAT(result.incidents, SizeIs(1));
  EXPECT_EQ(result.incidents[0].state, IncidentState::kOpen);
  EXPECT_EQ(result.incidents[0].bad_windows, 2);
  EXPECT_EQ(result.incidents[0].last_bad_window, Hour(3));
  EXPECT_EQ(result.incidents[0].compliant_run, 1);
  EXPECT_EQ(result.incidents[0].closing_window, std::nullopt);
  EXPECT_THAT(Kinds(result), ElementsAre(IncidentEventKind::kOpened));
}

TEST(IncidentTest, ExcludedHoursNeitherSplitNorClose) {
  const auto result =
      Evaluate(kExceedanceKey, {}, {E(1, 120), X(2), X(3), E(4, 110), C(5), X(6), C(7)});
  ASSERT_THAT(result.incidents, SizeIs(1));
  EXPECT_EQ(result.incidents[0].bad_windows, 2);
  EXPECT_EQ(result.incidents[0].state, IncidentState::kClosed);
  // An excluded hour between two compliant ones does not break the run.
  EXPECT_EQ(result.incidents[0].closing_window, Hour(7));
}

TEST(IncidentTest, ExcludedGapCanBeMadeToClose) {
  IncidentOptions options;
  options.max_excluded_gap = 1;
  auto result = EvaluateIncidents(kExceedanceKey, {}, {E(1, 120), X(2), X(3), E(4, 110)}, options);
  ASSERT_THAT(result, IsOk());
  ASSERT_THAT(result->incidents, SizeIs(2));
  EXPECT_EQ(result->incidents[0].closing_window, Hour(3));
  EXPECT_EQ(result->incidents[1].first_bad_window, Hour(4));
}

TEST(IncidentTest, ClosedIncidentIsFollowedByANewOne) {
  const auto result = Evaluate(kExceedanceKey, {}, {E(1, 120), C(2), C(3), E(4, 130)});
  ASSERT_THAT(result.incidents, SizeIs(2));
  EXPECT_EQ(result.incidents[0].state, IncidentState::kClosed);
  EXPECT_EQ(result.incidents[1].state, IncidentState::kOpen);
  EXPECT_EQ(result.incidents[1].first_bad_window, Hour(4));
}

TEST(IncidentTest, ReplayingTheSameVerdictsChangesNothing) {
  const std::vector<WindowVerdict> span = {C(0), E(1, 120), E(2, 180), C(3), C(4), E(5, 140), C(6)};
  const auto first = Evaluate(kExceedanceKey, {}, span);
  ASSERT_THAT(first.incidents, SizeIs(2));

  const auto again = Evaluate(kExceedanceKey, first.incidents, span);
  EXPECT_EQ(again.incidents, first.incidents);
  EXPECT_THAT(again.events, IsEmpty());

  // A shorter look-back starting inside the open incident replays its tail only.
  const std::vector<WindowVerdict> tail(span.begin() + 6, span.end());
  const auto from_tail = Evaluate(kExceedanceKey, first.incidents, tail);
  ASSERT_THAT(from_tail.incidents, SizeIs(1));
  EXPECT_EQ(from_tail.incidents[0], first.incidents[1]);
  EXPECT_THAT(from_tail.events, IsEmpty());

  // And one starting inside the closed incident, before its closing hour.
  const std::vector<WindowVerdict> middle(span.begin() + 2, span.end());
  const auto from_middle = Evaluate(kExceedanceKey, first.incidents, middle);
  EXPECT_EQ(from_middle.incidents, first.incidents);
  EXPECT_THAT(from_middle.events, IsEmpty());
}

TEST(IncidentTest, ExtendingAnOpenIncidentIsAnUpdateAndATrailingCompliantHourIsSilent) {
  const auto first = Evaluate(kExceedanceKey, {}, {E(1, 120)});
  const auto extended = Evaluate(kExceedanceKey, first.incidents, {E(1, 120), E(2, 200)});
  ASSERT_THAT(extended.incidents, SizeIs(1));
  EXPECT_EQ(extended.incidents[0].bad_windows, 2);
  EXPECT_DOUBLE_EQ(extended.incidents[0].peak_value, 200);
  EXPECT_THAT(Kinds(extended), ElementsAre(IncidentEventKind::kUpdated));

  const auto quiet = Evaluate(kExceedanceKey, extended.incidents, {C(3)});
  ASSERT_THAT(quiet.incidents, SizeIs(1));
  EXPECT_EQ(quiet.incidents[0].compliant_run, 1);
  EXPECT_THAT(quiet.events, IsEmpty());

  const auto closed = Evaluate(kExceedanceKey, quiet.incidents, {C(3), C(4)});
  ASSERT_THAT(closed.incidents, SizeIs(1));
  EXPECT_EQ(closed.incidents[0].closing_window, Hour(4));
  EXPECT_THAT(Kinds(closed), ElementsAre(IncidentEventKind::kClosed));
}

TEST(IncidentTest, LateDataTurningAMissingHourCompliantRecomputesTheIncident) {
  // Hours 10 and 11 missing, 12 compliant: one open missing-data incident.
  const auto before = Evaluate(kMissingKey, {}, {C(9), M(10), M(11), C(12)});
  ASSERT_THAT(before.incidents, SizeIs(1));
  EXPECT_EQ(before.incidents[0].bad_windows, 2);
  EXPECT_EQ(before.incidents[0].state, IncidentState::kOpen);

  // Hour 11's data arrive late and are compliant: two compliant hours close it at 12.
  const auto late = Evaluate(kMissingKey, before.incidents, {C(9), M(10), C(11), C(12)});
  ASSERT_THAT(late.incidents, SizeIs(1));
  EXPECT_EQ(late.incidents[0].first_bad_window, Hour(10));
  EXPECT_EQ(late.incidents[0].bad_windows, 1);
  EXPECT_EQ(late.incidents[0].last_bad_window, Hour(10));
  EXPECT_EQ(late.incidents[0].state, IncidentState::kClosed);
  EXPECT_EQ(late.incidents[0].closing_window, Hour(12));
  EXPECT_THAT(Kinds(late), ElementsAre(IncidentEventKind::kClosed));

  // Hour 10's data arrive too: the incident had no missing hour and is withdrawn.
  const auto all_late = Evaluate(kMissingKey, late.incidents, {C(9), C(10), C(11), C(12)});
  EXPECT_THAT(all_late.incidents, IsEmpty());
  ASSERT_THAT(all_late.events, SizeIs(1));
  EXPECT_EQ(all_late.events[0].kind, IncidentEventKind::kWithdrawn);
  EXPECT_EQ(all_late.events[0].incident.first_bad_window, Hour(10));
}

TEST(IncidentTest, LateDataMovingTheFirstHourWithdrawsAndReopens) {
  const auto before = Evaluate(kMissingKey, {}, {M(10), M(11)});
  const auto late = Evaluate(kMissingKey, before.incidents, {C(10), M(11)});
  ASSERT_THAT(late.incidents, SizeIs(1));
  EXPECT_EQ(late.incidents[0].first_bad_window, Hour(11));
  EXPECT_THAT(late.events, ElementsAre(Field(&IncidentEvent::kind, IncidentEventKind::kOpened),
                                       Field(&IncidentEvent::kind, IncidentEventKind::kWithdrawn)));
}

TEST(IncidentTest, ANewlyAcceptedMarkExcludesTheHours) {
  const auto before = Evaluate(kExceedanceKey, {}, {E(1, 120), C(2)});
  const auto marked = Evaluate(kExceedanceKey, before.incidents, {X(1), C(2)});
  EXPECT_THAT(marked.incidents, IsEmpty());
  EXPECT_THAT(Kinds(marked), ElementsAre(IncidentEventKind::kWithdrawn));
}

TEST(IncidentTest, ExceedanceAndMissingDataAreTrackedSeparately) {
  const std::vector<WindowVerdict> span = {E(1, 120), M(2), C(3), M(4), E(5, 130), C(6), C(7)};
  const auto exceedance = Evaluate(kExceedanceKey, {}, span);
  const auto missing = Evaluate(kMissingKey, {}, span);

  // Missing hours neither extend nor close the exceedance, but break its compliant run.
  ASSERT_THAT(exceedance.incidents, SizeIs(1));
  EXPECT_EQ(exceedance.incidents[0].bad_windows, 2);
  EXPECT_EQ(exceedance.incidents[0].closing_window, Hour(7));
  // Exceedance hours neither extend nor close the missing-data incident.
  ASSERT_THAT(missing.incidents, SizeIs(1));
  EXPECT_EQ(missing.incidents[0].first_bad_window, Hour(2));
  EXPECT_EQ(missing.incidents[0].bad_windows, 2);
  EXPECT_EQ(missing.incidents[0].closing_window, Hour(7));
  EXPECT_DOUBLE_EQ(missing.incidents[0].peak_value, 0);
}

TEST(IncidentTest, RefusesBadInput) {
  EXPECT_THAT(EvaluateIncidents(kExceedanceKey, {}, {E(2, 120), E(1, 120)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EvaluateIncidents(kExceedanceKey, {}, {E(1, 120), E(1, 120)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      EvaluateIncidents(kExceedanceKey, {},
                        {ExceedanceVerdict(Hour(1), absl::Hours(1), 5, 0, "mg/m3", {})}, {}),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EvaluateIncidents({"o", "p", IncidentKind::kDeviceOffline}, {}, {C(1)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));

  const auto stored = Evaluate(kExceedanceKey, {}, {E(1, 120), E(2, 120)});
  // A span ending before the stored windows would silently drop them.
  EXPECT_THAT(EvaluateIncidents(kExceedanceKey, stored.incidents, {E(1, 120)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EvaluateIncidents(kMissingKey, stored.incidents, {E(1, 120), E(2, 120)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(IncidentTest, DeviceOfflineAroundTheThreshold) {
  const absl::Time last_seen = Hour(8);
  const OfflineOptions options;  // 1 hour
  EXPECT_FALSE(
      DeviceOfflineIncidentShouldBeOpen(last_seen, last_seen + absl::Minutes(59), options));
  EXPECT_FALSE(DeviceOfflineIncidentShouldBeOpen(last_seen, last_seen + absl::Hours(1), options));
  EXPECT_TRUE(DeviceOfflineIncidentShouldBeOpen(
      last_seen, last_seen + absl::Hours(1) + absl::Seconds(1), options));
  EXPECT_FALSE(DeviceOfflineIncidentShouldBeOpen(last_seen, last_seen + absl::Hours(2),
                                                 OfflineOptions{absl::Hours(3)}));
  EXPECT_TRUE(DeviceOfflineIncidentShouldBeOpen(last_seen, last_seen + absl::Hours(4),
                                                OfflineOptions{absl::Hours(3)}));
}

}  // namespace
}  // namespace ecocase::domain::evaluation
