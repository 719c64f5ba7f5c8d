#include "domain/hj212/commands.h"

#include "absl/strings/str_format.h"
#include "domain/hj212/cp_values.h"

namespace ecocase::domain::hj212 {

CommandKind ClassifyFromDevice(absl::string_view code) {
  if (code == cn::kRequestAnswer || code == cn::kExecutionResult ||
      code == cn::kNotificationAnswer || code == cn::kDataAnswer) {
    return CommandKind::kAnswer;
  }
  if (code == cn::kHeartbeat || code == cn::kTimeCalibration || code == cn::kRegister ||
      code == cn::kKey) {
    return CommandKind::kNotification;
  }
  if (code.size() == 4 && code[0] == '2') return CommandKind::kUpload;
  if (code == "1011" || code == "1061" || code == "1063" || code == "3015" || code == "3017" ||
      code == "3018" || code == "3019" || code == "3020") {
    return CommandKind::kUpload;
  }
  return CommandKind::kOther;
}

std::string FormatQn(absl::CivilSecond time, int millis) {
  return absl::StrFormat("%s%03d", FormatHjTime(time), millis % 1000);
}

std::optional<Registration> ReadRegistration(const Packet& packet) {
  if (packet.cn != cn::kRegister) return std::nullopt;
  auto value = [&packet](absl::string_view name) {
    std::optional<absl::string_view> v = FindCpValue(packet.cp_groups, name);
    return v ? std::string(*v) : std::string();
  };
  Registration registration{value("i23005-Info"), value("i23006-Info"), value("i23007-Info"),
                            value("i23008-Info")};
  if (registration.das_id.empty()) return std::nullopt;
  return registration;
}

std::optional<Sm4Key> Sm4KeyFromText(absl::string_view text) {
  Sm4Key key{};
  if (text.size() != key.size()) return std::nullopt;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(text[i]);
  return key;
}

}  // namespace ecocase::domain::hj212
