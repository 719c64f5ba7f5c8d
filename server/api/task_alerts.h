#pragma once

#include "absl/strings/string_view.h"
#include "domain/task.h"
#include "storage/alert_repository.h"

namespace ecocase::api {

// The alert a task change puts on the feed (kind, Chinese one-line title), by the method
// that made it: TASK_ISSUED for IssueTask (whoever issued it: an officer, the evaluation,
// complaint findings), TASK_OVERDUE for MarkTaskOverdue, TASK_CHANGED otherwise. The task's
// enterprise sees it.
storage::AlertEvent TaskAlert(absl::string_view method, const domain::Task& task);

}  // namespace ecocase::api
