#include "api/permit_service.h"

#include <grpcpp/server_context.h>

#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/grpc_status.h"
#include "api/incident_convert.h"
#include "api/pagination.h"
#include "api/permit_convert.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.PermitService/";
constexpr int kMaxWithinDays = 3660;
// GetPermitStatus lists at most this many open incidents.
constexpr int kStatusIncidents = 50;
constexpr size_t kMaxCaseNameLength = 64;

storage::AuditEntry PermitAudit(const std::string& actor, absl::string_view action,
                                const domain::Permit& permit, const ecocase::v1::Permit& result) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = result.name(),
          .change_digest = MessageDigest(result),
          .district_code = permit.holder_district_code,
          .enterprise_uscc = permit.enterprise_uscc};
}

absl::StatusOr<absl::CivilDay> RequiredDate(bool present, const google::type::Date& date,
                                            absl::string_view field) {
  if (!present) return common::InvalidFieldError(field, "is required");
  return FromDate(date, field);
}

// `cases/{id}`: the case whose decision revokes a permit.
absl::Status ValidateCaseName(absl::string_view name) {
  if (name.empty()) return absl::OkStatus();
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "cases/") || id.empty() || absl::StrContains(id, '/') ||
      name.size() > kMaxCaseNameLength) {
    return common::InvalidFieldError("case", "must be `cases/{id}`");
  }
  return absl::OkStatus();
}

}  // namespace

PermitServiceImpl::PermitServiceImpl(Authorizer& authorizer, storage::PermitRepository& permits,
                                     storage::TaskRepository& tasks,
                                     storage::IncidentRepository& incidents,
                                     storage::MutationRunner& mutations, const common::Clock& clock,
                                     PermitOptions options)
    : authorizer_(authorizer),
      permits_(permits),
      tasks_(tasks),
      incidents_(incidents),
      mutations_(mutations),
      clock_(clock),
      options_(std::move(options)) {}

absl::Status PermitServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request,
    absl::FunctionRef<absl::StatusOr<domain::Permit>(storage::Tx&)> body,
    ecocase::v1::Permit& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Permit permit, body(tx));
        ecocase::v1::Permit result = ToProto(permit);
        return storage::MutationResult{result.SerializeAsString(),
                                       PermitAudit(caller.ResourceName(), method, permit, result)};
      }));
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status PermitServiceImpl::Transition(const domain::Principal& caller,
                                           absl::string_view method, const std::string& name,
                                           absl::string_view name_field, const std::string& etag,
                                           absl::string_view etag_field,
                                           const std::string& request_id,
                                           const google::protobuf::Message& request, Decide decide,
                                           ecocase::v1::Permit& out) {
  ECOCASE_ASSIGN_OR_RETURN(domain::PermitKey key, domain::ParsePermitName(name, name_field));
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, etag_field));
  }
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunMutation(
      caller, method, request_id, request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Permit> {
        absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(storage::LockedPermit locked,
                                 permits_.Lock(tx, scope, key, version));
        ECOCASE_ASSIGN_OR_RETURN(domain::PermitEdit edit, decide(locked, now));
        return permits_.Save(tx, locked.holder, edit, now);
      },
      out);
}

// --- Create, read, list, update ----------------------------------------------------------

absl::Status PermitServiceImpl::DoCreate(grpc::ServerContext* context,
                                         const ecocase::v1::CreatePermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreatePermit));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc,
                           domain::UsccFromEnterpriseName(request.parent(), "parent"));
  const ecocase::v1::Permit& permit = request.permit();
  ECOCASE_ASSIGN_OR_RETURN(
      domain::PermitNumber number,
      domain::ParsePermitNumber(permit.permit_number(), "permit.permit_number"));
  if (number.uscc != uscc) {
    return common::InvalidFieldError("permit.permit_number",
                                     "must begin with the unified social credit code of `parent`");
  }
  ECOCASE_ASSIGN_OR_RETURN(
      absl::CivilDay valid_from,
      RequiredDate(permit.has_valid_from(), permit.valid_from(), "permit.valid_from"));
  ECOCASE_ASSIGN_OR_RETURN(
      absl::CivilDay valid_until,
      RequiredDate(permit.has_valid_until(), permit.valid_until(), "permit.valid_until"));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateValidity(valid_from, valid_until, "permit"));
  std::vector<domain::PermitLimit> limits = LimitsFromProto(permit.limits());
  ECOCASE_RETURN_IF_ERROR(domain::ValidateLimits(limits, "permit.limits"));
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  return RunMutation(
      caller, "CreatePermit", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Permit> {
        ECOCASE_ASSIGN_OR_RETURN(domain::PermitHolder holder, permits_.LockHolder(tx, scope, uscc));
        ECOCASE_ASSIGN_OR_RETURN(domain::Permit draft,
                                 domain::NewDraft(number, holder, valid_from, valid_until, limits,
                                                  options_.issuing_authority, "permit.limits"));
        return permits_.Save(tx, holder, domain::PermitEdit{draft, std::nullopt, true},
                             clock_.Now());
      },
      response);
}

