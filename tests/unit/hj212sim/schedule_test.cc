#include "hj212sim/schedule.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim_test_util.h"

namespace hj212sim {
namespace {

using simtest::Beijing;

TEST(Schedule, RealtimeTicksStartAtTheAnchor) {
  ScheduleOptions options{absl::Seconds(30), 0, false, false};
  const absl::Time anchor = Beijing(2026, 11, 29, 10, 0, 5) + absl::Milliseconds(400);
  const absl::Time tick0 = Beijing(2026, 11, 29, 10, 0, 5);  // whole seconds
  // The anchor's fraction of a second is dropped: ticks fall on whole seconds.
  std::vector<DueUpload> due =
      DueBetween(options, anchor, tick0 - absl::Nanoseconds(1), anchor + absl::Seconds(61));
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0], (DueUpload{UploadKind::kRealtime, tick0, absl::ZeroDuration(), tick0}));
  EXPECT_EQ(due[2].data_time, tick0 + absl::Seconds(60));
  // (from, to] is half open: a tick at `from` was made by the previous call.
  EXPECT_TRUE(
      DueBetween(options, anchor, tick0 + absl::Seconds(30), tick0 + absl::Seconds(59)).empty());
  EXPECT_EQ(
      DueBetween(options, anchor, tick0 + absl::Seconds(59), tick0 + absl::Seconds(60)).size(), 1u);
}

TEST(Schedule, HourAndDayPeriodsFollowBeijingTime) {
  ScheduleOptions options{absl::ZeroDuration(), 0, true, true};
  const absl::Time from = Beijing(2026, 11, 29, 23, 59, 0);
  std::vector<DueUpload> due = DueBetween(options, from, from, Beijing(2026, 11, 30, 0, 0, 0));
  ASSERT_EQ(due.size(), 2u);
  // Sent at Beijing midnight (16:00 UTC): the hour 23:00-24:00 first, then the day.
  EXPECT_EQ(due[0], (DueUpload{UploadKind::kHour, Beijing(2026, 11, 29, 23, 0, 0), absl::Hours(1),
                               Beijing(2026, 11, 30, 0, 0, 0)}));
  EXPECT_EQ(due[1], (DueUpload{UploadKind::kDay, Beijing(2026, 11, 29, 0, 0, 0), absl::Hours(24),
                               Beijing(2026, 11, 30, 0, 0, 0)}));
  EXPECT_EQ(absl::FormatTime("%H:%M", due[1].due, absl::UTCTimeZone()), "16:00");
}

TEST(Schedule, MinutePeriodsEndOnTheirBoundaries) {
  ScheduleOptions options{absl::ZeroDuration(), 10, false, false};
  const absl::Time from = Beijing(2026, 11, 29, 8, 35, 0);
  std::vector<DueUpload> due = DueBetween(options, from, from, Beijing(2026, 11, 29, 9, 0, 0));
  ASSERT_EQ(due.size(), 3u);  // the periods ending 08:40, 08:50 and 09:00
  EXPECT_EQ(due[0].data_time, Beijing(2026, 11, 29, 8, 30, 0));  // DataTime = period start
  EXPECT_EQ(due[0].due, Beijing(2026, 11, 29, 8, 40, 0));
  EXPECT_EQ(due[2].data_time, Beijing(2026, 11, 29, 8, 50, 0));
  EXPECT_EQ(due[2].period, absl::Minutes(10));
  EXPECT_TRUE(ValidMinuteInterval(10));
  EXPECT_FALSE(ValidMinuteInterval(7));
}

TEST(Schedule, ALimitKeepsTheEarliest) {
  ScheduleOptions options{absl::Seconds(1), 1, true, false};
  const absl::Time from = Beijing(2026, 11, 29, 8, 0, 0);
  std::vector<DueUpload> due = DueBetween(options, from, from, from + absl::Hours(2), 5);
  ASSERT_EQ(due.size(), 5u);
  EXPECT_EQ(due.back().due, from + absl::Seconds(5));
}

TEST(Schedule, BackfillHoursAreTheWholeHoursBeforeNow) {
  std::vector<DueUpload> due = BackfillHours(Beijing(2026, 11, 29, 10, 20, 0), 3);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].data_time, Beijing(2026, 11, 29, 7, 0, 0));
  EXPECT_EQ(due[2].data_time, Beijing(2026, 11, 29, 9, 0, 0));
  EXPECT_EQ(due[2].kind, UploadKind::kHour);
  EXPECT_EQ(CnOf(due[2].kind), "2061");
}

}  // namespace
}  // namespace hj212sim
