// Window judgement (issue 7 item 2; domain-rules §2.3, §2.4, §2.8): hand-computed values.
#include "domain/evaluation/judgement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecocase::domain::evaluation {
namespace {

using monitoring::Reading;
using monitoring::ReadingKind;
using ::testing::DoubleNear;
using ::testing::HasSubstr;

// 2026-11-29 00:00 Beijing = 2026-11-28 16:00 UTC.
const absl::Time kDay =
    absl::FromCivil(absl::CivilSecond(2026, 11, 28, 16, 0, 0), absl::UTCTimeZone());

Reading At(ReadingKind kind, absl::Time t, absl::string_view pollutant, double value,
           absl::string_view flag = "N") {
  Reading r;
  r.mn = "41080200000001";
  r.pollutant = std::string(pollutant);
  r.kind = kind;
  r.data_time = t;
  r.value = value;
  r.flag = std::string(flag);
  return r;
}

// Minute means of hour `hour` (0-23 of kDay), minutes [from, to).
void AddMinutes(std::vector<Reading>& out, int hour, absl::string_view pollutant, double value,
                int from = 0, int to = 60, absl::string_view flag = "N") {
  for (int m = from; m < to; ++m) {
    out.push_back(At(ReadingKind::kMinute, kDay + absl::Hours(hour) + absl::Minutes(m), pollutant,
                     value, flag));
  }
}

ApplicableLimit Limit(double value, AveragingWindow window, std::optional<double> ref_o2,
                      std::string unit = "mg/m3") {
  ApplicableLimit l;
  l.limit = value;
  l.unit = std::move(unit);
  l.window = window;
  l.reference_o2 = ref_o2;
  l.source = "91410800MA44TE5T0P001P v1";
  return l;
}

JudgementInput HourInput(int hours, ApplicableLimit limit) {
  JudgementInput in;
  in.from = kDay;
  in.to = kDay + absl::Hours(hours);
  in.pollutants = {"a21026"};
  in.limit_at = [limit](const std::string& p, absl::Time) -> std::optional<ApplicableLimit> {
    if (p != "a21026") return std::nullopt;
    return limit;
  };
  return in;
}

TEST(JudgementTest, Gb13223CoalBoilerCorrectsToSixPercentOxygen) {
  // SO2 120 mg/m3 measured at 9 % O2; reference 6 %: 120 × (21−6)/(21−9) = 150 > 100.
  JudgementInput in = HourInput(1, Limit(100, AveragingWindow::kHour, 6.0));
  AddMinutes(in.readings, 0, "a21026", 120);
  AddMinutes(in.readings, 0, "a19001", 9);
  std::vector<FactorVerdicts> out = JudgeWindows(in);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].verdicts.size(), 1u);
  const WindowVerdict& v = out[0].verdicts[0];
  EXPECT_EQ(v.kind, VerdictKind::kExceedance);
  EXPECT_THAT(v.value, DoubleNear(150, 1e-9));
  EXPECT_THAT(v.ratio, DoubleNear(1.5, 1e-9));
  EXPECT_EQ(v.inputs.valid_count, 60);
  EXPECT_THAT(v.inputs.rule_version, HasSubstr("means/1;judge/1;91410800MA44TE5T0P001P v1"));
}

TEST(JudgementTest, Gb13271CoalBoilerUsesNinePercentNotSix) {
  // The same boiler under GB 13271 (reference 9 %): 120 × 12/12 = 120 > 100; at 6 % it
  // would have been 150 — the common bug the rules warn about.
  JudgementInput in = HourInput(1, Limit(100, AveragingWindow::kHour, 9.0));
  AddMinutes(in.readings, 0, "a21026", 120);
  AddMinutes(in.readings, 0, "a19001", 9);
  const WindowVerdict v = JudgeWindows(in)[0].verdicts[0];
  EXPECT_EQ(v.kind, VerdictKind::kExceedance);
  EXPECT_THAT(v.value, DoubleNear(120, 1e-9));

  // A gas boiler at 3.5 % with 15 % measured O2: 20 × 17.5/6 = 58.33 > 50.
  JudgementInput gas = HourInput(1, Limit(50, AveragingWindow::kHour, 3.5));
  AddMinutes(gas.readings, 0, "a21026", 20);
  AddMinutes(gas.readings, 0, "a19001", 15);
  const WindowVerdict g = JudgeWindows(gas)[0].verdicts[0];
  EXPECT_EQ(g.kind, VerdictKind::kExceedance);
  EXPECT_THAT(g.value, DoubleNear(20 * 17.5 / 6, 1e-9));
}

