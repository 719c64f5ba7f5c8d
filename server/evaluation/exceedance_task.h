#pragma once

#include "domain/task.h"
#include "evaluation/monitoring_evaluator.h"
#include "storage/incident_repository.h"

namespace ecocase::evaluation {

// The rectification task a new exceedance incident orders (issue 7 item 5; domain-rules §7:
// an order based on monitoring data), not yet issued: the caller runs domain::Issue.
domain::Task ExceedanceTask(const storage::IncidentRecord& record,
                            const EvaluationOptions& options);

}  // namespace ecocase::evaluation
