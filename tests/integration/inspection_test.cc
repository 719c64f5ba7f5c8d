// InspectionService against the real database through the real Application: two certified
// officers sign in turn and the party's signature completes the record; one officer alone
// can never complete it; uncertified officers, officers of another district and unknown
// enterprises are refused; a witnessed refusal; signed records are immutable and corrected
// by a new draft; the case-file rendering; etags, request_id retries and scope.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ecocase/v1/audit.grpc.pb.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "ecocase/v1/inspection.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "security/sha256.h"
#include "testing/error_reason.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::HasSubstr;

const std::string kPlant = ValidUscc("91410802MA3T00001");      // 解放区 410802
const std::string kElsewhere = ValidUscc("91410803MA3T00009");  // 中站区 410803

absl::Time Shanghai(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::FixedTimeZone(8 * 3600));
}

google::protobuf::Timestamp Ts(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

google::type::Date Date(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

std::string Password(const std::string& username) { return absl::StrCat("password-", username); }

using ::ecocase::testing::ErrorReason;

std::string FieldViolation(const grpc::Status& s) {
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
      return bad.field_violations(0).field();
    }
  }
  return "";
}

// An on-site inspection of the plant this morning by `officers`, credentials shown.
v1::InspectionRecord NewRecord(const std::vector<std::string>& officers) {
  v1::InspectionRecord r;
  r.set_kind(v1::InspectionRecord::ON_SITE_INSPECTION);
  r.set_enterprise(absl::StrCat("enterprises/", kPlant));
  r.set_party_name("焦作市某某热电有限公司");
  r.set_person_present("张伟");
  r.set_person_title("环保负责人");
  r.set_place("焦作市解放区某路1号厂区东侧雨水排口");
  *r.mutable_start_time() = Ts(Shanghai(2026, 3, 2, 8, 0));
  *r.mutable_end_time() = Ts(Shanghai(2026, 3, 2, 9, 30));
  for (const std::string& o : officers) {
    v1::InspectionOfficer* officer = r.add_officers();
    officer->set_user(absl::StrCat("users/", o));
    officer->set_credentials_shown(true);
  }
  r.set_findings("1. 雨水排口旁发现一根暗管通向厂外。\n2. 脱硫设施在线数据与现场不符。");
  return r;
}

class InspectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = TestApp::Start("inspection");
    ASSERT_NE(app_, nullptr);
    app_->clock().Set(Shanghai(2026, 3, 2, 10));
    stub_ = v1::InspectionService::NewStub(app_->channel());
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kElsewhere, "410803", "焦作市中站区某化工有限公司");
    CreateEnforcer("off.a", v1::ROLE_OFFICER, {"410802"}, "豫环执0001");
    CreateEnforcer("off.b", v1::ROLE_OFFICER, {"410802"}, "豫环执0002");
    CreateEnforcer("off.c", v1::ROLE_OFFICER, {"410802"}, "");            // no certificate
    CreateEnforcer("off.x", v1::ROLE_OFFICER, {"410803"}, "豫环执0003");  // another district
    CreateEnforcer("sup", v1::ROLE_SUPERVISOR, {"410800"}, "豫环执0100");
    a_ = app_->Login("off.a", Password("off.a"));
    b_ = app_->Login("off.b", Password("off.b"));
    x_ = app_->Login("off.x", Password("off.x"));
    sup_ = app_->Login("sup", Password("sup"));
  }

  void CreateEnforcer(const std::string& username, v1::Role role,
                      const std::vector<std::string>& districts, const std::string& certificate,
                      google::type::Date valid_until = Date(2029, 12, 31)) {
    v1::CreateUserRequest request;
    v1::User* user = request.mutable_user();
    user->set_username(username);
    user->set_display_name(absl::StrCat("执法人员 ", username));
    user->set_role(role);
    for (const std::string& d : districts) user->add_district_codes(d);
    if (!certificate.empty()) {
      user->mutable_certificate()->set_number(certificate);
      *user->mutable_certificate()->mutable_valid_from() = Date(2025, 1, 1);
      *user->mutable_certificate()->mutable_valid_until() = valid_until;
    }
    request.set_password(Password(username));
    v1::User created;
    auto ctx = TestApp::Context(app_->AdminToken());
    grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &created);
    ASSERT_TRUE(s.ok()) << username << ": " << s.error_message();
  }

  grpc::Status Create(const std::string& token, const v1::InspectionRecord& record,
                      v1::InspectionRecord* out, const std::string& request_id = "") {
    v1::CreateInspectionRecordRequest request;
    *request.mutable_record() = record;
    request.set_request_id(request_id);
    auto ctx = TestApp::Context(token);
    return stub_->CreateInspectionRecord(ctx.get(), request, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name, v1::InspectionRecord* out) {
    v1::GetInspectionRecordRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return stub_->GetInspectionRecord(ctx.get(), request, out);
  }

  grpc::Status Update(const std::string& token, const v1::InspectionRecord& record,
                      const std::string& etag, v1::InspectionRecord* out) {
    v1::UpdateInspectionRecordRequest request;
    *request.mutable_record() = record;
    request.set_etag(etag);
    auto ctx = TestApp::Context(token);
    return stub_->UpdateInspectionRecord(ctx.get(), request, out);
  }

  // Signs as the token's officer; `party` names the party who signs ("" for none).
  grpc::Status Sign(const std::string& token, const std::string& name, const std::string& party,
                    v1::InspectionRecord* out, const std::string& etag = "") {
    v1::SignInspectionRecordRequest request;
    request.set_name(name);
    if (!party.empty()) request.mutable_party_signature()->set_name(party);
    request.set_etag(etag);
    auto ctx = TestApp::Context(token);
    return stub_->SignInspectionRecord(ctx.get(), request, out);
  }

  grpc::Status Render(const std::string& token, const std::string& name,
                      v1::RenderedInspectionRecord* out) {
    v1::RenderInspectionRecordRequest request;
    request.set_name(name);
    auto ctx = TestApp::Context(token);
    return stub_->RenderInspectionRecord(ctx.get(), request, out);
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::InspectionService::Stub> stub_;
  std::string a_, b_, x_, sup_;
};

TEST_F(InspectionTest, TwoCertifiedOfficersSignInTurn) {
  v1::InspectionRecord draft;
  ASSERT_TRUE(Create(a_, NewRecord({"off.a", "off.b"}), &draft).ok());
  EXPECT_EQ(draft.state(), v1::InspectionRecord::DRAFT);
  EXPECT_EQ(draft.district_code(), "410802");  // the enterprise's
  EXPECT_EQ(draft.created_by(), "users/off.a");
  EXPECT_EQ(draft.kind_label(), "现场检查笔录");
  ASSERT_EQ(draft.officers_size(), 2);
  EXPECT_EQ(draft.officers(0).display_name(), "执法人员 off.a");
  EXPECT_EQ(draft.officers(0).certificate_number(), "豫环执0001");
  EXPECT_EQ(draft.officers(1).certificate_number(), "豫环执0002");
  EXPECT_FALSE(draft.officers(0).has_sign_time());
  EXPECT_FALSE(draft.etag().empty());

  // The first officer signs: still a draft.
  v1::InspectionRecord first;
  ASSERT_TRUE(Sign(a_, draft.name(), "", &first, draft.etag()).ok());
  EXPECT_EQ(first.state(), v1::InspectionRecord::DRAFT);
  EXPECT_TRUE(first.officers(0).has_sign_time());
  EXPECT_FALSE(first.officers(1).has_sign_time());

  // The last officer without the party's part is refused.
  v1::InspectionRecord out;
  grpc::Status no_party = Sign(b_, draft.name(), "", &out);
  EXPECT_EQ(no_party.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(no_party), "INSPECTION_PARTY_SIGNATURE");

  // A supervisor of the city is not on the record: cannot sign it.
  grpc::Status not_on_it = Sign(sup_, draft.name(), "张伟", &out);
  EXPECT_EQ(not_on_it.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(not_on_it), "INSPECTION_OFFICERS");

  v1::InspectionRecord signed_record;
  ASSERT_TRUE(Sign(b_, draft.name(), "张伟", &signed_record).ok());
  EXPECT_EQ(signed_record.state(), v1::InspectionRecord::SIGNED);
  EXPECT_EQ(signed_record.signed_by(), "users/off.b");
  EXPECT_EQ(signed_record.party_signature().name(), "张伟");
  EXPECT_TRUE(signed_record.has_sign_time());

  // Signed: immutable.
  v1::InspectionRecord edit = NewRecord({"off.a", "off.b"});
  edit.set_name(draft.name());
  edit.set_findings("改过的检查情况");
  grpc::Status update = Update(a_, edit, "", &out);
  EXPECT_EQ(update.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(update), "INSPECTION_SIGNED");
  grpc::Status again = Sign(a_, draft.name(), "", &out);
  EXPECT_EQ(ErrorReason(again), "INSPECTION_SIGNED");

  // The case-file copy names both officers' certificates.
  v1::RenderedInspectionRecord rendered;
  ASSERT_TRUE(Render(b_, draft.name(), &rendered).ok());
  EXPECT_EQ(rendered.name(), draft.name());
  EXPECT_THAT(rendered.text(), HasSubstr("豫环执0001"));
  EXPECT_THAT(rendered.text(), HasSubstr("豫环执0002"));
  EXPECT_THAT(rendered.text(), HasSubstr("当事人签名：张伟"));

  // A correction is a new draft naming the signed record.
  v1::CorrectInspectionRecordRequest correct;
  correct.set_name(draft.name());
  v1::InspectionRecord correction;
  {
    auto ctx = TestApp::Context(a_);
    grpc::Status s = stub_->CorrectInspectionRecord(ctx.get(), correct, &correction);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_NE(correction.name(), draft.name());
  EXPECT_EQ(correction.corrects(), draft.name());
  EXPECT_EQ(correction.state(), v1::InspectionRecord::DRAFT);
  EXPECT_FALSE(correction.has_party_signature());
  EXPECT_FALSE(correction.officers(1).has_sign_time());
  EXPECT_EQ(correction.findings(), draft.findings());
  // A draft is edited, not corrected.
  correct.set_name(correction.name());
  {
    auto ctx = TestApp::Context(a_);
    grpc::Status s = stub_->CorrectInspectionRecord(ctx.get(), correct, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }

  // Lists: newest first, filtered by state.
  v1::ListInspectionRecordsRequest list;
  v1::ListInspectionRecordsResponse listed;
  {
    auto ctx = TestApp::Context(sup_);
    ASSERT_TRUE(stub_->ListInspectionRecords(ctx.get(), list, &listed).ok());
  }
  ASSERT_EQ(listed.records_size(), 2);
  EXPECT_EQ(listed.records(0).name(), correction.name());
  list.set_state(v1::InspectionRecord::SIGNED);
  list.set_enterprise(absl::StrCat("enterprises/", kPlant));
  listed.Clear();
  {
    auto ctx = TestApp::Context(a_);
    ASSERT_TRUE(stub_->ListInspectionRecords(ctx.get(), list, &listed).ok());
  }
  ASSERT_EQ(listed.records_size(), 1);
  EXPECT_EQ(listed.records(0).name(), draft.name());

  // Another district's officer sees none of it.
  EXPECT_EQ(Get(x_, draft.name(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Render(x_, draft.name(), &rendered).error_code(), grpc::StatusCode::NOT_FOUND);
  listed.Clear();
  {
    auto ctx = TestApp::Context(x_);
    ASSERT_TRUE(
        stub_->ListInspectionRecords(ctx.get(), v1::ListInspectionRecordsRequest(), &listed).ok());
  }
  EXPECT_EQ(listed.records_size(), 0);
}

TEST_F(InspectionTest, OneOfficerAloneCannotSign) {
  v1::InspectionRecord draft;
  ASSERT_TRUE(Create(a_, NewRecord({"off.a"}), &draft).ok());
  v1::InspectionRecord out;
  grpc::Status s = Sign(a_, draft.name(), "张伟", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(s), "INSPECTION_OFFICERS");
  v1::InspectionRecord after;
  ASSERT_TRUE(Get(a_, draft.name(), &after).ok());
  EXPECT_EQ(after.state(), v1::InspectionRecord::DRAFT);
  EXPECT_FALSE(after.officers(0).has_sign_time());
  EXPECT_FALSE(after.has_party_signature());
  EXPECT_EQ(after.etag(), draft.etag());
}

TEST_F(InspectionTest, AnOfficerWhoseCertificateLapsedCannotSign) {
  CreateEnforcer("off.e", v1::ROLE_OFFICER, {"410802"}, "豫环执0009", Date(2026, 3, 2));
  v1::InspectionRecord draft;
  ASSERT_TRUE(Create(a_, NewRecord({"off.a", "off.e"}), &draft).ok());
  app_->clock().Set(Shanghai(2026, 3, 3, 9));
  v1::InspectionRecord out;
  grpc::Status s = Sign(app_->Login("off.e", Password("off.e")), draft.name(), "", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(s), "INSPECTION_OFFICERS");
  EXPECT_THAT(s.error_message(), HasSubstr("off.e"));
}

TEST_F(InspectionTest, OfficersMustBeCertifiedEnforcersOfTheDistrict) {
  v1::InspectionRecord out;
  grpc::Status uncertified = Create(a_, NewRecord({"off.a", "off.c"}), &out);
  EXPECT_EQ(uncertified.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolation(uncertified), "record.officers[1].user");
  EXPECT_THAT(uncertified.error_message(), HasSubstr("执法证"));

  grpc::Status elsewhere = Create(a_, NewRecord({"off.a", "off.x"}), &out);
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolation(elsewhere), "record.officers[1].user");

  grpc::Status unknown = Create(a_, NewRecord({"off.a", "nobody"}), &out);
  EXPECT_EQ(FieldViolation(unknown), "record.officers[1].user");

  // The caller drafts as one of the officers.
  grpc::Status not_me = Create(sup_, NewRecord({"off.a", "off.b"}), &out);
  EXPECT_EQ(not_me.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolation(not_me), "record.officers");

  // An enterprise outside the caller's districts is not there for them.
  v1::InspectionRecord other = NewRecord({"off.a", "off.b"});
  other.set_enterprise(absl::StrCat("enterprises/", kElsewhere));
  EXPECT_EQ(Create(a_, other, &out).error_code(), grpc::StatusCode::NOT_FOUND);

  // Without an enterprise the district is required and must be the caller's.
  v1::InspectionRecord individual = NewRecord({"off.a", "off.b"});
  individual.clear_enterprise();
  individual.set_party_name("李某（个体经营者）");
  grpc::Status no_district = Create(a_, individual, &out);
  EXPECT_EQ(FieldViolation(no_district), "record.district_code");
  individual.set_district_code("410803");
  grpc::Status outside = Create(a_, individual, &out);
  EXPECT_EQ(outside.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolation(outside), "record.district_code");
  individual.set_district_code("410802");
  ASSERT_TRUE(Create(a_, individual, &out).ok());
  EXPECT_EQ(out.district_code(), "410802");
  EXPECT_TRUE(out.enterprise().empty());
}

TEST_F(InspectionTest, PartyRefusesBeforeAWitness) {
  v1::InspectionRecord draft;
  ASSERT_TRUE(Create(b_, NewRecord({"off.a", "off.b"}), &draft).ok());
  v1::SignInspectionRecordRequest request;
  request.set_name(draft.name());
  request.mutable_refusal()->set_witness_name("赵敏");
  request.mutable_refusal()->set_witness_note("解放区某街道办事处工作人员");
  v1::InspectionRecord out;
  {
    auto ctx = TestApp::Context(a_);
    grpc::Status s = stub_->SignInspectionRecord(ctx.get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(out.state(), v1::InspectionRecord::DRAFT);
  EXPECT_EQ(out.refusal().note(), "拒绝签字");

  // The party's part is recorded once.
  grpc::Status twice = Sign(b_, draft.name(), "张伟", &out);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(twice), "INSPECTION_PARTY_SIGNATURE");

  // Both at once is bad input.
  request.mutable_party_signature()->set_name("张伟");
  {
    auto ctx = TestApp::Context(b_);
    EXPECT_EQ(stub_->SignInspectionRecord(ctx.get(), request, &out).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  v1::InspectionRecord signed_record;
  ASSERT_TRUE(Sign(b_, draft.name(), "", &signed_record).ok());
  EXPECT_EQ(signed_record.state(), v1::InspectionRecord::SIGNED);
  EXPECT_EQ(signed_record.refusal().witness_name(), "赵敏");
  v1::RenderedInspectionRecord rendered;
  ASSERT_TRUE(Render(a_, draft.name(), &rendered).ok());
  EXPECT_THAT(rendered.text(), HasSubstr("拒签"));
  EXPECT_THAT(rendered.text(), HasSubstr("见证人：赵敏"));

  // Every write and the rendering are audited; refused attempts are not.
  auto audit = v1::AuditService::NewStub(app_->channel());
  v1::ListAuditRecordsRequest list;
  list.set_resource(draft.name());
  v1::ListAuditRecordsResponse trail;
  auto ctx = TestApp::Context(app_->AdminToken());
  ASSERT_TRUE(audit->ListAuditRecords(ctx.get(), list, &trail).ok());
  std::vector<std::string> actions;
  for (const auto& r : trail.records()) actions.push_back(r.actor() + " " + r.action());
  EXPECT_THAT(actions, ::testing::ElementsAre("users/off.a RenderInspectionRecord",
                                              "users/off.b SignInspectionRecord",
                                              "users/off.a SignInspectionRecord",
                                              "users/off.b CreateInspectionRecord"));
}

TEST_F(InspectionTest, EtagsRetriesAndEditsClearSignatures) {
  v1::InspectionRecord first;
  v1::InspectionRecord retried;
  ASSERT_TRUE(Create(a_, NewRecord({"off.a", "off.b"}), &first, "req-1").ok());
  ASSERT_TRUE(Create(a_, NewRecord({"off.a", "off.b"}), &retried, "req-1").ok());
  EXPECT_EQ(retried.name(), first.name());
  v1::ListInspectionRecordsResponse listed;
  {
    auto ctx = TestApp::Context(a_);
    ASSERT_TRUE(
        stub_->ListInspectionRecords(ctx.get(), v1::ListInspectionRecordsRequest(), &listed).ok());
  }
  EXPECT_EQ(listed.records_size(), 1);
  // The same request_id with another record is refused.
  v1::InspectionRecord changed = NewRecord({"off.a", "off.b"});
  changed.set_findings("另一份笔录");
  v1::InspectionRecord out;
  EXPECT_EQ(Create(a_, changed, &out, "req-1").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // One officer signs with the party; then the text changes: every signature is cleared.
  v1::InspectionRecord signed_once;
  ASSERT_TRUE(Sign(a_, first.name(), "张伟", &signed_once).ok());
  EXPECT_TRUE(signed_once.officers(0).has_sign_time());
  EXPECT_TRUE(signed_once.has_party_signature());
  v1::InspectionRecord edit = NewRecord({"off.a", "off.b"});
  edit.set_name(first.name());
  edit.set_findings("补充：暗管已由企业当场封堵。");
  v1::InspectionRecord edited;
  ASSERT_TRUE(Update(b_, edit, signed_once.etag(), &edited).ok());
  EXPECT_EQ(edited.findings(), "补充：暗管已由企业当场封堵。");
  EXPECT_FALSE(edited.officers(0).has_sign_time());
  EXPECT_FALSE(edited.has_party_signature());
  EXPECT_EQ(edited.officers(1).certificate_number(), "豫环执0002");

  // A stale etag is refused.
  grpc::Status stale = Update(a_, edit, signed_once.etag(), &out);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Sign(a_, first.name(), "", &out, first.etag()).error_code(), grpc::StatusCode::ABORTED);

  // The enterprise inspected does not change.
  edit.set_enterprise(absl::StrCat("enterprises/", kElsewhere));
  EXPECT_EQ(FieldViolation(Update(a_, edit, "", &out)), "record.enterprise");
}

// Starts the upload of a photo to `parent` as `officer` and, when `complete`, sends its bytes;
// returns the item.
v1::Evidence UploadPhoto(TestApp& app, const std::string& token, const std::string& officer,
                         const std::string& parent, const std::string& bytes, bool complete) {
  auto stub = v1::EvidenceService::NewStub(app.channel());
  v1::StartEvidenceUploadRequest start;
  v1::Evidence* e = start.mutable_evidence();
  e->set_kind(v1::AUDIO_VISUAL);
  e->set_sha256(security::Sha256Hex(bytes));
  e->set_size_bytes(static_cast<int64_t>(bytes.size()));
  e->set_media_type("image/jpeg");
  e->set_file_name("暗管照片_001.jpg");
  *e->mutable_capture_time() = Ts(Shanghai(2026, 3, 2, 9, 0));
  e->set_device_id("IMEI-860000000000001");
  e->add_capturing_officers(absl::StrCat("users/", officer));
  e->set_parent(parent);
  v1::Evidence item;
  {
    auto ctx = TestApp::Context(token);
    grpc::Status s = stub->StartEvidenceUpload(ctx.get(), start, &item);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  if (!complete) return item;
  auto ctx = TestApp::Context(token);
  v1::Evidence stored;
  auto writer = stub->UploadEvidence(ctx.get(), &stored);
  v1::UploadEvidenceRequest chunk;
  chunk.set_name(item.name());
  chunk.set_offset(0);
  chunk.set_data(bytes);
  chunk.set_sha256(security::Sha256Hex(bytes));
  EXPECT_TRUE(writer->Write(chunk));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(stored.state(), v1::Evidence::STORED);
  return stored;
}

TEST_F(InspectionTest, StoredEvidenceOfTheDistrictIsAttached) {
  v1::InspectionRecord draft;
  ASSERT_TRUE(Create(a_, NewRecord({"off.a", "off.b"}), &draft).ok());
  const v1::Evidence photo =
      UploadPhoto(*app_, a_, "off.a", draft.name(), "JPEG bytes of the hidden pipe", true);
  ASSERT_EQ(photo.state(), v1::Evidence::STORED);

  auto attach = [&](const std::string& token, const std::string& record,
                    const std::string& evidence, v1::InspectionRecord* out) {
    v1::AttachInspectionEvidenceRequest request;
    request.set_name(record);
    request.set_evidence(evidence);
    auto ctx = TestApp::Context(token);
    return stub_->AttachInspectionEvidence(ctx.get(), request, out);
  };
  v1::InspectionRecord attached;
  grpc::Status ok = attach(b_, draft.name(), photo.name(), &attached);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  ASSERT_EQ(attached.evidence_size(), 1);
  EXPECT_EQ(attached.evidence(0).evidence(), photo.name());
  EXPECT_EQ(attached.evidence(0).sha256(), photo.sha256());
  EXPECT_EQ(attached.evidence(0).kind(), v1::AUDIO_VISUAL);

  // Still uploading: not attachable.
  const v1::Evidence partial =
      UploadPhoto(*app_, a_, "off.a", draft.name(), "bytes never sent", false);
  v1::InspectionRecord out;
  grpc::Status uploading = attach(a_, draft.name(), partial.name(), &out);
  EXPECT_EQ(uploading.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(uploading), "EVIDENCE_STATE");

  EXPECT_EQ(attach(a_, draft.name(), "evidence/999999", &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // An item of another district's record is not there for this one.
  v1::InspectionRecord theirs = NewRecord({"off.x"});
  theirs.clear_enterprise();
  theirs.set_district_code("410803");
  v1::InspectionRecord their_draft;
  ASSERT_TRUE(Create(x_, theirs, &their_draft).ok());
  const v1::Evidence their_photo =
      UploadPhoto(*app_, x_, "off.x", their_draft.name(), "another district's photo", true);
  EXPECT_EQ(attach(a_, draft.name(), their_photo.name(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The rendering lists the item with its hash.
  v1::RenderedInspectionRecord rendered;
  ASSERT_TRUE(Render(a_, draft.name(), &rendered).ok());
  EXPECT_THAT(rendered.text(), HasSubstr(photo.sha256()));
}

}  // namespace
}  // namespace ecocase
