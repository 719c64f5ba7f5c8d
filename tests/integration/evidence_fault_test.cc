// Evidence uploads against ecocase-server as a real child process: killed with SIGKILL in the
// middle of an upload it leaves no half item (the item is still UPLOADING, no blob exists)
// and the upload resumes after the restart into the right file; a 1 GiB upload keeps the
// server's memory flat (its peak resident size grows by a bounded amount, not by the file).
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/proto_convert.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "security/sha256.h"
#include "testing/child_process.h"
#include "testing/grpc_calls.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

constexpr char kAdminPassword[] = "evidence-fault-Admin-5k";
constexpr char kOfficerPassword[] = "officer-password-1";

class Server {
 public:
  Server(const storage::DbOptions& db, const std::string& evidence_dir) {
    process_ = std::make_unique<testing::ChildProcess>(
        ECOCASE_SERVER_BINARY,
        std::vector<std::string>{
            "--plaintext", "--listen=127.0.0.1:0",
            "--hj212_listen=", absl::StrCat("--db_host=", db.host),
            absl::StrCat("--db_port=", db.port), absl::StrCat("--db_user=", db.user),
            absl::StrCat("--db_name=", db.schema), "--db_socket=", "--db_startup_timeout=20s",
            "--password_hash_iterations=1000", absl::StrCat("--evidence_dir=", evidence_dir)},
        std::vector<std::string>{
            absl::StrCat("ECOCASE_DB_PASSWORD=", db.password),
            absl::StrCat("ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=", kAdminPassword)});
    port_ = testing::AwaitServerPort(*process_);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
  }
  int port() const { return port_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  testing::ChildProcess& process() { return *process_; }

  // VmHWM (peak resident set) of the server, in KiB.
  int64_t PeakRssKib() const {
    std::ifstream status(absl::StrCat("/proc/", process_->pid(), "/status"));
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmHWM:", 0) == 0) {
        int64_t kib = 0;
        std::string digits;
        for (char c : line) {
          if (c >= '0' && c <= '9') digits.push_back(c);
        }
        if (absl::SimpleAtoi(digits, &kib)) return kib;
      }
    }
    return -1;
  }

 private:
  std::unique_ptr<testing::ChildProcess> process_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

