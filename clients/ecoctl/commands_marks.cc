// Data marks (自主标记) through DataMarkService: marks create | withdraw (the enterprise),
// accept | reject (officers, supervisors), get | list (staff and the enterprise).
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "ecocase/v1/data_mark.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::EnterpriseName;
using registry::BareUsername;
using registry::FactorLabel;
using registry::FromName;
using registry::Keys;
using registry::ParseShanghaiTime;
using registry::RequestIdOrNew;
using registry::UsccOf;

// The server's limits, checked here only where it costs nothing (the server checks all).
constexpr int kMaxEvidence = 20;

const std::vector<std::pair<std::string, v1::DataMark::Type>>& TypeNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::DataMark::Type>>{
      {"maintenance", v1::DataMark::MAINTENANCE},
      {"fault", v1::DataMark::FAULT},
      {"calibration", v1::DataMark::CALIBRATION},
      {"communication", v1::DataMark::COMMUNICATION},
      {"stopped", v1::DataMark::STOPPED},
      {"start-stop", v1::DataMark::START_STOP},
      {"abnormal-condition", v1::DataMark::ABNORMAL_CONDITION},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::DataMark::State>>& StateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::DataMark::State>>{
      {"pending", v1::DataMark::PENDING},
      {"accepted", v1::DataMark::ACCEPTED},
      {"rejected", v1::DataMark::REJECTED},
      {"withdrawn", v1::DataMark::WITHDRAWN},
  };
  return *names;
}

std::string TypeLabel(v1::DataMark::Type t) {
  switch (t) {
    case v1::DataMark::MAINTENANCE: return "maintenance 维护";
    case v1::DataMark::FAULT: return "fault 故障";
    case v1::DataMark::CALIBRATION: return "calibration 校准";
    case v1::DataMark::COMMUNICATION: return "communication 通讯异常";
    case v1::DataMark::STOPPED: return "stopped 停运";
    case v1::DataMark::START_STOP: return "start-stop 启停机";
    case v1::DataMark::ABNORMAL_CONDITION: return "abnormal-condition 工况异常";
    default: return "?";
  }
}

std::string StateLabel(v1::DataMark::State s) {
  switch (s) {
    case v1::DataMark::PENDING: return "pending 待审核";
    case v1::DataMark::ACCEPTED: return "accepted 已接受";
    case v1::DataMark::REJECTED: return "rejected 已驳回";
    case v1::DataMark::WITHDRAWN: return "withdrawn 已撤回";
    default: return "?";
  }
}

// `dataMarks/{id}` for ID or dataMarks/ID.
std::string MarkName(const std::string& text) {
  return registry::NumberedName(text, "dataMarks", "mark");
}

std::string MarkId(const std::string& name) { return registry::LastSegment(name); }

// `enterprises/{uscc}/outlets/{code}`, also from the shorthand USCC/CODE.
std::string OutletArgument(const std::string& text) {
  if (text.rfind("enterprises/", 0) == 0) return text;
  size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw CommandError(kExitUsage, "--outlet '" + text +
                                       "': expected enterprises/USCC/outlets/CODE or USCC/CODE");
  }
  return registry::OutletName(text.substr(0, slash), text.substr(slash + 1));
}

std::string OutletCode(const std::string& outlet_name) {
  return outlet_name.substr(outlet_name.rfind('/') + 1);
}

// "2026-11-29 08:00": Beijing time, the zone said once in the header or label.
std::string BeijingMinute(const google::protobuf::Timestamp& t) {
  std::string text = FormatTime(t);
  return text.size() > 16 ? text.substr(0, 16) : text;
}

std::string PollutantText(const std::string& pollutant) {
  return pollutant.empty() ? "all 全部因子" : FactorLabel(pollutant);
}

// Calls DataMarkService as the signed-in user.
struct MarkClient {
  explicit MarkClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        marks(v1::DataMarkService::NewStub(MakeChannel(c))) {}

