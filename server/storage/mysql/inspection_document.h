#pragma once

#include <string>

#include "absl/status/status.h"
#include "domain/inspection_record.h"

namespace ecocase::storage::mysql {

// The body of an inspection record as the JSON document of inspection_record.document
// (V010): party name, person present and title, place, start and end times, officers (with
// certificate numbers, credentials shown and sign times), findings, attached evidence, the
// party's signature or the refusal, and signed_by. The id, kind, state, district, enterprise,
// corrects, creator, times and version live in columns and are neither written nor read here.
//
// Enums are stored by name ("UNSPECIFIED" for an unset one) and instants as integer
// microseconds since the Unix epoch (UTC); an absent optional is left out.

// The document of `record`'s body.
std::string ToInspectionDocument(const domain::InspectionRecord& record);

// Sets the body of `record` from `document`. DATA_LOSS when it is not valid JSON, a field is
// missing or of the wrong type, or an enum name is unknown.
absl::Status FromInspectionDocument(const std::string& document, domain::InspectionRecord& record);

}  // namespace ecocase::storage::mysql
