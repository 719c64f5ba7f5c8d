#include "hj212sim/value_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace hj212sim {
namespace {

constexpr int64_t kSinePeriodSeconds = 6 * 3600;
constexpr int kSamplesPerPeriod = 12;

// Stable across platforms and runs (std::hash is neither): FNV-1a over the bytes.
uint64_t Fnv1a(absl::string_view text, uint64_t h = 1469598103934665603ull) {
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// splitmix64's finaliser: a well mixed 64-bit value from any key.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t Key(uint64_t a, uint64_t b) { return Mix(a ^ Mix(b)); }

// Uniform in [0, 1).
double Uniform(uint64_t key) { return static_cast<double>(Mix(key) >> 11) * 0x1.0p-53; }

// Roughly standard normal: the sum of three uniforms has variance 1/4.
double Normal(uint64_t key) {
  return (Uniform(Key(key, 1)) + Uniform(Key(key, 2)) + Uniform(Key(key, 3)) - 1.5) * 2.0;
}

enum Salt : uint64_t { kPhase = 11, kNoise = 12, kExceedDraw = 13, kExceedSize = 14, kPeriod = 15 };

}  // namespace

ValueModel::ValueModel(uint64_t seed, double exceed_rate)
    : seed_(seed), exceed_rate_(std::clamp(exceed_rate, 0.0, 1.0)) {}

double ValueModel::Undisturbed(uint64_t key, const Factor& factor, int64_t unix_seconds) const {
  const double phase = 2 * std::numbers::pi * Uniform(Key(key, kPhase));
  const double angle = 2 * std::numbers::pi *
                           static_cast<double>(unix_seconds % kSinePeriodSeconds) /
                           static_cast<double>(kSinePeriodSeconds) +
                       phase;
  const double noise =
      factor.noise * Normal(Key(Key(key, kNoise), static_cast<uint64_t>(unix_seconds)));
  return std::max(0.0, factor.baseline * (1 + factor.swing * std::sin(angle)) * (1 + noise));
}

double ValueModel::Exceed(uint64_t key, const Factor& factor, double value) const {
  // `value` is what an exceedance replaces; kept for factors that have none.
  const double size = Uniform(Key(key, kExceedSize));
  switch (factor.exceedance) {
    case Exceedance::kMultiply: return factor.baseline * (3 + 2 * size);  // 3-5 times
    case Exceedance::kPh: return size < 0.5 ? 9.5 + size : 4.0 + size;    // above 9 or below 6
    case Exceedance::kNone: break;
  }
  return value;
}

Sample ValueModel::Instant(absl::string_view mn, const Factor& factor, absl::Time t,
                           bool exceed) const {
  const uint64_t key = Key(Fnv1a(factor.code, Fnv1a(mn)), seed_);
  const int64_t s = absl::ToUnixSeconds(t);
  Sample sample{Undisturbed(key, factor, s), false};
  const uint64_t draw = Key(Key(key, kExceedDraw), static_cast<uint64_t>(s));
  if (factor.exceedance != Exceedance::kNone && (exceed || Uniform(draw) < exceed_rate_)) {
    sample.value = Exceed(draw, factor, sample.value);
    sample.exceeded = true;
  }
  return sample;
}

Aggregate ValueModel::Period(absl::string_view mn, const Factor& factor, absl::Time start,
                             absl::Duration length, bool exceed) const {
  const uint64_t key = Key(Fnv1a(factor.code, Fnv1a(mn)), seed_);
  const int64_t first = absl::ToUnixSeconds(start);
  const int64_t step = std::max<int64_t>(1, absl::ToInt64Seconds(length) / kSamplesPerPeriod);
  Aggregate agg{std::numeric_limits<double>::max(), 0, 0, false};
  for (int i = 0; i < kSamplesPerPeriod; ++i) {
    const double v = Undisturbed(key, factor, first + i * step);
    agg.min = std::min(agg.min, v);
    agg.max = std::max(agg.max, v);
    agg.avg += v / kSamplesPerPeriod;
  }
  // One draw per period and length: the hour and the minutes inside it decide apart.
  const uint64_t draw = Key(Key(Key(key, kPeriod), static_cast<uint64_t>(first)),
                            static_cast<uint64_t>(absl::ToInt64Seconds(length)));
  if (factor.exceedance != Exceedance::kNone && (exceed || Uniform(draw) < exceed_rate_)) {
    if (factor.exceedance == Exceedance::kPh) {
      const double level = Exceed(draw, factor, agg.avg);
      agg = {std::min(level, agg.min), level, std::max(level, agg.max), true};
    } else if (agg.avg > 0) {
      // The whole period is lifted so that its mean is several times the baseline.
      const double times = Exceed(draw, factor, agg.avg) / agg.avg;
      agg = {agg.min * times, agg.avg * times, agg.max * times, true};
    }
  }
  return agg;
}

double ValueModel::Emission(const Factor& factor, double avg, double flow_avg,
                            absl::Duration length) {
  const double seconds = absl::ToDoubleSeconds(length);
  const bool air = factor.kind == StationKind::kAir;
  // Volume of the period in m³.
  const double volume = air ? flow_avg * seconds : flow_avg * seconds * 1e-3;
  if (factor.flow) return volume;
  return air ? avg * volume * 1e-6 : avg * volume * 1e-3;
}

}  // namespace hj212sim
