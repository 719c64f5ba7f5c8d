#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/evaluation/data_mark.h"
#include "ecocase/v1/data_mark.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace ecocase::api {

ecocase::v1::DataMark ToProto(const domain::evaluation::DataMark& mark);
ecocase::v1::DataMark::State ToProto(domain::evaluation::DataMarkState state);
// STATE_UNSPECIFIED -> nullopt.
std::optional<domain::evaluation::DataMarkState> FromProto(ecocase::v1::DataMark::State state);

// A timestamp a client sent, as an instant; INVALID_ARGUMENT naming `field` unless it lies
// in 1970-9999 with valid nanos (the range DATETIME columns and the checks can take).
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts,
                                         absl::string_view field);

// A mark to create from CreateDataMarkRequest: the outlet from `parent`, the content from
// `data_mark` (fields under "data_mark"; domain::evaluation::ValidateNewMark checks it).
// Output-only fields are ignored.
absl::StatusOr<domain::evaluation::DataMark> NewDataMarkFromProto(
    const ecocase::v1::CreateDataMarkRequest& request);

}  // namespace ecocase::api
