// audit list | verify. verify keeps the head of an intact chain as a checkpoint, so the
// next verification also proves that nothing up to it was cut off the end.
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "output.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;

struct ListOptions {
  std::string resource;
  std::string actor;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  v1::ListAuditRecordsRequest request;
  request.set_resource(o.resource);
  request.set_actor(o.actor);
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  v1::ListAuditRecordsResponse response;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.audit().ListAuditRecords(&ctx, request, &response);
  }));
  if (c.json) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  Table table({"SEQ", "TIME", "ACTOR", "ACTION", "RESOURCE", "REQUEST ID"});
  for (const v1::AuditRecord& r : response.records()) {
    table.AddRow({std::to_string(r.sequence()), FormatTime(r.record_time()), r.actor(),
                  r.action(), r.resource(), r.request_id()});
  }
  table.Print(std::cout);
  if (!response.next_page_token().empty()) {
    // Records are newest first: the next page holds older ones.
    std::cout << "older: ecoctl audit list";
    if (!o.resource.empty()) std::cout << " --resource " << o.resource;
    if (!o.actor.empty()) std::cout << " --actor " << o.actor;
    if (o.page_size > 0) std::cout << " --page-size " << o.page_size;
    std::cout << " --page-token " << response.next_page_token() << "\n";
  }
  return kExitOk;
}

struct VerifyOptions {
  bool no_checkpoint = false;
};

int Verify(const Connection& c, const VerifyOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  std::optional<store::Checkpoint> kept;
  {
    store::AuditCheckpoints checkpoints = store.ReadCheckpoints();
    auto it = checkpoints.checkpoints().find(c.server);
    if (it != checkpoints.checkpoints().end()) kept = it->second;
  }
  v1::VerifyAuditChainRequest request;
  bool sent_checkpoint = kept.has_value() && !o.no_checkpoint;
  if (sent_checkpoint) {
    request.mutable_checkpoint()->set_sequence(kept->sequence());
    request.mutable_checkpoint()->set_hash(kept->hash());
  }
  v1::VerifyAuditChainResponse response;
  Check(client.Call([&](grpc::ClientContext& ctx) {
    return client.audit().VerifyAuditChain(&ctx, request, &response);
  }));

  if (response.intact()) {
    // Only an intact chain's head becomes the next checkpoint.
    ConfigStore::Lock lock = store.Acquire();
    store::AuditCheckpoints checkpoints = store.ReadCheckpoints();
    auto& entry = (*checkpoints.mutable_checkpoints())[c.server];
    // A parallel verify may have kept a later head; never step back (unless told to
    // start over with --no-checkpoint).
    if (o.no_checkpoint || response.head().sequence() >= entry.sequence()) {
      entry.set_sequence(response.head().sequence());
      entry.set_hash(response.head().hash());
      entry.set_record_count(response.record_count());
      entry.mutable_verify_time()->set_seconds(NowSeconds());
      entry.set_username(client.session().username());
      store.WriteCheckpoints(checkpoints, lock);
    }
  }
  if (c.json) {
    std::cout << ToJson(response) << "\n";
    return response.intact() ? kExitOk : kExitAuditBroken;
  }
  if (!response.intact()) {
    std::cout << "audit chain BROKEN at record " << response.first_broken_sequence() << ": "
              << response.problem() << "\n"
              << "records checked  " << response.record_count() << "\n";
    if (sent_checkpoint) {
      std::cout << "checkpoint       #" << kept->sequence() << " " << kept->hash()
                << " (verified " << FormatTime(kept->verify_time()) << ")\n";
    }
    std::cout << "the kept checkpoint stays as it was\n";
    return kExitAuditBroken;
  }
  Fields fields = {
      {"audit chain", "intact"},
      {"records", std::to_string(response.record_count())},
      {"head", "#" + std::to_string(response.head().sequence()) + " " + response.head().hash()},
  };
  if (sent_checkpoint) {
    fields.emplace_back("checkpoint", "#" + std::to_string(kept->sequence()) +
                                          " from " + FormatTime(kept->verify_time()) +
                                          " is still in the chain");
  } else if (o.no_checkpoint && kept.has_value()) {
    fields.emplace_back("checkpoint", "not used (--no-checkpoint); replaced by the head");
  } else {
    fields.emplace_back("checkpoint",
                        "none kept for this server yet: links checked; the head is kept now");
  }
  PrintFields(std::cout, fields);
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& ctx) {
  auto* audit = app.add_subcommand("audit", "the tamper-evident audit log (admin, supervisor)");
  audit->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  auto* list = audit->add_subcommand("list", "audit records, newest first, one page");
  list->add_option("--resource", list_options->resource, "only about this, e.g. users/lisi");
  list->add_option("--actor", list_options->actor, "only by this, e.g. users/admin");
  list->add_option("--page-size", list_options->page_size, "records per page (server default 50)")
      ->check(CLI::PositiveNumber);
  list->add_option("--page-token", list_options->page_token, "continue after an earlier page");
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto verify_options = std::make_shared<VerifyOptions>();
  auto* verify = audit->add_subcommand(
      "verify",
      "recompute the hash chain (exit 4 if broken), also against the checkpoint kept from the "
      "last intact verification");
  verify->add_flag("--no-checkpoint", verify_options->no_checkpoint,
                   "do not send the kept checkpoint, and replace it (e.g. after the server's "
                   "database was deliberately recreated)");
  verify->callback([&ctx, verify_options] {
    ctx.run = [&ctx, verify_options] { return Verify(ctx.connection, *verify_options); };
  });
}

}  // namespace ecoctl
