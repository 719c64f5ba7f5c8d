#include "api/permit_convert.h"

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"

namespace ecocase::api {
namespace {

ecocase::v1::AveragingWindow ToProto(domain::AveragingWindow window) {
  switch (window) {
    case domain::AveragingWindow::kHour:
      return ecocase::v1::AVERAGING_WINDOW_HOUR;
    case domain::AveragingWindow::kDay:
      return ecocase::v1::AVERAGING_WINDOW_DAY;
    case domain::AveragingWindow::kUnspecified:
      break;
  }
  return ecocase::v1::AVERAGING_WINDOW_UNSPECIFIED;
}

domain::AveragingWindow FromProto(ecocase::v1::AveragingWindow window) {
  switch (window) {
    case ecocase::v1::AVERAGING_WINDOW_HOUR:
      return domain::AveragingWindow::kHour;
    case ecocase::v1::AVERAGING_WINDOW_DAY:
      return domain::AveragingWindow::kDay;
    default:
      return domain::AveragingWindow::kUnspecified;
  }
}

ecocase::v1::Permit::Source ToProto(domain::PermitSource source) {
  switch (source) {
    case domain::PermitSource::kBureau:
      return ecocase::v1::Permit::BUREAU;
    case domain::PermitSource::kNationalPlatform:
      return ecocase::v1::Permit::NATIONAL_PLATFORM;
  }
  return ecocase::v1::Permit::SOURCE_UNSPECIFIED;
}

ecocase::v1::PermitVersion::Reason ToProto(domain::VersionReason reason) {
  switch (reason) {
    case domain::VersionReason::kIssue:
      return ecocase::v1::PermitVersion::ISSUE;
    case domain::VersionReason::kChange:
      return ecocase::v1::PermitVersion::CHANGE;
    case domain::VersionReason::kRenewal:
      return ecocase::v1::PermitVersion::RENEWAL;
    case domain::VersionReason::kImport:
      return ecocase::v1::PermitVersion::IMPORT;
  }
  return ecocase::v1::PermitVersion::REASON_UNSPECIFIED;
}

}  // namespace

ecocase::v1::Permit::State ToProto(domain::PermitState state) {
  switch (state) {
    case domain::PermitState::kDraft:
      return ecocase::v1::Permit::DRAFT;
    case domain::PermitState::kInForce:
      return ecocase::v1::Permit::IN_FORCE;
    case domain::PermitState::kExpired:
      return ecocase::v1::Permit::EXPIRED;
    case domain::PermitState::kRevoked:
      return ecocase::v1::Permit::REVOKED;
    case domain::PermitState::kCancelled:
      return ecocase::v1::Permit::CANCELLED;
  }
  return ecocase::v1::Permit::STATE_UNSPECIFIED;
}

std::optional<domain::PermitState> FromProto(ecocase::v1::Permit::State state) {
  switch (state) {
    case ecocase::v1::Permit::DRAFT:
      return domain::PermitState::kDraft;
    case ecocase::v1::Permit::IN_FORCE:
      return domain::PermitState::kInForce;
    case ecocase::v1::Permit::EXPIRED:
      return domain::PermitState::kExpired;
    case ecocase::v1::Permit::REVOKED:
      return domain::PermitState::kRevoked;
    case ecocase::v1::Permit::CANCELLED:
      return domain::PermitState::kCancelled;
    default:
      return std::nullopt;
  }
}

ecocase::v1::PermitLimit ToProto(const domain::PermitLimit& l) {
  ecocase::v1::PermitLimit out;
  out.set_outlet_code(l.outlet_code);
  out.set_pollutant_code(l.pollutant_code);
  out.set_concentration_limit(l.concentration_limit);
  out.set_concentration_unit(l.concentration_unit);
  out.set_averaging_window(ToProto(l.averaging_window));
  if (l.reference_o2_percent.has_value()) out.set_reference_o2_percent(*l.reference_o2_percent);
  if (l.annual_mass_limit_t.has_value()) out.set_annual_mass_limit_t(*l.annual_mass_limit_t);
  out.set_standard(l.standard);
  return out;
}

std::vector<domain::PermitLimit> LimitsFromProto(
    const google::protobuf::RepeatedPtrField<ecocase::v1::PermitLimit>& limits) {
  std::vector<domain::PermitLimit> out;
  out.reserve(limits.size());
  for (const ecocase::v1::PermitLimit& l : limits) {
    domain::PermitLimit d;
    d.outlet_code = l.outlet_code();
    d.pollutant_code = l.pollutant_code();
    d.concentration_limit = l.concentration_limit();
    d.concentration_unit = l.concentration_unit();
    d.averaging_window = FromProto(l.averaging_window());
    if (l.has_reference_o2_percent()) d.reference_o2_percent = l.reference_o2_percent();
    if (l.has_annual_mass_limit_t()) d.annual_mass_limit_t = l.annual_mass_limit_t();
    d.standard = l.standard();
    out.push_back(std::move(d));
  }
  return out;
}

ecocase::v1::Permit ToProto(const domain::Permit& p) {
  ecocase::v1::Permit out;
  out.set_name(p.ResourceName());
  out.set_permit_number(p.permit_number);
  out.set_enterprise(absl::StrCat("enterprises/", p.enterprise_uscc));
  out.set_state(ToProto(p.state));
  out.set_source(ToProto(p.source));
  *out.mutable_valid_from() = ToDate(p.valid_from);
  *out.mutable_valid_until() = ToDate(p.valid_until);
  out.set_issuing_authority(p.issuing_authority);
  if (p.issue_time.has_value()) *out.mutable_issue_time() = ToTimestamp(*p.issue_time);
  out.set_current_version(p.current_version);
  for (const domain::PermitLimit& l : p.limits) *out.add_limits() = ToProto(l);
  out.set_end_reason(p.end_reason);
  if (p.end_time.has_value()) *out.mutable_end_time() = ToTimestamp(*p.end_time);
  *out.mutable_create_time() = ToTimestamp(p.create_time);
  *out.mutable_update_time() = ToTimestamp(p.update_time);
  out.set_etag(EtagForVersion(p.version));
  return out;
}

ecocase::v1::PermitVersion ToProto(const domain::PermitVersion& v) {
  ecocase::v1::PermitVersion out;
  out.set_version(v.version);
  *out.mutable_effective_time() = ToTimestamp(v.effective_time);
  out.set_reason(ToProto(v.reason));
  *out.mutable_valid_until() = ToDate(v.valid_until);
  for (const domain::PermitLimit& l : v.limits) *out.add_limits() = ToProto(l);
  out.set_note(v.note);
  return out;
}

ecocase::v1::PublicPermit ToPublicProto(const storage::PublicPermitView& view) {
  const domain::Permit& p = view.permit;
  ecocase::v1::PublicPermit out;
  out.set_permit_number(p.permit_number);
  out.set_holder_name(p.holder_name);
  out.set_holder_uscc(p.enterprise_uscc);
  out.set_state(ToProto(p.state));
  *out.mutable_valid_from() = ToDate(p.valid_from);
  *out.mutable_valid_until() = ToDate(p.valid_until);
  out.set_issuing_authority(p.issuing_authority);
  for (const storage::PublicOutlet& o : view.outlets) {
    ecocase::v1::PublicPermit::PublicOutlet* po = out.add_outlets();
    po->set_code(o.code);
    po->set_display_name(o.display_name);
  }
  for (const domain::PermitLimit& l : p.limits) *out.add_limits() = ToProto(l);
  return out;
}

}  // namespace ecocase::api