grpc::Status PermitServiceImpl::CreatePermit(grpc::ServerContext* context,
                                             const ecocase::v1::CreatePermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoCreate(context, *request, *response));
}

grpc::Status PermitServiceImpl::GetPermit(grpc::ServerContext* context,
                                          const ecocase::v1::GetPermitRequest* request,
                                          ecocase::v1::Permit* response) {
  auto caller = authorizer_.Authorize(context, Action::kGetPermit);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto key = domain::ParsePermitName(request->name(), "name");
  if (!key.ok()) return ToGrpcStatus(key.status());
  auto permit = permits_.Get(storage::Scope::For(*caller, options_.city_code), *key);
  if (!permit.ok()) return ToGrpcStatus(permit.status());
  *response = ToProto(*permit);
  return grpc::Status::OK;
}

absl::Status PermitServiceImpl::DoList(grpc::ServerContext* context,
                                       const ecocase::v1::ListPermitsRequest& request,
                                       ecocase::v1::ListPermitsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListPermits));
  storage::PermitFilter filter;
  if (!request.parent().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.parent(), "parent"));
  }
  if (request.state() != ecocase::v1::Permit::STATE_UNSPECIFIED) {
    filter.state = FromProto(request.state());
    if (!filter.state.has_value())
      return common::InvalidFieldError("state", "is not a known state");
  }
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code", "must be a GB/T 2260 code of 6 digits");
    }
    filter.district_code = request.district_code();
  }
  std::string query =
      QueryFingerprint({"ListPermits", caller.ResourceName(), filter.enterprise_uscc,
                        absl::StrCat(request.state()), filter.district_code});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  // One more than asked tells whether another page follows.
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Permit> permits,
                           permits_.List(storage::Scope::For(caller, options_.city_code), filter,
                                         page.size + 1, page.after));
  bool more = static_cast<int>(permits.size()) > page.size;
  if (more) permits.resize(page.size);
  for (const domain::Permit& p : permits) *response.add_permits() = ToProto(p);
  if (more) response.set_next_page_token(MakePageToken(query, permits.back().permit_number));
  return absl::OkStatus();
}

grpc::Status PermitServiceImpl::ListPermits(grpc::ServerContext* context,
                                            const ecocase::v1::ListPermitsRequest* request,
                                            ecocase::v1::ListPermitsResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

absl::Status PermitServiceImpl::DoUpdate(grpc::ServerContext* context,
                                         const ecocase::v1::UpdatePermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUpdatePermit));
  const ecocase::v1::Permit& permit = request.permit();
  ECOCASE_RETURN_IF_ERROR(domain::ParsePermitName(permit.name(), "permit.name").status());
  if (request.update_mask().paths().empty()) {
    return common::InvalidFieldError("update_mask", "name at least one field to change");
  }
  domain::DraftPatch patch;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "valid_from") {
      ECOCASE_ASSIGN_OR_RETURN(
          patch.valid_from,
          RequiredDate(permit.has_valid_from(), permit.valid_from(), "permit.valid_from"));
    } else if (path == "valid_until") {
      ECOCASE_ASSIGN_OR_RETURN(
          patch.valid_until,
          RequiredDate(permit.has_valid_until(), permit.valid_until(), "permit.valid_until"));
    } else if (path == "limits") {
      std::vector<domain::PermitLimit> limits = LimitsFromProto(permit.limits());
      ECOCASE_RETURN_IF_ERROR(domain::ValidateLimits(limits, "permit.limits"));
      patch.limits = std::move(limits);
    } else {
      return common::InvalidFieldError(
          "update_mask",
          absl::StrCat("`", path, "` cannot be changed (valid_from, valid_until, limits can)"));
    }
  }
  return Transition(
      caller, "UpdatePermit", permit.name(), "permit.name", permit.etag(), "permit.etag",
      request.request_id(), request,
      [&](const storage::LockedPermit& locked, absl::Time) {
        return domain::EditDraft(locked.permit, locked.holder, patch, "permit");
      },
      response);
}

