#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/system_repository.h"

namespace ecocase::storage::mysql {

class MysqlSystemRepository final : public SystemRepository {
 public:
  explicit MysqlSystemRepository(ConnectionPool& pool) : pool_(pool) {}
  absl::StatusOr<int> SchemaVersion() override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
