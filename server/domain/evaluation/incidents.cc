#include "domain/evaluation/incidents.h"

#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace ecocase::domain::evaluation {
namespace {

// What a window does to an incident of one kind.
enum class Role {
  kBad,      // opens or extends it
  kGood,     // counts towards closing it
  kBreak,    // the other kind's bad window: neither extends nor closes, breaks a compliant run
  kNeutral,  // EXCLUDED: neither extends nor closes
};

Role RoleOf(IncidentKind incident, VerdictKind verdict) {
  switch (verdict) {
    case VerdictKind::kCompliant:
      return Role::kGood;
    case VerdictKind::kExceedance:
      return incident == IncidentKind::kExceedance ? Role::kBad : Role::kBreak;
    case VerdictKind::kMissing:
      return incident == IncidentKind::kMissingData ? Role::kBad : Role::kBreak;
    case VerdictKind::kExcluded:
    case VerdictKind::kUnspecified:
      break;
  }
  return Role::kNeutral;
}

// Folds verdicts, in order, into the incidents of one key.
class IncidentBuilder {
 public:
  IncidentBuilder(IncidentKey key, const IncidentOptions& options)
      : key_(std::move(key)), options_(options) {}

  void Feed(const WindowVerdict& verdict) {
    const Role role = RoleOf(key_.kind, verdict.kind);
    if (!open_.has_value()) {
      if (role != Role::kBad) return;  // nothing open: only a bad window matters
      open_.emplace();
      open_->key = key_;
      open_->state = IncidentState::kOpen;
      open_->first_bad_window = verdict.window_start;
      excluded_run_ = 0;
    }
    Incident& incident = *open_;
    incident.verdicts.push_back(verdict);
    switch (role) {
      case Role::kBad:
        ++incident.bad_windows;
        incident.last_bad_window = verdict.window_start;
        incident.compliant_run = 0;
        excluded_run_ = 0;
        if (key_.kind == IncidentKind::kExceedance) {
          if (incident.bad_windows == 1 || verdict.value > incident.peak_value) {
            incident.peak_value = verdict.value;
            incident.peak_limit = verdict.limit;
            incident.peak_unit = verdict.unit;
          }
          if (incident.bad_windows == 1 || verdict.ratio > incident.peak_ratio) {
            incident.peak_ratio = verdict.ratio;
          }
        }
        return;
      case Role::kGood:
        excluded_run_ = 0;
        if (++incident.compliant_run >= options_.compliant_windows_to_close) {
          Close(verdict.window_start);
        }
        return;
      case Role::kBreak:
        incident.compliant_run = 0;
        excluded_run_ = 0;
        return;
      case Role::kNeutral:
        ++excluded_run_;
        if (options_.max_excluded_gap.has_value() && excluded_run_ > *options_.max_excluded_gap) {
          Close(verdict.window_start);
        }
        return;
    }
  }

  std::vector<Incident> Finish() && {
    if (open_.has_value()) done_.push_back(*std::move(open_));
    return std::move(done_);
  }

 private:
  void Close(absl::Time window_start) {
    open_->state = IncidentState::kClosed;
    open_->closing_window = window_start;
    done_.push_back(*std::move(open_));
    open_.reset();
  }

  IncidentKey key_;
  const IncidentOptions& options_;
  std::optional<Incident> open_;
  int excluded_run_ = 0;
  std::vector<Incident> done_;
};

// The facts an alert is about: a difference in anything else (a trailing compliant or
// excluded window appended) is stored silently.
bool SameBadFacts(const Incident& a, const Incident& b) {
  if (a.bad_windows != b.bad_windows || a.last_bad_window != b.last_bad_window ||
      a.peak_value != b.peak_value || a.peak_ratio != b.peak_ratio ||
      a.peak_limit != b.peak_limit || a.peak_unit != b.peak_unit) {
    return false;
  }
  // Same count; the bad verdicts themselves (a changed value below the peak is a change).
  std::vector<const WindowVerdict*> bad_a;
  std::vector<const WindowVerdict*> bad_b;
  for (const auto& v : a.verdicts) {
    if (RoleOf(a.key.kind, v.kind) == Role::kBad) bad_a.push_back(&v);
  }
  for (const auto& v : b.verdicts) {
    if (RoleOf(b.key.kind, v.kind) == Role::kBad) bad_b.push_back(&v);
  }
  if (bad_a.size() != bad_b.size()) return false;
  for (std::size_t i = 0; i < bad_a.size(); ++i) {
    if (!(*bad_a[i] == *bad_b[i])) return false;
  }
  return true;
}

absl::Status CheckVerdict(const WindowVerdict& verdict, std::size_t index) {
  if (verdict.kind == VerdictKind::kUnspecified) {
    return absl::InvalidArgumentError(absl::StrCat("verdict ", index, ": kind unspecified"));
  }
  if (verdict.window_length <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("verdict ", index, ": window length must be positive"));
  }
  if (verdict.kind == VerdictKind::kExceedance && !(verdict.limit > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("verdict ", index, ": an exceedance needs a positive limit"));
  }
  return absl::OkStatus();
}