grpc::Status PermitServiceImpl::UpdatePermit(grpc::ServerContext* context,
                                             const ecocase::v1::UpdatePermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoUpdate(context, *request, *response));
}

// --- Transitions -------------------------------------------------------------------------

grpc::Status PermitServiceImpl::IssuePermit(grpc::ServerContext* context,
                                            const ecocase::v1::IssuePermitRequest* request,
                                            ecocase::v1::Permit* response) {
  auto caller = authorizer_.Authorize(context, Action::kIssuePermit);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(Transition(
      *caller, "IssuePermit", request->name(), "name", request->etag(), "etag",
      request->request_id(), *request,
      [&](const storage::LockedPermit& locked, absl::Time now) {
        return domain::Issue(locked.permit, locked.holder, now);
      },
      *response));
}

absl::Status PermitServiceImpl::DoChange(grpc::ServerContext* context,
                                         const ecocase::v1::ChangePermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kChangePermit));
  ECOCASE_RETURN_IF_ERROR(domain::ParsePermitName(request.name(), "name").status());
  std::vector<domain::PermitLimit> limits = LimitsFromProto(request.limits());
  if (limits.empty()) return common::InvalidFieldError("limits", "name the complete new set");
  ECOCASE_RETURN_IF_ERROR(domain::ValidateLimits(limits, "limits"));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateText(request.note(), "note", /*required=*/true));
  std::optional<absl::Time> effective;
  if (request.has_effective_time()) effective = FromTimestamp(request.effective_time());
  return Transition(
      caller, "ChangePermit", request.name(), "name", request.etag(), "etag", request.request_id(),
      request,
      [&](const storage::LockedPermit& locked, absl::Time now) {
        return domain::Change(locked.permit, locked.holder, limits, effective, request.note(), now);
      },
      response);
}

grpc::Status PermitServiceImpl::ChangePermit(grpc::ServerContext* context,
                                             const ecocase::v1::ChangePermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoChange(context, *request, *response));
}

absl::Status PermitServiceImpl::DoRenew(grpc::ServerContext* context,
                                        const ecocase::v1::RenewPermitRequest& request,
                                        ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRenewPermit));
  ECOCASE_RETURN_IF_ERROR(domain::ParsePermitName(request.name(), "name").status());
  ECOCASE_ASSIGN_OR_RETURN(
      absl::CivilDay valid_until,
      RequiredDate(request.has_valid_until(), request.valid_until(), "valid_until"));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateText(request.note(), "note", /*required=*/false));
  return Transition(
      caller, "RenewPermit", request.name(), "name", request.etag(), "etag", request.request_id(),
      request,
      [&](const storage::LockedPermit& locked, absl::Time now) {
        return domain::Renew(locked.permit, valid_until, request.note(), now);
      },
      response);
}

grpc::Status PermitServiceImpl::RenewPermit(grpc::ServerContext* context,
                                            const ecocase::v1::RenewPermitRequest* request,
                                            ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoRenew(context, *request, *response));
}

absl::Status PermitServiceImpl::DoRevoke(grpc::ServerContext* context,
                                         const ecocase::v1::RevokePermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRevokePermit));
  ECOCASE_RETURN_IF_ERROR(domain::ParsePermitName(request.name(), "name").status());
  ECOCASE_RETURN_IF_ERROR(domain::ValidateText(request.reason(), "reason", /*required=*/true));
  ECOCASE_RETURN_IF_ERROR(ValidateCaseName(request.case_()));
  return Transition(
      caller, "RevokePermit", request.name(), "name", request.etag(), "etag", request.request_id(),
      request,
      [&](const storage::LockedPermit& locked, absl::Time now) {
        return domain::Revoke(locked.permit, request.reason(), request.case_(), now);
      },
      response);
}

grpc::Status PermitServiceImpl::RevokePermit(grpc::ServerContext* context,
                                             const ecocase::v1::RevokePermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoRevoke(context, *request, *response));
}

