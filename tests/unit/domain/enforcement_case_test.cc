// The enforcement case procedure (domain-rules §4) as pure rules: every gate of the penalty
// procedure. Expected days and amounts are worked out by hand from the law.
#include "domain/enforcement_case.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
constexpr char kHead[] = "users/head1";
constexpr char kPlant[] = "91350100M000100Y43";

absl::Time Beijing(int y, int m, int d, int h = 10) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, 0, 0));
}

std::string FieldOf(const absl::Status& s) {
  auto field = s.GetPayload(common::kFieldPayload);
  return field ? std::string(*field) : "";
}
using common::ReasonOf;

CaseOfficer Officer(const std::string& username, absl::CivilDay expiry) {
  return CaseOfficer{username, "豫环执" + username, expiry};
}
const CaseOfficer kAlice = Officer("alice", absl::CivilDay(2027, 12, 31));
const CaseOfficer kBob = Officer("bob", absl::CivilDay(2026, 5, 1));
const CaseOfficer kCarol = Officer("carol", absl::CivilDay(2028, 6, 30));

// A clue from an exceedance incident at a plant, discovered on 2026-03-02.
EnforcementCase Clue() {
  EnforcementCase c;
  c.id = 7;
  c.source = {CaseSourceKind::kExceedanceIncident, "incidents/42"};
  c.party_kind = PartyKind::kOrganisation;
  c.party_name = "焦作市某化工有限公司";
  c.enterprise_uscc = kPlant;
  c.district_code = "410802";
  c.summary = "废气排放口颗粒物超标排放";
  EXPECT_THAT(ValidateNewCase(c, "case"), IsOk());
  OpenClue(c, kOfficer, Beijing(2026, 3, 2));
  return c;
}

// Filed on `day` with `officers`, not yet investigating.
EnforcementCase Filed(std::vector<CaseOfficer> officers, absl::Time day = Beijing(2026, 3, 3)) {
  EnforcementCase c = Clue();
  for (const CaseOfficer& o : officers) EXPECT_THAT(AssignOfficer(c, o, kOfficer, day), IsOk());
  EXPECT_THAT(File(c, "焦环罚〔2026〕12号", absl::CivilDay(2026, 2, 20), false, kOfficer, day),
              IsOk());
  return c;
}

// Investigated with evidence and reviewed: UNDER_REVIEW on 2026-03-20.
EnforcementCase Reviewed() {
  EnforcementCase c = Filed({kAlice, kCarol});
  EXPECT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 3)), IsOk());
  EXPECT_THAT(AddEvidence(c, "evidence/101", Beijing(2026, 3, 10)), IsOk());
  EXPECT_THAT(SubmitForReview(c, kOfficer, Beijing(2026, 3, 20)), IsOk());
  return c;
}

std::vector<PenaltyItem> Fine(int64_t yuan) { return {{PenaltyKind::kFine, yuan * 100}}; }

Notification Notice(std::vector<PenaltyItem> proposed,
                    absl::CivilDay received = absl::CivilDay(2026, 3, 23)) {
  Notification n;
  n.facts = "2026年2月废气排放口颗粒物小时浓度多次超过排放标准。";
  n.proposed = std::move(proposed);
  n.legal_basis = "《中华人民共和国大气污染防治法》第九十九条第二项";
  n.rights = "当事人有权进行陈述、申辩；符合条件的，有权要求听证。";
  n.received_day = received;
  return n;
}

// The platform calendar: 2026 has Qingming off on 04-04..04-06.
const WorkingCalendar& Calendar() {
  static const WorkingCalendar* calendar = new WorkingCalendar(*DefaultWorkingCalendar());
  return *calendar;
}

// Notified on 2026-03-25 of `proposed`, received by the party on Monday 03-23: the law's
// five (working) days then end on 03-30.
EnforcementCase Notified(std::vector<PenaltyItem> proposed) {
  EnforcementCase c = Reviewed();
  EXPECT_THAT(Notify(c, Notice(std::move(proposed)), CaseOptions{}, Calendar(), kOfficer,
                     Beijing(2026, 3, 25)),
              IsOk());
  return c;
}

Decision Penalty(std::vector<PenaltyItem> penalties) {
  Decision d;
  d.kind = DecisionKind::kPenalty;
  d.penalties = std::move(penalties);
  d.correction_orders = {"立即停止超标排放", "30日内完成除尘设施改造"};
  d.legal_basis = "《中华人民共和国大气污染防治法》第九十九条第二项";
  return d;
}

