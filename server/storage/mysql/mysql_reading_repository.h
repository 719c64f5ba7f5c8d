#pragma once

#include "absl/time/time.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/last_seen_throttle.h"
#include "storage/reading_repository.h"

namespace ecocase::storage::mysql {

class MysqlReadingRepository final : public ReadingRepository {
 public:
  // How stale device_activity.last_seen may be (LastSeenThrottle): far below the shortest
  // offline threshold of a minute.
  static constexpr absl::Duration kLastSeenRefresh = absl::Seconds(10);

  explicit MysqlReadingRepository(ConnectionPool& pool)
      : pool_(pool), last_seen_(kLastSeenRefresh) {}

  absl::StatusOr<std::optional<DeviceRecord>> FindDevice(const std::string& mn) override;
  absl::StatusOr<int64_t> Insert(const std::vector<ReadingRow>& rows) override;
  absl::StatusOr<std::vector<StoredReading>> List(
      const Scope& scope, const ReadingQuery& query, int limit,
      const std::optional<ReadingCursor>& after) override;
  absl::StatusOr<std::vector<std::string>> MaintainPartitions(absl::Time now,
                                                              absl::Duration retention,
                                                              int months_ahead) override;

 private:
  ConnectionPool& pool_;
  LastSeenThrottle last_seen_;
};

}  // namespace ecocase::storage::mysql
