#pragma once

#include "storage/complaint_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::security {
class FieldCipher;
}

namespace ecocase::storage::mysql {

// Complaints in the tables of V007. `cipher` (not owned; may be null when no field key is
// configured, in which case only anonymous complaints can be stored or read) encrypts the
// reporter's name and phone.
class MysqlComplaintRepository final : public ComplaintRepository {
 public:
  MysqlComplaintRepository(ConnectionPool& pool, const security::FieldCipher* cipher)
      : pool_(pool), cipher_(cipher) {}

  absl::StatusOr<std::pair<domain::Complaint, bool>> Create(Tx& tx, const Scope& scope,
                                                            domain::Complaint complaint) override;
  absl::StatusOr<domain::Complaint> Lock(Tx& tx, const Scope& scope, int64_t id) override;
  absl::StatusOr<domain::Complaint> Store(Tx& tx, const domain::Complaint& before,
                                          domain::Complaint after, absl::Time now) override;
  absl::Status Repoint(Tx& tx, const std::vector<int64_t>& ids, int64_t master_id) override;
  absl::StatusOr<domain::Complaint> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<domain::Complaint>> List(
      const Scope& scope, const ComplaintFilter& filter, int limit,
      const std::optional<ComplaintCursor>& after) override;
  absl::StatusOr<std::vector<domain::Complaint>> ListOpenByReporter(
      Tx& tx, const std::string& identity_hash, int limit) override;
  absl::StatusOr<std::vector<domain::Complaint>> ListRecent(const Scope& scope,
                                                            domain::ComplaintCategory category,
                                                            absl::Time since, absl::Time until,
                                                            int limit) override;

  absl::StatusOr<std::vector<domain::Complaint>> ListUnreportedOverdue(absl::Time now,
                                                                     int limit) override;
  absl::StatusOr<bool> MarkOverdueReported(Tx& tx, int64_t id, domain::SlaClock clock,
                                           absl::Time due) override;

 private:
  ConnectionPool& pool_;
  const security::FieldCipher* cipher_;
};

}  // namespace ecocase::storage::mysql
