#pragma once

#include "absl/status/statusor.h"
#include "domain/user.h"
#include "ecocase/v1/auth.pb.h"

namespace ecocase::api {

ecocase::v1::User ToProto(const domain::User& user);
// The fields a client may set; output-only fields are ignored. `field` prefixes errors.
absl::StatusOr<domain::User> FromProto(const ecocase::v1::User& user, absl::string_view field);
ecocase::v1::Role ToProto(domain::Role role);
domain::Role FromProto(ecocase::v1::Role role);

}  // namespace ecocase::api
