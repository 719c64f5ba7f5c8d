#include "api/case_convert.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;

std::string Sub(absl::string_view field, absl::string_view name) {
  return absl::StrCat(field, ".", name);
}

absl::StatusOr<absl::CivilDay> RequiredDate(const google::type::Date& date,
                                            absl::string_view field) {
  ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day, OptionalDate(date, field));
  if (!day) return common::InvalidFieldError(field, "is required");
  return *day;
}

// Sets the date field only when there is a day: `mutable_date` makes the field present.
template <typename MutableDate>
void SetDate(std::optional<absl::CivilDay> day, MutableDate mutable_date) {
  if (day) *mutable_date() = ToDate(*day);
}

absl::StatusOr<std::vector<domain::PenaltyItem>> PenaltiesFromProto(
    const google::protobuf::RepeatedPtrField<v1::PenaltyItem>& items, absl::string_view field) {
  std::vector<domain::PenaltyItem> out;
  for (int i = 0; i < items.size(); ++i) {
    if (!v1::PenaltyKind_IsValid(items[i].kind())) {
      return common::InvalidFieldError(absl::StrCat(field, "[", i, "].kind"),
                                       "is not a penalty kind");
    }
    out.push_back({static_cast<domain::PenaltyKind>(items[i].kind()), items[i].amount_fen()});
  }
  return out;
}

void PenaltiesToProto(const std::vector<domain::PenaltyItem>& items,
                      google::protobuf::RepeatedPtrField<v1::PenaltyItem>* out) {
  for (const domain::PenaltyItem& p : items) {
    v1::PenaltyItem* item = out->Add();
    item->set_kind(static_cast<v1::PenaltyKind>(p.kind));
    item->set_amount_fen(p.amount_fen);
    item->set_label(std::string(domain::PenaltyKindLabel(p.kind)));
  }
}

v1::CaseDeadline DeadlineToProto(const domain::RunningDeadline& d) {
  v1::CaseDeadline out;
  *out.mutable_due_time() = ToTimestamp(d.deadline.due);
  *out.mutable_due_date() = ToDate(d.deadline.due_day);
  out.set_overdue(d.deadline.overdue);
  out.set_provisional(d.deadline.provisional);
  return out;
}

v1::ReviewRecord ReviewToProto(const domain::ReviewRecord& r) {
  v1::ReviewRecord out;
  out.set_by(r.by);
  out.set_conclusion(r.conclusion);
  *out.mutable_time() = ToTimestamp(r.time);
  return out;
}

}  // namespace

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(const google::type::Date& date,
                                                           absl::string_view field) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return std::nullopt;
  ECOCASE_ASSIGN_OR_RETURN(absl::CivilDay day, FromDate(date, field));
  return day;
}

absl::StatusOr<domain::EnforcementCase> NewCaseFromProto(const v1::Case& proto) {
  domain::EnforcementCase c;
  if (!v1::CaseSource::Kind_IsValid(proto.source().kind())) {
    return common::InvalidFieldError("case.source.kind", "is not a case source kind");
  }
  c.source.kind = static_cast<domain::CaseSourceKind>(proto.source().kind());
  c.source.link = proto.source().link();
  if (!v1::PartyKind_IsValid(proto.party_kind())) {
    return common::InvalidFieldError("case.party_kind", "is not a party kind");
  }
  c.party_kind = static_cast<domain::PartyKind>(proto.party_kind());
  c.party_name = proto.party_name();
  if (!proto.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(c.enterprise_uscc,
                             domain::UsccFromEnterpriseName(proto.enterprise(), "case.enterprise"));
  }
  c.district_code = proto.district_code();
  c.summary = proto.summary();
  ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> discovered,
                           OptionalDate(proto.discovery_date(), "case.discovery_date"));
  if (discovered) c.discovery_day = *discovered;
  return c;
}