WindowVerdict Judged(VerdictKind kind, absl::Time window_start, absl::Duration window_length,
                     double value, double limit, std::string unit, VerdictInputs inputs) {
  WindowVerdict v;
  v.window_start = window_start;
  v.window_length = window_length;
  v.kind = kind;
  v.value = value;
  v.limit = limit;
  v.unit = std::move(unit);
  v.ratio = limit > 0 ? value / limit : 0;
  v.inputs = std::move(inputs);
  return v;
}

WindowVerdict Unjudged(VerdictKind kind, absl::Time window_start, absl::Duration window_length,
                       VerdictInputs inputs) {
  WindowVerdict v;
  v.window_start = window_start;
  v.window_length = window_length;
  v.kind = kind;
  v.inputs = std::move(inputs);
  return v;
}

}  // namespace

absl::string_view VerdictKindName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kExceedance:
      return "EXCEEDANCE";
    case VerdictKind::kCompliant:
      return "COMPLIANT";
    case VerdictKind::kMissing:
      return "MISSING";
    case VerdictKind::kExcluded:
      return "EXCLUDED";
    case VerdictKind::kUnspecified:
      break;
  }
  return "VERDICT_KIND_UNSPECIFIED";
}

absl::string_view IncidentKindName(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::kExceedance:
      return "EXCEEDANCE";
    case IncidentKind::kMissingData:
      return "MISSING_DATA";
    case IncidentKind::kDeviceOffline:
      return "DEVICE_OFFLINE";
    case IncidentKind::kUnspecified:
      break;
  }
  return "INCIDENT_KIND_UNSPECIFIED";
}

