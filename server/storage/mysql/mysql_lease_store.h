#pragma once

#include "common/lease_store.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

// Leases as rows of `sweep_lease` (V001__platform.sql). Each call is one transaction that
// locks the lease row (creating it first when missing), so concurrent callers in any
// number of replicas are serialised by InnoDB's row lock. Times are the caller's, stored
// as UTC DATETIME(6) (whole microseconds); the database's NOW() is never used.
class MysqlLeaseStore final : public common::LeaseStore {
 public:
  explicit MysqlLeaseStore(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<bool> TryAcquire(absl::string_view name, absl::string_view holder,
                                  absl::Time now, absl::Duration ttl) override;
  absl::Status Release(absl::string_view name, absl::string_view holder) override;
  absl::Status RecordRun(absl::string_view name, absl::string_view holder,
                         absl::Time finished) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
