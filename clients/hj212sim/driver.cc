#include "hj212sim/driver.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace hj212sim {
namespace {

using ecocase::common::Log;
using ecocase::common::LogLevel;

constexpr size_t kReadBufferBytes = 4096;
// Connections opened at once in idle mode: more only fills the listen backlog.
constexpr int kIdleConnectingAtOnce = 256;
constexpr absl::Duration kIdleRetry = absl::Seconds(1);

std::chrono::nanoseconds ToChrono(absl::Duration d) {
  return std::chrono::nanoseconds(absl::ToInt64Nanoseconds(d));
}

absl::string_view WhyName(Outgoing::Why why) {
  switch (why) {
    case Outgoing::Why::kFirst: return "first";
    case Outgoing::Why::kResend: return "resend";
    case Outgoing::Why::kBad: return "bad";
  }
  return "first";
}

}  // namespace

struct Simulator::Link {
  Link(asio::io_context& io, Station& s) : socket(io), station(s) {}

  enum class State { kIdle, kConnecting, kConnected };

  asio::ip::tcp::socket socket;
  Station& station;
  State state = State::kIdle;
  // Bumped on every close: handlers of an earlier connection see a different value and
  // do nothing.
  uint64_t generation = 0;
  absl::Time connect_started;
  absl::Time next_attempt = absl::InfinitePast();
  absl::Duration backoff;
  int failures = 0;  // connection attempts failed since the last success
  bool acked_since_connect = false;
  bool done = false;
  std::string queued;   // frames waiting for the write in progress
  std::string writing;  // the bytes of the write in progress
  bool write_active = false;
  std::array<char, kReadBufferBytes> buffer{};
};

Simulator::Simulator(asio::io_context& io, asio::ip::tcp::endpoint server, DriverOptions options,
                     std::vector<std::unique_ptr<Station>> stations, AckLog* ack_log)
    : io_(io),
      server_(std::move(server)),
      options_(options),
      stations_(std::move(stations)),
      ack_log_(ack_log),
      tick_timer_(io),
      rng_(options.seed) {
  for (const std::unique_ptr<Station>& station : stations_) {
    links_.push_back(std::make_unique<Link>(io_, *station));
    links_.back()->backoff = options_.reconnect_min;
  }
}

Simulator::~Simulator() = default;

void Simulator::Start() {
  started_ = absl::Now();
  for (const std::unique_ptr<Station>& station : stations_) station->Start(started_);
  Tick();
}

void Simulator::ArmTick() {
  tick_timer_.expires_after(ToChrono(options_.tick));
  tick_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) Tick();
  });
}

void Simulator::Tick() {
  if (stopping_) return;
  const absl::Time now = absl::Now();
  for (const std::unique_ptr<Link>& link : links_) Service(*link, now);
  CheckStop(now);
  if (!stopping_) ArmTick();
}

void Simulator::Service(Link& link, absl::Time now) {
  Station& station = link.station;
  const bool wants = station.WantsConnection(now);
  if (!wants && link.state != Link::State::kIdle) {
    Drop(link, now, "outage", /*planned=*/true);
  } else if (wants && link.state == Link::State::kIdle && now >= link.next_attempt) {
    Connect(link, now);
  } else if (link.state == Link::State::kConnecting &&
             now - link.connect_started > options_.connect_timeout) {
    ConnectFailed(link, now, "connect timeout");
  }
  Send(link, station.Poll(now));
  Report(link);
}

void Simulator::Connect(Link& link, absl::Time now) {
  link.state = Link::State::kConnecting;
  link.connect_started = now;
  const uint64_t generation = ++link.generation;
  asio::error_code ec;
  link.socket.open(server_.protocol(), ec);
  if (ec) {
    ConnectFailed(link, now, ec.message());
    return;
  }
  link.socket.async_connect(server_, [this, &link, generation](const asio::error_code& error) {
    if (stopping_ || generation != link.generation) return;
    OnConnect(link, error);
  });
}

