#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/profile.h"

namespace ecocase::domain::hj212::fixtures {

// Frames and segments from the standards, shared by the tests.
// HJ 212-2017 Appendix A worked example: 101 bytes, CRC 1C80.
inline constexpr absl::string_view kV01Segment =
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&RtdInterval=30&&";
inline constexpr absl::string_view kV01Frame =
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&RtdInterval=30&&1C80\r\n";

// Runs `text` through a FrameReader (then Finish) and returns every event.
inline std::vector<FrameEvent> ReadAll(absl::string_view text,
                                       FrameReaderOptions options = {}) {
  FrameReader reader(options);
  reader.Append(text);
  reader.Finish();
  std::vector<FrameEvent> events;
  while (std::optional<FrameEvent> event = reader.Next()) events.push_back(*std::move(event));
  return events;
}

inline DeviceProfile Profile(ProtocolVersion version, Strictness strictness) {
  DeviceProfile profile;
  profile.version = version;
  profile.strictness = strictness;
  return profile;
}

inline DeviceProfile Strict2017() { return Profile(ProtocolVersion::k2017, Strictness::kStrict); }
inline DeviceProfile Lenient2005() {
  return Profile(ProtocolVersion::k2005, Strictness::kLenient);
}

// Frames `text` leniently and decodes the single frame it holds with `profile`.
inline DecodeResult DecodeText(absl::string_view text, const DeviceProfile& profile,
                               const CpDecryptor* cipher = nullptr) {
  std::vector<FrameEvent> events = ReadAll(text, FrameReaderOptions::Lenient());
  if (events.empty()) return {{Reason::kTruncated, "no frame"}, {}};
  if (!events[0].ok()) return {events[0].rejection, {}};
  return Decode(events[0].frame, profile, cipher);
}

}  // namespace ecocase::domain::hj212::fixtures
