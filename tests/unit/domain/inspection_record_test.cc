// Inspection records (现场检查笔录 / 勘察笔录 / 询问笔录, domain-rules §4.3; issue 10) as pure
// rules: two officers with credentials shown, the signatures or a witnessed refusal, and
// immutability once signed.
#include "domain/inspection_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "absl/strings/cord.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "testing/status_matchers.h"

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAlice[] = "users/alice";
constexpr char kPlant[] = "91350100M000100Y43";
constexpr char kAbcSha256[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

absl::Time Beijing(int y, int m, int d, int h, int min = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, min, 0));
}
const absl::Time kNow = Beijing(2026, 3, 5, 12);

std::string FieldOf(const absl::Status& s) {
  auto field = s.GetPayload(common::kFieldPayload);
  return field ? std::string(*field) : "";
}
using common::ReasonOf;

InspectionOfficer Officer(const std::string& username, const std::string& name,
                          const std::string& certificate) {
  return InspectionOfficer{username, name, certificate, true, Beijing(2026, 3, 5, 11, 5)};
}

// An on-site inspection from 09:30 to 11:00 Beijing time, both officers signed, the party
// not yet.
InspectionRecord Draft() {
  InspectionRecord r;
  r.id = 12;
  r.kind = InspectionKind::kOnSiteInspection;
  r.enterprise_uscc = kPlant;
  r.party_name = "焦作市某化工有限公司";
  r.person_present = "张伟";
  r.person_title = "环保负责人";
  r.place = "焦作市解放区某路1号厂区东侧雨水排口";
  r.district_code = "410802";
  r.start_time = Beijing(2026, 3, 5, 9, 30);
  r.end_time = Beijing(2026, 3, 5, 11, 0);
  r.officers = {Officer("alice", "李娜", "豫环执A0001"),
                Officer("users/bob", "王强", "豫环执A0002")};
  r.findings = "1. 雨水排口旁发现一根暗管通向厂外。\n2. 脱硫设施在线数据与现场不符。";
  EXPECT_THAT(ValidateDraft(r, "inspection", kNow), IsOk());
  CreateDraft(r, kAlice, kNow);
  return r;
}

InspectionRecord ReadyToSign() {
  InspectionRecord r = Draft();
  r.party_signature = PartySignature{"张伟", Beijing(2026, 3, 5, 11, 10)};
  return r;
}

EvidenceItem StoredPhoto(int64_t id) {
  EvidenceItem e;
  e.id = id;
  e.kind = EvidenceKind::kAudioVisual;
  e.file_name = "暗管照片_001.jpg";
  e.sha256 = kAbcSha256;
  e.state = EvidenceState::kStored;
  return e;
}

