#include "storage/mysql/mysql_error.h"

#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"

namespace ecocase::storage::mysql {

bool IsConnectionLost(int error_code) {
  switch (error_code) {
    case 1040:  // ER_CON_COUNT_ERROR: too many connections
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1927:  // MariaDB ER_CONNECTION_KILLED
    case 2002:  // CR_CONNECTION_ERROR (socket)
    case 2003:  // CR_CONN_HOST_ERROR (TCP)
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // MySQL 8 ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default:
      return false;
  }
}

bool IsTransactionRetryable(int error_code) {
  return error_code == kErLockDeadlock || error_code == kErLockWaitTimeout;
}

absl::Status StatusFromMysqlError(int error_code, absl::string_view sql_state,
                                  absl::string_view server_message,
                                  absl::string_view operation) {
  std::string where = absl::StrCat(operation, ": MySQL error ", error_code, " (SQLSTATE ",
                                   sql_state, ")");
  if (error_code == kErDupEntry) {
    return absl::AlreadyExistsError(absl::StrCat(where, ": already exists"));
  }
  if (IsTransactionRetryable(error_code)) {
    return absl::AbortedError(absl::StrCat(
        where, error_code == kErLockDeadlock ? ": deadlock" : ": lock wait timeout",
        "; retry the request"));
  }
  if (IsConnectionLost(error_code)) {
    return absl::UnavailableError(absl::StrCat(where, ": database unreachable"));
  }
  switch (error_code) {
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
      return absl::FailedPreconditionError(
          absl::StrCat(where, ": a referenced record is missing or still in use"));
    case 1290:  // ER_OPTION_PREVENTS_STATEMENT (read_only)
    case 1836:  // ER_READ_ONLY_MODE
      return absl::UnavailableError(absl::StrCat(where, ": database is read-only"));
    case 1969:  // MariaDB ER_STATEMENT_TIMEOUT
    case 3024:  // MySQL ER_QUERY_TIMEOUT
      return absl::DeadlineExceededError(absl::StrCat(where, ": statement timed out"));
    case 1054:  // ER_BAD_FIELD_ERROR
    case 1064:  // ER_PARSE_ERROR
    case 1146:  // ER_NO_SUCH_TABLE
      // Schema and syntax errors quote SQL text, not row values: safe and useful.
      return absl::InternalError(absl::StrCat(where, ": ", server_message));
    default:
      return absl::InternalError(where);
  }
}

absl::Status StatusFromSqlException(const sql::SQLException& e, absl::string_view operation) {
  return StatusFromMysqlError(e.getErrorCode(), e.getSQLStateCStr(), e.what(), operation);
}

}  // namespace ecocase::storage::mysql
