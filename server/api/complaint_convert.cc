#include "api/complaint_convert.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "security/personal_data.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;

std::string ComplaintName(int64_t id) { return id == 0 ? "" : absl::StrCat("complaints/", id); }

// The last day of a period due at `due`: a day-based due is 24:00 of its last day.
google::type::Date DueDate(absl::Time due) {
  return ToDate(common::RegulatoryDay(due - absl::Microseconds(1)));
}

v1::Reporter MaskedReporter(const domain::Reporter& reporter) {
  v1::Reporter out;
  out.set_anonymous(reporter.anonymous);
  if (reporter.anonymous) return out;
  out.set_name(security::MaskName(reporter.name));
  out.set_phone(security::MaskPhone(reporter.phone));
  out.set_masked(true);
  return out;
}

v1::Assignment AssignmentToProto(const domain::Assignment& a) {
  v1::Assignment out;
  out.set_district_code(a.district_code);
  out.set_team(a.team);
  out.set_officer(UserResourceName(a.officer));
  return out;
}

v1::ClosureExtension ExtensionToProto(const domain::ClosureExtension& e) {
  v1::ClosureExtension out;
  *out.mutable_extra() = ToProto(e.extra);
  out.set_reason(e.reason);
  out.set_approved_by(e.approved_by);
  *out.mutable_approve_time() = ToTimestamp(e.approve_time);
  *out.mutable_previous_due() = ToTimestamp(e.previous_due);
  *out.mutable_new_due() = ToTimestamp(e.new_due);
  out.set_notice(domain::ExtensionNotice(e));
  return out;
}

v1::ComplaintDeadlines DeadlinesToProto(const domain::Complaint& c, const domain::SlaRule& rule,
                                        absl::Time now) {
  const domain::ComplaintDeadlines& d = c.deadlines;
  v1::ComplaintDeadlines out;
  *out.mutable_acceptance_limit() = ToProto(rule.acceptance);
  *out.mutable_closure_limit() = ToProto(rule.closure);
  out.set_basis(rule.basis);
  const bool decided = c.state != domain::ComplaintState::kReceived;
  *out.mutable_acceptance_due() = ToTimestamp(d.acceptance_due);
  *out.mutable_acceptance_due_date() = DueDate(d.acceptance_due);
  out.set_acceptance_provisional(d.acceptance_provisional);
  out.set_acceptance_overdue(!c.closed() && domain::AcceptanceOverdue(d, decided, now));
  *out.mutable_closure_due() = ToTimestamp(d.closure_due);
  *out.mutable_closure_due_date() = DueDate(d.closure_due);
  out.set_closure_provisional(d.closure_provisional);
  out.set_closure_overdue(domain::ClosureOverdue(d, c.closed(), now));
  out.set_closure_awaits_acceptance(d.closure_awaits_acceptance);
  for (const domain::ClosureExtension& e : d.extensions)
    *out.add_extensions() = ExtensionToProto(e);
  return out;
}

}  // namespace

absl::StatusOr<domain::Complaint> NewComplaintFromProto(const v1::Complaint& proto) {
  domain::Complaint c;
  if (!v1::ComplaintChannel_IsValid(proto.channel())) {
    return common::InvalidFieldError("complaint.channel", "is not a complaint channel");
  }
  if (!v1::ComplaintCategory_IsValid(proto.category())) {
    return common::InvalidFieldError("complaint.category", "is not a complaint category");
  }
  if (!v1::ComplaintUrgency_IsValid(proto.urgency())) {
    return common::InvalidFieldError("complaint.urgency", "is not an urgency");
  }
  c.channel = static_cast<domain::ComplaintChannel>(proto.channel());
  c.category = static_cast<domain::ComplaintCategory>(proto.category());
  c.urgency = static_cast<domain::ComplaintUrgency>(proto.urgency());
  c.external_order_number = proto.external_order_number();
  c.reporter.anonymous = proto.reporter().anonymous();
  c.reporter.name = proto.reporter().name();
  if (!proto.reporter().phone().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(
        c.reporter.phone,
        security::NormalizePhone(proto.reporter().phone(), "complaint.reporter.phone"));
  }
  c.location.address = proto.location().address();
  c.location.district_code = proto.location().district_code();
  if (proto.location().has_lat_lng()) {
    c.location.lat_lng = domain::GeoPoint{proto.location().lat_lng().latitude(),
                                          proto.location().lat_lng().longitude()};
  }
  c.description = proto.description();
  if (!proto.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(c.enterprise_uscc, domain::UsccFromEnterpriseName(
                                                    proto.enterprise(), "complaint.enterprise"));
  }
  c.attachments.assign(proto.attachments().begin(), proto.attachments().end());
  if (proto.has_intake_time()) c.deadlines.intake_time = FromTimestamp(proto.intake_time());
  return c;
}

