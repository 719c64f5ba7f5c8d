#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace ecocase::ingest {

// Counters of one HJ 212 gateway since it started. Reasons are the UPPER_SNAKE_CASE names the
// logs use: hj212::ReasonName for frames (plus DEVICE_UNBOUND and DIRECTORY_UNAVAILABLE,
// which the codec has no name for), monitoring::ReadingReasonName for readings.
struct Hj212GatewayStats {
  int64_t connections_open = 0;
  int64_t connections_accepted = 0;
  int64_t connections_refused = 0;  // closed at once: max_connections reached
  // By reason: peer_closed, idle, slow, no_valid_frame, slow_reader, read_error,
  // write_error, server_stop.
  std::map<std::string, int64_t> connections_closed;

  int64_t frames_accepted = 0;  // framed, decoded and authenticated
  std::map<std::string, int64_t> frames_rejected;

  int64_t readings_stored = 0;  // committed (new or already there)
  std::map<std::string, int64_t> readings_rejected;

  int64_t data_acks_sent = 0;          // 9014
  int64_t notification_acks_sent = 0;  // 9013
  // Uploads whose readings were not committed (writer queue full or stopping, database
  // error after its retries): no 9014, the station sends them again.
  int64_t store_failures = 0;
  // Accepted packets the gateway keeps nothing of: uploads without readings (2021, 2041,
  // 3020 ...) and answers or host commands a device sent.
  int64_t packets_not_stored = 0;
  int64_t subpacket_sets_expired = 0;
  int64_t subpacket_sets_pending = 0;
  int64_t frames_in_flight = 0;  // being processed or waiting for their COMMIT

  // Sum of a reason map, for tests and dashboards.
  static int64_t Total(const std::map<std::string, int64_t>& by_reason);
  // The count under `reason`, 0 when absent.
  static int64_t Count(const std::map<std::string, int64_t>& by_reason, absl::string_view reason);
};

// The thread-safe counter behind Hj212GatewayStats.
class Hj212StatsRecorder final {
 public:
  void ConnectionAccepted();
  void ConnectionRefused();
  void ConnectionClosed(absl::string_view reason);
  void FrameAccepted();
  void FrameRejected(absl::string_view reason);
  void ReadingsStored(int64_t count);
  void ReadingRejected(absl::string_view reason);
  void DataAckSent();
  void NotificationAckSent();
  void StoreFailed();
  void PacketNotStored();
  void SubpacketSetsExpired(int64_t count);

  // The gauges are read by the caller: from the reassembler and the in-flight counter.
  Hj212GatewayStats Snapshot(int64_t pending_sets, int64_t frames_in_flight) const;

 private:
  mutable absl::Mutex mu_;
  Hj212GatewayStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::ingest
