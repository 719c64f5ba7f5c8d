#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/evaluation/data_mark.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct DataMarkFilter {
  std::string enterprise_uscc;  // Empty: all in scope.
  std::string outlet_code;      // Empty: every outlet (with enterprise_uscc: of that one).
  std::optional<domain::evaluation::DataMarkState> state;
  // Marks overlapping [from, to); either bound may be left open.
  std::optional<absl::Time> from;
  std::optional<absl::Time> to;
};

// The List key: newest first, (create_time DESC, id DESC).
struct DataMarkCursor {
  absl::Time create_time;
  int64_t id = 0;
};

// Data marks (自主标记) with their evidence references. A mark's district is its
// enterprise's; reads take a Scope and a mark outside it is NOT_FOUND, the same as one that
// does not exist. Reads fill the whole domain::evaluation::DataMark (outlet_id and
// district_code included).
class DataMarkRepository {
 public:
  virtual ~DataMarkRepository() = default;

  // Inserts a submitted mark (validated and domain::evaluation::Submit'ted; id and version
  // ignored) for the enterprise's outlet. NOT_FOUND when the enterprise or its outlet does
  // not exist within `scope` (an enterprise marks only its own outlets). Returns the stored
  // mark (id, version 1, outlet_id, district).
  virtual absl::StatusOr<domain::evaluation::DataMark> Create(Tx& tx, const Scope& scope,
                                                              domain::evaluation::DataMark mark,
                                                              absl::Time now) = 0;

  // Locks the mark (SELECT ... FOR UPDATE) within `scope`, loads it, runs `change` (a domain
  // transition) and stores its state and review, bumping the version. When the mark became
  // ACCEPTED, inserts in the same transaction one evaluation_request per UTC-aligned whole
  // hour overlapping [start, end) (INSERT IGNORE), so the evaluator judges those hours
  // again. NOT_FOUND outside scope; ABORTED (reason ETAG_MISMATCH) when `expected_version`
  // is not 0 and not the mark's; `change`'s error as is (nothing written); INTERNAL when
  // `change` altered what the enterprise declared. The stored update_time is `now`.
  virtual absl::StatusOr<domain::evaluation::DataMark> Update(
      Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::evaluation::DataMark&)> change, absl::Time now) = 0;

  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::evaluation::DataMark> Get(const Scope& scope, int64_t id) = 0;
  // Newest first (create_time DESC, id DESC), those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::evaluation::DataMark>> List(
      const Scope& scope, const DataMarkFilter& filter, int limit,
      const std::optional<DataMarkCursor>& after) = 0;

  // For the evaluator (no scope): the ACCEPTED marks of outlet `outlet_id` overlapping
  // [from, to), by start time.
  virtual absl::StatusOr<std::vector<domain::evaluation::DataMark>> ListAccepted(int64_t outlet_id,
                                                                                 absl::Time from,
                                                                                 absl::Time to) = 0;
};

}  // namespace ecocase::storage
