#include "domain/working_calendar.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

// Expected dates are worked out by hand from the State Council notices (see
// deploy/calendar/cn-holidays.txt), never with the code under test.

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Day = absl::CivilDay;

// An instant written as RFC 3339, e.g. "2026-02-27T00:00:00+08:00".
absl::Time At(std::string_view rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &t, &error))
      << rfc3339 << ": " << error;
  return t;
}

// --- Parser -----------------------------------------------------------------------------

TEST(ParseHolidayScheduleTest, ReadsYearsRangesAndNames) {
  absl::StatusOr<HolidaySchedule> schedule = ParseHolidaySchedule(
      "# comment\n"
      "\n"
      "year 2026 source \"Notice 2026\"\n"
      "  2026-02-15..2026-02-17   holiday 春节 (Spring Festival)\n"
      "2026-02-14 workday 春节调休\n"
      "year 2025 source \"Notice 2025\"\n"
      "2025-01-01 holiday 元旦\n");
  ASSERT_THAT(schedule, IsOk());

  ASSERT_EQ(schedule->years.size(), 2);
  EXPECT_EQ(schedule->years[0].year, 2026);
  EXPECT_EQ(schedule->years[0].source, "Notice 2026");
  EXPECT_EQ(schedule->years[1].year, 2025);
  EXPECT_EQ(schedule->years[1].source, "Notice 2025");

  std::vector<std::pair<Day, DayKind>> days;
  for (const auto& [day, scheduled] : schedule->days) {
    days.emplace_back(day, scheduled.kind);
  }
  EXPECT_THAT(days, ElementsAre(std::pair(Day(2025, 1, 1), DayKind::kHoliday),
                                std::pair(Day(2026, 2, 14), DayKind::kWorkday),
                                std::pair(Day(2026, 2, 15), DayKind::kHoliday),
                                std::pair(Day(2026, 2, 16), DayKind::kHoliday),
                                std::pair(Day(2026, 2, 17), DayKind::kHoliday)));
  EXPECT_EQ(schedule->days.at(Day(2026, 2, 16)).name, "春节 (Spring Festival)");
  EXPECT_EQ(schedule->days.at(Day(2026, 2, 14)).name, "春节调休");
}

TEST(ParseHolidayScheduleTest, AcceptsCrlfAndByteOrderMark) {
  absl::StatusOr<HolidaySchedule> schedule = ParseHolidaySchedule(
      "\xEF\xBB\xBFyear 2026 source \"Notice\"\r\n2026-01-01 holiday 元旦\r\n");
  ASSERT_THAT(schedule, IsOk());
  EXPECT_EQ(schedule->years[0].source, "Notice");
  EXPECT_EQ(schedule->days.at(Day(2026, 1, 1)).name, "元旦");
}

