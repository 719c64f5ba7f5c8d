// Discharge permits: permits create | get | list | update | issue | change | renew | revoke |
// cancel | import | versions | limit | status | expiring | public.
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using namespace registry;  // NOLINT: the shared registry helpers

using OutletNames = std::vector<std::pair<std::string, std::string>>;
using Limits = google::protobuf::RepeatedPtrField<v1::PermitLimit>;

std::string SourceName(v1::Permit::Source s) {
  switch (s) {
    case v1::Permit::BUREAU: return "bureau (焦作市生态环境局 via ecocase)";
    case v1::Permit::NATIONAL_PLATFORM: return "national platform (全国排污许可证管理信息平台)";
    default: return "?";
  }
}

std::string ReasonName(v1::PermitVersion::Reason r) {
  switch (r) {
    case v1::PermitVersion::ISSUE: return "issue";
    case v1::PermitVersion::CHANGE: return "change";
    case v1::PermitVersion::RENEWAL: return "renewal";
    case v1::PermitVersion::IMPORT: return "import";
    default: return "?";
  }
}

v1::Permit::State StateFromName(const std::string& name) {
  for (const auto& [n, value] : StateNames()) {
    if (n == name) return value;
  }
  return v1::Permit::STATE_UNSPECIFIED;
}

// Days from today (Asia/Shanghai) to `d`; negative once past.
int64_t DaysFromToday(const google::type::Date& d) { return DaysSinceEpoch(d) - TodayInBeijing(); }

std::string Validity(const v1::Permit& p) {
  return FormatDate(p.valid_from()) + " .. " + FormatDate(p.valid_until());
}

std::vector<v1::PermitLimit> ParseLimits(const std::vector<std::string>& specs) {
  std::vector<v1::PermitLimit> out;
  for (const std::string& spec : specs) out.push_back(ParseLimitSpec(spec));
  return out;
}

// `given` replace the limits of `base` for the same outlet and pollutant, or are added.
Limits Merge(const Limits& base, const std::vector<v1::PermitLimit>& given) {
  Limits out;
  std::set<std::pair<std::string, std::string>> replaced;
  for (const v1::PermitLimit& l : given) replaced.insert({l.outlet_code(), l.pollutant_code()});
  for (const v1::PermitLimit& l : base) {
    if (replaced.count({l.outlet_code(), l.pollutant_code()}) == 0) *out.Add() = l;
  }
  for (const v1::PermitLimit& l : given) *out.Add() = l;
  return out;
}

v1::Permit GetPermit(AuthenticatedClient& client, const std::string& number) {
  v1::GetPermitRequest request;
  request.set_name(PermitName(number));
  v1::Permit p;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().GetPermit(&ctx, request, &p);
  }));
  return p;
}

// Outlet code → display name of an enterprise; empty when they cannot be read.
OutletNames OutletNamesOf(AuthenticatedClient& client, const std::string& uscc) {
  OutletNames names;
  v1::ListOutletsRequest request;
  request.set_parent(EnterpriseName(uscc));
  request.set_page_size(500);
  try {
    auto all = ListPages<v1::ListOutletsResponse>(
        client, request, /*one_page=*/false,
        [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
          return client.enterprise().ListOutlets(&ctx, r, page);
        });
    for (const v1::Outlet& o : all.outlets()) names.emplace_back(o.code(), o.display_name());
  } catch (const RpcError&) {
    // Names are a courtesy: limits are printed with codes alone.
  }
  return names;
}

Fields PermitFields(const v1::Permit& p, const std::string& holder_name) {
  Fields f = {{"permit", p.permit_number()}, {"name", p.name()}};
  f.emplace_back("holder", holder_name.empty() ? p.enterprise()
                                               : holder_name + " (" + p.enterprise() + ")");
  f.emplace_back("state", StateName(p.state()));
  f.emplace_back("source", SourceName(p.source()));
  f.emplace_back("valid", Validity(p));
  if (p.state() == v1::Permit::IN_FORCE) {
    f.emplace_back("days to expiry", std::to_string(DaysFromToday(p.valid_until())));
  }
  f.emplace_back("issuing authority", p.issuing_authority());
  if (p.has_issue_time()) f.emplace_back("issued", FormatTime(p.issue_time()));
  f.emplace_back("version", p.current_version() == 0 ? "0 (draft)"
                                                     : std::to_string(p.current_version()));
  if (p.has_end_time()) f.emplace_back("ended", FormatTime(p.end_time()));
  if (!p.end_reason().empty()) f.emplace_back("end reason", p.end_reason());
  f.emplace_back("created", FormatTime(p.create_time()));
  f.emplace_back("updated", FormatTime(p.update_time()));
  f.emplace_back("etag", p.etag());
  return f;
}

