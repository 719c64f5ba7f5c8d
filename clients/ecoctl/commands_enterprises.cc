// The registry: enterprises create | get | list | update; outlets create | get | list |
// update; devices bind | unbind.
#include <openssl/crypto.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "config_store.h"
#include "output.h"
#include "registry.h"
#include "terminal.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using namespace registry;  // NOLINT: the shared registry helpers

std::string ClassLabel(v1::ManagementClass c) {
  switch (c) {
    case v1::MANAGEMENT_CLASS_KEY: return "key (重点管理)";
    case v1::MANAGEMENT_CLASS_SIMPLIFIED: return "simplified (简化管理)";
    case v1::MANAGEMENT_CLASS_REGISTRATION: return "registration (登记管理)";
    default: return ClassName(c);
  }
}

v1::ManagementClass ClassFromName(const std::string& name) {
  for (const auto& [n, value] : ClassNames()) {
    if (n == name) return value;
  }
  return v1::MANAGEMENT_CLASS_UNSPECIFIED;  // Unreachable: CLI11 checked the choice.
}

// "姓名,职务,电话": the title and phone may be left out.
v1::EnterpriseContact ParseContact(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') {
      parts.push_back(current);
      current.clear();
    } else if (text.compare(i, 3, "，") == 0) {  // A full-width comma typed with a Chinese IME.
      parts.push_back(current);
      current.clear();
      i += 2;
    } else {
      current.push_back(text[i]);
    }
  }
  parts.push_back(current);
  if (parts.size() > 3 || parts[0].empty()) {
    throw CommandError(kExitUsage, "--contact '" + text +
                                       "': expected \"姓名,职务,电话\", e.g. "
                                       "\"王建国,环保负责人,0391-3561234\" (title and phone "
                                       "may be left out)");
  }
  v1::EnterpriseContact c;
  c.set_name(parts[0]);
  if (parts.size() > 1) c.set_title(parts[1]);
  if (parts.size() > 2) c.set_phone(parts[2]);
  return c;
}

std::string ContactText(const v1::EnterpriseContact& c) {
  std::string out = c.name();
  if (!c.title().empty()) out += "，" + c.title();
  if (!c.phone().empty()) out += "，" + c.phone();
  return out;
}