absl::Status PermitServiceImpl::DoCancel(grpc::ServerContext* context,
                                         const ecocase::v1::CancelPermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCancelPermit));
  ECOCASE_RETURN_IF_ERROR(domain::ParsePermitName(request.name(), "name").status());
  ECOCASE_RETURN_IF_ERROR(domain::ValidateText(request.reason(), "reason", /*required=*/true));
  return Transition(
      caller, "CancelPermit", request.name(), "name", request.etag(), "etag", request.request_id(),
      request,
      [&](const storage::LockedPermit& locked, absl::Time now) {
        return domain::Cancel(locked.permit, request.reason(), now);
      },
      response);
}

grpc::Status PermitServiceImpl::CancelPermit(grpc::ServerContext* context,
                                             const ecocase::v1::CancelPermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoCancel(context, *request, *response));
}

absl::Status PermitServiceImpl::DoImport(grpc::ServerContext* context,
                                         const ecocase::v1::ImportPermitRequest& request,
                                         ecocase::v1::Permit& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kImportPermit));
  const ecocase::v1::Permit& permit = request.permit();
  domain::ImportRecord record;
  ECOCASE_ASSIGN_OR_RETURN(
      record.number, domain::ParsePermitNumber(permit.permit_number(), "permit.permit_number"));
  ECOCASE_ASSIGN_OR_RETURN(
      record.valid_from,
      RequiredDate(permit.has_valid_from(), permit.valid_from(), "permit.valid_from"));
  ECOCASE_ASSIGN_OR_RETURN(
      record.valid_until,
      RequiredDate(permit.has_valid_until(), permit.valid_until(), "permit.valid_until"));
  ECOCASE_RETURN_IF_ERROR(
      domain::ValidateValidity(record.valid_from, record.valid_until, "permit"));
  record.limits = LimitsFromProto(permit.limits());
  ECOCASE_RETURN_IF_ERROR(domain::ValidateLimits(record.limits, "permit.limits"));
  const bool has_issue_time = request.has_issue_time();
  const absl::Time requested_issue_time =
      has_issue_time ? FromTimestamp(request.issue_time()) : absl::InfinitePast();
  const domain::PermitKey key{record.number.uscc, record.number.number};
  storage::Scope scope = storage::Scope::For(caller, options_.city_code);

  // The same record again changes nothing: no new version and no audit record. The body
  // then ends with this sentinel, which rolls the (empty) transaction back.
  std::optional<domain::Permit> unchanged;
  absl::Status s = RunMutation(
      caller, "ImportPermit", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Permit> {
        unchanged.reset();
        absl::Time now = clock_.Now();
        record.issue_time = has_issue_time ? requested_issue_time : now;
        // The holder first: it serialises concurrent imports of the same number.
        auto holder = permits_.LockHolder(tx, scope, key.uscc);
        if (absl::IsNotFound(holder.status())) {
          return absl::NotFoundError(absl::StrCat(
              "enterprises/", key.uscc,
              " not found: register the enterprise and its outlets before importing its permits"));
        }
        if (!holder.ok()) return holder.status();
        auto locked = permits_.Lock(tx, scope, key, 0);
        if (locked.ok()) {
          ECOCASE_ASSIGN_OR_RETURN(
              std::optional<domain::PermitEdit> edit,
              domain::ImportExisting(locked->permit, locked->holder, record, now));
          if (!edit.has_value()) {
            unchanged = locked->permit;
            return absl::CancelledError("unchanged");
          }
          return permits_.Save(tx, locked->holder, *edit, now);
        }
        if (!absl::IsNotFound(locked.status())) return locked.status();
        ECOCASE_ASSIGN_OR_RETURN(
            domain::PermitEdit edit,
            domain::ImportNew(record, *holder, options_.issuing_authority, now));
        return permits_.Save(tx, *holder, edit, now);
      },
      response);
  if (unchanged.has_value()) {
    response = ToProto(*unchanged);
    return absl::OkStatus();
  }
  return s;
}

grpc::Status PermitServiceImpl::ImportPermit(grpc::ServerContext* context,
                                             const ecocase::v1::ImportPermitRequest* request,
                                             ecocase::v1::Permit* response) {
  return ToGrpcStatus(DoImport(context, *request, *response));
}

