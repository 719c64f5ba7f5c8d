// The hotline complaint lifecycle, duplicates and merging (domain-rules §5) as pure rules.
#include "domain/complaint.h"

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
using ::testing::IsEmpty;

constexpr char kOperator[] = "users/operator1";
constexpr char kDispatcher[] = "users/dispatcher1";
constexpr char kOfficer[] = "users/officer1";
// The GB 32100 example code used across the tests, and another valid one.
constexpr char kPlant[] = "91350100M000100Y43";

absl::Time Beijing(int y, int m, int d, int h = 10) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, 0, 0));
}

// The field an INVALID_ARGUMENT names, and the reason a FAILED_PRECONDITION carries.
std::string FieldOf(const absl::Status& s) {
  auto field = s.GetPayload(common::kFieldPayload);
  return field ? std::string(*field) : "";
}
using common::ReasonOf;

// A complaint about smoke from a plant in 解放区 (410802), phoned in to 12369.
Complaint NewComplaint(int64_t id = 1) {
  Complaint c;
  c.id = id;
  c.channel = ComplaintChannel::k12369Phone;
  c.reporter.name = "李明";
  c.reporter.phone = "13800000001";
  c.reporter.identity_hash = "hash-li";
  c.location.address = "焦作市解放区焦东路100号附近";
  c.location.district_code = "410802";
  c.location.lat_lng = GeoPoint{35.2400, 113.2400};
  c.category = ComplaintCategory::kAir;
  c.urgency = ComplaintUrgency::kNormal;
  c.description = "工厂烟囱夜间冒黑烟，气味刺鼻。";
  c.enterprise_uscc = "91350100m000100y43";  // normalised by validation
  c.attachments = {"attachments/photo-1.jpg"};
  return c;
}

Complaint Received(int64_t id = 1, absl::Time at = Beijing(2026, 9, 28)) {
  Complaint c = NewComplaint(id);
  EXPECT_THAT(ValidateNewComplaint(c, "complaint"), IsOk());
  Receive(c, kOperator, at);
  return c;
}

Assignment District(const std::string& code, const std::string& officer = "") {
  Assignment a;
  a.district_code = code;
  a.team = "大气执法中队";
  a.officer = officer;
  return a;
}

Findings Found(FindingsOutcome outcome, std::vector<std::string> links = {}) {
  Findings f;
  f.outcome = outcome;
  f.text = "现场检查发现脱硫设施未运行，烟气超标排放。";
  f.links = std::move(links);
  return f;
}

// Received, accepted, dispatched and found verified.
Complaint WithFindings(int64_t id = 1) {
  Complaint c = Received(id);
  EXPECT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  EXPECT_THAT(Dispatch(c, District("410802", "officer1"), "", kDispatcher,
                       Beijing(2026, 9, 28, 12)),
              IsOk());
  EXPECT_THAT(RecordFindings(c, Found(FindingsOutcome::kVerified, {"inspections/31"}), kOfficer,
                             Beijing(2026, 9, 29)),
              IsOk());
  return c;
}

Revisit Asked(Satisfaction satisfaction, bool handling_reason = false, int64_t whose = 0) {
  Revisit v;
  v.complaint_id = whose;
  v.satisfaction = satisfaction;
  v.handling_reason = handling_reason;
  return v;
}