std::string JoinCodes(const google::protobuf::RepeatedPtrField<std::string>& items,
                 const std::string& separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string KindName(v1::OutletKind kind) {
  switch (kind) {
    case v1::OUTLET_KIND_AIR: return "air";
    case v1::OUTLET_KIND_WATER: return "water";
    default: return "?";
  }
}

// "2017", "2005 lenient", "2025 SM4 required": a device's registered protocol, short.
std::string ProtocolShort(const v1::DeviceProtocol& p) {
  std::string out;
  switch (p.version()) {
    case v1::DeviceProtocol::VERSION_2005: out = "2005"; break;
    case v1::DeviceProtocol::VERSION_2017: out = "2017"; break;
    case v1::DeviceProtocol::VERSION_2025: out = "2025"; break;
    default: return "?";
  }
  if (p.lenient()) out += " lenient";
  if (p.encryption() == v1::DeviceProtocol::ENCRYPTION_OPTIONAL) out += " SM4 optional";
  if (p.encryption() == v1::DeviceProtocol::ENCRYPTION_REQUIRED) out += " SM4 required";
  return out;
}

// The same, spelled out for `label value` output.
std::string ProtocolText(const v1::DeviceProtocol& p) {
  std::string out;
  switch (p.version()) {
    case v1::DeviceProtocol::VERSION_2005: out = "HJ/T 212-2005"; break;
    case v1::DeviceProtocol::VERSION_2017: out = "HJ 212-2017"; break;
    case v1::DeviceProtocol::VERSION_2025: out = "HJ 212-2025"; break;
    default: return "?";
  }
  out += p.lenient() ? ", lenient (legacy formats and the MODBUS CRC accepted)" : ", strict";
  if (p.encryption() == v1::DeviceProtocol::ENCRYPTION_OPTIONAL) {
    out += ", SM4 encryption optional";
  } else if (p.encryption() == v1::DeviceProtocol::ENCRYPTION_REQUIRED) {
    out += ", SM4 encryption required";
  }
  return out;
}

std::string DevicesText(const v1::Outlet& o) {
  std::string out;
  for (const v1::Device& d : o.devices()) {
    if (!out.empty()) out += ",";
    out += d.mn() + " (" + ProtocolShort(d.protocol()) + ")";
  }
  return out;
}

Fields EnterpriseFields(const v1::Enterprise& e) {
  Fields f = {{"name", e.name()},
              {"display name", e.display_name()},
              {"uscc", e.uscc()},
              {"address", e.address()},
              {"district", DistrictLabel(e.district_code())},
              {"industry", IndustryLabel(e.industry_code())},
              {"class", ClassLabel(e.management_class())},
              {"key discharger", e.key_discharger() ? "yes (重点排污单位)" : "no"}};
  if (e.has_location()) f.emplace_back("location", LocationText(e.location()));
  for (const v1::EnterpriseContact& c : e.contacts()) f.emplace_back("contact", ContactText(c));
  f.emplace_back("created", FormatTime(e.create_time()));
  f.emplace_back("updated", FormatTime(e.update_time()));
  f.emplace_back("etag", e.etag());
  return f;
}

Fields OutletFields(const v1::Outlet& o) {
  Fields f = {{"name", o.name()},
              {"code", o.code()},
              {"kind", o.kind() == v1::OUTLET_KIND_AIR     ? "air (废气排放口)"
                       : o.kind() == v1::OUTLET_KIND_WATER ? "water (废水排放口)"
                                                           : "?"},
              {"display name", o.display_name()}};
  if (o.has_location()) f.emplace_back("location", LocationText(o.location()));
  for (const std::string& code : o.pollutant_codes()) {
    f.emplace_back("pollutant", FactorLabel(code));
  }
  for (const v1::Device& d : o.devices()) {
    f.emplace_back("device", d.mn() + " (" + ProtocolShort(d.protocol()) + ", bound " +
                                 FormatTime(d.bind_time()) + ")");
  }
  if (o.devices().empty()) f.emplace_back("device", "none bound");
  f.emplace_back("created", FormatTime(o.create_time()));
  f.emplace_back("updated", FormatTime(o.update_time()));
  f.emplace_back("etag", o.etag());
  return f;
}

void PrintOutletTable(const google::protobuf::RepeatedPtrField<v1::Outlet>& outlets) {
  Table table({"CODE", "KIND", "NAME", "POLLUTANTS", "DEVICES"});
  for (const v1::Outlet& o : outlets) {
    table.AddRow({o.code(), KindName(o.kind()), o.display_name(),
                  JoinCodes(o.pollutant_codes(), ","), DevicesText(o)});
  }
  table.Print(std::cout);
}

template <typename Message>
void Print(const Connection& c, const Message& m, const Fields& fields,
           const std::string& headline) {
  if (c.json) {
    std::cout << ToJson(m) << "\n";
    return;
  }
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, fields);
}

// ABORTED: someone changed the object between our read and the update.
void CheckUpdate(const grpc::Status& s, const std::string& etag, const std::string& request_id,
                 const std::string& get_command) {
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag + ") look at it again with `" + get_command +
                          "` and repeat the update if it is still right");
  }
  CheckChange(s, request_id);
}

// --- Enterprises --------------------------------------------------------------------------

struct EnterpriseFlags {
  std::string uscc;
  std::string name;
  std::string address;
  std::string district;
  std::string industry;
  std::string management_class;
  bool key_discharger = false;
  double lat = 0;
  double lng = 0;
  std::vector<std::string> contacts;
};

void AddEnterpriseFlags(CLI::App* cmd, EnterpriseFlags& f, bool create) {
  auto* name = cmd->add_option("--name", f.name, "registered name, e.g. 焦作市某某热电有限公司");
  auto* address = cmd->add_option("--address", f.address, "address of the site");
  auto* district = cmd->add_option("--district", f.district,
                                   "GB/T 2260 district of the site, e.g. 410811 (山阳区)");
  auto* industry = cmd->add_option("--industry", f.industry,
                                   "GB/T 4754 industry code, e.g. D4411 (火力发电)");
  auto* cls = cmd->add_option("--class", f.management_class,
                              "permit management class: key (重点管理), simplified (简化管理) "
                              "or registration (登记管理)")
                  ->check(CLI::IsMember(Keys(ClassNames())));
  cmd->add_flag("--key-discharger", f.key_discharger,
                create ? "on the key discharger list (重点排污单位)"
                       : "on the key discharger list (重点排污单位); --key-discharger=false "
                         "takes it off");
  auto* lat = cmd->add_option("--lat", f.lat, "latitude of the site (WGS-84)");
  auto* lng = cmd->add_option("--lng", f.lng, "longitude of the site (WGS-84)");
  lat->needs(lng);
  lng->needs(lat);
  cmd->add_option("--contact", f.contacts,
                  create ? "contact person \"姓名,职务,电话\", repeatable"
                         : "contact person \"姓名,职务,电话\", repeatable: replaces all contacts")
      ->allow_extra_args(false);
  if (create) {
    cmd->add_option("--uscc", f.uscc, "unified social credit code (GB 32100), immutable")
        ->required();
    for (CLI::Option* o : {name, address, district, industry, cls}) o->required();
  }
}

