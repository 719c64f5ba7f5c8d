// Evidence item and inspection record storage against the real database. Evidence: every
// field round-trips, Create is idempotent per uploader, parent and hash (also when four
// transactions start the same upload at once) until the item is abandoned, StoreProgress
// writes the upload's progress and nothing else, lists page oldest first and hide
// incomplete uploads unless asked, the quota sums what was not abandoned, and the stale
// sweep finds uploads left idle. Inspection records: every field round-trips, Store bumps
// the version and refuses a stale one, scope hides other districts and every enterprise,
// lists filter and page newest first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/notification.h"
#include "common/regulatory_time.h"
#include "domain/evidence.h"
#include "domain/inspection_record.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_evidence_repository.h"
#include "storage/mysql/mysql_inspection_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using domain::EvidenceItem;
using domain::EvidenceKind;
using domain::EvidenceState;
using domain::InspectionRecord;
using domain::InspectionState;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;
using ::ecocase::testing::ValidUscc;
using storage::EvidencePlacement;
using storage::InspectionCursor;
using storage::InspectionFilter;
using storage::Scope;
using storage::StoredEvidence;
using storage::mysql::MysqlEvidenceRepository;
using storage::mysql::MysqlInspectionRepository;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kPlant = ValidUscc("91410802MA45TA001");  // 解放区 410802
const std::string kMill = ValidUscc("91410803MA45TB002");   // 中站区 410803
constexpr char kOfficer[] = "users/officer1";
constexpr char kOther[] = "users/officer2";

// Beijing time.
absl::Time Beijing(int y, int m, int d, int h = 10, int mi = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, mi, 0));
}

// A SHA-256 in hex, distinct per `n`.
std::string Sha(int n) { return absl::StrFormat("%064x", n); }