TEST(InspectionRecordTest, KindsAndStatesAreNamed) {
  EXPECT_EQ(InspectionKindName(InspectionKind::kOnSiteInspection), "ON_SITE_INSPECTION");
  EXPECT_EQ(InspectionKindFromName("INTERVIEW"), InspectionKind::kInterview);
  EXPECT_EQ(InspectionKindFromName("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(InspectionKindLabel(InspectionKind::kSurvey), "勘察笔录");
  EXPECT_EQ(InspectionStateFromName("SIGNED"), InspectionState::kSigned);
  EXPECT_EQ(InspectionStateName(InspectionState::kDraft), "DRAFT");
  EXPECT_EQ(InspectionIdFromName("inspections/12", "name").value_or(0), 12);
  EXPECT_EQ(FieldOf(InspectionIdFromName("inspections/x", "name").status()), "name");
}

TEST(InspectionRecordTest, DraftIsNormalised) {
  InspectionRecord r = Draft();
  EXPECT_EQ(r.state, InspectionState::kDraft);
  EXPECT_EQ(r.created_by, kAlice);
  EXPECT_EQ(r.officers[1].username, "bob");
  EXPECT_EQ(r.ResourceName(), "inspections/12");
  // An individual needs no credit code.
  InspectionRecord individual = Draft();
  individual.enterprise_uscc.clear();
  EXPECT_THAT(ValidateDraft(individual, "inspection", kNow), IsOk());
}

TEST(InspectionRecordTest, EveryValidationNamesItsField) {
  const struct {
    const char* field;
    std::function<void(InspectionRecord&)> spoil;
  } kCases[] = {
      {"inspection.kind", [](InspectionRecord& r) { r.kind = InspectionKind::kUnspecified; }},
      {"inspection.enterprise_uscc", [](InspectionRecord& r) { r.enterprise_uscc = "123"; }},
      {"inspection.party_name", [](InspectionRecord& r) { r.party_name = " "; }},
      {"inspection.person_present", [](InspectionRecord& r) { r.person_present = ""; }},
      {"inspection.person_title",
       [](InspectionRecord& r) { r.person_title = std::string(65, 'x'); }},
      {"inspection.place", [](InspectionRecord& r) { r.place = ""; }},
      {"inspection.district_code", [](InspectionRecord& r) { r.district_code = "4108"; }},
      {"inspection.start_time", [](InspectionRecord& r) { r.start_time = absl::Time(); }},
      {"inspection.start_time", [](InspectionRecord& r) { r.start_time = kNow + absl::Hours(1); }},
      {"inspection.end_time", [](InspectionRecord& r) { r.end_time = r.start_time; }},
      {"inspection.end_time",
       [](InspectionRecord& r) { r.end_time = r.start_time + absl::Hours(25); }},
      {"inspection.end_time", [](InspectionRecord& r) { r.end_time = kNow + absl::Hours(1); }},
      {"inspection.officers", [](InspectionRecord& r) { r.officers.clear(); }},
      {"inspection.officers[1].username",
       [](InspectionRecord& r) { r.officers[1].username = "B"; }},
      {"inspection.officers[1].username",
       [](InspectionRecord& r) { r.officers[1].username = "alice"; }},
      {"inspection.officers[0].display_name",
       [](InspectionRecord& r) { r.officers[0].display_name = ""; }},
      {"inspection.officers[0].certificate_number",
       [](InspectionRecord& r) { r.officers[0].certificate_number = ""; }},
      {"inspection.officers[0].sign_time",
       [](InspectionRecord& r) { r.officers[0].sign_time = r.start_time - absl::Hours(1); }},
      {"inspection.findings", [](InspectionRecord& r) { r.findings = ""; }},
      {"inspection.findings", [](InspectionRecord& r) { r.findings = std::string(5001, 'x'); }},
      {"inspection.party_signature.name",
       [](InspectionRecord& r) {
         r.party_signature = PartySignature{"", r.end_time};
       }},
      {"inspection.party_signature.time",
       [](InspectionRecord& r) {
         r.party_signature = PartySignature{"张伟", absl::Time()};
       }},
      {"inspection.refusal.witness_name",
       [](InspectionRecord& r) {
         r.refusal = SignatureRefusal{"", "", "拒绝签字", r.end_time};
       }},
      {"inspection.refusal.note",
       [](InspectionRecord& r) {
         r.refusal = SignatureRefusal{"赵敏", "", "", r.end_time};
       }},
      {"inspection.refusal",
       [](InspectionRecord& r) {
         r.party_signature = PartySignature{"张伟", r.end_time};
         r.refusal = SignatureRefusal{"赵敏", "", "拒绝签字", r.end_time};
       }},
      {"inspection.corrects", [](InspectionRecord& r) { r.corrects = -2; }},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.field);
    InspectionRecord r = Draft();
    c.spoil(r);
    absl::Status s = ValidateDraft(r, "inspection", kNow);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), c.field);
  }
}

TEST(InspectionRecordTest, OneOfficerAloneCannotSign) {
  InspectionRecord r = ReadyToSign();
  r.officers.pop_back();
  ASSERT_THAT(ValidateDraft(r, "inspection", kNow), IsOk());  // a draft may start with one
  absl::Status s = Sign(r, kAlice, kNow);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("at least 2")));
  EXPECT_EQ(ReasonOf(s), "INSPECTION_OFFICERS");
  EXPECT_EQ(r.state, InspectionState::kDraft);
}

TEST(InspectionRecordTest, EveryOfficerShowsCredentialsAndSigns) {
  InspectionRecord r = ReadyToSign();
  r.officers[1].credentials_shown = false;
  absl::Status shown = Sign(r, kAlice, kNow);
  EXPECT_EQ(ReasonOf(shown), "INSPECTION_OFFICERS");
  EXPECT_THAT(shown.message(), HasSubstr("credentials shown; not shown: bob"));

  r.officers[1].credentials_shown = true;
  r.officers[0].sign_time.reset();
  absl::Status unsigned_officer = Sign(r, "users/bob", kNow);
  EXPECT_EQ(ReasonOf(unsigned_officer), "INSPECTION_OFFICERS");
  EXPECT_THAT(unsigned_officer.message(), HasSubstr("not signed: alice"));

  r.officers[0].sign_time = Beijing(2026, 3, 5, 11, 5);
  EXPECT_EQ(ReasonOf(Sign(r, "users/carol", kNow)), "INSPECTION_OFFICERS");  // not on it
  EXPECT_EQ(r.state, InspectionState::kDraft);
}

