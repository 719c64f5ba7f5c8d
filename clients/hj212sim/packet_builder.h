#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/profile.h"
#include "hj212sim/factors.h"
#include "hj212sim/schedule.h"
#include "hj212sim/station_config.h"
#include "hj212sim/value_model.h"

namespace hj212sim {

// One upload as it went on the wire. Kept until its 9014 arrives and re-sent unchanged.
struct Upload {
  int64_t seq = 0;  // production order within the station
  UploadKind kind = UploadKind::kRealtime;
  std::string qn;
  std::string cn;
  std::string data_time;                // DataTime as sent: 14 digits, Beijing time
  std::vector<std::string> pollutants;  // HJ 212-2017 factor codes, one reading each
  bool backfill = false;                // 补传: RF=1 in a 2025 header
  std::string frame;                    // the bytes sent
};

// QNs of one station (§1.3: YYYYMMDDhhmmsszzz): the Beijing send time to the millisecond,
// nudged forward when needed so that they strictly increase; an answer's QN then names
// exactly one packet even when several leave within a millisecond.
class QnSource {
 public:
  std::string Next(absl::Time now);

 private:
  int64_t last_ms_ = std::numeric_limits<int64_t>::min();
};

// Ways to spoil a frame for --bad-rate. The gateway must drop such a frame and never
// acknowledge it (domain-rules §1.13).
enum class Malformation {
  kBadCrc,       // a CRC that does not match the segment (Table 2: "CRC 错误，执行结束")
  kCpNotClosed,  // sound length and CRC, but the CP area lacks its closing "&&"
};

// The profile the gateway should hold for `station` (tests decode with it): its version,
// strictness, PW and, for a 2025 station with a key, SM4 encryption required.
hj212::DeviceProfile RegisteredProfile(const StationConfig& station);

// Builds the uploads of one station. The header follows the station's version: QN, ST (31
// air, 32 water), CN, PW, MN, Flag = version << 2 | 1 (answer required), RF=1 for 2025
// back-fill; a 2005 station sends the same fields with Flag=1, the form its 9014 answers
// (with the QN inside the CP) refer to.
class PacketBuilder {
 public:
  // `values` and `cipher` (may be null without a key) must outlive the builder.
  PacketBuilder(StationConfig station, std::vector<const Factor*> factors, const ValueModel& values,
                const hj212::CpDecryptor* cipher);

  // The packet of `due`, plaintext. CP: DataTime=...;<code>-Rtd=v,<code>-Flag=N;... for
  // real-time data, <code>-Cou,-Min,-Avg,-Max,-Flag for periods (Cou only for emission
  // factors). The station's exceed= factors exceed in every value.
  hj212::Packet BuildPacket(const DueUpload& due, absl::string_view qn, bool backfill) const;

  // The same as it is sent: framed, the CP area SM4-encrypted for a 2025 station with a key.
  // OUT_OF_RANGE when the CP area exceeds 950 bytes or the segment 1024 (too many factors
  // for one packet).
  absl::StatusOr<Upload> Build(const DueUpload& due, absl::string_view qn, bool backfill) const;

  // A damaged frame of the same data under its own `qn`.
  std::string Malformed(const DueUpload& due, absl::string_view qn, Malformation how) const;

  const StationConfig& station() const { return station_; }
  size_t readings_per_packet() const { return factors_.size(); }

 private:
  std::string CodeOf(const Factor& factor) const;
  std::string BuildCp(const DueUpload& due) const;

  StationConfig station_;
  std::vector<const Factor*> factors_;
  const ValueModel& values_;
  const hj212::CpDecryptor* cipher_;
};

// DataTime as HJ 212 writes it: Beijing time, YYYYMMDDhhmmss.
std::string BeijingDataTime(absl::Time t);

}  // namespace hj212sim
