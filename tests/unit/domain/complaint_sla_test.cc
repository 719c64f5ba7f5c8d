#include "domain/complaint_sla.h"

#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

// Expected due instants are worked out by hand from the State Council notices (see
// deploy/calendar/cn-holidays.txt), never with the code under test. 2026 国庆: Thu Oct 1 -
// Wed Oct 7 off; Sun Sep 20 and Sat Oct 10 worked (调休上班).

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Channel = ComplaintChannel;
using Category = ComplaintCategory;
using Urgency = ComplaintUrgency;

absl::Time At(std::string_view rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &t, &error))
      << rfc3339 << ": " << error;
  return t;
}

constexpr SlaLimit Hours(int n) { return {.amount = n, .unit = SlaUnit::kHours}; }
constexpr SlaLimit WorkingDays(int n) { return {.amount = n, .unit = SlaUnit::kWorkingDays}; }
constexpr SlaLimit CalendarDays(int n) { return {.amount = n, .unit = SlaUnit::kCalendarDays}; }

using common::ReasonOf;

SlaPolicy MustParse(std::string_view text) {
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(text);
  EXPECT_THAT(policy, IsOk());
  if (!policy.ok()) return *ParseSlaPolicy("* * * acceptance=1h closure=1h basis=x\n");
  return *std::move(policy);
}

class ComplaintSlaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<WorkingCalendar> calendar = DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
    // The cases below rely on the built-in 2026 schedule.
    ASSERT_FALSE(calendar_->IsWorkingDay(absl::CivilDay(2026, 10, 1)));
    ASSERT_FALSE(calendar_->IsWorkingDay(absl::CivilDay(2026, 10, 7)));
    ASSERT_TRUE(calendar_->IsWorkingDay(absl::CivilDay(2026, 10, 10)));  // Saturday
    ASSERT_TRUE(calendar_->IsWorkingDay(absl::CivilDay(2026, 9, 20)));   // Sunday
    absl::StatusOr<SlaPolicy> policy = DefaultSlaPolicy();
    ASSERT_THAT(policy, IsOk());
    policy_.emplace(*std::move(policy));
  }

  const WorkingCalendar& calendar() const { return *calendar_; }
  const SlaPolicy& policy() const { return *policy_; }
  const SlaRule& Rule(Channel channel, Urgency urgency = Urgency::kNormal) const {
    return policy().Lookup(channel, Category::kAir, urgency);
  }

 private:
  std::optional<WorkingCalendar> calendar_;
  std::optional<SlaPolicy> policy_;
};

// --- Limits -------------------------------------------------------------------------------

TEST(SlaLimitTest, FormatsForConfigurationAndForUsers) {
  EXPECT_EQ(FormatSlaLimit(Hours(2)), "2h");
  EXPECT_EQ(FormatSlaLimit(WorkingDays(15)), "15wd");
  EXPECT_EQ(FormatSlaLimit(CalendarDays(60)), "60cd");
  EXPECT_EQ(SlaLimitDisplay(Hours(2)), "2小时");
  EXPECT_EQ(SlaLimitDisplay(WorkingDays(15)), "15个工作日");
  EXPECT_EQ(SlaLimitDisplay(CalendarDays(60)), "60日");
}

// --- Lookup -------------------------------------------------------------------------------

