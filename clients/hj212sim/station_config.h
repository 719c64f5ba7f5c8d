#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/hj212/profile.h"
#include "hj212sim/factors.h"

namespace hj212sim {

namespace hj212 = ecocase::domain::hj212;

// Which factor codes a station writes into its CP area.
enum class CodeSet {
  k2017,  // HJ 212-2017 codes (a21026, w01018...)
  k2005,  // HJ/T 212-2005 原编码 (02, 011...), the default of 2005 stations (domain-rules §1.12);
          // a factor without one keeps its 2017 code
};

// One simulated device, as the bureau registered it. PW and the SM4 key are secrets: log
// the MN only.
struct StationConfig {
  std::string mn;
  std::string pw;
  hj212::ProtocolVersion version = hj212::ProtocolVersion::k2017;
  bool lenient = false;              // registered LENIENT: MN/PW formats are not enforced
  std::optional<hj212::Sm4Key> sm4;  // 2025 only: the CP area of uploads is SM4-encrypted
  StationKind kind = StationKind::kAir;
  std::vector<std::string> pollutants;  // 2017 codes; empty = DefaultFactors(kind)
  CodeSet codes = CodeSet::k2017;
  // 2017 codes whose every value (real-time and aggregates) is an exceedance: the demo's
  // way to make one outlet break its limit on demand, whatever --exceed-rate says.
  std::vector<std::string> exceed;

  bool Exceeds(absl::string_view code) const;
};

// One line of a --stations file: "MN PW VERSION [option...]", fields separated by blanks,
// '#' starts a comment. Options: lenient, sm4=<32 hex digits>, kind=air|water,
// pollutants=a21026,a21002, codes=2005|2017, exceed=a21026,a21002. nullopt for a blank
// or comment line; INVALID_ARGUMENT naming the problem otherwise.
absl::StatusOr<std::optional<StationConfig>> ParseStationLine(absl::string_view line);

// A whole --stations file; errors say "line N: ...".
absl::StatusOr<std::vector<StationConfig>> ParseStationsFile(absl::string_view text);

// A --station value: "MN,PW,VERSION[,option...]" with the options of ParseStationLine (a
// factor list inside a spec is separated by '+' or '/': pollutants=a21026+a21002,
// exceed=a21026+a21002; bare codes after a list's first are joined to it).
absl::StatusOr<StationConfig> ParseStationSpec(absl::string_view spec);

// --count-stations: `count` stations with MNs `prefix` + a zero-padded serial from 1,
// padded to the version's MN length (24 for 2017/2025, 14 for 2005) but at least 6 digits.
struct GeneratedStations {
  int count = 0;
  std::string mn_prefix;
  std::string pw;
  hj212::ProtocolVersion version = hj212::ProtocolVersion::k2017;
  StationKind kind = StationKind::kAir;
  std::optional<hj212::Sm4Key> sm4;
};
std::vector<StationConfig> GenerateStations(const GeneratedStations& spec);

// What the gateway's profile checks would refuse (domain-rules §1.13) and what would break
// the segment: strict 2017/2025 MNs are 24 upper-case hex digits, strict 2005 MNs 14
// letters or digits; strict PWs have 6 characters; SM4 only for 2025; pollutants must be
// known factors of the station's kind, exceed= ones factors with a limit that it reports.
// INVALID_ARGUMENT naming the MN and the problem.
absl::Status ValidateStation(const StationConfig& station);

// The factors a station reports. `readings_per_packet` > 0 cuts the list to that many or
// extends it with the rest of the kind's catalogue (load tests ask for 8);
// INVALID_ARGUMENT when the catalogue has too few.
absl::StatusOr<std::vector<const Factor*>> ResolveFactors(const StationConfig& station,
                                                          int readings_per_packet);

// "2017" -> k2017; nullopt for anything but 2005, 2017 and 2025.
std::optional<hj212::ProtocolVersion> ParseVersion(absl::string_view text);

// 32 hex digits -> 16 key bytes.
std::optional<hj212::Sm4Key> ParseSm4Hex(absl::string_view hex);

}  // namespace hj212sim
