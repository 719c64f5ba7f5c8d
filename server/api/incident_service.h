#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "ecocase/v1/incident.grpc.pb.h"
#include "storage/incident_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// IncidentService: reads of the evaluation's incidents and the enterprise's explanation.
// The incidents themselves are written only by evaluation/monitoring_evaluator.
class IncidentServiceImpl final : public ecocase::v1::IncidentService::Service {
 public:
  // `explain_window`: how long after an incident opens the enterprise may explain it.
  IncidentServiceImpl(Authorizer& authorizer, storage::IncidentRepository& incidents,
                      storage::MutationRunner& mutations, const common::Clock& clock,
                      std::string city_code, absl::Duration explain_window);

  grpc::Status GetIncident(grpc::ServerContext* context,
                           const ecocase::v1::GetIncidentRequest* request,
                           ecocase::v1::Incident* response) override;
  grpc::Status ListIncidents(grpc::ServerContext* context,
                             const ecocase::v1::ListIncidentsRequest* request,
                             ecocase::v1::ListIncidentsResponse* response) override;
  grpc::Status ExplainIncident(grpc::ServerContext* context,
                               const ecocase::v1::ExplainIncidentRequest* request,
                               ecocase::v1::Incident* response) override;

 private:
  absl::Status DoGet(grpc::ServerContext* context, const ecocase::v1::GetIncidentRequest& request,
                     ecocase::v1::Incident& response);
  absl::Status DoList(grpc::ServerContext* context,
                      const ecocase::v1::ListIncidentsRequest& request,
                      ecocase::v1::ListIncidentsResponse& response);
  absl::Status DoExplain(grpc::ServerContext* context,
                         const ecocase::v1::ExplainIncidentRequest& request,
                         ecocase::v1::Incident& response);

  Authorizer& authorizer_;
  storage::IncidentRepository& incidents_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  std::string city_code_;
  absl::Duration explain_window_;
};

}  // namespace ecocase::api