void PrintLimitsBlock(const Limits& limits, const OutletNames& outlets) {
  std::cout << "\nlimits (" << limits.size() << ")\n";
  if (limits.empty()) {
    std::cout << "(none yet: add them with `ecoctl permits update NUMBER --limit SPEC …`)\n";
    return;
  }
  PrintLimits(std::cout, limits, outlets);
}

// The permit as fields and its limits, or JSON.
void PrintPermit(const Connection& c, AuthenticatedClient& client, const v1::Permit& p,
                 const std::string& headline) {
  if (c.json) {
    std::cout << ToJson(p) << "\n";
    return;
  }
  std::string uscc = UsccOf(p.enterprise());
  auto names = EnterpriseDisplayNames(client, {uscc});
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, PermitFields(p, names[uscc]));
  PrintLimitsBlock(p.limits(), OutletNamesOf(client, uscc));
}

void PrintPermitTable(AuthenticatedClient& client, const v1::ListPermitsResponse& response,
                      const std::string& district, bool days_left) {
  std::set<std::string> usccs;
  for (const v1::Permit& p : response.permits()) usccs.insert(UsccOf(p.enterprise()));
  auto names = EnterpriseDisplayNames(client, usccs, district);
  std::vector<std::string> headers = {"PERMIT", "HOLDER", "STATE", "VALID FROM", "VALID UNTIL"};
  if (days_left) headers.push_back("DAYS LEFT");
  headers.push_back("VER");
  headers.push_back("LIMITS");
  Table table(headers);
  for (const v1::Permit& p : response.permits()) {
    std::vector<std::string> row = {p.permit_number(), names[UsccOf(p.enterprise())],
                                    StateName(p.state()), FormatDate(p.valid_from()),
                                    FormatDate(p.valid_until())};
    if (days_left) row.push_back(std::to_string(DaysFromToday(p.valid_until())));
    row.push_back(std::to_string(p.current_version()));
    row.push_back(std::to_string(p.limits_size()));
    table.AddRow(row);
  }
  table.Print(std::cout);
  std::cout << response.permits_size() << " permit" << (response.permits_size() == 1 ? "" : "s")
            << "\n";
}

// A transition refused because the permit changed since it was read.
void CheckTransition(const grpc::Status& s, const std::string& etag, const std::string& request_id,
                     const std::string& number) {
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag + ") the permit changed since it was read: look at "
                      "it again with `ecoctl permits get " + number +
                      "` and repeat the command if it is still right");
  }
  CheckChange(s, request_id);
}

// --- create, import -----------------------------------------------------------------------

struct CreateOptions {
  std::string uscc;
  std::string number;
  std::string valid_from;
  std::string valid_until;
  std::vector<std::string> limits;
  std::string issued;  // import only
  std::string request_id;
};

v1::Permit PermitFromFlags(const CreateOptions& o) {
  v1::Permit p;
  p.set_permit_number(NormalizeCode(o.number));
  *p.mutable_valid_from() = ToDate(o.valid_from);
  *p.mutable_valid_until() = ToDate(o.valid_until);
  for (const v1::PermitLimit& l : ParseLimits(o.limits)) *p.add_limits() = l;
  return p;
}

int Create(const Connection& c, const CreateOptions& o) {
  v1::CreatePermitRequest request;
  request.set_parent(EnterpriseName(o.uscc));
  *request.mutable_permit() = PermitFromFlags(o);
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit created;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().CreatePermit(&ctx, request, &created);
  });
  CheckChange(s, request.request_id());
  PrintPermit(c, client, created, "created draft " + created.name());
  if (!c.json) {
    std::cout << "\nnext: a supervisor puts it in force with `ecoctl permits issue "
              << created.permit_number() << "`\n";
  }
  return kExitOk;
}

