#include "hj212sim/schedule.h"

#include <algorithm>
#include <array>

#include "common/regulatory_time.h"

namespace hj212sim {
namespace {

// Beijing is UTC+8 all year (regulatory_time.h), so a Beijing day starts at 16:00 UTC and
// shorter Beijing periods (which divide an hour) start where the UTC ones do.
constexpr int64_t kBeijingOffsetSeconds = 8 * 3600;

// Periods of `length` seconds aligned to Beijing time that END in (from, to].
void AddPeriods(UploadKind kind, int64_t length, absl::Time from, absl::Time to, size_t limit,
                std::vector<DueUpload>& out) {
  // The first period end strictly after `from`: ends are the e with (e + offset) % length
  // == 0. ToUnixSeconds rounds down, so a fractional `from` still finds the next end.
  const int64_t from_s = absl::ToUnixSeconds(from) + kBeijingOffsetSeconds;
  int64_t end = (from_s / length + 1) * length - kBeijingOffsetSeconds;
  for (size_t n = 0; absl::FromUnixSeconds(end) <= to && n < limit; end += length, ++n) {
    const absl::Time due = absl::FromUnixSeconds(end);
    if (due <= from) continue;
    out.push_back({kind, absl::FromUnixSeconds(end - length), absl::Seconds(length), due});
  }
}

int Rank(UploadKind kind) { return static_cast<int>(kind); }

}  // namespace

absl::string_view CnOf(UploadKind kind) {
  switch (kind) {
    case UploadKind::kRealtime: return "2011";
    case UploadKind::kMinute: return "2051";
    case UploadKind::kHour: return "2061";
    case UploadKind::kDay: return "2031";
  }
  return "2011";
}

bool ValidMinuteInterval(int minutes) {
  constexpr std::array kAllowed = {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30};
  return std::find(kAllowed.begin(), kAllowed.end(), minutes) != kAllowed.end();
}

std::vector<DueUpload> DueBetween(const ScheduleOptions& options, absl::Time anchor,
                                  absl::Time from, absl::Time to, size_t limit) {
  std::vector<DueUpload> out;
  if (to <= from) return out;
  const absl::Duration interval = absl::Seconds(absl::ToInt64Seconds(options.realtime_interval));
  if (interval > absl::ZeroDuration()) {
    const absl::Time first_tick = absl::FromUnixSeconds(absl::ToUnixSeconds(anchor));
    absl::Duration remainder;  // IDivDuration writes it; it may not be null
    const int64_t k =
        from < first_tick ? 0 : absl::IDivDuration(from - first_tick, interval, &remainder) + 1;
    for (absl::Time t = first_tick + k * interval; t <= to && out.size() < limit; t += interval) {
      if (t > from) out.push_back({UploadKind::kRealtime, t, absl::ZeroDuration(), t});
    }
  }
  if (options.minute_interval > 0) {
    AddPeriods(UploadKind::kMinute, int64_t{options.minute_interval} * 60, from, to, limit, out);
  }
  if (options.hourly) AddPeriods(UploadKind::kHour, 3600, from, to, limit, out);
  if (options.daily) AddPeriods(UploadKind::kDay, 86400, from, to, limit, out);
  std::stable_sort(out.begin(), out.end(), [](const DueUpload& a, const DueUpload& b) {
    return a.due != b.due ? a.due < b.due : Rank(a.kind) < Rank(b.kind);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<DueUpload> BackfillHours(absl::Time now, int hours) {
  const absl::Time this_hour =
      ecocase::common::FromRegulatory(absl::CivilSecond(ecocase::common::RegulatoryHour(now)));
  std::vector<DueUpload> out;
  for (int h = hours; h >= 1; --h) {
    const absl::Time start = this_hour - absl::Hours(h);
    out.push_back({UploadKind::kHour, start, absl::Hours(1), start + absl::Hours(1)});
  }
  return out;
}

}  // namespace hj212sim
