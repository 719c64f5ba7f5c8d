#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "domain/permit.h"
#include "ecocase/v1/permit.pb.h"
#include "storage/permit_repository.h"

namespace ecocase::api {

ecocase::v1::Permit ToProto(const domain::Permit& permit);
ecocase::v1::PermitVersion ToProto(const domain::PermitVersion& version);
ecocase::v1::PermitLimit ToProto(const domain::PermitLimit& limit);
ecocase::v1::Permit::State ToProto(domain::PermitState state);
// STATE_UNSPECIFIED -> nullopt.
std::optional<domain::PermitState> FromProto(ecocase::v1::Permit::State state);

// The public view: holder, number, state, validity, authority, outlets and limits only.
ecocase::v1::PublicPermit ToPublicProto(const storage::PublicPermitView& view);

// The limits as given (shape checks are domain::ValidateLimits').
std::vector<domain::PermitLimit> LimitsFromProto(
    const google::protobuf::RepeatedPtrField<ecocase::v1::PermitLimit>& limits);

}  // namespace ecocase::api
