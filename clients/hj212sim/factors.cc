#include "hj212sim/factors.h"

#include <algorithm>
#include <array>

namespace hj212sim {
namespace {

constexpr StationKind kAir = StationKind::kAir;
constexpr StationKind kWater = StationKind::kWater;
constexpr Exceedance kTimes = Exceedance::kMultiply;
constexpr Exceedance kNone = Exceedance::kNone;
constexpr Exceedance kPh = Exceedance::kPh;

// Baselines sit below the GB 13223 ultra-low limits (SO2 35, NOx 50, particulate 10 mg/m³)
// and GB 8978 / GB 18918 class-1 limits (COD 50, NH3-N 5, TP 0.5, TN 15 mg/L), so a normal
// reading is compliant and an exceedance is what --exceed-rate adds. Decimals follow the
// data types of domain-rules Appendix A (a34013 is N4 there; one decimal, as in 2025's
// own examples, keeps low particulate readings meaningful).
// clang-format off
constexpr std::array kCatalogue = {
    //     code      2005   kind    baseline unit     dec  swing noise emission flow  exceedance
    Factor{"a21026", "02",  kAir,   18.0,    "mg/m3", 2,   0.25, 0.06, true,    false, kTimes},
    Factor{"a21002", "03",  kAir,   32.0,    "mg/m3", 1,   0.20, 0.05, true,    false, kTimes},
    Factor{"a34013", "01",  kAir,   3.6,     "mg/m3", 1,   0.20, 0.08, true,    false, kTimes},
    Factor{"a19001", "S01", kAir,   7.8,     "%",     1,   0.08, 0.02, false,   false, kNone},
    Factor{"a01012", "S03", kAir,   52.0,    "C",     1,   0.05, 0.01, false,   false, kNone},
    Factor{"a01014", "S05", kAir,   10.5,    "%",     1,   0.10, 0.02, false,   false, kNone},
    Factor{"a00000", "B02", kAir,   118.0,   "m3/s",  1,   0.15, 0.02, true,    true,  kNone},
    Factor{"a01011", "S02", kAir,   11.6,    "m/s",   2,   0.15, 0.02, false,   false, kNone},
    Factor{"a01013", "S08", kAir,   0.32,    "kPa",   3,   0.10, 0.03, false,   false, kNone},
    Factor{"a21005", "04",  kAir,   26.0,    "mg/m3", 3,   0.30, 0.08, true,    false, kTimes},
    Factor{"a21024", "08",  kAir,   6.5,     "mg/m3", 3,   0.25, 0.08, true,    false, kTimes},
    Factor{"a24088", "",    kAir,   11.0,    "mg/m3", 3,   0.30, 0.08, true,    false, kTimes},
    Factor{"w01018", "011", kWater, 31.0,    "mg/L",  1,   0.20, 0.05, true,    false, kTimes},
    Factor{"w21003", "060", kWater, 2.3,     "mg/L",  2,   0.25, 0.06, true,    false, kTimes},
    Factor{"w01001", "001", kWater, 7.3,     "",      2,   0.03, 0.01, false,   false, kPh},
    Factor{"w00000", "B01", kWater, 18.5,    "L/s",   2,   0.30, 0.03, true,    true,  kNone},
    Factor{"w21011", "101", kWater, 0.22,    "mg/L",  2,   0.25, 0.06, true,    false, kTimes},
    Factor{"w21001", "065", kWater, 8.8,     "mg/L",  2,   0.20, 0.05, true,    false, kTimes},
    Factor{"w01010", "",    kWater, 19.0,    "C",     1,   0.05, 0.01, false,   false, kNone},
    Factor{"w01012", "003", kWater, 7.0,     "mg/L",  0,   0.25, 0.08, true,    false, kTimes},
};
// clang-format on

constexpr std::array<absl::string_view, 7> kDefaultAir = {"a21026", "a21002", "a34013", "a19001",
                                                          "a01012", "a01014", "a00000"};
constexpr std::array<absl::string_view, 4> kDefaultWater = {"w01018", "w21003", "w01001", "w00000"};

}  // namespace

absl::string_view StationKindName(StationKind kind) {
  return kind == StationKind::kAir ? "air" : "water";
}

std::optional<StationKind> ParseStationKind(absl::string_view text) {
  if (text == "air") return StationKind::kAir;
  if (text == "water") return StationKind::kWater;
  return std::nullopt;
}

absl::string_view SystemCode(StationKind kind) { return kind == StationKind::kAir ? "31" : "32"; }

std::span<const Factor> FactorCatalogue() { return kCatalogue; }

const Factor* FindFactor(absl::string_view code) {
  auto it = std::find_if(kCatalogue.begin(), kCatalogue.end(),
                         [code](const Factor& f) { return f.code == code; });
  return it == kCatalogue.end() ? nullptr : &*it;
}

const Factor& FlowFactor(StationKind kind) {
  return *FindFactor(kind == StationKind::kAir ? "a00000" : "w00000");
}

std::vector<const Factor*> DefaultFactors(StationKind kind) {
  std::vector<const Factor*> factors;
  if (kind == StationKind::kAir) {
    for (absl::string_view code : kDefaultAir) factors.push_back(FindFactor(code));
  } else {
    for (absl::string_view code : kDefaultWater) factors.push_back(FindFactor(code));
  }
  return factors;
}

}  // namespace hj212sim
