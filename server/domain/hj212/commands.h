#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/profile.h"

namespace ecocase::domain::hj212 {

// Command codes (§1.7 Table 9; 2025 additions from hj212-2025.md §2.6).
namespace cn {
inline constexpr absl::string_view kSetTimeout = "1000";
inline constexpr absl::string_view kRegister = "1001";       // 2025: DAS uploads hardware ids
inline constexpr absl::string_view kSetMn = "1002";          // 2025: host assigns the MN
inline constexpr absl::string_view kTime = "1011";
inline constexpr absl::string_view kSetTime = "1012";
inline constexpr absl::string_view kTimeCalibration = "1013";
inline constexpr absl::string_view kKey = "1014";            // 2025: SM4 key request / new key
inline constexpr absl::string_view kRealtimeData = "2011";
inline constexpr absl::string_view kDayData = "2031";
inline constexpr absl::string_view kMinuteData = "2051";
inline constexpr absl::string_view kHourData = "2061";
inline constexpr absl::string_view kSiteInfo = "3020";
inline constexpr absl::string_view kRequestAnswer = "9011";
inline constexpr absl::string_view kExecutionResult = "9012";
inline constexpr absl::string_view kNotificationAnswer = "9013";
inline constexpr absl::string_view kDataAnswer = "9014";
inline constexpr absl::string_view kHeartbeat = "9015";      // 2025
}  // namespace cn

// What a packet from a device is, for answering it.
enum class CommandKind {
  kUpload,        // 2xxx, 1011/1061/1063, 3015/3017-3020: answered with 9014
  kNotification,  // 1013, 9015 heartbeat, 2025 1001 and 1014: answered with 9013
  kAnswer,        // 9011-9014: never answered
  kOther,         // host-side commands and unknown codes: no answer
};
CommandKind ClassifyFromDevice(absl::string_view cn);

// QnRtn, Table 7.
enum class QnRtn {
  kReady = 1, kRefused = 2, kBadPw = 3, kBadMn = 4, kBadSt = 5, kBadFlag = 6, kBadQn = 7,
  kBadCn = 8, kBadCrc = 9, kUnknown = 100,
};
// ExeRtn, Table 6.
enum class ExeRtn {
  kSuccess = 1, kFailed = 2, kBadCondition = 3, kTimeout = 4, kBusy = 5, kSystemFault = 6,
  kNoData = 100,
};

// A QN for a host request: YYYYMMDDhhmmss + 3-digit milliseconds. The caller passes the time.
std::string FormatQn(absl::CivilSecond time, int millis);

// 2025 registration (CN 1001, sent before the bureau assigned an MN, so usually with "MN="):
// the hardware ids the bureau assigns the MN from.
struct Registration {
  std::string das_id;  // i23005-Info
  std::string cpu_id;  // i23006-Info
  std::string mac1;    // i23007-Info
  std::string mac2;    // i23008-Info
};
// nullopt unless `packet` is a 1001 with at least the DAS id.
std::optional<Registration> ReadRegistration(const Packet& packet);

// A key as CN 1014 carries it (NewSK): 16 characters, used as the 16 key bytes (the
// standard's test key "0000000000000000" is 16 x 0x30). nullopt for any other length.
std::optional<Sm4Key> Sm4KeyFromText(absl::string_view text);

}  // namespace ecocase::domain::hj212
