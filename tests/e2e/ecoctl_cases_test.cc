// Enforcement cases (行政处罚案件) with the real server and the real ecoctl over TLS, the
// README journey: an officer opens a case from the police's referral against 焦作示范水务,
// a supervisor assigns two certified officers and files it, they investigate, attach
// evidence and submit it for review, the party is notified of a fine of ¥12,345.67 and
// waives its rights, the supervisor decides, the decision is served, the fine paid in full
// and the case closed and archived. Along the way: the officer's day (`cases list --mine`),
// the clocks, and steps refused by the law's gates with their reasons (no evidence, the
// statement period still running). The evidence is real: items uploaded to the case with
// `ecoctl evidence upload` and an inspection record both officers signed; a reference to
// nothing is refused.
#include <regex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWaterUscc[] = "91410802MA4DM0017F";  // 焦作示范水务, 410802
constexpr char kPassword[] = "e2e-staff-Passw0rd";
constexpr char kReferral[] = "焦公环移〔2026〕7号";

// "2026-12-06 09:30", Beijing, `ago` before now.
std::string BeijingMinute(absl::Duration ago) {
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::Now() - ago, absl::FixedTimeZone(8 * 3600));
}

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

std::string TodayInBeijing() {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)));
}

class EcoctlCasesTest : public EcoctlTest {
 protected:
  // Evidence is uploaded to the cases: the blob store lives in the test's own temp dir,
  // removed with it.
  std::vector<std::string> ExtraServerFlags() const override {
    return {"--evidence_dir=" + base_dir_ + "/evidence"};
  }

  void CreateUser(const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"users", "create", "--password-stdin"};
    args.insert(args.end(), flags.begin(), flags.end());
    Result r = Ecoctl("admin", args, kPassword);
    ASSERT_EQ(r.code, 0) << r.output;
  }

  // admin registers 焦作示范水务 and the people: two officers of 410802 with enforcement
  // certificates (执法证), one without, and a supervisor of the city.
  void SetUpPeople() {
    Login("admin", "admin", kAdminPassword);
    Result water =
        Ecoctl("admin", {"enterprises", "create", "--uscc", kWaterUscc, "--name",
                         "焦作示范水务有限公司", "--address", "焦作市解放区示范路1号", "--district",
                         "410802", "--industry", "D4620", "--class", "key"});
    ASSERT_EQ(water.code, 0) << water.output;
    CreateOfficer("admin", "officer", kPassword);  // 豫环执410802001
    CreateUser({"--username", "lisi", "--display-name", "李四", "--role", "officer", "--district",
                "410802", "--cert-number", "豫环执410802002", "--cert-from", "2026-01-01",
                "--cert-until", "2028-12-31"});
    CreateUser({"--username", "trainee", "--display-name", "赵六", "--role", "officer",
                "--district", "410802"});
    CreateUser({"--username", "supervisor", "--display-name", "王静", "--role", "supervisor",
                "--district", "410800"});
    for (const char* who : {"officer", "lisi", "supervisor"}) Login(who, who, kPassword);
  }

  // `who` runs a step; fails the test unless it succeeds; returns the output.
  std::string Step(const std::string& who, const std::vector<std::string>& args) {
    Result r = Ecoctl(who, args);
    EXPECT_EQ(r.code, 0) << r.output;
    return r.output;
  }

  // `who` uploads a small file holding `text` to cases/`id` as evidence of `kind`
  // (audio-visual, document …); returns the item's name (evidence/N), stored whole.
  std::string UploadToCase(const std::string& who, const std::string& id, const std::string& kind,
                           const std::string& file_name, const std::string& text) {
    const std::string path = base_dir_ + "/" + file_name;
    std::ofstream(path, std::ios::binary) << text;
    Result r = Ecoctl(who, {"evidence", "upload", path, "--parent", "cases/" + id, "--kind", kind,
                            "--description", text});
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_THAT(LineWith(r.output, "state 状态"), HasSubstr("STORED 已保存")) << r.output;
    std::string item = Capture(r.output, "上传完成 (evidence/\\d+)");
    EXPECT_FALSE(item.empty()) << r.output;
    return item;
  }

  // An on-site inspection record of 焦作示范水务 by officer and lisi, signed by both (the
  // last with the party's signature): inspections/N, citable by a case.
  std::string SignedRecord(const std::string& findings) {
    Result drafted = Ecoctl("officer", {"inspections", "record",
                                        "--kind",       "on-site",
                                        "--enterprise", kWaterUscc,
                                        "--party",      "焦作示范水务有限公司",
                                        "--present",    "王建国",
                                        "--title",      "厂长",
                                        "--place",      "焦作市解放区示范路1号 总排口",
                                        "--start",      BeijingMinute(absl::Hours(2)),
                                        "--end",        BeijingMinute(absl::Hours(1)),
                                        "--officer",    "officer",
                                        "--officer",    "lisi",
                                        "--findings",   findings});
    EXPECT_EQ(drafted.code, 0) << drafted.output;
    std::string record = Capture(drafted.output, "inspections/(\\d+)");
    EXPECT_FALSE(record.empty()) << drafted.output;
    Result first = Ecoctl("officer", {"inspections", "sign", record});
    EXPECT_EQ(first.code, 0) << first.output;
    Result last = Ecoctl("lisi", {"inspections", "sign", record, "--party-signed", "王建国"});
    EXPECT_EQ(last.code, 0) << last.output;
    EXPECT_THAT(last.output, HasSubstr("signed 已签署"));
    return "inspections/" + record;
  }

  // `who` runs a step the server must refuse with `reason`.
  void Refused(const std::string& who, const std::vector<std::string>& args,
               const std::string& reason) {
    Result r = Ecoctl(who, args);
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr("FAILED_PRECONDITION")) << r.output;
    EXPECT_THAT(r.output, HasSubstr(reason)) << r.output;
  }
};

