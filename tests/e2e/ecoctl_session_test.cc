// The README's "Using ecoctl" journeys: sign in, administer users, verify the audit
// chain, sign out; with the real server and the real ecoctl over TLS.
#include <regex>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The first capture group of `pattern` in `text`, or "".
std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

TEST_F(EcoctlTest, LoginKeepsPrivateCredentialsWithoutThePassword) {
  // A careless umask must not leave the tokens readable by others.
  Result login = Ecoctl("admin", {"login", "--user", "admin", "--password-stdin"},
                        kAdminPassword, /*with_ca=*/true, /*umask=*/"000");
  ASSERT_EQ(login.code, 0) << login.output;
  EXPECT_THAT(login.output, HasSubstr("signed in to " + server() + " as admin"));
  EXPECT_THAT(login.output, HasSubstr("session expires"));

  std::string path = ConfigDir("admin") + "/credentials.json";
  EXPECT_EQ(Mode(ConfigDir("admin")), 0700u);
  EXPECT_EQ(Mode(path), 0600u);
  std::string stored = ReadFile(path);
  EXPECT_THAT(stored, Not(HasSubstr(kAdminPassword)));
  EXPECT_THAT(stored, HasSubstr("\"" + server() + "\""));
  EXPECT_THAT(stored, HasSubstr("\"username\": \"admin\""));
  std::string access_token = Capture(stored, "\"access_token\": \"([^\"]+)\"");
  std::string refresh_token = Capture(stored, "\"refresh_token\": \"([^\"]+)\"");
  ASSERT_FALSE(access_token.empty()) << stored;
  ASSERT_FALSE(refresh_token.empty()) << stored;
  EXPECT_THAT(login.output, Not(HasSubstr(access_token)));
  EXPECT_THAT(login.output, Not(HasSubstr(refresh_token)));

  Result whoami = Ecoctl("admin", {"whoami"});
  EXPECT_EQ(whoami.code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("users/admin"));
  EXPECT_THAT(whoami.output, HasSubstr("系统管理员"));
  EXPECT_THAT(whoami.output, Not(HasSubstr(access_token)));

  Result json = Ecoctl("admin", {"--json", "login", "--user", "admin", "--password-stdin"},
                       kAdminPassword);
  EXPECT_EQ(json.code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"username\":\"admin\""));
  EXPECT_THAT(json.output, Not(HasSubstr("Token\":\"")));  // No accessToken / refreshToken.
}

TEST_F(EcoctlTest, WrongPasswordIsRefused) {
  Result r = Ecoctl("admin", {"login", "--user", "admin", "--password-stdin"}, "not-the-password");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("error: UNAUTHENTICATED: wrong username or password"));
  EXPECT_FALSE(std::filesystem::exists(ConfigDir("admin") + "/credentials.json"));
}

TEST_F(EcoctlTest, AdminCreatesAnOfficerWhoMayNotListUsers) {
  Login("admin", "admin", kAdminPassword);
  Result create = Ecoctl("admin",
                         {"users", "create", "--username", "zhangwei", "--display-name", "张伟",
                          "--role", "officer", "--district", "410802", "--cert-number",
                          "豫环执410802001", "--cert-from", "2026-01-01", "--cert-until",
                          "2028-12-31", "--password-stdin"},
                         "officer-Passw0rd");
  ASSERT_EQ(create.code, 0) << create.output;
  EXPECT_THAT(create.output, HasSubstr("created users/zhangwei"));
  EXPECT_THAT(create.output, HasSubstr("豫环执410802001 (2026-01-01..2028-12-31)"));
  EXPECT_THAT(create.output, Not(HasSubstr("officer-Passw0rd")));

  Login("officer", "zhangwei", "officer-Passw0rd");
  Result whoami = Ecoctl("officer", {"whoami"});
  EXPECT_EQ(whoami.code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("users/zhangwei"));

  Result refused = Ecoctl("officer", {"users", "list"});
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("error: PERMISSION_DENIED: "));

  // The admin's table lines up although 张伟 and 系统管理员 are two columns a character.
  Result list = Ecoctl("admin", {"users", "list"});
  ASSERT_EQ(list.code, 0) << list.output;
  std::string header = LineWith(list.output, "USERNAME");
  std::string admin_row = LineWith(list.output, "系统管理员");
  std::string officer_row = LineWith(list.output, "张伟");
  ASSERT_FALSE(header.empty() || admin_row.empty() || officer_row.empty()) << list.output;
  int role_column = ColumnOf(header, header.find("ROLE"));
  EXPECT_EQ(ColumnOf(admin_row, admin_row.find("admin  ", 5)), role_column) << list.output;
  EXPECT_EQ(ColumnOf(officer_row, officer_row.find("officer")), role_column) << list.output;
}

