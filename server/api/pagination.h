#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecocase::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// Where a page starts. Lists are keyset-paginated: `after` is the sort key of the last
// item of the previous page ("" for the first page), which stays correct while rows are
// inserted or deleted between pages.
struct Page {
  int size = kDefaultPageSize;
  std::string after;
};

// Reads page_size (0 -> default, above the maximum -> the maximum, negative ->
// INVALID_ARGUMENT) and page_token. `query` identifies the caller and every filter of the
// request (see QueryFingerprint); a token made for another query or another caller is
// INVALID_ARGUMENT.
absl::StatusOr<Page> ParsePage(int32_t page_size, absl::string_view page_token,
                               absl::string_view query);

// The opaque next_page_token after an item with sort key `last_key`.
std::string MakePageToken(absl::string_view query, absl::string_view last_key);

// The sort key of lists ordered newest first by (time DESC, id DESC), as a page token's
// `last_key` ("micros/id") and back: "" is no key (the first page); anything else that is not
// such a key is INVALID_ARGUMENT `page_token`.
struct TimeIdKey {
  absl::Time time;
  int64_t id = 0;
};
std::string TimeIdKeyText(absl::Time time, int64_t id);
absl::StatusOr<std::optional<TimeIdKey>> ParseTimeIdKey(absl::string_view key);

// ParseTimeIdKey as a repository's cursor: any aggregate of a time and then an id.
template <typename Cursor>
absl::StatusOr<std::optional<Cursor>> ParseTimeIdCursor(absl::string_view key) {
  absl::StatusOr<std::optional<TimeIdKey>> parsed = ParseTimeIdKey(key);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return std::optional<Cursor>();
  return std::optional<Cursor>(Cursor{(*parsed)->time, (*parsed)->id});
}

// Joins the parts of a query (method, principal, filters) unambiguously.
std::string QueryFingerprint(std::initializer_list<absl::string_view> parts);

}  // namespace ecocase::api
