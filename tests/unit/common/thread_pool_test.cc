#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace ecocase::common {
namespace {

TEST(ThreadPoolTest, RunsEveryPostedTaskAndDrainsOnDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(3, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.Post([&] { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(ThreadPoolTest, RefusesBeyondTheQueueBound) {
  absl::Notification release;
  absl::Notification started;
  ThreadPool pool(1, 2);
  ASSERT_TRUE(pool.Post([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the only thread is busy; the queue holds two
  EXPECT_TRUE(pool.Post([] {}));
  EXPECT_TRUE(pool.Post([] {}));
  EXPECT_FALSE(pool.Post([] {}));
  release.Notify();
}

}  // namespace
}  // namespace ecocase::common
