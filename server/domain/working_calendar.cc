#include "domain/working_calendar.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/regulatory_time.h"
#include "domain/embedded_calendars.h"

namespace ecocase::domain {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Debian's abseil is built with its own absl::string_view, not std::string_view, so the
// absl::Str* helpers need this at the API boundary.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsSaturdayOrSunday(absl::CivilDay day) {
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday;
}

absl::string_view WeekdayName(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return "Monday";
    case absl::Weekday::tuesday:
      return "Tuesday";
    case absl::Weekday::wednesday:
      return "Wednesday";
    case absl::Weekday::thursday:
      return "Thursday";
    case absl::Weekday::friday:
      return "Friday";
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
  }
  return "?";
}

absl::string_view KindName(DayKind kind) {
  return kind == DayKind::kHoliday ? "holiday" : "workday";
}

absl::Time EndOfDay(absl::CivilDay day) {
  return common::FromRegulatory(absl::CivilSecond(day + 1));
}

// Years are compared as int; a civil year beyond int's range is simply never loaded.
bool FitsInt(absl::civil_year_t year) {
  return year >= std::numeric_limits<int>::min() && year <= std::numeric_limits<int>::max();
}

// Splits off the first whitespace-delimited word; `rest` keeps what follows, left-trimmed.
absl::string_view NextWord(absl::string_view* rest) {
  const size_t end = std::min(rest->find_first_of(" \t"), rest->size());
  const absl::string_view word = rest->substr(0, end);
  *rest = absl::StripLeadingAsciiWhitespace(rest->substr(end));
  return word;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

int DigitsValue(absl::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Exactly YYYY-MM-DD naming a real date. absl::ParseCivilTime is looser (it accepts a
// signed or space-padded year), which would let typos through.
bool ParseDay(absl::string_view s, absl::CivilDay* day) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const absl::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return false;
  const int year = DigitsValue(y), month = DigitsValue(m), dom = DigitsValue(d);
  // CivilDay normalises 2026-02-30 to 2026-03-02; a real date survives unchanged.
  const absl::CivilDay parsed(year, month, dom);
  if (parsed.year() != year || parsed.month() != month || parsed.day() != dom) {
    return false;
  }
  *day = parsed;
  return true;
}

class ScheduleParser {
 public:
  absl::StatusOr<HolidaySchedule> Parse(absl::string_view text) {
    absl::ConsumePrefix(&text, kByteOrderMark);
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      ++line_number;
      absl::ConsumeSuffix(&line, "\r");
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line.front() == '#') continue;
      absl::string_view rest = line;
      const absl::string_view first = NextWord(&rest);
      std::string problem =
          first == "year" ? ParseYear(rest, line_number) : ParseDays(first, rest, line_number);
      if (!problem.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", problem));
      }
    }
    if (schedule_.years.empty()) {
      return absl::InvalidArgumentError(
          "holiday schedule declares no year (want a line: year YYYY source \"...\")");
    }
    return std::move(schedule_);
  }

 private:
  // Each Parse* returns the problem with the line, or "" if it is fine.

  std::string ParseYear(absl::string_view rest, int line_number) {
    constexpr absl::string_view kSyntax = "want: year YYYY source \"<notice>\"";
    const absl::string_view year_text = NextWord(&rest);
    if (year_text.size() != 4 || !AllDigits(year_text)) {
      return absl::StrCat("bad year \"", year_text, "\"; ", kSyntax);
    }
    const int year = DigitsValue(year_text);
    if (NextWord(&rest) != "source" || rest.size() < 2 || rest.front() != '"' ||
        rest.back() != '"' ||
        rest.substr(1, rest.size() - 2).find('"') != absl::string_view::npos) {
      return std::string(kSyntax);
    }
    const absl::string_view source = absl::StripAsciiWhitespace(rest.substr(1, rest.size() - 2));
    if (source.empty()) return absl::StrCat("year ", year, " has an empty source");
    if (auto [it, inserted] = year_lines_.emplace(year, line_number); !inserted) {
      return absl::StrCat("year ", year, " already declared on line ", it->second);
    }
    schedule_.years.push_back({year, std::string(source)});
    return "";
  }

  std::string ParseDays(absl::string_view first, absl::string_view rest, int line_number) {
    if (first.empty() || !absl::ascii_isdigit(first.front())) {
      return absl::StrCat("unknown directive \"", first, "\"; want a year line or a date line");
    }
    absl::string_view first_text = first, last_text = first;
    if (const size_t dots = first.find(".."); dots != absl::string_view::npos) {
      first_text = first.substr(0, dots);
      last_text = first.substr(dots + 2);
    }
    absl::CivilDay first_day, last_day;
    for (auto [text, day] : {std::pair(first_text, &first_day), std::pair(last_text, &last_day)}) {
      if (!ParseDay(text, day)) {
        return absl::StrCat("bad date \"", text, "\" (want YYYY-MM-DD)");
      }
    }
    if (last_day < first_day) {
      return absl::StrCat("range ", first, " is reversed");
    }

    const absl::string_view kind_text = NextWord(&rest);
    DayKind kind;
    if (kind_text == "holiday") {
      kind = DayKind::kHoliday;
    } else if (kind_text == "workday") {
      kind = DayKind::kWorkday;
    } else {
      return absl::StrCat("unknown kind \"", kind_text, "\" (want holiday or workday)");
    }
    // `rest` is the name: the rest of the line, spaces and all.
    if (rest.empty()) {
      return absl::StrCat("missing a name (e.g. 春节) after \"", kind_text, "\"");
    }

    for (absl::CivilDay day = first_day; day <= last_day; ++day) {
      const std::string day_text = absl::FormatCivilTime(day);
      if (!year_lines_.contains(static_cast<int>(day.year()))) {
        return absl::StrCat(day_text, " is outside the declared years (a line \"year ", day.year(),
                            " source ...\" must come first)");
      }
      if (kind == DayKind::kWorkday && !IsSaturdayOrSunday(day)) {
        return absl::StrCat("workday ", day_text, " is a ", WeekdayName(day),
                            ", already a working day; only a Saturday or Sunday "
                            "can be an adjusted working day");
      }
      if (auto it = schedule_.days.find(day); it != schedule_.days.end()) {
        if (it->second.kind != kind) {
          return absl::StrCat(day_text, " is both a ", KindName(it->second.kind), " (line ",
                              day_lines_[day], ") and a ", KindName(kind));
        }
        return absl::StrCat(day_text, " is already listed on line ", day_lines_[day]);
      }
      schedule_.days.emplace(day, ScheduledDay{kind, std::string(rest)});
      day_lines_.emplace(day, line_number);
    }
    return "";
  }

  HolidaySchedule schedule_;
  std::map<int, int> year_lines_;
  std::map<absl::CivilDay, int> day_lines_;
};

}  // namespace

