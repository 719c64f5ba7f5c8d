// The subcommands: each Add* registers its commands on the app; the one chosen on the
// command line leaves its work in Context::run, which main runs after parsing.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include "client.h"
#include "google/protobuf/message.h"

namespace ecoctl {

struct Context {
  Connection connection;
  // The chosen command; returns the exit code or throws CommandError / RpcError.
  std::function<int()> run;
};

void AddSystemCommands(CLI::App& app, Context& ctx);  // health, info
void AddAuthCommands(CLI::App& app, Context& ctx);    // login, logout, whoami
void AddUserCommands(CLI::App& app, Context& ctx);    // users …
void AddAuditCommands(CLI::App& app, Context& ctx);   // audit …
void AddEnterpriseCommands(CLI::App& app, Context& ctx);  // enterprises, outlets, devices …
void AddPermitCommands(CLI::App& app, Context& ctx);      // permits …
void AddReadingCommands(CLI::App& app, Context& ctx);     // readings list | ingest
void AddTaskCommands(CLI::App& app, Context& ctx);        // tasks … (整改)
void AddAlertCommands(CLI::App& app, Context& ctx);       // alerts list | watch (告警)
void AddMarkCommands(CLI::App& app, Context& ctx);        // marks … (自主标记)
void AddIncidentCommands(CLI::App& app, Context& ctx);    // incidents list | get | explain
void AddComplaintCommands(CLI::App& app, Context& ctx);   // complaints … (投诉举报)
void AddCaseCommands(CLI::App& app, Context& ctx);        // cases … (行政处罚案件)
void AddEvidenceCommands(CLI::App& app, Context& ctx);    // evidence … (证据, resumable uploads)
void AddInspectionCommands(CLI::App& app, Context& ctx);  // inspections … (检查笔录)

// When `cmd` is chosen, `run(connection, *options)` becomes the command main runs. The
// options are shared with the flags that fill them while parsing.
template <typename Options, typename Run>
void OnRun(CLI::App* cmd, Context& ctx, const std::shared_ptr<Options>& options, Run run) {
  cmd->callback([&ctx, options, run] {
    ctx.run = [&ctx, options, run] { return run(ctx.connection, *options); };
  });
}

// Throws RpcError for a failed call.
inline void Check(const grpc::Status& status, const std::string& hint = "") {
  if (!status.ok()) throw RpcError(status, hint);
}

// --page-size and --page-token on a list command: with --page-size one page, otherwise
// every page (see ListPages).
inline void AddPageFlags(CLI::App* list, int& page_size, std::string& page_token) {
  list->add_option("--page-size", page_size, "one page of at most this many (default: every page)")
      ->check(CLI::PositiveNumber);
  list->add_option("--page-token", page_token, "continue after an earlier page");
}

// After a page that is not the last: how to ask for the next one. Nothing after the last.
inline void PrintNextPageHint(std::ostream& out, int page_size,
                              const std::string& next_page_token) {
  if (next_page_token.empty()) return;
  // The token is bound to the query: the next page needs the same filters.
  out << "more: repeat with --page-size " << page_size << " --page-token " << next_page_token
      << "\n";
}

// Sends a List request page after page, from its page_token to the last page (only one
// page when `one_page`), and returns the pages merged: every repeated field appended and
// the last page's next_page_token. `list(ctx, request, &page)` makes one call. Throws
// RpcError for a failed call.
template <typename Response, typename Request, typename List>
Response ListPages(AuthenticatedClient& client, Request request, bool one_page, List list) {
  Response all;
  for (;;) {
    Response page;
    Check(client.Call([&](grpc::ClientContext& ctx) { return list(ctx, request, &page); }));
    all.MergeFrom(page);
    // proto3 MergeFrom keeps the old token when the new one is empty.
    all.set_next_page_token(page.next_page_token());
    if (one_page || page.next_page_token().empty()) return all;
    request.set_page_token(page.next_page_token());
  }
}

// As Check, for a change sent with `request_id`. When the outcome is unknown (the
// server may have made the change before the connection broke) the hint says how to
// retry without doing it twice.
void CheckChange(const grpc::Status& status, const std::string& request_id,
                 const std::string& extra_hint = "");

// Display names of enterprises by credit code, for headlines and tables: one Get each for a
// few, else one List (of `district`, when given). Empty where they cannot be read — names
// are a courtesy, the credit codes are printed anyway.
std::map<std::string, std::string> EnterpriseDisplayNames(AuthenticatedClient& client,
                                                          const std::set<std::string>& usccs,
                                                          const std::string& district = "");

// The display name of one record's `enterprise` (enterprises/{uscc}), as above; empty when
// the record names none.
std::string EnterpriseDisplayName(AuthenticatedClient& client, const std::string& enterprise);
// "焦作电厂 (91410800…)", or the credit code alone when the display name is unknown.
std::string EnterpriseLabel(const std::string& uscc, const std::string& display_name);

// `users/NAME` for NAME or users/NAME.
std::string UserResourceName(const std::string& name_or_username);

}  // namespace ecoctl
