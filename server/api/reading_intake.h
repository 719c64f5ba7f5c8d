#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/monitoring/reading.h"
#include "domain/principal.h"
#include "ecocase/v1/monitoring.pb.h"
#include "ingest/device_directory.h"
#include "storage/reading_repository.h"

namespace ecocase::api {

inline constexpr int kMaxReadingsPerRequest = 5000;

// What the gRPC door does with one IngestReadingsRequest before the writer sees it: each
// reading converted and checked, its device looked up and matched against the caller's
// account. Shared by the batch and the stream method.
class ReadingIntake {
 public:
  ReadingIntake(ingest::DeviceDirectory& devices, const common::Clock& clock,
                domain::monitoring::ReadingCheckOptions checks)
      : devices_(devices), clock_(clock), checks_(checks) {}

  // The rows to store, and a rejection in `response` for each other reading (indexes offset
  // by `first_index`). INVALID_ARGUMENT for an empty or oversized request; UNAVAILABLE (or
  // another storage error) when the devices cannot be looked up. Blocking.
  absl::StatusOr<std::vector<storage::ReadingRow>> Prepare(
      const domain::Principal& caller, const ecocase::v1::IngestReadingsRequest& request,
      int first_index, ecocase::v1::IngestReadingsResponse& response);

 private:
  ingest::DeviceDirectory& devices_;
  const common::Clock& clock_;
  const domain::monitoring::ReadingCheckOptions checks_;
};

}  // namespace ecocase::api
