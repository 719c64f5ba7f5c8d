#include "api/complaint_service.h"

#include <grpcpp/server_context.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/complaint_alerts.h"
#include "api/complaint_convert.h"
#include "api/grpc_status.h"
#include "api/officer_check.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "api/task_alerts.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "domain/task.h"
#include "domain/text_check.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;
using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.ComplaintService/";
// The purpose of the lookup hash of a reporter's phone (FieldCipher::LookupHash).
constexpr absl::string_view kPhoneHashPurpose = "reporter_phone";
// A due-soon window beyond 60 days is a mistake, not a query.
constexpr int kMaxWithinHours = 24 * 60;
// How many candidates a repeat-report or duplicate search looks at.
constexpr int kRepeatCandidates = 20;
constexpr int kDuplicateCandidates = 500;
constexpr int kDefaultSuggestions = 10;
constexpr int kMaxSuggestions = 50;

// What the audit chain records of a complaint change: its resource, district and a digest
// of the (masked) result; never the reporter.
storage::AuditEntry ComplaintAudit(const std::string& actor, absl::string_view action,
                                   const domain::Complaint& complaint,
                                   const google::protobuf::Message& digest_of) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = complaint.ResourceName(),
          .change_digest = MessageDigest(digest_of),
          .district_code = complaint.location.district_code,
          .enterprise_uscc = ""};
}

absl::StatusOr<int64_t> VersionOf(const std::string& etag) {
  if (etag.empty()) return 0;
  return VersionFromEtag(etag, "etag");
}

}  // namespace

ComplaintServiceImpl::ComplaintServiceImpl(
    Authorizer& authorizer, storage::ComplaintRepository& complaints,
    storage::TaskRepository& tasks, storage::UserRepository& users,
    storage::MutationRunner& mutations, const domain::WorkingCalendar& calendar,
    const domain::SlaPolicy& policy, const common::Clock& clock,
    const security::FieldCipher* cipher, storage::AlertRepository& alerts, ComplaintOptions options)
    : authorizer_(authorizer),
      complaints_(complaints),
      tasks_(tasks),
      users_(users),
      mutations_(mutations),
      calendar_(calendar),
      policy_(policy),
      clock_(clock),
      cipher_(cipher),
      alerts_(alerts),
      options_(std::move(options)) {}

const domain::SlaRule& ComplaintServiceImpl::RuleFor(const domain::Complaint& complaint) const {
  return policy_.Lookup(complaint.channel, complaint.category, complaint.urgency);
}

v1::Complaint ComplaintServiceImpl::View(const domain::Complaint& complaint, absl::Time now) const {
  return ToProto(complaint, RuleFor(complaint), now);
}

absl::Status ComplaintServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request,
    absl::FunctionRef<absl::StatusOr<domain::Complaint>(storage::Tx&)> body, v1::Complaint& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Complaint complaint, body(tx));
        const absl::Time now = clock_.Now();
        if (std::optional<storage::AlertEvent> alert = ComplaintAlert(method, complaint)) {
          ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, *std::move(alert), now).status());
        }
        v1::Complaint result = View(complaint, now);
        return storage::MutationResult{
            result.SerializeAsString(),
            ComplaintAudit(caller.ResourceName(), method, complaint, result)};
      }));
  // Some changes append more than their own alert (the task verified findings issue);
  // waking the feed is cheap, so every committed change does.
  if (on_alerts_) on_alerts_();
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status ComplaintServiceImpl::Transition(grpc::ServerContext* context, Action action,
                                              absl::string_view method, const std::string& name,
                                              const std::string& etag,
                                              const std::string& request_id,
                                              const google::protobuf::Message& request,
                                              Change change, v1::Complaint& out) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller, authorizer_.Authorize(context, action));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::ComplaintIdFromName(name, "name"));
  ECOCASE_ASSIGN_OR_RETURN(int64_t version, VersionOf(etag));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunMutation(
      caller, method, request_id, request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Complaint> {
        const absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(domain::Complaint before, complaints_.Lock(tx, scope, id));
        ECOCASE_RETURN_IF_ERROR(CheckEtagVersion(before.ResourceName(), before.version, version));
        domain::Complaint after = before;
        ECOCASE_RETURN_IF_ERROR(change(caller, tx, after, now));
        return complaints_.Store(tx, before, std::move(after), now);
      },
      out);
}