TEST(EnforcementCaseTest, WholeProcedureWithAFineAndAHearing) {
  EnforcementCase c = Clue();
  EXPECT_EQ(c.state, CaseState::kClue);
  EXPECT_EQ(c.discovery_day, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(c.case_number, "");
  ASSERT_THAT(AssignOfficer(c, kAlice, kHead, Beijing(2026, 3, 3)), IsOk());
  ASSERT_THAT(AssignOfficer(c, Officer("users/carol", absl::CivilDay(2028, 6, 30)), kHead,
                            Beijing(2026, 3, 3)),
              IsOk());
  EXPECT_EQ(c.officers[1].username, "carol");
  ASSERT_THAT(
      File(c, "焦环罚〔2026〕12号", absl::CivilDay(2026, 2, 20), false, kHead, Beijing(2026, 3, 3)),
      IsOk());
  EXPECT_EQ(c.state, CaseState::kFiled);
  EXPECT_EQ(c.filed_day, absl::CivilDay(2026, 3, 3));
  ASSERT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 3)), IsOk());
  ASSERT_THAT(AddEvidence(c, "evidence/101", Beijing(2026, 3, 10)), IsOk());
  ASSERT_THAT(AddEvidence(c, "inspections/5", Beijing(2026, 3, 10)), IsOk());
  ASSERT_THAT(AddEvidence(c, "evidence/101", Beijing(2026, 3, 10)), IsOk());  // no-op
  EXPECT_THAT(c.evidence, ElementsAre("evidence/101", "inspections/5"));
  ASSERT_THAT(SubmitForReview(c, kOfficer, Beijing(2026, 3, 20)), IsOk());
  EXPECT_EQ(c.state, CaseState::kUnderReview);

  // ¥80,000 against an organisation reaches 较大数额 (¥50,000): a hearing right.
  ASSERT_THAT(Notify(c, Notice(Fine(80000), absl::CivilDay(2026, 3, 25)), CaseOptions{}, Calendar(),
                     kOfficer, Beijing(2026, 3, 25)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kNotified);
  // Received Wednesday 03-25; 5 working days from the next day (art. 85): the last day is
  // Wednesday 04-01 for both.
  EXPECT_EQ(c.notifications.back().statement_end_day, absl::CivilDay(2026, 4, 1));
  EXPECT_TRUE(c.notifications.back().hearing_right);
  EXPECT_EQ(c.notifications.back().hearing_request_end_day, absl::CivilDay(2026, 4, 1));

  ASSERT_THAT(RequestHearing(c, absl::CivilDay(2026, 3, 27), kOfficer, Beijing(2026, 3, 27)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kHearingRequested);
  // Notice Saturday 03-28: seven working days later, past Qingming, is 04-08.
  ASSERT_THAT(ScheduleHearing(c, absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 4, 8),
                              "users/dave", Calendar(), kHead, Beijing(2026, 3, 28)),
              IsOk());
  ASSERT_THAT(RecordHearing(c, HearingOutcome::kHeld, "当事人到场陈述，承认超标事实。", kOfficer,
                            Beijing(2026, 4, 8)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kHearingHeld);

  // A held hearing calls for legal review (art. 58 (2)).
  absl::Status refused = Decide(c, Penalty(Fine(80000)), CaseOptions{}, kHead, Beijing(2026, 4, 8));
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("a hearing was held")));
  EXPECT_EQ(ReasonOf(refused), "CASE_LEGAL_REVIEW");
  ASSERT_THAT(
      RecordLegalReview(c, "事实清楚，证据确凿，程序合法。", "users/legal1", Beijing(2026, 4, 8)),
      IsOk());
  ASSERT_THAT(Decide(c, Penalty(Fine(80000)), CaseOptions{}, kHead, Beijing(2026, 4, 8)), IsOk());
  EXPECT_EQ(c.state, CaseState::kDecided);
  EXPECT_EQ(c.FineFen(), 8'000'000);
  EXPECT_EQ(c.decision->day, absl::CivilDay(2026, 4, 8));

  ASSERT_THAT(Serve(c, Service{ServiceMethod::kDirect, absl::CivilDay(2026, 4, 9)}, kOfficer,
                    Beijing(2026, 4, 9)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kServed);
  ASSERT_THAT(RecordPayment(c, Payment{8'000'000, absl::CivilDay(2026, 4, 20), "NS0001"}, kOfficer,
                            Beijing(2026, 4, 21)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kExecuting);
  ASSERT_THAT(Close(c, ClosureGround::kFullyPerformed, 0, "", kHead, Beijing(2026, 4, 22)), IsOk());
  EXPECT_EQ(c.state, CaseState::kClosed);
  ASSERT_THAT(Archive(c, kHead, Beijing(2026, 4, 30)), IsOk());
  EXPECT_EQ(c.state, CaseState::kArchived);

  std::vector<std::string> kinds;
  for (const CaseEvent& e : c.timeline) kinds.push_back(e.kind);
  EXPECT_THAT(kinds,
              ElementsAre("OPEN", "ASSIGN_OFFICER", "ASSIGN_OFFICER", "FILE", "START_INVESTIGATION",
                          "SUBMIT_FOR_REVIEW", "NOTIFY", "REQUEST_HEARING", "SCHEDULE_HEARING",
                          "HEARING_HELD", "LEGAL_REVIEW", "DECIDE_PENALTY", "SERVE", "PAYMENT",
                          "CLOSE", "ARCHIVE"));
  EXPECT_EQ(c.timeline.back().state, CaseState::kArchived);
  EXPECT_EQ(c.timeline.back().actor, kHead);
  EXPECT_EQ(c.timeline[3].note, "焦环罚〔2026〕12号");
}

TEST(EnforcementCaseTest, NoPenaltyPath) {
  EnforcementCase c = Reviewed();
  Decision d;
  d.kind = DecisionKind::kNoPenalty;
  d.reason = "违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条）";
  ASSERT_THAT(Decide(c, d, CaseOptions{}, kHead, Beijing(2026, 3, 21)), IsOk());
  EXPECT_EQ(c.state, CaseState::kNoPenalty);
  EXPECT_THAT(Close(c, ClosureGround::kFullyPerformed, 0, "", kHead, Beijing(2026, 3, 22)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(Close(c, ClosureGround::kNoExecutionNeeded, 0, "", kHead, Beijing(2026, 3, 22)),
              IsOk());
  ASSERT_THAT(Archive(c, kHead, Beijing(2026, 3, 23)), IsOk());
  EXPECT_EQ(c.state, CaseState::kArchived);
}

TEST(EnforcementCaseTest, TransferPath) {
  EnforcementCase c = Filed({kAlice, kCarol});
  ASSERT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 3)), IsOk());
  CaseTransfer t;
  t.kind = TransferKind::kCriminal;
  t.receiving_body = "焦作市公安局解放分局";
  t.note = "涉嫌污染环境罪";
  // The package is required (暂行办法 art. 11).
  EXPECT_EQ(FieldOf(Transfer(c, t, kHead, Beijing(2026, 3, 5))), "transfer.package");
  t.package = {"涉嫌犯罪案件移送书", "涉嫌犯罪案件调查报告", "涉案物品清单", "检验报告"};
  // No evidence yet: nothing to transfer.
  absl::Status refused = Transfer(c, t, kHead, Beijing(2026, 3, 5));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("a transfer needs evidence")));
  EXPECT_EQ(ReasonOf(refused), "CASE_EVIDENCE");
  ASSERT_THAT(AddEvidence(c, "evidence/9", Beijing(2026, 3, 5)), IsOk());
  ASSERT_THAT(Transfer(c, t, kHead, Beijing(2026, 3, 6)), IsOk());
  EXPECT_EQ(c.state, CaseState::kTransferred);
  EXPECT_EQ(c.transfer->day, absl::CivilDay(2026, 3, 6));
  EXPECT_EQ(c.transfer->send_by_day, absl::CivilDay(2026, 3, 9));
  // Not completed until the package reached the police.
  absl::Status unsent = Close(c, ClosureGround::kTransferCompleted, 0, "", kHead,
                              Beijing(2026, 3, 9));
  EXPECT_THAT(unsent.message(), HasSubstr("the transfer package sent to the police"));
  EXPECT_EQ(ReasonOf(unsent), "CASE_CLOSURE_GROUND");
  ASSERT_THAT(RecordTransferSent(c, absl::CivilDay(2026, 3, 8), "焦公（解）受字〔2026〕17号",
                                 kOfficer, Beijing(2026, 3, 9)),
              IsOk());
  EXPECT_EQ(ReasonOf(RecordTransferSent(c, absl::CivilDay(2026, 3, 8), "x", kOfficer,
                                        Beijing(2026, 3, 9))),
            "CASE_TRANSFER_SENT");
  ASSERT_THAT(Close(c, ClosureGround::kTransferCompleted, 0, "", kHead, Beijing(2026, 3, 9)),
              IsOk());
  ASSERT_THAT(Archive(c, kHead, Beijing(2026, 3, 9)), IsOk());
}

