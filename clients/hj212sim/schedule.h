#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hj212sim {

// The uploads a station makes (domain-rules §1.7).
enum class UploadKind {
  kRealtime,  // CN 2011 实时数据: DataTime is the sampling instant
  kMinute,    // CN 2051 分钟数据: DataTime is the START of the period (§1.4)
  kHour,      // CN 2061 小时数据
  kDay,       // CN 2031 日数据: the Beijing calendar day
};

absl::string_view CnOf(UploadKind kind);  // "2011", "2051", "2061", "2031"

struct ScheduleOptions {
  absl::Duration realtime_interval = absl::Seconds(30);  // zero: no real-time data
  int minute_interval = 0;  // minutes, one of 1 2 3 4 5 6 10 12 15 20 30 (§1.4); 0: none
  bool hourly = true;
  bool daily = false;
};

// One upload the schedule calls for.
struct DueUpload {
  UploadKind kind = UploadKind::kRealtime;
  absl::Time data_time;   // the sampling instant, or the period start
  absl::Duration period;  // zero for real-time data
  absl::Time due;         // when the device sends it: the instant, or the period end

  friend bool operator==(const DueUpload&, const DueUpload&) = default;
};

// The uploads due in (from, to], ordered by `due` (real-time before aggregates at the same
// instant). Real-time samples are taken at anchor + k x interval (k >= 0, whole seconds);
// minute, hour and day periods are aligned to Beijing time (UTC+8), and each is sent when
// it ends. At most `limit` uploads, the earliest.
std::vector<DueUpload> DueBetween(const ScheduleOptions& options, absl::Time anchor,
                                  absl::Time from, absl::Time to, size_t limit = 100000);

// Hour data of the `hours` whole Beijing hours before the hour that contains `now`, oldest
// first: what --backfill-hours sends at start.
std::vector<DueUpload> BackfillHours(absl::Time now, int hours);

// Whether `minutes` is a minute-data interval the standard allows.
bool ValidMinuteInterval(int minutes);

}  // namespace hj212sim
