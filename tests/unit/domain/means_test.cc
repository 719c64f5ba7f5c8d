// Hourly and daily means for the exceedance evaluation (domain-rules §2.2, §2.3, App. D).
#include "domain/evaluation/means.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecocase::domain::evaluation {
namespace {

using monitoring::Reading;
using monitoring::ReadingKind;
using ::testing::DoubleEq;
using ::testing::HasSubstr;
using ::testing::Optional;

// 2026-11-29 10:00 Beijing = 02:00 UTC.
const absl::Time kHour = absl::FromCivil(absl::CivilSecond(2026, 11, 29, 2, 0, 0),
                                         absl::UTCTimeZone());

Reading At(ReadingKind kind, absl::Time t, double value, absl::string_view flag = "N",
           absl::string_view pollutant = "a21026") {
  Reading r;
  r.mn = "41080200000001";
  r.pollutant = std::string(pollutant);
  r.kind = kind;
  r.data_time = t;
  r.value = value;
  r.flag = std::string(flag);
  return r;
}

// Minute readings 0..n-1 of the hour, all with `value` and `flag`.
std::vector<Reading> Minutes(int from, int to, double value, absl::string_view flag = "N",
                             absl::string_view pollutant = "a21026") {
  std::vector<Reading> out;
  for (int m = from; m < to; ++m) {
    out.push_back(At(ReadingKind::kMinute, kHour + absl::Minutes(m), value, flag, pollutant));
  }
  return out;
}

TEST(MeansReadingValidityTest, FlagsMapToValidityWithReasons) {
  MeansOptions o;
  auto v = [&](absl::string_view flag) {
    return EvaluateReading(At(ReadingKind::kMinute, kHour, 1, flag), o);
  };
  EXPECT_EQ(v("N"), ReadingValidity::kValid);
  EXPECT_EQ(v("T"), ReadingValidity::kOverRange);
  EXPECT_EQ(v("F"), ReadingValidity::kStopped);
  EXPECT_EQ(v("M"), ReadingValidity::kMaintenance);
  EXPECT_EQ(v("S"), ReadingValidity::kManualValue);
  EXPECT_EQ(v("D"), ReadingValidity::kFault);
  EXPECT_EQ(v("C"), ReadingValidity::kCalibration);
  EXPECT_EQ(v("B"), ReadingValidity::kCommError);
  EXPECT_EQ(v("Td"), ReadingValidity::kKeyProcessFault);
  EXPECT_EQ(v("X"), ReadingValidity::kUnknownFlag);
  EXPECT_TRUE(CountsAsValid(v("T")));
  EXPECT_FALSE(CountsAsValid(v("Td")));
  EXPECT_EQ(ReadingValidityName(v("M")), "MAINTENANCE");

  Reading no_value = At(ReadingKind::kMinute, kHour, 1);
  no_value.value.reset();
  EXPECT_EQ(EvaluateReading(no_value, o), ReadingValidity::kNoValue);

  o.over_range_is_valid = false;
  EXPECT_EQ(v("T"), ReadingValidity::kOverRangeInvalid);
  EXPECT_FALSE(CountsAsValid(v("T")));
}

TEST(MeansReadingValidityTest, ExcludedPeriodAndPredicateExclude) {
  MeansOptions o;
  o.excluded_periods.push_back({kHour + absl::Minutes(10), kHour + absl::Minutes(20)});
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kMinute, kHour + absl::Minutes(10), 1), o),
            ReadingValidity::kExcluded);
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kMinute, kHour + absl::Minutes(20), 1), o),
            ReadingValidity::kValid);  // end is exclusive
  // A mark inside the hour excludes the station's value for that hour.
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kHour, kHour, 1), o), ReadingValidity::kExcluded);
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kHour, kHour + absl::Hours(1), 1), o),
            ReadingValidity::kValid);

  MeansOptions p;
  p.is_excluded = [](const Reading& r) { return r.pollutant == "a21002"; };
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kMinute, kHour, 1, "N", "a21002"), p),
            ReadingValidity::kExcluded);
  EXPECT_EQ(EvaluateReading(At(ReadingKind::kMinute, kHour, 1), p), ReadingValidity::kValid);
}

TEST(MeansHourlyTest, SixtyValidMinutesGiveTheirMean) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 30, 20);
  auto more = Minutes(30, 60, 40);
  in.pollutant.minutes.insert(in.pollutant.minutes.end(), more.begin(), more.end());
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.source, MeanSource::kMinutes);
  EXPECT_EQ(h.valid_count, 60);
  EXPECT_DOUBLE_EQ(h.raw, 30);        // (30×20 + 30×40) / 60
  EXPECT_DOUBLE_EQ(h.corrected, 30);  // no reference O2
  EXPECT_FALSE(h.over_range);
}

