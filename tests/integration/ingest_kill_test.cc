// F1 of perf-reliability.md: ecocase-server killed with SIGKILL in the middle of ingestion
// (a real child process) loses no reading it acknowledged, and the client's retries after
// the restart store every other reading exactly once.
#include <signal.h>

#include <grpcpp/create_channel.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "api/proto_convert.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/monitoring.grpc.pb.h"
#include "testing/child_process.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

constexpr char kAdminPassword[] = "kill-test-Admin-7q2w";
constexpr char kMn[] = "41080200000001KILL01";
constexpr int kReadingsPerBatch = 100;
constexpr int kClients = 4;

std::vector<std::string> ServerArgs(const storage::DbOptions& db) {
  return {"--plaintext", "--listen=127.0.0.1:0", absl::StrCat("--db_host=", db.host),
          absl::StrCat("--db_port=", db.port), absl::StrCat("--db_user=", db.user),
          absl::StrCat("--db_name=", db.schema), "--db_socket=", "--db_startup_timeout=20s",
          "--password_hash_iterations=1000", "--ingest_max_delay=50ms",
          "--hj212_listen=127.0.0.1:0"};
}

std::vector<std::string> ServerEnv(const storage::DbOptions& db) {
  return {absl::StrCat("ECOCASE_DB_PASSWORD=", db.password),
          absl::StrCat("ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=", kAdminPassword)};
}

int AwaitListening(testing::ChildProcess& server) {
  std::string line = server.WaitForOutput("ecocase-server listening on", absl::Seconds(60));
  size_t colon = line.rfind(':');
  size_t space = line.find(' ', colon);
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(line.substr(colon + 1, space - colon - 1), &port)) {
    ADD_FAILURE() << "server did not start:\n" << server.Output();
  }
  return port;
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token, absl::Duration deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return ctx;
}

