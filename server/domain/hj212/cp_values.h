#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/hj212/segment.h"

namespace ecocase::domain::hj212 {

// Reading the values of a parsed CP area (§1.4, §1.8). Unknown codes, suffixes and flags are
// kept as text by the parser; these helpers only name what the standard defines.

// "w01018-Avg" -> {code "w01018", suffix "Avg"}; "SB1-RT" -> {"SB1", "RT"}. Names without
// '-' (DataTime, PolId, QnRtn, ...) are not factor items: nullopt.
struct FactorKey {
  absl::string_view code;
  absl::string_view suffix;  // Rtd Min Avg Max Cou Flag EFlag ZsRtd ZsMin ZsAvg ZsMax Info ...
};
std::optional<FactorKey> SplitFactorKey(absl::string_view name);

// The first value of `name` in any group, e.g. FindCpValue(groups, "DataTime").
std::optional<absl::string_view> FindCpValue(const std::vector<CpGroup>& groups,
                                             absl::string_view name);

// Instrument data flags, Table 8 (2017) plus Td (2025 关键工况参数故障). The table is open:
// anything else is kOther and the text is kept by the caller.
enum class DataFlag {
  kNormal,          // N 正常
  kStopped,         // F 停运
  kMaintenance,     // M 维护
  kManualValue,     // S 手工输入的设定值
  kFault,           // D 故障
  kCalibration,     // C 校准
  kOverRange,       // T 超测量上限
  kCommError,       // B 通讯异常
  kKeyProcessFault, // Td (2025)
  kOther,
};
DataFlag ParseDataFlag(absl::string_view text);

// A time field: 14 digits YYYYMMDDhhmmss; with `allow_millis` also 17 digits (the 2005
// DataTime of vectors V02/V07, milliseconds dropped). nullopt for anything else, including
// impossible dates.
std::optional<absl::CivilSecond> ParseHjTime(absl::string_view text, bool allow_millis);

// The 14-digit form of a time, "20160801084000".
std::string FormatHjTime(absl::CivilSecond time);

// True if `value` is the largest number of data type N<int_digits>.<frac_digits>, e.g.
// "9999.99" for N4.2: HJ 212-2025 §8.1.1 d) sends that when a 折算 (reference-O2) value cannot
// be computed. Only the caller knows the factor's data type, so it decides; never read it as
// an exceedance.
bool IsDataTypeMaximum(absl::string_view value, int int_digits, int frac_digits);

}  // namespace ecocase::domain::hj212