Scope District(const std::string& code) {
  Scope s;
  s.district_codes = {code};
  return s;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

// Every field of an item, one per line, so that a mismatch names the field.
std::string Dump(const StoredEvidence& s) {
  const EvidenceItem& e = s.item;
  std::vector<std::string> lines;
  auto add = [&lines](auto&&... parts) { lines.push_back(absl::StrCat(parts...)); };
  add("id ", e.id, " sha256 ", e.sha256, " size ", e.size_bytes, " type ", e.media_type);
  add("file ", e.file_name, " kind ", domain::EvidenceKindName(e.kind));
  add("captured ", TimeText(e.capture_time));
  if (e.location) {
    add("location ", absl::StrFormat("%.17g %.17g", e.location->latitude, e.location->longitude));
  }
  add("device ", e.device_id, " model ", e.device_model);
  add("officers ", absl::StrJoin(e.capturing_officers, "|"));
  add("parent ", e.parent, " description ", e.description, " corrects ", e.corrects);
  add("state ", domain::EvidenceStateName(e.state), " received ", e.received_bytes);
  add("uploaded by ", e.uploaded_by, " created ", TimeText(e.create_time), " uploaded ",
      TimeText(e.upload_time));
  add("placement ", s.placement.district_code, " ", s.placement.enterprise_uscc);
  return absl::StrJoin(lines, "\n");
}

std::string Dump(const InspectionRecord& r) {
  std::vector<std::string> lines;
  auto add = [&lines](auto&&... parts) { lines.push_back(absl::StrCat(parts...)); };
  add("id ", r.id, " version ", r.version, " kind ", domain::InspectionKindName(r.kind));
  add("party ", r.enterprise_uscc, " ", r.party_name, " present ", r.person_present, " ",
      r.person_title);
  add("place ", r.place, " district ", r.district_code);
  add("times ", TimeText(r.start_time), " ", TimeText(r.end_time));
  for (const domain::InspectionOfficer& o : r.officers) {
    add("officer ", o.username, " ", o.display_name, " ", o.certificate_number, " ",
        o.credentials_shown, " ", o.sign_time ? TimeText(*o.sign_time) : "-");
  }
  add("findings ", r.findings);
  for (const domain::AttachedEvidence& e : r.evidence) {
    add("evidence ", e.id, " ", domain::EvidenceKindName(e.kind), " ", e.file_name, " ", e.sha256);
  }
  if (r.party_signature) {
    add("party signature ", r.party_signature->name, " ", TimeText(r.party_signature->time));
  }
  if (r.refusal) {
    add("refusal ", r.refusal->witness_name, " ", r.refusal->witness_note, " ", r.refusal->note,
        " ", TimeText(r.refusal->time));
  }
  add("corrects ", r.corrects, " state ", domain::InspectionStateName(r.state));
  add("created ", r.created_by, " ", TimeText(r.create_time), " updated ", TimeText(r.update_time));
  add("signed ", r.signed_by, " ", TimeText(r.sign_time));
  return absl::StrJoin(lines, "\n");
}

absl::Time Micros(absl::Time t) { return absl::FromUnixMicros(absl::ToUnixMicros(t)); }

// `r` as storage keeps it: whole microseconds.
InspectionRecord AsStored(InspectionRecord r) {
  r.start_time = Micros(r.start_time);
  r.end_time = Micros(r.end_time);
  for (domain::InspectionOfficer& o : r.officers) {
    if (o.sign_time) o.sign_time = Micros(*o.sign_time);
  }
  if (r.party_signature) r.party_signature->time = Micros(r.party_signature->time);
  if (r.refusal) r.refusal->time = Micros(r.refusal->time);
  r.create_time = Micros(r.create_time);
  r.update_time = Micros(r.update_time);
  r.sign_time = Micros(r.sign_time);
  return r;
}

class EvidenceStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("evidence");
    storage::DbOptions options = schema_->options();
    options.pool_size = 8;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(options);
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(*pool_, *migrations), IsOk());
    evidence_ = std::make_unique<MysqlEvidenceRepository>(*pool_);
    inspections_ = std::make_unique<MysqlInspectionRepository>(*pool_);
  }

  // A validated photo under `parent`, started by `uploader` at `at`.
  static EvidenceItem Photo(const std::string& parent, int sha, absl::Time at,
                            const std::string& uploader = kOfficer) {
    EvidenceItem e;
    e.sha256 = Sha(sha);
    e.size_bytes = 1000 + sha;
    e.media_type = "image/jpeg";
    e.file_name = "排污口现场照片.jpg";
    e.kind = EvidenceKind::kAudioVisual;
    e.capture_time = at - absl::Minutes(30) + absl::Nanoseconds(1500);
    e.device_id = "IMEI 861234567890123";
    e.capturing_officers = {"officer1", "officer2"};
    e.parent = parent;
    EXPECT_THAT(domain::ValidateNewEvidence(e, "evidence", {}, at), IsOk());
    domain::StartUpload(e, uploader, at);
    return e;
  }

  absl::Status InTx(const std::function<absl::Status(storage::Tx&)>& body) {
    return storage::mysql::RunInTransaction(*pool_, "evidence test", [&](sql::Connection& conn) {
      storage::Tx tx(conn);
      return body(tx);
    });
  }

  absl::StatusOr<std::pair<StoredEvidence, bool>> Create(const EvidenceItem& e,
                                                         const EvidencePlacement& placement = {}) {
    absl::StatusOr<std::pair<StoredEvidence, bool>> result;
    absl::Status status = InTx([&](storage::Tx& tx) {
      result = evidence_->Create(tx, e, placement);
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  EvidenceItem Created(const EvidenceItem& e, const EvidencePlacement& placement = {}) {
    auto created = Create(e, placement);
    EXPECT_THAT(created, IsOk());
    EXPECT_TRUE(created.ok() && created->second);
    return created.ok() ? created->first.item : EvidenceItem{};
  }

  // Locks item `id`, applies `change` and stores the progress at `now`.
  absl::Status Progress(int64_t id, const std::function<absl::Status(EvidenceItem&)>& change,
                        absl::Time now) {
    return InTx([&](storage::Tx& tx) -> absl::Status {
      absl::StatusOr<StoredEvidence> locked = evidence_->Lock(tx, id);
      if (!locked.ok()) return locked.status();
      if (absl::Status s = change(locked->item); !s.ok()) return s;
      return evidence_->StoreProgress(tx, locked->item, now);
    });
  }

  // Receives every byte of item `id` and completes it at `now`.
  void Complete(int64_t id, absl::Time now) {
    ASSERT_THAT(Progress(
                    id,
                    [&](EvidenceItem& e) {
                      e.received_bytes = e.size_bytes;
                      return domain::CompleteUpload(e, e.sha256, now);
                    },
                    now),
                IsOk());
  }

  void Abandon(int64_t id, absl::Time now) {
    ASSERT_THAT(Progress(id, domain::AbandonUpload, now), IsOk());
  }

  std::vector<int64_t> ListIds(const std::string& parent, bool include_incomplete, int limit,
                               int64_t after_id) {
    auto items = evidence_->List(parent, include_incomplete, limit, after_id);
    EXPECT_THAT(items, IsOk());
    std::vector<int64_t> ids;
    if (items.ok()) {
      for (const StoredEvidence& s : *items) ids.push_back(s.item.id);
    }
    return ids;
  }

  // A drafted record about `uscc` in `district`, with times that are not whole microseconds.
  static InspectionRecord Draft(const std::string& uscc, const std::string& district,
                                absl::Time at) {
    InspectionRecord r;
    r.kind = domain::InspectionKind::kOnSiteInspection;
    r.enterprise_uscc = uscc;
    r.party_name = "焦作市甲化工有限公司";
    r.person_present = "王建国";
    r.person_title = "环保负责人";
    r.place = "焦作市解放区某路1号 污水总排口";
    r.district_code = district;
    r.start_time = at - absl::Hours(2) + absl::Nanoseconds(700);
    r.end_time = at - absl::Hours(1) + absl::Nanoseconds(300);
    r.officers = {{"officer1", "张伟", "豫环执410802001", true, std::nullopt},
                  {"officer2", "李娜", "豫环执410802002", false, std::nullopt}};
    r.findings = "废水总排口COD在线数据异常；\n现场采样两瓶。";
    domain::CreateDraft(r, kOfficer, at + absl::Nanoseconds(900));
    return r;
  }

  InspectionRecord CreatedRecord(const InspectionRecord& r) {
    absl::StatusOr<InspectionRecord> created;
    EXPECT_THAT(InTx([&](storage::Tx& tx) {
                  created = inspections_->Create(tx, r);
                  return created.status();
                }),
                IsOk());
    return created.ok() ? *created : InspectionRecord{};
  }

  // Locks record `id`, applies `change` and stores it.
  absl::StatusOr<InspectionRecord> Change(int64_t id,
                                          const std::function<void(InspectionRecord&)>& change) {
    absl::StatusOr<InspectionRecord> stored;
    absl::Status status = InTx([&](storage::Tx& tx) -> absl::Status {
      absl::StatusOr<InspectionRecord> locked = inspections_->Lock(tx, Scope::All(), id);
      if (!locked.ok()) return locked.status();
      change(*locked);
      stored = inspections_->Store(tx, *locked);
      return stored.status();
    });
    if (!status.ok()) return status;
    return stored;
  }

  std::vector<int64_t> ListRecordIds(const Scope& scope, const InspectionFilter& filter, int limit,
                                     const std::optional<InspectionCursor>& after) {
    auto records = inspections_->List(scope, filter, limit, after);
    EXPECT_THAT(records, IsOk());
    std::vector<int64_t> ids;
    if (records.ok()) {
      for (const InspectionRecord& r : *records) ids.push_back(r.id);
    }
    return ids;
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<MysqlEvidenceRepository> evidence_;
  std::unique_ptr<MysqlInspectionRepository> inspections_;
};

TEST_F(EvidenceStorageTest, CreateRoundTripsEveryFieldAndIsIdempotentPerUpload) {
  const absl::Time at = Beijing(2026, 3, 2) + absl::Nanoseconds(2500);
  EvidenceItem photo = Photo("cases/3", 1, at);
  photo.location = domain::GeoPoint{35.2156789012345, 113.2412345678901};
  photo.device_model = "HUAWEI Mate 60";
  photo.description = "总排口\n采样瓶标签";
  photo.corrects = 41;
  const EvidencePlacement placement{"410802", kPlant};

  auto first = Create(photo, placement);
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->second);
  EXPECT_GT(first->first.item.id, 0);
  StoredEvidence want{photo, placement};
  want.item.id = first->first.item.id;
  want.item.capture_time = Micros(photo.capture_time);
  want.item.create_time = Micros(photo.create_time);
  EXPECT_EQ(Dump(first->first), Dump(want));
  auto got = evidence_->Get(want.item.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(want));

  // The same upload again, even with other metadata and later: the stored item, unchanged.
  EvidenceItem again = photo;
  again.file_name = "another.jpg";
  again.create_time = at + absl::Hours(1);
  auto second = Create(again, placement);
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(Dump(second->first), Dump(want));

  // Another parent or another uploader is another upload.
  EXPECT_NE(Created(Photo("cases/4", 1, at)).id, want.item.id);
  EXPECT_NE(Created(Photo("cases/3", 1, at, kOther)).id, want.item.id);

  // Without a placement or location, the columns are NULL and read back empty.
  const EvidenceItem bare = Created(Photo("tasks/9", 2, at));
  auto bare_got = evidence_->Get(bare.id);
  ASSERT_THAT(bare_got, IsOk());
  EXPECT_FALSE(bare_got->item.location.has_value());
  EXPECT_EQ(bare_got->placement.district_code, "");
  EXPECT_EQ(bare_got->placement.enterprise_uscc, "");
  EXPECT_EQ(bare_got->item.corrects, 0);

  // Once abandoned, the same upload starts anew.
  Abandon(want.item.id, at + absl::Minutes(5));
  auto restarted = Create(again, placement);
  ASSERT_THAT(restarted, IsOk());
  EXPECT_TRUE(restarted->second);
  EXPECT_GT(restarted->first.item.id, want.item.id);
  // And that one is the live one now.
  auto third = Create(photo, placement);
  ASSERT_THAT(third, IsOk());
  EXPECT_FALSE(third->second);
  EXPECT_EQ(third->first.item.id, restarted->first.item.id);

  EXPECT_THAT(evidence_->Get(999999), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EvidenceStorageTest, ConcurrentStartsOfOneUploadMakeOneItem) {
  const absl::Time at = Beijing(2026, 3, 2);
  constexpr int kThreads = 4;
  absl::Barrier* barrier = new absl::Barrier(kThreads);
  std::vector<std::optional<std::pair<int64_t, bool>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const EvidenceItem photo = Photo("inspections/7", 5, at);
      if (barrier->Block()) delete barrier;
      auto created = Create(photo);
      EXPECT_THAT(created, IsOk());
      if (created.ok()) results[i] = std::make_pair(created->first.item.id, created->second);
    });
  }
  for (std::thread& t : threads) t.join();
  int made = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->first, results[0]->first);
    made += r->second ? 1 : 0;
  }
  EXPECT_EQ(made, 1);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM evidence_item"), 1);
}