TEST(EnforcementCaseTest, NotFiledWithReason) {
  EnforcementCase c = Clue();
  EXPECT_EQ(FieldOf(NotFile(c, "", kHead, Beijing(2026, 3, 3))), "reason");
  ASSERT_THAT(NotFile(c, "经核实不属于本机关管辖", kHead, Beijing(2026, 3, 3)), IsOk());
  EXPECT_EQ(c.state, CaseState::kNotFiled);
  EXPECT_EQ(c.case_number, "");
  absl::Status s = StartInvestigation(c, kOfficer, Beijing(2026, 3, 3));
  EXPECT_EQ(ReasonOf(s), "CASE_STATE");
  EXPECT_THAT(s.message(), HasSubstr("cases/7 is NOT_FILED"));
}

TEST(EnforcementCaseTest, InvestigationNeedsTwoOfficers) {
  EnforcementCase c = Filed({kAlice});
  absl::Status s = StartInvestigation(c, kOfficer, Beijing(2026, 3, 3));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("two officers with enforcement certificates valid on "
                                    "2026-03-03; cases/7 has 1")));
  EXPECT_EQ(ReasonOf(s), "CASE_OFFICERS");
  ASSERT_THAT(AssignOfficer(c, kCarol, kHead, Beijing(2026, 3, 4)), IsOk());
  EXPECT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 4)), IsOk());
}

TEST(EnforcementCaseTest, ExpiredCertificateDoesNotCount) {
  // Bob's certificate is valid to 2026-05-01 inclusive.
  EnforcementCase on_last_day = Filed({kAlice, kBob}, Beijing(2026, 5, 1));
  EXPECT_THAT(StartInvestigation(on_last_day, kOfficer, Beijing(2026, 5, 1)), IsOk());

  EnforcementCase c = Filed({kAlice, kBob}, Beijing(2026, 5, 2));
  absl::Status s = StartInvestigation(c, kOfficer, Beijing(2026, 5, 2));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("users/bob's certificate 豫环执bob expired 2026-05-01")));
  EXPECT_EQ(ReasonOf(s), "CASE_OFFICERS");
}

TEST(EnforcementCaseTest, RecusalCanDropBelowTwo) {
  EnforcementCase c = Filed({kAlice, kCarol});
  ASSERT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 3)), IsOk());
  ASSERT_THAT(AddEvidence(c, "evidence/101", Beijing(2026, 3, 4)), IsOk());
  EXPECT_EQ(FieldOf(Recuse(c, "carol", "", kHead, Beijing(2026, 3, 5))), "reason");
  EXPECT_EQ(FieldOf(Recuse(c, "zed", "亲属关系", kHead, Beijing(2026, 3, 5))), "username");
  ASSERT_THAT(Recuse(c, "users/carol", "与当事人法定代表人系近亲属", kHead, Beijing(2026, 3, 5)),
              IsOk());
  EXPECT_EQ(c.officers.size(), 1u);

  absl::Status s = SubmitForReview(c, kOfficer, Beijing(2026, 3, 6));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("has 1; users/carol was recused")));
  EXPECT_EQ(ReasonOf(s), "CASE_OFFICERS");
  // A recused officer cannot come back; another can.
  EXPECT_EQ(ReasonOf(AssignOfficer(c, kCarol, kHead, Beijing(2026, 3, 6))), "CASE_OFFICER_RECUSED");
  ASSERT_THAT(AssignOfficer(c, kBob, kHead, Beijing(2026, 3, 6)), IsOk());
  EXPECT_THAT(SubmitForReview(c, kOfficer, Beijing(2026, 3, 6)), IsOk());
}

