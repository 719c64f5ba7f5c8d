#include "api/incident_convert.h"

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"

namespace ecocase::api {
namespace {

using domain::evaluation::IncidentKind;
using domain::evaluation::VerdictKind;

ecocase::v1::IncidentWindow::Verdict ToProto(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kExceedance: return ecocase::v1::IncidentWindow::EXCEEDANCE;
    case VerdictKind::kCompliant: return ecocase::v1::IncidentWindow::COMPLIANT;
    case VerdictKind::kMissing: return ecocase::v1::IncidentWindow::MISSING;
    case VerdictKind::kExcluded: return ecocase::v1::IncidentWindow::EXCLUDED;
    case VerdictKind::kUnspecified: break;
  }
  return ecocase::v1::IncidentWindow::VERDICT_UNSPECIFIED;
}

}  // namespace

ecocase::v1::Incident::Kind ToProto(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::kExceedance: return ecocase::v1::Incident::EXCEEDANCE;
    case IncidentKind::kMissingData: return ecocase::v1::Incident::MISSING_DATA;
    case IncidentKind::kDeviceOffline: return ecocase::v1::Incident::DEVICE_OFFLINE;
    case IncidentKind::kUnspecified: break;
  }
  return ecocase::v1::Incident::KIND_UNSPECIFIED;
}

std::optional<IncidentKind> FromProto(ecocase::v1::Incident::Kind kind) {
  switch (kind) {
    case ecocase::v1::Incident::EXCEEDANCE: return IncidentKind::kExceedance;
    case ecocase::v1::Incident::MISSING_DATA: return IncidentKind::kMissingData;
    case ecocase::v1::Incident::DEVICE_OFFLINE: return IncidentKind::kDeviceOffline;
    default: break;
  }
  return std::nullopt;
}

ecocase::v1::Incident ToProto(const storage::IncidentRecord& r, absl::Duration explain_window,
                              bool with_windows) {
  const domain::evaluation::Incident& in = r.incident;
  ecocase::v1::Incident out;
  out.set_name(r.ResourceName());
  out.set_enterprise(absl::StrCat("enterprises/", r.enterprise_uscc));
  out.set_enterprise_display_name(r.enterprise_name);
  out.set_outlet(absl::StrCat("enterprises/", r.enterprise_uscc, "/outlets/", r.outlet_code));
  out.set_pollutant(in.key.pollutant);
  out.set_mn(r.mn);
  out.set_kind(ToProto(in.key.kind));
  out.set_state(r.withdrawn ? ecocase::v1::Incident::WITHDRAWN
                : in.state == domain::evaluation::IncidentState::kOpen
                    ? ecocase::v1::Incident::OPEN
                    : ecocase::v1::Incident::CLOSED);
  out.set_window_seconds(static_cast<int32_t>(absl::ToInt64Seconds(r.window_length)));
  *out.mutable_first_bad_window() = ToTimestamp(in.first_bad_window);
  *out.mutable_last_bad_window() = ToTimestamp(in.last_bad_window);
  out.set_bad_windows(in.bad_windows);
  out.set_peak_value(in.peak_value);
  out.set_peak_limit(in.peak_limit);
  out.set_peak_unit(in.peak_unit);
  out.set_peak_ratio(in.peak_ratio);
  if (in.closing_window) *out.mutable_closing_window() = ToTimestamp(*in.closing_window);
  out.set_rule_version(r.rule_version);
  if (r.task_id) out.set_task(absl::StrCat("tasks/", *r.task_id));
  out.set_explanation(r.explanation);
  out.set_explained_by(r.explained_by);
  if (r.explain_time) *out.mutable_explain_time() = ToTimestamp(*r.explain_time);
  *out.mutable_explain_deadline() = ToTimestamp(r.open_time + explain_window);
  out.set_case_candidate(r.case_candidate);
  *out.mutable_open_time() = ToTimestamp(r.open_time);
  *out.mutable_update_time() = ToTimestamp(r.update_time);
  out.set_etag(EtagForVersion(r.version));
  if (with_windows) {
    for (const domain::evaluation::WindowVerdict& v : in.verdicts) {
      ecocase::v1::IncidentWindow* w = out.add_windows();
      *w->mutable_window_start() = ToTimestamp(v.window_start);
      w->set_verdict(ToProto(v.kind));
      w->set_value(v.value);
      w->set_limit(v.limit);
      w->set_unit(v.unit);
      w->set_ratio(v.ratio);
      w->set_valid_count(v.inputs.valid_count);
      w->set_rule_version(v.inputs.rule_version);
      w->set_detail(v.inputs.detail);
    }
  }
  return out;
}

}  // namespace ecocase::api
