#include "api/enterprise_service.h"

#include <grpcpp/server_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/enterprise_convert.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.EnterpriseService/";

// What UpdateEnterprise / UpdateOutlet may change (the proto comments list the same).
constexpr absl::string_view kEnterpriseUpdatable[] = {
    "display_name",     "address",        "district_code", "industry_code",
    "management_class", "key_discharger", "location",      "contacts"};
constexpr absl::string_view kOutletUpdatable[] = {"display_name", "location", "pollutant_codes"};

template <size_t N>
absl::Status CheckMask(const google::protobuf::FieldMask& mask,
                       const absl::string_view (&allowed)[N]) {
  if (mask.paths().empty()) {
    return common::InvalidFieldError("update_mask", "name at least one field to change");
  }
  for (const std::string& path : mask.paths()) {
    bool ok = false;
    for (absl::string_view a : allowed) ok = ok || path == a;
    if (!ok) {
      return common::InvalidFieldError(
          "update_mask",
          absl::StrCat("`", path, "` cannot be changed (", absl::StrJoin(allowed, ", "), " can)"));
    }
  }
  return absl::OkStatus();
}

bool InMask(const google::protobuf::FieldMask& mask, absl::string_view path) {
  for (const std::string& p : mask.paths()) {
    if (p == path) return true;
  }
  return false;
}

// PERMISSION_DENIED unless a caller with `scope` may put a record in `district_code`.
absl::Status CheckDistrictInScope(const storage::Scope& scope, const std::string& district_code) {
  if (scope.everything) return absl::OkStatus();
  for (const std::string& code : scope.district_codes) {
    if (domain::CodeCovers(code, district_code)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("district ", district_code, " is outside your jurisdiction"));
}

int CodePoints(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// What `caller` is shown of an enterprise or outlet: staff and the enterprise itself see
// contacts and locations; system accounts do not.
void ApplyView(const domain::Principal& caller, ecocase::v1::Enterprise& e) {
  if (domain::MaySeeEnterpriseContacts(caller.role)) return;
  e.clear_contacts();
  e.clear_location();
}

void ApplyView(const domain::Principal& caller, ecocase::v1::Outlet& o) {
  if (domain::MaySeeEnterpriseContacts(caller.role)) return;
  o.clear_location();
}

// The audit record digests the full resource; it holds no contact data itself.
storage::MutationResult EnterpriseResult(const domain::Principal& caller, absl::string_view method,
                                         const domain::Enterprise& enterprise) {
  ecocase::v1::Enterprise result = ToProto(enterprise);
  storage::AuditEntry audit{caller.ResourceName(), std::string(method),      result.name(),
                            MessageDigest(result), enterprise.district_code, enterprise.uscc};
  ApplyView(caller, result);
  return storage::MutationResult{result.SerializeAsString(), audit};
}

storage::MutationResult OutletResult(const domain::Principal& caller, absl::string_view method,
                                     const domain::Outlet& outlet) {
  ecocase::v1::Outlet result = ToProto(outlet);
  storage::AuditEntry audit{caller.ResourceName(), std::string(method),  result.name(),
                            MessageDigest(result), outlet.district_code, outlet.enterprise_uscc};
  ApplyView(caller, result);
  return storage::MutationResult{result.SerializeAsString(), audit};
}

// `result` is the device as the caller gets it; `owner` says whose outlet was involved.
storage::MutationResult DeviceResult(const domain::Principal& caller, absl::string_view method,
                                     const ecocase::v1::Device& result,
                                     const domain::Device& owner) {
  storage::AuditEntry audit{caller.ResourceName(), std::string(method), result.name(),
                            MessageDigest(result), owner.district_code, owner.enterprise_uscc};
  return storage::MutationResult{result.SerializeAsString(), audit};
}

}  // namespace

EnterpriseServiceImpl::EnterpriseServiceImpl(Authorizer& authorizer,
                                             storage::EnterpriseRepository& enterprises,
                                             storage::MutationRunner& mutations,
                                             const common::Clock& clock, std::string city_code)
    : authorizer_(authorizer),
      enterprises_(enterprises),
      mutations_(mutations),
      clock_(clock),
      city_code_(std::move(city_code)),
      device_hasher_(security::PasswordHashOptions{kDevicePasswordIterations}) {}

absl::Status EnterpriseServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& fingerprint,
    absl::FunctionRef<absl::StatusOr<storage::MutationResult>(storage::Tx&)> body,
    google::protobuf::Message& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           MessageDigest(fingerprint)};
  ECOCASE_ASSIGN_OR_RETURN(std::string bytes, mutations_.Run(key, body));
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Enterprises.