TEST(EnforcementCaseTest, FilingBeyondLimitationRefused) {
  // Discovered 2026-03-02. Two years counted from the day after the act ended: an act that
  // ended 2024-03-02 may be discovered up to 2026-03-02; one that ended 2024-03-01 only up
  // to 2026-03-01.
  EnforcementCase late = Clue();
  absl::Status s = File(late, "焦环罚〔2026〕13号", absl::CivilDay(2024, 3, 1), false, kHead,
                        Beijing(2026, 3, 3));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("ended 2024-03-01 and was discovered 2026-03-02, after the "
                                    "2-year period ending 2026-03-01")));
  EXPECT_EQ(ReasonOf(s), "CASE_LIMITATION");
  EXPECT_EQ(late.state, CaseState::kClue);

  EnforcementCase in_time = Clue();
  EXPECT_THAT(File(in_time, "焦环罚〔2026〕13号", absl::CivilDay(2024, 3, 2), false, kHead,
                   Beijing(2026, 3, 3)),
              IsOk());

  // Harm to life or health: five years.
  EnforcementCase harm = Clue();
  EXPECT_EQ(ReasonOf(File(harm, "焦环罚〔2026〕14号", absl::CivilDay(2021, 3, 1), true, kHead,
                          Beijing(2026, 3, 3))),
            "CASE_LIMITATION");
  EXPECT_THAT(File(harm, "焦环罚〔2026〕14号", absl::CivilDay(2021, 3, 2), true, kHead,
                   Beijing(2026, 3, 3)),
              IsOk());
}

TEST(EnforcementCaseTest, ReviewNeedsEvidenceAndCanReturnTheCase) {
  EnforcementCase c = Filed({kAlice, kCarol});
  ASSERT_THAT(StartInvestigation(c, kOfficer, Beijing(2026, 3, 3)), IsOk());
  absl::Status s = SubmitForReview(c, kOfficer, Beijing(2026, 3, 4));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("cases/7 has no evidence item linked")));
  EXPECT_EQ(ReasonOf(s), "CASE_EVIDENCE");
  EXPECT_EQ(FieldOf(AddEvidence(c, "photos/1", Beijing(2026, 3, 4))), "evidence");
  ASSERT_THAT(AddEvidence(c, "evidence/1", Beijing(2026, 3, 4)), IsOk());
  ASSERT_THAT(SubmitForReview(c, kOfficer, Beijing(2026, 3, 4)), IsOk());
  ASSERT_THAT(
      ReturnForInvestigation(c, "缺少监测报告，补充调查", "users/reviewer1", Beijing(2026, 3, 5)),
      IsOk());
  EXPECT_EQ(c.state, CaseState::kInvestigating);
  EXPECT_EQ(c.state_reason, "缺少监测报告，补充调查");
}

TEST(EnforcementCaseTest, DecisionWithNoEvidenceRefused) {
  // A notified case whose evidence list is empty, as storage might hold it after an item was
  // withdrawn: the decision still checks.
  EnforcementCase c = Notified(Fine(10000));
  c.evidence.clear();
  absl::Status s = Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 4, 1));
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("a decision needs evidence")));
  EXPECT_EQ(ReasonOf(s), "CASE_EVIDENCE");
}

TEST(EnforcementCaseTest, DecisionBeforeStatementPeriodEndsRefused) {
  // ¥10,000: no hearing right. Received Monday 03-23, 5 working days: last day 03-30.
  EnforcementCase c = Notified(Fine(10000));
  EXPECT_FALSE(c.notifications.back().hearing_right);
  absl::Status s = Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 30));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("statement period (陈述申辩期) runs to 2026-03-30")));
  EXPECT_EQ(ReasonOf(s), "CASE_STATEMENT_PERIOD");
  EXPECT_THAT(Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31)), IsOk());

  // Once the party has stated its defence there is nothing to wait for.
  EnforcementCase stated = Notified(Fine(10000));
  ASSERT_THAT(RecordResponse(stated, ResponseKind::kDefenceStated, "称已整改", kOfficer,
                             Beijing(2026, 3, 27)),
              IsOk());
  EXPECT_THAT(Decide(stated, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 27)),
              IsOk());

  // A 3-day period from the options: last day Thursday 03-26.
  EnforcementCase short_period = Reviewed();
  CaseOptions three;
  three.statement_days = 3;
  ASSERT_THAT(
      Notify(short_period, Notice(Fine(10000)), three, Calendar(), kOfficer, Beijing(2026, 3, 25)),
      IsOk());
  EXPECT_EQ(short_period.notifications.back().statement_end_day, absl::CivilDay(2026, 3, 26));
}