// An enterprise in 410802, an officer of the district and a task to attach evidence to;
// returns the task's name.
std::string Register(const std::shared_ptr<grpc::Channel>& channel) {
  const std::string admin = testing::Login(channel, "admin", kAdminPassword);
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
    auto ctx = testing::CallContext(admin);
    grpc::Status s =
        v1::EnterpriseService::NewStub(channel)->CreateEnterprise(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  {
    v1::CreateUserRequest request;
    v1::User* u = request.mutable_user();
    u->set_username("officer");
    u->set_display_name("执法人员");
    u->set_role(v1::ROLE_OFFICER);
    u->add_district_codes("410802");
    request.set_password(kOfficerPassword);
    v1::User out;
    auto ctx = testing::CallContext(admin);
    grpc::Status s = v1::AuthService::NewStub(channel)->CreateUser(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  v1::IssueTaskRequest issue;
  v1::Task* t = issue.mutable_task();
  t->set_enterprise(absl::StrCat("enterprises/", uscc));
  t->set_source_kind(v1::Task::INSPECTION);
  t->set_source("焦环检〔2026〕1号");
  t->set_title("雨水排口整改");
  t->set_legal_basis("《中华人民共和国水污染防治法》第八十三条");
  t->add_required_actions("封堵暗管");
  t->mutable_deadline()->set_days(10);
  v1::Task task;
  auto ctx = testing::CallContext(testing::Login(channel, "officer", kOfficerPassword));
  grpc::Status s = v1::TaskService::NewStub(channel)->IssueTask(ctx.get(), issue, &task);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return task.name();
}

// Deterministic content of any size, produced piece by piece (never whole in memory).
class Content {
 public:
  Content(int64_t size, uint64_t seed) : size_(size), seed_(seed) {}
  int64_t size() const { return size_; }
  // Bytes [offset, offset + length), clipped to the size.
  std::string Piece(int64_t offset, int64_t length) const {
    length = std::min(length, size_ - offset);
    std::string out(static_cast<size_t>(length), '\0');
    uint64_t word = Mix(static_cast<uint64_t>(offset / 8));
    for (int64_t i = 0; i < length; ++i) {
      const int64_t at = offset + i;
      if (at % 8 == 0) word = Mix(static_cast<uint64_t>(at / 8));
      out[static_cast<size_t>(i)] = static_cast<char>(word >> (8 * (at % 8)));
    }
    return out;
  }
  std::string Sha256() const {
    security::Sha256Stream hash;
    for (int64_t at = 0; at < size_; at += kPiece) hash.Update(Piece(at, kPiece));
    return hash.FinishHex();
  }

 private:
  static constexpr int64_t kPiece = 1 << 20;
  uint64_t Mix(uint64_t x) const {  // splitmix64
    x += seed_ + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  int64_t size_;
  uint64_t seed_;
};

v1::Evidence Declare(const std::string& parent, const Content& content, const std::string& hash) {
  v1::Evidence e;
  e.set_kind(v1::AUDIO_VISUAL);
  e.set_sha256(hash);
  e.set_size_bytes(content.size());
  e.set_media_type("video/mp4");
  e.set_file_name("暗管排放.mp4");
  *e.mutable_capture_time() = api::ToTimestamp(absl::Now() - absl::Hours(1));
  e.set_device_id("IMEI 860000000000002");
  e.add_capturing_officers("users/officer");
  e.set_parent(parent);
  return e;
}

v1::Evidence StartUpload(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const v1::Evidence& declared) {
  v1::StartEvidenceUploadRequest request;
  *request.mutable_evidence() = declared;
  v1::Evidence out;
  auto ctx = testing::CallContext(token);
  grpc::Status s =
      v1::EvidenceService::NewStub(channel)->StartEvidenceUpload(ctx.get(), request, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

// Streams content[from, to) in `chunk`-byte messages; `after_each` runs after every write.
grpc::Status Send(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                  const std::string& name, const Content& content, int64_t from, int64_t to,
                  int64_t chunk, v1::Evidence* out,
                  const std::function<void(int64_t sent)>& after_each = nullptr) {
  auto ctx = testing::CallContext(token, absl::Minutes(10));
  auto stub = v1::EvidenceService::NewStub(channel);
  auto writer = stub->UploadEvidence(ctx.get(), out);
  for (int64_t at = from; at < to; at += chunk) {
    v1::UploadEvidenceRequest message;
    message.set_name(name);
    message.set_offset(at);
    message.set_data(content.Piece(at, std::min(chunk, to - at)));
    message.set_sha256(security::Sha256Hex(message.data()));
    if (!writer->Write(message)) break;
    if (after_each) after_each(at + static_cast<int64_t>(message.data().size()));
  }
  writer->WritesDone();
  return writer->Finish();
}

int64_t ResumeOffset(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                     const std::string& name) {
  v1::GetEvidenceUploadRequest request;
  request.set_name(name);
  v1::EvidenceUpload out;
  auto ctx = testing::CallContext(token);
  grpc::Status s =
      v1::EvidenceService::NewStub(channel)->GetEvidenceUpload(ctx.get(), request, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out.offset();
}

std::filesystem::path BlobPath(const std::string& dir, const std::string& hash) {
  return std::filesystem::path(dir) / "blobs" / hash.substr(0, 2) / hash.substr(2, 2) / hash;
}

std::string FreshDir(const std::string& label) {
  const auto dir = std::filesystem::temp_directory_path() /
                   absl::StrCat("ecocase-evidence-", label, "-", getpid());
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(EvidenceFaultTest, KilledMidUploadLeavesNoHalfItemAndTheUploadResumes) {
  auto schema = testing::TestSchema::Create("evkill");
  const std::string dir = FreshDir("kill");
  const Content content(8 << 20, 1);
  const std::string hash = content.Sha256();
  constexpr int64_t kChunk = 256 << 10;
  std::string name;
  {
    Server server(schema->options(), dir);
    ASSERT_NE(server.port(), 0);
    const std::string parent = Register(server.channel());
    const std::string token = testing::Login(server.channel(), "officer", kOfficerPassword);
    name = StartUpload(server.channel(), token, Declare(parent, content, hash)).name();
    ASSERT_FALSE(name.empty());
    v1::Evidence out;
    // Killed with 3 MiB sent: the stream breaks, nothing is acknowledged.
    grpc::Status s = Send(server.channel(), token, name, content, 0, content.size(), kChunk, &out,
                          [&](int64_t sent) {
                            if (sent == 3 * (1 << 20)) {
                              absl::SleepFor(absl::Milliseconds(300));
                              server.process().Signal(SIGKILL);
                              server.process().Wait(absl::Seconds(10));
                            }
                          });
    EXPECT_FALSE(s.ok());
  }
  // No half item: still UPLOADING, no blob under the hash.
  const std::string id = name.substr(name.find('/') + 1);
  EXPECT_EQ(schema->QueryString(absl::StrCat("SELECT state FROM evidence_item WHERE id = ", id)),
            "UPLOADING");
  EXPECT_FALSE(std::filesystem::exists(BlobPath(dir, hash)));

  Server again(schema->options(), dir);
  ASSERT_NE(again.port(), 0);
  const std::string token = testing::Login(again.channel(), "officer", kOfficerPassword);
  const int64_t offset = ResumeOffset(again.channel(), token, name);
  EXPECT_GT(offset, 0);
  EXPECT_LE(offset, 3 << 20);
  v1::Evidence done;
  grpc::Status s =
      Send(again.channel(), token, name, content, offset, content.size(), kChunk, &done);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(done.state(), v1::Evidence::STORED);
  EXPECT_EQ(done.sha256(), hash);
  ASSERT_TRUE(std::filesystem::exists(BlobPath(dir, hash)));
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(BlobPath(dir, hash))), content.size());
  EXPECT_EQ(security::Sha256Hex([&] {
              std::ifstream in(BlobPath(dir, hash), std::ios::binary);
              return std::string(std::istreambuf_iterator<char>(in), {});
            }()),
            hash);
  EXPECT_EQ(schema->QueryInt(absl::StrCat("SELECT COUNT(*) FROM evidence_item")), 1);
  std::filesystem::remove_all(dir);
}

TEST(EvidenceFaultTest, AGibibyteUploadKeepsServerMemoryFlat) {
  auto schema = testing::TestSchema::Create("evgib");
  const std::string dir = FreshDir("gib");
  const Content content(int64_t{1} << 30, 2);
  const std::string hash = content.Sha256();
  Server server(schema->options(), dir);
  ASSERT_NE(server.port(), 0);
  const std::string parent = Register(server.channel());
  const std::string token = testing::Login(server.channel(), "officer", kOfficerPassword);
  const std::string name =
      StartUpload(server.channel(), token, Declare(parent, content, hash)).name();
  // Warm up with the first 16 MiB (allocators, gRPC buffers), then measure the rest.
  v1::Evidence out;
  ASSERT_TRUE(Send(server.channel(), token, name, content, 0, 16 << 20, 1 << 20, &out).ok());
  const int64_t before_kib = server.PeakRssKib();
  const absl::Time started = absl::Now();
  grpc::Status s =
      Send(server.channel(), token, name, content, 16 << 20, content.size(), 1 << 20, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const absl::Duration took = absl::Now() - started;
  const int64_t after_kib = server.PeakRssKib();
  EXPECT_EQ(out.state(), v1::Evidence::STORED);
  EXPECT_EQ(out.sha256(), hash);
  std::printf("1 GiB upload: peak RSS %lld KiB before, %lld KiB after (+%lld KiB), %.1f s\n",
              static_cast<long long>(before_kib), static_cast<long long>(after_kib),
              static_cast<long long>(after_kib - before_kib), absl::ToDoubleSeconds(took));
  ASSERT_GT(before_kib, 0);
  // Flat: the growth is bounded by buffers, a small fraction of the 1 GiB that passed.
  EXPECT_LT(after_kib - before_kib, 64 * 1024);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecocase
