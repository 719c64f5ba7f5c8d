#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/monitoring/reading.h"
#include "domain/permit.h"
#include "storage/mutation.h"

namespace ecocase::storage {

// One permit version's limit for an outlet's factor, and the instants it applies:
// [from, until) where until is the next version's effective time, the end of the version's
// validity or the permit's end, whichever comes first (domain::VersionAt in SQL terms).
struct LimitPeriod {
  domain::PermitLimit limit;
  std::string permit_number;
  int version = 0;
  absl::Time from;
  absl::Time until;
};

// An outlet the evaluation judges: it has limits in some issued permit version and a
// device bound to it (now or before).
struct EvaluationTarget {
  int64_t outlet_id = 0;
  std::string outlet_code;
  int64_t enterprise_id = 0;
  std::string enterprise_uscc;
  std::string district_code;
  std::optional<absl::Time> evaluated_through;  // End of the last hour judged.
  absl::Time first_bind_time;                   // Earliest binding of a device to it.
  std::vector<LimitPeriod> limits;
};

// An hour asked to be judged again (late readings, a reviewed data mark).
struct EvaluationRequest {
  absl::Time hour_start;
  absl::Time request_time;
};

// A device bound to an outlet and when it was last heard from.
struct DeviceActivity {
  std::string mn;
  int64_t outlet_id = 0;
  int64_t enterprise_id = 0;
  absl::Time bind_time;
  std::optional<absl::Time> last_seen;
};

// The evaluation's inputs and bookkeeping (tables evaluation_progress, evaluation_request,
// device_activity; reads of permits, devices and readings). No scope: a system job.
class EvaluationRepository {
 public:
  virtual ~EvaluationRepository() = default;

  virtual absl::StatusOr<std::vector<EvaluationTarget>> ListTargets() = 0;
  // Requests of one outlet, oldest hour first.
  virtual absl::StatusOr<std::vector<EvaluationRequest>> ListRequests(int64_t outlet_id) = 0;
  // Every reading of the outlet with data_time in [from, to), any factor and kind.
  virtual absl::StatusOr<std::vector<domain::monitoring::Reading>> ListReadings(int64_t outlet_id,
                                                                                absl::Time from,
                                                                                absl::Time to) = 0;
  // Records that the outlet is judged through `evaluated_through` and removes the requests
  // handled (those listed, unless asked again since: request_time newer).
  virtual absl::Status FinishOutlet(Tx& tx, int64_t outlet_id, absl::Time evaluated_through,
                                    const std::vector<EvaluationRequest>& handled,
                                    absl::Time now) = 0;
  // FinishOutlet in a transaction of its own, for a pass that changed no incident.
  virtual absl::Status RecordProgress(int64_t outlet_id, absl::Time evaluated_through,
                                      const std::vector<EvaluationRequest>& handled,
                                      absl::Time now) = 0;
  // Every device bound to an outlet now, with its last activity.
  virtual absl::StatusOr<std::vector<DeviceActivity>> ListBoundDevices() = 0;
};

}  // namespace ecocase::storage
