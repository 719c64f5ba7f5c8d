#include "domain/evaluation/data_mark.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"

namespace ecocase::domain::evaluation {
namespace {

constexpr std::array<absl::string_view, 8> kTypeNames = {
    "UNSPECIFIED",   "MAINTENANCE", "FAULT",      "CALIBRATION",
    "COMMUNICATION", "STOPPED",     "START_STOP", "ABNORMAL_CONDITION"};
constexpr std::array<absl::string_view, 5> kStateNames = {"UNSPECIFIED", "PENDING", "ACCEPTED",
                                                          "REJECTED", "WITHDRAWN"};

// Characters of UTF-8 `text`; -1 when it holds a control character (line breaks and tabs
// pass only when `multiline`).
int CharCount(absl::string_view text, bool multiline) {
  int count = 0;
  for (unsigned char c : text) {
    const bool control = c < 0x20 || c == 0x7f;
    if (control && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) return -1;
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

// OK when `text` is 1..max characters and not blank (0..max when `optional`).
absl::Status CheckText(absl::string_view text, int max, absl::string_view field, bool multiline,
                       bool optional = false) {
  if (optional && text.empty()) return absl::OkStatus();
  const int n = CharCount(text, multiline);
  if (n < 1 || n > max || absl::StripAsciiWhitespace(text).empty()) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be ", optional ? 0 : 1, "-", max, " characters of text",
                            multiline ? "" : " without line breaks"));
  }
  return absl::OkStatus();
}

absl::Status NotPending(const DataMark& mark, absl::string_view action) {
  return common::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                mark.ResourceName(), " is ", DataMarkStateName(mark.state), ": ",
                                action, " needs a mark that is PENDING")),
                            "DATA_MARK_STATE");
}

}  // namespace

absl::string_view DataMarkTypeName(DataMarkType type) {
  const size_t i = static_cast<size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : "UNSPECIFIED";
}

std::optional<DataMarkType> DataMarkTypeFromName(absl::string_view name) {
  for (size_t i = 1; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<DataMarkType>(i);
  }
  return std::nullopt;
}

bool IsPlannable(DataMarkType type) {
  return type == DataMarkType::kMaintenance || type == DataMarkType::kCalibration;
}

absl::string_view DataMarkStateName(DataMarkState state) {
  const size_t i = static_cast<size_t>(state);
  return i < kStateNames.size() ? kStateNames[i] : "UNSPECIFIED";
}

std::optional<DataMarkState> DataMarkStateFromName(absl::string_view name) {
  for (size_t i = 1; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<DataMarkState>(i);
  }
  return std::nullopt;
}

std::string DataMark::ResourceName() const { return absl::StrCat("dataMarks/", id); }

absl::StatusOr<int64_t> DataMarkIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "dataMarks/") || name.empty() || name.size() > 18 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(name, &id) || id <= 0) {
    return common::InvalidFieldError(field, "must be `dataMarks/{id}`");
  }
  return id;
}

