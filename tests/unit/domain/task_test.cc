// The rectification task lifecycle (domain-rules §7) as pure rules.
#include "domain/task.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/regulatory_time.h"
#include "testing/status_matchers.h"

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOfficer[] = "users/officer1";
constexpr char kEnterprise[] = "users/plant";

// Beijing time.
absl::Time Beijing(int y, int m, int d, int h = 10) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, 0, 0));
}

class TaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto calendar = DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
  }

  // Issued on Tuesday 2026-04-28 10:00 Beijing, 3 working days: 04-29, 04-30, then 劳动节
  // (05-01..05), so the third working day is 05-06.
  Task Issued(TaskDeadline deadline = {3, true}) {
    Task t;
    t.id = 7;
    t.enterprise_uscc = "91410802ma3x00001";  // normalised by validation
    t.source_kind = TaskSourceKind::kExceedanceIncident;
    t.source = "incidents/12";
    t.title = "1号锅炉烟囱二氧化硫小时均值超标整改";
    t.legal_basis = "《中华人民共和国大气污染防治法》第九十九条";
    t.required_actions = {"查明超标原因", "恢复脱硫设施正常运行"};
    t.deadline = deadline;
    EXPECT_THAT(ValidateNewTask(t, "task"), StatusIs(absl::StatusCode::kInvalidArgument));
    t.enterprise_uscc = ValidUscc();
    EXPECT_THAT(ValidateNewTask(t, "task"), IsOk());
    Issue(t, kOfficer, Beijing(2026, 4, 28), *calendar_);
    return t;
  }

  static std::string ValidUscc() {
    // 91350100M000100Y43 is the GB 32100 example used across the tests.
    return "91350100M000100Y43";
  }

  Reinspection OnSite(ReinspectionOutcome outcome, int month, int day_of_month) {
    absl::CivilDay day(2026, month, day_of_month);
    Reinspection r;
    r.kind = ReinspectionKind::kOnSite;
    r.officers = {"officer2"};
    r.date = day;
    r.outcome = outcome;
    r.findings = "脱硫塔循环泵已更换，在线数据恢复达标";
    return r;
  }

  std::optional<WorkingCalendar> calendar_;
};

TEST_F(TaskTest, WorkingDayDeadlineSkipsTheMayDayHoliday) {
  Task t = Issued();
  EXPECT_EQ(t.state, TaskState::kIssued);
  EXPECT_EQ(t.issued_by, kOfficer);
  EXPECT_EQ(t.due_day, absl::CivilDay(2026, 5, 6));
  EXPECT_EQ(t.due_time, Beijing(2026, 5, 7, 0));
  EXPECT_FALSE(t.OverdueAt(Beijing(2026, 5, 5, 23)));  // still in the holiday
  EXPECT_FALSE(t.OverdueAt(Beijing(2026, 5, 6, 23)));
  EXPECT_TRUE(t.OverdueAt(Beijing(2026, 5, 7, 0)));
  // Calendar days: 10 days from 04-28 is 05-08, a working day.
  EXPECT_EQ(Issued({10, false}).due_day, absl::CivilDay(2026, 5, 8));
}

