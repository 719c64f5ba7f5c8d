#include "api/case_overdue_sweep.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "api/case_alerts.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "security/sha256.h"

namespace ecocase::api {

absl::StatusOr<int> CaseOverdueSweep::ReportOverdue(int batch) {
  const absl::Time now = clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::EnforcementCase> due,
                           cases_.ListUnreportedOverdue(now, batch));
  const std::string actor = "users/system";
  int reported = 0;
  absl::Status first_error;
  for (const domain::EnforcementCase& c : due) {
    absl::StatusOr<domain::CaseClockView> clocks =
        domain::ComputeCaseClocks(c, now, options_, calendar_);
    if (!clocks.ok() || !clocks->next_due || *clocks->next_due > now) continue;
    const absl::Time due_time = *clocks->next_due;
    bool skipped = false;
    storage::MutationKey key{actor, "ecocase.v1.CaseService/MarkCaseOverdue", "", ""};
    auto result =
        mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
          skipped = false;
          ECOCASE_ASSIGN_OR_RETURN(bool marked, cases_.MarkOverdueReported(tx, c.id, due_time));
          // Reported already (by another replica), or the case moved on since.
          if (!marked) {
            skipped = true;
            return absl::CancelledError("no longer unreported as listed");
          }
          ECOCASE_RETURN_IF_ERROR(
              alerts_.Append(tx, CaseOverdueAlert(c, *clocks, due_time), now).status());
          return storage::MutationResult{
              "",
              {.actor = actor,
               .action = "MarkCaseOverdue",
               .resource = c.ResourceName(),
               .change_digest = security::Sha256Hex(absl::StrCat(
                   c.ResourceName(), " ",
                   absl::FormatTime(absl::RFC3339_full, due_time, absl::UTCTimeZone()))),
               .district_code = c.district_code,
               .enterprise_uscc = ""}};
        });
    if (result.ok()) {
      ++reported;
      common::Log(common::LogLevel::kInfo, "case_overdue")
          .Str("case", c.ResourceName())
          .Str("due", absl::FormatTime(absl::RFC3339_sec, due_time, absl::UTCTimeZone()));
    } else if (!skipped) {
      common::Log(common::LogLevel::kWarning, "case_overdue_report_failed")
          .Str("case", c.ResourceName())
          .Str("error", result.status().message());
      if (first_error.ok()) first_error = result.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return reported;
}

}  // namespace ecocase::api
