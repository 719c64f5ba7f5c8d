// The README journeys' fixture: the real ecocase-server as a child process over TLS with
// certificates from deploy/tls/gen-certs.sh, a bootstrap admin, and ecoctl run as a
// child process with a config dir of its own per signed-in user.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "testing/child_process.h"
#include "testing/test_database.h"

namespace ecocase {

inline constexpr char kAdminPassword[] = "e2e-admin-Passw0rd";

class EcoctlTest : public ::testing::Test {
 protected:
  struct Result {
    int code;
    std::string output;  // stdout and stderr together
  };

  void SetUp() override {
    static int counter = 0;
    base_dir_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/ecocase-e2e-",
                             getpid(), "-", counter++);
    std::filesystem::remove_all(base_dir_);
    std::filesystem::create_directories(base_dir_);
    tls_dir_ = base_dir_ + "/tls";
    ASSERT_EQ(std::system(absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/tls/gen-certs.sh ",
                                       tls_dir_, " >/dev/null 2>&1")
                              .c_str()),
              0);
    schema_ = testing::TestSchema::Create("e2e");
    const storage::DbOptions& db = schema_->options();
    // Port 0 for the HJ 212 gateway too: test servers run side by side.
    std::vector<std::string> args = {"--listen=127.0.0.1:0", "--hj212_listen=127.0.0.1:0",
                                     absl::StrCat("--tls_cert_file=", tls_dir_, "/server.pem"),
                                     absl::StrCat("--tls_key_file=", tls_dir_, "/server.key"),
                                     absl::StrCat("--db_host=", db.host),
                                     absl::StrCat("--db_port=", db.port),
                                     absl::StrCat("--db_user=", db.user),
                                     absl::StrCat("--db_name=", db.schema), "--db_socket=",
                                     // Test speed: production hashing costs ~0.5 s a login.
                                     "--password_hash_iterations=1000"};
    for (const std::string& flag : ExtraServerFlags()) args.push_back(flag);
    server_ = std::make_unique<testing::ChildProcess>(
        ECOCASE_SERVER_BINARY, args,
        std::vector<std::string>{absl::StrCat("ECOCASE_DB_PASSWORD=", db.password),
                                 absl::StrCat("ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=",
                                              kAdminPassword)});
    std::string line = server_->WaitForOutput("listening on", absl::Seconds(60));
    size_t colon = line.rfind(':');
    ASSERT_NE(colon, std::string::npos) << server_->Output();
    ASSERT_TRUE(absl::SimpleAtoi(line.substr(colon + 1, line.find(' ', colon) - colon - 1),
                                 &port_));
  }

  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(base_dir_);
  }

  virtual std::vector<std::string> ExtraServerFlags() const { return {}; }

  void StopServer() {
    if (server_ == nullptr) return;
    server_->Signal(SIGTERM);
    EXPECT_EQ(server_->Wait(absl::Seconds(15)), 0);
    server_.reset();
  }

  std::string server() const { return absl::StrCat("localhost:", port_); }

  // The config dir (ECOCTL_CONFIG_DIR) of one signed-in person; not created here.
  std::string ConfigDir(const std::string& who) const { return base_dir_ + "/config-" + who; }

  // Runs ecoctl as `who` with the connection flags and `args`; `input` (plus a newline)
  // is its stdin when not empty; `umask` applies to ecoctl.
  Result Ecoctl(const std::string& who, const std::vector<std::string>& args,
                const std::string& input = "", bool with_ca = true,
                const std::string& umask = "077") {
    std::vector<std::string> all = {
        "-c", "umask \"$ECOCTL_TEST_UMASK\"; printf '%s\\n' \"$ECOCTL_TEST_STDIN\" | exec \"$0\" \"$@\"",
        ECOCTL_BINARY, "--server", server()};
    if (with_ca) {
      all.push_back("--ca");
      all.push_back(tls_dir_ + "/ca.pem");
    }
    all.insert(all.end(), args.begin(), args.end());
    testing::ChildProcess ecoctl(
        "/bin/sh", all,
        {absl::StrCat("ECOCTL_CONFIG_DIR=", ConfigDir(who)),
         absl::StrCat("ECOCTL_TEST_STDIN=", input), absl::StrCat("ECOCTL_TEST_UMASK=", umask)});
    int code = ecoctl.Wait(absl::Seconds(30));
    return {code, ecoctl.Output()};
  }

  // Signs `who` in as `username`; fails the test if that does not work.
  void Login(const std::string& who, const std::string& username, const std::string& password) {
    Result r = Ecoctl(who, {"login", "--user", username, "--password-stdin"}, password);
    ASSERT_EQ(r.code, 0) << r.output;
  }

  // Creates an officer as `who` (an admin); returns nothing, fails the test on error.
  void CreateOfficer(const std::string& who, const std::string& username,
                     const std::string& password) {
    Result r = Ecoctl(who,
                      {"users", "create", "--username", username, "--display-name", "张伟",
                       "--role", "officer", "--district", "410802", "--cert-number",
                       "豫环执410802001", "--cert-from", "2026-01-01", "--cert-until",
                       "2028-12-31", "--password-stdin"},
                      password);
    ASSERT_EQ(r.code, 0) << r.output;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static unsigned Mode(const std::string& path) {
    return static_cast<unsigned>(std::filesystem::status(path).permissions()) & 0777;
  }

  std::string base_dir_;
  std::string tls_dir_;
  std::unique_ptr<testing::TestSchema> schema_;
  std::unique_ptr<testing::ChildProcess> server_;
  int port_ = 0;
};

// The first line of `text` containing `needle`, or "".
inline std::string LineWith(const std::string& text, const std::string& needle) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.find(needle) != absl::string_view::npos) return std::string(line);
  }
  return "";
}

// Terminal column at which byte `pos` of `line` starts (3-byte UTF-8 CJK characters are 2
// columns wide; the tables checked hold ASCII and CJK only).
inline int ColumnOf(const std::string& line, size_t pos) {
  int column = 0;
  for (size_t i = 0; i < pos;) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c >= 0xE0) {
      column += 2;
      i += 3;
    } else {
      column += 1;
      i += 1;
    }
  }
  return column;
}

}  // namespace ecocase
