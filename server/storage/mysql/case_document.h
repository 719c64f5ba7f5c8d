#pragma once

#include <string>

#include "absl/status/status.h"
#include "domain/enforcement_case.h"

namespace ecocase::storage::mysql {

// The procedure records of an enforcement case as the JSON document of
// enforcement_case.document (V009): recusals, notifications, response, hearing, review flags
// and records, decision, transfer, service, payments, court enforcement day, excluded
// periods, decision extensions, measures, revoked permits and correction tasks. Everything
// else of the case lives in columns and child rows and is neither written nor read here.
//
// Enums are stored by name ("UNSPECIFIED" for an unset one), money as integer fen, days as
// "YYYY-MM-DD" and instants as integer microseconds since the Unix epoch (UTC); an absent
// optional record or day is left out.

// The document of `c`'s procedure records.
std::string ToDocument(const domain::EnforcementCase& c);

// Sets the procedure records of `c` from `document`. DATA_LOSS when it is not valid JSON, a
// field is missing or of the wrong type, or an enum name or day is unknown.
absl::Status FromDocument(const std::string& document, domain::EnforcementCase& c);

}  // namespace ecocase::storage::mysql
