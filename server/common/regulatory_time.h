#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ecocase::common {

// Regulatory days and hours (hourly means, working days, deadlines) are Asia/Shanghai
// local time. China has kept UTC+8 without daylight saving since 1991, so a fixed zone
// is exact for every date ecocase handles and needs no tzdata on the host.
absl::TimeZone RegulatoryTimeZone();

// The Asia/Shanghai calendar day containing `t`.
absl::CivilDay RegulatoryDay(absl::Time t);
// The Asia/Shanghai clock hour containing `t`.
absl::CivilHour RegulatoryHour(absl::Time t);
// The instant an Asia/Shanghai civil second begins.
absl::Time FromRegulatory(absl::CivilSecond cs);
// The instants the Asia/Shanghai hour and day containing `t` begin (hourly and daily
// means, evaluation windows). UTC+8 hours begin on the same instants as UTC hours.
absl::Time RegulatoryHourStart(absl::Time t);
absl::Time RegulatoryDayStart(absl::Time t);

}  // namespace ecocase::common
