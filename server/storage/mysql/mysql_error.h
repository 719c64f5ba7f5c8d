#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace sql {
class SQLException;
}

namespace ecocase::storage::mysql {

// MySQL/MariaDB client and server error numbers ecocase reacts to.
inline constexpr int kErDupEntry = 1062;
inline constexpr int kErLockWaitTimeout = 1205;
inline constexpr int kErLockDeadlock = 1213;

// True when the error means the connection is gone (2006 server gone away, 2013 lost
// during query, 2002/2003 cannot connect, ...): the connection must be discarded.
bool IsConnectionLost(int error_code);
// True for 1213 (deadlock) and 1205 (lock wait timeout): retry the whole transaction.
bool IsTransactionRetryable(int error_code);

// Maps a MySQL error number to a status: 1062 -> ALREADY_EXISTS; 1213/1205 -> ABORTED;
// connection errors -> UNAVAILABLE; FK violations -> FAILED_PRECONDITION; statement
// timeouts -> DEADLINE_EXCEEDED; anything else -> INTERNAL. `operation` names what was
// attempted. Server texts that may quote row values (and so personal data) are left out.
absl::Status StatusFromMysqlError(int error_code, absl::string_view sql_state,
                                  absl::string_view server_message, absl::string_view operation);
absl::Status StatusFromSqlException(const sql::SQLException& e, absl::string_view operation);

}  // namespace ecocase::storage::mysql
