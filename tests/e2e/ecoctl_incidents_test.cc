// The evaluation seen from ecoctl, with the real server and its own sweep: a station's
// back-filled hourly SO2 above the permit limit becomes one exceedance incident with its
// windows and a rectification task; the enterprise reads both and explains the incident.
#include <chrono>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;

constexpr char kUscc[] = "91410800MA44TE5T0P";
constexpr char kPermit[] = "91410800MA44TE5T0P001P";
constexpr char kMn[] = "DE0000000000410803031001";
constexpr char kStationPassword[] = "e2e-station-Passw0rd";
constexpr char kSupervisorPassword[] = "e2e-supervisor-Passw0rd";
constexpr char kEnterprisePassword[] = "e2e-enterprise-Passw0rd";

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class EcoctlIncidentsTest : public EcoctlTest {
 protected:
  // The sweep judges every second (the scheduler ticks every few seconds).
  std::vector<std::string> ExtraServerFlags() const override {
    return {"--evaluation_interval=1s"};
  }

  // Yesterday in Beijing at `hour`:00, as "YYYY-MM-DDTHH:MM".
  static std::string YesterdayAt(int hour) {
    absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
    absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), beijing) - 1;
    absl::CivilHour at(yesterday.year(), yesterday.month(), yesterday.day(), hour);
    return absl::FormatCivilTime(at).substr(0, 13) + ":00";
  }
};

TEST_F(EcoctlIncidentsTest, BackFilledExceedanceBecomesAnIncidentAndATaskTheEnterpriseExplains) {
  Login("admin", "admin", kAdminPassword);
  ASSERT_EQ(Ecoctl("admin", {"enterprises", "create", "--uscc", kUscc, "--name",
                             "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                             "--district", "410803", "--industry", "C2614", "--class", "key"})
                .code,
            0);
  ASSERT_EQ(Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA001", "--name",
                             "1号工艺加热炉烟囱", "--pollutants", "a21026,a19001"})
                .code,
            0);
  ASSERT_EQ(Ecoctl("admin",
                   {"users", "create", "--username", "sup", "--display-name", "监察支队", "--role",
                    "supervisor", "--district", "410800", "--password-stdin"},
                   kSupervisorPassword)
                .code,
            0);
  ASSERT_EQ(
      Ecoctl("admin",
             {"users", "create", "--username", "shifan", "--display-name", "焦作示范化工有限公司",
              "--role", "enterprise", "--uscc", kUscc, "--password-stdin"},
             kEnterprisePassword)
          .code,
      0);
  Login("supervisor", "sup", kSupervisorPassword);
  Result draft =
      Ecoctl("supervisor", {"permits", "create", kUscc, "--number", kPermit, "--valid-from",
                            "2025-01-01", "--valid-until", "2029-12-31", "--limit",
                            "DA001:a21026=100mg/m3/hour@3,std=GB 13271-2014"});
  ASSERT_EQ(draft.code, 0) << draft.output;
  ASSERT_EQ(Ecoctl("supervisor", {"permits", "issue", kPermit}).code, 0);
  // The permit applies from now; the test's data are yesterday's, so its version is dated
  // back three days here (a fixture shortcut: the API never moves a version into the past).
  schema_->Execute("UPDATE permit_version SET effective_time = effective_time - INTERVAL 3 DAY");

  Result bind = Ecoctl(
      "admin",
      {"devices", "bind", kUscc, "DA001", "--mn", kMn, "--protocol", "2017", "--password-stdin"},
      "123456");
  ASSERT_EQ(bind.code, 0) << bind.output;
  ASSERT_EQ(
      Ecoctl("admin",
             {"users", "create", "--username", "station1", "--display-name", "中站区数采汇聚",
              "--role", "station", "--district", "410803", "--device", kMn, "--password-stdin"},
             kStationPassword)
          .code,
      0);

  // Hourly SO2 300 mg/m3 at 12 % O2 yesterday 08:00-10:59: 300 × (21−3)/(21−12) = 600
  // against 100 at the reference 3 %.
  std::string csv = "mn,pollutant,kind,data_time,value,flag\n";
  for (int hour : {8, 9, 10}) {
    csv += std::string(kMn) + ",a21026,hour," + YesterdayAt(hour) + ",300,N\n";
    csv += std::string(kMn) + ",a19001,hour," + YesterdayAt(hour) + ",12,N\n";
  }
  std::string file = base_dir_ + "/backfill.csv";
  std::ofstream(file) << csv;
  Login("station", "station1", kStationPassword);
  Result ingest = Ecoctl("station", {"readings", "ingest", "--file", file});
  ASSERT_EQ(ingest.code, 0) << ingest.output;

  // The sweep finds it within seconds.
  Result list;
  for (int i = 0; i < 60; ++i) {
    list = Ecoctl("admin", {"incidents", "list", "--kind", "exceedance"});
    if (list.output.find("1 incident\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  ASSERT_THAT(list.output, HasSubstr("1 incident\n"));
  std::string row = LineWith(list.output, "二氧化硫");
  EXPECT_THAT(row, HasSubstr("exceedance 超标"));
  EXPECT_THAT(row, HasSubstr("3 小时"));
  EXPECT_THAT(row, HasSubstr("600 mg/m3 (限值 100, 6 倍)"));
  std::string id = row.substr(0, row.find(' '));

  Result get = Ecoctl("admin", {"incidents", "get", id});
  ASSERT_EQ(get.code, 0) << get.output;
  EXPECT_EQ(Count(get.output, "  超标  "), 3) << get.output;
  EXPECT_THAT(get.output, HasSubstr("GB 13271-2014"));
  EXPECT_THAT(get.output, HasSubstr("O2=12%"));
  EXPECT_THAT(get.output, HasSubstr("task 整改任务"));

  // The enterprise sees its task and explains the incident, once.
  Login("enterprise", "shifan", kEnterprisePassword);
  Result tasks = Ecoctl("enterprise", {"tasks", "list"});
  ASSERT_EQ(tasks.code, 0) << tasks.output;
  EXPECT_THAT(tasks.output, HasSubstr("DA001 二氧化硫小时均值超过许可排放浓度，限期整改"));
  Result explain = Ecoctl("enterprise", {"incidents", "explain", id, "--text",
                                         "脱硫系统浆液泵故障，已于次日修复并提交维修记录"});
  ASSERT_EQ(explain.code, 0) << explain.output;
  EXPECT_THAT(explain.output, HasSubstr("已提交情况说明"));
  Result again = Ecoctl("enterprise", {"incidents", "explain", id, "--text", "再说明一次"});
  EXPECT_EQ(again.code, 1);
  EXPECT_THAT(again.output, HasSubstr("FAILED_PRECONDITION"));
}

}  // namespace
}  // namespace ecocase
