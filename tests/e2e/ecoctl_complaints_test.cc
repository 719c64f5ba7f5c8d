// Hotline complaints (投诉举报) with the real server and the real ecoctl over TLS, the README
// journey: the hotline registers a 12369 call, accepts it and dispatches it to an officer,
// who records verified findings (a rectification task follows); the hotline replies, the
// reporter is dissatisfied with the handling so it is reopened, handled again, replied,
// revisited and closed. Along the way: reporters are masked for everyone and revealed to the
// hotline only (audited, never stored in clear), enterprises read no complaint, a 12345
// work order imported twice is one complaint, the not-accepted path, an anonymous complaint
// closed without a revisit, merging with a reply to every reporter, and the overdue list.
#include <regex>

#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWaterUscc[] = "91410802MA4DM0017F";  // 焦作示范水务, 410802
constexpr char kPassword[] = "e2e-staff-Passw0rd";
constexpr char kPhone[] = "13912340088";
constexpr char kName[] = "王小明";
// 64 hex digits: the field-encryption key of the test server.
constexpr char kFieldKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

class EcoctlComplaintsTest : public EcoctlTest {
 protected:
  // The key in a file of its own (0600), as an operator deploys it.
  std::vector<std::string> ExtraServerFlags() const override {
    std::string path = base_dir_ + "/field.key";
    std::ofstream(path) << kFieldKey << "\n";
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return {"--field_key_file=" + path};
  }

  void CreateUser(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"users", "create", "--password-stdin"};
    args.insert(args.end(), flags.begin(), flags.end());
    Result r = Ecoctl("admin", args, kPassword);
    ASSERT_EQ(r.code, 0) << r.output;
  }

  // admin registers 焦作示范水务 and the people: the hotline (the city), an officer of
  // 410802, a supervisor, the 12345 integration and a user of 焦作示范水务.
  void SetUpPeople() {
    Login("admin", "admin", kAdminPassword);
    Result water =
        Ecoctl("admin", {"enterprises", "create", "--uscc", kWaterUscc, "--name",
                         "焦作示范水务有限公司", "--address", "焦作市解放区示范路1号", "--district",
                         "410802", "--industry", "D4620", "--class", "key"});
    ASSERT_EQ(water.code, 0) << water.output;
    CreateOfficer("admin", "officer", kPassword);
    CreateUser({"--username", "hotline", "--display-name", "刘洋", "--role", "hotline-operator",
                "--district", "410800"});
    CreateUser({"--username", "supervisor", "--display-name", "王静", "--role", "supervisor",
                "--district", "410800"});
    CreateUser({"--username", "integration", "--display-name", "12345对接", "--role", "integration",
                "--district", "410800"});
    CreateUser({"--username", "shuiwu", "--display-name", "林涛", "--role", "enterprise", "--uscc",
                kWaterUscc});
    for (const char* who : {"officer", "hotline", "supervisor", "integration", "shuiwu"}) {
      Login(who, who, kPassword);
    }
  }

  // The hotline registers a call; returns the complaint's number.
  std::string Register(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"complaints", "create"};
    args.insert(args.end(), flags.begin(), flags.end());
    Result r = Ecoctl("hotline", args);
    EXPECT_EQ(r.code, 0) << r.output;
    std::string id = Capture(r.output, "registered complaints/(\\d+)");
    EXPECT_FALSE(id.empty()) << r.output;
    return id;
  }

  // The README's 12369 call about the odour of 焦作示范水务's sewage plant.
  std::string RegisterOdour() {
    return Register({"--channel",
                     "12369-phone",
                     "--category",
                     "air",
                     "--address",
                     "焦作市解放区示范路1号东侧居民区",
                     "--district",
                     "410802",
                     "--lat",
                     "35.2391",
                     "--lng",
                     "113.2365",
                     "--description",
                     "污水处理厂每晚十点后散发刺鼻臭味，影响周边居民休息",
                     "--reporter-name",
                     kName,
                     "--reporter-phone",
                     kPhone,
                     "--enterprise",
                     kWaterUscc,
                     "--attachment",
                     "REC12369-20261205-0031"});
  }

  // `who` runs a change; fails the test unless it succeeds; returns the output.
  std::string Step(const std::string& who, const std::vector<std::string>& args) {
    Result r = Ecoctl(who, args);
    EXPECT_EQ(r.code, 0) << r.output;
    return r.output;
  }
};