// --- Reads -------------------------------------------------------------------------------

grpc::Status PermitServiceImpl::ListPermitVersions(
    grpc::ServerContext* context, const ecocase::v1::ListPermitVersionsRequest* request,
    ecocase::v1::ListPermitVersionsResponse* response) {
  auto caller = authorizer_.Authorize(context, Action::kListPermitVersions);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto key = domain::ParsePermitName(request->name(), "name");
  if (!key.ok()) return ToGrpcStatus(key.status());
  auto versions = permits_.ListVersions(storage::Scope::For(*caller, options_.city_code), *key);
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  for (const domain::PermitVersion& v : *versions) *response->add_versions() = ToProto(v);
  return grpc::Status::OK;
}

absl::Status PermitServiceImpl::DoLimitInForce(grpc::ServerContext* context,
                                               const ecocase::v1::GetLimitInForceRequest& request,
                                               ecocase::v1::LimitInForce& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetLimitInForce));
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                           domain::OutletRefFromName(request.outlet(), "outlet"));
  ECOCASE_RETURN_IF_ERROR(
      domain::ValidatePollutantCode(request.pollutant_code(), "pollutant_code"));
  absl::Time t = request.has_time() ? FromTimestamp(request.time()) : clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(
      storage::LimitInForce found,
      permits_.FindLimitInForce(storage::Scope::For(caller, options_.city_code),
                                outlet.enterprise_uscc, outlet.code, request.pollutant_code(), t));
  response.set_permit(domain::PermitName(found.enterprise_uscc, found.permit_number));
  response.set_version(found.version);
  *response.mutable_limit() = ToProto(found.limit);
  return absl::OkStatus();
}

grpc::Status PermitServiceImpl::GetLimitInForce(grpc::ServerContext* context,
                                                const ecocase::v1::GetLimitInForceRequest* request,
                                                ecocase::v1::LimitInForce* response) {
  return ToGrpcStatus(DoLimitInForce(context, *request, *response));
}

absl::Status PermitServiceImpl::DoStatus(grpc::ServerContext* context,
                                         const ecocase::v1::GetPermitStatusRequest& request,
                                         ecocase::v1::PermitStatus& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetPermitStatus));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc,
                           domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  ECOCASE_ASSIGN_OR_RETURN(storage::EnterprisePermits found,
                           permits_.ListForEnterprise(scope, uscc));
  const absl::Time now = clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(storage::TaskCounts tasks,
                           tasks_.CountOpenAndOverdue(scope, found.uscc, now));
  const absl::CivilDay today = common::RegulatoryDay(now);
  response.set_enterprise(absl::StrCat("enterprises/", found.uscc));
  response.set_enterprise_display_name(found.display_name);
  bool in_force = false;
  for (const domain::Permit& p : domain::SitePermits(std::move(found.permits))) {
    ecocase::v1::PermitStatus::SitePermit* site = response.add_permits();
    *site->mutable_permit() = ToProto(p);
    site->set_days_to_expiry(domain::DaysToExpiry(p.valid_until, today));
    in_force = in_force || p.state == domain::PermitState::kInForce;
  }
  response.set_has_permit_in_force(in_force);
  response.set_open_tasks(static_cast<int32_t>(tasks.open));
  response.set_overdue_tasks(static_cast<int32_t>(tasks.overdue));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::IncidentRecord> incidents,
                           incidents_.ListOpenForEnterprise(scope, found.uscc, kStatusIncidents));
  for (const storage::IncidentRecord& r : incidents) {
    *response.add_open_incidents() = ToProto(r, options_.explain_window, /*with_windows=*/false);
  }
  return absl::OkStatus();
}