// --- Intake ----------------------------------------------------------------------------------

absl::Status ComplaintServiceImpl::DoCreate(grpc::ServerContext* context,
                                            const v1::CreateComplaintRequest& request,
                                            v1::Complaint& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateComplaint));
  if (!request.has_complaint()) return common::InvalidFieldError("complaint", "is required");
  ECOCASE_ASSIGN_OR_RETURN(domain::Complaint complaint, NewComplaintFromProto(request.complaint()));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewComplaint(complaint, "complaint"));
  if (caller.role == domain::Role::kIntegration &&
      complaint.channel != domain::ComplaintChannel::k12345Transfer) {
    return common::InvalidFieldError("complaint.channel",
                                     "an integration account imports 12345 work orders only");
  }
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  if (!scope.everything &&
      !domain::JurisdictionCovers(caller.jurisdiction, complaint.location.district_code)) {
    return common::InvalidFieldError("complaint.location.district_code",
                                     "is outside your jurisdiction");
  }
  if (!complaint.reporter.anonymous) {
    if (cipher_ == nullptr) {
      return absl::FailedPreconditionError(
          "the server has no field encryption key (field_key_file or ECOCASE_FIELD_KEY), so it "
          "cannot keep a reporter's identity; register the complaint as anonymous or ask the "
          "administrator to configure the key");
    }
    complaint.reporter.identity_hash =
        cipher_->LookupHash(complaint.reporter.phone, kPhoneHashPurpose);
  }
  const std::string actor = caller.ResourceName();
  std::optional<absl::Time> given_intake;
  if (request.complaint().has_intake_time()) given_intake = complaint.deadlines.intake_time;

  // A 12345 order already registered changes nothing: the body ends with this sentinel,
  // which rolls the (empty) transaction back.
  std::optional<domain::Complaint> existing;
  absl::Status s = RunMutation(
      caller, "CreateComplaint", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Complaint> {
        existing.reset();
        const absl::Time now = clock_.Now();
        domain::Complaint received = complaint;
        domain::Receive(received, actor, now);
        const absl::Time intake = given_intake.value_or(now);
        ECOCASE_RETURN_IF_ERROR(domain::CheckIntakeTime(intake, now, "complaint.intake_time"));
        received.deadlines = domain::ComputeDeadlines(RuleFor(received), intake, calendar_);
        ECOCASE_ASSIGN_OR_RETURN(auto stored, complaints_.Create(tx, scope, std::move(received)));
        if (!stored.second) {
          existing = std::move(stored.first);
          return absl::CancelledError("already registered");
        }
        domain::Complaint created = std::move(stored.first);
        if (created.reporter.identity_hash.empty()) return created;
        // 12369 办法 art. 8(4): the same reporter on a matter already accepted is told its
        // progress, not given a second complaint.
        ECOCASE_ASSIGN_OR_RETURN(
            std::vector<domain::Complaint> candidates,
            complaints_.ListOpenByReporter(tx, created.reporter.identity_hash, kRepeatCandidates));
        for (const domain::Complaint& candidate : candidates) {
          if (candidate.id == created.id ||
              !domain::IsRepeatReport(created, candidate, options_.duplicates)) {
            continue;
          }
          ECOCASE_ASSIGN_OR_RETURN(domain::Complaint master,
                                   complaints_.Lock(tx, storage::Scope::All(), candidate.id));
          domain::Complaint master_after = master;
          domain::Complaint repeat = created;
          ECOCASE_RETURN_IF_ERROR(domain::LinkRepeatReport(master_after, repeat, actor, now));
          ECOCASE_RETURN_IF_ERROR(complaints_.Store(tx, master, master_after, now).status());
          return complaints_.Store(tx, created, std::move(repeat), now);
        }
        return created;
      },
      response);
  if (!existing.has_value()) return s;
  // The order is returned only to a caller who may see it.
  ECOCASE_ASSIGN_OR_RETURN(domain::Complaint visible, complaints_.Get(scope, existing->id));
  response = View(visible, clock_.Now());
  return absl::OkStatus();
}