absl::StatusOr<domain::Notification> NotificationFromProto(const v1::Notification& proto,
                                                           absl::string_view field) {
  domain::Notification n;
  n.facts = proto.facts();
  ECOCASE_ASSIGN_OR_RETURN(n.proposed,
                           PenaltiesFromProto(proto.proposed(), Sub(field, "proposed")));
  n.legal_basis = proto.legal_basis();
  n.rights = proto.rights();
  ECOCASE_ASSIGN_OR_RETURN(n.received_day,
                           RequiredDate(proto.received_date(), Sub(field, "received_date")));
  return n;
}

absl::StatusOr<domain::Decision> DecisionFromProto(const v1::Decision& proto,
                                                   absl::string_view field) {
  domain::Decision d;
  if (!v1::Decision::Kind_IsValid(proto.kind())) {
    return common::InvalidFieldError(Sub(field, "kind"), "is not a decision kind");
  }
  d.kind = static_cast<domain::DecisionKind>(proto.kind());
  ECOCASE_ASSIGN_OR_RETURN(d.penalties,
                           PenaltiesFromProto(proto.penalties(), Sub(field, "penalties")));
  d.correction_orders.assign(proto.correction_orders().begin(), proto.correction_orders().end());
  d.legal_basis = proto.legal_basis();
  d.reason = proto.reason();
  return d;
}

absl::StatusOr<domain::CaseTransfer> TransferFromProto(const v1::CaseTransfer& proto,
                                                       absl::string_view field) {
  domain::CaseTransfer t;
  if (!v1::CaseTransfer::Kind_IsValid(proto.kind())) {
    return common::InvalidFieldError(Sub(field, "kind"), "is not a transfer kind");
  }
  t.kind = static_cast<domain::TransferKind>(proto.kind());
  t.receiving_body = proto.receiving_body();
  t.note = proto.note();
  t.package.assign(proto.package().begin(), proto.package().end());
  return t;
}

absl::StatusOr<domain::Service> ServiceFromProto(const v1::Service& proto,
                                                 absl::string_view field) {
  domain::Service s;
  if (!v1::Service::Method_IsValid(proto.method())) {
    return common::InvalidFieldError(Sub(field, "method"), "is not a service method");
  }
  s.method = static_cast<domain::ServiceMethod>(proto.method());
  ECOCASE_ASSIGN_OR_RETURN(s.day, RequiredDate(proto.served_date(), Sub(field, "served_date")));
  s.electronic_consent = proto.electronic_consent();
  return s;
}

absl::StatusOr<domain::Payment> PaymentFromProto(const v1::Payment& proto,
                                                 absl::string_view field) {
  domain::Payment p;
  p.amount_fen = proto.amount_fen();
  ECOCASE_ASSIGN_OR_RETURN(p.day, RequiredDate(proto.paid_date(), Sub(field, "paid_date")));
  p.receipt = proto.receipt();
  return p;
}

absl::StatusOr<domain::ExcludedPeriod> ExcludedPeriodFromProto(const v1::ExcludedPeriod& proto,
                                                               absl::string_view field) {
  domain::ExcludedPeriod p;
  if (!v1::ExcludedPeriod::Kind_IsValid(proto.kind())) {
    return common::InvalidFieldError(Sub(field, "kind"), "is not an excluded period kind");
  }
  p.kind = static_cast<domain::ExcludedPeriodKind>(proto.kind());
  ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> first,
                           OptionalDate(proto.first_date(), Sub(field, "first_date")));
  if (first) p.first = *first;
  ECOCASE_ASSIGN_OR_RETURN(p.last, OptionalDate(proto.last_date(), Sub(field, "last_date")));
  p.note = proto.note();
  return p;
}

absl::StatusOr<domain::DecisionExtension> ExtensionFromProto(const v1::DecisionExtension& proto,
                                                             absl::string_view field) {
  domain::DecisionExtension e;
  if (!v1::DecisionExtension::Approval_IsValid(proto.approval())) {
    return common::InvalidFieldError(Sub(field, "approval"), "is not an approval");
  }
  e.days = proto.days();
  e.approval = static_cast<domain::ExtensionApproval>(proto.approval());
  e.reason = proto.reason();
  return e;
}

