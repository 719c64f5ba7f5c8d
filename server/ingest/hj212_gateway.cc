#include "ingest/hj212_gateway.h"

#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "ingest/hj212_frame_processor.h"
#include "ingest/hj212_session.h"

namespace ecocase::ingest {
namespace {

using ::ecocase::common::Log;
using ::ecocase::common::LogLevel;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

absl::Status OptionError(absl::string_view name, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("hj212 gateway option ", name, " ", rule));
}

// After a failed accept (out of file descriptors, most likely) try again after this.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

}  // namespace

absl::Status ValidateHj212GatewayOptions(const Hj212GatewayOptions& o) {
  if (o.port < 0 || o.port > 65535) return OptionError("port", "must be 0..65535");
  if (o.listen_backlog < 1) return OptionError("listen_backlog", "must be positive");
  if (o.max_connections < 1) return OptionError("max_connections", "must be positive");
  if (o.idle_timeout <= absl::ZeroDuration()) {
    return OptionError("idle_timeout", "must be positive");
  }
  if (o.frame_timeout <= absl::ZeroDuration()) {
    return OptionError("frame_timeout", "must be positive");
  }
  const size_t max_frame = 6 + o.frame_reader.max_data_length + 6;
  if (o.max_unaccepted_bytes < 2 * max_frame) {
    return OptionError("max_unaccepted_bytes",
                       absl::StrCat("must be at least two frames (", 2 * max_frame, " bytes)"));
  }
  if (o.max_in_flight_per_connection < 1) {
    return OptionError("max_in_flight_per_connection", "must be positive");
  }
  if (o.max_frames_in_flight < 1) return OptionError("max_frames_in_flight", "must be positive");
  if (o.max_queued_answer_bytes < 1024) {
    return OptionError("max_queued_answer_bytes", "must be at least 1024");
  }
  if (o.max_logged_rejections_per_connection < 0) {
    return OptionError("max_logged_rejections_per_connection", "must not be negative");
  }
  if (o.io_threads < 1 || o.io_threads > 64) return OptionError("io_threads", "must be 1..64");
  if (o.worker_threads < 1 || o.worker_threads > 256) {
    return OptionError("worker_threads", "must be 1..256");
  }
  if (o.reassembly_sweep_interval <= absl::ZeroDuration()) {
    return OptionError("reassembly_sweep_interval", "must be positive");
  }
  return absl::OkStatus();
}

// Owns the event loop, the worker pool, the listener and the registry of open sessions.
// Declaration order is destruction order in reverse and matters: the worker pool (whose
// abandoned tasks may hold the last reference to a session) and every I/O object go before
// the io_context they were made from.
class Hj212GatewayImpl final {
 public:
  Hj212GatewayImpl(const Hj212GatewayOptions& options, DeviceDirectory& directory,
                   ReadingWriter& writer, const domain::hj212::CpDecryptor* cipher,
                   const common::Clock& clock)
      : options_(options),
        writer_(writer),
        processor_(directory, cipher, clock, stats_,
                   {options.reading_checks, options.reassembly}),
        gate_(std::make_shared<Hj212Gate>()),
        work_(asio::make_work_guard(io_)),
        accept_strand_(asio::make_strand(io_)),
        acceptor_(accept_strand_),
        accept_retry_timer_(accept_strand_),
        sweep_timer_(accept_strand_),
        workers_(static_cast<size_t>(options.worker_threads)),
        frames_in_flight_(std::make_shared<std::atomic<int64_t>>(0)),
        context_{options_, processor_, writer_, workers_, stats_, gate_, frames_in_flight_,
                 [this](uint64_t id) { Unregister(id); }} {}

  ~Hj212GatewayImpl() { Stop(); }

