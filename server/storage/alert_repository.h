#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

// One entry of the alert feed (table alert_event): a new or changed incident or task.
struct AlertEvent {
  int64_t seq = 0;    // Assigned by Append: gap-free and in commit order.
  std::string kind;   // INCIDENT_OPENED, INCIDENT_UPDATED, INCIDENT_CLOSED,
                      // INCIDENT_WITHDRAWN, TASK_ISSUED, TASK_CHANGED
  std::string resource;  // "incidents/12", "tasks/7"
  int64_t enterprise_id = 0;     // 0: the alert concerns no enterprise (complaints).
  std::string enterprise_uscc;  // Filled on reads; empty when there is no enterprise.
  std::string district_code;    // The enterprise's district.
  std::string title;            // Chinese one-line summary.
  std::string detail;
  absl::Time create_time;
};

// The alert feed. Appends happen inside the transaction that made the change, so an alert
// exists exactly when its change committed. Reads are scoped like every other read.
class AlertRepository {
 public:
  virtual ~AlertRepository() = default;

  // Appends `event` (seq and create_time assigned: create_time = now), taking the next seq
  // under the alert_sequence row lock, held to the end of `tx`: every appending transaction
  // waits for it, so append as late in the transaction as possible. The enterprise is
  // enterprise_id's, or enterprise_uscc's when the id is 0; fills district_code (only when
  // empty), enterprise_id and enterprise_uscc from it. With neither, the alert concerns no
  // enterprise (complaints) and is seen by its district_code alone, which it then needs.
  // Returns the stored event; NOT_FOUND for an enterprise that does not exist,
  // INVALID_ARGUMENT for an empty kind, resource or title, a text longer than its column,
  // or no enterprise and no district.
  virtual absl::StatusOr<AlertEvent> Append(Tx& tx, AlertEvent event, absl::Time now) = 0;

  // Events with seq > after_seq within `scope`, oldest first, at most `limit`. Scope is
  // judged on the alert's own district_code (its enterprise's when raised) and the
  // enterprise's USCC, the same rule api::ScopeAdmits applies to live alerts.
  virtual absl::StatusOr<std::vector<AlertEvent>> ListAfter(const Scope& scope, int64_t after_seq,
                                                            int limit) = 0;
  // Every event with seq > after_seq regardless of scope, oldest first, at most `limit`
  // (for the in-process hub that fans out to watchers, which applies scope itself).
  virtual absl::StatusOr<std::vector<AlertEvent>> ListAllAfter(int64_t after_seq, int limit) = 0;
  // The highest seq committed (0 for an empty feed).
  virtual absl::StatusOr<int64_t> LastSeq() = 0;
};

}  // namespace ecocase::storage
