// Evidence items (domain-rules §4.2 row 2a, §4.3; issue 10) as pure rules: the metadata, the
// resumable upload session and who may see an item.
#include "domain/evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "testing/status_matchers.h"

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOfficer[] = "users/alice";
// SHA-256 of "abc" (FIPS 180-2 example).
constexpr char kAbcSha256[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// SHA-256 of the empty string.
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

absl::Time Beijing(int y, int m, int d, int h = 10) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, 0, 0));
}
const absl::Time kNow = Beijing(2026, 3, 5, 11);

std::string FieldOf(const absl::Status& s) {
  auto field = s.GetPayload(common::kFieldPayload);
  return field ? std::string(*field) : "";
}
template <typename T>
std::optional<T> ValueOf(const absl::StatusOr<T>& s) {
  return s.ok() ? std::optional<T>(*s) : std::nullopt;
}
using common::ReasonOf;

// A photo of a bypass pipe taken during an inspection.
EvidenceItem Photo() {
  EvidenceItem item;
  item.sha256 = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  item.size_bytes = 3;
  item.media_type = "Image/JPEG";
  item.file_name = "暗管照片_001.jpg";
  item.kind = EvidenceKind::kAudioVisual;
  item.capture_time = Beijing(2026, 3, 5, 9);
  item.location = GeoPoint{35.2159, 113.2418};
  item.device_id = "IMEI 861234567890123";
  item.device_model = "执法记录仪 DSJ-V9";
  item.capturing_officers = {"users/alice"};
  item.parent = "inspections/12";
  item.description = "厂区东侧雨水排口旁发现暗管";
  return item;
}

EvidenceItem Uploading(int64_t size = 10) {
  EvidenceItem item = Photo();
  item.id = 5;
  item.size_bytes = size;
  EXPECT_THAT(ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow), IsOk());
  StartUpload(item, kOfficer, kNow);
  return item;
}

