#include "api/grpc_status.h"

#include <string>

#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ecocase::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  if (auto field = status.GetPayload(common::kFieldPayload); field.has_value()) {
    google::rpc::BadRequest bad_request;
    auto* violation = bad_request.add_field_violations();
    violation->set_field(std::string(*field));
    violation->set_description(std::string(status.message()));
    details.add_details()->PackFrom(bad_request);
  }
  google::rpc::ErrorInfo info;
  info.set_domain("ecocase");
  const std::string reason = common::ReasonOf(status);
  info.set_reason(!reason.empty() ? reason : absl::StatusCodeToString(status.code()));
  details.add_details()->PackFrom(info);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), details.SerializeAsString());
}

}  // namespace ecocase::api