TEST(InspectionRecordTest, PartySignsOrRefusesBeforeAWitness) {
  InspectionRecord r = Draft();
  absl::Status none = Sign(r, kAlice, kNow);
  EXPECT_THAT(none, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(none), "INSPECTION_PARTY_SIGNATURE");

  // A refusal without a witness is refused, both as input and when signing.
  r.refusal = SignatureRefusal{"", "", kSignatureRefusalNote, Beijing(2026, 3, 5, 11, 10)};
  EXPECT_EQ(FieldOf(ValidateDraft(r, "inspection", kNow)), "inspection.refusal.witness_name");
  absl::Status no_witness = Sign(r, kAlice, kNow);
  EXPECT_EQ(ReasonOf(no_witness), "INSPECTION_PARTY_SIGNATURE");
  EXPECT_THAT(no_witness.message(), HasSubstr("witness"));

  r.refusal->witness_name = "赵敏";
  r.refusal->witness_note = "解放区某街道办事处工作人员";
  ASSERT_THAT(ValidateDraft(r, "inspection", kNow), IsOk());
  ASSERT_THAT(Sign(r, kAlice, kNow), IsOk());
  EXPECT_EQ(r.state, InspectionState::kSigned);
  EXPECT_EQ(r.signed_by, kAlice);
  EXPECT_EQ(r.sign_time, kNow);
}

TEST(InspectionRecordTest, SignedRecordCannotChange) {
  InspectionRecord r = ReadyToSign();
  ASSERT_THAT(AttachEvidence(r, StoredPhoto(5), kNow), IsOk());
  ASSERT_THAT(Sign(r, "users/bob", kNow), IsOk());
  const InspectionRecord signed_copy = r;

  auto expect_signed = [](const absl::Status& s) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_EQ(ReasonOf(s), "INSPECTION_SIGNED");
  };
  expect_signed(CheckMutable(r));
  expect_signed(Sign(r, kAlice, kNow));
  expect_signed(AttachEvidence(r, StoredPhoto(6), kNow));
  InspectionRecord edit = Draft();
  edit.findings = "改过的检查情况";
  expect_signed(UpdateDraft(r, edit, "inspection", kNow));
  EXPECT_EQ(r.findings, signed_copy.findings);
  EXPECT_EQ(r.evidence.size(), 1u);

  // The correction is a new draft linked to the old record.
  auto correction = StartCorrection(r, "users/bob", kNow + absl::Hours(1));
  ASSERT_THAT(correction, IsOk());
  EXPECT_EQ(correction->state, InspectionState::kDraft);
  EXPECT_EQ(correction->corrects, 12);
  EXPECT_EQ(correction->id, 0);
  EXPECT_EQ(correction->evidence.size(), 1u);
  EXPECT_FALSE(correction->party_signature.has_value());
  EXPECT_FALSE(correction->officers[0].sign_time.has_value());
  EXPECT_EQ(correction->created_by, "users/bob");
  // A draft is edited, not corrected.
  EXPECT_EQ(ReasonOf(StartCorrection(*correction, kAlice, kNow).status()), "INSPECTION_STATE");
}

TEST(InspectionRecordTest, DraftIsEditedAndEvidenceAttached) {
  InspectionRecord r = Draft();
  ASSERT_THAT(AttachEvidence(r, StoredPhoto(5), kNow), IsOk());
  ASSERT_THAT(AttachEvidence(r, StoredPhoto(5), kNow), IsOk());  // no-op
  EXPECT_EQ(r.evidence.size(), 1u);
  EvidenceItem partial = StoredPhoto(6);
  partial.state = EvidenceState::kUploading;
  EXPECT_EQ(ReasonOf(AttachEvidence(r, partial, kNow)), "EVIDENCE_STATE");

  InspectionRecord edit = Draft();
  edit.id = 99;  // ignored
  edit.findings = "补充：暗管已由企业当场封堵。";
  ASSERT_THAT(UpdateDraft(r, edit, "inspection", kNow + absl::Minutes(5)), IsOk());
  EXPECT_EQ(r.id, 12);
  EXPECT_EQ(r.findings, "补充：暗管已由企业当场封堵。");
  EXPECT_EQ(r.evidence.size(), 1u);
  EXPECT_EQ(r.update_time, kNow + absl::Minutes(5));
  edit.place = "";
  EXPECT_EQ(FieldOf(UpdateDraft(r, edit, "inspection", kNow)), "inspection.place");
}

// A draft nobody has signed yet.
InspectionRecord Unsigned() {
  InspectionRecord r = Draft();
  for (InspectionOfficer& o : r.officers) o.sign_time.reset();
  return r;
}

