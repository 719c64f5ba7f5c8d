#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/scope.h"

namespace ecocase::storage {

// One row of audit_log as stored. Absent district/enterprise (NULL) read as "".
struct AuditRecordRow {
  int64_t sequence = 0;
  absl::Time record_time;
  std::string actor;
  std::string action;
  std::string resource;
  std::string request_id;
  std::string change_digest;
  std::string district_code;
  std::string enterprise_uscc;
  std::string previous_hash;
  std::string hash;
};

// Optional filters of List; an empty field does not filter.
struct AuditFilter {
  std::string resource;  // Exactly this resource, e.g. "users/lisi".
  std::string actor;     // Exactly this actor, e.g. "users/zhangwei".
};

// The outcome of verifying the whole chain (see security::AuditChainVerifier).
struct VerifyReport {
  bool intact = false;
  int64_t record_count = 0;
  // The last record of the chain as read (0 and 64 zeros when empty): the checkpoint to
  // keep for the next verification when `intact`.
  int64_t last_sequence = 0;
  std::string last_hash;
  // When not intact: the first broken link and what is wrong there.
  int64_t first_broken_sequence = 0;
  std::string problem;
};

// Reads the hash-chained audit log. Records are appended only by the mutation runner,
// inside each change's own transaction (storage/mutation.h).
class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  // Up to `limit` records visible in `scope` that match `filter`, newest (highest
  // sequence) first, starting below `before_sequence` when given. Scope is part of the
  // query (district_code / enterprise_uscc columns); records without a district are seen
  // only by an everything-scope. INVALID_ARGUMENT for limit < 1; UNAVAILABLE when the
  // database is unreachable.
  virtual absl::StatusOr<std::vector<AuditRecordRow>> List(
      const Scope& scope, const AuditFilter& filter, int limit,
      std::optional<int64_t> before_sequence) = 0;

  // Recomputes the whole chain from one consistent snapshot, in batches ordered by
  // sequence (never the whole table in memory), and compares its end with the audit_head
  // row and, when `checkpoint_sequence` > 0, with that checkpoint (hash in lower-case
  // hex). A broken chain is a report with intact = false, not an error; UNAVAILABLE when
  // the database is unreachable, INTERNAL for unreadable rows.
  virtual absl::StatusOr<VerifyReport> Verify(int64_t checkpoint_sequence,
                                              std::string checkpoint_hash) = 0;
};

}  // namespace ecocase::storage
