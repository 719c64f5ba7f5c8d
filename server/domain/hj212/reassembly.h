#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/time.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/reasons.h"

namespace ecocase::domain::hj212 {

// Sub-packet reassembly (§1.7, Tables C.47-C.50). Each sub-packet has its own QN and is
// answered on its own, so parts are matched by (MN, CN, DataTime, PNUM), not by QN. No
// clock: the caller passes the time of each call.

struct ReassemblyOptions {
  absl::Duration timeout = absl::Minutes(10);  // from the first part of a set
  size_t max_sets = 1024;                      // incomplete sets held at once
  size_t max_bytes = size_t{4} << 20;          // CP bytes held across them
};

struct ReassemblyResult {
  // kOk (stored, or completed its set), or kSubpacketDuplicate (same PNO, same content:
  // ignore), kSubpacketConflict (same PNO, other content: the first is kept),
  // kReassemblyFull.
  Rejection rejection;
  // The whole packet once the last part arrived: the header of PNO 1, the CP groups of all
  // parts in PNO order (the DataTime group once), PNUM/PNO cleared, split = false.
  std::optional<Packet> complete;
  std::vector<std::string> part_qns;  // with `complete`: the QN of each part, in PNO order
};

// A set that timed out before all parts arrived; its parts are returned so they can be kept.
struct ExpiredSet {
  std::string mn;
  std::string cn;
  std::string data_time;
  int pnum = 0;
  std::vector<Packet> parts;  // in PNO order
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyOptions options = {});

  // Adds an accepted packet. One that is not split comes straight back as `complete`.
  ReassemblyResult Add(Packet part, absl::Time now);

  // Removes and returns the sets whose first part arrived at least `timeout` before `now`
  // (Reason kSubpacketTimeout for the caller's log).
  std::vector<ExpiredSet> Expire(absl::Time now);

  size_t pending_sets() const { return sets_.size(); }
  size_t pending_bytes() const { return bytes_; }

 private:
  using Key = std::tuple<std::string, std::string, std::string, int>;  // MN, CN, DataTime, PNUM
  struct Set {
    absl::Time first_seen;
    std::map<int, Packet> parts;  // by PNO
    size_t bytes = 0;
  };

  ReassemblyOptions options_;
  std::map<Key, Set> sets_;
  size_t bytes_ = 0;
};

// The CP text of parsed groups: ';' between groups, ',' between name=value items.
std::string FormatCp(const std::vector<CpGroup>& groups);

}  // namespace ecocase::domain::hj212
