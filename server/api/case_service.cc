#include "api/case_service.h"

#include <grpcpp/server_context.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/case_alerts.h"
#include "api/case_convert.h"
#include "api/grpc_status.h"
#include "api/officer_check.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/case_measures.h"
#include "domain/enterprise.h"
#include "domain/task.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;
using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.CaseService/";
constexpr int kDefaultCandidates = 50;
constexpr int kMaxCandidates = 200;

storage::AuditEntry CaseAudit(const std::string& actor, absl::string_view action,
                              const domain::EnforcementCase& c,
                              const google::protobuf::Message& digest_of) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = c.ResourceName(),
          .change_digest = MessageDigest(digest_of),
          .district_code = c.district_code,
          .enterprise_uscc = c.enterprise_uscc};
}

bool IsParty(const domain::Principal& caller) { return caller.role == domain::Role::kEnterprise; }

}  // namespace

CaseServiceImpl::CaseServiceImpl(Authorizer& authorizer, storage::CaseRepository& cases,
                                 storage::TaskRepository& tasks, storage::PermitRepository& permits,
                                 storage::UserRepository& users, storage::MutationRunner& mutations,
                                 const domain::WorkingCalendar& calendar,
                                 const common::Clock& clock, storage::AlertRepository& alerts,
                                 const EvidenceLinks& evidence_links, CaseServiceOptions options)
    : authorizer_(authorizer),
      cases_(cases),
      tasks_(tasks),
      permits_(permits),
      users_(users),
      mutations_(mutations),
      calendar_(calendar),
      clock_(clock),
      alerts_(alerts),
      evidence_links_(evidence_links),
      options_(std::move(options)) {}

absl::StatusOr<domain::CaseClockView> CaseServiceImpl::Clocks(const domain::EnforcementCase& c,
                                                              absl::Time now) const {
  return domain::ComputeCaseClocks(c, now, options_.clocks, calendar_);
}

absl::StatusOr<v1::Case> CaseServiceImpl::View(const domain::EnforcementCase& c, absl::Time now,
                                               bool party) const {
  ECOCASE_ASSIGN_OR_RETURN(domain::CaseClockView clocks, Clocks(c, now));
  return ToProto(c, clocks, party ? CaseAudience::kParty : CaseAudience::kStaff);
}

absl::Status CaseServiceImpl::Transition(grpc::ServerContext* context, Action action,
                                         absl::string_view method, const std::string& name,
                                         const std::string& etag, const std::string& request_id,
                                         const google::protobuf::Message& request, Change change,
                                         v1::Case& out) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller, authorizer_.Authorize(context, action));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::CaseIdFromName(name, "name"));
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, "etag"));
  }
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  const std::string actor = caller.ResourceName();
  storage::MutationKey key{actor, absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        const absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase before, cases_.Lock(tx, scope, id));
        ECOCASE_RETURN_IF_ERROR(CheckEtagVersion(before.ResourceName(), before.version, version));
        domain::EnforcementCase after = before;
        ECOCASE_RETURN_IF_ERROR(change(actor, tx, after, now));
        ECOCASE_ASSIGN_OR_RETURN(domain::CaseClockView clocks, Clocks(after, now));
        ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase stored,
                                 cases_.Store(tx, before, std::move(after), clocks.next_due, now));
        if (std::optional<storage::AlertEvent> alert = CaseAlert(method, stored)) {
          ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, *std::move(alert), now).status());
        }
        v1::Case result = ToProto(stored, clocks, CaseAudience::kStaff);
        return storage::MutationResult{result.SerializeAsString(),
                                       CaseAudit(actor, method, stored, result)};
      }));
  if (on_alerts_) on_alerts_();
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

// --- Opening and reads -----------------------------------------------------------------------

