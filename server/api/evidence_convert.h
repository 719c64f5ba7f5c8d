#pragma once

#include "absl/status/statusor.h"
#include "domain/evidence.h"
#include "ecocase/v1/evidence.pb.h"

namespace ecocase::api {

// Evidence items between ecocase.v1 and the domain. Enum values match by number
// (domain/evidence.h is written to match the proto).
ecocase::v1::Evidence ToProto(const domain::EvidenceItem& item);
ecocase::v1::EvidenceKind ToProto(domain::EvidenceKind kind);

// The client's fields of a new item (output-only fields are ignored); INVALID_ARGUMENT
// naming the field for a malformed `corrects`. The rest is checked by ValidateNewEvidence.
absl::StatusOr<domain::EvidenceItem> FromProto(const ecocase::v1::Evidence& proto);

}  // namespace ecocase::api