int Import(const Connection& c, const CreateOptions& o) {
  v1::ImportPermitRequest request;
  *request.mutable_permit() = PermitFromFlags(o);
  if (!o.uscc.empty() &&
      request.permit().permit_number().compare(0, 18, NormalizeCode(o.uscc)) != 0) {
    throw CommandError(kExitUsage, "--number " + o.number +
                                       " does not begin with the credit code " + o.uscc +
                                       " (HJ 608-2017: USCC + site + P)");
  }
  if (!o.issued.empty()) *request.mutable_issue_time() = ParseShanghaiTime(o.issued, "--issued");
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit imported;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().ImportPermit(&ctx, request, &imported);
  });
  CheckChange(s, request.request_id());
  PrintPermit(c, client, imported,
              "imported " + imported.name() + " (version " +
                  std::to_string(imported.current_version()) + ", " +
                  StateName(imported.state()) + ")");
  return kExitOk;
}

// --- get, list ----------------------------------------------------------------------------

int Get(const Connection& c, const std::string& number) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  PrintPermit(c, client, GetPermit(client, number), "");
  return kExitOk;
}

struct ListOptions {
  std::string enterprise;
  std::string state;
  std::string district;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListPermitsRequest request;
  if (!o.enterprise.empty()) request.set_parent(EnterpriseName(o.enterprise));
  if (!o.state.empty()) request.set_state(StateFromName(o.state));
  request.set_district_code(o.district);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListPermitsResponse>(
      client, request, o.page_size > 0, [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return client.permit().ListPermits(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  PrintPermitTable(client, all, o.district, /*days_left=*/false);
  if (!all.next_page_token().empty()) {
    std::cout << "more: ecoctl permits list --page-size " << o.page_size << " --page-token "
              << all.next_page_token() << "\n";
  }
  return kExitOk;
}

// --- update (drafts) ----------------------------------------------------------------------

struct UpdateOptions {
  std::string number;
  std::string valid_from;
  std::string valid_until;
  std::vector<std::string> limits;
  bool merge = false;
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int Update(const Connection& c, const UpdateOptions& o) {
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  std::vector<v1::PermitLimit> limits = ParseLimits(o.limits);
  if (!given("--valid-from") && !given("--valid-until") && !given("--limit")) {
    throw CommandError(kExitUsage,
                       "nothing to change: give --valid-from, --valid-until or --limit");
  }
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  v1::UpdatePermitRequest request;
  v1::Permit* patch = request.mutable_permit();
  patch->set_name(current.name());
  patch->set_etag(o.etag.empty() ? current.etag() : o.etag);
  auto* mask = request.mutable_update_mask();
  if (given("--valid-from")) {
    *patch->mutable_valid_from() = ToDate(o.valid_from);
    mask->add_paths("valid_from");
  }
  if (given("--valid-until")) {
    *patch->mutable_valid_until() = ToDate(o.valid_until);
    mask->add_paths("valid_until");
  }
  if (given("--limit")) {
    if (o.merge) {
      *patch->mutable_limits() = Merge(current.limits(), limits);
    } else {
      for (const v1::PermitLimit& l : limits) *patch->add_limits() = l;
    }
    mask->add_paths("limits");
  }
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit updated;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().UpdatePermit(&ctx, request, &updated);
  });
  CheckTransition(s, patch->etag(), request.request_id(), current.permit_number());
  PrintPermit(c, client, updated, "updated draft " + updated.name());
  return kExitOk;
}

// --- transitions --------------------------------------------------------------------------

struct TransitionOptions {
  std::string number;
  std::vector<std::string> limits;  // change
  bool merge = false;               // change
  std::string note;                 // change, renew
  std::string effective;            // change
  std::string valid_until;          // renew
  std::string reason;               // revoke, cancel
  std::string case_name;            // revoke
  std::string etag;
  std::string request_id;
};

int Issue(const Connection& c, const TransitionOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  v1::IssuePermitRequest request;
  request.set_name(current.name());
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit issued;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().IssuePermit(&ctx, request, &issued);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.permit_number());
  PrintPermit(c, client, issued,
              "issued " + issued.permit_number() + ": in force as version 1, valid " +
                  Validity(issued));
  return kExitOk;
}

int Change(const Connection& c, const TransitionOptions& o) {
  std::vector<v1::PermitLimit> limits = ParseLimits(o.limits);
  v1::ChangePermitRequest request;
  if (!o.effective.empty()) {
    *request.mutable_effective_time() = ParseShanghaiTime(o.effective, "--effective");
  }
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  request.set_name(current.name());
  if (o.merge) {
    *request.mutable_limits() = Merge(current.limits(), limits);
  } else {
    for (const v1::PermitLimit& l : limits) *request.add_limits() = l;
  }
  request.set_note(o.note);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit changed;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().ChangePermit(&ctx, request, &changed);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.permit_number());
  std::string from = o.effective.empty() ? "now" : FormatTime(request.effective_time());
  PrintPermit(c, client, changed,
              "changed " + changed.permit_number() + ": version " +
                  std::to_string(changed.current_version()) + " applies from " + from);
  return kExitOk;
}

