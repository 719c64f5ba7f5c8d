#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecocase::common {

// Status payload keys that api/ turns into google.rpc error details.
inline constexpr absl::string_view kFieldPayload = "ecocase.dev/field";
inline constexpr absl::string_view kReasonPayload = "ecocase.dev/reason";

// INVALID_ARGUMENT naming the request field (proto path such as `user.district_codes[1]`);
// the client gets it as a google.rpc.BadRequest field violation.
absl::Status InvalidFieldError(absl::string_view field, absl::string_view description);

// Attaches a machine-readable reason (UPPER_SNAKE_CASE, e.g. "ETAG_MISMATCH") that the
// client gets as google.rpc.ErrorInfo{reason, domain="ecocase"}.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The reason WithReason attached, or "" when there is none.
std::string ReasonOf(const absl::Status& status);

}  // namespace ecocase::common