TEST(EnforcementCaseTest, HearingRequestPeriodMustPassUnlessWaived) {
  // ¥50,000 reaches 较大数额 ("以上" includes it): the request period runs to 03-30.
  EnforcementCase c = Notified(Fine(50000));
  ASSERT_THAT(RecordResponse(c, ResponseKind::kDefenceStated, "", kOfficer, Beijing(2026, 3, 26)),
              IsOk());
  absl::Status s = Decide(c, Penalty(Fine(50000)), CaseOptions{}, kHead, Beijing(2026, 3, 30));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("may request a hearing until 2026-03-30")));
  EXPECT_EQ(ReasonOf(s), "CASE_HEARING_PERIOD");

  EnforcementCase waived = Notified(Fine(50000));
  ASSERT_THAT(RecordResponse(waived, ResponseKind::kWaived, "放弃陈述申辩和听证", kOfficer,
                             Beijing(2026, 3, 26)),
              IsOk());
  EXPECT_EQ(
      ReasonOf(RequestHearing(waived, absl::CivilDay(2026, 3, 27), kOfficer, Beijing(2026, 3, 27))),
      "CASE_HEARING_WAIVED");
  EXPECT_THAT(Decide(waived, Penalty(Fine(50000)), CaseOptions{}, kHead, Beijing(2026, 3, 26)),
              IsOk());
}

TEST(EnforcementCaseTest, DecisionWhileTimelyHearingRequestPendingRefused) {
  EnforcementCase c = Notified(Fine(80000));
  ASSERT_THAT(RequestHearing(c, absl::CivilDay(2026, 3, 27), kOfficer, Beijing(2026, 3, 27)),
              IsOk());
  absl::Status s = Decide(c, Penalty(Fine(80000)), CaseOptions{}, kHead, Beijing(2026, 4, 20));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("requested a hearing on 2026-03-27 and it has not been held")));
  EXPECT_EQ(ReasonOf(s), "CASE_HEARING_PENDING");

  // Withdrawn: back to NOTIFIED with the hearing waived; the statement period is over.
  ASSERT_THAT(RecordHearing(c, HearingOutcome::kWithdrawn, "", kOfficer, Beijing(2026, 4, 20)),
              IsOk());
  EXPECT_EQ(c.state, CaseState::kNotified);
  EXPECT_THAT(Decide(c, Penalty(Fine(80000)), CaseOptions{}, kHead, Beijing(2026, 4, 20)), IsOk());
}

TEST(EnforcementCaseTest, HearingRequestAfterFiveDaysRefused) {
  // Received Monday 03-23: the last day to request is 03-30, five working days on.
  EnforcementCase c = Notified(Fine(80000));
  absl::Status s = RequestHearing(c, absl::CivilDay(2026, 3, 31), kOfficer, Beijing(2026, 3, 31));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("within 5 working days of the notice received 2026-03-23, "
                                    "i.e. by 2026-03-30; requested 2026-03-31")));
  EXPECT_EQ(ReasonOf(s), "CASE_HEARING_REQUEST_LATE");
  // Posted on the last day, recorded later: in time.
  EXPECT_THAT(RequestHearing(c, absl::CivilDay(2026, 3, 30), kOfficer, Beijing(2026, 4, 1)),
              IsOk());

  EnforcementCase small = Notified(Fine(10000));
  EXPECT_EQ(
      ReasonOf(RequestHearing(small, absl::CivilDay(2026, 3, 26), kOfficer, Beijing(2026, 3, 26))),
      "CASE_NO_HEARING_RIGHT");
}

TEST(EnforcementCaseTest, HearingNoticeAtLeastSevenDaysAhead) {
  EnforcementCase c = Notified(Fine(80000));
  ASSERT_THAT(RequestHearing(c, absl::CivilDay(2026, 3, 27), kOfficer, Beijing(2026, 3, 27)),
              IsOk());
  // Notice Saturday 03-28, hearing Tuesday 04-07: eleven calendar days, but only six working
  // days (03-30..04-03 and 04-07; Qingming 04-04..04-06 is off): too short (art. 85).
  absl::Status s = ScheduleHearing(c, absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 4, 7),
                                   "users/dave", Calendar(), kHead, Beijing(2026, 3, 28));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("notice 2026-03-28, so the hearing may be held from "
                                    "2026-04-08, not 2026-04-07")));
  EXPECT_EQ(ReasonOf(s), "CASE_HEARING_NOTICE");
  // The notice cannot have gone out before the request, nor in the future.
  EXPECT_EQ(FieldOf(ScheduleHearing(c, absl::CivilDay(2026, 3, 26), absl::CivilDay(2026, 4, 8),
                                    "users/dave", Calendar(), kHead, Beijing(2026, 3, 28))),
            "notice_date");
  EXPECT_EQ(FieldOf(ScheduleHearing(c, absl::CivilDay(2026, 3, 29), absl::CivilDay(2026, 4, 9),
                                    "users/dave", Calendar(), kHead, Beijing(2026, 3, 28))),
            "notice_date");
  // An investigator may not preside.
  EXPECT_EQ(ReasonOf(ScheduleHearing(c, absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 4, 8),
                                     "users/carol", Calendar(), kHead, Beijing(2026, 3, 28))),
            "CASE_HEARING_PRESIDER");
  ASSERT_THAT(ScheduleHearing(c, absl::CivilDay(2026, 3, 28), absl::CivilDay(2026, 4, 8),
                              "users/dave", Calendar(), kHead, Beijing(2026, 3, 28)),
              IsOk());
  // Not held before its day.
  EXPECT_EQ(
      ReasonOf(RecordHearing(c, HearingOutcome::kHeld, "笔录", kOfficer, Beijing(2026, 4, 7))),
      "CASE_HEARING_NOT_DUE");
  // No-show on the day: a waiver, back to NOTIFIED.
  ASSERT_THAT(RecordHearing(c, HearingOutcome::kNoShow, "", kOfficer, Beijing(2026, 4, 8)), IsOk());
  EXPECT_EQ(c.state, CaseState::kNotified);
}

