#pragma once

#include "ecocase/v1/test_hooks.grpc.pb.h"

namespace ecocase::api {

// Registered only with --test_hooks; lets fault tests hold an RPC in flight.
class TestHookServiceImpl final : public ecocase::v1::TestHookService::Service {
 public:
  grpc::Status Hold(grpc::ServerContext* context, const ecocase::v1::HoldRequest* request,
                    ecocase::v1::HoldResponse* response) override;
};

}  // namespace ecocase::api