grpc::Status PermitServiceImpl::GetPermitStatus(grpc::ServerContext* context,
                                                const ecocase::v1::GetPermitStatusRequest* request,
                                                ecocase::v1::PermitStatus* response) {
  absl::Status s = DoStatus(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

absl::Status PermitServiceImpl::DoExpiring(grpc::ServerContext* context,
                                           const ecocase::v1::ListExpiringPermitsRequest& request,
                                           ecocase::v1::ListPermitsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListExpiringPermits));
  if (request.within_days() < 0 || request.within_days() > kMaxWithinDays) {
    return common::InvalidFieldError("within_days",
                                     absl::StrCat("must be between 0 and ", kMaxWithinDays));
  }
  const int within =
      request.within_days() == 0 ? options_.default_expiring_within_days : request.within_days();
  std::string query =
      QueryFingerprint({"ListExpiringPermits", caller.ResourceName(), absl::StrCat(within)});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  std::optional<storage::PermitRepository::ExpiringKey> after;
  if (!page.after.empty()) {
    std::pair<std::string, std::string> parts = absl::StrSplit(page.after, absl::MaxSplits('/', 1));
    absl::CivilDay day;
    if (!absl::ParseCivilTime(parts.first, &day) || parts.second.empty()) {
      return common::InvalidFieldError(
          "page_token", "is not a token of this query; start again without page_token");
    }
    after = storage::PermitRepository::ExpiringKey{day, parts.second};
  }
  const absl::CivilDay today = common::RegulatoryDay(clock_.Now());
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Permit> permits,
                           permits_.ListExpiring(storage::Scope::For(caller, options_.city_code),
                                                 today + within, page.size + 1, after));
  bool more = static_cast<int>(permits.size()) > page.size;
  if (more) permits.resize(page.size);
  for (const domain::Permit& p : permits) *response.add_permits() = ToProto(p);
  if (more) {
    const domain::Permit& last = permits.back();
    response.set_next_page_token(MakePageToken(
        query, absl::StrCat(absl::FormatCivilTime(last.valid_until), "/", last.permit_number)));
  }
  return absl::OkStatus();
}

grpc::Status PermitServiceImpl::ListExpiringPermits(
    grpc::ServerContext* context, const ecocase::v1::ListExpiringPermitsRequest* request,
    ecocase::v1::ListPermitsResponse* response) {
  absl::Status s = DoExpiring(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

grpc::Status PermitServiceImpl::GetPublicPermit(grpc::ServerContext*,
                                                const ecocase::v1::GetPublicPermitRequest* request,
                                                ecocase::v1::PublicPermit* response) {
  // Public by law (条例 art. 23): no token and no Authorize call.
  auto number = domain::ParsePermitNumber(request->permit_number(), "permit_number");
  if (!number.ok()) return ToGrpcStatus(number.status());
  auto view = permits_.GetPublic(number->number);
  if (!view.ok()) return ToGrpcStatus(view.status());
  *response = ToPublicProto(*view);
  return grpc::Status::OK;
}

// --- Expiry ------------------------------------------------------------------------------

absl::StatusOr<int> PermitExpiry::ExpireDue(int batch) {
  const absl::Time now = clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::PermitKey> due,
                           permits_.ListDueForExpiry(common::RegulatoryDay(now), batch));
  domain::Principal system;
  system.username = "system";
  const std::string actor = system.ResourceName();
  int expired = 0;
  absl::Status first_error;
  for (const domain::PermitKey& key : due) {
    bool not_due = false;
    storage::MutationKey mutation{actor, absl::StrCat(kService, "ExpirePermit"), "", ""};
    auto result =
        mutations_.Run(mutation, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
          not_due = false;
          ECOCASE_ASSIGN_OR_RETURN(storage::LockedPermit locked,
                                   permits_.Lock(tx, storage::Scope::All(), key, 0));
          // Renewed, cancelled or expired by another replica since it was listed.
          if (!domain::DueForExpiry(locked.permit, now)) {
            not_due = true;
            return absl::CancelledError("no longer due");
          }
          ECOCASE_ASSIGN_OR_RETURN(domain::PermitEdit edit, domain::Expire(locked.permit, now));
          ECOCASE_ASSIGN_OR_RETURN(domain::Permit saved,
                                   permits_.Save(tx, locked.holder, edit, now));
          ecocase::v1::Permit proto = ToProto(saved);
          return storage::MutationResult{"", PermitAudit(actor, "ExpirePermit", saved, proto)};
        });
    if (result.ok()) {
      ++expired;
      common::Log(common::LogLevel::kInfo, "permit_expired")
          .Str("permit", domain::PermitName(key.uscc, key.permit_number));
    } else if (!not_due) {
      common::Log(common::LogLevel::kWarning, "permit_expiry_failed")
          .Str("permit", domain::PermitName(key.uscc, key.permit_number))
          .Str("error", result.status().message());
      if (first_error.ok()) first_error = result.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return expired;
}

}  // namespace ecocase::api
