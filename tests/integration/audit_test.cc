// The audit chain against a real schema: records appended by the mutation runner, read
// back and verified by MysqlAuditRepository, and tampered with by plain SQL.
#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "security/audit_chain.h"
#include "security/sha256.h"
#include "storage/audit_repository.h"
#include "storage/mutation.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_audit_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "storage/mysql/sql_time.h"
#include "storage/scope.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kEnterpriseA[] = "91410800MA00000001";
constexpr char kEnterpriseB[] = "91410800MA00000002";

AuditEntry Entry(const std::string& resource, const std::string& district = "",
                 const std::string& enterprise = "", const std::string& actor = "users/wangfang") {
  AuditEntry e;
  e.actor = actor;
  e.action = "UpdateUser";
  e.resource = resource;
  e.change_digest = security::Sha256Hex(absl::StrCat("state of ", resource));
  e.district_code = district;
  e.enterprise_uscc = enterprise;
  return e;
}

std::vector<int64_t> Sequences(const std::vector<AuditRecordRow>& rows) {
  std::vector<int64_t> out;
  for (const AuditRecordRow& r : rows) out.push_back(r.sequence);
  return out;
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = ecocase::testing::TestSchema::Create("audit");
    DbOptions options = schema_->options();
    options.acquire_timeout = absl::Seconds(20);
    pool_ = std::make_unique<ConnectionPool>(options);
    auto migrations = LoadMigrations(ecocase::embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(ApplyMigrations(*pool_, *migrations), IsOk());
    runner_ = std::make_unique<MysqlMutationRunner>(*pool_, clock_);
    repository_ = std::make_unique<MysqlAuditRepository>(*pool_);
  }

  // One mutation whose only effect is its audit record.
  void Append(const AuditEntry& entry, const std::string& request_id = "") {
    MutationKey key;
    key.principal = entry.actor;
    key.method = "ecocase.v1.Test/Append";
    key.request_id = request_id;
    key.request_hash = security::Sha256Hex(entry.resource);
    auto response = runner_->Run(key, [&](Tx&) -> absl::StatusOr<MutationResult> {
      MutationResult result;
      result.response = "ok";
      result.audit = entry;
      return result;
    });
    ASSERT_THAT(response, IsOk());
    clock_.Advance(absl::Microseconds(1500));
  }

  void AppendN(int n) {
    for (int i = 1; i <= n; ++i) Append(Entry(absl::StrCat("users/u", i), "410802"));
  }

  VerifyReport MustVerify(int64_t checkpoint_sequence = 0, std::string checkpoint_hash = "") {
    auto report = repository_->Verify(checkpoint_sequence, std::move(checkpoint_hash));
    EXPECT_THAT(report, IsOk());
    return report.ok() ? *report : VerifyReport{};
  }

  std::vector<AuditRecordRow> MustList(const Scope& scope, const AuditFilter& filter = {},
                                       int limit = 100,
                                       std::optional<int64_t> before = std::nullopt) {
    auto rows = repository_->List(scope, filter, limit, before);
    EXPECT_THAT(rows, IsOk());
    return rows.ok() ? *rows : std::vector<AuditRecordRow>{};
  }

  const absl::Time start_ = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 8, 30, 0),
                                            absl::UTCTimeZone()) +
                            absl::Microseconds(123456);
  common::FakeClock clock_{start_};
  std::unique_ptr<ecocase::testing::TestSchema> schema_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<MysqlMutationRunner> runner_;
  std::unique_ptr<MysqlAuditRepository> repository_;
};

TEST_F(AuditTest, EmptyChainIsIntact) {
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.record_count, 0);
  EXPECT_EQ(report.last_sequence, 0);
  EXPECT_EQ(report.last_hash, security::kGenesisHash);
  EXPECT_THAT(MustList(Scope::All()), IsEmpty());
}

TEST_F(AuditTest, AppendedChainIsIntactAndEndsAtTheHead) {
  AppendN(5);
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.record_count, 5);
  EXPECT_EQ(report.first_broken_sequence, 0);
  EXPECT_EQ(report.last_sequence, 5);
  EXPECT_EQ(report.last_hash, schema_->QueryString("SELECT hash FROM audit_head WHERE id = 1"));
  EXPECT_EQ(schema_->QueryInt("SELECT sequence FROM audit_head WHERE id = 1"), 5);

  // Its head, and any earlier record, serve as checkpoints.
  EXPECT_TRUE(MustVerify(5, report.last_hash).intact);
  const std::string hash3 = schema_->QueryString("SELECT hash FROM audit_log WHERE sequence = 3");
  EXPECT_TRUE(MustVerify(3, hash3).intact);
}

