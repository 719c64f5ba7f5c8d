// users create | get | list | update | disable | enable | reset-password.
#include <openssl/crypto.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "output.h"
#include "terminal.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;

std::vector<std::string> RoleChoices() {
  std::vector<std::string> names;
  for (const auto& [name, role] : RoleNames()) names.push_back(name);
  return names;
}

v1::Role RoleFromName(const std::string& name) {
  for (const auto& [n, role] : RoleNames()) {
    if (n == name) return role;
  }
  return v1::ROLE_UNSPECIFIED;  // Unreachable: CLI11 checked the choice.
}

// Shape check of YYYY-MM-DD for CLI11; the server decides whether the date is valid.
std::string DateShape(const std::string& text) {
  google::type::Date ignored;
  return ParseDate(text, &ignored) ? "" : "must be a date YYYY-MM-DD";
}

google::type::Date ToDate(const std::string& text) {
  google::type::Date d;
  ParseDate(text, &d);
  return d;
}

// Flags shared by create and update.
struct UserFlags {
  std::string display_name;
  std::vector<std::string> districts;
  std::string uscc;
  std::string cert_number;
  std::string cert_from;
  std::string cert_until;
};

void AddUserFlags(CLI::App* cmd, UserFlags& f, bool create) {
  cmd->add_option("--display-name", f.display_name, "name shown to others, e.g. 张伟");
  cmd->add_option("--district", f.districts,
                  "GB/T 2260 code of the jurisdiction, repeatable or comma-separated "
                  "(410800 covers the city)")
      ->delimiter(',');
  cmd->add_option("--uscc", f.uscc, "unified social credit code (enterprise accounts)");
  cmd->add_option("--cert-number", f.cert_number, "enforcement certificate (执法证) number");
  cmd->add_option("--cert-from", f.cert_from, "certificate valid from YYYY-MM-DD")
      ->check(DateShape);
  cmd->add_option("--cert-until", f.cert_until, "certificate valid until YYYY-MM-DD")
      ->check(DateShape);
  if (create) cmd->get_option("--display-name")->required();
}

// The change's request id: --request-id, else a new UUIDv4 kept for all retries.
void AddRequestIdFlag(CLI::App* cmd, std::string& request_id) {
  cmd->add_option("--request-id", request_id,
                  "idempotency key (default: a new UUID); repeat one to retry a change safely");
}

std::string RequestIdOrNew(const std::string& given) {
  return given.empty() ? NewRequestId() : given;
}

// The new password: from stdin, or generated (and then shown once).
std::string NewPassword(bool from_stdin, bool* generated) {
  *generated = !from_stdin;
  return from_stdin ? ReadPasswordFromStdin() : GeneratePassword();
}

// A STATION account's devices: "MN1,MN2,…".
std::string DevicesText(const v1::User& user) {
  std::string out;
  for (const std::string& mn : user.device_mns()) {
    if (!out.empty()) out += ",";
    out += mn;
  }
  return out;
}

// UserFields with a STATION account's devices after its districts.
Fields UserFieldsWithDevices(const v1::User& user) {
  Fields f = UserFields(user);
  if (user.device_mns().empty()) return f;
  auto after = std::find_if(f.begin(), f.end(), [](const auto& row) {
    return row.first == "districts" || row.first == "enterprise";
  });
  std::string count = std::to_string(user.device_mns_size()) +
                      (user.device_mns_size() == 1 ? " device" : " devices");
  f.insert(after == f.end() ? f.end() : after + 1,
           Fields::value_type("devices", DevicesText(user) + " (" + count + ")"));
  return f;
}

// The SCOPE column: districts, or the enterprise; a station's devices after its districts.
std::string ScopeText(const v1::User& user) {
  std::string scope = UserScope(user);
  if (user.device_mns().empty()) return scope;
  constexpr int kShown = 2;  // A station may have 100 devices: the table shows a few.
  std::string devices;
  for (int i = 0; i < user.device_mns_size() && i < kShown; ++i) {
    if (!devices.empty()) devices += ",";
    devices += user.device_mns(i);
  }
  if (user.device_mns_size() > kShown) {
    devices += " +" + std::to_string(user.device_mns_size() - kShown) + " more";
  }
  return scope + "; MN " + devices;
}

