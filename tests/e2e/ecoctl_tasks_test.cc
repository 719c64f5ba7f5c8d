// Rectification tasks (整改) with the real server and the real ecoctl over TLS, the README
// journey: an officer issues a task to an enterprise of the district, the enterprise
// acknowledges and reports, two officers re-inspect on site and find it corrected, and the
// task reads VERIFIED; another company's user does not see it.
#include <regex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWaterUscc[] = "91410802MA4DM0017F";  // 焦作示范水务, 410802
constexpr char kChemUscc[] = "91410800MA44TE5T0P";   // 焦作示范化工, 410803
constexpr char kOfficerPassword[] = "e2e-officer-Passw0rd";
constexpr char kEnterprisePassword[] = "e2e-enterprise-Passw0rd";

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

std::string TodayInBeijing() {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)));
}

class EcoctlTasksTest : public EcoctlTest {
 protected:
  // admin registers both enterprises, two officers of 410802 and a user of each company.
  void SetUpPeople() {
    Login("admin", "admin", kAdminPassword);
    Result water = Ecoctl("admin", {"enterprises", "create", "--uscc", kWaterUscc, "--name",
                                    "焦作示范水务有限公司", "--address", "焦作市解放区示范路1号",
                                    "--district", "410802", "--industry", "D4620", "--class",
                                    "key"});
    ASSERT_EQ(water.code, 0) << water.output;
    Result dw = Ecoctl("admin", {"outlets", "create", kWaterUscc, "--code", "DW001", "--name",
                                 "污水处理厂总排口", "--pollutants", "w01018,w21003"});
    ASSERT_EQ(dw.code, 0) << dw.output;
    Result chem = Ecoctl("admin", {"enterprises", "create", "--uscc", kChemUscc, "--name",
                                   "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                                   "--district", "410803", "--industry", "C2614", "--class",
                                   "key"});
    ASSERT_EQ(chem.code, 0) << chem.output;
    CreateOfficer("admin", "officer", kOfficerPassword);
    Result lisi = Ecoctl("admin",
                         {"users", "create", "--username", "lisi", "--display-name", "李四",
                          "--role", "officer", "--district", "410802", "--cert-number",
                          "豫环执410802002", "--cert-from", "2026-01-01", "--cert-until",
                          "2028-12-31", "--password-stdin"},
                         kOfficerPassword);
    ASSERT_EQ(lisi.code, 0) << lisi.output;
    for (const auto& [username, uscc] : {std::pair<std::string, std::string>{"shuiwu", kWaterUscc},
                                         {"huagong", kChemUscc}}) {
      Result user = Ecoctl("admin", {"users", "create", "--username", username,
                                     "--display-name", "林涛", "--role", "enterprise", "--uscc",
                                     uscc, "--password-stdin"},
                           kEnterprisePassword);
      ASSERT_EQ(user.code, 0) << user.output;
    }
    Login("officer", "officer", kOfficerPassword);
    Login("shuiwu", "shuiwu", kEnterprisePassword);
    Login("huagong", "huagong", kEnterprisePassword);
  }

  // The officer issues the README's task; returns its number.
  std::string IssueTask() {
    Result issued = Ecoctl(
        "officer",
        {"tasks", "issue", kWaterUscc, "--source-kind", "inspection", "--source",
         "焦解环现检〔2026〕0301号", "--title", "总排口在线监测设备未正常运行整改", "--basis",
         "《中华人民共和国水污染防治法》第八十二条", "--action",
         "修复总排口氨氮在线监测仪并重新比对校准", "--action", "补传故障期间的手工监测数据",
         "--evidence", "比对监测报告", "--outlet", "DW001", "--days", "10", "--working-days"});
    EXPECT_EQ(issued.code, 0) << issued.output;
    std::string id = Capture(issued.output, "issued tasks/(\\d+)");
    EXPECT_FALSE(id.empty()) << issued.output;
    return id;
  }
};

