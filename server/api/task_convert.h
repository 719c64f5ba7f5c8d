#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/task.h"
#include "ecocase/v1/task.pb.h"

namespace ecocase::api {

// The task as a client sees it at `now` (`overdue` is computed, not stored).
ecocase::v1::Task ToProto(const domain::Task& task, absl::Time now);
ecocase::v1::Task::State ToProto(domain::TaskState state);
// STATE_UNSPECIFIED -> nullopt.
std::optional<domain::TaskState> FromProto(ecocase::v1::Task::State state);

domain::TaskDeadline DeadlineFromProto(const ecocase::v1::Deadline& deadline);

// A task to issue from the request's `task` (fields under "task"): enterprise and outlet
// names parsed, the rest copied as given (domain::ValidateNewTask checks the content).
// Output-only fields are ignored.
absl::StatusOr<domain::Task> NewTaskFromProto(const ecocase::v1::Task& task);

// The rectification as handed in (content checks are domain::Submit's).
domain::Rectification RectificationFromProto(const ecocase::v1::Rectification& rectification);

// A re-inspection as recorded; `prefix` names the request field ("reinspection"). The
// date is required and must exist; officers are given as `users/{username}` or bare and
// come back bare (INVALID_ARGUMENT naming the officer otherwise).
absl::StatusOr<domain::Reinspection> ReinspectionFromProto(
    const ecocase::v1::Reinspection& reinspection, absl::string_view prefix);

// An extension request (reason and extra; content checks are domain::RequestExtension's).
domain::TaskExtension ExtensionFromProto(const ecocase::v1::Extension& extension);

}  // namespace ecocase::api
