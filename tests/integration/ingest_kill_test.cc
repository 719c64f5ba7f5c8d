// F1 of perf-reliability.md: ecocase-server killed with SIGKILL in the middle of ingestion
// (a real child process) loses no reading it acknowledged, and the client's retries after
// the restart store every other reading exactly once: through the gRPC door with a client
// of our own, and through the HJ 212 gateway with the station simulator.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <grpcpp/create_channel.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
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
#include "storage/mysql/connection_pool.h"
#include "testing/child_process.h"
#include "testing/grpc_calls.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

constexpr char kAdminPassword[] = "kill-test-Admin-7q2w";
constexpr char kMn[] = "41080200000001KILL01";
constexpr int kReadingsPerBatch = 100;
constexpr int kClients = 4;

std::vector<std::string> ServerArgs(const storage::DbOptions& db, int hj212_port = 0) {
  return {"--plaintext", "--listen=127.0.0.1:0", absl::StrCat("--db_host=", db.host),
          absl::StrCat("--db_port=", db.port), absl::StrCat("--db_user=", db.user),
          absl::StrCat("--db_name=", db.schema), "--db_socket=", "--db_startup_timeout=20s",
          "--password_hash_iterations=1000", "--ingest_max_delay=50ms",
          absl::StrCat("--hj212_listen=127.0.0.1:", hj212_port)};
}