TEST(SlaPolicyTest, MostSpecificRowWinsUrgencyThenChannelThenCategory) {
  const SlaPolicy policy = MustParse(
      "* * * acceptance=15cd closure=60cd basis=default\n"
      "12345_transfer * * acceptance=1wd closure=15wd basis=channel\n"
      "* air * acceptance=1wd closure=10wd basis=category\n"
      "* * urgent acceptance=2h closure=5wd basis=urgency\n"
      "12345_transfer * urgent acceptance=1h closure=3wd basis=channel+urgency\n"
      "12345_transfer air * acceptance=1wd closure=8wd basis=channel+category\n");
  struct Case {
    Channel channel;
    Category category;
    Urgency urgency;
    std::string_view basis;
  };
  const Case kCases[] = {
      {Channel::k12369Phone, Category::kWater, Urgency::kNormal, "default"},
      {Channel::k12345Transfer, Category::kWater, Urgency::kNormal, "channel"},
      {Channel::k12369Phone, Category::kAir, Urgency::kNormal, "category"},
      // Channel and category beat either alone.
      {Channel::k12345Transfer, Category::kAir, Urgency::kNormal, "channel+category"},
      // Urgency beats category: an urgent air complaint is urgent first.
      {Channel::k12369Phone, Category::kAir, Urgency::kUrgent, "urgency"},
      // Urgency beats channel + category together.
      {Channel::k12345Transfer, Category::kAir, Urgency::kUrgent, "channel+urgency"},
      {Channel::k12345Transfer, Category::kNoise, Urgency::kUrgent, "channel+urgency"},
      {Channel::k12369Web, Category::kNoise, Urgency::kEmergency, "default"},
      // UNSPECIFIED matches wildcards only.
      {Channel::kUnspecified, Category::kAir, Urgency::kUnspecified, "category"},
      {Channel::kUnspecified, Category::kUnspecified, Urgency::kUnspecified, "default"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(absl::StrCat(ComplaintChannelName(c.channel), " ",
                              ComplaintCategoryName(c.category), " ",
                              ComplaintUrgencyName(c.urgency)));
    EXPECT_EQ(policy.Lookup(c.channel, c.category, c.urgency).basis, c.basis);
  }
}

TEST(SlaPolicyTest, CreateRejectsBadRowsNamingThem) {
  SlaRule ok;
  ok.acceptance = CalendarDays(15);
  ok.closure = CalendarDays(60);
  ok.basis = "x";
  const SlaRow fallback{.key = SlaKey(), .rule = ok};
  SlaKey urgent_12345;
  urgent_12345.channel = Channel::k12345Transfer;
  urgent_12345.urgency = Urgency::kUrgent;
  SlaKey unspecified_category;
  unspecified_category.category = Category::kUnspecified;
  struct Case {
    std::string_view name;
    std::vector<SlaRow> rows;
    std::string_view message;
  };
  SlaRule zero = ok;
  zero.closure.amount = 0;
  SlaRule too_long = ok;
  too_long.acceptance = Hours(kMaxDeadlineAmount + 1);
  SlaRule no_basis = ok;
  no_basis.basis = " ";
  SlaRule multiline_basis = ok;
  multiline_basis.basis = "a\nb";
  SlaRule count_without_limit = ok;
  count_without_limit.max_extensions = 1;
  SlaRule limit_without_count = ok;
  limit_without_count.max_extension = CalendarDays(30);
  const Case kCases[] = {
      {"duplicate key", {fallback, {urgent_12345, ok}, {urgent_12345, ok}},
       "sla rule 3 (12345_TRANSFER * URGENT): the same key as sla rule 2"},
      {"zero amount", {fallback, {urgent_12345, zero}},
       "sla rule 2 (12345_TRANSFER * URGENT): closure must be 1-3650 cd, got 0"},
      {"amount too large", {{SlaKey(), too_long}},
       "sla rule 1 (* * *): acceptance must be 1-3650 h"},
      {"empty basis", {{SlaKey(), no_basis}}, "sla rule 1 (* * *): basis must be"},
      {"basis with a line break", {{SlaKey(), multiline_basis}},
       "sla rule 1 (* * *): basis must be"},
      {"extension count without a limit", {{SlaKey(), count_without_limit}},
       "no extension limit is given"},
      {"extension limit without a count", {{SlaKey(), limit_without_count}},
       "extensions must be 1-5"},
      {"UNSPECIFIED in a key", {fallback, {unspecified_category, ok}},
       "sla rule 2 (* UNSPECIFIED *): a key names UNSPECIFIED"},
      {"no default row", {{urgent_12345, ok}}, "no \"* * *\" rule"},
      {"empty policy", {}, "no \"* * *\" rule"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(SlaPolicy::Create(c.rows),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(std::string(c.message))));
  }
  EXPECT_THAT(SlaPolicy::Create({fallback, {urgent_12345, ok}}), IsOk());
}

// --- Text form ----------------------------------------------------------------------------

TEST(ParseSlaPolicyTest, ReadsRulesCommentsAndOptionalKeys) {
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(
      "\xEF\xBB\xBF# comment\r\n"
      "\r\n"
      "  * * *   acceptance=15cd closure=60cd closure_from=acceptance extension=30cd "
      "basis=《环保举报热线工作管理办法》 第八条 \r\n"
      "12345_TRANSFER Solid_Waste URGENT closure=5wd acceptance=2h extension=3wd extensions=2 "
      "closure_from=intake basis=local rule\n");
  ASSERT_THAT(policy, IsOk());
  ASSERT_EQ(policy->rows().size(), 2);

  const SlaRow& fallback = policy->rows()[0];
  EXPECT_EQ(fallback.key, SlaKey{});
  EXPECT_EQ(fallback.rule.acceptance, CalendarDays(15));
  EXPECT_EQ(fallback.rule.closure, CalendarDays(60));
  EXPECT_EQ(fallback.rule.closure_from, SlaAnchor::kAcceptance);
  EXPECT_EQ(fallback.rule.max_extension, CalendarDays(30));
  EXPECT_EQ(fallback.rule.max_extensions, 1);  // extension= alone allows one
  EXPECT_EQ(fallback.rule.basis, "《环保举报热线工作管理办法》 第八条");

  const SlaRow& urgent = policy->rows()[1];
  EXPECT_EQ(urgent.key, (SlaKey{.channel = Channel::k12345Transfer,
                                .category = Category::kSolidWaste,
                                .urgency = Urgency::kUrgent}));
  EXPECT_EQ(urgent.rule.acceptance, Hours(2));
  EXPECT_EQ(urgent.rule.closure, WorkingDays(5));
  EXPECT_EQ(urgent.rule.closure_from, SlaAnchor::kIntake);
  EXPECT_EQ(urgent.rule.max_extension, WorkingDays(3));
  EXPECT_EQ(urgent.rule.max_extensions, 2);
  EXPECT_EQ(urgent.rule.basis, "local rule");

  // Without extension= a rule allows none.
  absl::StatusOr<SlaPolicy> plain = ParseSlaPolicy("* * * acceptance=1h closure=2h basis=x\n");
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(plain->rows()[0].rule.max_extension.amount, 0);
  EXPECT_EQ(plain->rows()[0].rule.max_extensions, 0);
  EXPECT_EQ(plain->rows()[0].rule.closure_from, SlaAnchor::kIntake);
}

TEST(ParseSlaPolicyTest, RejectsMistakesNamingTheLine) {
  const std::string kDefault = "* * * acceptance=15cd closure=60cd basis=x\n";
  struct Case {
    std::string_view name;
    std::string text;
    std::string_view line;
    std::string_view problem;
  };
  const Case kCases[] = {
      {"unknown channel", kDefault + "12346_phone * * acceptance=1h closure=1h basis=x\n",
       "line 2:", "unknown channel \"12346_phone\" (want 12369_phone, 12369_wechat"},
      {"unknown category", kDefault + "* dust * acceptance=1h closure=1h basis=x\n", "line 2:",
       "unknown category \"dust\""},
      {"unknown urgency", kDefault + "* * high acceptance=1h closure=1h basis=x\n", "line 2:",
       "unknown urgency \"high\""},
      {"UNSPECIFIED is not a name", kDefault + "unspecified * * acceptance=1h closure=1h basis=x\n",
       "line 2:", "unknown channel \"unspecified\""},
      {"two keys only", kDefault + "# c\n* * acceptance=1h closure=1h basis=x\n", "line 3:",
       "a rule starts with three keys"},
      {"bad limit unit", kDefault + "* * urgent acceptance=2x closure=1h basis=x\n", "line 2:",
       "bad acceptance limit \"2x\""},
      {"limit without a number", kDefault + "* * urgent acceptance=h closure=1h basis=x\n",
       "line 2:", "bad acceptance limit \"h\""},
      {"days without a kind", kDefault + "* * urgent acceptance=1h closure=5d basis=x\n",
       "line 2:", "bad closure limit \"5d\""},
      {"zero amount", kDefault + "* * urgent acceptance=0h closure=1h basis=x\n", "line 2:",
       "acceptance must be 1-3650 h, got 0"},
      {"amount too large", kDefault + "* * urgent acceptance=1h closure=4000cd basis=x\n",
       "line 2:", "closure must be 1-3650 cd, got 4000"},
      {"unknown key", kDefault + "* * urgent acceptance=1h closure=1h reply=1h basis=x\n",
       "line 2:", "unknown key \"reply\""},
      {"not key=value", kDefault + "* * urgent acceptance=1h closure=1h soon basis=x\n",
       "line 2:", "\"soon\" is not key=value"},
      {"key twice", kDefault + "* * urgent acceptance=1h closure=1h closure=2h basis=x\n",
       "line 2:", "closure is given twice"},
      {"missing closure", kDefault + "* * urgent acceptance=1h basis=x\n", "line 2:",
       "missing closure="},
      {"missing acceptance", kDefault + "* * urgent closure=1h basis=x\n", "line 2:",
       "missing acceptance="},
      {"missing basis", kDefault + "* * urgent acceptance=1h closure=1h\n", "line 2:",
       "missing basis="},
      {"empty basis", kDefault + "* * urgent acceptance=1h closure=1h basis= \n", "line 2:",
       "basis must be"},
      {"bad closure_from", kDefault + "* * urgent acceptance=1h closure=1h closure_from=receipt "
                                      "basis=x\n",
       "line 2:", "bad closure_from \"receipt\""},
      {"extensions without extension",
       kDefault + "* * urgent acceptance=1h closure=1h extensions=1 basis=x\n", "line 2:",
       "extensions= needs extension=<limit>"},
      {"too many extensions",
       kDefault + "* * urgent acceptance=1h closure=1h extension=1h extensions=9 basis=x\n",
       "line 2:", "extensions must be 1-5, got 9"},
      {"bad extension count",
       kDefault + "* * urgent acceptance=1h closure=1h extension=1h extensions=one basis=x\n",
       "line 2:", "bad extensions \"one\""},
      {"same key twice", kDefault + "\n* AIR * acceptance=1h closure=1h basis=x\n"
                                    "* air * acceptance=2h closure=2h basis=y\n",
       "line 4:", "* AIR * is already given on line 3"},
      {"default twice", kDefault + kDefault, "line 2:", "* * * is already given on line 1"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseSlaPolicy(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(std::string(c.line)), HasSubstr(std::string(c.problem)))));
  }
}

