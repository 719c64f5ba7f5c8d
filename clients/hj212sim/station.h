#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/profile.h"
#include "hj212sim/ack_tracker.h"
#include "hj212sim/packet_builder.h"
#include "hj212sim/schedule.h"

namespace hj212sim {

struct StationOptions {
  ScheduleOptions schedule;
  // Load mode: one real-time upload at a time, the next as soon as the previous one is
  // acknowledged, DataTime stepping one second from closed_loop_start but never later
  // than now - 1 s. The schedule is not used.
  bool closed_loop = false;
  absl::Time closed_loop_start;
  int64_t packets = 0;     // uploads to make in all (back-fill included); 0: no limit
  int backfill_hours = 0;  // hour data of this many past hours, queued at Start as 补传
  absl::Duration ack_timeout = absl::Seconds(10);
  size_t max_inflight = 16;  // uploads sent and not yet acknowledged
  double bad_rate = 0;       // probability that an upload is preceded by a damaged frame
  double outage_rate = 0;    // probability per upload that the station then goes silent
  absl::Duration outage = absl::Seconds(120);
};

// A frame to write, and why.
struct Outgoing {
  enum class Why { kFirst, kResend, kBad };
  Why why = Why::kFirst;
  std::string qn;
  std::string cn;
  std::string frame;
};

// Something worth a log line; the station itself does no I/O.
struct StationEvent {
  enum class Type {
    kOutageStarted,   // detail: seconds
    kBuildFailed,     // an upload could not be built (detail: the error)
    kNoAnswer,        // sent 4 times (the standard's 3 retries) without a 9014; detail: QN
    kAckForBadFrame,  // the gateway acknowledged a damaged frame (detail: QN): a gateway bug
    kUnknownAck,      // a 9014 naming no packet of ours (detail: QN)
    kBadAnswer,       // a frame from the gateway that did not decode (detail: reason)
    kForeignAnswer,   // an answer for another MN (detail: its MN)
    kIgnored,         // a command other than 9014 (detail: CN)
  };
  Type type;
  std::string detail;
};

struct StationStats {
  int64_t produced = 0;        // uploads made (scheduled, closed-loop, back-fill)
  int64_t sent = 0;            // uploads sent at least once
  int64_t resent = 0;          // repeated sends (ack timeout, reconnect)
  int64_t acked = 0;           // uploads whose 9014 arrived
  int64_t acked_readings = 0;  // factor values in them
  int64_t bad_sent = 0;        // damaged frames sent (--bad-rate)
  int64_t outages = 0;
  int64_t connects = 0;         // successful connections
  int64_t duplicate_acks = 0;   // a second 9014 for an acknowledged upload
  int64_t unexpected_acks = 0;  // 9014s for damaged frames, unknown QNs or other MNs
  int64_t bad_answers = 0;      // frames from the gateway that did not decode
  int64_t build_failures = 0;
  absl::Duration ack_latency_sum;  // first send to 9014, summed over acked uploads
  absl::Duration ack_latency_max;
};

// One simulated device, without I/O: what to send when, what an answer acknowledges, when
// to be connected. The driver feeds it the time, the connection state and the received
// bytes, and writes what Poll returns. Deterministic for a seed and a sequence of calls.
class Station {
 public:
  Station(PacketBuilder builder, StationOptions options, uint64_t seed);

  const std::string& mn() const { return builder_.station().mn; }
  const StationConfig& config() const { return builder_.station(); }
  size_t readings_per_packet() const { return builder_.readings_per_packet(); }

  // Anchors the schedule at `now` and queues the --backfill-hours uploads. Poll calls it
  // the first time if the driver did not.
  void Start(absl::Time now);

  // The connection came up (a fresh frame reader; every unacknowledged upload is re-sent
  // on the next Poll) or went down.
  void OnConnected(absl::Time now);
  void OnDisconnected(absl::Time now);
  bool connected() const { return connected_; }

  // False during an outage: the driver closes the connection and does not reconnect.
  bool WantsConnection(absl::Time now) const { return now >= outage_until_; }

  // Makes the uploads due by `now` (also while disconnected: they are sent later as 补传)
  // and returns what to write now if connected: overdue re-sends, then new uploads up to
  // max_inflight outstanding, each maybe preceded by a damaged frame.
  std::vector<Outgoing> Poll(absl::Time now);

  // Bytes from the gateway. Returns the uploads this acknowledged, in order.
  std::vector<InFlight> OnBytes(absl::string_view bytes, absl::Time now);

  // The events since the last call.
  std::vector<StationEvent> TakeEvents() { return std::exchange(events_, {}); }

  // --packets reached: nothing more will be made.
  bool ProductionFinished() const {
    return options_.packets > 0 && stats_.produced >= options_.packets;
  }
  // Production finished and every upload acknowledged.
  bool Done() const { return ProductionFinished() && pending() == 0 && tracker_.empty(); }

  size_t outstanding() const { return tracker_.size(); }
  size_t pending() const { return live_.size() + backfill_.size(); }
  const StationStats& stats() const { return stats_; }

 private:
  struct Pending {
    int64_t seq;
    DueUpload due;
    bool backfill;
  };

  void Produce(absl::Time now);
  void Enqueue(const DueUpload& due, bool backfill, absl::Time now);
  double Draw();
  void Event(StationEvent::Type type, std::string detail) {
    events_.push_back({type, std::move(detail)});
  }
  void OnAnswer(const hj212::FrameEvent& event, absl::Time now, std::vector<InFlight>& acked);

  PacketBuilder builder_;
  const StationOptions options_;
  hj212::DeviceProfile answer_profile_;
  uint64_t rng_state_;
  QnSource qns_;
  AckTracker tracker_;
  std::deque<Pending> live_;      // made while online: sent first (2025 §8.1.2)
  std::deque<Pending> backfill_;  // made while offline, and --backfill-hours
  std::deque<std::string> bad_qns_;
  hj212::FrameReader reader_;

  bool started_ = false;
  absl::Time anchor_;
  absl::Time produced_until_;
  absl::Time closed_loop_next_;
  bool connected_ = false;
  bool ever_connected_ = false;
  bool resend_all_ = false;
  absl::Time outage_until_ = absl::InfinitePast();

  StationStats stats_;
  std::vector<StationEvent> events_;
};

}  // namespace hj212sim