grpc::Status ComplaintServiceImpl::CreateComplaint(grpc::ServerContext* context,
                                                   const v1::CreateComplaintRequest* request,
                                                   v1::Complaint* response) {
  return ToGrpcStatus(DoCreate(context, *request, *response));
}

// --- Reads -----------------------------------------------------------------------------------

grpc::Status ComplaintServiceImpl::GetComplaint(grpc::ServerContext* context,
                                                const v1::GetComplaintRequest* request,
                                                v1::Complaint* response) {
  absl::Status s = [&]() -> absl::Status {
    ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                             authorizer_.Authorize(context, Action::kGetComplaint));
    ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::ComplaintIdFromName(request->name(), "name"));
    ECOCASE_ASSIGN_OR_RETURN(domain::Complaint complaint,
                             complaints_.Get(storage::Scope::For(caller, options_.city_code), id));
    *response = View(complaint, clock_.Now());
    return absl::OkStatus();
  }();
  return ToGrpcStatus(s);
}

absl::Status ComplaintServiceImpl::DoList(grpc::ServerContext* context,
                                          const v1::ListComplaintsRequest& request,
                                          v1::ListComplaintsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListComplaints));
  const absl::Time now = clock_.Now();
  storage::ComplaintFilter filter;
  filter.now = now;
  if (!v1::Complaint::State_IsValid(request.state())) {
    return common::InvalidFieldError("state", "is not a complaint state");
  }
  if (request.state() != v1::Complaint::STATE_UNSPECIFIED) {
    filter.state = static_cast<domain::ComplaintState>(request.state());
  }
  if (!v1::ComplaintChannel_IsValid(request.channel())) {
    return common::InvalidFieldError("channel", "is not a complaint channel");
  }
  if (request.channel() != v1::COMPLAINT_CHANNEL_UNSPECIFIED) {
    filter.channel = static_cast<domain::ComplaintChannel>(request.channel());
  }
  if (!v1::ComplaintCategory_IsValid(request.category())) {
    return common::InvalidFieldError("category", "is not a complaint category");
  }
  if (request.category() != v1::COMPLAINT_CATEGORY_UNSPECIFIED) {
    filter.category = static_cast<domain::ComplaintCategory>(request.category());
  }
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code", "must be a six-digit GB/T 2260 code");
    }
    filter.district_code = request.district_code();
  }
  if (!request.assigned_officer().empty()) {
    const std::string& officer = request.assigned_officer();
    filter.assigned_officer = officer == "users/me"
                                  ? caller.username
                                  : (officer.rfind("users/", 0) == 0 ? officer.substr(6) : officer);
  }
  if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  filter.open_only = request.open_only();
  filter.overdue_only = request.overdue_only();
  filter.case_clue_only = request.case_clue_only();
  if (request.due_within_hours() < 0 || request.due_within_hours() > kMaxWithinHours) {
    return common::InvalidFieldError("due_within_hours",
                                     absl::StrCat("must be between 0 and ", kMaxWithinHours));
  }
  if (request.due_within_hours() > 0) {
    filter.due_before = now + absl::Hours(request.due_within_hours());
  }
  // Overdue and due-soon answers move with the clock, so the token is tied to the hour.
  const bool clocked = filter.overdue_only || request.due_within_hours() > 0;
  std::string query = QueryFingerprint(
      {"ListComplaints", caller.ResourceName(), absl::StrCat(static_cast<int>(request.state())),
       absl::StrCat(static_cast<int>(request.channel())),
       absl::StrCat(static_cast<int>(request.category())), filter.district_code,
       filter.assigned_officer, filter.enterprise_uscc, filter.open_only ? "open" : "",
       filter.overdue_only ? "overdue" : "", absl::StrCat(request.due_within_hours()),
       filter.case_clue_only ? "clues" : "",
       clocked ? absl::StrCat(absl::ToUnixSeconds(now) / 3600) : ""});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::ComplaintCursor> after,
                           ParseTimeIdCursor<storage::ComplaintCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Complaint> complaints,
                           complaints_.List(storage::Scope::For(caller, options_.city_code), filter,
                                            page.size + 1, after));
  const bool more = static_cast<int>(complaints.size()) > page.size;
  if (more) complaints.resize(page.size);
  for (const domain::Complaint& c : complaints) *response.add_complaints() = View(c, now);
  if (more) {
    const domain::Complaint& last = complaints.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.receive_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status ComplaintServiceImpl::ListComplaints(grpc::ServerContext* context,
                                                  const v1::ListComplaintsRequest* request,
                                                  v1::ListComplaintsResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

absl::Status ComplaintServiceImpl::DoReveal(grpc::ServerContext* context,
                                            const v1::RevealReporterRequest& request,
                                            v1::ReporterContact& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRevealReporter));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::ComplaintIdFromName(request.name(), "name"));
  const int purpose_chars = domain::CodePoints(request.purpose(), /*multiline=*/false);
  if (purpose_chars < 1 || purpose_chars > 200) {
    return common::InvalidFieldError("purpose", "must be 1-200 characters (why you need it)");
  }
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  domain::Complaint complaint;
  // The read is audited in its own transaction, and only once the audit record commits is
  // the identity handed out. No request_id: the clear values are never stored for retries.
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, "RevealReporter"), "", ""};
  ECOCASE_RETURN_IF_ERROR(
      mutations_
          .Run(key,
               [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
                 ECOCASE_ASSIGN_OR_RETURN(complaint, complaints_.Lock(tx, scope, id));
                 return storage::MutationResult{
                     "",
                     ComplaintAudit(caller.ResourceName(), "RevealReporter", complaint, request)};
               })
          .status());
  common::Log(common::LogLevel::kInfo, "reporter_revealed")
      .Str("complaint", complaint.ResourceName())
      .Str("by", caller.ResourceName())
      .Int("purpose_chars", purpose_chars);
  response.set_complaint(complaint.ResourceName());
  response.set_anonymous(complaint.reporter.anonymous);
  response.set_name(complaint.reporter.name);
  response.set_phone(complaint.reporter.phone);
  for (const domain::LinkedComplaint& l : complaint.linked) {
    v1::LinkedContact* c = response.add_linked();
    c->set_complaint(absl::StrCat("complaints/", l.complaint_id));
    c->set_anonymous(l.reporter.anonymous);
    c->set_name(l.reporter.name);
    c->set_phone(l.reporter.phone);
  }
  return absl::OkStatus();
}

