#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace ecocase::domain {

// The keys of a hotline complaint (domain-rules §5): how it reached the bureau, what it is
// about and how urgent it is. The SLA table (§5.2) is keyed by all three. Values are meant
// to match ecocase.v1 and are stored by name; 0 is the proto's UNSPECIFIED.

enum class ComplaintChannel {
  kUnspecified = 0,
  k12369Phone = 1,     // 12369 热线电话
  k12369Wechat = 2,    // 12369 微信
  k12369Web = 3,       // 12369 网络举报
  k12345Transfer = 4,  // 12345 转办工单
  kLetterVisit = 5,    // 来信来访
};

enum class ComplaintCategory {
  kUnspecified = 0,
  kAir = 1,         // 大气
  kWater = 2,       // 水
  kNoise = 3,       // 噪声
  kSolidWaste = 4,  // 固体废物
  kSoil = 5,        // 土壤
  kRadiation = 6,   // 辐射
  kEcology = 7,     // 生态
  kOther = 8,       // 其他
};

enum class ComplaintUrgency {
  kUnspecified = 0,
  kNormal = 1,     // 一般
  kUrgent = 2,     // 紧急
  kEmergency = 3,  // 突发环境事件
};

namespace complaint_kinds_internal {

inline constexpr std::array<absl::string_view, 6> kChannelNames = {
    "UNSPECIFIED", "12369_PHONE", "12369_WECHAT", "12369_WEB", "12345_TRANSFER",
    "LETTER_VISIT"};
inline constexpr std::array<absl::string_view, 9> kCategoryNames = {
    "UNSPECIFIED", "AIR", "WATER", "NOISE", "SOLID_WASTE", "SOIL", "RADIATION", "ECOLOGY",
    "OTHER"};
inline constexpr std::array<absl::string_view, 4> kUrgencyNames = {"UNSPECIFIED", "NORMAL",
                                                                   "URGENT", "EMERGENCY"};

template <typename Enum, size_t N>
absl::string_view NameOf(Enum value, const std::array<absl::string_view, N>& names) {
  const size_t i = static_cast<size_t>(value);
  return i < N ? names[i] : names[0];
}

// UNSPECIFIED is never parsed: a stored or requested value must name a real kind.
template <typename Enum, size_t N>
std::optional<Enum> FromName(absl::string_view name,
                             const std::array<absl::string_view, N>& names) {
  for (size_t i = 1; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace complaint_kinds_internal

// "12369_PHONE", "12345_TRANSFER", ...
inline absl::string_view ComplaintChannelName(ComplaintChannel channel) {
  return complaint_kinds_internal::NameOf(channel, complaint_kinds_internal::kChannelNames);
}
inline std::optional<ComplaintChannel> ComplaintChannelFromName(absl::string_view name) {
  return complaint_kinds_internal::FromName<ComplaintChannel>(
      name, complaint_kinds_internal::kChannelNames);
}

// "AIR", "SOLID_WASTE", ...
inline absl::string_view ComplaintCategoryName(ComplaintCategory category) {
  return complaint_kinds_internal::NameOf(category, complaint_kinds_internal::kCategoryNames);
}
inline std::optional<ComplaintCategory> ComplaintCategoryFromName(absl::string_view name) {
  return complaint_kinds_internal::FromName<ComplaintCategory>(
      name, complaint_kinds_internal::kCategoryNames);
}

// "NORMAL", "URGENT", "EMERGENCY".
inline absl::string_view ComplaintUrgencyName(ComplaintUrgency urgency) {
  return complaint_kinds_internal::NameOf(urgency, complaint_kinds_internal::kUrgencyNames);
}
inline std::optional<ComplaintUrgency> ComplaintUrgencyFromName(absl::string_view name) {
  return complaint_kinds_internal::FromName<ComplaintUrgency>(
      name, complaint_kinds_internal::kUrgencyNames);
}

}  // namespace ecocase::domain
