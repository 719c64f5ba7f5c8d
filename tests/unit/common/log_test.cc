#include "common/log.h"

#include <gtest/gtest.h>

namespace ecocase::common {
namespace {

TEST(LogTest, JsonStringsAreEscapedAndUtf8Kept) {
  std::string out;
  AppendJsonString(out, "焦作 \"q\"\\\n\x01");
  EXPECT_EQ(out, "\"焦作 \\\"q\\\"\\\\\\n\\u0001\"");
}

TEST(LogTest, OneLinePerRecord) {
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "rpc").Str("method", "/a.B/C").Int("code", 0).Bool("tls", true);
  std::string line = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("\"event\":\"rpc\""), std::string::npos);
  EXPECT_NE(line.find("\"method\":\"/a.B/C\""), std::string::npos);
  EXPECT_NE(line.find("\"code\":0"), std::string::npos);
}

TEST(LogTest, LinesBelowTheLevelAreDropped) {
  SetMinLogLevel(LogLevel::kWarning);
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "quiet");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  SetMinLogLevel(LogLevel::kInfo);
}

}  // namespace
}  // namespace ecocase::common
