#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hj212sim/packet_builder.h"

namespace hj212sim {

// The --ack-log lines of one acknowledged upload: "MN CN DATATIME POLLUTANT\n" per reading,
// DATATIME as sent (Beijing time, 14 digits), POLLUTANT the HJ 212-2017 code the gateway
// stores the reading under (for a 2005 station the CP carries its 原编码, e.g. 02 for a21026).
std::string AckLogLines(absl::string_view mn, const Upload& upload);

// --ack-log: appends the lines of each acknowledged upload and flushes them to the kernel
// at once, so a test that kills the gateway (not the simulator) sees every line.
class AckLog {
 public:
  static absl::StatusOr<std::unique_ptr<AckLog>> Open(const std::string& path);
  ~AckLog();
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;

  absl::Status Append(absl::string_view mn, const Upload& upload);

 private:
  AckLog(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
};

}  // namespace hj212sim
