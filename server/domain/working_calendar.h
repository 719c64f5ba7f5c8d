#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ecocase::domain {

// China's working-day calendar and the statutory deadline arithmetic built on it.
// Every day here is an Asia/Shanghai regulatory day (common/regulatory_time.h).
//
// The State Council publishes each year's public holidays (放假) and the weekend days
// worked in exchange (调休上班) only in November of the year before, so the calendar knows
// a year only once a schedule for it is loaded. Outside loaded years it falls back to
// Monday-Friday and marks results that depend on it as provisional.

enum class DayKind {
  kHoliday,  // 放假: off, even on a Monday-Friday.
  kWorkday,  // 调休上班: a Saturday or Sunday that is a working day.
};

struct ScheduledDay {
  DayKind kind;
  std::string name;  // As written in the schedule, e.g. "春节" or "春节调休".
};

// A year a schedule covers and the notice its days come from.
struct ScheduleYear {
  int year;
  std::string source;
};

// One parsed schedule file. Every listed day falls in one of `years`.
struct HolidaySchedule {
  std::vector<ScheduleYear> years;  // In file order.
  std::map<absl::CivilDay, ScheduledDay> days;
};

// Parses the text format of deploy/calendar/cn-holidays.txt:
//
//   # comment
//   year 2026 source "国务院办公厅关于2026年部分节假日安排的通知（…）"
//   2026-02-15..2026-02-23 holiday 春节
//   2026-02-14 workday 春节调休
//
// A `year` line must precede the days of that year. Ranges are inclusive. A workday must
// be a Saturday or Sunday, since declaring a Monday-Friday one is always a typo. CRLF
// line ends and a UTF-8 byte order mark are accepted.
//
// Returns INVALID_ARGUMENT, with "line N: " and the problem, for a malformed line, a bad or
// out-of-range date, a day outside the declared years, a reversed range, an unknown kind,
// a day listed twice (or as both holiday and workday), or a year declared twice; and
// without a line number for a text that declares no year.
absl::StatusOr<HolidaySchedule> ParseHolidaySchedule(std::string_view text);

enum class DeadlineUnit {
  kHours,
  kCalendarDays,
  kWorkingDays,
};

// Rule amounts above this are configuration mistakes (3650 days is ten years).
inline constexpr int kMaxDeadlineAmount = 3650;

// A statutory or SLA period, e.g. "15 working days" or "48 hours".
struct DeadlineRule {
  DeadlineUnit unit = DeadlineUnit::kWorkingDays;
  int amount = 0;
  // For kCalendarDays: a period whose last day is not a working day ends on the next
  // working day (民法典 art. 203). Ignored by the other units.
  bool extend_past_non_working_day = true;
};

// Returns INVALID_ARGUMENT if the amount is outside [0, kMaxDeadlineAmount] or the unit is
// not a DeadlineUnit value.
absl::Status ValidateDeadlineRule(const DeadlineRule& rule);

struct Deadline {
  // The instant the period ends. Day-based periods end at the end of `due_day`, i.e. at
  // 00:00 Asia/Shanghai of the following day.
  absl::Time due;
  // The last day of the period; for kHours, the regulatory day containing `due`.
  absl::CivilDay due_day;
  // True if a day the computation examined lies in a year with no loaded schedule, so a
  // holiday announced later may move `due`. Recompute once that year is loaded.
  bool provisional = false;
  // Those years, ascending.
  std::vector<int> unloaded_years;
};

class WorkingCalendar final {
 public:
  // Merges `schedules`; none at all gives a Monday-Friday calendar with nothing loaded.
  // Returns INVALID_ARGUMENT if two schedules declare the same year.
  static absl::StatusOr<WorkingCalendar> Create(std::vector<HolidaySchedule> schedules);

  // In a loaded year: holidays are off, declared workdays are on, otherwise Monday-Friday.
  // In any other year: Monday-Friday (provisional).
  bool IsWorkingDay(absl::CivilDay day) const;

  bool IsYearLoaded(int year) const;
  // Ascending.
  std::vector<int> LoadedYears() const;
  // The notices the loaded years come from, in year order, each once.
  std::vector<std::string> Sources() const;
  // The notice `year` comes from; "" when it is not loaded.
  std::string SourceOf(int year) const;
  // The holidays and weekend workdays of `year` in date order; none when it is not loaded.
  std::vector<std::pair<absl::CivilDay, ScheduledDay>> ScheduledDaysOf(int year) const;

  // The n-th working day after `from` (`from` itself is not counted); `from` when n == 0.
  // Requires n >= 0; a negative n is treated as 0. If `provisional` is non-null, sets it
  // to whether any day after `from` up to the result lies in a year not loaded.
  absl::CivilDay AddWorkingDays(absl::CivilDay from, int n, bool* provisional) const;

  // The number of working days in (from, to]; if to < from, minus the number in
  // (to, from]. E.g. the working days a task is overdue: WorkingDaysBetween(due_day, today).
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;

  // The end of a period that starts at `start`, under the Chinese convention for legal
  // periods (民法典 arts. 201-203): the day the period starts is not counted.
  //   kHours:        start + amount hours, exactly.
  //   kCalendarDays: last day = start day + amount, moved to the next working day if it is
  //                  not one and rule.extend_past_non_working_day; due at its end.
  //   kWorkingDays:  last day = AddWorkingDays(start day, amount); due at its end.
  // Requires ValidateDeadlineRule(rule).ok() and a finite `start`; release builds clamp
  // an out-of-range amount so a bad rule cannot stall the caller.
  Deadline ComputeDeadline(absl::Time start, const DeadlineRule& rule) const;

 private:
  WorkingCalendar() = default;

  // IsWorkingDay that also records `day`'s year in `unloaded_years` if it is not loaded.
  bool Examine(absl::CivilDay day, std::vector<int>* unloaded_years) const;
  absl::CivilDay AddWorkingDaysImpl(absl::CivilDay from, int n,
                                    std::vector<int>* unloaded_years) const;

  std::map<int, std::string> sources_by_year_;
  std::map<absl::CivilDay, ScheduledDay> overrides_;  // Holidays and workdays, loaded years only.
};

// The calendar compiled into the server from deploy/calendar/cn-holidays.txt, plus
// `additional` schedules (an operator's file adding years not built in; a year declared
// twice is INVALID_ARGUMENT). Returns the parse or merge error, prefixed with the file
// name, if the embedded data is malformed.
absl::StatusOr<WorkingCalendar> DefaultWorkingCalendar(
    std::vector<HolidaySchedule> additional = {});

}  // namespace ecocase::domain
