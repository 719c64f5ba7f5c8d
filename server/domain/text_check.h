#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecocase::domain {

// Length and shape checks of free text that users type (reasons, notes, findings, names).

// Code points of UTF-8 text, or -1 when it holds control characters (line breaks and tabs
// are allowed only where `multiline`).
int CodePoints(absl::string_view text, bool multiline);

// OK when `text` has `min`-`max` code points, no control characters (line breaks only
// where `multiline`) and, when not empty, more than whitespace (`min` 0 makes it
// optional). INVALID_ARGUMENT naming `field` otherwise ("must be 1-500 characters of
// text[ without line breaks]"), never quoting the text.
absl::Status CheckText(absl::string_view text, int min, int max, absl::string_view field,
                       bool multiline = false);

}  // namespace ecocase::domain