TEST(EvidenceTest, KindsAreNamedLabelledAndParsed) {
  EXPECT_EQ(EvidenceKindName(EvidenceKind::kElectronicData), "ELECTRONIC_DATA");
  EXPECT_EQ(EvidenceKindLabel(EvidenceKind::kElectronicData), "电子数据");
  EXPECT_EQ(EvidenceKindLabel(EvidenceKind::kPartyStatement), "当事人的陈述");
  EXPECT_EQ(EvidenceKindLabel(EvidenceKind::kDeterminationOpinion), "认定意见");
  for (int i = 1; i <= 12; ++i) {
    const auto kind = static_cast<EvidenceKind>(i);
    EXPECT_EQ(EvidenceKindFromName(EvidenceKindName(kind)), kind) << i;
  }
  EXPECT_EQ(EvidenceKindFromName("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(EvidenceKindName(static_cast<EvidenceKind>(13)), "UNSPECIFIED");
  EXPECT_EQ(EvidenceStateFromName("STORED"), EvidenceState::kStored);
  EXPECT_EQ(EvidenceStateName(EvidenceState::kAbandoned), "ABANDONED");
}

TEST(EvidenceTest, ValidItemIsNormalised) {
  EvidenceItem item = Photo();
  ASSERT_THAT(ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow), IsOk());
  EXPECT_EQ(item.sha256, kAbcSha256);
  EXPECT_EQ(item.media_type, "image/jpeg");
  EXPECT_THAT(item.capturing_officers, ElementsAre("alice"));
}

TEST(EvidenceTest, EveryValidationNamesItsField) {
  const struct {
    const char* field;
    std::function<void(EvidenceItem&)> spoil;
  } kCases[] = {
      {"evidence.sha256", [](EvidenceItem& i) { i.sha256 = "abc"; }},
      {"evidence.sha256", [](EvidenceItem& i) { i.sha256 = std::string(64, 'g'); }},
      {"evidence.size_bytes", [](EvidenceItem& i) { i.size_bytes = 0; }},
      {"evidence.size_bytes", [](EvidenceItem& i) { i.size_bytes = (int64_t{2} << 30) + 1; }},
      {"evidence.media_type", [](EvidenceItem& i) { i.media_type = "jpeg"; }},
      {"evidence.media_type", [](EvidenceItem& i) { i.media_type = "image/jpeg; q=1"; }},
      {"evidence.media_type", [](EvidenceItem& i) { i.media_type = "foo/bar"; }},
      {"evidence.file_name", [](EvidenceItem& i) { i.file_name = ""; }},
      {"evidence.file_name", [](EvidenceItem& i) { i.file_name = "../../etc/passwd"; }},
      {"evidence.file_name", [](EvidenceItem& i) { i.file_name = "a\nb.jpg"; }},
      {"evidence.kind", [](EvidenceItem& i) { i.kind = EvidenceKind::kUnspecified; }},
      {"evidence.capture_time", [](EvidenceItem& i) { i.capture_time = absl::Time(); }},
      {"evidence.capture_time", [](EvidenceItem& i) { i.capture_time = kNow + absl::Hours(1); }},
      {"evidence.capture_time",
       [](EvidenceItem& i) { i.capture_time = Beijing(2021, 3, 1); }},  // > 5 years
      {"evidence.location.latitude", [](EvidenceItem& i) { i.location->latitude = 90.5; }},
      {"evidence.location.longitude", [](EvidenceItem& i) { i.location->longitude = -181; }},
      {"evidence.device.id", [](EvidenceItem& i) { i.device_id = ""; }},
      {"evidence.device.model", [](EvidenceItem& i) { i.device_model = std::string(129, 'x'); }},
      {"evidence.capturing_officers", [](EvidenceItem& i) { i.capturing_officers.clear(); }},
      {"evidence.capturing_officers[0]", [](EvidenceItem& i) { i.capturing_officers = {"A!"}; }},
      {"evidence.capturing_officers[1]",
       [](EvidenceItem& i) {
         i.capturing_officers = {"alice", "users/alice"};
       }},
      {"evidence.capturing_officers",
       [](EvidenceItem& i) { i.kind = EvidenceKind::kOnSiteRecord; }},
      {"evidence.capturing_officers",
       [](EvidenceItem& i) { i.kind = EvidenceKind::kInspectionTranscript; }},
      {"evidence.parent", [](EvidenceItem& i) { i.parent = "complaints/3"; }},
      {"evidence.parent", [](EvidenceItem& i) { i.parent = "cases/0"; }},
      {"evidence.description", [](EvidenceItem& i) { i.description = std::string(1001, 'x'); }},
      {"evidence.corrects", [](EvidenceItem& i) { i.corrects = -1; }},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.field);
    EvidenceItem item = Photo();
    c.spoil(item);
    absl::Status s = ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), c.field);
  }
}

TEST(EvidenceTest, CaptureTimeAllowsClockSkewAndTheConfiguredAge) {
  EvidenceItem item = Photo();
  item.capture_time = kNow + absl::Minutes(5);  // the device clock runs ahead
  EXPECT_THAT(ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow), IsOk());
  item.capture_time = Beijing(2021, 3, 10);  // within 5 years
  EXPECT_THAT(ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow), IsOk());
  EvidenceOptions strict;
  strict.max_capture_age = absl::Hours(24 * 30);
  EXPECT_EQ(FieldOf(ValidateNewEvidence(item, "evidence", strict, kNow)), "evidence.capture_time");
  strict.max_size_bytes = 2;
  item.capture_time = kNow;
  EXPECT_EQ(FieldOf(ValidateNewEvidence(item, "evidence", strict, kNow)), "evidence.size_bytes");
}

TEST(EvidenceTest, OnSiteRecordNeedsTwoOfficersAndNoLocation) {
  EvidenceItem item = Photo();
  item.kind = EvidenceKind::kOnSiteRecord;
  item.media_type = "application/pdf";
  item.location.reset();
  item.capturing_officers = {"alice", "users/bob"};
  ASSERT_THAT(ValidateNewEvidence(item, "evidence", EvidenceOptions(), kNow), IsOk());
  EXPECT_THAT(item.capturing_officers, ElementsAre("alice", "bob"));
}

