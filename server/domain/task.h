#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/working_calendar.h"

namespace ecocase::domain {

// Rectification tasks (整改, domain-rules §7): a finding becomes an order to fix something
// by a date; the enterprise acknowledges and reports; officers re-inspect (复查). Values of
// the enums match ecocase.v1.Task and are stored by name.

enum class TaskState {
  kUnspecified = 0,
  kIssued = 1,        // 已下达
  kAcknowledged = 2,  // 已签收
  kSubmitted = 3,     // 已提交整改报告
  kVerified = 4,      // 已核实 (closed)
  kCancelled = 5,     // 已撤销 (closed)
};
absl::string_view TaskStateName(TaskState state);  // "ISSUED", ...
std::optional<TaskState> TaskStateFromName(absl::string_view name);

enum class TaskSourceKind {
  kUnspecified = 0,
  kExceedanceIncident = 1,
  kComplaint = 2,
  kInspection = 3,
  kCaseDecision = 4,
  kPermitReview = 5,
};
absl::string_view TaskSourceKindName(TaskSourceKind kind);  // "EXCEEDANCE_INCIDENT", ...
std::optional<TaskSourceKind> TaskSourceKindFromName(absl::string_view name);

enum class ReinspectionKind { kUnspecified = 0, kOnSite = 1, kCovert = 2, kNonSite = 3 };
absl::string_view ReinspectionKindName(ReinspectionKind kind);  // "ON_SITE", ...
std::optional<ReinspectionKind> ReinspectionKindFromName(absl::string_view name);

enum class ReinspectionOutcome {
  kUnspecified = 0,
  kCorrected = 1,
  kNotCorrected = 2,
  kObstructed = 3,  // 拒绝、阻挠复查
};
absl::string_view ReinspectionOutcomeName(ReinspectionOutcome outcome);  // "CORRECTED", ...
std::optional<ReinspectionOutcome> ReinspectionOutcomeFromName(absl::string_view name);

enum class ExtensionState { kUnspecified = 0, kPending = 1, kGranted = 2, kRefused = 3 };
absl::string_view ExtensionStateName(ExtensionState state);  // "PENDING", ...
std::optional<ExtensionState> ExtensionStateFromName(absl::string_view name);

// A period counted from the day after its start (民法典 art. 201).
struct TaskDeadline {
  int days = 0;  // 1..kMaxTaskDeadlineDays
  bool working_days = false;
};
inline constexpr int kMaxTaskDeadlineDays = 365;

struct Rectification {
  std::string report;
  std::vector<std::string> evidence;  // references: evidence ids, document numbers
  std::string submitted_by;           // users/{username}
  absl::Time submit_time;
};

struct Reinspection {
  ReinspectionKind kind = ReinspectionKind::kUnspecified;
  std::vector<std::string> officers;  // usernames, the recording officer included
  absl::CivilDay date;                // Asia/Shanghai
  ReinspectionOutcome outcome = ReinspectionOutcome::kUnspecified;
  std::string findings;
  absl::Time record_time;
};

struct TaskExtension {
  std::string reason;
  TaskDeadline extra;
  ExtensionState state = ExtensionState::kUnspecified;
  std::string requested_by;
  std::string decided_by;
  std::string decision_note;
};

struct Task {
  int64_t id = 0;
  std::string enterprise_uscc;
  std::string outlet_code;  // optional
  TaskSourceKind source_kind = TaskSourceKind::kUnspecified;
  std::string source;       // the finding: `incidents/123`, a record number, ...
  std::string title;
  std::string legal_basis;
  std::vector<std::string> required_actions;
  std::vector<std::string> evidence_required;
  TaskDeadline deadline;    // as issued (or as last reset)
  absl::CivilDay due_day;   // last day of the period, Asia/Shanghai
  absl::Time due_time;      // the end of due_day
  bool due_provisional = false;
  TaskState state = TaskState::kUnspecified;
  bool refused = false;     // 拒不改正: a re-inspection found it not corrected or obstructed
  std::optional<Rectification> rectification;
  std::vector<Reinspection> reinspections;
  std::optional<TaskExtension> extension;
  std::string state_reason;
  std::string issued_by;    // users/{username}
  absl::Time issue_time;
  absl::Time update_time;
  int64_t version = 0;      // the etag
  std::string district_code;  // the enterprise's, for scope and audit