  v1::DataMark Get(const std::string& id) {
    v1::GetDataMarkRequest request;
    request.set_name(MarkName(id));
    v1::DataMark mark;
    Check(client.Call([&](grpc::ClientContext& ctx) {
      return marks->GetDataMark(&ctx, request, &mark);
    }));
    return mark;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::DataMarkService::Stub> marks;
};

Fields MarkFields(const v1::DataMark& m, const std::string& enterprise_name) {
  Fields f = {{"mark", m.name()}};
  f.emplace_back("enterprise", EnterpriseLabel(UsccOf(m.enterprise()), enterprise_name));
  f.emplace_back("outlet", OutletCode(m.outlet()));
  f.emplace_back("pollutant", PollutantText(m.pollutant()));
  f.emplace_back("type", TypeLabel(m.type()));
  f.emplace_back("period", BeijingMinute(m.start_time()) + " — " + BeijingMinute(m.end_time()) +
                               " (+08:00, end exclusive)");
  f.emplace_back("reason", m.reason());
  std::string evidence = Joined(m.evidence());
  f.emplace_back("evidence", evidence.empty() ? "(none)" : evidence);
  f.emplace_back("state", StateLabel(m.state()));
  if (!m.reviewed_by().empty()) {
    f.emplace_back("reviewed",
                   FormatTime(m.review_time()) + " by " + BareUsername(m.reviewed_by()));
  }
  if (!m.review_reason().empty()) f.emplace_back("review reason", m.review_reason());
  f.emplace_back("created", FormatTime(m.create_time()) + " by " + BareUsername(m.created_by()));
  f.emplace_back("updated", FormatTime(m.update_time()));
  f.emplace_back("etag", m.etag());
  return f;
}

// What the mark waits for, as the command that does it.
std::string NextStep(const v1::DataMark& m) {
  if (m.state() != v1::DataMark::PENDING) return "";
  const std::string id = MarkId(m.name());
  return "an officer of the district reviews it: `ecoctl marks accept " + id +
         "` or `ecoctl marks reject " + id + " --reason …`; the enterprise may take it back: "
         "`ecoctl marks withdraw " + id + "`";
}

void PrintMark(const Connection& c, AuthenticatedClient& client, const v1::DataMark& m,
               const std::string& headline, bool next_step) {
  if (c.json) {
    std::cout << ToJson(m) << "\n";
    return;
  }
  std::string enterprise_name = EnterpriseDisplayName(client, m.enterprise());
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, MarkFields(m, enterprise_name));
  if (m.state() == v1::DataMark::ACCEPTED) {
    std::cout << "\nthe period is excluded from the exceedance and missing-data evaluation "
                 "(不作为超标、缺失判定依据); its hours are judged again\n";
  }
  const std::string next = next_step ? NextStep(m) : "";
  if (!next.empty()) std::cout << "\nnext: " << next << "\n";
}

// --- create -------------------------------------------------------------------------------

struct CreateOptions {
  std::string outlet;
  std::string pollutant;
  std::string type;
  std::string from;
  std::string to;
  std::string reason;
  std::vector<std::string> evidence;
  std::string request_id;
};

int Create(const Connection& c, const CreateOptions& o) {
  if (o.evidence.size() > static_cast<size_t>(kMaxEvidence)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxEvidence) + " --evidence");
  }
  v1::CreateDataMarkRequest request;
  request.set_parent(OutletArgument(o.outlet));
  v1::DataMark* m = request.mutable_data_mark();
  m->set_pollutant(o.pollutant);
  m->set_type(FromName(TypeNames(), o.type));
  *m->mutable_start_time() = ParseShanghaiTime(o.from, "--from");
  *m->mutable_end_time() = ParseShanghaiTime(o.to, "--to");
  if (m->end_time().seconds() <= m->start_time().seconds()) {
    throw CommandError(kExitUsage, "--to must be after --from");
  }
  m->set_reason(o.reason);
  for (const std::string& e : o.evidence) m->add_evidence(e);
  request.set_request_id(RequestIdOrNew(o.request_id));
  MarkClient mc(c);
  v1::DataMark created;
  grpc::Status s = mc.client.Call([&](grpc::ClientContext& ctx) {
    return mc.marks->CreateDataMark(&ctx, request, &created);
  });
  CheckChange(s, request.request_id());
  PrintMark(c, mc.client, created,
            "created " + created.name() + " (" + StateLabel(created.state()) + ")",
            /*next_step=*/true);
  return kExitOk;
}

// --- get, list ----------------------------------------------------------------------------

int Get(const Connection& c, const std::string& id) {
  MarkName(id);  // A malformed number is a usage error even when not signed in.
  MarkClient mc(c);
  PrintMark(c, mc.client, mc.Get(id), "", /*next_step=*/false);
  return kExitOk;
}

