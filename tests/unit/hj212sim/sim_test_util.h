#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/regulatory_time.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/packet.h"
#include "hj212sim/station_config.h"

namespace hj212sim::simtest {

inline constexpr absl::string_view kMn2017 = "010000A8900016F000169DC0";
inline constexpr absl::string_view kMn2005 = "88888880000001";

// The standard's SM4 test key: 16 x 0x30 (hj212-2025.md §2.7.1).
inline hj212::Sm4Key StandardKey() {
  hj212::Sm4Key key;
  key.fill(0x30);
  return key;
}

inline StationConfig MakeStation(hj212::ProtocolVersion version, absl::string_view mn,
                                 StationKind kind = StationKind::kAir) {
  StationConfig station;
  station.mn = std::string(mn);
  station.pw = "123456";
  station.version = version;
  station.kind = kind;
  station.codes = version == hj212::ProtocolVersion::k2005 ? CodeSet::k2005 : CodeSet::k2017;
  return station;
}

// A Beijing wall-clock time.
inline absl::Time Beijing(int y, int mo, int d, int h, int mi, int s) {
  return ecocase::common::FromRegulatory(absl::CivilSecond(y, mo, d, h, mi, s));
}

// Every frame in `bytes`, each judged by `profile`.
inline std::vector<hj212::DecodeResult> DecodeAll(absl::string_view bytes,
                                                  const hj212::DeviceProfile& profile,
                                                  const hj212::CpDecryptor* cipher = nullptr) {
  hj212::FrameReader reader(hj212::FrameReaderOptions::Lenient());
  reader.Append(bytes);
  reader.Finish();
  std::vector<hj212::DecodeResult> results;
  while (std::optional<hj212::FrameEvent> event = reader.Next()) {
    if (!event->ok()) {
      results.push_back({event->rejection, {}});
    } else {
      results.push_back(hj212::Decode(event->frame, profile, cipher));
    }
  }
  return results;
}

// The one frame in `bytes`.
inline hj212::DecodeResult DecodeOne(absl::string_view bytes, const hj212::DeviceProfile& profile,
                                     const hj212::CpDecryptor* cipher = nullptr) {
  std::vector<hj212::DecodeResult> all = DecodeAll(bytes, profile, cipher);
  if (all.size() != 1) return {{hj212::Reason::kTruncated, "not exactly one frame"}, {}};
  return all[0];
}

// The 9014 the gateway sends for an accepted upload, as bytes.
inline std::string AckFrame(const hj212::Packet& upload) {
  absl::StatusOr<std::string> frame = hj212::EncodePacket(hj212::DataAck(upload, upload.version));
  return frame.value_or("");
}

}  // namespace hj212sim::simtest
