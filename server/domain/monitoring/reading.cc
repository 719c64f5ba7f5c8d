#include "domain/monitoring/reading.h"

#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/charconv.h"
#include "absl/strings/str_cat.h"
#include "common/regulatory_time.h"
#include "domain/hj212/commands.h"
#include "domain/hj212/cp_values.h"

namespace ecocase::domain::monitoring {
namespace {

constexpr size_t kMaxPollutantLength = 16;  // the reading.pollutant column
constexpr size_t kMaxFlagLength = 4;        // the reading.flag column

// HJ/T 212-2005 factor codes of the common stack and wastewater parameters, mapped to their
// HJ 212-2017 codes (domain-rules Appendix A "原编码"). The 2-digit air and 3-digit water
// codes overlap textually, so the system code (ST 31 air, 32 water) picks the table.
// Codes not listed are stored as sent: unknown codes are kept, never rejected (§1.10).
struct CodeMapping {
  absl::string_view from;
  absl::string_view to;
};
constexpr CodeMapping k2005AirCodes[] = {
    {"S01", "a19001"}, {"S02", "a01011"}, {"S03", "a01012"}, {"S04", "a01017"},
    {"S05", "a01014"}, {"S06", "a01015"}, {"S07", "a01016"}, {"S08", "a01013"},
    {"B02", "a00000"}, {"01", "a34013"},  {"02", "a21026"},  {"03", "a21002"},
    {"04", "a21005"},  {"08", "a21024"},
};
constexpr CodeMapping k2005WaterCodes[] = {
    {"B01", "w00000"}, {"001", "w01001"}, {"011", "w01018"}, {"060", "w21003"},
    {"065", "w21001"}, {"101", "w21011"}, {"003", "w01012"},
};

std::string FactorCodeFor(absl::string_view code, const hj212::Packet& packet) {
  if (packet.version != hj212::ProtocolVersion::k2005) return std::string(code);
  auto map = [&](const auto& table) -> std::string {
    for (const CodeMapping& m : table) {
      if (m.from == code) return std::string(m.to);
    }
    return std::string(code);
  };
  if (packet.st == "31") return map(k2005AirCodes);
  if (packet.st == "32") return map(k2005WaterCodes);
  return std::string(code);
}

bool IsFactorCode(absl::string_view code) {
  if (code.empty() || code.size() > kMaxPollutantLength) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A decimal number as HJ 212 writes it (N<i>.<f>, optionally signed). nullopt otherwise,
// including "nan"/"inf" which from_chars would accept.
std::optional<double> ParseNumber(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-' &&
        c != '+' && c != 'e' && c != 'E') {
      return std::nullopt;
    }
  }
  double value = 0;
  auto result = absl::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

bool IsFlagText(absl::string_view flag) {
  if (flag.empty() || flag.size() > kMaxFlagLength) return false;
  for (char c : flag) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool HasAnyValue(const Reading& r) {
  return r.value || r.min_value || r.max_value || r.cou || r.zs_value;
}

}  // namespace

absl::string_view ReadingKindName(ReadingKind kind) {
  switch (kind) {
    case ReadingKind::kRealtime: return "REALTIME";
    case ReadingKind::kMinute: return "MINUTE";
    case ReadingKind::kHour: return "HOUR";
    case ReadingKind::kDay: return "DAY";
    case ReadingKind::kUnspecified: break;
  }
  return "UNSPECIFIED";
}

std::optional<ReadingKind> ReadingKindFromCn(absl::string_view cn) {
  if (cn == hj212::cn::kRealtimeData) return ReadingKind::kRealtime;
  if (cn == hj212::cn::kMinuteData) return ReadingKind::kMinute;
  if (cn == hj212::cn::kHourData) return ReadingKind::kHour;
  if (cn == hj212::cn::kDayData) return ReadingKind::kDay;
  return std::nullopt;
}

absl::string_view ReadingReasonName(ReadingReason reason) {
  switch (reason) {
    case ReadingReason::kOk: return "OK";
    case ReadingReason::kUnknownDevice: return "UNKNOWN_DEVICE";
    case ReadingReason::kDeviceUnbound: return "DEVICE_UNBOUND";
    case ReadingReason::kBadPollutant: return "BAD_POLLUTANT";
    case ReadingReason::kBadKind: return "BAD_KIND";
    case ReadingReason::kMissingDataTime: return "MISSING_DATA_TIME";
    case ReadingReason::kBadDataTime: return "BAD_DATA_TIME";
    case ReadingReason::kDataTimeInFuture: return "DATA_TIME_IN_FUTURE";
    case ReadingReason::kDataTimeTooOld: return "DATA_TIME_TOO_OLD";
    case ReadingReason::kNoValue: return "NO_VALUE";
    case ReadingReason::kBadValue: return "BAD_VALUE";
    case ReadingReason::kBadFlag: return "BAD_FLAG";
  }
  return "UNKNOWN";
}

ReadingReason CheckReading(const Reading& reading, absl::Time now,
                           const ReadingCheckOptions& options, std::string* detail) {
  detail->clear();
  if (!IsFactorCode(reading.pollutant)) {
    *detail = reading.pollutant;
    return ReadingReason::kBadPollutant;
  }
  if (reading.kind == ReadingKind::kUnspecified) return ReadingReason::kBadKind;
  if (reading.data_time == absl::InfinitePast() || reading.data_time == absl::InfiniteFuture() ||
      reading.data_time == absl::UnixEpoch()) {
    return ReadingReason::kMissingDataTime;
  }
  if (reading.data_time > now + options.max_future_skew) {
    *detail = absl::FormatTime(reading.data_time);
    return ReadingReason::kDataTimeInFuture;
  }
  if (reading.data_time < now - options.backfill_window) {
    *detail = absl::FormatTime(reading.data_time);
    return ReadingReason::kDataTimeTooOld;
  }
  for (const std::optional<double>* v : {&reading.value, &reading.min_value, &reading.max_value,
                                          &reading.cou, &reading.zs_value}) {
    if (v->has_value() && !std::isfinite(**v)) return ReadingReason::kBadValue;
  }
  if (!HasAnyValue(reading)) return ReadingReason::kNoValue;
  if (!IsFlagText(reading.flag)) {
    *detail = reading.flag.substr(0, 16);
    return ReadingReason::kBadFlag;
  }
  return ReadingReason::kOk;
}

PacketReadings ReadingsFromPacket(const hj212::Packet& packet, absl::Time now,
                                  const ReadingCheckOptions& options) {
  PacketReadings out;
  std::optional<ReadingKind> kind = ReadingKindFromCn(packet.cn);
  if (!kind) return out;

  std::optional<absl::string_view> data_time_text =
      hj212::FindCpValue(packet.cp_groups, "DataTime");
  std::optional<absl::Time> data_time;
  ReadingReason time_problem = ReadingReason::kOk;
  if (!data_time_text) {
    time_problem = ReadingReason::kMissingDataTime;
  } else if (auto civil = hj212::ParseHjTime(
                 *data_time_text, packet.version == hj212::ProtocolVersion::k2005)) {
    data_time = common::FromRegulatory(*civil);
  } else {
    time_problem = ReadingReason::kBadDataTime;
  }

  // One reading per factor code, its suffixed items gathered from every group; codes keep
  // the order of their first appearance so rejections point at the packet as sent.
  std::map<std::string, size_t> position;
  std::vector<Reading> readings;
  std::vector<ReadingReason> problems;
  std::vector<std::string> problem_detail;
  for (const hj212::CpGroup& group : packet.cp_groups) {
    for (const hj212::CpField& field : group) {
      std::optional<hj212::FactorKey> key = hj212::SplitFactorKey(field.name);
      if (!key || key->suffix == "Info" || key->suffix == "SampleTime") continue;
      std::string code = FactorCodeFor(key->code, packet);
      auto [it, inserted] = position.emplace(code, readings.size());
      if (inserted) {
        Reading r;
        r.mn = packet.mn;
        r.pollutant = code;
        r.kind = *kind;
        r.backfilled = packet.backfilled;
        readings.push_back(std::move(r));
        problems.push_back(ReadingReason::kOk);
        problem_detail.emplace_back();
      }
      size_t i = it->second;
      Reading& r = readings[i];
      absl::string_view suffix = key->suffix;
      if (suffix == "Flag") {
        r.flag = field.value;
        continue;
      }
      std::optional<double>* slot = nullptr;
      if (suffix == "Rtd" || suffix == "Avg") {
        slot = &r.value;
      } else if (suffix == "Min") {
        slot = &r.min_value;
      } else if (suffix == "Max") {
        slot = &r.max_value;
      } else if (suffix == "Cou") {
        slot = &r.cou;
      } else if (suffix == "ZsRtd" || suffix == "ZsAvg") {
        slot = &r.zs_value;
      } else {
        continue;  // ZsMin, ZsMax, EFlag, vendor suffixes: kept in no column
      }
      std::optional<double> number = ParseNumber(field.value);
      if (!number) {
        if (problems[i] == ReadingReason::kOk) {
          problems[i] = ReadingReason::kBadValue;
          problem_detail[i] = absl::StrCat(field.name, "=", field.value.substr(0, 32));
        }
        continue;
      }
      *slot = number;
    }
  }

  for (size_t i = 0; i < readings.size(); ++i) {
    Reading& r = readings[i];
    ReadingReason reason = problems[i];
    std::string detail = problem_detail[i];
    if (reason == ReadingReason::kOk && time_problem != ReadingReason::kOk) {
      reason = time_problem;
      detail = std::string(data_time_text.value_or(""));
    }
    if (reason == ReadingReason::kOk) {
      r.data_time = *data_time;
      reason = CheckReading(r, now, options, &detail);
    }
    if (reason != ReadingReason::kOk) {
      out.rejections.push_back(ReadingRejection{static_cast<int>(i), r.pollutant, reason, detail});
      continue;
    }
    out.readings.push_back(std::move(r));
  }
  return out;
}

}  // namespace ecocase::domain::monitoring
