// Rectification tasks (整改) through TaskService: tasks issue | get | list (officers),
// acknowledge | submit | extend (the enterprise), reinspect | reject | cancel (officers),
// decide-extension (supervisors).
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::BareUsername;
using registry::CharCount;
using registry::EnterpriseName;
using registry::FromName;
using registry::Keys;
using registry::NameOf;
using registry::RequestIdOrNew;
using registry::UsccOf;

// The server's limits, checked here only where it costs nothing (the server checks all).
constexpr int kMaxDeadlineDays = 365;
constexpr int kMaxActions = 20;
constexpr int kMaxEvidence = 20;
constexpr int kMaxReportChars = 4000;

const std::vector<std::pair<std::string, v1::Task::SourceKind>>& SourceKindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Task::SourceKind>>{
      {"exceedance", v1::Task::EXCEEDANCE_INCIDENT},
      {"complaint", v1::Task::COMPLAINT},
      {"inspection", v1::Task::INSPECTION},
      {"case", v1::Task::CASE_DECISION},
      {"permit-review", v1::Task::PERMIT_REVIEW},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Task::State>>& TaskStateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Task::State>>{
      {"issued", v1::Task::ISSUED},
      {"acknowledged", v1::Task::ACKNOWLEDGED},
      {"submitted", v1::Task::SUBMITTED},
      {"verified", v1::Task::VERIFIED},
      {"cancelled", v1::Task::CANCELLED},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Reinspection::Kind>>& KindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Reinspection::Kind>>{
      {"on-site", v1::Reinspection::ON_SITE},
      {"covert", v1::Reinspection::COVERT},
      {"non-site", v1::Reinspection::NON_SITE},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Reinspection::Outcome>>& OutcomeNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Reinspection::Outcome>>{
      {"corrected", v1::Reinspection::CORRECTED},
      {"not-corrected", v1::Reinspection::NOT_CORRECTED},
      {"obstructed", v1::Reinspection::OBSTRUCTED},
  };
  return *names;
}

std::string StateLabel(v1::Task::State s) {
  switch (s) {
    case v1::Task::ISSUED: return "issued 已下达";
    case v1::Task::ACKNOWLEDGED: return "acknowledged 已签收";
    case v1::Task::SUBMITTED: return "submitted 已提交整改报告";
    case v1::Task::VERIFIED: return "verified 已核实整改完成";
    case v1::Task::CANCELLED: return "cancelled 已撤销";
    default: return "?";
  }
}

std::string SourceKindLabel(v1::Task::SourceKind k) {
  switch (k) {
    case v1::Task::EXCEEDANCE_INCIDENT: return "exceedance 超标";
    case v1::Task::COMPLAINT: return "complaint 投诉";
    case v1::Task::INSPECTION: return "inspection 现场检查";
    case v1::Task::CASE_DECISION: return "case 案件决定";
    case v1::Task::PERMIT_REVIEW: return "permit-review 排污许可审查";
    default: return "?";
  }
}

std::string KindLabel(v1::Reinspection::Kind k) {
  switch (k) {
    case v1::Reinspection::ON_SITE: return "on-site 现场";
    case v1::Reinspection::COVERT: return "covert 暗查";
    case v1::Reinspection::NON_SITE: return "non-site 非现场";
    default: return "?";
  }
}

std::string OutcomeLabel(v1::Reinspection::Outcome o) {
  switch (o) {
    case v1::Reinspection::CORRECTED: return "corrected 已改正";
    case v1::Reinspection::NOT_CORRECTED: return "not-corrected 未改正";
    case v1::Reinspection::OBSTRUCTED: return "obstructed 拒绝、阻挠复查";
    default: return "?";
  }
}

std::string ExtensionStateLabel(v1::Extension::State s) {
  switch (s) {
    case v1::Extension::PENDING: return "pending 待审批";
    case v1::Extension::GRANTED: return "granted 已批准";
    case v1::Extension::REFUSED: return "refused 不予批准";
    default: return "?";
  }
}

// `tasks/{id}` for ID or tasks/ID.
std::string TaskName(const std::string& text) {
  return registry::NumberedName(text, "tasks", "task");
}

// The number in `tasks/{id}`, for the commands the output suggests.
std::string TaskId(const std::string& name) { return registry::LastSegment(name); }

std::string DeadlineText(const v1::Deadline& d) {
  return std::to_string(d.days()) + (d.working_days() ? " working days 工作日" : " days 自然日");
}

v1::Deadline MakeDeadline(int days, bool working_days) {
  v1::Deadline d;
  d.set_days(days);
  d.set_working_days(working_days);
  return d;
}

// Days from today (Asia/Shanghai) to the due date; negative once past.
int64_t DaysLeft(const v1::Task& t) { return DaysSinceEpoch(t.due_date()) - TodayInBeijing(); }

bool Closed(const v1::Task& t) {
  return t.state() == v1::Task::VERIFIED || t.state() == v1::Task::CANCELLED;
}

// "逾期 拒不改正" markers of a table row.
std::string Marks(const v1::Task& t) {
  std::string marks;
  if (t.overdue()) marks = "逾期";
  if (t.refused()) marks += std::string(marks.empty() ? "" : " ") + "拒不改正";
  if (t.has_extension() && t.extension().state() == v1::Extension::PENDING) {
    marks += std::string(marks.empty() ? "" : " ") + "延期待批";
  }
  return marks;
}

std::string DueText(const v1::Task& t) {
  std::string text = DateWithWeekday(t.due_date());
  if (!Closed(t)) {
    int64_t left = DaysLeft(t);
    if (t.overdue()) {
      text += left < 0 ? " (OVERDUE 逾期 " + std::to_string(-left) + " days)" : " (OVERDUE 逾期)";
    } else if (left == 0) {
      text += " (due today)";
    } else {
      text += " (in " + std::to_string(left) + " day" + (left == 1 ? "" : "s") + ")";
    }
  }
  if (t.due_provisional()) text += " provisional: that year's holidays are not loaded yet";
  return text;
}

// Calls TaskService as the signed-in user.
struct TaskClient {
  explicit TaskClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        tasks(v1::TaskService::NewStub(MakeChannel(c))) {}

  v1::Task Get(const std::string& id) {
    v1::GetTaskRequest request;
    request.set_name(TaskName(id));
    v1::Task task;
    Check(client.Call([&](grpc::ClientContext& ctx) {
      return tasks->GetTask(&ctx, request, &task);
    }));
    return task;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::TaskService::Stub> tasks;
};

void PrintRectification(const v1::Rectification& r) {
  std::cout << "\nrectification report 整改报告\n";
  std::string evidence = Joined(r.evidence());
  PrintFields(std::cout, {{"submitted", FormatTime(r.submit_time())},
                          {"by", BareUsername(r.submitted_by())},
                          {"evidence", evidence.empty() ? "(none)" : evidence}});
  std::istringstream lines(r.report());
  for (std::string line; std::getline(lines, line);) std::cout << "  " << line << "\n";
}

void PrintReinspections(const v1::Task& t) {
  std::cout << "\nre-inspections 复查 (" << t.reinspections_size() << ")\n";
  if (t.reinspections().empty()) return;
  Table table({"DATE", "KIND", "OUTCOME", "OFFICERS", "FINDINGS"});
  for (const v1::Reinspection& r : t.reinspections()) {
    std::string officers;
    for (const std::string& o : r.officers()) officers += (officers.empty() ? "" : ",") + BareUsername(o);
    table.AddRow({DateWithWeekday(r.date()), KindLabel(r.kind()), OutcomeLabel(r.outcome()),
                  officers, r.findings()});
  }
  table.Print(std::cout);
}

void PrintExtension(const v1::Extension& e) {
  std::cout << "\nextension 延期申请\n";
  Fields f = {{"state", ExtensionStateLabel(e.state())},
              {"extra", DeadlineText(e.extra())},
              {"reason", e.reason()},
              {"requested by", BareUsername(e.requested_by())}};
  if (!e.decided_by().empty()) f.emplace_back("decided by", BareUsername(e.decided_by()));
  if (!e.decision_note().empty()) f.emplace_back("note", e.decision_note());
  PrintFields(std::cout, f);
}

Fields TaskFields(const v1::Task& t, const std::string& enterprise_name) {
  Fields f = {{"task", t.name()}, {"title", t.title()}};
  f.emplace_back("enterprise", EnterpriseLabel(UsccOf(t.enterprise()), enterprise_name));
  if (!t.outlet().empty()) f.emplace_back("outlet", t.outlet().substr(t.outlet().rfind('/') + 1));
  f.emplace_back("source", SourceKindLabel(t.source_kind()) + " " + t.source());
  f.emplace_back("legal basis", t.legal_basis());
  f.emplace_back("state", StateLabel(t.state()));
  if (t.overdue()) f.emplace_back("overdue", "yes 逾期: past due and not closed");
  if (t.refused()) {
    f.emplace_back("refused", "yes 拒不改正: a re-inspection found it not corrected or obstructed");
  }
  if (!t.state_reason().empty()) f.emplace_back("reason", t.state_reason());
  f.emplace_back("deadline", DeadlineText(t.deadline()));
  f.emplace_back("due", DueText(t));
  f.emplace_back("issued", FormatTime(t.issue_time()) + " by " + BareUsername(t.issued_by()));
  f.emplace_back("updated", FormatTime(t.update_time()));
  f.emplace_back("etag", t.etag());
  return f;
}

// What the task waits for, as the command that does it.
std::string NextStep(const v1::Task& t) {
  std::string id = TaskId(t.name());
  if (t.has_extension() && t.extension().state() == v1::Extension::PENDING) {
    return "a supervisor decides the extension: `ecoctl tasks decide-extension " + id +
           " --grant|--refuse`";
  }
  switch (t.state()) {
    case v1::Task::ISSUED:
      return "the enterprise signs for it: `ecoctl tasks acknowledge " + id + "`";
    case v1::Task::ACKNOWLEDGED:
      return "the enterprise reports: `ecoctl tasks submit " + id + " --report …`";
    case v1::Task::SUBMITTED:
      return "officers re-inspect: `ecoctl tasks reinspect " + id +
             " --kind on-site --officer … --date … --outcome …`, or send the report back: "
             "`ecoctl tasks reject " + id + " --reason … --days N`";
    default: return "";
  }
}

// The task as fields, its actions, report, re-inspections and extension, or JSON.
void PrintTask(const Connection& c, AuthenticatedClient& client, const v1::Task& t,
               const std::string& headline, bool next_step) {
  if (c.json) {
    std::cout << ToJson(t) << "\n";
    return;
  }
  std::string enterprise_name = EnterpriseDisplayName(client, t.enterprise());
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, TaskFields(t, enterprise_name));
  PrintNumberedList(std::cout, "required actions 整改要求", t.required_actions());
  if (!t.evidence_required().empty()) {
    PrintNumberedList(std::cout, "evidence required 需提交的证明材料", t.evidence_required());
  }
  if (t.has_rectification()) PrintRectification(t.rectification());
  PrintReinspections(t);
  if (t.has_extension()) PrintExtension(t.extension());
  std::string next = next_step ? NextStep(t) : "";
  if (!next.empty()) std::cout << "\nnext: " << next << "\n";
}

// A transition refused because the task changed since it was read.
void CheckTransition(const grpc::Status& s, const std::string& etag, const std::string& request_id,
                     const std::string& name) {
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag + ") the task changed since it was read: look at it "
                      "again with `ecoctl tasks get " + TaskId(name) +
                      "` and repeat the command if it is still right");
  }
  CheckChange(s, request_id);
}

