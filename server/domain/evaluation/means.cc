#include "domain/evaluation/means.h"

#include <cmath>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/hj212/cp_values.h"

namespace ecocase::domain::evaluation {
namespace {

using monitoring::Reading;
using monitoring::ReadingKind;

// The interval a reading summarises: a point for real-time data, its data_time for minute
// data (the minute interval is device-configured, so only the start is certain), and the whole
// hour or day for HOUR/DAY values, so that a mark inside an hour excludes the station's hour.
absl::Duration CoveredSpan(ReadingKind kind) {
  switch (kind) {
    case ReadingKind::kHour: return absl::Hours(1);
    case ReadingKind::kDay: return absl::Hours(24);
    default: return absl::ZeroDuration();
  }
}

bool InExcludedPeriod(const Reading& reading, const std::vector<ExcludedPeriod>& periods) {
  absl::Time start = reading.data_time;
  absl::Time end = start + CoveredSpan(reading.kind);
  for (const ExcludedPeriod& p : periods) {
    bool overlaps = start == end ? (p.start <= start && start < p.end)
                                 : (p.start < end && start < p.end);
    if (overlaps) return true;
  }
  return false;
}

// Minute index since the epoch; Beijing is UTC+8 whole hours, so minutes agree in both zones.
int64_t MinuteOf(absl::Time t) {
  return absl::ToInt64Minutes(absl::Floor(t - absl::UnixEpoch(), absl::Minutes(1)));
}

// The mean of one factor in one hour, before any 折算.
HourlyMean PlainHourlyMean(const HourReadings& in, const MeansOptions& options) {
  HourlyMean out;
  auto count_stopped = [&](const Reading& r) {
    if (hj212::ParseDataFlag(r.flag) == hj212::DataFlag::kStopped) ++out.stopped_readings;
  };
  std::string why;

  if (in.station_hour) {
    count_stopped(*in.station_hour);
    ReadingValidity v = EvaluateReading(*in.station_hour, options);
    out.station_hour_stopped = v == ReadingValidity::kStopped;
    if (CountsAsValid(v)) {
      out.valid = true;
      out.raw = *in.station_hour->value;
      out.valid_count = 1;
      out.over_range = v == ReadingValidity::kOverRange;
      out.source = MeanSource::kStationHourly;
      return out;
    }
    absl::StrAppend(&why, "station hourly ", ReadingValidityName(v), "; ");
  }

  double sum = 0;
  int valid = 0;
  bool over_range = false;
  for (const Reading& r : in.minutes) {
    count_stopped(r);
    ReadingValidity v = EvaluateReading(r, options);
    if (!CountsAsValid(v)) continue;
    sum += *r.value;
    ++valid;
    over_range = over_range || v == ReadingValidity::kOverRange;
  }
  if (!in.minutes.empty() && valid >= options.min_valid_minutes_per_hour) {
    out.valid = true;
    out.raw = sum / valid;
    out.valid_count = valid;
    out.over_range = over_range;
    out.source = MeanSource::kMinutes;
    return out;
  }
  absl::StrAppend(&why, "valid minutes ", valid, "/", options.min_valid_minutes_per_hour, "; ");

  // Real-time fallback. HJ 212 App. D builds an hour from ≥45 valid minutes, each from ≥12
  // samples at ≤5 s; uploaded Rtd values are far sparser (RtdInterval is typically 30 s to a
  // few minutes), so "12 per minute" cannot be asked of them. What can be kept is the coverage:
  // valid samples in at least 45 distinct minutes of the hour, so a burst of samples in a few
  // minutes never stands for the hour. Each minute is averaged first and the hour is the mean
  // of those minute means (formula 24), so uneven sampling does not weight some minutes more.
  std::map<int64_t, std::pair<double, int>> by_minute;
  over_range = false;
  for (const Reading& r : in.realtime) {
    count_stopped(r);
    ReadingValidity v = EvaluateReading(r, options);
    if (!CountsAsValid(v)) continue;
    auto& [minute_sum, n] = by_minute[MinuteOf(r.data_time)];
    minute_sum += *r.value;
    ++n;
    over_range = over_range || v == ReadingValidity::kOverRange;
  }
  int minutes = static_cast<int>(by_minute.size());
  if (minutes > 0 && minutes >= options.min_valid_realtime_minutes_per_hour) {
    double total = 0;
    for (const auto& [minute, s] : by_minute) total += s.first / s.second;
    out.valid = true;
    out.raw = total / minutes;
    out.valid_count = minutes;
    out.over_range = over_range;
    out.source = MeanSource::kRealtime;
    return out;
  }
  absl::StrAppend(&why, "valid real-time minutes ", minutes, "/",
                  options.min_valid_realtime_minutes_per_hour);
  out.invalid_reason = MeanInvalidReason::kTooFewValid;
  out.detail = std::move(why);
  return out;
}

bool IsReferenceO2Usable(double reference_o2) {
  return std::isfinite(reference_o2) && reference_o2 >= 0 && reference_o2 < 21;
}

}  // namespace

absl::string_view ReadingValidityName(ReadingValidity validity) {
  switch (validity) {
    case ReadingValidity::kValid: return "VALID";
    case ReadingValidity::kOverRange: return "OVER_RANGE";
    case ReadingValidity::kOverRangeInvalid: return "OVER_RANGE_INVALID";
    case ReadingValidity::kStopped: return "STOPPED";
    case ReadingValidity::kMaintenance: return "MAINTENANCE";
    case ReadingValidity::kManualValue: return "MANUAL_VALUE";
    case ReadingValidity::kFault: return "FAULT";
    case ReadingValidity::kCalibration: return "CALIBRATION";
    case ReadingValidity::kCommError: return "COMM_ERROR";
    case ReadingValidity::kKeyProcessFault: return "KEY_PROCESS_FAULT";
    case ReadingValidity::kUnknownFlag: return "UNKNOWN_FLAG";
    case ReadingValidity::kNoValue: return "NO_VALUE";
    case ReadingValidity::kExcluded: return "EXCLUDED";
  }
  return "UNKNOWN";
}

absl::string_view MeanSourceName(MeanSource source) {
  switch (source) {
    case MeanSource::kNone: return "NONE";
    case MeanSource::kStationHourly: return "STATION_HOURLY";
    case MeanSource::kMinutes: return "MINUTES";
    case MeanSource::kRealtime: return "REALTIME";
    case MeanSource::kStationDaily: return "STATION_DAILY";
    case MeanSource::kHourlyMeans: return "HOURLY_MEANS";
  }
  return "NONE";
}

absl::string_view MeanInvalidReasonName(MeanInvalidReason reason) {
  switch (reason) {
    case MeanInvalidReason::kNone: return "NONE";
    case MeanInvalidReason::kTooFewValid: return "TOO_FEW_VALID";
    case MeanInvalidReason::kO2Missing: return "O2_MISSING";
    case MeanInvalidReason::kO2TooHigh: return "O2_TOO_HIGH";
    case MeanInvalidReason::kBadReferenceO2: return "BAD_REFERENCE_O2";
    case MeanInvalidReason::kNoFlow: return "NO_FLOW";
  }
  return "NONE";
}

ReadingValidity EvaluateReading(const Reading& reading, const MeansOptions& options) {
  if (InExcludedPeriod(reading, options.excluded_periods) ||
      (options.is_excluded && options.is_excluded(reading))) {
    return ReadingValidity::kExcluded;
  }
  if (!reading.value || !std::isfinite(*reading.value)) return ReadingValidity::kNoValue;
  switch (hj212::ParseDataFlag(reading.flag)) {
    case hj212::DataFlag::kNormal: return ReadingValidity::kValid;
    case hj212::DataFlag::kOverRange:
      return options.over_range_is_valid ? ReadingValidity::kOverRange
                                         : ReadingValidity::kOverRangeInvalid;
    case hj212::DataFlag::kStopped: return ReadingValidity::kStopped;
    case hj212::DataFlag::kMaintenance: return ReadingValidity::kMaintenance;
    case hj212::DataFlag::kManualValue: return ReadingValidity::kManualValue;
    case hj212::DataFlag::kFault: return ReadingValidity::kFault;
    case hj212::DataFlag::kCalibration: return ReadingValidity::kCalibration;
    case hj212::DataFlag::kCommError: return ReadingValidity::kCommError;
    case hj212::DataFlag::kKeyProcessFault: return ReadingValidity::kKeyProcessFault;
    case hj212::DataFlag::kOther: return ReadingValidity::kUnknownFlag;
  }
  return ReadingValidity::kUnknownFlag;
}

double CorrectToReferenceO2(double value, double o2, double reference_o2) {
  return value * (21.0 - reference_o2) / (21.0 - o2);
}

HourlyMean ComputeHourlyMean(const HourlyMeanInput& input, const MeansOptions& options) {
  HourlyMean out = PlainHourlyMean(input.pollutant, options);
  out.reference_o2 = input.reference_o2;
  if (input.pollutant.station_hour && input.pollutant.station_hour->zs_value) {
    double zs = *input.pollutant.station_hour->zs_value;
    std::string text = absl::StrFormat("%.*f", input.zs_data_type.frac_digits, zs);
    if (!hj212::IsDataTypeMaximum(text, input.zs_data_type.int_digits,
                                  input.zs_data_type.frac_digits)) {
      out.station_corrected = zs;
    }
  }
  if (!out.valid) return out;

  out.corrected = out.raw;
  if (!input.reference_o2) return out;

  auto invalidate = [&](MeanInvalidReason reason, std::string detail) {
    out.valid = false;
    out.invalid_reason = reason;
    out.detail = std::move(detail);
  };
  if (!IsReferenceO2Usable(*input.reference_o2)) {
    invalidate(MeanInvalidReason::kBadReferenceO2,
               absl::StrCat("reference O2 ", *input.reference_o2, " %"));
    return out;
  }
  HourlyMean o2 = PlainHourlyMean(input.o2, options);
  if (!o2.valid) {
    invalidate(MeanInvalidReason::kO2Missing, absl::StrCat("O2: ", o2.detail));
    return out;
  }
  out.o2 = o2.raw;
  if (o2.raw >= options.o2_invalid_at_or_above) {
    invalidate(MeanInvalidReason::kO2TooHigh,
               absl::StrCat("O2 ", o2.raw, " % >= ", options.o2_invalid_at_or_above, " %"));
    return out;
  }
  out.corrected = CorrectToReferenceO2(out.raw, o2.raw, *input.reference_o2);
  return out;
}

DailyMean ComputeDailyMean(const DailyMeanInput& input, const MeansOptions& options) {
  DailyMean out;
  std::string why;
  bool reference_ok = !input.reference_o2 || IsReferenceO2Usable(*input.reference_o2);
  if (!reference_ok) {
    out.invalid_reason = MeanInvalidReason::kBadReferenceO2;
    out.detail = absl::StrCat("reference O2 ", *input.reference_o2, " %");
    return out;
  }

  if (input.station_day) {
    ReadingValidity v = EvaluateReading(*input.station_day, options);
    if (CountsAsValid(v)) {
      double raw = *input.station_day->value;
      std::optional<double> corrected;
      if (!input.reference_o2) {
        corrected = raw;
      } else if (input.station_o2_day) {
        ReadingValidity o2v = EvaluateReading(*input.station_o2_day, options);
        double o2 = input.station_o2_day->value.value_or(0);
        if (CountsAsValid(o2v) && o2 < options.o2_invalid_at_or_above) {
          corrected = CorrectToReferenceO2(raw, o2, *input.reference_o2);
        } else {
          absl::StrAppend(&why, "station daily O2 unusable; ");
        }
      } else {
        absl::StrAppend(&why, "station daily O2 missing; ");
      }
      if (corrected) {
        out.valid = true;
        out.raw = raw;
        out.corrected = *corrected;
        out.valid_count = 1;
        out.over_range = v == ReadingValidity::kOverRange;
        out.source = MeanSource::kStationDaily;
        return out;
      }
    } else {
      absl::StrAppend(&why, "station daily ", ReadingValidityName(v), "; ");
    }
  }

  double raw_sum = 0;
  double corrected_sum = 0;
  double weight_sum = 0;
  int contributing = 0;
  int valid_hours = 0;
  bool over_range = false;
  for (size_t i = 0; i < input.hours.size(); ++i) {
    const HourlyMean& h = input.hours[i];
    if (!h.valid) continue;
    ++valid_hours;
    double weight = 1;
    if (input.medium == Medium::kWastewater) {
      // Cd = Gd/Dd: each hour's concentration weighted by the volume of that hour.
      std::optional<double> q = i < input.hourly_flows.size() ? input.hourly_flows[i]
                                                              : std::nullopt;
      if (!q || !std::isfinite(*q) || *q <= 0) continue;
      weight = *q;
    }
    raw_sum += h.raw * weight;
    corrected_sum += h.corrected * weight;
    weight_sum += weight;
    ++contributing;
    over_range = over_range || h.over_range;
  }
  out.valid_count = contributing;
  if (contributing < options.min_valid_hours_per_day || contributing == 0) {
    out.invalid_reason = contributing == 0 && valid_hours > 0 ? MeanInvalidReason::kNoFlow
                                                              : MeanInvalidReason::kTooFewValid;
    absl::StrAppend(&why, "valid hours ", contributing, "/", options.min_valid_hours_per_day);
    if (valid_hours != contributing) {
      absl::StrAppend(&why, " (", valid_hours, " valid, ", contributing, " with a flow)");
    }
    out.detail = std::move(why);
    return out;
  }
  out.valid = true;
  out.detail = std::move(why);  // why the station's day value was not used, if it was sent
  out.raw = raw_sum / weight_sum;
  out.corrected = corrected_sum / weight_sum;
  out.over_range = over_range;
  out.source = MeanSource::kHourlyMeans;
  return out;
}

}  // namespace ecocase::domain::evaluation