struct ListOptions {
  std::string enterprise;
  std::string outlet;
  std::string state;
  std::string from;
  std::string to;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  v1::ListDataMarksRequest request;
  if (!o.enterprise.empty()) request.set_enterprise(EnterpriseName(o.enterprise));
  if (!o.outlet.empty()) request.set_outlet(OutletArgument(o.outlet));
  if (!o.state.empty()) request.set_state(FromName(StateNames(), o.state));
  if (!o.from.empty()) *request.mutable_start_time() = ParseShanghaiTime(o.from, "--from");
  if (!o.to.empty()) *request.mutable_end_time() = ParseShanghaiTime(o.to, "--to");
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  MarkClient mc(c);
  auto all = ListPages<v1::ListDataMarksResponse>(
      mc.client, request, o.page_size > 0,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return mc.marks->ListDataMarks(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  std::set<std::string> usccs;
  for (const v1::DataMark& m : all.data_marks()) usccs.insert(UsccOf(m.enterprise()));
  auto names = EnterpriseDisplayNames(mc.client, usccs);
  Table table({"MARK", "ENTERPRISE", "OUTLET", "POLLUTANT", "TYPE", "FROM (+08:00)", "TO",
               "STATE"});
  for (const v1::DataMark& m : all.data_marks()) {
    const std::string uscc = UsccOf(m.enterprise());
    table.AddRow({MarkId(m.name()), names[uscc].empty() ? uscc : names[uscc],
                  OutletCode(m.outlet()), PollutantText(m.pollutant()), TypeLabel(m.type()),
                  BeijingMinute(m.start_time()), BeijingMinute(m.end_time()),
                  StateLabel(m.state())});
  }
  table.Print(std::cout);
  std::cout << all.data_marks_size() << (all.data_marks_size() == 1 ? " mark\n" : " marks\n");
  if (!all.next_page_token().empty()) {
    // The token is bound to the query: the next page needs the same filters.
    std::cout << "more: ecoctl marks list";
    if (!o.enterprise.empty()) std::cout << " --enterprise " << o.enterprise;
    if (!o.outlet.empty()) std::cout << " --outlet " << o.outlet;
    if (!o.state.empty()) std::cout << " --state " << o.state;
    if (!o.from.empty()) std::cout << " --from " << o.from;
    if (!o.to.empty()) std::cout << " --to " << o.to;
    std::cout << " --page-size " << o.page_size << " --page-token " << all.next_page_token()
              << "\n";
  }
  return kExitOk;
}

// --- accept, reject, withdraw -------------------------------------------------------------

struct TransitionOptions {
  std::string id;
  std::string reason;
  std::string etag;
  std::string request_id;
};

// Reads the mark for its etag, sends the change built by `send` and prints the result.
template <typename Request, typename Send>
int Transition(const Connection& c, const TransitionOptions& o, Request request, Send send,
               const std::string& verb) {
  MarkName(o.id);  // A malformed number is a usage error even when not signed in.
  MarkClient mc(c);
  v1::DataMark current = mc.Get(o.id);
  request.set_name(current.name());
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::DataMark changed;
  grpc::Status s = mc.client.Call([&](grpc::ClientContext& ctx) {
    return send(*mc.marks, ctx, request, &changed);
  });
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + request.etag() + ") the mark changed since it was read: "
                      "look at it again with `ecoctl marks get " + MarkId(current.name()) +
                      "` and repeat the command if it is still right");
  }
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    throw RpcError(s, "the mark is " + StateLabel(current.state()) +
                          ": only a pending (待审核) mark is reviewed or withdrawn");
  }
  CheckChange(s, request.request_id());
  PrintMark(c, mc.client, changed,
            verb + " " + changed.name() + " (" + StateLabel(changed.state()) + ")",
            /*next_step=*/false);
  return kExitOk;
}

int Review(const Connection& c, const TransitionOptions& o, bool accept) {
  if (!accept && o.reason.empty()) {
    throw CommandError(kExitUsage, "a rejection needs --reason: the enterprise must learn why");
  }
  v1::ReviewDataMarkRequest request;
  request.set_decision(accept ? v1::ReviewDataMarkRequest::ACCEPT
                              : v1::ReviewDataMarkRequest::REJECT);
  request.set_reason(o.reason);
  return Transition(
      c, o, request,
      [](auto& stub, auto& ctx, const auto& r, v1::DataMark* out) {
        return stub.ReviewDataMark(&ctx, r, out);
      },
      accept ? "accepted" : "rejected");
}

int Withdraw(const Connection& c, const TransitionOptions& o) {
  return Transition(
      c, o, v1::WithdrawDataMarkRequest(),
      [](auto& stub, auto& ctx, const auto& r, v1::DataMark* out) {
        return stub.WithdrawDataMark(&ctx, r, out);
      },
      "withdrew");
}

// A subcommand on one mark with the flags every transition takes.
CLI::App* AddMarkCommand(CLI::App* marks, const char* name, const char* description,
                         const std::shared_ptr<TransitionOptions>& o) {
  auto* cmd = marks->add_subcommand(name, description);
  cmd->add_option("id", o->id, "the mark: its number or dataMarks/ID")->required();
  cmd->add_option("--etag", o->etag,
                  "only if the mark still has this etag (from an earlier get); default: the "
                  "etag read just before");
  registry::AddRequestIdFlag(cmd, o->request_id);
  return cmd;
}

}  // namespace