std::string Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& user,
                  const std::string& password) {
  auto stub = v1::AuthService::NewStub(channel);
  v1::LoginRequest request;
  request.set_username(user);
  request.set_password(password);
  v1::LoginResponse response;
  auto ctx = Context("", absl::Seconds(30));
  grpc::Status s = stub->Login(ctx.get(), request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return response.access_token();
}

// An enterprise, an outlet with the device bound, and a STATION account for it; returns
// the station's token.
std::string Register(const std::shared_ptr<grpc::Channel>& channel) {
  std::string admin = Login(channel, "admin", kAdminPassword);
  auto registry = v1::EnterpriseService::NewStub(channel);
  const std::string uscc = testing::ValidUscc("91410802MA3K00001");
  {
    v1::CreateEnterpriseRequest request;
    v1::Enterprise* e = request.mutable_enterprise();
    e->set_uscc(uscc);
    e->set_display_name("焦作市某某热电有限公司");
    e->set_address("焦作市某某路 1 号");
    e->set_district_code("410802");
    e->set_industry_code("D4411");
    e->set_management_class(v1::MANAGEMENT_CLASS_KEY);
    v1::Enterprise out;
    auto ctx = Context(admin, absl::Seconds(30));
    grpc::Status s = registry->CreateEnterprise(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  {
    v1::CreateOutletRequest request;
    request.set_parent("enterprises/" + uscc);
    request.mutable_outlet()->set_code("DA001");
    request.mutable_outlet()->set_display_name("1 号锅炉烟囱");
    request.mutable_outlet()->add_pollutant_codes("a21026");
    v1::Outlet out;
    auto ctx = Context(admin, absl::Seconds(30));
    grpc::Status s = registry->CreateOutlet(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  {
    v1::BindDeviceRequest request;
    request.set_outlet(absl::StrCat("enterprises/", uscc, "/outlets/DA001"));
    request.set_mn(kMn);
    request.set_device_password("123456");
    v1::Device out;
    auto ctx = Context(admin, absl::Seconds(30));
    grpc::Status s = registry->BindDevice(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  {
    auto auth = v1::AuthService::NewStub(channel);
    v1::CreateUserRequest request;
    v1::User* u = request.mutable_user();
    u->set_username("collector");
    u->set_display_name("数据采集");
    u->set_role(v1::ROLE_STATION);
    u->add_district_codes("410800");
    u->add_device_mns(kMn);
    request.set_password("collector-password-1");
    v1::User out;
    auto ctx = Context(admin, absl::Seconds(30));
    grpc::Status s = auth->CreateUser(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  return Login(channel, "collector", "collector-password-1");
}

// Batch `b` holds readings whose data times are seconds b*100 .. b*100+99 after `base`.
v1::IngestReadingsRequest Batch(int b, absl::Time base) {
  v1::IngestReadingsRequest request;
  for (int i = 0; i < kReadingsPerBatch; ++i) {
    v1::Reading* r = request.add_readings();
    r->set_mn(kMn);
    r->set_pollutant("a21026");
    r->set_kind(v1::READING_KIND_REALTIME);
    *r->mutable_data_time() = api::ToTimestamp(base + absl::Seconds(b * kReadingsPerBatch + i));
    r->set_value(b + i / 100.0);
  }
  return request;
}

TEST(IngestKillTest, SigkillMidIngestLosesNoAcknowledgedReading) {
  auto schema = testing::TestSchema::Create("kill");
  const storage::DbOptions& db = schema->options();
  auto first = std::make_unique<testing::ChildProcess>(ECOCASE_SERVER_BINARY, ServerArgs(db),
                                                       ServerEnv(db));
  int port = AwaitListening(*first);
  ASSERT_NE(port, 0);
  std::string token = Register(Channel(port));
  ASSERT_FALSE(token.empty());

  // Whole seconds a day ago: inside the back-fill window, never in the future.
  const absl::Time base = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) - 86400);
  absl::Mutex mu;
  std::set<int> acked;
  std::set<int> unacked;
  std::atomic<int> next_batch{0};
  std::atomic<bool> stop{false};
  auto stub = v1::MonitoringService::NewStub(Channel(port));
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        int b = next_batch++;
        v1::IngestReadingsResponse response;
        auto ctx = Context(token, absl::Seconds(10));
        grpc::Status s = stub->IngestReadings(ctx.get(), Batch(b, base), &response);
        absl::MutexLock lock(&mu);
        if (s.ok() && response.accepted_count() == kReadingsPerBatch) {
          acked.insert(b);
        } else {
          unacked.insert(b);
          return;  // the server is gone: this client stops until the restart
        }
      }
    });
  }
  // Let ingestion run, then kill the server while batches are in flight.
  for (int i = 0; i < 200; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    absl::MutexLock lock(&mu);
    if (acked.size() >= 20) break;
  }
  first->Signal(SIGKILL);
  EXPECT_EQ(first->Wait(absl::Seconds(10)), 128 + SIGKILL);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GE(acked.size(), 5u) << first->Output();
  ASSERT_FALSE(unacked.empty());

  // Restart on the same database: every acknowledged reading is there, exactly once.
  testing::ChildProcess second(ECOCASE_SERVER_BINARY, ServerArgs(db), ServerEnv(db));
  port = AwaitListening(second);
  ASSERT_NE(port, 0);
  for (int b : acked) {
    SCOPED_TRACE(b);
    EXPECT_EQ(schema->QueryInt(absl::StrCat(
                  "SELECT COUNT(*) FROM reading WHERE mn = '", kMn, "' AND value >= ", b,
                  " AND value < ", b + 1)),
              kReadingsPerBatch);
  }

  // The client retries what it was not told was stored; the session survived the restart.
  auto again = v1::MonitoringService::NewStub(Channel(port));
  for (int b : unacked) {
    v1::IngestReadingsResponse response;
    auto ctx = Context(token, absl::Seconds(30));
    grpc::Status s = again->IngestReadings(ctx.get(), Batch(b, base), &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.accepted_count(), kReadingsPerBatch);
  }
  const int64_t batches = static_cast<int64_t>(acked.size() + unacked.size());
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(*) FROM reading"), batches * kReadingsPerBatch);
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(DISTINCT mn, pollutant, kind, data_time) FROM reading"),
            batches * kReadingsPerBatch);
  second.Signal(SIGTERM);
  EXPECT_EQ(second.Wait(absl::Seconds(15)), 0) << second.Output();
}

}  // namespace
}  // namespace ecocase
