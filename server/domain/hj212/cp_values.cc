#include "domain/hj212/cp_values.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace ecocase::domain::hj212 {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int Number(absl::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::optional<FactorKey> SplitFactorKey(absl::string_view name) {
  size_t dash = name.find('-');
  if (dash == absl::string_view::npos || dash == 0 || dash + 1 == name.size()) {
    return std::nullopt;
  }
  return FactorKey{name.substr(0, dash), name.substr(dash + 1)};
}

std::optional<absl::string_view> FindCpValue(const std::vector<CpGroup>& groups,
                                             absl::string_view name) {
  for (const CpGroup& group : groups) {
    for (const CpField& field : group) {
      if (field.name == name) return absl::string_view(field.value);
    }
  }
  return std::nullopt;
}

DataFlag ParseDataFlag(absl::string_view text) {
  if (text == "Td") return DataFlag::kKeyProcessFault;
  if (text.size() != 1) return DataFlag::kOther;
  switch (text[0]) {
    case 'N': return DataFlag::kNormal;
    case 'F': return DataFlag::kStopped;
    case 'M': return DataFlag::kMaintenance;
    case 'S': return DataFlag::kManualValue;
    case 'D': return DataFlag::kFault;
    case 'C': return DataFlag::kCalibration;
    case 'T': return DataFlag::kOverRange;
    case 'B': return DataFlag::kCommError;
    default: return DataFlag::kOther;
  }
}

std::optional<absl::CivilSecond> ParseHjTime(absl::string_view text, bool allow_millis) {
  if (!AllDigits(text)) return std::nullopt;
  if (text.size() != 14 && !(allow_millis && text.size() == 17)) return std::nullopt;
  int year = Number(text.substr(0, 4));
  int month = Number(text.substr(4, 2));
  int day = Number(text.substr(6, 2));
  int hour = Number(text.substr(8, 2));
  int minute = Number(text.substr(10, 2));
  int second = Number(text.substr(12, 2));
  absl::CivilSecond time(year, month, day, hour, minute, second);
  // CivilSecond normalises 2016-02-30 to March; a field that moved was impossible.
  if (time.year() != year || time.month() != month || time.day() != day ||
      time.hour() != hour || time.minute() != minute || time.second() != second) {
    return std::nullopt;
  }
  return time;
}

std::string FormatHjTime(absl::CivilSecond time) {
  return absl::StrFormat("%04d%02d%02d%02d%02d%02d", time.year(), time.month(), time.day(),
                         time.hour(), time.minute(), time.second());
}

bool IsDataTypeMaximum(absl::string_view value, int int_digits, int frac_digits) {
  if (int_digits <= 0 || frac_digits < 0) return false;
  std::string expected(static_cast<size_t>(int_digits), '9');
  if (frac_digits > 0) {
    // Appended in place: `"." + std::string(n, '9')` trips GCC 12's -Wrestrict at -O3.
    expected.push_back('.');
    expected.append(static_cast<size_t>(frac_digits), '9');
  }
  if (value == expected) return true;
  // Trailing zeros or a shorter fraction do not change the number ("9999.990").
  double parsed = 0;
  double max = 0;
  return absl::SimpleAtod(value, &parsed) && absl::SimpleAtod(expected, &max) && parsed == max;
}

}  // namespace ecocase::domain::hj212
