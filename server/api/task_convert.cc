#include "api/task_convert.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "domain/user.h"

namespace ecocase::api {
namespace {

// The enums of domain/task.h carry the proto's numbers (see there); the casts below rely
// on it and unknown numbers read as UNSPECIFIED.
template <typename To, typename From>
To SameNumber(From value, int max) {
  int n = static_cast<int>(value);
  return n >= 0 && n <= max ? static_cast<To>(n) : static_cast<To>(0);
}

ecocase::v1::Deadline ToProto(const domain::TaskDeadline& deadline) {
  ecocase::v1::Deadline d;
  d.set_days(deadline.days);
  d.set_working_days(deadline.working_days);
  return d;
}

}  // namespace

ecocase::v1::Task::State ToProto(domain::TaskState state) {
  return SameNumber<ecocase::v1::Task::State>(state, ecocase::v1::Task::State_MAX);
}

std::optional<domain::TaskState> FromProto(ecocase::v1::Task::State state) {
  if (state == ecocase::v1::Task::STATE_UNSPECIFIED) return std::nullopt;
  return SameNumber<domain::TaskState>(state, static_cast<int>(domain::TaskState::kCancelled));
}

ecocase::v1::Task ToProto(const domain::Task& task, absl::Time now) {
  ecocase::v1::Task t;
  t.set_name(task.ResourceName());
  t.set_enterprise(absl::StrCat("enterprises/", task.enterprise_uscc));
  if (!task.outlet_code.empty()) {
    t.set_outlet(absl::StrCat("enterprises/", task.enterprise_uscc, "/outlets/", task.outlet_code));
  }
  t.set_source_kind(SameNumber<ecocase::v1::Task::SourceKind>(task.source_kind,
                                                              ecocase::v1::Task::SourceKind_MAX));
  t.set_source(task.source);
  t.set_title(task.title);
  t.set_legal_basis(task.legal_basis);
  for (const std::string& a : task.required_actions) t.add_required_actions(a);
  for (const std::string& e : task.evidence_required) t.add_evidence_required(e);
  *t.mutable_deadline() = ToProto(task.deadline);
  *t.mutable_due_date() = ToDate(task.due_day);
  *t.mutable_due_time() = ToTimestamp(task.due_time);
  t.set_due_provisional(task.due_provisional);
  t.set_state(ToProto(task.state));
  t.set_overdue(task.OverdueAt(now));
  t.set_refused(task.refused);
  if (task.rectification.has_value()) {
    ecocase::v1::Rectification* r = t.mutable_rectification();
    r->set_report(task.rectification->report);
    for (const std::string& e : task.rectification->evidence) r->add_evidence(e);
    r->set_submitted_by(task.rectification->submitted_by);
    *r->mutable_submit_time() = ToTimestamp(task.rectification->submit_time);
  }
  for (const domain::Reinspection& in : task.reinspections) {
    ecocase::v1::Reinspection* r = t.add_reinspections();
    r->set_kind(
        SameNumber<ecocase::v1::Reinspection::Kind>(in.kind, ecocase::v1::Reinspection::Kind_MAX));
    for (const std::string& o : in.officers) r->add_officers(UserResourceName(o));
    *r->mutable_date() = ToDate(in.date);
    r->set_outcome(SameNumber<ecocase::v1::Reinspection::Outcome>(
        in.outcome, ecocase::v1::Reinspection::Outcome_MAX));
    r->set_findings(in.findings);
    *r->mutable_record_time() = ToTimestamp(in.record_time);
  }
  if (task.extension.has_value()) {
    const domain::TaskExtension& in = *task.extension;
    ecocase::v1::Extension* x = t.mutable_extension();
    x->set_reason(in.reason);
    *x->mutable_extra() = ToProto(in.extra);
    x->set_state(
        SameNumber<ecocase::v1::Extension::State>(in.state, ecocase::v1::Extension::State_MAX));
    x->set_requested_by(in.requested_by);
    x->set_decided_by(in.decided_by);
    x->set_decision_note(in.decision_note);
  }
  t.set_state_reason(task.state_reason);
  t.set_issued_by(task.issued_by);
  *t.mutable_issue_time() = ToTimestamp(task.issue_time);
  *t.mutable_update_time() = ToTimestamp(task.update_time);
  t.set_etag(EtagForVersion(task.version));
  return t;
}

domain::TaskDeadline DeadlineFromProto(const ecocase::v1::Deadline& deadline) {
  return domain::TaskDeadline{deadline.days(), deadline.working_days()};
}

absl::StatusOr<domain::Task> NewTaskFromProto(const ecocase::v1::Task& task) {
  domain::Task t;
  ECOCASE_ASSIGN_OR_RETURN(t.enterprise_uscc,
                           domain::UsccFromEnterpriseName(task.enterprise(), "task.enterprise"));
  if (!task.outlet().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                             domain::OutletRefFromName(task.outlet(), "task.outlet"));
    if (outlet.enterprise_uscc != t.enterprise_uscc) {
      return common::InvalidFieldError("task.outlet", "must be an outlet of `task.enterprise`");
    }
    t.outlet_code = outlet.code;
  }
  t.source_kind = SameNumber<domain::TaskSourceKind>(
      task.source_kind(), static_cast<int>(domain::TaskSourceKind::kPermitReview));
  t.source = task.source();
  t.title = task.title();
  t.legal_basis = task.legal_basis();
  t.required_actions.assign(task.required_actions().begin(), task.required_actions().end());
  t.evidence_required.assign(task.evidence_required().begin(), task.evidence_required().end());
  if (!task.has_deadline()) return common::InvalidFieldError("task.deadline", "is required");
  t.deadline = DeadlineFromProto(task.deadline());
  return t;
}

domain::Rectification RectificationFromProto(const ecocase::v1::Rectification& rectification) {
  domain::Rectification r;
  r.report = rectification.report();
  r.evidence.assign(rectification.evidence().begin(), rectification.evidence().end());
  return r;
}

absl::StatusOr<domain::Reinspection> ReinspectionFromProto(
    const ecocase::v1::Reinspection& reinspection, absl::string_view prefix) {
  domain::Reinspection r;
  r.kind = SameNumber<domain::ReinspectionKind>(
      reinspection.kind(), static_cast<int>(domain::ReinspectionKind::kNonSite));
  r.outcome = SameNumber<domain::ReinspectionOutcome>(
      reinspection.outcome(), static_cast<int>(domain::ReinspectionOutcome::kObstructed));
  for (int i = 0; i < reinspection.officers_size(); ++i) {
    ECOCASE_ASSIGN_OR_RETURN(std::string username,
                             domain::UsernameFromName(UserResourceName(reinspection.officers(i)),
                                                      absl::StrCat(prefix, ".officers[", i, "]")));
    r.officers.push_back(std::move(username));
  }
  if (!reinspection.has_date()) {
    return common::InvalidFieldError(absl::StrCat(prefix, ".date"), "is required");
  }
  ECOCASE_ASSIGN_OR_RETURN(r.date, FromDate(reinspection.date(), absl::StrCat(prefix, ".date")));
  r.findings = reinspection.findings();
  return r;
}

domain::TaskExtension ExtensionFromProto(const ecocase::v1::Extension& extension) {
  domain::TaskExtension x;
  x.reason = extension.reason();
  x.extra = DeadlineFromProto(extension.extra());
  return x;
}

}  // namespace ecocase::api