v1::Enterprise GetEnterprise(AuthenticatedClient& client, const std::string& uscc) {
  v1::GetEnterpriseRequest request;
  request.set_name(EnterpriseName(uscc));
  v1::Enterprise e;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().GetEnterprise(&ctx, request, &e);
  }));
  return e;
}

google::protobuf::RepeatedPtrField<v1::Outlet> ListAllOutlets(AuthenticatedClient& client,
                                                             const std::string& uscc) {
  v1::ListOutletsRequest request;
  request.set_parent(EnterpriseName(uscc));
  request.set_page_size(500);
  return ListPages<v1::ListOutletsResponse>(
             client, request, /*one_page=*/false,
             [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
               return client.enterprise().ListOutlets(&ctx, r, page);
             })
      .outlets();
}

struct CreateEnterpriseOptions {
  EnterpriseFlags flags;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int CreateEnterprise(const Connection& c, const CreateEnterpriseOptions& o) {
  std::vector<v1::EnterpriseContact> contacts;
  for (const std::string& text : o.flags.contacts) contacts.push_back(ParseContact(text));
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::CreateEnterpriseRequest request;
  v1::Enterprise* e = request.mutable_enterprise();
  e->set_uscc(NormalizeCode(o.flags.uscc));
  e->set_display_name(o.flags.name);
  e->set_address(o.flags.address);
  e->set_district_code(o.flags.district);
  e->set_industry_code(o.flags.industry);
  e->set_management_class(ClassFromName(o.flags.management_class));
  e->set_key_discharger(o.flags.key_discharger);
  if (o.cmd->count("--lat") > 0) {
    e->mutable_location()->set_latitude(o.flags.lat);
    e->mutable_location()->set_longitude(o.flags.lng);
  }
  for (const v1::EnterpriseContact& contact : contacts) *e->add_contacts() = contact;
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Enterprise created;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().CreateEnterprise(&ctx, request, &created);
  });
  CheckChange(s, request.request_id());
  Print(c, created, EnterpriseFields(created), "created " + created.name());
  return kExitOk;
}

int GetEnterpriseCommand(const Connection& c, const std::string& uscc) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Enterprise e = GetEnterprise(client, uscc);
  if (c.json) {
    std::cout << ToJson(e) << "\n";
    return kExitOk;
  }
  PrintFields(std::cout, EnterpriseFields(e));
  auto outlets = ListAllOutlets(client, e.uscc());
  std::cout << "\noutlets (" << outlets.size() << ")\n";
  if (!outlets.empty()) PrintOutletTable(outlets);
  return kExitOk;
}

struct ListEnterprisesOptions {
  std::string district;
  std::string management_class;
  std::string name_contains;
  int page_size = 0;
  std::string page_token;
};