std::optional<VerdictKind> VerdictKindFromName(absl::string_view name) {
  for (VerdictKind k : {VerdictKind::kExceedance, VerdictKind::kCompliant, VerdictKind::kMissing,
                        VerdictKind::kExcluded}) {
    if (VerdictKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::optional<IncidentKind> IncidentKindFromName(absl::string_view name) {
  for (IncidentKind k :
       {IncidentKind::kExceedance, IncidentKind::kMissingData, IncidentKind::kDeviceOffline}) {
    if (IncidentKindName(k) == name) return k;
  }
  return std::nullopt;
}

absl::string_view IncidentStateName(IncidentState state) {
  switch (state) {
    case IncidentState::kOpen:
      return "OPEN";
    case IncidentState::kClosed:
      return "CLOSED";
    case IncidentState::kUnspecified:
      break;
  }
  return "INCIDENT_STATE_UNSPECIFIED";
}

absl::string_view IncidentEventKindName(IncidentEventKind kind) {
  switch (kind) {
    case IncidentEventKind::kOpened:
      return "OPENED";
    case IncidentEventKind::kUpdated:
      return "UPDATED";
    case IncidentEventKind::kClosed:
      return "CLOSED";
    case IncidentEventKind::kWithdrawn:
      return "WITHDRAWN";
    case IncidentEventKind::kUnspecified:
      break;
  }
  return "INCIDENT_EVENT_KIND_UNSPECIFIED";
}

WindowVerdict ExceedanceVerdict(absl::Time window_start, absl::Duration window_length, double value,
                                double limit, std::string unit, VerdictInputs inputs) {
  return Judged(VerdictKind::kExceedance, window_start, window_length, value, limit,
                std::move(unit), std::move(inputs));
}

WindowVerdict CompliantVerdict(absl::Time window_start, absl::Duration window_length, double value,
                               double limit, std::string unit, VerdictInputs inputs) {
  return Judged(VerdictKind::kCompliant, window_start, window_length, value, limit, std::move(unit),
                std::move(inputs));
}

WindowVerdict MissingVerdict(absl::Time window_start, absl::Duration window_length,
                             VerdictInputs inputs) {
  return Unjudged(VerdictKind::kMissing, window_start, window_length, std::move(inputs));
}

WindowVerdict ExcludedVerdict(absl::Time window_start, absl::Duration window_length,
                              VerdictInputs inputs) {
  return Unjudged(VerdictKind::kExcluded, window_start, window_length, std::move(inputs));
}

absl::StatusOr<IncidentEvaluation> EvaluateIncidents(const IncidentKey& key,
                                                     const std::vector<Incident>& stored,
                                                     const std::vector<WindowVerdict>& span,
                                                     const IncidentOptions& options) {
  if (key.kind != IncidentKind::kExceedance && key.kind != IncidentKind::kMissingData) {
    return absl::InvalidArgumentError(absl::StrCat("incidents of kind ", IncidentKindName(key.kind),
                                                   " are not evaluated from window verdicts"));
  }
  if (options.compliant_windows_to_close < 1) {
    return absl::InvalidArgumentError("compliant_windows_to_close must be at least 1");
  }
  for (std::size_t i = 0; i < span.size(); ++i) {
    if (absl::Status s = CheckVerdict(span[i], i); !s.ok()) return s;
    if (i > 0 && span[i].window_start <= span[i - 1].window_start) {
      return absl::InvalidArgumentError(
          absl::StrCat("verdict ", i, ": windows must be in strictly increasing order"));
    }
  }
  IncidentEvaluation result;
  if (span.empty()) return result;
  const absl::Time span_start = span.front().window_start;
  const absl::Time span_last = span.back().window_start;

  // The stored incidents this span can change: those starting in it, and the one (seed)
  // still running at its start.
  std::vector<const Incident*> affected;
  const Incident* seed = nullptr;
  for (const Incident& incident : stored) {
    if (!(incident.key == key)) {
      return absl::InvalidArgumentError("a stored incident belongs to another key");
    }
    if (!incident.verdicts.empty() && incident.verdicts.back().window_start > span_last) {
      return absl::InvalidArgumentError(
          "a stored incident has windows after the span: the span must reach the latest "
          "evaluated window");
    }
    if (incident.first_bad_window >= span_start) {
      affected.push_back(&incident);
      continue;
    }
    const bool running_at_start =
        incident.state == IncidentState::kOpen ||
        (incident.closing_window.has_value() && *incident.closing_window >= span_start);
    if (running_at_start &&
        (seed == nullptr || incident.first_bad_window > seed->first_bad_window)) {
      seed = &incident;
    }
  }
  if (seed != nullptr) affected.push_back(seed);

  IncidentBuilder builder(key, options);
  if (seed != nullptr) {
    // Cut the seed back to its windows before the span and rebuild it from them, so that
    // replayed windows are counted once.
    for (const WindowVerdict& v : seed->verdicts) {
      if (v.window_start < span_start) builder.Feed(v);
    }
  }
  for (const WindowVerdict& v : span) builder.Feed(v);
  result.incidents = std::move(builder).Finish();

  std::vector<bool> matched(affected.size(), false);
  for (const Incident& now : result.incidents) {
    const Incident* before = nullptr;
    for (std::size_t i = 0; i < affected.size(); ++i) {
      if (!matched[i] && affected[i]->first_bad_window == now.first_bad_window) {
        matched[i] = true;
        before = affected[i];
        break;
      }
    }
    if (before == nullptr) {
      result.events.push_back({IncidentEventKind::kOpened, now});
      if (now.state == IncidentState::kClosed) {
        result.events.push_back({IncidentEventKind::kClosed, now});
      }
      continue;
    }
    if (before->state == IncidentState::kOpen && now.state == IncidentState::kClosed) {
      result.events.push_back({IncidentEventKind::kClosed, now});
    } else if (before->state != now.state || !SameBadFacts(*before, now)) {
      result.events.push_back({IncidentEventKind::kUpdated, now});
    }
  }
  for (std::size_t i = 0; i < affected.size(); ++i) {
    if (!matched[i]) result.events.push_back({IncidentEventKind::kWithdrawn, *affected[i]});
  }
  return result;
}

absl::Status CheckExplainable(absl::string_view name, bool withdrawn, bool explained,
                              absl::Time open_time, absl::Duration window, absl::Time now) {
  if (withdrawn) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(name, " was withdrawn; nothing to explain")),
        "INCIDENT_WITHDRAWN");
  }
  if (explained) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(name, " is already explained")),
        "ALREADY_EXPLAINED");
  }
  if (now > open_time + window) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat("the explanation window of ", name,
                                                   " closed at ",
                                                   absl::FormatTime(open_time + window))),
        "EXPLAIN_WINDOW_CLOSED");
  }
  return absl::OkStatus();
}

bool DeviceOfflineIncidentShouldBeOpen(absl::Time last_seen, absl::Time now,
                                       const OfflineOptions& options) {
  return now - last_seen > options.threshold;
}

}  // namespace ecocase::domain::evaluation
