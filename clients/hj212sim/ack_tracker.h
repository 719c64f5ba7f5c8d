#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/hj212/packet.h"
#include "hj212sim/packet_builder.h"

namespace hj212sim {

namespace hj212 = ecocase::domain::hj212;

// An upload sent and not yet acknowledged.
struct InFlight {
  Upload upload;
  absl::Time first_sent;
  absl::Time last_sent;
  int attempts = 1;  // times sent
};

// The QN a 9014 answer names: the header QN (2017/2025), or else the QN item of its CP (the
// 2005 form, domain-rules §1.12: "CP=&&QN=...;CN=2011&&"). nullopt when it names none.
std::optional<std::string> AnsweredQn(const hj212::Packet& answer);

// The uploads of one station awaiting their 9014, in the order first sent. Each is kept
// until an answer names its QN; overdue ones are handed out again, unchanged. Pointers
// returned stay valid until the next non-const call.
class AckTracker {
 public:
  // `remembered`: how many acknowledged QNs are kept to recognise a duplicate answer (a
  // re-sent packet whose first answer was only late).
  explicit AckTracker(size_t remembered = 256) : remembered_(remembered) {}

  void Sent(Upload upload, absl::Time now);

  // Removes and returns the upload `qn` names; nullopt if none is outstanding.
  std::optional<InFlight> Acknowledge(absl::string_view qn);

  // Whether `qn` was acknowledged a short while ago.
  bool RecentlyAcknowledged(absl::string_view qn) const;

  // Uploads last sent at or before now - timeout, oldest first, marked as sent again now.
  std::vector<const InFlight*> TakeOverdue(absl::Time now, absl::Duration timeout);

  // Every outstanding upload, marked as sent again now (after a reconnect).
  std::vector<const InFlight*> TakeAll(absl::Time now);

  // When the oldest outstanding upload becomes overdue; InfiniteFuture when none is.
  absl::Time NextDeadline(absl::Duration timeout) const;

  size_t size() const { return in_flight_.size(); }
  bool empty() const { return in_flight_.empty(); }

 private:
  std::vector<InFlight> in_flight_;
  std::deque<std::string> acknowledged_;
  size_t remembered_;
};

}  // namespace hj212sim
