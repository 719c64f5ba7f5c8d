#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/task_repository.h"

namespace ecocase::storage::mysql {

class MysqlTaskRepository final : public TaskRepository {
 public:
  explicit MysqlTaskRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::pair<domain::Task, bool>> Issue(Tx& tx, const Scope& scope,
                                                      domain::Task task, absl::Time now) override;
  absl::StatusOr<domain::Task> Update(Tx& tx, const Scope& scope, int64_t id,
                                      int64_t expected_version,
                                      absl::FunctionRef<absl::Status(domain::Task&)> change,
                                      absl::Time now) override;
  absl::StatusOr<domain::Task> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<domain::Task>> List(const Scope& scope, const TaskFilter& filter,
                                                 int limit,
                                                 const std::optional<TaskCursor>& after) override;
  absl::StatusOr<std::vector<domain::Task>> ListOverdueOpen(absl::Time now, int limit) override;
  absl::StatusOr<bool> MarkOverdueFlagged(Tx& tx, int64_t id, absl::Time due_time) override;
  absl::StatusOr<TaskCounts> CountOpenAndOverdue(const Scope& scope,
                                                 const std::string& enterprise_uscc,
                                                 absl::Time now) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
