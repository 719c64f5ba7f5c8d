#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "domain/evaluation/incidents.h"
#include "domain/task.h"
#include "storage/incident_repository.h"

namespace ecocase::evaluation {

// Chinese wording of incidents for alerts and tasks: what an officer or the enterprise
// reads on a phone, one line each.

// 二氧化硫 for a21026; the code itself for factors without a name here.
std::string FactorName(absl::string_view code);

// E.g. "【新超标】焦作某电厂 DA001 二氧化硫小时均值超标：峰值 120 mg/m3（限值 100，1.20倍），
// 2026-12-01 08:00 起".
std::string IncidentAlertTitle(domain::evaluation::IncidentEventKind event,
                               const storage::IncidentRecord& record);
// Windows, peak and rule version, for the alert's detail line.
std::string IncidentAlertDetail(const storage::IncidentRecord& record);
std::string TaskIssuedAlertTitle(const domain::Task& task, const storage::IncidentRecord& record);

}  // namespace ecocase::evaluation