int ListEnterprises(const Connection& c, const ListEnterprisesOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListEnterprisesRequest request;
  request.set_district_code(o.district);
  if (!o.management_class.empty()) {
    request.set_management_class(ClassFromName(o.management_class));
  }
  request.set_name_contains(o.name_contains);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListEnterprisesResponse>(
      client, request, o.page_size > 0, [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return client.enterprise().ListEnterprises(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"USCC", "NAME", "DISTRICT", "INDUSTRY", "CLASS", "KEY DISCHARGER"});
  for (const v1::Enterprise& e : all.enterprises()) {
    table.AddRow({e.uscc(), e.display_name(), DistrictShort(e.district_code()),
                  IndustryLabel(e.industry_code()), ClassName(e.management_class()),
                  e.key_discharger() ? "yes" : ""});
  }
  table.Print(std::cout);
  std::cout << all.enterprises_size() << " enterprise" << (all.enterprises_size() == 1 ? "" : "s")
            << "\n";
  if (!all.next_page_token().empty()) {
    std::cout << "more: ecoctl enterprises list --page-size " << o.page_size << " --page-token "
              << all.next_page_token() << "\n";
  }
  return kExitOk;
}

struct UpdateEnterpriseOptions {
  std::string uscc;
  EnterpriseFlags flags;
  bool clear_location = false;
  bool clear_contacts = false;
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int UpdateEnterprise(const Connection& c, const UpdateEnterpriseOptions& o) {
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  std::vector<v1::EnterpriseContact> contacts;
  for (const std::string& text : o.flags.contacts) contacts.push_back(ParseContact(text));
  v1::UpdateEnterpriseRequest request;
  v1::Enterprise* patch = request.mutable_enterprise();
  auto* mask = request.mutable_update_mask();
  if (given("--name")) {
    patch->set_display_name(o.flags.name);
    mask->add_paths("display_name");
  }
  if (given("--address")) {
    patch->set_address(o.flags.address);
    mask->add_paths("address");
  }
  if (given("--district")) {
    patch->set_district_code(o.flags.district);
    mask->add_paths("district_code");
  }
  if (given("--industry")) {
    patch->set_industry_code(o.flags.industry);
    mask->add_paths("industry_code");
  }
  if (given("--class")) {
    patch->set_management_class(ClassFromName(o.flags.management_class));
    mask->add_paths("management_class");
  }
  if (given("--key-discharger")) {
    patch->set_key_discharger(o.flags.key_discharger);
    mask->add_paths("key_discharger");
  }
  if (given("--lat")) {
    patch->mutable_location()->set_latitude(o.flags.lat);
    patch->mutable_location()->set_longitude(o.flags.lng);
    mask->add_paths("location");
  } else if (o.clear_location) {
    mask->add_paths("location");  // Masked but unset: removed.
  }
  if (given("--contact")) {
    for (const v1::EnterpriseContact& contact : contacts) *patch->add_contacts() = contact;
    mask->add_paths("contacts");
  } else if (o.clear_contacts) {
    mask->add_paths("contacts");
  }
  if (mask->paths().empty()) {
    throw CommandError(kExitUsage,
                       "nothing to change: give --name, --address, --district, --industry, "
                       "--class, --key-discharger, --lat/--lng, --contact, --clear-location or "
                       "--clear-contacts");
  }
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  // The etag of this read goes with the update: a change made in between is answered
  // with ABORTED instead of being overwritten.
  v1::Enterprise current = GetEnterprise(client, o.uscc);
  patch->set_name(current.name());
  patch->set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Enterprise updated;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().UpdateEnterprise(&ctx, request, &updated);
  });
  CheckUpdate(s, patch->etag(), request.request_id(), "ecoctl enterprises get " + current.uscc());
  Print(c, updated, EnterpriseFields(updated), "updated " + updated.name());
  return kExitOk;
}

// --- Outlets ------------------------------------------------------------------------------

struct OutletFlags {
  std::string name;
  std::vector<std::string> pollutants;
  double lat = 0;
  double lng = 0;
};

void AddOutletFlags(CLI::App* cmd, OutletFlags& f, bool create) {
  auto* name = cmd->add_option("--name", f.name, "what it is, e.g. 1号锅炉烟囱");
  auto* pollutants =
      cmd->add_option("--pollutants", f.pollutants,
                      "HJ 212 factor codes monitored here, comma-separated, e.g. "
                      "a34013,a21026,a21002 (烟尘, SO2, NOx) or w01018,w21003 (COD, NH3-N)" +
                          std::string(create ? "" : "; replaces the list"))
          ->delimiter(',')
          ->allow_extra_args(false);
  auto* lat = cmd->add_option("--lat", f.lat, "latitude (WGS-84)");
  auto* lng = cmd->add_option("--lng", f.lng, "longitude (WGS-84)");
  lat->needs(lng);
  lng->needs(lat);
  if (create) {
    name->required();
    pollutants->required();
  }
}

v1::Outlet GetOutlet(AuthenticatedClient& client, const std::string& uscc,
                     const std::string& code) {
  v1::GetOutletRequest request;
  request.set_name(OutletName(uscc, code));
  v1::Outlet o;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().GetOutlet(&ctx, request, &o);
  }));
  return o;
}

struct CreateOutletOptions {
  std::string uscc;
  std::string code;
  OutletFlags flags;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int CreateOutlet(const Connection& c, const CreateOutletOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::CreateOutletRequest request;
  request.set_parent(EnterpriseName(o.uscc));
  v1::Outlet* outlet = request.mutable_outlet();
  outlet->set_code(NormalizeCode(o.code));
  outlet->set_display_name(o.flags.name);
  for (const std::string& p : o.flags.pollutants) outlet->add_pollutant_codes(p);
  if (o.cmd->count("--lat") > 0) {
    outlet->mutable_location()->set_latitude(o.flags.lat);
    outlet->mutable_location()->set_longitude(o.flags.lng);
  }
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Outlet created;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().CreateOutlet(&ctx, request, &created);
  });
  CheckChange(s, request.request_id());
  Print(c, created, OutletFields(created), "created " + created.name());
  return kExitOk;
}

