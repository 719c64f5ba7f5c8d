#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ecocase::api {

// The one place absl::Status becomes grpc::Status. The canonical codes are numerically
// identical; the message is kept, and the details carry a google.rpc.Status with an
// ErrorInfo{reason, domain="ecocase"} and, for a field error (common/errors.h), a
// google.rpc.BadRequest field violation (AIP-193).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ecocase::api
