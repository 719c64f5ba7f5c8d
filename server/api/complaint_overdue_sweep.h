#pragma once

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "storage/alert_repository.h"
#include "storage/complaint_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// Overdue detection of complaints (the `report_overdue_complaints` sweep): each acceptance
// or closure clock that ran out (per the injected clock) is logged, audited as
// `users/system` and put on the alert feed (COMPLAINT_OVERDUE, staff of the district only)
// once — the closure clock once per due, so an extended one that runs out again is reported
// again. Nothing the complaint shows changes: `*_overdue` is computed on every read.
class ComplaintOverdueSweep final {
 public:
  ComplaintOverdueSweep(storage::ComplaintRepository& complaints,
                        storage::MutationRunner& mutations, storage::AlertRepository& alerts,
                        const common::Clock& clock)
      : complaints_(complaints), mutations_(mutations), alerts_(alerts), clock_(clock) {}

  // Reports what ran out (clocks of at most `batch` complaints per call); returns how many
  // clocks. The first error is returned after the others had their turn.
  absl::StatusOr<int> ReportOverdue(int batch = 500);

 private:
  storage::ComplaintRepository& complaints_;
  storage::MutationRunner& mutations_;
  storage::AlertRepository& alerts_;
  const common::Clock& clock_;
};

}  // namespace ecocase::api
