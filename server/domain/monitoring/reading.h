#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/hj212/packet.h"

namespace ecocase::domain::monitoring {

// Which series a reading belongs to: the HJ 212 upload command it came with. Values match
// ecocase.v1.ReadingKind and the `reading.kind` column.
enum class ReadingKind {
  kUnspecified = 0,
  kRealtime = 1,  // CN 2011 实时数据 (Rtd)
  kMinute = 2,    // CN 2051 分钟数据 (Avg/Min/Max/Cou)
  kHour = 3,      // CN 2061 小时数据
  kDay = 4,       // CN 2031 日数据
};

absl::string_view ReadingKindName(ReadingKind kind);  // "REALTIME", "MINUTE", ...
// The kind an upload command carries, or nullopt for commands that carry no readings.
std::optional<ReadingKind> ReadingKindFromCn(absl::string_view cn);

// How a reading reached us. Values match the `reading.source` column.
enum class ReadingSource { kHj212 = 1, kGrpc = 2 };

// One value of one factor (pollutant or operating parameter) from one device at one data
// time. The natural key is (mn, pollutant, kind, data_time): a second arrival is a no-op.
struct Reading {
  std::string mn;
  std::string pollutant;  // HJ 212 factor code, e.g. "a21026"
  ReadingKind kind = ReadingKind::kUnspecified;
  absl::Time data_time;   // UTC; HJ 212 DataTime is Beijing time (UTC+8)
  std::optional<double> value;  // Rtd for real-time data, Avg for the other kinds
  std::optional<double> min_value;
  std::optional<double> max_value;
  std::optional<double> cou;       // emission amount of the interval
  std::optional<double> zs_value;  // ZsRtd / ZsAvg: converted to the reference O2
  std::string flag = "N";          // data flag as sent (Table 8); "N" when absent
  bool backfilled = false;         // RF=1 (2025) or resent through a back-fill door
};

// Why one reading was refused. The packet or request around it may still be accepted.
enum class ReadingReason {
  kOk = 0,
  kUnknownDevice,     // the MN is not registered, or not the caller's (same reason: no leak)
  kDeviceUnbound,     // the MN is registered but bound to no outlet
  kBadPollutant,      // not an HJ 212 factor code
  kBadKind,           // kind unspecified
  kMissingDataTime,   // the packet has no DataTime, or the request no data_time
  kBadDataTime,       // DataTime is not YYYYMMDDhhmmss
  kDataTimeInFuture,  // later than now plus the allowed clock skew
  kDataTimeTooOld,    // older than the back-fill window
  kNoValue,           // neither Rtd/Avg nor any other value
  kBadValue,          // a value that is not a finite decimal number
  kBadFlag,           // a data flag of more than 4 characters or not printable ASCII
};

absl::string_view ReadingReasonName(ReadingReason reason);  // "UNKNOWN_DEVICE", ...

struct ReadingRejection {
  int index = 0;           // position in the request, or the item's group in the packet
  std::string pollutant;   // as sent, when known
  ReadingReason reason = ReadingReason::kOk;
  std::string detail;      // the offending value (never a password)
};

struct ReadingCheckOptions {
  absl::Duration max_future_skew = absl::Minutes(10);
  // HJ 212 devices keep weeks of data for 补传; older data is refused rather than stored
  // into the past without anyone noticing. [M] configurable.
  absl::Duration backfill_window = absl::Hours(24 * 90);
};

// Checks a reading that came from a gRPC collector (or from a packet): kind, factor code,
// time window, values and flag. kOk when it may be stored.
ReadingReason CheckReading(const Reading& reading, absl::Time now,
                           const ReadingCheckOptions& options, std::string* detail);

struct PacketReadings {
  std::vector<Reading> readings;
  std::vector<ReadingRejection> rejections;
};

// The readings of an accepted upload (2011/2051/2061/2031): one per factor code in the CP
// area, with DataTime converted from Beijing time, each checked by CheckReading. Items that
// are not factor values (DataTime, RF, ...) are skipped; a packet of another CN yields
// nothing. `packet.mn` is used as is (the caller has authenticated it).
PacketReadings ReadingsFromPacket(const hj212::Packet& packet, absl::Time now,
                                  const ReadingCheckOptions& options);

}  // namespace ecocase::domain::monitoring
