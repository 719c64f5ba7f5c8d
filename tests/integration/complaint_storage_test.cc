// Hotline complaint storage against the real database: every field round-trips, the
// reporter's name and phone are encrypted at rest, a 12345 order is imported once, scope
// hides complaints from other districts and from enterprises, each lifecycle step stores
// what the domain did, merges and repeat reports link complaints to their master, lists
// filter and page newest first, and a missing or wrong key never yields the plaintext.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/regulatory_time.h"
#include "domain/complaint.h"
#include "domain/complaint_sla.h"
#include "security/field_cipher.h"
#include "security/personal_data.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_complaint_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using domain::Assignment;
using domain::Complaint;
using domain::ComplaintCategory;
using domain::ComplaintChannel;
using domain::ComplaintState;
using domain::ComplaintUrgency;
using domain::Findings;
using domain::FindingsOutcome;
using domain::LinkKind;
using domain::Revisit;
using domain::Satisfaction;
using domain::SlaLimit;
using domain::SlaRule;
using domain::SlaUnit;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;
using ::ecocase::testing::ValidUscc;
using security::FieldCipher;
using storage::ComplaintCursor;
using storage::ComplaintFilter;
using storage::Scope;
using storage::mysql::MysqlComplaintRepository;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kPlant = ValidUscc("91410802MA45TA001");  // 解放区 410802
constexpr char kOperator[] = "users/hotline1";
constexpr char kDispatcher[] = "users/dispatcher1";
constexpr char kOfficer[] = "users/officer1";
constexpr char kHead[] = "users/head1";
constexpr char kPhone[] = "13800000001";

// Beijing time.
absl::Time Beijing(int y, int m, int d, int h = 10, int mi = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, mi, 0));
}

Scope District(const std::string& code) {
  Scope s;
  s.district_codes = {code};
  return s;
}

Scope EnterpriseScope(const std::string& uscc) {
  Scope s;
  s.enterprise_uscc = uscc;
  return s;
}