absl::Status EnterpriseServiceImpl::DoCreateEnterprise(
    grpc::ServerContext* context, const ecocase::v1::CreateEnterpriseRequest& request,
    ecocase::v1::Enterprise& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateEnterprise));
  domain::Enterprise enterprise = FromProto(request.enterprise());
  ECOCASE_RETURN_IF_ERROR(domain::ValidateEnterprise(enterprise, "enterprise"));
  ECOCASE_RETURN_IF_ERROR(
      CheckDistrictInScope(storage::Scope::For(caller, city_code_), enterprise.district_code));
  ecocase::v1::CreateEnterpriseRequest fingerprint = request;
  fingerprint.clear_request_id();
  return RunMutation(
      caller, "CreateEnterprise", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Enterprise created,
                                 enterprises_.Create(tx, enterprise, clock_.Now()));
        return EnterpriseResult(caller, "CreateEnterprise", created);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::CreateEnterprise(
    grpc::ServerContext* context, const ecocase::v1::CreateEnterpriseRequest* request,
    ecocase::v1::Enterprise* response) {
  return ToGrpcStatus(DoCreateEnterprise(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoGetEnterprise(
    grpc::ServerContext* context, const ecocase::v1::GetEnterpriseRequest& request,
    ecocase::v1::Enterprise& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetEnterprise));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc,
                           domain::UsccFromEnterpriseName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(domain::Enterprise enterprise,
                           enterprises_.Get(storage::Scope::For(caller, city_code_), uscc));
  response = ToProto(enterprise);
  ApplyView(caller, response);
  return absl::OkStatus();
}

grpc::Status EnterpriseServiceImpl::GetEnterprise(grpc::ServerContext* context,
                                                  const ecocase::v1::GetEnterpriseRequest* request,
                                                  ecocase::v1::Enterprise* response) {
  return ToGrpcStatus(DoGetEnterprise(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoListEnterprises(
    grpc::ServerContext* context, const ecocase::v1::ListEnterprisesRequest& request,
    ecocase::v1::ListEnterprisesResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListEnterprises));
  storage::EnterpriseFilter filter;
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code",
                                       "must be a six-digit GB/T 2260 code, e.g. 410802");
    }
    filter.district_code = request.district_code();
  }
  if (request.management_class() != ecocase::v1::MANAGEMENT_CLASS_UNSPECIFIED) {
    domain::ManagementClass management_class = FromProto(request.management_class());
    if (management_class == domain::ManagementClass::kUnspecified) {
      return common::InvalidFieldError("management_class", "is not a known management class");
    }
    filter.management_class = management_class;
  }
  if (CodePoints(request.name_contains()) > 200) {
    return common::InvalidFieldError("name_contains", "must be at most 200 characters");
  }
  filter.name_contains = request.name_contains();
  std::string query = QueryFingerprint(
      {"ListEnterprises", caller.ResourceName(), filter.district_code,
       absl::StrCat(static_cast<int>(request.management_class())), filter.name_contains});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  // One more than asked tells whether another page follows.
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Enterprise> enterprises,
                           enterprises_.List(storage::Scope::For(caller, city_code_), filter,
                                             page.size + 1, page.after));
  bool more = static_cast<int>(enterprises.size()) > page.size;
  if (more) enterprises.resize(page.size);
  for (const domain::Enterprise& e : enterprises) {
    ecocase::v1::Enterprise* out = response.add_enterprises();
    *out = ToProto(e);
    ApplyView(caller, *out);
  }
  if (more) response.set_next_page_token(MakePageToken(query, enterprises.back().uscc));
  return absl::OkStatus();
}