TEST(ParseSlaPolicyTest, RequiresTheDefaultRow) {
  for (std::string_view text : {"", "# nothing\n", "* * urgent acceptance=1h closure=1h basis=x\n"}) {
    EXPECT_THAT(ParseSlaPolicy(text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no \"* * *\" rule")));
  }
}

TEST(ParseSlaPolicyTest, FormatReadsBackToTheSameRows) {
  absl::StatusOr<SlaPolicy> policy = DefaultSlaPolicy();
  ASSERT_THAT(policy, IsOk());
  const std::string text = FormatSlaPolicy(*policy);
  EXPECT_THAT(text, HasSubstr("12345_transfer * * acceptance=1wd closure=15wd extension=10wd "
                              "extensions=1 basis="));
  absl::StatusOr<SlaPolicy> again = ParseSlaPolicy(text);
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(again->rows().size(), policy->rows().size());
  for (size_t i = 0; i < policy->rows().size(); ++i) {
    const SlaRow& a = policy->rows()[i];
    const SlaRow& b = again->rows()[i];
    SCOPED_TRACE(SlaKeyText(a.key));
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.rule.acceptance, b.rule.acceptance);
    EXPECT_EQ(a.rule.closure, b.rule.closure);
    EXPECT_EQ(a.rule.closure_from, b.rule.closure_from);
    EXPECT_EQ(a.rule.max_extension, b.rule.max_extension);
    EXPECT_EQ(a.rule.max_extensions, b.rule.max_extensions);
    EXPECT_EQ(a.rule.basis, b.rule.basis);
  }
}