int Renew(const Connection& c, const TransitionOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  v1::RenewPermitRequest request;
  request.set_name(current.name());
  *request.mutable_valid_until() = ToDate(o.valid_until);
  request.set_note(o.note);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit renewed;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().RenewPermit(&ctx, request, &renewed);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.permit_number());
  PrintPermit(c, client, renewed,
              "renewed " + renewed.permit_number() + ": valid until " +
                  FormatDate(renewed.valid_until()) + " (version " +
                  std::to_string(renewed.current_version()) + ")");
  return kExitOk;
}

int Revoke(const Connection& c, const TransitionOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  v1::RevokePermitRequest request;
  request.set_name(current.name());
  request.set_reason(o.reason);
  request.set_case_(o.case_name);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit revoked;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().RevokePermit(&ctx, request, &revoked);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.permit_number());
  PrintPermit(c, client, revoked, "revoked " + revoked.permit_number());
  return kExitOk;
}

int Cancel(const Connection& c, const TransitionOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Permit current = GetPermit(client, o.number);
  v1::CancelPermitRequest request;
  request.set_name(current.name());
  request.set_reason(o.reason);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Permit cancelled;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().CancelPermit(&ctx, request, &cancelled);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.permit_number());
  PrintPermit(c, client, cancelled, "cancelled " + cancelled.permit_number());
  return kExitOk;
}

// --- versions, limit in force -------------------------------------------------------------

int Versions(const Connection& c, const std::string& number) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListPermitVersionsRequest request;
  request.set_name(PermitName(number));
  v1::ListPermitVersionsResponse response;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().ListPermitVersions(&ctx, request, &response);
  }));
  if (c.json) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  if (response.versions().empty()) {
    std::cout << "no versions: the permit is a draft that was never issued\n";
    return kExitOk;
  }
  Table table({"VERSION", "REASON", "EFFECTIVE", "VALID UNTIL", "LIMITS", "NOTE"});
  for (const v1::PermitVersion& v : response.versions()) {
    table.AddRow({std::to_string(v.version()), ReasonName(v.reason()),
                  FormatTime(v.effective_time()), FormatDate(v.valid_until()),
                  std::to_string(v.limits_size()), v.note()});
  }
  table.Print(std::cout);
  // Each version's limits in the --limit notation; a * marks what differs from the
  // version before.
  for (int i = 0; i < response.versions_size(); ++i) {
    const v1::PermitVersion& v = response.versions(i);
    std::set<std::string> before;
    if (i + 1 < response.versions_size()) {
      for (const v1::PermitLimit& l : response.versions(i + 1).limits()) {
        before.insert(FormatLimitSpec(l));
      }
    }
    std::cout << "\nversion " << v.version() << " limits"
              << (i + 1 < response.versions_size() ? " (* changed or new since version " +
                                                         std::to_string(
                                                             response.versions(i + 1).version()) +
                                                         ")"
                                                   : "")
              << ":\n";
    for (const v1::PermitLimit& l : v.limits()) {
      std::string spec = FormatLimitSpec(l);
      bool changed = i + 1 < response.versions_size() && before.count(spec) == 0;
      std::cout << (changed ? "* " : "  ") << spec << "\n";
    }
  }
  return kExitOk;
}

