#include "api/alert_service.h"

#include <grpcpp/server_context.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace v1 = ::ecocase::v1;
using domain::Action;

// Alerts read per backlog query; the next query waits until these are sent, so a long
// backlog costs one page of memory, not all of it.
constexpr int kBacklogPage = 200;
// The response header naming the cursor a watch starts after (see alert.proto).
constexpr absl::string_view kWatchCursorHeader = "ecocase-watch-cursor";

// One WatchAlerts call, on the callback API. Begin() (authorization, the starting point,
// the subscription) and the backlog pages run on the executor; live alerts arrive from
// the hub's thread; one Write is in flight at a time. Live alerts that arrive while the
// backlog is still being read are held and sent after it: they are all newer than the
// backlog, which ends where the subscription's live delivery begins. The call ends only
// on failure (client gone, too slow, shutdown, bad request) and only once nothing is
// outstanding — no write, no executor task, no hub subscription — so OnDone's `delete
// this` leaves no dangling pointer behind.
class AlertWatch final : public grpc::ServerWriteReactor<v1::Alert>, public AlertSubscriber {
 public:
  AlertWatch(grpc::CallbackServerContext* context, const v1::WatchAlertsRequest& request,
             Authorizer& authorizer, storage::AlertRepository& alerts, AlertHub& hub,
             common::ThreadPool& executor, const std::string& city_code)
      : context_(context),
        after_cursor_(request.after_cursor()),
        from_now_(request.from_now()),
        authorizer_(authorizer),
        alerts_(alerts),
        hub_(hub),
        executor_(executor),
        city_code_(city_code),
        limit_(std::max(hub.options().watcher_queue, 1)) {
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      PostLocked(&AlertWatch::Begin);
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

  void OnWriteDone(bool ok) override {
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok) {
        sent_ = writing_seq_;
      } else {
        FailLocked(absl::CancelledError("the alert watch's stream broke"));
      }
      MaybeWriteLocked();
      MaybeFetchLocked();
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

  void OnCancel() override {
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      FailLocked(absl::CancelledError("the client cancelled the alert watch"));
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

  void OnDone() override { delete this; }

  bool OnAlerts(const std::vector<AlertPtr>& alerts) override {
    std::optional<Ending> ending;
    bool keep = true;
    {
      absl::MutexLock lock(&mu_);
      for (const AlertPtr& a : alerts) {
        if (!failure_.ok()) break;
        if (phase_ != Phase::kLive) {
          if (static_cast<int>(held_.size()) >= limit_) {
            Overflow();
          } else {
            held_.push_back(a);
          }
        } else if (live_queued_ >= limit_) {
          Overflow();
        } else {
          EnqueueLocked(a, /*live=*/true);
        }
      }
      if (!failure_.ok()) {
        // On the way out: the hub drops us now (we may not call it from here).
        keep = false;
        hub_dropped_ = true;
        subscription_ = 0;
      }
      MaybeWriteLocked();
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
    return keep;
  }

  void OnHubStopped() override {
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      hub_dropped_ = true;
      subscription_ = 0;
      FailLocked(absl::UnavailableError(
          absl::StrCat("the server is shutting down; ", ResumeHintLocked())));
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

 private:
  enum class Phase { kStarting, kBacklog, kLive };
  struct Queued {
    AlertPtr alert;
    bool live;
  };
  // What remains to do once the lock is released: unsubscribe (when the hub still holds
  // us) and finish. Finish is the last thing that touches the reactor.
  struct Ending {
    grpc::Status status;
    int64_t unsubscribe = 0;
  };

  // Authorizes, finds the starting point and subscribes (blocking work: the executor).
  void Begin() {
    {
      std::optional<Ending> ending;
      bool over = false;
      {
        absl::MutexLock lock(&mu_);
        over = !failure_.ok();  // Cancelled before it began.
        if (over) {
          working_ = false;
          ending = MaybeEndLocked();
        }
      }
      if (over) {
        End(std::move(ending));
        return;
      }
    }
    absl::StatusOr<domain::Principal> caller =
        authorizer_.Authorize(context_, Action::kWatchAlerts);
    absl::StatusOr<std::optional<int64_t>> start =
        caller.ok() ? StartingPoint() : absl::StatusOr<std::optional<int64_t>>(caller.status());
    storage::Scope scope;
    if (caller.ok()) scope = storage::Scope::For(*caller, city_code_);
    absl::StatusOr<AlertSubscription> sub =
        start.ok() ? hub_.Subscribe(this, scope, *start)
                   : absl::StatusOr<AlertSubscription>(start.status());
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      working_ = false;
      if (!sub.ok()) {
        FailLocked(sub.status());
      } else {
        if (!hub_dropped_) subscription_ = sub->id;
        scope_ = std::move(scope);
        sent_ = after_ = start->value_or(sub->live_after);
        if (failure_.ok()) {
          if (sub->replayed) {
            for (const AlertPtr& a : sub->replay) EnqueueLocked(a, /*live=*/false);
            GoLiveLocked();
          } else {
            phase_ = Phase::kBacklog;
            db_after_ = after_;
            backlog_until_ = sub->live_after;
          }
          // The headers tell the client the watch is in place, and where it starts: a
          // client watching from now keeps that cursor until its first alert.
          context_->AddInitialMetadata(std::string(kWatchCursorHeader), absl::StrCat(after_));
          StartSendInitialMetadata();
          MaybeWriteLocked();
          MaybeFetchLocked();
        }
      }
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

  // The seq to resume after, or std::nullopt for "from now".
  absl::StatusOr<std::optional<int64_t>> StartingPoint() {
    if (from_now_ && !after_cursor_.empty()) {
      return common::InvalidFieldError("from_now", "set either after_cursor or from_now, not both");
    }
    if (from_now_) return std::optional<int64_t>();
    if (after_cursor_.empty()) {
      return common::InvalidFieldError(
          "after_cursor",
          "is required: the cursor of the last alert received, or set from_now to watch only "
          "new alerts");
    }
    ECOCASE_ASSIGN_OR_RETURN(int64_t seq, SeqFromCursor(after_cursor_, "after_cursor"));
    if (seq > hub_.last_seq()) {
      // The hub may merely lag the database; the database says whether it exists.
      ECOCASE_ASSIGN_OR_RETURN(int64_t last, alerts_.LastSeq());
      if (seq > last) {
        return common::InvalidFieldError(
            "after_cursor", "is beyond the end of the alert feed (a cursor of another server?)");
      }
    }
    return std::optional<int64_t>(seq);
  }

  // Reads the next backlog page (executor).
  void FetchBacklog() {
    int64_t from = 0;
    storage::Scope scope;
    {
      absl::MutexLock lock(&mu_);
      from = db_after_;
      scope = scope_;
    }
    absl::StatusOr<std::vector<storage::AlertEvent>> page =
        alerts_.ListAfter(scope, from, kBacklogPage);
    std::optional<Ending> ending;
    {
      absl::MutexLock lock(&mu_);
      working_ = false;
      if (!page.ok()) {
        FailLocked(page.status());
      } else if (failure_.ok()) {
        bool done = static_cast<int>(page->size()) < kBacklogPage;
        for (storage::AlertEvent& e : *page) {
          const int64_t seq = e.seq;
          // Beyond the subscription's start the hub delivers (or holds) it.
          if (seq > backlog_until_) break;
          EnqueueLocked(std::make_shared<const storage::AlertEvent>(std::move(e)),
                        /*live=*/false);
          db_after_ = seq;
        }
        if (done || db_after_ >= backlog_until_ ||
            (!page->empty() && page->back().seq > backlog_until_)) {
          GoLiveLocked();
        }
        MaybeWriteLocked();
        MaybeFetchLocked();
      }
      ending = MaybeEndLocked();
    }
    End(std::move(ending));
  }

  void PostLocked(void (AlertWatch::*step)()) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    working_ = true;
    if (!executor_.Post([this, step] { (this->*step)(); })) {
      working_ = false;
      FailLocked(absl::ResourceExhaustedError("the server is busy; watch again shortly"));
    }
  }

  void FailLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (failure_.ok()) failure_ = std::move(status);
  }

  void Overflow() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    FailLocked(common::WithReason(
        absl::ResourceExhaustedError(absl::StrCat(
            "the client reads alerts too slowly (", limit_, " waiting); ", ResumeHintLocked())),
        "ALERT_WATCH_TOO_SLOW"));
  }

  std::string ResumeHintLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return absl::StrCat("watch again with after_cursor=", sent_,
                        " (or the cursor of the last alert received)");
  }

  // Queues `a` unless it was queued already (the backlog and live delivery may overlap).
  void EnqueueLocked(const AlertPtr& a, bool live) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (a->seq <= after_) return;
    after_ = a->seq;
    queue_.push_back({a, live});
    if (live) ++live_queued_;
  }

