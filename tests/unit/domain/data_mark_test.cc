// Data marks (自主标记, domain-rules §2.5) as pure rules: what a new mark may say, the review
// transitions, and which periods the evaluator excludes for a factor.
#include "domain/evaluation/data_mark.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "common/errors.h"
#include "common/regulatory_time.h"
#include "testing/status_matchers.h"

namespace ecocase::domain::evaluation {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOfficer[] = "users/off.a";

// Beijing time.
absl::Time Beijing(int y, int m, int d, int h = 0, int min = 0) {
  return common::FromRegulatory(absl::CivilSecond(y, m, d, h, min, 0));
}

// Now: Monday 2026-03-02 10:00 Beijing.
const absl::Time kNow = Beijing(2026, 3, 2, 10);

// A fault of SO2 at DA001 yesterday 08:00-10:00.
DataMark Fault() {
  DataMark m;
  m.enterprise_uscc = "91350100M000100Y43";
  m.outlet_code = "DA001";
  m.pollutant = "a21026";
  m.type = DataMarkType::kFault;
  m.start = Beijing(2026, 3, 1, 8);
  m.end = Beijing(2026, 3, 1, 10);
  m.reason = "二氧化硫分析仪采样泵故障，已更换。";
  m.evidence = {"运维记录 2026-03-01-01", "照片 IMG_0301"};
  return m;
}

// The field an INVALID_ARGUMENT names.
std::string FieldOf(const absl::Status& s) {
  auto payload = s.GetPayload(common::kFieldPayload);
  return payload.has_value() ? std::string(*payload) : "";
}

TEST(DataMarkNamesTest, TypesAndStatesRoundTripByName) {
  for (int i = 1; i <= 7; ++i) {
    auto type = static_cast<DataMarkType>(i);
    EXPECT_EQ(DataMarkTypeFromName(DataMarkTypeName(type)), type);
  }
  for (int i = 1; i <= 4; ++i) {
    auto state = static_cast<DataMarkState>(i);
    EXPECT_EQ(DataMarkStateFromName(DataMarkStateName(state)), state);
  }
  EXPECT_EQ(DataMarkTypeName(DataMarkType::kStartStop), "START_STOP");
  EXPECT_EQ(DataMarkTypeName(DataMarkType::kAbnormalCondition), "ABNORMAL_CONDITION");
  EXPECT_EQ(DataMarkStateName(DataMarkState::kWithdrawn), "WITHDRAWN");
  EXPECT_FALSE(DataMarkTypeFromName("UNSPECIFIED").has_value());
  EXPECT_FALSE(DataMarkTypeFromName("maintenance").has_value());
  EXPECT_FALSE(DataMarkStateFromName("").has_value());
}

TEST(DataMarkNamesTest, ResourceNames) {
  DataMark m;
  m.id = 42;
  EXPECT_EQ(m.ResourceName(), "dataMarks/42");
  EXPECT_EQ(DataMarkIdFromName("dataMarks/42", "name").value_or(0), 42);
  for (const char* bad : {"", "dataMarks/", "dataMarks/0", "dataMarks/-1", "dataMarks/1x",
                          "marks/1", "tasks/1", "dataMarks/ 1", "dataMarks/99999999999999999999"}) {
    SCOPED_TRACE(bad);
    auto id = DataMarkIdFromName(bad, "name");
    EXPECT_THAT(id, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(id.status()), "name");
  }
}

TEST(ValidateNewMarkTest, AcceptsAWellFormedMark) {
  EXPECT_THAT(ValidateNewMark(Fault(), kNow, {}), IsOk());
  DataMark all = Fault();
  all.pollutant.clear();  // every factor
  all.evidence.clear();
  EXPECT_THAT(ValidateNewMark(all, kNow, {}), IsOk());
  DataMark water = Fault();
  water.outlet_code = "DW001";
  water.pollutant = "w01018";
  EXPECT_THAT(ValidateNewMark(water, kNow, {}), IsOk());
}

TEST(ValidateNewMarkTest, EachErrorNamesItsField) {
  struct Case {
    const char* what;
    std::function<void(DataMark&)> change;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"no type", [](DataMark& m) { m.type = DataMarkType::kUnspecified; }, "data_mark.type"},
      {"unknown type", [](DataMark& m) { m.type = static_cast<DataMarkType>(9); },
       "data_mark.type"},
      {"bad factor", [](DataMark& m) { m.pollutant = "SO2"; }, "data_mark.pollutant"},
      {"2005 code", [](DataMark& m) { m.pollutant = "02"; }, "data_mark.pollutant"},
      {"upper case", [](DataMark& m) { m.pollutant = "A21026"; }, "data_mark.pollutant"},
      {"water code at an air outlet", [](DataMark& m) { m.pollutant = "w01018"; },
       "data_mark.pollutant"},
      {"empty period", [](DataMark& m) { m.end = m.start; }, "data_mark.end_time"},
      {"reversed", [](DataMark& m) { std::swap(m.start, m.end); }, "data_mark.end_time"},
      {"too long",
       [](DataMark& m) {
         m.start = Beijing(2026, 1, 1);
         m.end = Beijing(2026, 2, 1, 0, 1);
       },
       "data_mark.end_time"},
      {"too old",
       [](DataMark& m) {
         m.start = kNow - absl::Hours(24 * 90) - absl::Minutes(1);
         m.end = m.start + absl::Hours(2);
       },
       "data_mark.start_time"},
      {"a fault in the future", [](DataMark& m) { m.end = kNow + absl::Minutes(11); },
       "data_mark.end_time"},
      {"no reason", [](DataMark& m) { m.reason.clear(); }, "data_mark.reason"},
      {"blank reason", [](DataMark& m) { m.reason = " \n "; }, "data_mark.reason"},
      {"long reason", [](DataMark& m) { m.reason = std::string(1001, 'x'); }, "data_mark.reason"},
      {"control character", [](DataMark& m) { m.reason = "故障\x01"; }, "data_mark.reason"},
      {"empty evidence",
       [](DataMark& m) {
         m.evidence = {"ok", ""};
       },
       "data_mark.evidence[1]"},
      {"evidence with a line break", [](DataMark& m) { m.evidence = {"a\nb"}; },
       "data_mark.evidence[0]"},
      {"long evidence", [](DataMark& m) { m.evidence = {std::string(501, 'e')}; },
       "data_mark.evidence[0]"},
      {"too many references", [](DataMark& m) { m.evidence = std::vector<std::string>(21, "ref"); },
       "data_mark.evidence"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    DataMark m = Fault();
    c.change(m);
    absl::Status s = ValidateNewMark(m, kNow, {});
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
}

TEST(ValidateNewMarkTest, LimitsAtTheirEdges) {
  DataMark m = Fault();
  // Exactly 31 days, starting exactly 90 days ago.
  m.start = kNow - absl::Hours(24 * 90);
  m.end = m.start + absl::Hours(24 * 31);
  EXPECT_THAT(ValidateNewMark(m, kNow, {}), IsOk());
  // 1000 Chinese characters are 1000 characters, not 3000 bytes.
  m.reason.clear();
  for (int i = 0; i < 1000; ++i) m.reason += "故";
  m.evidence = std::vector<std::string>(20, std::string(500, 'r'));
  EXPECT_THAT(ValidateNewMark(m, kNow, {}), IsOk());
  // A fault may end "now" on a clock a few minutes ahead of ours.
  DataMark now = Fault();
  now.end = kNow + absl::Minutes(10);
  EXPECT_THAT(ValidateNewMark(now, kNow, {}), IsOk());
}

TEST(ValidateNewMarkTest, PlannedMaintenanceAndCalibrationMayLieAhead) {
  DataMark planned = Fault();
  planned.type = DataMarkType::kMaintenance;
  planned.start = Beijing(2026, 3, 9, 8);
  planned.end = Beijing(2026, 3, 9, 10);  // exactly 7 days ahead
  EXPECT_THAT(ValidateNewMark(planned, kNow, {}), IsOk());
  planned.type = DataMarkType::kCalibration;
  EXPECT_THAT(ValidateNewMark(planned, kNow, {}), IsOk());
  planned.end = kNow + absl::Hours(24 * 7) + absl::Seconds(1);
  absl::Status s = ValidateNewMark(planned, kNow, {});
  EXPECT_EQ(FieldOf(s), "data_mark.end_time") << s;
  // A planned stop is not maintenance: marks of what happens are made when it happened.
  planned = Fault();
  planned.type = DataMarkType::kStopped;
  planned.start = Beijing(2026, 3, 3, 8);
  planned.end = Beijing(2026, 3, 3, 12);
  s = ValidateNewMark(planned, kNow, {});
  EXPECT_EQ(FieldOf(s), "data_mark.end_time") << s;
  EXPECT_THAT(s.message(), HasSubstr("only MAINTENANCE and CALIBRATION"));
}

TEST(ValidateNewMarkTest, OptionsMoveTheLimits) {
  DataMarkOptions options;
  options.max_length = absl::Hours(1);
  options.max_age = absl::Hours(24);
  options.max_future = absl::ZeroDuration();
  DataMark m = Fault();  // 2 hours, 26 hours ago
  EXPECT_EQ(FieldOf(ValidateNewMark(m, kNow, options)), "data_mark.end_time");
  m.end = m.start + absl::Hours(1);
  EXPECT_EQ(FieldOf(ValidateNewMark(m, kNow, options)), "data_mark.start_time");
  m.start = kNow - absl::Hours(2);
  m.end = kNow - absl::Hours(1);
  EXPECT_THAT(ValidateNewMark(m, kNow, options), IsOk());
  m.type = DataMarkType::kMaintenance;
  m.end = kNow + absl::Minutes(30);
  m.start = kNow;
  EXPECT_EQ(FieldOf(ValidateNewMark(m, kNow, options)), "data_mark.end_time");
  // The prefix names the request's field.
  EXPECT_EQ(FieldOf(ValidateNewMark(m, kNow, options, "mark")), "mark.end_time");
}

TEST(DataMarkTransitionsTest, SubmitThenAccept) {
  DataMark m = Fault();
  m.id = 5;
  Submit(m, "users/ent.plant", kNow);
  EXPECT_EQ(m.state, DataMarkState::kPending);
  EXPECT_EQ(m.created_by, "users/ent.plant");
  EXPECT_EQ(m.create_time, kNow);
  EXPECT_FALSE(m.review_time.has_value());
  const absl::Time later = kNow + absl::Hours(3);
  ASSERT_THAT(Accept(m, kOfficer, "", later), IsOk());  // a reason is optional
  EXPECT_EQ(m.state, DataMarkState::kAccepted);
  EXPECT_EQ(m.reviewed_by, kOfficer);
  EXPECT_EQ(m.review_time, later);
  EXPECT_EQ(m.update_time, later);
  EXPECT_EQ(m.create_time, kNow);
  // Decided once: no second review, no withdrawal.
  absl::Status s = Reject(m, kOfficer, "重新审核", later);
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("dataMarks/5 is ACCEPTED")));
  EXPECT_THAT(Accept(m, kOfficer, "", later), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Withdraw(m, later), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(m.state, DataMarkState::kAccepted);
}

TEST(DataMarkTransitionsTest, RejectNeedsAReason) {
  DataMark m = Fault();
  Submit(m, "users/ent.plant", kNow);
  for (const char* blank : {"", "   ", "\n"}) {
    absl::Status s = Reject(m, kOfficer, blank, kNow);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), "reason");
  }
  EXPECT_EQ(m.state, DataMarkState::kPending);
  ASSERT_THAT(Reject(m, kOfficer, "运维记录与标记时段不符", kNow), IsOk());
  EXPECT_EQ(m.state, DataMarkState::kRejected);
  EXPECT_EQ(m.review_reason, "运维记录与标记时段不符");
  EXPECT_THAT(Withdraw(m, kNow), StatusIs(absl::StatusCode::kFailedPrecondition));
  // An over-long acceptance note is refused too.
  DataMark other = Fault();
  Submit(other, "users/ent.plant", kNow);
  EXPECT_EQ(FieldOf(Accept(other, kOfficer, std::string(1001, 'x'), kNow)), "reason");
  EXPECT_EQ(other.state, DataMarkState::kPending);
}

