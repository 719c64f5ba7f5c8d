#pragma once

#include <optional>
#include <span>
#include <vector>

#include "absl/strings/string_view.h"

namespace hj212sim {

// What a station measures: a stack CEMS (HJ 212 ST=31, 大气环境污染源) or a wastewater
// outlet analyser (ST=32, 地表水体环境污染源), domain-rules §1.5.
enum class StationKind { kAir, kWater };

absl::string_view StationKindName(StationKind kind);  // "air", "water"
std::optional<StationKind> ParseStationKind(absl::string_view text);
absl::string_view SystemCode(StationKind kind);  // "31", "32"

// How --exceed-rate pushes a factor past its limit.
enum class Exceedance {
  kNone,      // an operating parameter (O2, temperature, flow...): no limit to exceed
  kMultiply,  // a concentration: several times its baseline
  kPh,        // pH: out of the 6-9 band rather than "several times 7"
};

// One factor the simulator can report, with a plausible value for a Jiaozuo coal-fired
// boiler stack after ultra-low-emission retrofit or an industrial wastewater outlet.
struct Factor {
  absl::string_view code;       // HJ 212-2017 code (Appendix B)
  absl::string_view code_2005;  // HJ/T 212-2005 原编码, "" where there is none
  StationKind kind;
  double baseline;  // typical value in `unit`
  absl::string_view unit;
  int decimals;  // digits after the point (the code's data type, Appendix B)
  double swing;  // relative amplitude of the slow daily sine
  double noise;  // relative standard deviation of the noise
  // Carries -Cou in minute/hour/day data (domain-rules §1.4, §1.11): the flow (a volume in
  // m³) and pollutants with a mass unit (an emission amount in kg).
  bool emission;
  bool flow;  // the flow factor itself (a00000 / w00000)
  Exceedance exceedance;
};

// Every factor of both kinds, air first, in the order --readings-per-packet extends lists.
std::span<const Factor> FactorCatalogue();

// The factor with HJ 212-2017 code `code`, or nullptr.
const Factor* FindFactor(absl::string_view code);

// The flow factor of a kind (a00000 or w00000): Cou of every factor needs the flow.
const Factor& FlowFactor(StationKind kind);

// What a station of `kind` reports when its line names no pollutants: air SO2, NOx,
// particulate, O2, flue temperature, humidity and flow; water COD, NH3-N, pH and flow.
std::vector<const Factor*> DefaultFactors(StationKind kind);

}  // namespace hj212sim
