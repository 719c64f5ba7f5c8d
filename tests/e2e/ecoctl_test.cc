// The README journey: a server over TLS with certificates from deploy/tls/gen-certs.sh,
// reached with ecoctl and the bureau's CA.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "testing/child_process.h"
#include "testing/test_database.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;

class EcoctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tls_dir_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/ecocase-e2e-tls-",
                            getpid());
    std::filesystem::remove_all(tls_dir_);
    ASSERT_EQ(std::system(absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/tls/gen-certs.sh ",
                                       tls_dir_, " >/dev/null 2>&1")
                              .c_str()),
              0);
    schema_ = testing::TestSchema::Create("e2e");
    const storage::DbOptions& db = schema_->options();
    server_ = std::make_unique<testing::ChildProcess>(
        ECOCASE_SERVER_BINARY,
        std::vector<std::string>{"--listen=127.0.0.1:0",
                                 absl::StrCat("--tls_cert_file=", tls_dir_, "/server.pem"),
                                 absl::StrCat("--tls_key_file=", tls_dir_, "/server.key"),
                                 absl::StrCat("--db_host=", db.host),
                                 absl::StrCat("--db_port=", db.port),
                                 absl::StrCat("--db_user=", db.user),
                                 absl::StrCat("--db_name=", db.schema), "--db_socket="},
        std::vector<std::string>{absl::StrCat("ECOCASE_DB_PASSWORD=", db.password)});
    std::string line = server_->WaitForOutput("listening on", absl::Seconds(60));
    size_t colon = line.rfind(':');
    ASSERT_NE(colon, std::string::npos) << server_->Output();
    ASSERT_TRUE(absl::SimpleAtoi(line.substr(colon + 1, line.find(' ', colon) - colon - 1),
                                 &port_));
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Signal(SIGTERM);
      EXPECT_EQ(server_->Wait(absl::Seconds(15)), 0);
    }
    std::filesystem::remove_all(tls_dir_);
  }

  // Runs ecoctl with `args` after the connection flags; returns exit code and output.
  std::pair<int, std::string> Ecoctl(std::vector<std::string> args, bool with_ca = true) {
    std::vector<std::string> all = {"--server", absl::StrCat("localhost:", port_)};
    if (with_ca) {
      all.push_back("--ca");
      all.push_back(tls_dir_ + "/ca.pem");
    }
    all.insert(all.end(), args.begin(), args.end());
    testing::ChildProcess ecoctl(ECOCTL_BINARY, all);
    int code = ecoctl.Wait(absl::Seconds(30));
    return {code, ecoctl.Output()};
  }

  std::string tls_dir_;
  std::unique_ptr<testing::TestSchema> schema_;
  std::unique_ptr<testing::ChildProcess> server_;
  int port_ = 0;
};

TEST_F(EcoctlTest, HealthIsServingOverTls) {
  auto [code, out] = Ecoctl({"health"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("SERVING"));
}

TEST_F(EcoctlTest, InfoShowsSchemaAndHolidayCalendar) {
  auto [code, out] = Ecoctl({"info"});
  EXPECT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("schema_version"));
  EXPECT_THAT(out, HasSubstr("2025 2026"));
  EXPECT_THAT(out, HasSubstr("国务院办公厅关于2026年部分节假日安排的通知"));
  auto [json_code, json] = Ecoctl({"--json", "info"});
  EXPECT_EQ(json_code, 0) << json;
  EXPECT_THAT(json, HasSubstr("\"calendarYears\":[2025,2026]"));
}

TEST_F(EcoctlTest, ServerIsRefusedWithoutTheBureauCa) {
  auto [code, out] = Ecoctl({"health"}, /*with_ca=*/false);
  EXPECT_NE(code, 0);
  EXPECT_THAT(out, HasSubstr("error: 14"));
}

}  // namespace
}  // namespace ecocase
