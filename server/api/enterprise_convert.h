#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/enterprise.h"
#include "ecocase/v1/enterprise.pb.h"

namespace ecocase::api {

// Everything stored, including contacts and location; the service decides who sees them.
ecocase::v1::Enterprise ToProto(const domain::Enterprise& enterprise);
ecocase::v1::Outlet ToProto(const domain::Outlet& outlet);
ecocase::v1::Device ToProto(const domain::Device& device);
ecocase::v1::ManagementClass ToProto(domain::ManagementClass management_class);
ecocase::v1::OutletKind ToProto(domain::OutletKind kind);

// The fields a client may set; output-only fields are ignored and nothing is validated
// (see domain::ValidateEnterprise / ValidateOutlet).
domain::Enterprise FromProto(const ecocase::v1::Enterprise& enterprise);
domain::Outlet FromProto(const ecocase::v1::Outlet& outlet);
// kUnspecified for values this server does not know.
domain::ManagementClass FromProto(ecocase::v1::ManagementClass management_class);
// A bind request's protocol; unspecified enums take the defaults (2017, no encryption).
// INVALID_ARGUMENT naming `field`.version / .encryption for values this server does not
// know. The key is copied unchecked (see domain::DeviceProfileFor).
absl::StatusOr<domain::DeviceProtocolRequest> FromProto(
    const ecocase::v1::DeviceProtocol& protocol, absl::string_view field);

}  // namespace ecocase::api