grpc::Status ComplaintServiceImpl::RevealReporter(grpc::ServerContext* context,
                                                  const v1::RevealReporterRequest* request,
                                                  v1::ReporterContact* response) {
  absl::Status s = DoReveal(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

// --- Acceptance and routing ------------------------------------------------------------------

grpc::Status ComplaintServiceImpl::AcceptComplaint(grpc::ServerContext* context,
                                                   const v1::AcceptComplaintRequest* request,
                                                   v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kAcceptComplaint, "AcceptComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        ECOCASE_RETURN_IF_ERROR(domain::Accept(c, caller.ResourceName(), now));
        return domain::AnchorClosureAtAcceptance(c.deadlines, RuleFor(c), now, calendar_);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::RejectComplaint(grpc::ServerContext* context,
                                                   const v1::RejectComplaintRequest* request,
                                                   v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRejectComplaint, "RejectComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        if (request->ground() != v1::Acceptance::OUTSIDE_REMIT &&
            request->ground() != v1::Acceptance::OTHER_PROCEDURE) {
          return common::InvalidFieldError(
              "ground",
              "must be OUTSIDE_REMIT or OTHER_PROCEDURE (repeat reports are linked "
              "at intake)");
        }
        return domain::Reject(c, static_cast<domain::NotAcceptedGround>(request->ground()),
                              request->reason(), request->authority(), caller.ResourceName(), now);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::DispatchComplaint(grpc::ServerContext* context,
                                                     const v1::DispatchComplaintRequest* request,
                                                     v1::Complaint* response) {
  const domain::Assignment to = AssignmentFromProto(request->assignment());
  return ToGrpcStatus(Transition(
      context, Action::kDispatchComplaint, "DispatchComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        if (!request->has_assignment()) {
          return common::InvalidFieldError("assignment", "is required");
        }
        if (!to.officer.empty()) {
          ECOCASE_RETURN_IF_ERROR(
              CheckEnabledOfficer(users_, to.officer, "assignment.officer", to.district_code));
        }
        return domain::Dispatch(c, to, request->note(), caller.ResourceName(), now);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::RerouteComplaint(grpc::ServerContext* context,
                                                    const v1::RerouteComplaintRequest* request,
                                                    v1::Complaint* response) {
  const domain::Assignment to = AssignmentFromProto(request->assignment());
  return ToGrpcStatus(Transition(
      context, Action::kRerouteComplaint, "RerouteComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        if (!request->has_assignment()) {
          return common::InvalidFieldError("assignment", "is required");
        }
        if (!to.officer.empty()) {
          ECOCASE_RETURN_IF_ERROR(
              CheckEnabledOfficer(users_, to.officer, "assignment.officer", to.district_code));
        }
        return domain::Reroute(c, to, request->reason(), caller.ResourceName(), now);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::RouteOutComplaint(grpc::ServerContext* context,
                                                     const v1::RouteOutComplaintRequest* request,
                                                     v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRouteOutComplaint, "RouteOutComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        return domain::RouteOut(c, request->body(), request->reason(), caller.ResourceName(), now);
      },
      *response));
}

// --- Findings, reply, revisit, closure -------------------------------------------------------

absl::Status ComplaintServiceImpl::IssueFindingsTask(storage::Tx& tx, domain::Complaint& complaint,
                                                     const v1::FindingsRectification& rectification,
                                                     const std::string& actor, absl::Time now) {
  const domain::Findings* findings = complaint.current_findings();
  domain::Task task;
  task.enterprise_uscc = complaint.enterprise_uscc;
  task.source_kind = domain::TaskSourceKind::kComplaint;
  task.source = complaint.ResourceName();
  // The title and actions speak of the finding, never of who reported it.
  task.title = absl::StrCat("群众投诉核实问题整改（", complaint.ResourceName(), "）");
  task.legal_basis = rectification.legal_basis().empty()
                         ? "《中华人民共和国环境保护法》第四十二条、第六十条"
                         : rectification.legal_basis();
  if (rectification.required_actions().empty()) {
    task.required_actions = {
        absl::StrCat("针对核实情况整改：", findings != nullptr ? findings->text : ""),
        "提交整改报告及整改前后对比材料",
    };
  } else {
    task.required_actions.assign(rectification.required_actions().begin(),
                                 rectification.required_actions().end());
  }
  task.evidence_required = {"整改报告", "整改前后现场照片或监测报告"};
  task.deadline.days = rectification.deadline_days() > 0 ? rectification.deadline_days()
                                                         : options_.findings_task_days;
  task.deadline.working_days = rectification.deadline_days() > 0
                                   ? rectification.working_days()
                                   : options_.findings_task_working_days;
  if (!rectification.outlet().empty()) {
    const std::vector<std::string> parts = absl::StrSplit(rectification.outlet(), '/');
    if (parts.size() != 4 || parts[0] != "enterprises" || parts[2] != "outlets" ||
        parts[1] != complaint.enterprise_uscc) {
      return common::InvalidFieldError(
          "rectification.outlet",
          "must be enterprises/{uscc}/outlets/{code} of the complaint's enterprise");
    }
    task.outlet_code = parts[3];
  }
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewTask(task, "rectification"));
  domain::Issue(task, actor, now, calendar_);
  ECOCASE_ASSIGN_OR_RETURN(auto issued, tasks_.Issue(tx, storage::Scope::All(), task, now));
  // The enterprise hears of its new task as of any other (TASK_ISSUED); never of the reporter.
  if (issued.second) {
    ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, TaskAlert("IssueTask", issued.first), now).status());
  }
  return domain::AddFindingsLink(complaint, issued.first.ResourceName(), now);
}

absl::Status ComplaintServiceImpl::DoFindings(grpc::ServerContext* context,
                                              const v1::RecordFindingsRequest& request,
                                              v1::Complaint& response) {
  return Transition(
      context, Action::kRecordFindings, "RecordFindings", request.name(), request.etag(),
      request.request_id(), request,
      [&](const domain::Principal& caller, storage::Tx& tx, domain::Complaint& c,
          absl::Time now) -> absl::Status {
        if (!request.has_findings()) return common::InvalidFieldError("findings", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::Findings findings,
                                 FindingsFromProto(request.findings(), "findings"));
        const std::string actor = caller.ResourceName();
        ECOCASE_RETURN_IF_ERROR(domain::RecordFindings(c, std::move(findings), actor, now));
        if (domain::FollowUpFor(c).issue_rectification_task) {
          ECOCASE_RETURN_IF_ERROR(IssueFindingsTask(tx, c, request.rectification(), actor, now));
        }
        return absl::OkStatus();
      },
      response);
}

grpc::Status ComplaintServiceImpl::RecordFindings(grpc::ServerContext* context,
                                                  const v1::RecordFindingsRequest* request,
                                                  v1::Complaint* response) {
  return ToGrpcStatus(DoFindings(context, *request, *response));
}

grpc::Status ComplaintServiceImpl::ReplyComplaint(grpc::ServerContext* context,
                                                  const v1::ReplyComplaintRequest* request,
                                                  v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kReplyComplaint, "ReplyComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c,
          absl::Time now) -> absl::Status {
        return domain::Reply(c, request->text(), caller.ResourceName(), now).status();
      },
      *response));
}

