#include "api/evidence_convert.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/status_macros.h"

namespace ecocase::api {

namespace v1 = ecocase::v1;

v1::EvidenceKind ToProto(domain::EvidenceKind kind) {
  return static_cast<v1::EvidenceKind>(static_cast<int>(kind));
}

v1::Evidence ToProto(const domain::EvidenceItem& item) {
  v1::Evidence p;
  p.set_name(item.ResourceName());
  p.set_kind(ToProto(item.kind));
  p.set_kind_label(std::string(domain::EvidenceKindLabel(item.kind)));
  p.set_sha256(item.sha256);
  p.set_size_bytes(item.size_bytes);
  p.set_media_type(item.media_type);
  p.set_file_name(item.file_name);
  *p.mutable_capture_time() = ToTimestamp(item.capture_time);
  if (item.location.has_value()) {
    p.mutable_location()->set_latitude(item.location->latitude);
    p.mutable_location()->set_longitude(item.location->longitude);
  }
  p.set_device_id(item.device_id);
  p.set_device_model(item.device_model);
  for (const std::string& officer : item.capturing_officers) {
    p.add_capturing_officers(UserResourceName(officer));
  }
  p.set_parent(item.parent);
  p.set_description(item.description);
  if (item.corrects > 0) p.set_corrects(absl::StrCat("evidence/", item.corrects));
  p.set_state(static_cast<v1::Evidence::State>(static_cast<int>(item.state)));
  p.set_received_bytes(item.received_bytes);
  p.set_uploaded_by(item.uploaded_by);
  *p.mutable_create_time() = ToTimestamp(item.create_time);
  if (item.state == domain::EvidenceState::kStored) {
    *p.mutable_upload_time() = ToTimestamp(item.upload_time);
  }
  return p;
}

absl::StatusOr<domain::EvidenceItem> FromProto(const v1::Evidence& proto) {
  domain::EvidenceItem item;
  item.sha256 = proto.sha256();
  item.size_bytes = proto.size_bytes();
  item.media_type = proto.media_type();
  item.file_name = proto.file_name();
  item.kind = static_cast<domain::EvidenceKind>(static_cast<int>(proto.kind()));
  if (proto.has_capture_time()) item.capture_time = FromTimestamp(proto.capture_time());
  if (proto.has_location()) {
    item.location = domain::GeoPoint{proto.location().latitude(), proto.location().longitude()};
  }
  item.device_id = proto.device_id();
  item.device_model = proto.device_model();
  item.capturing_officers.assign(proto.capturing_officers().begin(),
                                 proto.capturing_officers().end());
  item.parent = proto.parent();
  item.description = proto.description();
  if (!proto.corrects().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(item.corrects,
                             domain::EvidenceIdFromName(proto.corrects(), "evidence.corrects"));
  }
  return item;
}

}  // namespace ecocase::api