TEST(MeansHourlyTest, FortyFourValidAndSixteenMaintenanceMinutesAreTooFew) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 44, 20);
  auto maint = Minutes(44, 60, 500, "M");
  in.pollutant.minutes.insert(in.pollutant.minutes.end(), maint.begin(), maint.end());
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_FALSE(h.valid);
  EXPECT_EQ(h.invalid_reason, MeanInvalidReason::kTooFewValid);
  EXPECT_THAT(h.detail, HasSubstr("valid minutes 44/45"));

  // 45 is enough, and the threshold is configurable.
  in.pollutant.minutes[44].flag = "N";
  in.pollutant.minutes[44].value = 20;
  EXPECT_TRUE(ComputeHourlyMean(in, {}).valid);
  MeansOptions strict;
  strict.min_valid_minutes_per_hour = 50;
  EXPECT_FALSE(ComputeHourlyMean(in, strict).valid);
}

TEST(MeansHourlyTest, StationHourlyValuePreferredWhenValid) {
  HourlyMeanInput in;
  in.pollutant.station_hour = At(ReadingKind::kHour, kHour, 33);
  in.pollutant.minutes = Minutes(0, 60, 20);
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.source, MeanSource::kStationHourly);
  EXPECT_DOUBLE_EQ(h.raw, 33);
  EXPECT_EQ(h.valid_count, 1);

  // Flagged D: fall back to the minutes.
  in.pollutant.station_hour->flag = "D";
  h = ComputeHourlyMean(in, {});
  EXPECT_EQ(h.source, MeanSource::kMinutes);
  EXPECT_DOUBLE_EQ(h.raw, 20);
}

TEST(MeansHourlyTest, StoppedStationHourIsReportedForTheJudgement) {
  HourlyMeanInput in;
  in.pollutant.station_hour = At(ReadingKind::kHour, kHour, 0, "F");
  in.pollutant.minutes = Minutes(0, 60, 0, "F");
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_FALSE(h.valid);
  EXPECT_TRUE(h.station_hour_stopped);
  EXPECT_EQ(h.stopped_readings, 61);
  EXPECT_THAT(h.detail, HasSubstr("station hourly STOPPED"));
}

TEST(MeansHourlyTest, O2CorrectionGb13223CoalReference6) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 60, 30);
  in.o2.minutes = Minutes(0, 60, 9, "N", "a19001");
  in.reference_o2 = 6;
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_DOUBLE_EQ(h.raw, 30);
  EXPECT_THAT(h.o2, Optional(DoubleEq(9)));
  EXPECT_DOUBLE_EQ(h.corrected, 37.5);  // 30 × 15 / 12
}

TEST(MeansHourlyTest, O2CorrectionGb13271CoalBoilerReference9) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 60, 30);
  in.o2.station_hour = At(ReadingKind::kHour, kHour, 12, "N", "a19001");
  in.reference_o2 = 9;
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_DOUBLE_EQ(h.corrected, 40);  // 30 × 12 / 9
}

TEST(MeansHourlyTest, O2AtOrAbove209IsInvalidNotAnExceedance) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 60, 30);
  in.o2.minutes = Minutes(0, 60, 20.9, "N", "a19001");
  in.reference_o2 = 6;
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_FALSE(h.valid);
  EXPECT_EQ(h.invalid_reason, MeanInvalidReason::kO2TooHigh);

  in.o2.minutes = Minutes(0, 60, 20.8, "N", "a19001");
  h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_NEAR(h.corrected, 30 * 15 / 0.2, 1e-6);
}

TEST(MeansHourlyTest, MissingOrInvalidO2WithReferenceIsInvalid) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 60, 30);
  in.reference_o2 = 6;
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_FALSE(h.valid);
  EXPECT_EQ(h.invalid_reason, MeanInvalidReason::kO2Missing);

  in.o2.minutes = Minutes(0, 60, 9, "C", "a19001");
  h = ComputeHourlyMean(in, {});
  EXPECT_FALSE(h.valid);
  EXPECT_EQ(h.invalid_reason, MeanInvalidReason::kO2Missing);

  in.o2.minutes = Minutes(0, 60, 9, "N", "a19001");
  in.reference_o2 = 21;
  EXPECT_EQ(ComputeHourlyMean(in, {}).invalid_reason, MeanInvalidReason::kBadReferenceO2);
}