grpc::Status EnterpriseServiceImpl::ListEnterprises(
    grpc::ServerContext* context, const ecocase::v1::ListEnterprisesRequest* request,
    ecocase::v1::ListEnterprisesResponse* response) {
  return ToGrpcStatus(DoListEnterprises(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoUpdateEnterprise(
    grpc::ServerContext* context, const ecocase::v1::UpdateEnterpriseRequest& request,
    ecocase::v1::Enterprise& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUpdateEnterprise));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc, domain::UsccFromEnterpriseName(
                                                 request.enterprise().name(), "enterprise.name"));
  const google::protobuf::FieldMask& mask = request.update_mask();
  ECOCASE_RETURN_IF_ERROR(CheckMask(mask, kEnterpriseUpdatable));
  int64_t version = 0;
  if (!request.enterprise().etag().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version,
                             VersionFromEtag(request.enterprise().etag(), "enterprise.etag"));
  }
  domain::Enterprise patch = FromProto(request.enterprise());
  ecocase::v1::UpdateEnterpriseRequest fingerprint = request;
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, "UpdateEnterprise", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(
            domain::Enterprise updated,
            enterprises_.Update(
                tx, scope, uscc, version,
                [&](domain::Enterprise& e) {
                  if (InMask(mask, "display_name")) e.display_name = patch.display_name;
                  if (InMask(mask, "address")) e.address = patch.address;
                  if (InMask(mask, "district_code")) e.district_code = patch.district_code;
                  if (InMask(mask, "industry_code")) e.industry_code = patch.industry_code;
                  if (InMask(mask, "management_class")) {
                    e.management_class = patch.management_class;
                  }
                  if (InMask(mask, "key_discharger")) e.key_discharger = patch.key_discharger;
                  if (InMask(mask, "location")) e.location = patch.location;
                  if (InMask(mask, "contacts")) e.contacts = patch.contacts;
                  ECOCASE_RETURN_IF_ERROR(domain::ValidateEnterprise(e, "enterprise"));
                  // Moving an enterprise out of one's own districts would lose it.
                  return CheckDistrictInScope(scope, e.district_code);
                },
                clock_.Now()));
        return EnterpriseResult(caller, "UpdateEnterprise", updated);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::UpdateEnterprise(
    grpc::ServerContext* context, const ecocase::v1::UpdateEnterpriseRequest* request,
    ecocase::v1::Enterprise* response) {
  return ToGrpcStatus(DoUpdateEnterprise(context, *request, *response));
}

// ---------------------------------------------------------------------------------------
// Outlets.

absl::Status EnterpriseServiceImpl::DoCreateOutlet(grpc::ServerContext* context,
                                                   const ecocase::v1::CreateOutletRequest& request,
                                                   ecocase::v1::Outlet& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCreateOutlet));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc,
                           domain::UsccFromEnterpriseName(request.parent(), "parent"));
  domain::Outlet outlet = FromProto(request.outlet());
  outlet.enterprise_uscc = uscc;
  ECOCASE_RETURN_IF_ERROR(domain::ValidateOutlet(outlet, "outlet"));
  ecocase::v1::CreateOutletRequest fingerprint = request;
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, "CreateOutlet", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Outlet created,
                                 enterprises_.CreateOutlet(tx, scope, outlet, clock_.Now()));
        return OutletResult(caller, "CreateOutlet", created);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::CreateOutlet(grpc::ServerContext* context,
                                                 const ecocase::v1::CreateOutletRequest* request,
                                                 ecocase::v1::Outlet* response) {
  return ToGrpcStatus(DoCreateOutlet(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoGetOutlet(grpc::ServerContext* context,
                                                const ecocase::v1::GetOutletRequest& request,
                                                ecocase::v1::Outlet& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetOutlet));
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef key,
                           domain::OutletRefFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(domain::Outlet outlet,
                           enterprises_.GetOutlet(storage::Scope::For(caller, city_code_),
                                                  key.enterprise_uscc, key.code));
  response = ToProto(outlet);
  ApplyView(caller, response);
  return absl::OkStatus();
}

grpc::Status EnterpriseServiceImpl::GetOutlet(grpc::ServerContext* context,
                                              const ecocase::v1::GetOutletRequest* request,
                                              ecocase::v1::Outlet* response) {
  return ToGrpcStatus(DoGetOutlet(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoListOutlets(grpc::ServerContext* context,
                                                  const ecocase::v1::ListOutletsRequest& request,
                                                  ecocase::v1::ListOutletsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListOutlets));
  ECOCASE_ASSIGN_OR_RETURN(std::string uscc,
                           domain::UsccFromEnterpriseName(request.parent(), "parent"));
  std::string query = QueryFingerprint({"ListOutlets", caller.ResourceName(), uscc});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Outlet> outlets,
                           enterprises_.ListOutlets(storage::Scope::For(caller, city_code_), uscc,
                                                    page.size + 1, page.after));
  bool more = static_cast<int>(outlets.size()) > page.size;
  if (more) outlets.resize(page.size);
  for (const domain::Outlet& o : outlets) {
    ecocase::v1::Outlet* out = response.add_outlets();
    *out = ToProto(o);
    ApplyView(caller, *out);
  }
  if (more) response.set_next_page_token(MakePageToken(query, outlets.back().code));
  return absl::OkStatus();
}

grpc::Status EnterpriseServiceImpl::ListOutlets(grpc::ServerContext* context,
                                                const ecocase::v1::ListOutletsRequest* request,
                                                ecocase::v1::ListOutletsResponse* response) {
  return ToGrpcStatus(DoListOutlets(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoUpdateOutlet(grpc::ServerContext* context,
                                                   const ecocase::v1::UpdateOutletRequest& request,
                                                   ecocase::v1::Outlet& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUpdateOutlet));
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef key,
                           domain::OutletRefFromName(request.outlet().name(), "outlet.name"));
  const google::protobuf::FieldMask& mask = request.update_mask();
  ECOCASE_RETURN_IF_ERROR(CheckMask(mask, kOutletUpdatable));
  int64_t version = 0;
  if (!request.outlet().etag().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(request.outlet().etag(), "outlet.etag"));
  }
  domain::Outlet patch = FromProto(request.outlet());
  ecocase::v1::UpdateOutletRequest fingerprint = request;
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, "UpdateOutlet", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Outlet updated,
                                 enterprises_.UpdateOutlet(
                                     tx, scope, key.enterprise_uscc, key.code, version,
                                     [&](domain::Outlet& o) {
                                       if (InMask(mask, "display_name"))
                                         o.display_name = patch.display_name;
                                       if (InMask(mask, "location")) o.location = patch.location;
                                       if (InMask(mask, "pollutant_codes"))
                                         o.pollutant_codes = patch.pollutant_codes;
                                       return domain::ValidateOutlet(o, "outlet");
                                     },
                                     clock_.Now()));
        return OutletResult(caller, "UpdateOutlet", updated);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::UpdateOutlet(grpc::ServerContext* context,
                                                 const ecocase::v1::UpdateOutletRequest* request,
                                                 ecocase::v1::Outlet* response) {
  return ToGrpcStatus(DoUpdateOutlet(context, *request, *response));
}

