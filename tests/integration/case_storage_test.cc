// Enforcement case storage against the real database: every field of a case (columns,
// officers, evidence, the timeline and the procedure records in the JSON document)
// round-trips, scope hides cases from other districts and from enterprises until notified,
// a finding opens one case (referrals may open several), Store appends the timeline and
// bumps the version, a case number is taken once, concurrent filings get gapless numbers,
// lists filter and page newest first, and case candidates come from complaints, incidents
// and tasks until a case takes their link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/barrier.h"
#include "common/regulatory_time.h"
#include "domain/enforcement_case.h"
#include "storage/mysql/case_document.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_case_repository.h"
#include "storage/mysql/transaction.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using domain::CaseEvent;
using domain::CaseOfficer;
using domain::CaseSourceKind;
using domain::CaseState;
using domain::EnforcementCase;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::ecocase::testing::TestSchema;
using ::ecocase::testing::ValidUscc;
using storage::CaseCandidate;
using storage::CaseCursor;
using storage::CaseFilter;
using storage::Scope;
using storage::mysql::MysqlCaseRepository;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kPlant = ValidUscc("91410802MA45TA001");  // 解放区 410802
const std::string kMill = ValidUscc("91410803MA45TB002");   // 中站区 410803
constexpr char kOfficer[] = "users/officer1";
constexpr char kHead[] = "users/head1";
constexpr char kPattern[] = "焦环罚〔{year}〕{seq}号";

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

