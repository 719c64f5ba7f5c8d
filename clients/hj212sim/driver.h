#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <asio.hpp>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hj212sim/ack_log.h"
#include "hj212sim/station.h"
#include "hj212sim/summary.h"

namespace hj212sim {

struct DriverOptions {
  absl::Duration tick = absl::Milliseconds(100);  // how often schedules and timeouts are checked
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration reconnect_min = absl::Milliseconds(500);
  absl::Duration reconnect_max = absl::Seconds(30);
  std::optional<absl::Duration> duration;  // --duration
  bool packets_mode = false;               // --packets: stop once everything is acknowledged
  absl::Duration drain_timeout = absl::Seconds(30);
  bool verbose = false;
  uint64_t seed = 1;  // reconnect jitter
};

// Runs the stations over TCP on one io_context, one connection per station, no thread per
// station: a periodic tick drives schedules, ack timeouts and reconnects; received answers
// and finished writes drive the rest. Not thread-safe: everything runs on the io_context's
// one thread.
class Simulator {
 public:
  Simulator(asio::io_context& io, asio::ip::tcp::endpoint server, DriverOptions options,
            std::vector<std::unique_ptr<Station>> stations, AckLog* ack_log);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  void Start();
  // Closes every connection and lets io_context::run return. Idempotent.
  void Stop(absl::string_view why);

  // True when the run met its goal: with --packets every upload was acknowledged; otherwise
  // no fatal error (an unwritable ack log) happened.
  bool Succeeded() const;
  RunSummary Summary() const;

 private:
  struct Link;

  void ArmTick();
  void Tick();
  void Service(Link& link, absl::Time now);
  void Connect(Link& link, absl::Time now);
  void OnConnect(Link& link, const asio::error_code& ec);
  void ConnectFailed(Link& link, absl::Time now, const std::string& reason);
  void Drop(Link& link, absl::Time now, absl::string_view reason, bool planned);
  void StartRead(Link& link);
  void OnRead(Link& link, size_t n);
  void Send(Link& link, std::vector<Outgoing> outgoing);
  void StartWrite(Link& link);
  void Report(Link& link);
  void CheckStop(absl::Time now);
  absl::Duration Jitter(absl::Duration d);

  asio::io_context& io_;
  const asio::ip::tcp::endpoint server_;
  const DriverOptions options_;
  std::vector<std::unique_ptr<Station>> stations_;
  std::vector<std::unique_ptr<Link>> links_;
  AckLog* ack_log_;
  asio::steady_timer tick_timer_;
  std::mt19937_64 rng_;

  absl::Time started_;
  absl::Time stopped_;
  std::optional<absl::Time> drain_started_;
  size_t first_connected_ = 0;
  size_t done_ = 0;
  bool stopping_ = false;
  bool failed_ = false;
};

// --idle-connections: opens `count` TCP connections to `server` and holds them without
// sending (re-opening any the server closes), printing {"connected":N} on stdout once all
// are up. Runs until Stop.
class IdleConnections {
 public:
  IdleConnections(asio::io_context& io, asio::ip::tcp::endpoint server, int count);
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  void Start();
  void Stop();

 private:
  struct Conn;

  void ArmTick();
  void Tick();
  void Connect(Conn& conn);
  void Watch(Conn& conn);
  void Lost(Conn& conn, absl::string_view reason);

  asio::io_context& io_;
  const asio::ip::tcp::endpoint server_;
  std::vector<std::unique_ptr<Conn>> conns_;
  asio::steady_timer tick_timer_;
  int connecting_ = 0;
  int up_ = 0;
  int64_t failures_ = 0;
  bool announced_ = false;
  bool stopping_ = false;
};

}  // namespace hj212sim
