#include "api/case_alerts.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/regulatory_time.h"

namespace ecocase::api {
namespace {

// The case as a title names it: its number once filed, else its resource name.
std::string CaseLabel(const domain::EnforcementCase& c) {
  return c.case_number.empty() ? c.ResourceName() : c.case_number;
}

storage::AlertEvent Base(absl::string_view kind, const domain::EnforcementCase& c,
                         bool party_sees) {
  storage::AlertEvent e;
  e.kind = std::string(kind);
  e.resource = c.ResourceName();
  e.district_code = c.district_code;
  if (party_sees) e.enterprise_uscc = c.enterprise_uscc;
  e.detail = absl::StrCat(c.ResourceName(), " ", domain::CaseStateName(c.state), " ", c.party_name);
  return e;
}

}  // namespace

std::optional<storage::AlertEvent> CaseAlert(absl::string_view method,
                                             const domain::EnforcementCase& c) {
  const std::string what = absl::StrCat(CaseLabel(c), " ", c.party_name, "：", c.summary);
  if (method == "OpenCase") {
    storage::AlertEvent e = Base("CASE_OPENED", c, false);
    e.title = absl::StrCat("【案件线索】", what);
    return e;
  }
  if (method == "FileCase") {
    storage::AlertEvent e = Base("CASE_FILED", c, false);
    e.title = absl::StrCat("【立案】", what);
    return e;
  }
  if (method == "NotifyParty") {
    storage::AlertEvent e = Base("CASE_NOTIFIED", c, true);
    e.title = absl::StrCat("【行政处罚事先告知】", what);
    return e;
  }
  if (method == "DecideCase" || method == "TransferCase") {
    storage::AlertEvent e = Base("CASE_DECIDED", c, method == "DecideCase");
    e.title = absl::StrCat("【", domain::CaseStateLabel(c.state), "】", what);
    return e;
  }
  if (method == "ServeDecision") {
    storage::AlertEvent e = Base("CASE_SERVED", c, true);
    e.title = absl::StrCat("【处罚决定书已送达】", what);
    return e;
  }
  if (method == "CloseCase") {
    storage::AlertEvent e = Base("CASE_CLOSED", c, !c.notifications.empty());
    e.title = absl::StrCat("【结案】", what);
    return e;
  }
  return std::nullopt;
}

storage::AlertEvent CaseOverdueAlert(const domain::EnforcementCase& c,
                                     const domain::CaseClockView& clocks, absl::Time due) {
  absl::string_view clock = "办案期限";
  auto is = [&](const std::optional<domain::RunningDeadline>& d) {
    return d && d->running && d->deadline.due == due;
  };
  if (is(clocks.filing)) clock = "立案审查期限";
  if (is(clocks.decision)) clock = "作出处罚决定期限（90日）";
  if (is(clocks.service)) clock = "送达期限";
  if (is(clocks.payment)) clock = "罚款缴纳期限";
  if (is(clocks.transfer)) clock = "移送材料期限";
  storage::AlertEvent e = Base("CASE_OVERDUE", c, false);
  e.title =
      absl::StrCat("【案件逾期】", CaseLabel(c), " ", c.party_name, "：", clock, "已于",
                   absl::FormatCivilTime(common::RegulatoryDay(due - absl::Seconds(1))), "届满");
  return e;
}

}  // namespace ecocase::api