TEST_F(EcoctlTest, InvalidUserShowsTheFieldViolation) {
  Login("admin", "admin", kAdminPassword);
  Result r = Ecoctl("admin", {"users", "create", "--username", "station1", "--display-name",
                              "监测站", "--role", "station", "--district", "4108"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(r.output, HasSubstr("  user.district_codes[0]: must be a six-digit GB/T 2260 code"));
}

TEST_F(EcoctlTest, GeneratedPasswordIsShownOnceAndWorks) {
  Login("admin", "admin", kAdminPassword);
  Result create = Ecoctl("admin", {"users", "create", "--username", "station1", "--display-name",
                                   "焦作市监测站", "--role", "station", "--district", "410802",
                                   "--device", "DE0000000000410802172001"});
  ASSERT_EQ(create.code, 0) << create.output;
  std::string password = Capture(create.output, "password  ([A-Za-z0-9]{16})\n");
  ASSERT_FALSE(password.empty()) << create.output;
  Login("station", "station1", password);
}

TEST_F(EcoctlTest, AuditVerifyKeepsTheCheckpointOfAnIntactChain) {
  Login("admin", "admin", kAdminPassword);
  Result first = Ecoctl("admin", {"audit", "verify"});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("intact"));
  EXPECT_THAT(first.output, HasSubstr("none kept for this server yet"));
  std::string path = ConfigDir("admin") + "/audit-checkpoints.json";
  EXPECT_EQ(Mode(path), 0600u);
  std::string kept = ReadFile(path);
  EXPECT_THAT(kept, HasSubstr("\"" + server() + "\""));

  CreateOfficer("admin", "zhangwei", "officer-Passw0rd");
  Result second = Ecoctl("admin", {"audit", "verify"});
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("intact"));
  std::string sequence = Capture(kept, "\"sequence\": \"([0-9]+)\"");
  EXPECT_THAT(second.output, HasSubstr("#" + sequence + " from "));
  EXPECT_THAT(second.output, HasSubstr("is still in the chain"));
  kept = ReadFile(path);

  Result list = Ecoctl("admin", {"audit", "list", "--resource", "users/zhangwei"});
  EXPECT_EQ(list.code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("CreateUser"));

  // An edited record breaks the chain from there on: exit 4, checkpoint left alone.
  schema_->Execute("UPDATE audit_log SET action = 'Tampered' WHERE sequence = 2");
  Result broken = Ecoctl("admin", {"audit", "verify"});
  EXPECT_EQ(broken.code, 4) << broken.output;
  EXPECT_THAT(broken.output, HasSubstr("audit chain BROKEN at record 2: "));
  EXPECT_EQ(ReadFile(path), kept);
  Result json = Ecoctl("admin", {"--json", "audit", "verify"});
  EXPECT_EQ(json.code, 4) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"firstBrokenSequence\":\"2\""));
}

TEST_F(EcoctlTest, UpdateAfterAConcurrentChangeIsAborted) {
  Login("admin", "admin", kAdminPassword);
  CreateOfficer("admin", "zhangwei", "officer-Passw0rd");
  Result get = Ecoctl("admin", {"--json", "users", "get", "zhangwei"});
  ASSERT_EQ(get.code, 0) << get.output;
  std::string etag = Capture(get.output, "\"etag\":\"([^\"]+)\"");
  ASSERT_FALSE(etag.empty()) << get.output;

  // Someone else changes the user after our read ...
  Result other = Ecoctl("admin", {"users", "update", "zhangwei", "--display-name", "张伟（一大队）"});
  ASSERT_EQ(other.code, 0) << other.output;
  EXPECT_THAT(other.output, HasSubstr("张伟（一大队）"));
  // ... so our update, made against what we read, is refused instead of overwriting.
  Result stale = Ecoctl("admin", {"users", "update", "zhangwei", "--display-name", "张伟伟",
                                  "--etag", etag});
  EXPECT_EQ(stale.code, 1) << stale.output;
  EXPECT_THAT(stale.output, HasSubstr("error: ABORTED: "));
  Result now = Ecoctl("admin", {"users", "get", "zhangwei"});
  EXPECT_THAT(now.output, HasSubstr("张伟（一大队）"));

  // A certificate flag alone keeps the certificate's other fields.
  Result cert = Ecoctl("admin", {"users", "update", "zhangwei", "--cert-until", "2029-06-30"});
  EXPECT_EQ(cert.code, 0) << cert.output;
  EXPECT_THAT(cert.output, HasSubstr("豫环执410802001 (2026-01-01..2029-06-30)"));
}

