#include "api/complaint_overdue_sweep.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/complaint_alerts.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "security/sha256.h"

namespace ecocase::api {

absl::StatusOr<int> ComplaintOverdueSweep::ReportOverdue(int batch) {
  const absl::Time now = clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Complaint> due,
                           complaints_.ListUnreportedOverdue(now, batch));
  const std::string actor = "users/system";
  int reported = 0;
  absl::Status first_error;
  for (const domain::Complaint& c : due) {
    std::vector<std::pair<domain::SlaClock, absl::Time>> clocks;
    const bool decided = c.state != domain::ComplaintState::kReceived;
    if (domain::AcceptanceOverdue(c.deadlines, decided, now)) {
      clocks.emplace_back(domain::SlaClock::kAcceptance, c.deadlines.acceptance_due);
    }
    if (domain::ClosureOverdue(c.deadlines, c.closed(), now)) {
      clocks.emplace_back(domain::SlaClock::kClosure, c.deadlines.closure_due);
    }
    for (const auto& [clock, due_time] : clocks) {
      const bool acceptance = clock == domain::SlaClock::kAcceptance;
      bool skipped = false;
      storage::MutationKey key{actor, "ecocase.v1.ComplaintService/MarkComplaintOverdue", "", ""};
      auto result =
          mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
            skipped = false;
            ECOCASE_ASSIGN_OR_RETURN(bool marked,
                                     complaints_.MarkOverdueReported(tx, c.id, clock, due_time));
            // Reported already (this clock or another replica), or it moved on since.
            if (!marked) {
              skipped = true;
              return absl::CancelledError("no longer unreported as listed");
            }
            ECOCASE_RETURN_IF_ERROR(
                alerts_.Append(tx, ComplaintOverdueAlert(c, clock, due_time), now).status());
            return storage::MutationResult{
                "",
                {.actor = actor,
                 .action = "MarkComplaintOverdue",
                 .resource = c.ResourceName(),
                 .change_digest = security::Sha256Hex(absl::StrCat(
                     c.ResourceName(), acceptance ? " acceptance " : " closure ",
                     absl::FormatTime(absl::RFC3339_full, due_time, absl::UTCTimeZone()))),
                 .district_code = c.location.district_code,
                 .enterprise_uscc = ""}};
          });
      if (result.ok()) {
        ++reported;
        common::Log(common::LogLevel::kInfo, "complaint_overdue")
            .Str("complaint", c.ResourceName())
            .Str("clock", acceptance ? "acceptance" : "closure")
            .Str("due", absl::FormatTime(absl::RFC3339_sec, due_time, absl::UTCTimeZone()));
      } else if (!skipped) {
        common::Log(common::LogLevel::kWarning, "complaint_overdue_report_failed")
            .Str("complaint", c.ResourceName())
            .Str("error", result.status().message());
        if (first_error.ok()) first_error = result.status();
      }
    }
  }
  if (!first_error.ok()) return first_error;
  return reported;
}

}  // namespace ecocase::api