TEST_F(AuditTest, VerifyReadsTheChainInBatches) {
  AppendN(7);
  for (int batch : {1, 2, 3, 7, 8}) {
    SCOPED_TRACE(batch);
    MysqlAuditRepository small_batches(*pool_, batch);
    auto report = small_batches.Verify(0, "");
    ASSERT_THAT(report, IsOk());
    EXPECT_TRUE(report->intact) << report->problem;
    EXPECT_EQ(report->record_count, 7);
  }
  schema_->Execute("DELETE FROM audit_log WHERE sequence = 5");
  auto report = MysqlAuditRepository(*pool_, 2).Verify(0, "");
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->first_broken_sequence, 5);
}

TEST_F(AuditTest, UpdatedMiddleRowIsFound) {
  AppendN(5);
  schema_->Execute("UPDATE audit_log SET actor = 'users/intruder' WHERE sequence = 3");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_sequence, 3);
  EXPECT_THAT(report.problem, HasSubstr("record 3 was changed"));
  EXPECT_EQ(report.record_count, 5);
}

TEST_F(AuditTest, UpdatedTimeIsFound) {
  AppendN(3);
  schema_->Execute(
      "UPDATE audit_log SET record_time = record_time + INTERVAL 1 MICROSECOND "
      "WHERE sequence = 2");
  VerifyReport report = MustVerify();
  EXPECT_EQ(report.first_broken_sequence, 2);
  EXPECT_THAT(report.problem, HasSubstr("record 2 was changed"));
}

TEST_F(AuditTest, DeletedMiddleRowIsFound) {
  AppendN(5);
  schema_->Execute("DELETE FROM audit_log WHERE sequence = 3");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_sequence, 3);
  EXPECT_EQ(report.problem, "record 3 is missing");
  EXPECT_EQ(report.record_count, 4);
}

TEST_F(AuditTest, DeletedLastRowIsFoundByTheHead) {
  AppendN(5);
  schema_->Execute("DELETE FROM audit_log WHERE sequence = 5");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_sequence, 5);
  EXPECT_EQ(report.problem, "records after 4 are missing (the chain head says 5)");
}

TEST_F(AuditTest, CutTailWithRewrittenHeadIsFoundOnlyByACheckpoint) {
  AppendN(5);
  VerifyReport before = MustVerify();  // Kept outside the database, e.g. by ecoctl.
  ASSERT_TRUE(before.intact);

  schema_->Execute("DELETE FROM audit_log WHERE sequence = 5");
  schema_->Execute(
      "UPDATE audit_head SET sequence = 4, "
      "hash = (SELECT hash FROM audit_log WHERE sequence = 4) WHERE id = 1");

  EXPECT_TRUE(MustVerify().intact);  // The database alone cannot tell.
  VerifyReport report = MustVerify(before.last_sequence, before.last_hash);
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_sequence, 5);
  EXPECT_THAT(report.problem, HasSubstr("the chain no longer holds checkpoint 5"));
}

TEST_F(AuditTest, DeletedHeadRowIsFound) {
  AppendN(2);
  schema_->Execute("DELETE FROM audit_head");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.first_broken_sequence, 3);
  EXPECT_THAT(report.problem, HasSubstr("audit_head"));
}

