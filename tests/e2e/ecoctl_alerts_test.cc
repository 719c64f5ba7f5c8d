// The alert feed with the real server and the real ecoctl over TLS: alerts appended to the
// database (as the evaluation does, in a transaction) are listed with their Chinese kind
// and enterprise, each company sees only its own, and `alerts watch` prints them in feed
// order.
#include "absl/time/clock.h"
#include "ecoctl_fixture.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/transaction.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWaterUscc[] = "91410802MA4DM0017F";  // 焦作示范水务, 410802
constexpr char kChemUscc[] = "91410800MA44TE5T0P";   // 焦作示范化工, 410803
constexpr char kEnterprisePassword[] = "e2e-enterprise-Passw0rd";

class EcoctlAlertsTest : public EcoctlTest {
 protected:
  void SetUpRegistry() {
    Login("admin", "admin", kAdminPassword);
    Result water = Ecoctl("admin", {"enterprises", "create", "--uscc", kWaterUscc, "--name",
                                    "焦作示范水务有限公司", "--address", "焦作市解放区示范路1号",
                                    "--district", "410802", "--industry", "D4620", "--class",
                                    "key"});
    ASSERT_EQ(water.code, 0) << water.output;
    Result chem = Ecoctl("admin", {"enterprises", "create", "--uscc", kChemUscc, "--name",
                                   "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                                   "--district", "410803", "--industry", "C2614", "--class",
                                   "key"});
    ASSERT_EQ(chem.code, 0) << chem.output;
    Result user = Ecoctl("admin", {"users", "create", "--username", "shuiwu", "--display-name",
                                   "林涛", "--role", "enterprise", "--uscc", kWaterUscc,
                                   "--password-stdin"},
                         kEnterprisePassword);
    ASSERT_EQ(user.code, 0) << user.output;
    Login("shuiwu", "shuiwu", kEnterprisePassword);
  }

  // Appends one alert of `uscc` straight to the database.
  void Append(const std::string& uscc, const std::string& kind, const std::string& resource,
              const std::string& title) {
    storage::mysql::ConnectionPool pool(schema_->options());
    storage::mysql::MysqlAlertRepository alerts(pool);
    const int64_t id =
        schema_->QueryInt(absl::StrCat("SELECT id FROM enterprise WHERE uscc = '", uscc, "'"));
    absl::Status s =
        storage::mysql::RunInTransaction(pool, "append alert", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          storage::AlertEvent e;
          e.kind = kind;
          e.resource = resource;
          e.enterprise_id = id;
          e.title = title;
          return alerts.Append(tx, e, absl::Now()).status();
        });
    ASSERT_TRUE(s.ok()) << s;
  }
};

TEST_F(EcoctlAlertsTest, ListAndWatchShowAlertsInScope) {
  ASSERT_NO_FATAL_FAILURE(SetUpRegistry());
  ASSERT_NO_FATAL_FAILURE(
      Append(kWaterUscc, "INCIDENT_OPENED", "incidents/12", "总排口 氨氮 小时均值超标 2.1 倍"));
  ASSERT_NO_FATAL_FAILURE(
      Append(kChemUscc, "TASK_ISSUED", "tasks/7", "1号锅炉烟囱二氧化硫超标整改"));

  Result list = Ecoctl("admin", {"alerts", "list"});
  ASSERT_EQ(list.code, 0) << list.output;
  std::string water = LineWith(list.output, "incidents/12");
  EXPECT_THAT(water, HasSubstr("新超标事件")) << list.output;
  EXPECT_THAT(water, HasSubstr("焦作示范水务有限公司")) << list.output;
  EXPECT_THAT(water, HasSubstr("总排口 氨氮 小时均值超标 2.1 倍")) << list.output;
  EXPECT_THAT(LineWith(list.output, "tasks/7"), HasSubstr("新整改任务")) << list.output;
  EXPECT_THAT(list.output, HasSubstr("2 alerts"));
  EXPECT_THAT(list.output, HasSubstr("follow: ecoctl alerts watch --after 2"));
  // Oldest first, and the table lines up although the kind and the title are Chinese.
  EXPECT_LT(list.output.find("incidents/12"), list.output.find("tasks/7"));
  std::string header = LineWith(list.output, "RESOURCE");
  ASSERT_FALSE(header.empty()) << list.output;
  EXPECT_EQ(ColumnOf(water, water.find("incidents/12")), ColumnOf(header, header.find("RESOURCE")));

  // The water company sees its own alert only.
  Result own = Ecoctl("shuiwu", {"alerts", "list"});
  ASSERT_EQ(own.code, 0) << own.output;
  EXPECT_THAT(own.output, HasSubstr("incidents/12"));
  EXPECT_THAT(own.output, Not(HasSubstr("tasks/7")));
  EXPECT_THAT(own.output, HasSubstr("1 alert\n"));

  // A watch from the start prints the backlog in order, one line each.
  Result watch = Ecoctl("admin", {"alerts", "watch", "--after", "0", "--count", "2"});
  ASSERT_EQ(watch.code, 0) << watch.output;
  std::string first = LineWith(watch.output, "[1]");
  EXPECT_THAT(first, HasSubstr("新超标事件  incidents/12  焦作示范水务有限公司")) << watch.output;
  EXPECT_THAT(LineWith(watch.output, "[2]"), HasSubstr("新整改任务  tasks/7")) << watch.output;
  EXPECT_LT(watch.output.find("[1]"), watch.output.find("[2]"));

  Result bad = Ecoctl("admin", {"alerts", "list", "--after", "yesterday"});
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("after_cursor"));
}

}  // namespace
}  // namespace ecocase