void Simulator::OnConnect(Link& link, const asio::error_code& ec) {
  const absl::Time now = absl::Now();
  if (ec) {
    ConnectFailed(link, now, ec.message());
    return;
  }
  asio::error_code ignored;
  link.socket.set_option(asio::ip::tcp::no_delay(true), ignored);  // one packet, one ack
  link.state = Link::State::kConnected;
  link.acked_since_connect = false;
  Station& station = link.station;
  const bool first = station.stats().connects == 0;
  station.OnConnected(now);
  if (!first || link.failures > 0) {
    Log(LogLevel::kInfo, "connected")
        .Str("mn", station.mn())
        .Int("failed_attempts", link.failures)
        .Int("outstanding", static_cast<int64_t>(station.outstanding()))
        .Int("pending", static_cast<int64_t>(station.pending()));
  }
  link.failures = 0;
  if (first && ++first_connected_ == links_.size()) {
    Log(LogLevel::kInfo, "all_connected")
        .Int("stations", static_cast<int64_t>(links_.size()))
        .Num("after_s", absl::ToDoubleSeconds(now - started_));
  }
  StartRead(link);
  Send(link, station.Poll(now));
  Report(link);
}

void Simulator::ConnectFailed(Link& link, absl::Time now, const std::string& reason) {
  asio::error_code ignored;
  link.socket.close(ignored);
  link.state = Link::State::kIdle;
  ++link.generation;
  // The first failure of a run of them is news; the rest are the same news.
  if (link.failures++ == 0) {
    Log(LogLevel::kWarning, "connect_failed")
        .Str("mn", link.station.mn())
        .Str("error", reason)
        .Num("retry_within_s", absl::ToDoubleSeconds(link.backoff));
  }
  link.next_attempt = now + Jitter(link.backoff);
  link.backoff = std::min(link.backoff * 2, options_.reconnect_max);
}

void Simulator::Drop(Link& link, absl::Time now, absl::string_view reason, bool planned) {
  const bool was_connected = link.state == Link::State::kConnected;
  asio::error_code ignored;
  link.socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  link.socket.close(ignored);
  link.state = Link::State::kIdle;
  ++link.generation;
  link.queued.clear();
  link.writing.clear();
  link.write_active = false;
  if (was_connected) link.station.OnDisconnected(now);
  if (planned) {
    // The outage itself is the pause; reconnect as soon as it is over.
    link.next_attempt = now;
    link.backoff = options_.reconnect_min;
    return;
  }
  Log(LogLevel::kWarning, "disconnected")
      .Str("mn", link.station.mn())
      .Str("reason", reason)
      .Int("outstanding", static_cast<int64_t>(link.station.outstanding()));
  link.next_attempt = now + Jitter(link.backoff);
  link.backoff = std::min(link.backoff * 2, options_.reconnect_max);
}

void Simulator::StartRead(Link& link) {
  const uint64_t generation = link.generation;
  link.socket.async_read_some(
      asio::buffer(link.buffer), [this, &link, generation](const asio::error_code& ec, size_t n) {
        if (stopping_ || generation != link.generation) return;
        if (ec) {
          Drop(link, absl::Now(), ec == asio::error::eof ? "closed by the gateway" : ec.message(),
               /*planned=*/false);
          return;
        }
        OnRead(link, n);
      });
}

void Simulator::OnRead(Link& link, size_t n) {
  const absl::Time now = absl::Now();
  Station& station = link.station;
  std::vector<InFlight> acked = station.OnBytes(absl::string_view(link.buffer.data(), n), now);
  for (const InFlight& f : acked) {
    if (ack_log_ != nullptr) {
      if (absl::Status s = ack_log_->Append(station.mn(), f.upload); !s.ok()) {
        Log(LogLevel::kError, "ack_log_failed").Str("error", s.message());
        failed_ = true;
        Stop("the ack log cannot be written");
        return;
      }
    }
    if (options_.verbose) {
      Log(LogLevel::kDebug, "acked")
          .Str("mn", station.mn())
          .Str("qn", f.upload.qn)
          .Str("cn", f.upload.cn)
          .Int("attempts", f.attempts)
          .Num("latency_ms", absl::ToDoubleMilliseconds(now - f.first_sent));
    }
  }
  if (!acked.empty() && !link.acked_since_connect) {
    // The gateway is really serving this station: the next drop starts a fresh backoff.
    link.acked_since_connect = true;
    link.backoff = options_.reconnect_min;
  }
  Report(link);
  Send(link, station.Poll(now));
  if (link.state == Link::State::kConnected) StartRead(link);
  if (!link.done && station.Done()) {
    link.done = true;
    if (++done_ == links_.size()) Stop("every upload acknowledged");
  }
}