TEST(OverrideSlaPolicyTest, ReplacesRowsByKeyAndAddsNewOnes) {
  const SlaPolicy base = MustParse(
      "* * * acceptance=15cd closure=60cd basis=default\n"
      "12345_transfer * * acceptance=1wd closure=15wd basis=12345\n");
  absl::StatusOr<SlaPolicy> merged = OverrideSlaPolicy(
      base,
      "# 焦作市局 2026\n"
      "12345_transfer * * acceptance=1wd closure=13wd basis=市局规定\n"
      "* noise urgent acceptance=1h closure=2wd basis=夜间噪声\n");
  ASSERT_THAT(merged, IsOk());
  ASSERT_EQ(merged->rows().size(), 3);
  EXPECT_EQ(merged->rows()[1].rule.basis, "市局规定");  // replaced in place
  EXPECT_EQ(merged->Lookup(Channel::k12345Transfer, Category::kAir, Urgency::kNormal).closure,
            WorkingDays(13));
  EXPECT_EQ(merged->Lookup(Channel::k12369Phone, Category::kNoise, Urgency::kUrgent).basis,
            "夜间噪声");
  EXPECT_EQ(merged->Lookup(Channel::k12369Phone, Category::kAir, Urgency::kNormal).basis,
            "default");

  EXPECT_THAT(OverrideSlaPolicy(base, "\n* * urgent acceptance=0h closure=1h basis=x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: acceptance must be 1-3650 h")));
  EXPECT_THAT(OverrideSlaPolicy(base, "* * urgent acceptance=1h closure=1h basis=x\n"
                                      "* * URGENT acceptance=1h closure=1h basis=y\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: * * URGENT is already given on line 1")));
}

// --- Defaults (domain-rules §5) -------------------------------------------------------------

TEST_F(ComplaintSlaTest, DefaultsFollowDomainRules) {
  // 12369, all three ways in: 15 days to decide, 60 days from acceptance, one extension of
  // at most 30 days (§5.1).
  for (Channel channel : {Channel::k12369Phone, Channel::k12369Wechat, Channel::k12369Web}) {
    for (Category category : {Category::kAir, Category::kRadiation, Category::kOther}) {
      SCOPED_TRACE(absl::StrCat(ComplaintChannelName(channel), " ",
                                ComplaintCategoryName(category)));
      const SlaRule& rule = policy().Lookup(channel, category, Urgency::kNormal);
      EXPECT_EQ(rule.acceptance, CalendarDays(15));
      EXPECT_EQ(rule.closure, CalendarDays(60));
      EXPECT_EQ(rule.closure_from, SlaAnchor::kAcceptance);
      EXPECT_EQ(rule.max_extension, CalendarDays(30));
      EXPECT_EQ(rule.max_extensions, 1);
      EXPECT_THAT(rule.basis, HasSubstr("环境保护部令第15号"));
    }
  }
  // 信访 (§5.1 [M]).
  const SlaRule& visit = Rule(Channel::kLetterVisit);
  EXPECT_EQ(visit.acceptance, CalendarDays(15));
  EXPECT_EQ(visit.closure, CalendarDays(60));
  EXPECT_EQ(visit.closure_from, SlaAnchor::kAcceptance);
  EXPECT_THAT(visit.basis, HasSubstr("信访工作条例"));
  // 12345: working days from receipt (§5.2 [S]/[M]).
  const SlaRule& transfer = Rule(Channel::k12345Transfer);
  EXPECT_EQ(transfer.acceptance, WorkingDays(1));
  EXPECT_EQ(transfer.closure, WorkingDays(15));
  EXPECT_EQ(transfer.closure_from, SlaAnchor::kIntake);
  EXPECT_EQ(transfer.max_extension, WorkingDays(10));
  EXPECT_THAT(transfer.basis, HasSubstr("国办发〔2020〕53号"));
  // Urgent and emergency are shorter whatever the channel (§5.2 [M]).
  for (Channel channel : {Channel::k12369Phone, Channel::k12345Transfer, Channel::kLetterVisit}) {
    SCOPED_TRACE(ComplaintChannelName(channel));
    EXPECT_EQ(Rule(channel, Urgency::kUrgent).acceptance, Hours(2));
    EXPECT_EQ(Rule(channel, Urgency::kUrgent).closure, WorkingDays(5));
    EXPECT_EQ(Rule(channel, Urgency::kEmergency).acceptance, Hours(1));
    EXPECT_EQ(Rule(channel, Urgency::kEmergency).closure, Hours(24));
  }
  // An unknown channel gets the statutory maxima.
  const SlaRule& fallback =
      policy().Lookup(Channel::kUnspecified, Category::kUnspecified, Urgency::kUnspecified);
  EXPECT_EQ(fallback.acceptance, CalendarDays(15));
  EXPECT_EQ(fallback.closure, CalendarDays(60));
  EXPECT_EQ(policy().rows().size(), 8);
  EXPECT_THAT(std::string(DefaultSlaPolicyText()), HasSubstr("[M]"));
}

// --- Due times ----------------------------------------------------------------------------