TEST_F(EcoctlCasesTest, ReferralToArchiveWithTheLawsGates) {
  SetUpPeople();
  const std::string today = TodayInBeijing();

  // 线索: the police's referral letter against the enterprise.
  std::vector<std::string> open = {"cases",         "open",
                                   "--source-kind", "referral",
                                   "--source",      kReferral,
                                   "--party-kind",  "organisation",
                                   "--party",       "焦作示范水务有限公司",
                                   "--enterprise",  kWaterUscc,
                                   "--district",    "410802",
                                   "--summary",     "污水处理厂通过暗管排放未经处理的污水",
                                   "--discovered",  today};
  std::string opened = Step("officer", open);
  std::string id = Capture(opened, "opened cases/(\\d+)");
  ASSERT_FALSE(id.empty()) << opened;
  EXPECT_THAT(opened, HasSubstr("clue 线索"));
  EXPECT_THAT(opened, HasSubstr("立案期限"));
  // One case per finding: opening again from the same inspection record answers with the
  // case already open for it (a referral letter is not a finding and always opens one).
  std::vector<std::string> inspection = open;
  inspection[3] = "inspection";
  inspection[5] = "5";  // inspections/5
  std::string first = Step("officer", inspection);
  std::string other = Capture(first, "opened cases/(\\d+)");
  ASSERT_FALSE(other.empty()) << first;
  EXPECT_NE(other, id);
  EXPECT_THAT(first, HasSubstr("inspection 现场检查 inspections/5"));
  std::string again = Step("officer", inspection);
  EXPECT_THAT(again, HasSubstr("already open for inspections/5"));
  EXPECT_EQ(Capture(again, "cases/(\\d+)"), other) << again;

  // Two certified officers; an account without a certificate cannot be assigned.
  std::string assigned = Step("supervisor", {"cases", "assign", id, "officer"});
  EXPECT_THAT(assigned, HasSubstr("assigned officer to cases/" + id));
  EXPECT_THAT(assigned, HasSubstr("豫环执410802001"));
  Result trainee = Ecoctl("supervisor", {"cases", "assign", id, "trainee"});
  EXPECT_EQ(trainee.code, 1) << trainee.output;
  EXPECT_THAT(Step("supervisor", {"cases", "assign", id, "users/lisi"}), HasSubstr("2 officers"));

  // 立案 with the year's number, then 调查取证.
  std::string filed =
      Step("supervisor", {"cases", "file", id, "--violation-end", today, "--harms-health"});
  EXPECT_THAT(filed, HasSubstr("filed 立案"));
  EXPECT_THAT(filed, HasSubstr("办案期限"));
  EXPECT_THAT(Step("officer", {"cases", "investigate", id}), HasSubstr("investigating 调查取证"));

  // The officer's day: the case is on both officers' lists, not on the supervisor's.
  Result mine = Ecoctl("officer", {"cases", "list", "--mine"});
  ASSERT_EQ(mine.code, 0) << mine.output;
  std::string row = LineWith(mine.output, "污水处理厂通过暗管");
  EXPECT_THAT(row, HasSubstr("investigating 调查取证")) << mine.output;
  EXPECT_THAT(row, HasSubstr("办案期限")) << mine.output;
  std::string header = LineWith(mine.output, "NUMBER");
  ASSERT_FALSE(header.empty()) << mine.output;
  // The table lines up although the state and the party are Chinese.
  EXPECT_EQ(ColumnOf(row, row.find("investigating")), ColumnOf(header, header.find("STATE")));
  Result lisi = Ecoctl("lisi", {"cases", "list", "--mine", "--open"});
  ASSERT_EQ(lisi.code, 0) << lisi.output;
  EXPECT_THAT(lisi.output, HasSubstr("1 case\n"));
  Result supervisor = Ecoctl("supervisor", {"cases", "list", "--mine"});
  ASSERT_EQ(supervisor.code, 0) << supervisor.output;
  EXPECT_THAT(supervisor.output, HasSubstr("0 cases"));

  // Review needs evidence: refused with the reason, then done with a photo uploaded to the
  // case and the signed inspection record. A reference to nothing is refused.
  Refused("officer", {"cases", "submit-review", id}, "CASE_EVIDENCE");
  const std::string photo =
      UploadToCase("officer", id, "audio-visual", "暗管.jpg", "总排口旁暗管排放污水照片");
  ASSERT_FALSE(photo.empty());
  // Kept back for the end: a real item a closed file no longer takes.
  const std::string late =
      UploadToCase("lisi", id, "document", "补充说明.txt", "当事人补充提交的排水管网图说明");
  ASSERT_FALSE(late.empty());
  const std::string record = SignedRecord("总排口旁发现一根暗管，正在排放浑浊污水");
  ASSERT_NE(record, "inspections/");
  Result missing = Ecoctl("officer", {"cases", "attach", id, "evidence/999999"});
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("NOT_FOUND")) << missing.output;
  EXPECT_THAT(Step("officer", {"cases", "attach", id, photo}), HasSubstr("1 evidence item"));
  EXPECT_THAT(Step("lisi", {"cases", "attach", id, record}), HasSubstr("2 evidence items"));
  EXPECT_THAT(Step("officer", {"cases", "submit-review", id}), HasSubstr("under-review 案件审查"));

  // 事先告知 of a fine below the hearing threshold: no hearing right.
  std::string notified = Step(
      "officer", {"cases", "notify", id, "--facts", "2026年12月通过暗管排放未经处理的污水约300吨",
                  "--fine", "12345.67", "--basis", "《中华人民共和国水污染防治法》第八十三条第三项",
                  "--rights", "陈述、申辩", "--received", today});
  EXPECT_THAT(notified, HasSubstr("notified 告知"));
  EXPECT_THAT(notified, HasSubstr("罚款 ¥12,345.67"));
  EXPECT_THAT(notified, HasSubstr("陈述申辩期至"));
  EXPECT_THAT(notified, HasSubstr("无听证权"));

  // Deciding while the statement period runs is refused; after the waiver it is not.
  std::vector<std::string> decide = {"cases",
                                     "decide",
                                     id,
                                     "--penalty",
                                     "fine:12345.67",
                                     "--order",
                                     "立即拆除暗管，停止违法排放",
                                     "--basis",
                                     "《中华人民共和国水污染防治法》第八十三条"};
  Refused("supervisor", decide, "CASE_STATEMENT_PERIOD");
  EXPECT_THAT(Step("officer", {"cases", "respond", id, "--waive", "--note", "当事人书面放弃"}),
              HasSubstr("waived"));
  // Nothing heavier than notified.
  std::vector<std::string> heavier = decide;
  heavier[4] = "fine:20000";
  Refused("supervisor", heavier, "CASE_HEAVIER_THAN_NOTIFIED");
  std::string decided = Step("supervisor", decide);
  EXPECT_THAT(decided, HasSubstr("decided 处罚决定"));
  EXPECT_THAT(decided, HasSubstr("送达期限"));
  // The decision is public (行政处罚决定信息公开): read without signing in.
  Result published = Ecoctl("nobody", {"cases", "decisions", "--district", "410802"});
  ASSERT_EQ(published.code, 0) << published.output;
  std::string number = Capture(decided, "(焦[^ ]*号)");
  ASSERT_FALSE(number.empty()) << decided;
  EXPECT_THAT(LineWith(published.output, number), HasSubstr("罚款 ¥12,345.67")) << published.output;

  // 送达: the correction order becomes a rectification task; the payment clock runs.
  std::string served =
      Step("officer", {"cases", "serve", id, "--method", "direct", "--date", today});
  EXPECT_THAT(served, HasSubstr("served 送达"));
  EXPECT_THAT(served, HasSubstr("tasks/"));
  EXPECT_THAT(served, HasSubstr("缴款期限"));
  Result clocks = Ecoctl("officer", {"cases", "clocks", id});
  ASSERT_EQ(clocks.code, 0) << clocks.output;
  EXPECT_THAT(LineWith(clocks.output, "owed 未缴"), HasSubstr("¥12,345.67")) << clocks.output;
  EXPECT_THAT(clocks.output, HasSubstr("缴款期限 payment"));
  EXPECT_THAT(clocks.output, HasSubstr("met 按期"));  // decided in time

  // Part paid: closing as performed is refused; paid in full it is not.
  EXPECT_THAT(Step("officer", {"cases", "pay", id, "--yuan", "10000", "--date", today, "--receipt",
                               "豫财罚0012345"}),
              HasSubstr("owed 未缴 ¥2,345.67"));
  Refused("supervisor", {"cases", "close", id, "--ground", "fully-performed"}, "CASE_UNPAID");
  std::string paid = Step("officer", {"cases", "pay", id, "--yuan", "2345.67", "--date", today,
                                      "--receipt", "豫财罚0012346"});
  EXPECT_THAT(paid, HasSubstr("executing 执行"));
  EXPECT_THAT(paid, HasSubstr("owed 未缴 ¥0.00"));
  EXPECT_THAT(Step("supervisor", {"cases", "close", id, "--ground", "fully-performed"}),
              HasSubstr("closed 结案"));
  EXPECT_THAT(Step("supervisor", {"cases", "archive", id}), HasSubstr("archived 归档"));

  // The whole file.
  Result got = Ecoctl("officer", {"cases", "get", id});
  ASSERT_EQ(got.code, 0) << got.output;
  for (const char* expected :
       {"archived 归档", "referral 移交", kReferral, "焦作示范水务有限公司", "豫环执410802002",
        photo.c_str(), record.c_str(), "waived 放弃", "罚款 ¥12,345.67", "立即拆除暗管",
        "direct 直接送达", "豫财罚0012346", "fully-performed 执行完毕", "timeline 办案记录",
        "NOTIFY", "DECIDE_PENALTY"}) {
    EXPECT_THAT(got.output, HasSubstr(expected));
  }
  EXPECT_THAT(got.output, Not(HasSubstr("next:")));
  Result json = Ecoctl("officer", {"--json", "cases", "get", id});
  ASSERT_EQ(json.code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"state\":\"ARCHIVED\""));
  EXPECT_THAT(json.output, HasSubstr("\"amountFen\":\"1234567\""));

  // An archived case takes no further step, not even linking an item stored for it.
  Refused("officer", {"cases", "attach", id, late}, "CASE_STATE");
}

