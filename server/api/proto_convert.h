#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ecocase::api {

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
google::type::Date ToDate(absl::CivilDay day);
// INVALID_ARGUMENT naming `field` for a date that does not exist (e.g. 2026-02-30).
absl::StatusOr<absl::CivilDay> FromDate(const google::type::Date& date, absl::string_view field);

// SHA-256 (hex) of the message's deterministic serialization: the fingerprint of a request
// (with request_id and secrets cleared by the caller) or of a resulting resource.
std::string MessageDigest(const google::protobuf::Message& message);
// The AIP-155 fingerprint of a write request: MessageDigest of it without `request_id`, so
// a retry with the same id and the same content matches and a changed content does not.
std::string RequestDigest(const google::protobuf::Message& request);

// A user as resources name it, from `users/{username}` or a bare username ("" stays "").
std::string UserResourceName(absl::string_view name_or_username);
// The bare username of `users/{username}` (a bare one is returned as is).
std::string BareUsername(absl::string_view name_or_username);

// The etag of a resource at `version`, and back (INVALID_ARGUMENT naming `field`).
std::string EtagForVersion(int64_t version);
absl::StatusOr<int64_t> VersionFromEtag(absl::string_view etag, absl::string_view field);
// OK when `expected_version` is 0 (no etag sent) or the resource's `version`; ABORTED
// ETAG_MISMATCH naming `resource` otherwise.
absl::Status CheckEtagVersion(absl::string_view resource, int64_t version,
                              int64_t expected_version);

}  // namespace ecocase::api