TEST(ParseHolidayScheduleTest, RejectsMalformedLinesNamingTheLine) {
  const std::string kYear = "year 2026 source \"Notice\"\n";
  struct Case {
    std::string_view name;
    std::string text;
    std::string_view line;
    std::string_view problem;
  };
  const Case kCases[] = {
      {"impossible date", kYear + "2026-02-30 holiday X\n", "line 2:", "bad date \"2026-02-30\""},
      {"unpadded date", kYear + "2026-2-3 holiday X\n", "line 2:", "bad date \"2026-2-3\""},
      {"bad range end", kYear + "2026-02-15..2026-02-xx holiday X\n",
       "line 2:", "bad date \"2026-02-xx\""},
      {"date outside declared year", kYear + "2027-01-01 holiday 元旦\n",
       "line 2:", "2027-01-01 is outside the declared years"},
      {"range runs into undeclared year", kYear + "2026-12-31..2027-01-01 holiday X\n",
       "line 2:", "2027-01-01 is outside the declared years"},
      {"day before its year line", "2026-01-01 holiday 元旦\n" + kYear,
       "line 1:", "2026-01-01 is outside the declared years"},
      {"holiday and workday",
       kYear + "# c\n2026-02-14..2026-02-16 holiday X\n2026-02-15 workday Y\n",
       "line 4:", "2026-02-15 is both a holiday (line 3) and a workday"},
      {"listed twice", kYear + "2026-02-15 holiday X\n2026-02-14..2026-02-16 holiday X\n",
       "line 3:", "2026-02-15 is already listed on line 2"},
      {"unknown kind", kYear + "2026-01-01 vacation 元旦\n",
       "line 2:", "unknown kind \"vacation\""},
      {"missing kind", kYear + "2026-01-01\n", "line 2:", "unknown kind \"\""},
      {"missing name", kYear + "2026-01-01 holiday\n", "line 2:", "missing a name"},
      {"reversed range", kYear + "2026-02-23..2026-02-15 holiday 春节\n",
       "line 2:", "range 2026-02-23..2026-02-15 is reversed"},
      {"workday on a weekday", kYear + "2026-02-16 workday X\n",
       "line 2:", "workday 2026-02-16 is a Monday"},
      {"unknown directive", kYear + "holidays 2026\n", "line 2:", "unknown directive \"holidays\""},
      {"two-digit year", "year 26 source \"Notice\"\n", "line 1:", "bad year \"26\""},
      {"year without source", "year 2026\n", "line 1:", "want: year YYYY source"},
      {"unquoted source", "year 2026 source Notice\n", "line 1:", "want: year YYYY source"},
      {"unterminated source", "year 2026 source \"Notice\n", "line 1:", "want: year YYYY source"},
      {"text after source", "year 2026 source \"Notice\" extra\n",
       "line 1:", "want: year YYYY source"},
      {"empty source", "year 2026 source \" \"\n", "line 1:", "year 2026 has an empty source"},
      {"year declared twice", kYear + "\n" + kYear,
       "line 3:", "year 2026 already declared on line 1"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseHolidaySchedule(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(std::string(c.line)), HasSubstr(std::string(c.problem)))));
  }
}

TEST(ParseHolidayScheduleTest, RejectsTextWithoutYear) {
  for (std::string_view text : {"", "# only a comment\n\n"}) {
    EXPECT_THAT(ParseHolidaySchedule(text),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("declares no year")));
  }
}

// --- Building a calendar ----------------------------------------------------------------

HolidaySchedule MustParse(std::string_view text) {
  absl::StatusOr<HolidaySchedule> schedule = ParseHolidaySchedule(text);
  EXPECT_THAT(schedule, IsOk());
  return schedule.ok() ? *std::move(schedule) : HolidaySchedule{};
}

TEST(WorkingCalendarTest, MergesSchedules) {
  absl::StatusOr<WorkingCalendar> calendar =
      WorkingCalendar::Create({MustParse("year 2026 source \"B\"\n2026-01-02 holiday 元旦\n"),
                               MustParse("year 2025 source \"A\"\nyear 2027 source \"B\"\n"
                                         "2025-01-01 holiday 元旦\n")});
  ASSERT_THAT(calendar, IsOk());
  EXPECT_THAT(calendar->LoadedYears(), ElementsAre(2025, 2026, 2027));
  EXPECT_TRUE(calendar->IsYearLoaded(2025));
  EXPECT_FALSE(calendar->IsYearLoaded(2024));
  EXPECT_THAT(calendar->Sources(), ElementsAre("A", "B"));
  EXPECT_FALSE(calendar->IsWorkingDay(Day(2025, 1, 1)));  // Wed; from the second schedule.
  EXPECT_FALSE(calendar->IsWorkingDay(Day(2026, 1, 2)));  // Fri; from the first schedule.
  EXPECT_TRUE(calendar->IsWorkingDay(Day(2027, 1, 1)));   // Friday, nothing listed.
}

