#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/inspection_record.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct InspectionFilter {
  std::string enterprise_uscc;  // Empty: all in scope.
  std::optional<domain::InspectionState> state;
};

// The List key: newest first, (create_time DESC, id DESC).
struct InspectionCursor {
  absl::Time create_time;
  int64_t id = 0;
};

// Inspection records, whole. Scope: staff see the records whose district_code their scope
// covers; an ENTERPRISE scope sees none (records reach the party through its case). A
// record outside scope is NOT_FOUND, the same as one that does not exist.
class InspectionRepository {
 public:
  virtual ~InspectionRepository() = default;

  // Inserts a drafted record (domain::CreateDraft'ed; id and version ignored) and returns it
  // stored (id, version 1).
  virtual absl::StatusOr<domain::InspectionRecord> Create(Tx& tx,
                                                          domain::InspectionRecord record) = 0;

  // Locks the record (SELECT ... FOR UPDATE) within `scope` and loads it whole.
  virtual absl::StatusOr<domain::InspectionRecord> Lock(Tx& tx, const Scope& scope,
                                                        int64_t id) = 0;

  // Stores a locked record after a domain change; bumps version and returns the stored
  // record. INTERNAL when `record.version` is not the stored one (it was not locked).
  virtual absl::StatusOr<domain::InspectionRecord> Store(Tx& tx,
                                                         domain::InspectionRecord record) = 0;

  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::InspectionRecord> Get(const Scope& scope, int64_t id) = 0;

  // Newest first (create_time DESC, id DESC), those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::InspectionRecord>> List(
      const Scope& scope, const InspectionFilter& filter, int limit,
      const std::optional<InspectionCursor>& after) = 0;
};

}  // namespace ecocase::storage
