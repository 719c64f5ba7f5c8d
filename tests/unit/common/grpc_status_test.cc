#include "api/grpc_status.h"

#include <gtest/gtest.h>

namespace ecocase::api {
namespace {

TEST(GrpcStatusTest, EveryCanonicalCodeKeepsItsNumberAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    SCOPED_TRACE(code);
    absl::Status s(static_cast<absl::StatusCode>(code), "msg");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(g.error_message(), "msg");
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace ecocase::api
