#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::domain::evaluation {

// Incidents instead of alarm floods (issue 7, domain-rules §2.4, §2.6, §2.8, architecture
// §7): the per-window verdicts of one outlet × pollutant become at most one open incident per
// outlet × pollutant × kind; consecutive bad windows merge into it and it closes after a run
// of compliant valid windows.
//
// Representation, chosen so that re-evaluation is idempotent: an incident is a pure function
// of the ordered verdicts it holds (every window from its first bad window through its
// closing window, or through the last window seen while open). Its summary fields (bad
// windows, peak, state ...) are always recomputed from those verdicts, never patched in
// place. EvaluateIncidents replays a bounded span of windows: a stored incident still running
// at the span's start is cut back to its windows before the span (the seed), the span is
// replayed on top, and the result is diffed with the stored incidents by identity
// (key, first bad window). Replaying the same verdicts therefore yields equal incidents and
// no events; a changed verdict (late data, a newly accepted mark) recomputes exactly the
// incidents it touches, which may move their first window (the old one is withdrawn).

// The judgement of one window (a Beijing hour or day) of one outlet × pollutant.
enum class VerdictKind {
  kUnspecified = 0,
  kExceedance = 1,  // valid mean above the limit in force
  kCompliant = 2,   // valid mean within the limit
  kMissing = 3,     // no valid mean while the unit runs and no accepted mark covers it
  kExcluded = 4,    // accepted mark or unit stopped: neither bad nor good
};
absl::string_view VerdictKindName(VerdictKind kind);  // "EXCEEDANCE", ...
std::optional<VerdictKind> VerdictKindFromName(absl::string_view name);

// What produced a verdict, kept so a case can reproduce the computation as evidence. The
// caller fills it; the incident logic only carries it.
struct VerdictInputs {
  std::string rule_version;  // e.g. "means-v1/limits-permit-42-v3"
  int valid_count = 0;       // valid minute (hour) values behind the mean
  std::string detail;        // free text: source series, O2 used, mark ids ...

  bool operator==(const VerdictInputs&) const = default;
};

struct WindowVerdict {
  absl::Time window_start;  // UTC instant of the Beijing hour/day start
  absl::Duration window_length = absl::Hours(1);
  VerdictKind kind = VerdictKind::kUnspecified;
  // Set for kExceedance and kCompliant; zero otherwise.
  double value = 0;
  double limit = 0;
  std::string unit;  // e.g. "mg/m3"
  double ratio = 0;  // value / limit
  VerdictInputs inputs;

  bool operator==(const WindowVerdict&) const = default;
};

// Verdict builders: the ratio is computed here so that every caller computes it alike.
// `limit` must be positive (EvaluateIncidents refuses an exceedance without one).
WindowVerdict ExceedanceVerdict(absl::Time window_start, absl::Duration window_length, double value,
                                double limit, std::string unit, VerdictInputs inputs);
WindowVerdict CompliantVerdict(absl::Time window_start, absl::Duration window_length, double value,
                               double limit, std::string unit, VerdictInputs inputs);
WindowVerdict MissingVerdict(absl::Time window_start, absl::Duration window_length,
                             VerdictInputs inputs);
WindowVerdict ExcludedVerdict(absl::Time window_start, absl::Duration window_length,
                              VerdictInputs inputs);

enum class IncidentKind {
  kUnspecified = 0,
  kExceedance = 1,     // 超标
  kMissingData = 2,    // 数据缺失
  kDeviceOffline = 3,  // 设备离线 (see DeviceOfflineIncidentShouldBeOpen)
};
absl::string_view IncidentKindName(IncidentKind kind);  // "EXCEEDANCE", ...
std::optional<IncidentKind> IncidentKindFromName(absl::string_view name);

enum class IncidentState { kUnspecified = 0, kOpen = 1, kClosed = 2 };
absl::string_view IncidentStateName(IncidentState state);  // "OPEN", "CLOSED"

// At most one open incident per key.
struct IncidentKey {
  std::string outlet;     // outlet resource name or code, as the caller keys it
  std::string pollutant;  // HJ 212 factor code; empty for DEVICE_OFFLINE
  IncidentKind kind = IncidentKind::kUnspecified;

  bool operator==(const IncidentKey&) const = default;
};

