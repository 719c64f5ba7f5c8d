#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/reassembly.h"
#include "domain/monitoring/reading.h"
#include "ingest/device_directory.h"
#include "ingest/hj212_stats.h"
#include "ingest/reading_writer.h"

namespace ecocase::ingest {

struct Hj212GatewayOptions {
  std::string listen_address = "0.0.0.0";
  int port = 0;  // 0: an ephemeral port (tests); port() says which
  int listen_backlog = 1024;

  // Connections open at once; beyond it a new connection is closed at once and counted.
  size_t max_connections = 20000;
  // No complete frame for this long closes the connection. Stations send every 30-60 s and
  // heartbeats in between; a silent connection is a dead one whose NAT entry is gone.
  absl::Duration idle_timeout = absl::Minutes(10);
  // A frame begun and not complete within this closes the connection ("slow": a trickle
  // that would hold the buffer, or a peer that died mid-frame).
  absl::Duration frame_timeout = absl::Seconds(30);
  // Bytes received without one authenticated packet (garbage, frames that fail CRC,
  // decryption or PW) before the connection is cut. Each malformed frame is counted and
  // logged; this only stops a peer that sends nothing else. At least 2 frames' worth.
  size_t max_unaccepted_bytes = 64 * 1024;
  // Frames of one connection being processed or waiting for their COMMIT; while this many
  // are, the connection is not read (TCP backpressure on the station).
  int max_in_flight_per_connection = 32;
  // Frames being processed or waiting for their COMMIT across all connections: the bound on
  // what a slow database (or a flood) makes the gateway hold. While it is reached, no
  // connection takes another frame (TCP backpressure); each looks again after 20 ms,
  // backing off to 1 s.
  size_t max_frames_in_flight = 10000;
  // Answers queued for a station that does not read them; beyond this it is closed.
  size_t max_queued_answer_bytes = 64 * 1024;
  // Rejection log lines per connection; beyond it they are only counted (the close line
  // gives the total), so one broken station cannot flood the log.
  int max_logged_rejections_per_connection = 100;

  int io_threads = 1;      // event-loop threads serving every socket
  int worker_threads = 2;  // blocking work: device lookups, PW checks, decoding

  // The listener's framing. Lenient (up to 9999 bytes, LF and character-counted lengths)
  // so that legacy devices are framed at all; each device's registered profile then judges
  // its frames, so a strict device gains nothing from it.
  domain::hj212::FrameReaderOptions frame_reader = domain::hj212::FrameReaderOptions::Lenient();
  domain::hj212::ReassemblyOptions reassembly;
  // How often incomplete sub-packet sets are checked for their timeout.
  absl::Duration reassembly_sweep_interval = absl::Seconds(10);
  domain::monitoring::ReadingCheckOptions reading_checks;
};

// INVALID_ARGUMENT naming the first option out of range.
absl::Status ValidateHj212GatewayOptions(const Hj212GatewayOptions& options);

class Hj212GatewayImpl;

// The HJ 212 TCP listener (architecture.md §1, §7): monitoring stations connect, send
// uploads and notifications, and get answers. One event loop serves all sockets without a
// thread each; blocking work runs on a small worker pool.
//
// Per frame: framed by its length field (malformed input is counted and logged, never
// fatal), the device found by MN, the frame judged by that device's registered profile
// (version, strictness, CRC, SM4), the PW checked against the stored hash. Real-time,
// minute, hourly and daily uploads (2011, 2051, 2061, 2031, back-filled RF=1 ones too)
// become readings handed to the ReadingWriter; the 9014 answer goes out only after they
// committed, and only when the Flag asks for one. Notifications (9015 heartbeat, 1013,
// 2025 1001 and 1014) get their 9013 at once. Idle, slow, flooding and non-reading
// connections are cut; every buffer and queue is bounded.
//
// The DeviceDirectory, ReadingWriter, cipher and clock must outlive the gateway. The writer
// may call back after the gateway is gone: those callbacks find it stopped and do nothing.
// Thread-safe.
class Hj212Gateway final {
 public:
  // Listens and starts serving. INVALID_ARGUMENT for bad options, UNAVAILABLE when the
  // address cannot be bound. `cipher` may be null when no device uses SM4.
  static absl::StatusOr<std::unique_ptr<Hj212Gateway>> Start(
      const Hj212GatewayOptions& options, DeviceDirectory& directory, ReadingWriter& writer,
      const domain::hj212::CpDecryptor* cipher, const common::Clock& clock);

  ~Hj212Gateway();  // Stop()
  Hj212Gateway(const Hj212Gateway&) = delete;
  Hj212Gateway& operator=(const Hj212Gateway&) = delete;

  // The port listened on (the ephemeral one when options.port was 0).
  int port() const;

  // Stops accepting, closes every connection (answers not yet sent are dropped: the
  // stations resend, inserts are idempotent) and joins the threads. Safe to call twice.
  void Stop();

  Hj212GatewayStats stats() const;

 private:
  explicit Hj212Gateway(std::unique_ptr<Hj212GatewayImpl> impl);
  std::unique_ptr<Hj212GatewayImpl> impl_;
};

}  // namespace ecocase::ingest