struct LimitOptions {
  std::string uscc;
  std::string outlet;
  std::string pollutant;
  std::string at;
};

int LimitInForce(const Connection& c, const LimitOptions& o) {
  v1::GetLimitInForceRequest request;
  request.set_outlet(OutletName(o.uscc, o.outlet));
  request.set_pollutant_code(o.pollutant);
  if (!o.at.empty()) *request.mutable_time() = ParseShanghaiTime(o.at, "--at");
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::LimitInForce response;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().GetLimitInForce(&ctx, request, &response);
  });
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    throw RpcError(s, "no permit in force limited " + o.pollutant + " at " + request.outlet() +
                          (o.at.empty() ? " now" : " at " + o.at));
  }
  Check(s);
  if (c.json) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  const v1::PermitLimit& l = response.limit();
  Fields f = {{"permit", response.permit().substr(response.permit().rfind('/') + 1)},
              {"version", std::to_string(response.version())},
              {"at", o.at.empty() ? "now" : FormatTime(request.time())},
              {"outlet", l.outlet_code()},
              {"pollutant", FactorLabel(l.pollutant_code())},
              {"limit", FormatNumber(l.concentration_limit()) + " " + l.concentration_unit()},
              {"window", WindowName(l.averaging_window())}};
  if (l.has_reference_o2_percent()) {
    f.emplace_back("reference O2", FormatNumber(l.reference_o2_percent()) + " %");
  }
  if (l.has_annual_mass_limit_t()) {
    f.emplace_back("annual mass", FormatNumber(l.annual_mass_limit_t()) + " t");
  }
  if (!l.standard().empty()) f.emplace_back("standard", l.standard());
  f.emplace_back("spec", FormatLimitSpec(l));
  PrintFields(std::cout, f);
  return kExitOk;
}

// --- status, expiring, public -------------------------------------------------------------

int Status(const Connection& c, const std::string& given_uscc) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  std::string uscc = given_uscc;
  if (uscc.empty()) {
    v1::User me;
    Check(client.Call([&](grpc::ClientContext& ctx) {
      return client.auth().WhoAmI(&ctx, v1::WhoAmIRequest(), &me);
    }));
    if (me.enterprise_uscc().empty()) {
      throw CommandError(kExitUsage, "you are signed in as " + me.username() + " (" +
                                         RoleName(me.role()) +
                                         "), not as an enterprise: give the credit code, "
                                         "`ecoctl permits status USCC`");
    }
    uscc = me.enterprise_uscc();
  }
  v1::GetPermitStatusRequest request;
  request.set_enterprise(EnterpriseName(uscc));
  v1::PermitStatus status;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.permit().GetPermitStatus(&ctx, request, &status);
  }));
  if (c.json) {
    std::cout << ToJson(status) << "\n";
    return kExitOk;
  }
  std::cout << status.enterprise_display_name() << " (" << status.enterprise() << ")\n"
            << "permit in force: " << (status.has_permit_in_force() ? "yes" : "NO") << "\n";
  if (status.permits().empty()) {
    std::cout << "\nno permit issued yet\n";
    return kExitOk;
  }
  std::cout << "\n";
  Table table({"PERMIT", "STATE", "VALID FROM", "VALID UNTIL", "DAYS TO EXPIRY", "VERSION"});
  for (const auto& site : status.permits()) {
    const v1::Permit& p = site.permit();
    table.AddRow({p.permit_number(), StateName(p.state()), FormatDate(p.valid_from()),
                  FormatDate(p.valid_until()),
                  // Only a permit in force expires; an ended one shows none.
                  p.state() == v1::Permit::IN_FORCE ? std::to_string(site.days_to_expiry()) : "",
                  std::to_string(p.current_version())});
  }
  table.Print(std::cout);
  OutletNames outlets = OutletNamesOf(client, uscc);
  for (const auto& site : status.permits()) {
    const v1::Permit& p = site.permit();
    std::cout << "\npermit " << p.permit_number() << " (" << StateName(p.state()) << ", valid "
              << Validity(p) << ", version " << p.current_version() << ")\n";
    if (p.state() == v1::Permit::IN_FORCE && site.days_to_expiry() <= 60) {
      std::cout << "expires in " << site.days_to_expiry()
                << " days: renewal (延续) is to be applied for at least 60 days before expiry "
                   "(排污许可管理条例 art. 14)\n";
    }
    if (!p.end_reason().empty()) std::cout << "ended: " << p.end_reason() << "\n";
    PrintLimits(std::cout, p.limits(), outlets);
  }
  return kExitOk;
}

