// Incidents of the exceedance evaluation through IncidentService: incidents list | get
// (staff and the enterprise), incidents explain (the enterprise's 情况说明).
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "commands.h"
#include "config_store.h"
#include "ecocase/v1/incident.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::EnterpriseName;
using registry::RequestIdOrNew;
using registry::UsccOf;

std::string KindLabel(v1::Incident::Kind k) {
  switch (k) {
    case v1::Incident::EXCEEDANCE: return "exceedance 超标";
    case v1::Incident::MISSING_DATA: return "missing-data 数据缺失";
    case v1::Incident::DEVICE_OFFLINE: return "device-offline 设备离线";
    default: return "?";
  }
}

std::string StateLabel(v1::Incident::State s) {
  switch (s) {
    case v1::Incident::OPEN: return "open 进行中";
    case v1::Incident::CLOSED: return "closed 已关闭";
    case v1::Incident::WITHDRAWN: return "withdrawn 已撤销";
    default: return "?";
  }
}

std::string VerdictLabel(v1::IncidentWindow::Verdict v) {
  switch (v) {
    case v1::IncidentWindow::EXCEEDANCE: return "超标";
    case v1::IncidentWindow::COMPLIANT: return "达标";
    case v1::IncidentWindow::MISSING: return "缺失";
    case v1::IncidentWindow::EXCLUDED: return "排除";
    default: return "?";
  }
}

std::string IncidentName(const std::string& text) {
  return registry::NumberedName(text, "incidents", "incident");
}

std::string IdOf(const std::string& name) { return registry::LastSegment(name); }

std::string Number(double v) {
  std::ostringstream out;
  out.precision(4);
  out << v;
  return out.str();
}

std::string WindowWord(const v1::Incident& i) {
  return i.window_seconds() >= 86400 ? "日" : "小时";
}

std::string OutletCode(const std::string& outlet) { return outlet.substr(outlet.rfind('/') + 1); }

std::string PeakText(const v1::Incident& i) {
  if (i.kind() != v1::Incident::EXCEEDANCE) return "";
  return Number(i.peak_value()) + " " + i.peak_unit() + " (限值 " + Number(i.peak_limit()) + ", " +
         Number(i.peak_ratio()) + " 倍)";
}

struct IncidentClient {
  explicit IncidentClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        incidents(v1::IncidentService::NewStub(MakeChannel(c))) {}

