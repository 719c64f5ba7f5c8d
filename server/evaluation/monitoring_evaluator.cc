#include "evaluation/monitoring_evaluator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/evaluation/judgement.h"
#include "domain/permit.h"
#include "domain/task.h"
#include "evaluation/exceedance_task.h"
#include "evaluation/incident_text.h"
#include "security/sha256.h"

namespace ecocase::evaluation {
namespace {

using common::Log;
using common::LogLevel;
using common::RegulatoryDayStart;
using common::RegulatoryHourStart;
using domain::evaluation::ApplicableLimit;
using domain::evaluation::FactorVerdicts;
using domain::evaluation::Incident;
using domain::evaluation::IncidentEvent;
using domain::evaluation::IncidentEventKind;
using domain::evaluation::IncidentKey;
using domain::evaluation::IncidentKind;
using domain::evaluation::IncidentState;
using storage::IncidentRecord;

constexpr absl::string_view kActor = "system/evaluation";
constexpr absl::string_view kService = "ecocase.v1.EvaluationSweep/";

// The limit of `pollutant` in force at `t` among the outlet's limit periods.
std::optional<ApplicableLimit> LimitAt(const std::vector<storage::LimitPeriod>& periods,
                                       const std::string& pollutant, absl::Time t) {
  const storage::LimitPeriod* best = nullptr;
  for (const storage::LimitPeriod& p : periods) {
    if (p.limit.pollutant_code != pollutant || t < p.from || t >= p.until) continue;
    if (best == nullptr || p.from > best->from) best = &p;
  }
  if (best == nullptr) return std::nullopt;
  ApplicableLimit limit;
  limit.limit = best->limit.concentration_limit;
  limit.unit = best->limit.concentration_unit;
  limit.window = best->limit.averaging_window == domain::AveragingWindow::kDay
                     ? domain::AveragingWindow::kDay
                     : domain::AveragingWindow::kHour;
  limit.reference_o2 = best->limit.reference_o2_percent;
  limit.source = absl::StrCat(best->permit_number, " v", best->version);
  if (!best->limit.standard.empty()) absl::StrAppend(&limit.source, " ", best->limit.standard);
  return limit;
}

std::string AlertKindOf(IncidentEventKind kind) {
  switch (kind) {
    case IncidentEventKind::kOpened: return "INCIDENT_OPENED";
    case IncidentEventKind::kUpdated: return "INCIDENT_UPDATED";
    case IncidentEventKind::kClosed: return "INCIDENT_CLOSED";
    case IncidentEventKind::kWithdrawn: return "INCIDENT_WITHDRAWN";
    case IncidentEventKind::kUnspecified: break;
  }
  return "INCIDENT_UPDATED";
}

// The audit record's digest of one outlet's pass: the span and every event's incident.
std::string OutletChangeDigest(const std::vector<IncidentEvent>& events, absl::Time from,
                               absl::Time to) {
  std::string text = absl::StrCat(absl::FormatTime(from), "/", absl::FormatTime(to));
  for (const IncidentEvent& e : events) {
    absl::StrAppend(&text, ";", domain::evaluation::IncidentEventKindName(e.kind), " ",
                    e.incident.key.pollutant, " ",
                    domain::evaluation::IncidentKindName(e.incident.key.kind), " ",
                    absl::FormatTime(e.incident.first_bad_window), " ", e.incident.bad_windows, " ",
                    e.incident.peak_value);
  }
  return security::Sha256Hex(text);
}

// What one outlet's pass wants written, computed before the transaction.
struct OutletChange {
  struct Save {
    Incident incident;
    absl::Duration window_length;
    std::string rule_version;
  };
  std::vector<Save> saves;
  std::vector<IncidentEvent> events;
  std::vector<IncidentRecord> withdrawn;  // stored records to withdraw
};

}  // namespace

MonitoringEvaluator::MonitoringEvaluator(
    storage::EvaluationRepository& evaluation, storage::IncidentRepository& incidents,
    storage::DataMarkRepository& marks, storage::TaskRepository& tasks,
    storage::AlertRepository& alerts, storage::MutationRunner& mutations,
    const domain::WorkingCalendar& calendar, const common::Clock& clock, EvaluationOptions options)
    : evaluation_(evaluation),
      incidents_(incidents),
      marks_(marks),
      tasks_(tasks),
      alerts_(alerts),
      mutations_(mutations),
      calendar_(calendar),
      clock_(clock),
      options_(std::move(options)) {}

absl::StatusOr<EvaluationStats> MonitoringEvaluator::RunOnce() {
  const absl::Time now = clock_.Now();
  EvaluationStats stats;
  absl::Status first_error;
  auto note = [&](const absl::Status& s) {
    if (!s.ok() && first_error.ok()) first_error = s;
  };
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::EvaluationTarget> targets,
                           evaluation_.ListTargets());
  for (const storage::EvaluationTarget& target : targets) {
    absl::Status s = EvaluateOutlet(target, now, stats);
    if (!s.ok()) {
      Log(LogLevel::kWarning, "evaluation_failed")
          .Str("outlet", absl::StrCat("enterprises/", target.enterprise_uscc, "/outlets/",
                                      target.outlet_code))
          .Str("error", s.message());
    }
    note(s);
  }
  note(EvaluateOffline(now, stats));
  note(FlagUnexplained(now, stats));
  if (!first_error.ok()) return first_error;
  return stats;
}