  void GoLiveLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    phase_ = Phase::kLive;
    for (const AlertPtr& a : held_) EnqueueLocked(a, /*live=*/true);
    held_.clear();
  }

  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || finished_ || !failure_.ok() || queue_.empty()) return;
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    if (next.live) --live_queued_;
    out_ = AlertToProto(*next.alert);
    writing_seq_ = next.alert->seq;
    writing_ = true;
    StartWrite(&out_);
  }

  // The next backlog page once the previous one is sent.
  void MaybeFetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (phase_ != Phase::kBacklog || working_ || !failure_.ok() || !queue_.empty()) return;
    PostLocked(&AlertWatch::FetchBacklog);
  }

  std::optional<Ending> MaybeEndLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || failure_.ok() || writing_ || working_) return std::nullopt;
    finished_ = true;
    Ending e{ToGrpcStatus(failure_), subscription_};
    subscription_ = 0;
    return e;
  }

  // Outside the lock. Nothing may touch the reactor after Finish: OnDone deletes it.
  void End(std::optional<Ending> ending) {
    if (!ending.has_value()) return;
    if (ending->unsubscribe != 0) hub_.Unsubscribe(ending->unsubscribe);
    Finish(std::move(ending->status));
  }

  grpc::CallbackServerContext* const context_;
  const std::string after_cursor_;
  const bool from_now_;
  Authorizer& authorizer_;
  storage::AlertRepository& alerts_;
  AlertHub& hub_;
  common::ThreadPool& executor_;
  const std::string& city_code_;
  const int limit_;

  absl::Mutex mu_;
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kStarting;
  storage::Scope scope_ ABSL_GUARDED_BY(mu_);
  int64_t subscription_ ABSL_GUARDED_BY(mu_) = 0;
  bool hub_dropped_ ABSL_GUARDED_BY(mu_) = false;  // the hub no longer holds us
  int64_t after_ ABSL_GUARDED_BY(mu_) = 0;          // the newest seq queued or sent
  int64_t sent_ ABSL_GUARDED_BY(mu_) = 0;           // the newest seq written
  int64_t db_after_ ABSL_GUARDED_BY(mu_) = 0;       // backlog read so far
  int64_t backlog_until_ ABSL_GUARDED_BY(mu_) = 0;  // where live delivery begins
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  int live_queued_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<AlertPtr> held_ ABSL_GUARDED_BY(mu_);  // live, while the backlog is read
  v1::Alert out_;                                      // owned by the write in flight
  int64_t writing_seq_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool working_ ABSL_GUARDED_BY(mu_) = false;  // a task is queued or running on the executor
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