std::string Number(int year, int64_t seq) {
  auto number = domain::FormatCaseNumber(kPattern, year, seq);
  EXPECT_THAT(number, IsOk());
  return number.value_or("");
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

std::string DayText(const std::optional<absl::CivilDay>& day) {
  return day ? absl::FormatCivilTime(*day) : "-";
}

std::string Penalties(const std::vector<domain::PenaltyItem>& items) {
  std::vector<std::string> parts;
  for (const domain::PenaltyItem& p : items) {
    parts.push_back(absl::StrCat(domain::PenaltyKindName(p.kind), ":", p.amount_fen));
  }
  return absl::StrJoin(parts, ",");
}

std::string Review(const std::optional<domain::ReviewRecord>& r) {
  return r ? absl::StrCat(r->by, " ", r->conclusion, " ", TimeText(r->time)) : "-";
}

// Every field of a case, one per line, so that a mismatch names the field.
std::string Dump(const EnforcementCase& c) {
  std::vector<std::string> lines;
  auto add = [&lines](auto&&... parts) { lines.push_back(absl::StrCat(parts...)); };
  add("id ", c.id, " version ", c.version, " number ", c.case_number);
  add("source ", domain::CaseSourceKindName(c.source.kind), " ", c.source.link);
  add("party ", domain::PartyKindName(c.party_kind), " ", c.party_name, " ", c.enterprise_uscc);
  add("where ", c.district_code, " summary ", c.summary, " discovered ", DayText(c.discovery_day));
  add("state ", domain::CaseStateName(c.state), " reason ", c.state_reason, " filed ",
      DayText(c.filed_day));
  for (const CaseOfficer& o : c.officers) {
    add("officer ", o.username, " ", o.certificate_number, " ", DayText(o.certificate_expiry));
  }
  for (const domain::Recusal& r : c.recusals) {
    add("recusal ", r.username, " ", r.reason, " ", r.by, " ", TimeText(r.time));
  }
  add("evidence ", absl::StrJoin(c.evidence, "|"));
  for (const domain::Notification& n : c.notifications) {
    add("notification ", n.facts, " [", Penalties(n.proposed), "] ", n.legal_basis, " ", n.rights,
        " ", DayText(n.received_day), " ", DayText(n.statement_end_day), " ", n.hearing_right, " ",
        DayText(n.hearing_request_end_day));
  }
  if (c.response) {
    add("response ", domain::ResponseKindName(c.response->kind), " ", c.response->note, " ",
        DayText(c.response->day));
  }
  if (c.hearing) {
    const domain::Hearing& h = *c.hearing;
    add("hearing ", DayText(h.request_day), " ", DayText(h.notice_day), " ", DayText(h.hearing_day),
        " ", h.presiding, " ", domain::HearingOutcomeName(h.outcome), " ", h.record);
  }
  add("flags ", c.hearing_held, " ", c.legal_review_flagged, " ", c.collective_discussion_flagged);
  add("legal review ", Review(c.legal_review));
  add("collective discussion ", Review(c.collective_discussion));
  if (c.decision) {
    const domain::Decision& d = *c.decision;
    add("decision ", static_cast<int>(d.kind), " [", Penalties(d.penalties), "] [",
        absl::StrJoin(d.correction_orders, "|"), "] ", d.legal_basis, " ", d.reason, " ",
        DayText(d.day));
  }
  if (c.transfer) {
    const domain::CaseTransfer& t = *c.transfer;
    add("transfer ", domain::TransferKindName(t.kind), " ", t.receiving_body, " ", t.note, " [",
        absl::StrJoin(t.package, "|"), "] ", DayText(t.day), " ", DayText(t.send_by_day), " ",
        DayText(t.sent_day), " ", t.receipt);
  }
  if (c.service) {
    add("service ", domain::ServiceMethodName(c.service->method), " ", DayText(c.service->day), " ",
        c.service->electronic_consent);
  }
  for (const domain::Payment& p : c.payments) {
    add("payment ", p.amount_fen, " ", DayText(p.day), " ", p.receipt);
  }
  add("court enforcement ", DayText(c.court_enforcement_day));
  add("closure ", domain::ClosureGroundName(c.closure_ground));
  for (const domain::ExcludedPeriod& p : c.excluded_periods) {
    add("excluded ", static_cast<int>(p.kind), " ", DayText(p.first), " ", DayText(p.last), " ",
        p.note);
  }
  for (const domain::DecisionExtension& x : c.decision_extensions) {
    add("extension ", x.days, " ", static_cast<int>(x.approval), " ", x.approved_by, " ",
        TimeText(x.approve_time), " ", x.reason);
  }
  for (const domain::CaseMeasure& m : c.measures) {
    add("measure ", domain::CaseMeasureKindName(m.kind), " ", m.document, " ", DayText(m.start_day),
        " ", m.amount, " [", absl::StrJoin(m.extensions, ","), "] ", DayText(m.lifted_day), " ",
        m.note);
  }
  add("revoked permits ", absl::StrJoin(c.revoked_permits, "|"));
  add("correction tasks ", absl::StrJoin(c.correction_tasks, "|"));
  for (const CaseEvent& e : c.timeline) {
    add("event ", e.kind, " ", domain::CaseStateName(e.state), " ", e.actor, " ", TimeText(e.time),
        " ", e.note);
  }
  add("created ", TimeText(c.create_time), " updated ", TimeText(c.update_time));
  return absl::StrJoin(lines, "\n");
}

std::vector<int64_t> Ids(const std::vector<EnforcementCase>& cases) {
  std::vector<int64_t> ids;
  for (const EnforcementCase& c : cases) ids.push_back(c.id);
  return ids;
}

std::vector<std::string> Links(const std::vector<CaseCandidate>& candidates) {
  std::vector<std::string> links;
  for (const CaseCandidate& c : candidates) links.push_back(c.link);
  return links;
}

CaseEvent Event(absl::string_view kind, CaseState state, absl::Time time, std::string note = "") {
  return CaseEvent{std::string(kind), state, kOfficer, time, std::move(note)};
}

// What a case read back must equal: `c` with the stored times and identity.
EnforcementCase AsStored(EnforcementCase c, int64_t id, int64_t version) {
  c.id = id;
  c.version = version;
  auto t = [](absl::Time& time) { time = absl::FromUnixMicros(absl::ToUnixMicros(time)); };
  for (domain::Recusal& r : c.recusals) t(r.time);
  if (c.legal_review) t(c.legal_review->time);
  if (c.collective_discussion) t(c.collective_discussion->time);
  for (domain::DecisionExtension& x : c.decision_extensions) t(x.approve_time);
  for (CaseEvent& e : c.timeline) t(e.time);
  t(c.create_time);
  t(c.update_time);
  return c;
}

class CaseStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = TestSchema::Create("case");
    storage::DbOptions options = schema_->options();
    options.pool_size = 12;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(options);
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(*pool_, *migrations), IsOk());
    repo_ = std::make_unique<MysqlCaseRepository>(*pool_);
    AddEnterprise(kPlant, "焦作市甲化工有限公司", "410802");
    AddEnterprise(kMill, "焦作市乙造纸有限公司", "410803");
  }

  void AddEnterprise(const std::string& uscc, const std::string& name,
                     const std::string& district) {
    schema_->Execute(absl::StrCat(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, create_time, update_time) VALUES ('",
        uscc, "', '", name, "', '焦作市某路1号', '", district,
        "', 'C2614', 'KEY', NOW(6), NOW(6))"));
  }

  // A clue about `uscc` in its district, opened at `at` from `kind` / `link`.
  static EnforcementCase Clue(CaseSourceKind kind, const std::string& link, absl::Time at,
                              const std::string& uscc = kPlant) {
    EnforcementCase c;
    c.source = {kind, link};
    c.party_kind = domain::PartyKind::kOrganisation;
    c.party_name = uscc == kPlant ? "焦作市甲化工有限公司" : "焦作市乙造纸有限公司";
    c.enterprise_uscc = uscc;
    c.district_code = uscc == kPlant ? "410802" : "410803";
    c.summary = "超标排放大气污染物";
    EXPECT_THAT(domain::ValidateNewCase(c, "case"), IsOk());
    domain::OpenClue(c, kOfficer, at);
    return c;
  }

  absl::StatusOr<std::pair<EnforcementCase, bool>> Create(
      const Scope& scope, const EnforcementCase& c,
      std::optional<absl::Time> clock_due = std::nullopt) {
    absl::StatusOr<std::pair<EnforcementCase, bool>> result;
    absl::Status status = InTx([&](storage::Tx& tx) {
      result = repo_->Create(tx, scope, c, clock_due);
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  EnforcementCase Created(const EnforcementCase& c,
                          std::optional<absl::Time> clock_due = std::nullopt) {
    auto created = Create(Scope::All(), c, clock_due);
    EXPECT_THAT(created, IsOk());
    EXPECT_TRUE(created.ok() && created->second);
    return created.ok() ? created->first : EnforcementCase{};
  }

  // Runs `body` in one transaction.
  absl::Status InTx(const std::function<absl::Status(storage::Tx&)>& body) {
    return storage::mysql::RunInTransaction(*pool_, "case test", [&](sql::Connection& conn) {
      storage::Tx tx(conn);
      return body(tx);
    });
  }

  // Locks case `id`, runs `change` and stores the result at `now`; checks that what Store
  // returned and what Get reads back are what the change made.
  EnforcementCase Step(int64_t id,
                       const std::function<absl::Status(storage::Tx&, EnforcementCase&)>& change,
                       absl::Time now, std::optional<absl::Time> clock_due = std::nullopt) {
    EnforcementCase want;
    absl::StatusOr<EnforcementCase> stored;
    EXPECT_THAT(InTx([&](storage::Tx& tx) -> absl::Status {
                  absl::StatusOr<EnforcementCase> before = repo_->Lock(tx, Scope::All(), id);
                  if (!before.ok()) return before.status();
                  want = *before;
                  if (absl::Status s = change(tx, want); !s.ok()) return s;
                  want.version = before->version + 1;
                  want.update_time = now;
                  stored = repo_->Store(tx, *before, want, clock_due, now);
                  return stored.status();
                }),
                IsOk());
    if (!stored.ok()) return EnforcementCase{};
    want = AsStored(want, want.id, want.version);
    EXPECT_EQ(Dump(*stored), Dump(want));
    auto got = repo_->Get(Scope::All(), id);
    EXPECT_THAT(got, IsOk());
    if (got.ok()) {
      EXPECT_EQ(Dump(*got), Dump(want));
    }
    return *stored;
  }

  // Files case `id` with the next number of 2026 (filed on `now`).
  absl::Status FileIn(storage::Tx& tx, EnforcementCase& c, absl::Time now) {
    absl::StatusOr<int64_t> seq = repo_->NextCaseSeq(tx, 2026);
    if (!seq.ok()) return seq.status();
    return domain::File(c, Number(2026, *seq), c.discovery_day - 10, false, kHead, now);
  }

  std::vector<EnforcementCase> ListAll(const Scope& scope, const CaseFilter& filter) {
    auto cases = repo_->List(scope, filter, 100, std::nullopt);
    EXPECT_THAT(cases, IsOk());
    return cases.ok() ? *cases : std::vector<EnforcementCase>{};
  }

  std::vector<CaseCandidate> Candidates(const Scope& scope, absl::Time now) {
    auto candidates = repo_->ListCandidates(scope, now, 100);
    EXPECT_THAT(candidates, IsOk());
    return candidates.ok() ? *candidates : std::vector<CaseCandidate>{};
  }

  std::unique_ptr<TestSchema> schema_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<MysqlCaseRepository> repo_;
};

// Every record a case can hold, with times that are not whole microseconds.
void FillRecords(EnforcementCase& c, absl::Time at) {
  const absl::Time odd = at + absl::Nanoseconds(1500);
  c.officers = {{"officer1", "豫环执0001", absl::CivilDay(2028, 12, 31)},
                {"officer2", "豫环执0002", absl::CivilDay(2027, 6, 30)}};
  c.recusals = {{"officer3", "与当事人有利害关系", kHead, odd}};
  c.evidence = {"evidence/11", "inspections/7", "evidence/12"};
  domain::Notification first;
  first.facts = "2026年3月1日至3日颗粒物小时均值超标。\n第二行";
  first.proposed = {{domain::PenaltyKind::kFine, 12'345'678}, {domain::PenaltyKind::kWarning, 0}};
  first.legal_basis = "《大气污染防治法》第九十九条";
  first.rights = "陈述、申辩、听证";
  first.received_day = absl::CivilDay(2026, 4, 1);
  first.statement_end_day = absl::CivilDay(2026, 4, 8);
  first.hearing_right = true;
  first.hearing_request_end_day = absl::CivilDay(2026, 4, 8);
  domain::Notification second = first;
  second.proposed = {{domain::PenaltyKind::kProductionSuspension, 0}};
  second.hearing_right = false;
  c.notifications = {first, second};
  c.response = domain::PartyResponse{domain::ResponseKind::kDefenceStated, "已整改完毕",
                                     absl::CivilDay(2026, 4, 3)};
  domain::Hearing hearing;
  hearing.request_day = absl::CivilDay(2026, 4, 2);
  hearing.notice_day = absl::CivilDay(2026, 4, 3);
  hearing.presiding = "presider1";
  hearing.outcome = domain::HearingOutcome::kHeld;
  hearing.record = "听证笔录摘要";
  c.hearing = hearing;  // hearing_day left unset
  c.hearing_held = true;
  c.legal_review_flagged = true;
  c.collective_discussion_flagged = false;
  c.legal_review = domain::ReviewRecord{"users/legal1", "同意", odd};
  c.collective_discussion = domain::ReviewRecord{"users/chair1", "集体讨论同意", odd};
  domain::Decision decision;
  decision.kind = domain::DecisionKind::kPenalty;
  decision.penalties = {{domain::PenaltyKind::kFine, 10'000'000}};
  decision.correction_orders = {"立即停止超标排放", "完善治理设施"};
  decision.legal_basis = "《大气污染防治法》第九十九条第二项";
  decision.reason = "";
  decision.day = absl::CivilDay(2026, 5, 6);
  c.decision = decision;
  domain::CaseTransfer transfer;
  transfer.kind = domain::TransferKind::kCriminal;
  transfer.receiving_body = "焦作市公安局解放分局";
  transfer.note = "涉嫌污染环境罪";
  transfer.package = {"案件移送审批表", "移送书", "调查报告"};
  transfer.day = absl::CivilDay(2026, 5, 7);
  transfer.send_by_day = absl::CivilDay(2026, 5, 10);
  transfer.sent_day = absl::CivilDay(2026, 5, 9);
  transfer.receipt = "回执042";
  c.transfer = transfer;
  c.service = domain::Service{domain::ServiceMethod::kElectronic, absl::CivilDay(2026, 5, 8), true};
  c.payments = {{5'000'000, absl::CivilDay(2026, 5, 10), "收据001"},
                {5'000'000, absl::CivilDay(2026, 5, 20), "收据002"}};
  c.court_enforcement_day = absl::CivilDay(2026, 7, 1);
  c.closure_ground = domain::ClosureGround::kCourtEnforcementAccepted;
  c.excluded_periods = {{domain::ExcludedPeriodKind::kHearing, absl::CivilDay(2026, 4, 2),
                         absl::CivilDay(2026, 4, 20), "听证"},
                        {domain::ExcludedPeriodKind::kMonitoring, absl::CivilDay(2026, 4, 25),
                         std::nullopt, "委托监测"}};
  c.decision_extensions = {{30, domain::ExtensionApproval::kHead, kHead, odd, "案情复杂"},
                           {20, domain::ExtensionApproval::kCollectiveDiscussion, "users/chair1",
                            odd + absl::Hours(1), "鉴定未完成"}};
  c.measures = {{domain::CaseMeasureKind::kSealing,
                 "焦环封〔2026〕3号",
                 absl::CivilDay(2026, 3, 3),
                 30,
                 {30},
                 absl::CivilDay(2026, 4, 20),
                 "查封设备"},
                {domain::CaseMeasureKind::kProductionSuspension,
                 "焦环停〔2026〕1号",
                 absl::CivilDay(2026, 3, 4),
                 0,
                 {},
                 std::nullopt,
                 ""}};
  c.revoked_permits = {"enterprises/91410802MA45TA0016/permits/P-1"};
  c.correction_tasks = {"tasks/5", "tasks/6"};
  c.timeline.push_back(Event("ASSIGN_OFFICER", c.state, odd, "users/officer1"));
  c.timeline.push_back(Event("ADD_EVIDENCE", c.state, odd + absl::Seconds(1), "evidence/11"));
}

TEST_F(CaseStorageTest, CreateThenGetRoundTripsEveryRecord) {
  const absl::Time at = Beijing(2026, 3, 2, 9, 30) + absl::Nanoseconds(2500);
  EnforcementCase clue = Clue(CaseSourceKind::kComplaint, "complaints/12", at);
  clue.discovery_day = absl::CivilDay(2026, 3, 1);
  clue.state_reason = "初查";
  FillRecords(clue, at);
  auto created = Create(District("410802"), clue, Beijing(2026, 3, 17));
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->second);
  const EnforcementCase& stored = created->first;
  EXPECT_GT(stored.id, 0);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(Dump(stored), Dump(AsStored(clue, stored.id, 1)));
  auto got = repo_->Get(Scope::All(), stored.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(stored));
  EXPECT_EQ(schema_->QueryInt(
                absl::StrCat("SELECT COUNT(*) FROM case_event WHERE case_id = ", stored.id)),
            3);
  EXPECT_EQ(schema_->QueryString(absl::StrCat(
                "SELECT DATE_FORMAT(clock_due, '%Y-%m-%d %H:%i') FROM enforcement_case WHERE id = ",
                stored.id)),
            "2026-03-17 02:00");
  // The notifications set the enterprise's view; the document is JSON with integer fen.
  EXPECT_EQ(schema_->QueryInt(
                absl::StrCat("SELECT notified FROM enforcement_case WHERE id = ", stored.id)),
            1);
  EXPECT_EQ(schema_->QueryInt(absl::StrCat(
                "SELECT JSON_EXTRACT(document, '$.decision.penalties[0].amount_fen') FROM "
                "enforcement_case WHERE id = ",
                stored.id)),
            10'000'000);
}

TEST_F(CaseStorageTest, FilingAndLaterStepsRoundTrip) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EnforcementCase clue = Created(Clue(CaseSourceKind::kInspection, "inspections/3", at));
  EXPECT_THAT(clue.officers, IsEmpty());
  EXPECT_FALSE(clue.filed_day.has_value());
  const absl::Time filed = Beijing(2026, 3, 5) + absl::Nanoseconds(700);
  EnforcementCase after = Step(
      clue.id, [&](storage::Tx& tx, EnforcementCase& c) { return FileIn(tx, c, filed); }, filed);
  EXPECT_EQ(after.case_number, Number(2026, 1));
  EXPECT_EQ(after.filed_day, absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(
      schema_->QueryString(absl::StrCat(
          "SELECT CONCAT(case_year, '/', case_seq) FROM enforcement_case WHERE id = ", clue.id)),
      "2026/1");
  const absl::Time later = Beijing(2026, 5, 1);
  after = Step(
      clue.id,
      [&](storage::Tx&, EnforcementCase& c) {
        FillRecords(c, later);
        c.state = CaseState::kExecuting;
        return absl::OkStatus();
      },
      later);
  EXPECT_EQ(after.version, 3);
  EXPECT_EQ(after.officers.size(), 2u);
  // Officers and evidence are replaced, not appended.
  after = Step(
      clue.id,
      [&](storage::Tx&, EnforcementCase& c) {
        c.officers.erase(c.officers.begin());
        c.evidence = {"evidence/99"};
        c.timeline.push_back(Event("RECUSE", c.state, later, "officer1"));
        return absl::OkStatus();
      },
      later);
  EXPECT_EQ(schema_->QueryInt(
                absl::StrCat("SELECT COUNT(*) FROM case_officer WHERE case_id = ", clue.id)),
            1);
  EXPECT_EQ(schema_->QueryInt(
                absl::StrCat("SELECT COUNT(*) FROM case_evidence WHERE case_id = ", clue.id)),
            1);
  EXPECT_EQ(
      schema_->QueryInt(absl::StrCat("SELECT COUNT(*) FROM case_event WHERE case_id = ", clue.id)),
      static_cast<int64_t>(after.timeline.size()));
}

TEST_F(CaseStorageTest, StoreAppendsEventsBumpsVersionAndGuardsIdentity) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EnforcementCase clue = Created(Clue(CaseSourceKind::kComplaint, "complaints/1", at));
  ASSERT_EQ(clue.timeline.size(), 1u);
  const absl::Time now = Beijing(2026, 3, 3);
  EnforcementCase v2 = Step(
      clue.id,
      [&](storage::Tx&, EnforcementCase& c) {
        c.timeline.push_back(Event("ADD_NOTE", c.state, now, "一"));
        c.timeline.push_back(Event("ADD_NOTE", c.state, now, "二"));
        return absl::OkStatus();
      },
      now);
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.update_time, now);
  EXPECT_EQ(schema_->QueryString(absl::StrCat(
                "SELECT GROUP_CONCAT(seq ORDER BY seq) FROM case_event WHERE case_id = ", clue.id)),
            "1,2,3");

  auto refused = [&](const std::function<void(EnforcementCase&)>& change) {
    return InTx([&](storage::Tx& tx) -> absl::Status {
      auto before = repo_->Lock(tx, Scope::All(), clue.id);
      if (!before.ok()) return before.status();
      EnforcementCase after = *before;
      change(after);
      return repo_->Store(tx, *before, after, std::nullopt, now).status();
    });
  };
  EXPECT_THAT(refused([](EnforcementCase& c) { c.timeline.pop_back(); }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("timeline")));
  EXPECT_THAT(refused([](EnforcementCase& c) { c.source.link = "complaints/2"; }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("identity")));
  EXPECT_THAT(refused([](EnforcementCase& c) { c.party_name = "别人"; }),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(refused([](EnforcementCase& c) { c.create_time += absl::Seconds(1); }),
              StatusIs(absl::StatusCode::kInternal));
  // A stale `before` (version 1) is not written over version 2.
  EXPECT_THAT(InTx([&](storage::Tx& tx) {
                EnforcementCase after = clue;
                after.summary = "旧版本";
                return repo_->Store(tx, clue, after, std::nullopt, now).status();
              }),
              StatusIs(absl::StatusCode::kAborted));
  auto got = repo_->Get(Scope::All(), clue.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(Dump(*got), Dump(v2));
}

TEST_F(CaseStorageTest, ScopeByDistrictAndEnterpriseOnceNotified) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EnforcementCase plant = Created(Clue(CaseSourceKind::kComplaint, "complaints/1", at));
  const EnforcementCase mill = Created(Clue(CaseSourceKind::kComplaint, "complaints/2", at, kMill));
  EXPECT_THAT(repo_->Get(District("410802"), plant.id), IsOk());
  EXPECT_THAT(repo_->Get(District("410800"), plant.id), IsOk());  // the city covers it
  EXPECT_THAT(repo_->Get(District("410803"), plant.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(
      InTx([&](storage::Tx& tx) { return repo_->Lock(tx, District("410803"), plant.id).status(); }),
      StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Ids(ListAll(District("410803"), {})), ElementsAre(mill.id));
  EXPECT_THAT(Ids(ListAll(District("410800"), {})), ElementsAre(mill.id, plant.id));

  // The enterprise sees nothing before the notification (事先告知), then its own case only.
  EXPECT_THAT(repo_->Get(EnterpriseScope(kPlant), plant.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListAll(EnterpriseScope(kPlant), {}), IsEmpty());
  const absl::Time now = Beijing(2026, 4, 1);
  for (int64_t id : {plant.id, mill.id}) {
    Step(
        id,
        [&](storage::Tx&, EnforcementCase& c) {
          domain::Notification n;
          n.facts = "事实";
          n.proposed = {{domain::PenaltyKind::kWarning, 0}};
          n.received_day = absl::CivilDay(2026, 4, 1);
          c.notifications.push_back(n);
          c.state = CaseState::kNotified;
          c.timeline.push_back(Event("NOTIFY", c.state, now));
          return absl::OkStatus();
        },
        now);
  }
  EXPECT_THAT(repo_->Get(EnterpriseScope(kPlant), plant.id), IsOk());
  EXPECT_THAT(repo_->Get(EnterpriseScope(kPlant), mill.id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Ids(ListAll(EnterpriseScope(kPlant), {})), ElementsAre(plant.id));
  // From then on whatever happens: a later step keeps it visible.
  Step(
      plant.id,
      [&](storage::Tx&, EnforcementCase& c) {
        c.state = CaseState::kClosed;
        c.closure_ground = domain::ClosureGround::kDecisionRevoked;
        c.timeline.push_back(Event("CLOSE", c.state, now));
        return absl::OkStatus();
      },
      now);
  EXPECT_THAT(repo_->Get(EnterpriseScope(kPlant), plant.id), IsOk());
  // An enterprise scope gets no candidates.
  EXPECT_THAT(Candidates(EnterpriseScope(kPlant), now), IsEmpty());
}

TEST_F(CaseStorageTest, CreateIsIdempotentPerFindingButNotPerReferral) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EnforcementCase first = Created(Clue(CaseSourceKind::kComplaint, "complaints/7", at));
  // The same finding again, even from a scope that cannot see the case: the same case.
  EnforcementCase again = Clue(CaseSourceKind::kComplaint, "complaints/7", at + absl::Hours(1));
  again.summary = "另一个案由";
  auto second = Create(District("410803"), again);
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->second);
  EXPECT_EQ(Dump(second->first), Dump(first));
  // Another kind with the same text is another finding.
  auto overdue = Create(Scope::All(), Clue(CaseSourceKind::kOverdueTask, "tasks/7", at));
  auto refused = Create(Scope::All(), Clue(CaseSourceKind::kRefusedTask, "tasks/7", at));
  ASSERT_THAT(overdue, IsOk());
  ASSERT_THAT(refused, IsOk());
  EXPECT_TRUE(overdue->second);
  EXPECT_TRUE(refused->second);
  // One referral letter may refer several matters.
  const EnforcementCase r1 = Created(Clue(CaseSourceKind::kReferral, "焦公环移〔2026〕3号", at));
  const EnforcementCase r2 =
      Created(Clue(CaseSourceKind::kReferral, "焦公环移〔2026〕3号", at + absl::Hours(1)));
  EXPECT_NE(r1.id, r2.id);
  CaseFilter by_link;
  by_link.source_link = "焦公环移〔2026〕3号";
  EXPECT_THAT(Ids(ListAll(Scope::All(), by_link)), ElementsAre(r2.id, r1.id));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM enforcement_case"), 5);

  // The party's enterprise must exist within the caller's scope.
  EnforcementCase stranger = Clue(CaseSourceKind::kComplaint, "complaints/8", at);
  stranger.enterprise_uscc = ValidUscc("91410802MA45TZ009");
  EXPECT_THAT(Create(Scope::All(), stranger), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Create(District("410803"), Clue(CaseSourceKind::kComplaint, "complaints/8", at)),
              StatusIs(absl::StatusCode::kNotFound));
  // A party without an enterprise needs none.
  EnforcementCase person = Clue(CaseSourceKind::kComplaint, "complaints/9", at);
  person.party_kind = domain::PartyKind::kIndividual;
  person.party_name = "张三";
  person.enterprise_uscc.clear();
  auto individual = Create(District("410802"), person);
  ASSERT_THAT(individual, IsOk());
  EXPECT_EQ(individual->first.enterprise_uscc, "");
}

TEST_F(CaseStorageTest, ConcurrentOpeningsOfOneFindingMakeOneCase) {
  const absl::Time at = Beijing(2026, 3, 2);
  constexpr int kThreads = 6;
  absl::Barrier* barrier = new absl::Barrier(kThreads);
  std::vector<std::optional<std::pair<int64_t, bool>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const EnforcementCase clue = Clue(CaseSourceKind::kExceedanceIncident, "incidents/4", at);
      if (barrier->Block()) delete barrier;
      auto created = Create(Scope::All(), clue);
      EXPECT_THAT(created, IsOk());
      if (created.ok()) results[i] = std::make_pair(created->first.id, created->second);
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
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM enforcement_case"), 1);
}

TEST_F(CaseStorageTest, CaseNumberIsTakenOnce) {
  const absl::Time at = Beijing(2026, 3, 2);
  const EnforcementCase a = Created(Clue(CaseSourceKind::kComplaint, "complaints/1", at));
  const EnforcementCase b = Created(Clue(CaseSourceKind::kComplaint, "complaints/2", at));
  const absl::Time now = Beijing(2026, 3, 5);
  Step(
      a.id, [&](storage::Tx& tx, EnforcementCase& c) { return FileIn(tx, c, now); }, now);
  // A second filing under the same number (its own sequence number is 2).
  absl::Status second = InTx([&](storage::Tx& tx) -> absl::Status {
    auto before = repo_->Lock(tx, Scope::All(), b.id);
    if (!before.ok()) return before.status();
    EnforcementCase after = *before;
    auto seq = repo_->NextCaseSeq(tx, 2026);
    if (!seq.ok()) return seq.status();
    EXPECT_EQ(*seq, 2);
    absl::Status filed =
        domain::File(after, Number(2026, 1), after.discovery_day - 10, false, kHead, now);
    if (!filed.ok()) return filed;
    return repo_->Store(tx, *before, after, std::nullopt, now).status();
  });
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(Number(2026, 1))));
  auto got = repo_->Get(Scope::All(), b.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->state, CaseState::kClue);
  EXPECT_EQ(got->case_number, "");
  // The failed filing gave its number back.
  EXPECT_EQ(schema_->QueryInt("SELECT last_seq FROM case_number_counter WHERE year = 2026"), 1);
}