Assignment Team(const std::string& team, const std::string& officer) {
  Assignment a;
  a.district_code = "410802";
  a.team = team;
  a.officer = officer;
  return a;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

std::string AssignmentText(const std::optional<Assignment>& a) {
  return a ? absl::StrCat(a->district_code, "/", a->team, "/", a->officer) : "-";
}

std::string ReporterText(const domain::Reporter& r) {
  return absl::StrCat(r.anonymous ? "anonymous " : "", r.name, " ", r.phone, " ", r.identity_hash);
}

// Every field of a complaint, one per line, so that a mismatch names the field.
std::string Dump(const Complaint& c) {
  std::vector<std::string> lines;
  auto add = [&lines](auto&&... parts) { lines.push_back(absl::StrCat(parts...)); };
  add("id ", c.id, " version ", c.version);
  add("channel ", domain::ComplaintChannelName(c.channel), " order ", c.external_order_number);
  add("reporter ", ReporterText(c.reporter));
  add("location ", c.location.address, " ", c.location.district_code,
      c.location.lat_lng ? absl::StrFormat(" %.9f,%.9f", c.location.lat_lng->latitude,
                                           c.location.lat_lng->longitude)
                         : "");
  add("kind ", domain::ComplaintCategoryName(c.category), " ",
      domain::ComplaintUrgencyName(c.urgency));
  add("description ", c.description, " enterprise ", c.enterprise_uscc);
  add("attachments ", absl::StrJoin(c.attachments, "|"));
  add("state ", domain::ComplaintStateName(c.state), " reopened ", c.reopen_count, " clue ",
      c.case_clue);
  if (c.acceptance) {
    const domain::AcceptanceDecision& d = *c.acceptance;
    add("acceptance ", d.accepted, " ", domain::NotAcceptedGroundName(d.ground), " ", d.reason, " ",
        d.authority, " ", d.decided_by, " ", TimeText(d.decide_time));
  }
  add("assignment ", AssignmentText(c.assignment));
  for (const domain::RoutingEntry& e : c.routing) {
    add("routing ", AssignmentText(e.from), " -> ", AssignmentText(e.to), " ", e.outside_body, " ",
        e.reason, " ", e.by, " ", TimeText(e.time));
  }
  for (const Findings& f : c.findings) {
    add("findings ", domain::FindingsOutcomeName(f.outcome), " ", f.text, " [",
        absl::StrJoin(f.links, ","), "] ", f.recorded_by, " ", TimeText(f.record_time), " ",
        f.round);
  }
  for (const domain::ComplaintReply& r : c.replies) {
    add("reply ", r.to_complaint_id, " ", r.external_order_number, " ", r.text, " ", r.by, " ",
        TimeText(r.time), " ", r.round);
  }
  for (const Revisit& v : c.revisits) {
    add("revisit ", v.complaint_id, " ", domain::SatisfactionName(v.satisfaction), " ",
        v.handling_reason, " ", v.note, " ", v.by, " ", TimeText(v.time), " ", v.round);
  }
  const domain::ComplaintDeadlines& d = c.deadlines;
  add("deadlines ", TimeText(d.intake_time), " ", TimeText(d.acceptance_due), " ",
      d.acceptance_provisional, " ", TimeText(d.closure_due), " ", d.closure_provisional, " ",
      d.closure_awaits_acceptance);
  for (const domain::ClosureExtension& x : d.extensions) {
    add("extension ", domain::FormatSlaLimit(x.extra), " ", x.reason, " ", x.approved_by, " ",
        TimeText(x.approve_time), " ", TimeText(x.previous_due), " ", TimeText(x.new_due));
  }
  add("master ", c.master_id);
  for (const domain::LinkedComplaint& l : c.linked) {
    add("linked ", l.complaint_id, " ", domain::LinkKindName(l.kind), " ",
        domain::ComplaintChannelName(l.channel), " ", l.external_order_number, " ",
        ReporterText(l.reporter), " ", TimeText(l.link_time));
  }
  add("received ", c.received_by, " ", TimeText(c.receive_time), " updated ",
      TimeText(c.update_time), " closed ", TimeText(c.close_time));
  return absl::StrJoin(lines, "\n");
}

std::vector<int64_t> Ids(const std::vector<Complaint>& complaints) {
  std::vector<int64_t> ids;
  for (const Complaint& c : complaints) ids.push_back(c.id);
  return ids;
}

class ComplaintStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("cpl");
    storage::DbOptions options = schema_->options();
    options.pool_size = 4;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(options);
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(*pool_, *migrations), IsOk());
    auto cipher = FieldCipher::FromKeyText(FieldCipher::NewKeyText());
    ASSERT_THAT(cipher, IsOk());
    cipher_.emplace(*std::move(cipher));
    repo_ = std::make_unique<MysqlComplaintRepository>(*pool_, &*cipher_);
    auto calendar = domain::DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
    auto policy = domain::DefaultSlaPolicy();
    ASSERT_THAT(policy, IsOk());
    policy_.emplace(*std::move(policy));

    schema_->Execute(absl::StrCat(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, create_time, update_time) VALUES ('",
        kPlant, "', '焦作市甲化工有限公司', '解放区民主路1号', '410802', 'C2614', 'KEY', ",
        "NOW(6), NOW(6))"));
  }

  std::string HashOf(const std::string& phone) const {
    auto normalized = security::NormalizePhone(phone);
    EXPECT_THAT(normalized, IsOk());
    return cipher_->LookupHash(normalized.value_or(""), "reporter_phone");
  }

  const SlaRule& Rule(const Complaint& c) const {
    return policy_->Lookup(c.channel, c.category, c.urgency);
  }

  // Smoke from a plant in 解放区, phoned in to 12369 (not validated yet).
  static Complaint Smoke(const std::string& phone = kPhone) {
    Complaint c;
    c.channel = ComplaintChannel::k12369Phone;
    c.reporter.name = "李明";
    c.reporter.phone = phone;
    c.location.address = "焦作市解放区焦东路100号附近";
    c.location.district_code = "410802";
    c.location.lat_lng = domain::GeoPoint{35.240012345, 113.240045678};
    c.category = ComplaintCategory::kAir;
    c.urgency = ComplaintUrgency::kNormal;
    c.description = "工厂烟囱夜间冒黑烟，气味刺鼻。\n已持续一周。";
    c.enterprise_uscc = kPlant;
    c.attachments = {"attachments/photo-1.jpg", "attachments/audio-2.amr"};
    return c;
  }

  // `c` validated, received at `at` with its deadlines: what the service hands to Create.
  Complaint Received(Complaint c, absl::Time at) const {
    EXPECT_THAT(domain::ValidateNewComplaint(c, "complaint"), IsOk());
    if (!c.reporter.anonymous) c.reporter.identity_hash = HashOf(c.reporter.phone);
    domain::Receive(c, kOperator, at);
    c.deadlines = domain::ComputeDeadlines(Rule(c), at, *calendar_);
    return c;
  }

  absl::StatusOr<std::pair<Complaint, bool>> Create(storage::ComplaintRepository& repo,
                                                    const Scope& scope, const Complaint& c) {
    absl::StatusOr<std::pair<Complaint, bool>> result;
    absl::Status status =
        storage::mysql::RunInTransaction(*pool_, "create complaint", [&](sql::Connection& conn) {
          storage::Tx tx(conn);
          result = repo.Create(tx, scope, c);
          return result.status();
        });
    if (!status.ok()) return status;
    return result;
  }

  Complaint Created(const Complaint& c) {
    auto created = Create(*repo_, Scope::All(), c);
    EXPECT_THAT(created, IsOk());
    EXPECT_TRUE(created.ok() && created->second);
    return created.ok() ? created->first : Complaint{};
  }

  // Runs `body` in one transaction.
  absl::Status InTx(const std::function<absl::Status(storage::Tx&)>& body) {
    return storage::mysql::RunInTransaction(*pool_, "complaint test", [&](sql::Connection& conn) {
      storage::Tx tx(conn);
      return body(tx);
    });
  }

  // Locks complaint `id`, runs `change` (domain transitions at `now`) and stores the result;
  // checks that what Store returned and what Get reads back are what the domain made.
  Complaint Step(int64_t id, const std::function<absl::Status(Complaint&)>& change,
                 absl::Time now) {
    Complaint want;
    absl::StatusOr<Complaint> stored;
    EXPECT_THAT(InTx([&](storage::Tx& tx) -> absl::Status {
                  absl::StatusOr<Complaint> before = repo_->Lock(tx, Scope::All(), id);
                  if (!before.ok()) return before.status();
                  want = *before;
                  if (absl::Status s = change(want); !s.ok()) return s;
                  want.version = before->version + 1;
                  want.update_time = now;
                  stored = repo_->Store(tx, *before, want, now);
                  return stored.status();
                }),
                IsOk());
    if (!stored.ok()) return Complaint{};
    EXPECT_EQ(Dump(*stored), Dump(want));
    auto got = repo_->Get(Scope::All(), id);
    EXPECT_THAT(got, IsOk());
    if (got.ok()) {
      EXPECT_EQ(Dump(*got), Dump(want));
    }
    return *stored;
  }

  // Merges `duplicate` into `master` as the service does: both locked, both stored, the
  // duplicate's own links pointed at the master.
  void MergeInto(int64_t master_id, int64_t duplicate_id, absl::Time now) {
    EXPECT_THAT(InTx([&](storage::Tx& tx) -> absl::Status {
                  auto master = repo_->Lock(tx, Scope::All(), master_id);
                  auto duplicate = repo_->Lock(tx, Scope::All(), duplicate_id);
                  if (!master.ok()) return master.status();
                  if (!duplicate.ok()) return duplicate.status();
                  Complaint m = *master;
                  Complaint d = *duplicate;
                  auto moved = domain::Merge(m, d, kDispatcher, now);
                  if (!moved.ok()) return moved.status();
                  if (auto s = repo_->Store(tx, *master, m, now); !s.ok()) return s.status();
                  if (auto s = repo_->Store(tx, *duplicate, d, now); !s.ok()) return s.status();
                  return repo_->Repoint(tx, *moved, master_id);
                }),
                IsOk());
  }

  std::vector<Complaint> ListAll(const Scope& scope, const ComplaintFilter& filter) {
    auto complaints = repo_->List(scope, filter, 100, std::nullopt);
    EXPECT_THAT(complaints, IsOk());
    return complaints.ok() ? *complaints : std::vector<Complaint>{};
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::optional<FieldCipher> cipher_;
  std::unique_ptr<MysqlComplaintRepository> repo_;
  std::optional<domain::WorkingCalendar> calendar_;
  std::optional<domain::SlaPolicy> policy_;
};

