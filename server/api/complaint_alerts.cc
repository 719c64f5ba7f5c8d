#include "api/complaint_alerts.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/regulatory_time.h"

namespace ecocase::api {
namespace {

// The description as a title shows it: its first 40 characters.
std::string Gist(const std::string& text) {
  constexpr size_t kMaxChars = 40;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == kMaxChars) return absl::StrCat(text.substr(0, i), "…");
  }
  return text;
}

absl::string_view UrgencyLabel(domain::ComplaintUrgency urgency) {
  switch (urgency) {
    case domain::ComplaintUrgency::kUrgent: return "紧急";
    case domain::ComplaintUrgency::kEmergency: return "突发";
    default: return "一般";
  }
}

storage::AlertEvent Base(absl::string_view kind, const domain::Complaint& c) {
  storage::AlertEvent e;
  e.kind = std::string(kind);
  e.resource = c.ResourceName();
  e.district_code = c.location.district_code;
  e.detail = absl::StrCat(c.ResourceName(), " ", domain::ComplaintChannelName(c.channel), " ",
                          domain::ComplaintCategoryName(c.category), " ",
                          domain::ComplaintUrgencyName(c.urgency));
  return e;
}

}  // namespace

absl::string_view ComplaintCategoryLabel(domain::ComplaintCategory category) {
  switch (category) {
    case domain::ComplaintCategory::kAir: return "大气";
    case domain::ComplaintCategory::kWater: return "水";
    case domain::ComplaintCategory::kNoise: return "噪声";
    case domain::ComplaintCategory::kSolidWaste: return "固体废物";
    case domain::ComplaintCategory::kSoil: return "土壤";
    case domain::ComplaintCategory::kRadiation: return "辐射";
    case domain::ComplaintCategory::kEcology: return "生态";
    default: return "其他";
  }
}

std::optional<storage::AlertEvent> ComplaintAlert(absl::string_view method,
                                                  const domain::Complaint& c) {
  const std::string what = absl::StrCat(ComplaintCategoryLabel(c.category), "·",
                                        UrgencyLabel(c.urgency), "：", Gist(c.description));
  if (method == "CreateComplaint" && c.state == domain::ComplaintState::kReceived) {
    storage::AlertEvent e = Base("COMPLAINT_RECEIVED", c);
    e.title = absl::StrCat("【新投诉】", what);
    return e;
  }
  if ((method == "DispatchComplaint" || method == "RerouteComplaint") && c.assignment) {
    storage::AlertEvent e = Base("COMPLAINT_DISPATCHED", c);
    e.district_code = c.assignment->district_code;
    e.title = absl::StrCat(
        method == "RerouteComplaint" ? "【投诉改派】" : "【投诉交办】", what,
        c.assignment->officer.empty() ? "" : absl::StrCat("（承办：", c.assignment->officer, "）"));
    return e;
  }
  if (method == "RecordRevisit" && c.state == domain::ComplaintState::kDispatched) {
    storage::AlertEvent e = Base("COMPLAINT_REOPENED", c);
    if (c.assignment) e.district_code = c.assignment->district_code;
    e.title = absl::StrCat("【投诉重新办理】回访不满意：", what);
    return e;
  }
  return std::nullopt;
}

storage::AlertEvent ComplaintOverdueAlert(const domain::Complaint& c, domain::SlaClock clock,
                                          absl::Time due) {
  storage::AlertEvent e = Base("COMPLAINT_OVERDUE", c);
  if (clock == domain::SlaClock::kClosure && c.assignment) {
    e.district_code = c.assignment->district_code;
  }
  // A day-based clock runs out at midnight: shown as 24:00 of its last day.
  const absl::TimeZone zone = common::RegulatoryTimeZone();
  const bool midnight = absl::ToCivilSecond(due, zone) == absl::ToCivilDay(due, zone);
  const std::string deadline =
      midnight ? absl::StrCat(absl::FormatTime("%Y-%m-%d", due - absl::Seconds(1), zone), " 24:00")
               : absl::FormatTime("%Y-%m-%d %H:%M", due, zone);
  e.title = absl::StrCat(clock == domain::SlaClock::kAcceptance ? "【受理超时】" : "【办结超时】",
                         ComplaintCategoryLabel(c.category), "：", Gist(c.description), "（期限 ",
                         deadline, "）");
  return e;
}

}  // namespace ecocase::api
