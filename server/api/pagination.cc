#include "api/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "security/sha256.h"

namespace ecocase::api {
namespace {

// The token carries a short digest of the query it belongs to, then the last key.
constexpr size_t kBindingChars = 16;

std::string Binding(absl::string_view query) {
  return security::Sha256Hex(query).substr(0, kBindingChars);
}

}  // namespace

std::string QueryFingerprint(std::initializer_list<absl::string_view> parts) {
  std::string out;
  for (absl::string_view p : parts) absl::StrAppend(&out, p.size(), ":", p, ";");
  return out;
}

std::string MakePageToken(absl::string_view query, absl::string_view last_key) {
  return absl::WebSafeBase64Escape(absl::StrCat(Binding(query), last_key));
}

absl::StatusOr<Page> ParsePage(int32_t page_size, absl::string_view page_token,
                               absl::string_view query) {
  Page page;
  if (page_size < 0) return common::InvalidFieldError("page_size", "must not be negative");
  if (page_size > 0) page.size = std::min<int32_t>(page_size, kMaxPageSize);
  if (page_token.empty()) return page;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(page_token, &decoded) || decoded.size() < kBindingChars ||
      decoded.substr(0, kBindingChars) != Binding(query)) {
    return common::InvalidFieldError(
        "page_token", "is not a token of this query; start again without page_token");
  }
  page.after = decoded.substr(kBindingChars);
  return page;
}

std::string TimeIdKeyText(absl::Time time, int64_t id) {
  return absl::StrCat(absl::ToUnixMicros(time), "/", id);
}

absl::StatusOr<std::optional<TimeIdKey>> ParseTimeIdKey(absl::string_view key) {
  if (key.empty()) return std::optional<TimeIdKey>();
  const size_t slash = key.find('/');
  int64_t micros = 0;
  TimeIdKey out;
  if (slash == absl::string_view::npos || !absl::SimpleAtoi(key.substr(0, slash), &micros) ||
      !absl::SimpleAtoi(key.substr(slash + 1), &out.id)) {
    return common::InvalidFieldError(
        "page_token", "is not a token of this query; start again without page_token");
  }
  out.time = absl::FromUnixMicros(micros);
  return std::optional<TimeIdKey>(out);
}

}  // namespace ecocase::api
