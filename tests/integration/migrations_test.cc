#include "storage/mysql/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::storage::mysql {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const common::EmbeddedFile kV1 = {"V001__create_a.sql",
                                  "CREATE TABLE a (id INT PRIMARY KEY);\n"
                                  "INSERT INTO a VALUES (1);"};
const common::EmbeddedFile kV2 = {"V002__create_b.sql",
                                  "-- comment; with semicolon\n"
                                  "CREATE TABLE b (name VARCHAR(20) COMMENT '名称;');"};

TEST(MigrationsTest, AppliesInOrderOnceAndRecordsChecksums) {
  auto schema = ecocase::testing::TestSchema::Create("mig");
  ConnectionPool pool(schema->options());
  const common::EmbeddedFile files[] = {kV2, kV1};  // Out of order on purpose.
  auto migrations = LoadMigrations(files);
  ASSERT_THAT(migrations, IsOk());

  auto first = ApplyMigrations(pool, *migrations);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->applied_now, ElementsAre("V001__create_a.sql", "V002__create_b.sql"));
  EXPECT_EQ(first->schema_version, 2);

  auto second = ApplyMigrations(pool, *migrations);
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(second->applied_now.empty());
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(*) FROM a"), 1);  // INSERT ran once.
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(*) FROM schema_migrations"), 2);
  EXPECT_EQ(schema->QueryString("SELECT checksum FROM schema_migrations WHERE version = 1"),
            (*migrations)[0].checksum);
}

TEST(MigrationsTest, ChangedAppliedFileStopsWithAClearMessage) {
  auto schema = ecocase::testing::TestSchema::Create("mig");
  ConnectionPool pool(schema->options());
  const common::EmbeddedFile original[] = {kV1};
  ASSERT_THAT(ApplyMigrations(pool, *LoadMigrations(original)), IsOk());

  const common::EmbeddedFile edited[] = {
      {"V001__create_a.sql", "CREATE TABLE a (id BIGINT PRIMARY KEY);"}, kV2};
  EXPECT_THAT(ApplyMigrations(pool, *LoadMigrations(edited)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("V001__create_a.sql was changed after it was applied")));
  // Nothing of the later migration ran.
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(*) FROM information_schema.tables WHERE "
                             "table_schema = DATABASE() AND table_name = 'b'"),
            0);
}

TEST(MigrationsTest, DatabaseNewerThanTheBinaryIsRefused) {
  auto schema = ecocase::testing::TestSchema::Create("mig");
  ConnectionPool pool(schema->options());
  const common::EmbeddedFile both[] = {kV1, kV2};
  ASSERT_THAT(ApplyMigrations(pool, *LoadMigrations(both)), IsOk());
  const common::EmbeddedFile older[] = {kV1};
  EXPECT_THAT(ApplyMigrations(pool, *LoadMigrations(older)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("V002")));
}

TEST(MigrationsTest, BadFileNamesAndDuplicateVersionsAreRejected) {
  const common::EmbeddedFile bad_name[] = {{"create.sql", "SELECT 1"}};
  EXPECT_THAT(LoadMigrations(bad_name), StatusIs(absl::StatusCode::kInvalidArgument));
  const common::EmbeddedFile twice[] = {kV1, {"V1__again.sql", "SELECT 1"}};
  EXPECT_THAT(LoadMigrations(twice), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(MigrationsTest, ProjectMigrationsApplyToAnEmptySchema) {
  auto schema = ecocase::testing::TestSchema::Create("mig");
  ConnectionPool pool(schema->options());
  auto migrations = LoadMigrations(ecocase::embedded::EmbeddedMigrations());
  ASSERT_THAT(migrations, IsOk());
  ASSERT_FALSE(migrations->empty());
  auto report = ApplyMigrations(pool, *migrations);
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->schema_version, migrations->back().version);
  EXPECT_THAT(CurrentSchemaVersion(pool), IsOk());
}

}  // namespace
}  // namespace ecocase::storage::mysql