int ListOutlets(const Connection& c, const std::string& uscc) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto outlets = ListAllOutlets(client, uscc);
  if (c.json) {
    v1::ListOutletsResponse all;
    *all.mutable_outlets() = outlets;
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  PrintOutletTable(outlets);
  return kExitOk;
}

int GetOutletCommand(const Connection& c, const std::string& uscc, const std::string& code) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Outlet o = GetOutlet(client, uscc, code);
  Print(c, o, OutletFields(o), "");
  return kExitOk;
}

struct UpdateOutletOptions {
  std::string uscc;
  std::string code;
  OutletFlags flags;
  bool clear_location = false;
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int UpdateOutlet(const Connection& c, const UpdateOutletOptions& o) {
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  v1::UpdateOutletRequest request;
  v1::Outlet* patch = request.mutable_outlet();
  auto* mask = request.mutable_update_mask();
  if (given("--name")) {
    patch->set_display_name(o.flags.name);
    mask->add_paths("display_name");
  }
  if (given("--pollutants")) {
    for (const std::string& p : o.flags.pollutants) patch->add_pollutant_codes(p);
    mask->add_paths("pollutant_codes");
  }
  if (given("--lat")) {
    patch->mutable_location()->set_latitude(o.flags.lat);
    patch->mutable_location()->set_longitude(o.flags.lng);
    mask->add_paths("location");
  } else if (o.clear_location) {
    mask->add_paths("location");
  }
  if (mask->paths().empty()) {
    throw CommandError(kExitUsage,
                       "nothing to change: give --name, --pollutants, --lat/--lng or "
                       "--clear-location");
  }
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::Outlet current = GetOutlet(client, o.uscc, o.code);
  patch->set_name(current.name());
  patch->set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Outlet updated;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().UpdateOutlet(&ctx, request, &updated);
  });
  CheckUpdate(s, patch->etag(), request.request_id(),
              "ecoctl outlets get " + UsccOf(current.name()) + " " + current.code());
  Print(c, updated, OutletFields(updated), "updated " + updated.name());
  return kExitOk;
}

// --- Devices ------------------------------------------------------------------------------

Fields DeviceFields(const v1::Device& d) {
  Fields f = {{"name", d.name()},
              {"mn", d.mn()},
              {"outlet", d.outlet().empty() ? "(not bound)" : d.outlet()}};
  if (d.has_bind_time()) f.emplace_back("bound", FormatTime(d.bind_time()));
  if (d.has_protocol()) f.emplace_back("protocol", ProtocolText(d.protocol()));
  return f;
}

const std::vector<std::pair<std::string, v1::DeviceProtocol::Version>>& VersionNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::DeviceProtocol::Version>>{
      {"2005", v1::DeviceProtocol::VERSION_2005},
      {"2017", v1::DeviceProtocol::VERSION_2017},
      {"2025", v1::DeviceProtocol::VERSION_2025},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::DeviceProtocol::Encryption>>& EncryptionNames() {
  static const auto* names =
      new std::vector<std::pair<std::string, v1::DeviceProtocol::Encryption>>{
          {"none", v1::DeviceProtocol::ENCRYPTION_NONE},
          {"optional", v1::DeviceProtocol::ENCRYPTION_OPTIONAL},
          {"required", v1::DeviceProtocol::ENCRYPTION_REQUIRED},
      };
  return *names;
}

template <typename E>
E ValueOf(const std::vector<std::pair<std::string, E>>& names, const std::string& name) {
  for (const auto& [n, value] : names) {
    if (n == name) return value;
  }
  return E{};  // Unreachable: CLI11 checked the choice.
}

struct BindOptions {
  std::string uscc;
  std::string code;
  std::string mn;
  bool password_stdin = false;
  std::string version;  // empty: the server's default (2017)
  bool lenient = false;
  std::string encryption;  // empty: none
  std::string sm4_key_file;
  bool sm4_key_stdin = false;
  std::string request_id;
};

// The SM4 key from its file (first line, blanks around it ignored): a file, not a flag
// value, so the key stays out of shell history and `ps`.
std::string ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  if (!in || !std::getline(in, key)) {
    throw CommandError(kExitUsage, "--sm4-key-file " + path + ": cannot read a key from it");
  }
  size_t begin = key.find_first_not_of(" \t\r\n");
  size_t end = key.find_last_not_of(" \t\r\n");
  key = begin == std::string::npos ? "" : key.substr(begin, end - begin + 1);
  if (key.empty()) {
    throw CommandError(kExitUsage, "--sm4-key-file " + path + ": the first line is empty");
  }
  return key;
}

