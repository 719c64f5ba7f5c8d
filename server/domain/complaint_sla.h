#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/complaint_kinds.h"
#include "domain/working_calendar.h"

namespace ecocase::domain {

// Complaint SLA clocks (domain-rules §5): a policy table keyed by channel × category ×
// urgency gives each complaint an acceptance (受理) and a closure (办结) limit; the limits
// become due instants on the platform's working calendar; closure may be extended with a
// reason and an approver; complaints are overdue from their due instant on.
//
// Urgency levels (complaint_kinds.h), as §5.2 distinguishes them:
//   NORMAL    一般: 投诉举报 handled on the channel's ordinary clock (12369: 15 / 60 days;
//             12345: working days).
//   URGENT    紧急: pollution going on now and affecting people (night-time noise, odour,
//             smoke); answered within hours, closed within days [M].
//   EMERGENCY 突发: a (possible) sudden environmental incident — 应急类 orders, "on-site
//             response 1-2 h", closed the same day [M].

// The unit of a limit is a deadline unit of the working calendar.
using SlaUnit = DeadlineUnit;

// "2 hours", "15 working days", "60 calendar days".
struct SlaLimit {
  int amount = 0;
  SlaUnit unit = SlaUnit::kWorkingDays;

  friend bool operator==(const SlaLimit&, const SlaLimit&) = default;
};

// The text form: "2h", "15wd", "60cd".
std::string FormatSlaLimit(const SlaLimit& limit);
// Chinese for users: "2小时", "15个工作日", "60日".
std::string SlaLimitDisplay(const SlaLimit& limit);

// What the closure clock counts from.
enum class SlaAnchor {
  kIntake = 0,      // 12345: "from the day after receipt" (§5.2)
  kAcceptance = 1,  // 12369 and 信访: "办结 within 60 days of acceptance" (§5.1)
};

struct SlaRule {
  SlaLimit acceptance;  // decide 受理 / 不予受理 and tell the reporter
  SlaLimit closure;     // 办结
  SlaAnchor closure_from = SlaAnchor::kIntake;
  // The longest single closure extension, in the unit extensions are counted in; amount 0
  // means closure cannot be extended.
  SlaLimit max_extension;
  int max_extensions = 0;  // how many times; 12369 allows one extension (§5.1) [S]
  std::string basis;       // the legal basis, in Chinese, shown with the deadlines
};

// A policy row's key; nullopt is the wildcard "*".
struct SlaKey {
  std::optional<ComplaintChannel> channel;
  std::optional<ComplaintCategory> category;
  std::optional<ComplaintUrgency> urgency;

  friend bool operator==(const SlaKey&, const SlaKey&) = default;
};
// "12345_TRANSFER * URGENT".
std::string SlaKeyText(const SlaKey& key);

struct SlaRow {
  SlaKey key;
  SlaRule rule;
};

// Rule amounts: 1..kMaxDeadlineAmount of their unit; at most this many extensions.
inline constexpr int kMaxSlaExtensions = 5;

class SlaPolicy final {
 public:
  // Returns INVALID_ARGUMENT naming the row ("sla rule 3 (12345_TRANSFER * URGENT): ...")
  // for a key given twice, a wildcard-free key holding UNSPECIFIED, a limit that is not
  // 1..kMaxDeadlineAmount of a unit, an extension count outside 0..kMaxSlaExtensions (or
  // one without an extension limit), an empty basis or one with line breaks; and
  // INVALID_ARGUMENT without a row when no row is "* * *", the default every lookup needs.
  static absl::StatusOr<SlaPolicy> Create(std::vector<SlaRow> rows);

  // The rule of the most specific row matching the key. Rows are ranked by what they name:
  // urgency first, then channel, then category — so "* * EMERGENCY" beats
  // "12369_PHONE AIR *" (an emergency's clock is never the channel's ordinary 60 days) and
  // "12345_TRANSFER * URGENT" beats "* * URGENT". There are no ties: two rows naming the
  // same fields and matching the same key would have the same key. UNSPECIFIED values
  // match wildcards only.
  const SlaRule& Lookup(ComplaintChannel channel, ComplaintCategory category,
                        ComplaintUrgency urgency) const;

  // In the order given (after overrides, replaced rows stay in place and new rows follow).
  const std::vector<SlaRow>& rows() const { return rows_; }

