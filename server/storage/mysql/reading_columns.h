#pragma once

#include "absl/status/statusor.h"
#include "domain/monitoring/reading.h"

namespace sql {
class ResultSet;
}

namespace ecocase::storage::mysql {

// The columns of `reading` that make a domain Reading, in the order every query selects
// them first: mn, pollutant, kind, data_time, value, min_value, max_value, cou, zs_value,
// flag, backfilled.
inline constexpr char kReadingColumns[] =
    "r.mn, r.pollutant, r.kind, r.data_time, r.value, r.min_value, r.max_value, r.cou, "
    "r.zs_value, r.flag, r.backfilled";
inline constexpr int kReadingColumnCount = 11;

// The Reading in columns 1..kReadingColumnCount of the current row.
absl::StatusOr<domain::monitoring::Reading> ReadingFromRow(sql::ResultSet& rs);

}  // namespace ecocase::storage::mysql
