#include "common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/server_config.h"
#include "testing/status_matchers.h"

namespace ecocase::common {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::HasSubstr;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::vector<ConfigKey> kKeys = {
    {"listen", "127.0.0.1:50051", "address"},
    {"db_port", "3306", "port"},
    {"plaintext", "false", "no tls"},
    {"db_password", "", "secret", true},
};

TEST(ConfigTest, DefaultsApplyWhenNothingIsSet) {
  auto c = Config::Load(kKeys, {}, FakeEnv({}));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->Get("listen"), "127.0.0.1:50051");
  EXPECT_EQ(c->Origin("listen"), "default");
}

TEST(ConfigTest, FlagBeatsEnvironmentBeatsDefault) {
  auto c = Config::Load(kKeys, {"--db_port=4000"},
                        FakeEnv({{"ECOCASE_DB_PORT", "3900"}, {"ECOCASE_LISTEN", "0.0.0.0:1"}}));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->Get("db_port"), "4000");
  EXPECT_EQ(c->Origin("db_port"), "flag");
  EXPECT_EQ(c->Get("listen"), "0.0.0.0:1");
  EXPECT_EQ(c->Origin("listen"), "env");
}

TEST(ConfigTest, BareFlagMeansTrue) {
  auto c = Config::Load(kKeys, {"--plaintext"}, FakeEnv({}));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->GetBool("plaintext").value(), true);
}

TEST(ConfigTest, UnknownFlagIsRejected) {
  EXPECT_THAT(Config::Load(kKeys, {"--lsiten=x"}, FakeEnv({})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--lsiten")));
}

TEST(ConfigTest, SecretsComeOnlyFromTheEnvironment) {
  EXPECT_THAT(Config::Load(kKeys, {"--db_password=hunter2"}, FakeEnv({})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ECOCASE_DB_PASSWORD")));
  auto c = Config::Load(kKeys, {}, FakeEnv({{"ECOCASE_DB_PASSWORD", "s3cret"}}));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->Get("db_password"), "s3cret");
}

TEST(ConfigTest, FileParsingNamesTheLine) {
  auto parsed = Config::ParseFile("# comment\nlisten = \"0.0.0.0:9\"\n\ndb_port=1\n", "a.conf");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->at("listen"), "0.0.0.0:9");
  EXPECT_EQ(parsed->at("db_port"), "1");
  EXPECT_THAT(Config::ParseFile("listen 1\n", "a.conf"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.conf:1")));
  EXPECT_THAT(Config::ParseFile("a=1\na=2\n", "a.conf"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.conf:2")));
}

TEST(ConfigTest, TypedGettersNameTheSetting) {
  auto c = Config::Load(kKeys, {"--db_port=70000"}, FakeEnv({}));
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(c->GetInt("db_port", 1, 65535),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("db_port")));
}

TEST(ServerConfigTest, DefaultsParseAndEveryKeyHasHelp) {
  auto c = Config::Load(ServerConfigKeys(), {"--replica_id=r1"}, FakeEnv({}));
  ASSERT_THAT(c, IsOk());
  auto s = ParseServerConfig(*c);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->listen, "127.0.0.1:50051");
  EXPECT_FALSE(s->plaintext);
  EXPECT_EQ(s->replica_id, "r1");
  for (const auto& k : ServerConfigKeys()) EXPECT_FALSE(k.help.empty()) << k.name;
}

TEST(ServerConfigTest, FieldKeyFromEnvAndFileTogetherIsAnError) {
  auto c = Config::Load(ServerConfigKeys(), {"--field_key_file=/nonexistent"},
                        FakeEnv({{"ECOCASE_FIELD_KEY", std::string(64, 'a')}}));
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(ParseServerConfig(*c), StatusIs(absl::StatusCode::kInvalidArgument));
  auto defaults = Config::Load(ServerConfigKeys(), {}, FakeEnv({}));
  ASSERT_THAT(defaults, IsOk());
  auto s = ParseServerConfig(*defaults);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->complaint_duplicate_distance_m, 500);
  EXPECT_EQ(s->complaint_duplicate_window, absl::Hours(720));
  EXPECT_EQ(s->complaint_task_days, 15);
}

TEST(ServerConfigTest, PasswordFromEnvAndFileTogetherIsAnError) {
  auto c = Config::Load(ServerConfigKeys(), {"--db_password_file=/nonexistent"},
                        FakeEnv({{"ECOCASE_DB_PASSWORD", "x"}}));
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(ParseServerConfig(*c), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ecocase::common
