#include "domain/evaluation/judgement.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/regulatory_time.h"

namespace ecocase::domain::evaluation {
namespace {

using monitoring::Reading;
using monitoring::ReadingKind;

using common::RegulatoryDayStart;
using common::RegulatoryHourStart;

// The readings of one factor, bucketed by the hour (or, for DAY readings, the day) they
// describe.
struct FactorSeries {
  std::map<absl::Time, HourReadings> hours;
  std::map<absl::Time, Reading> days;
};

std::map<std::string, FactorSeries> Bucket(const std::vector<Reading>& readings) {
  std::map<std::string, FactorSeries> out;
  for (const Reading& r : readings) {
    FactorSeries& s = out[r.pollutant];
    switch (r.kind) {
      case ReadingKind::kRealtime:
        s.hours[RegulatoryHourStart(r.data_time)].realtime.push_back(r);
        break;
      case ReadingKind::kMinute:
        s.hours[RegulatoryHourStart(r.data_time)].minutes.push_back(r);
        break;
      case ReadingKind::kHour: s.hours[RegulatoryHourStart(r.data_time)].station_hour = r; break;
      case ReadingKind::kDay: s.days.emplace(RegulatoryDayStart(r.data_time), r); break;
      case ReadingKind::kUnspecified: break;
    }
  }
  return out;
}

bool Overlaps(const std::vector<ExcludedPeriod>& periods, absl::Time start, absl::Time end) {
  for (const ExcludedPeriod& p : periods) {
    if (p.start < end && start < p.end) return true;
  }
  return false;
}

class Judge {
 public:
  explicit Judge(const JudgementInput& input) : in_(input), series_(Bucket(input.readings)) {}

  std::vector<FactorVerdicts> Run() {
    std::vector<FactorVerdicts> out;
    for (const std::string& p : in_.pollutants) {
      FactorVerdicts hourly{p, absl::Hours(1), {}};
      FactorVerdicts daily{p, absl::Hours(24), {}};
      for (absl::Time h = in_.from; h < in_.to; h += absl::Hours(1)) {
        std::optional<ApplicableLimit> limit = in_.limit_at(p, h);
        if (!limit || limit->window != AveragingWindow::kHour) continue;
        hourly.verdicts.push_back(JudgeHour(p, h, *limit));
      }
      for (absl::Time d = RegulatoryDayStart(in_.from); d + absl::Hours(24) <= in_.to;
           d += absl::Hours(24)) {
        if (d < in_.from) continue;
        std::optional<ApplicableLimit> limit = in_.limit_at(p, d);
        if (!limit || limit->window != AveragingWindow::kDay) continue;
        daily.verdicts.push_back(JudgeDay(p, d, *limit));
      }
      if (!hourly.verdicts.empty()) out.push_back(std::move(hourly));
      if (!daily.verdicts.empty()) out.push_back(std::move(daily));
    }
    return out;
  }

 private:
  std::vector<ExcludedPeriod> MarksFor(const std::string& pollutant) const {
    std::vector<ExcludedPeriod> periods;
    for (const std::string& key : {pollutant, std::string()}) {
      auto it = in_.marks.find(key);
      if (it != in_.marks.end())
        periods.insert(periods.end(), it->second.begin(), it->second.end());
    }
    return periods;
  }

  const HourReadings& ReadingsAt(absl::string_view factor, absl::Time hour) const {
    static const HourReadings kNone;
    auto s = series_.find(std::string(factor));
    if (s == series_.end()) return kNone;
    auto h = s->second.hours.find(hour);
    return h == s->second.hours.end() ? kNone : h->second;
  }

  const Reading* DayReading(absl::string_view factor, absl::Time day) const {
    auto s = series_.find(std::string(factor));
    if (s == series_.end()) return nullptr;
    auto d = s->second.days.find(day);
    return d == s->second.days.end() ? nullptr : &d->second;
  }

  HourlyMean MeanOf(const std::string& pollutant, absl::Time hour,
                    std::optional<double> reference_o2) const {
    HourlyMeanInput mean_input;
    mean_input.pollutant = ReadingsAt(pollutant, hour);
    if (reference_o2) mean_input.o2 = ReadingsAt(kOxygenFactor, hour);
    mean_input.reference_o2 = reference_o2;
    MeansOptions options = in_.means;
    options.excluded_periods = MarksFor(pollutant);
    return ComputeHourlyMean(mean_input, options);
  }

  static std::string RuleVersion(const ApplicableLimit& limit) {
    return absl::StrCat(kMeansRuleVersion, ";", kJudgementRuleVersion, ";", limit.source);
  }