absl::StatusOr<HolidaySchedule> ParseHolidaySchedule(std::string_view text) {
  return ScheduleParser().Parse(ToAbsl(text));
}

absl::Status ValidateDeadlineRule(const DeadlineRule& rule) {
  switch (rule.unit) {
    case DeadlineUnit::kHours:
    case DeadlineUnit::kCalendarDays:
    case DeadlineUnit::kWorkingDays:
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("deadline rule unit ", static_cast<int>(rule.unit), " is not a unit"));
  }
  if (rule.amount < 0 || rule.amount > kMaxDeadlineAmount) {
    return absl::InvalidArgumentError(absl::StrCat("deadline rule amount must be in [0, ",
                                                   kMaxDeadlineAmount, "], got ", rule.amount));
  }
  return absl::OkStatus();
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::Create(std::vector<HolidaySchedule> schedules) {
  WorkingCalendar calendar;
  for (HolidaySchedule& schedule : schedules) {
    for (ScheduleYear& year : schedule.years) {
      auto [it, inserted] = calendar.sources_by_year_.emplace(year.year, std::move(year.source));
      if (!inserted) {
        return absl::InvalidArgumentError(
            absl::StrCat("year ", year.year, " is declared by more than one holiday schedule"));
      }
    }
    // Days lie in their schedule's own years, which no other schedule declares, so
    // schedules cannot disagree about a day.
    for (const auto& [day, scheduled] : schedule.days) {
      calendar.overrides_.emplace(day, scheduled);
    }
  }
  return calendar;
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const { return Examine(day, nullptr); }

bool WorkingCalendar::IsYearLoaded(int year) const { return sources_by_year_.contains(year); }

std::string WorkingCalendar::SourceOf(int year) const {
  auto it = sources_by_year_.find(year);
  return it == sources_by_year_.end() ? "" : it->second;
}

std::vector<std::pair<absl::CivilDay, ScheduledDay>> WorkingCalendar::ScheduledDaysOf(
    int year) const {
  std::vector<std::pair<absl::CivilDay, ScheduledDay>> days;
  for (auto it = overrides_.lower_bound(absl::CivilDay(year, 1, 1));
       it != overrides_.end() && it->first.year() == year; ++it) {
    days.emplace_back(it->first, it->second);
  }
  return days;
}

std::vector<int> WorkingCalendar::LoadedYears() const {
  std::vector<int> years;
  for (const auto& [year, source] : sources_by_year_) years.push_back(year);
  return years;
}

std::vector<std::string> WorkingCalendar::Sources() const {
  std::vector<std::string> sources;
  for (const auto& [year, source] : sources_by_year_) {
    if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
      sources.push_back(source);
    }
  }
  return sources;
}