TEST(EnforcementCaseTest, RequiredLegalReviewAndCollectiveDiscussion) {
  // ¥200,000 reaches the major-fine default: both are required.
  EnforcementCase c = Notified(Fine(200000));
  ASSERT_THAT(RecordResponse(c, ResponseKind::kWaived, "", kOfficer, Beijing(2026, 3, 26)), IsOk());
  absl::Status s = Decide(c, Penalty(Fine(200000)), CaseOptions{}, kHead, Beijing(2026, 3, 26));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("legal review (法制审核) first: the fine 200000.00元 "
                                    "reaches 200000.00元")));
  EXPECT_EQ(ReasonOf(s), "CASE_LEGAL_REVIEW");
  ASSERT_THAT(RecordLegalReview(c, "同意", "users/legal1", Beijing(2026, 3, 27)), IsOk());
  s = Decide(c, Penalty(Fine(200000)), CaseOptions{}, kHead, Beijing(2026, 3, 27));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("collective discussion (集体讨论) first")));
  EXPECT_EQ(ReasonOf(s), "CASE_COLLECTIVE_DISCUSSION");
  ASSERT_THAT(RecordCollectiveDiscussion(c, "局务会讨论同意", kHead, Beijing(2026, 3, 27)), IsOk());
  EXPECT_THAT(Decide(c, Penalty(Fine(200000)), CaseOptions{}, kHead, Beijing(2026, 3, 27)), IsOk());

  // Explicit flags apply to a small fine too.
  EnforcementCase flagged = Notified(Fine(10000));
  ASSERT_THAT(FlagReviews(flagged, false, true, kHead, Beijing(2026, 3, 26)), IsOk());
  s = Decide(flagged, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31));
  EXPECT_EQ(ReasonOf(s), "CASE_COLLECTIVE_DISCUSSION");
  EXPECT_THAT(s.message(), HasSubstr("the case is flagged for it"));

  // Permit revocation: a heavy kind.
  EnforcementCase revoke = Reviewed();
  RequiredReviews why =
      ReviewsRequired(revoke, {{PenaltyKind::kPermitRevocation, 0}}, CaseOptions{});
  EXPECT_EQ(why.legal_review.size(), 1u);
  EXPECT_EQ(why.collective_discussion.size(), 1u);
  CaseOptions lenient;
  lenient.heavy_kinds_need_reviews = false;
  why = ReviewsRequired(revoke, {{PenaltyKind::kPermitRevocation, 0}}, lenient);
  EXPECT_TRUE(why.legal_review.empty());
}

TEST(EnforcementCaseTest, DecisionHeavierThanNotifiedRefused) {
  EnforcementCase c = Notified(Fine(10000));
  absl::Status s = Decide(c, Penalty(Fine(12000)), CaseOptions{}, kHead, Beijing(2026, 3, 31));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("the decided 罚款 12000.00元 is heavier than the notified "
                                    "10000.00元")));
  EXPECT_EQ(ReasonOf(s), "CASE_HEAVIER_THAN_NOTIFIED");
  std::vector<PenaltyItem> with_warning = Fine(10000);
  with_warning.push_back({PenaltyKind::kWarning, 0});
  s = Decide(c, Penalty(with_warning), CaseOptions{}, kHead, Beijing(2026, 3, 31));
  EXPECT_THAT(s.message(), HasSubstr("adds 警告"));
  EXPECT_EQ(ReasonOf(s), "CASE_HEAVIER_THAN_NOTIFIED");

  // Correction orders are part of every penalty (art. 28).
  Decision no_orders = Penalty(Fine(8000));
  no_orders.correction_orders.clear();
  EXPECT_EQ(FieldOf(Decide(c, no_orders, CaseOptions{}, kHead, Beijing(2026, 3, 31))),
            "decision.correction_orders");

  // Re-notified of ¥12,000 on 04-01 (period to 04-09, Qingming not counted): then it may be
  // decided.
  ASSERT_THAT(Notify(c, Notice(Fine(12000), absl::CivilDay(2026, 4, 1)), CaseOptions{}, Calendar(),
                     kOfficer, Beijing(2026, 4, 1)),
              IsOk());
  EXPECT_EQ(c.notifications.size(), 2u);
  EXPECT_EQ(ReasonOf(Decide(c, Penalty(Fine(12000)), CaseOptions{}, kHead, Beijing(2026, 4, 9))),
            "CASE_STATEMENT_PERIOD");
  EXPECT_THAT(Decide(c, Penalty(Fine(12000)), CaseOptions{}, kHead, Beijing(2026, 4, 10)), IsOk());
}

