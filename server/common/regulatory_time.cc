#include "common/regulatory_time.h"

namespace ecocase::common {

absl::TimeZone RegulatoryTimeZone() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

absl::CivilDay RegulatoryDay(absl::Time t) {
  return absl::ToCivilDay(t, RegulatoryTimeZone());
}

absl::CivilHour RegulatoryHour(absl::Time t) {
  return absl::ToCivilHour(t, RegulatoryTimeZone());
}

absl::Time FromRegulatory(absl::CivilSecond cs) {
  return absl::FromCivil(cs, RegulatoryTimeZone());
}

absl::Time RegulatoryHourStart(absl::Time t) {
  return FromRegulatory(absl::CivilSecond(RegulatoryHour(t)));
}

absl::Time RegulatoryDayStart(absl::Time t) {
  return FromRegulatory(absl::CivilSecond(RegulatoryDay(t)));
}

}  // namespace ecocase::common