// The race itself, made certain: the second start looks before the first commits, so its
// insert waits on the unique key and then reads the winner.
TEST_F(EvidenceStorageTest, StartRacingAnUncommittedStartReturnsTheWinner) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EvidenceItem photo = Photo("inspections/7", 5, at);
  absl::Notification first_inserted;
  absl::Notification second_started;
  int64_t first_id = 0;
  std::thread first([&] {
    EXPECT_THAT(InTx([&](storage::Tx& tx) -> absl::Status {
                  auto created = evidence_->Create(tx, photo, {});
                  if (!created.ok()) return created.status();
                  EXPECT_TRUE(created->second);
                  first_id = created->first.item.id;
                  first_inserted.Notify();
                  // Let the second start reach its insert before committing.
                  second_started.WaitForNotification();
                  absl::SleepFor(absl::Milliseconds(500));
                  return absl::OkStatus();
                }),
                IsOk());
  });
  first_inserted.WaitForNotification();
  absl::StatusOr<std::pair<StoredEvidence, bool>> second;
  std::thread racer([&] {
    second_started.Notify();
    second = Create(photo);
  });
  racer.join();
  first.join();
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(second->first.item.id, first_id);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM evidence_item"), 1);
}

TEST_F(EvidenceStorageTest, StoreProgressWritesOnlyTheUploadsProgress) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EvidenceItem photo = Created(Photo("cases/3", 1, at), {"410802", kPlant});
  const domain::EvidenceOptions options;

  const absl::Time t1 = at + absl::Seconds(10);
  ASSERT_THAT(Progress(
                  photo.id,
                  [&](EvidenceItem& e) -> absl::Status {
                    absl::StatusOr<int64_t> received = domain::CheckChunk(e, 0, 600, options);
                    if (!received.ok()) return received.status();
                    e.received_bytes = *received;
                    e.file_name = "not-written.jpg";  // immutable: must not reach the row
                    e.description = "not written";
                    return absl::OkStatus();
                  },
                  t1),
              IsOk());
  auto got = evidence_->Get(photo.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->item.received_bytes, 600);
  EXPECT_EQ(got->item.state, EvidenceState::kUploading);
  EXPECT_EQ(got->item.file_name, photo.file_name);
  EXPECT_EQ(got->item.description, photo.description);
  EXPECT_EQ(got->placement.district_code, "410802");
  EXPECT_EQ(
      schema_->QueryString(absl::StrCat(
          "SELECT DATE_FORMAT(update_time, '%Y-%m-%d %H:%i:%s.%f') FROM evidence_item WHERE id = ",
          photo.id)),
      "2026-03-02 02:00:10.000000");

  const absl::Time t2 = at + absl::Seconds(20) + absl::Nanoseconds(1234567);
  Complete(photo.id, t2);
  got = evidence_->Get(photo.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->item.state, EvidenceState::kStored);
  EXPECT_EQ(got->item.received_bytes, photo.size_bytes);
  EXPECT_EQ(got->item.upload_time, Micros(t2));

  // Storing the same progress again (a retried completion) is fine.
  ASSERT_THAT(Progress(
                  photo.id, [](EvidenceItem&) { return absl::OkStatus(); }, t2),
              IsOk());

  EvidenceItem missing = photo;
  missing.id = 999999;
  EXPECT_THAT(InTx([&](storage::Tx& tx) { return evidence_->StoreProgress(tx, missing, t2); }),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(InTx([&](storage::Tx& tx) { return evidence_->Lock(tx, 999999).status(); }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EvidenceStorageTest, ListPagesOldestFirstAndHidesIncompleteUnlessAsked) {
  const absl::Time at = Beijing(2026, 3, 2);
  std::vector<int64_t> ids;
  for (int i = 1; i <= 5; ++i) ids.push_back(Created(Photo("cases/3", i, at)).id);
  Created(Photo("cases/4", 1, at));
  Complete(ids[0], at + absl::Minutes(1));
  Complete(ids[2], at + absl::Minutes(1));
  Complete(ids[3], at + absl::Minutes(1));
  Abandon(ids[4], at + absl::Minutes(1));

  EXPECT_THAT(ListIds("cases/3", true, 2, 0), ElementsAre(ids[0], ids[1]));
  EXPECT_THAT(ListIds("cases/3", true, 2, ids[1]), ElementsAre(ids[2], ids[3]));
  EXPECT_THAT(ListIds("cases/3", true, 2, ids[3]), ElementsAre(ids[4]));
  EXPECT_THAT(ListIds("cases/3", false, 2, 0), ElementsAre(ids[0], ids[2]));
  EXPECT_THAT(ListIds("cases/3", false, 2, ids[2]), ElementsAre(ids[3]));
  EXPECT_THAT(ListIds("cases/3", false, 2, ids[3]), IsEmpty());
  EXPECT_THAT(ListIds("cases/9", true, 10, 0), IsEmpty());
}

TEST_F(EvidenceStorageTest, QuotaSumsDeclaredBytesSinceExceptAbandoned) {
  const absl::Time day = Beijing(2026, 3, 2, 0, 0);
  Created(Photo("cases/1", 1, day - absl::Minutes(1)));  // 1001, before
  Created(Photo("cases/1", 2, day));                     // 1002, at the start
  const EvidenceItem stored = Created(Photo("cases/1", 3, day + absl::Hours(2)));   // 1003
  const EvidenceItem dropped = Created(Photo("cases/1", 4, day + absl::Hours(3)));  // 1004
  Created(Photo("cases/1", 5, day + absl::Hours(4), kOther));  // 1005, someone else
  Complete(stored.id, day + absl::Hours(3));
  Abandon(dropped.id, day + absl::Hours(4));

  auto sum = evidence_->SumDeclaredBytesSince(kOfficer, day);
  ASSERT_THAT(sum, IsOk());
  EXPECT_EQ(*sum, 1002 + 1003);
  sum = evidence_->SumDeclaredBytesSince("users/nobody", day);
  ASSERT_THAT(sum, IsOk());
  EXPECT_EQ(*sum, 0);
}

TEST_F(EvidenceStorageTest, StaleUploadsAreIdleUploadingItemsOldestFirst) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EvidenceItem idle_late = Created(Photo("cases/1", 1, at + absl::Minutes(10)));
  const EvidenceItem idle_early = Created(Photo("cases/1", 2, at));
  const EvidenceItem active = Created(Photo("cases/1", 3, at));
  const EvidenceItem stored = Created(Photo("cases/1", 4, at));
  const EvidenceItem dropped = Created(Photo("cases/1", 5, at));
  Created(Photo("cases/1", 6, at + absl::Hours(2)));  // started after the cutoff
  ASSERT_THAT(Progress(
                  active.id,
                  [](EvidenceItem& e) {
                    e.received_bytes = 10;
                    return absl::OkStatus();
                  },
                  at + absl::Hours(2)),
              IsOk());
  Complete(stored.id, at + absl::Minutes(1));
  Abandon(dropped.id, at + absl::Minutes(1));

  const absl::Time cutoff = at + absl::Hours(1);
  auto stale = evidence_->ListStaleUploads(cutoff, 10);
  ASSERT_THAT(stale, IsOk());
  std::vector<int64_t> ids;
  for (const EvidenceItem& e : *stale) ids.push_back(e.id);
  EXPECT_THAT(ids, ElementsAre(idle_early.id, idle_late.id));
  stale = evidence_->ListStaleUploads(cutoff, 1);
  ASSERT_THAT(stale, IsOk());
  ASSERT_EQ(stale->size(), 1u);
  EXPECT_EQ(stale->front().id, idle_early.id);
  EXPECT_EQ(stale->front().state, EvidenceState::kUploading);
}

TEST_F(EvidenceStorageTest, InspectionRecordRoundTripsEveryField) {
  const absl::Time at = Beijing(2026, 3, 5, 11);
  InspectionRecord signed_record = Draft(kPlant, "410802", at);
  signed_record.officers[0].sign_time = at - absl::Minutes(50) + absl::Nanoseconds(10);
  signed_record.officers[1].sign_time = at - absl::Minutes(49) + absl::Nanoseconds(20);
  signed_record.evidence = {{11, EvidenceKind::kAudioVisual, "排口.jpg", Sha(11)},
                            {12, EvidenceKind::kOnSiteRecord, "笔录.pdf", Sha(12)}};
  signed_record.party_signature = domain::PartySignature{"王建国", at - absl::Minutes(48)};
  signed_record.corrects = 3;
  signed_record.state = InspectionState::kSigned;
  signed_record.signed_by = "users/officer2";
  signed_record.sign_time = at - absl::Minutes(47) + absl::Nanoseconds(30);

  InspectionRecord refused = Draft("", "410803", at);
  refused.kind = domain::InspectionKind::kInterview;
  refused.person_title = "";
  refused.refusal = domain::SignatureRefusal{"赵六", "村委会 主任", domain::kSignatureRefusalNote,
                                             at - absl::Minutes(30) + absl::Nanoseconds(40)};

  for (const InspectionRecord& r : {signed_record, refused}) {
    const InspectionRecord created = CreatedRecord(r);
    EXPECT_GT(created.id, 0);
    EXPECT_EQ(created.version, 1);
    InspectionRecord want = AsStored(r);
    want.id = created.id;
    want.version = 1;
    EXPECT_EQ(Dump(created), Dump(want));
    auto got = inspections_->Get(Scope::All(), created.id);
    ASSERT_THAT(got, IsOk());
    EXPECT_EQ(Dump(*got), Dump(want));
  }
  EXPECT_THAT(inspections_->Get(Scope::All(), 999999), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EvidenceStorageTest, InspectionStoreBumpsVersionAndRefusesAStaleOne) {
  const absl::Time at = Beijing(2026, 3, 5, 11);
  const InspectionRecord draft = CreatedRecord(Draft(kPlant, "410802", at));

  auto stored = Change(draft.id, [&](InspectionRecord& r) {
    r.findings = "补充：雨水排口有积水。";
    r.evidence.push_back({21, EvidenceKind::kDocument, "台账.pdf", Sha(21)});
    r.update_time = at + absl::Minutes(5);
  });
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->version, 2);
  auto got = inspections_->Get(Scope::All(), draft.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(*stored));
  EXPECT_EQ(got->findings, "补充：雨水排口有积水。");
  ASSERT_EQ(got->evidence.size(), 1u);
  EXPECT_EQ(got->update_time, at + absl::Minutes(5));
  EXPECT_EQ(got->create_time, Micros(draft.create_time));

  // The version read before the change is stale now.
  EXPECT_THAT(InTx([&](storage::Tx& tx) { return inspections_->Store(tx, draft).status(); }),
              StatusIs(absl::StatusCode::kInternal));
  got = inspections_->Get(Scope::All(), draft.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->version, 2);

  stored = Change(draft.id, [&](InspectionRecord& r) {
    r.state = InspectionState::kSigned;
    r.signed_by = kOfficer;
    r.sign_time = at + absl::Minutes(9);
  });
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->version, 3);
  got = inspections_->Get(Scope::All(), draft.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->state, InspectionState::kSigned);
  EXPECT_EQ(got->sign_time, at + absl::Minutes(9));
}

