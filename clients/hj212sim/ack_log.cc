#include "hj212sim/ack_log.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hj212sim {

std::string AckLogLines(absl::string_view mn, const Upload& upload) {
  std::string lines;
  for (const std::string& pollutant : upload.pollutants) {
    absl::StrAppend(&lines, mn, " ", upload.cn, " ", upload.data_time, " ", pollutant, "\n");
  }
  return lines;
}

absl::StatusOr<std::unique_ptr<AckLog>> AckLog::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AckLog>(new AckLog(file, path));
}

AckLog::~AckLog() { std::fclose(file_); }

absl::Status AckLog::Append(absl::string_view mn, const Upload& upload) {
  const std::string lines = AckLogLines(mn, upload);
  if (std::fwrite(lines.data(), 1, lines.size(), file_) != lines.size() ||
      std::fflush(file_) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace hj212sim
