#include "api/enterprise_convert.h"

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"

namespace ecocase::api {
namespace {

google::type::LatLng ToLatLng(const domain::GeoPoint& p) {
  google::type::LatLng out;
  out.set_latitude(p.latitude);
  out.set_longitude(p.longitude);
  return out;
}

domain::GeoPoint FromLatLng(const google::type::LatLng& p) {
  return domain::GeoPoint{p.latitude(), p.longitude()};
}

namespace hj212 = domain::hj212;
using ProtoProtocol = ecocase::v1::DeviceProtocol;

ProtoProtocol::Version ToProto(hj212::ProtocolVersion version) {
  switch (version) {
    case hj212::ProtocolVersion::k2005:
      return ProtoProtocol::VERSION_2005;
    case hj212::ProtocolVersion::k2017:
      return ProtoProtocol::VERSION_2017;
    case hj212::ProtocolVersion::k2025:
      return ProtoProtocol::VERSION_2025;
  }
  return ProtoProtocol::VERSION_UNSPECIFIED;
}

ProtoProtocol::Encryption ToProto(hj212::CpEncryption encryption) {
  switch (encryption) {
    case hj212::CpEncryption::kNone:
      return ProtoProtocol::ENCRYPTION_NONE;
    case hj212::CpEncryption::kOptional:
      return ProtoProtocol::ENCRYPTION_OPTIONAL;
    case hj212::CpEncryption::kRequired:
      return ProtoProtocol::ENCRYPTION_REQUIRED;
  }
  return ProtoProtocol::ENCRYPTION_UNSPECIFIED;
}

}  // namespace

ecocase::v1::ManagementClass ToProto(domain::ManagementClass management_class) {
  return static_cast<ecocase::v1::ManagementClass>(static_cast<int>(management_class));
}

domain::ManagementClass FromProto(ecocase::v1::ManagementClass management_class) {
  if (management_class < ecocase::v1::MANAGEMENT_CLASS_KEY ||
      management_class > ecocase::v1::MANAGEMENT_CLASS_REGISTRATION) {
    return domain::ManagementClass::kUnspecified;
  }
  return static_cast<domain::ManagementClass>(static_cast<int>(management_class));
}

ecocase::v1::OutletKind ToProto(domain::OutletKind kind) {
  return static_cast<ecocase::v1::OutletKind>(static_cast<int>(kind));
}

ecocase::v1::Enterprise ToProto(const domain::Enterprise& e) {
  ecocase::v1::Enterprise out;
  out.set_name(e.ResourceName());
  out.set_uscc(e.uscc);
  out.set_display_name(e.display_name);
  out.set_address(e.address);
  out.set_district_code(e.district_code);
  out.set_industry_code(e.industry_code);
  out.set_management_class(ToProto(e.management_class));
  out.set_key_discharger(e.key_discharger);
  if (e.location.has_value()) *out.mutable_location() = ToLatLng(*e.location);
  for (const domain::Contact& c : e.contacts) {
    ecocase::v1::EnterpriseContact* contact = out.add_contacts();
    contact->set_name(c.name);
    contact->set_title(c.title);
    contact->set_phone(c.phone);
  }
  *out.mutable_create_time() = ToTimestamp(e.create_time);
  *out.mutable_update_time() = ToTimestamp(e.update_time);
  out.set_etag(EtagForVersion(e.version));
  return out;
}

domain::Enterprise FromProto(const ecocase::v1::Enterprise& in) {
  domain::Enterprise e;
  e.uscc = in.uscc();
  e.display_name = in.display_name();
  e.address = in.address();
  e.district_code = in.district_code();
  e.industry_code = in.industry_code();
  e.management_class = FromProto(in.management_class());
  e.key_discharger = in.key_discharger();
  if (in.has_location()) e.location = FromLatLng(in.location());
  for (const ecocase::v1::EnterpriseContact& c : in.contacts()) {
    e.contacts.push_back(domain::Contact{c.name(), c.title(), c.phone()});
  }
  return e;
}

ecocase::v1::Device ToProto(const domain::Device& d) {
  ecocase::v1::Device out;
  out.set_name(d.ResourceName());
  out.set_mn(d.mn);
  out.set_outlet(d.OutletName());
  if (d.bind_time.has_value()) *out.mutable_bind_time() = ToTimestamp(*d.bind_time);
  if (!d.enterprise_uscc.empty()) {  // Bound: the profile registered with the binding.
    // The key is input only: never set here.
    ProtoProtocol* protocol = out.mutable_protocol();
    protocol->set_version(ToProto(d.protocol.version));
    protocol->set_lenient(d.protocol.lenient());
    protocol->set_encryption(ToProto(d.protocol.encryption));
  }
  return out;
}

absl::StatusOr<domain::DeviceProtocolRequest> FromProto(const ecocase::v1::DeviceProtocol& in,
                                                         absl::string_view field) {
  domain::DeviceProtocolRequest out;
  switch (in.version()) {
    case ProtoProtocol::VERSION_UNSPECIFIED:  // The default.
    case ProtoProtocol::VERSION_2017:
      out.version = hj212::ProtocolVersion::k2017;
      break;
    case ProtoProtocol::VERSION_2005:
      out.version = hj212::ProtocolVersion::k2005;
      break;
    case ProtoProtocol::VERSION_2025:
      out.version = hj212::ProtocolVersion::k2025;
      break;
    default:
      return common::InvalidFieldError(absl::StrCat(field, ".version"),
                                       "must be VERSION_2005, VERSION_2017 or VERSION_2025");
  }
  switch (in.encryption()) {
    case ProtoProtocol::ENCRYPTION_UNSPECIFIED:  // The default.
    case ProtoProtocol::ENCRYPTION_NONE:
      out.encryption = hj212::CpEncryption::kNone;
      break;
    case ProtoProtocol::ENCRYPTION_OPTIONAL:
      out.encryption = hj212::CpEncryption::kOptional;
      break;
    case ProtoProtocol::ENCRYPTION_REQUIRED:
      out.encryption = hj212::CpEncryption::kRequired;
      break;
    default:
      return common::InvalidFieldError(
          absl::StrCat(field, ".encryption"),
          "must be ENCRYPTION_NONE, ENCRYPTION_OPTIONAL or ENCRYPTION_REQUIRED");
  }
  out.lenient = in.lenient();
  out.sm4_key = in.sm4_key();
  return out;
}

ecocase::v1::Outlet ToProto(const domain::Outlet& o) {
  ecocase::v1::Outlet out;
  out.set_name(o.ResourceName());
  out.set_code(o.code);
  out.set_kind(ToProto(o.kind));
  out.set_display_name(o.display_name);
  if (o.location.has_value()) *out.mutable_location() = ToLatLng(*o.location);
  for (const std::string& code : o.pollutant_codes) out.add_pollutant_codes(code);
  for (const domain::Device& d : o.devices) *out.add_devices() = ToProto(d);
  *out.mutable_create_time() = ToTimestamp(o.create_time);
  *out.mutable_update_time() = ToTimestamp(o.update_time);
  out.set_etag(EtagForVersion(o.version));
  return out;
}

domain::Outlet FromProto(const ecocase::v1::Outlet& in) {
  domain::Outlet o;
  o.code = in.code();
  o.display_name = in.display_name();
  if (in.has_location()) o.location = FromLatLng(in.location());
  o.pollutant_codes.assign(in.pollutant_codes().begin(), in.pollutant_codes().end());
  return o;
}

}  // namespace ecocase::api