TEST(WorkingCalendarTest, ListsAYearsScheduledDaysWithTheirNamesAndSource) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::Create(
      {MustParse("year 2026 source \"国办发明电〔2025〕7号\"\n"
                 "2026-10-01..2026-10-02 holiday 国庆节\n2026-10-10 workday 国庆节调休\n"
                 "year 2027 source \"B\"\n2027-01-01 holiday 元旦\n")});
  ASSERT_THAT(calendar, IsOk());
  auto days = calendar->ScheduledDaysOf(2026);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].first, Day(2026, 10, 1));
  EXPECT_EQ(days[0].second.kind, DayKind::kHoliday);
  EXPECT_EQ(days[0].second.name, "国庆节");
  EXPECT_EQ(days[2].first, Day(2026, 10, 10));
  EXPECT_EQ(days[2].second.kind, DayKind::kWorkday);
  EXPECT_EQ(days[2].second.name, "国庆节调休");
  EXPECT_EQ(calendar->SourceOf(2026), "国办发明电〔2025〕7号");
  EXPECT_THAT(calendar->ScheduledDaysOf(2025), IsEmpty());
  EXPECT_EQ(calendar->SourceOf(2025), "");
}

TEST(WorkingCalendarTest, RejectsYearDeclaredByTwoSchedules) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::Create(
      {MustParse("year 2026 source \"A\"\n"), MustParse("year 2026 source \"B\"\n")});
  EXPECT_THAT(calendar, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("year 2026")));
}

TEST(WorkingCalendarTest, WithoutSchedulesIsMondayToFridayAndProvisional) {
  absl::StatusOr<WorkingCalendar> calendar = WorkingCalendar::Create({});
  ASSERT_THAT(calendar, IsOk());
  EXPECT_THAT(calendar->LoadedYears(), IsEmpty());
  EXPECT_TRUE(calendar->IsWorkingDay(Day(2026, 2, 16)));   // Monday (春节 in reality).
  EXPECT_FALSE(calendar->IsWorkingDay(Day(2026, 2, 14)));  // Saturday.
  bool provisional = false;
  // Thu 2026-02-12 + 2: Fri 13, Mon 16.
  EXPECT_EQ(calendar->AddWorkingDays(Day(2026, 2, 12), 2, &provisional), Day(2026, 2, 16));
  EXPECT_TRUE(provisional);
}

// --- The embedded calendar --------------------------------------------------------------

class DefaultCalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<WorkingCalendar> calendar = DefaultWorkingCalendar();
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
  }

  const WorkingCalendar& calendar() const { return *calendar_; }

 private:
  std::optional<WorkingCalendar> calendar_;
};

TEST_F(DefaultCalendarTest, Covers2025And2026WithTheirNotices) {
  EXPECT_THAT(calendar().LoadedYears(), ElementsAre(2025, 2026));
  EXPECT_FALSE(calendar().IsYearLoaded(2027));
  EXPECT_THAT(calendar().Sources(),
              ElementsAre(HasSubstr("国务院办公厅关于2025年部分节假日安排的通知"),
                          HasSubstr("国务院办公厅关于2026年部分节假日安排的通知")));
}