TEST_F(ComplaintStorageTest, CreateThenGetRoundTripsEveryField) {
  const absl::Time at = Beijing(2026, 3, 2, 9, 30) + absl::Nanoseconds(1500);
  const Complaint smoke = Received(Smoke(), at);
  auto created = Create(*repo_, District("410802"), smoke);
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->second);
  const Complaint& stored = created->first;
  EXPECT_GT(stored.id, 0);
  EXPECT_EQ(stored.version, 1);
  // Times are kept to the microsecond.
  EXPECT_EQ(stored.receive_time, Beijing(2026, 3, 2, 9, 30) + absl::Microseconds(1));
  EXPECT_TRUE(stored.deadlines.closure_awaits_acceptance);

  Complaint want = smoke;
  want.id = stored.id;
  want.version = 1;
  want.receive_time = want.update_time = want.deadlines.intake_time = stored.receive_time;
  EXPECT_EQ(Dump(stored), Dump(want));
  auto got = repo_->Get(District("410800"), stored.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(want));

  // A 12345 order without coordinates, enterprise, attachments or name: the NULL columns.
  Complaint order;
  order.channel = ComplaintChannel::k12345Transfer;
  order.external_order_number = "JZ12345-20260302-0017";
  order.reporter.phone = "0391-1234567";
  order.location.address = "沁阳市太行路北段";
  order.location.district_code = "410882";
  order.category = ComplaintCategory::kNoise;
  order.urgency = ComplaintUrgency::kUrgent;
  order.description = "夜间施工噪声扰民";
  order = Received(order, Beijing(2026, 3, 2, 23));
  Complaint stored_order = Created(order);
  order.id = stored_order.id;
  order.version = 1;
  EXPECT_FALSE(order.deadlines.closure_awaits_acceptance);
  EXPECT_EQ(Dump(stored_order), Dump(order));
  auto got_order = repo_->Get(District("410882"), order.id);
  ASSERT_THAT(got_order, IsOk());
  EXPECT_EQ(Dump(*got_order), Dump(order));
}

