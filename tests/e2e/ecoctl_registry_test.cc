// The README's "Registry and permits with ecoctl" journeys, with the real server and the real
// ecoctl over TLS: register an enterprise, prepare, issue and change its permit, read its
// status as the enterprise and its public view without signing in; and the demo registry
// script (deploy/demo/registry.sh) loaded twice, the second time changing nothing.
#include <sys/stat.h>

#include <regex>

#include "absl/strings/str_split.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUscc[] = "91410800MA44TE5T0P";
constexpr char kPermit[] = "91410800MA44TE5T0P001P";
constexpr char kSupervisorPassword[] = "e2e-supervisor-Passw0rd";
constexpr char kEnterprisePassword[] = "e2e-enterprise-Passw0rd";

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

class EcoctlRegistryTest : public EcoctlTest {
 protected:
  // Signs admin in and creates the supervisor (city-wide) with a known password.
  void SetUpStaff() {
    Login("admin", "admin", kAdminPassword);
    Result sup = Ecoctl("admin",
                        {"users", "create", "--username", "supervisor", "--display-name",
                         "王静（督查）", "--role", "supervisor", "--district", "410800",
                         "--password-stdin"},
                        kSupervisorPassword);
    ASSERT_EQ(sup.code, 0) << sup.output;
  }

  // The audit chain's record count, from `audit verify` as admin.
  std::string AuditRecordCount() {
    Result r = Ecoctl("admin", {"--json", "audit", "verify"});
    EXPECT_EQ(r.code, 0) << r.output;
    return Capture(r.output, "\"recordCount\":\"([0-9]+)\"");
  }

  // deploy/demo/registry.sh against the test server with its CA and a var dir of its own.
  Result RunRegistry() {
    testing::ChildProcess script(
        "/bin/bash",
        {absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/demo/registry.sh"), "--server", server(),
         "--ca", tls_dir_ + "/ca.pem", "--var", var_dir(), "--ecoctl", ECOCTL_BINARY});
    int code = script.Wait(absl::Seconds(120));
    return {code, script.Output()};
  }

  std::string var_dir() const { return base_dir_ + "/var"; }
};