// --- issue --------------------------------------------------------------------------------

struct IssueOptions {
  std::string uscc;
  std::string source_kind;
  std::string source;
  std::string title;
  std::string basis;
  std::vector<std::string> actions;
  std::vector<std::string> evidence;
  std::string outlet;
  int days = 0;
  bool working_days = false;
  std::string request_id;
};

int Issue(const Connection& c, const IssueOptions& o) {
  if (o.actions.size() > static_cast<size_t>(kMaxActions)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxActions) +
                                       " --action (整改要求); combine related ones");
  }
  if (o.evidence.size() > static_cast<size_t>(kMaxEvidence)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxEvidence) + " --evidence");
  }
  v1::IssueTaskRequest request;
  v1::Task* t = request.mutable_task();
  t->set_enterprise(EnterpriseName(o.uscc));
  if (!o.outlet.empty()) t->set_outlet(registry::OutletName(o.uscc, o.outlet));
  t->set_source_kind(FromName(SourceKindNames(), o.source_kind));
  t->set_source(o.source);
  t->set_title(o.title);
  t->set_legal_basis(o.basis);
  for (const std::string& a : o.actions) t->add_required_actions(a);
  for (const std::string& e : o.evidence) t->add_evidence_required(e);
  *t->mutable_deadline() = MakeDeadline(o.days, o.working_days);
  TaskClient tc(c);
  request.set_request_id(RequestIdOrNew(o.request_id));
  int64_t asked = NowSeconds();
  v1::Task issued;
  grpc::Status s = tc.client.Call([&](grpc::ClientContext& ctx) {
    return tc.tasks->IssueTask(&ctx, request, &issued);
  });
  CheckChange(s, request.request_id());
  // Issuing again for the same finding answers with the task issued then: it has moved
  // on, says something else, or is older than this call (a minute of slack for the clocks
  // of this machine and the server).
  bool same_words = issued.title() == t->title() && issued.legal_basis() == t->legal_basis() &&
                    issued.deadline().SerializeAsString() == t->deadline().SerializeAsString();
  bool changed_since = issued.update_time().SerializeAsString() !=
                       issued.issue_time().SerializeAsString();
  bool earlier = issued.state() != v1::Task::ISSUED || changed_since || !same_words ||
                 issued.issue_time().seconds() < asked - 60;
  PrintTask(c, tc.client, issued,
            (earlier ? "already issued for this finding on " + FormatTime(issued.issue_time()) +
                           ": "
                     : "issued ") +
                issued.name() + ", due " + DateWithWeekday(issued.due_date()),
            /*next_step=*/true);
  return kExitOk;
}