TEST_F(EcoctlCasesTest, SealedThenTransferredToThePolice) {
  SetUpPeople();
  const std::string today = TodayInBeijing();
  std::string opened =
      Step("officer", {"cases", "open", "--source-kind", "inspection", "--source", "inspections/12",
                       "--party-kind", "organisation", "--party", "焦作示范水务有限公司",
                       "--enterprise", kWaterUscc, "--district", "410802", "--summary",
                       "通过暗管排放含重金属污水，涉嫌污染环境罪"});
  std::string id = Capture(opened, "opened cases/(\\d+)");
  ASSERT_FALSE(id.empty()) << opened;
  Step("supervisor", {"cases", "assign", id, "officer"});
  Step("supervisor", {"cases", "assign", id, "lisi"});
  Step("supervisor", {"cases", "file", id, "--violation-end", today});
  Step("officer", {"cases", "investigate", id});

  // 查封、扣押 for 30 days, extended once by 30.
  std::string sealed = Step("officer", {"cases", "measure", id, "--kind", "sealing", "--document",
                                        "焦环封〔2026〕3号", "--days", "30"});
  EXPECT_THAT(sealed, HasSubstr("sealing 查封、扣押 焦环封〔2026〕3号"));
  EXPECT_THAT(Step("supervisor", {"cases", "extend-measure", id, "1", "--days", "30"}),
              HasSubstr("焦环封〔2026〕3号 to"));
  Result wrong_unit = Ecoctl("supervisor", {"cases", "extend-measure", id, "1", "--months", "1"});
  EXPECT_EQ(wrong_unit.code, 64) << wrong_unit.output;
  Result no_such = Ecoctl("supervisor", {"cases", "lift-measure", id, "2"});
  EXPECT_EQ(no_such.code, 64) << no_such.output;

  // 移送 with the package; closing waits for the package to reach the police.
  const std::string sample =
      UploadToCase("officer", id, "document", "废水采样.txt", "暗管出水采样记录");
  ASSERT_FALSE(sample.empty());
  Step("officer", {"cases", "attach", id, sample});
  std::string transferred = Step(
      "supervisor", {"cases", "transfer", id, "--kind", "criminal", "--to", "焦作市公安局解放分局",
                     "--package", "案件移送书", "--package", "调查报告", "--package", "证据材料"});
  EXPECT_THAT(transferred, HasSubstr("transferred 移送"));
  EXPECT_THAT(transferred, HasSubstr("移送期限"));
  Refused("supervisor", {"cases", "close", id, "--ground", "transfer-completed"},
          "CASE_CLOSURE_GROUND");
  EXPECT_THAT(Step("officer", {"cases", "transfer-sent", id, "--receipt", "焦公回〔2026〕88号"}),
              HasSubstr("回执 焦公回〔2026〕88号"));
  EXPECT_THAT(Step("supervisor", {"cases", "close", id, "--ground", "transfer-completed"}),
              HasSubstr("transfer-completed 移送完毕"));
  Result got = Ecoctl("officer", {"cases", "get", id});
  ASSERT_EQ(got.code, 0) << got.output;
  for (const char* expected :
       {"measures 行政强制措施", "30 days 日 +30", "criminal 移送涉嫌犯罪案件", "package 移送材料",
        "证据材料", "next: archive it"}) {
    EXPECT_THAT(got.output, HasSubstr(expected));
  }
}