int Expiring(const Connection& c, int within_days) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListExpiringPermitsRequest request;
  request.set_within_days(within_days);
  request.set_page_size(500);
  auto all = ListPages<v1::ListPermitsResponse>(
      client, request, /*one_page=*/false,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return client.permit().ListExpiringPermits(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  std::cout << "permits in force expiring within " << within_days << " days, soonest first\n";
  PrintPermitTable(client, all, "", /*days_left=*/true);
  return kExitOk;
}

int Public(const Connection& c, const std::string& number) {
  v1::GetPublicPermitRequest request;
  request.set_permit_number(NormalizeCode(number));
  auto stub = v1::PermitService::NewStub(MakeChannel(c));
  v1::PublicPermit p;
  Check(CallWithRetry(c, [&](grpc::ClientContext& ctx) {
    return stub->GetPublicPermit(&ctx, request, &p);
  }));
  if (c.json) {
    std::cout << ToJson(p) << "\n";
    return kExitOk;
  }
  PrintFields(std::cout, {{"permit", p.permit_number()},
                          {"holder", p.holder_name()},
                          {"uscc", p.holder_uscc()},
                          {"state", StateName(p.state())},
                          {"valid", FormatDate(p.valid_from()) + " .. " +
                                        FormatDate(p.valid_until())},
                          {"issuing authority", p.issuing_authority()}});
  OutletNames outlets;
  for (const auto& o : p.outlets()) outlets.emplace_back(o.code(), o.display_name());
  PrintLimitsBlock(p.limits(), outlets);
  return kExitOk;
}

// Adds the flags of a new permit record (create, import).
void AddRecordFlags(CLI::App* cmd, CreateOptions& o) {
  cmd->add_option("--number", o.number,
                  "permit number (HJ 608-2017): USCC + 3-digit site + P, e.g. "
                  "91410800MA44TE5T0P001P")
      ->required();
  cmd->add_option("--valid-from", o.valid_from, "first day of validity, YYYY-MM-DD")
      ->required()
      ->check(DateShape);
  cmd->add_option("--valid-until", o.valid_until,
                  "last day of validity, YYYY-MM-DD (five years by law)")
      ->required()
      ->check(DateShape);
  cmd->add_option("--limit", o.limits, "a limit SPEC (below), repeatable")
      ->allow_extra_args(false);
  AddRequestIdFlag(cmd, o.request_id);
}

void AddEtagFlag(CLI::App* cmd, std::string& etag) {
  cmd->add_option("--etag", etag,
                  "only if the permit still has this etag (from an earlier get); default: the "
                  "etag read just before");
}

// A subcommand taking only the permit number (and the transition's flags).
CLI::App* AddNumberCommand(CLI::App* permits, const char* name, const char* description,
                           TransitionOptions& o) {
  auto* cmd = permits->add_subcommand(name, description);
  cmd->add_option("number", o.number, "permit number, e.g. 91410800MA44TE5T0P001P")->required();
  AddEtagFlag(cmd, o.etag);
  AddRequestIdFlag(cmd, o.request_id);
  return cmd;
}

}  // namespace

