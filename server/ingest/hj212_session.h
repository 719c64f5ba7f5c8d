#pragma once

#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "domain/hj212/frame.h"
#include "ingest/hj212_frame_processor.h"
#include "ingest/hj212_gateway.h"
#include "ingest/hj212_stats.h"
#include "ingest/reading_writer.h"

namespace ecocase::ingest {

// Lets threads the gateway does not own (the ReadingWriter's callbacks) reach it only while
// it runs: Stop() closes the gate under the same lock, so once it returns from Close() no
// callback touches the gateway's event loop again.
class Hj212Gate final {
 public:
  // Runs `f` under the gate's lock if the gateway still runs.
  template <typename F>
  void RunIfOpen(F&& f) {
    absl::MutexLock lock(&mu_);
    if (open_) f();
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }

 private:
  absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
};

// What every connection of one gateway shares. The gateway owns all of it and joins every
// thread that runs a session's handlers before it goes.
struct Hj212SessionContext {
  const Hj212GatewayOptions& options;
  Hj212FrameProcessor& processor;
  ReadingWriter& writer;
  asio::thread_pool& workers;
  Hj212StatsRecorder& stats;
  std::shared_ptr<Hj212Gate> gate;
  // Frames dispatched and not yet finished, gateway-wide (options.max_frames_in_flight).
  // Shared: a commit callback may release its frame after the gateway is gone.
  std::shared_ptr<std::atomic<int64_t>> frames_in_flight;
  std::function<void(uint64_t session_id)> on_closed;  // called once, on the session's strand
};

// One station connection. All its state lives on its strand (the socket's executor); frames
// are processed on the worker pool and the outcome posted back; the writer's commit callback
// is posted back through the gate. Handlers hold the session with shared_from_this; a
// session closed meanwhile drops what arrives for it (an ack for a closed connection is
// simply not sent: the station resends, inserts are idempotent).
class Hj212Session final : public std::enable_shared_from_this<Hj212Session> {
 public:
  Hj212Session(asio::ip::tcp::socket socket, uint64_t id, Hj212SessionContext& context);
  Hj212Session(const Hj212Session&) = delete;
  Hj212Session& operator=(const Hj212Session&) = delete;

  uint64_t id() const { return id_; }

  // Begins reading. Call once, after the session is registered.
  void Start();

  // Closes the connection from any thread (server shutdown).
  void Stop();

 private:
  using SteadyClock = std::chrono::steady_clock;

  void WaitReadable();
  void OnReadable(const asio::error_code& error);
  // Takes complete frames out of the reader while the in-flight bound allows, then reads on.
  void Pump();
  void OnFramingRejection(const domain::hj212::FrameEvent& event);
  void Dispatch(domain::hj212::Frame frame);
  // On a worker thread.
  void ProcessOnWorker(const domain::hj212::Frame& frame);
  void OnProcessed(Hj212FrameOutcome outcome, uint64_t size, bool finished);
  void OnCommitted(const absl::Status& status, int64_t rows, std::vector<Hj212Answer> acks,
                   const std::string& mn, const std::string& cn, const std::string& qn);
  void FinishFrame();

  void Send(Hj212Answer answer);
  void WriteNext();

  void LogRejection(absl::string_view reason, absl::string_view detail, common::LogLevel level,
                    absl::string_view mn, absl::string_view cn, absl::string_view qn);
  void NoteMn(const std::string& mn);

  void ArmTimer(SteadyClock::time_point deadline);
  void OnTimer(const asio::error_code& error);
  void Close(absl::string_view reason);

  asio::ip::tcp::socket socket_;
  // The socket's strand, kept apart so that worker and writer threads post to it without
  // touching the socket object.
  const asio::any_io_executor executor_;
  asio::steady_timer timer_;
  const uint64_t id_;
  Hj212SessionContext& context_;
  std::string peer_;

  domain::hj212::FrameReader reader_;
  bool closed_ = false;
  bool reading_ = false;    // an async_wait for readability is pending
  bool peer_done_ = false;  // the peer closed its side: answer what is in flight, then close
  // The gateway-wide in-flight bound was reached: frames wait in the reader, and the timer
  // looks again shortly.
  bool waiting_for_capacity_ = false;
  SteadyClock::duration capacity_retry_ = std::chrono::milliseconds(20);
  int in_flight_ = 0;
  // Bytes since the last authenticated packet that belonged to no accepted frame: skipped
  // garbage and rejected frames. Stream offsets: read so far, and attributed (to frames
  // taken out of the reader or to what the reader skipped).
  uint64_t unaccepted_bytes_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t accounted_ = 0;

  SteadyClock::time_point opened_;
  SteadyClock::time_point last_frame_;
  std::optional<SteadyClock::time_point> partial_since_;
  std::optional<SteadyClock::time_point> timer_deadline_;

  std::deque<Hj212Answer> answers_;
  size_t queued_answer_bytes_ = 0;
  bool writing_ = false;

  int64_t frames_ = 0;
  int64_t frames_rejected_ = 0;
  int logged_rejections_ = 0;
  std::vector<std::string> mns_;  // authenticated MNs, for the close line (a few)
};

}  // namespace ecocase::ingest
