#include "domain/task.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/regulatory_time.h"
#include "domain/enterprise.h"
#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

constexpr size_t kMaxSourceLength = 128;
constexpr int kMaxItems = 20;

// Code points of UTF-8 text, or -1 when it holds control characters (line breaks are
// allowed only where `multiline`).
int TextLength(absl::string_view s, bool multiline = false) {
  int n = 0;
  for (unsigned char c : s) {
    if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t')))) {
      return -1;
    }
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::Status CheckText(absl::string_view text, int max, absl::string_view field,
                       bool multiline = false) {
  int n = TextLength(text, multiline);
  if (n < 1 || n > max || absl::StripAsciiWhitespace(text).empty()) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be 1-", max, " characters of text",
                            multiline ? "" : " without line breaks"));
  }
  return absl::OkStatus();
}

absl::Status CheckItems(const std::vector<std::string>& items, int min, int max_length,
                        absl::string_view field) {
  if (static_cast<int>(items.size()) < min || static_cast<int>(items.size()) > kMaxItems) {
    return common::InvalidFieldError(field,
                                     absl::StrCat("must hold ", min, "-", kMaxItems, " items"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    ECOCASE_RETURN_IF_ERROR(CheckText(items[i], max_length, absl::StrCat(field, "[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status WrongState(const Task& task, absl::string_view action,
                        absl::string_view allowed) {
  return common::WithReason(
      absl::FailedPreconditionError(absl::StrCat(task.ResourceName(), " is ",
                                                 TaskStateName(task.state), ": ", action,
                                                 " needs a task that is ", allowed)),
      "TASK_STATE");
}

// Name tables: the stored and displayed names, in enum order.
template <typename Enum, size_t N>
absl::string_view NameOf(Enum value, const std::array<absl::string_view, N>& names) {
  size_t i = static_cast<size_t>(value);
  return i < N ? names[i] : "UNSPECIFIED";
}
template <typename Enum, size_t N>
std::optional<Enum> FromName(absl::string_view name, const std::array<absl::string_view, N>& names) {
  for (size_t i = 1; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<absl::string_view, 6> kStateNames = {
    "UNSPECIFIED", "ISSUED", "ACKNOWLEDGED", "SUBMITTED", "VERIFIED", "CANCELLED"};
constexpr std::array<absl::string_view, 6> kSourceNames = {
    "UNSPECIFIED", "EXCEEDANCE_INCIDENT", "COMPLAINT", "INSPECTION", "CASE_DECISION",
    "PERMIT_REVIEW"};
constexpr std::array<absl::string_view, 4> kKindNames = {"UNSPECIFIED", "ON_SITE", "COVERT",
                                                         "NON_SITE"};
constexpr std::array<absl::string_view, 4> kOutcomeNames = {"UNSPECIFIED", "CORRECTED",
                                                            "NOT_CORRECTED", "OBSTRUCTED"};
constexpr std::array<absl::string_view, 4> kExtensionNames = {"UNSPECIFIED", "PENDING",
                                                              "GRANTED", "REFUSED"};

// A username from `users/{username}` or bare.
std::string Username(absl::string_view officer) {
  absl::ConsumePrefix(&officer, "users/");
  return std::string(officer);
}

}  // namespace

absl::string_view TaskStateName(TaskState state) { return NameOf(state, kStateNames); }
std::optional<TaskState> TaskStateFromName(absl::string_view name) {
  return FromName<TaskState>(name, kStateNames);
}
absl::string_view TaskSourceKindName(TaskSourceKind kind) { return NameOf(kind, kSourceNames); }
std::optional<TaskSourceKind> TaskSourceKindFromName(absl::string_view name) {
  return FromName<TaskSourceKind>(name, kSourceNames);
}
absl::string_view ReinspectionKindName(ReinspectionKind kind) {
  return NameOf(kind, kKindNames);
}
std::optional<ReinspectionKind> ReinspectionKindFromName(absl::string_view name) {
  return FromName<ReinspectionKind>(name, kKindNames);
}
absl::string_view ReinspectionOutcomeName(ReinspectionOutcome outcome) {
  return NameOf(outcome, kOutcomeNames);
}
std::optional<ReinspectionOutcome> ReinspectionOutcomeFromName(absl::string_view name) {
  return FromName<ReinspectionOutcome>(name, kOutcomeNames);
}
absl::string_view ExtensionStateName(ExtensionState state) {
  return NameOf(state, kExtensionNames);
}
std::optional<ExtensionState> ExtensionStateFromName(absl::string_view name) {
  return FromName<ExtensionState>(name, kExtensionNames);
}

std::string Task::ResourceName() const { return absl::StrCat("tasks/", id); }

absl::StatusOr<int64_t> TaskIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "tasks/") || !absl::SimpleAtoi(name, &id) || id <= 0) {
    return common::InvalidFieldError(field, "must be `tasks/{id}`");
  }
  return id;
}

absl::Status ValidateTaskDeadline(const TaskDeadline& deadline, absl::string_view field) {
  if (deadline.days < 1 || deadline.days > kMaxTaskDeadlineDays) {
    return common::InvalidFieldError(
        absl::StrCat(field, ".days"),
        absl::StrCat("must be 1-", kMaxTaskDeadlineDays, " (calendar or working) days"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNewTask(Task& task, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  absl::StatusOr<std::string> uscc = NormalizeUscc(task.enterprise_uscc);
  if (!uscc.ok()) {
    return common::InvalidFieldError(field("enterprise"),
                                     absl::StrCat("holds no valid credit code: ",
                                                  uscc.status().message()));
  }
  task.enterprise_uscc = *uscc;
  if (!task.outlet_code.empty() && !IsHj608OutletCode(task.outlet_code)) {
    return common::InvalidFieldError(field("outlet"),
                                     "must name an HJ 608 outlet code such as DA001 or DW001");
  }
  if (task.source_kind == TaskSourceKind::kUnspecified ||
      !TaskSourceKindFromName(TaskSourceKindName(task.source_kind))) {
    return common::InvalidFieldError(field("source_kind"), "is required");
  }
  if (task.source.empty() || task.source.size() > kMaxSourceLength ||
      TextLength(task.source) < 0) {
    return common::InvalidFieldError(
        field("source"), "must name the finding in 1-128 characters, e.g. incidents/123");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(task.title, 200, field("title")));
  ECOCASE_RETURN_IF_ERROR(CheckText(task.legal_basis, 500, field("legal_basis")));
  ECOCASE_RETURN_IF_ERROR(CheckItems(task.required_actions, 1, 500, field("required_actions")));
  ECOCASE_RETURN_IF_ERROR(CheckItems(task.evidence_required, 0, 500, field("evidence_required")));
  return ValidateTaskDeadline(task.deadline, field("deadline"));
}

void SetDue(Task& task, absl::Time start, const TaskDeadline& deadline,
            const WorkingCalendar& calendar) {
  DeadlineRule rule;
  rule.unit = deadline.working_days ? DeadlineUnit::kWorkingDays : DeadlineUnit::kCalendarDays;
  rule.amount = deadline.days;
  Deadline due = calendar.ComputeDeadline(start, rule);
  task.due_day = due.due_day;
  task.due_time = due.due;
  task.due_provisional = due.provisional;
}

void Issue(Task& task, const std::string& actor, absl::Time now,
           const WorkingCalendar& calendar) {
  task.state = TaskState::kIssued;
  task.refused = false;
  task.issued_by = actor;
  task.issue_time = now;
  task.update_time = now;
  SetDue(task, now, task.deadline, calendar);
}

absl::Status Acknowledge(Task& task, const std::string& /*actor*/, absl::Time now) {
  if (task.state != TaskState::kIssued) return WrongState(task, "acknowledging", "ISSUED");
  task.state = TaskState::kAcknowledged;
  task.update_time = now;
  return absl::OkStatus();
}

absl::Status Submit(Task& task, Rectification rectification, const std::string& actor,
                    absl::Time now) {
  if (task.state != TaskState::kAcknowledged) {
    return WrongState(task, "submitting a rectification report", "ACKNOWLEDGED");
  }
  ECOCASE_RETURN_IF_ERROR(
      CheckText(rectification.report, 4000, "rectification.report", /*multiline=*/true));
  ECOCASE_RETURN_IF_ERROR(CheckItems(rectification.evidence, 0, 200, "rectification.evidence"));
  rectification.submitted_by = actor;
  rectification.submit_time = now;
  task.rectification = std::move(rectification);
  task.state = TaskState::kSubmitted;
  task.update_time = now;
  return absl::OkStatus();
}

absl::Status RecordReinspection(Task& task, Reinspection reinspection,
                                const std::optional<TaskDeadline>& new_deadline,
                                const std::string& actor, absl::Time now,
                                const WorkingCalendar& calendar) {
  const bool covert = reinspection.kind == ReinspectionKind::kCovert;
  const bool open_for_it = task.state == TaskState::kAcknowledged ||
                           task.state == TaskState::kSubmitted ||
                           (covert && task.state == TaskState::kIssued);
  if (!open_for_it) {
    return WrongState(task, "a re-inspection",
                      "ACKNOWLEDGED or SUBMITTED (ISSUED too for a covert one)");
  }
  if (!ReinspectionKindFromName(ReinspectionKindName(reinspection.kind))) {
    return common::InvalidFieldError("reinspection.kind", "is required");
  }
  if (!ReinspectionOutcomeFromName(ReinspectionOutcomeName(reinspection.outcome))) {
    return common::InvalidFieldError("reinspection.outcome", "is required");
  }
  // The recording officer is always one of them; names are kept once, in order.
  std::vector<std::string> officers;
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(officers.begin(), officers.end(), name) == officers.end()) {
      officers.push_back(name);
    }
  };
  add(Username(actor));
  for (const std::string& officer : reinspection.officers) add(Username(officer));
  if (officers.size() > 10) {
    return common::InvalidFieldError("reinspection.officers", "must name at most 10 officers");
  }
  if (reinspection.kind == ReinspectionKind::kOnSite && officers.size() < 2) {
    return common::InvalidFieldError(
        "reinspection.officers",
        "an on-site re-inspection needs at least two officers (行政处罚法 art. 42)");
  }
  reinspection.officers = std::move(officers);
  const absl::CivilDay today = common::RegulatoryDay(now);
  if (reinspection.date > today || reinspection.date < common::RegulatoryDay(task.issue_time)) {
    return common::InvalidFieldError("reinspection.date",
                                     "must lie between the issue day and today (Asia/Shanghai)");
  }
  ECOCASE_RETURN_IF_ERROR(
      CheckText(reinspection.findings, 2000, "reinspection.findings", /*multiline=*/true));
  const bool corrected = reinspection.outcome == ReinspectionOutcome::kCorrected;
  if (!corrected) {
    if (!new_deadline) {
      return common::InvalidFieldError(
          "new_deadline", "is required when the task was not corrected or the re-inspection "
                          "was obstructed: the enterprise gets a new period");
    }
    ECOCASE_RETURN_IF_ERROR(ValidateTaskDeadline(*new_deadline, "new_deadline"));
  }
  reinspection.record_time = now;
  const ReinspectionOutcome outcome = reinspection.outcome;
  task.reinspections.push_back(std::move(reinspection));
  task.update_time = now;
  if (corrected) {
    task.state = TaskState::kVerified;
    task.state_reason.clear();
    return absl::OkStatus();
  }
  // 拒不改正 (部令28 art. 13): the enterprise must correct within a new period; the finding
  // stays on the task for the case that follows.
  task.refused = true;
  task.state = TaskState::kIssued;
  task.state_reason = outcome == ReinspectionOutcome::kObstructed
                          ? "复查被拒绝、阻挠（拒不改正）"
                          : "复查发现未完成整改（拒不改正）";
  task.deadline = *new_deadline;
  SetDue(task, now, *new_deadline, calendar);
  return absl::OkStatus();
}

absl::Status RejectRectification(Task& task, const std::string& reason,
                                 const TaskDeadline& new_deadline, absl::Time now,
                                 const WorkingCalendar& calendar) {
  if (task.state != TaskState::kSubmitted) {
    return WrongState(task, "sending a report back", "SUBMITTED");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 500, "reason"));
  ECOCASE_RETURN_IF_ERROR(ValidateTaskDeadline(new_deadline, "new_deadline"));
  task.state = TaskState::kIssued;
  task.state_reason = reason;
  task.deadline = new_deadline;
  SetDue(task, now, new_deadline, calendar);
  task.update_time = now;
  return absl::OkStatus();
}

absl::Status RequestExtension(Task& task, TaskExtension request, const std::string& actor,
                              absl::Time now) {
  if (task.closed()) {
    return WrongState(task, "an extension", "open (ISSUED, ACKNOWLEDGED or SUBMITTED)");
  }
  if (task.extension && task.extension->state == ExtensionState::kPending) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            task.ResourceName(), " already has an extension request waiting for a decision")),
        "EXTENSION_PENDING");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(request.reason, 200, "extension.reason"));
  ECOCASE_RETURN_IF_ERROR(ValidateTaskDeadline(request.extra, "extension.extra"));
  request.state = ExtensionState::kPending;
  request.requested_by = actor;
  request.decided_by.clear();
  request.decision_note.clear();
  task.extension = std::move(request);
  task.update_time = now;
  return absl::OkStatus();
}

absl::Status DecideExtension(Task& task, bool grant, const std::string& note,
                             const std::string& actor, absl::Time now,
                             const WorkingCalendar& calendar) {
  if (task.closed()) return WrongState(task, "an extension decision", "open");
  if (!task.extension || task.extension->state != ExtensionState::kPending) {
    return common::WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(task.ResourceName(), " has no extension request waiting")),
        "NO_EXTENSION_PENDING");
  }
  if (!note.empty()) ECOCASE_RETURN_IF_ERROR(CheckText(note, 500, "note"));
  TaskExtension& e = *task.extension;
  e.state = grant ? ExtensionState::kGranted : ExtensionState::kRefused;
  e.decided_by = actor;
  e.decision_note = note;
  if (grant) {
    // The extra days follow the current last day: counted from within it, as from any
    // start (the start day itself is not counted).
    SetDue(task, task.due_time - absl::Seconds(1), e.extra, calendar);
  }
  task.update_time = now;
  return absl::OkStatus();
}

absl::Status Cancel(Task& task, const std::string& reason, absl::Time now) {
  if (task.closed()) return WrongState(task, "cancelling", "open");
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 500, "reason"));
  task.state = TaskState::kCancelled;
  task.state_reason = reason;
  task.update_time = now;
  return absl::OkStatus();
}

}  // namespace ecocase::domain