void AddMarkCommands(CLI::App& app, Context& ctx) {
  auto* marks = app.add_subcommand(
      "marks",
      "data marks (自主标记): the enterprise marks periods of its outlets' monitoring data "
      "(maintenance, fault, calibration, stopped …) with a reason and evidence; officers "
      "accept or reject them; accepted marks exclude their hours from the evaluation. Times "
      "in Beijing time (UTC+8)");
  marks->require_subcommand(1);

  auto create_options = std::make_shared<CreateOptions>();
  auto* create = marks->add_subcommand(
      "create", "mark a period of one of your outlets (enterprise); it waits for review");
  create->add_option("--outlet", create_options->outlet,
                     "enterprises/USCC/outlets/CODE (or USCC/CODE)")
      ->required();
  create->add_option("--pollutant", create_options->pollutant,
                     "only this HJ 212 factor, e.g. a21026 (default: every factor)");
  create->add_option("--type", create_options->type,
                     "maintenance 维护, fault 故障, calibration 校准, communication 通讯异常, "
                     "stopped 停运, start-stop 启停机, abnormal-condition 工况异常")
      ->required()
      ->check(CLI::IsMember(Keys(TypeNames())));
  create->add_option("--from", create_options->from,
                     "start, Beijing time: 2026-12-01T08:00 or 2026-12-01 (a trailing Z means "
                     "UTC)")
      ->required()
      ->check(registry::TimeShape);
  create->add_option("--to", create_options->to,
                     "end (exclusive), same forms; not in the future except for planned "
                     "maintenance and calibration")
      ->required()
      ->check(registry::TimeShape);
  create->add_option("--reason", create_options->reason, "what happened, 1-1000 characters")
      ->required();
  create->add_option("--evidence", create_options->evidence,
                     "a reference to evidence (maintenance log number, photo, report), "
                     "repeatable, at most 20")
      ->allow_extra_args(false);
  registry::AddRequestIdFlag(create, create_options->request_id);
  create->callback([&ctx, create_options] {
    ctx.run = [&ctx, create_options] { return Create(ctx.connection, *create_options); };
  });

  auto get_id = std::make_shared<std::string>();
  auto* get = marks->add_subcommand("get", "one mark: period, reason, evidence, review");
  get->add_option("id", *get_id, "the mark: its number or dataMarks/ID")->required();
  get->callback([&ctx, get_id] {
    ctx.run = [&ctx, get_id] { return Get(ctx.connection, *get_id); };
  });

  auto list_options = std::make_shared<ListOptions>();
  auto* list = marks->add_subcommand(
      "list", "marks in your scope, newest first (an enterprise: its own)");
  list->add_option("--enterprise", list_options->enterprise, "only this enterprise (credit code)");
  list->add_option("--outlet", list_options->outlet,
                   "only this outlet: enterprises/USCC/outlets/CODE (or USCC/CODE)");
  list->add_option("--state", list_options->state, "only this state")
      ->check(CLI::IsMember(Keys(StateNames())));
  list->add_option("--from", list_options->from,
                   "only marks still running at or after this time (Beijing)")
      ->check(registry::TimeShape);
  list->add_option("--to", list_options->to, "only marks begun before this time (Beijing)")
      ->check(registry::TimeShape);
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto accept_options = std::make_shared<TransitionOptions>();
  auto* accept = AddMarkCommand(
      marks, "accept",
      "accept a pending mark (officer, supervisor): its period no longer counts as "
      "exceedance or missing data",
      accept_options);
  accept->add_option("--reason", accept_options->reason, "an optional note");
  accept->callback([&ctx, accept_options] {
    ctx.run = [&ctx, accept_options] {
      return Review(ctx.connection, *accept_options, /*accept=*/true);
    };
  });

  auto reject_options = std::make_shared<TransitionOptions>();
  auto* reject = AddMarkCommand(marks, "reject",
                                "reject a pending mark, saying why (officer, supervisor)",
                                reject_options);
  reject->add_option("--reason", reject_options->reason, "why (required)")->required();
  reject->callback([&ctx, reject_options] {
    ctx.run = [&ctx, reject_options] {
      return Review(ctx.connection, *reject_options, /*accept=*/false);
    };
  });

  auto withdraw_options = std::make_shared<TransitionOptions>();
  AddMarkCommand(marks, "withdraw", "take back a mark not yet reviewed (enterprise)",
                 withdraw_options)
      ->callback([&ctx, withdraw_options] {
        ctx.run = [&ctx, withdraw_options] { return Withdraw(ctx.connection, *withdraw_options); };
      });
}

}  // namespace ecoctl
