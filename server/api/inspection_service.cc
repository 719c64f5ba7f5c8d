#include "api/inspection_service.h"

#include <grpcpp/server_context.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/grpc_status.h"
#include "api/inspection_convert.h"
#include "api/officer_check.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "domain/evidence.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;
using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.InspectionService/";
// The contract's page size limit (1-200), below the general maximum.
constexpr int kMaxInspectionPageSize = 200;

storage::AuditEntry InspectionAudit(const std::string& actor, absl::string_view action,
                                    const domain::InspectionRecord& r,
                                    const google::protobuf::Message& digest_of) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = r.ResourceName(),
          .change_digest = MessageDigest(digest_of),
          .district_code = r.district_code,
          .enterprise_uscc = r.enterprise_uscc};
}

}  // namespace

InspectionServiceImpl::InspectionServiceImpl(Authorizer& authorizer,
                                             storage::InspectionRepository& inspections,
                                             storage::EvidenceRepository& evidence,
                                             storage::UserRepository& users,
                                             storage::EnterpriseRepository& enterprises,
                                             storage::MutationRunner& mutations,
                                             const common::Clock& clock, std::string city_code)
    : authorizer_(authorizer),
      inspections_(inspections),
      evidence_(evidence),
      users_(users),
      enterprises_(enterprises),
      mutations_(mutations),
      clock_(clock),
      city_code_(std::move(city_code)) {}

absl::Status InspectionServiceImpl::FillOfficers(domain::InspectionRecord& record, absl::Time now) {
  if (record.officers.empty() ||
      record.officers.size() > static_cast<size_t>(domain::kMaxInspectionOfficers)) {
    return common::InvalidFieldError("record.officers",
                                     absl::StrCat("must name 1-", domain::kMaxInspectionOfficers,
                                                  " officers (2 or more to sign)"));
  }
  const absl::CivilDay today = common::RegulatoryDay(now);
  for (size_t i = 0; i < record.officers.size(); ++i) {
    domain::InspectionOfficer& o = record.officers[i];
    ECOCASE_ASSIGN_OR_RETURN(
        domain::User user,
        CheckCertifiedEnforcer(users_, o.username, absl::StrCat("record.officers[", i, "].user"),
                               record.district_code, today));
    o.display_name = user.display_name.empty() ? user.username : user.display_name;
    o.certificate_number = user.certificate->number;
  }
  return absl::OkStatus();
}

absl::Status InspectionServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request,
    absl::FunctionRef<absl::StatusOr<domain::InspectionRecord>(storage::Tx&)> body,
    v1::InspectionRecord& out) {
  const std::string actor = caller.ResourceName();
  storage::MutationKey key{actor, absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord stored, body(tx));
        v1::InspectionRecord result = ToProto(stored);
        return storage::MutationResult{result.SerializeAsString(),
                                       InspectionAudit(actor, method, stored, result)};
      }));
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status InspectionServiceImpl::Transition(
    const domain::Principal& caller, absl::string_view method, const std::string& name,
    absl::string_view name_field, const std::string& etag, const std::string& request_id,
    const google::protobuf::Message& request, Change change, v1::InspectionRecord& out) {
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::InspectionIdFromName(name, name_field));
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, "etag"));
  }
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, method, request_id, request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::InspectionRecord> {
        const absl::Time now = clock_.Now();
        ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord record, inspections_.Lock(tx, scope, id));
        ECOCASE_RETURN_IF_ERROR(CheckEtagVersion(record.ResourceName(), record.version, version));
        ECOCASE_RETURN_IF_ERROR(change(tx, record, now));
        return inspections_.Store(tx, std::move(record));
      },
      out);
}

// --- Drafting and reads ----------------------------------------------------------------------

