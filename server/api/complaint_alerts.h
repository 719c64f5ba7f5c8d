#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/complaint.h"
#include "domain/complaint_sla.h"
#include "storage/alert_repository.h"

namespace ecocase::api {

// What the alert feed says about complaints. Complaint alerts carry no enterprise, so the
// reported unit never sees them (only staff of the district do), and never the reporter's
// name or phone.

// The alert a complaint change raises, by the method that made it: COMPLAINT_RECEIVED for
// a new complaint (not for a repeat report, which is linked to one already being handled),
// COMPLAINT_DISPATCHED for a dispatch or re-route (to the district it goes to), and
// COMPLAINT_REOPENED for a revisit that reopened it; nothing for other changes.
std::optional<storage::AlertEvent> ComplaintAlert(absl::string_view method,
                                                  const domain::Complaint& complaint);

// COMPLAINT_OVERDUE: `clock` of the complaint ran out at `due`.
storage::AlertEvent ComplaintOverdueAlert(const domain::Complaint& complaint,
                                          domain::SlaClock clock, absl::Time due);

// "大气", "噪声", ...
absl::string_view ComplaintCategoryLabel(domain::ComplaintCategory category);

}  // namespace ecocase::api
