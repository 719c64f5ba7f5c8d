#include "api/proto_convert.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "security/sha256.h"

namespace ecocase::api {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((micros - seconds * 1000000) * 1000));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::type::Date ToDate(absl::CivilDay day) {
  google::type::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::StatusOr<absl::CivilDay> FromDate(const google::type::Date& date, absl::string_view field) {
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1900 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return common::InvalidFieldError(field, "is not a valid date");
  }
  return day;
}

std::string MessageDigest(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return security::Sha256Hex(bytes);
}

std::string RequestDigest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* field = copy->GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  return MessageDigest(*copy);
}

std::string UserResourceName(absl::string_view name_or_username) {
  if (name_or_username.empty() || absl::StartsWith(name_or_username, "users/")) {
    return std::string(name_or_username);
  }
  return absl::StrCat("users/", name_or_username);
}

std::string BareUsername(absl::string_view name_or_username) {
  absl::ConsumePrefix(&name_or_username, "users/");
  return std::string(name_or_username);
}

std::string EtagForVersion(int64_t version) { return absl::StrCat("v", version); }

absl::StatusOr<int64_t> VersionFromEtag(absl::string_view etag, absl::string_view field) {
  int64_t version = 0;
  if (!absl::ConsumePrefix(&etag, "v") || !absl::SimpleAtoi(etag, &version) || version <= 0) {
    return common::InvalidFieldError(field, "is not an etag this server issued; read the resource again");
  }
  return version;
}

absl::Status CheckEtagVersion(absl::string_view resource, int64_t version,
                              int64_t expected_version) {
  if (expected_version == 0 || expected_version == version) return absl::OkStatus();
  return common::WithReason(
      absl::AbortedError(
          absl::StrCat(resource, " was changed by someone else; read it again and retry")),
      "ETAG_MISMATCH");
}

}  // namespace ecocase::api
