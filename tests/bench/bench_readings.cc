#include "bench_readings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecocase::bench {
namespace {

constexpr int kMnLength = 24;

int64_t SecondsPerBatch(const ReadingPlan& plan) {
  const int64_t factors = static_cast<int64_t>(kPollutants.size());
  return (plan.readings_per_batch + factors - 1) / factors;
}

}  // namespace

std::string DeviceMn(absl::string_view prefix, int index) {
  const int width = std::max(6, kMnLength - static_cast<int>(prefix.size()));
  return absl::StrCat(prefix, absl::StrFormat("%0*d", width, index));
}

int64_t BatchesPerRound(const ReadingPlan& plan) {
  return absl::ToInt64Seconds(kRoundSpan) / SecondsPerBatch(plan);
}

std::vector<BenchReading> Batch(const ReadingPlan& plan, int round, int stream, int64_t batch) {
  const std::string mn = DeviceMn(plan.mn_prefix, stream + 1);
  const absl::Time first =
      plan.base + round * kRoundSpan + absl::Seconds(batch * SecondsPerBatch(plan));
  const int factors = static_cast<int>(kPollutants.size());
  std::vector<BenchReading> readings;
  readings.reserve(static_cast<size_t>(plan.readings_per_batch));
  for (int i = 0; i < plan.readings_per_batch; ++i) {
    // Plausible concentrations with some spread; the value does not change the cost.
    const int64_t spread = (batch * 131 + i * 7 + stream * 17) % 500;
    readings.push_back({mn, kPollutants[static_cast<size_t>(i % factors)],
                        first + absl::Seconds(i / factors),
                        20.0 + static_cast<double>(spread) / 10.0});
  }
  return readings;
}

}  // namespace ecocase::bench
