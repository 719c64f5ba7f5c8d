#include "hj212sim/ack_tracker.h"

#include <algorithm>

#include "domain/hj212/cp_values.h"

namespace hj212sim {

std::optional<std::string> AnsweredQn(const hj212::Packet& answer) {
  if (!answer.qn.empty()) return answer.qn;
  if (std::optional<absl::string_view> qn = hj212::FindCpValue(answer.cp_groups, "QN")) {
    return std::string(*qn);
  }
  return std::nullopt;
}

void AckTracker::Sent(Upload upload, absl::Time now) {
  in_flight_.push_back({std::move(upload), now, now, 1});
}

std::optional<InFlight> AckTracker::Acknowledge(absl::string_view qn) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [qn](const InFlight& f) { return f.upload.qn == qn; });
  if (it == in_flight_.end()) return std::nullopt;
  InFlight done = std::move(*it);
  in_flight_.erase(it);
  acknowledged_.push_back(done.upload.qn);
  if (acknowledged_.size() > remembered_) acknowledged_.pop_front();
  return done;
}

bool AckTracker::RecentlyAcknowledged(absl::string_view qn) const {
  return std::find(acknowledged_.begin(), acknowledged_.end(), qn) != acknowledged_.end();
}

std::vector<const InFlight*> AckTracker::TakeOverdue(absl::Time now, absl::Duration timeout) {
  std::vector<const InFlight*> due;
  for (InFlight& f : in_flight_) {
    if (f.last_sent + timeout <= now) {
      f.last_sent = now;
      ++f.attempts;
      due.push_back(&f);
    }
  }
  return due;
}

std::vector<const InFlight*> AckTracker::TakeAll(absl::Time now) {
  std::vector<const InFlight*> all;
  for (InFlight& f : in_flight_) {
    f.last_sent = now;
    ++f.attempts;
    all.push_back(&f);
  }
  return all;
}

absl::Time AckTracker::NextDeadline(absl::Duration timeout) const {
  absl::Time next = absl::InfiniteFuture();
  for (const InFlight& f : in_flight_) next = std::min(next, f.last_sent + timeout);
  return next;
}

}  // namespace hj212sim