absl::Status CaseServiceImpl::DoOpen(grpc::ServerContext* context,
                                     const v1::OpenCaseRequest& request, v1::Case& out) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kOpenCase));
  if (!request.has_case_()) return common::InvalidFieldError("case", "is required");
  ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase c, NewCaseFromProto(request.case_()));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewCase(c, "case"));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  if (!scope.everything && !domain::JurisdictionCovers(caller.jurisdiction, c.district_code)) {
    return common::InvalidFieldError("case.district_code", "is outside your jurisdiction");
  }
  // The finding must exist where the caller can see it, and concern the same party.
  absl::StatusOr<std::optional<storage::CaseCandidate>> finding =
      cases_.LookupSource(scope, c.source);
  if (absl::IsNotFound(finding.status())) {
    return common::InvalidFieldError("case.source.link",
                                     absl::StrCat(c.source.link, " does not exist"));
  }
  if (!finding.ok()) return finding.status();
  if (finding->has_value() && !(*finding)->enterprise_uscc.empty() &&
      (*finding)->enterprise_uscc != c.enterprise_uscc) {
    return common::InvalidFieldError(
        "case.enterprise",
        absl::StrCat(c.source.link, " concerns enterprises/", (*finding)->enterprise_uscc));
  }
  const std::string actor = caller.ResourceName();
  // A case already open for the same finding is returned as it is: the body ends with this
  // sentinel, which rolls the (empty) transaction back.
  std::optional<domain::EnforcementCase> existing;
  storage::MutationKey key{actor, absl::StrCat(kService, "OpenCase"), request.request_id(),
                           RequestDigest(request)};
  absl::StatusOr<std::string> bytes =
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        existing.reset();
        const absl::Time now = clock_.Now();
        domain::EnforcementCase opened = c;
        domain::OpenClue(opened, actor, now);
        ECOCASE_ASSIGN_OR_RETURN(domain::CaseClockView clocks, Clocks(opened, now));
        ECOCASE_ASSIGN_OR_RETURN(auto stored,
                                 cases_.Create(tx, scope, std::move(opened), clocks.next_due));
        if (!stored.second) {
          existing = std::move(stored.first);
          return absl::CancelledError("already open");
        }
        if (std::optional<storage::AlertEvent> alert = CaseAlert("OpenCase", stored.first)) {
          ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, *std::move(alert), now).status());
        }
        v1::Case result = ToProto(stored.first, clocks, CaseAudience::kStaff);
        return storage::MutationResult{result.SerializeAsString(),
                                       CaseAudit(actor, "OpenCase", stored.first, result)};
      });
  if (bytes.ok() && on_alerts_) on_alerts_();
  if (existing.has_value()) {
    // Returned only to a caller who may see it.
    ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase visible, cases_.Get(scope, existing->id));
    ECOCASE_ASSIGN_OR_RETURN(out, View(visible, clock_.Now(), false));
    return absl::OkStatus();
  }
  if (!bytes.ok()) return bytes.status();
  if (!out.ParseFromString(*bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

grpc::Status CaseServiceImpl::OpenCase(grpc::ServerContext* context,
                                       const v1::OpenCaseRequest* request, v1::Case* response) {
  return ToGrpcStatus(DoOpen(context, *request, *response));
}

grpc::Status CaseServiceImpl::GetCase(grpc::ServerContext* context,
                                      const v1::GetCaseRequest* request, v1::Case* response) {
  absl::Status s = [&]() -> absl::Status {
    ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                             authorizer_.Authorize(context, Action::kGetCase));
    ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::CaseIdFromName(request->name(), "name"));
    ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase c,
                             cases_.Get(storage::Scope::For(caller, options_.city_code), id));
    ECOCASE_ASSIGN_OR_RETURN(*response, View(c, clock_.Now(), IsParty(caller)));
    return absl::OkStatus();
  }();
  return ToGrpcStatus(s);
}