v1::Complaint ToProto(const domain::Complaint& c, const domain::SlaRule& rule, absl::Time now) {
  v1::Complaint out;
  out.set_name(c.ResourceName());
  out.set_channel(static_cast<v1::ComplaintChannel>(c.channel));
  out.set_external_order_number(c.external_order_number);
  *out.mutable_reporter() = MaskedReporter(c.reporter);
  v1::ComplaintLocation* location = out.mutable_location();
  location->set_address(c.location.address);
  location->set_district_code(c.location.district_code);
  if (c.location.lat_lng.has_value()) {
    location->mutable_lat_lng()->set_latitude(c.location.lat_lng->latitude);
    location->mutable_lat_lng()->set_longitude(c.location.lat_lng->longitude);
  }
  out.set_category(static_cast<v1::ComplaintCategory>(c.category));
  out.set_urgency(static_cast<v1::ComplaintUrgency>(c.urgency));
  out.set_description(c.description);
  if (!c.enterprise_uscc.empty()) out.set_enterprise("enterprises/" + c.enterprise_uscc);
  for (const std::string& a : c.attachments) out.add_attachments(a);

  out.set_state(static_cast<v1::Complaint::State>(c.state));
  out.set_state_label(std::string(domain::ComplaintStateLabel(c.state)));
  if (c.acceptance.has_value()) {
    v1::Acceptance* a = out.mutable_acceptance();
    a->set_accepted(c.acceptance->accepted);
    a->set_ground(static_cast<v1::Acceptance::Ground>(c.acceptance->ground));
    a->set_reason(c.acceptance->reason);
    a->set_authority(c.acceptance->authority);
    a->set_decided_by(c.acceptance->decided_by);
    *a->mutable_decide_time() = ToTimestamp(c.acceptance->decide_time);
  }
  if (c.assignment.has_value()) *out.mutable_assignment() = AssignmentToProto(*c.assignment);
  for (const domain::RoutingEntry& r : c.routing) {
    v1::RoutingEntry* e = out.add_routing();
    if (r.from.has_value()) *e->mutable_from() = AssignmentToProto(*r.from);
    if (r.to.has_value()) *e->mutable_to() = AssignmentToProto(*r.to);
    e->set_outside_body(r.outside_body);
    e->set_reason(r.reason);
    e->set_by(r.by);
    *e->mutable_time() = ToTimestamp(r.time);
  }
  for (const domain::Findings& f : c.findings) {
    v1::Findings* e = out.add_findings();
    e->set_outcome(static_cast<v1::Findings::Outcome>(f.outcome));
    e->set_text(f.text);
    for (const std::string& link : f.links) e->add_links(link);
    e->set_recorded_by(f.recorded_by);
    *e->mutable_record_time() = ToTimestamp(f.record_time);
    e->set_round(f.round);
  }
  for (const domain::ComplaintReply& r : c.replies) {
    v1::Reply* e = out.add_replies();
    e->set_text(r.text);
    e->set_to_complaint(ComplaintName(r.to_complaint_id));
    e->set_external_order_number(r.external_order_number);
    e->set_by(r.by);
    *e->mutable_time() = ToTimestamp(r.time);
    e->set_round(r.round);
  }
  for (const domain::Revisit& r : c.revisits) {
    v1::Revisit* e = out.add_revisits();
    e->set_complaint(ComplaintName(r.complaint_id));
    e->set_satisfaction(static_cast<v1::Satisfaction>(r.satisfaction));
    e->set_handling_reason(r.handling_reason);
    e->set_note(r.note);
    e->set_by(r.by);
    *e->mutable_time() = ToTimestamp(r.time);
    e->set_round(r.round);
  }
  out.set_reopen_count(c.reopen_count);
  out.set_case_clue(c.case_clue);
  out.set_master(ComplaintName(c.master_id));
  for (const domain::LinkedComplaint& l : c.linked) {
    v1::LinkedComplaint* e = out.add_linked();
    e->set_complaint(ComplaintName(l.complaint_id));
    e->set_kind(static_cast<v1::LinkedComplaint::Kind>(l.kind));
    e->set_channel(static_cast<v1::ComplaintChannel>(l.channel));
    e->set_external_order_number(l.external_order_number);
    *e->mutable_reporter() = MaskedReporter(l.reporter);
    *e->mutable_link_time() = ToTimestamp(l.link_time);
  }
  *out.mutable_deadlines() = DeadlinesToProto(c, rule, now);
  out.set_received_by(c.received_by);
  *out.mutable_receive_time() = ToTimestamp(c.receive_time);
  *out.mutable_update_time() = ToTimestamp(c.update_time);
  if (c.closed()) *out.mutable_close_time() = ToTimestamp(c.close_time);
  out.set_etag(EtagForVersion(c.version));
  *out.mutable_intake_time() = ToTimestamp(c.deadlines.intake_time);
  return out;
}