grpc::Status ComplaintServiceImpl::RecordRevisit(grpc::ServerContext* context,
                                                 const v1::RecordRevisitRequest* request,
                                                 v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordRevisit, "RecordRevisit", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c,
          absl::Time now) -> absl::Status {
        if (!request->has_revisit()) return common::InvalidFieldError("revisit", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::Revisit revisit,
                                 RevisitFromProto(request->revisit(), "revisit"));
        return domain::RecordRevisit(c, std::move(revisit), caller.ResourceName(), now);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::CloseComplaint(grpc::ServerContext* context,
                                                  const v1::CloseComplaintRequest* request,
                                                  v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kCloseComplaint, "CloseComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c, absl::Time now) {
        return domain::Close(c, caller.ResourceName(), now);
      },
      *response));
}

grpc::Status ComplaintServiceImpl::ExtendComplaint(grpc::ServerContext* context,
                                                   const v1::ExtendComplaintRequest* request,
                                                   v1::Complaint* response) {
  return ToGrpcStatus(Transition(
      context, Action::kExtendComplaint, "ExtendComplaint", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const domain::Principal& caller, storage::Tx&, domain::Complaint& c,
          absl::Time now) -> absl::Status {
        if (!request->has_extra()) return common::InvalidFieldError("extra", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::SlaLimit extra,
                                 SlaLimitFromProto(request->extra(), "extra"));
        if (c.closed()) {
          return common::WithReason(
              absl::FailedPreconditionError(
                  absl::StrCat(c.ResourceName(), " is ", domain::ComplaintStateName(c.state),
                               ": a closed complaint has no deadline to extend")),
              "COMPLAINT_STATE");
        }
        ECOCASE_RETURN_IF_ERROR(domain::ExtendClosure(c.deadlines, RuleFor(c), extra,
                                                      request->reason(), caller.ResourceName(), now,
                                                      calendar_));
        c.update_time = now;
        return absl::OkStatus();
      },
      *response));
}

