#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/alert_hub.h"
#include "api/authorizer.h"
#include "common/thread_pool.h"
#include "ecocase/v1/alert.grpc.pb.h"
#include "storage/alert_repository.h"

namespace ecocase::api {

// AlertService: the alert feed of new and changed incidents and tasks. ListAlerts is a
// plain paged read (synchronous, like every unary method). WatchAlerts uses the callback
// API: a watch is a reactor subscribed to the AlertHub, holding no thread while idle; its
// authorization and backlog reads run on `executor`, never on gRPC's threads. Both are
// scoped by storage::Scope::For (staff their jurisdiction, an enterprise its own).
class AlertServiceImpl final
    : public ecocase::v1::AlertService::WithCallbackMethod_WatchAlerts<
          ecocase::v1::AlertService::Service> {
 public:
  // `city_code` is the bureau's own area: a jurisdiction covering it sees everything.
  AlertServiceImpl(Authorizer& authorizer, storage::AlertRepository& alerts, AlertHub& hub,
                   common::ThreadPool& executor, std::string city_code);

  grpc::Status ListAlerts(grpc::ServerContext* context,
                          const ecocase::v1::ListAlertsRequest* request,
                          ecocase::v1::ListAlertsResponse* response) override;
  grpc::ServerWriteReactor<ecocase::v1::Alert>* WatchAlerts(
      grpc::CallbackServerContext* context,
      const ecocase::v1::WatchAlertsRequest* request) override;

 private:
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListAlertsRequest& request,
                      ecocase::v1::ListAlertsResponse& response);

  Authorizer& authorizer_;
  storage::AlertRepository& alerts_;
  AlertHub& hub_;
  common::ThreadPool& executor_;
  const std::string city_code_;
};

// The API form of a stored alert (its cursor is the seq as decimal text).
ecocase::v1::Alert AlertToProto(const storage::AlertEvent& event);
// The seq an Alert.cursor names; INVALID_ARGUMENT naming `field` for anything else.
absl::StatusOr<int64_t> SeqFromCursor(const std::string& cursor, absl::string_view field);

}  // namespace ecocase::api
