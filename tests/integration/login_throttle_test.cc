// The login throttle's storage: failures lock a subject, and the sweep forgets subjects
// whose window and lock are over (and only those).
#include "storage/mysql/mysql_login_throttle.h"

#include <gtest/gtest.h>

#include "testing/test_app.h"

namespace ecocase {
namespace {

TEST(LoginThrottleTest, PurgeForgetsOnlySubjectsWhoseWindowAndLockAreOver) {
  auto app = testing::TestApp::Start("throttle");
  ASSERT_NE(app, nullptr);
  storage::mysql::ConnectionPool pool(app->schema().options());
  storage::mysql::MysqlLoginThrottle throttle(pool);
  const absl::Time t0 = absl::FromUnixSeconds(1790000000);
  const absl::Duration window = absl::Minutes(15), lockout = absl::Minutes(15);

  // "addr:a" failed once at t0; "addr:b" failed 5 times at t0+20m and is locked to t0+35m.
  ASSERT_TRUE(throttle.RecordFailure({"addr:a"}, t0, 5, window, lockout).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        throttle.RecordFailure({"addr:b"}, t0 + absl::Minutes(20), 5, window, lockout).ok());
  }
  EXPECT_EQ(throttle.LockedUntil({"addr:b"}, t0 + absl::Minutes(21)).value(),
            t0 + absl::Minutes(35));

  // At t0+30m with 15 minutes of memory: a's window is over; b is still locked.
  auto purged = throttle.PurgeStale(t0 + absl::Minutes(30) - window);
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(app->schema().QueryInt("SELECT COUNT(*) FROM login_throttle"), 1);
  EXPECT_EQ(throttle.LockedUntil({"addr:b"}, t0 + absl::Minutes(30)).value(),
            t0 + absl::Minutes(35));

  // Once b's lock has ended too, nothing is left.
  EXPECT_EQ(throttle.PurgeStale(t0 + absl::Minutes(36)).value(), 1);
  EXPECT_EQ(app->schema().QueryInt("SELECT COUNT(*) FROM login_throttle"), 0);
}

}  // namespace
}  // namespace ecocase