// --- Duplicates ------------------------------------------------------------------------------

absl::Status ComplaintServiceImpl::DoMerge(grpc::ServerContext* context,
                                           const v1::MergeComplaintRequest& request,
                                           v1::Complaint& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kMergeComplaint));
  ECOCASE_ASSIGN_OR_RETURN(int64_t master_id, domain::ComplaintIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(int64_t duplicate_id,
                           domain::ComplaintIdFromName(request.duplicate(), "duplicate"));
  if (master_id == duplicate_id) {
    return common::InvalidFieldError("duplicate", "must be another complaint than the master");
  }
  ECOCASE_ASSIGN_OR_RETURN(int64_t version, VersionOf(request.etag()));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  const std::string actor = caller.ResourceName();
  return RunMutation(
      caller, "MergeComplaint", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Complaint> {
        const absl::Time now = clock_.Now();
        // Locked in id order, so two merges of the same pair cannot deadlock.
        std::optional<domain::Complaint> master, duplicate;
        for (int64_t id : {std::min(master_id, duplicate_id), std::max(master_id, duplicate_id)}) {
          ECOCASE_ASSIGN_OR_RETURN(domain::Complaint c, complaints_.Lock(tx, scope, id));
          (id == master_id ? master : duplicate) = std::move(c);
        }
        ECOCASE_RETURN_IF_ERROR(CheckEtagVersion(master->ResourceName(), master->version, version));
        domain::Complaint master_after = *master;
        domain::Complaint duplicate_after = *duplicate;
        ECOCASE_ASSIGN_OR_RETURN(std::vector<int64_t> taken_over,
                                 domain::Merge(master_after, duplicate_after, actor, now));
        ECOCASE_RETURN_IF_ERROR(complaints_.Store(tx, *duplicate, duplicate_after, now).status());
        if (!taken_over.empty()) {
          ECOCASE_RETURN_IF_ERROR(complaints_.Repoint(tx, taken_over, master_id));
        }
        return complaints_.Store(tx, *master, std::move(master_after), now);
      },
      response);
}