TEST_F(ComplaintSlaTest, A12345OrderBeforeNationalDayIsDueAfterTheHoliday) {
  // Received Wed 2026-09-30. 1 working day: Thu Oct 8. 15 working days: Oct 8, 9,
  // Sat 10 (调休), 12-16, 19-23, 26, 27 -> Tue Oct 27.
  const ComplaintDeadlines d =
      ComputeDeadlines(Rule(Channel::k12345Transfer), At("2026-09-30T10:00:00+08:00"), calendar());
  EXPECT_EQ(d.intake_time, At("2026-09-30T10:00:00+08:00"));
  EXPECT_EQ(d.acceptance_due, At("2026-10-09T00:00:00+08:00"));
  EXPECT_EQ(d.closure_due, At("2026-10-28T00:00:00+08:00"));
  EXPECT_FALSE(d.acceptance_provisional);
  EXPECT_FALSE(d.closure_provisional);
  EXPECT_FALSE(d.closure_awaits_acceptance);
  EXPECT_TRUE(d.extensions.empty());
}

TEST_F(ComplaintSlaTest, AdjustedWeekendWorkingDaysCount) {
  struct Case {
    std::string_view name;
    std::string_view start;
    std::string_view due;
  };
  const Case kCases[] = {
      {"Fri Oct 9 + 1wd is Sat Oct 10 (调休上班)", "2026-10-09T15:00:00+08:00",
       "2026-10-11T00:00:00+08:00"},
      {"Sat Sep 19 + 1wd is Sun Sep 20 (调休上班)", "2026-09-19T09:00:00+08:00",
       "2026-09-21T00:00:00+08:00"},
      {"an ordinary Friday + 1wd is Monday", "2026-10-16T15:00:00+08:00",
       "2026-10-20T00:00:00+08:00"},
      {"received on the adjusted Saturday: that day is not counted", "2026-10-10T09:00:00+08:00",
       "2026-10-13T00:00:00+08:00"},
      {"received in the holiday: Oct 8 is the first working day", "2026-10-03T09:00:00+08:00",
       "2026-10-09T00:00:00+08:00"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    bool provisional = true;
    EXPECT_EQ(DueTime(At(c.start), WorkingDays(1), calendar(), &provisional), At(c.due));
    EXPECT_FALSE(provisional);
  }
}

TEST_F(ComplaintSlaTest, The12369SixtyDayClosureCountsCalendarDaysFromAcceptance) {
  const SlaRule& rule = Rule(Channel::k12369Phone);
  // Taken in Sat 2026-08-01 20:00; 15 days -> Sun Aug 16, a rest day, not moved.
  ComplaintDeadlines d = ComputeDeadlines(rule, At("2026-08-01T20:00:00+08:00"), calendar());
  EXPECT_EQ(d.acceptance_due, At("2026-08-17T00:00:00+08:00"));
  // Until accepted, closure counts from intake: Aug 1 + 60 = Sep 30.
  EXPECT_TRUE(d.closure_awaits_acceptance);
  EXPECT_EQ(d.closure_due, At("2026-10-01T00:00:00+08:00"));

  // Accepted Mon Aug 3: Aug 3 + 60 = Fri Oct 2, inside 国庆 and not moved off it.
  ASSERT_THAT(AnchorClosureAtAcceptance(d, rule, At("2026-08-03T09:00:00+08:00"), calendar()),
              IsOk());
  EXPECT_FALSE(d.closure_awaits_acceptance);
  EXPECT_EQ(d.closure_due, At("2026-10-03T00:00:00+08:00"));
  EXPECT_FALSE(d.closure_provisional);
  EXPECT_EQ(d.acceptance_due, At("2026-08-17T00:00:00+08:00"));  // unchanged

  const absl::Status again =
      AnchorClosureAtAcceptance(d, rule, At("2026-08-04T09:00:00+08:00"), calendar());
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(again), "SLA_ALREADY_ANCHORED");
  EXPECT_EQ(d.closure_due, At("2026-10-03T00:00:00+08:00"));
}

TEST_F(ComplaintSlaTest, AnchoringAtAcceptanceLeavesIntakeClocksAlone) {
  const SlaRule& rule = Rule(Channel::k12345Transfer);
  ComplaintDeadlines d = ComputeDeadlines(rule, At("2026-09-30T10:00:00+08:00"), calendar());
  ASSERT_THAT(AnchorClosureAtAcceptance(d, rule, At("2026-10-08T09:00:00+08:00"), calendar()),
              IsOk());
  EXPECT_EQ(d.closure_due, At("2026-10-28T00:00:00+08:00"));
  EXPECT_THAT(AnchorClosureAtAcceptance(d, rule, At("2026-09-30T09:59:59+08:00"), calendar()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("accept_time")));
}

TEST_F(ComplaintSlaTest, HourLimitsRunRoundTheClockAcrossMidnight) {
  const absl::Time intake = At("2026-09-30T23:30:00+08:00");
  const ComplaintDeadlines emergency =
      ComputeDeadlines(Rule(Channel::k12369Phone, Urgency::kEmergency), intake, calendar());
  EXPECT_EQ(emergency.acceptance_due, At("2026-10-01T00:30:00+08:00"));
  EXPECT_EQ(emergency.closure_due, At("2026-10-01T23:30:00+08:00"));  // a holiday: no matter
  EXPECT_FALSE(emergency.closure_awaits_acceptance);

  const ComplaintDeadlines urgent =
      ComputeDeadlines(Rule(Channel::k12345Transfer, Urgency::kUrgent), intake, calendar());
  EXPECT_EQ(urgent.acceptance_due, At("2026-10-01T01:30:00+08:00"));
  // 5 working days after Wed Sep 30: Oct 8, 9, Sat 10, 12, 13.
  EXPECT_EQ(urgent.closure_due, At("2026-10-14T00:00:00+08:00"));

  // An instant given in UTC is the same instant.
  EXPECT_EQ(DueTime(At("2026-09-30T15:30:00Z"), Hours(2), calendar(), nullptr),
            At("2026-10-01T01:30:00+08:00"));
}

