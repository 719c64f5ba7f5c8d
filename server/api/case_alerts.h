#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/case_decision_clock.h"
#include "domain/enforcement_case.h"
#include "storage/alert_repository.h"

namespace ecocase::api {

// The alert feed's entries for enforcement cases. Steps before the party is notified
// (CASE_OPENED, CASE_FILED) and the overdue reports are for the staff of the case's
// district only; from notification on (CASE_NOTIFIED, CASE_DECIDED, CASE_SERVED,
// CASE_CLOSED) the party's enterprise sees them too.

// The alert a successful `method` of CaseService raises for the case as it now is, if any.
std::optional<storage::AlertEvent> CaseAlert(absl::string_view method,
                                             const domain::EnforcementCase& c);

// CASE_OVERDUE: the running clock whose due is `due` ran out (staff only).
storage::AlertEvent CaseOverdueAlert(const domain::EnforcementCase& c,
                                     const domain::CaseClockView& clocks, absl::Time due);

}  // namespace ecocase::api
