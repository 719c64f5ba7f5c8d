// The storage half of ingestion against the real database: device lookup for the doors,
// idempotent multi-row inserts, the batching writer under concurrent submitters, and
// retention by monthly partitions.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/blocking_counter.h"
#include "ingest/reading_writer.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_reading_repository.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase {
namespace {

using domain::monitoring::Reading;
using domain::monitoring::ReadingKind;
using domain::monitoring::ReadingSource;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::TestSchema;
using storage::ReadingRow;
using ::testing::Contains;
using ::testing::ElementsAre;

absl::Time At(int y, int mo, int d, int h = 0, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone());
}

ReadingRow Row(const std::string& mn, const std::string& pollutant, absl::Time t, double v) {
  Reading r;
  r.mn = mn;
  r.pollutant = pollutant;
  r.kind = ReadingKind::kRealtime;
  r.data_time = t;
  r.value = v;
  return ReadingRow{r, 7, ReadingSource::kHj212, t + absl::Seconds(3)};
}

class ReadingPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("rdg");
    storage::DbOptions options = schema_->options();
    options.pool_size = 8;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(options);
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(*pool_, *migrations), IsOk());
    repo_ = std::make_unique<storage::mysql::MysqlReadingRepository>(*pool_);
  }

  int64_t Count(const std::string& where = "1=1") {
    return schema_->QueryInt(absl::StrCat("SELECT COUNT(*) FROM reading WHERE ", where));
  }

  // Inserts and returns how many rows were new, -1 on error.
  int64_t NewRows(const std::vector<ReadingRow>& rows) {
    absl::StatusOr<int64_t> inserted = repo_->Insert(rows);
    EXPECT_THAT(inserted, IsOk());
    return inserted.ok() ? *inserted : -1;
  }

  std::vector<std::string> Partitions() {
    std::vector<std::string> names;
    std::string all = schema_->QueryString(
        "SELECT GROUP_CONCAT(PARTITION_NAME ORDER BY PARTITION_ORDINAL_POSITION) "
        "FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = 'reading'");
    for (absl::string_view n : absl::StrSplit(all, ',')) names.emplace_back(n);
    return names;
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<storage::mysql::MysqlReadingRepository> repo_;
};

TEST_F(ReadingPipelineTest, FindsDevicesByExactMnWithTheirProfile) {
  schema_->Execute(
      "INSERT INTO device (mn, outlet_id, password_hash, protocol_version, strictness, "
      "crc_mode, encryption, sm4_keys, update_time) VALUES "
      "('MN2025ABC', NULL, 'h1', '2025', 'STRICT', 'HJ212', 'REQUIRED', "
      "'30303030303030303030303030303030,000102030405060708090a0b0c0d0e0f', NOW()), "
      "('MN2005', NULL, 'h2', '2005', 'LENIENT', 'HJ212_OR_MODBUS', 'NONE', '', NOW())");
  auto found = repo_->FindDevice("MN2025ABC");
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  const storage::DeviceRecord& d = **found;
  EXPECT_EQ(d.outlet_id, 0);
  EXPECT_EQ(d.password_hash, "h1");
  EXPECT_EQ(d.profile.version, domain::hj212::ProtocolVersion::k2025);
  EXPECT_EQ(d.profile.encryption, domain::hj212::CpEncryption::kRequired);
  ASSERT_EQ(d.profile.sm4_keys.size(), 2u);
  EXPECT_EQ(d.profile.sm4_keys[0][0], 0x30);
  EXPECT_EQ(d.profile.sm4_keys[1][15], 0x0f);
  EXPECT_THAT(domain::hj212::ValidateProfile(d.profile), IsOk());

  auto legacy = repo_->FindDevice("MN2005");
  ASSERT_THAT(legacy, IsOk());
  ASSERT_TRUE(legacy->has_value());
  EXPECT_TRUE((*legacy)->profile.lenient());
  EXPECT_EQ((*legacy)->profile.crc_mode, domain::hj212::CrcMode::kHj212OrModbus);

  // MNs are matched byte for byte although the column's collation ignores case.
  auto other_case = repo_->FindDevice("mn2025abc");
  ASSERT_THAT(other_case, IsOk());
  EXPECT_FALSE(other_case->has_value());
}

TEST_F(ReadingPipelineTest, InsertCountsNewRowsAndIgnoresStoredKeys) {
  absl::Time t = At(2026, 11, 29, 8, 0);
  std::vector<ReadingRow> rows = {Row("A1", "a21026", t, 1), Row("A1", "a21002", t, 2),
                                  Row("A1", "a21026", t + absl::Minutes(1), 3)};
  EXPECT_EQ(NewRows(rows), 3);
  rows[0].reading.value = 99;  // a resend with another value changes nothing
  rows.push_back(Row("A1", "a21026", t + absl::Minutes(2), 4));
  EXPECT_EQ(NewRows(rows), 1);
  EXPECT_EQ(Count(), 4);
  EXPECT_EQ(Count("pollutant = 'a21026' AND value = 1"), 1);

  // More rows than one statement holds, in one transaction.
  std::vector<ReadingRow> many;
  for (int i = 0; i < 1234; ++i) many.push_back(Row("B1", "a21026", t - absl::Seconds(i), i));
  EXPECT_EQ(NewRows(many), 1234);
  EXPECT_EQ(Count("mn = 'B1'"), 1234);
}

