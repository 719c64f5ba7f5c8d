#include "storage/mysql/mysql_error.h"

#include <gtest/gtest.h>

namespace ecocase::storage::mysql {
namespace {

struct Case {
  int mysql_error;
  absl::StatusCode expected;
};

TEST(MysqlErrorTest, ErrorNumbersMapToStatusCodes) {
  const Case kCases[] = {
      {1062, absl::StatusCode::kAlreadyExists},
      {1213, absl::StatusCode::kAborted},
      {1205, absl::StatusCode::kAborted},
      {2006, absl::StatusCode::kUnavailable},
      {2013, absl::StatusCode::kUnavailable},
      {2003, absl::StatusCode::kUnavailable},
      {1452, absl::StatusCode::kFailedPrecondition},
      {1290, absl::StatusCode::kUnavailable},
      {1969, absl::StatusCode::kDeadlineExceeded},
      {1146, absl::StatusCode::kInternal},
      {9999, absl::StatusCode::kInternal},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.mysql_error);
    EXPECT_EQ(StatusFromMysqlError(c.mysql_error, "HY000", "text", "op").code(), c.expected);
  }
}

TEST(MysqlErrorTest, RowValuesInServerTextNeverReachTheStatus) {
  absl::Status s = StatusFromMysqlError(
      1062, "23000", "Duplicate entry '13800138000' for key 'phone'", "create complaint");
  EXPECT_EQ(s.message().find("13800138000"), absl::string_view::npos);
  EXPECT_NE(s.message().find("create complaint"), absl::string_view::npos);
}

TEST(MysqlErrorTest, RetryAndLostClassification) {
  EXPECT_TRUE(IsTransactionRetryable(1213));
  EXPECT_TRUE(IsTransactionRetryable(1205));
  EXPECT_FALSE(IsTransactionRetryable(1062));
  EXPECT_TRUE(IsConnectionLost(2006));
  EXPECT_TRUE(IsConnectionLost(2013));
  EXPECT_FALSE(IsConnectionLost(1213));
}

}  // namespace
}  // namespace ecocase::storage::mysql
