#include "api/alert_hub.h"

#include <algorithm>
#include <utility>

#include "common/log.h"
#include "domain/principal.h"

namespace ecocase::api {
namespace {

using common::Log;
using common::LogLevel;

// Alerts read per query; a fuller backlog is read in several.
constexpr int kPollBatch = 500;

}  // namespace

bool ScopeAdmits(const storage::Scope& scope, const std::string& district_code,
                 const std::string& enterprise_uscc) {
  if (scope.everything) return true;
  if (!scope.enterprise_uscc.empty() && scope.enterprise_uscc == enterprise_uscc) return true;
  for (const std::string& code : scope.district_codes) {
    if (domain::CodeCovers(code, district_code)) return true;
  }
  return false;
}

AlertHub::AlertHub(storage::AlertRepository& alerts, AlertFeedOptions options)
    : alerts_(alerts), options_(std::move(options)) {}

AlertHub::~AlertHub() { Stop(); }

absl::Status AlertHub::Start() {
  absl::StatusOr<int64_t> last = alerts_.LastSeq();
  if (!last.ok()) return last.status();
  absl::MutexLock lock(&mu_);
  if (started_ || stopping_) return absl::FailedPreconditionError("the alert hub ran already");
  started_ = true;
  last_seq_ = *last;
  ring_floor_ = *last;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void AlertHub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      stopping_ = true;
      // Under the lock, like every call to a subscriber: one that is unsubscribing waits
      // here and is not destroyed while it is told.
      for (auto& [id, entry] : subscribers_) entry.subscriber->OnHubStopped();
      subscribers_.clear();
    }
  }
  if (thread_.joinable()) thread_.join();
}

void AlertHub::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

absl::StatusOr<AlertSubscription> AlertHub::Subscribe(AlertSubscriber* subscriber,
                                                      storage::Scope scope,
                                                      std::optional<int64_t> after_seq) {
  absl::MutexLock lock(&mu_);
  if (!started_ || stopping_) {
    return absl::UnavailableError("the alert feed is not running (the server is shutting down)");
  }
  AlertSubscription sub;
  sub.id = next_id_++;
  sub.live_after = last_seq_;
  if (!after_seq.has_value() || *after_seq >= last_seq_) {
    sub.replayed = true;
  } else if (*after_seq >= ring_floor_) {
    sub.replayed = true;
    for (const AlertPtr& a : ring_) {
      if (a->seq > *after_seq && ScopeAdmits(scope, a->district_code, a->enterprise_uscc)) {
        sub.replay.push_back(a);
      }
    }
  }
  subscribers_.emplace(sub.id, Entry{subscriber, std::move(scope)});
  return sub;
}

void AlertHub::Unsubscribe(int64_t id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
}

int64_t AlertHub::last_seq() const {
  absl::MutexLock lock(&mu_);
  return last_seq_;
}

size_t AlertHub::subscriber_count() const {
  absl::MutexLock lock(&mu_);
  return subscribers_.size();
}

void AlertHub::Run() {
  bool failing = false;
  mu_.Lock();
  while (!stopping_) {
    auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return notified_ || stopping_; };
    mu_.AwaitWithTimeout(absl::Condition(&wake), options_.poll_interval);
    if (stopping_) break;
    notified_ = false;
    int64_t after = last_seq_;
    mu_.Unlock();
    // Read until caught up; what one query misses beyond its batch the next one gets.
    for (;;) {
      absl::StatusOr<std::vector<storage::AlertEvent>> batch =
          alerts_.ListAllAfter(after, kPollBatch);
      if (!batch.ok()) {
        // Watches go quiet while the database is away and catch up when it returns.
        if (!failing) {
          Log(LogLevel::kWarning, "alert_poll_failed").Str("error", batch.status().ToString());
        }
        failing = true;
        break;
      }
      if (failing) Log(LogLevel::kInfo, "alert_poll_recovered");
      failing = false;
      if (batch->empty()) break;
      const bool full = static_cast<int>(batch->size()) >= kPollBatch;
      after = batch->back().seq;
      Deliver(*std::move(batch));
      if (!full) break;
    }
    mu_.Lock();
  }
  mu_.Unlock();
}

void AlertHub::Deliver(std::vector<storage::AlertEvent> batch) {
  std::vector<AlertPtr> alerts;
  alerts.reserve(batch.size());
  for (storage::AlertEvent& e : batch) {
    alerts.push_back(std::make_shared<const storage::AlertEvent>(std::move(e)));
  }
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  // Never twice, whatever the database says.
  const int64_t seen = last_seq_;
  alerts.erase(std::remove_if(alerts.begin(), alerts.end(),
                              [seen](const AlertPtr& a) { return a->seq <= seen; }),
               alerts.end());
  for (const AlertPtr& a : alerts) {
    last_seq_ = a->seq;
    ring_.push_back(a);
    if (static_cast<int>(ring_.size()) > std::max(options_.recent_alerts, 0)) {
      ring_floor_ = ring_.front()->seq;
      ring_.pop_front();
    }
  }
  std::vector<AlertPtr> admitted;
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    admitted.clear();
    for (const AlertPtr& a : alerts) {
      if (ScopeAdmits(it->second.scope, a->district_code, a->enterprise_uscc)) {
        admitted.push_back(a);
      }
    }
    if (!admitted.empty() && !it->second.subscriber->OnAlerts(admitted)) {
      it = subscribers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ecocase::api