void PrintUser(const Connection& c, const v1::User& user, const std::string& headline) {
  if (c.json) {
    std::cout << ToJson(user) << "\n";
    return;
  }
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, UserFieldsWithDevices(user));
}

// A generated password, once: the server keeps only its hash.
void PrintGeneratedPassword(const Connection& c, const v1::User& user,
                            const std::string& password) {
  if (c.json) {
    std::cout << "{\"user\":" << ToJson(user) << ",\"generatedPassword\":\"" << password
              << "\"}\n";
    return;
  }
  PrintFields(std::cout, UserFieldsWithDevices(user));
  std::cout << "\npassword  " << password << "\n"
            << "(shown this once: hand it over securely; `ecoctl users reset-password "
            << user.username() << "` makes a new one)\n";
}

std::string RetryWithPasswordHint(const std::string& password) {
  return "The password it was sent with was generated: give the same one on retry, e.g. "
         "printf '%s\\n' '" +
         password + "' | ecoctl … --password-stdin";
}

struct CreateOptions {
  std::string username;
  std::string role;
  UserFlags flags;
  std::vector<std::string> devices;
  bool password_stdin = false;
  std::string request_id;
};

int Create(const Connection& c, const CreateOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::CreateUserRequest request;
  v1::User* user = request.mutable_user();
  user->set_username(o.username);
  user->set_display_name(o.flags.display_name);
  user->set_role(RoleFromName(o.role));
  for (const std::string& d : o.flags.districts) user->add_district_codes(d);
  user->set_enterprise_uscc(o.flags.uscc);
  for (const std::string& mn : o.devices) user->add_device_mns(mn);
  if (!o.flags.cert_number.empty() || !o.flags.cert_from.empty() ||
      !o.flags.cert_until.empty()) {
    auto* cert = user->mutable_certificate();
    cert->set_number(o.flags.cert_number);
    if (!o.flags.cert_from.empty()) *cert->mutable_valid_from() = ToDate(o.flags.cert_from);
    if (!o.flags.cert_until.empty()) *cert->mutable_valid_until() = ToDate(o.flags.cert_until);
  }
  bool generated = false;
  std::string password = NewPassword(o.password_stdin, &generated);
  request.set_password(password);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::User created;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.auth().CreateUser(&ctx, request, &created);
  });
  OPENSSL_cleanse(request.mutable_password()->data(), request.password().size());
  CheckChange(s, request.request_id(), generated ? RetryWithPasswordHint(password) : "");
  if (generated) {
    if (!c.json) std::cout << "created " << created.name() << "\n";
    PrintGeneratedPassword(c, created, password);
  } else {
    PrintUser(c, created, "created " + created.name());
  }
  return kExitOk;
}

v1::User GetUser(AuthenticatedClient& client, const std::string& name) {
  v1::GetUserRequest request;
  request.set_name(UserResourceName(name));
  v1::User user;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.auth().GetUser(&ctx, request, &user);
  }));
  return user;
}

int Get(const Connection& c, const std::string& name) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  PrintUser(c, GetUser(client, name), "");
  return kExitOk;
}

