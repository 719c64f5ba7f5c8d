#include "ingest/hj212_stats.h"

namespace ecocase::ingest {

int64_t Hj212GatewayStats::Total(const std::map<std::string, int64_t>& by_reason) {
  int64_t total = 0;
  for (const auto& [reason, count] : by_reason) total += count;
  return total;
}

int64_t Hj212GatewayStats::Count(const std::map<std::string, int64_t>& by_reason,
                                 absl::string_view reason) {
  auto it = by_reason.find(std::string(reason));
  return it == by_reason.end() ? 0 : it->second;
}

void Hj212StatsRecorder::ConnectionAccepted() {
  absl::MutexLock lock(&mu_);
  ++stats_.connections_accepted;
  ++stats_.connections_open;
}

void Hj212StatsRecorder::ConnectionRefused() {
  absl::MutexLock lock(&mu_);
  ++stats_.connections_refused;
}

void Hj212StatsRecorder::ConnectionClosed(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  --stats_.connections_open;
  ++stats_.connections_closed[std::string(reason)];
}

void Hj212StatsRecorder::FrameAccepted() {
  absl::MutexLock lock(&mu_);
  ++stats_.frames_accepted;
}

void Hj212StatsRecorder::FrameRejected(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  ++stats_.frames_rejected[std::string(reason)];
}

void Hj212StatsRecorder::ReadingsStored(int64_t count) {
  absl::MutexLock lock(&mu_);
  stats_.readings_stored += count;
}

void Hj212StatsRecorder::ReadingRejected(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  ++stats_.readings_rejected[std::string(reason)];
}

void Hj212StatsRecorder::DataAckSent() {
  absl::MutexLock lock(&mu_);
  ++stats_.data_acks_sent;
}

void Hj212StatsRecorder::NotificationAckSent() {
  absl::MutexLock lock(&mu_);
  ++stats_.notification_acks_sent;
}

void Hj212StatsRecorder::StoreFailed() {
  absl::MutexLock lock(&mu_);
  ++stats_.store_failures;
}

void Hj212StatsRecorder::PacketNotStored() {
  absl::MutexLock lock(&mu_);
  ++stats_.packets_not_stored;
}

void Hj212StatsRecorder::SubpacketSetsExpired(int64_t count) {
  absl::MutexLock lock(&mu_);
  stats_.subpacket_sets_expired += count;
}

Hj212GatewayStats Hj212StatsRecorder::Snapshot(int64_t pending_sets,
                                                int64_t frames_in_flight) const {
  absl::MutexLock lock(&mu_);
  Hj212GatewayStats copy = stats_;
  copy.subpacket_sets_pending = pending_sets;
  copy.frames_in_flight = frames_in_flight;
  return copy;
}

}  // namespace ecocase::ingest