TEST_F(EcoctlTest, SameRequestIdCreatesOnce) {
  Login("admin", "admin", kAdminPassword);
  const std::string id = "6f1c1e9e-3f0a-4c3b-9d43-0a7e5b2f8c11";
  std::vector<std::string> args = {"users", "create", "--username", "hotline1", "--display-name",
                                   "刘洋", "--role", "hotline-operator", "--district", "410800",
                                   "--password-stdin", "--request-id", id};
  Result first = Ecoctl("admin", args, "hotline-Passw0rd");
  ASSERT_EQ(first.code, 0) << first.output;
  Result again = Ecoctl("admin", args, "hotline-Passw0rd");
  EXPECT_EQ(again.code, 0) << again.output;  // The first result, not ALREADY_EXISTS.
  EXPECT_THAT(again.output, HasSubstr("created users/hotline1"));
  Result audit = Ecoctl("admin", {"--json", "audit", "list", "--resource", "users/hotline1"});
  ASSERT_EQ(audit.code, 0) << audit.output;
  size_t creates = 0;
  for (size_t p = audit.output.find("\"CreateUser\""); p != std::string::npos;
       p = audit.output.find("\"CreateUser\"", p + 1)) {
    ++creates;
  }
  EXPECT_EQ(creates, 1u) << audit.output;
  EXPECT_THAT(audit.output, HasSubstr(id));
}

TEST_F(EcoctlTest, UnreachableServerIsRetriedWithTheSameRequestId) {
  Login("admin", "admin", kAdminPassword);
  StopServer();
  Result r = Ecoctl("admin", {"users", "disable", "zhangwei", "--request-id",
                              "0b9e8f7a-1111-4222-8333-444455556666"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("retry 3/3"));
  EXPECT_THAT(r.output, HasSubstr("error: UNAVAILABLE: "));
  EXPECT_THAT(r.output, HasSubstr("--request-id 0b9e8f7a-1111-4222-8333-444455556666 is safe"));
}

TEST_F(EcoctlTest, LogoutEndsTheSessionOnTheServer) {
  Login("admin", "admin", kAdminPassword);
  std::string path = ConfigDir("admin") + "/credentials.json";
  std::string signed_in = ReadFile(path);

  Result logout = Ecoctl("admin", {"logout"});
  EXPECT_EQ(logout.code, 0) << logout.output;
  EXPECT_THAT(logout.output, HasSubstr("signed out of " + server()));
  EXPECT_THAT(ReadFile(path), Not(HasSubstr(server())));
  Result whoami = Ecoctl("admin", {"whoami"});
  EXPECT_EQ(whoami.code, 2) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("not signed in"));
  EXPECT_THAT(whoami.output, HasSubstr("ecoctl login --user"));

  // The server revoked both tokens: a copy of the old file is worth nothing.
  {
    std::ofstream out(path, std::ios::trunc);
    out << signed_in;
  }
  Result stolen = Ecoctl("admin", {"whoami"});
  EXPECT_EQ(stolen.code, 2) << stolen.output;
  EXPECT_THAT(stolen.output, HasSubstr("ecoctl login --user admin"));
  // And logging out of an ended session still forgets it here.
  Result again = Ecoctl("admin", {"logout"});
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("already ended"));
  EXPECT_THAT(ReadFile(path), Not(HasSubstr(server())));
}

// Access tokens that expire within seconds, to see ecoctl renew them.
class EcoctlShortSessionTest : public EcoctlTest {
 protected:
  std::vector<std::string> ExtraServerFlags() const override {
    return {"--access_token_ttl=2s"};
  }
};

TEST_F(EcoctlShortSessionTest, ExpiredAccessTokenIsRenewedWithTheRefreshToken) {
  Login("admin", "admin", kAdminPassword);
  std::string path = ConfigDir("admin") + "/credentials.json";
  std::string before = Capture(ReadFile(path), "\"access_token\": \"([^\"]+)\"");
  absl::SleepFor(absl::Seconds(3));
  Result whoami = Ecoctl("admin", {"whoami"});
  EXPECT_EQ(whoami.code, 0) << whoami.output;
  EXPECT_THAT(whoami.output, HasSubstr("users/admin"));
  std::string after = Capture(ReadFile(path), "\"access_token\": \"([^\"]+)\"");
  EXPECT_FALSE(after.empty());
  EXPECT_NE(after, before);
  EXPECT_EQ(Mode(path), 0600u);
}

}  // namespace
}  // namespace ecocase