TEST_F(EcoctlRegistryTest, ReadmeJourneyIssuesAndChangesAPermitTheEnterpriseThenSees) {
  SetUpStaff();
  // admin registers the enterprise, its outlets and a device.
  Result ent = Ecoctl("admin", {"enterprises", "create", "--uscc", kUscc, "--name",
                                "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                                "--district", "410803", "--industry", "C2614", "--class", "key",
                                "--key-discharger", "--lat", "35.2382", "--lng", "113.1672",
                                "--contact", "陈静,环保负责人,0391-0000103"});
  ASSERT_EQ(ent.code, 0) << ent.output;
  EXPECT_THAT(ent.output, HasSubstr("created enterprises/91410800MA44TE5T0P"));
  EXPECT_THAT(ent.output, HasSubstr("410803 中站区"));
  Result da = Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA001", "--name",
                               "1号工艺加热炉烟囱", "--pollutants", "a34013,a21026,a21002,a19001"});
  ASSERT_EQ(da.code, 0) << da.output;
  Result dw = Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DW001", "--name",
                               "废水总排口", "--pollutants", "w01018,w21003,w01001"});
  ASSERT_EQ(dw.code, 0) << dw.output;
  Result bind = Ecoctl("admin", {"devices", "bind", kUscc, "DA001", "--mn", "DM41080303DA001",
                                 "--password-stdin"},
                       "device-PW-123");
  ASSERT_EQ(bind.code, 0) << bind.output;
  EXPECT_THAT(bind.output, HasSubstr("bound devices/DM41080303DA001"));
  EXPECT_THAT(bind.output, Not(HasSubstr("device-PW-123")));
  Result user = Ecoctl("admin", {"users", "create", "--username", "shifan", "--display-name",
                                 "焦作示范化工有限公司", "--role", "enterprise", "--uscc", kUscc,
                                 "--password-stdin"},
                       kEnterprisePassword);
  ASSERT_EQ(user.code, 0) << user.output;

  // The supervisor prepares the draft and issues it.
  Login("supervisor", "supervisor", kSupervisorPassword);
  Result draft = Ecoctl(
      "supervisor",
      {"permits", "create", kUscc, "--number", kPermit, "--valid-from", "2025-01-01",
       "--valid-until", "2029-12-31", "--limit", "DA001:a34013=20mg/m3/hour@3,std=GB 31571-2015",
       "--limit", "DA001:a21026=100mg/m3/hour@3,annual=12t,std=GB 31571-2015", "--limit",
       "DA001:a21002=150/hour@3,annual=18t,std=GB 31571-2015", "--limit",
       "DW001:w01018=60mg/L/day,std=GB 31571-2015"});
  ASSERT_EQ(draft.code, 0) << draft.output;
  EXPECT_THAT(draft.output, HasSubstr("created draft"));
  EXPECT_THAT(draft.output, HasSubstr("state              draft"));

  // An enterprise may read its permits but not issue them.
  Login("enterprise", "shifan", kEnterprisePassword);
  Result refused = Ecoctl("enterprise", {"permits", "issue", kPermit});
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("error: PERMISSION_DENIED: "));

  Result issue = Ecoctl("supervisor", {"permits", "issue", kPermit});
  ASSERT_EQ(issue.code, 0) << issue.output;
  EXPECT_THAT(issue.output, HasSubstr("issued 91410800MA44TE5T0P001P: in force as version 1"));

  // A change keeps the other limits (--merge) and makes version 2.
  Result change = Ecoctl(
      "supervisor",
      {"permits", "change", kPermit, "--merge", "--limit",
       "DA001:a21002=100mg/m3/hour@3,annual=12t,std=GB 31571-2015 特别排放限值", "--note",
       "焦环许变〔2026〕15号：执行大气污染物特别排放限值"});
  ASSERT_EQ(change.code, 0) << change.output;
  EXPECT_THAT(change.output, HasSubstr("version 2 applies from now"));
  Result versions = Ecoctl("supervisor", {"permits", "versions", kPermit});
  ASSERT_EQ(versions.code, 0) << versions.output;
  EXPECT_THAT(versions.output, HasSubstr("焦环许变〔2026〕15号"));
  EXPECT_THAT(versions.output, HasSubstr("* DA001:a21002=100mg/m3/hour@3,annual=12t"));
  EXPECT_THAT(versions.output, HasSubstr("  DA001:a21002=150mg/m3/hour@3,annual=18t"));
  EXPECT_FALSE(LineWith(versions.output, "change ").empty()) << versions.output;
  EXPECT_FALSE(LineWith(versions.output, "issue ").empty()) << versions.output;
  Result json_versions = Ecoctl("supervisor", {"--json", "permits", "versions", kPermit});
  EXPECT_THAT(json_versions.output, HasSubstr("\"version\":2"));
  EXPECT_THAT(json_versions.output, HasSubstr("\"version\":1"));

  // The enterprise's own status: no credit code needed, the new limit in force.
  Result status = Ecoctl("enterprise", {"permits", "status"});
  ASSERT_EQ(status.code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("焦作示范化工有限公司 (enterprises/91410800MA44TE5T0P)"));
  EXPECT_THAT(status.output, HasSubstr("permit in force: yes"));
  EXPECT_THAT(status.output, HasSubstr("DAYS TO EXPIRY"));
  std::string summary = LineWith(status.output, std::string(kPermit) + "  in-force");
  EXPECT_THAT(summary, HasSubstr("2029-12-31")) << status.output;
  std::string nox = LineWith(status.output, "a21002 氮氧化物");
  EXPECT_THAT(nox, HasSubstr("100 mg/m3")) << status.output;
  EXPECT_THAT(nox, HasSubstr("特别排放限值")) << status.output;
  // The limits table lines up although outlet and pollutant names are Chinese.
  std::string header = LineWith(status.output, "POLLUTANT");
  std::string cod = LineWith(status.output, "w01018 化学需氧量");
  ASSERT_FALSE(header.empty() || cod.empty()) << status.output;
  EXPECT_EQ(ColumnOf(nox, nox.find("a21002")), ColumnOf(header, header.find("POLLUTANT")));
  EXPECT_EQ(ColumnOf(cod, cod.find("60 mg/L")), ColumnOf(header, header.find("LIMIT")));
  EXPECT_EQ(ColumnOf(nox, nox.find("GB 31571")), ColumnOf(header, header.find("STANDARD")));
  Result limit = Ecoctl("enterprise", {"permits", "limit", kUscc, "DA001", "a21002"});
  EXPECT_EQ(limit.code, 0) << limit.output;
  EXPECT_THAT(limit.output, HasSubstr("version       2"));

  // Anyone reads the public view without signing in: the holder, not its contacts.
  Result pub = Ecoctl("nobody", {"permits", "public", kPermit});
  ASSERT_EQ(pub.code, 0) << pub.output;
  EXPECT_THAT(pub.output, HasSubstr("焦作示范化工有限公司"));
  EXPECT_THAT(pub.output, HasSubstr("in-force"));
  EXPECT_THAT(pub.output, HasSubstr("1号工艺加热炉烟囱"));
  EXPECT_THAT(pub.output, Not(HasSubstr("0391-0000103")));
  EXPECT_THAT(pub.output, Not(HasSubstr("陈静")));
  Result pub_json = Ecoctl("nobody", {"--json", "permits", "public", kPermit});
  EXPECT_EQ(pub_json.code, 0) << pub_json.output;
  EXPECT_THAT(pub_json.output, HasSubstr("\"holderName\":\"焦作示范化工有限公司\""));
  EXPECT_THAT(pub_json.output, Not(HasSubstr("0391")));
  EXPECT_FALSE(std::filesystem::exists(ConfigDir("nobody") + "/credentials.json"));
}

