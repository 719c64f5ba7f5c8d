#include "common/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace ecocase::common {

absl::Status InvalidFieldError(absl::string_view field, absl::string_view description) {
  absl::Status s = absl::InvalidArgumentError(absl::StrCat(field, ": ", description));
  s.SetPayload(kFieldPayload, absl::Cord(field));
  return s;
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  auto reason = status.GetPayload(kReasonPayload);
  return reason.has_value() ? std::string(*reason) : std::string();
}

}  // namespace ecocase::common