  static std::string Describe(MeanSource source, int valid_count, bool over_range,
                              std::optional<double> o2, std::optional<double> reference, double raw,
                              const std::string& detail) {
    std::string text = absl::StrFormat("%s n=%d", MeanSourceName(source), valid_count);
    if (reference) {
      absl::StrAppendFormat(&text, " raw=%.4g O2=%.3g%% ref=%.3g%%", raw, o2.value_or(0),
                            *reference);
    }
    if (over_range) absl::StrAppend(&text, " over-range(T)");
    if (!detail.empty()) absl::StrAppend(&text, "; ", detail);
    return text;
  }

  WindowVerdict Valued(absl::Time start, absl::Duration length, double value,
                       const ApplicableLimit& limit, VerdictInputs inputs) const {
    if (value > limit.limit) {
      return ExceedanceVerdict(start, length, value, limit.limit, limit.unit, std::move(inputs));
    }
    return CompliantVerdict(start, length, value, limit.limit, limit.unit, std::move(inputs));
  }

  WindowVerdict JudgeHour(const std::string& p, absl::Time hour,
                          const ApplicableLimit& limit) const {
    HourlyMean mean = MeanOf(p, hour, limit.reference_o2);
    VerdictInputs inputs{RuleVersion(limit), mean.valid_count, ""};
    if (mean.valid) {
      inputs.detail = Describe(mean.source, mean.valid_count, mean.over_range, mean.o2,
                               mean.reference_o2, mean.raw, mean.detail);
      return Valued(hour, absl::Hours(1), mean.corrected, limit, std::move(inputs));
    }
    inputs.detail = absl::StrCat(MeanInvalidReasonName(mean.invalid_reason), "; ", mean.detail);
    if (Overlaps(MarksFor(p), hour, hour + absl::Hours(1))) {
      inputs.detail = absl::StrCat("accepted data mark; ", inputs.detail);
      return ExcludedVerdict(hour, absl::Hours(1), std::move(inputs));
    }
    if (mean.station_hour_stopped || mean.stopped_readings > 0) {
      inputs.detail = absl::StrCat("unit stopped (F); ", inputs.detail);
      return ExcludedVerdict(hour, absl::Hours(1), std::move(inputs));
    }
    return MissingVerdict(hour, absl::Hours(1), std::move(inputs));
  }

  WindowVerdict JudgeDay(const std::string& p, absl::Time day, const ApplicableLimit& limit) const {
    DailyMeanInput day_input;
    day_input.medium = in_.medium;
    day_input.reference_o2 = limit.reference_o2;
    int excused_hours = 0;  // no valid mean, but stopped or under an accepted mark
    const std::vector<ExcludedPeriod> marks = MarksFor(p);
    for (absl::Time h = day; h < day + absl::Hours(24); h += absl::Hours(1)) {
      HourlyMean mean = MeanOf(p, h, limit.reference_o2);
      if (!mean.valid && (mean.station_hour_stopped || mean.stopped_readings > 0 ||
                          Overlaps(marks, h, h + absl::Hours(1)))) {
        ++excused_hours;
      }
      day_input.hours.push_back(std::move(mean));
      if (in_.medium == Medium::kWastewater) {
        HourlyMean flow = MeanOf(std::string(kWastewaterFlowFactor), h, std::nullopt);
        day_input.hourly_flows.push_back(flow.valid ? std::optional<double>(flow.raw)
                                                    : std::nullopt);
      }
    }
    if (const Reading* station = DayReading(p, day)) day_input.station_day = *station;
    if (const Reading* o2 = DayReading(kOxygenFactor, day)) day_input.station_o2_day = *o2;
    MeansOptions options = in_.means;
    options.excluded_periods = marks;
    DailyMean mean = ComputeDailyMean(day_input, options);

    VerdictInputs inputs{RuleVersion(limit), mean.valid_count, ""};
    if (mean.valid) {
      inputs.detail = Describe(mean.source, mean.valid_count, mean.over_range, std::nullopt,
                               std::nullopt, mean.raw, mean.detail);
      return Valued(day, absl::Hours(24), mean.corrected, limit, std::move(inputs));
    }
    inputs.detail = absl::StrCat(MeanInvalidReasonName(mean.invalid_reason), "; ", mean.detail);
    // The day could not have reached its valid hours because the unit was stopped or marked.
    if (excused_hours > 24 - options.min_valid_hours_per_day) {
      inputs.detail =
          absl::StrFormat("%d hours stopped or marked; %s", excused_hours, inputs.detail);
      return ExcludedVerdict(day, absl::Hours(24), std::move(inputs));
    }
    return MissingVerdict(day, absl::Hours(24), std::move(inputs));
  }

  const JudgementInput& in_;
  std::map<std::string, FactorSeries> series_;
};

}  // namespace

std::vector<FactorVerdicts> JudgeWindows(const JudgementInput& input) { return Judge(input).Run(); }

}  // namespace ecocase::domain::evaluation