// Rows travel as SQL literals (sql_literal.h): every double must come back bit for bit, read
// here through the binary protocol, and absent values as NULL.
TEST_F(ReadingPipelineTest, StoredValuesReadBackExactlyAsSent) {
  const absl::Time t = At(2026, 11, 29, 9, 0);
  const std::vector<double> values = {0.1,
                                      1.0 / 3.0,
                                      -123456.789012345,
                                      1e-300,
                                      std::numeric_limits<double>::min(),
                                      std::numeric_limits<double>::max(),
                                      0.0};
  std::vector<ReadingRow> rows;
  for (size_t i = 0; i < values.size(); ++i) {
    rows.push_back(Row("C1", "a21026", t + absl::Seconds(static_cast<int>(i)), values[i]));
  }
  rows[0].reading.min_value = 2.5e-7;
  rows[0].reading.max_value = 9.87654321e12;
  rows[0].reading.cou = 12.25;
  rows[0].reading.zs_value = 7.0 / 11.0;
  rows[0].reading.flag = std::string(1, 'D');  // not = "D": GCC 12 warns -Wrestrict falsely
  rows[0].reading.backfilled = true;
  rows[0].receive_time = t + absl::Microseconds(1234567);
  ASSERT_EQ(NewRows(rows), static_cast<int64_t>(rows.size()));

  std::vector<double> stored;
  ASSERT_THAT(
      storage::mysql::RunWithConnection(
          *pool_, "read_back",
          [&](sql::Connection& conn) -> absl::Status {
            stored.clear();
            auto all = storage::mysql::Prepare(
                conn, "SELECT value FROM reading WHERE mn = ? ORDER BY data_time");
            all->setString(1, "C1");
            std::unique_ptr<sql::ResultSet> rs(all->executeQuery());
            while (rs->next()) stored.push_back(rs->getDouble(1));

            auto first = storage::mysql::Prepare(
                conn,
                "SELECT min_value, max_value, cou, zs_value, flag, backfilled, receive_time "
                "FROM reading WHERE mn = ? AND data_time = ?");
            first->setString(1, "C1");
            first->setString(2, "2026-11-29 09:00:00");
            std::unique_ptr<sql::ResultSet> one(first->executeQuery());
            EXPECT_TRUE(one->next());
            EXPECT_EQ(one->getDouble(1), 2.5e-7);
            EXPECT_EQ(one->getDouble(2), 9.87654321e12);
            EXPECT_EQ(one->getDouble(3), 12.25);
            EXPECT_EQ(one->getDouble(4), 7.0 / 11.0);
            EXPECT_EQ(one->getString(5), "D");
            EXPECT_TRUE(one->getBoolean(6));
            EXPECT_EQ(one->getString(7),
                      storage::mysql::FormatSqlTime(t + absl::Microseconds(1234567)));
            return absl::OkStatus();
          }),
      IsOk());
  EXPECT_EQ(stored, values);
  EXPECT_EQ(Count("mn = 'C1' AND min_value IS NULL AND cou IS NULL AND flag = 'N' "
                  "AND NOT backfilled"),
            static_cast<int64_t>(values.size()) - 1);

  // A statement whose rows have no min, max, cou, ZS, flag or back-fill leaves those columns
  // out: the defaults are stored.
  ASSERT_EQ(NewRows({Row("C2", "a21026", t, 4.75)}), 1);
  EXPECT_EQ(Count("mn = 'C2' AND value = 4.75 AND min_value IS NULL AND max_value IS NULL "
                  "AND cou IS NULL AND zs_value IS NULL AND flag = 'N' AND NOT backfilled "
                  "AND data_time = '2026-11-29 09:00:00' "
                  "AND receive_time = '2026-11-29 09:00:03.000000'"),
            1);
}