std::vector<std::string> ServerEnv(const storage::DbOptions& db) {
  return {absl::StrCat("ECOCASE_DB_PASSWORD=", db.password),
          absl::StrCat("ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=", kAdminPassword)};
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

struct DeviceSpec {
  std::string mn;
  v1::DeviceProtocol protocol;  // default: HJ 212-2017, strict, plain text
};

// An enterprise, an outlet with the devices bound (PW "123456"), and a STATION account for
// them; returns the station's token.
std::string Register(const std::shared_ptr<grpc::Channel>& channel,
                     const std::vector<DeviceSpec>& devices = {{kMn, {}}}) {
  std::string admin = testing::Login(channel, "admin", kAdminPassword);
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
    auto ctx = testing::CallContext(admin, absl::Seconds(30));
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
    auto ctx = testing::CallContext(admin, absl::Seconds(30));
    grpc::Status s = registry->CreateOutlet(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  for (const DeviceSpec& device : devices) {
    v1::BindDeviceRequest request;
    request.set_outlet(absl::StrCat("enterprises/", uscc, "/outlets/DA001"));
    request.set_mn(device.mn);
    request.set_device_password("123456");
    *request.mutable_protocol() = device.protocol;
    v1::Device out;
    auto ctx = testing::CallContext(admin, absl::Seconds(30));
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
    for (const DeviceSpec& device : devices) u->add_device_mns(device.mn);
    request.set_password("collector-password-1");
    v1::User out;
    auto ctx = testing::CallContext(admin, absl::Seconds(30));
    grpc::Status s = auth->CreateUser(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  return testing::Login(channel, "collector", "collector-password-1");
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
  int port = testing::AwaitServerPort(*first);
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
        auto ctx = testing::CallContext(token, absl::Seconds(10));
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
  port = testing::AwaitServerPort(second);
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
    auto ctx = testing::CallContext(token, absl::Seconds(30));
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

// A TCP port free right now, for a server that must come back on the same one.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Every stored reading as the simulator's ack log writes it: "MN CN DATATIME POLLUTANT"
// with DATATIME in Beijing time.
std::multiset<std::string> StoredAsAckLines(const storage::DbOptions& db) {
  std::multiset<std::string> stored;
  storage::mysql::ConnectionPool pool(db);
  auto conn = pool.Acquire();
  EXPECT_TRUE(conn.ok());
  if (!conn.ok()) return stored;
  auto stmt = storage::mysql::Prepare(
      conn->get(),
      "SELECT CONCAT_WS(' ', mn, ELT(kind, '2011', '2051', '2061', '2031'), "
      "DATE_FORMAT(data_time + INTERVAL 8 HOUR, '%Y%m%d%H%i%s'), pollutant) FROM reading");
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  while (rs->next()) stored.insert(rs->getString(1));
  return stored;
}

TEST(IngestKillTest, SimulatedStationsLoseNothingAcknowledgedWhenTheGatewayIsKilled) {
  auto schema = testing::TestSchema::Create("gwkill");
  const storage::DbOptions& db = schema->options();
  const int hj212_port = FreePort();
  ASSERT_NE(hj212_port, 0);
  auto first = std::make_unique<testing::ChildProcess>(
      ECOCASE_SERVER_BINARY, ServerArgs(db, hj212_port), ServerEnv(db));
  int port = testing::AwaitServerPort(*first);
  ASSERT_NE(port, 0);
  const std::string sm4_hex = "30313233343536373839616263646566";
  v1::DeviceProtocol encrypted;
  encrypted.set_version(v1::DeviceProtocol::VERSION_2025);
  encrypted.set_encryption(v1::DeviceProtocol::ENCRYPTION_REQUIRED);
  encrypted.set_sm4_key(sm4_hex);
  const std::string mn2017 = "010000A8900016F0001690A7";
  const std::string mn2025 = "010000A8900016F0001690B5";
  Register(Channel(port), {{mn2017, {}}, {mn2025, encrypted}});

  // Two stations in closed loop: each packet goes out as soon as the previous one is
  // answered, so many are in flight around the kill.
  const std::string ack_log = absl::StrCat(::testing::TempDir(), "/gwkill-acks-", ::getpid());
  std::remove(ack_log.c_str());
  testing::ChildProcess sim(
      ECOCASE_HJ212SIM_BINARY,
      {absl::StrCat("--server=127.0.0.1:", hj212_port), absl::StrCat("--station=", mn2017, ",123456,2017"),
       absl::StrCat("--station=", mn2025, ",123456,2025,sm4=", sm4_hex), "--closed-loop",
       "--packets=400", "--ack-timeout=2", "--reconnect-max=1", "--drain-timeout=60",
       absl::StrCat("--ack-log=", ack_log)});
  for (int i = 0; i < 300 && Lines(ack_log).size() < 200; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(Lines(ack_log).size(), 200u) << sim.Output() << first->Output();
  first->Signal(SIGKILL);
  EXPECT_EQ(first->Wait(absl::Seconds(10)), 128 + SIGKILL);
  const std::vector<std::string> acked_before = Lines(ack_log);

  // What was acknowledged before the kill is stored, whatever the restart does.
  std::multiset<std::string> stored = StoredAsAckLines(db);
  for (const std::string& line : acked_before) {
    EXPECT_TRUE(stored.contains(line)) << "acknowledged, not stored: " << line;
  }

  testing::ChildProcess second(ECOCASE_SERVER_BINARY, ServerArgs(db, hj212_port),
                               ServerEnv(db));
  ASSERT_NE(testing::AwaitServerPort(second), 0);
  // The simulator reconnects, re-sends what was not answered and finishes its packets.
  EXPECT_EQ(sim.Wait(absl::Seconds(120)), 0) << sim.Output();

  const std::vector<std::string> acked = Lines(ack_log);
  std::multiset<std::string> acked_set(acked.begin(), acked.end());
  // The kill fell in the middle: more was acknowledged after the restart, and in the end
  // every reading of the 2 x 400 packets (8 readings each in closed loop).
  EXPECT_LT(acked_before.size(), acked.size());
  EXPECT_EQ(std::set<std::string>(acked.begin(), acked.end()).size(), 2u * 400 * 8);
  stored = StoredAsAckLines(db);
  // Exactly once: every acknowledged reading is stored, nothing twice, nothing else.
  EXPECT_EQ(std::set<std::string>(acked.begin(), acked.end()).size(), stored.size());
  for (const std::string& line : stored) {
    EXPECT_EQ(stored.count(line), 1u) << line;
    EXPECT_TRUE(acked_set.contains(line)) << "stored, never acknowledged: " << line;
  }
  EXPECT_EQ(schema->QueryInt("SELECT COUNT(DISTINCT mn) FROM reading"), 2);
  second.Signal(SIGTERM);
  EXPECT_EQ(second.Wait(absl::Seconds(15)), 0) << second.Output();
}

}  // namespace
}  // namespace ecocase
