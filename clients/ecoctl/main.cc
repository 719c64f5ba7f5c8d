// ecoctl: the command-line client of ecocase for every role. Thin: it sends requests and
// prints answers; the server is the source of truth for validation.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "output.h"

int main(int argc, char** argv) {
  using namespace ecoctl;
  CLI::App app{"ecoctl — command-line client of ecocase (焦作市生态环境局 执法监管平台)\n"
               "exit codes: 0 ok, 1 error, 2 not signed in, 3 not serving, 4 audit chain "
               "broken, 64 usage"};
  // Global flags may also follow the subcommand: `ecoctl users list --json`.
  app.fallthrough();
  Context ctx;
  Connection& conn = ctx.connection;
  if (const char* s = std::getenv("ECOCTL_SERVER")) conn.server = s;
  if (const char* s = std::getenv("ECOCTL_CA_FILE")) conn.ca_file = s;
  app.add_option("--server", conn.server, "host:port of ecocase-server (env ECOCTL_SERVER)");
  app.add_option("--ca", conn.ca_file, "CA certificate (PEM) to verify the server (env ECOCTL_CA_FILE)");
  app.add_flag("--plaintext", conn.plaintext, "connect without TLS");
  app.add_flag("--json", conn.json, "print the response messages as JSON");
  app.add_option("--timeout-ms", conn.timeout_ms, "deadline of each call")->check(CLI::PositiveNumber);
  app.require_subcommand(1);

  AddSystemCommands(app, ctx);
  AddAuthCommands(app, ctx);
  AddUserCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddEnterpriseCommands(app, ctx);
  AddPermitCommands(app, ctx);
  AddReadingCommands(app, ctx);
  AddTaskCommands(app, ctx);
  AddAlertCommands(app, ctx);
  AddMarkCommands(app, ctx);
  AddIncidentCommands(app, ctx);
  AddComplaintCommands(app, ctx);
  AddCaseCommands(app, ctx);
  AddEvidenceCommands(app, ctx);
  AddInspectionCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  try {
    return ctx.run ? ctx.run() : kExitUsage;
  } catch (const RpcError& e) {
    PrintRpcError(std::cerr, e.status());
    if (!e.hint().empty()) std::cerr << e.hint() << "\n";
    return kExitRpcError;
  } catch (const CommandError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitRpcError;
  }
}