TEST_F(EcoctlTasksTest, IssuedAcknowledgedSubmittedAndVerifiedOnSite) {
  SetUpPeople();
  std::string id = IssueTask();
  ASSERT_FALSE(id.empty());

  // The enterprise sees its task with the due date and acknowledges it.
  Result list = Ecoctl("shuiwu", {"tasks", "list"});
  ASSERT_EQ(list.code, 0) << list.output;
  std::string row = LineWith(list.output, "总排口在线监测设备未正常运行整改");
  EXPECT_THAT(row, HasSubstr("issued")) << list.output;
  EXPECT_THAT(row, HasSubstr("焦作示范水务有限公司")) << list.output;
  // The table lines up although the enterprise and the title are Chinese.
  std::string header = LineWith(list.output, "ENTERPRISE");
  ASSERT_FALSE(header.empty()) << list.output;
  EXPECT_EQ(ColumnOf(row, row.find("issued")), ColumnOf(header, header.find("STATE")));
  Result ack = Ecoctl("shuiwu", {"tasks", "acknowledge", id});
  ASSERT_EQ(ack.code, 0) << ack.output;
  EXPECT_THAT(ack.output, HasSubstr("acknowledged tasks/" + id));
  Result submit = Ecoctl("shuiwu", {"tasks", "submit", "tasks/" + id, "--report",
                                    "已更换氨氮分析仪电极并完成比对，补传手工监测数据3天。",
                                    "--evidence", "焦环测〔2026〕112号比对报告"});
  ASSERT_EQ(submit.code, 0) << submit.output;
  EXPECT_THAT(submit.output, HasSubstr("submitted 已提交整改报告"));
  EXPECT_THAT(submit.output, HasSubstr("焦环测〔2026〕112号比对报告"));

  // Another company's user: the task does not exist for it, and it cannot act on it.
  Result other = Ecoctl("huagong", {"tasks", "get", id});
  EXPECT_EQ(other.code, 1) << other.output;
  EXPECT_THAT(other.output, HasSubstr("NOT_FOUND"));
  Result other_list = Ecoctl("huagong", {"tasks", "list"});
  ASSERT_EQ(other_list.code, 0) << other_list.output;
  EXPECT_THAT(other_list.output, Not(HasSubstr("总排口在线监测设备未正常运行整改")));

  // On site needs a second officer: said before anything is sent.
  std::string today = TodayInBeijing();
  Result alone = Ecoctl("officer", {"tasks", "reinspect", id, "--kind", "on-site", "--date",
                                    today, "--outcome", "corrected", "--findings", "已改正"});
  EXPECT_EQ(alone.code, 64) << alone.output;
  EXPECT_THAT(alone.output, HasSubstr("at least two officers"));

  Result verified = Ecoctl(
      "officer", {"tasks", "reinspect", id, "--kind", "on-site", "--officer", "lisi", "--date",
                  today, "--outcome", "corrected", "--findings",
                  "氨氮在线监测仪运行正常，比对误差符合要求"});
  ASSERT_EQ(verified.code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("VERIFIED"));

  Result get = Ecoctl("officer", {"tasks", "get", id});
  ASSERT_EQ(get.code, 0) << get.output;
  EXPECT_THAT(get.output, HasSubstr("verified 已核实整改完成"));
  EXPECT_THAT(get.output, HasSubstr("working days 工作日"));
  EXPECT_THAT(get.output, HasSubstr("officer,lisi"));
  EXPECT_THAT(get.output, HasSubstr("on-site 现场"));
  EXPECT_THAT(get.output, Not(HasSubstr("拒不改正:")));
  Result json = Ecoctl("shuiwu", {"--json", "tasks", "get", id});
  ASSERT_EQ(json.code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"state\":\"VERIFIED\""));
}

TEST_F(EcoctlTasksTest, MistakesAreUsageErrors) {
  // None of these reach a server: no sign-in is needed to be told.
  Result days = Ecoctl("nobody", {"tasks", "issue", kWaterUscc, "--source-kind", "inspection",
                                  "--source", "x", "--title", "t", "--basis", "b", "--action",
                                  "a", "--days", "400"});
  EXPECT_EQ(days.code, 64) << days.output;
  Result kind = Ecoctl("nobody", {"tasks", "issue", kWaterUscc, "--source-kind", "audit",
                                  "--source", "x", "--title", "t", "--basis", "b", "--action",
                                  "a", "--days", "10"});
  EXPECT_EQ(kind.code, 64) << kind.output;
  Result reopen = Ecoctl("nobody", {"tasks", "reinspect", "7", "--kind", "covert", "--date",
                                    TodayInBeijing(), "--outcome", "not-corrected",
                                    "--findings", "仍在超标排放"});
  EXPECT_EQ(reopen.code, 64) << reopen.output;
  EXPECT_THAT(reopen.output, HasSubstr("--days"));
  Result both = Ecoctl("nobody", {"tasks", "decide-extension", "7", "--grant", "--refuse"});
  EXPECT_EQ(both.code, 64) << both.output;
  Result id = Ecoctl("nobody", {"tasks", "get", "permits/7"});
  EXPECT_EQ(id.code, 64) << id.output;
}

}  // namespace
}  // namespace ecocase