TEST_F(ComplaintStorageTest, ReporterIsEncryptedAtRestAndAnonymousKeepsNothing) {
  const Complaint c = Created(Received(Smoke(), Beijing(2026, 3, 2)));
  const std::string where = absl::StrCat(" FROM complaint WHERE id = ", c.id);
  const std::string phone = schema_->QueryString("SELECT reporter_phone_enc" + where);
  const std::string name = schema_->QueryString("SELECT reporter_name_enc" + where);
  EXPECT_THAT(phone, StartsWith("v1:"));
  EXPECT_THAT(phone, Not(HasSubstr(kPhone)));
  EXPECT_THAT(phone, Not(HasSubstr("0000001")));
  EXPECT_THAT(name, StartsWith("v1:"));
  EXPECT_THAT(name, Not(HasSubstr("李明")));
  EXPECT_EQ(schema_->QueryString("SELECT reporter_hash" + where), HashOf(kPhone));
  EXPECT_EQ(schema_->QueryInt(absl::StrCat("SELECT COUNT(*) FROM complaint WHERE ",
                                           "CONCAT(reporter_name_enc, reporter_phone_enc) ",
                                           "LIKE '%0000001%'")),
            0);

  Complaint anonymous = Smoke();
  anonymous.reporter = {};
  anonymous.reporter.anonymous = true;
  const Complaint stored = Created(Received(anonymous, Beijing(2026, 3, 2)));
  EXPECT_TRUE(stored.reporter.anonymous);
  EXPECT_EQ(stored.reporter.phone, "");
  EXPECT_EQ(stored.reporter.identity_hash, "");
  EXPECT_EQ(schema_->QueryInt(absl::StrCat(
                "SELECT COUNT(*) FROM complaint WHERE id = ", stored.id,
                " AND reporter_anonymous AND reporter_name_enc IS NULL AND reporter_phone_enc "
                "IS NULL AND reporter_hash IS NULL")),
            1);
}

TEST_F(ComplaintStorageTest, TheSameOrderNumberIsOneComplaint) {
  Complaint order = Smoke("13900000002");
  order.channel = ComplaintChannel::k12345Transfer;
  order.external_order_number = "JZ12345-20260302-0001";
  const Complaint first = Created(Received(order, Beijing(2026, 3, 2)));

  order.description = "同一工单再次推送";
  // Whatever the importer's scope: the order exists, so it is the same complaint.
  auto again = Create(*repo_, District("410882"), Received(order, Beijing(2026, 3, 3)));
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->second);
  EXPECT_EQ(Dump(again->first), Dump(first));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint"), 1);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint_attachment"), 2);

  // Complaints without an order number never collide.
  Created(Received(Smoke(), Beijing(2026, 3, 2)));
  Created(Received(Smoke(), Beijing(2026, 3, 2)));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint"), 3);
}

