#include "storage/mysql/last_seen_throttle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecocase::storage::mysql {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Key;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(LastSeenThrottleTest, WritesEachDeviceOncePerRefreshInterval) {
  LastSeenThrottle throttle(absl::Seconds(10));
  std::map<std::string, absl::Time> first = {{"A", kT0}, {"B", kT0}};
  EXPECT_EQ(throttle.ToWrite(first), first);  // never written by this process
  throttle.Written(first);

  // A second later nothing is due; ten seconds after what was written, A is again.
  EXPECT_THAT(throttle.ToWrite({{"A", kT0 + absl::Seconds(1)}, {"B", kT0 + absl::Seconds(9)}}),
              IsEmpty());
  EXPECT_THAT(throttle.ToWrite({{"A", kT0 + absl::Seconds(10)}, {"C", kT0}}),
              ElementsAre(Key("A"), Key("C")));
}

TEST(LastSeenThrottleTest, RemembersOnlyWhatCommitted) {
  LastSeenThrottle throttle(absl::Seconds(10));
  std::map<std::string, absl::Time> due = throttle.ToWrite({{"A", kT0}});
  // The batch failed: Written was never called, so the next batch writes A again.
  EXPECT_EQ(throttle.ToWrite({{"A", kT0 + absl::Seconds(1)}}).size(), 1u);

  // Two batches committed out of order: the later time is what the database holds.
  throttle.Written({{"A", kT0 + absl::Seconds(20)}});
  throttle.Written(due);
  EXPECT_THAT(throttle.ToWrite({{"A", kT0 + absl::Seconds(29)}}), IsEmpty());
  EXPECT_EQ(throttle.ToWrite({{"A", kT0 + absl::Seconds(30)}}).size(), 1u);
}

}  // namespace
}  // namespace ecocase::storage::mysql
