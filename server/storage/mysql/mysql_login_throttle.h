#pragma once

#include "storage/login_throttle.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlLoginThrottle final : public LoginThrottle {
 public:
  explicit MysqlLoginThrottle(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<absl::Time> LockedUntil(const std::vector<std::string>& subjects,
                                         absl::Time now) override;
  absl::Status RecordFailure(const std::vector<std::string>& subjects, absl::Time now,
                             int max_failures, absl::Duration window,
                             absl::Duration lockout) override;
  absl::Status Clear(const std::string& subject) override;
  absl::StatusOr<int64_t> PurgeStale(absl::Time cutoff) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