TEST(InspectionRecordTest, EachOfficerSignsAndTheLastCompletesIt) {
  InspectionRecord r = Unsigned();
  const absl::Time t1 = kNow + absl::Minutes(1);
  auto first = SignAsOfficer(r, kAlice, std::nullopt, std::nullopt, t1);
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(*first);
  EXPECT_EQ(r.state, InspectionState::kDraft);
  EXPECT_EQ(r.officers[0].sign_time, t1);
  EXPECT_FALSE(r.officers[1].sign_time.has_value());
  EXPECT_EQ(r.update_time, t1);

  // Signing again changes nothing.
  auto again = SignAsOfficer(r, kAlice, std::nullopt, std::nullopt, t1 + absl::Minutes(1));
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  EXPECT_EQ(r.officers[0].sign_time, t1);
  EXPECT_EQ(r.update_time, t1);

  // Not on the record.
  EXPECT_EQ(ReasonOf(SignAsOfficer(r, "users/carol", std::nullopt, std::nullopt, kNow).status()),
            "INSPECTION_OFFICERS");

  // The last officer without the party's part: refused, nothing recorded.
  const InspectionRecord before = r;
  absl::Status no_party = SignAsOfficer(r, "users/bob", std::nullopt, std::nullopt, kNow).status();
  EXPECT_THAT(no_party, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(no_party), "INSPECTION_PARTY_SIGNATURE");
  EXPECT_FALSE(r.officers[1].sign_time.has_value());
  EXPECT_EQ(r.update_time, before.update_time);

  // Both the signature and a refusal: bad input.
  EXPECT_THAT(SignAsOfficer(r, "users/bob", PartySignature{"张伟", {}},
                            SignatureRefusal{"赵敏", "", "", {}}, kNow)
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(
      FieldOf(SignAsOfficer(r, "users/bob", PartySignature{"", {}}, std::nullopt, kNow).status()),
      "party_signature.name");

  const absl::Time t2 = kNow + absl::Minutes(3);
  auto last = SignAsOfficer(r, "users/bob", PartySignature{"张伟", {}}, std::nullopt, t2);
  ASSERT_THAT(last, IsOk());
  EXPECT_TRUE(*last);
  EXPECT_EQ(r.state, InspectionState::kSigned);
  EXPECT_EQ(r.signed_by, "users/bob");
  EXPECT_EQ(r.sign_time, t2);
  EXPECT_EQ(r.officers[1].sign_time, t2);
  ASSERT_TRUE(r.party_signature.has_value());
  EXPECT_EQ(r.party_signature->time, t2);

  EXPECT_EQ(ReasonOf(SignAsOfficer(r, kAlice, std::nullopt, std::nullopt, t2).status()),
            "INSPECTION_SIGNED");
}

TEST(InspectionRecordTest, OfficerSignsOnlyWithCredentialsShown) {
  InspectionRecord r = Unsigned();
  r.officers[0].credentials_shown = false;
  absl::Status s = SignAsOfficer(r, kAlice, std::nullopt, std::nullopt, kNow).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(s), "INSPECTION_OFFICERS");
  EXPECT_FALSE(r.officers[0].sign_time.has_value());
}

TEST(InspectionRecordTest, OneOfficerAloneCannotSignAsOfficer) {
  InspectionRecord r = Unsigned();
  r.officers.pop_back();
  const InspectionRecord before = r;
  absl::Status s =
      SignAsOfficer(r, kAlice, PartySignature{"张伟", {}}, std::nullopt, kNow).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("at least 2")));
  EXPECT_EQ(ReasonOf(s), "INSPECTION_OFFICERS");
  EXPECT_EQ(r.state, InspectionState::kDraft);
  EXPECT_FALSE(r.officers[0].sign_time.has_value());
  EXPECT_FALSE(r.party_signature.has_value());
  EXPECT_EQ(r.update_time, before.update_time);
}