absl::Status InspectionServiceImpl::DoCreate(grpc::ServerContext* context,
                                             const v1::CreateInspectionRecordRequest& request,
                                             v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateInspectionRecord));
  if (!request.has_record()) return common::InvalidFieldError("record", "is required");
  ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord record,
                           DraftFromProto(request.record(), "record"));
  // The caller drafts as one of the officers who were there.
  if (std::none_of(
          record.officers.begin(), record.officers.end(),
          [&](const domain::InspectionOfficer& o) { return o.username == caller.username; })) {
    return common::InvalidFieldError("record.officers",
                                     absl::StrCat("must include you (", caller.ResourceName(),
                                                  "): a record is drafted by one "
                                                  "of its officers"));
  }
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  if (!record.enterprise_uscc.empty()) {
    // The enterprise's district is the record's; outside the caller's scope it is NOT_FOUND.
    ECOCASE_ASSIGN_OR_RETURN(domain::Enterprise enterprise,
                             enterprises_.Get(scope, record.enterprise_uscc));
    record.district_code = enterprise.district_code;
  } else {
    if (!domain::IsDistrictCode(record.district_code)) {
      return common::InvalidFieldError("record.district_code",
                                       "is required without an enterprise: a six-digit GB/T 2260 "
                                       "code, e.g. 410802");
    }
    if (!scope.everything &&
        !domain::JurisdictionCovers(caller.jurisdiction, record.district_code)) {
      return common::InvalidFieldError("record.district_code", "is outside your jurisdiction");
    }
  }
  const absl::Time checked_at = clock_.Now();
  ECOCASE_RETURN_IF_ERROR(FillOfficers(record, checked_at));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateDraft(record, "record", checked_at));
  const std::string actor = caller.ResourceName();
  return RunMutation(
      caller, "CreateInspectionRecord", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::InspectionRecord> {
        domain::InspectionRecord draft = record;
        domain::CreateDraft(draft, actor, clock_.Now());
        return inspections_.Create(tx, std::move(draft));
      },
      response);
}

grpc::Status InspectionServiceImpl::CreateInspectionRecord(
    grpc::ServerContext* context, const v1::CreateInspectionRecordRequest* request,
    v1::InspectionRecord* response) {
  return ToGrpcStatus(DoCreate(context, *request, *response));
}

absl::Status InspectionServiceImpl::DoGet(grpc::ServerContext* context,
                                          const v1::GetInspectionRecordRequest& request,
                                          v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetInspectionRecord));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::InspectionIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord record,
                           inspections_.Get(storage::Scope::For(caller, city_code_), id));
  response = ToProto(record);
  return absl::OkStatus();
}

