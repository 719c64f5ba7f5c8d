#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/reading_repository.h"

namespace ecocase::storage::mysql {

class MysqlReadingRepository final : public ReadingRepository {
 public:
  explicit MysqlReadingRepository(ConnectionPool& pool) : pool_(pool) {}

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
};

}  // namespace ecocase::storage::mysql
