#include "hj212sim/value_model.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim_test_util.h"

namespace hj212sim {
namespace {

using simtest::Beijing;

constexpr absl::string_view kMn = "010000A8900016F000169DC0";
const absl::Time kT0 = Beijing(2026, 11, 29, 0, 0, 0);

const Factor& F(absl::string_view code) { return *FindFactor(code); }

TEST(ValueModel, TheSameSeedGivesTheSameValuesInAnyOrder) {
  const ValueModel a(42, 0.1);
  const ValueModel b(42, 0.1);
  const ValueModel other(43, 0.1);
  int differ = 0;
  for (int i = 99; i >= 0; --i) {  // b is asked in the opposite order
    const absl::Time t = kT0 + absl::Seconds(30 * i);
    EXPECT_EQ(a.Instant(kMn, F("a21026"), t).value,
              b.Instant(kMn, F("a21026"), kT0 + absl::Seconds(30 * i)).value);
    if (a.Instant(kMn, F("a21026"), t).value != other.Instant(kMn, F("a21026"), t).value) ++differ;
  }
  EXPECT_GT(differ, 90);
  EXPECT_EQ(a.Period(kMn, F("w01018"), kT0, absl::Hours(1)).avg,
            b.Period(kMn, F("w01018"), kT0, absl::Hours(1)).avg);
  // Stations differ too.
  EXPECT_NE(a.Instant(kMn, F("a21026"), kT0).value,
            a.Instant("010000A8900016F000169DC1", F("a21026"), kT0).value);
}

TEST(ValueModel, ExceedancesComeAtRoughlyTheAskedRate) {
  for (double rate : {0.0, 0.05, 0.3}) {
    SCOPED_TRACE(rate);
    const ValueModel model(7, rate);
    int exceeded = 0;
    constexpr int kSamples = 20000;
    for (int i = 0; i < kSamples; ++i) {
      const Sample s = model.Instant(kMn, F("a21026"), kT0 + absl::Seconds(i));
      if (s.exceeded) {
        ++exceeded;
        EXPECT_GE(s.value, 3 * F("a21026").baseline);  // "several times" the baseline
      }
    }
    EXPECT_NEAR(static_cast<double>(exceeded) / kSamples, rate, 0.01 + rate * 0.1);
  }
}

TEST(ValueModel, AForcedFactorExceedsInEveryValueWhateverTheRate) {
  const ValueModel model(7, 0.0);
  const ValueModel same(7, 0.0);
  const Factor& so2 = F("a21026");
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE(i);
    const absl::Time t = kT0 + absl::Seconds(30 * i);
    const Sample s = model.Instant(kMn, so2, t, /*exceed=*/true);
    EXPECT_TRUE(s.exceeded);
    EXPECT_GE(s.value, 3 * so2.baseline);
    EXPECT_LE(s.value, 5 * so2.baseline);
    EXPECT_EQ(s.value, same.Instant(kMn, so2, t, true).value);  // deterministic per seed
    EXPECT_FALSE(model.Instant(kMn, so2, t).exceeded);          // the rate alone: never
    // Every hour's mean, and every minute period's.
    for (absl::Duration length : {absl::Hours(1), absl::Minutes(10)}) {
      const Aggregate agg = model.Period(kMn, so2, kT0 + i * length, length, true);
      EXPECT_TRUE(agg.exceeded);
      EXPECT_GE(agg.avg, 3 * so2.baseline);
      EXPECT_LE(agg.avg, 5 * so2.baseline);
      EXPECT_LE(agg.min, agg.avg);
      EXPECT_LE(agg.avg, agg.max);
    }
  }
  const Aggregate ph = model.Period(kMn, F("w01001"), kT0, absl::Hours(1), true);
  EXPECT_TRUE(ph.avg > 9 || ph.avg < 6) << ph.avg;
  EXPECT_FALSE(model.Period(kMn, F("a19001"), kT0, absl::Hours(1), true).exceeded);
}

TEST(ValueModel, OperatingParametersNeverExceedAndPhLeavesItsBand) {
  const ValueModel model(7, 1.0);
  for (int i = 0; i < 100; ++i) {
    const absl::Time t = kT0 + absl::Minutes(i);
    EXPECT_FALSE(model.Instant(kMn, F("a19001"), t).exceeded);
    const Sample ph = model.Instant(kMn, F("w01001"), t);
    EXPECT_TRUE(ph.exceeded);
    EXPECT_TRUE(ph.value > 9 || ph.value < 6) << ph.value;
  }
}

TEST(ValueModel, UndisturbedValuesStayNearTheBaseline) {
  const ValueModel model(11, 0.0);
  for (const Factor& f : FactorCatalogue()) {
    SCOPED_TRACE(f.code);
    for (int i = 0; i < 200; ++i) {
      const double v = model.Instant(kMn, f, kT0 + absl::Minutes(7 * i)).value;
      EXPECT_GE(v, f.baseline * (1 - f.swing) * (1 - 3 * f.noise));
      EXPECT_LE(v, f.baseline * (1 + f.swing) * (1 + 3 * f.noise));
    }
    const Aggregate agg = model.Period(kMn, f, kT0, absl::Hours(1));
    EXPECT_LE(agg.min, agg.avg);
    EXPECT_LE(agg.avg, agg.max);
    EXPECT_FALSE(agg.exceeded);
  }
}

TEST(ValueModel, EmissionFollowsAppendixD) {
  // Air: 20 mg/m³ at 100 m³/s for an hour = 360000 m³ -> 7.2 kg.
  EXPECT_DOUBLE_EQ(ValueModel::Emission(F("a21026"), 20, 100, absl::Hours(1)), 7.2);
  EXPECT_DOUBLE_EQ(ValueModel::Emission(F("a00000"), 100, 100, absl::Hours(1)), 360000);
  // Water: 30 mg/L at 20 L/s for an hour = 72 m³ -> 2.16 kg.
  EXPECT_DOUBLE_EQ(ValueModel::Emission(F("w01018"), 30, 20, absl::Hours(1)), 2.16);
  EXPECT_DOUBLE_EQ(ValueModel::Emission(F("w00000"), 20, 20, absl::Hours(1)), 72);
}

}  // namespace
}  // namespace hj212sim
