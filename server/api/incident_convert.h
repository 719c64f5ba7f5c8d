#pragma once

#include "absl/time/time.h"
#include "ecocase/v1/incident.pb.h"
#include "storage/incident_repository.h"

namespace ecocase::api {

// `explain_window` gives explain_deadline (open_time + window).
ecocase::v1::Incident ToProto(const storage::IncidentRecord& record, absl::Duration explain_window,
                              bool with_windows);
ecocase::v1::Incident::Kind ToProto(domain::evaluation::IncidentKind kind);
std::optional<domain::evaluation::IncidentKind> FromProto(ecocase::v1::Incident::Kind kind);

}  // namespace ecocase::api