bool WorkingCalendar::Examine(absl::CivilDay day, std::vector<int>* unloaded_years) const {
  const absl::civil_year_t year = day.year();
  const bool loaded = FitsInt(year) && IsYearLoaded(static_cast<int>(year));
  if (!loaded) {
    if (unloaded_years != nullptr) {
      const int y = static_cast<int>(year);
      auto pos = std::lower_bound(unloaded_years->begin(), unloaded_years->end(), y);
      if (pos == unloaded_years->end() || *pos != y) unloaded_years->insert(pos, y);
    }
    return !IsSaturdayOrSunday(day);
  }
  if (auto it = overrides_.find(day); it != overrides_.end()) {
    return it->second.kind == DayKind::kWorkday;
  }
  return !IsSaturdayOrSunday(day);
}

absl::CivilDay WorkingCalendar::AddWorkingDaysImpl(absl::CivilDay from, int n,
                                                   std::vector<int>* unloaded_years) const {
  absl::CivilDay day = from;
  // Ends: however a loaded year is filled, later unloaded years have Monday-Friday.
  for (int counted = 0; counted < n;) {
    ++day;
    if (Examine(day, unloaded_years)) ++counted;
  }
  return day;
}

absl::CivilDay WorkingCalendar::AddWorkingDays(absl::CivilDay from, int n,
                                               bool* provisional) const {
  assert(n >= 0);
  std::vector<int> unloaded_years;
  const absl::CivilDay day = AddWorkingDaysImpl(from, n, &unloaded_years);
  if (provisional != nullptr) *provisional = !unloaded_years.empty();
  return day;
}

int WorkingCalendar::WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const {
  if (to < from) return -WorkingDaysBetween(to, from);
  // Count Monday-Friday arithmetically, then correct for the listed days in (from, to],
  // so a span of years costs a handful of steps rather than one per day.
  const absl::civil_diff_t days = to - from;
  int64_t count = days / 7 * 5;
  for (absl::CivilDay day = from + days / 7 * 7 + 1; day <= to; ++day) {
    if (!IsSaturdayOrSunday(day)) ++count;
  }
  for (auto it = overrides_.upper_bound(from); it != overrides_.end() && it->first <= to; ++it) {
    const bool weekend = IsSaturdayOrSunday(it->first);
    if (it->second.kind == DayKind::kHoliday && !weekend) --count;
    if (it->second.kind == DayKind::kWorkday && weekend) ++count;
  }
  return static_cast<int>(
      std::clamp<int64_t>(count, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

Deadline WorkingCalendar::ComputeDeadline(absl::Time start, const DeadlineRule& rule) const {
  assert(ValidateDeadlineRule(rule).ok());
  const int amount = std::clamp(rule.amount, 0, kMaxDeadlineAmount);
  const absl::CivilDay start_day = common::RegulatoryDay(start);
  Deadline deadline;
  switch (rule.unit) {
    case DeadlineUnit::kHours:
      deadline.due = start + absl::Hours(amount);
      deadline.due_day = common::RegulatoryDay(deadline.due);
      return deadline;
    case DeadlineUnit::kCalendarDays: {
      absl::CivilDay last = start_day + amount;
      if (rule.extend_past_non_working_day) {
        while (!Examine(last, &deadline.unloaded_years)) ++last;
      }
      deadline.due_day = last;
      break;
    }
    case DeadlineUnit::kWorkingDays:
      deadline.due_day = AddWorkingDaysImpl(start_day, amount, &deadline.unloaded_years);
      break;
    default:
      // An unvalidated unit: due at once, so the mistake shows as overdue work rather
      // than as a deadline that never comes.
      deadline.due = start;
      deadline.due_day = start_day;
      return deadline;
  }
  deadline.due = EndOfDay(deadline.due_day);
  deadline.provisional = !deadline.unloaded_years.empty();
  return deadline;
}

absl::StatusOr<WorkingCalendar> DefaultWorkingCalendar(
    std::vector<HolidaySchedule> additional) {
  std::vector<HolidaySchedule> schedules = std::move(additional);
  for (const common::EmbeddedFile& file : embedded::EmbeddedCalendars()) {
    absl::StatusOr<HolidaySchedule> schedule =
        ParseHolidaySchedule(std::string_view(file.contents.data(), file.contents.size()));
    if (!schedule.ok()) {
      return absl::Status(schedule.status().code(),
                          absl::StrCat(absl::string_view(file.name.data(), file.name.size()), ": ",
                                       schedule.status().message()));
    }
    schedules.push_back(*std::move(schedule));
  }
  return WorkingCalendar::Create(std::move(schedules));
}

}  // namespace ecocase::domain