TEST_F(CaseStorageTest, ConcurrentFilingsGetGaplessNumbers) {
  const absl::Time at = Beijing(2026, 3, 2);
  constexpr int kThreads = 8;
  std::vector<int64_t> ids;
  for (int i = 0; i < kThreads; ++i) {
    ids.push_back(
        Created(Clue(CaseSourceKind::kComplaint, absl::StrCat("complaints/", i + 1), at)).id);
  }
  // Numbers already given in another year do not matter.
  ASSERT_THAT(InTx([&](storage::Tx& tx) { return repo_->NextCaseSeq(tx, 2025).status(); }), IsOk());

  const absl::Time now = Beijing(2026, 3, 5);
  absl::Barrier* barrier = new absl::Barrier(kThreads);
  std::vector<absl::Status> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      if (barrier->Block()) delete barrier;
      outcomes[i] = InTx([&](storage::Tx& tx) -> absl::Status {
        auto before = repo_->Lock(tx, Scope::All(), ids[i]);
        if (!before.ok()) return before.status();
        EnforcementCase after = *before;
        if (absl::Status s = FileIn(tx, after, now); !s.ok()) return s;
        // Hold the counter a while, so that the others queue on it.
        absl::SleepFor(absl::Milliseconds(20));
        // Every third filing fails after taking its number (e.g. its audit write failed).
        if (i % 3 == 1) return absl::CancelledError("deliberate rollback");
        return repo_->Store(tx, *before, after, std::nullopt, now).status();
      });
    });
  }
  for (std::thread& t : threads) t.join();
  int committed = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (i % 3 == 1) {
      EXPECT_THAT(outcomes[i], StatusIs(absl::StatusCode::kCancelled));
    } else {
      EXPECT_THAT(outcomes[i], IsOk()) << i;
      ++committed;
    }
  }
  ASSERT_EQ(committed, 5);
  std::vector<std::string> want;
  for (int seq = 1; seq <= committed; ++seq) want.push_back(Number(2026, seq));
  std::vector<std::string> numbers;
  for (const EnforcementCase& c : ListAll(Scope::All(), {})) {
    if (!c.case_number.empty()) numbers.push_back(c.case_number);
  }
  std::sort(numbers.begin(), numbers.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  EXPECT_THAT(numbers, ElementsAreArray(want));
  EXPECT_EQ(schema_->QueryString("SELECT GROUP_CONCAT(case_seq ORDER BY case_seq) FROM "
                                 "enforcement_case WHERE case_year = 2026"),
            "1,2,3,4,5");
  EXPECT_EQ(schema_->QueryInt("SELECT last_seq FROM case_number_counter WHERE year = 2026"),
            committed);
  EXPECT_EQ(schema_->QueryInt("SELECT last_seq FROM case_number_counter WHERE year = 2025"), 1);
}

