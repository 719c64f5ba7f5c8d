#pragma once

// The readings of the G4 ingest benchmark. The gRPC client and the SQL baseline generator
// both take their rows from here, so the two sides of the ratio write the same rows.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::bench {

// Eight factors of a flue-gas CEMS (HJ 212 Appendix B codes): one packet's worth.
inline constexpr std::array<absl::string_view, 8> kPollutants = {
    "a21026", "a21002", "a34013", "a19001", "a01011", "a01012", "a01013", "a01014"};

// The MN of generated device `index` (1-based): `prefix` and the zero-padded index, 24
// characters in all, as hj212sim --count-stations --mn-prefix makes them.
std::string DeviceMn(absl::string_view prefix, int index);

struct BenchReading {
  std::string mn;
  absl::string_view pollutant;
  absl::Time data_time;  // whole seconds
  double value;
};

// Where a run's rows live. Stream s (a client thread) writes for device s + 1 only, so
// concurrent streams never touch the same natural key. Round r covers the data times
// [base + r * kRoundSpan, base + (r + 1) * kRoundSpan): rounds never repeat a key either.
struct ReadingPlan {
  std::string mn_prefix;
  int devices = 0;
  absl::Time base;             // whole seconds, inside the server's back-fill window
  int readings_per_batch = 1000;
};

inline constexpr absl::Duration kRoundSpan = absl::Hours(24);

// Batches of one stream that fit into one round's span.
int64_t BatchesPerRound(const ReadingPlan& plan);

// Batch `batch` (0-based, < BatchesPerRound) of `stream` in `round`: readings_per_batch
// readings, the factors of one data time after another.
std::vector<BenchReading> Batch(const ReadingPlan& plan, int round, int stream, int64_t batch);

}  // namespace ecocase::bench