absl::Status CaseServiceImpl::DoList(grpc::ServerContext* context,
                                     const v1::ListCasesRequest& request,
                                     v1::ListCasesResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListCases));
  const absl::Time now = clock_.Now();
  storage::CaseFilter filter;
  filter.now = now;
  if (!v1::Case::State_IsValid(request.state())) {
    return common::InvalidFieldError("state", "is not a case state");
  }
  if (request.state() != v1::Case::STATE_UNSPECIFIED) {
    filter.state = static_cast<domain::CaseState>(request.state());
  }
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code", "must be a six-digit GB/T 2260 code");
    }
    filter.district_code = request.district_code();
  }
  if (!request.officer().empty()) {
    filter.officer =
        request.officer() == "users/me" ? caller.username : BareUsername(request.officer());
  }
  if (!v1::CaseSource::Kind_IsValid(request.source_kind())) {
    return common::InvalidFieldError("source_kind", "is not a case source kind");
  }
  if (request.source_kind() != v1::CaseSource::KIND_UNSPECIFIED) {
    filter.source_kind = static_cast<domain::CaseSourceKind>(request.source_kind());
  }
  // The party never learns where its case came from.
  if (IsParty(caller) && (filter.source_kind || !request.source_link().empty())) {
    return common::InvalidFieldError("source_link", "is not a filter open to enterprises");
  }
  filter.source_link = request.source_link();
  if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  filter.open_only = request.open_only();
  filter.overdue_only = request.overdue_only();
  const std::string query = QueryFingerprint(
      {"ListCases", caller.ResourceName(), absl::StrCat(static_cast<int>(request.state())),
       filter.district_code, filter.officer, absl::StrCat(static_cast<int>(request.source_kind())),
       filter.source_link, filter.enterprise_uscc, filter.open_only ? "open" : "",
       filter.overdue_only ? absl::StrCat("overdue", absl::ToUnixSeconds(now) / 3600) : ""});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::CaseCursor> after,
                           ParseTimeIdCursor<storage::CaseCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<domain::EnforcementCase> cases,
      cases_.List(storage::Scope::For(caller, options_.city_code), filter, page.size + 1, after));
  const bool more = static_cast<int>(cases.size()) > page.size;
  if (more) cases.resize(page.size);
  for (const domain::EnforcementCase& c : cases) {
    ECOCASE_ASSIGN_OR_RETURN(*response.add_cases(), View(c, now, IsParty(caller)));
  }
  if (more) {
    const domain::EnforcementCase& last = cases.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.create_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status CaseServiceImpl::ListCases(grpc::ServerContext* context,
                                        const v1::ListCasesRequest* request,
                                        v1::ListCasesResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

grpc::Status CaseServiceImpl::ListCaseCandidates(grpc::ServerContext* context,
                                                 const v1::ListCaseCandidatesRequest* request,
                                                 v1::ListCaseCandidatesResponse* response) {
  absl::Status s = [&]() -> absl::Status {
    ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                             authorizer_.Authorize(context, Action::kListCaseCandidates));
    if (request->page_size() < 0) {
      return common::InvalidFieldError("page_size", "may not be negative");
    }
    const int limit = request->page_size() == 0 ? kDefaultCandidates
                                                : std::min(request->page_size(), kMaxCandidates);
    ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::CaseCandidate> candidates,
                             cases_.ListCandidates(storage::Scope::For(caller, options_.city_code),
                                                   clock_.Now(), limit));
    for (const storage::CaseCandidate& c : candidates) {
      v1::CaseCandidate* out = response->add_candidates();
      out->mutable_source()->set_kind(static_cast<v1::CaseSource::Kind>(c.kind));
      out->mutable_source()->set_link(c.link);
      if (!c.enterprise_uscc.empty()) {
        out->set_enterprise(absl::StrCat("enterprises/", c.enterprise_uscc));
      }
      out->set_district_code(c.district_code);
      out->set_description(c.description);
      *out->mutable_found_time() = ToTimestamp(c.found_time);
    }
    return absl::OkStatus();
  }();
  return ToGrpcStatus(s);
}

// --- Officers and filing ---------------------------------------------------------------------