domain::Assignment AssignmentFromProto(const v1::Assignment& proto) {
  return domain::Assignment{proto.district_code(), proto.team(), BareUsername(proto.officer())};
}

absl::StatusOr<domain::Findings> FindingsFromProto(const v1::Findings& proto,
                                                   absl::string_view field) {
  if (!v1::Findings::Outcome_IsValid(proto.outcome())) {
    return common::InvalidFieldError(absl::StrCat(field, ".outcome"), "is not an outcome");
  }
  domain::Findings f;
  f.outcome = static_cast<domain::FindingsOutcome>(proto.outcome());
  f.text = proto.text();
  f.links.assign(proto.links().begin(), proto.links().end());
  return f;
}

absl::StatusOr<domain::Revisit> RevisitFromProto(const v1::Revisit& proto,
                                                 absl::string_view field) {
  if (!v1::Satisfaction_IsValid(proto.satisfaction())) {
    return common::InvalidFieldError(absl::StrCat(field, ".satisfaction"),
                                     "is not a satisfaction level");
  }
  domain::Revisit r;
  if (!proto.complaint().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(
        r.complaint_id,
        domain::ComplaintIdFromName(proto.complaint(), absl::StrCat(field, ".complaint")));
  }
  r.satisfaction = static_cast<domain::Satisfaction>(proto.satisfaction());
  r.handling_reason = proto.handling_reason();
  r.note = proto.note();
  return r;
}

absl::StatusOr<domain::SlaLimit> SlaLimitFromProto(const v1::SlaLimit& proto,
                                                   absl::string_view field) {
  domain::SlaLimit limit;
  limit.amount = proto.amount();
  switch (proto.unit()) {
    case v1::SlaLimit::HOURS: limit.unit = domain::SlaUnit::kHours; break;
    case v1::SlaLimit::CALENDAR_DAYS: limit.unit = domain::SlaUnit::kCalendarDays; break;
    case v1::SlaLimit::WORKING_DAYS: limit.unit = domain::SlaUnit::kWorkingDays; break;
    default:
      return common::InvalidFieldError(absl::StrCat(field, ".unit"),
                                       "must be HOURS, CALENDAR_DAYS or WORKING_DAYS");
  }
  return limit;
}

v1::SlaLimit ToProto(const domain::SlaLimit& limit) {
  v1::SlaLimit out;
  out.set_amount(limit.amount);
  switch (limit.unit) {
    case domain::SlaUnit::kHours: out.set_unit(v1::SlaLimit::HOURS); break;
    case domain::SlaUnit::kCalendarDays: out.set_unit(v1::SlaLimit::CALENDAR_DAYS); break;
    case domain::SlaUnit::kWorkingDays: out.set_unit(v1::SlaLimit::WORKING_DAYS); break;
  }
  if (limit.amount > 0) out.set_display(domain::SlaLimitDisplay(limit));
  return out;
}

v1::SlaPolicy ToProto(const domain::SlaPolicy& policy) {
  v1::SlaPolicy out;
  for (const domain::SlaRow& row : policy.rows()) {
    v1::SlaRule* r = out.add_rules();
    r->set_channel(row.key.channel ? std::string(domain::ComplaintChannelName(*row.key.channel))
                                   : "*");
    r->set_category(row.key.category ? std::string(domain::ComplaintCategoryName(*row.key.category))
                                     : "*");
    r->set_urgency(row.key.urgency ? std::string(domain::ComplaintUrgencyName(*row.key.urgency))
                                   : "*");
    *r->mutable_acceptance() = ToProto(row.rule.acceptance);
    *r->mutable_closure() = ToProto(row.rule.closure);
    r->set_closure_from(row.rule.closure_from == domain::SlaAnchor::kAcceptance ? "ACCEPTANCE"
                                                                                : "INTAKE");
    *r->mutable_max_extension() = ToProto(row.rule.max_extension);
    r->set_max_extensions(row.rule.max_extensions);
    r->set_basis(row.rule.basis);
  }
  out.set_text(domain::FormatSlaPolicy(policy));
  return out;
}

v1::HolidayCalendar CalendarToProto(const domain::WorkingCalendar& calendar, int year) {
  v1::HolidayCalendar out;
  out.set_year(year);
  out.set_loaded(calendar.IsYearLoaded(year));
  out.set_source(calendar.SourceOf(year));
  for (const auto& [day, scheduled] : calendar.ScheduledDaysOf(year)) {
    v1::CalendarDay* d = out.add_days();
    *d->mutable_date() = ToDate(day);
    d->set_holiday(scheduled.kind == domain::DayKind::kHoliday);
    d->set_name(scheduled.name);
  }
  return out;
}

}  // namespace ecocase::api
