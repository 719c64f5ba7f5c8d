#pragma once

#include "common/clock.h"
#include "storage/mutation.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlMutationRunner final : public MutationRunner {
 public:
  MysqlMutationRunner(ConnectionPool& pool, const common::Clock& clock)
      : pool_(pool), clock_(clock) {}

  absl::StatusOr<std::string> Run(
      const MutationKey& key,
      absl::FunctionRef<absl::StatusOr<MutationResult>(Tx&)> body) override;

  // Deletes idempotency keys created before `cutoff`; returns how many. For the sweep.
  absl::StatusOr<int64_t> PurgeIdempotencyKeys(absl::Time cutoff);

 private:
  ConnectionPool& pool_;
  const common::Clock& clock_;
};

// Appends `entry` to the audit chain inside the open transaction. Locks the chain head
// until commit, so records are numbered and linked in commit order.
// INTERNAL when the chain's head row is missing.
absl::Status AppendAuditRecord(sql::Connection& conn, const AuditEntry& entry,
                               absl::string_view request_id, absl::Time now);

}  // namespace ecocase::storage::mysql