void Simulator::Send(Link& link, std::vector<Outgoing> outgoing) {
  if (outgoing.empty() || link.state != Link::State::kConnected) return;
  for (Outgoing& out : outgoing) {
    if (options_.verbose) {
      Log(LogLevel::kDebug, "sent")
          .Str("mn", link.station.mn())
          .Str("qn", out.qn)
          .Str("cn", out.cn)
          .Str("why", WhyName(out.why));
    }
    link.queued += out.frame;
  }
  StartWrite(link);
}

void Simulator::StartWrite(Link& link) {
  if (link.write_active || link.queued.empty() || link.state != Link::State::kConnected) return;
  link.writing.swap(link.queued);
  link.queued.clear();
  link.write_active = true;
  const uint64_t generation = link.generation;
  asio::async_write(link.socket, asio::buffer(link.writing),
                    [this, &link, generation](const asio::error_code& ec, size_t) {
                      if (stopping_ || generation != link.generation) return;
                      link.write_active = false;
                      if (ec) {
                        Drop(link, absl::Now(), ec.message(), /*planned=*/false);
                        return;
                      }
                      StartWrite(link);
                    });
}

void Simulator::Report(Link& link) {
  for (const StationEvent& event : link.station.TakeEvents()) {
    const std::string& mn = link.station.mn();
    switch (event.type) {
      case StationEvent::Type::kOutageStarted:
        Log(LogLevel::kInfo, "outage").Str("mn", mn).Str("seconds", event.detail);
        break;
      case StationEvent::Type::kBuildFailed:
        Log(LogLevel::kError, "build_failed").Str("mn", mn).Str("error", event.detail);
        break;
      case StationEvent::Type::kNoAnswer:
        Log(LogLevel::kWarning, "no_answer_after_retries")
            .Str("mn", mn)
            .Str("packet", event.detail);
        break;
      case StationEvent::Type::kAckForBadFrame:
        Log(LogLevel::kError, "ack_for_damaged_frame").Str("mn", mn).Str("packet", event.detail);
        break;
      case StationEvent::Type::kUnknownAck:
        Log(LogLevel::kWarning, "unknown_ack").Str("mn", mn).Str("packet", event.detail);
        break;
      case StationEvent::Type::kBadAnswer:
        Log(LogLevel::kWarning, "bad_answer").Str("mn", mn).Str("reason", event.detail);
        break;
      case StationEvent::Type::kForeignAnswer:
        Log(LogLevel::kWarning, "answer_for_other_mn").Str("mn", mn).Str("answer", event.detail);
        break;
      case StationEvent::Type::kIgnored:
        Log(LogLevel::kDebug, "ignored_command").Str("mn", mn).Str("command", event.detail);
        break;
    }
  }
}

void Simulator::CheckStop(absl::Time now) {
  if (options_.duration && now - started_ >= *options_.duration) {
    Stop("duration reached");
    return;
  }
  if (!options_.packets_mode) return;
  if (!drain_started_) {
    const bool all_made = std::all_of(stations_.begin(), stations_.end(),
                                      [](const auto& s) { return s->ProductionFinished(); });
    if (all_made) drain_started_ = now;
  } else if (now - *drain_started_ >= options_.drain_timeout) {
    Stop("drain timeout");
  }
}

void Simulator::Stop(absl::string_view why) {
  if (stopping_) return;
  stopping_ = true;
  stopped_ = absl::Now();
  Log(LogLevel::kInfo, "stopping").Str("reason", why);
  tick_timer_.cancel();
  for (const std::unique_ptr<Link>& link : links_) {
    asio::error_code ignored;
    link->socket.close(ignored);
  }
  io_.stop();
}

bool Simulator::Succeeded() const {
  if (failed_) return false;
  if (!options_.packets_mode) return true;
  return std::all_of(stations_.begin(), stations_.end(), [](const auto& s) { return s->Done(); });
}