TEST_F(CaseStorageTest, ListFiltersAndPagesNewestFirst) {
  const absl::Time t0 = Beijing(2026, 3, 1);
  // a: plant, complaint, overdue filing clock; b: mill, incident, clock not yet due;
  // c: plant, task, closed with a past clock; d: plant, referral, no clock.
  const EnforcementCase a =
      Created(Clue(CaseSourceKind::kComplaint, "complaints/1", t0), Beijing(2026, 3, 10));
  const EnforcementCase b =
      Created(Clue(CaseSourceKind::kExceedanceIncident, "incidents/1", t0 + absl::Hours(1), kMill),
              Beijing(2026, 4, 30));
  const EnforcementCase c = Created(
      Clue(CaseSourceKind::kOverdueTask, "tasks/1", t0 + absl::Hours(2)), Beijing(2026, 3, 10));
  const EnforcementCase d =
      Created(Clue(CaseSourceKind::kReferral, "焦公环移〔2026〕1号", t0 + absl::Hours(3)));
  const absl::Time now = Beijing(2026, 3, 20);
  Step(
      c.id,
      [&](storage::Tx&, EnforcementCase& x) {
        x.state = CaseState::kNotFiled;
        x.state_reason = "不构成违法";
        x.timeline.push_back(Event("NOT_FILE", x.state, now));
        return absl::OkStatus();
      },
      now, Beijing(2026, 3, 10));
  Step(
      b.id,
      [&](storage::Tx&, EnforcementCase& x) {
        x.officers = {{"officer7", "豫环执0007", absl::CivilDay(2028, 1, 1)}};
        x.timeline.push_back(Event("ASSIGN_OFFICER", x.state, now));
        return absl::OkStatus();
      },
      now, Beijing(2026, 4, 30));
  Step(
      d.id,
      [&](storage::Tx& tx, EnforcementCase& x) {
        x.officers = {{"officer7", "豫环执0007", absl::CivilDay(2028, 1, 1)},
                      {"officer8", "豫环执0008", absl::CivilDay(2028, 1, 1)}};
        return FileIn(tx, x, now);
      },
      now);

  EXPECT_THAT(Ids(ListAll(Scope::All(), {})), ElementsAre(d.id, c.id, b.id, a.id));
  CaseFilter f;
  f.state = CaseState::kFiled;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(d.id));
  f = {};
  f.district_code = "410803";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(b.id));
  f.district_code = "410800";
  EXPECT_THAT(Ids(ListAll(District("410802"), f)), ElementsAre(d.id, c.id, a.id));
  f = {};
  f.officer = "officer7";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(d.id, b.id));
  f.officer = "officer8";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(d.id));
  f = {};
  f.source_kind = CaseSourceKind::kExceedanceIncident;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(b.id));
  f = {};
  f.source_link = "complaints/1";
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(a.id));
  f = {};
  f.enterprise_uscc = kMill;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(b.id));
  f = {};
  f.open_only = true;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(d.id, b.id, a.id));
  f = {};
  f.overdue_only = true;
  f.now = now;
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(a.id));  // c is closed, d has none
  f.now = Beijing(2026, 4, 30);
  EXPECT_THAT(Ids(ListAll(Scope::All(), f)), ElementsAre(b.id, a.id));
  f.now = Beijing(2026, 3, 10) - absl::Microseconds(1);
  EXPECT_THAT(ListAll(Scope::All(), f), IsEmpty());
  // Filters combine with scope.
  f = {};
  f.officer = "officer7";
  EXPECT_THAT(Ids(ListAll(District("410802"), f)), ElementsAre(d.id));

  // Pages of two, each after the last of the previous page; ties on create_time by id.
  const EnforcementCase e = Created(Clue(CaseSourceKind::kComplaint, "complaints/2", t0));
  std::vector<int64_t> seen;
  std::optional<CaseCursor> cursor;
  for (int page = 0; page < 4; ++page) {
    auto cases = repo_->List(Scope::All(), {}, 2, cursor);
    ASSERT_THAT(cases, IsOk());
    if (cases->empty()) break;
    for (const EnforcementCase& x : *cases) seen.push_back(x.id);
    cursor = CaseCursor{cases->back().create_time, cases->back().id};
  }
  EXPECT_THAT(seen, ElementsAre(d.id, c.id, b.id, e.id, a.id));
}

