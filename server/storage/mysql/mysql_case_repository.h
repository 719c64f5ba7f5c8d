#pragma once

#include "storage/case_repository.h"
#include "storage/mysql/connection_pool.h"

namespace ecocase::storage::mysql {

// Enforcement cases in the tables of V009: the columns lists filter on, officers, evidence
// and the timeline as child rows, the procedure records as one JSON document
// (case_document.h).
class MysqlCaseRepository final : public CaseRepository {
 public:
  explicit MysqlCaseRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::pair<domain::EnforcementCase, bool>> Create(
      Tx& tx, const Scope& scope, domain::EnforcementCase c,
      std::optional<absl::Time> clock_due) override;
  absl::StatusOr<domain::EnforcementCase> Lock(Tx& tx, const Scope& scope, int64_t id) override;
  absl::StatusOr<int64_t> NextCaseSeq(Tx& tx, int year) override;
  absl::StatusOr<domain::EnforcementCase> Store(Tx& tx, const domain::EnforcementCase& before,
                                                domain::EnforcementCase after,
                                                std::optional<absl::Time> clock_due,
                                                absl::Time now) override;
  absl::StatusOr<domain::EnforcementCase> Get(const Scope& scope, int64_t id) override;
  absl::StatusOr<std::vector<domain::EnforcementCase>> List(
      const Scope& scope, const CaseFilter& filter, int limit,
      const std::optional<CaseCursor>& after) override;
  absl::StatusOr<std::vector<CaseCandidate>> ListCandidates(const Scope& scope, absl::Time now,
                                                            int limit) override;
  absl::StatusOr<std::optional<CaseCandidate>> LookupSource(
      const Scope& scope, const domain::CaseSource& source) override;
  absl::StatusOr<std::vector<domain::EnforcementCase>> ListUnreportedOverdue(absl::Time now,
                                                                             int limit) override;
  absl::StatusOr<bool> MarkOverdueReported(Tx& tx, int64_t id, absl::Time due) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
