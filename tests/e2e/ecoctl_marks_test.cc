// Data marks (自主标记) with the real server and the real ecoctl over TLS: the enterprise marks
// yesterday morning's fault of its ammonia analyser, another company does not see it, an
// officer of the district finds it pending and accepts it, and the enterprise's list then
// reads 已接受.
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

// Yesterday in Beijing, YYYY-MM-DD: a past period whatever the time of day the test runs.
std::string YesterdayInBeijing() {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)) - 1);
}

class EcoctlMarksTest : public EcoctlTest {
 protected:
  void SetUpPeople() {
    Login("admin", "admin", kAdminPassword);
    Result water =
        Ecoctl("admin", {"enterprises", "create", "--uscc", kWaterUscc, "--name",
                         "焦作示范水务有限公司", "--address", "焦作市解放区示范路1号", "--district",
                         "410802", "--industry", "D4620", "--class", "key"});
    ASSERT_EQ(water.code, 0) << water.output;
    Result dw = Ecoctl("admin", {"outlets", "create", kWaterUscc, "--code", "DW001", "--name",
                                 "污水处理厂总排口", "--pollutants", "w01018,w21003"});
    ASSERT_EQ(dw.code, 0) << dw.output;
    Result chem =
        Ecoctl("admin", {"enterprises", "create", "--uscc", kChemUscc, "--name",
                         "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                         "--district", "410803", "--industry", "C2614", "--class", "key"});
    ASSERT_EQ(chem.code, 0) << chem.output;
    CreateOfficer("admin", "officer", kOfficerPassword);
    for (const auto& [username, uscc] :
         {std::pair<std::string, std::string>{"shuiwu", kWaterUscc}, {"huagong", kChemUscc}}) {
      Result user = Ecoctl("admin",
                           {"users", "create", "--username", username, "--display-name", "林涛",
                            "--role", "enterprise", "--uscc", uscc, "--password-stdin"},
                           kEnterprisePassword);
      ASSERT_EQ(user.code, 0) << user.output;
    }
    Login("officer", "officer", kOfficerPassword);
    Login("shuiwu", "shuiwu", kEnterprisePassword);
    Login("huagong", "huagong", kEnterprisePassword);
  }
};

TEST_F(EcoctlMarksTest, EnterpriseMarksAFaultAndTheOfficerAcceptsIt) {
  SetUpPeople();
  const std::string day = YesterdayInBeijing();
  Result created =
      Ecoctl("shuiwu", {"marks", "create", "--outlet", std::string(kWaterUscc) + "/DW001",
                        "--pollutant", "w21003", "--type", "fault", "--from", day + "T08:00",
                        "--to", day + "T10:00", "--reason", "氨氮分析仪蠕动泵管破裂，已更换。",
                        "--evidence", "运维记录 YW-0301", "--evidence", "更换照片"});
  ASSERT_EQ(created.code, 0) << created.output;
  const std::string id = Capture(created.output, "created dataMarks/(\\d+)");
  ASSERT_FALSE(id.empty()) << created.output;
  EXPECT_THAT(created.output, HasSubstr("pending 待审核"));
  EXPECT_THAT(created.output, HasSubstr("fault 故障"));
  EXPECT_THAT(created.output, HasSubstr(day + " 08:00 — " + day + " 10:00"));
  EXPECT_THAT(created.output, HasSubstr("焦作示范水务有限公司"));
  EXPECT_THAT(created.output, HasSubstr("ecoctl marks accept " + id));

  // Another company's user: the mark does not exist for it.
  Result other = Ecoctl("huagong", {"marks", "get", id});
  EXPECT_EQ(other.code, 1) << other.output;
  EXPECT_THAT(other.output, HasSubstr("NOT_FOUND"));
  Result other_list = Ecoctl("huagong", {"marks", "list"});
  ASSERT_EQ(other_list.code, 0) << other_list.output;
  EXPECT_THAT(other_list.output, HasSubstr("0 marks"));

  // The officer finds it among the pending ones; a rejection would need a reason.
  Result pending = Ecoctl("officer", {"marks", "list", "--state", "pending"});
  ASSERT_EQ(pending.code, 0) << pending.output;
  std::string row = LineWith(pending.output, "焦作示范水务有限公司");
  EXPECT_THAT(row, HasSubstr("pending 待审核")) << pending.output;
  EXPECT_THAT(row, HasSubstr("DW001")) << pending.output;
  Result no_reason = Ecoctl("officer", {"marks", "reject", id});
  EXPECT_EQ(no_reason.code, 64) << no_reason.output;
  Result accepted = Ecoctl("officer", {"marks", "accept", id, "--reason", "运维记录属实"});
  ASSERT_EQ(accepted.code, 0) << accepted.output;
  EXPECT_THAT(accepted.output, HasSubstr("accepted dataMarks/" + id));
  EXPECT_THAT(accepted.output, HasSubstr("by officer"));

  // The enterprise's list now reads 已接受, and withdrawing is too late.
  Result list = Ecoctl("shuiwu", {"marks", "list"});
  ASSERT_EQ(list.code, 0) << list.output;
  row = LineWith(list.output, "焦作示范水务有限公司");
  EXPECT_THAT(row, HasSubstr("accepted 已接受")) << list.output;
  EXPECT_THAT(row, HasSubstr("w21003")) << list.output;
  EXPECT_THAT(list.output, Not(HasSubstr("pending 待审核")));
  Result withdraw = Ecoctl("shuiwu", {"marks", "withdraw", id});
  EXPECT_EQ(withdraw.code, 1) << withdraw.output;
  EXPECT_THAT(withdraw.output, HasSubstr("FAILED_PRECONDITION"));
  Result json = Ecoctl("shuiwu", {"--json", "marks", "get", "dataMarks/" + id});
  ASSERT_EQ(json.code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"state\":\"ACCEPTED\""));
  EXPECT_THAT(json.output, HasSubstr("\"reviewedBy\":\"users/officer\""));
}

TEST_F(EcoctlMarksTest, MistakesAreUsageErrors) {
  // None of these reach a server: no sign-in is needed to be told.
  Result type =
      Ecoctl("nobody", {"marks", "create", "--outlet", "X/DA001", "--type", "holiday", "--from",
                        "2026-03-01T08:00", "--to", "2026-03-01T09:00", "--reason", "r"});
  EXPECT_EQ(type.code, 64) << type.output;
  Result order =
      Ecoctl("nobody", {"marks", "create", "--outlet", "X/DA001", "--type", "fault", "--from",
                        "2026-03-01T10:00", "--to", "2026-03-01T09:00", "--reason", "r"});
  EXPECT_EQ(order.code, 64) << order.output;
  EXPECT_THAT(order.output, HasSubstr("--to must be after --from"));
  Result outlet =
      Ecoctl("nobody", {"marks", "create", "--outlet", "DA001", "--type", "fault", "--from",
                        "2026-03-01T08:00", "--to", "2026-03-01T09:00", "--reason", "r"});
  EXPECT_EQ(outlet.code, 64) << outlet.output;
  Result id = Ecoctl("nobody", {"marks", "get", "tasks/7"});
  EXPECT_EQ(id.code, 64) << id.output;
}

}  // namespace
}  // namespace ecocase