TEST(ComplaintTest, FullLifecycleFromIntakeToClosure) {
  Complaint c = Received();
  EXPECT_EQ(c.state, ComplaintState::kReceived);
  EXPECT_EQ(c.enterprise_uscc, kPlant);
  EXPECT_EQ(c.received_by, kOperator);
  EXPECT_EQ(c.ResourceName(), "complaints/1");

  ASSERT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  EXPECT_EQ(c.state, ComplaintState::kAccepted);
  ASSERT_TRUE(c.acceptance.has_value());
  EXPECT_TRUE(c.acceptance->accepted);
  EXPECT_EQ(c.acceptance->decided_by, kOperator);

  ASSERT_THAT(Dispatch(c, District("410802", "users/officer1"), "请两日内现场核查", kDispatcher,
                       Beijing(2026, 9, 28, 12)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kDispatched);
  ASSERT_TRUE(c.assignment.has_value());
  EXPECT_EQ(c.assignment->officer, "officer1");  // stored without the prefix
  ASSERT_EQ(c.routing.size(), 1u);
  EXPECT_FALSE(c.routing[0].from.has_value());
  EXPECT_EQ(c.routing[0].reason, "请两日内现场核查");

  ASSERT_THAT(RecordFindings(c, Found(FindingsOutcome::kVerified, {"inspections/31"}), kOfficer,
                             Beijing(2026, 9, 29)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kFindingsRecorded);
  EXPECT_TRUE(c.case_clue);
  ASSERT_NE(c.current_findings(), nullptr);
  EXPECT_EQ(c.current_findings()->recorded_by, kOfficer);

  // Item 6: verified against a known enterprise -> a task and a case clue, until linked.
  FindingsFollowUp follow_up = FollowUpFor(c);
  EXPECT_TRUE(follow_up.issue_rectification_task);
  EXPECT_TRUE(follow_up.flag_case_clue);
  ASSERT_THAT(AddFindingsLink(c, "tasks/44", Beijing(2026, 9, 29, 11)), IsOk());
  ASSERT_THAT(AddFindingsLink(c, "cases/9", Beijing(2026, 9, 29, 12)), IsOk());
  ASSERT_THAT(AddFindingsLink(c, "tasks/44", Beijing(2026, 9, 29, 12)), IsOk());  // no-op
  EXPECT_THAT(c.current_findings()->links, ElementsAre("inspections/31", "tasks/44", "cases/9"));
  follow_up = FollowUpFor(c);
  EXPECT_FALSE(follow_up.issue_rectification_task);
  EXPECT_FALSE(follow_up.flag_case_clue);

  absl::StatusOr<std::vector<ReplyRecipient>> sent =
      Reply(c, "经核查，反映情况属实，已责令企业整改并立案调查。", kOfficer, Beijing(2026, 9, 30));
  ASSERT_THAT(sent, IsOk());
  ASSERT_EQ(sent->size(), 1u);
  EXPECT_EQ((*sent)[0].complaint_id, 1);
  EXPECT_EQ((*sent)[0].reporter_phone, "13800000001");
  EXPECT_EQ(c.state, ComplaintState::kReplied);
  ASSERT_EQ(c.replies.size(), 1u);
  EXPECT_EQ(c.replies[0].to_complaint_id, 1);

  // Closing before the revisit is too early.
  EXPECT_THAT(Close(c, kOperator, Beijing(2026, 9, 30, 12)),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  ASSERT_THAT(RecordRevisit(c, Asked(Satisfaction::kSatisfied), kOperator, Beijing(2026, 10, 8)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kRevisited);
  EXPECT_THAT(PendingRevisits(c), IsEmpty());

  ASSERT_THAT(Close(c, kOperator, Beijing(2026, 10, 8, 11)), IsOk());
  EXPECT_EQ(c.state, ComplaintState::kClosed);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.close_time, Beijing(2026, 10, 8, 11));
  EXPECT_EQ(c.reopen_count, 0);
}

TEST(ComplaintTest, NotAcceptedNeedsAReasonAndTheAuthorityToApproach) {
  Complaint c = Received();
  absl::Status s = Reject(c, NotAcceptedGround::kOutsideRemit, "建筑工地夜间施工噪声", "",
                          kOperator, Beijing(2026, 9, 28, 11));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FieldOf(s), "authority");
  s = Reject(c, NotAcceptedGround::kOutsideRemit, "", "焦作市住房和城乡建设局", kOperator,
             Beijing(2026, 9, 28, 11));
  EXPECT_EQ(FieldOf(s), "reason");
  s = Reject(c, NotAcceptedGround::kRepeatReport, "重复", "本局", kOperator,
             Beijing(2026, 9, 28, 11));
  EXPECT_EQ(FieldOf(s), "ground");
  EXPECT_EQ(c.state, ComplaintState::kReceived);  // nothing changed by the refusals

  ASSERT_THAT(Reject(c, NotAcceptedGround::kOutsideRemit, "建筑工地夜间施工噪声不属于本局职责",
                     "焦作市住房和城乡建设局", kOperator, Beijing(2026, 9, 28, 11)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kNotAccepted);
  EXPECT_TRUE(c.closed());
  ASSERT_TRUE(c.acceptance.has_value());
  EXPECT_FALSE(c.acceptance->accepted);
  EXPECT_EQ(c.acceptance->ground, NotAcceptedGround::kOutsideRemit);
  EXPECT_EQ(c.acceptance->authority, "焦作市住房和城乡建设局");
  EXPECT_EQ(c.close_time, Beijing(2026, 9, 28, 11));

  s = Accept(c, kOperator, Beijing(2026, 9, 28, 12));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("NOT_ACCEPTED")));
  EXPECT_EQ(ReasonOf(s), "COMPLAINT_STATE");
}

TEST(ComplaintTest, RerouteKeepsTheHistory) {
  Complaint c = Received();
  ASSERT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  ASSERT_THAT(Dispatch(c, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 12)), IsOk());

  // A reason is required and the target must change.
  absl::Status s = Reroute(c, District("410811"), "", kDispatcher, Beijing(2026, 9, 28, 13));
  EXPECT_EQ(FieldOf(s), "reason");
  s = Reroute(c, District("410802"), "同一辖区", kDispatcher, Beijing(2026, 9, 28, 13));
  EXPECT_EQ(FieldOf(s), "assignment");
  s = Reroute(c, District("4108"), "地址在山阳区", kDispatcher, Beijing(2026, 9, 28, 13));
  EXPECT_EQ(FieldOf(s), "assignment.district_code");
  s = Reroute(c, District("410811", "Not A User!"), "地址在山阳区", kDispatcher,
              Beijing(2026, 9, 28, 13));
  EXPECT_EQ(FieldOf(s), "assignment.officer");

  ASSERT_THAT(Reroute(c, District("410811"), "核实地址位于山阳区", kDispatcher,
                      Beijing(2026, 9, 28, 13)),
              IsOk());
  ASSERT_THAT(Reroute(c, District("410811", "officer7"), "指定承办人", "users/chief",
                      Beijing(2026, 9, 28, 14)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kDispatched);
  ASSERT_EQ(c.routing.size(), 3u);
  EXPECT_EQ(c.routing[1].from->district_code, "410802");
  EXPECT_EQ(c.routing[1].to->district_code, "410811");
  EXPECT_EQ(c.routing[1].reason, "核实地址位于山阳区");
  EXPECT_EQ(c.routing[1].by, kDispatcher);
  EXPECT_EQ(c.routing[2].to->officer, "officer7");
  EXPECT_EQ(c.routing[2].by, "users/chief");
  EXPECT_EQ(c.assignment->officer, "officer7");

  // Routed out to another body: closed for the bureau, the body named.
  ASSERT_THAT(RouteOut(c, "焦作市城市管理局", "餐饮油烟属城管部门职责", "users/chief",
                       Beijing(2026, 9, 28, 15)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kRoutedOut);
  EXPECT_TRUE(c.closed());
  ASSERT_EQ(c.routing.size(), 4u);
  EXPECT_EQ(c.routing[3].outside_body, "焦作市城市管理局");
  EXPECT_FALSE(c.routing[3].to.has_value());
  EXPECT_EQ(c.routing[3].from->officer, "officer7");
  EXPECT_THAT(Reroute(c, District("410802"), "退回", kDispatcher, Beijing(2026, 9, 28, 16)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ROUTED_OUT")));
}

TEST(ComplaintTest, DissatisfiedForAHandlingReasonReopens) {
  Complaint c = WithFindings();
  ASSERT_THAT(Reply(c, "已责令企业整改。", kOfficer, Beijing(2026, 9, 30)), IsOk());
  ASSERT_THAT(RecordRevisit(c, Asked(Satisfaction::kDissatisfied, /*handling_reason=*/true),
                            kOperator, Beijing(2026, 10, 8)),
              IsOk());
  EXPECT_EQ(c.state, ComplaintState::kDispatched);
  EXPECT_EQ(c.reopen_count, 1);
  EXPECT_EQ(c.current_findings(), nullptr);  // the new round has none yet
  ASSERT_EQ(c.findings.size(), 1u);          // the first round's are kept
  EXPECT_EQ(c.routing.back().reason, "回访不满意（承办原因），重新办理");
  EXPECT_EQ(c.routing.back().to->officer, "officer1");  // same handler until re-routed

  // The second round runs the same way and is revisited afresh.
  ASSERT_THAT(RecordFindings(c, Found(FindingsOutcome::kVerified), kOfficer,
                             Beijing(2026, 10, 10)),
              IsOk());
  EXPECT_EQ(c.current_findings()->round, 1);
  ASSERT_THAT(Reply(c, "已复查，企业已停产整治。", kOfficer, Beijing(2026, 10, 12)), IsOk());
  EXPECT_EQ(c.replies.size(), 2u);
  EXPECT_EQ(PendingRevisits(c).size(), 1u);
  ASSERT_THAT(RecordRevisit(c, Asked(Satisfaction::kBasicallySatisfied), kOperator,
                            Beijing(2026, 10, 13)),
              IsOk());
  ASSERT_THAT(Close(c, kOperator, Beijing(2026, 10, 13, 11)), IsOk());
  EXPECT_EQ(c.state, ComplaintState::kClosed);
  EXPECT_EQ(c.reopen_count, 1);
}

TEST(ComplaintTest, OtherRevisitResultsLeadToClosure) {
  struct Case {
    Satisfaction satisfaction;
    bool handling_reason;
  };
  for (const Case& t : {Case{Satisfaction::kSatisfied, false},
                        Case{Satisfaction::kBasicallySatisfied, false},
                        Case{Satisfaction::kBasicallySatisfied, true},  // flag ignored
                        Case{Satisfaction::kDissatisfied, false},
                        Case{Satisfaction::kUnreachable, false}}) {
    SCOPED_TRACE(SatisfactionName(t.satisfaction));
    Complaint c = WithFindings();
    ASSERT_THAT(Reply(c, "已责令企业整改。", kOfficer, Beijing(2026, 9, 30)), IsOk());
    ASSERT_THAT(RecordRevisit(c, Asked(t.satisfaction, t.handling_reason), kOperator,
                              Beijing(2026, 10, 8)),
                IsOk());
    EXPECT_EQ(c.state, ComplaintState::kRevisited);
    EXPECT_EQ(c.reopen_count, 0);
    EXPECT_FALSE(c.revisits.back().handling_reason);
    EXPECT_THAT(Close(c, kOperator, Beijing(2026, 10, 8, 11)), IsOk());
    EXPECT_EQ(c.state, ComplaintState::kClosed);
  }
}

TEST(ComplaintTest, IllegalStepsAreFailedPreconditionNamingTheState) {
  Complaint c = Received();
  absl::Status s = Dispatch(c, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 11));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("RECEIVED")));
  EXPECT_EQ(ReasonOf(s), "COMPLAINT_STATE");
  EXPECT_THAT(RecordFindings(c, Found(FindingsOutcome::kVerified), kOfficer,
                             Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Reply(c, "答复", kOfficer, Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(RecordRevisit(c, Asked(Satisfaction::kSatisfied), kOperator,
                            Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Close(c, kOperator, Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(RouteOut(c, "某局", "理由", kDispatcher, Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(AddFindingsLink(c, "tasks/1", Beijing(2026, 9, 28, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  ASSERT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  s = Accept(c, kOperator, Beijing(2026, 9, 28, 12));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ACCEPTED")));
  EXPECT_THAT(Reject(c, NotAcceptedGround::kOutsideRemit, "理由", "某局", kOperator,
                     Beijing(2026, 9, 28, 12)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Reroute(c, District("410811"), "理由", kDispatcher, Beijing(2026, 9, 28, 12)),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  Complaint done = WithFindings(2);
  ASSERT_THAT(Reply(done, "已处理。", kOfficer, Beijing(2026, 9, 30)), IsOk());
  EXPECT_THAT(Reply(done, "再次答复", kOfficer, Beijing(2026, 9, 30, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REPLIED")));
  ASSERT_THAT(RecordRevisit(done, Asked(Satisfaction::kSatisfied), kOperator,
                            Beijing(2026, 10, 8)),
              IsOk());
  ASSERT_THAT(Close(done, kOperator, Beijing(2026, 10, 8, 11)), IsOk());
  s = RecordRevisit(done, Asked(Satisfaction::kDissatisfied, true), kOperator,
                    Beijing(2026, 10, 9));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("CLOSED")));
  EXPECT_EQ(ReasonOf(s), "COMPLAINT_STATE");
  EXPECT_THAT(Close(done, kOperator, Beijing(2026, 10, 9)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ComplaintTest, AnonymousComplaintIsHandledWithoutReplyOrRevisit) {
  Complaint c = NewComplaint();
  c.reporter = Reporter{};
  c.reporter.anonymous = true;
  c.reporter.identity_hash = "stale";
  ASSERT_THAT(ValidateNewComplaint(c, "complaint"), IsOk());
  EXPECT_EQ(c.reporter.identity_hash, "");  // nothing identifying kept
  Receive(c, kOperator, Beijing(2026, 9, 28));
  ASSERT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  ASSERT_THAT(Dispatch(c, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 12)), IsOk());
  ASSERT_THAT(RecordFindings(c, Found(FindingsOutcome::kNotVerified), kOfficer,
                             Beijing(2026, 9, 29)),
              IsOk());
  EXPECT_FALSE(c.case_clue);
  EXPECT_FALSE(FollowUpFor(c).issue_rectification_task);
  EXPECT_FALSE(FollowUpFor(c).flag_case_clue);

  EXPECT_THAT(ReplyFanOut(c), IsEmpty());
  absl::StatusOr<std::vector<ReplyRecipient>> sent =
      Reply(c, "经核查，未发现反映的问题。", kOfficer, Beijing(2026, 9, 30));
  ASSERT_THAT(sent, IsOk());
  EXPECT_THAT(*sent, IsEmpty());
  ASSERT_EQ(c.replies.size(), 1u);  // kept on record
  EXPECT_EQ(c.replies[0].to_complaint_id, 0);

  absl::Status s = RecordRevisit(c, Asked(Satisfaction::kSatisfied), kOperator,
                                 Beijing(2026, 10, 8));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(s), "COMPLAINT_NO_REVISIT");
  ASSERT_THAT(Close(c, kOperator, Beijing(2026, 10, 8)), IsOk());
  EXPECT_EQ(c.state, ComplaintState::kClosed);

  // Anonymous means no identity at all.
  Complaint named = NewComplaint();
  named.reporter.anonymous = true;
  EXPECT_EQ(FieldOf(ValidateNewComplaint(named, "complaint")), "complaint.reporter");
}

TEST(ComplaintTest, AnonymousCallerThrough12345IsAnsweredOnTheWorkOrder) {
  Complaint c = NewComplaint();
  c.channel = ComplaintChannel::k12345Transfer;
  c.external_order_number = "JZ12345-20260928-0001";
  c.reporter = Reporter{};
  c.reporter.anonymous = true;
  ASSERT_THAT(ValidateNewComplaint(c, "complaint"), IsOk());
  std::vector<ReplyRecipient> out = ReplyFanOut(c);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].external_order_number, "JZ12345-20260928-0001");
  EXPECT_EQ(out[0].reporter_phone, "");
}

TEST(ComplaintTest, MergeKeepsEveryReporterAndRepliesToEachOnce) {
  Complaint master = Received(1);
  ASSERT_THAT(Accept(master, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  ASSERT_THAT(Dispatch(master, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 12)),
              IsOk());

  // A neighbour calls 12369; another goes through 12345; a third caller, anonymous.
  Complaint neighbour = Received(2, Beijing(2026, 9, 28, 14));
  neighbour.reporter = Reporter{"王芳", "13900000002", false, "hash-wang"};
  Complaint via_12345 = Received(3, Beijing(2026, 9, 28, 15));
  via_12345.channel = ComplaintChannel::k12345Transfer;
  via_12345.external_order_number = "JZ12345-0003";
  via_12345.reporter = Reporter{"赵强", "13700000003", false, "hash-zhao"};
  Complaint anonymous = Received(4, Beijing(2026, 9, 28, 16));
  anonymous.reporter = Reporter{};
  anonymous.reporter.anonymous = true;
  // The 12345 caller had already absorbed a fourth complaint: it moves to the master.
  Complaint earlier = Received(5, Beijing(2026, 9, 28, 15));
  earlier.reporter = Reporter{"孙丽", "13600000005", false, "hash-sun"};
  ASSERT_THAT(Merge(via_12345, earlier, kDispatcher, Beijing(2026, 9, 28, 15)), IsOk());

  ASSERT_THAT(Merge(master, neighbour, kDispatcher, Beijing(2026, 9, 28, 17)), IsOk());
  absl::StatusOr<std::vector<int64_t>> moved =
      Merge(master, via_12345, kDispatcher, Beijing(2026, 9, 28, 17));
  ASSERT_THAT(moved, IsOk());
  EXPECT_THAT(*moved, ElementsAre(5));
  ASSERT_THAT(Merge(master, anonymous, kDispatcher, Beijing(2026, 9, 28, 17)), IsOk());

  EXPECT_EQ(neighbour.state, ComplaintState::kMerged);
  EXPECT_EQ(neighbour.master_id, 1);
  EXPECT_TRUE(neighbour.closed());
  EXPECT_THAT(via_12345.linked, IsEmpty());
  ASSERT_EQ(master.linked.size(), 4u);
  EXPECT_EQ(master.linked[0].kind, LinkKind::kMerged);

  // Merged complaints take no further steps of their own, nor can they be merged again.
  EXPECT_THAT(Accept(neighbour, kOperator, Beijing(2026, 9, 28, 18)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("MERGED")));
  EXPECT_THAT(Merge(master, neighbour, kDispatcher, Beijing(2026, 9, 28, 18)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  absl::StatusOr<std::vector<int64_t>> self =
      Merge(master, master, kDispatcher, Beijing(2026, 9, 28, 18));
  EXPECT_THAT(self, StatusIs(absl::StatusCode::kFailedPrecondition));

  // Everyone with a way back is answered: the master's caller, the neighbour, the 12345
  // order, and the caller it had absorbed; the anonymous one cannot be.
  std::vector<ReplyRecipient> fan_out = ReplyFanOut(master);
  std::vector<int64_t> ids;
  for (const ReplyRecipient& r : fan_out) ids.push_back(r.complaint_id);
  EXPECT_THAT(ids, ElementsAre(1, 2, 3, 5));
  EXPECT_EQ(fan_out[2].external_order_number, "JZ12345-0003");

  ASSERT_THAT(RecordFindings(master, Found(FindingsOutcome::kPartlyVerified), kOfficer,
                             Beijing(2026, 9, 29)),
              IsOk());
  // A public-safe reply names nobody.
  absl::StatusOr<std::vector<ReplyRecipient>> sent =
      Reply(master, "王芳反映的情况部分属实。", kOfficer, Beijing(2026, 9, 30));
  EXPECT_THAT(sent, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("text")));
  sent = Reply(master, "请拨打13700000003了解详情。", kOfficer, Beijing(2026, 9, 30));
  EXPECT_THAT(sent, StatusIs(absl::StatusCode::kInvalidArgument));
  sent = Reply(master, "经核查，反映情况部分属实，已责令整改。", kOfficer, Beijing(2026, 9, 30));
  ASSERT_THAT(sent, IsOk());
  EXPECT_EQ(sent->size(), 4u);
  ASSERT_EQ(master.replies.size(), 4u);
  EXPECT_EQ(master.replies[2].to_complaint_id, 3);
  EXPECT_EQ(master.replies[2].external_order_number, "JZ12345-0003");

  // Every one of them is revisited before closure.
  ASSERT_THAT(RecordRevisit(master, Asked(Satisfaction::kSatisfied), kOperator,
                            Beijing(2026, 10, 8)),
              IsOk());
  absl::Status s = Close(master, kOperator, Beijing(2026, 10, 8, 11));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(s), "REVISIT_PENDING");
  EXPECT_EQ(PendingRevisits(master).size(), 3u);
  EXPECT_EQ(FieldOf(RecordRevisit(master, Asked(Satisfaction::kSatisfied, false, 4), kOperator,
                                  Beijing(2026, 10, 8))),
            "revisit.complaint_id");  // the anonymous one was never answered
  for (int64_t whose : {2, 3, 5}) {
    ASSERT_THAT(RecordRevisit(master, Asked(Satisfaction::kBasicallySatisfied, false, whose),
                              kOperator, Beijing(2026, 10, 8)),
                IsOk());
  }
  EXPECT_THAT(Close(master, kOperator, Beijing(2026, 10, 8, 11)), IsOk());
}

TEST(ComplaintTest, MergeNeedsAnUnansweredMasterAndADuplicateWithoutFindings) {
  Complaint answered = WithFindings(1);
  ASSERT_THAT(Reply(answered, "已处理。", kOfficer, Beijing(2026, 9, 30)), IsOk());
  Complaint late = Received(2);
  EXPECT_THAT(Merge(answered, late, kDispatcher, Beijing(2026, 9, 30, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REPLIED")));
  EXPECT_EQ(late.state, ComplaintState::kReceived);

  Complaint master = Received(3);
  Complaint investigated = WithFindings(4);
  EXPECT_THAT(Merge(master, investigated, kDispatcher, Beijing(2026, 9, 30, 11)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("FINDINGS_RECORDED")));
}

TEST(ComplaintTest, SameReporterReReportingIsLinkedNotReopened) {
  Complaint accepted = Received(1);
  ASSERT_THAT(Accept(accepted, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  ASSERT_THAT(Dispatch(accepted, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 12)),
              IsOk());

  Complaint again = Received(2, Beijing(2026, 10, 3));
  again.channel = ComplaintChannel::k12369Wechat;
  again.location.lat_lng = GeoPoint{35.2410, 113.2400};  // about 111 m north
  DuplicateOptions options;
  EXPECT_TRUE(IsRepeatReport(again, accepted, options));

  Complaint other_person = again;
  other_person.reporter.identity_hash = "hash-someone-else";
  EXPECT_FALSE(IsRepeatReport(other_person, accepted, options));
  Complaint other_matter = again;
  other_matter.category = ComplaintCategory::kNoise;
  EXPECT_FALSE(IsRepeatReport(other_matter, accepted, options));
  Complaint not_yet_accepted = Received(3);
  EXPECT_FALSE(IsRepeatReport(again, not_yet_accepted, options));

  ASSERT_THAT(LinkRepeatReport(accepted, again, kOperator, Beijing(2026, 10, 3, 11)), IsOk());
  EXPECT_EQ(again.state, ComplaintState::kNotAccepted);
  EXPECT_EQ(again.master_id, 1);
  ASSERT_TRUE(again.acceptance.has_value());
  EXPECT_EQ(again.acceptance->ground, NotAcceptedGround::kRepeatReport);
  EXPECT_THAT(again.acceptance->reason, HasSubstr("交办"));  // the progress, told to them
  EXPECT_EQ(accepted.state, ComplaintState::kDispatched);   // not reopened, not reset
  ASSERT_EQ(accepted.linked.size(), 1u);
  EXPECT_EQ(accepted.linked[0].kind, LinkKind::kRepeat);
  // Same person: one reply, not two.
  EXPECT_EQ(ReplyFanOut(accepted).size(), 1u);
}

TEST(ComplaintTest, DistanceIsHaversine) {
  // Along a meridian: 0.004° × π/180 × 6 371 000 m = 444.78 m.
  EXPECT_NEAR(DistanceMeters({35.2400, 113.2400}, {35.2440, 113.2400}), 444.78, 0.01);
  // Along the 35.24° parallel: 0.005° × π/180 × 6 371 000 × cos 35.24° = 555.97 × 0.81674
  // = 454.09 m.
  EXPECT_NEAR(DistanceMeters({35.2400, 113.2400}, {35.2400, 113.2450}), 454.09, 0.05);
  EXPECT_DOUBLE_EQ(DistanceMeters({35.24, 113.24}, {35.24, 113.24}), 0.0);
}

TEST(ComplaintTest, LikelyDuplicatesBySameEnterpriseDistanceAndWindow) {
  const absl::Time t0 = Beijing(2026, 9, 1);
  Complaint candidate = Received(100, t0 + absl::Hours(24 * 10));

  // Same enterprise, far away (the plant's other gate), 10 days earlier.
  Complaint by_enterprise = Received(1, t0);
  by_enterprise.location.lat_lng = GeoPoint{35.2600, 113.2600};
  // No enterprise named, 444.78 m north, 5 days earlier.
  Complaint near = Received(2, t0 + absl::Hours(24 * 5));
  near.enterprise_uscc.clear();
  near.location.lat_lng = GeoPoint{35.2440, 113.2400};
  // No enterprise named, 555.97 m north: beyond 500 m.
  Complaint far = near;
  far.id = 3;
  far.location.lat_lng = GeoPoint{35.2450, 113.2400};
  // Same enterprise but 31 days earlier than the candidate: outside the window.
  Complaint old = Received(4, t0 + absl::Hours(24 * 10) - absl::Hours(24 * 31));
  // Same place, other category.
  Complaint noise = Received(5, t0);
  noise.category = ComplaintCategory::kNoise;
  // Same enterprise, already merged or closed.
  Complaint merged = Received(6, t0);
  merged.state = ComplaintState::kMerged;
  Complaint closed = Received(7, t0);
  closed.state = ComplaintState::kClosed;

  const std::vector<Complaint> existing = {by_enterprise, near, far, old, noise, merged, closed,
                                           candidate};
  DuplicateOptions options;
  std::vector<DuplicateMatch> found = LikelyDuplicates(candidate, existing, options);
  ASSERT_EQ(found.size(), 2u);
  // Same enterprise (place 1.0, time 1 - 10/30): 0.6 + 0.4 × 2/3 = 0.8667.
  EXPECT_EQ(found[0].complaint_id, 1);
  EXPECT_TRUE(found[0].same_enterprise);
  EXPECT_NEAR(found[0].score, 0.8667, 0.001);
  EXPECT_EQ(found[0].apart, absl::Hours(24 * 10));
  // 444.78 m (place 1 - 444.78/500), 5 days: 0.6 × 0.1104 + 0.4 × 5/6 = 0.3996.
  EXPECT_EQ(found[1].complaint_id, 2);
  EXPECT_FALSE(found[1].same_enterprise);
  ASSERT_TRUE(found[1].distance_m.has_value());
  EXPECT_NEAR(*found[1].distance_m, 444.78, 0.01);
  EXPECT_NEAR(found[1].score, 0.3996, 0.001);

  // Wider radius and window bring in the far one and the old one; closed on request.
  options.max_distance_m = 600;
  options.window = absl::Hours(24 * 40);
  options.include_closed = true;
  found = LikelyDuplicates(candidate, existing, options);
  std::vector<int64_t> ids;
  for (const DuplicateMatch& m : found) ids.push_back(m.complaint_id);
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre(1, 2, 3, 4, 7));

  // Without coordinates only the enterprise can match.
  Complaint no_place = candidate;
  no_place.location.lat_lng.reset();
  EXPECT_FALSE(DuplicateScore(no_place, near, DuplicateOptions{}).has_value());
  EXPECT_TRUE(DuplicateScore(no_place, by_enterprise, DuplicateOptions{}).has_value());
}

TEST(ComplaintTest, ValidationNamesTheField) {
  struct Case {
    std::string name;
    void (*mutate)(Complaint&);
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no channel", [](Complaint& c) { c.channel = ComplaintChannel::kUnspecified; },
       "complaint.channel"},
      {"12345 without order",
       [](Complaint& c) { c.channel = ComplaintChannel::k12345Transfer; },
       "complaint.external_order_number"},
      {"order with space", [](Complaint& c) { c.external_order_number = "JZ 1"; },
       "complaint.external_order_number"},
      {"no phone", [](Complaint& c) { c.reporter.phone = " "; }, "complaint.reporter.phone"},
      {"long name", [](Complaint& c) { c.reporter.name = std::string(65, 'a'); },
       "complaint.reporter.name"},
      {"no address", [](Complaint& c) { c.location.address.clear(); },
       "complaint.location.address"},
      {"short district", [](Complaint& c) { c.location.district_code = "41080"; },
       "complaint.location.district_code"},
      {"letters in district", [](Complaint& c) { c.location.district_code = "41080A"; },
       "complaint.location.district_code"},
      {"latitude", [](Complaint& c) { c.location.lat_lng->latitude = 90.5; },
       "complaint.location.lat_lng.latitude"},
      {"longitude", [](Complaint& c) { c.location.lat_lng->longitude = -180.5; },
       "complaint.location.lat_lng.longitude"},
      {"no category", [](Complaint& c) { c.category = ComplaintCategory::kUnspecified; },
       "complaint.category"},
      {"no urgency", [](Complaint& c) { c.urgency = ComplaintUrgency::kUnspecified; },
       "complaint.urgency"},
      {"empty description", [](Complaint& c) { c.description.clear(); },
       "complaint.description"},
      {"blank description", [](Complaint& c) { c.description = "  \n "; },
       "complaint.description"},
      {"long description",
       [](Complaint& c) {
         c.description.clear();
         for (int i = 0; i < 2001; ++i) c.description += "烟";
       },
       "complaint.description"},
      {"bad credit code", [](Complaint& c) { c.enterprise_uscc = "91350100M000100Y44"; },
       "complaint.enterprise"},
      {"21 attachments", [](Complaint& c) { c.attachments.assign(21, "attachments/x"); },
       "complaint.attachments"},
      {"empty attachment", [](Complaint& c) { c.attachments = {"a", ""}; },
       "complaint.attachments[1]"},
      {"attachment over two lines", [](Complaint& c) { c.attachments = {"焦环函\n12号"}; },
       "complaint.attachments[0]"},
  };
  for (const Case& t : cases) {
    SCOPED_TRACE(t.name);
    Complaint c = NewComplaint();
    t.mutate(c);
    absl::Status s = ValidateNewComplaint(c, "complaint");
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), t.field);
  }

  // The limits themselves pass: 2000 characters, 20 attachments, no enterprise or place,
  // and a phone whose format is not this layer's business.
  Complaint c = NewComplaint();
  c.description.clear();
  for (int i = 0; i < 2000; ++i) c.description += "烟";
  c.attachments.assign(19, "attachments/x");
  c.attachments.push_back("焦环函〔2026〕12号");
  c.enterprise_uscc.clear();
  c.location.lat_lng.reset();
  c.reporter.phone = "0391-1234567 转 8";
  c.reporter.name.clear();
  EXPECT_THAT(ValidateNewComplaint(c, "complaint"), IsOk());
}

TEST(ComplaintTest, TransitionInputsAreChecked) {
  Complaint c = Received();
  ASSERT_THAT(Accept(c, kOperator, Beijing(2026, 9, 28, 11)), IsOk());
  ASSERT_THAT(Dispatch(c, District("410802"), "", kDispatcher, Beijing(2026, 9, 28, 12)), IsOk());
  EXPECT_EQ(FieldOf(RecordFindings(c, Found(FindingsOutcome::kUnspecified), kOfficer,
                                   Beijing(2026, 9, 29))),
            "findings.outcome");
  EXPECT_EQ(FieldOf(RecordFindings(c, Found(FindingsOutcome::kVerified, {"tasks/1", "evil"}),
                                   kOfficer, Beijing(2026, 9, 29))),
            "findings.links[1]");
  Findings empty = Found(FindingsOutcome::kVerified);
  empty.text.clear();
  EXPECT_EQ(FieldOf(RecordFindings(c, empty, kOfficer, Beijing(2026, 9, 29))), "findings.text");
  EXPECT_EQ(c.state, ComplaintState::kDispatched);

  // Partly verified still calls for a task; without a known enterprise only the clue.
  c.enterprise_uscc.clear();
  ASSERT_THAT(RecordFindings(c, Found(FindingsOutcome::kPartlyVerified), kOfficer,
                             Beijing(2026, 9, 29)),
              IsOk());
  EXPECT_FALSE(FollowUpFor(c).issue_rectification_task);
  EXPECT_TRUE(FollowUpFor(c).flag_case_clue);
  EXPECT_EQ(FieldOf(AddFindingsLink(c, "complaints/2", Beijing(2026, 9, 29, 11))), "link");

  EXPECT_EQ(FieldOf(Reply(c, "", kOfficer, Beijing(2026, 9, 30)).status()), "text");
  ASSERT_THAT(Reply(c, "已处理。", kOfficer, Beijing(2026, 9, 30)), IsOk());
  EXPECT_EQ(FieldOf(RecordRevisit(c, Asked(Satisfaction::kUnspecified), kOperator,
                                  Beijing(2026, 10, 8))),
            "revisit.satisfaction");
  EXPECT_EQ(c.state, ComplaintState::kReplied);
}

TEST(ComplaintTest, NamesRoundTrip) {
  for (int i = 1; i <= 10; ++i) {
    auto state = static_cast<ComplaintState>(i);
    EXPECT_EQ(ComplaintStateFromName(ComplaintStateName(state)), state);
  }
  EXPECT_EQ(ComplaintStateLabel(ComplaintState::kNotAccepted), "不予受理");
  EXPECT_EQ(ComplaintStateFromName("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ComplaintChannelName(ComplaintChannel::k12345Transfer), "12345_TRANSFER");
  EXPECT_EQ(ComplaintChannelFromName("LETTER_VISIT"), ComplaintChannel::kLetterVisit);
  EXPECT_EQ(ComplaintCategoryFromName(ComplaintCategoryName(ComplaintCategory::kSolidWaste)),
            ComplaintCategory::kSolidWaste);
  EXPECT_EQ(ComplaintUrgencyFromName("EMERGENCY"), ComplaintUrgency::kEmergency);
  EXPECT_EQ(SatisfactionFromName("BASICALLY_SATISFIED"), Satisfaction::kBasicallySatisfied);
  EXPECT_EQ(NotAcceptedGroundFromName("REPEAT_REPORT"), NotAcceptedGround::kRepeatReport);
  EXPECT_EQ(FindingsOutcomeFromName("PARTLY_VERIFIED"), FindingsOutcome::kPartlyVerified);
  EXPECT_EQ(LinkKindFromName("REPEAT"), LinkKind::kRepeat);
  EXPECT_THAT(ComplaintIdFromName("complaints/12", "name"), IsOk());
  EXPECT_EQ(FieldOf(ComplaintIdFromName("complaints/0", "name").status()), "name");
}

}  // namespace
}  // namespace ecocase::domain