absl::Status ValidateNewMark(const DataMark& mark, absl::Time now, const DataMarkOptions& options,
                             absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!DataMarkTypeFromName(DataMarkTypeName(mark.type))) {
    return common::InvalidFieldError(
        field("type"),
        "is required: MAINTENANCE, FAULT, CALIBRATION, COMMUNICATION, STOPPED, "
        "START_STOP or ABNORMAL_CONDITION");
  }
  if (!mark.pollutant.empty() && !IsHj212FactorCode(mark.pollutant)) {
    return common::InvalidFieldError(
        field("pollutant"),
        "must be empty (every factor) or an HJ 212 factor code such as a21026 or w01018");
  }
  // An air outlet (DA) reports a-codes, a water outlet (DW) w-codes.
  const OutletKind kind = OutletKindFromCode(mark.outlet_code);
  if (!mark.pollutant.empty() && ((kind == OutletKind::kAir && mark.pollutant[0] != 'a') ||
                                  (kind == OutletKind::kWater && mark.pollutant[0] != 'w'))) {
    return common::InvalidFieldError(
        field("pollutant"),
        absl::StrCat("is not a factor of ", mark.outlet_code, ": ",
                     kind == OutletKind::kAir ? "an air outlet takes a-codes"
                                              : "a water outlet takes w-codes"));
  }
  if (mark.start == absl::InfinitePast() || mark.start == absl::InfiniteFuture()) {
    return common::InvalidFieldError(field("start_time"), "is required");
  }
  if (mark.end == absl::InfinitePast() || mark.end == absl::InfiniteFuture()) {
    return common::InvalidFieldError(field("end_time"), "is required");
  }
  if (mark.end <= mark.start) {
    return common::InvalidFieldError(field("end_time"), "must be after start_time");
  }
  if (mark.end - mark.start > options.max_length) {
    return common::InvalidFieldError(
        field("end_time"),
        absl::StrCat("a mark covers at most ", absl::FormatDuration(options.max_length),
                     "; mark a longer period as several marks"));
  }
  if (mark.start < now - options.max_age) {
    return common::InvalidFieldError(
        field("start_time"),
        absl::StrCat("must not be more than ", absl::FormatDuration(options.max_age),
                     " ago: older data is no longer judged again"));
  }
  if (IsPlannable(mark.type)) {
    if (mark.end > now + options.max_future) {
      return common::InvalidFieldError(
          field("end_time"),
          absl::StrCat("planned maintenance or calibration may be marked at most ",
                       absl::FormatDuration(options.max_future), " ahead"));
    }
  } else if (mark.end > now + options.max_clock_skew) {
    return common::InvalidFieldError(
        field("end_time"),
        absl::StrCat("must not be in the future: a ", DataMarkTypeName(mark.type),
                     " mark describes what happened (only MAINTENANCE and CALIBRATION may "
                     "be planned ahead)"));
  }
  ECOCASE_RETURN_IF_ERROR(
      CheckText(mark.reason, kMaxMarkReasonChars, field("reason"), /*multiline=*/true));
  if (static_cast<int>(mark.evidence.size()) > kMaxMarkEvidence) {
    return common::InvalidFieldError(
        field("evidence"), absl::StrCat("must hold at most ", kMaxMarkEvidence, " references"));
  }
  for (size_t i = 0; i < mark.evidence.size(); ++i) {
    ECOCASE_RETURN_IF_ERROR(CheckText(mark.evidence[i], kMaxMarkEvidenceChars,
                                      absl::StrCat(field("evidence"), "[", i, "]"),
                                      /*multiline=*/false));
  }
  return absl::OkStatus();
}

void Submit(DataMark& mark, const std::string& actor, absl::Time now) {
  mark.state = DataMarkState::kPending;
  mark.review_reason.clear();
  mark.reviewed_by.clear();
  mark.review_time.reset();
  mark.created_by = actor;
  mark.create_time = now;
  mark.update_time = now;
}

absl::Status Accept(DataMark& mark, const std::string& officer, const std::string& reason,
                    absl::Time now) {
  if (mark.state != DataMarkState::kPending) return NotPending(mark, "accepting");
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, kMaxMarkReasonChars, "reason", /*multiline=*/true,
                                    /*optional=*/true));
  mark.state = DataMarkState::kAccepted;
  mark.review_reason = reason;
  mark.reviewed_by = officer;
  mark.review_time = now;
  mark.update_time = now;
  return absl::OkStatus();
}

absl::Status Reject(DataMark& mark, const std::string& officer, const std::string& reason,
                    absl::Time now) {
  if (mark.state != DataMarkState::kPending) return NotPending(mark, "rejecting");
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, kMaxMarkReasonChars, "reason", /*multiline=*/true));
  mark.state = DataMarkState::kRejected;
  mark.review_reason = reason;
  mark.reviewed_by = officer;
  mark.review_time = now;
  mark.update_time = now;
  return absl::OkStatus();
}

absl::Status Withdraw(DataMark& mark, absl::Time now) {
  if (mark.state != DataMarkState::kPending) return NotPending(mark, "withdrawing");
  mark.state = DataMarkState::kWithdrawn;
  mark.update_time = now;
  return absl::OkStatus();
}

std::vector<ExcludedPeriod> ExcludedPeriodsFor(const std::vector<DataMark>& marks,
                                               absl::string_view pollutant) {
  std::vector<ExcludedPeriod> periods;
  for (const DataMark& m : marks) {
    if (m.state == DataMarkState::kAccepted && m.AppliesTo(pollutant)) {
      periods.push_back(ExcludedPeriod{m.start, m.end});
    }
  }
  std::sort(periods.begin(), periods.end(), [](const ExcludedPeriod& a, const ExcludedPeriod& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  return periods;
}

}  // namespace ecocase::domain::evaluation