grpc::Status InspectionServiceImpl::GetInspectionRecord(
    grpc::ServerContext* context, const v1::GetInspectionRecordRequest* request,
    v1::InspectionRecord* response) {
  absl::Status s = DoGet(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

absl::Status InspectionServiceImpl::DoList(grpc::ServerContext* context,
                                           const v1::ListInspectionRecordsRequest& request,
                                           v1::ListInspectionRecordsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListInspectionRecords));
  storage::InspectionFilter filter;
  if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  if (!v1::InspectionRecord::State_IsValid(request.state())) {
    return common::InvalidFieldError("state", "is not a state of a record");
  }
  filter.state = FromProto(request.state());
  const std::string query =
      QueryFingerprint({"ListInspectionRecords", caller.ResourceName(), filter.enterprise_uscc,
                        absl::StrCat(static_cast<int>(request.state()))});
  ECOCASE_ASSIGN_OR_RETURN(Page page,
                           ParsePage(std::min(request.page_size(), kMaxInspectionPageSize),
                                     request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::InspectionCursor> after,
                           ParseTimeIdCursor<storage::InspectionCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<domain::InspectionRecord> records,
      inspections_.List(storage::Scope::For(caller, city_code_), filter, page.size + 1, after));
  const bool more = static_cast<int>(records.size()) > page.size;
  if (more) records.resize(page.size);
  for (const domain::InspectionRecord& r : records) *response.add_records() = ToProto(r);
  if (more) {
    const domain::InspectionRecord& last = records.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.create_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status InspectionServiceImpl::ListInspectionRecords(
    grpc::ServerContext* context, const v1::ListInspectionRecordsRequest* request,
    v1::ListInspectionRecordsResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

// --- Changes of a draft ----------------------------------------------------------------------

absl::Status InspectionServiceImpl::DoUpdate(grpc::ServerContext* context,
                                             const v1::UpdateInspectionRecordRequest& request,
                                             v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUpdateInspectionRecord));
  if (!request.has_record()) return common::InvalidFieldError("record", "is required");
  ECOCASE_RETURN_IF_ERROR(
      domain::InspectionIdFromName(request.record().name(), "record.name").status());
  ECOCASE_ASSIGN_OR_RETURN(const domain::InspectionRecord content,
                           DraftFromProto(request.record(), "record"));
  return Transition(
      caller, "UpdateInspectionRecord", request.record().name(), "record.name", request.etag(),
      request.request_id(), request,
      [&](storage::Tx&, domain::InspectionRecord& record, absl::Time now) -> absl::Status {
        ECOCASE_RETURN_IF_ERROR(domain::CheckMutable(record));
        // Where the inspection took place is fixed: it decides who sees the record.
        domain::InspectionRecord draft = content;
        if (!draft.enterprise_uscc.empty() && draft.enterprise_uscc != record.enterprise_uscc) {
          return common::InvalidFieldError(
              "record.enterprise", "cannot change: record a new inspection for another party");
        }
        if (!draft.district_code.empty() && draft.district_code != record.district_code) {
          return common::InvalidFieldError("record.district_code", "cannot change");
        }
        draft.enterprise_uscc = record.enterprise_uscc;
        draft.district_code = record.district_code;
        ECOCASE_RETURN_IF_ERROR(FillOfficers(draft, now));
        return domain::UpdateDraft(record, std::move(draft), "record", now);
      },
      response);
}

grpc::Status InspectionServiceImpl::UpdateInspectionRecord(
    grpc::ServerContext* context, const v1::UpdateInspectionRecordRequest* request,
    v1::InspectionRecord* response) {
  return ToGrpcStatus(DoUpdate(context, *request, *response));
}

absl::Status InspectionServiceImpl::DoAttach(grpc::ServerContext* context,
                                             const v1::AttachInspectionEvidenceRequest& request,
                                             v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kAttachInspectionEvidence));
  ECOCASE_RETURN_IF_ERROR(domain::InspectionIdFromName(request.name(), "name").status());
  ECOCASE_ASSIGN_OR_RETURN(int64_t evidence_id,
                           domain::EvidenceIdFromName(request.evidence(), "evidence"));
  return Transition(
      caller, "AttachInspectionEvidence", request.name(), "name", request.etag(),
      request.request_id(), request,
      [&](storage::Tx&, domain::InspectionRecord& record, absl::Time now) -> absl::Status {
        ECOCASE_RETURN_IF_ERROR(domain::CheckMutable(record));
        absl::StatusOr<storage::StoredEvidence> item = evidence_.Get(evidence_id);
        if (!item.ok() && !absl::IsNotFound(item.status())) return item.status();
        // Items of other districts are not the caller's to see: the same as absent.
        if (!item.ok() || item->placement.district_code != record.district_code) {
          return absl::NotFoundError(absl::StrCat(
              "evidence/", evidence_id, " does not exist in district ", record.district_code));
        }
        return domain::AttachEvidence(record, item->item, now);
      },
      response);
}

grpc::Status InspectionServiceImpl::AttachInspectionEvidence(
    grpc::ServerContext* context, const v1::AttachInspectionEvidenceRequest* request,
    v1::InspectionRecord* response) {
  return ToGrpcStatus(DoAttach(context, *request, *response));
}