// device_activity.last_seen follows each device, rewritten at most every kLastSeenRefresh
// (a station sending many packets a second does not rewrite it with each).
TEST_F(ReadingPipelineTest, LastSeenFollowsEachDeviceWithinTheRefreshInterval) {
  const absl::Time t = At(2026, 11, 29, 10, 0);
  auto last_seen = [&](const std::string& mn) {
    return schema_->QueryString(
        absl::StrCat("SELECT last_seen FROM device_activity WHERE mn = '", mn, "'"));
  };
  auto at = [&](const std::string& mn, absl::Duration received) {
    ReadingRow row = Row(mn, "a21026", t, 1);
    row.reading.data_time = t + received - absl::Seconds(3);
    row.receive_time = t + received;
    return row;
  };
  ASSERT_EQ(NewRows({at("D1", absl::Seconds(0)), at("D2", absl::Seconds(0))}), 2);
  EXPECT_EQ(last_seen("D1"), "2026-11-29 10:00:00.000000");
  EXPECT_EQ(last_seen("D2"), "2026-11-29 10:00:00.000000");

  ASSERT_EQ(NewRows({at("D1", absl::Seconds(4)), at("D2", absl::Seconds(12))}), 2);
  EXPECT_EQ(last_seen("D1"), "2026-11-29 10:00:00.000000");  // 4 s is within the interval
  EXPECT_EQ(last_seen("D2"), "2026-11-29 10:00:12.000000");
  ASSERT_EQ(NewRows({at("D1", storage::mysql::MysqlReadingRepository::kLastSeenRefresh)}), 1);
  EXPECT_EQ(last_seen("D1"), "2026-11-29 10:00:10.000000");
}

TEST_F(ReadingPipelineTest, WriterAcknowledgesEverySubmissionOnceCommitted) {
  ingest::ReadingWriterOptions options;
  options.max_batch_rows = 300;
  options.max_delay = absl::Milliseconds(20);
  ingest::ReadingWriter writer(*repo_, options);
  constexpr int kThreads = 6;
  constexpr int kSubmissions = 40;
  constexpr int kRows = 15;
  absl::BlockingCounter done(kThreads * kSubmissions);
  std::atomic<int> failures{0};
  std::atomic<int> acked_rows{0};
  absl::Time t0 = At(2026, 11, 1);
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int s = 0; s < kSubmissions; ++s) {
        std::vector<ReadingRow> rows;
        // Threads 0 and 1 send the same readings: concurrent duplicates.
        int device = th == 1 ? 0 : th;
        for (int r = 0; r < kRows; ++r) {
          rows.push_back(
              Row(absl::StrCat("DEV", device), "a21026", t0 + absl::Seconds(s * kRows + r), r));
        }
        absl::Status queued = writer.Submit(std::move(rows), [&](absl::Status st) {
          if (st.ok()) {
            acked_rows += kRows;
          } else {
            ++failures;
          }
          done.DecrementCount();
        });
        if (!queued.ok()) {
          ++failures;
          done.DecrementCount();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  done.Wait();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(acked_rows.load(), kThreads * kSubmissions * kRows);
  const int64_t distinct = (kThreads - 1) * kSubmissions * kRows;
  EXPECT_EQ(Count(), distinct);
  ingest::ReadingWriterStats stats = writer.stats();
  EXPECT_EQ(stats.rows_new, distinct);
  EXPECT_EQ(stats.rows_written, kThreads * kSubmissions * kRows);
  EXPECT_LT(stats.batches, kThreads * kSubmissions);  // submissions shared transactions
  EXPECT_EQ(stats.queued_rows, 0);

  writer.Stop();
  EXPECT_EQ(writer.Submit({Row("X", "a21026", t0, 1)}, [](absl::Status) {}).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ReadingPipelineTest, RetentionDropsWholeExpiredMonthsAndAddsMonthsAhead) {
  ASSERT_THAT(
      repo_->Insert({Row("A", "a21026", At(2024, 12, 31, 23), 1),
                     Row("A", "a21026", At(2025, 3, 10), 2), Row("A", "a21026", At(2025, 7, 1), 3),
                     Row("A", "a21026", At(2029, 1, 5), 4)}),
      IsOk());
  // Five years after mid-June 2025: January to May 2025 are wholly expired.
  auto dropped = repo_->MaintainPartitions(At(2030, 6, 15), absl::Hours(24 * 365 * 5), 3);
  ASSERT_THAT(dropped, IsOk());
  EXPECT_THAT(*dropped, ElementsAre("p202501", "p202502", "p202503", "p202504", "p202505"));
  std::vector<std::string> names = Partitions();
  EXPECT_EQ(names.front(), "p_before");
  EXPECT_EQ(names[1], "p202506");
  EXPECT_THAT(names, Contains("p202809"));
  EXPECT_EQ(names[names.size() - 2], "p203009");
  EXPECT_EQ(names.back(), "p_future");
  EXPECT_EQ(Count("value IN (1, 2)"), 0);
  EXPECT_EQ(Count("value IN (3, 4)"), 2);  // the 2029 row moved out of p_future intact

  // Nothing left to do: the same call changes nothing.
  auto again = repo_->MaintainPartitions(At(2030, 6, 15), absl::Hours(24 * 365 * 5), 3);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(Partitions(), names);
  // Rows keep arriving in every kept month.
  EXPECT_THAT(repo_->Insert({Row("A", "a21026", At(2030, 9, 30, 23), 5)}), IsOk());
  EXPECT_EQ(Count("value = 5"), 1);
}

}  // namespace
}  // namespace ecocase