v1::Alert AlertToProto(const storage::AlertEvent& event) {
  v1::Alert out;
  out.set_cursor(absl::StrCat(event.seq));
  out.set_kind(event.kind);
  out.set_resource(event.resource);
  if (!event.enterprise_uscc.empty()) {
    out.set_enterprise(absl::StrCat("enterprises/", event.enterprise_uscc));
  }
  out.set_district_code(event.district_code);
  out.set_title(event.title);
  out.set_detail(event.detail);
  *out.mutable_create_time() = ToTimestamp(event.create_time);
  return out;
}

absl::StatusOr<int64_t> SeqFromCursor(const std::string& cursor, absl::string_view field) {
  int64_t seq = 0;
  const bool digits = !cursor.empty() && cursor.size() <= 18 &&
                      std::all_of(cursor.begin(), cursor.end(), [](char c) {
                        return absl::ascii_isdigit(static_cast<unsigned char>(c));
                      });
  if (!digits || !absl::SimpleAtoi(cursor, &seq)) {
    return common::InvalidFieldError(field, "is not an alert cursor (Alert.cursor)");
  }
  return seq;
}

AlertServiceImpl::AlertServiceImpl(Authorizer& authorizer, storage::AlertRepository& alerts,
                                   AlertHub& hub, common::ThreadPool& executor,
                                   std::string city_code)
    : authorizer_(authorizer),
      alerts_(alerts),
      hub_(hub),
      executor_(executor),
      city_code_(std::move(city_code)) {}

absl::Status AlertServiceImpl::DoList(grpc::ServerContext* context,
                                      const v1::ListAlertsRequest& request,
                                      v1::ListAlertsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListAlerts));
  int64_t after = 0;
  if (!request.after_cursor().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(after, SeqFromCursor(request.after_cursor(), "after_cursor"));
  }
  const std::string query =
      QueryFingerprint({"ListAlerts", caller.ResourceName(), request.after_cursor()});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  if (!page.after.empty() && !SeqFromCursor(page.after, "page_token").ok()) {
    return common::InvalidFieldError(
        "page_token", "is not a token of this query; start again without page_token");
  }
  if (!page.after.empty()) after = *SeqFromCursor(page.after, "page_token");
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<storage::AlertEvent> events,
      alerts_.ListAfter(storage::Scope::For(caller, city_code_), after, page.size + 1));
  const bool more = static_cast<int>(events.size()) > page.size;
  if (more) events.resize(page.size);
  for (const storage::AlertEvent& e : events) *response.add_alerts() = AlertToProto(e);
  if (more) response.set_next_page_token(MakePageToken(query, absl::StrCat(events.back().seq)));
  return absl::OkStatus();
}

grpc::Status AlertServiceImpl::ListAlerts(grpc::ServerContext* context,
                                          const v1::ListAlertsRequest* request,
                                          v1::ListAlertsResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

grpc::ServerWriteReactor<v1::Alert>* AlertServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* context, const v1::WatchAlertsRequest* request) {
  return new AlertWatch(context, *request, authorizer_, alerts_, hub_, executor_, city_code_);
}

}  // namespace ecocase::api