// --- get, list ----------------------------------------------------------------------------

int Get(const Connection& c, const std::string& id) {
  TaskName(id);  // A malformed number is a usage error even when not signed in.
  TaskClient tc(c);
  PrintTask(c, tc.client, tc.Get(id), "", /*next_step=*/false);
  return kExitOk;
}

struct ListOptions {
  std::string enterprise;
  std::string state;
  bool overdue = false;
  int due_within_days = 0;
  std::string district;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  TaskClient tc(c);
  v1::ListTasksRequest request;
  if (!o.enterprise.empty()) request.set_enterprise(EnterpriseName(o.enterprise));
  if (!o.state.empty()) request.set_state(FromName(TaskStateNames(), o.state));
  request.set_overdue_only(o.overdue);
  request.set_due_within_days(o.due_within_days);
  request.set_district_code(o.district);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListTasksResponse>(
      tc.client, request, o.page_size > 0,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return tc.tasks->ListTasks(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  std::set<std::string> usccs;
  for (const v1::Task& t : all.tasks()) usccs.insert(UsccOf(t.enterprise()));
  auto names = EnterpriseDisplayNames(tc.client, usccs, o.district);
  Table table({"TASK", "ENTERPRISE", "TITLE", "STATE", "DUE", "DAYS LEFT", "MARKS"});
  for (const v1::Task& t : all.tasks()) {
    std::string uscc = UsccOf(t.enterprise());
    table.AddRow({TaskId(t.name()), names[uscc].empty() ? uscc : names[uscc], t.title(),
                  NameOf(TaskStateNames(), t.state()), DateWithWeekday(t.due_date()),
                  Closed(t) ? "" : std::to_string(DaysLeft(t)), Marks(t)});
  }
  table.Print(std::cout);
  std::cout << all.tasks_size() << (all.tasks_size() == 1 ? " task\n" : " tasks\n");
  if (!all.next_page_token().empty()) {
    // The token is bound to the query: the next page needs the same filters.
    std::cout << "more: ecoctl tasks list";
    if (!o.enterprise.empty()) std::cout << " --enterprise " << o.enterprise;
    if (!o.state.empty()) std::cout << " --state " << o.state;
    if (o.overdue) std::cout << " --overdue";
    if (o.due_within_days > 0) std::cout << " --due-within-days " << o.due_within_days;
    if (!o.district.empty()) std::cout << " --district " << o.district;
    std::cout << " --page-size " << o.page_size << " --page-token " << all.next_page_token()
              << "\n";
  }
  return kExitOk;
}

// --- transitions --------------------------------------------------------------------------

struct TransitionOptions {
  std::string id;
  std::string report;                 // submit
  std::string report_file;            // submit
  std::vector<std::string> evidence;  // submit
  std::string reason;                 // extend, reject, cancel
  int days = 0;                       // extend, reject, reinspect
  bool working_days = false;          // extend, reject, reinspect
  std::string kind;                   // reinspect
  std::vector<std::string> officers;  // reinspect
  std::string date;                   // reinspect
  std::string outcome;                // reinspect
  std::string findings;               // reinspect
  bool grant = false;                 // decide-extension
  bool refuse = false;                // decide-extension
  std::string note;                   // decide-extension
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

// Reads the task for its etag, builds the request with `fill(request, current)` and sends
// it with `send`; prints the task with `headline(changed)`.
template <typename Request, typename Fill, typename Send, typename Headline>
int Transition(const Connection& c, const TransitionOptions& o, Fill fill, Send send,
               Headline headline) {
  TaskName(o.id);  // A malformed number is a usage error even when not signed in.
  TaskClient tc(c);
  v1::Task current = tc.Get(o.id);
  Request request;
  request.set_name(current.name());
  fill(request, current, tc);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Task changed;
  grpc::Status s = tc.client.Call([&](grpc::ClientContext& ctx) {
    return send(*tc.tasks, ctx, request, &changed);
  });
  CheckTransition(s, request.etag(), request.request_id(), current.name());
  PrintTask(c, tc.client, changed, headline(changed), /*next_step=*/true);
  return kExitOk;
}

int Acknowledge(const Connection& c, const TransitionOptions& o) {
  return Transition<v1::AcknowledgeTaskRequest>(
      c, o, [](auto&, const v1::Task&, TaskClient&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.AcknowledgeTask(&ctx, r, out);
      },
      [](const v1::Task& t) {
        return "acknowledged " + t.name() + " (已签收), due " + DateWithWeekday(t.due_date());
      });
}

std::string ReportText(const TransitionOptions& o) {
  std::string report = o.report;
  if (!o.report_file.empty()) {
    std::ifstream in(o.report_file, std::ios::binary);
    if (!in) throw CommandError(kExitUsage, "--report-file " + o.report_file + ": cannot read it");
    std::stringstream ss;
    ss << in.rdbuf();
    report = ss.str();
    while (!report.empty() && (report.back() == '\n' || report.back() == '\r')) report.pop_back();
  }
  if (report.empty()) {
    throw CommandError(kExitUsage, "the report is empty: give --report TEXT or --report-file F");
  }
  if (CharCount(report) > kMaxReportChars) {
    throw CommandError(kExitUsage, "the report has " + std::to_string(CharCount(report)) +
                                       " characters; at most " +
                                       std::to_string(kMaxReportChars) +
                                       ": hand in the full text as evidence and summarise it");
  }
  return report;
}

int Submit(const Connection& c, const TransitionOptions& o) {
  if (o.report.empty() == o.report_file.empty()) {
    throw CommandError(kExitUsage, "give the report as --report TEXT or --report-file F (one)");
  }
  if (o.evidence.size() > static_cast<size_t>(kMaxEvidence)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxEvidence) + " --evidence");
  }
  std::string report = ReportText(o);
  return Transition<v1::SubmitRectificationRequest>(
      c, o,
      [&](auto& r, const v1::Task&, TaskClient&) {
        r.mutable_rectification()->set_report(report);
        for (const std::string& e : o.evidence) r.mutable_rectification()->add_evidence(e);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.SubmitRectification(&ctx, r, out);
      },
      [](const v1::Task& t) {
        return "submitted the rectification report of " + t.name() + " (已提交整改报告)";
      });
}

int Extend(const Connection& c, const TransitionOptions& o) {
  return Transition<v1::RequestExtensionRequest>(
      c, o,
      [&](auto& r, const v1::Task&, TaskClient&) {
        r.mutable_extension()->set_reason(o.reason);
        *r.mutable_extension()->mutable_extra() = MakeDeadline(o.days, o.working_days);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.RequestExtension(&ctx, r, out);
      },
      [&](const v1::Task& t) {
        return "asked for " + DeadlineText(t.extension().extra()) + " more on " + t.name() +
               " (延期申请, pending); due " + DateWithWeekday(t.due_date()) + " until granted";
      });
}

int Reinspect(const Connection& c, const TransitionOptions& o) {
  auto outcome = FromName(OutcomeNames(), o.outcome);
  bool reopens = outcome != v1::Reinspection::CORRECTED;
  bool days_given = o.cmd->count("--days") > 0;
  if (reopens && !days_given) {
    throw CommandError(kExitUsage, "--outcome " + o.outcome +
                                       " reopens the task (拒不改正): give the new deadline "
                                       "with --days N [--working-days]");
  }
  if (!reopens && (days_given || o.working_days)) {
    throw CommandError(kExitUsage, "--days is the new deadline after not-corrected or "
                                   "obstructed; corrected closes the task");
  }
  google::type::Date date;
  ParseDate(o.date, &date);
  if (DaysSinceEpoch(date) > TodayInBeijing()) {
    throw CommandError(kExitUsage, "--date " + o.date + " is in the future (Beijing time)");
  }
  return Transition<v1::RecordReinspectionRequest>(
      c, o,
      [&](auto& r, const v1::Task&, TaskClient& tc) {
        v1::Reinspection* ri = r.mutable_reinspection();
        ri->set_kind(FromName(KindNames(), o.kind));
        // The caller is always one of the officers.
        std::vector<std::string> officers = {BareUsername(tc.client.session().username())};
        for (const std::string& given : o.officers) {
          std::string name = BareUsername(given);
          bool seen = false;
          for (const std::string& known : officers) seen = seen || known == name;
          if (!seen) officers.push_back(name);
        }
        if (ri->kind() == v1::Reinspection::ON_SITE && officers.size() < 2) {
          throw CommandError(kExitUsage, "an on-site re-inspection (现场复查) needs at least two "
                                         "officers: name the other with --officer USER");
        }
        for (const std::string& name : officers) ri->add_officers(name);
        *ri->mutable_date() = date;
        ri->set_outcome(outcome);
        ri->set_findings(o.findings);
        if (reopens) *r.mutable_new_deadline() = MakeDeadline(o.days, o.working_days);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.RecordReinspection(&ctx, r, out);
      },
      [](const v1::Task& t) {
        if (t.state() == v1::Task::VERIFIED) {
          return "re-inspected " + t.name() + ": corrected, VERIFIED 已核实整改完成 (closed)";
        }
        return "re-inspected " + t.name() + ": REFUSED 拒不改正, reopened (" +
               StateLabel(t.state()) + "), new due date " + DateWithWeekday(t.due_date());
      });
}

int Reject(const Connection& c, const TransitionOptions& o) {
  return Transition<v1::RejectRectificationRequest>(
      c, o,
      [&](auto& r, const v1::Task&, TaskClient&) {
        r.set_reason(o.reason);
        *r.mutable_new_deadline() = MakeDeadline(o.days, o.working_days);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.RejectRectification(&ctx, r, out);
      },
      [](const v1::Task& t) {
        return "sent the report of " + t.name() + " back: issued again, due " +
               DateWithWeekday(t.due_date());
      });
}

int DecideExtension(const Connection& c, const TransitionOptions& o) {
  if (o.grant == o.refuse) {
    throw CommandError(kExitUsage, "give --grant or --refuse (one)");
  }
  return Transition<v1::DecideExtensionRequest>(
      c, o,
      [&](auto& r, const v1::Task&, TaskClient&) {
        r.set_grant(o.grant);
        r.set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.DecideExtension(&ctx, r, out);
      },
      [&](const v1::Task& t) {
        return std::string(o.grant ? "granted" : "refused") + " the extension of " + t.name() +
               ": due " + DateWithWeekday(t.due_date());
      });
}

int Cancel(const Connection& c, const TransitionOptions& o) {
  return Transition<v1::CancelTaskRequest>(
      c, o, [&](auto& r, const v1::Task&, TaskClient&) { r.set_reason(o.reason); },
      [](auto& stub, auto& ctx, const auto& r, v1::Task* out) {
        return stub.CancelTask(&ctx, r, out);
      },
      [](const v1::Task& t) { return "cancelled " + t.name() + " (已撤销)"; });
}

// A subcommand on one task with the flags every transition takes.
CLI::App* AddTaskCommand(CLI::App* tasks, const char* name, const char* description,
                         const std::shared_ptr<TransitionOptions>& o) {
  auto* cmd = tasks->add_subcommand(name, description);
  o->cmd = cmd;
  cmd->add_option("id", o->id, "the task: its number or tasks/ID")->required();
  cmd->add_option("--etag", o->etag,
                  "only if the task still has this etag (from an earlier get); default: the "
                  "etag read just before");
  registry::AddRequestIdFlag(cmd, o->request_id);
  return cmd;
}

void AddPeriodFlags(CLI::App* cmd, TransitionOptions& o, const char* what) {
  cmd->add_option("--days", o.days, what)->check(CLI::Range(1, kMaxDeadlineDays));
  cmd->add_flag("--working-days", o.working_days,
                "count working days (工作日, the platform calendar) instead of calendar days");
}

}  // namespace