TEST_F(TaskTest, CorrectedOnReinspectionClosesTheTask) {
  Task t = Issued();
  EXPECT_THAT(Submit(t, {"已整改", {}, "", {}}, kEnterprise, Beijing(2026, 4, 29)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 4, 28, 11)), IsOk());
  EXPECT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 4, 28, 12)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(Submit(t, {"已更换循环泵\n附检测报告", {"evidence/3"}, "", {}}, kEnterprise,
                     Beijing(2026, 5, 6)),
              IsOk());
  EXPECT_EQ(t.state, TaskState::kSubmitted);
  EXPECT_EQ(t.rectification->submitted_by, kEnterprise);
  ASSERT_THAT(RecordReinspection(t, OnSite(ReinspectionOutcome::kCorrected, 5, 7),
                                 std::nullopt, kOfficer, Beijing(2026, 5, 7, 15), *calendar_),
              IsOk());
  EXPECT_EQ(t.state, TaskState::kVerified);
  EXPECT_TRUE(t.closed());
  EXPECT_FALSE(t.refused);
  EXPECT_FALSE(t.OverdueAt(Beijing(2026, 6, 1)));
  ASSERT_EQ(t.reinspections.size(), 1u);
  EXPECT_THAT(t.reinspections[0].officers, ElementsAre("officer1", "officer2"));
  EXPECT_THAT(Cancel(t, "撤销", Beijing(2026, 5, 8)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TaskTest, NotCorrectedOrObstructedIsRefusalWithANewPeriod) {
  for (ReinspectionOutcome outcome :
       {ReinspectionOutcome::kNotCorrected, ReinspectionOutcome::kObstructed}) {
    Task t = Issued();
    ASSERT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 4, 28, 11)), IsOk());
    // A new period is required.
    EXPECT_THAT(RecordReinspection(t, OnSite(outcome, 5, 7), std::nullopt, kOfficer,
                                   Beijing(2026, 5, 7, 15), *calendar_),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("new_deadline")));
    ASSERT_THAT(RecordReinspection(t, OnSite(outcome, 5, 7), TaskDeadline{5, true},
                                   kOfficer, Beijing(2026, 5, 7, 15), *calendar_),
                IsOk());
    EXPECT_EQ(t.state, TaskState::kIssued);
    EXPECT_TRUE(t.refused);
    EXPECT_THAT(t.state_reason, HasSubstr("拒不改正"));
    // 5 working days after 05-07: 05-08, 05-09 (the make-up Saturday), 05-11, 05-12, 05-13.
    EXPECT_EQ(t.due_day, absl::CivilDay(2026, 5, 13));
    // The second round can still end corrected; the refusal stays on record.
    ASSERT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 5, 8)), IsOk());
    ASSERT_THAT(RecordReinspection(t, OnSite(ReinspectionOutcome::kCorrected, 5, 12),
                                   std::nullopt, kOfficer, Beijing(2026, 5, 12), *calendar_),
                IsOk());
    EXPECT_EQ(t.state, TaskState::kVerified);
    EXPECT_TRUE(t.refused);
    EXPECT_EQ(t.reinspections.size(), 2u);
  }
}