TEST(EnforcementCaseTest, ClosureWithUnpaidFineRefused) {
  EnforcementCase c = Notified(Fine(10000));
  ASSERT_THAT(Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31)), IsOk());
  EXPECT_EQ(ReasonOf(Close(c, ClosureGround::kFullyPerformed, 0, "", kHead, Beijing(2026, 4, 1))),
            "CASE_CLOSURE_GROUND");  // not served yet
  ASSERT_THAT(Serve(c, Service{ServiceMethod::kPostal, absl::CivilDay(2026, 4, 2)}, kOfficer,
                    Beijing(2026, 4, 3)),
              IsOk());
  ASSERT_THAT(RecordPayment(c, Payment{600'000, absl::CivilDay(2026, 4, 17), "NS0002"}, kOfficer,
                            Beijing(2026, 4, 18)),
              IsOk());
  // One day late: 3 % of ¥10,000 = ¥300 surcharge, computed by the clocks.
  absl::Status s =
      Close(c, ClosureGround::kFullyPerformed, 30'000, "", kHead, Beijing(2026, 4, 20));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("6000.00元 paid of 10300.00元 (fine 10000.00元 + late "
                                    "surcharge 300.00元)")));
  EXPECT_EQ(ReasonOf(s), "CASE_UNPAID");
  s = Close(c, ClosureGround::kNoExecutionNeeded, 0, "", kHead, Beijing(2026, 4, 20));
  EXPECT_EQ(ReasonOf(s), "CASE_CLOSURE_GROUND");
  EXPECT_THAT(s.message(), HasSubstr("needs a no-penalty decision"));
  EXPECT_EQ(ReasonOf(Close(c, ClosureGround::kCourtEnforcementAccepted, 0, "", kHead,
                           Beijing(2026, 4, 20))),
            "CASE_CLOSURE_GROUND");

  // The court accepted the enforcement application: a closure ground of its own.
  ASSERT_THAT(RecordCourtEnforcement(c, absl::CivilDay(2026, 11, 2), kHead, Beijing(2026, 11, 3)),
              IsOk());
  EXPECT_THAT(
      Close(c, ClosureGround::kCourtEnforcementAccepted, 0, "", kHead, Beijing(2026, 11, 3)),
      IsOk());
  EXPECT_EQ(c.closure_ground, ClosureGround::kCourtEnforcementAccepted);
}

TEST(EnforcementCaseTest, PaidInFullWithSurchargeCloses) {
  EnforcementCase c = Notified(Fine(10000));
  ASSERT_THAT(Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31)), IsOk());
  ASSERT_THAT(Serve(c, Service{ServiceMethod::kDirect, absl::CivilDay(2026, 3, 31)}, kOfficer,
                    Beijing(2026, 3, 31)),
              IsOk());
  ASSERT_THAT(RecordPayment(c, Payment{1'000'000, absl::CivilDay(2026, 4, 16), "A"}, kOfficer,
                            Beijing(2026, 4, 16)),
              IsOk());
  ASSERT_THAT(RecordPayment(c, Payment{30'000, absl::CivilDay(2026, 4, 16), "B"}, kOfficer,
                            Beijing(2026, 4, 16)),
              IsOk());
  EXPECT_THAT(Close(c, ClosureGround::kFullyPerformed, 30'000, "", kHead, Beijing(2026, 4, 17)),
              IsOk());
}

TEST(EnforcementCaseTest, RevokedDecisionCloses) {
  EnforcementCase c = Notified(Fine(10000));
  ASSERT_THAT(Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31)), IsOk());
  EXPECT_EQ(FieldOf(Close(c, ClosureGround::kDecisionRevoked, 0, "", kHead, Beijing(2026, 4, 1))),
            "note");
  EXPECT_THAT(
      Close(c, ClosureGround::kDecisionRevoked, 0, "行政复议决定撤销", kHead, Beijing(2026, 4, 1)),
      IsOk());
}

TEST(EnforcementCaseTest, ElectronicServiceNeedsConsent) {
  EnforcementCase c = Notified(Fine(10000));
  ASSERT_THAT(Decide(c, Penalty(Fine(10000)), CaseOptions{}, kHead, Beijing(2026, 3, 31)), IsOk());
  Service e{ServiceMethod::kElectronic, absl::CivilDay(2026, 3, 31)};
  EXPECT_EQ(ReasonOf(Serve(c, e, kOfficer, Beijing(2026, 3, 31))), "CASE_SERVICE_CONSENT");
  e.electronic_consent = true;
  EXPECT_THAT(Serve(c, e, kOfficer, Beijing(2026, 3, 31)), IsOk());
}

