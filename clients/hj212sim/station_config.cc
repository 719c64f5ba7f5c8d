#include "hj212sim/station_config.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hj212sim {
namespace {

bool IsUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// Characters that would end a header field or the frame early.
bool BreaksSegment(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f || c == ';' || c == '=' || c == ',' || c == '&';
  });
}

absl::Status ApplyOption(absl::string_view option, absl::string_view list_separators,
                         StationConfig& station) {
  if (option == "lenient") {
    station.lenient = true;
    return absl::OkStatus();
  }
  std::pair<absl::string_view, absl::string_view> kv =
      absl::StrSplit(option, absl::MaxSplits('=', 1));
  const auto& [name, value] = kv;
  if (name == "sm4") {
    station.sm4 = ParseSm4Hex(value);
    if (!station.sm4) return absl::InvalidArgumentError("sm4= needs 32 hex digits");
    return absl::OkStatus();
  }
  if (name == "kind") {
    std::optional<StationKind> kind = ParseStationKind(value);
    if (!kind) {
      return absl::InvalidArgumentError(
          absl::StrCat("kind must be air or water, not '", value, "'"));
    }
    station.kind = *kind;
    return absl::OkStatus();
  }
  if (name == "pollutants") {
    station.pollutants = absl::StrSplit(value, absl::ByAnyChar(list_separators), absl::SkipEmpty());
    if (station.pollutants.empty()) return absl::InvalidArgumentError("pollutants= is empty");
    return absl::OkStatus();
  }
  if (name == "exceed") {
    station.exceed = absl::StrSplit(value, absl::ByAnyChar(list_separators), absl::SkipEmpty());
    if (station.exceed.empty()) return absl::InvalidArgumentError("exceed= is empty");
    return absl::OkStatus();
  }
  if (name == "codes") {
    if (value == "2005") {
      station.codes = CodeSet::k2005;
    } else if (value == "2017") {
      station.codes = CodeSet::k2017;
    } else {
      return absl::InvalidArgumentError("codes must be 2005 or 2017");
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown option '", name,
                   "' (lenient, sm4=, kind=, pollutants=, codes=, exceed=)"));
}

// MN, PW and VERSION, then options; `list_separators` split a pollutants= or exceed= list.
absl::StatusOr<StationConfig> FromFields(const std::vector<absl::string_view>& fields,
                                         absl::string_view list_separators) {
  if (fields.size() < 3) {
    return absl::InvalidArgumentError("expected MN PW VERSION [options]");
  }
  StationConfig station;
  station.mn = std::string(fields[0]);
  station.pw = std::string(fields[1]);
  std::optional<hj212::ProtocolVersion> version = ParseVersion(fields[2]);
  if (!version) {
    return absl::InvalidArgumentError(
        absl::StrCat("version must be 2005, 2017 or 2025, not '", fields[2], "'"));
  }
  station.version = *version;
  // 2005 devices speak the 原编码 (domain-rules §1.12) unless told otherwise.
  station.codes = *version == hj212::ProtocolVersion::k2005 ? CodeSet::k2005 : CodeSet::k2017;
  for (size_t i = 3; i < fields.size(); ++i) {
    if (absl::Status s = ApplyOption(fields[i], list_separators, station); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("MN ", station.mn, ": ", s.message()));
    }
  }
  if (absl::Status s = ValidateStation(station); !s.ok()) return s;
  return station;
}

}  // namespace

bool StationConfig::Exceeds(absl::string_view code) const {
  return absl::c_linear_search(exceed, code);
}

std::optional<hj212::ProtocolVersion> ParseVersion(absl::string_view text) {
  if (text == "2005") return hj212::ProtocolVersion::k2005;
  if (text == "2017") return hj212::ProtocolVersion::k2017;
  if (text == "2025") return hj212::ProtocolVersion::k2025;
  return std::nullopt;
}

std::optional<hj212::Sm4Key> ParseSm4Hex(absl::string_view hex) {
  hj212::Sm4Key key{};
  if (hex.size() != 2 * key.size()) return std::nullopt;
  for (size_t i = 0; i < key.size(); ++i) {
    int byte = 0;
    for (char c : hex.substr(2 * i, 2)) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      const int digit = absl::ascii_isdigit(static_cast<unsigned char>(c))
                            ? c - '0'
                            : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
      byte = byte * 16 + digit;
    }
    key[i] = static_cast<uint8_t>(byte);
  }
  return key;
}

absl::StatusOr<std::optional<StationConfig>> ParseStationLine(absl::string_view line) {
  line = line.substr(0, line.find('#'));
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  if (fields.empty()) return std::nullopt;
  absl::StatusOr<StationConfig> station = FromFields(fields, ",");
  if (!station.ok()) return station.status();
  return std::optional<StationConfig>(*std::move(station));
}

absl::StatusOr<std::vector<StationConfig>> ParseStationsFile(absl::string_view text) {
  std::vector<StationConfig> stations;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    absl::StatusOr<std::optional<StationConfig>> station = ParseStationLine(line);
    if (!station.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", station.status().message()));
    }
    if (*station) stations.push_back(**std::move(station));
  }
  return stations;
}

