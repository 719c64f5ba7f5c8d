// alerts list | watch: the alert feed (告警) of new and changed incidents and tasks through
// AlertService. list pages through the feed oldest first; watch follows it live and, when
// the connection drops, reconnects after the last alert it printed, so nothing is lost or
// printed twice.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "commands.h"
#include "config_store.h"
#include "ecocase/v1/alert.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::CharCount;
using registry::UsccOf;

// The response header naming the cursor a watch starts after (alert.proto).
constexpr char kWatchCursorHeader[] = "ecocase-watch-cursor";
// Reconnect backoff: 1 s doubling to 30 s, each with up to 20% jitter.
constexpr int kFirstBackoffMs = 1000;
constexpr int kMaxBackoffMs = 30000;

std::string KindLabel(const std::string& kind) {
  static const auto* labels = new std::map<std::string, std::string>{
      {"INCIDENT_OPENED", "新超标事件"},   {"INCIDENT_UPDATED", "事件更新"},
      {"INCIDENT_CLOSED", "事件关闭"},     {"INCIDENT_WITHDRAWN", "事件撤销"},
      {"TASK_ISSUED", "新整改任务"},       {"TASK_CHANGED", "整改任务变更"},
      {"TASK_OVERDUE", "整改任务逾期"},
      {"COMPLAINT_RECEIVED", "新投诉"},    {"COMPLAINT_DISPATCHED", "投诉交办"},
      {"COMPLAINT_REOPENED", "投诉重办"},  {"COMPLAINT_OVERDUE", "投诉超时"},
      {"CASE_OPENED", "案件线索"},         {"CASE_FILED", "立案"},
      {"CASE_NOTIFIED", "处罚事先告知"},   {"CASE_DECIDED", "处罚决定"},
      {"CASE_SERVED", "处罚决定送达"},     {"CASE_CLOSED", "结案"},
      {"CASE_OVERDUE", "案件逾期"},
  };
  auto it = labels->find(kind);
  return it == labels->end() ? kind : it->second;  // A newer kind, as the server names it.
}

// "2026-03-02 09:00:00": Beijing time, the zone said once in the header or the help.
std::string BeijingTime(const google::protobuf::Timestamp& t) {
  std::string text = FormatTime(t);
  return text.size() > 19 ? text.substr(0, 19) : text;
}

// The enterprise's display name when known, else its credit code; "-" for alerts that
// concern no enterprise (complaints).
std::string EnterpriseLabel(const std::map<std::string, std::string>& names,
                            const v1::Alert& alert) {
  if (alert.enterprise().empty()) return "-";
  std::string uscc = UsccOf(alert.enterprise());
  auto it = names.find(uscc);
  return it == names.end() || it->second.empty() ? uscc : it->second;
}

// --- list ---------------------------------------------------------------------------------