TEST(EnforcementCaseTest, HearingRightFollowsArticle63) {
  const CaseOptions o;
  EXPECT_FALSE(HasHearingRight({{PenaltyKind::kFine, 4'999'999}}, PartyKind::kOrganisation, o));
  EXPECT_TRUE(HasHearingRight({{PenaltyKind::kFine, 5'000'000}}, PartyKind::kOrganisation, o));
  EXPECT_FALSE(HasHearingRight({{PenaltyKind::kFine, 499'999}}, PartyKind::kIndividual, o));
  EXPECT_TRUE(HasHearingRight({{PenaltyKind::kFine, 500'000}}, PartyKind::kIndividual, o));
  EXPECT_TRUE(
      HasHearingRight({{PenaltyKind::kConfiscation, 5'000'000}}, PartyKind::kOrganisation, o));
  EXPECT_TRUE(HasHearingRight({{PenaltyKind::kPermitRevocation, 0}}, PartyKind::kOrganisation, o));
  EXPECT_TRUE(
      HasHearingRight({{PenaltyKind::kProductionSuspension, 0}}, PartyKind::kOrganisation, o));
  EXPECT_TRUE(HasHearingRight({{PenaltyKind::kClosure, 0}}, PartyKind::kOrganisation, o));
  EXPECT_FALSE(HasHearingRight({{PenaltyKind::kWarning, 0}}, PartyKind::kOrganisation, o));
}

TEST(EnforcementCaseTest, NotificationValidation) {
  EnforcementCase c = Reviewed();
  Notification n = Notice({{PenaltyKind::kWarning, 100}});
  EXPECT_EQ(FieldOf(Notify(c, n, CaseOptions{}, Calendar(), kOfficer, Beijing(2026, 3, 25))),
            "notification.proposed[0].amount_fen");
  n = Notice({{PenaltyKind::kFine, 0}});
  EXPECT_EQ(FieldOf(Notify(c, n, CaseOptions{}, Calendar(), kOfficer, Beijing(2026, 3, 25))),
            "notification.proposed[0].amount_fen");
  n = Notice(Fine(1000), absl::CivilDay(2026, 3, 26));  // received tomorrow
  EXPECT_EQ(FieldOf(Notify(c, n, CaseOptions{}, Calendar(), kOfficer, Beijing(2026, 3, 25))),
            "notification.received_date");
  n = Notice(Fine(1000), absl::CivilDay(2026, 3, 2));  // before the case was filed (03-03)
  EXPECT_EQ(FieldOf(Notify(c, n, CaseOptions{}, Calendar(), kOfficer, Beijing(2026, 3, 25))),
            "notification.received_date");
  n = Notice(Fine(1000));
  n.rights = "";
  EXPECT_EQ(FieldOf(Notify(c, n, CaseOptions{}, Calendar(), kOfficer, Beijing(2026, 3, 25))),
            "notification.rights");
  EXPECT_EQ(c.state, CaseState::kUnderReview);
}

TEST(EnforcementCaseTest, SourceLinkShape) {
  EnforcementCase c = Clue();
  c.source = {CaseSourceKind::kComplaint, "incidents/42"};
  absl::Status s = ValidateNewCase(c, "case");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("`complaints/{id}` for COMPLAINT")));
  EXPECT_EQ(FieldOf(s), "case.source.link");
  c.source = {CaseSourceKind::kRefusedTask, "tasks/0"};
  EXPECT_EQ(FieldOf(ValidateNewCase(c, "case")), "case.source.link");
  c.source = {CaseSourceKind::kOverdueTask, "tasks/12"};
  EXPECT_THAT(ValidateNewCase(c, "case"), IsOk());
  c.source = {CaseSourceKind::kRandomInspection, "inspections/3"};
  EXPECT_THAT(ValidateNewCase(c, "case"), IsOk());
  c.source = {CaseSourceKind::kReferral, "焦环移〔2026〕3号"};
  EXPECT_THAT(ValidateNewCase(c, "case"), IsOk());
  c.source = {CaseSourceKind::kUnspecified, "tasks/12"};
  EXPECT_EQ(FieldOf(ValidateNewCase(c, "case")), "case.source.kind");
  c.source = {CaseSourceKind::kInspection, "inspections/3"};
  c.enterprise_uscc = "";
  EXPECT_EQ(FieldOf(ValidateNewCase(c, "case")), "case.enterprise_uscc");
  c.party_kind = PartyKind::kIndividual;
  EXPECT_THAT(ValidateNewCase(c, "case"), IsOk());
}

TEST(EnforcementCaseTest, FormatCaseNumber) {
  EXPECT_EQ(FormatCaseNumber("焦环罚〔{year}〕{seq}号", 2026, 12).value(), "焦环罚〔2026〕12号");
  EXPECT_EQ(FormatCaseNumber("{seq}/{year}", 2027, 1).value(), "1/2027");
  for (absl::string_view bad : {"焦环罚〔2026〕{seq}号", "焦环罚〔{year}〕号", "{year}{year}-{seq}",
                                "", "{seq}-{seq}-{year}"}) {
    absl::StatusOr<std::string> n = FormatCaseNumber(bad, 2026, 12);
    EXPECT_EQ(FieldOf(n.status()), "case_number_pattern") << bad;
  }
  EXPECT_EQ(FieldOf(FormatCaseNumber("{year}-{seq}", 26, 1).status()), "year");
  EXPECT_EQ(FieldOf(FormatCaseNumber("{year}-{seq}", 2026, 0).status()), "seq");
}

TEST(EnforcementCaseTest, WrongStateNamesTheState) {
  EnforcementCase c = Clue();
  absl::Status s = Archive(c, kHead, Beijing(2026, 3, 3));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("cases/7 is CLUE: archiving (归档) needs a case that is "
                                    "CLOSED")));
  EXPECT_EQ(ReasonOf(s), "CASE_STATE");
  EXPECT_EQ(ReasonOf(SubmitForReview(c, kOfficer, Beijing(2026, 3, 3))), "CASE_STATE");
}

TEST(EnforcementCaseTest, NamesRoundTrip) {
  for (int i = 1; i <= 15; ++i) {
    const auto state = static_cast<CaseState>(i);
    EXPECT_EQ(CaseStateFromName(CaseStateName(state)), state);
  }
  EXPECT_EQ(CaseStateLabel(CaseState::kUnderReview), "案件审查");
  EXPECT_EQ(CaseStateLabel(CaseState::kArchived), "归档");
  EXPECT_EQ(PenaltyKindLabel(PenaltyKind::kPermitRevocation), "吊销许可证件");
  EXPECT_EQ(CaseSourceKindFromName("RANDOM_INSPECTION"), CaseSourceKind::kRandomInspection);
  EXPECT_EQ(ClosureGroundFromName("COURT_ENFORCEMENT_ACCEPTED"),
            ClosureGround::kCourtEnforcementAccepted);
  EXPECT_EQ(CaseStateFromName("UNSPECIFIED"), std::nullopt);
}

}  // namespace
}  // namespace ecocase::domain