grpc::Status CaseServiceImpl::AssignCaseOfficer(grpc::ServerContext* context,
                                                const v1::AssignCaseOfficerRequest* request,
                                                v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kAssignCaseOfficer, "AssignCaseOfficer", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(
            std::string username,
            domain::UsernameFromName(UserResourceName(request->user()), "user"));
        ECOCASE_ASSIGN_OR_RETURN(domain::User user,
                                 CheckCertifiedEnforcer(users_, username, "user", c.district_code,
                                                        common::RegulatoryDay(now)));
        return domain::AssignOfficer(c,
                                     domain::CaseOfficer{user.username, user.certificate->number,
                                                         user.certificate->valid_until},
                                     actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecuseCaseOfficer(grpc::ServerContext* context,
                                                const v1::RecuseCaseOfficerRequest* request,
                                                v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecuseCaseOfficer, "RecuseCaseOfficer", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::Recuse(c, BareUsername(request->user()), request->reason(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::FileCase(grpc::ServerContext* context,
                                       const v1::FileCaseRequest* request, v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kFileCase, "FileCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx& tx, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> end,
                                 OptionalDate(request->violation_end_date(), "violation_end_date"));
        if (!end) return common::InvalidFieldError("violation_end_date", "is required");
        const int year = static_cast<int>(common::RegulatoryDay(now).year());
        // Checked before the number is taken, so a refused filing leaves no trace; a number
        // taken by a filing that fails later is given back by the rollback.
        domain::EnforcementCase trial = c;
        ECOCASE_RETURN_IF_ERROR(
            domain::File(trial, "pending", *end, request->harms_life_or_health(), actor, now));
        ECOCASE_ASSIGN_OR_RETURN(int64_t seq, cases_.NextCaseSeq(tx, year));
        ECOCASE_ASSIGN_OR_RETURN(std::string number,
                                 domain::FormatCaseNumber(options_.case_number_pattern, year, seq));
        return domain::File(c, number, *end, request->harms_life_or_health(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::NotFileCase(grpc::ServerContext* context,
                                          const v1::NotFileCaseRequest* request,
                                          v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kNotFileCase, "NotFileCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::NotFile(c, request->reason(), actor, now);
      },
      *response));
}

// --- Investigation and review ----------------------------------------------------------------

grpc::Status CaseServiceImpl::StartInvestigation(grpc::ServerContext* context,
                                                 const v1::StartInvestigationRequest* request,
                                                 v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kStartInvestigation, "StartInvestigation", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::StartInvestigation(c, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::AttachCaseEvidence(grpc::ServerContext* context,
                                                 const v1::AttachCaseEvidenceRequest* request,
                                                 v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kAttachCaseEvidence, "AttachCaseEvidence", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string&, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        // The procedure's gate first, then what is cited.
        ECOCASE_RETURN_IF_ERROR(domain::AddEvidence(c, request->evidence(), now));
        return evidence_links_.CheckLinkable(request->evidence(), c.district_code);
      },
      *response));
}

grpc::Status CaseServiceImpl::SubmitForReview(grpc::ServerContext* context,
                                              const v1::SubmitForReviewRequest* request,
                                              v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kSubmitForReview, "SubmitForReview", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::SubmitForReview(c, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ReturnForInvestigation(
    grpc::ServerContext* context, const v1::ReturnForInvestigationRequest* request,
    v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kReturnForInvestigation, "ReturnForInvestigation", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::ReturnForInvestigation(c, request->reasons(), actor, now);
      },
      *response));
}

// --- Notification and hearing ----------------------------------------------------------------

grpc::Status CaseServiceImpl::NotifyParty(grpc::ServerContext* context,
                                          const v1::NotifyPartyRequest* request,
                                          v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kNotifyParty, "NotifyParty", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_notification()) {
          return common::InvalidFieldError("notification", "is required");
        }
        ECOCASE_ASSIGN_OR_RETURN(domain::Notification n,
                                 NotificationFromProto(request->notification(), "notification"));
        return domain::Notify(c, std::move(n), options_.rules, calendar_, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordPartyResponse(grpc::ServerContext* context,
                                                  const v1::RecordPartyResponseRequest* request,
                                                  v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordPartyResponse, "RecordPartyResponse", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!v1::PartyResponse::Kind_IsValid(request->kind())) {
          return common::InvalidFieldError("kind", "is not a response kind");
        }
        return domain::RecordResponse(c, static_cast<domain::ResponseKind>(request->kind()),
                                      request->note(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RequestHearing(grpc::ServerContext* context,
                                             const v1::RequestHearingRequest* request,
                                             v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRequestHearing, "RequestHearing", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day,
                                 OptionalDate(request->request_date(), "request_date"));
        return domain::RequestHearing(c, day.value_or(common::RegulatoryDay(now)), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ScheduleHearing(grpc::ServerContext* context,
                                              const v1::ScheduleHearingRequest* request,
                                              v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kScheduleHearing, "ScheduleHearing", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(absl::CivilDay notice,
                                 FromDate(request->notice_date(), "notice_date"));
        ECOCASE_ASSIGN_OR_RETURN(absl::CivilDay hearing,
                                 FromDate(request->hearing_date(), "hearing_date"));
        return domain::ScheduleHearing(c, notice, hearing, request->presiding(), calendar_, actor,
                                       now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordHearing(grpc::ServerContext* context,
                                            const v1::RecordHearingRequest* request,
                                            v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordHearing, "RecordHearing", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!v1::Hearing::Outcome_IsValid(request->outcome())) {
          return common::InvalidFieldError("outcome", "is not a hearing outcome");
        }
        return domain::RecordHearing(c, static_cast<domain::HearingOutcome>(request->outcome()),
                                     request->record(), actor, now);
      },
      *response));
}

// --- Reviews and the decision ----------------------------------------------------------------

grpc::Status CaseServiceImpl::FlagReviews(grpc::ServerContext* context,
                                          const v1::FlagReviewsRequest* request,
                                          v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kFlagReviews, "FlagReviews", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::FlagReviews(c, request->legal_review(), request->collective_discussion(),
                                   actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordLegalReview(grpc::ServerContext* context,
                                                const v1::RecordReviewRequest* request,
                                                v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordLegalReview, "RecordLegalReview", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::RecordLegalReview(c, request->conclusion(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordCollectiveDiscussion(grpc::ServerContext* context,
                                                         const v1::RecordReviewRequest* request,
                                                         v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordCollectiveDiscussion, "RecordCollectiveDiscussion", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::RecordCollectiveDiscussion(c, request->conclusion(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::DecideCase(grpc::ServerContext* context,
                                         const v1::DecideCaseRequest* request, v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kDecideCase, "DecideCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_decision()) return common::InvalidFieldError("decision", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::Decision d,
                                 DecisionFromProto(request->decision(), "decision"));
        return domain::Decide(c, std::move(d), options_.rules, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::TransferCase(grpc::ServerContext* context,
                                           const v1::TransferCaseRequest* request,
                                           v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kTransferCase, "TransferCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_transfer()) return common::InvalidFieldError("transfer", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::CaseTransfer t,
                                 TransferFromProto(request->transfer(), "transfer"));
        return domain::Transfer(c, std::move(t), actor, now);
      },
      *response));
}

// --- Service, execution and closure ----------------------------------------------------------

absl::Status CaseServiceImpl::IssueCorrectionTask(storage::Tx& tx, domain::EnforcementCase& c,
                                                  int days, const std::string& actor,
                                                  absl::Time now) {
  if (!c.decision || c.decision->correction_orders.empty() || c.enterprise_uscc.empty()) {
    return absl::OkStatus();
  }
  domain::Task task;
  task.enterprise_uscc = c.enterprise_uscc;
  task.source_kind = domain::TaskSourceKind::kCaseDecision;
  task.source = c.ResourceName();
  task.title = absl::StrCat("行政处罚决定责令改正（", c.case_number, "）");
  task.legal_basis =
      c.decision->legal_basis.substr(0, std::min<size_t>(c.decision->legal_basis.size(), 1500));
  task.required_actions = c.decision->correction_orders;
  task.evidence_required = {"整改报告", "整改前后现场照片或监测报告"};
  task.deadline.days = days;
  task.deadline.working_days = false;
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewTask(task, "decision"));
  domain::Issue(task, actor, now, calendar_);
  ECOCASE_ASSIGN_OR_RETURN(auto issued, tasks_.Issue(tx, storage::Scope::All(), task, now));
  const std::string link = issued.first.ResourceName();
  if (std::find(c.correction_tasks.begin(), c.correction_tasks.end(), link) ==
      c.correction_tasks.end()) {
    c.correction_tasks.push_back(link);
  }
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::RevokePermits(storage::Tx& tx, domain::EnforcementCase& c,
                                            const std::string& actor, absl::Time now) {
  if (!domain::RevokesPermit(c) || c.enterprise_uscc.empty()) return absl::OkStatus();
  ECOCASE_ASSIGN_OR_RETURN(domain::PermitHolder holder,
                           permits_.LockHolder(tx, storage::Scope::All(), c.enterprise_uscc));
  for (const domain::PermitHolder::InForce& in_force : holder.in_force) {
    ECOCASE_ASSIGN_OR_RETURN(
        storage::LockedPermit locked,
        permits_.Lock(tx, storage::Scope::All(), {c.enterprise_uscc, in_force.permit_number}, 0));
    ECOCASE_ASSIGN_OR_RETURN(
        domain::PermitEdit edit,
        domain::Revoke(locked.permit, absl::StrCat("行政处罚决定吊销（", c.case_number, "）"),
                       c.ResourceName(), now));
    ECOCASE_RETURN_IF_ERROR(permits_.Save(tx, locked.holder, edit, now).status());
    ECOCASE_RETURN_IF_ERROR(domain::NotePermitRevoked(
        c, absl::StrCat("enterprises/", c.enterprise_uscc, "/permits/", in_force.permit_number),
        actor, now));
  }
  return absl::OkStatus();
}

grpc::Status CaseServiceImpl::ServeDecision(grpc::ServerContext* context,
                                            const v1::ServeDecisionRequest* request,
                                            v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kServeDecision, "ServeDecision", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx& tx, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_service()) return common::InvalidFieldError("service", "is required");
        if (request->correction_days() < 0 || request->correction_days() > 365) {
          return common::InvalidFieldError("correction_days", "must be 0 (default) to 365");
        }
        ECOCASE_ASSIGN_OR_RETURN(domain::Service s,
                                 ServiceFromProto(request->service(), "service"));
        ECOCASE_RETURN_IF_ERROR(domain::Serve(c, std::move(s), actor, now));
        ECOCASE_RETURN_IF_ERROR(RevokePermits(tx, c, actor, now));
        return IssueCorrectionTask(tx, c,
                                   request->correction_days() > 0 ? request->correction_days()
                                                                  : options_.correction_task_days,
                                   actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordPayment(grpc::ServerContext* context,
                                            const v1::RecordPaymentRequest* request,
                                            v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordCasePayment, "RecordPayment", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_payment()) return common::InvalidFieldError("payment", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::Payment p,
                                 PaymentFromProto(request->payment(), "payment"));
        return domain::RecordPayment(c, std::move(p), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::RecordCourtEnforcement(
    grpc::ServerContext* context, const v1::RecordCourtEnforcementRequest* request,
    v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordCourtEnforcement, "RecordCourtEnforcement", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(absl::CivilDay day,
                                 FromDate(request->accepted_date(), "accepted_date"));
        return domain::RecordCourtEnforcement(c, day, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::CloseCase(grpc::ServerContext* context,
                                        const v1::CloseCaseRequest* request, v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kCloseCase, "CloseCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!v1::ClosureGround_IsValid(request->ground())) {
          return common::InvalidFieldError("ground", "is not a closure ground");
        }
        // A fine is performed only with its late surcharge as of today.
        ECOCASE_ASSIGN_OR_RETURN(domain::CaseClockView clocks, Clocks(c, now));
        const int64_t surcharge = clocks.fine ? clocks.fine->surcharge_fen : 0;
        return domain::Close(c, static_cast<domain::ClosureGround>(request->ground()), surcharge,
                             request->note(), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ArchiveCase(grpc::ServerContext* context,
                                          const v1::ArchiveCaseRequest* request,
                                          v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kArchiveCase, "ArchiveCase", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::Archive(c, actor, now);
      },
      *response));
}

// --- The decision clock ----------------------------------------------------------------------

grpc::Status CaseServiceImpl::PauseDecisionClock(grpc::ServerContext* context,
                                                 const v1::PauseDecisionClockRequest* request,
                                                 v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kPauseDecisionClock, "PauseDecisionClock", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_period()) return common::InvalidFieldError("period", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::ExcludedPeriod p,
                                 ExcludedPeriodFromProto(request->period(), "period"));
        return domain::PauseDecisionClock(c, std::move(p), actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ResumeDecisionClock(grpc::ServerContext* context,
                                                  const v1::ResumeDecisionClockRequest* request,
                                                  v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kResumeDecisionClock, "ResumeDecisionClock", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> last,
                                 OptionalDate(request->last_date(), "last_date"));
        return domain::ResumeDecisionClock(c, last, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ExtendDecisionClock(grpc::ServerContext* context,
                                                  const v1::ExtendDecisionClockRequest* request,
                                                  v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kExtendDecisionClock, "ExtendDecisionClock", request->name(),
      request->etag(), request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_extension()) {
          return common::InvalidFieldError("extension", "is required");
        }
        ECOCASE_ASSIGN_OR_RETURN(domain::DecisionExtension e,
                                 ExtensionFromProto(request->extension(), "extension"));
        return domain::ExtendDecisionClock(c, std::move(e), options_.clocks, calendar_, actor, now);
      },
      *response));
}

// --- Measures, the daily penalty and the transfer package ------------------------------------

grpc::Status CaseServiceImpl::ImposeMeasure(grpc::ServerContext* context,
                                            const v1::ImposeMeasureRequest* request,
                                            v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kImposeMeasure, "ImposeMeasure", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        if (!request->has_measure()) return common::InvalidFieldError("measure", "is required");
        ECOCASE_ASSIGN_OR_RETURN(domain::CaseMeasure m,
                                 MeasureFromProto(request->measure(), "measure"));
        return domain::ImposeMeasure(c, std::move(m), options_.measures, actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::ExtendMeasure(grpc::ServerContext* context,
                                            const v1::ExtendMeasureRequest* request,
                                            v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kExtendMeasure, "ExtendMeasure", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c, absl::Time now) {
        return domain::ExtendCaseMeasure(c, request->index(), request->amount(), options_.measures,
                                         actor, now);
      },
      *response));
}

grpc::Status CaseServiceImpl::LiftMeasure(grpc::ServerContext* context,
                                          const v1::LiftMeasureRequest* request,
                                          v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kLiftMeasure, "LiftMeasure", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day,
                                 OptionalDate(request->lifted_date(), "lifted_date"));
        return domain::LiftMeasure(c, request->index(), day.value_or(common::RegulatoryDay(now)),
                                   actor, now);
      },
      *response));
}

absl::Status CaseServiceImpl::DoDailyPenalty(grpc::ServerContext* context,
                                             const v1::GetDailyPenaltyRequest& request,
                                             v1::DailyPenalty& out) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetDailyPenalty));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::CaseIdFromName(request.name(), "name"));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase c, cases_.Get(scope, id));
  // The correction tasks' re-inspections, as the task service recorded them.
  std::vector<domain::CorrectionReinspection> found;
  for (const std::string& link : c.correction_tasks) {
    ECOCASE_ASSIGN_OR_RETURN(int64_t task_id, domain::TaskIdFromName(link, "correction_tasks"));
    ECOCASE_ASSIGN_OR_RETURN(domain::Task task, tasks_.Get(storage::Scope::All(), task_id));
    domain::AppendCorrectionReinspections(task, found);
  }
  const absl::CivilDay today = common::RegulatoryDay(clock_.Now());
  ECOCASE_ASSIGN_OR_RETURN(
      domain::CaseDailyPenalty penalty,
      domain::ComputeCaseDailyPenalty(c, found, options_.measures, options_.daily_penalty, today));
  out = ToProto(c, penalty);
  return absl::OkStatus();
}