// ---------------------------------------------------------------------------------------
// Devices.

absl::Status EnterpriseServiceImpl::DoBindDevice(grpc::ServerContext* context,
                                                 const ecocase::v1::BindDeviceRequest& request,
                                                 ecocase::v1::Device& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kBindDevice));
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef key,
                           domain::OutletRefFromName(request.outlet(), "outlet"));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateMn(request.mn(), "mn"));
  ECOCASE_RETURN_IF_ERROR(
      domain::ValidateDevicePassword(request.device_password(), "device_password"));
  ECOCASE_ASSIGN_OR_RETURN(domain::DeviceProtocolRequest wanted,
                           FromProto(request.protocol(), "protocol"));
  ECOCASE_ASSIGN_OR_RETURN(domain::hj212::DeviceProfile protocol,
                           domain::DeviceProfileFor(wanted, "protocol"));
  ECOCASE_ASSIGN_OR_RETURN(std::string hash, device_hasher_.Hash(request.device_password()));
  // The fingerprint leaves the password and the SM4 key out: no value derived from either
  // secret is stored with it.
  ecocase::v1::BindDeviceRequest fingerprint = request;
  fingerprint.clear_request_id();
  fingerprint.clear_device_password();
  if (fingerprint.has_protocol()) fingerprint.mutable_protocol()->clear_sm4_key();
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, "BindDevice", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Device device,
                                 enterprises_.BindDevice(tx, scope, key.enterprise_uscc, key.code,
                                                         request.mn(), hash, protocol,
                                                         clock_.Now()));
        return DeviceResult(caller, "BindDevice", ToProto(device), device);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::BindDevice(grpc::ServerContext* context,
                                               const ecocase::v1::BindDeviceRequest* request,
                                               ecocase::v1::Device* response) {
  return ToGrpcStatus(DoBindDevice(context, *request, *response));
}

absl::Status EnterpriseServiceImpl::DoUnbindDevice(grpc::ServerContext* context,
                                                   const ecocase::v1::UnbindDeviceRequest& request,
                                                   ecocase::v1::Device& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUnbindDevice));
  ECOCASE_ASSIGN_OR_RETURN(std::string mn, domain::MnFromDeviceName(request.name(), "name"));
  ecocase::v1::UnbindDeviceRequest fingerprint = request;
  fingerprint.clear_request_id();
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, "UnbindDevice", request.request_id(), fingerprint,
      [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Device was,
                                 enterprises_.UnbindDevice(tx, scope, mn, clock_.Now()));
        domain::Device unbound;
        unbound.mn = was.mn;
        return DeviceResult(caller, "UnbindDevice", ToProto(unbound), was);
      },
      response);
}

grpc::Status EnterpriseServiceImpl::UnbindDevice(grpc::ServerContext* context,
                                                 const ecocase::v1::UnbindDeviceRequest* request,
                                                 ecocase::v1::Device* response) {
  return ToGrpcStatus(DoUnbindDevice(context, *request, *response));
}

}  // namespace ecocase::api