TEST_F(DefaultCalendarTest, ClassifiesDays) {
  struct Case {
    Day day;
    bool working;
    std::string_view why;
  };
  const Case kCases[] = {
      {Day(2025, 1, 1), false, "Wed, 元旦"},
      {Day(2025, 1, 26), true, "Sun, 春节调休"},
      {Day(2025, 1, 27), true, "Mon before 春节"},
      {Day(2025, 1, 28), false, "Tue, 春节 first day"},
      {Day(2025, 2, 4), false, "Tue, 春节 last day"},
      {Day(2025, 2, 5), true, "Wed after 春节"},
      {Day(2025, 2, 8), true, "Sat, 春节调休"},
      {Day(2025, 4, 4), false, "Fri, 清明"},
      {Day(2025, 4, 27), true, "Sun, 劳动节调休"},
      {Day(2025, 5, 5), false, "Mon, 劳动节"},
      {Day(2025, 6, 2), false, "Mon, 端午"},
      {Day(2025, 9, 28), true, "Sun, 国庆调休"},
      {Day(2025, 10, 8), false, "Wed, 国庆/中秋 last day"},
      {Day(2025, 10, 11), true, "Sat, 国庆调休"},
      {Day(2025, 10, 12), false, "plain Sunday"},
      {Day(2026, 1, 2), false, "Fri, 元旦"},
      {Day(2026, 1, 4), true, "Sun, 元旦调休"},
      {Day(2026, 2, 13), true, "Fri before 春节"},
      {Day(2026, 2, 14), true, "Sat, 春节调休"},
      {Day(2026, 2, 15), false, "Sun, 春节 first day"},
      {Day(2026, 2, 16), false, "Mon, 春节"},
      {Day(2026, 2, 23), false, "Mon, 春节 last day"},
      {Day(2026, 2, 24), true, "Tue after 春节"},
      {Day(2026, 2, 28), true, "Sat, 春节调休"},
      {Day(2026, 3, 1), false, "plain Sunday"},
      {Day(2026, 4, 6), false, "Mon, 清明"},
      {Day(2026, 5, 5), false, "Tue, 劳动节"},
      {Day(2026, 5, 9), true, "Sat, 劳动节调休"},
      {Day(2026, 6, 19), false, "Fri, 端午"},
      {Day(2026, 9, 20), true, "Sun, 国庆调休"},
      {Day(2026, 9, 25), false, "Fri, 中秋"},
      {Day(2026, 10, 7), false, "Wed, 国庆 last day"},
      {Day(2026, 10, 8), true, "Thu after 国庆"},
      {Day(2026, 10, 10), true, "Sat, 国庆调休"},
      {Day(2026, 10, 11), false, "plain Sunday"},
      {Day(2027, 1, 1), true, "Fri in unloaded 2027: Monday-Friday only"},
      {Day(2027, 1, 2), false, "Sat in unloaded 2027"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(absl::FormatCivilTime(c.day) + " " + std::string(c.why));
    EXPECT_EQ(calendar().IsWorkingDay(c.day), c.working);
  }
}

TEST_F(DefaultCalendarTest, AddWorkingDays) {
  struct Case {
    std::string_view name;
    Day from;
    int n;
    Day expected;
    bool provisional;
  };
  const Case kCases[] = {
      // 2026 春节: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 worked.
      {"over 2026 春节: Fri 13, Sat 14, Tue 24, Wed 25, Thu 26", Day(2026, 2, 12), 5,
       Day(2026, 2, 26), false},
      {"Sat 2026-02-14 counts", Day(2026, 2, 13), 1, Day(2026, 2, 14), false},
      {"from the last worked day before 春节", Day(2026, 2, 14), 1, Day(2026, 2, 24), false},
      {"from inside 春节", Day(2026, 2, 17), 1, Day(2026, 2, 24), false},
      {"Sat 2026-02-28 counts: Fri 27, Sat 28", Day(2026, 2, 26), 2, Day(2026, 2, 28), false},
      {"Sat 2026-05-09 counts: Fri 8, Sat 9", Day(2026, 5, 7), 2, Day(2026, 5, 9), false},
      {"over 劳动节 2026", Day(2026, 4, 30), 1, Day(2026, 5, 6), false},
      // 2026 国庆: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 worked.
      {"over 2026 国庆", Day(2026, 9, 30), 1, Day(2026, 10, 8), false},
      {"Sat 2026-10-10 counts: Thu 8, Fri 9, Sat 10", Day(2026, 9, 30), 3, Day(2026, 10, 10),
       false},
      {"Sun 2026-09-20 counts", Day(2026, 9, 18), 1, Day(2026, 9, 20), false},
      // 2025 春节: Jan 28 - Feb 4 off, Sun Jan 26 and Sat Feb 8 worked.
      {"Sun 2025-01-26 counts", Day(2025, 1, 24), 1, Day(2025, 1, 26), false},
      {"into 2025 春节: Sun 26, Mon 27, Wed Feb 5", Day(2025, 1, 24), 3, Day(2025, 2, 5), false},
      {"after 2025 春节: Feb 5, 6, 7, Sat 8, Mon 10", Day(2025, 1, 27), 5, Day(2025, 2, 10), false},
      {"over 2025 国庆: Thu 9, Fri 10, Sat 11", Day(2025, 9, 30), 3, Day(2025, 10, 11), false},
      {"zero is the same day, even a holiday", Day(2026, 2, 16), 0, Day(2026, 2, 16), false},
      {"ends on the last day of 2026", Day(2026, 12, 29), 2, Day(2026, 12, 31), false},
      {"2027 is weekends only: Mon 8 .. Fri 12", Day(2027, 2, 5), 5, Day(2027, 2, 12), true},
      {"2026 into 2027: Thu 31, Fri 1, Mon 4, Tue 5, Wed 6", Day(2026, 12, 30), 5, Day(2027, 1, 6),
       true},
      {"2024 is not loaded: Tue 31, Thu 2, Fri 3", Day(2024, 12, 30), 3, Day(2025, 1, 3), true},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    bool provisional = !c.provisional;
    EXPECT_EQ(calendar().AddWorkingDays(c.from, c.n, &provisional), c.expected);
    EXPECT_EQ(provisional, c.provisional);
  }
}

TEST_F(DefaultCalendarTest, WorkingDaysBetween) {
  struct Case {
    std::string_view name;
    Day from;
    Day to;
    int expected;
  };
  const Case kCases[] = {
      {"same day", Day(2026, 2, 16), Day(2026, 2, 16), 0},
      {"plain week", Day(2026, 3, 1), Day(2026, 3, 8), 5},
      {"over 2026 春节: 13, 14, 24, 25, 26", Day(2026, 2, 12), Day(2026, 2, 26), 5},
      {"backwards", Day(2026, 2, 26), Day(2026, 2, 12), -5},
      {"all of 2026 春节", Day(2026, 2, 14), Day(2026, 2, 23), 0},
      {"over 2026 国庆: 8, 9, 10", Day(2026, 9, 30), Day(2026, 10, 10), 3},
      {"unloaded January 2027", Day(2027, 1, 1), Day(2027, 1, 31), 20},
      // 261 weekdays - 18 weekday holidays + 5 weekend workdays.
      {"all of 2025", Day(2024, 12, 31), Day(2025, 12, 31), 248},
      // 261 weekdays - 19 weekday holidays + 6 weekend workdays.
      {"all of 2026", Day(2025, 12, 31), Day(2026, 12, 31), 248},
      {"all of 2026 backwards", Day(2026, 12, 31), Day(2025, 12, 31), -248},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(calendar().WorkingDaysBetween(c.from, c.to), c.expected);
  }
}

// WorkingDaysBetween counts arithmetically and AddWorkingDays walks day by day; they must
// agree everywhere, including the edges of loaded years.
TEST_F(DefaultCalendarTest, WorkingDaysBetweenInvertsAddWorkingDays) {
  for (Day from = Day(2024, 12, 1); from <= Day(2027, 1, 31); from += 9) {
    for (int n : {0, 1, 2, 5, 13, 40}) {
      const Day to = calendar().AddWorkingDays(from, n, nullptr);
      EXPECT_EQ(calendar().WorkingDaysBetween(from, to), n)
          << absl::FormatCivilTime(from) << " + " << n;
    }
  }
}

// --- Deadlines --------------------------------------------------------------------------

struct DeadlineCase {
  std::string_view name;
  absl::Time start;
  DeadlineRule rule;
  absl::Time due;
  Day due_day;
  std::vector<int> unloaded_years;
};

void ExpectDeadlines(const WorkingCalendar& calendar, const std::vector<DeadlineCase>& cases) {
  for (const DeadlineCase& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_THAT(ValidateDeadlineRule(c.rule), IsOk());
    const Deadline deadline = calendar.ComputeDeadline(c.start, c.rule);
    EXPECT_EQ(deadline.due, c.due) << absl::FormatTime(deadline.due);
    EXPECT_EQ(deadline.due_day, c.due_day);
    EXPECT_EQ(deadline.provisional, !c.unloaded_years.empty());
    EXPECT_EQ(deadline.unloaded_years, c.unloaded_years);
  }
}

constexpr DeadlineRule WorkingDays(int n) {
  return {.unit = DeadlineUnit::kWorkingDays, .amount = n};
}
constexpr DeadlineRule CalendarDays(int n, bool extend = true) {
  return {.unit = DeadlineUnit::kCalendarDays, .amount = n, .extend_past_non_working_day = extend};
}
constexpr DeadlineRule Hours(int n) { return {.unit = DeadlineUnit::kHours, .amount = n}; }

TEST_F(DefaultCalendarTest, WorkingDayDeadlinesEndAtMidnightShanghai) {
  ExpectDeadlines(calendar(),
                  {
                      {"5 working days over 2026 春节",
                       At("2026-02-12T10:00:00+08:00"),
                       WorkingDays(5),
                       At("2026-02-27T00:00:00+08:00"),
                       Day(2026, 2, 26),
                       {}},
                      // 20:00 UTC on the 12th is 04:00 on the 13th in Shanghai, so the count starts
                      // after the 13th: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27.
                      {"start day is the Shanghai day",
                       At("2026-02-12T20:00:00Z"),
                       WorkingDays(5),
                       At("2026-02-27T16:00:00Z"),
                       Day(2026, 2, 27),
                       {}},
                      {"1 working day over 2026 国庆",
                       At("2026-09-30T16:59:59+08:00"),
                       WorkingDays(1),
                       At("2026-10-09T00:00:00+08:00"),
                       Day(2026, 10, 8),
                       {}},
                      {"0 working days: end of the start day",
                       At("2026-02-15T10:00:00+08:00"),
                       WorkingDays(0),
                       At("2026-02-16T00:00:00+08:00"),
                       Day(2026, 2, 15),
                       {}},
                      {"2027 is provisional",
                       At("2027-02-05T09:00:00+08:00"),
                       WorkingDays(5),
                       At("2027-02-13T00:00:00+08:00"),
                       Day(2027, 2, 12),
                       {2027}},
                      {"2026 into 2027 is provisional",
                       At("2026-12-30T09:00:00+08:00"),
                       WorkingDays(5),
                       At("2027-01-07T00:00:00+08:00"),
                       Day(2027, 1, 6),
                       {2027}},
                      {"ending on 2026-12-31 is not provisional",
                       At("2026-12-29T09:00:00+08:00"),
                       WorkingDays(2),
                       At("2027-01-01T00:00:00+08:00"),
                       Day(2026, 12, 31),
                       {}},
                      // 1 (Tue 2024-12-31) + 248 (2025) + 248 (2026) + 1 (Fri 2027-01-01).
                      {"every unloaded year listed",
                       At("2024-12-30T09:00:00+08:00"),
                       WorkingDays(498),
                       At("2027-01-02T00:00:00+08:00"),
                       Day(2027, 1, 1),
                       {2024, 2027}},
                  });
}

TEST_F(DefaultCalendarTest, CalendarDayDeadlinesExtendPastNonWorkingDays) {
  ExpectDeadlines(calendar(), {
                                  {"ends on a working day",
                                   At("2026-03-02T09:00:00+08:00"),
                                   CalendarDays(15),
                                   At("2026-03-18T00:00:00+08:00"),
                                   Day(2026, 3, 17),
                                   {}},
                                  {"ends on a Saturday: moved to Monday",
                                   At("2026-03-02T09:00:00+08:00"),
                                   CalendarDays(5),
                                   At("2026-03-10T00:00:00+08:00"),
                                   Day(2026, 3, 9),
                                   {}},
                                  {"ends in 国庆: moved to Thu Oct 8",
                                   At("2026-09-26T09:00:00+08:00"),
                                   CalendarDays(10),
                                   At("2026-10-09T00:00:00+08:00"),
                                   Day(2026, 10, 8),
                                   {}},
                                  {"ends in 国庆, no extension",
                                   At("2026-09-26T09:00:00+08:00"),
                                   CalendarDays(10, false),
                                   At("2026-10-07T00:00:00+08:00"),
                                   Day(2026, 10, 6),
                                   {}},
                                  {"ends in 春节: moved to Tue Feb 24",
                                   At("2026-02-10T09:00:00+08:00"),
                                   CalendarDays(7),
                                   At("2026-02-25T00:00:00+08:00"),
                                   Day(2026, 2, 24),
                                   {}},
                                  {"ends on Sat 2026-02-28, a working day",
                                   At("2026-02-18T09:00:00+08:00"),
                                   CalendarDays(10),
                                   At("2026-03-01T00:00:00+08:00"),
                                   Day(2026, 2, 28),
                                   {}},
                                  {"0 days on a holiday: next working day",
                                   At("2025-10-01T09:00:00+08:00"),
                                   CalendarDays(0),
                                   At("2025-10-10T00:00:00+08:00"),
                                   Day(2025, 10, 9),
                                   {}},
                                  {"ends in 2027: provisional",
                                   At("2026-12-20T09:00:00+08:00"),
                                   CalendarDays(13),
                                   At("2027-01-05T00:00:00+08:00"),
                                   Day(2027, 1, 4),
                                   {2027}},
                                  {"ends in 2027, no extension: nothing examined",
                                   At("2026-12-20T09:00:00+08:00"),
                                   CalendarDays(13, false),
                                   At("2027-01-03T00:00:00+08:00"),
                                   Day(2027, 1, 2),
                                   {}},
                              });
}

TEST_F(DefaultCalendarTest, HourDeadlinesAreExact) {
  ExpectDeadlines(calendar(), {
                                  {"48 hours over a holiday",
                                   At("2026-02-14T09:30:00+08:00"),
                                   Hours(48),
                                   At("2026-02-16T09:30:00+08:00"),
                                   Day(2026, 2, 16),
                                   {}},
                                  {"crossing Shanghai midnight",
                                   At("2026-03-01T15:00:00Z"),
                                   Hours(2),
                                   At("2026-03-01T17:00:00Z"),
                                   Day(2026, 3, 2),
                                   {}},
                                  {"zero hours",
                                   At("2026-03-01T15:00:00Z"),
                                   Hours(0),
                                   At("2026-03-01T15:00:00Z"),
                                   Day(2026, 3, 1),
                                   {}},
                                  {"hours never consult the calendar",
                                   At("2027-01-01T09:00:00+08:00"),
                                   Hours(12),
                                   At("2027-01-01T21:00:00+08:00"),
                                   Day(2027, 1, 1),
                                   {}},
                              });
}

TEST(ValidateDeadlineRuleTest, ChecksAmountAndUnit) {
  struct Case {
    DeadlineRule rule;
    bool ok;
  };
  const Case kCases[] = {
      {WorkingDays(0), true},     {WorkingDays(15), true},
      {CalendarDays(3650), true}, {Hours(3650), true},
      {WorkingDays(-1), false},   {CalendarDays(3651), false},
      {Hours(-24), false},        {{.unit = static_cast<DeadlineUnit>(7), .amount = 1}, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(absl::StrCat("unit ", static_cast<int>(c.rule.unit), " amount ", c.rule.amount));
    if (c.ok) {
      EXPECT_THAT(ValidateDeadlineRule(c.rule), IsOk());
    } else {
      EXPECT_THAT(ValidateDeadlineRule(c.rule), StatusIs(absl::StatusCode::kInvalidArgument));
    }
  }
}

}  // namespace
}  // namespace ecocase::domain

namespace ecocase::domain {
namespace {

TEST(CalendarOverrideTest, OperatorFileAddsYearsButCannotRedeclareBuiltInOnes) {
  auto extra = ParseHolidaySchedule(
      "year 2027 source \"test notice\"\n2027-01-01 holiday 元旦\n");
  ASSERT_TRUE(extra.ok()) << extra.status();
  auto calendar = DefaultWorkingCalendar({*extra});
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  EXPECT_EQ(calendar->LoadedYears(), (std::vector<int>{2025, 2026, 2027}));
  EXPECT_FALSE(calendar->IsWorkingDay(absl::CivilDay(2027, 1, 1)));  // A Friday, declared off.

  auto again = ParseHolidaySchedule("year 2026 source \"x\"\n");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(DefaultWorkingCalendar({*again}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecocase::domain