grpc::Status CaseServiceImpl::GetDailyPenalty(grpc::ServerContext* context,
                                              const v1::GetDailyPenaltyRequest* request,
                                              v1::DailyPenalty* response) {
  return ToGrpcStatus(DoDailyPenalty(context, *request, *response));
}

grpc::Status CaseServiceImpl::RecordTransferSent(grpc::ServerContext* context,
                                                 const v1::RecordTransferSentRequest* request,
                                                 v1::Case* response) {
  return ToGrpcStatus(Transition(
      context, Action::kRecordTransferSent, "RecordTransferSent", request->name(), request->etag(),
      request->request_id(), *request,
      [&](const std::string& actor, storage::Tx&, domain::EnforcementCase& c,
          absl::Time now) -> absl::Status {
        ECOCASE_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day,
                                 OptionalDate(request->sent_date(), "sent_date"));
        return domain::RecordTransferSent(c, day.value_or(common::RegulatoryDay(now)),
                                          request->receipt(), actor, now);
      },
      *response));
}

// --- Public decisions ------------------------------------------------------------------------

absl::Status CaseServiceImpl::DoPublicDecisions(const v1::ListPublicDecisionsRequest& request,
                                                v1::ListPublicDecisionsResponse& out) {
  storage::CaseFilter filter;
  filter.public_only = true;
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code", "must be a six-digit GB/T 2260 code");
    }
    filter.district_code = request.district_code();
  }
  const std::string query = QueryFingerprint({"ListPublicDecisions", filter.district_code});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::CaseCursor> after,
                           ParseTimeIdCursor<storage::CaseCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::EnforcementCase> cases,
                           cases_.List(storage::Scope::All(), filter, page.size + 1, after));
  const bool more = static_cast<int>(cases.size()) > page.size;
  if (more) cases.resize(page.size);
  for (const domain::EnforcementCase& c : cases) *out.add_decisions() = ToPublicProto(c);
  if (more) {
    const domain::EnforcementCase& last = cases.back();
    out.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.create_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status CaseServiceImpl::ListPublicDecisions(grpc::ServerContext*,
                                                  const v1::ListPublicDecisionsRequest* request,
                                                  v1::ListPublicDecisionsResponse* response) {
  // Public by law (行政处罚法 art. 48): no token and no Authorize call.
  absl::Status s = DoPublicDecisions(*request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

}  // namespace ecocase::api
