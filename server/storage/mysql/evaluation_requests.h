#pragma once

#include <cstdint>
#include <set>
#include <utility>

#include "absl/time/time.h"

namespace sql {
class Connection;
}

namespace ecocase::storage::mysql {

// (outlet_id, hour start) pairs whose hours the evaluation must judge again.
using OutletHours = std::set<std::pair<int64_t, absl::Time>>;

// Every whole hour overlapping [start, end) of one outlet.
OutletHours HoursOf(int64_t outlet_id, absl::Time start, absl::Time end);

// Adds the hours to evaluation_request in the caller's transaction, or moves an existing
// request's time forward: the evaluator removes only requests no newer than those it
// judged, so a request made while it works is never lost.
void RequestEvaluation(sql::Connection& conn, const OutletHours& hours, absl::Time requested);

}  // namespace ecocase::storage::mysql