TEST(JudgementTest, OxygenAtAirLevelIsNeverAnExceedance) {
  JudgementInput in = HourInput(1, Limit(100, AveragingWindow::kHour, 6.0));
  AddMinutes(in.readings, 0, "a21026", 500);
  AddMinutes(in.readings, 0, "a19001", 20.95);
  const WindowVerdict v = JudgeWindows(in)[0].verdicts[0];
  EXPECT_EQ(v.kind, VerdictKind::kMissing);
  EXPECT_THAT(v.inputs.detail, HasSubstr("O2_TOO_HIGH"));
}

TEST(JudgementTest, FewMinutesAreMissingStoppedUnitAndAcceptedMarksAreExcluded) {
  JudgementInput in = HourInput(4, Limit(100, AveragingWindow::kHour, std::nullopt));
  AddMinutes(in.readings, 0, "a21026", 50, 0, 30);        // 30 valid minutes: too few
  AddMinutes(in.readings, 1, "a21026", 0, 0, 60, "F");    // unit stopped
  AddMinutes(in.readings, 2, "a21026", 300, 0, 60, "N");  // would exceed, but marked
  in.marks["a21026"].push_back({kDay + absl::Hours(2), kDay + absl::Hours(3)});
  AddMinutes(in.readings, 3, "a21026", 80, 0, 50);  // 50 valid minutes: compliant
  std::vector<WindowVerdict> v = JudgeWindows(in)[0].verdicts;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].kind, VerdictKind::kMissing);
  EXPECT_THAT(v[0].inputs.detail, HasSubstr("TOO_FEW_VALID"));
  EXPECT_EQ(v[1].kind, VerdictKind::kExcluded);
  EXPECT_THAT(v[1].inputs.detail, HasSubstr("stopped"));
  EXPECT_EQ(v[2].kind, VerdictKind::kExcluded);
  EXPECT_THAT(v[2].inputs.detail, HasSubstr("mark"));
  EXPECT_EQ(v[3].kind, VerdictKind::kCompliant);
  EXPECT_THAT(v[3].value, DoubleNear(80, 1e-9));
}

TEST(JudgementTest, MarksForAllFactorsApplyAndOtherFactorsMarksDoNot) {
  JudgementInput in = HourInput(2, Limit(100, AveragingWindow::kHour, std::nullopt));
  AddMinutes(in.readings, 0, "a21026", 300);
  AddMinutes(in.readings, 1, "a21026", 300);
  in.marks[""].push_back({kDay, kDay + absl::Hours(1)});
  in.marks["a21002"].push_back({kDay + absl::Hours(1), kDay + absl::Hours(2)});
  std::vector<WindowVerdict> v = JudgeWindows(in)[0].verdicts;
  EXPECT_EQ(v[0].kind, VerdictKind::kExcluded);
  EXPECT_EQ(v[1].kind, VerdictKind::kExceedance);
}

TEST(JudgementTest, LimitInForceAtEachHourAndNoLimitNoVerdict) {
  // 80 mg/m3 every hour; the limit drops from 100 to 50 at 02:00; none before 01:00.
  JudgementInput in;
  in.from = kDay;
  in.to = kDay + absl::Hours(4);
  in.pollutants = {"a21026"};
  in.limit_at = [](const std::string&, absl::Time t) -> std::optional<ApplicableLimit> {
    if (t < kDay + absl::Hours(1)) return std::nullopt;
    return Limit(t < kDay + absl::Hours(2) ? 100 : 50, AveragingWindow::kHour, std::nullopt);
  };
  for (int h = 0; h < 4; ++h) AddMinutes(in.readings, h, "a21026", 80);
  std::vector<WindowVerdict> v = JudgeWindows(in)[0].verdicts;
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].window_start, kDay + absl::Hours(1));
  EXPECT_EQ(v[0].kind, VerdictKind::kCompliant);
  EXPECT_EQ(v[1].kind, VerdictKind::kExceedance);
  EXPECT_THAT(v[1].limit, DoubleNear(50, 1e-9));
  EXPECT_EQ(v[2].kind, VerdictKind::kExceedance);
}

