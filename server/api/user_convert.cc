#include "api/user_convert.h"

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"

namespace ecocase::api {

ecocase::v1::Role ToProto(domain::Role role) {
  return static_cast<ecocase::v1::Role>(static_cast<int>(role));
}

domain::Role FromProto(ecocase::v1::Role role) {
  if (role < ecocase::v1::ROLE_ADMIN || role > ecocase::v1::ROLE_INTEGRATION) {
    return domain::Role::kUnspecified;
  }
  return static_cast<domain::Role>(static_cast<int>(role));
}

ecocase::v1::User ToProto(const domain::User& u) {
  ecocase::v1::User out;
  out.set_name(u.ResourceName());
  out.set_username(u.username);
  out.set_display_name(u.display_name);
  out.set_role(ToProto(u.role));
  for (const std::string& code : u.jurisdiction.district_codes) out.add_district_codes(code);
  out.set_enterprise_uscc(u.jurisdiction.enterprise_uscc);
  for (const std::string& mn : u.jurisdiction.device_mns) out.add_device_mns(mn);
  if (u.certificate.has_value()) {
    auto* c = out.mutable_certificate();
    c->set_number(u.certificate->number);
    *c->mutable_valid_from() = ToDate(u.certificate->valid_from);
    *c->mutable_valid_until() = ToDate(u.certificate->valid_until);
  }
  out.set_disabled(u.disabled);
  *out.mutable_create_time() = ToTimestamp(u.create_time);
  *out.mutable_update_time() = ToTimestamp(u.update_time);
  out.set_etag(EtagForVersion(u.version));
  return out;
}

absl::StatusOr<domain::User> FromProto(const ecocase::v1::User& in, absl::string_view field) {
  domain::User u;
  u.username = in.username();
  u.display_name = in.display_name();
  u.role = FromProto(in.role());
  u.jurisdiction.district_codes.assign(in.district_codes().begin(), in.district_codes().end());
  u.jurisdiction.enterprise_uscc = in.enterprise_uscc();
  u.jurisdiction.device_mns.assign(in.device_mns().begin(), in.device_mns().end());
  if (in.has_certificate()) {
    auto from = FromDate(in.certificate().valid_from(),
                         absl::StrCat(field, ".certificate.valid_from"));
    if (!from.ok()) return from.status();
    auto until = FromDate(in.certificate().valid_until(),
                          absl::StrCat(field, ".certificate.valid_until"));
    if (!until.ok()) return until.status();
    u.certificate = domain::EnforcementCertificate{in.certificate().number(), *from, *until};
  }
  return u;
}

}  // namespace ecocase::api