struct ListOptions {
  std::string role;
  bool all = false;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListUsersRequest request;
  if (!o.role.empty()) request.set_role(RoleFromName(o.role));
  request.set_include_disabled(o.all);
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  // With --page-size one page; without, every page to the end.
  auto all = ListPages<v1::ListUsersResponse>(
      client, request, o.page_size > 0, [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return client.auth().ListUsers(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"USERNAME", "DISPLAY NAME", "ROLE", "SCOPE", "STATUS", "CERTIFICATE"});
  for (const v1::User& u : all.users()) {
    table.AddRow({u.username(), u.display_name(), RoleName(u.role()), ScopeText(u),
                  u.disabled() ? "disabled" : "active", CertificateText(u)});
  }
  table.Print(std::cout);
  if (!all.next_page_token().empty()) {
    std::cout << "more: ecoctl users list --page-size " << o.page_size << " --page-token "
              << all.next_page_token() << "\n";
  }
  return kExitOk;
}

struct UpdateOptions {
  std::string name;
  UserFlags flags;
  std::vector<std::string> devices;
  CLI::App* cmd = nullptr;  // To tell which flags were given.
  bool clear_cert = false;
  std::string etag;
  std::string request_id;
};

int Update(const Connection& c, const UpdateOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  bool cert_flags = given("--cert-number") || given("--cert-from") || given("--cert-until");
  if (!given("--display-name") && !given("--district") && !given("--uscc") && !cert_flags &&
      !o.clear_cert && !given("--device")) {
    throw CommandError(kExitUsage,
                       "nothing to change: give --display-name, --district, --uscc, --device, "
                       "--cert-* or --clear-cert");
  }
  // The etag of this read goes with the update: a change made in between is not
  // overwritten but answered with ABORTED.
  v1::User current = GetUser(client, o.name);
  v1::UpdateUserRequest request;
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::User* patch = request.mutable_user();
  patch->set_name(current.name());
  patch->set_etag(o.etag.empty() ? current.etag() : o.etag);
  auto* mask = request.mutable_update_mask();
  if (given("--display-name")) {
    patch->set_display_name(o.flags.display_name);
    mask->add_paths("display_name");
  }
  if (given("--district")) {
    for (const std::string& d : o.flags.districts) patch->add_district_codes(d);
    mask->add_paths("district_codes");
  }
  if (given("--uscc")) {
    patch->set_enterprise_uscc(o.flags.uscc);
    mask->add_paths("enterprise_uscc");
  }
  if (given("--device")) {
    for (const std::string& mn : o.devices) patch->add_device_mns(mn);
    mask->add_paths("device_mns");
  }
  if (cert_flags) {
    // Flags not given keep the certificate's current values.
    *patch->mutable_certificate() = current.certificate();
    auto* cert = patch->mutable_certificate();
    if (given("--cert-number")) cert->set_number(o.flags.cert_number);
    if (given("--cert-from")) *cert->mutable_valid_from() = ToDate(o.flags.cert_from);
    if (given("--cert-until")) *cert->mutable_valid_until() = ToDate(o.flags.cert_until);
    mask->add_paths("certificate");
  } else if (o.clear_cert) {
    mask->add_paths("certificate");  // Masked but unset: removed.
  }
  v1::User updated;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.auth().UpdateUser(&ctx, request, &updated);
  });
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + patch->etag() + ") look at the user again with `ecoctl users get " +
                          current.username() + "` and repeat the update if it is still right");
  }
  CheckChange(s, request.request_id());
  PrintUser(c, updated, "updated " + updated.name());
  return kExitOk;
}

struct StateOptions {
  std::string name;
  std::string request_id;
};

int SetDisabled(const Connection& c, const StateOptions& o, bool disable) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  std::string request_id = RequestIdOrNew(o.request_id);
  v1::User user;
  grpc::Status s;
  if (disable) {
    v1::DisableUserRequest request;
    request.set_name(UserResourceName(o.name));
    request.set_request_id(request_id);
    s = client.Call([&](grpc::ClientContext& ctx) {
      return client.auth().DisableUser(&ctx, request, &user);
    });
  } else {
    v1::EnableUserRequest request;
    request.set_name(UserResourceName(o.name));
    request.set_request_id(request_id);
    s = client.Call([&](grpc::ClientContext& ctx) {
      return client.auth().EnableUser(&ctx, request, &user);
    });
  }
  CheckChange(s, request_id);
  PrintUser(c, user,
            disable ? "disabled " + user.name() + "; their sessions have ended"
                    : "enabled " + user.name());
  return kExitOk;
}

struct ResetOptions {
  std::string name;
  bool password_stdin = false;
  std::string request_id;
};

int ResetPassword(const Connection& c, const ResetOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ResetPasswordRequest request;
  request.set_name(UserResourceName(o.name));
  bool generated = false;
  std::string password = NewPassword(o.password_stdin, &generated);
  request.set_new_password(password);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::User user;
  grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
    return client.auth().ResetPassword(&ctx, request, &user);
  });
  OPENSSL_cleanse(request.mutable_new_password()->data(), request.new_password().size());
  CheckChange(s, request.request_id(), generated ? RetryWithPasswordHint(password) : "");
  if (!c.json) std::cout << "new password set for " << user.name() << "; their sessions have ended\n";
  if (generated) {
    PrintGeneratedPassword(c, user, password);
  } else {
    PrintUser(c, user, "");
  }
  return kExitOk;
}

}  // namespace