TEST_F(EcoctlComplaintsTest, IntakeToCloseWithReopenAndProtectedReporter) {
  SetUpPeople();
  std::string id = RegisterOdour();
  ASSERT_FALSE(id.empty());

  // Masked for every reader, the hotline included; the deadlines are shown.
  Result got = Ecoctl("hotline", {"complaints", "get", id});
  ASSERT_EQ(got.code, 0) << got.output;
  EXPECT_THAT(got.output, HasSubstr("王**"));
  EXPECT_THAT(got.output, HasSubstr("139****0088"));
  EXPECT_THAT(got.output, Not(HasSubstr(kPhone)));
  EXPECT_THAT(got.output, HasSubstr("受理期限"));
  EXPECT_THAT(got.output, HasSubstr("办结期限"));
  EXPECT_THAT(got.output, HasSubstr("焦作示范水务有限公司"));
  EXPECT_THAT(got.output, HasSubstr("next: the hotline decides"));
  Result officer_get = Ecoctl("officer", {"--json", "complaints", "get", id});
  ASSERT_EQ(officer_get.code, 0) << officer_get.output;
  EXPECT_THAT(officer_get.output, Not(HasSubstr(kPhone)));
  EXPECT_THAT(officer_get.output, Not(HasSubstr(kName)));

  // The reported enterprise reads nothing of it, by any command.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"complaints", "get", id},
        std::vector<std::string>{"complaints", "list"},
        std::vector<std::string>{"complaints", "reveal", id, "--purpose", "回访"},
        std::vector<std::string>{"complaints", "duplicates", id}}) {
    Result denied = Ecoctl("shuiwu", args);
    EXPECT_EQ(denied.code, 1) << denied.output;
    EXPECT_THAT(denied.output, HasSubstr("PERMISSION_DENIED"));
    EXPECT_THAT(denied.output, Not(HasSubstr(kPhone)));
  }
  // Officers see it masked but cannot reveal it.
  Result officer_reveal = Ecoctl("officer", {"complaints", "reveal", id, "--purpose", "核实"});
  EXPECT_EQ(officer_reveal.code, 1) << officer_reveal.output;
  EXPECT_THAT(officer_reveal.output, HasSubstr("PERMISSION_DENIED"));

  // The hotline reveals it to call back; the read is audited.
  Result reveal = Ecoctl("hotline", {"complaints", "reveal", id, "--purpose", "回访"});
  ASSERT_EQ(reveal.code, 0) << reveal.output;
  EXPECT_THAT(reveal.output, HasSubstr(kPhone));
  EXPECT_THAT(reveal.output, HasSubstr(kName));
  Result audit = Ecoctl("admin", {"audit", "list", "--resource", "complaints/" + id});
  ASSERT_EQ(audit.code, 0) << audit.output;
  EXPECT_THAT(audit.output, HasSubstr("RevealReporter"));
  EXPECT_THAT(audit.output, Not(HasSubstr(kPhone)));
  // Encrypted at rest: neither the phone nor the name is in the table in clear.
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint WHERE reporter_phone_enc IS NOT "
                              "NULL AND reporter_name_enc IS NOT NULL"),
            1);
  EXPECT_EQ(
      schema_->QueryInt(absl::StrCat(
          "SELECT COUNT(*) FROM complaint WHERE reporter_phone_enc LIKE '%", kPhone,
          "%' OR reporter_name_enc LIKE '%", kName, "%' OR reporter_hash LIKE '%", kPhone, "%'")),
      0);

  // 受理, 交办 to the officer, who finds it in the queue.
  EXPECT_THAT(Step("hotline", {"complaints", "accept", id}),
              HasSubstr("accepted complaints/" + id + " (受理)"));
  std::string dispatched = Step(
      "hotline", {"complaints", "dispatch", id, "--district", "410802", "--team",
                  "大气环境执法中队", "--officer", "officer", "--note", "请今晚22时后现场核查"});
  EXPECT_THAT(dispatched, HasSubstr("dispatched complaints/" + id));
  EXPECT_THAT(dispatched, HasSubstr("dispatch 交办"));
  Result queue = Ecoctl("officer", {"complaints", "list", "--mine"});
  ASSERT_EQ(queue.code, 0) << queue.output;
  std::string row = LineWith(queue.output, "污水处理厂每晚");
  EXPECT_THAT(row, HasSubstr("dispatched 交办")) << queue.output;
  EXPECT_THAT(row, HasSubstr("办结 ")) << queue.output;
  // The table lines up although the category and the summary are Chinese.
  std::string header = LineWith(queue.output, "CATEGORY");
  ASSERT_FALSE(header.empty()) << queue.output;
  EXPECT_EQ(ColumnOf(row, row.find("dispatched")), ColumnOf(header, header.find("STATE")));

  // Verified findings against the reported enterprise: a task and a case clue.
  std::string found =
      Step("officer", {"complaints", "findings", id, "--outcome", "verified", "--text",
                       "22时30分现场核查，污泥脱水间除臭设施未运行，厂界臭气浓度超标", "--action",
                       "立即恢复污泥脱水间除臭设施运行", "--days", "10", "--working-days"});
  std::string task = Capture(found, "rectification task tasks/(\\d+) issued");
  EXPECT_FALSE(task.empty()) << found;
  EXPECT_THAT(found, HasSubstr("案件线索"));
  Result task_get = Ecoctl("officer", {"tasks", "get", task});
  ASSERT_EQ(task_get.code, 0) << task_get.output;
  EXPECT_THAT(task_get.output, HasSubstr("complaints/" + id));
  EXPECT_THAT(task_get.output, HasSubstr("立即恢复污泥脱水间除臭设施运行"));
  Result clues = Ecoctl("supervisor", {"complaints", "list", "--clues"});
  ASSERT_EQ(clues.code, 0) << clues.output;
  EXPECT_THAT(LineWith(clues.output, "污水处理厂每晚"), HasSubstr("线索")) << clues.output;

  // 答复; 不满意 with the handling reopens it.
  EXPECT_THAT(Step("hotline", {"complaints", "reply", id, "--text",
                               "经核查，您反映的问题属实，已责令该厂10个工作日内整改。"}),
              HasSubstr("1 reporter"));
  std::string reopened = Step("hotline", {"complaints", "revisit", id, "--satisfaction",
                                          "dissatisfied", "--handling", "--note", "夜间仍有臭味"});
  EXPECT_THAT(reopened, HasSubstr("reopened 重新办理"));
  EXPECT_THAT(reopened, HasSubstr("dispatched 交办"));

  // Second round: findings, reply, 满意, 办结.
  Step("officer", {"complaints", "findings", id, "--outcome", "verified", "--text",
                   "复查：除臭设施已恢复运行，厂界无明显异味"});
  Step("hotline",
       {"complaints", "reply", id, "--text", "经复查，除臭设施已恢复运行，将持续跟踪。"});
  Step("hotline", {"complaints", "revisit", id, "--satisfaction", "satisfied"});
  std::string closed = Step("hotline", {"complaints", "close", id});
  EXPECT_THAT(closed, HasSubstr("closed complaints/" + id + " (办结), in time"));

  Result history = Ecoctl("supervisor", {"complaints", "get", "complaints/" + id});
  ASSERT_EQ(history.code, 0) << history.output;
  EXPECT_THAT(history.output, HasSubstr("closed 办结"));
  EXPECT_THAT(history.output, HasSubstr("reopen 重新办理"));
  EXPECT_THAT(history.output, HasSubstr("findings 核查结果 (round 2)"));
  EXPECT_THAT(history.output, HasSubstr("dissatisfied 不满意"));
  EXPECT_THAT(history.output, HasSubstr("satisfied 满意"));
  EXPECT_THAT(history.output, HasSubstr("closed in time 按时办结"));
  EXPECT_THAT(history.output, Not(HasSubstr(kPhone)));

  // A closed complaint takes no further step.
  Result again = Ecoctl("hotline", {"complaints", "accept", id});
  EXPECT_EQ(again.code, 1) << again.output;
  EXPECT_THAT(again.output, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(EcoctlComplaintsTest, NotAcceptedTwelve345ImportedTwiceAndAnonymous) {
  SetUpPeople();

  // 不予受理: a neighbour's air conditioner is not the bureau's.
  std::string ac =
      Register({"--channel", "12369-phone", "--category", "noise", "--address",
                "焦作市解放区民主路某小区3号楼", "--district", "410802", "--description",
                "楼上邻居空调外机夜间噪声大", "--reporter-phone", "0391-3561234"});
  ASSERT_FALSE(ac.empty());
  std::string rejected = Step(
      "hotline", {"complaints", "reject", ac, "--ground", "outside-remit", "--reason",
                  "居民家用空调外机噪声不属于生态环境部门职责", "--authority", "焦作市城市管理局"});
  EXPECT_THAT(rejected, HasSubstr("not-accepted 不予受理"));
  EXPECT_THAT(rejected, HasSubstr("焦作市城市管理局"));

  // A 12345 work order imported twice is one complaint.
  std::vector<std::string> order = {"complaints",       "create",
                                    "--channel",        "12345",
                                    "--order-number",   "JZ12345-20261205-0117",
                                    "--category",       "noise",
                                    "--urgency",        "urgent",
                                    "--address",        "焦作市解放区建设路工地",
                                    "--district",       "410802",
                                    "--description",    "工地夜间施工噪声扰民",
                                    "--reporter-phone", "13800001111"};
  Result first = Ecoctl("integration", order);
  ASSERT_EQ(first.code, 0) << first.output;
  std::string imported = Capture(first.output, "registered complaints/(\\d+)");
  ASSERT_FALSE(imported.empty()) << first.output;
  Result second = Ecoctl("integration", order);
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("complaints/" + imported));
  Result orders = Ecoctl("hotline", {"complaints", "list", "--channel", "12345"});
  ASSERT_EQ(orders.code, 0) << orders.output;
  EXPECT_THAT(orders.output, HasSubstr("1 complaint\n"));
  // Integration imports 12345 orders only.
  Result not_12345 = Ecoctl("integration", {"complaints", "create", "--channel", "12369-web",
                                            "--category", "air", "--address", "某地", "--district",
                                            "410802", "--description", "异味", "--anonymous"});
  EXPECT_EQ(not_12345.code, 1) << not_12345.output;

  // Anonymous: replied on record, nobody to revisit, closed after the reply.
  std::string anon = Register({"--channel", "12369-wechat", "--category", "water", "--address",
                               "焦作市解放区大沙河示范桥下", "--district", "410802",
                               "--description", "有管道向河道排放黑色污水", "--anonymous"});
  ASSERT_FALSE(anon.empty());
  Result anon_get = Ecoctl("officer", {"complaints", "get", anon});
  EXPECT_THAT(anon_get.output, HasSubstr("anonymous 匿名"));
  Step("hotline", {"complaints", "accept", anon});
  Step("supervisor", {"complaints", "dispatch", anon, "--district", "410802"});
  Step("officer", {"complaints", "findings", anon, "--outcome", "not-verified", "--text",
                   "现场为雨水管道排水，未发现污水排放"});
  EXPECT_THAT(
      Step("hotline", {"complaints", "reply", anon, "--text", "经核查，该管道为雨水管道。"}),
      HasSubstr("kept on record"));
  Result revisit =
      Ecoctl("hotline", {"complaints", "revisit", anon, "--satisfaction", "satisfied"});
  EXPECT_EQ(revisit.code, 1) << revisit.output;
  EXPECT_THAT(revisit.output, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(Step("hotline", {"complaints", "close", anon}), HasSubstr("closed 办结"));

  // The open list: the 12345 order only.
  Result open = Ecoctl("hotline", {"complaints", "list", "--open"});
  ASSERT_EQ(open.code, 0) << open.output;
  EXPECT_THAT(open.output, HasSubstr("工地夜间施工噪声扰民"));
  EXPECT_THAT(open.output, Not(HasSubstr("空调外机")));
  EXPECT_THAT(open.output, Not(HasSubstr("黑色污水")));
}

TEST_F(EcoctlComplaintsTest, MergedReportersEachRepliedAndRevisited) {
  SetUpPeople();
  std::string master = RegisterOdour();
  std::string duplicate = Register({"--channel",
                                    "12369-wechat",
                                    "--category",
                                    "air",
                                    "--address",
                                    "焦作市解放区示范路3号",
                                    "--district",
                                    "410802",
                                    "--lat",
                                    "35.2395",
                                    "--lng",
                                    "113.2370",
                                    "--description",
                                    "示范路污水厂晚上臭味很大",
                                    "--reporter-name",
                                    "李芳",
                                    "--reporter-phone",
                                    "13700002222",
                                    "--enterprise",
                                    kWaterUscc});
  ASSERT_FALSE(master.empty());
  ASSERT_FALSE(duplicate.empty());

  Result suggested = Ecoctl("hotline", {"complaints", "duplicates", master});
  ASSERT_EQ(suggested.code, 0) << suggested.output;
  EXPECT_THAT(LineWith(suggested.output, "示范路污水厂晚上"), HasSubstr("同一单位"))
      << suggested.output;
  EXPECT_THAT(Step("hotline", {"complaints", "merge", master, duplicate}),
              HasSubstr("merged complaints/" + duplicate + " into complaints/" + master));
  Result merged = Ecoctl("hotline", {"complaints", "get", duplicate});
  EXPECT_THAT(merged.output, HasSubstr("merged 并案"));

  Step("hotline", {"complaints", "accept", master});
  Step("hotline",
       {"complaints", "dispatch", master, "--district", "410802", "--officer", "officer"});
  Step("officer",
       {"complaints", "findings", master, "--outcome", "partly", "--text", "除臭设施间歇运行"});
  EXPECT_THAT(Step("hotline", {"complaints", "reply", master, "--text", "已责令整改。"}),
              HasSubstr("2 reporters"));
  // Both reporters are revealed to the hotline to call back, and both are revisited.
  Result reveal = Ecoctl("hotline", {"complaints", "reveal", master, "--purpose", "回访"});
  EXPECT_THAT(reveal.output, HasSubstr("13700002222"));
  Step("hotline", {"complaints", "revisit", master, "--satisfaction", "basic"});
  Result early = Ecoctl("hotline", {"complaints", "close", master});
  EXPECT_EQ(early.code, 1) << early.output;
  EXPECT_THAT(early.output, HasSubstr("FAILED_PRECONDITION"));
  Step("hotline",
       {"complaints", "revisit", master, "--of", duplicate, "--satisfaction", "unreachable"});
  EXPECT_THAT(Step("hotline", {"complaints", "close", master}), HasSubstr("(办结)"));
}

TEST_F(EcoctlComplaintsTest, OverdueAndDueSoonLists) {
  SetUpPeople();
  std::string normal = RegisterOdour();
  std::string urgent =
      Register({"--channel", "12369-phone", "--category", "air", "--urgency", "urgent", "--address",
                "焦作市解放区焦东路化工园区北门", "--district", "410802", "--description",
                "正在冒黑烟，气味刺鼻", "--reporter-phone", "13600003333"});
  ASSERT_FALSE(normal.empty());
  ASSERT_FALSE(urgent.empty());

  // Due soon: the urgent call's acceptance (2 hours), not the 15-day one.
  Result soon = Ecoctl("hotline", {"complaints", "list", "--due-within-hours", "3"});
  ASSERT_EQ(soon.code, 0) << soon.output;
  EXPECT_THAT(soon.output, HasSubstr("正在冒黑烟"));
  EXPECT_THAT(soon.output, Not(HasSubstr("污水处理厂每晚")));
  Result nothing_late = Ecoctl("hotline", {"complaints", "list", "--overdue"});
  ASSERT_EQ(nothing_late.code, 0) << nothing_late.output;
  EXPECT_THAT(nothing_late.output, HasSubstr("0 complaints"));

  // A 12345 order the centre took in 12 days ago (12 days hold a working day whatever the
  // holidays) arrives with its 1-working-day acceptance clock run out.
  const std::string received = absl::FormatTime("%Y-%m-%dT%H:%M", absl::Now() - absl::Hours(288),
                                                absl::FixedTimeZone(8 * 3600));
  Result imported =
      Ecoctl("integration",
             {"complaints", "create", "--channel", "12345", "--order-number", "JZ12345-E2E-0042",
              "--category", "water", "--address", "焦作市解放区丰收路中段路南", "--district",
              "410802", "--description", "洗车店废水直接排入雨水井", "--reporter-phone",
              "13600004444", "--received", received});
  ASSERT_EQ(imported.code, 0) << imported.output;
  const std::string late = Capture(imported.output, "registered complaints/(\\d+)");
  ASSERT_FALSE(late.empty()) << imported.output;
  Result overdue = Ecoctl("hotline", {"complaints", "list", "--overdue"});
  ASSERT_EQ(overdue.code, 0) << overdue.output;
  EXPECT_THAT(LineWith(overdue.output, "洗车店废水"), HasSubstr("受理逾期")) << overdue.output;
  EXPECT_THAT(overdue.output, Not(HasSubstr("正在冒黑烟")));
  EXPECT_THAT(overdue.output, Not(HasSubstr("污水处理厂每晚")));
  Result get = Ecoctl("hotline", {"complaints", "get", late});
  EXPECT_THAT(get.output, HasSubstr("OVERDUE 逾期"));
  EXPECT_THAT(get.output, HasSubstr("来源收件"));
  // Deciding stops the clock: accepted late, and off the overdue list.
  Step("hotline", {"complaints", "accept", late});
  Result decided = Ecoctl("hotline", {"complaints", "get", late});
  EXPECT_THAT(decided.output, HasSubstr("decided late 逾期决定"));
  Result after = Ecoctl("hotline", {"complaints", "list", "--overdue"});
  EXPECT_THAT(after.output, HasSubstr("0 complaints"));
}

TEST_F(EcoctlComplaintsTest, SlaTableAndHolidayCalendar) {
  SetUpPeople();
  Result sla = Ecoctl("officer", {"complaints", "sla"});
  ASSERT_EQ(sla.code, 0) << sla.output;
  EXPECT_THAT(LineWith(sla.output, "12345_TRANSFER"), HasSubstr("15个工作日")) << sla.output;
  EXPECT_THAT(sla.output, HasSubstr("环境保护部令第15号"));
  Result text = Ecoctl("officer", {"complaints", "sla", "--text"});
  ASSERT_EQ(text.code, 0) << text.output;
  EXPECT_THAT(text.output, HasSubstr("acceptance="));
  Result calendar = Ecoctl("shuiwu", {"complaints", "calendar", "2026"});
  ASSERT_EQ(calendar.code, 0) << calendar.output;
  EXPECT_THAT(LineWith(calendar.output, "2026-10-01"), HasSubstr("holiday 放假"))
      << calendar.output;
  EXPECT_THAT(calendar.output, HasSubstr("working 调休上班"));
}

TEST_F(EcoctlComplaintsTest, MistakesAreUsageErrors) {
  // None of these reach a server: no sign-in is needed to be told.
  std::vector<std::string> base = {"complaints", "create", "--channel",     "12369-phone",
                                   "--category", "air",    "--address",     "某地",
                                   "--district", "410802", "--description", "异味"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return Ecoctl("nobody", args);
  };
  Result neither = with({});
  EXPECT_EQ(neither.code, 64) << neither.output;
  EXPECT_THAT(neither.output, HasSubstr("--anonymous"));
  EXPECT_EQ(with({"--anonymous", "--reporter-phone", "13900000000"}).code, 64);
  EXPECT_EQ(with({"--anonymous", "--lat", "35.2"}).code, 64);
  EXPECT_EQ(with({"--anonymous", "--order-number", "X1"}).code, 64);
  Result category = Ecoctl("nobody", {"complaints", "list", "--category", "smell"});
  EXPECT_EQ(category.code, 64) << category.output;
  Result handling =
      Ecoctl("nobody", {"complaints", "revisit", "3", "--satisfaction", "satisfied", "--handling"});
  EXPECT_EQ(handling.code, 64) << handling.output;
  Result extend = Ecoctl("nobody", {"complaints", "extend", "3", "--reason", "需补充监测"});
  EXPECT_EQ(extend.code, 64) << extend.output;
  Result id = Ecoctl("nobody", {"complaints", "get", "tasks/3"});
  EXPECT_EQ(id.code, 64) << id.output;
}

}  // namespace
}  // namespace ecocase