int Bind(const Connection& c, const BindOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::BindDeviceRequest request;
  request.set_outlet(OutletName(o.uscc, o.code));
  request.set_mn(o.mn);
  bool generated = !o.password_stdin;
  // HJ 212 PWs are 6 characters (C6) and strict devices are held to that; lenient legacy
  // devices may use a longer one, so theirs is generated at full length.
  std::string password = o.password_stdin ? ReadPasswordFromStdin() : GeneratePassword();
  if (generated && !o.lenient) password.resize(6);
  request.set_device_password(password);
  if (!o.version.empty() || o.lenient || !o.encryption.empty() || !o.sm4_key_file.empty() ||
      o.sm4_key_stdin) {
    v1::DeviceProtocol* protocol = request.mutable_protocol();
    if (!o.version.empty()) protocol->set_version(ValueOf(VersionNames(), o.version));
    protocol->set_lenient(o.lenient);
    if (!o.encryption.empty()) protocol->set_encryption(ValueOf(EncryptionNames(), o.encryption));
    // After the PW when both come from stdin: line 1 the PW, line 2 the key.
    if (o.sm4_key_stdin) {
      std::string key;
      if (!std::getline(std::cin, key) || key.empty()) {
        throw CommandError(kExitUsage, o.password_stdin
                                           ? "--sm4-key-stdin: no key on the second line of stdin"
                                           : "--sm4-key-stdin: nothing on stdin");
      }
      while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
      protocol->set_sm4_key(key);
      OPENSSL_cleanse(key.data(), key.size());
    } else if (!o.sm4_key_file.empty()) {
      protocol->set_sm4_key(ReadKeyFile(o.sm4_key_file));
    }
  }
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Device device;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().BindDevice(&ctx, request, &device);
  });
  OPENSSL_cleanse(request.mutable_device_password()->data(), request.device_password().size());
  if (request.has_protocol()) {
    std::string* key = request.mutable_protocol()->mutable_sm4_key();
    OPENSSL_cleanse(key->data(), key->size());
  }
  CheckChange(s, request.request_id(),
              generated ? "The device password it was sent with was generated: give the same "
                          "one on retry, e.g. printf '%s\\n' '" +
                              password + "' | ecoctl … --password-stdin"
                        : "");
  if (c.json) {
    std::cout << "{\"device\":" << ToJson(device);
    if (generated) std::cout << ",\"generatedPassword\":\"" << password << "\"";
    std::cout << "}\n";
    return kExitOk;
  }
  std::cout << "bound " << device.name() << " to " << device.outlet() << "\n";
  PrintFields(std::cout, DeviceFields(device));
  if (generated) {
    std::cout << "\ndevice password (HJ 212 PW)  " << password << "\n"
              << "(shown this once: set it in the data acquisition device; the server keeps "
                 "only its hash)\n";
  }
  return kExitOk;
}

struct UnbindOptions {
  std::string mn;
  std::string request_id;
};

int Unbind(const Connection& c, const UnbindOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::UnbindDeviceRequest request;
  request.set_name(o.mn.rfind("devices/", 0) == 0 ? o.mn : "devices/" + o.mn);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Device device;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.enterprise().UnbindDevice(&ctx, request, &device);
  });
  CheckChange(s, request.request_id());
  Print(c, device, DeviceFields(device), "unbound " + device.name() + "; its readings stay");
  return kExitOk;
}

}  // namespace

