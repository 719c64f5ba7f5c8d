#include "hj212sim/summary.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace hj212sim {

void AddStation(const Station& station, RunSummary& summary) {
  const StationStats& s = station.stats();
  StationStats& t = summary.totals;
  ++summary.stations;
  t.produced += s.produced;
  t.sent += s.sent;
  t.resent += s.resent;
  t.acked += s.acked;
  t.acked_readings += s.acked_readings;
  t.bad_sent += s.bad_sent;
  t.outages += s.outages;
  t.connects += s.connects;
  t.duplicate_acks += s.duplicate_acks;
  t.unexpected_acks += s.unexpected_acks;
  t.bad_answers += s.bad_answers;
  t.build_failures += s.build_failures;
  t.ack_latency_sum += s.ack_latency_sum;
  t.ack_latency_max = std::max(t.ack_latency_max, s.ack_latency_max);
  summary.unacked += static_cast<int64_t>(station.outstanding() + station.pending());
  summary.reconnects += std::max<int64_t>(0, s.connects - 1);
}

std::string SummaryJson(const RunSummary& summary) {
  const StationStats& t = summary.totals;
  const double elapsed_s = absl::ToDoubleSeconds(summary.elapsed);
  const double rate = elapsed_s > 0 ? static_cast<double>(t.acked) / elapsed_s : 0;
  const double per_packet =
      t.acked > 0 ? static_cast<double>(t.acked_readings) / static_cast<double>(t.acked) : 0;
  const double mean_latency_ms =
      t.acked > 0 ? absl::ToDoubleMilliseconds(t.ack_latency_sum) / static_cast<double>(t.acked)
                  : 0;
  return absl::StrFormat(
      "{\"stations\":%d,\"sent\":%d,\"acked\":%d,\"resent\":%d,\"bad_sent\":%d,"
      "\"reconnects\":%d,\"elapsed_s\":%.3f,\"acked_packets_per_s\":%.1f,"
      "\"readings_per_packet\":%.2f,\"produced\":%d,\"unacked\":%d,\"acked_readings\":%d,"
      "\"outages\":%d,\"duplicate_acks\":%d,\"unexpected_acks\":%d,\"bad_answers\":%d,"
      "\"ack_latency_mean_ms\":%.2f,\"ack_latency_max_ms\":%.2f}",
      summary.stations, t.sent, t.acked, t.resent, t.bad_sent, summary.reconnects, elapsed_s, rate,
      per_packet, t.produced, summary.unacked, t.acked_readings, t.outages, t.duplicate_acks,
      t.unexpected_acks, t.bad_answers, mean_latency_ms,
      absl::ToDoubleMilliseconds(t.ack_latency_max));
}

}  // namespace hj212sim
