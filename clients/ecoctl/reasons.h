// The reason code (google.rpc.ErrorInfo) a server puts on a refused request.
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ecoctl {

// EVIDENCE_OFFSET_MISMATCH, INSPECTION_OFFICERS, …; "" when the status carries none.
inline std::string ErrorReason(const grpc::Status& s) {
  google::rpc::Status details;
  if (s.error_details().empty() || !details.ParseFromString(s.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace ecoctl