struct ListOptions {
  std::string after;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto alerts = v1::AlertService::NewStub(MakeChannel(c));
  v1::ListAlertsRequest request;
  request.set_after_cursor(o.after);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListAlertsResponse>(
      client, request, o.page_size > 0, [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return alerts->ListAlerts(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  std::set<std::string> usccs;
  for (const v1::Alert& a : all.alerts()) {
    if (!a.enterprise().empty()) usccs.insert(UsccOf(a.enterprise()));
  }
  auto names = EnterpriseDisplayNames(client, usccs);
  Table table({"CURSOR", "TIME (+08:00)", "KIND", "RESOURCE", "ENTERPRISE", "TITLE"});
  for (const v1::Alert& a : all.alerts()) {
    table.AddRow({a.cursor(), BeijingTime(a.create_time()), KindLabel(a.kind()), a.resource(),
                  EnterpriseLabel(names, a), a.title()});
  }
  table.Print(std::cout);
  std::cout << all.alerts_size() << (all.alerts_size() == 1 ? " alert\n" : " alerts\n");
  if (!all.next_page_token().empty()) {
    // The token is bound to the query: the next page needs the same --after.
    std::cout << "more: ecoctl alerts list";
    if (!o.after.empty()) std::cout << " --after " << o.after;
    std::cout << " --page-size " << o.page_size << " --page-token " << all.next_page_token()
              << "\n";
  } else if (all.alerts_size() > 0) {
    std::cout << "follow: ecoctl alerts watch --after " << all.alerts().rbegin()->cursor()
              << "\n";
  }
  return kExitOk;
}

// --- watch --------------------------------------------------------------------------------

struct WatchOptions {
  std::string after;
  int count = 0;  // 0: until interrupted
};

// Whether a watch that ended with `code` is worth reconnecting: the connection or the
// server went away, or the server dropped a slow reader. Anything else is the request's
// or the account's problem and would fail again.
bool Transient(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:  // The server ended the stream: resume all the same.
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

int BackoffMs(int attempt) {
  int base = kFirstBackoffMs;
  for (int i = 1; i < attempt && base < kMaxBackoffMs; ++i) base *= 2;
  base = std::min(base, kMaxBackoffMs);
  std::random_device rd;
  std::uniform_int_distribution<int> jitter(0, base / 5);
  return base + jitter(rd);
}

int Watch(const Connection& c, const WatchOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto alerts = v1::AlertService::NewStub(MakeChannel(c));
  // The last alert printed; until then (watching from now) where the first watch began.
  std::string cursor = o.after;
  std::map<std::string, std::string> names;
  int printed = 0;
  int failures = 0;  // consecutive attempts that ended before the watch was in place
  for (;;) {
    bool established = false;
    grpc::Status status = client.Call([&](grpc::ClientContext& ctx) {
      ctx.set_deadline(std::chrono::system_clock::time_point::max());  // A watch lasts.
      v1::WatchAlertsRequest request;
      if (cursor.empty()) {
        request.set_from_now(true);
      } else {
        request.set_after_cursor(cursor);
      }
      auto reader = alerts->WatchAlerts(&ctx, request);
      reader->WaitForInitialMetadata();
      const auto& headers = ctx.GetServerInitialMetadata();
      if (auto it = headers.find(kWatchCursorHeader); it != headers.end()) {
        established = true;
        if (cursor.empty()) cursor.assign(it->second.data(), it->second.size());
      }
      v1::Alert alert;
      while ((o.count == 0 || printed < o.count) && reader->Read(&alert)) {
        if (c.json) {
          std::cout << ToJson(alert) << std::endl;
        } else {
          std::string uscc = UsccOf(alert.enterprise());
          if (!uscc.empty() && !names.contains(uscc)) {
            names.merge(EnterpriseDisplayNames(client, {uscc}));
            names.try_emplace(uscc, "");  // Asked once, even when it cannot be read.
          }
          std::cout << "[" << alert.cursor() << "]  " << BeijingTime(alert.create_time())
                    << "  " << KindLabel(alert.kind()) << "  " << alert.resource() << "  "
                    << EnterpriseLabel(names, alert) << "  " << alert.title();
          if (!alert.detail().empty() && CharCount(alert.detail()) <= 80) {
            std::cout << "（" << alert.detail() << "）";
          }
          std::cout << std::endl;
        }
        cursor = alert.cursor();
        ++printed;
      }
      if (o.count > 0 && printed >= o.count) ctx.TryCancel();
      return reader->Finish();
    });
    if (o.count > 0 && printed >= o.count) return kExitOk;
    if (!Transient(status.error_code())) throw RpcError(status);
    failures = established ? 1 : failures + 1;
    int wait_ms = BackoffMs(failures);
    std::cerr << "ecoctl: watch interrupted (" << StatusCodeName(status.error_code())
              << (status.error_message().empty() ? "" : ": " + status.error_message())
              << "); reconnecting in " << (wait_ms + 500) / 1000 << " s "
              << (cursor.empty() ? std::string("from now")
                                 : "after cursor " + cursor + ", nothing is lost")
              << std::endl;
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

}  // namespace

void AddAlertCommands(CLI::App& app, Context& ctx) {
  auto* alerts = app.add_subcommand(
      "alerts",
      "the alert feed (告警): new and changed exceedance incidents and rectification tasks "
      "in your scope (staff their jurisdiction, an enterprise its own), in Beijing time");
  alerts->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  auto* list = alerts->add_subcommand(
      "list", "alerts oldest first, each with its cursor (for --after and `alerts watch`)");
  list->add_option("--after", list_options->after, "only alerts after this cursor");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto watch_options = std::make_shared<WatchOptions>();
  auto* watch = alerts->add_subcommand(
      "watch",
      "print alerts as they happen, one line each ([cursor] time kind resource enterprise "
      "title), until interrupted; with --after first those after that cursor. A dropped "
      "connection is resumed after the last alert printed (said on stderr)");
  watch->add_option("--after", watch_options->after,
                    "start after this cursor (default: from now)");
  watch->add_option("--count", watch_options->count, "stop after this many alerts")
      ->check(CLI::PositiveNumber);
  watch->callback([&ctx, watch_options] {
    ctx.run = [&ctx, watch_options] { return Watch(ctx.connection, *watch_options); };
  });
}

}  // namespace ecoctl