TEST(DataMarkTransitionsTest, WithdrawOnlyWhilePending) {
  DataMark m = Fault();
  Submit(m, "users/ent.plant", kNow);
  ASSERT_THAT(Withdraw(m, kNow + absl::Minutes(5)), IsOk());
  EXPECT_EQ(m.state, DataMarkState::kWithdrawn);
  EXPECT_EQ(m.update_time, kNow + absl::Minutes(5));
  EXPECT_TRUE(m.reviewed_by.empty());
  EXPECT_THAT(Accept(m, kOfficer, "", kNow), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Withdraw(m, kNow), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(ExcludedPeriodsForTest, AcceptedMarksOfTheFactorOrOfEveryFactor) {
  auto mark = [](const char* pollutant, DataMarkState state, int hour) {
    DataMark m = Fault();
    m.pollutant = pollutant;
    m.state = state;
    m.start = Beijing(2026, 3, 1, hour);
    m.end = Beijing(2026, 3, 1, hour + 1);
    return m;
  };
  const std::vector<DataMark> marks = {
      mark("a21026", DataMarkState::kAccepted, 9),
      mark("", DataMarkState::kAccepted, 3),        // every factor
      mark("a21002", DataMarkState::kAccepted, 5),  // NOx only
      mark("a21026", DataMarkState::kPending, 6),
      mark("a21026", DataMarkState::kRejected, 7),
      mark("", DataMarkState::kWithdrawn, 8),
  };
  std::vector<ExcludedPeriod> so2 = ExcludedPeriodsFor(marks, "a21026");
  ASSERT_EQ(so2.size(), 2u);
  EXPECT_EQ(so2[0].start, Beijing(2026, 3, 1, 3));  // ordered by start
  EXPECT_EQ(so2[0].end, Beijing(2026, 3, 1, 4));
  EXPECT_EQ(so2[1].start, Beijing(2026, 3, 1, 9));
  std::vector<ExcludedPeriod> nox = ExcludedPeriodsFor(marks, "a21002");
  ASSERT_EQ(nox.size(), 2u);
  EXPECT_EQ(nox[1].start, Beijing(2026, 3, 1, 5));
  std::vector<ExcludedPeriod> o2 = ExcludedPeriodsFor(marks, "a19001");
  ASSERT_EQ(o2.size(), 1u);
  EXPECT_EQ(o2[0].start, Beijing(2026, 3, 1, 3));
  EXPECT_TRUE(ExcludedPeriodsFor({}, "a21026").empty());
}

}  // namespace
}  // namespace ecocase::domain::evaluation