grpc::Status ComplaintServiceImpl::MergeComplaint(grpc::ServerContext* context,
                                                  const v1::MergeComplaintRequest* request,
                                                  v1::Complaint* response) {
  return ToGrpcStatus(DoMerge(context, *request, *response));
}

absl::Status ComplaintServiceImpl::DoSuggest(grpc::ServerContext* context,
                                             const v1::SuggestDuplicatesRequest& request,
                                             v1::SuggestDuplicatesResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kSuggestDuplicates));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::ComplaintIdFromName(request.name(), "name"));
  if (request.max_results() < 0 || request.max_results() > kMaxSuggestions) {
    return common::InvalidFieldError("max_results",
                                     absl::StrCat("must be between 0 and ", kMaxSuggestions));
  }
  const int max_results = request.max_results() > 0 ? request.max_results() : kDefaultSuggestions;
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  ECOCASE_ASSIGN_OR_RETURN(domain::Complaint complaint, complaints_.Get(scope, id));
  const absl::Duration window = options_.duplicates.window;
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<domain::Complaint> recent,
      complaints_.ListRecent(scope, complaint.category, complaint.receive_time - window,
                             complaint.receive_time + window, kDuplicateCandidates));
  std::vector<domain::DuplicateMatch> matches =
      domain::LikelyDuplicates(complaint, recent, options_.duplicates);
  if (static_cast<int>(matches.size()) > max_results) matches.resize(max_results);
  for (const domain::DuplicateMatch& m : matches) {
    auto it = std::find_if(recent.begin(), recent.end(),
                           [&](const domain::Complaint& c) { return c.id == m.complaint_id; });
    v1::DuplicateSuggestion* s = response.add_suggestions();
    s->set_complaint(absl::StrCat("complaints/", m.complaint_id));
    s->set_same_enterprise(m.same_enterprise);
    s->set_distance_m(m.distance_m.value_or(-1));
    s->set_hours_apart(absl::ToDoubleHours(m.apart));
    s->set_score(m.score);
    if (it != recent.end()) {
      s->set_state(static_cast<v1::Complaint::State>(it->state));
      s->set_description(it->description);
    }
  }
  return absl::OkStatus();
}

grpc::Status ComplaintServiceImpl::SuggestDuplicates(grpc::ServerContext* context,
                                                     const v1::SuggestDuplicatesRequest* request,
                                                     v1::SuggestDuplicatesResponse* response) {
  absl::Status s = DoSuggest(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

// --- Policy and calendar ---------------------------------------------------------------------

grpc::Status ComplaintServiceImpl::GetSlaPolicy(grpc::ServerContext* context,
                                                const v1::GetSlaPolicyRequest*,
                                                v1::SlaPolicy* response) {
  auto caller = authorizer_.Authorize(context, Action::kGetSlaPolicy);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  *response = ToProto(policy_);
  return grpc::Status::OK;
}

grpc::Status ComplaintServiceImpl::GetHolidayCalendar(grpc::ServerContext* context,
                                                      const v1::GetHolidayCalendarRequest* request,
                                                      v1::HolidayCalendar* response) {
  auto caller = authorizer_.Authorize(context, Action::kGetHolidayCalendar);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (request->year() < 1949 || request->year() > 9999) {
    return ToGrpcStatus(common::InvalidFieldError("year", "must be a year such as 2026"));
  }
  *response = CalendarToProto(calendar_, request->year());
  return grpc::Status::OK;
}

}  // namespace ecocase::api
