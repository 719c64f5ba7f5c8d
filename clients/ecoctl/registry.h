// Shared by the registry and permit commands (commands_enterprises.cc, commands_permits.cc):
// resource names, the limit SPEC, regulatory times, labels and tables.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ecocase/v1/enterprise.pb.h"
#include "ecocase/v1/permit.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "google/type/latlng.pb.h"

namespace ecoctl::registry {

// --- Names ------------------------------------------------------------------------------

// A credit code as the server spells it: upper case, without spaces and hyphens.
std::string NormalizeCode(const std::string& text);
// `enterprises/{uscc}` for USCC or enterprises/USCC.
std::string EnterpriseName(const std::string& uscc_or_name);
// `enterprises/{uscc}/outlets/{code}`.
std::string OutletName(const std::string& uscc_or_name, const std::string& code);
// `enterprises/{uscc}/permits/{number}` for a permit number (its first 18 characters are
// the holder's USCC, HJ 608-2017) or a full permit name.
std::string PermitName(const std::string& number_or_name);
// The USCC in `enterprises/{uscc}…`.
std::string UsccOf(const std::string& resource_name);

// --- Flags ------------------------------------------------------------------------------

// --request-id: the change's idempotency key (default a new UUID, kept for its retries).
void AddRequestIdFlag(CLI::App* cmd, std::string& request_id);
std::string RequestIdOrNew(const std::string& given);
// CLI11 check of YYYY-MM-DD (shape; the server checks the date).
std::string DateShape(const std::string& text);
google::type::Date ToDate(const std::string& text);
// A regulatory time: YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD (00:00) in Asia/Shanghai, or
// with a trailing Z in UTC. Throws CommandError(kExitUsage) naming `flag`.
google::protobuf::Timestamp ParseShanghaiTime(const std::string& text, const std::string& flag);
std::string TimeShape(const std::string& text);

// CLI names of enums and back.
const std::vector<std::pair<std::string, ecocase::v1::ManagementClass>>& ClassNames();
std::string ClassName(ecocase::v1::ManagementClass c);
const std::vector<std::pair<std::string, ecocase::v1::Permit::State>>& StateNames();
std::string StateName(ecocase::v1::Permit::State s);
template <typename E>
std::vector<std::string> Keys(const std::vector<std::pair<std::string, E>>& pairs) {
  std::vector<std::string> out;
  for (const auto& [name, value] : pairs) out.push_back(name);
  return out;
}
// The value of a CLI name (the zero value for an unknown one: CLI11 checks membership).
template <typename E>
E FromName(const std::vector<std::pair<std::string, E>>& names, const std::string& name) {
  for (const auto& [n, value] : names) {
    if (n == name) return value;
  }
  return E{};
}
// The CLI name of a value, "?" for one without.
template <typename E>
std::string NameOf(const std::vector<std::pair<std::string, E>>& names, E value) {
  for (const auto& [n, v] : names) {
    if (v == value) return n;
  }
  return "?";
}

// `collection/ID` for ID or collection/ID (ID: up to 18 digits); throws
// CommandError(kExitUsage) naming `what` otherwise, e.g. NumberedName("12", "tasks", "task").
std::string NumberedName(const std::string& text, const std::string& collection,
                         const std::string& what);
// The last segment of a resource name: the number in `tasks/12`.
std::string LastSegment(const std::string& name);
// `zhang` for users/zhang or zhang.
std::string BareUsername(const std::string& username);
// Unicode characters of UTF-8 text (the server counts characters, not bytes).
int CharCount(const std::string& utf8);

// --- Limit SPEC -------------------------------------------------------------------------

// OUTLET:POLLUTANT=VALUE[UNIT]/WINDOW[@O2][,annual=MASS[t]][,std=STANDARD]
// e.g. DA001:a21026=35mg/m3/hour@6,annual=120.5t,std=GB 13223-2011
// Throws CommandError(kExitUsage) explaining what is wrong.
ecocase::v1::PermitLimit ParseLimitSpec(const std::string& spec);
// The same notation back (round trip: what `permits get` shows can be pasted into --limit).
std::string FormatLimitSpec(const ecocase::v1::PermitLimit& limit);
// The SPEC grammar, for --help texts.
extern const char kLimitSpecHelp[];

// --- Labels -----------------------------------------------------------------------------

// "410811 山阳区" for a Jiaozuo code; the code alone for others. Display only: the server
// knows the divisions.
std::string DistrictLabel(const std::string& code);
std::string DistrictShort(const std::string& code);  // "山阳区", or the code
// "D4411 火力发电" for the industries of the demo registry (GB/T 4754-2017), else the code.
std::string IndustryLabel(const std::string& code);
// "a21026 二氧化硫" for common HJ 212 factor codes, else the code.
std::string FactorLabel(const std::string& code);
std::string FactorName(const std::string& code);  // "二氧化硫", or ""
std::string FormatNumber(double value);
std::string WindowName(ecocase::v1::AveragingWindow window);  // hour, day
std::string LocationText(const google::type::LatLng& location);

// --- Tables -----------------------------------------------------------------------------

// OUTLET, [outlet name], POLLUTANT, LIMIT, WINDOW, REF O2, ANNUAL, STANDARD. `outlet_names`
// (code → display name) may be empty.
void PrintLimits(std::ostream& out,
                 const google::protobuf::RepeatedPtrField<ecocase::v1::PermitLimit>& limits,
                 const std::vector<std::pair<std::string, std::string>>& outlet_names = {});

}  // namespace ecoctl::registry