TEST(EvidenceTest, NamesAndHashes) {
  EXPECT_EQ(ValueOf(EvidenceIdFromName("evidence/42", "name")), 42);
  for (const char* bad : {"evidence/", "evidence/0", "evidence/x", "cases/42", "evidence/-1"}) {
    EXPECT_EQ(FieldOf(EvidenceIdFromName(bad, "name").status()), "name") << bad;
  }
  EvidenceItem item;
  item.id = 42;
  EXPECT_EQ(item.ResourceName(), "evidence/42");
  EXPECT_TRUE(IsSha256Hex(kAbcSha256));
  EXPECT_FALSE(IsSha256Hex(absl::AsciiStrToUpper(kAbcSha256)));
  EXPECT_TRUE(IsMediaType("video/mp4"));
  EXPECT_TRUE(IsMediaType("application/vnd.ms-excel"));
  EXPECT_FALSE(IsMediaType("video/"));
  EXPECT_FALSE(IsMediaType("/mp4"));
}

TEST(EvidenceTest, ResumeOffsetFollowsTheReceivedBytes) {
  EvidenceItem item = Uploading(10);
  EXPECT_EQ(item.state, EvidenceState::kUploading);
  EXPECT_EQ(item.uploaded_by, kOfficer);
  auto progress = ResumeOffset(item);
  ASSERT_THAT(progress, IsOk());
  EXPECT_EQ(progress->offset, 0);
  EXPECT_FALSE(progress->complete);
  item.received_bytes = 4;  // a chunk was stored, then the connection dropped
  EXPECT_EQ(ResumeOffset(item)->offset, 4);
  item.received_bytes = 10;
  item.sha256 = kAbcSha256;
  ASSERT_THAT(CompleteUpload(item, kAbcSha256, kNow), IsOk());
  EXPECT_EQ(ResumeOffset(item)->offset, 10);
  EXPECT_TRUE(ResumeOffset(item)->complete);
  EvidenceItem abandoned = Uploading();
  ASSERT_THAT(AbandonUpload(abandoned), IsOk());
  absl::Status s = ResumeOffset(abandoned).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(s), "EVIDENCE_STATE");
}

TEST(EvidenceTest, ChunkMustStartAtTheReceivedOffsetAndFit) {
  EvidenceOptions options;
  options.max_chunk_bytes = 4;
  EvidenceItem item = Uploading(10);
  EXPECT_EQ(ValueOf(CheckChunk(item, 0, 4, options)), 4);
  item.received_bytes = 4;
  EXPECT_EQ(ValueOf(CheckChunk(item, 4, 4, options)), 8);
  item.received_bytes = 8;
  EXPECT_EQ(ValueOf(CheckChunk(item, 8, 2, options)), 10);

  // A chunk resent after the connection dropped, or one skipped ahead.
  for (int64_t offset : {4, 9}) {
    absl::Status s = CheckChunk(item, offset, 2, options).status();
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("offset 8")));
    EXPECT_EQ(ReasonOf(s), "EVIDENCE_OFFSET_MISMATCH");
  }
  // More bytes than declared.
  absl::Status past = CheckChunk(item, 8, 3, options).status();
  EXPECT_THAT(past, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(past), "EVIDENCE_SIZE_MISMATCH");
  // Chunk size and offset as input.
  EXPECT_EQ(FieldOf(CheckChunk(item, 8, 0, options).status()), "chunk.data");
  EXPECT_EQ(FieldOf(CheckChunk(item, 8, 5, options).status()), "chunk.data");
  EXPECT_EQ(FieldOf(CheckChunk(item, -1, 2, options).status()), "chunk.offset");
  // Not while stored or abandoned.
  ASSERT_THAT(AbandonUpload(item), IsOk());
  EXPECT_EQ(ReasonOf(CheckChunk(item, 8, 2, options).status()), "EVIDENCE_STATE");
}

