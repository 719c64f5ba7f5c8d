#pragma once

#include "storage/data_mark_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

class MysqlDataMarkRepository final : public DataMarkRepository {
 public:
  explicit MysqlDataMarkRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::evaluation::DataMark> Create(Tx& tx, const Scope& scope,
                                                      domain::evaluation::DataMark mark,
                                                      absl::Time now) override;
  absl::StatusOr<domain::evaluation::DataMark> Update(
      Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
      absl::FunctionRef<absl::Status(domain::evaluation::DataMark&)> change,
      absl::Time now) override;
  absl::StatusOr<domain::evaluation::DataMark> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<domain::evaluation::DataMark>> List(
      const Scope& scope, const DataMarkFilter& filter, int limit,
      const std::optional<DataMarkCursor>& after) override;
  absl::StatusOr<std::vector<domain::evaluation::DataMark>> ListAccepted(int64_t outlet_id,
                                                                         absl::Time from,
                                                                         absl::Time to) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
