// The README journey: a server over TLS with certificates from deploy/tls/gen-certs.sh,
// reached with ecoctl and the bureau's CA.
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;

TEST_F(EcoctlTest, HealthIsServingOverTls) {
  auto [code, out] = Ecoctl("anyone", {"health"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("SERVING"));
}

TEST_F(EcoctlTest, InfoShowsSchemaAndHolidayCalendar) {
  auto [code, out] = Ecoctl("anyone", {"info"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("schema_version"));
  EXPECT_THAT(out, HasSubstr("2025 2026"));
  EXPECT_THAT(out, HasSubstr("国务院办公厅关于2026年部分节假日安排的通知"));
  auto [json_code, json] = Ecoctl("anyone", {"--json", "info"});
  EXPECT_EQ(json_code, 0) << json;
  EXPECT_THAT(json, HasSubstr("\"calendarYears\":[2025,2026]"));
}

TEST_F(EcoctlTest, ServerIsRefusedWithoutTheBureauCa) {
  auto [code, out] = Ecoctl("anyone", {"health"}, "", /*with_ca=*/false);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("error: UNAVAILABLE: "));
}

}  // namespace
}  // namespace ecocase
