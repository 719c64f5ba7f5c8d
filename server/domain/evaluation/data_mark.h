#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/evaluation/means.h"

namespace ecocase::domain::evaluation {

// Data marks (自主标记, domain-rules §2.5): the enterprise declares a period of one outlet's
// data affected (maintenance, fault, calibration ...), with a reason and references to its
// evidence; an officer accepts or rejects it. Only ACCEPTED marks exclude data from the
// exceedance and missing-data judgement (§2.2, §2.4). Values of the enums match
// ecocase.v1.DataMark and are stored by name.

enum class DataMarkType {
  kUnspecified = 0,
  kMaintenance = 1,        // 维护
  kFault = 2,              // 故障
  kCalibration = 3,        // 校准
  kCommunication = 4,      // 通讯异常
  kStopped = 5,            // 停运
  kStartStop = 6,          // 启停机
  kAbnormalCondition = 7,  // 工况异常
};
absl::string_view DataMarkTypeName(DataMarkType type);  // "MAINTENANCE", ...
std::optional<DataMarkType> DataMarkTypeFromName(absl::string_view name);
// Planned work (维护保养, 校准: §2.2 item 4) may be marked ahead of time; every other type
// describes what already happened.
bool IsPlannable(DataMarkType type);

enum class DataMarkState {
  kUnspecified = 0,
  kPending = 1,    // 待审核
  kAccepted = 2,   // 已接受: excludes its period
  kRejected = 3,   // 已驳回
  kWithdrawn = 4,  // 已撤回 by the enterprise
};
absl::string_view DataMarkStateName(DataMarkState state);  // "PENDING", ...
std::optional<DataMarkState> DataMarkStateFromName(absl::string_view name);

struct DataMark {
  int64_t id = 0;
  std::string enterprise_uscc;
  std::string outlet_code;
  int64_t outlet_id = 0;  // filled by storage
  std::string pollutant;  // HJ 212 factor code; empty: every factor of the outlet
  DataMarkType type = DataMarkType::kUnspecified;
  absl::Time start;
  absl::Time end;  // exclusive
  std::string reason;
  std::vector<std::string> evidence;  // references: evidence ids, document numbers
  DataMarkState state = DataMarkState::kUnspecified;
  std::string review_reason;
  std::string reviewed_by;  // users/{username}
  std::optional<absl::Time> review_time;
  std::string created_by;  // users/{username}
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;        // the etag
  std::string district_code;  // the enterprise's, for scope and audit

  std::string ResourceName() const;  // dataMarks/{id}
  // Whether it applies to `pollutant` (its own code, or every factor).
  bool AppliesTo(absl::string_view pollutant_code) const {
    return pollutant.empty() || pollutant == pollutant_code;
  }
};

// `dataMarks/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> DataMarkIdFromName(absl::string_view name, absl::string_view field);

// Limits of a new mark. All [M]: the marking rule's deadlines were not obtained (§2.5).
struct DataMarkOptions {
  // How far ahead a planned mark (IsPlannable) may end.
  absl::Duration max_future = absl::Hours(24 * 7);
  // The clock difference tolerated for the end of a mark of what happened.
  absl::Duration max_clock_skew = absl::Minutes(10);
  // The longest period one mark may cover; longer outages take several marks, each reviewed.
  absl::Duration max_length = absl::Hours(24 * 31);
  // How far back a mark may start: the readings' back-fill window, beyond which no data
  // is judged again.
  absl::Duration max_age = absl::Hours(24 * 90);
};

inline constexpr int kMaxMarkReasonChars = 1000;
inline constexpr int kMaxMarkEvidence = 20;
inline constexpr int kMaxMarkEvidenceChars = 500;

// Checks a mark about to be submitted (fields under `prefix`, e.g. "data_mark"): type;
// start < end; end not after now + max_clock_skew (now + max_future when IsPlannable);
// end - start at most max_length; start not before now - max_age; reason 1-1000
// characters (line breaks allowed); at most 20 evidence references of 1-500 characters;
// pollutant empty or an HJ 212-2017 factor code (a/w and five digits). INVALID_ARGUMENT
// naming the field.
absl::Status ValidateNewMark(const DataMark& mark, absl::Time now, const DataMarkOptions& options,
                             absl::string_view prefix = "data_mark");

// A validated mark as submitted by `actor`: PENDING, created now, no review.
void Submit(DataMark& mark, const std::string& actor, absl::Time now);

// Transitions. Each returns FAILED_PRECONDITION (reason DATA_MARK_STATE) unless the mark is
// PENDING, INVALID_ARGUMENT naming `reason` for a bad reason, and otherwise changes `mark`
// (update_time = now). `officer` is users/{username}.

// PENDING -> ACCEPTED; `reason` optional (0-1000 characters).
absl::Status Accept(DataMark& mark, const std::string& officer, const std::string& reason,
                    absl::Time now);
// PENDING -> REJECTED; `reason` required (1-1000 characters): the enterprise must learn why.
absl::Status Reject(DataMark& mark, const std::string& officer, const std::string& reason,
                    absl::Time now);
// PENDING -> WITHDRAWN, by the enterprise.
absl::Status Withdraw(DataMark& mark, absl::Time now);

// For the evaluator: the periods of the ACCEPTED marks among `marks` that apply to
// `pollutant` (marks of that code and marks of every factor), ordered by start.
std::vector<ExcludedPeriod> ExcludedPeriodsFor(const std::vector<DataMark>& marks,
                                               absl::string_view pollutant);

}  // namespace ecocase::domain::evaluation
