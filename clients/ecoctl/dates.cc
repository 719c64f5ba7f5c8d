#include "dates.h"

#include <chrono>
#include <ctime>

#include "output.h"

namespace ecoctl {

namespace {
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kBeijingOffsetSeconds = 8 * 3600;  // UTC+8, no daylight saving.
}  // namespace

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t DaysSinceEpoch(const google::type::Date& d) {
  std::tm tm{};
  tm.tm_year = d.year() - 1900;
  tm.tm_mon = d.month() - 1;
  tm.tm_mday = d.day();
  return static_cast<int64_t>(timegm(&tm)) / kSecondsPerDay;
}

int64_t TodayInBeijing() { return (NowSeconds() + kBeijingOffsetSeconds) / kSecondsPerDay; }

const char* Weekday(int64_t days_since_epoch) {
  static const char* const kWeekdays[] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};
  return kWeekdays[((days_since_epoch + 4) % 7 + 7) % 7];  // 1970-01-01: Thursday.
}

bool IsSet(const google::type::Date& d) { return d.year() > 0; }
bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

std::string DateWithWeekday(const google::type::Date& d) {
  if (!IsSet(d)) return "";
  return FormatDate(d) + " " + Weekday(DaysSinceEpoch(d));
}

std::string DaysLeftText(const google::type::Date& due, bool overdue) {
  int64_t left = DaysSinceEpoch(due) - TodayInBeijing();
  if (overdue || left < 0) {
    return left < 0 ? "(OVERDUE 逾期 " + std::to_string(-left) + (left == -1 ? " day)" : " days)")
                    : "(OVERDUE 逾期)";
  }
  if (left == 0) return "(due today 今日到期)";
  return "(in " + std::to_string(left) + (left == 1 ? " day)" : " days)");
}

}  // namespace ecoctl
