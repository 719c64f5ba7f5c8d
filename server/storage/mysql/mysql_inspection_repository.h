#pragma once

#include "storage/inspection_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

// Inspection records in inspection_record (V010): the columns lists filter and scope on,
// the rest of the record as one JSON document (inspection_document.h).
class MysqlInspectionRepository final : public InspectionRepository {
 public:
  explicit MysqlInspectionRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::InspectionRecord> Create(Tx& tx, domain::InspectionRecord record) override;
  absl::StatusOr<domain::InspectionRecord> Lock(Tx& tx, const Scope& scope, int64_t id) override;
  absl::StatusOr<domain::InspectionRecord> Store(Tx& tx, domain::InspectionRecord record) override;
  absl::StatusOr<domain::InspectionRecord> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<domain::InspectionRecord>> List(
      const Scope& scope, const InspectionFilter& filter, int limit,
      const std::optional<InspectionCursor>& after) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
