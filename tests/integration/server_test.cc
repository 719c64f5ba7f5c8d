// The gRPC server in process against the test database: health, reflection, server info,
// TLS, and health following a real database outage.
#include <grpcpp/create_channel.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/health_monitor.h"
#include "api/server.h"
#include "api/system_service.h"
#include "common/clock.h"
#include "common/config.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/system.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_system_repository.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase {
namespace {

using ::ecocase::testing::IsOk;
using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus CheckHealth(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckResponse out;
  grpc::Status s = stub->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &out);
  if (!s.ok()) return HealthCheckResponse::UNKNOWN;
  return out.status();
}

// Polls until the health status is `want` or `timeout` passes; returns the last status.
HealthCheckResponse::ServingStatus AwaitHealth(const std::shared_ptr<grpc::Channel>& channel,
                                               HealthCheckResponse::ServingStatus want,
                                               absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  HealthCheckResponse::ServingStatus last = CheckHealth(channel);
  while (last != want && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    last = CheckHealth(channel);
  }
  return last;
}

// The whole server stack of main.cc on a database of the test's choosing.
class ServerHarness {
 public:
  ServerHarness(const storage::DbOptions& db, api::ServerOptions server_options)
      : pool_(db),
        calendar_(*domain::DefaultWorkingCalendar()),
        repository_(pool_),
        system_service_(repository_, calendar_, common::SystemClock::Instance()) {
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    EXPECT_THAT(storage::mysql::ApplyMigrations(pool_, *migrations), IsOk());
    auto server = api::GrpcServer::Start(server_options, {&system_service_});
    EXPECT_THAT(server, IsOk());
    server_ = *std::move(server);
    health_ = std::make_unique<api::HealthMonitor>(
        server_->health(), [this] { return pool_.Probe(); }, absl::Milliseconds(100));
  }
  ~ServerHarness() {
    health_.reset();
    server_->Shutdown(absl::Seconds(1));
  }
  int port() const { return server_->port(); }

 private:
  storage::mysql::ConnectionPool pool_;
  domain::WorkingCalendar calendar_;
  storage::mysql::MysqlSystemRepository repository_;
  api::SystemServiceImpl system_service_;
  std::unique_ptr<api::GrpcServer> server_;
  std::unique_ptr<api::HealthMonitor> health_;
};

api::ServerOptions Plaintext() {
  api::ServerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.plaintext = true;
  return o;
}

std::shared_ptr<grpc::Channel> PlaintextChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

TEST(ServerTest, HealthIsServingAndServerInfoReportsSchemaAndCalendar) {
  auto schema = testing::TestSchema::Create("srv");
  ServerHarness harness(schema->options(), Plaintext());
  auto channel = PlaintextChannel(harness.port());
  EXPECT_EQ(AwaitHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(10)),
            HealthCheckResponse::SERVING);

  auto stub = v1::SystemService::NewStub(channel);
  grpc::ClientContext ctx;
  v1::ServerInfo info;
  ASSERT_TRUE(stub->GetServerInfo(&ctx, v1::GetServerInfoRequest(), &info).ok());
  EXPECT_GE(info.schema_version(), 1);
  EXPECT_THAT(info.calendar_years(), ::testing::IsSupersetOf({2025, 2026}));
  EXPECT_FALSE(info.calendar_sources().empty());
  EXPECT_GT(info.server_time().seconds(), 0);
  EXPECT_GE(info.regulatory_date().year(), 2025);
}

// Server reflection answers list_services. Debian ships no reflection .proto, so the
// request is encoded by hand: field 7 (list_services), an empty string.
TEST(ServerTest, ReflectionListsOurServices) {
  auto schema = testing::TestSchema::Create("refl");
  ServerHarness harness(schema->options(), Plaintext());
  grpc::GenericStub stub(PlaintextChannel(harness.port()));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  const char kListServices[] = {0x3a, 0x00};
  grpc::Slice slice(kListServices, sizeof(kListServices));
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_THAT(bytes, ::testing::HasSubstr("ecocase.v1.SystemService"));
  EXPECT_THAT(bytes, ::testing::HasSubstr("grpc.health.v1.Health"));
  ctx.TryCancel();
  grpc::Status finished;
  call->Finish(&finished, reinterpret_cast<void*>(4));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST(ServerTest, ListenerThatCannotBindIsAnError) {
  api::ServerOptions o = Plaintext();
  o.listen_address = "256.1.1.1:1";
  EXPECT_FALSE(api::GrpcServer::Start(o, {}).ok());
}

TEST(ServerTest, TlsWithoutCertificatesIsRefusedUnlessPlaintextIsExplicit) {
  api::ServerOptions o;
  o.listen_address = "127.0.0.1:0";
  auto server = api::GrpcServer::Start(o, {});
  EXPECT_THAT(server, testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                        ::testing::HasSubstr("--plaintext")));
}

TEST(ServerTest, TlsServerAnswersClientsThatTrustTheBureauCa) {
  std::string dir = absl::StrCat(std::filesystem::temp_directory_path().string(),
                                 "/ecocase-tls-", getpid());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(std::system(absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/tls/gen-certs.sh ", dir,
                                     " >/dev/null 2>&1")
                            .c_str()),
            0);
  auto schema = testing::TestSchema::Create("tls");
  api::ServerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.tls_cert_file = dir + "/server.pem";
  o.tls_key_file = dir + "/server.key";
  ServerHarness harness(schema->options(), o);

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *common::ReadFileToString(dir + "/ca.pem");
  grpc::ChannelArguments args;
  auto tls = grpc::CreateCustomChannel(absl::StrCat("localhost:", harness.port()),
                                       grpc::SslCredentials(ssl), args);
  EXPECT_EQ(AwaitHealth(tls, HealthCheckResponse::SERVING, absl::Seconds(10)),
            HealthCheckResponse::SERVING);
  // A client speaking plaintext to the TLS port gets nothing.
  EXPECT_EQ(CheckHealth(PlaintextChannel(harness.port())), HealthCheckResponse::UNKNOWN);
  std::filesystem::remove_all(dir);
}

// The database process is really stopped (its own instance, so other tests keep theirs):
// health must go NOT_SERVING and come back to SERVING by itself when it returns.
TEST(ServerTest, HealthFollowsARealDatabaseOutage) {
  auto db = testing::PrivateDatabase::Start("outage");
  auto schema = testing::TestSchema::Create(db->options(), "outage");
  storage::DbOptions options = schema->options();
  options.connect_timeout = absl::Seconds(1);
  options.io_timeout = absl::Seconds(2);
  ServerHarness harness(options, Plaintext());
  auto channel = PlaintextChannel(harness.port());
  ASSERT_EQ(AwaitHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(10)),
            HealthCheckResponse::SERVING);

  db->Stop();
  EXPECT_EQ(AwaitHealth(channel, HealthCheckResponse::NOT_SERVING, absl::Seconds(30)),
            HealthCheckResponse::NOT_SERVING);
  // RPCs that need the database say UNAVAILABLE meanwhile, never a crash.
  {
    auto stub = v1::SystemService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::ServerInfo info;
    EXPECT_EQ(stub->GetServerInfo(&ctx, v1::GetServerInfoRequest(), &info).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }

  db->Restart();
  EXPECT_EQ(AwaitHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(30)),
            HealthCheckResponse::SERVING);
  {
    // And the pool serves again: the dead connections were replaced.
    auto stub = v1::SystemService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::ServerInfo info;
    EXPECT_TRUE(stub->GetServerInfo(&ctx, v1::GetServerInfoRequest(), &info).ok());
  }
}

}  // namespace
}  // namespace ecocase