struct Incident {
  IncidentKey key;
  IncidentState state = IncidentState::kUnspecified;
  absl::Time first_bad_window;  // start of the first bad window: the identity with `key`
  absl::Time last_bad_window;   // start of the last bad window
  int bad_windows = 0;
  // Exceedance only: the highest value, its limit and unit, and the highest value/limit
  // ratio (the same window unless the limit changed inside the incident).
  double peak_value = 0;
  double peak_limit = 0;
  std::string peak_unit;
  double peak_ratio = 0;
  std::optional<absl::Time> closing_window;  // start of the window that closed it
  int compliant_run = 0;  // consecutive compliant windows since the last bad one (open)
  // Every window from the first bad one through the closing one (or the last seen while
  // open), in order. The fields above are derived from these.
  std::vector<WindowVerdict> verdicts;

  bool operator==(const Incident&) const = default;
};

struct IncidentOptions {
  // An incident closes at the Nth consecutive COMPLIANT window (issue 7: default 2).
  int compliant_windows_to_close = 2;
  // EXCLUDED windows inside an open incident neither extend nor close it and do not break a
  // compliant run. When set, the (N+1)th consecutive EXCLUDED window closes the incident
  // instead (a long accepted stop ends it).
  std::optional<int> max_excluded_gap;
};

enum class IncidentEventKind {
  kUnspecified = 0,
  kOpened = 1,     // a new incident (alert; a new exceedance issues a task)
  kUpdated = 2,    // its bad windows or peak changed, or it reopened
  kClosed = 3,     // it closed (stored open, now closed)
  kWithdrawn = 4,  // a re-evaluation removed it (late data, a new accepted mark); the
                   // event carries the stored incident so the caller can delete it
};
absl::string_view IncidentEventKindName(IncidentEventKind kind);  // "OPENED", ...

struct IncidentEvent {
  IncidentEventKind kind = IncidentEventKind::kUnspecified;
  Incident incident;  // as it is now (as it was stored, for kWithdrawn)
};

struct IncidentEvaluation {
  // Every incident the span produced or continued, to upsert by (key, first_bad_window);
  // unchanged ones are included (writing them again is a no-op).
  std::vector<Incident> incidents;
  // Only alert-worthy changes against `stored`; empty when nothing changed. An incident
  // opened and closed within one span yields kOpened then kClosed.
  std::vector<IncidentEvent> events;
};

// Recomputes the incidents of `key` (EXCEEDANCE or MISSING_DATA) over `span`: the verdicts of
// consecutive windows in strictly increasing order (a window without a verdict is simply not
// evaluated). The span must reach the latest window evaluated so far (a replay of the last
// day, say); `stored` holds the stored incidents of `key` that are open or whose last
// verdict is at or after the span's first window; older closed ones may be passed and are
// ignored.
//
// Rules: for EXCEEDANCE, EXCEEDANCE windows are bad, COMPLIANT windows count towards closing,
// MISSING windows neither extend nor close it but break a compliant run (a missing hour is no
// evidence of compliance); for MISSING_DATA the same with MISSING and EXCEEDANCE swapped.
// EXCLUDED windows are neutral (see IncidentOptions::max_excluded_gap).
//
// InvalidArgument: kind not EXCEEDANCE/MISSING_DATA, verdicts out of order or unspecified,
// an exceedance without a positive limit, a stored incident of another key, or one with a
// verdict after the span (the span does not reach the latest window).
absl::StatusOr<IncidentEvaluation> EvaluateIncidents(const IncidentKey& key,
                                                     const std::vector<Incident>& stored,
                                                     const std::vector<WindowVerdict>& span,
                                                     const IncidentOptions& options);

// Whether the enterprise may still explain (情况说明) incident `name`: not withdrawn, not
// explained yet, and within `window` of when it opened. FAILED_PRECONDITION with reason
// INCIDENT_WITHDRAWN, ALREADY_EXPLAINED or EXPLAIN_WINDOW_CLOSED otherwise.
absl::Status CheckExplainable(absl::string_view name, bool withdrawn, bool explained,
                              absl::Time open_time, absl::Duration window, absl::Time now);

struct OfflineOptions {
  // No packet at all for longer than this = offline (domain-rules §2.6: N × the upload
  // interval; 1 hour by default, configurable per device by the caller).
  absl::Duration threshold = absl::Hours(1);
};

// Whether a DEVICE_OFFLINE incident should be open for a device last heard from at
// `last_seen` (its registration time when it has never sent anything): true when
// now - last_seen > threshold. Exactly the threshold is still online.
bool DeviceOfflineIncidentShouldBeOpen(absl::Time last_seen, absl::Time now,
                                       const OfflineOptions& options);

}  // namespace ecocase::domain::evaluation
