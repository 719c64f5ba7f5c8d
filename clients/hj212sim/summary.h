#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "hj212sim/station.h"

namespace hj212sim {

// What a run did, printed as one JSON line on stdout at exit.
struct RunSummary {
  int64_t stations = 0;
  StationStats totals;     // summed over the stations
  int64_t unacked = 0;     // uploads sent or made and never acknowledged
  int64_t reconnects = 0;  // connections after each station's first
  absl::Duration elapsed;
};

// Adds one station's statistics into `summary`.
void AddStation(const Station& station, RunSummary& summary);

// {"stations":..,"sent":..,"acked":..,"resent":..,"bad_sent":..,"reconnects":..,
//  "elapsed_s":..,"acked_packets_per_s":..,"readings_per_packet":.., then the details}.
std::string SummaryJson(const RunSummary& summary);

}  // namespace hj212sim
