#include "domain/text_check.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace ecocase::domain {

int CodePoints(absl::string_view text, bool multiline) {
  int n = 0;
  for (unsigned char c : text) {
    if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t')))) {
      return -1;
    }
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::Status CheckText(absl::string_view text, int min, int max, absl::string_view field,
                       bool multiline) {
  const int n = CodePoints(text, multiline);
  const bool blank = absl::StripAsciiWhitespace(text).empty();
  if (n < min || n > max || (n > 0 && blank)) {
    return common::InvalidFieldError(field,
                                     absl::StrCat("must be ", min, "-", max, " characters of text",
                                                  multiline ? "" : " without line breaks"));
  }
  return absl::OkStatus();
}

}  // namespace ecocase::domain