TEST_F(ComplaintStorageTest, ScopeHidesComplaintsFromOtherDistrictsAndFromEnterprises) {
  const Complaint c = Created(Received(Smoke(), Beijing(2026, 3, 2)));
  EXPECT_THAT(repo_->Get(District("410802"), c.id), IsOk());
  EXPECT_THAT(repo_->Get(District("410800"), c.id), IsOk());
  EXPECT_THAT(repo_->Get(District("410882"), c.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(repo_->Get(Scope::All(), c.id + 1), StatusIs(absl::StatusCode::kNotFound));
  // The reported enterprise never sees who reported it, nor anything else.
  EXPECT_THAT(repo_->Get(EnterpriseScope(kPlant), c.id), StatusIs(absl::StatusCode::kNotFound));
  auto listed = repo_->List(EnterpriseScope(kPlant), {}, 100, std::nullopt);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(*listed, IsEmpty());
  auto recent = repo_->ListRecent(EnterpriseScope(kPlant), ComplaintCategory::kAir,
                                  Beijing(2026, 3, 1), Beijing(2026, 3, 3), 10);
  ASSERT_THAT(recent, IsOk());
  EXPECT_THAT(*recent, IsEmpty());
  EXPECT_THAT(
      InTx([&](storage::Tx& tx) { return repo_->Lock(tx, District("410882"), c.id).status(); }),
      StatusIs(absl::StatusCode::kNotFound));

  // The reported enterprise must exist within the caller's scope.
  Complaint unknown = Smoke();
  unknown.enterprise_uscc = ValidUscc("91410802MA45TB009");
  EXPECT_THAT(Create(*repo_, Scope::All(), Received(unknown, Beijing(2026, 3, 2))),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Create(*repo_, District("410882"), Received(Smoke(), Beijing(2026, 3, 2))),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint"), 1);
}

TEST_F(ComplaintStorageTest, EachLifecycleStepIsStoredAsTheDomainMadeIt) {
  const Complaint received = Created(Received(Smoke(), Beijing(2026, 3, 2, 9)));
  const int64_t id = received.id;
  const SlaRule& rule = Rule(received);

  Complaint c = Step(
      id,
      [&](Complaint& c) {
        const absl::Time now = Beijing(2026, 3, 2, 11);
        if (absl::Status s = domain::Accept(c, kOperator, now); !s.ok()) return s;
        return domain::AnchorClosureAtAcceptance(c.deadlines, rule, now, *calendar_);
      },
      Beijing(2026, 3, 2, 11));
  EXPECT_EQ(c.version, 2);
  EXPECT_FALSE(c.deadlines.closure_awaits_acceptance);
  c = Step(
      id,
      [&](Complaint& c) {
        return domain::Dispatch(c, Team("大气执法一中队", "officer1"), "请两日内现场核查",
                                kDispatcher, Beijing(2026, 3, 2, 14));
      },
      Beijing(2026, 3, 2, 14));
  c = Step(
      id,
      [&](Complaint& c) {
        return domain::Reroute(c, Team("大气执法二中队", "officer2"), "一中队人手不足", kDispatcher,
                               Beijing(2026, 3, 3, 9));
      },
      Beijing(2026, 3, 3, 9));
  c = Step(
      id,
      [&](Complaint& c) {
        return domain::ExtendClosure(c.deadlines, rule, SlaLimit{10, SlaUnit::kCalendarDays},
                                     "需补充监测", kHead, Beijing(2026, 3, 4), *calendar_);
      },
      Beijing(2026, 3, 4));
  ASSERT_EQ(c.deadlines.extensions.size(), 1u);
  c = Step(
      id,
      [&](Complaint& c) {
        Findings f;
        f.outcome = FindingsOutcome::kVerified;
        f.text = "现场检查发现脱硫设施未运行，烟气超标排放。";
        f.links = {"inspections/31"};
        return domain::RecordFindings(c, f, kOfficer, Beijing(2026, 3, 5));
      },
      Beijing(2026, 3, 5));
  EXPECT_TRUE(c.case_clue);
  c = Step(
      id, [&](Complaint& c) { return domain::AddFindingsLink(c, "tasks/5", Beijing(2026, 3, 6)); },
      Beijing(2026, 3, 6));
  c = Step(
      id,
      [&](Complaint& c) {
        return domain::Reply(c, "经查，该企业脱硫设施未正常运行，已责令整改。", kOfficer,
                             Beijing(2026, 3, 7))
            .status();
      },
      Beijing(2026, 3, 7));
  c = Step(
      id,
      [&](Complaint& c) {
        Revisit v;
        v.satisfaction = Satisfaction::kDissatisfied;
        v.handling_reason = true;
        v.note = "仍有黑烟";
        return domain::RecordRevisit(c, v, kOperator, Beijing(2026, 3, 9));
      },
      Beijing(2026, 3, 9));
  EXPECT_EQ(c.state, ComplaintState::kDispatched);
  EXPECT_EQ(c.reopen_count, 1);
  c = Step(
      id,
      [&](Complaint& c) {
        Findings f;
        f.outcome = FindingsOutcome::kPartlyVerified;
        f.text = "复查：脱硫设施已恢复，仍有无组织排放。";
        return domain::RecordFindings(c, f, kOfficer, Beijing(2026, 3, 10));
      },
      Beijing(2026, 3, 10));
  c = Step(
      id,
      [&](Complaint& c) {
        return domain::Reply(c, "复查后已督促企业治理无组织排放。", kOfficer, Beijing(2026, 3, 11))
            .status();
      },
      Beijing(2026, 3, 11));
  c = Step(
      id,
      [&](Complaint& c) {
        Revisit v;
        v.satisfaction = Satisfaction::kSatisfied;
        return domain::RecordRevisit(c, v, kOperator, Beijing(2026, 3, 12));
      },
      Beijing(2026, 3, 12));
  c = Step(
      id, [&](Complaint& c) { return domain::Close(c, kOperator, Beijing(2026, 3, 12, 15)); },
      Beijing(2026, 3, 12, 15));

  EXPECT_EQ(c.state, ComplaintState::kClosed);
  EXPECT_EQ(c.close_time, Beijing(2026, 3, 12, 15));
  EXPECT_EQ(c.version, 13);
  EXPECT_EQ(c.routing.size(), 3u);  // dispatch, re-route, reopen
  ASSERT_EQ(c.findings.size(), 2u);
  EXPECT_THAT(c.findings[0].links, ElementsAre("inspections/31", "tasks/5"));
  EXPECT_EQ(c.findings[1].round, 1);
  EXPECT_EQ(c.replies.size(), 2u);
  EXPECT_EQ(c.revisits.size(), 2u);
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint_findings_link"), 2);
}

TEST_F(ComplaintStorageTest, StoreRefusesIdentityChangesLostHistoryAndStaleVersions) {
  const Complaint received = Created(Received(Smoke(), Beijing(2026, 3, 2, 9)));
  const Complaint dispatched = Step(
      received.id,
      [&](Complaint& c) {
        if (absl::Status s = domain::Accept(c, kOperator, Beijing(2026, 3, 2, 10)); !s.ok()) {
          return s;
        }
        return domain::Dispatch(c, Team("大气执法一中队", "officer1"), "", kDispatcher,
                                Beijing(2026, 3, 2, 11));
      },
      Beijing(2026, 3, 2, 11));

  auto store = [&](const Complaint& before, const Complaint& after) {
    return InTx([&](storage::Tx& tx) {
      return repo_->Store(tx, before, after, Beijing(2026, 3, 3)).status();
    });
  };
  Complaint other_phone = dispatched;
  other_phone.reporter.phone = "13911112222";
  EXPECT_THAT(store(dispatched, other_phone), StatusIs(absl::StatusCode::kInternal));
  Complaint other_text = dispatched;
  other_text.description = "改写的描述";
  EXPECT_THAT(store(dispatched, other_text), StatusIs(absl::StatusCode::kInternal));
  Complaint no_routing = dispatched;
  no_routing.routing.clear();
  EXPECT_THAT(store(dispatched, no_routing), StatusIs(absl::StatusCode::kInternal));
  Complaint stale = dispatched;
  stale.version = 1;
  EXPECT_THAT(store(stale, dispatched),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("changed concurrently")));

  auto got = repo_->Get(Scope::All(), received.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(dispatched));
}

TEST_F(ComplaintStorageTest, MergesAndRepeatReportsLinkComplaintsToTheirMaster) {
  const Complaint a = Created(Received(Smoke(), Beijing(2026, 3, 2, 9)));
  Complaint order = Smoke("13900000002");
  order.channel = ComplaintChannel::k12345Transfer;
  order.external_order_number = "JZ12345-20260302-0002";
  const Complaint b = Created(Received(order, Beijing(2026, 3, 2, 10)));
  Complaint anonymous = Smoke();
  anonymous.reporter = {};
  anonymous.reporter.anonymous = true;
  const Complaint c = Created(Received(anonymous, Beijing(2026, 3, 2, 11)));
  Step(
      a.id, [&](Complaint& x) { return domain::Accept(x, kOperator, Beijing(2026, 3, 2, 12)); },
      Beijing(2026, 3, 2, 12));

  // c into b, then b (carrying c) into a: c's link moves to a.
  MergeInto(b.id, c.id, Beijing(2026, 3, 2, 13));
  MergeInto(a.id, b.id, Beijing(2026, 3, 2, 14));

  auto master = repo_->Get(Scope::All(), a.id);
  ASSERT_THAT(master, IsOk());
  EXPECT_EQ(master->version, 3);  // accepted, merged into; the repoint leaves it
  ASSERT_EQ(master->linked.size(), 2u);
  const domain::LinkedComplaint& first = master->linked[0];
  EXPECT_EQ(first.complaint_id, c.id);  // oldest link first
  EXPECT_EQ(first.kind, LinkKind::kMerged);
  EXPECT_TRUE(first.reporter.anonymous);
  EXPECT_EQ(first.link_time, Beijing(2026, 3, 2, 13));
  const domain::LinkedComplaint& second = master->linked[1];
  EXPECT_EQ(second.complaint_id, b.id);
  EXPECT_EQ(second.kind, LinkKind::kMerged);
  EXPECT_EQ(second.channel, ComplaintChannel::k12345Transfer);
  EXPECT_EQ(second.external_order_number, "JZ12345-20260302-0002");
  EXPECT_EQ(second.reporter.name, "李明");
  EXPECT_EQ(second.reporter.phone, "13900000002");
  EXPECT_EQ(second.reporter.identity_hash, HashOf("13900000002"));
  EXPECT_EQ(second.link_time, Beijing(2026, 3, 2, 14));

  auto merged = repo_->Get(Scope::All(), b.id);
  ASSERT_THAT(merged, IsOk());
  EXPECT_EQ(merged->state, ComplaintState::kMerged);
  EXPECT_EQ(merged->master_id, a.id);
  EXPECT_EQ(merged->close_time, Beijing(2026, 3, 2, 14));
  EXPECT_THAT(merged->linked, IsEmpty());
  auto moved = repo_->Get(Scope::All(), c.id);
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->master_id, a.id);
  EXPECT_EQ(moved->version, 2);

  // The same reporter again: not accepted, linked to the open complaint.
  const Complaint repeat = Created(Received(Smoke(), Beijing(2026, 3, 3)));
  EXPECT_THAT(InTx([&](storage::Tx& tx) -> absl::Status {
                auto existing = repo_->Lock(tx, Scope::All(), a.id);
                auto again = repo_->Lock(tx, Scope::All(), repeat.id);
                if (!existing.ok()) return existing.status();
                if (!again.ok()) return again.status();
                Complaint e = *existing;
                Complaint r = *again;
                const absl::Time now = Beijing(2026, 3, 3, 8);
                if (auto s = domain::LinkRepeatReport(e, r, kOperator, now); !s.ok()) return s;
                if (auto s = repo_->Store(tx, *existing, e, now); !s.ok()) return s.status();
                return repo_->Store(tx, *again, r, now).status();
              }),
              IsOk());
  master = repo_->Get(Scope::All(), a.id);
  ASSERT_THAT(master, IsOk());
  ASSERT_EQ(master->linked.size(), 3u);
  EXPECT_EQ(master->linked[2].complaint_id, repeat.id);
  EXPECT_EQ(master->linked[2].kind, LinkKind::kRepeat);
  EXPECT_EQ(master->linked[2].reporter.phone, kPhone);
  auto linked = repo_->Get(Scope::All(), repeat.id);
  ASSERT_THAT(linked, IsOk());
  EXPECT_EQ(linked->state, ComplaintState::kNotAccepted);
  EXPECT_EQ(linked->master_id, a.id);
  ASSERT_TRUE(linked->acceptance.has_value());
  EXPECT_EQ(linked->acceptance->ground, domain::NotAcceptedGround::kRepeatReport);

  // The reporter's open, accepted complaints: a only (the repeat was not accepted).
  absl::StatusOr<std::vector<Complaint>> open;
  EXPECT_THAT(InTx([&](storage::Tx& tx) {
                open = repo_->ListOpenByReporter(tx, HashOf("138 0000 0001"), 10);
                return open.status();
              }),
              IsOk());
  EXPECT_THAT(Ids(*open), ElementsAre(a.id));

  // Duplicate candidates leave out the merged ones.
  auto recent = repo_->ListRecent(District("410802"), ComplaintCategory::kAir, Beijing(2026, 3, 1),
                                  Beijing(2026, 3, 4), 10);
  ASSERT_THAT(recent, IsOk());
  EXPECT_THAT(Ids(*recent), ElementsAre(repeat.id, a.id));
}

TEST_F(ComplaintStorageTest, ListFiltersAndPagesNewestFirst) {
  // 1: received, overdue for acceptance on 03-18.
  const Complaint c1 = Created(Received(Smoke(), Beijing(2026, 3, 2)));
  // 2: about water, dispatched to officer1.
  Complaint water = Smoke("13900000002");
  water.category = ComplaintCategory::kWater;
  const Complaint c2 = Created(Received(water, Beijing(2026, 3, 3)));
  Step(
      c2.id,
      [&](Complaint& c) {
        if (absl::Status s = domain::Accept(c, kOperator, Beijing(2026, 3, 3, 11)); !s.ok()) {
          return s;
        }
        return domain::Dispatch(c, Team("水环境中队", "officer1"), "", kDispatcher,
                                Beijing(2026, 3, 3, 12));
      },
      Beijing(2026, 3, 3, 12));
  // 3: in 沁阳, found verified (a case clue).
  Complaint qinyang = Smoke("13700000003");
  qinyang.location.district_code = "410882";
  qinyang.enterprise_uscc.clear();
  const Complaint c3 = Created(Received(qinyang, Beijing(2026, 3, 4)));
  Step(
      c3.id,
      [&](Complaint& c) {
        if (absl::Status s = domain::Accept(c, kOperator, Beijing(2026, 3, 4, 11)); !s.ok()) {
          return s;
        }
        Assignment to = Team("沁阳执法中队", "officer2");
        to.district_code = "410882";
        if (absl::Status s = domain::Dispatch(c, to, "", kDispatcher, Beijing(2026, 3, 4, 12));
            !s.ok()) {
          return s;
        }
        Findings f;
        f.outcome = FindingsOutcome::kVerified;
        f.text = "属实";
        return domain::RecordFindings(c, f, kOfficer, Beijing(2026, 3, 4, 16));
      },
      Beijing(2026, 3, 4, 16));
  // 4 and 5 at the same instant: 4 not accepted (closed), 5 in 沁阳 and received.
  const Complaint c4 = Created(Received(Smoke(), Beijing(2026, 3, 5)));
  Step(
      c4.id,
      [&](Complaint& c) {
        return domain::Reject(c, domain::NotAcceptedGround::kOutsideRemit, "属于住建部门职责",
                              "焦作市住房和城乡建设局", kOperator, Beijing(2026, 3, 5, 11));
      },
      Beijing(2026, 3, 5, 11));
  const Complaint c5 = Created(Received(qinyang, Beijing(2026, 3, 5)));
  // 6: a 12345 order, due for acceptance within one working day (Monday 03-09).
  Complaint order = Smoke("13600000006");
  order.channel = ComplaintChannel::k12345Transfer;
  order.external_order_number = "JZ12345-20260306-0001";
  const Complaint c6 = Created(Received(order, Beijing(2026, 3, 6)));

  EXPECT_THAT(Ids(ListAll(Scope::All(), {})),
              ElementsAre(c6.id, c5.id, c4.id, c3.id, c2.id, c1.id));
  EXPECT_THAT(Ids(ListAll(District("410882"), {})), ElementsAre(c5.id, c3.id));

  ComplaintFilter f;
  f.state = ComplaintState::kReceived;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c5.id, c1.id));
  f = {};
  f.district_code = "410882";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c5.id, c3.id));
  f.district_code = "410800";
  EXPECT_EQ(ListAll(Scope::All(), f).size(), 6u);
  f = {};
  f.assigned_officer = "officer1";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c2.id));
  f = {};
  f.case_clue_only = true;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c3.id));
  f = {};
  f.open_only = true;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c5.id, c3.id, c2.id, c1.id));
  f = {};
  f.channel = ComplaintChannel::k12345Transfer;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id));
  f = {};
  f.category = ComplaintCategory::kWater;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c2.id));
  f = {};
  f.enterprise_uscc = kPlant;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c4.id, c2.id, c1.id));

  // Acceptance is due at the end of 03-17 (c1), 03-20 (c5) and 03-09 (c6).
  f = {};
  f.overdue_only = true;
  f.now = Beijing(2026, 3, 20);
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c1.id));
  f.now = Beijing(2026, 3, 9, 12);
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), IsEmpty());
  f = {};
  f.due_before = Beijing(2026, 3, 21, 0);
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c5.id, c1.id));
  f.due_before = Beijing(2026, 3, 18, 0);
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(c6.id, c1.id));

  // Pages of two, following the cursor, cover every complaint once, in order.
  std::vector<int64_t> paged;
  std::optional<ComplaintCursor> cursor;
  for (int page = 0; page < 4; ++page) {
    auto complaints = repo_->List(Scope::All(), {}, 2, cursor);
    ASSERT_THAT(complaints, IsOk());
    if (complaints->empty()) break;
    EXPECT_EQ(complaints->size(), 2u);
    for (const Complaint& c : *complaints) paged.push_back(c.id);
    cursor = ComplaintCursor{complaints->back().receive_time, complaints->back().id};
  }
  EXPECT_THAT(paged, ElementsAre(c6.id, c5.id, c4.id, c3.id, c2.id, c1.id));

  // Duplicate candidates: the category within the window and scope, newest first.
  auto recent = repo_->ListRecent(Scope::All(), ComplaintCategory::kAir, Beijing(2026, 3, 3),
                                  Beijing(2026, 3, 5), 10);
  ASSERT_THAT(recent, IsOk());
  EXPECT_THAT(Ids(*recent), ElementsAre(c5.id, c4.id, c3.id));
  recent = repo_->ListRecent(District("410882"), ComplaintCategory::kAir, Beijing(2026, 3, 1),
                             Beijing(2026, 3, 31), 1);
  ASSERT_THAT(recent, IsOk());
  EXPECT_THAT(Ids(*recent), ElementsAre(c5.id));
}

