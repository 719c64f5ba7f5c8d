#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/task.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct TaskFilter {
  std::string enterprise_uscc;  // Empty: all in scope.
  std::optional<domain::TaskState> state;
  // Open (not VERIFIED/CANCELLED) tasks due at or before `now`.
  bool overdue_only = false;
  // Open tasks due at or before this instant (due soon); unset: no bound.
  std::optional<absl::Time> due_before;
  std::string district_code;  // Empty: all in scope; a city code covers its districts.
  absl::Time now;             // Required with overdue_only: the clock's now.
};

// The List key: newest first, (issue_time DESC, id DESC).
struct TaskCursor {
  absl::Time issue_time;
  int64_t id = 0;
};

// An enterprise's open tasks and, of those, the overdue ones (for GetPermitStatus).
struct TaskCounts {
  int64_t open = 0;
  int64_t overdue = 0;
};

// Rectification tasks with their submissions, re-inspections and extension. A task's
// district is its enterprise's; reads take a Scope and a task outside it is NOT_FOUND, the
// same as one that does not exist. The domain::Task is the unit: reads fill everything
// (the latest rectification, every re-inspection oldest first, the pending or last
// extension, district_code); `overdue` is not stored but computed by Task::OverdueAt.
class TaskRepository {
 public:
  virtual ~TaskRepository() = default;

  // Inserts an issued task (`task` already validated and domain::Issue'd: state, due,
  // issued_by, issue_time set; id and version ignored). NOT_FOUND when the enterprise (or
  // the outlet, when given) does not exist within `scope`. When a task with the same
  // (source_kind, source) exists, returns it with created = false and writes nothing
  // (idempotent issuing, whatever its enterprise — the caller may compare); otherwise the
  // stored task (id, version 1, district) with created = true.
  virtual absl::StatusOr<std::pair<domain::Task, bool>> Issue(Tx& tx, const Scope& scope,
                                                              domain::Task task,
                                                              absl::Time now) = 0;

  // Locks the task (SELECT ... FOR UPDATE) within `scope`, loads it whole, runs `change`
  // on it (a domain transition) and stores what changed: the task's columns, a new
  // rectification row when its report differs from the stored latest, new re-inspection
  // rows appended beyond those stored, the extension. Bumps version; returns the stored
  // task. NOT_FOUND outside scope; ABORTED (reason ETAG_MISMATCH) when `expected_version`
  // is not 0 and not the task's version; `change`'s error is returned as is (nothing
  // written); so is INTERNAL when `change` altered the task's identity (id, enterprise,
  // source) or dropped re-inspections. The stored update_time is `now`.
  virtual absl::StatusOr<domain::Task> Update(
      Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::Task&)> change, absl::Time now) = 0;

  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::Task> Get(const Scope& scope, int64_t id) = 0;
  // Newest first (issue_time DESC, id DESC), those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::Task>> List(
      const Scope& scope, const TaskFilter& filter, int limit,
      const std::optional<TaskCursor>& after) = 0;

  // Open tasks due at or before `now` that the sweep has not flagged for their current
  // due time (see MarkOverdueFlagged), soonest due first, at most `limit` (for the overdue
  // sweep; no scope). Loaded whole. A task whose deadline moves (rejection, reopening,
  // extension) becomes eligible again once it is overdue for the new due time.
  virtual absl::StatusOr<std::vector<domain::Task>> ListOverdueOpen(absl::Time now,
                                                                    int limit) = 0;
  // Remembers that the sweep handled task `id` being overdue for `due_time` (the task's
  // due_time as listed). Does not change the task's version (the etag): nothing the
  // enterprise or officers see changed. Returns false, writing nothing, when the task's
  // due time or state changed meanwhile, or it was flagged already (the sweep then skips
  // it: another replica or run handled it).
  virtual absl::StatusOr<bool> MarkOverdueFlagged(Tx& tx, int64_t id, absl::Time due_time) = 0;
  // The enterprise's open tasks and overdue open tasks at `now`. NOT_FOUND for an
  // enterprise outside scope.
  virtual absl::StatusOr<TaskCounts> CountOpenAndOverdue(const Scope& scope,
                                                         const std::string& enterprise_uscc,
                                                         absl::Time now) = 0;
};

}  // namespace ecocase::storage
