// Days and weekdays as the deadline commands show them. Regulatory deadlines fall on
// Beijing (Asia/Shanghai) calendar days, whatever the machine's time zone.
#pragma once

#include <cstdint>
#include <string>

#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ecoctl {

// Seconds since the Unix epoch, now.
int64_t NowSeconds();
// Days from 1970-01-01 to `d` (negative before).
int64_t DaysSinceEpoch(const google::type::Date& d);
// Today's day number (as DaysSinceEpoch) in Beijing.
int64_t TodayInBeijing();
// "周四" for a day number.
const char* Weekday(int64_t days_since_epoch);

// Whether a date or time was given: an absent one reads as all zeros.
bool IsSet(const google::type::Date& d);
bool IsSet(const google::protobuf::Timestamp& t);

// "2026-03-05 周四": deadlines are read against the calendar, so the weekday is shown.
// Empty for an unset date.
std::string DateWithWeekday(const google::type::Date& d);
// "(in 3 days)", "(due today 今日到期)", "(OVERDUE 逾期 2 days)" for a clock running to the
// end of `due` (Beijing); "(OVERDUE 逾期)" when the server says overdue before that day.
std::string DaysLeftText(const google::type::Date& due, bool overdue);

}  // namespace ecoctl