absl::Status InspectionServiceImpl::DoSign(grpc::ServerContext* context,
                                           const v1::SignInspectionRecordRequest& request,
                                           v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kSignInspectionRecord));
  ECOCASE_RETURN_IF_ERROR(domain::InspectionIdFromName(request.name(), "name").status());
  if (request.has_party_signature() && request.has_refusal()) {
    return common::InvalidFieldError("refusal", "cannot stand beside the party's signature");
  }
  std::optional<domain::PartySignature> party;
  if (request.has_party_signature()) party = PartySignatureFromProto(request.party_signature());
  std::optional<domain::SignatureRefusal> refusal;
  if (request.has_refusal()) refusal = RefusalFromProto(request.refusal());
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "SignInspectionRecord", request.name(), "name", request.etag(), request.request_id(),
      request,
      [&](storage::Tx&, domain::InspectionRecord& record, absl::Time now) -> absl::Status {
        // A signature binds only an officer entitled to enforce on the day of signing.
        absl::StatusOr<domain::User> signer = CheckCertifiedEnforcer(
            users_, caller.username, "name", record.district_code, common::RegulatoryDay(now));
        if (absl::IsInvalidArgument(signer.status())) {
          return common::WithReason(
              absl::FailedPreconditionError(
                  absl::StrCat("you cannot sign this record: ", signer.status().message())),
              "INSPECTION_OFFICERS");
        }
        if (!signer.ok()) return signer.status();
        return domain::SignAsOfficer(record, actor, party, refusal, now).status();
      },
      response);
}

grpc::Status InspectionServiceImpl::SignInspectionRecord(
    grpc::ServerContext* context, const v1::SignInspectionRecordRequest* request,
    v1::InspectionRecord* response) {
  return ToGrpcStatus(DoSign(context, *request, *response));
}

absl::Status InspectionServiceImpl::DoCorrect(grpc::ServerContext* context,
                                              const v1::CorrectInspectionRecordRequest& request,
                                              v1::InspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCorrectInspectionRecord));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::InspectionIdFromName(request.name(), "name"));
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  const std::string actor = caller.ResourceName();
  return RunMutation(
      caller, "CorrectInspectionRecord", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::InspectionRecord> {
        // Locked so that the original cannot change (it cannot: it is signed) or vanish
        // under the correction.
        ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord original,
                                 inspections_.Lock(tx, scope, id));
        ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord draft,
                                 domain::StartCorrection(original, actor, clock_.Now()));
        return inspections_.Create(tx, std::move(draft));
      },
      response);
}

grpc::Status InspectionServiceImpl::CorrectInspectionRecord(
    grpc::ServerContext* context, const v1::CorrectInspectionRecordRequest* request,
    v1::InspectionRecord* response) {
  return ToGrpcStatus(DoCorrect(context, *request, *response));
}

absl::Status InspectionServiceImpl::DoRender(grpc::ServerContext* context,
                                             const v1::RenderInspectionRecordRequest& request,
                                             v1::RenderedInspectionRecord& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRenderInspectionRecord));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::InspectionIdFromName(request.name(), "name"));
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  // The case-file copy is a read that leaves the system: audited in its own transaction,
  // and handed out only once the audit record commits. No request_id: nothing is stored.
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, "RenderInspectionRecord"),
                           "", ""};
  v1::RenderedInspectionRecord rendered;
  ECOCASE_RETURN_IF_ERROR(mutations_
                              .Run(key,
                                   [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
                                     ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord record,
                                                              inspections_.Lock(tx, scope, id));
                                     rendered.set_name(record.ResourceName());
                                     rendered.set_text(domain::RenderInspectionRecord(record));
                                     return storage::MutationResult{
                                         "", InspectionAudit(caller.ResourceName(),
                                                             "RenderInspectionRecord", record,
                                                             rendered)};
                                   })
                              .status());
  response = std::move(rendered);
  return absl::OkStatus();
}

grpc::Status InspectionServiceImpl::RenderInspectionRecord(
    grpc::ServerContext* context, const v1::RenderInspectionRecordRequest* request,
    v1::RenderedInspectionRecord* response) {
  absl::Status s = DoRender(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

}  // namespace ecocase::api