TEST_F(TaskTest, ReinspectionRules) {
  Task t = Issued();
  Reinspection alone = OnSite(ReinspectionOutcome::kCorrected, 4, 29);
  alone.officers = {"officer1"};  // the caller named again: still one officer
  ASSERT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 4, 28, 11)), IsOk());
  EXPECT_THAT(RecordReinspection(t, alone, std::nullopt, kOfficer, Beijing(2026, 4, 29),
                                 *calendar_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("two officers")));
  Reinspection future = OnSite(ReinspectionOutcome::kCorrected, 4, 30);
  EXPECT_THAT(RecordReinspection(t, future, std::nullopt, kOfficer, Beijing(2026, 4, 29),
                                 *calendar_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reinspection.date")));
  Reinspection no_outcome = OnSite(ReinspectionOutcome::kUnspecified, 4, 29);
  EXPECT_THAT(RecordReinspection(t, no_outcome, std::nullopt, kOfficer, Beijing(2026, 4, 29),
                                 *calendar_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outcome")));
  EXPECT_EQ(t.state, TaskState::kAcknowledged);
  EXPECT_TRUE(t.reinspections.empty());

  // A covert re-inspection (暗查) needs no notice: it may come before the acknowledgement,
  // and one officer is enough.
  Task fresh = Issued();
  Reinspection covert = OnSite(ReinspectionOutcome::kNotCorrected, 4, 30);
  covert.kind = ReinspectionKind::kCovert;
  covert.officers.clear();
  ASSERT_THAT(RecordReinspection(fresh, covert, TaskDeadline{3, true}, kOfficer,
                                 Beijing(2026, 4, 30), *calendar_),
              IsOk());
  EXPECT_TRUE(fresh.refused);
  // A non-site one does not skip the acknowledgement.
  Task other = Issued();
  Reinspection non_site = covert;
  non_site.kind = ReinspectionKind::kNonSite;
  EXPECT_THAT(RecordReinspection(other, non_site, TaskDeadline{3, true}, kOfficer,
                                 Beijing(2026, 4, 30), *calendar_),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TaskTest, RejectedReportGoesBackWithANewPeriod) {
  Task t = Issued();
  ASSERT_THAT(Acknowledge(t, kEnterprise, Beijing(2026, 4, 28, 11)), IsOk());
  ASSERT_THAT(Submit(t, {"已整改", {}, "", {}}, kEnterprise, Beijing(2026, 4, 29)), IsOk());
  ASSERT_THAT(RejectRectification(t, "未附检测报告", {7, false}, Beijing(2026, 4, 30),
                                  *calendar_),
              IsOk());
  EXPECT_EQ(t.state, TaskState::kIssued);
  EXPECT_EQ(t.state_reason, "未附检测报告");
  EXPECT_FALSE(t.refused);
  // 7 calendar days from 04-30 is 05-07, a working day.
  EXPECT_EQ(t.due_day, absl::CivilDay(2026, 5, 7));
  EXPECT_TRUE(t.rectification.has_value());  // the report stays on record
}

TEST_F(TaskTest, ExtensionsAreRequestedThenDecided) {
  Task t = Issued();
  EXPECT_THAT(DecideExtension(t, true, "", "users/boss", Beijing(2026, 4, 29), *calendar_),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  TaskExtension ask;
  ask.reason = "循环泵到货需要时间";
  ask.extra = {5, true};
  ASSERT_THAT(RequestExtension(t, ask, kEnterprise, Beijing(2026, 4, 29)), IsOk());
  EXPECT_THAT(RequestExtension(t, ask, kEnterprise, Beijing(2026, 4, 29)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(DecideExtension(t, true, "同意延期", "users/boss", Beijing(2026, 4, 30),
                              *calendar_),
              IsOk());
  EXPECT_EQ(t.extension->state, ExtensionState::kGranted);
  EXPECT_EQ(t.extension->decided_by, "users/boss");
  // Five working days after 05-06: 05-07, 05-08, 05-09 (make-up Saturday), 05-11, 05-12.
  EXPECT_EQ(t.due_day, absl::CivilDay(2026, 5, 12));

  ASSERT_THAT(RequestExtension(t, ask, kEnterprise, Beijing(2026, 5, 1)), IsOk());
  ASSERT_THAT(DecideExtension(t, false, "", "users/boss", Beijing(2026, 5, 2), *calendar_),
              IsOk());
  EXPECT_EQ(t.extension->state, ExtensionState::kRefused);
  EXPECT_EQ(t.due_day, absl::CivilDay(2026, 5, 12));
}

TEST_F(TaskTest, ValidationNamesTheField) {
  Task t = Issued();
  Task bad = t;
  bad.required_actions.clear();
  EXPECT_THAT(ValidateNewTask(bad, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.required_actions")));
  bad = t;
  bad.deadline = {0, true};
  EXPECT_THAT(ValidateNewTask(bad, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.deadline.days")));
  bad = t;
  bad.outlet_code = "X1";
  EXPECT_THAT(ValidateNewTask(bad, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.outlet")));
  bad = t;
  bad.title = "标题\n换行";
  EXPECT_THAT(ValidateNewTask(bad, "task"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.title")));
  absl::StatusOr<int64_t> id = TaskIdFromName("tasks/12", "name");
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(*id, 12);
  EXPECT_THAT(TaskIdFromName("tasks/x", "name"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(TaskStateFromName("SUBMITTED"), TaskState::kSubmitted);
  EXPECT_EQ(TaskSourceKindName(TaskSourceKind::kCaseDecision), "CASE_DECISION");
  EXPECT_EQ(ReinspectionOutcomeFromName("OBSTRUCTED"), ReinspectionOutcome::kObstructed);
  EXPECT_EQ(ExtensionStateFromName("PENDING"), ExtensionState::kPending);
}

}  // namespace
}  // namespace ecocase::domain