TEST_F(CaseStorageTest, CandidatesComeFromComplaintsIncidentsAndTasksUntilTaken) {
  auto exec = [&](const std::string& sql) { schema_->Execute(sql); };
  const std::string plant_id = absl::StrCat(
      schema_->QueryInt(absl::StrCat("SELECT id FROM enterprise WHERE uscc = '", kPlant, "'")));
  const std::string mill_id = absl::StrCat(
      schema_->QueryInt(absl::StrCat("SELECT id FROM enterprise WHERE uscc = '", kMill, "'")));
  auto complaint = [&](int id, const std::string& district, bool clue, const std::string& state,
                       const std::string& update) {
    exec(absl::StrCat(
        "INSERT INTO complaint (id, channel, reporter_anonymous, address, district_code, "
        "category, urgency, description, enterprise_uscc, state, case_clue, intake_time, "
        "acceptance_due, closure_due, received_by, receive_time, update_time) VALUES (",
        id, ", '12369_PHONE', TRUE, '某路', '", district, "', 'AIR', 'NORMAL', '",
        std::string(250, 'x'), "', ",
        district == "410802" ? absl::StrCat("'", kPlant, "'") : "NULL", ", '", state, "', ",
        clue ? "TRUE" : "FALSE",
        ", NOW(6), NOW(6), NOW(6), 'users/hotline1', '2026-03-01 00:00:00', '", update, "')"));
  };
  complaint(1, "410802", true, "FINDINGS_RECORDED", "2026-03-02 01:00:00");
  complaint(2, "410803", true, "CLOSED", "2026-03-02 02:00:00");
  complaint(3, "410802", false, "CLOSED", "2026-03-02 03:00:00");  // not a clue
  complaint(4, "410802", true, "MERGED", "2026-03-02 04:00:00");   // merged away
  exec(
      absl::StrCat("INSERT INTO outlet (id, enterprise_id, code, kind, display_name, "
                   "create_time, update_time) VALUES (1, ",
                   plant_id, ", 'DA001', 'AIR', '1号排口', NOW(6), NOW(6)), (2, ", mill_id,
                   ", 'DW001', 'WATER', '总排口', NOW(6), NOW(6))"));
  auto incident = [&](int id, int outlet, const std::string& enterprise, bool candidate,
                      const std::string& update) {
    exec(absl::StrCat(
        "INSERT INTO incident (id, enterprise_id, outlet_id, pollutant, kind, first_bad_window, "
        "window_seconds, state, last_bad_window, bad_windows, rule_version, case_candidate, "
        "open_time, update_time) VALUES (",
        id, ", ", enterprise, ", ", outlet, ", 'a34013', 'EXCEEDANCE', '2026-03-0", id,
        " 00:00:00', 3600, ", "'OPEN', '2026-03-01 00:00:00', 3, 'r1', ",
        candidate ? "TRUE" : "FALSE", ", '2026-03-01 00:00:00', '", update, "')"));
  };
  incident(1, 1, plant_id, true, "2026-03-02 05:00:00");
  incident(2, 2, mill_id, true, "2026-03-02 06:00:00");
  incident(3, 1, plant_id, false, "2026-03-02 07:00:00");
  auto task = [&](int id, const std::string& enterprise, const std::string& state, bool refused,
                  const std::string& due, const std::string& update) {
    exec(absl::StrCat(
        "INSERT INTO rectification_task (id, enterprise_id, source_kind, source, title, "
        "legal_basis, deadline_days, deadline_working, due_day, due_time, state, refused, "
        "issued_by, issue_time, update_time) VALUES (",
        id, ", ", enterprise, ", 'INSPECTION', 'task-", id, "', '整改任务", id,
        "', '依据', 10, FALSE, DATE('", due, "'), '", due, "', '", state, "', ",
        refused ? "TRUE" : "FALSE", ", 'users/officer1', '2026-03-01 00:00:00', '", update, "')"));
  };
  task(1, plant_id, "ACKNOWLEDGED", true, "2026-04-30 16:00:00", "2026-03-02 08:00:00");
  task(2, plant_id, "ISSUED", false, "2026-03-02 09:00:00", "2026-03-01 00:00:00");
  task(3, plant_id, "SUBMITTED", false, "2026-03-30 16:00:00", "2026-03-01 00:00:00");
  task(4, plant_id, "VERIFIED", false, "2026-03-02 00:00:00", "2026-03-01 00:00:00");
  task(5, mill_id, "CANCELLED", false, "2026-03-02 00:00:00", "2026-03-01 00:00:00");

  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 3, 10, 0, 0, 0), absl::UTCTimeZone());
  std::vector<CaseCandidate> all = Candidates(Scope::All(), now);
  EXPECT_THAT(Links(all), ElementsAre("tasks/2", "tasks/1", "incidents/2", "incidents/1",
                                      "complaints/2", "complaints/1"));
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].kind, CaseSourceKind::kOverdueTask);
  EXPECT_EQ(all[0].found_time,
            absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(all[1].kind, CaseSourceKind::kRefusedTask);
  EXPECT_EQ(all[1].description, "整改任务1");
  EXPECT_EQ(all[1].enterprise_uscc, kPlant);
  EXPECT_EQ(all[1].district_code, "410802");
  EXPECT_EQ(all[2].kind, CaseSourceKind::kExceedanceIncident);
  EXPECT_EQ(all[2].district_code, "410803");
  EXPECT_EQ(all[2].enterprise_uscc, kMill);
  EXPECT_THAT(all[2].description, HasSubstr("a34013"));
  EXPECT_EQ(all[4].kind, CaseSourceKind::kComplaint);
  EXPECT_EQ(all[4].enterprise_uscc, "");
  EXPECT_EQ(all[5].description, std::string(200, 'x'));
  EXPECT_EQ(all[5].found_time,
            absl::FromCivil(absl::CivilSecond(2026, 3, 2, 1, 0, 0), absl::UTCTimeZone()));
  // Task 3 becomes overdue with time.
  EXPECT_THAT(Links(Candidates(Scope::All(), now + absl::Hours(24 * 30))),
              ElementsAre("tasks/3", "tasks/2", "tasks/1", "incidents/2", "incidents/1",
                          "complaints/2", "complaints/1"));
  // Scope by district; the limit.
  EXPECT_THAT(Links(Candidates(District("410802"), now)),
              ElementsAre("tasks/2", "tasks/1", "incidents/1", "complaints/1"));
  auto two = repo_->ListCandidates(Scope::All(), now, 2);
  ASSERT_THAT(two, IsOk());
  EXPECT_THAT(Links(*two), ElementsAre("tasks/2", "tasks/1"));

  // A case taking a link removes its candidate, whatever the case's state.
  const absl::Time at = Beijing(2026, 3, 5);
  Created(Clue(CaseSourceKind::kComplaint, "complaints/1", at));
  Created(Clue(CaseSourceKind::kExceedanceIncident, "incidents/2", at, kMill));
  Created(Clue(CaseSourceKind::kRefusedTask, "tasks/1", at));
  const EnforcementCase overdue = Created(Clue(CaseSourceKind::kOverdueTask, "tasks/2", at));
  Step(
      overdue.id,
      [&](storage::Tx&, EnforcementCase& x) {
        x.state = CaseState::kNotFiled;
        x.timeline.push_back(Event("NOT_FILE", x.state, at));
        return absl::OkStatus();
      },
      at);
  EXPECT_THAT(Links(Candidates(Scope::All(), now)), ElementsAre("incidents/1", "complaints/2"));
}

TEST_F(CaseStorageTest, BadDocumentIsDataLoss) {
  const EnforcementCase c =
      Created(Clue(CaseSourceKind::kComplaint, "complaints/1", Beijing(2026, 3, 2)));
  schema_->Execute(absl::StrCat(
      "UPDATE enforcement_case SET document = '{\"recusals\": []}' WHERE id = ", c.id));
  EXPECT_THAT(repo_->Get(Scope::All(), c.id), StatusIs(absl::StatusCode::kDataLoss));
  EnforcementCase target;
  EXPECT_THAT(storage::mysql::FromDocument("{not json", target),
              StatusIs(absl::StatusCode::kDataLoss));
  std::string doc = storage::mysql::ToDocument(c);
  EXPECT_THAT(storage::mysql::FromDocument(doc, target), IsOk());
  const std::string bad_day =
      absl::StrCat(doc.substr(0, doc.size() - 1), ",\"court_enforcement_day\":\"2026-13-45\"}");
  EXPECT_THAT(storage::mysql::FromDocument(bad_day, target),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("court_enforcement_day")));
}

}  // namespace
}  // namespace ecocase