RunSummary Simulator::Summary() const {
  RunSummary summary;
  for (const std::unique_ptr<Station>& station : stations_) AddStation(*station, summary);
  summary.elapsed = (stopping_ ? stopped_ : absl::Now()) - started_;
  return summary;
}

absl::Duration Simulator::Jitter(absl::Duration d) {
  // 50-100 % of the backoff, so that stations dropped together do not return together.
  std::uniform_real_distribution<double> share(0.5, 1.0);
  return d * share(rng_);
}

// ---------------------------------------------------------------------------------------

struct IdleConnections::Conn {
  explicit Conn(asio::io_context& io) : socket(io) {}
  enum class State { kIdle, kConnecting, kUp };
  asio::ip::tcp::socket socket;
  State state = State::kIdle;
  uint64_t generation = 0;
  absl::Time next_attempt = absl::InfinitePast();
};

IdleConnections::IdleConnections(asio::io_context& io, asio::ip::tcp::endpoint server, int count)
    : io_(io), server_(std::move(server)), tick_timer_(io) {
  conns_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) conns_.push_back(std::make_unique<Conn>(io_));
}

IdleConnections::~IdleConnections() = default;

void IdleConnections::Start() { Tick(); }

void IdleConnections::ArmTick() {
  tick_timer_.expires_after(std::chrono::milliseconds(100));
  tick_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) Tick();
  });
}

void IdleConnections::Tick() {
  if (stopping_) return;
  const absl::Time now = absl::Now();
  for (const std::unique_ptr<Conn>& conn : conns_) {
    if (connecting_ >= kIdleConnectingAtOnce) break;
    if (conn->state == Conn::State::kIdle && now >= conn->next_attempt) Connect(*conn);
  }
  ArmTick();
}

void IdleConnections::Connect(Conn& conn) {
  asio::error_code ec;
  conn.socket.open(server_.protocol(), ec);
  if (ec) {
    Lost(conn, ec.message());
    return;
  }
  conn.state = Conn::State::kConnecting;
  ++connecting_;
  const uint64_t generation = ++conn.generation;
  conn.socket.async_connect(server_, [this, &conn, generation](const asio::error_code& error) {
    if (stopping_ || generation != conn.generation) return;
    --connecting_;
    if (error) {
      Lost(conn, error.message());
      return;
    }
    conn.state = Conn::State::kUp;
    if (++up_ == static_cast<int>(conns_.size()) && !announced_) {
      announced_ = true;
      std::cout << "{\"connected\":" << up_ << "}" << std::endl;
    }
    Watch(conn);
  });
}

void IdleConnections::Watch(Conn& conn) {
  const uint64_t generation = conn.generation;
  conn.socket.async_wait(asio::ip::tcp::socket::wait_read,
                         [this, &conn, generation](const asio::error_code& ec) {
                           if (stopping_ || generation != conn.generation) return;
                           if (ec) {
                             Lost(conn, ec.message());
                             return;
                           }
                           // Whatever the gateway says is read and dropped; 0 bytes is EOF.
                           std::array<char, 512> sink;
                           asio::error_code read_error;
                           const size_t n = conn.socket.read_some(asio::buffer(sink), read_error);
                           if (read_error || n == 0) {
                             Lost(conn, read_error ? read_error.message() : "closed");
                             return;
                           }
                           Watch(conn);
                         });
}

void IdleConnections::Lost(Conn& conn, absl::string_view reason) {
  if (conn.state == Conn::State::kUp) {
    --up_;
    Log(LogLevel::kWarning, "idle_connection_lost").Str("reason", reason);
  } else if (failures_++ % 1000 == 0) {
    // The first failure and every 1000th: enough to see that the gateway refuses.
    Log(LogLevel::kWarning, "idle_connect_failed").Str("reason", reason).Int("failures", failures_);
  }
  asio::error_code ignored;
  conn.socket.close(ignored);
  conn.state = Conn::State::kIdle;
  ++conn.generation;
  conn.next_attempt = absl::Now() + kIdleRetry;
}

void IdleConnections::Stop() {
  if (stopping_) return;
  stopping_ = true;
  tick_timer_.cancel();
  for (const std::unique_ptr<Conn>& conn : conns_) {
    asio::error_code ignored;
    conn->socket.close(ignored);
  }
  io_.stop();
}

}  // namespace hj212sim