absl::StatusOr<domain::CaseMeasure> MeasureFromProto(const v1::CaseMeasure& proto,
                                                     absl::string_view field) {
  domain::CaseMeasure m;
  if (!v1::CaseMeasure::Kind_IsValid(proto.kind())) {
    return common::InvalidFieldError(Sub(field, "kind"), "is not a measure kind");
  }
  m.kind = static_cast<domain::CaseMeasureKind>(proto.kind());
  m.document = proto.document();
  ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> start,
                           OptionalDate(proto.start_date(), Sub(field, "start_date")));
  if (start) m.start_day = *start;
  m.amount = proto.amount();
  m.note = proto.note();
  return m;
}

v1::DailyPenalty ToProto(const domain::EnforcementCase& c, const domain::CaseDailyPenalty& result) {
  const domain::DailyPenalty& penalty = result.penalty;
  v1::DailyPenalty out;
  out.set_case_(c.ResourceName());
  for (size_t i = 0; i < result.rounds.size() && i < penalty.rounds.size(); ++i) {
    v1::DailyPenalty::Round* round = out.add_rounds();
    *round->mutable_order_served_date() = ToDate(result.rounds[i].order_served_day);
    *round->mutable_reinspection_date() = ToDate(result.rounds[i].reinspection_day);
    round->set_days(penalty.rounds[i].days);
    round->set_stopped_days(penalty.rounds[i].stopped_days);
  }
  for (const domain::StoppedPeriod& p : result.stopped) {
    v1::DailyPenalty::Stopped* s = out.add_stopped();
    *s->mutable_first_date() = ToDate(p.first);
    *s->mutable_last_date() = ToDate(p.last);
    s->set_document(p.note);
  }
  out.set_total_days(penalty.total_days);
  out.set_daily_fen(penalty.daily_fen);
  out.set_total_fen(penalty.total_fen);
  return out;
}

v1::PublicDecision ToPublicProto(const domain::EnforcementCase& c) {
  v1::PublicDecision out;
  out.set_case_number(c.case_number);
  out.set_party_name(c.party_name);
  if (!c.enterprise_uscc.empty())
    out.set_enterprise(absl::StrCat("enterprises/", c.enterprise_uscc));
  out.set_district_code(c.district_code);
  out.set_summary(c.summary);
  if (c.decision) {
    PenaltiesToProto(c.decision->penalties, out.mutable_penalties());
    out.set_legal_basis(c.decision->legal_basis);
    *out.mutable_decision_date() = ToDate(c.decision->day);
  }
  return out;
}

v1::CaseClocks ToProto(const domain::CaseClockView& clocks) {
  v1::CaseClocks out;
  if (clocks.filing) *out.mutable_filing() = DeadlineToProto(*clocks.filing);
  if (clocks.decision) *out.mutable_decision() = DeadlineToProto(*clocks.decision);
  if (clocks.decision_clock) {
    out.set_decision_limit_days(clocks.decision_clock->limit_days);
    out.set_decision_days_used(clocks.decision_clock->days_used);
    out.set_decision_days_left(clocks.decision_clock->days_left);
    out.set_decision_excluded_days(clocks.decision_clock->excluded_days);
    out.set_decision_paused(clocks.decision_clock->paused);
  }
  if (clocks.service) *out.mutable_service() = DeadlineToProto(*clocks.service);
  if (clocks.payment) *out.mutable_payment() = DeadlineToProto(*clocks.payment);
  out.set_fine_fen(clocks.fine_fen);
  if (clocks.fine) {
    out.set_surcharge_fen(clocks.fine->surcharge_fen);
    out.set_paid_fen(clocks.fine->principal_paid_fen + clocks.fine->surcharge_paid_fen);
    out.set_owed_fen(clocks.fine->owed_fen);
  }
  if (clocks.transfer) *out.mutable_transfer() = DeadlineToProto(*clocks.transfer);
  out.set_overdue(clocks.overdue);
  return out;
}

