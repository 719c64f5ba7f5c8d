#include "api/data_mark_service.h"

#include <grpcpp/server_context.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/data_mark_convert.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace ev = domain::evaluation;
using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.DataMarkService/";

storage::AuditEntry MarkAudit(const std::string& actor, absl::string_view action,
                              const ev::DataMark& mark, const ecocase::v1::DataMark& result) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = result.name(),
          .change_digest = MessageDigest(result),
          .district_code = mark.district_code,
          .enterprise_uscc = mark.enterprise_uscc};
}

}  // namespace

DataMarkServiceImpl::DataMarkServiceImpl(Authorizer& authorizer, storage::DataMarkRepository& marks,
                                         storage::MutationRunner& mutations,
                                         const common::Clock& clock, std::string city_code,
                                         ev::DataMarkOptions options)
    : authorizer_(authorizer),
      marks_(marks),
      mutations_(mutations),
      clock_(clock),
      city_code_(std::move(city_code)),
      options_(options) {}

absl::Status DataMarkServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, absl::string_view audit_action,
    const std::string& request_id, const google::protobuf::Message& request,
    absl::FunctionRef<absl::StatusOr<ev::DataMark>(storage::Tx&)> body,
    ecocase::v1::DataMark& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(ev::DataMark mark, body(tx));
        ecocase::v1::DataMark result = ToProto(mark);
        return storage::MutationResult{
            result.SerializeAsString(),
            MarkAudit(caller.ResourceName(), audit_action, mark, result)};
      }));
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status DataMarkServiceImpl::Transition(
    const domain::Principal& caller, absl::string_view method, absl::string_view audit_action,
    const std::string& name, const std::string& etag, const std::string& request_id,
    const google::protobuf::Message& request, Change change, ecocase::v1::DataMark& out) {
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, ev::DataMarkIdFromName(name, "name"));
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, "etag"));
  }
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, method, audit_action, request_id, request,
      [&](storage::Tx& tx) -> absl::StatusOr<ev::DataMark> {
        const absl::Time now = clock_.Now();
        return marks_.Update(
            tx, scope, id, version, [&](ev::DataMark& mark) { return change(mark, now); }, now);
      },
      out);
}

// --- Create, read, list --------------------------------------------------------------------

absl::Status DataMarkServiceImpl::DoCreate(grpc::ServerContext* context,
                                           const ecocase::v1::CreateDataMarkRequest& request,
                                           ecocase::v1::DataMark& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateDataMark));
  ECOCASE_ASSIGN_OR_RETURN(ev::DataMark mark, NewDataMarkFromProto(request));
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  const std::string actor = caller.ResourceName();
  return RunMutation(
      caller, "CreateDataMark", "CreateDataMark", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<ev::DataMark> {
        // Judged against the clock of this attempt: a retry after a deadlock sees the same
        // rules at a later instant.
        const absl::Time now = clock_.Now();
        ECOCASE_RETURN_IF_ERROR(ev::ValidateNewMark(mark, now, options_));
        ev::DataMark submitted = mark;
        ev::Submit(submitted, actor, now);
        return marks_.Create(tx, scope, std::move(submitted), now);
      },
      response);
}

grpc::Status DataMarkServiceImpl::CreateDataMark(grpc::ServerContext* context,
                                                 const ecocase::v1::CreateDataMarkRequest* request,
                                                 ecocase::v1::DataMark* response) {
  return ToGrpcStatus(DoCreate(context, *request, *response));
}

absl::Status DataMarkServiceImpl::DoGet(grpc::ServerContext* context,
                                        const ecocase::v1::GetDataMarkRequest& request,
                                        ecocase::v1::DataMark& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetDataMark));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, ev::DataMarkIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(ev::DataMark mark,
                           marks_.Get(storage::Scope::For(caller, city_code_), id));
  response = ToProto(mark);
  return absl::OkStatus();
}

grpc::Status DataMarkServiceImpl::GetDataMark(grpc::ServerContext* context,
                                              const ecocase::v1::GetDataMarkRequest* request,
                                              ecocase::v1::DataMark* response) {
  return ToGrpcStatus(DoGet(context, *request, *response));
}