void AddTaskCommands(CLI::App& app, Context& ctx) {
  auto* tasks = app.add_subcommand(
      "tasks",
      "rectification tasks (整改): officers issue and re-inspect (复查); the enterprise "
      "acknowledges, reports and asks for more time; supervisors decide extensions. Times "
      "and dates in Beijing time (UTC+8)");
  tasks->require_subcommand(1);

  auto issue_options = std::make_shared<IssueOptions>();
  auto* issue = tasks->add_subcommand(
      "issue",
      "order an enterprise to correct a finding by a date (officer); issuing again for the "
      "same --source-kind and --source answers with the task already issued");
  issue->add_option("uscc", issue_options->uscc, "the enterprise's credit code")->required();
  issue->add_option("--source-kind", issue_options->source_kind, "what the finding is")
      ->required()
      ->check(CLI::IsMember(Keys(SourceKindNames())));
  issue->add_option("--source", issue_options->source,
                    "the finding: incidents/123, complaints/45, cases/7 or the inspection "
                    "record number")
      ->required();
  issue->add_option("--title", issue_options->title, "short title, e.g. 总排口氨氮超标整改")
      ->required();
  issue->add_option("--basis", issue_options->basis,
                    "legal basis (法律依据), e.g. 《中华人民共和国水污染防治法》第八十三条")
      ->required();
  issue->add_option("--action", issue_options->actions,
                    "what must be done (整改要求), repeatable, 1-20")
      ->required()
      ->allow_extra_args(false);
  issue->add_option("--evidence", issue_options->evidence,
                    "proof the enterprise must hand in, repeatable, e.g. 整改前后照片")
      ->allow_extra_args(false);
  issue->add_option("--outlet", issue_options->outlet, "the outlet concerned, e.g. DW001");
  issue->add_option("--days", issue_options->days,
                    "the period, counted from the day after issue")
      ->required()
      ->check(CLI::Range(1, kMaxDeadlineDays));
  issue->add_flag("--working-days", issue_options->working_days,
                  "count working days (工作日, the platform calendar) instead of calendar days");
  registry::AddRequestIdFlag(issue, issue_options->request_id);
  issue->callback([&ctx, issue_options] {
    ctx.run = [&ctx, issue_options] { return Issue(ctx.connection, *issue_options); };
  });

  auto get_id = std::make_shared<std::string>();
  auto* get = tasks->add_subcommand(
      "get", "one task: actions, due date, the latest report, re-inspections, extension");
  get->add_option("id", *get_id, "the task: its number or tasks/ID")->required();
  get->callback([&ctx, get_id] {
    ctx.run = [&ctx, get_id] { return Get(ctx.connection, *get_id); };
  });

  auto list_options = std::make_shared<ListOptions>();
  auto* list = tasks->add_subcommand(
      "list", "tasks in your scope, newest first (an enterprise: its own)");
  list->add_option("--enterprise", list_options->enterprise, "only this enterprise (credit code)");
  list->add_option("--state", list_options->state, "only this state")
      ->check(CLI::IsMember(Keys(TaskStateNames())));
  list->add_flag("--overdue", list_options->overdue, "only open tasks past due (逾期)");
  list->add_option("--due-within-days", list_options->due_within_days,
                   "only open tasks due within this many days from today")
      ->check(CLI::Range(1, kMaxDeadlineDays));
  list->add_option("--district", list_options->district,
                   "only enterprises in this district (a city code covers its districts)");
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto ack_options = std::make_shared<TransitionOptions>();
  AddTaskCommand(tasks, "acknowledge", "sign for an issued task (签收; enterprise)", ack_options)
      ->callback([&ctx, ack_options] {
        ctx.run = [&ctx, ack_options] { return Acknowledge(ctx.connection, *ack_options); };
      });

  auto submit_options = std::make_shared<TransitionOptions>();
  auto* submit = AddTaskCommand(
      tasks, "submit", "hand in the rectification report (整改报告; enterprise)", submit_options);
  auto* report =
      submit->add_option("--report", submit_options->report, "the report, 1-4000 characters");
  submit->add_option("--report-file", submit_options->report_file, "the report from a UTF-8 file")
      ->excludes(report);
  submit->add_option("--evidence", submit_options->evidence,
                     "a reference to evidence handed in (evidence id, document number), "
                     "repeatable")
      ->allow_extra_args(false);
  submit->callback([&ctx, submit_options] {
    ctx.run = [&ctx, submit_options] { return Submit(ctx.connection, *submit_options); };
  });

  auto extend_options = std::make_shared<TransitionOptions>();
  auto* extend = AddTaskCommand(
      tasks, "extend", "ask for more time, with a reason (延期申请; enterprise)", extend_options);
  extend->add_option("--reason", extend_options->reason, "why, 1-200 characters")->required();
  AddPeriodFlags(extend, *extend_options, "the extra time, added to the current due date");
  extend->get_option("--days")->required();
  extend->callback([&ctx, extend_options] {
    ctx.run = [&ctx, extend_options] { return Extend(ctx.connection, *extend_options); };
  });

  auto reinspect_options = std::make_shared<TransitionOptions>();
  auto* reinspect = AddTaskCommand(
      tasks, "reinspect",
      "record a re-inspection (复查; officer): corrected closes the task as verified; "
      "not-corrected and obstructed mark it refused (拒不改正) and reopen it with a new "
      "deadline",
      reinspect_options);
  reinspect->add_option("--kind", reinspect_options->kind,
                        "on-site (现场, at least two officers), covert (暗查) or non-site "
                        "(非现场, from online monitoring data)")
      ->required()
      ->check(CLI::IsMember(Keys(KindNames())));
  reinspect->add_option("--officer", reinspect_options->officers,
                        "another officer present (username), repeatable; you are always one")
      ->allow_extra_args(false);
  reinspect->add_option("--date", reinspect_options->date,
                        "the day of the re-inspection, YYYY-MM-DD (Beijing), not in the future")
      ->required()
      ->check(registry::DateShape);
  reinspect->add_option("--outcome", reinspect_options->outcome, "what it found")
      ->required()
      ->check(CLI::IsMember(Keys(OutcomeNames())));
  reinspect->add_option("--findings", reinspect_options->findings, "what was found")->required();
  AddPeriodFlags(reinspect, *reinspect_options,
                 "the new deadline (required for not-corrected and obstructed)");
  reinspect->callback([&ctx, reinspect_options] {
    ctx.run = [&ctx, reinspect_options] { return Reinspect(ctx.connection, *reinspect_options); };
  });

  auto reject_options = std::make_shared<TransitionOptions>();
  auto* reject = AddTaskCommand(
      tasks, "reject",
      "send a submitted report back without a re-inspection: issued again with a new "
      "deadline (officer)",
      reject_options);
  reject->add_option("--reason", reject_options->reason, "why the report does not suffice")
      ->required();
  AddPeriodFlags(reject, *reject_options, "the new period, from today");
  reject->get_option("--days")->required();
  reject->callback([&ctx, reject_options] {
    ctx.run = [&ctx, reject_options] { return Reject(ctx.connection, *reject_options); };
  });

  auto decide_options = std::make_shared<TransitionOptions>();
  auto* decide = AddTaskCommand(
      tasks, "decide-extension",
      "grant (the due date moves) or refuse the pending extension request (supervisor)",
      decide_options);
  auto* grant = decide->add_flag("--grant", decide_options->grant, "grant it");
  decide->add_flag("--refuse", decide_options->refuse, "refuse it")->excludes(grant);
  decide->add_option("--note", decide_options->note, "the decision's words");
  decide->callback([&ctx, decide_options] {
    ctx.run = [&ctx, decide_options] {
      return DecideExtension(ctx.connection, *decide_options);
    };
  });

  auto cancel_options = std::make_shared<TransitionOptions>();
  auto* cancel = AddTaskCommand(
      tasks, "cancel",
      "withdraw a task that is not closed (撤销; officer, supervisor), e.g. wrong enterprise "
      "or finding annulled",
      cancel_options);
  cancel->add_option("--reason", cancel_options->reason, "why (required)")->required();
  cancel->callback([&ctx, cancel_options] {
    ctx.run = [&ctx, cancel_options] { return Cancel(ctx.connection, *cancel_options); };
  });
}

}  // namespace ecoctl
