// EvidenceService against the real database and a real blob store directory through the real
// Application: an upload interrupted at random points and resumed yields one item with the
// right hash; a tampered chunk and a wrong whole-file hash are refused; a retried start
// returns the same item; the download streams the same bytes; every read is audited; the
// quota; scope (an enterprise sees its own uploads and its own cases' evidence once
// notified, nothing of other parties; officers of another district see nothing).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/evidence_upload_sweep.h"
#include "api/proto_convert.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/case.grpc.pb.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "security/sha256.h"
#include "storage/blob/file_blob_store.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/mysql_evidence_repository.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "testing/error_reason.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::HasSubstr;

const std::string kPlant = ValidUscc("91410802MA3T00001");  // 解放区 410802
const std::string kOther = ValidUscc("91410802MA3T00002");
constexpr int64_t kChunk = 256 << 10;

std::string Password(const std::string& username) { return absl::StrCat("password-", username); }

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

using ::ecocase::testing::ErrorReason;

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start(int64_t quota_bytes = int64_t{1} << 30) {
    app_ = TestApp::Start("evidence", [quota_bytes](app::ApplicationOptions& o) {
      o.sweep_tick = absl::Minutes(9);
      o.evidence.daily_quota_bytes = quota_bytes;
    });
    ASSERT_NE(app_, nullptr);
    app_->clock().Set(
        absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
    evidence_ = v1::EvidenceService::NewStub(app_->channel());
    cases_ = v1::CaseService::NewStub(app_->channel());
    tasks_ = v1::TaskService::NewStub(app_->channel());
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410802", "焦作市另一家化工有限公司");
    CreateEnforcer("off.a", v1::ROLE_OFFICER, {"410802"}, "豫环执0001");
    CreateEnforcer("off.b", v1::ROLE_OFFICER, {"410802"}, "豫环执0002");
    CreateEnforcer("off.far", v1::ROLE_OFFICER, {"410811"}, "豫环执0003");
    CreateEnforcer("sup", v1::ROLE_SUPERVISOR, {"410800"}, "豫环执0100");
    app_->CreateUserAndLogin("ent.plant", v1::ROLE_ENTERPRISE, {}, kPlant);
    app_->CreateUserAndLogin("ent.other", v1::ROLE_ENTERPRISE, {}, kOther);
    officer_ = app_->Login("off.a", Password("off.a"));
    far_officer_ = app_->Login("off.far", Password("off.far"));
    supervisor_ = app_->Login("sup", Password("sup"));
    plant_ = app_->Login("ent.plant", Password("ent.plant"));
    other_ = app_->Login("ent.other", Password("ent.other"));
  }

  void CreateEnforcer(const std::string& username, v1::Role role,
                      const std::vector<std::string>& districts, const std::string& certificate) {
    v1::CreateUserRequest request;
    v1::User* user = request.mutable_user();
    user->set_username(username);
    user->set_display_name(absl::StrCat("执法人员 ", username));
    user->set_role(role);
    for (const std::string& d : districts) user->add_district_codes(d);
    user->mutable_certificate()->set_number(certificate);
    *user->mutable_certificate()->mutable_valid_from() = api::ToDate(absl::CivilDay(2025, 1, 1));
    *user->mutable_certificate()->mutable_valid_until() = api::ToDate(absl::CivilDay(2029, 12, 31));
    request.set_password(Password(username));
    v1::User created;
    auto ctx = TestApp::Context(app_->AdminToken());
    grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &created);
    ASSERT_TRUE(s.ok()) << username << ": " << s.error_message();
  }

  std::string OpenCase(const std::string& link) {
    v1::OpenCaseRequest r;
    v1::Case* c = r.mutable_case_();
    c->mutable_source()->set_kind(v1::CaseSource::REFERRAL);
    c->mutable_source()->set_link(link);
    c->set_party_kind(v1::ORGANISATION);
    c->set_party_name("焦作市某某热电有限公司");
    c->set_enterprise(absl::StrCat("enterprises/", kPlant));
    c->set_district_code("410802");
    c->set_summary("1号锅炉烟气二氧化硫超标排放");
    v1::Case out;
    auto ctx = TestApp::Context(officer_);
    grpc::Status s = cases_->OpenCase(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  v1::Evidence Declare(const std::string& parent, const std::string& content,
                       const std::string& officer = "users/off.a") {
    v1::Evidence e;
    e.set_kind(v1::AUDIO_VISUAL);
    e.set_sha256(security::Sha256Hex(content));
    e.set_size_bytes(static_cast<int64_t>(content.size()));
    e.set_media_type("image/jpeg");
    e.set_file_name("排污口照片.jpg");
    *e.mutable_capture_time() = api::ToTimestamp(app_->clock().Now() - absl::Minutes(30));
    e.mutable_location()->set_latitude(35.2159);
    e.mutable_location()->set_longitude(113.2418);
    e.set_device_id("IMEI 860000000000001");
    if (!officer.empty()) e.add_capturing_officers(officer);
    e.set_parent(parent);
    e.set_description("总排口旁暗管");
    return e;
  }

  grpc::Status Start(const std::string& token, const v1::Evidence& e, v1::Evidence* out,
                     const std::string& request_id = "") {
    v1::StartEvidenceUploadRequest r;
    *r.mutable_evidence() = e;
    r.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return evidence_->StartEvidenceUpload(ctx.get(), r, out);
  }

  grpc::Status Offset(const std::string& token, const std::string& name, v1::EvidenceUpload* out) {
    v1::GetEvidenceUploadRequest r;
    r.set_name(name);
    auto ctx = TestApp::Context(token);
    return evidence_->GetEvidenceUpload(ctx.get(), r, out);
  }

  // Streams content[from, to) in chunks; `tamper_at` (an offset) sends that chunk altered
  // under the hash of the original.
  grpc::Status Send(const std::string& token, const std::string& name, const std::string& content,
                    int64_t from, int64_t to, v1::Evidence* out, int64_t tamper_at = -1) {
    auto ctx = TestApp::Context(token);
    auto writer = evidence_->UploadEvidence(ctx.get(), out);
    for (int64_t at = from; at < to; at += kChunk) {
      v1::UploadEvidenceRequest chunk;
      chunk.set_name(name);
      chunk.set_offset(at);
      std::string data = content.substr(at, std::min(kChunk, to - at));
      chunk.set_sha256(security::Sha256Hex(data));
      if (at == tamper_at) data[7] ^= 0x20;
      chunk.set_data(data);
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::Evidence* out) {
    v1::GetEvidenceRequest r;
    r.set_name(name);
    auto ctx = TestApp::Context(token);
    return evidence_->GetEvidence(ctx.get(), r, out);
  }

  grpc::Status Download(const std::string& token, const std::string& name, std::string* bytes,
                        v1::Evidence* meta, int64_t offset = 0) {
    v1::DownloadEvidenceRequest r;
    r.set_name(name);
    r.set_offset(offset);
    auto ctx = TestApp::Context(token);
    auto reader = evidence_->DownloadEvidence(ctx.get(), r);
    v1::DownloadEvidenceResponse message;
    bytes->clear();
    while (reader->Read(&message)) {
      if (message.has_evidence()) *meta = message.evidence();
      EXPECT_EQ(message.offset(), offset + static_cast<int64_t>(bytes->size()));
      bytes->append(message.data());
    }
    return reader->Finish();
  }

  v1::ListEvidenceResponse List(const std::string& token, const std::string& parent,
                                bool all = false) {
    v1::ListEvidenceRequest r;
    r.set_parent(parent);
    r.set_include_incomplete(all);
    v1::ListEvidenceResponse out;
    auto ctx = TestApp::Context(token);
    grpc::Status s = evidence_->ListEvidence(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Uploads the whole content in one stream; returns the stored item.
  v1::Evidence Upload(const std::string& token, const std::string& parent,
                      const std::string& content, const std::string& officer = "users/off.a") {
    v1::Evidence started;
    grpc::Status s = Start(token, Declare(parent, content, officer), &started);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::Evidence done;
    s = Send(token, started.name(), content, 0, static_cast<int64_t>(content.size()), &done);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(done.state(), v1::Evidence::STORED);
    return done;
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::EvidenceService::Stub> evidence_;
  std::unique_ptr<v1::CaseService::Stub> cases_;
  std::unique_ptr<v1::TaskService::Stub> tasks_;
  std::string officer_, far_officer_, supervisor_, plant_, other_;
};

TEST_F(EvidenceTest, AnUploadInterruptedAtRandomPointsAndResumedYieldsOneItemWithTheRightHash) {
  const std::string parent = OpenCase("豫环移〔2026〕1号");
  const std::string content = RandomBytes(3 * 1024 * 1024 + 12345, 7);
  v1::Evidence started;
  ASSERT_TRUE(Start(officer_, Declare(parent, content), &started, "start-1").ok());
  EXPECT_EQ(started.state(), v1::Evidence::UPLOADING);
  EXPECT_EQ(started.kind_label(), "视听资料");

  std::mt19937 rng(42);
  const int64_t size = static_cast<int64_t>(content.size());
  int streams = 0;
  v1::Evidence last;
  while (true) {
    // The client lost its connection: it starts again (same file, same parent), asks where
    // to resume and sends from there, until a random point.
    v1::Evidence again;
    ASSERT_TRUE(
        Start(officer_, Declare(parent, content), &again, absl::StrCat("retry-", streams)).ok());
    ASSERT_EQ(again.name(), started.name());
    v1::EvidenceUpload upload;
    ASSERT_TRUE(Offset(officer_, started.name(), &upload).ok());
    if (upload.complete()) break;
    EXPECT_EQ(upload.offset() % kChunk, 0);
    const int64_t stop =
        std::min(size, upload.offset() + kChunk * static_cast<int64_t>(1 + rng() % 4));
    grpc::Status s = Send(officer_, started.name(), content, upload.offset(), stop, &last);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(last.received_bytes(), stop);
    ++streams;
  }
  EXPECT_GE(streams, 3);
  EXPECT_EQ(last.state(), v1::Evidence::STORED);
  EXPECT_EQ(last.sha256(), security::Sha256Hex(content));
  EXPECT_EQ(last.size_bytes(), size);

  // One item, and a retried start of the finished upload returns it.
  EXPECT_EQ(List(officer_, parent, /*all=*/true).evidence_size(), 1);
  v1::Evidence retried;
  ASSERT_TRUE(Start(officer_, Declare(parent, content), &retried, "start-1").ok());
  EXPECT_EQ(retried.name(), started.name());
  v1::Evidence restarted;
  ASSERT_TRUE(Start(officer_, Declare(parent, content), &restarted, "start-again").ok());
  EXPECT_EQ(restarted.name(), started.name());
  EXPECT_EQ(restarted.state(), v1::Evidence::STORED);

  // A chunk sent again after completion changes nothing.
  v1::Evidence after;
  ASSERT_TRUE(Send(officer_, started.name(), content, 0, kChunk, &after).ok());
  EXPECT_EQ(after.state(), v1::Evidence::STORED);

  std::string bytes;
  v1::Evidence meta;
  grpc::Status s = Download(supervisor_, started.name(), &bytes, &meta);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(bytes, content);
  EXPECT_EQ(meta.name(), started.name());
  EXPECT_EQ(meta.capturing_officers(0), "users/off.a");

  // The blob is stored once, under its hash, and is read-only.
  const std::string hash = security::Sha256Hex(content);
  const auto blob = std::filesystem::path(app_->evidence_dir()) / "blobs" / hash.substr(0, 2) /
                    hash.substr(2, 2) / hash;
  ASSERT_TRUE(std::filesystem::exists(blob));
  EXPECT_EQ(std::filesystem::file_size(blob), content.size());
}

TEST_F(EvidenceTest, ATamperedChunkIsRefusedAndNotStored) {
  const std::string parent = OpenCase("豫环移〔2026〕2号");
  const std::string content = RandomBytes(kChunk * 3, 8);
  v1::Evidence started;
  ASSERT_TRUE(Start(officer_, Declare(parent, content), &started).ok());
  v1::Evidence out;
  grpc::Status s = Send(officer_, started.name(), content, 0, kChunk * 3, &out,
                        /*tamper_at=*/kChunk);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(s), "EVIDENCE_CHUNK_HASH_MISMATCH");
  v1::EvidenceUpload upload;
  ASSERT_TRUE(Offset(officer_, started.name(), &upload).ok());
  EXPECT_EQ(upload.offset(), kChunk);  // the good first chunk only
  // A chunk that skips ahead is refused with the offset to resume from.
  s = Send(officer_, started.name(), content, 2 * kChunk, 3 * kChunk, &out);
  EXPECT_EQ(ErrorReason(s), "EVIDENCE_OFFSET_MISMATCH");
  EXPECT_THAT(s.error_message(), HasSubstr(absl::StrCat(kChunk)));
  ASSERT_TRUE(Send(officer_, started.name(), content, kChunk, 3 * kChunk, &out).ok());
  EXPECT_EQ(out.state(), v1::Evidence::STORED);
}

TEST_F(EvidenceTest, AWrongWholeFileHashAbandonsTheItem) {
  const std::string parent = OpenCase("豫环移〔2026〕3号");
  const std::string content = RandomBytes(kChunk * 2 + 99, 9);
  v1::Evidence declared = Declare(parent, content);
  declared.set_sha256(security::Sha256Hex("another file"));
  v1::Evidence started;
  ASSERT_TRUE(Start(officer_, declared, &started).ok());
  v1::Evidence out;
  grpc::Status s = Send(officer_, started.name(), content, 0, declared.size_bytes(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(s), "EVIDENCE_HASH_MISMATCH");
  v1::Evidence item;
  ASSERT_TRUE(Get(officer_, started.name(), &item).ok());
  EXPECT_EQ(item.state(), v1::Evidence::ABANDONED);
  v1::EvidenceUpload upload;
  s = Offset(officer_, started.name(), &upload);
  EXPECT_EQ(ErrorReason(s), "EVIDENCE_STATE");
  EXPECT_EQ(List(officer_, parent).evidence_size(), 0);
  // Nothing of it is in the blob store.
  const std::string hash = security::Sha256Hex(content);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(app_->evidence_dir()) / "blobs" /
                                       hash.substr(0, 2) / hash.substr(2, 2) / hash));
  // Starting the same declaration again opens a new upload.
  v1::Evidence fresh;
  ASSERT_TRUE(Start(officer_, declared, &fresh).ok());
  EXPECT_NE(fresh.name(), started.name());
}

TEST_F(EvidenceTest, BadDeclarationsNameTheField) {
  const std::string parent = OpenCase("豫环移〔2026〕4号");
  const std::string content = "x";
  v1::Evidence out;
  v1::Evidence e = Declare(parent, content);
  e.set_sha256("abc");
  grpc::Status s = Start(officer_, e, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence.sha256"));
  e = Declare(parent, content);
  e.set_kind(v1::ON_SITE_RECORD);  // 现场笔录 needs two officers
  s = Start(officer_, e, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence.capturing_officers"));
  e.add_capturing_officers("users/off.far");  // not of this district
  s = Start(officer_, e, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence.capturing_officers[1]"));
  e = Declare("cases/999999", content);
  EXPECT_EQ(Start(officer_, e, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  e = Declare("complaints/1", content);
  s = Start(officer_, e, &out);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence.parent"));
  e = Declare(parent, content);
  *e.mutable_capture_time() = api::ToTimestamp(app_->clock().Now() + absl::Hours(2));
  s = Start(officer_, e, &out);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence.capture_time"));
  EXPECT_EQ(List(officer_, parent, true).evidence_size(), 0);
}

TEST_F(EvidenceTest, ReadsAreAuditedAndScoped) {
  const std::string parent = OpenCase("豫环移〔2026〕5号");
  const v1::Evidence item = Upload(officer_, parent, RandomBytes(1000, 10));
  v1::Evidence out;
  // Officers of another district, and the party before notification, see nothing.
  EXPECT_EQ(Get(far_officer_, item.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(plant_, item.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(other_, item.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string bytes;
  EXPECT_EQ(Download(plant_, item.name(), &bytes, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  // Someone else's upload cannot be continued or probed.
  v1::EvidenceUpload upload;
  EXPECT_EQ(Offset(supervisor_, item.name(), &upload).error_code(), grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Get(supervisor_, item.name(), &out).ok());
  ASSERT_TRUE(Download(supervisor_, item.name(), &bytes, &out).ok());
  EXPECT_EQ(List(officer_, parent).evidence_size(), 1);
  auto count = [&](const std::string& action) {
    return app_->schema().QueryInt(
        absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE action = '", action,
                     "' AND resource = '", action == "ListEvidence" ? parent : item.name(), "'"));
  };
  EXPECT_EQ(count("StartEvidenceUpload"), 1);
  EXPECT_EQ(count("UploadEvidence"), 1);
  EXPECT_EQ(count("GetEvidence"), 1);
  EXPECT_EQ(count("DownloadEvidence"), 1);
  EXPECT_EQ(count("ListEvidence"), 1);
}

TEST_F(EvidenceTest, AnEnterpriseUploadsProofToItsOwnTaskAndSeesOnlyItsOwn) {
  v1::IssueTaskRequest issue;
  v1::Task* t = issue.mutable_task();
  t->set_enterprise(absl::StrCat("enterprises/", kPlant));
  t->set_source_kind(v1::Task::INSPECTION);
  t->set_source("焦环检〔2026〕7号");
  t->set_title("雨水排口整改");
  t->set_legal_basis("《中华人民共和国水污染防治法》第八十三条");
  t->add_required_actions("封堵暗管");
  t->mutable_deadline()->set_days(10);
  v1::Task task;
  auto ctx = TestApp::Context(officer_);
  grpc::Status s = tasks_->IssueTask(ctx.get(), issue, &task);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const std::string proof = RandomBytes(5000, 11);
  v1::Evidence mine = Upload(plant_, task.name(), proof, /*officer=*/"");
  EXPECT_EQ(mine.uploaded_by(), "users/ent.plant");
  EXPECT_EQ(mine.capturing_officers(0), "users/ent.plant");
  const v1::Evidence officers = Upload(officer_, task.name(), RandomBytes(6000, 12));

  v1::Evidence out;
  EXPECT_TRUE(Get(plant_, mine.name(), &out).ok());
  // The officers' own evidence on the task is theirs; another enterprise sees no task.
  EXPECT_EQ(Get(plant_, officers.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List(plant_, task.name()).evidence_size(), 1);
  EXPECT_EQ(Get(other_, mine.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Start(other_, Declare(task.name(), proof, ""), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // An enterprise names no officer but itself, and uploads nothing to cases it cannot see.
  EXPECT_EQ(Start(plant_, Declare(task.name(), proof, "users/off.a"), &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Start(plant_, Declare(OpenCase("豫环移〔2026〕6号"), proof, ""), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(officer_, mine.name(), &out).error_code(), grpc::StatusCode::OK);
}

TEST_F(EvidenceTest, TheCasePartySeesItsCaseEvidenceOnceNotified) {
  const std::string parent = OpenCase("豫环移〔2026〕8号");
  const v1::Evidence item = Upload(officer_, parent, RandomBytes(2000, 13));
  v1::Evidence out;
  EXPECT_EQ(Get(plant_, item.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);

  // Officers, filing, investigation, review, notification.
  auto must = [](const grpc::Status& s) { EXPECT_TRUE(s.ok()) << s.error_message(); };
  v1::Case c;
  for (const char* officer : {"users/off.a", "users/off.b"}) {
    v1::AssignCaseOfficerRequest r;
    r.set_name(parent);
    r.set_user(officer);
    auto ctx = TestApp::Context(supervisor_);
    must(cases_->AssignCaseOfficer(ctx.get(), r, &c));
  }
  {
    v1::FileCaseRequest r;
    r.set_name(parent);
    *r.mutable_violation_end_date() = api::ToDate(absl::CivilDay(2026, 2, 20));
    auto ctx = TestApp::Context(supervisor_);
    must(cases_->FileCase(ctx.get(), r, &c));
  }
  {
    v1::StartInvestigationRequest r;
    r.set_name(parent);
    auto ctx = TestApp::Context(officer_);
    must(cases_->StartInvestigation(ctx.get(), r, &c));
  }
  {
    v1::AttachCaseEvidenceRequest r;
    r.set_name(parent);
    r.set_evidence(item.name());
    auto ctx = TestApp::Context(officer_);
    must(cases_->AttachCaseEvidence(ctx.get(), r, &c));
  }
  {
    v1::SubmitForReviewRequest r;
    r.set_name(parent);
    auto ctx = TestApp::Context(officer_);
    must(cases_->SubmitForReview(ctx.get(), r, &c));
  }
  {
    v1::NotifyPartyRequest r;
    r.set_name(parent);
    v1::Notification* n = r.mutable_notification();
    n->set_facts("2026年2月1号锅炉烟气二氧化硫小时浓度多次超过排放限值。");
    v1::PenaltyItem* fine = n->add_proposed();
    fine->set_kind(v1::FINE);
    fine->set_amount_fen(5000000);
    n->set_legal_basis("《中华人民共和国大气污染防治法》第九十九条第二项");
    n->set_rights("当事人有权进行陈述、申辩；符合条件的，有权要求听证。");
    *n->mutable_received_date() = api::ToDate(absl::CivilDay(2026, 3, 2));
    auto ctx = TestApp::Context(officer_);
    must(cases_->NotifyParty(ctx.get(), r, &c));
  }
  ASSERT_TRUE(Get(plant_, item.name(), &out).ok());
  std::string bytes;
  ASSERT_TRUE(Download(plant_, item.name(), &bytes, &out).ok());
  EXPECT_EQ(security::Sha256Hex(bytes), item.sha256());
  EXPECT_EQ(List(plant_, parent).evidence_size(), 1);
  EXPECT_EQ(Get(other_, item.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  // In-progress uploads stay the officers' own.
  v1::ListEvidenceRequest r;
  r.set_parent(parent);
  r.set_include_incomplete(true);
  v1::ListEvidenceResponse listed;
  auto ctx = TestApp::Context(plant_);
  EXPECT_EQ(evidence_->ListEvidence(ctx.get(), r, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EvidenceTest, UploadsPastTheDailyQuotaAreRefused) {
  app_.reset();
  Start(/*quota_bytes=*/1 << 20);
  const std::string parent = OpenCase("豫环移〔2026〕9号");
  Upload(officer_, parent, RandomBytes(700 << 10, 14));
  v1::Evidence out;
  grpc::Status s = Start(officer_, Declare(parent, RandomBytes(400 << 10, 15)), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ErrorReason(s), "EVIDENCE_QUOTA");
  // The day after, there is room again.
  app_->clock().Advance(absl::Hours(25));
  officer_ = app_->Login("off.a", Password("off.a"));
  EXPECT_TRUE(Start(officer_, Declare(parent, RandomBytes(400 << 10, 15)), &out).ok());
}

TEST_F(EvidenceTest, TheSweepAbandonsUploadsLeftAloneAndDeletesTheirBytes) {
  const std::string parent = OpenCase("豫环移〔2026〕10号");
  const std::string content = RandomBytes(kChunk * 2, 16);
  v1::Evidence idle;
  ASSERT_TRUE(Start(officer_, Declare(parent, content), &idle).ok());
  v1::Evidence out;
  ASSERT_TRUE(Send(officer_, idle.name(), content, 0, kChunk, &out).ok());
  const auto part = std::filesystem::path(app_->evidence_dir()) / "uploads" /
                    absl::StrCat("evidence-", idle.name().substr(9), ".part");
  ASSERT_TRUE(std::filesystem::exists(part));
  const v1::Evidence stored = Upload(officer_, parent, RandomBytes(3000, 17));

  storage::mysql::ConnectionPool pool(app_->schema().options());
  storage::mysql::MysqlMutationRunner runner(pool, app_->clock());
  storage::mysql::MysqlEvidenceRepository repository(pool);
  auto blobs = storage::blob::FileBlobStore::Create(app_->evidence_dir(), {});
  ASSERT_TRUE(blobs.ok()) << blobs.status();
  api::EvidenceUploadSweep sweep(repository, **blobs, runner, app_->clock(), absl::Hours(168));
  // Within the week nothing is touched.
  app_->clock().Advance(absl::Hours(24 * 6));
  EXPECT_EQ(sweep.AbandonStale().value_or(-1), 0);
  EXPECT_TRUE(std::filesystem::exists(part));
  // The partial file's own write time is the real clock's: the injected one moves the rows
  // only, so the blob store sees a fresh file and the row decides.
  app_->clock().Advance(absl::Hours(24 * 2));
  EXPECT_EQ(sweep.AbandonStale().value_or(-1), 1);
  EXPECT_FALSE(std::filesystem::exists(part));
  officer_ = app_->Login("off.a", Password("off.a"));
  ASSERT_TRUE(Get(officer_, idle.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Evidence::ABANDONED);
  ASSERT_TRUE(Get(officer_, stored.name(), &out).ok());
  EXPECT_EQ(out.state(), v1::Evidence::STORED);
  EXPECT_EQ(sweep.AbandonStale().value_or(-1), 0);
  EXPECT_EQ(app_->schema().QueryInt(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'AbandonStaleUpload'"),
            1);
}

TEST_F(EvidenceTest, ABrokenDownloadResumesFromTheBytesKept) {
  const std::string parent = OpenCase("豫环移〔2026〕11号");
  const std::string content = RandomBytes((3 << 20) + 777, 18);
  const v1::Evidence item = Upload(officer_, parent, content);
  std::string tail;
  v1::Evidence meta;
  for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{(1 << 20) + 5},
                         static_cast<int64_t>(content.size())}) {
    SCOPED_TRACE(offset);
    grpc::Status s = Download(officer_, item.name(), &tail, &meta, offset);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(tail, content.substr(static_cast<size_t>(offset)));
    EXPECT_EQ(meta.sha256(), item.sha256());
  }
  grpc::Status s = Download(officer_, item.name(), &tail, &meta,
                            static_cast<int64_t>(content.size()) + 1);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("offset"));
}

}  // namespace
}  // namespace ecocase