TEST_F(AuditTest, ListIsNewestFirstAndScopedInTheQuery) {
  Append(Entry("cases/1", "410802"));                // 1
  Append(Entry("cases/2", "410803"));                // 2
  Append(Entry("cases/3", "410802", kEnterpriseA));  // 3
  Append(Entry("permits/4", "", kEnterpriseB));      // 4: no district
  Append(Entry("users/5"));                          // 5: neither

  EXPECT_THAT(Sequences(MustList(Scope::All())), ElementsAre(5, 4, 3, 2, 1));

  Scope jiefang;
  jiefang.district_codes = {"410802"};
  EXPECT_THAT(Sequences(MustList(jiefang)), ElementsAre(3, 1));
  Scope two_districts;
  two_districts.district_codes = {"410803", "410802"};
  EXPECT_THAT(Sequences(MustList(two_districts)), ElementsAre(3, 2, 1));
  Scope elsewhere;
  elsewhere.district_codes = {"410811"};
  EXPECT_THAT(MustList(elsewhere), IsEmpty());

  Scope enterprise_a;
  enterprise_a.enterprise_uscc = kEnterpriseA;
  EXPECT_THAT(Sequences(MustList(enterprise_a)), ElementsAre(3));
  Scope enterprise_b;
  enterprise_b.enterprise_uscc = kEnterpriseB;
  EXPECT_THAT(Sequences(MustList(enterprise_b)), ElementsAre(4));
  EXPECT_THAT(MustList(Scope{}), IsEmpty());  // No jurisdiction sees nothing.

  // Through a principal, as the service builds it.
  domain::Principal officer;
  officer.username = "wangfang";
  officer.role = domain::Role::kOfficer;
  officer.jurisdiction.district_codes = {"410803"};
  EXPECT_THAT(Sequences(MustList(Scope::For(officer, "410800"))), ElementsAre(2));
  domain::Principal supervisor = officer;
  supervisor.role = domain::Role::kSupervisor;
  supervisor.jurisdiction.district_codes = {"410800"};
  EXPECT_THAT(Sequences(MustList(Scope::For(supervisor, "410800"))),
              ElementsAre(5, 4, 3, 2, 1));
  domain::Principal enterprise;
  enterprise.username = "ent_b";
  enterprise.role = domain::Role::kEnterprise;
  enterprise.jurisdiction.enterprise_uscc = kEnterpriseB;
  EXPECT_THAT(Sequences(MustList(Scope::For(enterprise, "410800"))), ElementsAre(4));
}

TEST_F(AuditTest, ListFiltersAndPagesBySequence) {
  for (int i = 1; i <= 9; ++i) {
    Append(Entry(i % 3 == 0 ? "users/lisi" : absl::StrCat("cases/", i), "410802", "",
                 i % 2 == 0 ? "users/zhaolei" : "users/wangfang"));
  }
  AuditFilter lisi;
  lisi.resource = "users/lisi";
  EXPECT_THAT(Sequences(MustList(Scope::All(), lisi)), ElementsAre(9, 6, 3));
  AuditFilter zhaolei;
  zhaolei.actor = "users/zhaolei";
  EXPECT_THAT(Sequences(MustList(Scope::All(), zhaolei)), ElementsAre(8, 6, 4, 2));
  AuditFilter both = lisi;
  both.actor = "users/zhaolei";
  EXPECT_THAT(Sequences(MustList(Scope::All(), both)), ElementsAre(6));
  AuditFilter nobody;
  nobody.actor = "users/nobody";
  EXPECT_THAT(MustList(Scope::All(), nobody), IsEmpty());

  // Keyset pages of 4: each starts below the last sequence of the previous one.
  std::vector<int64_t> walked;
  std::optional<int64_t> before;
  int pages = 0;
  for (;;) {
    std::vector<AuditRecordRow> page = MustList(Scope::All(), {}, 4, before);
    ++pages;
    for (const AuditRecordRow& r : page) walked.push_back(r.sequence);
    if (page.size() < 4) break;
    before = page.back().sequence;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(walked, ElementsAre(9, 8, 7, 6, 5, 4, 3, 2, 1));
  EXPECT_THAT(Sequences(MustList(Scope::All(), zhaolei, 2, 6)), ElementsAre(4, 2));

  EXPECT_THAT(repository_->List(Scope::All(), {}, 0, std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(AuditTest, ConcurrentAppendsGetConsecutiveSequencesAndAnIntactChain) {
  constexpr int kThreads = 20;
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MutationKey key;
      key.principal = "users/wangfang";
      key.method = "ecocase.v1.Test/Append";
      AuditEntry entry = Entry(absl::StrCat("cases/", t), "410802");
      results[t] = runner_
                       ->Run(key,
                             [&](Tx&) -> absl::StatusOr<MutationResult> {
                               MutationResult result;
                               result.audit = entry;
                               return result;
                             })
                       .status();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_THAT(s, IsOk());

  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM audit_log"), kThreads);
  EXPECT_EQ(schema_->QueryInt("SELECT MIN(sequence) FROM audit_log"), 1);
  EXPECT_EQ(schema_->QueryInt("SELECT MAX(sequence) FROM audit_log"), kThreads);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(DISTINCT resource) FROM audit_log"), kThreads);
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.record_count, kThreads);
  EXPECT_EQ(report.last_sequence, kThreads);
}

TEST_F(AuditTest, VerifyWhileAppendingSeesOneConsistentMoment) {
  // Batches of 2 take many queries; appends committed between them must not make the
  // chain look longer than its head.
  AppendN(10);
  std::atomic<bool> done{false};
  std::thread appender([&] {
    for (int i = 0; i < 150; ++i) Append(Entry(absl::StrCat("cases/", i), "410802"));
    done = true;
  });
  MysqlAuditRepository small_batches(*pool_, 2);
  int verifications = 0;
  while (!done || verifications == 0) {
    auto report = small_batches.Verify(0, "");
    ASSERT_THAT(report, IsOk());
    EXPECT_TRUE(report->intact) << report->problem;
    EXPECT_EQ(report->record_count, report->last_sequence);
    ++verifications;
  }
  appender.join();
  EXPECT_GT(verifications, 1);
  EXPECT_EQ(MustVerify().record_count, 160);
}

TEST_F(AuditTest, RecordsHoldExactlyWhatTheCallerPassedAndNoPersonalData) {
  // The table has these columns and no others: nothing else can be written into it.
  EXPECT_EQ(schema_->QueryString(
                "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM "
                "information_schema.columns WHERE table_schema = DATABASE() AND "
                "table_name = 'audit_log'"),
            "sequence,record_time,actor,action,resource,request_id,change_digest,"
            "district_code,enterprise_uscc,previous_hash,hash");

  AuditEntry entry;
  entry.actor = "users/zhangwei";
  entry.action = "CreateComplaint";
  entry.resource = "complaints/2026-000123";
  entry.change_digest = security::Sha256Hex("the complaint as stored, encrypted");
  entry.district_code = "410811";
  entry.enterprise_uscc = kEnterpriseA;
  const absl::Time when = clock_.Now();
  Append(entry, "req-7f3a");
  Append(Entry("users/lisi"));  // Without district and enterprise.

  auto column = [&](const std::string& name) {
    return schema_->QueryString(
        absl::StrCat("SELECT ", name, " FROM audit_log WHERE sequence = 1"));
  };
  EXPECT_EQ(column("actor"), "users/zhangwei");
  EXPECT_EQ(column("action"), "CreateComplaint");
  EXPECT_EQ(column("resource"), "complaints/2026-000123");
  EXPECT_EQ(column("request_id"), "req-7f3a");
  EXPECT_EQ(column("change_digest"), entry.change_digest);
  EXPECT_EQ(column("district_code"), "410811");
  EXPECT_EQ(column("enterprise_uscc"), kEnterpriseA);
  EXPECT_EQ(column("previous_hash"), security::kGenesisHash);
  EXPECT_EQ(column("DATE_FORMAT(record_time, '%Y-%m-%d %H:%i:%s.%f')"),
            "2026-03-02 08:30:00.123456");
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM audit_log WHERE sequence = 2 AND "
                              "district_code IS NULL AND enterprise_uscc IS NULL AND "
                              "request_id = ''"),
            1);

  // The hash is over exactly those values.
  security::AuditFields fields;
  fields.sequence = 1;
  fields.record_time_micros = absl::ToUnixMicros(when);
  fields.actor = entry.actor;
  fields.action = entry.action;
  fields.resource = entry.resource;
  fields.request_id = "req-7f3a";
  fields.change_digest = entry.change_digest;
  fields.district_code = entry.district_code;
  fields.enterprise_uscc = entry.enterprise_uscc;
  fields.previous_hash = std::string(security::kGenesisHash);
  EXPECT_EQ(column("hash"), security::AuditRecordHash(fields));

  // And List returns the same values.
  std::vector<AuditRecordRow> rows = MustList(Scope::All());
  ASSERT_EQ(rows.size(), 2u);
  const AuditRecordRow& row = rows[1];
  EXPECT_EQ(row.sequence, 1);
  EXPECT_EQ(row.record_time, when);
  EXPECT_EQ(row.actor, entry.actor);
  EXPECT_EQ(row.action, entry.action);
  EXPECT_EQ(row.resource, entry.resource);
  EXPECT_EQ(row.request_id, "req-7f3a");
  EXPECT_EQ(row.change_digest, entry.change_digest);
  EXPECT_EQ(row.district_code, entry.district_code);
  EXPECT_EQ(row.enterprise_uscc, entry.enterprise_uscc);
  EXPECT_EQ(row.previous_hash, security::kGenesisHash);
  EXPECT_EQ(row.hash, security::AuditRecordHash(fields));
  EXPECT_EQ(rows[0].previous_hash, row.hash);
  EXPECT_EQ(rows[0].district_code, "");
  EXPECT_EQ(rows[0].enterprise_uscc, "");
}

TEST_F(AuditTest, ChineseTextRoundTripsAndVerifies) {
  Append(Entry("enterprises/焦作市某化工有限公司", "410802"));
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(MustList(Scope::All())[0].resource, "enterprises/焦作市某化工有限公司");
}

}  // namespace
}  // namespace ecocase::storage::mysql