void AddEnterpriseCommands(CLI::App& app, Context& ctx) {
  // enterprises …
  auto* enterprises = app.add_subcommand(
      "enterprises",
      "the registry of discharging units (排污单位): admin, officer and integration register "
      "and update; staff read in their scope, an enterprise its own");
  enterprises->require_subcommand(1);

  auto create_options = std::make_shared<CreateEnterpriseOptions>();
  auto* create = enterprises->add_subcommand("create", "register an enterprise");
  create_options->cmd = create;
  AddEnterpriseFlags(create, create_options->flags, /*create=*/true);
  AddRequestIdFlag(create, create_options->request_id);
  create->callback([&ctx, create_options] {
    ctx.run = [&ctx, create_options] { return CreateEnterprise(ctx.connection, *create_options); };
  });

  auto get_uscc = std::make_shared<std::string>();
  auto* get = enterprises->add_subcommand("get", "one enterprise and its outlets");
  get->add_option("uscc", *get_uscc, "credit code or enterprises/USCC")->required();
  get->callback([&ctx, get_uscc] {
    ctx.run = [&ctx, get_uscc] { return GetEnterpriseCommand(ctx.connection, *get_uscc); };
  });

  auto list_options = std::make_shared<ListEnterprisesOptions>();
  auto* list = enterprises->add_subcommand("list", "enterprises in your scope, by credit code");
  list->add_option("--district", list_options->district,
                   "only this GB/T 2260 district, e.g. 410883 (孟州市)");
  list->add_option("--class", list_options->management_class, "only this management class")
      ->check(CLI::IsMember(Keys(ClassNames())));
  list->add_option("--name-contains", list_options->name_contains,
                   "only names containing this, e.g. 热电");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return ListEnterprises(ctx.connection, *list_options); };
  });

  auto update_options = std::make_shared<UpdateEnterpriseOptions>();
  auto* update = enterprises->add_subcommand(
      "update", "change the fields given; ABORTED if the enterprise changed since it was read");
  update_options->cmd = update;
  update->add_option("uscc", update_options->uscc, "credit code or enterprises/USCC")->required();
  AddEnterpriseFlags(update, update_options->flags, /*create=*/false);
  update->add_flag("--clear-location", update_options->clear_location, "remove the location")
      ->excludes("--lat");
  update->add_flag("--clear-contacts", update_options->clear_contacts, "remove all contacts")
      ->excludes("--contact");
  update->add_option("--etag", update_options->etag,
                     "only if the enterprise still has this etag (from an earlier get); "
                     "default: the etag read just before the update");
  AddRequestIdFlag(update, update_options->request_id);
  update->callback([&ctx, update_options] {
    ctx.run = [&ctx, update_options] { return UpdateEnterprise(ctx.connection, *update_options); };
  });

  // outlets …
  auto* outlets = app.add_subcommand(
      "outlets", "discharge outlets (排放口, HJ 608-2017: DA### air, DW### water)");
  outlets->require_subcommand(1);

  auto outlet_create = std::make_shared<CreateOutletOptions>();
  auto* ocreate = outlets->add_subcommand("create", "add an outlet to an enterprise");
  outlet_create->cmd = ocreate;
  ocreate->add_option("uscc", outlet_create->uscc, "the enterprise's credit code")->required();
  ocreate->add_option("--code", outlet_create->code, "DA001… (air) or DW001… (water), immutable")
      ->required();
  AddOutletFlags(ocreate, outlet_create->flags, /*create=*/true);
  AddRequestIdFlag(ocreate, outlet_create->request_id);
  ocreate->callback([&ctx, outlet_create] {
    ctx.run = [&ctx, outlet_create] { return CreateOutlet(ctx.connection, *outlet_create); };
  });

  auto outlet_list = std::make_shared<std::string>();
  auto* olist = outlets->add_subcommand("list", "an enterprise's outlets and their devices");
  olist->add_option("uscc", *outlet_list, "the enterprise's credit code")->required();
  olist->callback([&ctx, outlet_list] {
    ctx.run = [&ctx, outlet_list] { return ListOutlets(ctx.connection, *outlet_list); };
  });

  auto outlet_get = std::make_shared<std::pair<std::string, std::string>>();
  auto* oget = outlets->add_subcommand("get", "one outlet");
  oget->add_option("uscc", outlet_get->first, "the enterprise's credit code")->required();
  oget->add_option("code", outlet_get->second, "the outlet code, e.g. DA001")->required();
  oget->callback([&ctx, outlet_get] {
    ctx.run = [&ctx, outlet_get] {
      return GetOutletCommand(ctx.connection, outlet_get->first, outlet_get->second);
    };
  });

  auto outlet_update = std::make_shared<UpdateOutletOptions>();
  auto* oupdate = outlets->add_subcommand(
      "update", "change the fields given; ABORTED if the outlet changed since it was read");
  outlet_update->cmd = oupdate;
  oupdate->add_option("uscc", outlet_update->uscc, "the enterprise's credit code")->required();
  oupdate->add_option("code", outlet_update->code, "the outlet code, e.g. DA001")->required();
  AddOutletFlags(oupdate, outlet_update->flags, /*create=*/false);
  oupdate->add_flag("--clear-location", outlet_update->clear_location, "remove the location")
      ->excludes("--lat");
  oupdate->add_option("--etag", outlet_update->etag,
                      "only if the outlet still has this etag (default: the one just read)");
  AddRequestIdFlag(oupdate, outlet_update->request_id);
  oupdate->callback([&ctx, outlet_update] {
    ctx.run = [&ctx, outlet_update] { return UpdateOutlet(ctx.connection, *outlet_update); };
  });

  // devices …
  auto* devices = app.add_subcommand(
      "devices", "HJ 212 data acquisition devices (数采仪), known by their MN");
  devices->require_subcommand(1);

  auto bind_options = std::make_shared<BindOptions>();
  auto* bind = devices->add_subcommand(
      "bind", "bind an MN to an outlet; the device password (PW) comes from stdin or is "
              "generated and shown once");
  bind->add_option("uscc", bind_options->uscc, "the enterprise's credit code")->required();
  bind->add_option("code", bind_options->code, "the outlet code, e.g. DA001")->required();
  bind->add_option("--mn", bind_options->mn, "the device's MN: 1-24 letters and digits")
      ->required();
  bind->add_flag("--password-stdin", bind_options->password_stdin,
                 "read the device password from stdin (else one is generated: 6 characters, "
                 "as HJ 212 strict devices need, or 16 for --lenient)");
  bind->add_option("--protocol", bind_options->version,
                   "the HJ 212 version the device speaks: 2005, 2017 (default) or 2025")
      ->check(CLI::IsMember(Keys(VersionNames())));
  bind->add_flag("--lenient", bind_options->lenient,
                 "legacy device: accept missing QN/Flag/PW, LF-only frames, lengths in "
                 "characters and the CRC-16/MODBUS variants (default strict)");
  bind->add_option("--encryption", bind_options->encryption,
                   "SM4 encryption of the CP area, 2025 only: none (default), optional "
                   "(private networks), required (Internet)")
      ->check(CLI::IsMember(Keys(EncryptionNames())));
  auto* key_file =
      bind->add_option("--sm4-key-file", bind_options->sm4_key_file,
                       "file whose first line is the SM4 key (32 hex digits, or the 16 "
                       "characters of CN 1014); required with --encryption optional|required");
  bind->add_flag("--sm4-key-stdin", bind_options->sm4_key_stdin,
                 "read the SM4 key from stdin instead (after the PW, on the second line, "
                 "with --password-stdin)")
      ->excludes(key_file);
  AddRequestIdFlag(bind, bind_options->request_id);
  bind->callback([&ctx, bind_options] {
    ctx.run = [&ctx, bind_options] { return Bind(ctx.connection, *bind_options); };
  });

  auto unbind_options = std::make_shared<UnbindOptions>();
  auto* unbind = devices->add_subcommand(
      "unbind", "release an MN from its outlet (device replaced or removed); readings stay");
  unbind->add_option("mn", unbind_options->mn, "the MN or devices/MN")->required();
  AddRequestIdFlag(unbind, unbind_options->request_id);
  unbind->callback([&ctx, unbind_options] {
    ctx.run = [&ctx, unbind_options] { return Unbind(ctx.connection, *unbind_options); };
  });
}