  std::string ResourceName() const;  // tasks/{id}
  bool closed() const { return state == TaskState::kVerified || state == TaskState::kCancelled; }
  // Past its due time and not closed.
  bool OverdueAt(absl::Time now) const { return !closed() && now >= due_time; }
};

// `tasks/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> TaskIdFromName(absl::string_view name, absl::string_view field);

// INVALID_ARGUMENT naming `field` (e.g. "task.deadline") unless 1..365 days.
absl::Status ValidateTaskDeadline(const TaskDeadline& deadline, absl::string_view field);

// Checks a task about to be issued (fields under `prefix`, e.g. "task"): enterprise USCC
// (normalised in place), optional HJ 608 outlet code, source kind and source (1-128
// printable characters), title (1-200), legal basis (1-500), 1-20 required actions
// (1-500 each), 0-20 evidence items, deadline.
absl::Status ValidateNewTask(Task& task, absl::string_view prefix);

// Sets due_day, due_time and due_provisional for `deadline` counted from `start`.
void SetDue(Task& task, absl::Time start, const TaskDeadline& deadline,
            const WorkingCalendar& calendar);

// Issues a validated task: state ISSUED, deadline from `now`.
void Issue(Task& task, const std::string& actor, absl::Time now,
           const WorkingCalendar& calendar);

// Transitions. Each returns FAILED_PRECONDITION (reason TASK_STATE) when the task's state
// does not allow it, INVALID_ARGUMENT naming the field for bad input, and otherwise
// changes `task` (update_time = now). `actor` is users/{username}.

// ISSUED -> ACKNOWLEDGED.
absl::Status Acknowledge(Task& task, const std::string& actor, absl::Time now);

// ACKNOWLEDGED -> SUBMITTED. Report 1-4000 characters, 0-20 evidence references.
absl::Status Submit(Task& task, Rectification rectification, const std::string& actor,
                    absl::Time now);

// A re-inspection by officers: from ACKNOWLEDGED or SUBMITTED, or from ISSUED when covert
// (暗查 needs no notice). Kind and outcome required; ON_SITE needs at least two distinct
// officers; the date is not after today (Asia/Shanghai) nor before the issue day; findings
// 1-2000. CORRECTED -> VERIFIED. NOT_CORRECTED / OBSTRUCTED -> refused, ISSUED again with
// `new_deadline` (required) from now; the submitted report is kept in history.
absl::Status RecordReinspection(Task& task, Reinspection reinspection,
                                const std::optional<TaskDeadline>& new_deadline,
                                const std::string& actor, absl::Time now,
                                const WorkingCalendar& calendar);

// SUBMITTED -> ISSUED with `reason` (1-500) and `new_deadline` from now.
absl::Status RejectRectification(Task& task, const std::string& reason,
                                 const TaskDeadline& new_deadline, absl::Time now,
                                 const WorkingCalendar& calendar);

// An open task's enterprise asks for `extra` time with a reason (1-200); one pending
// request at a time (FAILED_PRECONDITION otherwise).
absl::Status RequestExtension(Task& task, TaskExtension request, const std::string& actor,
                              absl::Time now);

// Decides the pending request: granted moves the due day by `extra` from the current due
// day; refused leaves it. FAILED_PRECONDITION without a pending request or when closed.
absl::Status DecideExtension(Task& task, bool grant, const std::string& note,
                             const std::string& actor, absl::Time now,
                             const WorkingCalendar& calendar);

// Any open state -> CANCELLED with `reason` (1-500).
absl::Status Cancel(Task& task, const std::string& reason, absl::Time now);

}  // namespace ecocase::domain