TEST_F(EcoctlRegistryTest, LimitSpecMistakesAreUsageErrors) {
  SetUpStaff();
  Login("supervisor", "supervisor", kSupervisorPassword);
  Result r = Ecoctl("supervisor", {"permits", "create", kUscc, "--number", kPermit,
                                   "--valid-from", "2025-01-01", "--valid-until", "2029-12-31",
                                   "--limit", "DA001:a21026=35mg/m3/minute@6"});
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_THAT(r.output, HasSubstr("averaging window must be hour or day"));
  EXPECT_THAT(r.output, HasSubstr("OUTLET:POLLUTANT=VALUE[UNIT]/WINDOW[@O2]"));
}

TEST_F(EcoctlRegistryTest, DemoRegistryLoadsTwentyEnterprisesAndAReRunChangesNothing) {
  SetUpStaff();
  // The platform sync account imports the permit the national platform issued long ago.
  constexpr char kIntegrationPassword[] = "e2e-integration-Passw0rd";
  Result sync = Ecoctl("admin",
                       {"users", "create", "--username", "integration", "--display-name",
                        "全国排污许可证管理信息平台同步", "--role", "integration", "--district",
                        "410800", "--password-stdin"},
                       kIntegrationPassword);
  ASSERT_EQ(sync.code, 0) << sync.output;
  std::filesystem::create_directories(var_dir());
  {
    std::ofstream users(var_dir() + "/demo-users.txt");
    users << "# username role password\n"
          << "admin admin " << kAdminPassword << "\n"
          << "supervisor supervisor " << kSupervisorPassword << "\n"
          << "integration integration " << kIntegrationPassword << "\n";
  }
  chmod((var_dir() + "/demo-users.txt").c_str(), 0600);

  Result first = RunRegistry();
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("demo registry: 20 enterprises"));
  EXPECT_THAT(first.output, HasSubstr("20 in force, 1 draft"));
  EXPECT_EQ(Mode(var_dir() + "/demo-devices.txt"), 0600u);
  EXPECT_EQ(Mode(var_dir() + "/ecoctl-demo"), 0700u);

  Result list = Ecoctl("admin", {"enterprises", "list"});
  ASSERT_EQ(list.code, 0) << list.output;
  int listed = 0;
  ASSERT_TRUE(absl::SimpleAtoi(Capture(list.output, "\n([0-9]+) enterprises\n"), &listed))
      << list.output;
  EXPECT_GE(listed, 20);
  for (const char* district : {"解放区", "中站区", "马村区", "山阳区", "修武县", "博爱县", "武陟县",
                               "温县", "沁阳市", "孟州市"}) {
    EXPECT_THAT(list.output, HasSubstr(district));
  }
  // The demo `enterprise` user's company holds a permit in force.
  Result status = Ecoctl("admin", {"permits", "status", kUscc});
  EXPECT_THAT(status.output, HasSubstr("permit in force: yes"));
  // One draft, one expiring within 60 days, one changed once; coal power ultra-low.
  Login("supervisor", "supervisor", kSupervisorPassword);
  Result drafts = Ecoctl("supervisor", {"permits", "list", "--state", "draft"});
  EXPECT_THAT(drafts.output, HasSubstr("91410811MA4DM0018K001P"));
  EXPECT_THAT(drafts.output, HasSubstr("1 permit\n"));
  Result expiring = Ecoctl("supervisor", {"permits", "expiring"});
  EXPECT_THAT(expiring.output, HasSubstr("91410882MA4DM0009G001P"));
  EXPECT_THAT(expiring.output, HasSubstr("沁阳示范热电有限公司"));
  Result versions =
      Ecoctl("supervisor", {"--json", "permits", "versions", "91410804MA4DM0002U001P"});
  EXPECT_THAT(versions.output, HasSubstr("\"version\":2"));
  Result coal = Ecoctl("supervisor", {"permits", "get", "91410811MA4DM0001W001P"});
  std::string so2 = LineWith(coal.output, "a21026 二氧化硫");
  EXPECT_THAT(so2, HasSubstr("1号机组烟囱")) << coal.output;
  EXPECT_THAT(so2, HasSubstr("35 mg/m3")) << coal.output;
  EXPECT_THAT(so2, HasSubstr("6 %")) << coal.output;
  EXPECT_THAT(so2, HasSubstr("GB 13223-2011 超低排放")) << coal.output;

  // Again: same answers, not one more audit record (no new sign-in either).
  std::string before = AuditRecordCount();
  ASSERT_FALSE(before.empty());
  Result second = RunRegistry();
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("demo registry: 20 enterprises"));
  EXPECT_EQ(AuditRecordCount(), before);
}

}  // namespace
}  // namespace ecocase