std::map<std::string, std::string> EnterpriseDisplayNames(AuthenticatedClient& client,
                                                          const std::set<std::string>& usccs,
                                                          const std::string& district) {
  std::map<std::string, std::string> names;
  if (usccs.empty()) return names;
  try {
    if (usccs.size() <= 3) {
      for (const std::string& uscc : usccs) {
        v1::GetEnterpriseRequest request;
        request.set_name(EnterpriseName(uscc));
        v1::Enterprise e;
        if (client.Call([&](grpc::ClientContext& ctx) {
              return client.enterprise().GetEnterprise(&ctx, request, &e);
            }).ok()) {
          names[e.uscc()] = e.display_name();
        }
      }
      return names;
    }
    v1::ListEnterprisesRequest request;
    request.set_page_size(500);
    request.set_district_code(district);
    auto all = ListPages<v1::ListEnterprisesResponse>(
        client, request, /*one_page=*/false,
        [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
          return client.enterprise().ListEnterprises(&ctx, r, page);
        });
    for (const v1::Enterprise& e : all.enterprises()) names[e.uscc()] = e.display_name();
  } catch (const RpcError&) {
    // Names are a courtesy: callers print credit codes alone without them.
  }
  return names;
}

std::string EnterpriseDisplayName(AuthenticatedClient& client, const std::string& enterprise) {
  if (enterprise.empty()) return "";
  std::string uscc = UsccOf(enterprise);
  return EnterpriseDisplayNames(client, {uscc})[uscc];
}

std::string EnterpriseLabel(const std::string& uscc, const std::string& display_name) {
  return display_name.empty() ? uscc : display_name + " (" + uscc + ")";
}

}  // namespace ecoctl
