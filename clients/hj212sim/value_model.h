#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hj212sim/factors.h"

namespace hj212sim {

// A value at one instant (CN 2011 -Rtd).
struct Sample {
  double value = 0;
  bool exceeded = false;  // pushed past the limit by --exceed-rate or exceed=
};

// Statistics of one period (CN 2051/2061/2031 -Min/-Avg/-Max).
struct Aggregate {
  double min = 0;
  double avg = 0;
  double max = 0;
  bool exceeded = false;
};

// Plausible readings: a factor's baseline times a slow sine (period 6 h, phase per station
// and factor) times noise. Every value is a pure function of (seed, MN, factor, time), so
// a packet re-built after a restart, a back-filled hour and a value in a test are all the
// same for the same seed, whatever order they are asked in.
class ValueModel {
 public:
  // `exceed_rate` in [0, 1]: the probability that one value (or one period of an
  // aggregate) of a factor with a limit is an exceedance (Factor::exceedance): 3-5 times
  // the baseline for a concentration, pH outside 6-9.
  ValueModel(uint64_t seed, double exceed_rate);

  // `exceed`: the value is an exceedance whatever the rate (a station's exceed= factors);
  // its size is drawn as for a random one, so it too depends on the seed only.
  Sample Instant(absl::string_view mn, const Factor& factor, absl::Time t,
                 bool exceed = false) const;

  // Min/avg/max of 12 evenly spaced samples in [start, start + length).
  Aggregate Period(absl::string_view mn, const Factor& factor, absl::Time start,
                   absl::Duration length, bool exceed = false) const;

  // -Cou of `factor` over a period whose mean concentration is `avg` and whose mean flow
  // is `flow_avg` (domain-rules §1.11): the volume itself for the flow factor (air m³/s x s;
  // water L/s x s x 1e-3, both m³), otherwise the emitted mass in kg (air mg/m³ x m³ x 1e-6;
  // water mg/L x m³ x 1e-3).
  static double Emission(const Factor& factor, double avg, double flow_avg, absl::Duration length);

 private:
  double Undisturbed(uint64_t key, const Factor& factor, int64_t unix_seconds) const;
  double Exceed(uint64_t key, const Factor& factor, double value) const;
  uint64_t seed_;
  double exceed_rate_;
};

}  // namespace hj212sim