TEST_F(ComplaintSlaTest, DayLimitsEndAtMidnightShanghaiOfTheLastDay) {
  // 23:59 and 00:01 on either side of midnight fall on different start days.
  EXPECT_EQ(DueTime(At("2026-03-02T23:59:00+08:00"), CalendarDays(1), calendar(), nullptr),
            At("2026-03-04T00:00:00+08:00"));
  EXPECT_EQ(DueTime(At("2026-03-03T00:01:00+08:00"), CalendarDays(1), calendar(), nullptr),
            At("2026-03-05T00:00:00+08:00"));
  // The Shanghai day, not the UTC one: 2026-03-02T20:00Z is 04:00 on Mar 3.
  EXPECT_EQ(DueTime(At("2026-03-02T20:00:00Z"), CalendarDays(1), calendar(), nullptr),
            At("2026-03-05T00:00:00+08:00"));
}

TEST_F(ComplaintSlaTest, DeadlinesIntoAnUnloadedYearAreProvisional) {
  // Sun 2026-12-20 + 15wd: Dec 21-25, 28-31, Fri 2027-01-01 (2027 not loaded: Monday-Friday),
  // Jan 4-8.
  const ComplaintDeadlines d = ComputeDeadlines(Rule(Channel::k12345Transfer),
                                                At("2026-12-20T10:00:00+08:00"), calendar());
  EXPECT_EQ(d.acceptance_due, At("2026-12-22T00:00:00+08:00"));
  EXPECT_FALSE(d.acceptance_provisional);
  EXPECT_EQ(d.closure_due, At("2027-01-09T00:00:00+08:00"));
  EXPECT_TRUE(d.closure_provisional);
}

TEST_F(ComplaintSlaTest, AnInvalidLimitIsDueAtOnce) {
  bool provisional = true;
  const absl::Time start = At("2026-03-02T09:00:00+08:00");
  EXPECT_EQ(DueTime(start, WorkingDays(0), calendar(), &provisional), start);
  EXPECT_FALSE(provisional);
  EXPECT_EQ(DueTime(start, {.amount = 3, .unit = static_cast<SlaUnit>(9)}, calendar(), nullptr),
            start);
}

// --- Extensions ---------------------------------------------------------------------------

TEST_F(ComplaintSlaTest, ExtendsA12369ClosureOnceAndRecordsIt) {
  const SlaRule& rule = Rule(Channel::k12369Phone);
  ComplaintDeadlines d = ComputeDeadlines(rule, At("2026-08-01T20:00:00+08:00"), calendar());
  ASSERT_THAT(AnchorClosureAtAcceptance(d, rule, At("2026-08-03T09:00:00+08:00"), calendar()),
              IsOk());
  ASSERT_EQ(d.closure_due, At("2026-10-03T00:00:00+08:00"));  // last day Fri Oct 2

  const absl::Time now = At("2026-09-20T10:00:00+08:00");
  ASSERT_THAT(ExtendClosure(d, rule, CalendarDays(30), "需委托第三方补充监测。", "users/director",
                            now, calendar()),
              IsOk());
  // Oct 2 + 30 = Sun Nov 1.
  EXPECT_EQ(d.closure_due, At("2026-11-02T00:00:00+08:00"));
  ASSERT_EQ(d.extensions.size(), 1);
  const ClosureExtension& e = d.extensions[0];
  EXPECT_EQ(e.previous_due, At("2026-10-03T00:00:00+08:00"));
  EXPECT_EQ(e.new_due, At("2026-11-02T00:00:00+08:00"));
  EXPECT_EQ(e.extra, CalendarDays(30));
  EXPECT_EQ(e.reason, "需委托第三方补充监测。");
  EXPECT_EQ(e.approved_by, "users/director");
  EXPECT_EQ(e.approve_time, now);
  EXPECT_EQ(ExtensionNotice(e),
            "您反映的问题因需委托第三方补充监测，经批准延期办理，办结期限延长至2026年11月1日。");

  // 12369 allows one extension.
  const absl::Status second =
      ExtendClosure(d, rule, CalendarDays(1), "再次延期", "users/director", now, calendar());
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(second), "SLA_EXTENSION_NOT_ALLOWED");
  EXPECT_EQ(d.closure_due, At("2026-11-02T00:00:00+08:00"));
  EXPECT_EQ(d.extensions.size(), 1);
}

TEST_F(ComplaintSlaTest, WorkingDayExtensionCountsOnFromTheLastDay) {
  const SlaRule& rule = Rule(Channel::k12345Transfer);
  ComplaintDeadlines d = ComputeDeadlines(rule, At("2026-09-30T10:00:00+08:00"), calendar());
  ASSERT_EQ(d.closure_due, At("2026-10-28T00:00:00+08:00"));  // last day Tue Oct 27
  ASSERT_THAT(ExtendClosure(d, rule, WorkingDays(10), "涉及多部门", "users/chief",
                            At("2026-10-27T23:59:59+08:00"), calendar()),
              IsOk());
  // Oct 28, 29, 30, Nov 2-6, 9, 10.
  EXPECT_EQ(d.closure_due, At("2026-11-11T00:00:00+08:00"));
  EXPECT_EQ(ExtensionNotice(d.extensions[0]),
            "您反映的问题因涉及多部门，经批准延期办理，办结期限延长至2026年11月10日。");
}

