#pragma once

#include <optional>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "api/authorizer.h"
#include "api/reading_intake.h"
#include "common/thread_pool.h"
#include "ecocase/v1/monitoring.pb.h"
#include "ingest/reading_writer.h"

namespace ecocase::api {

// One MonitoringService.StreamReadings call on the callback API: no thread is held while
// the collector is idle. Authorization and device lookups block, so they run on `executor`,
// never on gRPC's threads; each message's rows go to the writer as soon as they are checked,
// and the one response is sent only when the client has half-closed and every submitted
// row has committed. At most kMaxPendingMessages messages wait for their COMMIT; reading
// pauses beyond that (flow control reaches the client). Deletes itself when done.
class ReadingStreamReactor final
    : public grpc::ServerReadReactor<ecocase::v1::IngestReadingsRequest> {
 public:
  static constexpr int kMaxPendingMessages = 8;

  ReadingStreamReactor(grpc::CallbackServerContext* context, Authorizer& authorizer,
                       ReadingIntake& intake, ingest::ReadingWriter& writer,
                       common::ThreadPool& executor,
                       ecocase::v1::IngestReadingsResponse* response);

  void OnReadDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void Authorize();
  void Process(ecocase::v1::IngestReadingsRequest message);
  void Written(absl::Status status);
  // Runs `task` on the executor; fails the call when the executor is saturated.
  void Post(std::function<void()> task);
  void Fail(absl::Status status);
  // Starts the next read unless one is outstanding, the call is over or too much waits.
  void MaybeReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends the response once nothing is outstanding any more.
  // Decides whether the stream is over; the status is handed to FinishIfDecided, which
  // every path calls after releasing mu_.
  void MaybeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Calls Finish with the decided status, once, and only with mu_ released: OnDone may run
  // on another thread as soon as Finish is called and deletes this reactor, mutex included.
  void FinishIfDecided() ABSL_LOCKS_EXCLUDED(mu_);

  grpc::CallbackServerContext* const context_;
  Authorizer& authorizer_;
  ReadingIntake& intake_;
  ingest::ReadingWriter& writer_;
  common::ThreadPool& executor_;
  ecocase::v1::IngestReadingsResponse* const response_;

  absl::Mutex mu_;
  domain::Principal caller_ ABSL_GUARDED_BY(mu_);
  ecocase::v1::IngestReadingsRequest incoming_;  // owned by the outstanding read
  bool authorized_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;     // a read is outstanding
  bool processing_ ABSL_GUARDED_BY(mu_) = false;  // a message is on the executor
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;  // the client half-closed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;          // messages waiting for their COMMIT
  int next_index_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> to_finish_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::api
