// ecocase-server run as a real child process: startup, migrations, SIGTERM handling and
// its log lines.
#include <signal.h>

#include <grpcpp/create_channel.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ecocase/v1/test_hooks.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "testing/child_process.h"
#include "testing/test_database.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> ServerArgs(const storage::DbOptions& db,
                                    std::vector<std::string> extra) {
  std::vector<std::string> args = {
      // Free ports for both doors: tests run in parallel, and a quickstart may hold 9212.
      "--plaintext", "--listen=127.0.0.1:0", "--hj212_listen=127.0.0.1:0", "--test_hooks",
      absl::StrCat("--db_host=", db.host), absl::StrCat("--db_port=", db.port),
      absl::StrCat("--db_user=", db.user), absl::StrCat("--db_name=", db.schema),
      "--db_socket=", "--db_startup_timeout=20s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> ServerEnv(const storage::DbOptions& db) {
  return {absl::StrCat("ECOCASE_DB_PASSWORD=", db.password)};
}

grpc::Status Hold(int port, int duration_ms, int* held_ms) {
  auto stub = v1::TestHookService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::HoldRequest request;
  request.set_duration_ms(duration_ms);
  v1::HoldResponse response;
  grpc::Status s = stub->Hold(&ctx, request, &response);
  if (held_ms != nullptr) *held_ms = response.held_ms();
  return s;
}

TEST(ServerProcessTest, SigtermLetsTheInFlightRpcFinishThenExitsCleanly) {
  auto schema = testing::TestSchema::Create("sigterm");
  testing::ChildProcess server(ECOCASE_SERVER_BINARY, ServerArgs(schema->options(), {}),
                               ServerEnv(schema->options()));
  int port = testing::AwaitServerPort(server);
  ASSERT_NE(port, 0);

  grpc::Status in_flight;
  int held_ms = 0;
  std::thread client([&] { in_flight = Hold(port, 2000, &held_ms); });
  absl::SleepFor(absl::Milliseconds(500));  // Let the call reach the handler.
  server.Signal(SIGTERM);
  client.join();

  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  EXPECT_GE(held_ms, 2000);
  EXPECT_EQ(server.Wait(absl::Seconds(15)), 0) << server.Output();
  std::string log = server.Output();
  EXPECT_THAT(log, HasSubstr("\"event\":\"shutting_down\""));
  EXPECT_THAT(log, HasSubstr("\"event\":\"stopped\""));
  // One structured line for the RPC: method, status code, latency.
  EXPECT_THAT(log, HasSubstr("\"method\":\"/ecocase.v1.TestHookService/Hold\""));
  EXPECT_THAT(log, HasSubstr("\"code\":0"));
  // Never the database password.
  EXPECT_THAT(log, Not(HasSubstr(schema->options().password)));
}

TEST(ServerProcessTest, SigtermCancelsWhatOutlivesTheGracePeriod) {
  auto schema = testing::TestSchema::Create("sigterm");
  testing::ChildProcess server(ECOCASE_SERVER_BINARY,
                               ServerArgs(schema->options(), {"--shutdown_grace=1s"}),
                               ServerEnv(schema->options()));
  int port = testing::AwaitServerPort(server);
  ASSERT_NE(port, 0);

  grpc::Status in_flight;
  std::thread client([&] { in_flight = Hold(port, 20000, nullptr); });
  absl::SleepFor(absl::Milliseconds(500));
  absl::Time signalled = absl::Now();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(absl::Seconds(15)), 0) << server.Output();
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(5));  // Grace 1 s, not the 20 s hold.
  client.join();
  EXPECT_FALSE(in_flight.ok());
}

TEST(ServerProcessTest, ChangedAppliedMigrationStopsStartupWithAClearMessage) {
  auto schema = testing::TestSchema::Create("migstop");
  {
    testing::ChildProcess migrate(ECOCASE_SERVER_BINARY,
                                  ServerArgs(schema->options(), {"--migrate_only"}),
                                  ServerEnv(schema->options()));
    ASSERT_EQ(migrate.Wait(absl::Seconds(60)), 0) << migrate.Output();
  }
  schema->Execute("UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE version = 1");
  testing::ChildProcess server(ECOCASE_SERVER_BINARY, ServerArgs(schema->options(), {}),
                               ServerEnv(schema->options()));
  EXPECT_EQ(server.Wait(absl::Seconds(60)), 2);
  EXPECT_THAT(server.Output(), HasSubstr("V001__platform.sql was changed after it was applied"));
}

TEST(ServerProcessTest, UnknownSettingIsRefusedAtStartup) {
  testing::ChildProcess server(ECOCASE_SERVER_BINARY, {"--listne=1"});
  EXPECT_EQ(server.Wait(absl::Seconds(10)), 2);
  EXPECT_THAT(server.Output(), HasSubstr("unknown flag --listne"));
}

}  // namespace
}  // namespace ecocase
