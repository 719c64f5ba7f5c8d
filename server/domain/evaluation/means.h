#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/monitoring/reading.h"

namespace ecocase::domain::evaluation {

// Hourly and daily means of one outlet × pollutant, the way domain-rules §2.2-§2.3 and HJ 212
// Appendix D compute them, as input to the exceedance judgement (§2.4, §2.8). Pure: the caller
// groups the readings of one Beijing hour (or the hourly results of one Beijing day) and
// passes the accepted data marks; nothing here reads a clock or a database.

// Recorded with every incident so a case file can say which rules produced a value. Bump it
// whenever a default below or the arithmetic changes.
inline constexpr absl::string_view kMeansRuleVersion = "means/1";

// Why one reading does or does not count (§1.8, §2.2, §2.4 exclusions).
enum class ReadingValidity {
  kValid = 0,        // N
  kOverRange,        // T: valid; the true value is at least the one reported
  kOverRangeInvalid, // T when options.over_range_is_valid is false
  kStopped,          // F 停运
  kMaintenance,      // M
  kManualValue,      // S: a set value, not a measurement
  kFault,            // D
  kCalibration,      // C
  kCommError,        // B
  kKeyProcessFault,  // Td (2025)
  kUnknownFlag,      // the flag table is open: unknown letters are invalid pending review
  kNoValue,          // no Rtd/Avg to average
  kExcluded,         // inside an accepted data mark (or excluded by the caller's predicate)
};
absl::string_view ReadingValidityName(ReadingValidity validity);  // "VALID", "MAINTENANCE", ...
inline bool CountsAsValid(ReadingValidity v) {
  return v == ReadingValidity::kValid || v == ReadingValidity::kOverRange;
}

// A period excluded from evaluation, [start, end): an accepted data mark (§2.5).
struct ExcludedPeriod {
  absl::Time start;
  absl::Time end;
};

struct MeansOptions {
  // HJ 212 App. D formula 24: an hour mean needs at least 45 valid minute means. [M]
  int min_valid_minutes_per_hour = 45;
  // The same 45 minutes when only real-time data exist: valid Rtd samples in at least this many
  // distinct minutes of the hour (see HourlyMean). [M]
  int min_valid_realtime_minutes_per_hour = 45;
  // Formula 25: a day mean needs at least 20 valid hour means. [M]
  int min_valid_hours_per_day = 20;
  // §2.3 guard: the 折算 is undefined as O2 approaches 21 %; at or above this the hour is
  // invalid, never an exceedance. [M]
  double o2_invalid_at_or_above = 20.9;
  // §1.8: T (over range) counts as valid for enforcement. [M]
  bool over_range_is_valid = true;
  // Accepted data marks. A REALTIME/MINUTE reading is excluded when its data_time lies inside
  // one; a HOUR/DAY reading when one overlaps its interval (a mark excludes its hours).
  std::vector<ExcludedPeriod> excluded_periods;
  // Optional extra exclusion (e.g. marks that apply to some factors only): true = excluded.
  std::function<bool(const monitoring::Reading&)> is_excluded;
};

// Validity of one reading for evaluation: exclusion first, then the value, then the flag.
ReadingValidity EvaluateReading(const monitoring::Reading& reading, const MeansOptions& options);

enum class MeanSource {
  kNone = 0,
  kStationHourly,  // the station's own 2061 value
  kMinutes,        // mean of 2051 minute means
  kRealtime,       // mean of 2011 real-time values
  kStationDaily,   // the station's own 2031 value
  kHourlyMeans,    // mean of hourly results (arithmetic or flow-weighted)
};
absl::string_view MeanSourceName(MeanSource source);  // "STATION_HOURLY", ...

enum class MeanInvalidReason {
  kNone = 0,
  kTooFewValid,       // fewer valid minutes / real-time minutes / hours than required
  kO2Missing,         // a reference O2 applies but the hour has no valid O2 mean
  kO2TooHigh,         // O2 ≥ o2_invalid_at_or_above: 折算 undefined
  kBadReferenceO2,    // reference O2 outside [0, 21)
  kNoFlow,            // wastewater: valid hours, but none with a positive flow
};
absl::string_view MeanInvalidReasonName(MeanInvalidReason reason);  // "TOO_FEW_VALID", ...

// The readings of one factor in one hour, as stored (any flags; the functions filter).
struct HourReadings {
  std::optional<monitoring::Reading> station_hour;  // kind HOUR
  std::vector<monitoring::Reading> minutes;          // kind MINUTE
  std::vector<monitoring::Reading> realtime;         // kind REALTIME
};

// HJ 212 data type N<int_digits>.<frac_digits> of a factor (Appendix B), used to recognise the
// "cannot compute 折算" sentinel a 2025 device sends as ZsAvg/ZsRtd (hj212-2025 §2.9).
struct FactorDataType {
  int int_digits = 4;
  int frac_digits = 2;
};

struct HourlyMeanInput {
  HourReadings pollutant;
  HourReadings o2;                      // a19001 of the same outlet and hour
  std::optional<double> reference_o2;   // % from the permit limit; nullopt = no 折算
  FactorDataType zs_data_type;
};

struct HourlyMean {
  bool valid = false;
  double raw = 0;        // 标干 (as measured, dry standard)
  double corrected = 0;  // 折算 to reference_o2; equals raw when there is no reference
  std::optional<double> o2;            // mean O2 used for the 折算
  std::optional<double> reference_o2;  // as given
  int valid_count = 0;  // contributing values: 1 (station), minutes, or distinct real-time minutes
  bool over_range = false;  // some contributing value was flagged T: the true mean is higher
  MeanSource source = MeanSource::kNone;
  MeanInvalidReason invalid_reason = MeanInvalidReason::kNone;
  std::string detail;  // human-readable why (counts, flags), for the incident's evidence
  // Readings of the hour flagged F: the judgement decides whether the unit was stopped.
  int stopped_readings = 0;
  bool station_hour_stopped = false;
  // The station's own ZsAvg, for audit only (the 折算 is always recomputed from a19001);
  // nullopt when absent or the data-type-maximum sentinel.
  std::optional<double> station_corrected;
};

// The hour's mean: the station's hourly value when its reading counts as valid; else the mean
// of valid minute means when there are at least min_valid_minutes_per_hour; else the mean of
// real-time values when they cover min_valid_realtime_minutes_per_hour distinct minutes. With a
// reference O2, the O2 mean of the hour (chosen the same way from `o2`) corrects the value
// by formula 28: C × (21 − ref) / (21 − O2).
HourlyMean ComputeHourlyMean(const HourlyMeanInput& input, const MeansOptions& options);

enum class Medium { kFlueGas, kWastewater };

struct DailyMeanInput {
  Medium medium = Medium::kFlueGas;
  std::vector<HourlyMean> hours;  // the hours of one Beijing day (missing hours may be absent)
  // Wastewater: flow of each hour (any consistent unit), parallel to `hours`; an hour without a
  // flow does not contribute to the flow-weighted mean.
  std::vector<std::optional<double>> hourly_flows;
  // The station's own 2031 value, preferred when it counts as valid. With a reference O2 it is
  // corrected with the station's O2 day value, and not used when that is not valid.
  std::optional<monitoring::Reading> station_day;
  std::optional<monitoring::Reading> station_o2_day;
  std::optional<double> reference_o2;
};

struct DailyMean {
  bool valid = false;
  double raw = 0;
  double corrected = 0;
  // Contributing hours (1 for the station's day value); for wastewater only valid hours with a
  // positive flow contribute and count towards min_valid_hours_per_day.
  int valid_count = 0;
  bool over_range = false;
  MeanSource source = MeanSource::kNone;
  MeanInvalidReason invalid_reason = MeanInvalidReason::kNone;
  std::string detail;  // why invalid, or why the station's day value was passed over
};

// The day's mean: the station's day value when valid; else, with at least
// min_valid_hours_per_day contributing hours, the arithmetic mean of hourly means (flue gas,
// formula 25) or the flow-weighted Σ C_h·Q_h / Σ Q_h (wastewater, App. D Cd = Gd/Dd).
DailyMean ComputeDailyMean(const DailyMeanInput& input, const MeansOptions& options);

// Formula 28. Requires o2 < 21 and reference < 21 (the callers above check).
double CorrectToReferenceO2(double value, double o2, double reference_o2);

}  // namespace ecocase::domain::evaluation