TEST(MeansHourlyTest, StationZsSentinelIgnoredAndRecomputedFromO2) {
  HourlyMeanInput in;
  in.pollutant.station_hour = At(ReadingKind::kHour, kHour, 30);
  in.pollutant.station_hour->zs_value = 9999.99;  // N4.2 maximum: "cannot compute"
  in.o2.station_hour = At(ReadingKind::kHour, kHour, 9, "N", "a19001");
  in.reference_o2 = 6;
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.station_corrected, std::nullopt);
  EXPECT_DOUBLE_EQ(h.corrected, 37.5);

  in.pollutant.station_hour->zs_value = 37.4;
  EXPECT_THAT(ComputeHourlyMean(in, {}).station_corrected, Optional(DoubleEq(37.4)));
  // The sentinel depends on the factor's data type: 9999.99 is an ordinary N6.2 value.
  in.pollutant.station_hour->zs_value = 9999.99;
  in.zs_data_type = {6, 2};
  EXPECT_THAT(ComputeHourlyMean(in, {}).station_corrected, Optional(DoubleEq(9999.99)));
}

TEST(MeansHourlyTest, RealtimeNeedsValidSamplesInFortyFiveDistinctMinutes) {
  HourlyMeanInput in;
  // Two samples a minute in minutes 0..44: 45 minutes covered. Minute m averages 10 and 30.
  for (int m = 0; m < 45; ++m) {
    in.pollutant.realtime.push_back(At(ReadingKind::kRealtime, kHour + absl::Minutes(m), 10));
    in.pollutant.realtime.push_back(
        At(ReadingKind::kRealtime, kHour + absl::Minutes(m) + absl::Seconds(30), 30));
  }
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.source, MeanSource::kRealtime);
  EXPECT_EQ(h.valid_count, 45);
  EXPECT_DOUBLE_EQ(h.raw, 20);

  // Many samples crowded into 44 minutes do not cover the hour.
  HourlyMeanInput crowded;
  for (int m = 0; m < 44; ++m) {
    for (int s = 0; s < 60; s += 5) {
      crowded.pollutant.realtime.push_back(
          At(ReadingKind::kRealtime, kHour + absl::Minutes(m) + absl::Seconds(s), 10));
    }
  }
  h = ComputeHourlyMean(crowded, {});
  EXPECT_FALSE(h.valid);
  EXPECT_EQ(h.invalid_reason, MeanInvalidReason::kTooFewValid);
  EXPECT_THAT(h.detail, HasSubstr("valid real-time minutes 44/45"));

  // Minutes whose only samples are invalid do not count.
  in.pollutant.realtime[0].flag = "M";
  in.pollutant.realtime[1].flag = "B";
  EXPECT_FALSE(ComputeHourlyMean(in, {}).valid);
}

TEST(MeansHourlyTest, OverRangeMinutesCountAndAreMarked) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 40, 20);
  auto high = Minutes(40, 50, 200, "T");
  in.pollutant.minutes.insert(in.pollutant.minutes.end(), high.begin(), high.end());
  HourlyMean h = ComputeHourlyMean(in, {});
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.valid_count, 50);
  EXPECT_TRUE(h.over_range);
  EXPECT_DOUBLE_EQ(h.raw, 56);  // (40×20 + 10×200) / 50
}

TEST(MeansHourlyTest, ExcludedPeriodRemovesReadings) {
  HourlyMeanInput in;
  in.pollutant.minutes = Minutes(0, 60, 20);
  MeansOptions o;
  o.excluded_periods.push_back({kHour, kHour + absl::Minutes(15)});  // accepted maintenance mark
  HourlyMean h = ComputeHourlyMean(in, o);
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.valid_count, 45);

  o.excluded_periods[0].end = kHour + absl::Minutes(16);
  h = ComputeHourlyMean(in, o);
  EXPECT_FALSE(h.valid);
  EXPECT_THAT(h.detail, HasSubstr("valid minutes 44/45"));

  // The station's hour overlapping the mark is excluded too.
  in.pollutant.station_hour = At(ReadingKind::kHour, kHour, 99);
  h = ComputeHourlyMean(in, o);
  EXPECT_FALSE(h.valid);
  EXPECT_THAT(h.detail, HasSubstr("station hourly EXCLUDED"));
}

