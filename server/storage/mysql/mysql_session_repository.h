#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/session_repository.h"

namespace ecocase::storage::mysql {

class MysqlSessionRepository final : public SessionRepository {
 public:
  explicit MysqlSessionRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<domain::Principal> FindByAccessDigest(const std::string& digest,
                                                       absl::Time now) override;
  absl::StatusOr<int64_t> Create(Tx& tx, int64_t user_id, const SessionTokens& tokens,
                                 absl::Time now) override;
  absl::StatusOr<domain::Principal> Refresh(Tx& tx, const std::string& refresh_digest,
                                            const SessionTokens& tokens,
                                            absl::Time now) override;
  absl::Status Revoke(Tx& tx, int64_t session_id, absl::Time now) override;
  absl::Status RevokeAllForUser(Tx& tx, int64_t user_id, absl::Time now) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace ecocase::storage::mysql