  absl::Status Listen() {
    asio::error_code error;
    const asio::ip::address address = asio::ip::make_address(options_.listen_address, error);
    if (error) {
      return OptionError("listen_address", absl::StrCat("is not an IP address: ",
                                                        options_.listen_address));
    }
    const asio::ip::tcp::endpoint endpoint(address, static_cast<uint16_t>(options_.port));
    const std::string where = absl::StrCat(options_.listen_address, ":", options_.port);
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(options_.listen_backlog, error);
    if (!error) port_ = acceptor_.local_endpoint(error).port();
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("HJ 212 gateway cannot listen on ", where, ": ", error.message()));
    }
    return absl::OkStatus();
  }

  void Run() {
    Log(LogLevel::kInfo, "hj212_gateway_listening")
        .Str("address", options_.listen_address)
        .Int("port", port_)
        .Int("io_threads", options_.io_threads)
        .Int("worker_threads", options_.worker_threads);
    asio::post(accept_strand_, [this] {
      Accept();
      ScheduleSweep();
    });
    for (int i = 0; i < options_.io_threads; ++i) {
      io_threads_.emplace_back([this] { io_.run(); });
    }
  }

  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    // From here on, writer callbacks leave the event loop alone.
    gate_->Close();
    asio::post(accept_strand_, [this] {
      // A timer that already fired has its handler queued and cannot be cancelled: the
      // flag keeps that handler from arming it again (or the loop would never end).
      listening_ = false;
      asio::error_code ignored;
      acceptor_.close(ignored);
      accept_retry_timer_.cancel();
      sweep_timer_.cancel();
    });
    std::vector<std::shared_ptr<Hj212Session>> open;
    {
      absl::MutexLock lock(&mu_);
      for (auto& [id, weak] : sessions_) {
        if (std::shared_ptr<Hj212Session> session = weak.lock()) open.push_back(session);
      }
    }
    for (const std::shared_ptr<Hj212Session>& session : open) session->Stop();
    open.clear();
    // Frames still queued for the workers are dropped unanswered (the stations resend).
    workers_.stop();
    workers_.join();
    // The loop ends once the closes ran and every aborted handler returned.
    work_.reset();
    for (std::thread& thread : io_threads_) {
      if (thread.joinable()) thread.join();
    }
    io_threads_.clear();
    Log(LogLevel::kInfo, "hj212_gateway_stopped").Int("port", port_);
  }

  int port() const { return port_; }

  Hj212GatewayStats stats() const {
    return stats_.Snapshot(static_cast<int64_t>(processor_.pending_subpacket_sets()),
                           frames_in_flight_->load());
  }

 private:
  void Accept() {
    if (!listening_) return;
    acceptor_.async_accept(
        asio::make_strand(io_),
        [this](const asio::error_code& error, asio::ip::tcp::socket socket) {
          OnAccept(error, std::move(socket));
        });
  }

  void OnAccept(const asio::error_code& error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted || !listening_) return;
    if (error) {
      Log(LogLevel::kWarning, "hj212_accept_failed").Str("error", error.message());
      accept_retry_timer_.expires_after(kAcceptRetryDelay);
      accept_retry_timer_.async_wait([this](const asio::error_code& e) {
        if (!e) Accept();
      });
      return;
    }
    std::shared_ptr<Hj212Session> session;
    bool refused = false;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;  // `socket` closes as it goes
      if (sessions_.size() >= options_.max_connections) {
        refused = true;
        ++refused_;
      } else {
        const uint64_t id = next_id_++;
        session = std::make_shared<Hj212Session>(std::move(socket), id, context_);
        sessions_.emplace(id, session);
      }
    }
    if (refused) {
      stats_.ConnectionRefused();
      // A flood of refusals is one line per thousand, not one each.
      if (refused_ % 1000 == 1) {
        asio::error_code ignored;
        const asio::ip::tcp::endpoint peer = socket.remote_endpoint(ignored);
        Log(LogLevel::kWarning, "hj212_connection_refused")
            .Str("peer", absl::StrCat(peer.address().to_string(), ":", peer.port()))
            .Int("max_connections", static_cast<int64_t>(options_.max_connections))
            .Int("refused_so_far", refused_);
      }
      asio::error_code ignored;
      socket.close(ignored);
    } else {
      stats_.ConnectionAccepted();
      session->Start();
    }
    Accept();
  }

  void ScheduleSweep() {
    if (!listening_) return;
    sweep_timer_.expires_after(ToChrono(options_.reassembly_sweep_interval));
    sweep_timer_.async_wait([this](const asio::error_code& error) {
      if (error) return;
      asio::post(workers_, [this] { StoreExpiredSubpackets(); });
      ScheduleSweep();
    });
  }

  // On a worker: stores what timed-out sub-packet sets had.
  void StoreExpiredSubpackets() {
    for (std::vector<storage::ReadingRow>& rows : processor_.ExpireSubpackets()) {
      const int64_t count = static_cast<int64_t>(rows.size());
      absl::Status submitted = writer_.Submit(
          std::move(rows), [gate = gate_, stats = &stats_, count](const absl::Status& status) {
            if (!status.ok()) {
              Log(LogLevel::kWarning, "hj212_subpacket_store_failed")
                  .Str("error", status.message());
            }
            gate->RunIfOpen([&] {
              if (status.ok()) {
                stats->ReadingsStored(count);
              } else {
                stats->StoreFailed();
              }
            });
          });
      if (!submitted.ok()) {
        stats_.StoreFailed();
        Log(LogLevel::kWarning, "hj212_subpacket_store_failed").Str("error", submitted.message());
      }
    }
  }

  void Unregister(uint64_t id) {
    absl::MutexLock lock(&mu_);
    sessions_.erase(id);
  }

  const Hj212GatewayOptions options_;
  ReadingWriter& writer_;
  Hj212StatsRecorder stats_;
  Hj212FrameProcessor processor_;
  std::shared_ptr<Hj212Gate> gate_;

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::strand<asio::io_context::executor_type> accept_strand_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_timer_;
  asio::steady_timer sweep_timer_;
  asio::thread_pool workers_;
  std::shared_ptr<std::atomic<int64_t>> frames_in_flight_;
  Hj212SessionContext context_;
  std::vector<std::thread> io_threads_;
  int port_ = 0;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<uint64_t, std::weak_ptr<Hj212Session>> sessions_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // On the accept strand only.
  bool listening_ = true;
  int64_t refused_ = 0;
};

absl::StatusOr<std::unique_ptr<Hj212Gateway>> Hj212Gateway::Start(
    const Hj212GatewayOptions& options, DeviceDirectory& directory, ReadingWriter& writer,
    const domain::hj212::CpDecryptor* cipher, const common::Clock& clock) {
  ECOCASE_RETURN_IF_ERROR(ValidateHj212GatewayOptions(options));
  auto impl = std::make_unique<Hj212GatewayImpl>(options, directory, writer, cipher, clock);
  ECOCASE_RETURN_IF_ERROR(impl->Listen());
  impl->Run();
  return std::unique_ptr<Hj212Gateway>(new Hj212Gateway(std::move(impl)));
}

Hj212Gateway::Hj212Gateway(std::unique_ptr<Hj212GatewayImpl> impl) : impl_(std::move(impl)) {}

Hj212Gateway::~Hj212Gateway() { Stop(); }

int Hj212Gateway::port() const { return impl_->port(); }

void Hj212Gateway::Stop() { impl_->Stop(); }

Hj212GatewayStats Hj212Gateway::stats() const { return impl_->stats(); }

}  // namespace ecocase::ingest