void AddPermitCommands(CLI::App& app, Context& ctx) {
  auto* permits = app.add_subcommand(
      "permits",
      "discharge permits (排污许可证). Officers and supervisors prepare drafts; only supervisors "
      "issue, change, renew, revoke and cancel; integration imports from the national "
      "platform; enterprises read their own (permits status); permits public needs no "
      "sign-in.");
  permits->require_subcommand(1);

  auto create_options = std::make_shared<CreateOptions>();
  auto* create = permits->add_subcommand("create", "prepare a draft permit for an enterprise site");
  create->add_option("uscc", create_options->uscc, "the holder's credit code")->required();
  AddRecordFlags(create, *create_options);
  create->callback([&ctx, create_options] {
    ctx.run = [&ctx, create_options] { return Create(ctx.connection, *create_options); };
  });

  auto get_number = std::make_shared<std::string>();
  auto* get = permits->add_subcommand("get", "one permit and its current limits");
  get->add_option("number", *get_number, "permit number (or its resource name)")->required();
  get->callback([&ctx, get_number] {
    ctx.run = [&ctx, get_number] { return Get(ctx.connection, *get_number); };
  });

  auto list_options = std::make_shared<ListOptions>();
  auto* list = permits->add_subcommand("list", "permits in your scope, by number");
  list->add_option("--enterprise", list_options->enterprise, "only this holder (credit code)");
  list->add_option("--state", list_options->state, "only this state")
      ->check(CLI::IsMember(Keys(StateNames())));
  list->add_option("--district", list_options->district, "only holders in this district");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto update_options = std::make_shared<UpdateOptions>();
  auto* update = permits->add_subcommand(
      "update", "edit a draft: validity and limits (an issued permit changes by `permits change`)");
  update_options->cmd = update;
  update->add_option("number", update_options->number, "permit number")->required();
  update->add_option("--valid-from", update_options->valid_from, "first day, YYYY-MM-DD")
      ->check(DateShape);
  update->add_option("--valid-until", update_options->valid_until, "last day, YYYY-MM-DD")
      ->check(DateShape);
  update->add_option("--limit", update_options->limits,
                     "a limit SPEC, repeatable: together they replace the draft's limits")
      ->allow_extra_args(false);
  update->add_flag("--merge", update_options->merge,
                   "keep the draft's other limits: each --limit replaces the one for its outlet "
                   "and pollutant, or is added");
  AddEtagFlag(update, update_options->etag);
  AddRequestIdFlag(update, update_options->request_id);
  update->callback([&ctx, update_options] {
    ctx.run = [&ctx, update_options] { return Update(ctx.connection, *update_options); };
  });

  auto issue_options = std::make_shared<TransitionOptions>();
  AddNumberCommand(permits, "issue", "put a draft in force as version 1 (核发; supervisor)",
                   *issue_options)
      ->callback([&ctx, issue_options] {
        ctx.run = [&ctx, issue_options] { return Issue(ctx.connection, *issue_options); };
      });

  auto change_options = std::make_shared<TransitionOptions>();
  auto* change = AddNumberCommand(
      permits, "change",
      "new limits as a new version (变更; supervisor): the --limit SPECs are the complete new "
      "set, unless --merge",
      *change_options);
  change->add_option("--limit", change_options->limits, "a limit SPEC (below), repeatable")
      ->required()
      ->allow_extra_args(false);
  change->add_flag("--merge", change_options->merge,
                   "keep the current version's other limits: each --limit replaces the one for "
                   "its outlet and pollutant, or is added");
  change->add_option("--note", change_options->note,
                     "why, e.g. the change decision's number (required)")
      ->required();
  change->add_option("--effective", change_options->effective,
                     "from when the new limits apply, YYYY-MM-DDTHH:MM Asia/Shanghai "
                     "(default: now; not before the current version's)")
      ->check(TimeShape);
  change->callback([&ctx, change_options] {
    ctx.run = [&ctx, change_options] { return Change(ctx.connection, *change_options); };
  });

  auto renew_options = std::make_shared<TransitionOptions>();
  auto* renew = AddNumberCommand(permits, "renew",
                                 "extend validity as a new version (延续; supervisor)",
                                 *renew_options);
  renew->add_option("--valid-until", renew_options->valid_until,
                    "the new last day, YYYY-MM-DD, after the current one")
      ->required()
      ->check(DateShape);
  renew->add_option("--note", renew_options->note, "why / the renewal decision");
  renew->callback([&ctx, renew_options] {
    ctx.run = [&ctx, renew_options] { return Renew(ctx.connection, *renew_options); };
  });

  auto revoke_options = std::make_shared<TransitionOptions>();
  auto* revoke = AddNumberCommand(
      permits, "revoke", "withdraw (撤销) or revoke (吊销) a permit in force (supervisor)",
      *revoke_options);
  revoke->add_option("--reason", revoke_options->reason,
                     "the grounds, e.g. 以欺骗手段取得 or the penalty decision (required)")
      ->required();
  revoke->add_option("--case", revoke_options->case_name,
                     "the case whose decision revokes it, cases/ID");
  revoke->callback([&ctx, revoke_options] {
    ctx.run = [&ctx, revoke_options] { return Revoke(ctx.connection, *revoke_options); };
  });

  auto cancel_options = std::make_shared<TransitionOptions>();
  auto* cancel = AddNumberCommand(
      permits, "cancel", "cancel (注销) a permit or a draft that will not be issued (supervisor)",
      *cancel_options);
  cancel->add_option("--reason", cancel_options->reason,
                     "the grounds, e.g. 单位依法终止 (required)")
      ->required();
  cancel->callback([&ctx, cancel_options] {
    ctx.run = [&ctx, cancel_options] { return Cancel(ctx.connection, *cancel_options); };
  });

  auto import_options = std::make_shared<CreateOptions>();
  auto* import = permits->add_subcommand(
      "import",
      "import a national-platform permit record (integration): the same record changes "
      "nothing, a changed one makes a new version");
  import->add_option("uscc", import_options->uscc,
                     "the holder's credit code (optional: the number begins with it)");
  AddRecordFlags(import, *import_options);
  import->add_option("--issued", import_options->issued,
                     "when the platform issued the record, YYYY-MM-DDTHH:MM Asia/Shanghai "
                     "(default: now)")
      ->check(TimeShape);
  import->callback([&ctx, import_options] {
    ctx.run = [&ctx, import_options] { return Import(ctx.connection, *import_options); };
  });

  auto versions_number = std::make_shared<std::string>();
  auto* versions = permits->add_subcommand(
      "versions", "the permit's immutable versions, newest first, with their limits");
  versions->add_option("number", *versions_number, "permit number")->required();
  versions->callback([&ctx, versions_number] {
    ctx.run = [&ctx, versions_number] { return Versions(ctx.connection, *versions_number); };
  });

  auto limit_options = std::make_shared<LimitOptions>();
  auto* limit = permits->add_subcommand(
      "limit", "the limit in force for an outlet and pollutant, now or at a moment");
  limit->add_option("uscc", limit_options->uscc, "the enterprise's credit code")->required();
  limit->add_option("outlet", limit_options->outlet, "outlet code, e.g. DA001")->required();
  limit->add_option("pollutant", limit_options->pollutant, "HJ 212 factor code, e.g. a21026")
      ->required();
  limit->add_option("--at", limit_options->at,
                    "the moment, YYYY-MM-DDTHH:MM Asia/Shanghai (default: now)")
      ->check(TimeShape);
  limit->callback([&ctx, limit_options] {
    ctx.run = [&ctx, limit_options] { return LimitInForce(ctx.connection, *limit_options); };
  });

  auto status_uscc = std::make_shared<std::string>();
  auto* status = permits->add_subcommand(
      "status",
      "is an enterprise's permit in order: state, validity, days to expiry and limits of each "
      "permit (enterprise users: their own; staff: give the credit code)");
  status->add_option("uscc", *status_uscc,
                     "the enterprise's credit code (default: the signed-in enterprise's)");
  status->callback([&ctx, status_uscc] {
    ctx.run = [&ctx, status_uscc] { return Status(ctx.connection, *status_uscc); };
  });

  auto within_days = std::make_shared<int>(60);
  auto* expiring = permits->add_subcommand(
      "expiring", "permits in force that expire soon, soonest first (admin, supervisor, officer)");
  expiring->add_option("--within-days", *within_days,
                       "within this many days (default 60: renewal is due 60 days before)")
      ->check(CLI::Range(1, 3660));
  expiring->callback([&ctx, within_days] {
    ctx.run = [&ctx, within_days] { return Expiring(ctx.connection, *within_days); };
  });

  // The SPEC grammar under `permits --help` and the commands that take --limit.
  for (CLI::App* cmd : {permits, create, update, change, import}) cmd->footer(kLimitSpecHelp);

  auto public_number = std::make_shared<std::string>();
  auto* pub = permits->add_subcommand(
      "public", "what the law makes public about an issued permit (信息公开); no sign-in needed");
  pub->add_option("number", *public_number, "permit number")->required();
  pub->callback([&ctx, public_number] {
    ctx.run = [&ctx, public_number] { return Public(ctx.connection, *public_number); };
  });
}

}  // namespace ecoctl
