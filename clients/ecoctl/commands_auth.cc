// login, logout, whoami: the session kept in the config dir.
#include <openssl/crypto.h>

#include <iostream>
#include <memory>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "output.h"
#include "terminal.h"

namespace ecoctl {
namespace {

google::protobuf::Timestamp Now() {
  google::protobuf::Timestamp t;
  t.set_seconds(NowSeconds());
  return t;
}

struct LoginOptions {
  std::string user;
  bool password_stdin = false;
};

int Login(const Connection& c, const LoginOptions& o) {
  // The config dir is resolved before the prompt: no password typed in vain.
  ConfigStore store = ConfigStore::FromEnvironment();
  ecocase::v1::LoginRequest request;
  request.set_username(o.user);
  request.set_password(o.password_stdin
                           ? ReadPasswordFromStdin()
                           : ReadPasswordFromTerminal("password for " + o.user + " at " +
                                                      c.server + ": "));
  auto stub = ecocase::v1::AuthService::NewStub(MakeChannel(c));
  ecocase::v1::LoginResponse response;
  grpc::Status s = CallWithRetry(c, [&](grpc::ClientContext& ctx) {
    return stub->Login(&ctx, request, &response);
  });
  OPENSSL_cleanse(request.mutable_password()->data(), request.password().size());
  Check(s);

  store::Session session = SessionFromLogin(response);
  *session.mutable_sign_in_time() = Now();
  {
    ConfigStore::Lock lock = store.Acquire();
    store::Credentials credentials = store.ReadCredentials();
    (*credentials.mutable_sessions())[c.server] = session;
    store.WriteCredentials(credentials, lock);
  }
  if (c.json) {
    // The tokens stay in the credentials file: never on the screen or in a log.
    response.clear_access_token();
    response.clear_refresh_token();
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  const ecocase::v1::User& user = response.user();
  std::cout << "signed in to " << c.server << " as " << user.username() << " ("
            << user.display_name() << ", " << RoleName(user.role()) << ")\n"
            << "session expires " << FormatTime(response.access_token_expire_time())
            << "; ecoctl renews it until " << FormatTime(response.refresh_token_expire_time())
            << "\n";
  return kExitOk;
}

int Logout(const Connection& c) {
  ConfigStore store = ConfigStore::FromEnvironment();
  store::Credentials credentials = store.ReadCredentials();
  if (credentials.sessions().count(c.server) == 0) {
    std::cout << "not signed in to " << c.server << "\n";
    return kExitOk;
  }
  std::string username = credentials.sessions().at(c.server).username();
  grpc::Status s;
  bool already_ended = false;
  try {
    AuthenticatedClient client(c, store);
    ecocase::v1::LogoutResponse response;
    s = client.Call([&](grpc::ClientContext& ctx) {
      return client.auth().Logout(&ctx, ecocase::v1::LogoutRequest(), &response);
    });
  } catch (const CommandError& e) {
    if (e.exit_code() != kExitNotSignedIn) throw;
    already_ended = true;  // The server no longer knows the session: nothing to revoke.
  }
  // The stored tokens go in every case, so they cannot be used from this machine again.
  {
    ConfigStore::Lock lock = store.Acquire();
    credentials = store.ReadCredentials();
    credentials.mutable_sessions()->erase(c.server);
    store.WriteCredentials(credentials, lock);
  }
  if (!already_ended && !s.ok()) {
    throw RpcError(s, "removed the session from " + store.credentials_path() +
                          ", but the server was not told: it stays valid until it expires");
  }
  std::cout << "signed out of " << c.server << " (" << username << ")"
            << (already_ended ? "; the session had already ended" : "") << "\n";
  return kExitOk;
}

int WhoAmI(const Connection& c) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  ecocase::v1::User user;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.auth().WhoAmI(&ctx, ecocase::v1::WhoAmIRequest(), &user);
  }));
  if (c.json) {
    std::cout << ToJson(user) << "\n";
    return kExitOk;
  }
  Fields fields = UserFields(user);
  fields.emplace_back("server", c.server);
  fields.emplace_back("session", "expires " +
                                     FormatTime(client.session().access_token_expire_time()) +
                                     ", renewable until " +
                                     FormatTime(client.session().refresh_token_expire_time()));
  PrintFields(std::cout, fields);
  return kExitOk;
}

}  // namespace

void AddAuthCommands(CLI::App& app, Context& ctx) {
  auto login_options = std::make_shared<LoginOptions>();
  auto* login = app.add_subcommand(
      "login", "sign in and keep the session (in $ECOCTL_CONFIG_DIR or ~/.config/ecocase)");
  login->add_option("--user", login_options->user, "username")->required();
  login->add_flag("--password-stdin", login_options->password_stdin,
                  "read the password from the first line of stdin instead of the terminal");
  login->callback([&ctx, login_options] {
    ctx.run = [&ctx, login_options] { return Login(ctx.connection, *login_options); };
  });

  app.add_subcommand("logout", "end the session on the server and forget it here")
      ->callback([&ctx] { ctx.run = [&ctx] { return Logout(ctx.connection); }; });
  app.add_subcommand("whoami", "the signed-in user")
      ->callback([&ctx] { ctx.run = [&ctx] { return WhoAmI(ctx.connection); }; });
}

}  // namespace ecoctl
