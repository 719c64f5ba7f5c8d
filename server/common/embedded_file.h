#pragma once

#include "absl/strings/string_view.h"

namespace ecocase::common {

// A file compiled into the binary by cmake/EcocaseEmbed.cmake (migrations, calendars),
// so a deployed server never depends on the source tree.
struct EmbeddedFile {
  absl::string_view name;
  absl::string_view contents;
};

}  // namespace ecocase::common