TEST(InspectionRecordTest, PartysPartIsRecordedOnce) {
  InspectionRecord r = Unsigned();
  SignatureRefusal refusal{"赵敏", "解放区某街道办事处工作人员", "", {}};
  auto first = SignAsOfficer(r, kAlice, std::nullopt, refusal, kNow);
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(*first);
  ASSERT_TRUE(r.refusal.has_value());
  EXPECT_EQ(r.refusal->note, kSignatureRefusalNote);  // the default
  EXPECT_EQ(r.refusal->time, kNow);

  // Another party's part is refused; the same refusal again is fine.
  EXPECT_EQ(ReasonOf(SignAsOfficer(r, "users/bob", PartySignature{"张伟", {}}, std::nullopt,
                                   kNow + absl::Minutes(1))
                         .status()),
            "INSPECTION_PARTY_SIGNATURE");
  SignatureRefusal other = refusal;
  other.witness_name = "钱七";
  EXPECT_EQ(ReasonOf(SignAsOfficer(r, "users/bob", std::nullopt, other, kNow).status()),
            "INSPECTION_PARTY_SIGNATURE");
  EXPECT_FALSE(r.officers[1].sign_time.has_value());
  auto last = SignAsOfficer(r, "users/bob", std::nullopt, refusal, kNow + absl::Minutes(2));
  ASSERT_THAT(last, IsOk());
  EXPECT_TRUE(*last);
  EXPECT_EQ(r.state, InspectionState::kSigned);
  EXPECT_EQ(r.refusal->time, kNow);  // as first recorded
}

TEST(InspectionRecordTest, EditingADraftClearsItsSignatures) {
  InspectionRecord r = Unsigned();
  ASSERT_THAT(SignAsOfficer(r, kAlice, PartySignature{"张伟", {}}, std::nullopt, kNow), IsOk());
  InspectionRecord edit = ReadyToSign();  // carries signatures: they are not taken
  edit.findings = "补充：暗管已由企业当场封堵。";
  ASSERT_THAT(UpdateDraft(r, edit, "inspection", kNow + absl::Minutes(5)), IsOk());
  EXPECT_EQ(r.state, InspectionState::kDraft);
  for (const InspectionOfficer& o : r.officers) EXPECT_FALSE(o.sign_time.has_value());
  EXPECT_FALSE(r.party_signature.has_value());
  EXPECT_FALSE(r.refusal.has_value());

  r.refusal = SignatureRefusal{"赵敏", "", kSignatureRefusalNote, kNow};
  ASSERT_THAT(UpdateDraft(r, edit, "inspection", kNow + absl::Minutes(6)), IsOk());
  EXPECT_FALSE(r.refusal.has_value());
}

TEST(InspectionRecordTest, RenderingHoldsTheKeyFacts) {
  InspectionRecord r = ReadyToSign();
  ASSERT_THAT(AttachEvidence(r, StoredPhoto(5), kNow), IsOk());
  ASSERT_THAT(Sign(r, kAlice, kNow), IsOk());
  const std::string text = RenderInspectionRecord(r);
  for (const char* fact : {
           "现场检查（勘察）笔录\n",
           "编号：inspections/12\n",
           "检查时间：2026年03月05日09时30分至2026年03月05日11时00分\n",
           "检查地点：焦作市解放区某路1号厂区东侧雨水排口\n",
           "被检查单位（人）：焦作市某化工有限公司（统一社会信用代码：91350100M000100Y43）\n",
           "现场负责人：张伟（环保负责人）\n",
           "李娜（执法证号：豫环执A0001，已出示执法证件）",
           "王强（执法证号：豫环执A0002，已出示执法证件）",
           "检查情况：\n1. 雨水排口旁发现一根暗管通向厂外。\n2. 脱硫设施在线数据与现场不符。\n",
           "1. evidence/5 视听资料 暗管照片_001.jpg SHA-256："
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n",
           "当事人签名：张伟（2026年03月05日11时10分）\n",
           "李娜（2026年03月05日11时05分）",
           "签署时间：2026年03月05日12时00分\n",
       }) {
    EXPECT_THAT(text, HasSubstr(fact));
  }
  EXPECT_THAT(text, Not(HasSubstr("草稿")));
}

TEST(InspectionRecordTest, RenderingOfARefusalAndAnInterview) {
  InspectionRecord r = Draft();
  r.kind = InspectionKind::kInterview;
  r.enterprise_uscc.clear();
  r.refusal =
      SignatureRefusal{"赵敏", "街道办事处", kSignatureRefusalNote, Beijing(2026, 3, 5, 11, 15)};
  const std::string text = RenderInspectionRecord(r);
  for (const char* fact :
       {"询问笔录\n", "笔录类型：询问笔录\n", "状态：草稿（未签署）\n",
        "询问时间：2026年03月05日09时30分", "被询问人：张伟", "当事人签名：拒签（拒绝签字）\n",
        "见证人：赵敏（街道办事处）（2026年03月05日11时15分）\n", "附证据：无\n"}) {
    EXPECT_THAT(text, HasSubstr(fact));
  }
  EXPECT_THAT(text, Not(HasSubstr("统一社会信用代码")));
}

}  // namespace
}  // namespace ecocase::domain
