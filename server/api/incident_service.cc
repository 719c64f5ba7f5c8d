#include "api/incident_service.h"

#include <grpcpp/server_context.h>

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/grpc_status.h"
#include "api/incident_convert.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.IncidentService/";
constexpr int kMaxExplanationChars = 2000;

absl::StatusOr<int64_t> IncidentIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "incidents/") || !absl::SimpleAtoi(name, &id) || id <= 0) {
    return common::InvalidFieldError(field, "must be incidents/{id}");
  }
  return id;
}

// Characters, not bytes: the explanation is Chinese text.
int Utf8Length(absl::string_view text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

IncidentServiceImpl::IncidentServiceImpl(Authorizer& authorizer,
                                         storage::IncidentRepository& incidents,
                                         storage::MutationRunner& mutations,
                                         const common::Clock& clock, std::string city_code,
                                         absl::Duration explain_window)
    : authorizer_(authorizer),
      incidents_(incidents),
      mutations_(mutations),
      clock_(clock),
      city_code_(std::move(city_code)),
      explain_window_(explain_window) {}

absl::Status IncidentServiceImpl::DoGet(grpc::ServerContext* context,
                                        const ecocase::v1::GetIncidentRequest& request,
                                        ecocase::v1::Incident& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetIncident));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, IncidentIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(storage::IncidentRecord record,
                           incidents_.Get(storage::Scope::For(caller, city_code_), id));
  response = ToProto(record, explain_window_, /*with_windows=*/true);
  return absl::OkStatus();
}

grpc::Status IncidentServiceImpl::GetIncident(grpc::ServerContext* context,
                                              const ecocase::v1::GetIncidentRequest* request,
                                              ecocase::v1::Incident* response) {
  return ToGrpcStatus(DoGet(context, *request, *response));
}

absl::Status IncidentServiceImpl::DoList(grpc::ServerContext* context,
                                         const ecocase::v1::ListIncidentsRequest& request,
                                         ecocase::v1::ListIncidentsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListIncidents));
  storage::IncidentFilter filter;
  if (!request.outlet().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                             domain::OutletRefFromName(request.outlet(), "outlet"));
    filter.enterprise_uscc = outlet.enterprise_uscc;
    filter.outlet_code = outlet.code;
  } else if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  if (!ecocase::v1::Incident::Kind_IsValid(request.kind())) {
    return common::InvalidFieldError("kind", "is not an incident kind");
  }
  filter.kind = FromProto(request.kind());
  filter.open_only = request.open_only();
  filter.case_candidates_only = request.case_candidates_only();
  filter.include_withdrawn = request.include_withdrawn();
  std::string query = QueryFingerprint(
      {"ListIncidents", caller.ResourceName(), filter.enterprise_uscc, filter.outlet_code,
       absl::StrCat(static_cast<int>(request.kind())), filter.open_only ? "open" : "",
       filter.case_candidates_only ? "candidates" : "",
       filter.include_withdrawn ? "withdrawn" : ""});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::IncidentCursor> after,
                           ParseTimeIdCursor<storage::IncidentCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<storage::IncidentRecord> records,
      incidents_.List(storage::Scope::For(caller, city_code_), filter, page.size + 1, after));
  const bool more = static_cast<int>(records.size()) > page.size;
  if (more) records.resize(page.size);
  for (const storage::IncidentRecord& r : records) {
    *response.add_incidents() = ToProto(r, explain_window_, /*with_windows=*/false);
  }
  if (more) {
    const storage::IncidentRecord& last = records.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.open_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status IncidentServiceImpl::ListIncidents(grpc::ServerContext* context,
                                                const ecocase::v1::ListIncidentsRequest* request,
                                                ecocase::v1::ListIncidentsResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

absl::Status IncidentServiceImpl::DoExplain(grpc::ServerContext* context,
                                            const ecocase::v1::ExplainIncidentRequest& request,
                                            ecocase::v1::Incident& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kExplainIncident));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, IncidentIdFromName(request.name(), "name"));
  const int chars = Utf8Length(request.explanation());
  if (chars == 0 || chars > kMaxExplanationChars) {
    return common::InvalidFieldError(
        "explanation", absl::StrCat("must be 1-", kMaxExplanationChars, " characters"));
  }
  int64_t version = 0;
  if (!request.etag().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(request.etag(), "etag"));
  }
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  const std::string actor = caller.ResourceName();
  storage::MutationKey key{actor, absl::StrCat(kService, "ExplainIncident"), request.request_id(),
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        const absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(storage::IncidentRecord after,
                                 incidents_.Explain(
                                     tx, scope, id, version,
                                     [&](const storage::IncidentRecord& locked) {
                                       return domain::evaluation::CheckExplainable(
                                           locked.ResourceName(), locked.withdrawn,
                                           locked.explain_time.has_value(), locked.open_time,
                                           explain_window_, now);
                                     },
                                     request.explanation(), actor, now));
        ecocase::v1::Incident result = ToProto(after, explain_window_, /*with_windows=*/true);
        storage::MutationResult out;
        out.response = result.SerializeAsString();
        out.audit.actor = actor;
        out.audit.action = "ExplainIncident";
        out.audit.resource = result.name();
        out.audit.change_digest = MessageDigest(result);
        out.audit.district_code = after.district_code;
        out.audit.enterprise_uscc = after.enterprise_uscc;
        return out;
      }));
  if (!response.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

grpc::Status IncidentServiceImpl::ExplainIncident(
    grpc::ServerContext* context, const ecocase::v1::ExplainIncidentRequest* request,
    ecocase::v1::Incident* response) {
  return ToGrpcStatus(DoExplain(context, *request, *response));
}

}  // namespace ecocase::api