TEST_F(EvidenceStorageTest, InspectionScopeHidesOtherDistrictsAndEnterprises) {
  const absl::Time at = Beijing(2026, 3, 5, 11);
  const InspectionRecord record = CreatedRecord(Draft(kPlant, "410802", at));

  EXPECT_THAT(inspections_->Get(District("410802"), record.id), IsOk());
  EXPECT_THAT(inspections_->Get(District("410800"), record.id), IsOk());  // the city
  EXPECT_THAT(inspections_->Get(District("410803"), record.id),
              StatusIs(absl::StatusCode::kNotFound));
  Scope enterprise;
  enterprise.enterprise_uscc = kPlant;
  EXPECT_THAT(inspections_->Get(enterprise, record.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListRecordIds(enterprise, {}, 10, std::nullopt), IsEmpty());
  EXPECT_THAT(ListRecordIds(District("410803"), {}, 10, std::nullopt), IsEmpty());
  EXPECT_THAT(InTx([&](storage::Tx& tx) {
                return inspections_->Lock(tx, District("410803"), record.id).status();
              }),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(InTx([&](storage::Tx& tx) {
                return inspections_->Lock(tx, District("410802"), record.id).status();
              }),
              IsOk());
}

TEST_F(EvidenceStorageTest, InspectionListFiltersAndPagesNewestFirst) {
  const absl::Time at = Beijing(2026, 3, 5, 11);
  // Two records share a create_time: the id breaks the tie.
  const int64_t a = CreatedRecord(Draft(kPlant, "410802", at)).id;
  const int64_t b = CreatedRecord(Draft(kPlant, "410802", at + absl::Hours(1))).id;
  const int64_t c = CreatedRecord(Draft(kMill, "410803", at + absl::Hours(1))).id;
  const int64_t d = CreatedRecord(Draft(kPlant, "410802", at + absl::Hours(2))).id;
  ASSERT_THAT(Change(b, [](InspectionRecord& r) { r.state = InspectionState::kSigned; }), IsOk());

  EXPECT_THAT(ListRecordIds(Scope::All(), {}, 10, std::nullopt), ElementsAre(d, c, b, a));
  EXPECT_THAT(ListRecordIds(Scope::All(), {}, 2, std::nullopt), ElementsAre(d, c));
  EXPECT_THAT(ListRecordIds(Scope::All(), {}, 2, InspectionCursor{at + absl::Hours(1), c}),
              ElementsAre(b, a));
  EXPECT_THAT(ListRecordIds(District("410802"), {}, 10, std::nullopt), ElementsAre(d, b, a));

  InspectionFilter by_enterprise;
  by_enterprise.enterprise_uscc = kMill;
  EXPECT_THAT(ListRecordIds(Scope::All(), by_enterprise, 10, std::nullopt), ElementsAre(c));
  InspectionFilter drafts;
  drafts.state = InspectionState::kDraft;
  EXPECT_THAT(ListRecordIds(District("410802"), drafts, 10, std::nullopt), ElementsAre(d, a));
  InspectionFilter signed_only;
  signed_only.state = InspectionState::kSigned;
  EXPECT_THAT(ListRecordIds(Scope::All(), signed_only, 10, std::nullopt), ElementsAre(b));
}

TEST_F(EvidenceStorageTest, UnreadableDocumentIsDataLoss) {
  const InspectionRecord record = CreatedRecord(Draft(kPlant, "410802", Beijing(2026, 3, 5)));
  schema_->Execute(absl::StrCat(
      "UPDATE inspection_record SET document = '{\"party_name\": 1}' WHERE id = ", record.id));
  EXPECT_THAT(inspections_->Get(Scope::All(), record.id), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace ecocase