 private:
  SlaPolicy() = default;
  std::vector<SlaRow> rows_;
};

// The text form, one rule per line; blank lines and lines starting with # are ignored:
//
//   <channel|*> <category|*> <urgency|*> acceptance=<limit> closure=<limit>
//       [closure_from=intake|acceptance] [extension=<limit> [extensions=N]] basis=<text>
//
// (one line). Names are those of complaint_kinds.h in any case (12345_transfer, air,
// urgent); limits are <N>h, <N>wd or <N>cd (hours, working days, calendar days).
// `extension` allows one extension unless `extensions` says otherwise. `basis` must come
// last and takes the rest of the line. CRLF and a UTF-8 byte order mark are accepted.
//
// Returns INVALID_ARGUMENT with "line N: " and the problem for a malformed line, and the
// Create errors (a row problem named by its line) otherwise.
absl::StatusOr<SlaPolicy> ParseSlaPolicy(std::string_view text);

// `base` with the rows of `text` (same format) replacing base rows of the same key and
// adding the others: how an operator's file adjusts the defaults. A key twice within
// `text` is an error; the "* * *" row may come from `base`.
absl::StatusOr<SlaPolicy> OverrideSlaPolicy(const SlaPolicy& base, std::string_view text);

// The text form of `policy`, which ParseSlaPolicy reads back to the same rows.
std::string FormatSlaPolicy(const SlaPolicy& policy);

// The defaults of domain-rules §5 in the text form, commented; a starting point for an
// operator's file.
std::string_view DefaultSlaPolicyText();
// DefaultSlaPolicyText() parsed. An error only if the built-in text is broken.
absl::StatusOr<SlaPolicy> DefaultSlaPolicy();

// The instant a limit that starts at `start` runs out:
//   hours:         start + N hours, round the clock (the hotlines work 7×24);
//   calendar days: the end (24:00 Asia/Shanghai) of the N-th day after the start day, even
//                  when that day is a holiday — the SLA is the bureau's own clock and does
//                  not take 民法典 art. 203's move to the next working day [M];
//   working days:  the end of the N-th working day after the start day on `calendar`
//                  (holidays skipped, 调休 Saturdays and Sundays counted).
// The start day itself is never counted (民法典 art. 201). `provisional` (may be null) is
// set when a day examined lies in a year whose holiday schedule is not loaded.
// Requires a limit Create accepts; an invalid one is due at `start`.
absl::Time DueTime(absl::Time start, const SlaLimit& limit, const WorkingCalendar& calendar,
                   bool* provisional);

// A granted closure extension. The reporter must be told (§5.1): ExtensionNotice.
struct ClosureExtension {
  SlaLimit extra;
  std::string reason;
  std::string approved_by;  // users/{username}, the head who approved it
  absl::Time approve_time;
  absl::Time previous_due;
  absl::Time new_due;
};

struct ComplaintDeadlines {
  absl::Time intake_time;
  absl::Time acceptance_due;
  bool acceptance_provisional = false;
  absl::Time closure_due;  // extensions included
  bool closure_provisional = false;
  // True while the rule counts closure from acceptance and the complaint is not accepted
  // yet: closure_due then counts from intake, an early estimate that AnchorClosureAt-
  // Acceptance replaces.
  bool closure_awaits_acceptance = false;
  std::vector<ClosureExtension> extensions;  // oldest first
};

// The deadlines of a complaint taken in at `intake_time` under `rule`.
ComplaintDeadlines ComputeDeadlines(const SlaRule& rule, absl::Time intake_time,
                                    const WorkingCalendar& calendar);

// On acceptance (受理) at `accept_time`: when the rule counts closure from acceptance,
// closure_due is recounted from it; otherwise nothing changes. INVALID_ARGUMENT if
// `accept_time` is before intake; FAILED_PRECONDITION (reason SLA_ALREADY_ANCHORED) if
// the rule counts from acceptance and the clock was anchored already.
absl::Status AnchorClosureAtAcceptance(ComplaintDeadlines& deadlines, const SlaRule& rule,
                                       absl::Time accept_time, const WorkingCalendar& calendar);

// Extends closure by `extra`, counted on from the current closure due (a day-based
// extension adds days after the current last day). Requires a reason (1-500 characters,
// no line breaks; it is told to the reporter) and the approver. INVALID_ARGUMENT naming
// extension.reason / extension.approved_by / extension.extra (not 1..max_extension in
// the rule's extension unit); FAILED_PRECONDITION with reason SLA_EXTENSION_NOT_ALLOWED
// (the rule allows none, or all are used), SLA_NOT_ACCEPTED (the closure clock still
// awaits acceptance) or SLA_EXPIRED (`now` is at or past the due: an extension is asked
// for before expiry, §5.2, so lateness cannot be hidden).
absl::Status ExtendClosure(ComplaintDeadlines& deadlines, const SlaRule& rule,
                           const SlaLimit& extra, const std::string& reason,
                           const std::string& approved_by, absl::Time now,
                           const WorkingCalendar& calendar);

// What the reporter is told of an extension, e.g.
// "您反映的问题因需补充监测，经批准延期办理，办结期限延长至2026年11月1日。"
std::string ExtensionNotice(const ClosureExtension& extension);

// Overdue: a clock still running at or after its due instant. A day-based due is 24:00 of
// the last day, so a complaint closed at 23:59:59 of the last day is on time and one open
// at 00:00 of the next day is overdue. A clock stops when its step is done:
// `acceptance_decided` is 受理 or 不予受理 recorded; `closed` is 办结.
bool AcceptanceOverdue(const ComplaintDeadlines& deadlines, bool acceptance_decided,
                       absl::Time now);
bool ClosureOverdue(const ComplaintDeadlines& deadlines, bool closed, absl::Time now);
// Still running, not overdue, and due within `window` of `now` (due - now <= window).
bool AcceptanceDueSoon(const ComplaintDeadlines& deadlines, bool acceptance_decided,
                       absl::Time now, absl::Duration window);
bool ClosureDueSoon(const ComplaintDeadlines& deadlines, bool closed, absl::Time now,
                    absl::Duration window);

// One complaint's clocks as an overdue list needs them.
struct ComplaintClocks {
  int64_t complaint_id = 0;
  ComplaintDeadlines deadlines;
  bool acceptance_decided = false;
  bool closed = false;
};

enum class SlaClock { kAcceptance, kClosure };

struct SlaAlert {
  int64_t complaint_id = 0;
  SlaClock clock = SlaClock::kAcceptance;
  absl::Time due;
  bool overdue = false;       // otherwise due soon
  absl::Duration overdue_by;  // now - due: >= 0 when overdue, negative when due soon
};

// The overdue and due-soon clocks among `complaints` (an acceptance and a closure clock of
// one complaint are listed separately): overdue first, longest overdue first, then due
// soon, soonest first; ties by complaint id, acceptance before closure.
std::vector<SlaAlert> SlaAlerts(const std::vector<ComplaintClocks>& complaints, absl::Time now,
                                absl::Duration due_soon_window);

}  // namespace ecocase::domain