TEST_F(ComplaintStorageTest, WithoutTheRightKeyNoReporterIsRead) {
  const Complaint c = Created(Received(Smoke(), Beijing(2026, 3, 2)));

  auto other_cipher = FieldCipher::FromKeyText(FieldCipher::NewKeyText());
  ASSERT_THAT(other_cipher, IsOk());
  MysqlComplaintRepository other_key(*pool_, &*other_cipher);
  auto got = other_key.Get(Scope::All(), c.id);
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(got.status().message()), Not(HasSubstr(kPhone)));
  EXPECT_THAT(other_key.List(Scope::All(), {}, 10, std::nullopt),
              StatusIs(absl::StatusCode::kDataLoss));

  MysqlComplaintRepository no_key(*pool_, nullptr);
  EXPECT_THAT(no_key.Get(Scope::All(), c.id),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ECOCASE_FIELD_KEY")));
  EXPECT_THAT(Create(no_key, Scope::All(), Received(Smoke(), Beijing(2026, 3, 2))),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no field encryption key configured")));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM complaint"), 1);

  // Anonymous complaints need no key.
  Complaint anonymous = Smoke();
  anonymous.reporter = {};
  anonymous.reporter.anonymous = true;
  auto created = Create(no_key, Scope::All(), Received(anonymous, Beijing(2026, 3, 3)));
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(no_key.Get(Scope::All(), created->first.id), IsOk());
}

}  // namespace
}  // namespace ecocase