HourlyMean ValidHour(double raw, double corrected) {
  HourlyMean h;
  h.valid = true;
  h.raw = raw;
  h.corrected = corrected;
  h.source = MeanSource::kMinutes;
  return h;
}

TEST(MeansDailyTest, TwentyValidHoursSufficeNineteenDoNot) {
  DailyMeanInput in;
  for (int i = 0; i < 10; ++i) in.hours.push_back(ValidHour(10, 20));
  for (int i = 0; i < 10; ++i) in.hours.push_back(ValidHour(30, 40));
  for (int i = 0; i < 4; ++i) in.hours.push_back(HourlyMean{});  // invalid hours
  DailyMean d = ComputeDailyMean(in, {});
  EXPECT_TRUE(d.valid);
  EXPECT_EQ(d.source, MeanSource::kHourlyMeans);
  EXPECT_EQ(d.valid_count, 20);
  EXPECT_DOUBLE_EQ(d.raw, 20);
  EXPECT_DOUBLE_EQ(d.corrected, 30);

  in.hours[0].valid = false;
  d = ComputeDailyMean(in, {});
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(d.invalid_reason, MeanInvalidReason::kTooFewValid);
  EXPECT_EQ(d.valid_count, 19);
  EXPECT_THAT(d.detail, HasSubstr("valid hours 19/20"));
}

TEST(MeansDailyTest, WastewaterIsFlowWeighted) {
  DailyMeanInput in;
  in.medium = Medium::kWastewater;
  in.hours = {ValidHour(40, 40), ValidHour(10, 10)};
  in.hourly_flows = {1.0, 3.0};
  MeansOptions two;
  two.min_valid_hours_per_day = 2;
  DailyMean d = ComputeDailyMean(in, two);
  EXPECT_TRUE(d.valid);
  EXPECT_DOUBLE_EQ(d.corrected, 17.5);  // (40×1 + 10×3) / 4

  // With the default 20 hours: 18 more hours of C=17.5, Q=2 keep the mean at 17.5;
  // an hour without flow does not contribute.
  for (int i = 0; i < 18; ++i) {
    in.hours.push_back(ValidHour(17.5, 17.5));
    in.hourly_flows.push_back(2.0);
  }
  in.hours.push_back(ValidHour(1000, 1000));
  in.hourly_flows.push_back(std::nullopt);
  d = ComputeDailyMean(in, {});
  EXPECT_TRUE(d.valid);
  EXPECT_EQ(d.valid_count, 20);
  EXPECT_DOUBLE_EQ(d.raw, 17.5);

  // Drop one flow: 19 contributing hours, not enough.
  in.hourly_flows[2] = 0.0;
  d = ComputeDailyMean(in, {});
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(d.valid_count, 19);

  DailyMeanInput no_flow;
  no_flow.medium = Medium::kWastewater;
  no_flow.hours = {ValidHour(1, 1)};
  EXPECT_EQ(ComputeDailyMean(no_flow, {}).invalid_reason, MeanInvalidReason::kNoFlow);
}

TEST(MeansDailyTest, StationDailyValuePreferredWhenValid) {
  DailyMeanInput in;
  for (int i = 0; i < 24; ++i) in.hours.push_back(ValidHour(10, 10));
  in.station_day = At(ReadingKind::kDay, kHour, 12);
  DailyMean d = ComputeDailyMean(in, {});
  EXPECT_EQ(d.source, MeanSource::kStationDaily);
  EXPECT_DOUBLE_EQ(d.corrected, 12);

  // With a reference O2 the station's value needs the station's O2 day value.
  in.reference_o2 = 6;
  d = ComputeDailyMean(in, {});
  EXPECT_EQ(d.source, MeanSource::kHourlyMeans);
  EXPECT_THAT(d.detail, HasSubstr("station daily O2 missing"));
  in.station_o2_day = At(ReadingKind::kDay, kHour, 9, "N", "a19001");
  d = ComputeDailyMean(in, {});
  EXPECT_EQ(d.source, MeanSource::kStationDaily);
  EXPECT_DOUBLE_EQ(d.corrected, 15);  // 12 × 15 / 12

  in.station_day->flag = "C";
  d = ComputeDailyMean(in, {});
  EXPECT_EQ(d.source, MeanSource::kHourlyMeans);
  EXPECT_DOUBLE_EQ(d.corrected, 10);
}

TEST(MeansTest, RuleVersionIsExposed) { EXPECT_EQ(kMeansRuleVersion, "means/1"); }

}  // namespace
}  // namespace ecocase::domain::evaluation