void AddUserCommands(CLI::App& app, Context& ctx) {
  auto* users = app.add_subcommand("users", "user administration (admin; get and list also "
                                            "supervisor and enterprise, in their scope)");
  users->require_subcommand(1);

  auto create_options = std::make_shared<CreateOptions>();
  auto* create = users->add_subcommand(
      "create", "create a user; the password comes from stdin or is generated and shown once");
  create->add_option("--username", create_options->username,
                     "3-64 of a-z 0-9 . _ -, immutable")
      ->required();
  create->add_option("--role", create_options->role, "the user's role, immutable")
      ->required()
      ->check(CLI::IsMember(RoleChoices()));
  AddUserFlags(create, create_options->flags, /*create=*/true);
  create->add_option("--device", create_options->devices,
                     "MN of a monitoring device a station account sends readings for; "
                     "repeatable or comma-separated, 1-100, required for --role station only")
      ->delimiter(',');
  create->add_flag("--password-stdin", create_options->password_stdin,
                   "read the initial password from stdin (else one is generated)");
  AddRequestIdFlag(create, create_options->request_id);
  create->callback([&ctx, create_options] {
    ctx.run = [&ctx, create_options] { return Create(ctx.connection, *create_options); };
  });

  auto get_name = std::make_shared<std::string>();
  auto* get = users->add_subcommand("get", "one user");
  get->add_option("name", *get_name, "username or users/USERNAME")->required();
  get->callback([&ctx, get_name] {
    ctx.run = [&ctx, get_name] { return Get(ctx.connection, *get_name); };
  });

  auto list_options = std::make_shared<ListOptions>();
  auto* list = users->add_subcommand("list", "users in your scope, by username");
  list->add_option("--role", list_options->role, "only this role")
      ->check(CLI::IsMember(RoleChoices()));
  list->add_flag("--all", list_options->all, "include disabled users");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto update_options = std::make_shared<UpdateOptions>();
  auto* update = users->add_subcommand(
      "update", "change the fields given; ABORTED if the user changed since it was read");
  update_options->cmd = update;
  update->add_option("name", update_options->name, "username or users/USERNAME")->required();
  AddUserFlags(update, update_options->flags, /*create=*/false);
  update->add_option("--device", update_options->devices,
                     "a station account's devices: the complete new list of MNs, repeatable or "
                     "comma-separated")
      ->delimiter(',');
  update->add_flag("--clear-cert", update_options->clear_cert, "remove the certificate")
      ->excludes("--cert-number")
      ->excludes("--cert-from")
      ->excludes("--cert-until");
  update->add_option("--etag", update_options->etag,
                     "only if the user still has this etag (from an earlier `users get`); "
                     "default: the etag read just before the update");
  AddRequestIdFlag(update, update_options->request_id);
  update->callback([&ctx, update_options] {
    ctx.run = [&ctx, update_options] { return Update(ctx.connection, *update_options); };
  });

  for (bool disable : {true, false}) {
    auto options = std::make_shared<StateOptions>();
    auto* cmd = users->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "disable a user and end their sessions" : "enable a disabled user");
    cmd->add_option("name", options->name, "username or users/USERNAME")->required();
    AddRequestIdFlag(cmd, options->request_id);
    cmd->callback([&ctx, options, disable] {
      ctx.run = [&ctx, options, disable] {
        return SetDisabled(ctx.connection, *options, disable);
      };
    });
  }

  auto reset_options = std::make_shared<ResetOptions>();
  auto* reset = users->add_subcommand(
      "reset-password", "set a new password (stdin or generated) and end the user's sessions");
  reset->add_option("name", reset_options->name, "username or users/USERNAME")->required();
  reset->add_flag("--password-stdin", reset_options->password_stdin,
                  "read the new password from stdin (else one is generated)");
  AddRequestIdFlag(reset, reset_options->request_id);
  reset->callback([&ctx, reset_options] {
    ctx.run = [&ctx, reset_options] { return ResetPassword(ctx.connection, *reset_options); };
  });
}

}  // namespace ecoctl