TEST(JudgementTest, DailyWastewaterWindowIsFlowWeightedWithTheLimitAtMidnight) {
  // COD from the station's hourly values: 12 hours at 40 mg/L with flow 10, 12 hours at
  // 70 mg/L with flow 30. Flow-weighted: (40·10·12 + 70·30·12) / (10·12 + 30·12) = 62.5;
  // the arithmetic mean 55 would have hidden the larger exceedance.
  JudgementInput in;
  in.medium = Medium::kWastewater;
  in.from = kDay;
  in.to = kDay + absl::Hours(24);
  in.pollutants = {"w01018"};
  in.limit_at = [](const std::string& p, absl::Time t) -> std::optional<ApplicableLimit> {
    if (p != "w01018") return std::nullopt;
    // Changed at 08:00: a daily window keeps the limit in force at its start (50).
    return Limit(t < kDay + absl::Hours(8) ? 50 : 100, AveragingWindow::kDay, std::nullopt, "mg/L");
  };
  for (int h = 0; h < 24; ++h) {
    const bool high = h >= 12;
    in.readings.push_back(At(ReadingKind::kHour, kDay + absl::Hours(h), "w01018", high ? 70 : 40));
    in.readings.push_back(At(ReadingKind::kHour, kDay + absl::Hours(h), "w00000", high ? 30 : 10));
  }
  std::vector<FactorVerdicts> out = JudgeWindows(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].window_length, absl::Hours(24));
  ASSERT_EQ(out[0].verdicts.size(), 1u);
  const WindowVerdict& v = out[0].verdicts[0];
  EXPECT_EQ(v.kind, VerdictKind::kExceedance);
  EXPECT_THAT(v.value, DoubleNear(62.5, 1e-9));
  EXPECT_THAT(v.limit, DoubleNear(50, 1e-9));
  EXPECT_EQ(v.inputs.valid_count, 24);
}

TEST(JudgementTest, DayOfTooFewHoursIsMissingUnlessStoppedHoursExplainIt) {
  auto day = [](int valid_hours, int stopped_hours) {
    JudgementInput in;
    in.from = kDay;
    in.to = kDay + absl::Hours(24);
    in.pollutants = {"a34013"};
    in.limit_at = [](const std::string&, absl::Time) -> std::optional<ApplicableLimit> {
      return Limit(20, AveragingWindow::kDay, std::nullopt);
    };
    for (int h = 0; h < valid_hours; ++h) {
      in.readings.push_back(At(ReadingKind::kHour, kDay + absl::Hours(h), "a34013", 5));
    }
    for (int h = valid_hours; h < valid_hours + stopped_hours; ++h) {
      in.readings.push_back(At(ReadingKind::kHour, kDay + absl::Hours(h), "a34013", 0, "F"));
    }
    return JudgeWindows(in)[0].verdicts[0].kind;
  };
  EXPECT_EQ(day(20, 0), VerdictKind::kCompliant);
  EXPECT_EQ(day(10, 0), VerdictKind::kMissing);
  EXPECT_EQ(day(10, 14), VerdictKind::kExcluded);
}

TEST(JudgementTest, DaysAreJudgedOnlyWhenWhollyInsideTheSpan) {
  JudgementInput in;
  in.from = kDay;
  in.to = kDay + absl::Hours(30);
  in.pollutants = {"a34013"};
  in.limit_at = [](const std::string&, absl::Time) -> std::optional<ApplicableLimit> {
    return Limit(20, AveragingWindow::kDay, std::nullopt);
  };
  std::vector<FactorVerdicts> out = JudgeWindows(in);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].verdicts.size(), 1u);
  EXPECT_EQ(out[0].verdicts[0].window_start, kDay);
}

}  // namespace
}  // namespace ecocase::domain::evaluation
