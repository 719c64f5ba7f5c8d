#pragma once

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/case_decision_clock.h"
#include "domain/working_calendar.h"
#include "storage/alert_repository.h"
#include "storage/case_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// Overdue detection of enforcement cases (the `report_overdue_cases` sweep): a case whose
// earliest running clock (filing, decision, service, payment, transfer package) ran out by
// the injected clock is audited as `users/system` and put on the alert feed (CASE_OVERDUE,
// staff of the district) once per due, so a clock that runs out again after an extension
// is reported again. What the case shows is computed on every read.
class CaseOverdueSweep final {
 public:
  // `calendar` must outlive the sweep.
  CaseOverdueSweep(storage::CaseRepository& cases, storage::MutationRunner& mutations,
                   storage::AlertRepository& alerts, const domain::WorkingCalendar& calendar,
                   const common::Clock& clock, domain::CaseClockOptions options)
      : cases_(cases),
        mutations_(mutations),
        alerts_(alerts),
        calendar_(calendar),
        clock_(clock),
        options_(options) {}

  // Reports the cases that ran out (at most `batch` per call); returns how many. The first
  // error is returned after the others had their turn.
  absl::StatusOr<int> ReportOverdue(int batch = 500);

 private:
  storage::CaseRepository& cases_;
  storage::MutationRunner& mutations_;
  storage::AlertRepository& alerts_;
  const domain::WorkingCalendar& calendar_;
  const common::Clock& clock_;
  const domain::CaseClockOptions options_;
};

}  // namespace ecocase::api