absl::Status MonitoringEvaluator::EvaluateOutlet(const storage::EvaluationTarget& target,
                                                 absl::Time now, EvaluationStats& stats) {
  const absl::Time end = RegulatoryHourStart(now - options_.hour_grace);
  const absl::Time oldest = end - options_.max_replay;
  absl::Time through = target.evaluated_through.value_or(
      std::max(RegulatoryHourStart(target.first_bind_time), end - options_.initial_lookback));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::EvaluationRequest> requests,
                           evaluation_.ListRequests(target.outlet_id));
  std::vector<storage::EvaluationRequest> handled;
  absl::Time start = through;
  for (const storage::EvaluationRequest& r : requests) {
    if (r.hour_start >= end) continue;  // judged in the normal course
    handled.push_back(r);
    if (r.hour_start >= oldest) start = std::min(start, r.hour_start);
  }
  if (start >= end && handled.empty()) return absl::OkStatus();
  start = std::max(start, oldest);
  // A day window is judged from all its hours: start at the day when any limit is daily.
  const bool has_daily =
      std::any_of(target.limits.begin(), target.limits.end(), [](const storage::LimitPeriod& p) {
        return p.limit.averaging_window == domain::AveragingWindow::kDay;
      });
  if (has_daily) start = RegulatoryDayStart(start);

  domain::evaluation::JudgementInput input;
  input.medium = absl::StartsWith(target.outlet_code, "DW")
                     ? domain::evaluation::Medium::kWastewater
                     : domain::evaluation::Medium::kFlueGas;
  input.from = start;
  input.to = std::max(end, start);
  std::set<std::string> pollutants;
  for (const storage::LimitPeriod& p : target.limits) pollutants.insert(p.limit.pollutant_code);
  input.pollutants.assign(pollutants.begin(), pollutants.end());
  input.limit_at = [&target](const std::string& pollutant, absl::Time t) {
    return LimitAt(target.limits, pollutant, t);
  };
  input.means = options_.means;
  if (input.from < input.to) {
    ECOCASE_ASSIGN_OR_RETURN(input.readings,
                             evaluation_.ListReadings(target.outlet_id, input.from, input.to));
    ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::evaluation::DataMark> marks,
                             marks_.ListAccepted(target.outlet_id, input.from, input.to));
    for (const domain::evaluation::DataMark& m : marks) {
      input.marks[m.pollutant].push_back({m.start, m.end});
    }
  }
  std::vector<FactorVerdicts> judged = domain::evaluation::JudgeWindows(input);

  // Replay every judged factor for both window-derived kinds.
  std::vector<IncidentRecord> stored_all;
  OutletChange change;
  for (const FactorVerdicts& factor : judged) {
    stats.windows += static_cast<int>(factor.verdicts.size());
    for (IncidentKind kind : {IncidentKind::kExceedance, IncidentKind::kMissingData}) {
      IncidentKey key{target.outlet_code, factor.pollutant, kind};
      ECOCASE_ASSIGN_OR_RETURN(
          std::vector<IncidentRecord> stored,
          incidents_.ListForReplay(target.outlet_id, factor.pollutant, kind, input.from));
      std::vector<Incident> stored_incidents;
      for (IncidentRecord& r : stored) {
        r.incident.key = key;
        stored_incidents.push_back(r.incident);
      }
      auto evaluated = domain::evaluation::EvaluateIncidents(key, stored_incidents, factor.verdicts,
                                                             options_.incidents);
      if (!evaluated.ok()) {
        // E.g. a permit edited in the past so that stored windows lie beyond the span: the
        // factor is left as stored and reported, the others go on.
        Log(LogLevel::kWarning, "evaluation_replay_refused")
            .Str("outlet", target.outlet_code)
            .Str("pollutant", factor.pollutant)
            .Str("error", evaluated.status().message());
        continue;
      }
      const std::string rule_version = factor.verdicts.empty()
                                           ? std::string(domain::evaluation::kMeansRuleVersion)
                                           : factor.verdicts.front().inputs.rule_version;
      for (Incident& incident : evaluated->incidents) {
        change.saves.push_back({std::move(incident), factor.window_length, rule_version});
      }
      for (IncidentEvent& event : evaluated->events) {
        if (event.kind == IncidentEventKind::kWithdrawn) {
          for (const IncidentRecord& r : stored) {
            if (r.incident.first_bad_window == event.incident.first_bad_window) {
              change.withdrawn.push_back(r);
            }
          }
        }
        change.events.push_back(std::move(event));
      }
      for (IncidentRecord& r : stored) stored_all.push_back(std::move(r));
    }
  }

  // Nothing to announce: only the progress moves (no audit record for a quiet hour).
  if (change.events.empty()) {
    bool rewrite = false;
    for (const OutletChange::Save& s : change.saves) {
      bool same = std::any_of(stored_all.begin(), stored_all.end(), [&](const IncidentRecord& r) {
        return r.incident.key.pollutant == s.incident.key.pollutant &&
               r.incident.key.kind == s.incident.key.kind &&
               r.incident.first_bad_window == s.incident.first_bad_window &&
               r.incident == s.incident;
      });
      rewrite = rewrite || !same;
    }
    if (!rewrite) {
      ECOCASE_RETURN_IF_ERROR(evaluation_.RecordProgress(target.outlet_id, input.to, handled, now));
      ++stats.outlets_judged;
      return absl::OkStatus();
    }
  }

  int opened = 0, updated = 0, closed = 0, withdrawn = 0, tasks = 0;
  bool alerted = false;
  storage::MutationKey key{std::string(kActor), absl::StrCat(kService, "EvaluateOutlet"), "", ""};
  auto result =
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        opened = updated = closed = withdrawn = tasks = 0;
        alerted = false;
        std::map<std::pair<std::string, int>, std::map<absl::Time, IncidentRecord>> saved;
        for (const OutletChange::Save& s : change.saves) {
          ECOCASE_ASSIGN_OR_RETURN(
              IncidentRecord record,
              incidents_.Save(tx, target.enterprise_id, target.outlet_id, "", s.incident,
                              s.window_length, s.rule_version, now));
          saved[{s.incident.key.pollutant, static_cast<int>(s.incident.key.kind)}]
               [s.incident.first_bad_window] = std::move(record);
        }
        for (const IncidentRecord& r : change.withdrawn) {
          ECOCASE_RETURN_IF_ERROR(incidents_.Withdraw(tx, r.id, now));
        }
        for (const IncidentEvent& event : change.events) {
          const Incident& in = event.incident;
          IncidentRecord record;
          if (event.kind == IncidentEventKind::kWithdrawn) {
            auto it = std::find_if(change.withdrawn.begin(), change.withdrawn.end(),
                                   [&](const IncidentRecord& r) {
                                     return r.incident.key.pollutant == in.key.pollutant &&
                                            r.incident.key.kind == in.key.kind &&
                                            r.incident.first_bad_window == in.first_bad_window;
                                   });
            if (it == change.withdrawn.end()) continue;
            record = *it;
            ++withdrawn;
            // The finding is gone: a task it issued that nobody has worked on goes with it.
            if (record.task_id.has_value()) {
              ECOCASE_RETURN_IF_ERROR(CancelUntouchedTask(tx, *record.task_id, record, now));
            }
          } else {
            auto& by_window = saved[{in.key.pollutant, static_cast<int>(in.key.kind)}];
            auto it = by_window.find(in.first_bad_window);
            if (it == by_window.end()) continue;
            record = it->second;
            if (event.kind == IncidentEventKind::kOpened) ++opened;
            if (event.kind == IncidentEventKind::kUpdated) ++updated;
            if (event.kind == IncidentEventKind::kClosed) ++closed;
          }
          record.incident = in;
          record.enterprise_uscc = target.enterprise_uscc;
          record.district_code = target.district_code;
          storage::AlertEvent alert;
          alert.kind = AlertKindOf(event.kind);
          alert.resource = record.ResourceName();
          alert.enterprise_id = target.enterprise_id;
          alert.district_code = target.district_code;
          alert.title = IncidentAlertTitle(event.kind, record);
          alert.detail = IncidentAlertDetail(record);
          ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, std::move(alert), now).status());
          alerted = true;

          // A new exceedance orders its correction, once per incident.
          if (event.kind == IncidentEventKind::kOpened &&
              in.key.kind == IncidentKind::kExceedance && !record.task_id.has_value()) {
            domain::Task task = ExceedanceTask(record, options_);
            domain::Issue(task, std::string(kActor), now, calendar_);
            ECOCASE_ASSIGN_OR_RETURN(auto issued,
                                     tasks_.Issue(tx, storage::Scope::All(), std::move(task), now));
            ECOCASE_RETURN_IF_ERROR(incidents_.SetTask(tx, record.id, issued.first.id));
            if (issued.second) {
              ++tasks;
              storage::AlertEvent task_alert;
              task_alert.kind = "TASK_ISSUED";
              task_alert.resource = issued.first.ResourceName();
              task_alert.enterprise_id = target.enterprise_id;
              task_alert.district_code = target.district_code;
              task_alert.title = TaskIssuedAlertTitle(issued.first, record);
              task_alert.detail = absl::StrCat("来源 ", record.ResourceName());
              ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, std::move(task_alert), now).status());
            }
          }
        }
        ECOCASE_RETURN_IF_ERROR(
            evaluation_.FinishOutlet(tx, target.outlet_id, input.to, handled, now));
        storage::MutationResult out;
        out.audit.actor = std::string(kActor);
        out.audit.action = "EvaluateOutlet";
        out.audit.resource =
            absl::StrCat("enterprises/", target.enterprise_uscc, "/outlets/", target.outlet_code);
        out.audit.change_digest = OutletChangeDigest(change.events, input.from, input.to);
        out.audit.district_code = target.district_code;
        out.audit.enterprise_uscc = target.enterprise_uscc;
        return out;
      });
  if (!result.ok()) return result.status();
  ++stats.outlets_judged;
  stats.opened += opened;
  stats.updated += updated;
  stats.closed += closed;
  stats.withdrawn += withdrawn;
  stats.tasks_issued += tasks;
  if (opened + updated + closed + withdrawn > 0) {
    Log(LogLevel::kInfo, "incidents_changed")
        .Str("outlet",
             absl::StrCat("enterprises/", target.enterprise_uscc, "/outlets/", target.outlet_code))
        .Int("opened", opened)
        .Int("updated", updated)
        .Int("closed", closed)
        .Int("withdrawn", withdrawn)
        .Int("tasks_issued", tasks);
  }
  if (alerted && on_alerts_) on_alerts_();
  return absl::OkStatus();
}