TEST_F(EcoctlCasesTest, MistakesAreUsageErrors) {
  // None of these reach a server: no sign-in is needed to be told.
  for (const char* amount : {"12.345", "1,000", "-5", "0", "1e3", "12."}) {
    Result r = Ecoctl("nobody", {"cases", "pay", "7", "--yuan", amount, "--date", "2026-12-01",
                                 "--receipt", "R1"});
    EXPECT_EQ(r.code, 64) << amount << ": " << r.output;
  }
  Result decimals = Ecoctl("nobody", {"cases", "decide", "7", "--penalty", "fine:1.234", "--order",
                                      "o", "--basis", "b"});
  EXPECT_EQ(decimals.code, 64) << decimals.output;
  EXPECT_THAT(decimals.output, HasSubstr("more than two decimals"));
  Result no_amount = Ecoctl(
      "nobody", {"cases", "decide", "7", "--penalty", "fine", "--order", "o", "--basis", "b"});
  EXPECT_EQ(no_amount.code, 64) << no_amount.output;
  Result warning_amount =
      Ecoctl("nobody", {"cases", "notify", "7", "--facts", "f", "--penalty", "warning:5", "--basis",
                        "b", "--rights", "r", "--received", "2026-12-01"});
  EXPECT_EQ(warning_amount.code, 64) << warning_amount.output;
  Result both = Ecoctl("nobody", {"cases", "respond", "7", "--defence", "--waive"});
  EXPECT_EQ(both.code, 64) << both.output;
  Result outcome = Ecoctl("nobody", {"cases", "hearing", "7", "--held"});
  EXPECT_EQ(outcome.code, 64) << outcome.output;
  Result organisation = Ecoctl("nobody", {"cases", "open", "--source-kind", "referral", "--source",
                                          kReferral, "--party-kind", "organisation", "--party",
                                          "某公司", "--district", "410802", "--summary", "s"});
  EXPECT_EQ(organisation.code, 64) << organisation.output;
  Result id = Ecoctl("nobody", {"cases", "get", "tasks/7"});
  EXPECT_EQ(id.code, 64) << id.output;
}

}  // namespace
}  // namespace ecocase