TEST_F(ComplaintSlaTest, ExtendingAnHourBasedClosure) {
  // Emergency: closure due Thu Oct 1 23:30. 5 working days after Oct 1: Oct 8, 9, Sat 10,
  // 12, 13.
  const SlaRule& emergency = Rule(Channel::k12369Phone, Urgency::kEmergency);
  ComplaintDeadlines d = ComputeDeadlines(emergency, At("2026-09-30T23:30:00+08:00"), calendar());
  ASSERT_THAT(ExtendClosure(d, emergency, WorkingDays(5), "需溯源排查", "users/chief",
                            At("2026-10-01T12:00:00+08:00"), calendar()),
              IsOk());
  EXPECT_EQ(d.closure_due, At("2026-10-14T00:00:00+08:00"));

  // An extension in hours adds hours to the due instant.
  SlaRule hourly = emergency;
  hourly.max_extension = Hours(12);
  ComplaintDeadlines h = ComputeDeadlines(hourly, At("2026-09-30T23:30:00+08:00"), calendar());
  ASSERT_THAT(ExtendClosure(h, hourly, Hours(12), "夜间无法采样", "users/chief",
                            At("2026-10-01T12:00:00+08:00"), calendar()),
              IsOk());
  EXPECT_EQ(h.closure_due, At("2026-10-02T11:30:00+08:00"));
  EXPECT_EQ(ExtensionNotice(h.extensions[0]),
            "您反映的问题因夜间无法采样，经批准延期办理，办结期限延长至2026年10月2日11时30分。");
}

