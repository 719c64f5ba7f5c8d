#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ecocase::api {

// The one place absl::Status becomes grpc::Status: the canonical codes are numerically
// identical, so the code is kept and the message passed on.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ecocase::api
