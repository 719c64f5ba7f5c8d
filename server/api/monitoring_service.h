#pragma once

#include <string>

#include "absl/status/status.h"
#include "api/authorizer.h"
#include "api/reading_intake.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "domain/monitoring/reading.h"
#include "ecocase/v1/monitoring.grpc.pb.h"
#include "ingest/device_directory.h"
#include "ingest/reading_writer.h"
#include "storage/reading_repository.h"

namespace ecocase::api {

// The gRPC door of the ingest pipeline, for collectors that do not speak HJ 212 over TCP,
// and the read side of raw readings. Ingest goes through the same ReadingWriter as the
// HJ 212 gateway: a response reports readings accepted only after they committed.
// StreamReadings uses the callback API (a collector's stream holds no thread while idle);
// the unary methods are synchronous like every other service.
class MonitoringServiceImpl final
    : public ecocase::v1::MonitoringService::WithCallbackMethod_StreamReadings<
          ecocase::v1::MonitoringService::Service> {
 public:
  // `executor` runs the blocking work of streams (authorization, device lookups).
  MonitoringServiceImpl(Authorizer& authorizer, ingest::DeviceDirectory& devices,
                        ingest::ReadingWriter& writer, storage::ReadingRepository& readings,
                        common::ThreadPool& executor, const common::Clock& clock,
                        std::string city_code, domain::monitoring::ReadingCheckOptions checks);

  grpc::Status IngestReadings(grpc::ServerContext* context,
                              const ecocase::v1::IngestReadingsRequest* request,
                              ecocase::v1::IngestReadingsResponse* response) override;
  grpc::ServerReadReactor<ecocase::v1::IngestReadingsRequest>* StreamReadings(
      grpc::CallbackServerContext* context,
      ecocase::v1::IngestReadingsResponse* response) override;
  grpc::Status ListReadings(grpc::ServerContext* context,
                            const ecocase::v1::ListReadingsRequest* request,
                            ecocase::v1::ListReadingsResponse* response) override;

 private:
  absl::Status DoIngest(grpc::ServerContext* context,
                        const ecocase::v1::IngestReadingsRequest& request,
                        ecocase::v1::IngestReadingsResponse& response);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListReadingsRequest& request,
                      ecocase::v1::ListReadingsResponse& response);

  Authorizer& authorizer_;
  ReadingIntake intake_;
  ingest::ReadingWriter& writer_;
  storage::ReadingRepository& readings_;
  common::ThreadPool& executor_;
  const std::string city_code_;
};

}  // namespace ecocase::api
