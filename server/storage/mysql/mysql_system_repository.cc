#include "storage/mysql/mysql_system_repository.h"

#include "storage/mysql/migrations.h"

namespace ecocase::storage::mysql {

absl::StatusOr<int> MysqlSystemRepository::SchemaVersion() {
  return CurrentSchemaVersion(pool_);
}

}  // namespace ecocase::storage::mysql
