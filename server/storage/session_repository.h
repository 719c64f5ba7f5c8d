#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/principal.h"
#include "storage/mutation.h"

namespace ecocase::storage {

// The digests and expiry times of a session's two tokens.
struct SessionTokens {
  std::string access_digest;
  absl::Time access_expire_time;
  std::string refresh_digest;
  absl::Time refresh_expire_time;
};

// Signed-in sessions. Tokens are never stored, only their SHA-256 digests.
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // The principal whose unexpired, unrevoked session has this access-token digest and who
  // is not disabled. UNAUTHENTICATED otherwise; UNAVAILABLE when the database is down.
  virtual absl::StatusOr<domain::Principal> FindByAccessDigest(const std::string& digest,
                                                               absl::Time now) = 0;

  // Opens a session for `user_id`; returns its id.
  virtual absl::StatusOr<int64_t> Create(Tx& tx, int64_t user_id, const SessionTokens& tokens,
                                         absl::Time now) = 0;
  // Swaps the session holding this refresh digest to new tokens and returns its
  // principal. UNAUTHENTICATED for an unknown, expired or revoked refresh token or a
  // disabled user.
  virtual absl::StatusOr<domain::Principal> Refresh(Tx& tx, const std::string& refresh_digest,
                                                    const SessionTokens& tokens,
                                                    absl::Time now) = 0;
  virtual absl::Status Revoke(Tx& tx, int64_t session_id, absl::Time now) = 0;
  virtual absl::Status RevokeAllForUser(Tx& tx, int64_t user_id, absl::Time now) = 0;
};

}  // namespace ecocase::storage