TEST(EvidenceTest, TamperedChunkIsRefused) {
  EXPECT_THAT(CheckChunkHash(kAbcSha256, kAbcSha256), IsOk());
  EXPECT_THAT(CheckChunkHash(absl::AsciiStrToUpper(kAbcSha256), kAbcSha256), IsOk());
  absl::Status s = CheckChunkHash(kAbcSha256, kEmptySha256);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(s), "EVIDENCE_CHUNK_HASH_MISMATCH");
  EXPECT_EQ(FieldOf(CheckChunkHash("", kEmptySha256)), "chunk.sha256");
}

TEST(EvidenceTest, CompletionNeedsTheDeclaredSizeAndHash) {
  EvidenceItem item = Uploading(3);
  item.received_bytes = 2;
  absl::Status short_by_one = CompleteUpload(item, kAbcSha256, kNow);
  EXPECT_THAT(short_by_one, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(short_by_one), "EVIDENCE_SIZE_MISMATCH");

  item.received_bytes = 3;
  absl::Status wrong = CompleteUpload(item, kEmptySha256, kNow);
  EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(wrong), "EVIDENCE_HASH_MISMATCH");
  EXPECT_EQ(item.state, EvidenceState::kUploading);  // unchanged; the caller abandons it

  const absl::Time done = kNow + absl::Minutes(2);
  ASSERT_THAT(CompleteUpload(item, absl::AsciiStrToUpper(kAbcSha256), done), IsOk());
  EXPECT_EQ(item.state, EvidenceState::kStored);
  EXPECT_EQ(item.upload_time, done);
  // A retried completion returns the same item; a stored item is immutable.
  EXPECT_THAT(CompleteUpload(item, kAbcSha256, done + absl::Minutes(1)), IsOk());
  EXPECT_EQ(item.upload_time, done);
  EXPECT_EQ(ReasonOf(CompleteUpload(item, kEmptySha256, done)), "EVIDENCE_STATE");
  EXPECT_EQ(ReasonOf(AbandonUpload(item)), "EVIDENCE_STATE");
  EXPECT_EQ(item.state, EvidenceState::kStored);
}

TEST(EvidenceTest, WhoMaySeeAnItem) {
  EvidenceItem item = Uploading(3);
  item.parent = "cases/7";
  item.received_bytes = 3;
  ASSERT_THAT(CompleteUpload(item, kAbcSha256, kNow), IsOk());

  EXPECT_TRUE(MaySeeEvidence(item, {Role::kOfficer, "bob", true, false, false}));
  EXPECT_TRUE(MaySeeEvidence(item, {Role::kSupervisor, "sup", true, false, false}));
  EXPECT_FALSE(MaySeeEvidence(item, {Role::kOfficer, "bob", false, false, false}));
  EXPECT_FALSE(MaySeeEvidence(item, {Role::kHotlineOperator, "op", true, false, false}));
  EXPECT_FALSE(MaySeeEvidence(item, {Role::kStation, "st", true, true, true}));

  // The enterprise: its own case, once notified.
  EXPECT_TRUE(MaySeeEvidence(item, {Role::kEnterprise, "plant", false, true, true}));
  EXPECT_FALSE(MaySeeEvidence(item, {Role::kEnterprise, "plant", false, true, false}));
  EXPECT_FALSE(MaySeeEvidence(item, {Role::kEnterprise, "other", false, false, true}));
  // Not an inspection's or task's evidence, nor an unfinished upload.
  EvidenceItem inspection = item;
  inspection.parent = "inspections/12";
  EXPECT_FALSE(MaySeeEvidence(inspection, {Role::kEnterprise, "plant", false, true, true}));
  EvidenceItem partial = Uploading(3);
  partial.parent = "cases/7";
  EXPECT_FALSE(MaySeeEvidence(partial, {Role::kEnterprise, "plant", false, true, true}));
  // Its own upload (a rectification photo for a task).
  EvidenceItem own = item;
  own.parent = "tasks/3";
  own.uploaded_by = "users/plant";
  EXPECT_TRUE(MaySeeEvidence(own, {Role::kEnterprise, "plant", false, false, false}));
}

}  // namespace
}  // namespace ecocase::domain
