#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/alert_repository.h"
#include "storage/scope.h"

namespace ecocase::api {

struct AlertFeedOptions {
  // How often the hub looks for alerts committed (by this replica or another); Notify()
  // wakes it at once.
  absl::Duration poll_interval = absl::Seconds(1);
  // Recent alerts kept in memory: a watch resuming from a cursor among them starts
  // without reading the database (reconnects after a drop are the common case).
  int recent_alerts = 1024;
  // New alerts waiting for one watcher at most; beyond it the watch ends with
  // RESOURCE_EXHAUSTED and the client resumes from its cursor (the backlog then comes
  // from the database, at the client's pace). Above the hub's read batch (500), so a
  // burst alone does not end watches whose clients keep up.
  int watcher_queue = 1024;
};

using AlertPtr = std::shared_ptr<const storage::AlertEvent>;

// Whether `scope` admits an alert of `district_code` and `enterprise_uscc`: the rule of
// storage/mysql/scope_sql.cc (a city or province code covers its districts; no district
// only for `everything`), applied to alerts already in memory.
bool ScopeAdmits(const storage::Scope& scope, const std::string& district_code,
                 const std::string& enterprise_uscc);

// A watcher of the feed. The hub calls it on its own thread while holding its lock, so
// a subscriber must not block and must not call into the hub from these calls.
class AlertSubscriber {
 public:
  virtual ~AlertSubscriber() = default;
  // New alerts within the subscriber's scope, oldest first. Returning false ends the
  // subscription at once (the hub drops it; no Unsubscribe follows).
  virtual bool OnAlerts(const std::vector<AlertPtr>& alerts) = 0;
  // The hub is stopping (server shutdown): no call follows, no Unsubscribe is needed.
  virtual void OnHubStopped() = 0;
};

struct AlertSubscription {
  int64_t id = 0;
  // Every alert with a seq above this reaches the subscriber through OnAlerts.
  int64_t live_after = 0;
  // The subscriber's alerts in (after_seq, live_after], from memory, when the hub still
  // holds them all (`replayed`); otherwise the subscriber reads them from the database.
  bool replayed = false;
  std::vector<AlertPtr> replay;
};

// The alert feed of one server: one thread polls the database for alerts committed after
// the last one seen (every poll_interval, or at once after Notify()), keeps the recent
// ones, and hands each to the subscribers whose scope admits it. Subscribers are
// callbacks, so a thousand idle watches cost no thread. Thread-safe.
class AlertHub final {
 public:
  AlertHub(storage::AlertRepository& alerts, AlertFeedOptions options);
  ~AlertHub();  // Stop().
  AlertHub(const AlertHub&) = delete;
  AlertHub& operator=(const AlertHub&) = delete;

  // Starts after the feed's last committed alert (what came before is the database's to
  // tell) and starts polling. UNAVAILABLE when the database does not answer.
  absl::Status Start();
  // Tells every subscriber OnHubStopped and joins the thread. Later subscriptions are
  // UNAVAILABLE. Safe to call more than once, and without Start().
  void Stop();

  // Polls now rather than at the next tick: call it after committing a transaction that
  // appended alerts. Never blocks.
  void Notify();

  // Subscribes `subscriber` (which must stay valid until Unsubscribe returns or the hub
  // drops it) to alerts within `scope` after `after_seq`; std::nullopt: from now on.
  // UNAVAILABLE when the hub is not running.
  absl::StatusOr<AlertSubscription> Subscribe(AlertSubscriber* subscriber, storage::Scope scope,
                                              std::optional<int64_t> after_seq);
  // Once it returns, the hub never calls the subscriber again. Unknown ids are ignored.
  void Unsubscribe(int64_t id);

  // The last alert handed to subscribers.
  int64_t last_seq() const;
  size_t subscriber_count() const;
  const AlertFeedOptions& options() const { return options_; }

 private:
  struct Entry {
    AlertSubscriber* subscriber;
    storage::Scope scope;
  };

  void Run();
  // Hands `batch` (the next alerts of the feed, in order) to the ring and the subscribers.
  void Deliver(std::vector<storage::AlertEvent> batch) ABSL_LOCKS_EXCLUDED(mu_);

  storage::AlertRepository& alerts_;
  const AlertFeedOptions options_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  int64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
  // The ring holds every alert with a seq in (ring_floor_, last_seq_].
  std::deque<AlertPtr> ring_ ABSL_GUARDED_BY(mu_);
  int64_t ring_floor_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Entry> subscribers_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace ecocase::api