TEST_F(ComplaintSlaTest, ExtensionRulesAreEnforced) {
  const SlaRule& rule = Rule(Channel::k12369Phone);
  ComplaintDeadlines accepted = ComputeDeadlines(rule, At("2026-08-01T20:00:00+08:00"), calendar());
  ASSERT_THAT(
      AnchorClosureAtAcceptance(accepted, rule, At("2026-08-03T09:00:00+08:00"), calendar()),
      IsOk());
  const absl::Time due = accepted.closure_due;
  const absl::Time now = At("2026-09-20T10:00:00+08:00");
  SlaRule no_extension = rule;
  no_extension.max_extension = {};
  no_extension.max_extensions = 0;
  const ComplaintDeadlines not_accepted =
      ComputeDeadlines(rule, At("2026-08-01T20:00:00+08:00"), calendar());

  struct Case {
    std::string_view name;
    ComplaintDeadlines deadlines;
    const SlaRule* rule;
    SlaLimit extra;
    std::string reason;
    std::string approver;
    absl::Time now;
    absl::StatusCode code;
    std::string_view text;  // in the message, or the reason payload
  };
  const Case kCases[] = {
      {"empty reason", accepted, &rule, CalendarDays(10), " ", "users/director", now,
       absl::StatusCode::kInvalidArgument, "extension.reason"},
      {"reason with a line break", accepted, &rule, CalendarDays(10), "a\nb", "users/director",
       now, absl::StatusCode::kInvalidArgument, "extension.reason"},
      {"no approver", accepted, &rule, CalendarDays(10), "复杂", "", now,
       absl::StatusCode::kInvalidArgument, "extension.approved_by"},
      {"longer than the rule allows", accepted, &rule, CalendarDays(31), "复杂", "users/director",
       now, absl::StatusCode::kInvalidArgument, "extension.extra: must be 1-30cd"},
      {"a different unit", accepted, &rule, WorkingDays(10), "复杂", "users/director", now,
       absl::StatusCode::kInvalidArgument, "extension.extra"},
      {"zero", accepted, &rule, CalendarDays(0), "复杂", "users/director", now,
       absl::StatusCode::kInvalidArgument, "extension.extra"},
      {"at the due instant", accepted, &rule, CalendarDays(10), "复杂", "users/director", due,
       absl::StatusCode::kFailedPrecondition, "SLA_EXPIRED"},
      {"not accepted yet", not_accepted, &rule, CalendarDays(10), "复杂", "users/director", now,
       absl::StatusCode::kFailedPrecondition, "SLA_NOT_ACCEPTED"},
      {"rule allows none", accepted, &no_extension, CalendarDays(10), "复杂", "users/director",
       now, absl::StatusCode::kFailedPrecondition, "SLA_EXTENSION_NOT_ALLOWED"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    ComplaintDeadlines d = c.deadlines;
    const absl::Status status =
        ExtendClosure(d, *c.rule, c.extra, c.reason, c.approver, c.now, calendar());
    EXPECT_EQ(status.code(), c.code) << status;
    if (c.code == absl::StatusCode::kFailedPrecondition) {
      EXPECT_EQ(ReasonOf(status), c.text);
    } else {
      EXPECT_THAT(std::string(status.message()), HasSubstr(std::string(c.text)));
    }
    EXPECT_EQ(d.closure_due, c.deadlines.closure_due);
    EXPECT_TRUE(d.extensions.empty());
  }
  // A moment before the due instant is still in time.
  ComplaintDeadlines d = accepted;
  EXPECT_THAT(ExtendClosure(d, rule, CalendarDays(30), "复杂", "users/director",
                            due - absl::Nanoseconds(1), calendar()),
              IsOk());
}

// --- Overdue ------------------------------------------------------------------------------

TEST_F(ComplaintSlaTest, OverdueFromTheDueInstantOn) {
  // 12345 order of Wed Sep 30: acceptance due at 24:00 of Thu Oct 8.
  const ComplaintDeadlines d =
      ComputeDeadlines(Rule(Channel::k12345Transfer), At("2026-09-30T10:00:00+08:00"), calendar());
  const absl::Time due = At("2026-10-09T00:00:00+08:00");
  ASSERT_EQ(d.acceptance_due, due);
  const absl::Time last_moment = At("2026-10-08T23:59:59+08:00") + absl::Milliseconds(999);

  EXPECT_FALSE(AcceptanceOverdue(d, false, last_moment));
  EXPECT_TRUE(AcceptanceOverdue(d, false, due));
  EXPECT_TRUE(AcceptanceOverdue(d, false, due + absl::Hours(30)));
  EXPECT_FALSE(AcceptanceOverdue(d, true, due + absl::Hours(30)));  // decided: clock stopped

  EXPECT_FALSE(ClosureOverdue(d, false, At("2026-10-27T23:59:59+08:00")));
  EXPECT_TRUE(ClosureOverdue(d, false, At("2026-10-28T00:00:00+08:00")));
  EXPECT_FALSE(ClosureOverdue(d, true, At("2026-11-28T00:00:00+08:00")));

  // Due soon: running, not yet due, within the window (inclusive).
  EXPECT_TRUE(AcceptanceDueSoon(d, false, due - absl::Hours(8), absl::Hours(8)));
  EXPECT_FALSE(AcceptanceDueSoon(d, false, due - absl::Hours(8) - absl::Seconds(1),
                                 absl::Hours(8)));
  EXPECT_TRUE(AcceptanceDueSoon(d, false, last_moment, absl::Hours(8)));
  EXPECT_FALSE(AcceptanceDueSoon(d, false, due, absl::Hours(8)));  // overdue instead
  EXPECT_FALSE(AcceptanceDueSoon(d, true, last_moment, absl::Hours(8)));
  EXPECT_TRUE(ClosureDueSoon(d, false, At("2026-10-27T09:00:00+08:00"), absl::Hours(24)));
  EXPECT_FALSE(ClosureDueSoon(d, true, At("2026-10-27T09:00:00+08:00"), absl::Hours(24)));
  EXPECT_FALSE(ClosureDueSoon(d, false, At("2026-10-26T09:00:00+08:00"), absl::Hours(24)));
}

TEST(SlaAlertsTest, ListsOverdueLongestFirstThenDueSoon) {
  const absl::Time now = At("2026-10-12T10:00:00+08:00");
  auto clocks = [](int64_t id, std::string_view acceptance_due, std::string_view closure_due,
                   bool decided, bool closed) {
    ComplaintClocks c;
    c.complaint_id = id;
    c.deadlines.acceptance_due = At(acceptance_due);
    c.deadlines.closure_due = At(closure_due);
    c.acceptance_decided = decided;
    c.closed = closed;
    return c;
  };
  const std::vector<ComplaintClocks> complaints = {
      // Due soon: acceptance in 8 hours.
      clocks(3, "2026-10-12T18:00:00+08:00", "2026-11-01T00:00:00+08:00", false, false),
      // Closed: nothing, though its closure due has passed.
      clocks(4, "2026-10-01T00:00:00+08:00", "2026-10-02T00:00:00+08:00", true, true),
      // Acceptance overdue since Oct 9.
      clocks(1, "2026-10-09T00:00:00+08:00", "2026-10-28T00:00:00+08:00", false, false),
      // Acceptance due exactly now: overdue by zero. Closure far away.
      clocks(5, "2026-10-12T10:00:00+08:00", "2026-12-01T00:00:00+08:00", false, false),
      // Closure overdue since Oct 10; acceptance decided.
      clocks(2, "2026-09-01T00:00:00+08:00", "2026-10-10T00:00:00+08:00", true, false),
      // Nothing due within the window.
      clocks(6, "2026-10-14T00:00:00+08:00", "2026-11-01T00:00:00+08:00", false, false),
  };
  const std::vector<SlaAlert> alerts = SlaAlerts(complaints, now, absl::Hours(24));
  std::vector<std::tuple<int64_t, SlaClock, bool>> got;
  for (const SlaAlert& a : alerts) got.emplace_back(a.complaint_id, a.clock, a.overdue);
  EXPECT_THAT(got, ElementsAre(std::tuple(1, SlaClock::kAcceptance, true),
                               std::tuple(2, SlaClock::kClosure, true),
                               std::tuple(5, SlaClock::kAcceptance, true),
                               std::tuple(3, SlaClock::kAcceptance, false)));
  ASSERT_EQ(alerts.size(), 4);
  EXPECT_EQ(alerts[0].overdue_by, absl::Hours(3 * 24 + 10));
  EXPECT_EQ(alerts[0].due, At("2026-10-09T00:00:00+08:00"));
  EXPECT_EQ(alerts[2].overdue_by, absl::ZeroDuration());
  EXPECT_EQ(alerts[3].overdue_by, -absl::Hours(8));
}

}  // namespace
}  // namespace ecocase::domain