v1::Case ToProto(const domain::EnforcementCase& c, const domain::CaseClockView& clocks,
                 CaseAudience audience) {
  const bool staff = audience == CaseAudience::kStaff;
  v1::Case out;
  out.set_name(c.ResourceName());
  out.set_case_number(c.case_number);
  if (staff) {
    out.mutable_source()->set_kind(static_cast<v1::CaseSource::Kind>(c.source.kind));
    out.mutable_source()->set_link(c.source.link);
  }
  out.set_party_kind(static_cast<v1::PartyKind>(c.party_kind));
  out.set_party_name(c.party_name);
  if (!c.enterprise_uscc.empty())
    out.set_enterprise(absl::StrCat("enterprises/", c.enterprise_uscc));
  out.set_district_code(c.district_code);
  out.set_summary(c.summary);
  *out.mutable_discovery_date() = ToDate(c.discovery_day);
  out.set_state(static_cast<v1::Case::State>(c.state));
  out.set_state_label(std::string(domain::CaseStateLabel(c.state)));
  if (staff) out.set_state_reason(c.state_reason);
  SetDate(c.filed_day, [&] { return out.mutable_filed_date(); });
  for (const domain::CaseOfficer& o : c.officers) {
    v1::CaseOfficer* officer = out.add_officers();
    officer->set_user(UserResourceName(o.username));
    officer->set_certificate_number(o.certificate_number);
    *officer->mutable_certificate_expiry() = ToDate(o.certificate_expiry);
  }
  if (staff) {
    for (const domain::Recusal& r : c.recusals) {
      v1::Recusal* recusal = out.add_recusals();
      recusal->set_user(UserResourceName(r.username));
      recusal->set_reason(r.reason);
      recusal->set_by(r.by);
      *recusal->mutable_time() = ToTimestamp(r.time);
    }
  }
  for (const std::string& e : c.evidence) out.add_evidence(e);
  for (const domain::Notification& n : c.notifications) {
    v1::Notification* notice = out.add_notifications();
    notice->set_facts(n.facts);
    PenaltiesToProto(n.proposed, notice->mutable_proposed());
    notice->set_legal_basis(n.legal_basis);
    notice->set_rights(n.rights);
    *notice->mutable_received_date() = ToDate(n.received_day);
    *notice->mutable_statement_end_date() = ToDate(n.statement_end_day);
    notice->set_hearing_right(n.hearing_right);
    if (n.hearing_right) {
      *notice->mutable_hearing_request_end_date() = ToDate(n.hearing_request_end_day);
    }
  }
  if (c.response) {
    out.mutable_response()->set_kind(static_cast<v1::PartyResponse::Kind>(c.response->kind));
    out.mutable_response()->set_note(c.response->note);
    *out.mutable_response()->mutable_date() = ToDate(c.response->day);
  }
  if (c.hearing) {
    v1::Hearing* h = out.mutable_hearing();
    *h->mutable_request_date() = ToDate(c.hearing->request_day);
    SetDate(c.hearing->notice_day, [&] { return h->mutable_notice_date(); });
    SetDate(c.hearing->hearing_day, [&] { return h->mutable_hearing_date(); });
    if (!c.hearing->presiding.empty()) h->set_presiding(UserResourceName(c.hearing->presiding));
    h->set_outcome(static_cast<v1::Hearing::Outcome>(c.hearing->outcome));
    h->set_record(c.hearing->record);
  }
  if (staff) {
    out.set_legal_review_flagged(c.legal_review_flagged);
    out.set_collective_discussion_flagged(c.collective_discussion_flagged);
    if (c.legal_review) *out.mutable_legal_review() = ReviewToProto(*c.legal_review);
    if (c.collective_discussion) {
      *out.mutable_collective_discussion() = ReviewToProto(*c.collective_discussion);
    }
  }
  if (c.decision) {
    v1::Decision* d = out.mutable_decision();
    d->set_kind(static_cast<v1::Decision::Kind>(c.decision->kind));
    PenaltiesToProto(c.decision->penalties, d->mutable_penalties());
    for (const std::string& order : c.decision->correction_orders) d->add_correction_orders(order);
    d->set_legal_basis(c.decision->legal_basis);
    d->set_reason(c.decision->reason);
    *d->mutable_decision_date() = ToDate(c.decision->day);
  }
  if (c.transfer) {
    v1::CaseTransfer* t = out.mutable_transfer();
    t->set_kind(static_cast<v1::CaseTransfer::Kind>(c.transfer->kind));
    t->set_receiving_body(c.transfer->receiving_body);
    t->set_note(c.transfer->note);
    *t->mutable_transfer_date() = ToDate(c.transfer->day);
    for (const std::string& doc : c.transfer->package) t->add_package(doc);
    *t->mutable_send_by_date() = ToDate(c.transfer->send_by_day);
    SetDate(c.transfer->sent_day, [&] { return t->mutable_sent_date(); });
    t->set_receipt(c.transfer->receipt);
  }
  if (c.service) {
    v1::Service* s = out.mutable_service();
    s->set_method(static_cast<v1::Service::Method>(c.service->method));
    *s->mutable_served_date() = ToDate(c.service->day);
    s->set_electronic_consent(c.service->electronic_consent);
  }
  for (const domain::Payment& p : c.payments) {
    v1::Payment* payment = out.add_payments();
    payment->set_amount_fen(p.amount_fen);
    *payment->mutable_paid_date() = ToDate(p.day);
    payment->set_receipt(p.receipt);
  }
  SetDate(c.court_enforcement_day, [&] { return out.mutable_court_enforcement_date(); });
  out.set_closure_ground(static_cast<v1::ClosureGround>(c.closure_ground));
  for (const std::string& t : c.correction_tasks) out.add_correction_tasks(t);
  for (const domain::ExcludedPeriod& p : c.excluded_periods) {
    v1::ExcludedPeriod* period = out.add_excluded_periods();
    period->set_kind(static_cast<v1::ExcludedPeriod::Kind>(p.kind));
    *period->mutable_first_date() = ToDate(p.first);
    SetDate(p.last, [&] { return period->mutable_last_date(); });
    period->set_note(p.note);
  }
  for (const domain::DecisionExtension& e : c.decision_extensions) {
    v1::DecisionExtension* extension = out.add_decision_extensions();
    extension->set_days(e.days);
    extension->set_approval(static_cast<v1::DecisionExtension::Approval>(e.approval));
    extension->set_approved_by(e.approved_by);
    *extension->mutable_approve_time() = ToTimestamp(e.approve_time);
    extension->set_reason(e.reason);
  }
  for (const domain::CaseMeasure& m : c.measures) {
    v1::CaseMeasure* measure = out.add_measures();
    measure->set_kind(static_cast<v1::CaseMeasure::Kind>(m.kind));
    measure->set_document(m.document);
    *measure->mutable_start_date() = ToDate(m.start_day);
    measure->set_amount(m.amount);
    measure->set_note(m.note);
    measure->set_label(std::string(domain::CaseMeasureKindLabel(m.kind)));
    for (int e : m.extensions) measure->add_extensions(e);
    SetDate(domain::MeasureLastDay(m, domain::MeasureLimits{}),
            [&] { return measure->mutable_last_date(); });
    SetDate(m.lifted_day, [&] { return measure->mutable_lifted_date(); });
  }
  *out.mutable_clocks() = ToProto(clocks);
  bool notified = staff;
  for (const domain::CaseEvent& e : c.timeline) {
    if (!notified && e.kind == "NOTIFY") notified = true;
    if (!notified) continue;
    v1::CaseEvent* event = out.add_timeline();
    event->set_kind(e.kind);
    event->set_state(static_cast<v1::Case::State>(e.state));
    event->set_actor(e.actor);
    *event->mutable_time() = ToTimestamp(e.time);
    // Internal notes (review conclusions, recusal reasons) stay with staff.
    if (staff || (e.kind != "LEGAL_REVIEW" && e.kind != "COLLECTIVE_DISCUSSION" &&
                  e.kind != "RECUSE" && e.kind != "FLAG_REVIEWS")) {
      event->set_note(e.note);
    }
  }
  *out.mutable_create_time() = ToTimestamp(c.create_time);
  *out.mutable_update_time() = ToTimestamp(c.update_time);
  out.set_etag(EtagForVersion(c.version));
  return out;
}

}  // namespace ecocase::api
