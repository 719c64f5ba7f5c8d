#include "api/test_hook_service.h"

#include "absl/time/clock.h"

namespace ecocase::api {

grpc::Status TestHookServiceImpl::Hold(grpc::ServerContext* context,
                                       const ecocase::v1::HoldRequest* request,
                                       ecocase::v1::HoldResponse* response) {
  if (request->duration_ms() < 1 || request->duration_ms() > 60000) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "duration_ms must be between 1 and 60000");
  }
  absl::Time start = absl::Now();
  absl::Time end = start + absl::Milliseconds(request->duration_ms());
  while (absl::Now() < end) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "hold cancelled");
    }
    absl::SleepFor(std::min(absl::Milliseconds(20), end - absl::Now()));
  }
  response->set_held_ms(static_cast<int32_t>(absl::ToInt64Milliseconds(absl::Now() - start)));
  return grpc::Status::OK;
}

}  // namespace ecocase::api