absl::Status MonitoringEvaluator::CancelUntouchedTask(storage::Tx& tx, int64_t task_id,
                                                      const IncidentRecord& record,
                                                      absl::Time now) {
  auto cancelled = tasks_.Update(
      tx, storage::Scope::All(), task_id, 0,
      [&](domain::Task& task) -> absl::Status {
        // Acknowledged or further: the enterprise is already acting on it; officers decide.
        if (task.state != domain::TaskState::kIssued) return absl::CancelledError("in progress");
        return domain::Cancel(
            task,
            absl::StrCat(record.ResourceName(),
                         " 经复核撤销（迟到数据或已接受的数据标记），任务随之撤销"),
            now);
      },
      now);
  if (absl::IsCancelled(cancelled.status())) return absl::OkStatus();
  if (!cancelled.ok()) return cancelled.status();
  storage::AlertEvent alert;
  alert.kind = "TASK_CHANGED";
  alert.resource = cancelled->ResourceName();
  alert.enterprise_id = record.enterprise_id;
  alert.district_code = record.district_code;
  alert.title =
      absl::StrCat("【任务撤销】", cancelled->title, "（", record.ResourceName(), " 已撤销）");
  return alerts_.Append(tx, std::move(alert), now).status();
}

absl::Status MonitoringEvaluator::EvaluateOffline(absl::Time now, EvaluationStats& stats) {
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::DeviceActivity> devices,
                           evaluation_.ListBoundDevices());
  ECOCASE_ASSIGN_OR_RETURN(std::vector<IncidentRecord> open, incidents_.ListOpenOffline());
  std::map<std::pair<int64_t, std::string>, const IncidentRecord*> open_by_device;
  for (const IncidentRecord& r : open) open_by_device[{r.outlet_id, r.mn}] = &r;

  absl::Status first_error;
  for (const storage::DeviceActivity& d : devices) {
    const absl::Time last = d.last_seen.value_or(d.bind_time);
    const bool offline =
        domain::evaluation::DeviceOfflineIncidentShouldBeOpen(last, now, options_.offline);
    auto it = open_by_device.find({d.outlet_id, d.mn});
    const IncidentRecord* current = it == open_by_device.end() ? nullptr : it->second;
    if (!offline && current == nullptr) continue;  // online, nothing open
    Incident incident;
    incident.key = {"", "", IncidentKind::kDeviceOffline};
    incident.first_bad_window = current ? current->incident.first_bad_window : last;
    incident.state = offline ? IncidentState::kOpen : IncidentState::kClosed;
    incident.last_bad_window = offline ? RegulatoryHourStart(now) : RegulatoryHourStart(last);
    // Hours silent so far (at least one): kept current while it stays open, without alerts.
    incident.bad_windows = static_cast<int>(
        std::max<int64_t>(1, absl::ToInt64Hours(incident.last_bad_window -
                                                RegulatoryHourStart(incident.first_bad_window))));
    if (!offline) incident.closing_window = last;
    if (current != nullptr && offline && current->incident.bad_windows == incident.bad_windows) {
      continue;
    }
    std::optional<IncidentEventKind> event;
    if (current == nullptr) event = IncidentEventKind::kOpened;
    if (current != nullptr && !offline) event = IncidentEventKind::kClosed;
    storage::MutationKey key{std::string(kActor), absl::StrCat(kService, "DeviceOffline"), "", ""};
    auto result =
        mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
          ECOCASE_ASSIGN_OR_RETURN(IncidentRecord record,
                                   incidents_.Save(tx, d.enterprise_id, d.outlet_id, d.mn, incident,
                                                   absl::Hours(1), "offline/1", now));
          if (event) {
            storage::AlertEvent alert;
            alert.kind = AlertKindOf(*event);
            alert.resource = record.ResourceName();
            alert.enterprise_id = d.enterprise_id;
            alert.title = IncidentAlertTitle(*event, record);
            alert.detail = IncidentAlertDetail(record);
            ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, std::move(alert), now).status());
          }
          storage::MutationResult out;
          out.audit.actor = std::string(kActor);
          out.audit.action = "DeviceOffline";
          out.audit.resource = record.ResourceName();
          out.audit.change_digest = absl::StrCat(record.version);
          out.audit.district_code = record.district_code;
          out.audit.enterprise_uscc = record.enterprise_uscc;
          return out;
        });
    if (!result.ok()) {
      if (first_error.ok()) first_error = result.status();
      continue;
    }
    if (event == IncidentEventKind::kOpened) ++stats.opened;
    if (event == IncidentEventKind::kClosed) ++stats.closed;
    if (event) {
      Log(LogLevel::kInfo, offline ? "device_offline" : "device_back_online").Str("mn", d.mn);
      if (on_alerts_) on_alerts_();
    }
  }
  return first_error;
}

absl::Status MonitoringEvaluator::FlagUnexplained(absl::Time now, EvaluationStats& stats) {
  int flagged = 0;
  storage::MutationKey key{std::string(kActor), absl::StrCat(kService, "FlagCaseCandidates"), "",
                           ""};
  auto result =
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(
            std::vector<IncidentRecord> records,
            incidents_.FlagUnexplained(tx, now - options_.explain_window, now));
        flagged = static_cast<int>(records.size());
        // Nothing flagged: roll back rather than audit an empty pass.
        if (records.empty()) return absl::CancelledError("nothing to flag");
        std::string digest;
        for (const IncidentRecord& r : records) absl::StrAppend(&digest, r.id, ";");
        storage::MutationResult out;
        out.audit.actor = std::string(kActor);
        out.audit.action = "FlagCaseCandidates";
        out.audit.resource = "incidents";
        out.audit.change_digest = digest;
        return out;
      });
  if (!result.ok() && !absl::IsCancelled(result.status())) return result.status();
  stats.case_candidates += flagged;
  return absl::OkStatus();
}

}  // namespace ecocase::evaluation
