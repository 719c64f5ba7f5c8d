#pragma once

#include "common/clock.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/system.grpc.pb.h"
#include "storage/system_repository.h"

namespace ecocase::api {

class SystemServiceImpl final : public ecocase::v1::SystemService::Service {
 public:
  SystemServiceImpl(storage::SystemRepository& repository,
                    const domain::WorkingCalendar& calendar, const common::Clock& clock)
      : repository_(repository), calendar_(calendar), clock_(clock) {}

  grpc::Status GetServerInfo(grpc::ServerContext* context,
                             const ecocase::v1::GetServerInfoRequest* request,
                             ecocase::v1::ServerInfo* response) override;

 private:
  storage::SystemRepository& repository_;
  const domain::WorkingCalendar& calendar_;
  const common::Clock& clock_;
};

}  // namespace ecocase::api
