#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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

// Joins the parts of a query (method, principal, filters) unambiguously.
std::string QueryFingerprint(std::initializer_list<absl::string_view> parts);

}  // namespace ecocase::api
