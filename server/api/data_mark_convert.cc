#include "api/data_mark_convert.h"

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"

namespace ecocase::api {
namespace {

namespace ev = domain::evaluation;

// 0001-01-01 .. 9999-12-31T23:59:59Z, as google.protobuf.Timestamp allows; marks and
// filters before 1970 are refused by the checks, not here.
constexpr int64_t kMinSeconds = 0;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

ecocase::v1::DataMark::State ToProto(ev::DataMarkState state) {
  // The enums carry the proto's numbers (see domain/evaluation/data_mark.h).
  const int n = static_cast<int>(state);
  return n >= 0 && n <= ecocase::v1::DataMark::State_MAX
             ? static_cast<ecocase::v1::DataMark::State>(n)
             : ecocase::v1::DataMark::STATE_UNSPECIFIED;
}

std::optional<ev::DataMarkState> FromProto(ecocase::v1::DataMark::State state) {
  if (state == ecocase::v1::DataMark::STATE_UNSPECIFIED) return std::nullopt;
  return ev::DataMarkStateFromName(
      ev::DataMarkStateName(static_cast<ev::DataMarkState>(static_cast<int>(state))));
}

ecocase::v1::DataMark ToProto(const ev::DataMark& mark) {
  ecocase::v1::DataMark m;
  m.set_name(mark.ResourceName());
  m.set_enterprise(absl::StrCat("enterprises/", mark.enterprise_uscc));
  m.set_outlet(absl::StrCat("enterprises/", mark.enterprise_uscc, "/outlets/", mark.outlet_code));
  m.set_pollutant(mark.pollutant);
  const int type = static_cast<int>(mark.type);
  m.set_type(type >= 0 && type <= ecocase::v1::DataMark::Type_MAX
                 ? static_cast<ecocase::v1::DataMark::Type>(type)
                 : ecocase::v1::DataMark::TYPE_UNSPECIFIED);
  *m.mutable_start_time() = ToTimestamp(mark.start);
  *m.mutable_end_time() = ToTimestamp(mark.end);
  m.set_reason(mark.reason);
  for (const std::string& e : mark.evidence) m.add_evidence(e);
  m.set_state(ToProto(mark.state));
  m.set_review_reason(mark.review_reason);
  m.set_reviewed_by(mark.reviewed_by);
  if (mark.review_time.has_value()) *m.mutable_review_time() = ToTimestamp(*mark.review_time);
  m.set_created_by(mark.created_by);
  *m.mutable_create_time() = ToTimestamp(mark.create_time);
  *m.mutable_update_time() = ToTimestamp(mark.update_time);
  m.set_etag(EtagForVersion(mark.version));
  return m;
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts,
                                         absl::string_view field) {
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    return common::InvalidFieldError(field, "is not a time between 1970 and 9999");
  }
  return FromTimestamp(ts);
}

absl::StatusOr<ev::DataMark> NewDataMarkFromProto(
    const ecocase::v1::CreateDataMarkRequest& request) {
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                           domain::OutletRefFromName(request.parent(), "parent"));
  if (!request.has_data_mark()) return common::InvalidFieldError("data_mark", "is required");
  const ecocase::v1::DataMark& in = request.data_mark();
  ev::DataMark m;
  m.enterprise_uscc = outlet.enterprise_uscc;
  m.outlet_code = outlet.code;
  m.pollutant = in.pollutant();
  // Unknown numbers stay out of range: ValidateNewMark refuses them.
  m.type = static_cast<ev::DataMarkType>(static_cast<int>(in.type()));
  if (!in.has_start_time()) return common::InvalidFieldError("data_mark.start_time", "is required");
  if (!in.has_end_time()) return common::InvalidFieldError("data_mark.end_time", "is required");
  ECOCASE_ASSIGN_OR_RETURN(m.start, TimeFromProto(in.start_time(), "data_mark.start_time"));
  ECOCASE_ASSIGN_OR_RETURN(m.end, TimeFromProto(in.end_time(), "data_mark.end_time"));
  m.reason = in.reason();
  m.evidence.assign(in.evidence().begin(), in.evidence().end());
  return m;
}

}  // namespace ecocase::api
