#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/evaluation/incidents.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

// An incident as stored: the domain incident (with its windows) plus what the platform
// adds around it. WITHDRAWN incidents are kept for the record and never replayed.
struct IncidentRecord {
  int64_t id = 0;
  int64_t enterprise_id = 0;
  std::string enterprise_uscc;
  std::string enterprise_name;
  std::string district_code;
  int64_t outlet_id = 0;
  std::string outlet_code;
  std::string mn;  // DEVICE_OFFLINE
  bool withdrawn = false;
  domain::evaluation::Incident incident;  // key.outlet holds the outlet code
  absl::Duration window_length = absl::Hours(1);
  std::string rule_version;
  std::optional<int64_t> task_id;
  std::string explanation;
  std::string explained_by;
  std::optional<absl::Time> explain_time;
  bool case_candidate = false;
  absl::Time open_time;
  absl::Time update_time;
  int64_t version = 0;

  std::string ResourceName() const;  // incidents/{id}
};

struct IncidentFilter {
  std::string enterprise_uscc;  // Empty: all in scope.
  std::string outlet_code;      // With enterprise_uscc.
  std::optional<domain::evaluation::IncidentKind> kind;
  bool open_only = false;
  bool include_withdrawn = false;
  bool case_candidates_only = false;
};

// Newest first: (open_time DESC, id DESC).
struct IncidentCursor {
  absl::Time open_time;
  int64_t id = 0;
};

class IncidentRepository {
 public:
  virtual ~IncidentRepository() = default;

  // --- For the evaluation (no scope) ---
  // Incidents of one outlet x factor x kind that are open, or whose windows reach `from`
  // or later; not withdrawn; with their windows.
  virtual absl::StatusOr<std::vector<IncidentRecord>> ListForReplay(
      int64_t outlet_id, const std::string& pollutant, domain::evaluation::IncidentKind kind,
      absl::Time from) = 0;
  // Inserts or rewrites the incident identified by (outlet, factor, kind, first bad
  // window) with its windows; a withdrawn one comes back. Returns the stored record
  // (version bumped when anything changed).
  virtual absl::StatusOr<IncidentRecord> Save(Tx& tx, int64_t enterprise_id, int64_t outlet_id,
                                              const std::string& mn,
                                              const domain::evaluation::Incident& incident,
                                              absl::Duration window_length,
                                              const std::string& rule_version, absl::Time now) = 0;
  virtual absl::Status Withdraw(Tx& tx, int64_t id, absl::Time now) = 0;
  virtual absl::Status SetTask(Tx& tx, int64_t id, int64_t task_id) = 0;
  // Open DEVICE_OFFLINE incidents (all outlets).
  virtual absl::StatusOr<std::vector<IncidentRecord>> ListOpenOffline() = 0;
  // Flags open or closed, unexplained EXCEEDANCE incidents opened before `opened_before`
  // as case candidates; returns the records flagged now.
  virtual absl::StatusOr<std::vector<IncidentRecord>> FlagUnexplained(Tx& tx,
                                                                      absl::Time opened_before,
                                                                      absl::Time now) = 0;

  // --- For the API (scoped; outside scope is NOT_FOUND) ---
  virtual absl::StatusOr<IncidentRecord> Get(const Scope& scope, int64_t id) = 0;
  virtual absl::StatusOr<std::vector<IncidentRecord>> List(
      const Scope& scope, const IncidentFilter& filter, int limit,
      const std::optional<IncidentCursor>& after) = 0;
  // Records the enterprise's explanation (情况说明) after `check` approved the locked
  // incident (its error is returned as is, nothing written). ABORTED on a stale
  // expected_version (0 = any).
  virtual absl::StatusOr<IncidentRecord> Explain(
      Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
      absl::FunctionRef<absl::Status(const IncidentRecord&)> check,
      const std::string& explanation, const std::string& explained_by, absl::Time now) = 0;
  // The enterprise's open incidents (for GetPermitStatus), newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<IncidentRecord>> ListOpenForEnterprise(
      const Scope& scope, const std::string& enterprise_uscc, int limit) = 0;
};

}  // namespace ecocase::storage
