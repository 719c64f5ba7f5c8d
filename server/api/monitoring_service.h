#pragma once

#include <string>

#include "absl/status/status.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/monitoring/reading.h"
#include "ecocase/v1/monitoring.grpc.pb.h"
#include "ingest/device_directory.h"
#include "ingest/reading_writer.h"
#include "storage/reading_repository.h"

namespace ecocase::api {

inline constexpr int kMaxReadingsPerRequest = 5000;

// The gRPC door of the ingest pipeline, for collectors that do not speak HJ 212 over TCP,
// and the read side of raw readings. Ingest goes through the same ReadingWriter as the
// HJ 212 gateway: a response reports readings accepted only after they committed.
class MonitoringServiceImpl final : public ecocase::v1::MonitoringService::Service {
 public:
  MonitoringServiceImpl(Authorizer& authorizer, ingest::DeviceDirectory& devices,
                        ingest::ReadingWriter& writer, storage::ReadingRepository& readings,
                        const common::Clock& clock, std::string city_code,
                        domain::monitoring::ReadingCheckOptions checks);

  grpc::Status IngestReadings(grpc::ServerContext* context,
                              const ecocase::v1::IngestReadingsRequest* request,
                              ecocase::v1::IngestReadingsResponse* response) override;
  grpc::Status StreamReadings(grpc::ServerContext* context,
                              grpc::ServerReader<ecocase::v1::IngestReadingsRequest>* reader,
                              ecocase::v1::IngestReadingsResponse* response) override;
  grpc::Status ListReadings(grpc::ServerContext* context,
                            const ecocase::v1::ListReadingsRequest* request,
                            ecocase::v1::ListReadingsResponse* response) override;

 private:
  absl::Status DoIngest(grpc::ServerContext* context,
                        const ecocase::v1::IngestReadingsRequest& request,
                        ecocase::v1::IngestReadingsResponse& response);
  absl::Status DoStream(grpc::ServerContext* context,
                        grpc::ServerReader<ecocase::v1::IngestReadingsRequest>& reader,
                        ecocase::v1::IngestReadingsResponse& response);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListReadingsRequest& request,
                      ecocase::v1::ListReadingsResponse& response);

  // Checks one message's readings for `caller`: the rows to store, and a rejection in
  // `response` for each of the others (indexes offset by `first_index`). UNAVAILABLE when
  // the device directory cannot be read.
  absl::StatusOr<std::vector<storage::ReadingRow>> Prepare(
      const domain::Principal& caller, const ecocase::v1::IngestReadingsRequest& request,
      int first_index, ecocase::v1::IngestReadingsResponse& response);

  Authorizer& authorizer_;
  ingest::DeviceDirectory& devices_;
  ingest::ReadingWriter& writer_;
  storage::ReadingRepository& readings_;
  const common::Clock& clock_;
  const std::string city_code_;
  const domain::monitoring::ReadingCheckOptions checks_;
};

}  // namespace ecocase::api