  v1::Incident Get(const std::string& id) {
    v1::GetIncidentRequest request;
    request.set_name(IncidentName(id));
    v1::Incident incident;
    Check(client.Call([&](grpc::ClientContext& ctx) {
      return incidents->GetIncident(&ctx, request, &incident);
    }));
    return incident;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::IncidentService::Stub> incidents;
};

void PrintIncident(const Connection& c, AuthenticatedClient& client, const v1::Incident& i,
                   const std::string& headline) {
  if (c.json) {
    std::cout << ToJson(i) << "\n";
    return;
  }
  if (!headline.empty()) std::cout << headline << "\n";
  std::string name =
      i.enterprise_display_name().empty()
          ? EnterpriseDisplayNames(client, {UsccOf(i.enterprise())})[UsccOf(i.enterprise())]
          : i.enterprise_display_name();
  Fields f = {
      {"incident 事件", i.name()},
      {"kind 类型", KindLabel(i.kind())},
      {"state 状态", StateLabel(i.state())},
      {"enterprise 企业", name.empty() ? i.enterprise() : name + " (" + i.enterprise() + ")"},
      {"outlet 排放口", i.outlet()},
  };
  if (!i.pollutant().empty()) f.push_back({"pollutant 因子", registry::FactorLabel(i.pollutant())});
  if (!i.mn().empty()) f.push_back({"device 设备", i.mn()});
  f.push_back({"window 判定时段", WindowWord(i)});
  f.push_back({"first bad 首个异常时段", FormatTime(i.first_bad_window())});
  f.push_back({"last bad 最后异常时段", FormatTime(i.last_bad_window())});
  f.push_back({"bad windows 异常时段数", std::to_string(i.bad_windows())});
  if (i.kind() == v1::Incident::EXCEEDANCE) f.push_back({"peak 峰值", PeakText(i)});
  if (i.has_closing_window()) f.push_back({"closed at 关闭时段", FormatTime(i.closing_window())});
  if (!i.task().empty()) f.push_back({"task 整改任务", i.task()});
  if (!i.explanation().empty()) {
    f.push_back({"explanation 情况说明", i.explanation()});
    f.push_back({"explained 说明时间", FormatTime(i.explain_time()) + " " + i.explained_by()});
  } else if (i.state() != v1::Incident::WITHDRAWN) {
    f.push_back({"explain by 说明截止", FormatTime(i.explain_deadline())});
  }
  if (i.case_candidate()) f.push_back({"case candidate 案件线索", "yes 是（逾期未说明）"});
  f.push_back({"rule 规则版本", i.rule_version()});
  f.push_back({"opened 发现时间", FormatTime(i.open_time())});
  f.push_back({"etag", i.etag()});
  PrintFields(std::cout, f);
  if (i.windows_size() > 0) {
    std::cout << "\nwindows 判定时段 (" << i.windows_size() << ")\n";
    Table table({"WINDOW", "VERDICT", "VALUE", "LIMIT", "RATIO", "N", "DETAIL"});
    for (const v1::IncidentWindow& w : i.windows()) {
      bool valued = w.verdict() == v1::IncidentWindow::EXCEEDANCE ||
                    w.verdict() == v1::IncidentWindow::COMPLIANT;
      table.AddRow({FormatTime(w.window_start()), VerdictLabel(w.verdict()),
                    valued ? Number(w.value()) + " " + w.unit() : "",
                    valued ? Number(w.limit()) : "", valued ? Number(w.ratio()) : "",
                    std::to_string(w.valid_count()), w.detail()});
    }
    table.Print(std::cout);
  }
}

struct ListOptions {
  std::string enterprise;
  std::string outlet;
  std::string kind;
  bool open = false;
  bool candidates = false;
  bool withdrawn = false;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  IncidentClient ic(c);
  v1::ListIncidentsRequest request;
  if (!o.outlet.empty()) {
    if (o.enterprise.empty()) {
      throw CommandError(kExitUsage, "--outlet needs --enterprise (the outlet's enterprise)");
    }
    request.set_outlet(registry::OutletName(o.enterprise, o.outlet));
  } else if (!o.enterprise.empty()) {
    request.set_enterprise(EnterpriseName(o.enterprise));
  }
  if (o.kind == "exceedance") request.set_kind(v1::Incident::EXCEEDANCE);
  if (o.kind == "missing-data") request.set_kind(v1::Incident::MISSING_DATA);
  if (o.kind == "device-offline") request.set_kind(v1::Incident::DEVICE_OFFLINE);
  request.set_open_only(o.open);
  request.set_case_candidates_only(o.candidates);
  request.set_include_withdrawn(o.withdrawn);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListIncidentsResponse>(
      ic.client, request, o.page_size > 0,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return ic.incidents->ListIncidents(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"INCIDENT", "ENTERPRISE", "OUTLET", "FACTOR", "KIND", "STATE", "SINCE", "WINDOWS",
               "PEAK", "TASK"});
  for (const v1::Incident& i : all.incidents()) {
    table.AddRow(
        {IdOf(i.name()),
         i.enterprise_display_name().empty() ? UsccOf(i.enterprise()) : i.enterprise_display_name(),
         OutletCode(i.outlet()),
         i.pollutant().empty() ? i.mn() : registry::FactorLabel(i.pollutant()), KindLabel(i.kind()),
         StateLabel(i.state()), FormatTime(i.first_bad_window()),
         std::to_string(i.bad_windows()) + " " + WindowWord(i), PeakText(i),
         i.task().empty() ? "" : IdOf(i.task())});
  }
  table.Print(std::cout);
  std::cout << all.incidents_size() << (all.incidents_size() == 1 ? " incident\n" : " incidents\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

struct ExplainOptions {
  std::string id;
  std::string text;
  std::string etag;
  std::string request_id;
};

int Explain(const Connection& c, const ExplainOptions& o) {
  IncidentName(o.id);
  IncidentClient ic(c);
  v1::ExplainIncidentRequest request;
  request.set_name(IncidentName(o.id));
  request.set_explanation(o.text);
  request.set_etag(o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Incident explained;
  grpc::Status s = ic.client.Call([&](grpc::ClientContext& ctx) {
    return ic.incidents->ExplainIncident(&ctx, request, &explained);
  });
  CheckChange(s, request.request_id());
  PrintIncident(c, ic.client, explained, "explained " + explained.name() + " 已提交情况说明");
  return kExitOk;
}

}  // namespace

void AddIncidentCommands(CLI::App& app, Context& ctx) {
  auto* incidents = app.add_subcommand(
      "incidents",
      "incidents of the online-monitoring evaluation (超标, 数据缺失, 设备离线): one per outlet × "
      "factor while it lasts, with the windows that produced it. Times in Beijing time");
  incidents->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  auto* list = incidents->add_subcommand("list", "incidents in your scope, newest first");
  list->add_option("--enterprise", list_options->enterprise, "only this enterprise (credit code)");
  list->add_option("--outlet", list_options->outlet,
                   "only this outlet, e.g. DA001 (with --enterprise)");
  list->add_option("--kind", list_options->kind, "only this kind")
      ->check(CLI::IsMember({"exceedance", "missing-data", "device-offline"}));
  list->add_flag("--open", list_options->open, "only open incidents");
  list->add_flag("--case-candidates", list_options->candidates,
                 "only incidents flagged for the case procedure (unexplained in time)");
  list->add_flag("--withdrawn", list_options->withdrawn,
                 "also incidents withdrawn on re-evaluation");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto get_id = std::make_shared<std::string>();
  auto* get = incidents->add_subcommand(
      "get", "one incident with every window judged: value, limit, ratio, valid count, how");
  get->add_option("id", *get_id, "the incident: its number or incidents/ID")->required();
  get->callback([&ctx, get_id] {
    ctx.run = [&ctx, get_id] {
      IncidentName(*get_id);
      IncidentClient ic(ctx.connection);
      PrintIncident(ctx.connection, ic.client, ic.Get(*get_id), "");
      return kExitOk;
    };
  });

  auto explain_options = std::make_shared<ExplainOptions>();
  auto* explain = incidents->add_subcommand(
      "explain", "the enterprise explains an incident (情况说明) within the explanation window");
  explain->add_option("id", explain_options->id, "the incident")->required();
  explain
      ->add_option("--text", explain_options->text,
                   "cause, measures taken, evidence references (1-2000 characters)")
      ->required();
  explain->add_option("--etag", explain_options->etag, "refuse if the incident changed since");
  registry::AddRequestIdFlag(explain, explain_options->request_id);
  explain->callback([&ctx, explain_options] {
    ctx.run = [&ctx, explain_options] { return Explain(ctx.connection, *explain_options); };
  });
}

}  // namespace ecoctl