absl::StatusOr<StationConfig> ParseStationSpec(absl::string_view spec) {
  // "MN,PW,2017,pollutants=a21026,a21002": the codes after pollutants= (or exceed=) are
  // also split on ',', so bare codes that follow it are joined back into its list.
  std::vector<std::string> fields;
  bool in_list = false;
  for (absl::string_view field : absl::StrSplit(spec, ',')) {
    field = absl::StripAsciiWhitespace(field);
    if (in_list && fields.size() > 3 && FindFactor(field) != nullptr) {
      absl::StrAppend(&fields.back(), "+", field);
      continue;
    }
    in_list = absl::StartsWith(field, "pollutants=") || absl::StartsWith(field, "exceed=");
    fields.emplace_back(field);
  }
  return FromFields(std::vector<absl::string_view>(fields.begin(), fields.end()), "+/");
}

std::vector<StationConfig> GenerateStations(const GeneratedStations& spec) {
  const size_t mn_length = spec.version == hj212::ProtocolVersion::k2005 ? 14 : 24;
  const size_t width = std::max<size_t>(
      6, mn_length > spec.mn_prefix.size() ? mn_length - spec.mn_prefix.size() : 0);
  std::vector<StationConfig> stations;
  stations.reserve(static_cast<size_t>(std::max(spec.count, 0)));
  for (int i = 1; i <= spec.count; ++i) {
    StationConfig station;
    station.mn = absl::StrCat(spec.mn_prefix, absl::StrFormat("%0*d", static_cast<int>(width), i));
    station.pw = spec.pw;
    station.version = spec.version;
    station.kind = spec.kind;
    station.sm4 = spec.sm4;
    station.codes = spec.version == hj212::ProtocolVersion::k2005 ? CodeSet::k2005 : CodeSet::k2017;
    stations.push_back(std::move(station));
  }
  return stations;
}

absl::Status ValidateStation(const StationConfig& station) {
  auto invalid = [&station](absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat("MN ", station.mn, ": ", problem));
  };
  if (station.mn.empty() || station.mn.size() > 24 || BreaksSegment(station.mn)) {
    return invalid("an MN has 1-24 printable characters without ; = , & or blanks");
  }
  if (station.pw.empty() || station.pw.size() > 32 || BreaksSegment(station.pw)) {
    return invalid("a PW has 1-32 printable characters without ; = , & or blanks");
  }
  if (!station.lenient) {
    if (station.version == hj212::ProtocolVersion::k2005) {
      if (station.mn.size() != 14 ||
          !std::all_of(station.mn.begin(), station.mn.end(), IsAlnum)) {
        return invalid("a strict 2005 MN has 14 letters or digits (add 'lenient' otherwise)");
      }
    } else if (station.mn.size() != 24 ||
               !std::all_of(station.mn.begin(), station.mn.end(), IsUpperHex)) {
      return invalid(
          "a strict 2017/2025 MN has 24 upper-case hex digits (add 'lenient' otherwise)");
    }
    if (station.pw.size() != 6) return invalid("a strict PW has 6 characters");
  }
  if (station.sm4 && station.version != hj212::ProtocolVersion::k2025) {
    return invalid("sm4= is for 2025 stations only");
  }
  std::vector<std::string> unknown;
  for (const std::string& code : station.pollutants) {
    const Factor* factor = FindFactor(code);
    if (factor == nullptr || factor->kind != station.kind) unknown.push_back(code);
  }
  if (!unknown.empty()) {
    std::vector<absl::string_view> known;
    for (const Factor& f : FactorCatalogue()) {
      if (f.kind == station.kind) known.push_back(f.code);
    }
    return invalid(absl::StrCat("no ", StationKindName(station.kind), " factor ",
                                absl::StrJoin(unknown, ","), " (known: ", absl::StrJoin(known, ","),
                                ")"));
  }
  for (const std::string& code : station.exceed) {
    const Factor* factor = FindFactor(code);
    if (factor == nullptr || factor->kind != station.kind) {
      return invalid(absl::StrCat("exceed=: no ", StationKindName(station.kind), " factor ", code));
    }
    if (factor->exceedance == Exceedance::kNone) {
      return invalid(absl::StrCat("exceed=: ", code, " is an operating parameter, it has no limit"));
    }
    // An exceedance of a factor never sent would be silently lost.
    const bool reported =
        station.pollutants.empty()
            ? absl::c_linear_search(DefaultFactors(station.kind), factor)
            : absl::c_linear_search(station.pollutants, code);
    if (!reported) return invalid(absl::StrCat("exceed=: the station does not report ", code));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<const Factor*>> ResolveFactors(const StationConfig& station,
                                                          int readings_per_packet) {
  std::vector<const Factor*> factors;
  if (station.pollutants.empty()) {
    factors = DefaultFactors(station.kind);
  } else {
    for (const std::string& code : station.pollutants) {
      const Factor* factor = FindFactor(code);
      if (factor == nullptr)
        return absl::InvalidArgumentError(absl::StrCat("unknown factor ", code));
      if (std::find(factors.begin(), factors.end(), factor) == factors.end()) {
        factors.push_back(factor);
      }
    }
  }
  if (readings_per_packet <= 0) return factors;
  const size_t wanted = static_cast<size_t>(readings_per_packet);
  for (const Factor& f : FactorCatalogue()) {
    if (factors.size() >= wanted) break;
    if (f.kind == station.kind && std::find(factors.begin(), factors.end(), &f) == factors.end()) {
      factors.push_back(&f);
    }
  }
  if (factors.size() < wanted) {
    return absl::InvalidArgumentError(absl::StrCat("a ", StationKindName(station.kind),
                                                   " station knows only ", factors.size(),
                                                   " factors, ", wanted, " asked"));
  }
  factors.resize(wanted);
  return factors;
}

}  // namespace hj212sim