absl::Status DataMarkServiceImpl::DoList(grpc::ServerContext* context,
                                         const ecocase::v1::ListDataMarksRequest& request,
                                         ecocase::v1::ListDataMarksResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListDataMarks));
  storage::DataMarkFilter filter;
  if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  if (!request.outlet().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                             domain::OutletRefFromName(request.outlet(), "outlet"));
    if (!filter.enterprise_uscc.empty() && filter.enterprise_uscc != outlet.enterprise_uscc) {
      return common::InvalidFieldError("outlet", "must be an outlet of `enterprise`");
    }
    filter.enterprise_uscc = outlet.enterprise_uscc;
    filter.outlet_code = outlet.code;
  }
  if (!ecocase::v1::DataMark::State_IsValid(request.state())) {
    return common::InvalidFieldError("state", "is not a data mark state");
  }
  filter.state = FromProto(request.state());
  if (request.has_start_time()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.from, TimeFromProto(request.start_time(), "start_time"));
  }
  if (request.has_end_time()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.to, TimeFromProto(request.end_time(), "end_time"));
  }
  if (filter.from.has_value() && filter.to.has_value() && *filter.to <= *filter.from) {
    return common::InvalidFieldError("end_time", "must be after start_time");
  }
  const std::string query = QueryFingerprint(
      {"ListDataMarks", caller.ResourceName(), filter.enterprise_uscc, filter.outlet_code,
       absl::StrCat(static_cast<int>(request.state())), request.start_time().SerializeAsString(),
       request.end_time().SerializeAsString()});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::DataMarkCursor> after,
                           ParseTimeIdCursor<storage::DataMarkCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<ev::DataMark> marks,
      marks_.List(storage::Scope::For(caller, city_code_), filter, page.size + 1, after));
  const bool more = static_cast<int>(marks.size()) > page.size;
  if (more) marks.resize(page.size);
  for (const ev::DataMark& m : marks) *response.add_data_marks() = ToProto(m);
  if (more) {
    const ev::DataMark& last = marks.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.create_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status DataMarkServiceImpl::ListDataMarks(grpc::ServerContext* context,
                                                const ecocase::v1::ListDataMarksRequest* request,
                                                ecocase::v1::ListDataMarksResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

// --- Review, withdraw ----------------------------------------------------------------------

absl::Status DataMarkServiceImpl::DoReview(grpc::ServerContext* context,
                                           const ecocase::v1::ReviewDataMarkRequest& request,
                                           ecocase::v1::DataMark& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kReviewDataMark));
  ECOCASE_RETURN_IF_ERROR(ev::DataMarkIdFromName(request.name(), "name").status());
  const bool accept = request.decision() == ecocase::v1::ReviewDataMarkRequest::ACCEPT;
  if (!accept && request.decision() != ecocase::v1::ReviewDataMarkRequest::REJECT) {
    return common::InvalidFieldError("decision", "is required: ACCEPT or REJECT");
  }
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "ReviewDataMark", accept ? "AcceptDataMark" : "RejectDataMark", request.name(),
      request.etag(), request.request_id(), request,
      [&](ev::DataMark& mark, absl::Time now) {
        return accept ? ev::Accept(mark, actor, request.reason(), now)
                      : ev::Reject(mark, actor, request.reason(), now);
      },
      response);
}

grpc::Status DataMarkServiceImpl::ReviewDataMark(grpc::ServerContext* context,
                                                 const ecocase::v1::ReviewDataMarkRequest* request,
                                                 ecocase::v1::DataMark* response) {
  return ToGrpcStatus(DoReview(context, *request, *response));
}

absl::Status DataMarkServiceImpl::DoWithdraw(grpc::ServerContext* context,
                                             const ecocase::v1::WithdrawDataMarkRequest& request,
                                             ecocase::v1::DataMark& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kWithdrawDataMark));
  return Transition(
      caller, "WithdrawDataMark", "WithdrawDataMark", request.name(), request.etag(),
      request.request_id(), request,
      [](ev::DataMark& mark, absl::Time now) { return ev::Withdraw(mark, now); }, response);
}

grpc::Status DataMarkServiceImpl::WithdrawDataMark(
    grpc::ServerContext* context, const ecocase::v1::WithdrawDataMarkRequest* request,
    ecocase::v1::DataMark* response) {
  return ToGrpcStatus(DoWithdraw(context, *request, *response));
}

}  // namespace ecocase::api
