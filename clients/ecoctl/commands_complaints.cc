// Hotline complaints (投诉举报, 12369 / 12345 / 来信来访) through ComplaintService:
// complaints create (the hotline; integration for 12345 work orders) | get | list |
// duplicates (staff), accept | reject | dispatch | reroute | route-out | reply | close |
// merge (the hotline, supervisors), findings (officers, supervisors), revisit | reveal (the
// hotline), extend (supervisors), sla | calendar (anyone signed in).
#include <cmath>
#include <cstdio>
#include <ctime>
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
#include "ecocase/v1/complaint.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::BareUsername;
using registry::CharCount;
using registry::DistrictLabel;
using registry::DistrictShort;
using registry::EnterpriseName;
using registry::FromName;
using registry::Keys;
using registry::NameOf;
using registry::RequestIdOrNew;
using registry::UsccOf;

// The server's limits, checked here only where it costs nothing (the server checks all).
constexpr int kMaxAttachments = 20;
constexpr int kMaxActions = 20;
constexpr int kMaxDeadlineDays = 365;

// --- Names ----------------------------------------------------------------------------------

const std::vector<std::pair<std::string, v1::ComplaintChannel>>& ChannelNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ComplaintChannel>>{
      {"12369-phone", v1::HOTLINE_12369_PHONE},
      {"12369-wechat", v1::HOTLINE_12369_WECHAT},
      {"12369-web", v1::HOTLINE_12369_WEB},
      {"12345", v1::HOTLINE_12345_TRANSFER},
      {"letter", v1::LETTER_VISIT},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::ComplaintCategory>>& CategoryNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ComplaintCategory>>{
      {"air", v1::AIR},         {"water", v1::WATER},
      {"noise", v1::NOISE},     {"solid-waste", v1::SOLID_WASTE},
      {"soil", v1::SOIL},       {"radiation", v1::RADIATION},
      {"ecology", v1::ECOLOGY}, {"other", v1::OTHER},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::ComplaintUrgency>>& UrgencyNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ComplaintUrgency>>{
      {"normal", v1::NORMAL},
      {"urgent", v1::URGENT},
      {"emergency", v1::EMERGENCY},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Complaint::State>>& StateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Complaint::State>>{
      {"received", v1::Complaint::RECEIVED},
      {"accepted", v1::Complaint::ACCEPTED},
      {"not-accepted", v1::Complaint::NOT_ACCEPTED},
      {"dispatched", v1::Complaint::DISPATCHED},
      {"routed-out", v1::Complaint::ROUTED_OUT},
      {"findings-recorded", v1::Complaint::FINDINGS_RECORDED},
      {"replied", v1::Complaint::REPLIED},
      {"revisited", v1::Complaint::REVISITED},
      {"closed", v1::Complaint::CLOSED},
      {"merged", v1::Complaint::MERGED},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Acceptance::Ground>>& GroundNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Acceptance::Ground>>{
      {"outside-remit", v1::Acceptance::OUTSIDE_REMIT},
      {"other-procedure", v1::Acceptance::OTHER_PROCEDURE},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Findings::Outcome>>& OutcomeNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Findings::Outcome>>{
      {"verified", v1::Findings::VERIFIED},
      {"partly", v1::Findings::PARTLY_VERIFIED},
      {"not-verified", v1::Findings::NOT_VERIFIED},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Satisfaction>>& SatisfactionNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Satisfaction>>{
      {"satisfied", v1::SATISFIED},
      {"basic", v1::BASICALLY_SATISFIED},
      {"dissatisfied", v1::DISSATISFIED},
      {"unreachable", v1::UNREACHABLE},
  };
  return *names;
}

std::string ChannelLabel(v1::ComplaintChannel c) {
  switch (c) {
    case v1::HOTLINE_12369_PHONE: return "12369-phone 12369热线电话";
    case v1::HOTLINE_12369_WECHAT: return "12369-wechat 12369微信";
    case v1::HOTLINE_12369_WEB: return "12369-web 12369网络举报";
    case v1::HOTLINE_12345_TRANSFER: return "12345 12345转办工单";
    case v1::LETTER_VISIT: return "letter 来信来访";
    default: return "?";
  }
}

std::string CategoryWord(v1::ComplaintCategory c) {
  switch (c) {
    case v1::AIR: return "大气";
    case v1::WATER: return "水";
    case v1::NOISE: return "噪声";
    case v1::SOLID_WASTE: return "固体废物";
    case v1::SOIL: return "土壤";
    case v1::RADIATION: return "辐射";
    case v1::ECOLOGY: return "生态";
    case v1::OTHER: return "其他";
    default: return "?";
  }
}

std::string CategoryLabel(v1::ComplaintCategory c) {
  return NameOf(CategoryNames(), c) + " " + CategoryWord(c);
}

std::string UrgencyLabel(v1::ComplaintUrgency u) {
  switch (u) {
    case v1::NORMAL: return "normal 一般";
    case v1::URGENT: return "urgent 紧急";
    case v1::EMERGENCY: return "emergency 突发";
    default: return "?";
  }
}

std::string StateLabel(const v1::Complaint& c) {
  std::string label = c.state_label();
  if (label.empty()) {
    switch (c.state()) {
      case v1::Complaint::RECEIVED: label = "登记"; break;
      case v1::Complaint::ACCEPTED: label = "受理"; break;
      case v1::Complaint::NOT_ACCEPTED: label = "不予受理"; break;
      case v1::Complaint::DISPATCHED: label = "交办"; break;
      case v1::Complaint::ROUTED_OUT: label = "转出"; break;
      case v1::Complaint::FINDINGS_RECORDED: label = "查处/核实"; break;
      case v1::Complaint::REPLIED: label = "答复"; break;
      case v1::Complaint::REVISITED: label = "回访"; break;
      case v1::Complaint::CLOSED: label = "办结"; break;
      case v1::Complaint::MERGED: label = "并案"; break;
      default: break;
    }
  }
  return NameOf(StateNames(), c.state()) + " " + label;
}

std::string GroundLabel(v1::Acceptance::Ground g) {
  switch (g) {
    case v1::Acceptance::OUTSIDE_REMIT: return "outside-remit 不属于生态环境部门职责";
    case v1::Acceptance::OTHER_PROCEDURE:
      return "other-procedure 应当或已经通过诉讼、仲裁、行政复议等途径解决";
    case v1::Acceptance::REPEAT_REPORT: return "repeat-report 同一举报人重复举报已受理事项";
    default: return "?";
  }
}

std::string OutcomeLabel(v1::Findings::Outcome o) {
  switch (o) {
    case v1::Findings::VERIFIED: return "verified 属实";
    case v1::Findings::PARTLY_VERIFIED: return "partly 部分属实";
    case v1::Findings::NOT_VERIFIED: return "not-verified 不属实";
    default: return "?";
  }
}

std::string SatisfactionLabel(v1::Satisfaction s) {
  switch (s) {
    case v1::SATISFIED: return "satisfied 满意";
    case v1::BASICALLY_SATISFIED: return "basic 基本满意";
    case v1::DISSATISFIED: return "dissatisfied 不满意";
    case v1::UNREACHABLE: return "unreachable 未能联系";
    default: return "?";
  }
}

// `complaints/{id}` for ID or complaints/ID.
std::string ComplaintName(const std::string& text) {
  return registry::NumberedName(text, "complaints", "complaint");
}

// The number in `complaints/{id}`, for the commands the output suggests.
std::string ComplaintId(const std::string& name) { return registry::LastSegment(name); }

bool Closed(const v1::Complaint& c) {
  switch (c.state()) {
    case v1::Complaint::NOT_ACCEPTED:
    case v1::Complaint::ROUTED_OUT:
    case v1::Complaint::CLOSED:
    case v1::Complaint::MERGED: return true;
    default: return false;
  }
}

// --- Time -------------------------------------------------------------------------------------

// "2026-03-05 14:03 周四" (Beijing), without seconds: for due instants and table cells.
std::string ShortTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  std::string full = FormatTime(t);  // "2026-03-05 14:03:22 +08:00"
  return full.substr(0, 16) + " " + Weekday((t.seconds() + 8 * 3600) / 86400);
}

// A day-based limit runs out at 24:00 Beijing of its last day: the due instant is midnight.
bool EndOfDay(const google::protobuf::Timestamp& due) {
  return ((due.seconds() + 8 * 3600) % 86400) == 0 && due.nanos() == 0;
}

// An instant that may end a day-based limit: the last day when it is 24:00 ("2026-03-20
// 周五"), else the time.
std::string DueInstant(const google::protobuf::Timestamp& due) {
  if (!EndOfDay(due)) return ShortTime(due);
  int64_t day = (due.seconds() + 8 * 3600) / 86400 - 1;
  std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof(out), "%Y-%m-%d", &tm);
  return std::string(out) + " " + Weekday(day);
}

// A due instant as people read it: the last day ("2026-03-20 周五") when the limit is in
// days, else the time ("2026-03-05 16:30 周四").
std::string DueWhen(const google::protobuf::Timestamp& due, const google::type::Date& date) {
  if (EndOfDay(due) && IsSet(date)) return DateWithWeekday(date);
  return ShortTime(due);
}

// "(in 3 days)", "(in 5 h)", "(due today)", "(OVERDUE 逾期 2 days)" for a running clock.
std::string DueLeft(const google::protobuf::Timestamp& due, const google::type::Date& date,
                    bool overdue) {
  if (EndOfDay(due) && IsSet(date)) return DaysLeftText(date, overdue);
  int64_t seconds = due.seconds() - NowSeconds();
  if (overdue || seconds <= 0) {
    int64_t hours = (-seconds) / 3600;
    return hours >= 48 ? "(OVERDUE 逾期 " + std::to_string(hours / 24) + " days)"
                       : "(OVERDUE 逾期 " + std::to_string(hours) + " h " +
                             std::to_string((-seconds) % 3600 / 60) + " min)";
  }
  if (seconds >= 48 * 3600) return "(in " + std::to_string(seconds / 86400) + " days)";
  return "(in " + std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) +
         " min)";
}

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

// --- Client --------------------------------------------------------------------------------

// Calls ComplaintService as the signed-in user.
struct ComplaintClient {
  explicit ComplaintClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        complaints(v1::ComplaintService::NewStub(MakeChannel(c))) {}

  v1::Complaint Get(const std::string& id) {
    v1::GetComplaintRequest request;
    request.set_name(ComplaintName(id));
    v1::Complaint complaint;
    Check(client.Call([&](grpc::ClientContext& ctx) {
      return complaints->GetComplaint(&ctx, request, &complaint);
    }));
    return complaint;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::ComplaintService::Stub> complaints;
};

// --- Printing --------------------------------------------------------------------------------

std::string ReporterText(const v1::Reporter& r) {
  if (r.anonymous()) return "anonymous 匿名";
  std::string text = r.name().empty() ? "(no name 未留姓名)" : r.name();
  if (!r.phone().empty()) text += " " + r.phone();
  if (r.masked()) text += " (masked 已脱敏)";
  return text;
}

std::string AssignmentText(const v1::Assignment& a) {
  std::string text = DistrictLabel(a.district_code());
  if (!a.team().empty()) text += " " + a.team();
  if (!a.officer().empty()) text += " " + BareUsername(a.officer());
  return text;
}

// The clock that runs now: acceptance while RECEIVED, closure while accepted and open.
// Empty for a closed complaint.
std::string RunningDue(const v1::Complaint& c) {
  if (Closed(c)) return "";
  const v1::ComplaintDeadlines& d = c.deadlines();
  if (c.state() == v1::Complaint::RECEIVED) {
    return "受理 " + DueWhen(d.acceptance_due(), d.acceptance_due_date());
  }
  return "办结 " + DueWhen(d.closure_due(), d.closure_due_date());
}

// "受理逾期 紧急 线索 重办1" markers of a table row.
std::string Marks(const v1::Complaint& c) {
  std::vector<std::string> marks;
  if (c.deadlines().acceptance_overdue()) marks.push_back("受理逾期");
  if (c.deadlines().closure_overdue()) marks.push_back("办结逾期");
  if (c.urgency() == v1::URGENT) marks.push_back("紧急");
  if (c.urgency() == v1::EMERGENCY) marks.push_back("突发");
  if (c.case_clue()) marks.push_back("线索");
  if (c.reopen_count() > 0) marks.push_back("重办" + std::to_string(c.reopen_count()));
  if (!c.master().empty()) marks.push_back("→" + ComplaintId(c.master()));
  if (c.linked_size() > 0) marks.push_back("并" + std::to_string(c.linked_size()));
  std::string out;
  for (const std::string& m : marks) out += (out.empty() ? "" : " ") + m;
  return out;
}

// The complaint's own fields, top to bottom as a case sheet (受理单) reads.
Fields ComplaintFields(const v1::Complaint& c, const std::string& enterprise_name) {
  Fields f = {{"complaint 投诉", c.name()}, {"channel 渠道", ChannelLabel(c.channel())}};
  if (!c.external_order_number().empty()) {
    f.emplace_back("order 工单号", c.external_order_number());
  }
  f.emplace_back("state 状态", StateLabel(c));
  f.emplace_back("category 类别", CategoryLabel(c.category()));
  f.emplace_back("urgency 紧急程度", UrgencyLabel(c.urgency()));
  f.emplace_back("reporter 举报人", ReporterText(c.reporter()));
  f.emplace_back("address 地址", c.location().address());
  f.emplace_back("district 区县", DistrictLabel(c.location().district_code()));
  if (c.location().has_lat_lng()) {
    f.emplace_back("location 坐标", registry::LocationText(c.location().lat_lng()));
  }
  if (!c.enterprise().empty()) {
    std::string uscc = UsccOf(c.enterprise());
    f.emplace_back("enterprise 被举报单位", EnterpriseLabel(uscc, enterprise_name));
  }
  f.emplace_back("description 举报内容", c.description());
  if (!c.attachments().empty()) f.emplace_back("attachments 附件", Joined(c.attachments()));
  if (c.has_acceptance() && IsSet(c.acceptance().decide_time())) {
    const v1::Acceptance& a = c.acceptance();
    std::string who = FormatTime(a.decide_time()) + " by " + BareUsername(a.decided_by());
    if (a.accepted()) {
      f.emplace_back("acceptance 受理", "accepted 予以受理, " + who);
    } else {
      f.emplace_back("acceptance 受理", "not accepted 不予受理, " + who);
      f.emplace_back("ground 理由类别", GroundLabel(a.ground()));
      if (!a.reason().empty()) f.emplace_back("reason 理由", a.reason());
      if (!a.authority().empty()) f.emplace_back("approach 告知途径", a.authority());
    }
  }
  if (c.has_assignment() && !c.assignment().district_code().empty()) {
    f.emplace_back("assigned 承办", AssignmentText(c.assignment()));
  }
  if (c.reopen_count() > 0) {
    f.emplace_back("reopened 重新办理", std::to_string(c.reopen_count()) + " time(s) 次");
  }
  if (c.case_clue()) f.emplace_back("case clue 案件线索", "yes 是 (verified findings 核查属实)");
  if (!c.master().empty()) {
    f.emplace_back("master 主件",
                   c.master() + (c.state() == v1::Complaint::MERGED ? " (merged into it 已并案)"
                                                                    : " (linked 已关联)"));
  }
  f.emplace_back("received 登记",
                 FormatTime(c.receive_time()) + " by " + BareUsername(c.received_by()));
  // A transferred order or a letter was received elsewhere first; the clocks count from then.
  if (IsSet(c.intake_time()) && c.intake_time().seconds() != c.receive_time().seconds()) {
    f.emplace_back("taken in 来源收件", FormatTime(c.intake_time()) + " (clocks count from it)");
  }
  if (IsSet(c.close_time())) f.emplace_back("closed 结束", FormatTime(c.close_time()));
  f.emplace_back("updated", FormatTime(c.update_time()));
  f.emplace_back("etag", c.etag());
  return f;
}

void PrintDeadlines(const v1::Complaint& c) {
  const v1::ComplaintDeadlines& d = c.deadlines();
  std::cout << "\ndeadlines 时限\n";
  Fields f;
  std::string rule =
      "受理 " + d.acceptance_limit().display() + ", 办结 " + d.closure_limit().display();
  f.emplace_back("rule 规则", rule);
  if (!d.basis().empty()) f.emplace_back("basis 依据", d.basis());

  // 受理期限: stops with the decision (受理 or 不予受理).
  bool decided = c.has_acceptance() && IsSet(c.acceptance().decide_time());
  std::string acceptance = DueWhen(d.acceptance_due(), d.acceptance_due_date());
  if (decided) {
    bool late = Before(d.acceptance_due(), c.acceptance().decide_time());
    acceptance += late ? " — decided late 逾期决定" : " — decided in time 按时决定";
  } else if (Closed(c)) {
    acceptance += " — stopped 已停止";
  } else {
    acceptance +=
        " " + DueLeft(d.acceptance_due(), d.acceptance_due_date(), d.acceptance_overdue());
  }
  if (d.acceptance_provisional())
    acceptance += " provisional 暂定 (that year's holidays not loaded)";
  f.emplace_back("受理期限 acceptance due", acceptance);

  // 办结期限: a closure clock that counts from acceptance is an estimate until then.
  if (c.state() != v1::Complaint::NOT_ACCEPTED) {
    std::string closure = DueWhen(d.closure_due(), d.closure_due_date());
    if (c.state() == v1::Complaint::CLOSED && IsSet(c.close_time())) {
      closure += Before(d.closure_due(), c.close_time()) ? " — closed late 逾期办结"
                                                         : " — closed in time 按时办结";
    } else if (Closed(c)) {
      closure += " — stopped 已停止";
    } else {
      closure += " " + DueLeft(d.closure_due(), d.closure_due_date(), d.closure_overdue());
    }
    if (d.closure_awaits_acceptance() && !Closed(c)) {
      closure += " estimate 预计: counted from acceptance 自受理起算";
    }
    if (d.closure_provisional()) closure += " provisional 暂定 (that year's holidays not loaded)";
    f.emplace_back("办结期限 closure due", closure);
  }
  PrintFields(std::cout, f);
  if (!d.extensions().empty()) {
    std::cout << "\nextensions 延期 (" << d.extensions_size() << ")\n";
    Table table({"APPROVED", "BY", "EXTRA", "FROM", "TO", "REASON"});
    for (const v1::ClosureExtension& e : d.extensions()) {
      table.AddRow({ShortTime(e.approve_time()), BareUsername(e.approved_by()), e.extra().display(),
                    DueInstant(e.previous_due()), DueInstant(e.new_due()), e.reason()});
    }
    table.Print(std::cout);
    const std::string& notice = d.extensions(d.extensions_size() - 1).notice();
    if (!notice.empty()) std::cout << "told the reporter 告知举报人: " << notice << "\n";
  }
}

std::string RoutingStep(const v1::RoutingEntry& r) {
  if (!r.outside_body().empty() || !r.has_to()) return "route-out 转出";
  if (!r.has_from() || r.from().district_code().empty()) return "dispatch 交办";
  if (r.from().SerializeAsString() == r.to().SerializeAsString()) return "reopen 重新办理";
  return "reroute 改派";
}

void PrintHistory(const v1::Complaint& c) {
  if (!c.routing().empty()) {
    std::cout << "\nrouting 流转 (" << c.routing_size() << ")\n";
    Table table({"TIME", "STEP", "FROM", "TO", "REASON", "BY"});
    for (const v1::RoutingEntry& r : c.routing()) {
      std::string from =
          r.has_from() && !r.from().district_code().empty() ? AssignmentText(r.from()) : "";
      std::string to =
          !r.outside_body().empty() ? r.outside_body() : (r.has_to() ? AssignmentText(r.to()) : "");
      table.AddRow(
          {ShortTime(r.time()), RoutingStep(r), from, to, r.reason(), BareUsername(r.by())});
    }
    table.Print(std::cout);
  }
  for (const v1::Findings& fi : c.findings()) {
    std::cout << "\nfindings 核查结果 (round " << fi.round() + 1 << ")\n";
    Fields f = {
        {"outcome 结论", OutcomeLabel(fi.outcome())},
        {"recorded 记录", FormatTime(fi.record_time()) + " by " + BareUsername(fi.recorded_by())},
        {"text 情况", fi.text()}};
    if (!fi.links().empty()) f.emplace_back("produced 产生", Joined(fi.links()));
    PrintFields(std::cout, f);
  }
  if (!c.replies().empty()) {
    std::cout << "\nreplies 答复 (" << c.replies_size() << ")\n";
    Table table({"TIME", "ROUND", "TO", "ORDER", "BY", "TEXT"});
    for (const v1::Reply& r : c.replies()) {
      table.AddRow({ShortTime(r.time()), std::to_string(r.round() + 1),
                    r.to_complaint().empty() ? "(on record 存档)" : r.to_complaint(),
                    r.external_order_number(), BareUsername(r.by()), r.text()});
    }
    table.Print(std::cout);
  }
  if (!c.revisits().empty()) {
    std::cout << "\nrevisits 回访 (" << c.revisits_size() << ")\n";
    Table table({"TIME", "ROUND", "OF", "SATISFACTION", "HANDLING", "BY", "NOTE"});
    for (const v1::Revisit& r : c.revisits()) {
      table.AddRow({ShortTime(r.time()), std::to_string(r.round() + 1),
                    r.complaint().empty() ? c.name() : r.complaint(),
                    SatisfactionLabel(r.satisfaction()), r.handling_reason() ? "yes 承办原因" : "",
                    BareUsername(r.by()), r.note()});
    }
    table.Print(std::cout);
  }
  if (!c.linked().empty()) {
    std::cout << "\nlinked 关联投诉 (" << c.linked_size() << ")\n";
    Table table({"COMPLAINT", "KIND", "CHANNEL", "ORDER", "REPORTER", "LINKED"});
    for (const v1::LinkedComplaint& l : c.linked()) {
      table.AddRow({l.complaint(),
                    l.kind() == v1::LinkedComplaint::MERGED   ? "merged 并案"
                    : l.kind() == v1::LinkedComplaint::REPEAT ? "repeat 重复举报"
                                                              : "?",
                    NameOf(ChannelNames(), l.channel()), l.external_order_number(),
                    ReporterText(l.reporter()), ShortTime(l.link_time())});
    }
    table.Print(std::cout);
  }
}

// Whether anyone is left to revisit: the complaint's own reporter or a linked one.
bool SomeoneToRevisit(const v1::Complaint& c) {
  if (!c.reporter().anonymous()) return true;
  for (const v1::LinkedComplaint& l : c.linked()) {
    if (!l.reporter().anonymous()) return true;
  }
  return false;
}

// What the complaint waits for, as the command that does it.
std::string NextStep(const v1::Complaint& c) {
  std::string id = ComplaintId(c.name());
  switch (c.state()) {
    case v1::Complaint::RECEIVED:
      return "the hotline decides: `ecoctl complaints accept " + id +
             "`, or `ecoctl complaints reject " + id +
             " --ground outside-remit --reason … --authority …`";
    case v1::Complaint::ACCEPTED:
      return "dispatch it: `ecoctl complaints dispatch " + id +
             " --district CODE [--team …] [--officer USER]`";
    case v1::Complaint::DISPATCHED:
      return "the officer records the findings: `ecoctl complaints findings " + id +
             " --outcome verified|partly|not-verified --text …`";
    case v1::Complaint::FINDINGS_RECORDED:
      return "reply to the reporter: `ecoctl complaints reply " + id + " --text …`";
    case v1::Complaint::REPLIED:
      if (!SomeoneToRevisit(c)) {
        return "nobody to revisit (anonymous): `ecoctl complaints close " + id + "`";
      }
      return "revisit the reporter (回访): `ecoctl complaints revisit " + id +
             " --satisfaction satisfied|basic|dissatisfied|unreachable`";
    case v1::Complaint::REVISITED:
      return "close it (办结): `ecoctl complaints close " + id +
             "` (after every reporter of the round is revisited)";
    default: return "";
  }
}

// The complaint as fields, its deadlines and history, or JSON.
void PrintComplaint(const Connection& conn, AuthenticatedClient& client, const v1::Complaint& c,
                    const std::string& headline, bool next_step) {
  if (conn.json) {
    std::cout << ToJson(c) << "\n";
    return;
  }
  std::string enterprise_name = EnterpriseDisplayName(client, c.enterprise());
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, ComplaintFields(c, enterprise_name));
  PrintDeadlines(c);
  PrintHistory(c);
  std::string next = next_step ? NextStep(c) : "";
  if (!next.empty()) std::cout << "\nnext: " << next << "\n";
}

// A transition refused because the complaint changed since it was read.
void CheckTransition(const grpc::Status& s, const std::string& etag, const std::string& request_id,
                     const std::string& name) {
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag +
                          ") the complaint changed since it was read: look at it again with "
                          "`ecoctl complaints get " +
                          ComplaintId(name) + "` and repeat the command if it is still right");
  }
  CheckChange(s, request_id);
}

// --- create ------------------------------------------------------------------------------

struct CreateOptions {
  std::string channel;
  std::string category;
  std::string urgency = "normal";
  std::string address;
  std::string district;
  double lat = 0;
  double lng = 0;
  std::string description;
  std::string reporter_name;
  std::string reporter_phone;
  bool anonymous = false;
  std::string enterprise;
  std::string order_number;
  std::string received;
  std::vector<std::string> attachments;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

int Create(const Connection& conn, const CreateOptions& o) {
  bool has_lat = o.cmd->count("--lat") > 0;
  bool has_lng = o.cmd->count("--lng") > 0;
  if (has_lat != has_lng) throw CommandError(kExitUsage, "give --lat and --lng together");
  if (o.anonymous == !o.reporter_phone.empty()) {
    throw CommandError(kExitUsage,
                       "give the reporter's --reporter-phone (to reply and revisit), or "
                       "--anonymous (匿名: no reply, no revisit)");
  }
  if (o.anonymous && !o.reporter_name.empty()) {
    throw CommandError(kExitUsage, "--anonymous keeps no identity: leave out --reporter-name");
  }
  auto channel = FromName(ChannelNames(), o.channel);
  if ((channel == v1::HOTLINE_12345_TRANSFER) == o.order_number.empty()) {
    throw CommandError(kExitUsage, channel == v1::HOTLINE_12345_TRANSFER
                                       ? "a 12345 work order needs its --order-number (工单号)"
                                       : "--order-number is the 12345 工单号: only with "
                                         "--channel 12345");
  }
  if (o.attachments.size() > static_cast<size_t>(kMaxAttachments)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxAttachments) + " --attachment");
  }
  v1::CreateComplaintRequest request;
  v1::Complaint* c = request.mutable_complaint();
  c->set_channel(channel);
  c->set_external_order_number(o.order_number);
  c->mutable_reporter()->set_name(o.reporter_name);
  c->mutable_reporter()->set_phone(o.reporter_phone);
  c->mutable_reporter()->set_anonymous(o.anonymous);
  c->mutable_location()->set_address(o.address);
  c->mutable_location()->set_district_code(o.district);
  if (has_lat) {
    c->mutable_location()->mutable_lat_lng()->set_latitude(o.lat);
    c->mutable_location()->mutable_lat_lng()->set_longitude(o.lng);
  }
  c->set_category(FromName(CategoryNames(), o.category));
  c->set_urgency(FromName(UrgencyNames(), o.urgency));
  c->set_description(o.description);
  if (!o.enterprise.empty()) c->set_enterprise(EnterpriseName(o.enterprise));
  for (const std::string& a : o.attachments) c->add_attachments(a);
  if (!o.received.empty()) {
    *c->mutable_intake_time() = registry::ParseShanghaiTime(o.received, "--received");
  }
  request.set_request_id(RequestIdOrNew(o.request_id));

  ComplaintClient cc(conn);
  int64_t asked = NowSeconds();
  v1::Complaint created;
  grpc::Status s = cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.complaints->CreateComplaint(&ctx, request, &created);
  });
  CheckChange(s, request.request_id());
  // A 12345 order registered before, or a retried request id, answers with the complaint
  // as it is: older than this call (a minute of slack for the clocks of this machine and
  // the server), moved on, or saying something else.
  bool earlier =
      created.receive_time().seconds() < asked - 60 || created.state() != v1::Complaint::RECEIVED ||
      created.update_time().SerializeAsString() != created.receive_time().SerializeAsString() ||
      created.description() != c->description() ||
      created.location().address() != c->location().address();
  std::string headline;
  if (created.state() == v1::Complaint::NOT_ACCEPTED && created.has_acceptance() &&
      created.acceptance().ground() == v1::Acceptance::REPEAT_REPORT) {
    headline = "registered " + created.name() + " as a repeat report of " + created.master() +
               " (同一举报人重复举报已受理事项：不予受理，已关联主件并告知办理进度)";
  } else if (earlier) {
    headline = (created.external_order_number().empty()
                    ? std::string("registered already")
                    : "12345 工单 " + created.external_order_number() + " registered already") +
               " on " + FormatTime(created.receive_time()) + ": " + created.name() + " (unchanged)";
  } else {
    const v1::ComplaintDeadlines& d = created.deadlines();
    headline = "registered " + created.name() + " (登记); 受理期限 " +
               DueWhen(d.acceptance_due(), d.acceptance_due_date());
  }
  PrintComplaint(conn, cc.client, created, headline, /*next_step=*/true);
  return kExitOk;
}

// --- get, list ---------------------------------------------------------------------------------

struct ListOptions {
  std::string state;
  std::string channel;
  std::string category;
  std::string district;
  std::string officer;
  bool mine = false;
  std::string enterprise;
  bool open = false;
  bool overdue = false;
  int due_within_hours = 0;
  bool clues = false;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& conn, const ListOptions& o) {
  if (o.mine && !o.officer.empty()) {
    throw CommandError(kExitUsage, "--mine is --officer with your own name: give one of them");
  }
  v1::ListComplaintsRequest request;
  if (!o.state.empty()) request.set_state(FromName(StateNames(), o.state));
  if (!o.channel.empty()) request.set_channel(FromName(ChannelNames(), o.channel));
  if (!o.category.empty()) request.set_category(FromName(CategoryNames(), o.category));
  request.set_district_code(o.district);
  if (o.mine) request.set_assigned_officer("users/me");
  if (!o.officer.empty()) request.set_assigned_officer(UserResourceName(o.officer));
  if (!o.enterprise.empty()) request.set_enterprise(EnterpriseName(o.enterprise));
  request.set_open_only(o.open);
  request.set_overdue_only(o.overdue);
  request.set_due_within_hours(o.due_within_hours);
  request.set_case_clue_only(o.clues);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  ComplaintClient cc(conn);
  auto all = ListPages<v1::ListComplaintsResponse>(
      cc.client, request, o.page_size > 0,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return cc.complaints->ListComplaints(&ctx, r, page);
      });
  if (conn.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(
      {"ID", "RECEIVED", "CHANNEL", "CATEGORY", "DISTRICT", "STATE", "DUE", "MARKS", "SUMMARY"});
  for (const v1::Complaint& c : all.complaints()) {
    table.AddRow({ComplaintId(c.name()), ShortTime(c.receive_time()).substr(0, 16),
                  NameOf(ChannelNames(), c.channel()), CategoryLabel(c.category()),
                  DistrictShort(c.location().district_code()), StateLabel(c), RunningDue(c),
                  Marks(c), Summary(c.description())});
  }
  table.Print(std::cout);
  std::cout << all.complaints_size()
            << (all.complaints_size() == 1 ? " complaint\n" : " complaints\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

// --- transitions ---------------------------------------------------------------------------

struct TransitionOptions {
  std::string id;
  std::string ground;                // reject
  std::string reason;                // reject, reroute, route-out, extend
  std::string authority;             // reject
  std::string district;              // dispatch, reroute
  std::string team;                  // dispatch, reroute
  std::string officer;               // dispatch, reroute
  std::string note;                  // dispatch, revisit
  std::string body;                  // route-out
  std::string outcome;               // findings
  std::string text;                  // findings, reply
  std::vector<std::string> links;    // findings
  std::vector<std::string> actions;  // findings
  std::string basis;                 // findings
  std::string outlet;                // findings
  int days = 0;                      // findings, extend
  bool working_days = false;         // findings, extend
  int hours = 0;                     // extend
  std::string satisfaction;          // revisit
  bool handling = false;             // revisit
  std::string of;                    // revisit
  std::string duplicate;             // merge
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

// Reads the complaint for its etag, builds the request with `fill(request, current)` and
// sends it with `send`; prints the complaint with `headline(changed)`.
template <typename Request, typename Fill, typename Send, typename Headline>
int Transition(const Connection& conn, const TransitionOptions& o, Fill fill, Send send,
               Headline headline) {
  ComplaintName(o.id);  // A malformed number is a usage error even when not signed in.
  ComplaintClient cc(conn);
  v1::Complaint current = cc.Get(o.id);
  Request request;
  request.set_name(current.name());
  fill(request, current);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Complaint changed;
  grpc::Status s = cc.client.Call(
      [&](grpc::ClientContext& ctx) { return send(*cc.complaints, ctx, request, &changed); });
  CheckTransition(s, request.etag(), request.request_id(), current.name());
  PrintComplaint(conn, cc.client, changed, headline(changed), /*next_step=*/true);
  return kExitOk;
}

std::string ClosureDueText(const v1::Complaint& c) {
  const v1::ComplaintDeadlines& d = c.deadlines();
  return "办结期限 " + DueWhen(d.closure_due(), d.closure_due_date());
}

int Accept(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::AcceptComplaintRequest>(
      conn, o, [](auto&, const v1::Complaint&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.AcceptComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        return "accepted " + c.name() + " (受理); " + ClosureDueText(c);
      });
}

int Reject(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::RejectComplaintRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        r.set_ground(FromName(GroundNames(), o.ground));
        r.set_reason(o.reason);
        r.set_authority(o.authority);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.RejectComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        return "not accepted " + c.name() + " (不予受理); the reporter is told to approach " +
               c.acceptance().authority();
      });
}

v1::Assignment MakeAssignment(const TransitionOptions& o) {
  v1::Assignment a;
  a.set_district_code(o.district);
  a.set_team(o.team);
  if (!o.officer.empty()) a.set_officer(BareUsername(o.officer));
  return a;
}

int Dispatch(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::DispatchComplaintRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        *r.mutable_assignment() = MakeAssignment(o);
        r.set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.DispatchComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        return "dispatched " + c.name() + " to " + AssignmentText(c.assignment()) + " (交办); " +
               ClosureDueText(c);
      });
}

int Reroute(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::RerouteComplaintRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        *r.mutable_assignment() = MakeAssignment(o);
        r.set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.RerouteComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        return "re-routed " + c.name() + " to " + AssignmentText(c.assignment()) + " (改派)";
      });
}

int RouteOut(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::RouteOutComplaintRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        r.set_body(o.body);
        r.set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.RouteOutComplaint(&ctx, r, out);
      },
      [&](const v1::Complaint& c) {
        return "routed " + c.name() + " out to " + o.body + " (转出; closed for the bureau)";
      });
}

int RecordFindings(const Connection& conn, const TransitionOptions& o) {
  bool rectification = !o.actions.empty() || o.cmd->count("--days") > 0 || o.working_days ||
                       !o.basis.empty() || !o.outlet.empty();
  if (rectification && (o.actions.empty() || o.cmd->count("--days") == 0)) {
    throw CommandError(kExitUsage,
                       "the rectification task of verified findings needs --action (1-20) and "
                       "--days N [--working-days]; leave all of them out for the default "
                       "order (15 working days)");
  }
  if (o.actions.size() > static_cast<size_t>(kMaxActions)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxActions) + " --action");
  }
  return Transition<v1::RecordFindingsRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint& current) {
        v1::Findings* f = r.mutable_findings();
        f->set_outcome(FromName(OutcomeNames(), o.outcome));
        f->set_text(o.text);
        for (const std::string& l : o.links) f->add_links(l);
        if (rectification) {
          v1::FindingsRectification* t = r.mutable_rectification();
          for (const std::string& a : o.actions) t->add_required_actions(a);
          t->set_deadline_days(o.days);
          t->set_working_days(o.working_days);
          t->set_legal_basis(o.basis);
          if (!o.outlet.empty()) {
            if (current.enterprise().empty()) {
              throw CommandError(kExitUsage,
                                 "--outlet names an outlet of the reported "
                                 "enterprise, and the complaint names none");
            }
            t->set_outlet(registry::OutletName(current.enterprise(), o.outlet));
          }
        }
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.RecordFindings(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        std::string text = "recorded the findings of " + c.name() + " (查处/核实)";
        if (!c.findings().empty()) {
          const v1::Findings& f = c.findings(c.findings_size() - 1);
          text += ": " + OutcomeLabel(f.outcome());
          for (const std::string& link : f.links()) {
            if (link.rfind("tasks/", 0) == 0) {
              text += "; rectification task " + link +
                      " issued (整改任务已下达: `ecoctl tasks get " + ComplaintId(link) + "`)";
            }
          }
        }
        if (c.case_clue()) text += "; flagged as a case clue 案件线索";
        return text;
      });
}

int Reply(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::ReplyComplaintRequest>(
      conn, o, [&](auto& r, const v1::Complaint&) { r.set_text(o.text); },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.ReplyComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        int round = c.reopen_count();
        int sent = 0;
        int on_record = 0;
        for (const v1::Reply& r : c.replies()) {
          if (r.round() != round) continue;
          (r.to_complaint().empty() ? on_record : sent)++;
        }
        std::string text = "replied to " + c.name() + " (答复): ";
        if (sent > 0) {
          text += std::to_string(sent) + (sent == 1 ? " reporter" : " reporters");
        } else {
          text += "nobody to answer (anonymous), kept on record 存档";
        }
        return text;
      });
}

int Revisit(const Connection& conn, const TransitionOptions& o) {
  auto satisfaction = FromName(SatisfactionNames(), o.satisfaction);
  if (o.handling && satisfaction != v1::DISSATISFIED) {
    throw CommandError(kExitUsage,
                       "--handling (不满意 because of the handling, which reopens "
                       "the complaint) goes with --satisfaction dissatisfied");
  }
  return Transition<v1::RecordRevisitRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        v1::Revisit* v = r.mutable_revisit();
        if (!o.of.empty()) v->set_complaint(ComplaintName(o.of));
        v->set_satisfaction(satisfaction);
        v->set_handling_reason(o.handling);
        v->set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.RecordRevisit(&ctx, r, out);
      },
      [&](const v1::Complaint& c) {
        std::string text =
            "revisited the reporter of " + (o.of.empty() ? c.name() : ComplaintName(o.of)) +
            " (回访): " + SatisfactionLabel(FromName(SatisfactionNames(), o.satisfaction));
        if (c.state() == v1::Complaint::DISPATCHED) {
          text += "; reopened 重新办理 (round " + std::to_string(c.reopen_count() + 1) +
                  "), back to " + AssignmentText(c.assignment());
        }
        return text;
      });
}

int Close(const Connection& conn, const TransitionOptions& o) {
  return Transition<v1::CloseComplaintRequest>(
      conn, o, [](auto&, const v1::Complaint&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.CloseComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        bool late = Before(c.deadlines().closure_due(), c.close_time());
        return "closed " + c.name() + " (办结)" +
               (late ? ", after the closure due 逾期办结" : ", in time 按时办结");
      });
}

int Extend(const Connection& conn, const TransitionOptions& o) {
  bool days = o.cmd->count("--days") > 0;
  bool hours = o.cmd->count("--hours") > 0;
  if (days == hours) {
    throw CommandError(kExitUsage,
                       "give the extra time as --days N [--working-days] or --hours N (one), "
                       "in the unit of the complaint's SLA rule (`ecoctl complaints sla`)");
  }
  if (hours && o.working_days) {
    throw CommandError(kExitUsage, "--working-days goes with --days");
  }
  return Transition<v1::ExtendComplaintRequest>(
      conn, o,
      [&](auto& r, const v1::Complaint&) {
        v1::SlaLimit* extra = r.mutable_extra();
        extra->set_amount(days ? o.days : o.hours);
        extra->set_unit(hours            ? v1::SlaLimit::HOURS
                        : o.working_days ? v1::SlaLimit::WORKING_DAYS
                                         : v1::SlaLimit::CALENDAR_DAYS);
        r.set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.ExtendComplaint(&ctx, r, out);
      },
      [](const v1::Complaint& c) {
        return "extended " + c.name() + " (延期); " + ClosureDueText(c);
      });
}

int Merge(const Connection& conn, const TransitionOptions& o) {
  std::string duplicate = ComplaintName(o.duplicate);
  if (duplicate == ComplaintName(o.id)) {
    throw CommandError(kExitUsage, "a complaint cannot be merged into itself");
  }
  return Transition<v1::MergeComplaintRequest>(
      conn, o, [&](auto& r, const v1::Complaint&) { r.set_duplicate(duplicate); },
      [](auto& stub, auto& ctx, const auto& r, v1::Complaint* out) {
        return stub.MergeComplaint(&ctx, r, out);
      },
      [&](const v1::Complaint& c) {
        return "merged " + duplicate + " into " + c.name() +
               " (并案): its reporter is kept and gets the master's reply";
      });
}

// --- duplicates, reveal ---------------------------------------------------------------------

int Duplicates(const Connection& conn, const std::string& id, int max_results) {
  ComplaintName(id);
  ComplaintClient cc(conn);
  v1::SuggestDuplicatesRequest request;
  request.set_name(ComplaintName(id));
  request.set_max_results(max_results);
  v1::SuggestDuplicatesResponse response;
  Check(cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.complaints->SuggestDuplicates(&ctx, request, &response);
  }));
  if (conn.json) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  Table table({"COMPLAINT", "SCORE", "STATE", "SAME ENTERPRISE", "DISTANCE", "APART", "SUMMARY"});
  for (const v1::DuplicateSuggestion& d : response.suggestions()) {
    char score[16];
    std::snprintf(score, sizeof(score), "%.2f", d.score());
    table.AddRow(
        {ComplaintId(d.complaint()), score, NameOf(StateNames(), d.state()),
         d.same_enterprise() ? "yes 同一单位" : "",
         d.distance_m() < 0 ? "" : registry::FormatNumber(std::round(d.distance_m())) + " m",
         registry::FormatNumber(std::round(d.hours_apart() * 10) / 10) + " h",
         Summary(d.description(), 24)});
  }
  table.Print(std::cout);
  std::cout << response.suggestions_size() << " likely duplicate"
            << (response.suggestions_size() == 1 ? "" : "s") << " of " << ComplaintName(id) << "\n";
  if (!response.suggestions().empty()) {
    std::cout << "merge one into this complaint (并案): `ecoctl complaints merge "
              << ComplaintId(ComplaintName(id)) << " "
              << ComplaintId(response.suggestions(0).complaint()) << "`\n";
  }
  return kExitOk;
}

int Reveal(const Connection& conn, const std::string& id, const std::string& purpose) {
  ComplaintName(id);
  ComplaintClient cc(conn);
  v1::RevealReporterRequest request;
  request.set_name(ComplaintName(id));
  request.set_purpose(purpose);
  v1::ReporterContact contact;
  Check(cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.complaints->RevealReporter(&ctx, request, &contact);
  }));
  if (conn.json) {
    std::cout << ToJson(contact) << "\n";
    return kExitOk;
  }
  std::cout << "reporter of " << contact.complaint()
            << " (举报人信息受《中华人民共和国环境保护法》第五十七条保护，仅用于" << purpose
            << "；本次查看已记入审计日志)\n";
  Table table({"COMPLAINT", "NAME", "PHONE"});
  auto row = [&](const std::string& complaint, const std::string& name, const std::string& phone,
                 bool anonymous) {
    if (anonymous) {
      table.AddRow({complaint, "anonymous 匿名", ""});
    } else {
      table.AddRow({complaint, name.empty() ? "(no name 未留姓名)" : name, phone});
    }
  };
  row(contact.complaint(), contact.name(), contact.phone(), contact.anonymous());
  for (const v1::LinkedContact& l : contact.linked()) {
    row(l.complaint(), l.name(), l.phone(), l.anonymous());
  }
  table.Print(std::cout);
  return kExitOk;
}

// --- sla, calendar -----------------------------------------------------------------------------

std::string FromLabel(const std::string& from) {
  if (from == "ACCEPTANCE") return "受理起";
  if (from == "INTAKE") return "登记起";
  return from;
}

int Sla(const Connection& conn, bool text) {
  ComplaintClient cc(conn);
  v1::GetSlaPolicyRequest request;
  v1::SlaPolicy policy;
  Check(cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.complaints->GetSlaPolicy(&ctx, request, &policy);
  }));
  if (conn.json) {
    std::cout << ToJson(policy) << "\n";
    return kExitOk;
  }
  if (text) {
    std::cout << policy.text();
    if (!policy.text().empty() && policy.text().back() != '\n') std::cout << "\n";
    return kExitOk;
  }
  Table table({"#", "CHANNEL", "CATEGORY", "URGENCY", "受理 ACCEPT", "办结 CLOSE", "FROM",
               "延期 EXTENSION"});
  int n = 0;
  for (const v1::SlaRule& r : policy.rules()) {
    std::string extension =
        r.max_extension().amount() == 0
            ? "none 不可延期"
            : r.max_extension().display() + " ×" + std::to_string(r.max_extensions());
    table.AddRow({std::to_string(++n), r.channel(), r.category(), r.urgency(),
                  r.acceptance().display(), r.closure().display(), FromLabel(r.closure_from()),
                  extension});
  }
  table.Print(std::cout);
  std::cout << "\nbasis 依据\n";
  n = 0;
  for (const v1::SlaRule& r : policy.rules()) std::cout << "  " << ++n << ". " << r.basis() << "\n";
  std::cout << "\nThe most specific row applies: urgency first, then channel, then category. "
               "`ecoctl complaints sla --text` prints the table in the complaint_sla_file "
               "format.\n";
  return kExitOk;
}

int Calendar(const Connection& conn, int year) {
  if (year == 0) {
    std::time_t now = static_cast<std::time_t>(NowSeconds() + 8 * 3600);
    std::tm tm{};
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
  }
  ComplaintClient cc(conn);
  v1::GetHolidayCalendarRequest request;
  request.set_year(year);
  v1::HolidayCalendar calendar;
  Check(cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.complaints->GetHolidayCalendar(&ctx, request, &calendar);
  }));
  if (conn.json) {
    std::cout << ToJson(calendar) << "\n";
    return kExitOk;
  }
  if (!calendar.loaded()) {
    std::cout << year
              << ": not loaded 未载入 — deadlines in it count weekends only and are provisional "
                 "(暂定)\n";
    return kExitOk;
  }
  std::cout << year << " working calendar 工作日历"
            << (calendar.source().empty() ? "" : " (" + calendar.source() + ")") << "\n";
  Table table({"DATE", "KIND", "NAME"});
  int holidays = 0;
  int workdays = 0;
  for (const v1::CalendarDay& d : calendar.days()) {
    (d.holiday() ? holidays : workdays)++;
    table.AddRow(
        {DateWithWeekday(d.date()), d.holiday() ? "holiday 放假" : "working 调休上班", d.name()});
  }
  table.Print(std::cout);
  std::cout << holidays << " holidays, " << workdays << " adjusted working days\n";
  return kExitOk;
}

// --- registration -------------------------------------------------------------------------

// A subcommand on one complaint with the flags every transition takes.
CLI::App* AddComplaintCommand(CLI::App* complaints, const char* name, const char* description,
                              const std::shared_ptr<TransitionOptions>& o) {
  auto* cmd = complaints->add_subcommand(name, description);
  o->cmd = cmd;
  cmd->add_option("id", o->id, "the complaint: its number or complaints/ID")->required();
  cmd->add_option("--etag", o->etag,
                  "only if the complaint still has this etag (from an earlier get); default: "
                  "the etag read just before");
  registry::AddRequestIdFlag(cmd, o->request_id);
  return cmd;
}

void AddAssignmentFlags(CLI::App* cmd, TransitionOptions& o) {
  cmd->add_option("--district", o.district,
                  "the district that handles it (GB/T 2260), e.g. 410802 (解放区)")
      ->required();
  cmd->add_option("--team", o.team, "the team, e.g. 大气环境执法中队");
  cmd->add_option("--officer", o.officer, "the officer (username)");
}

}  // namespace

void AddComplaintCommands(CLI::App& app, Context& ctx) {
  auto* complaints = app.add_subcommand(
      "complaints",
      "hotline complaints (投诉举报: 12369 phone/WeChat/web, 12345 work orders, letters): "
      "intake, 受理, 交办, 查处/核实, 答复, 回访, 办结, on SLA clocks. Reporters are shown "
      "masked; the hotline reads them with `reveal` (audited). Times in Beijing time");
  complaints->require_subcommand(1);

  // create
  auto create_options = std::make_shared<CreateOptions>();
  CreateOptions& co = *create_options;
  auto* create = complaints->add_subcommand(
      "create",
      "register a complaint (登记; hotline operator; integration for 12345 work orders). A "
      "12345 order number registered before answers with that complaint");
  co.cmd = create;
  create->add_option("--channel", co.channel, "how it came in")
      ->required()
      ->check(CLI::IsMember(Keys(ChannelNames())));
  create->add_option("--category", co.category, "what it is about")
      ->required()
      ->check(CLI::IsMember(Keys(CategoryNames())));
  create
      ->add_option("--urgency", co.urgency,
                   "normal 一般 (default), urgent 紧急 (pollution going on now), emergency "
                   "突发 (a possible environmental incident)")
      ->check(CLI::IsMember(Keys(UrgencyNames())));
  create->add_option("--address", co.address, "where, 1-300 characters")->required();
  create->add_option("--district", co.district, "GB/T 2260 district code, e.g. 410811 (山阳区)")
      ->required();
  create->add_option("--lat", co.lat, "latitude (WGS-84)")->check(CLI::Range(-90.0, 90.0));
  create->add_option("--lng", co.lng, "longitude (WGS-84)")->check(CLI::Range(-180.0, 180.0));
  create->add_option("--description", co.description, "what the reporter says, 1-2000 characters")
      ->required();
  create->add_option("--reporter-name", co.reporter_name, "the reporter's name (optional)");
  auto* phone = create->add_option("--reporter-phone", co.reporter_phone,
                                   "the reporter's phone, to reply and revisit");
  create->add_flag("--anonymous", co.anonymous, "匿名: no identity kept, no reply, no revisit")
      ->excludes(phone);
  create->add_option("--enterprise", co.enterprise,
                     "the reported enterprise (credit code), if known");
  create->add_option("--order-number", co.order_number, "the 12345 工单号 (with --channel 12345)");
  create
      ->add_option("--received", co.received,
                   "when the matter was received where it came in (the 12345 centre, the post), "
                   "Beijing time: 2026-12-01T16:00; the clocks count from it (default now, at "
                   "most 30 days back)")
      ->check(registry::TimeShape);
  create
      ->add_option("--attachment", co.attachments,
                   "a reference to an attachment kept elsewhere (recording, photo, letter "
                   "number), 1-128 characters, e.g. REC12369-20261205-0031 or "
                   "焦环函〔2026〕12号; repeatable")
      ->allow_extra_args(false);
  registry::AddRequestIdFlag(create, co.request_id);
  create->callback([&ctx, create_options] {
    ctx.run = [&ctx, create_options] { return Create(ctx.connection, *create_options); };
  });

  // get
  auto get_id = std::make_shared<std::string>();
  auto* get = complaints->add_subcommand(
      "get", "one complaint: deadlines (受理期限, 办结期限), routing, findings, replies, revisits");
  get->add_option("id", *get_id, "the complaint: its number or complaints/ID")->required();
  get->callback([&ctx, get_id] {
    ctx.run = [&ctx, get_id] {
      ComplaintName(*get_id);
      ComplaintClient cc(ctx.connection);
      PrintComplaint(ctx.connection, cc.client, cc.Get(*get_id), "", /*next_step=*/true);
      return kExitOk;
    };
  });

  // list
  auto list_options = std::make_shared<ListOptions>();
  ListOptions& lo = *list_options;
  auto* list = complaints->add_subcommand("list", "complaints in your scope, newest first");
  list->add_flag("--mine", lo.mine, "only those assigned to you (an officer's queue)");
  list->add_option("--officer", lo.officer, "only those assigned to this officer (username)");
  list->add_flag("--open", lo.open,
                 "only open ones (not closed, not accepted, routed out, merged)");
  list->add_flag("--overdue", lo.overdue,
                 "only open ones with an acceptance or closure clock past due (逾期)");
  list->add_option("--due-within-hours", lo.due_within_hours,
                   "only open ones with a running clock due within this many hours")
      ->check(CLI::Range(1, 24 * 366));
  list->add_option("--state", lo.state, "only this state")
      ->check(CLI::IsMember(Keys(StateNames())));
  list->add_option("--channel", lo.channel, "only this channel")
      ->check(CLI::IsMember(Keys(ChannelNames())));
  list->add_option("--category", lo.category, "only this category")
      ->check(CLI::IsMember(Keys(CategoryNames())));
  list->add_option("--district", lo.district,
                   "only this district (a city code covers its districts)");
  list->add_option("--enterprise", lo.enterprise, "only complaints about this enterprise");
  list->add_flag("--clues", lo.clues, "only verified complaints flagged as case clues (案件线索)");
  AddPageFlags(list, lo.page_size, lo.page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  // transitions
  auto accept = std::make_shared<TransitionOptions>();
  OnRun(AddComplaintCommand(complaints, "accept",
                            "受理 a registered complaint (hotline, supervisor)", accept),
        ctx, accept, Accept);

  auto reject = std::make_shared<TransitionOptions>();
  auto* reject_cmd = AddComplaintCommand(
      complaints, "reject",
      "不予受理 a registered complaint, telling the reporter why and whom to approach "
      "(hotline, supervisor)",
      reject);
  reject_cmd->add_option("--ground", reject->ground, "why it is not the bureau's to accept")
      ->required()
      ->check(CLI::IsMember(Keys(GroundNames())));
  reject_cmd->add_option("--reason", reject->reason, "told to the reporter, 1-500 characters")
      ->required();
  reject_cmd
      ->add_option("--authority", reject->authority,
                   "the body the reporter should approach, e.g. 焦作市城市管理局")
      ->required();
  OnRun(reject_cmd, ctx, reject, Reject);

  auto dispatch = std::make_shared<TransitionOptions>();
  auto* dispatch_cmd =
      AddComplaintCommand(complaints, "dispatch",
                          "交办 an accepted complaint to a district, team or officer", dispatch);
  AddAssignmentFlags(dispatch_cmd, *dispatch);
  dispatch_cmd->add_option("--note", dispatch->note,
                           "a note for the handler, up to 500 characters");
  OnRun(dispatch_cmd, ctx, dispatch, Dispatch);

  auto reroute = std::make_shared<TransitionOptions>();
  auto* reroute_cmd = AddComplaintCommand(
      complaints, "reroute", "改派 a dispatched complaint to another district, team or officer",
      reroute);
  AddAssignmentFlags(reroute_cmd, *reroute);
  reroute_cmd->add_option("--reason", reroute->reason, "why, 1-500 characters")->required();
  OnRun(reroute_cmd, ctx, reroute, Reroute);

  auto route_out = std::make_shared<TransitionOptions>();
  auto* route_out_cmd = AddComplaintCommand(
      complaints, "route-out",
      "转出 an accepted or dispatched complaint to another body (closed for the bureau)",
      route_out);
  route_out_cmd
      ->add_option("--body", route_out->body, "the other body, e.g. 焦作市住房和城乡建设局")
      ->required();
  route_out_cmd->add_option("--reason", route_out->reason, "why, 1-500 characters")->required();
  OnRun(route_out_cmd, ctx, route_out, RouteOut);

  auto findings = std::make_shared<TransitionOptions>();
  auto* findings_cmd = AddComplaintCommand(
      complaints, "findings",
      "record the findings of a dispatched complaint (查处/核实; officer, supervisor). Verified "
      "or partly verified findings against the reported enterprise issue a rectification task "
      "and flag a case clue",
      findings);
  findings_cmd
      ->add_option("--outcome", findings->outcome,
                   "verified 属实, partly 部分属实, not-verified 不属实")
      ->required()
      ->check(CLI::IsMember(Keys(OutcomeNames())));
  findings_cmd->add_option("--text", findings->text, "what was found, 1-2000 characters")
      ->required();
  findings_cmd
      ->add_option("--link", findings->links,
                   "what it produced: inspections/ID, tasks/ID or cases/ID, repeatable")
      ->allow_extra_args(false);
  findings_cmd
      ->add_option("--action", findings->actions,
                   "the rectification task: what must be done (整改要求), repeatable, 1-20")
      ->allow_extra_args(false);
  findings_cmd->add_option("--days", findings->days, "the rectification task: its period")
      ->check(CLI::Range(1, kMaxDeadlineDays));
  findings_cmd->add_flag("--working-days", findings->working_days,
                         "the rectification period counts working days");
  findings_cmd->add_option("--basis", findings->basis, "the rectification task: its legal basis");
  findings_cmd->add_option("--outlet", findings->outlet,
                           "the rectification task: the outlet concerned, e.g. DW001");
  OnRun(findings_cmd, ctx, findings, RecordFindings);

  auto reply = std::make_shared<TransitionOptions>();
  auto* reply_cmd = AddComplaintCommand(
      complaints, "reply",
      "答复 the reporter (and every merged reporter) once the findings are in (hotline, "
      "supervisor); never a reporter's name or phone",
      reply);
  reply_cmd->add_option("--text", reply->text, "the reply, 1-2000 characters")->required();
  OnRun(reply_cmd, ctx, reply, Reply);

  auto revisit = std::make_shared<TransitionOptions>();
  auto* revisit_cmd = AddComplaintCommand(
      complaints, "revisit",
      "回访: record how satisfied a reporter is (hotline). dissatisfied --handling reopens the "
      "complaint",
      revisit);
  revisit_cmd
      ->add_option("--satisfaction", revisit->satisfaction,
                   "satisfied 满意, basic 基本满意, dissatisfied 不满意, unreachable 未能联系")
      ->required()
      ->check(CLI::IsMember(Keys(SatisfactionNames())));
  revisit_cmd->add_flag("--handling", revisit->handling,
                        "dissatisfied because of the handling (承办原因): reopens it");
  revisit_cmd->add_option("--note", revisit->note, "what the reporter said, up to 500 characters");
  revisit_cmd->add_option("--of", revisit->of,
                          "the merged complaint whose reporter was asked (default: this one's)");
  OnRun(revisit_cmd, ctx, revisit, Revisit);

  auto close = std::make_shared<TransitionOptions>();
  OnRun(AddComplaintCommand(complaints, "close",
                            "办结: after every revisit of the round, or after the reply when "
                            "nobody is to be revisited (hotline, supervisor)",
                            close),
        ctx, close, Close);

  auto extend = std::make_shared<TransitionOptions>();
  auto* extend_cmd = AddComplaintCommand(
      complaints, "extend",
      "extend the closure deadline before it expires, with the reason told to the reporter "
      "(supervisor, who approves it)",
      extend);
  extend_cmd->add_option("--days", extend->days, "extra days")->check(CLI::Range(1, 366));
  extend_cmd->add_flag("--working-days", extend->working_days, "the extra days are working days");
  extend_cmd->add_option("--hours", extend->hours, "extra hours")->check(CLI::Range(1, 24 * 366));
  extend_cmd->add_option("--reason", extend->reason, "told to the reporter, 1-500 characters")
      ->required();
  OnRun(extend_cmd, ctx, extend, Extend);

  auto merge = std::make_shared<TransitionOptions>();
  auto* merge_cmd = AddComplaintCommand(
      complaints, "merge",
      "并案: merge DUPLICATE into the master ID; every reporter is kept and replied to "
      "(hotline, supervisor)",
      merge);
  merge_cmd->add_option("duplicate", merge->duplicate, "the duplicate: its number or complaints/ID")
      ->required();
  OnRun(merge_cmd, ctx, merge, Merge);

  // duplicates, reveal
  auto dup_id = std::make_shared<std::string>();
  auto dup_max = std::make_shared<int>(10);
  auto* duplicates = complaints->add_subcommand(
      "duplicates",
      "likely duplicates of a complaint: same category, same enterprise or close by, received "
      "within a window; best first");
  duplicates->add_option("id", *dup_id, "the complaint")->required();
  duplicates->add_option("--max", *dup_max, "at most this many (default 10)")
      ->check(CLI::Range(1, 50));
  duplicates->callback([&ctx, dup_id, dup_max] {
    ctx.run = [&ctx, dup_id, dup_max] { return Duplicates(ctx.connection, *dup_id, *dup_max); };
  });

  auto reveal_id = std::make_shared<std::string>();
  auto reveal_purpose = std::make_shared<std::string>();
  auto* reveal = complaints->add_subcommand(
      "reveal",
      "the reporter's name and phone in clear, to call back (hotline only; every call is "
      "audited)");
  reveal->add_option("id", *reveal_id, "the complaint")->required();
  reveal->add_option("--purpose", *reveal_purpose, "why, e.g. 回访 or 核实情况 (1-200 characters)")
      ->required();
  reveal->callback([&ctx, reveal_id, reveal_purpose] {
    ctx.run = [&ctx, reveal_id, reveal_purpose] {
      return Reveal(ctx.connection, *reveal_id, *reveal_purpose);
    };
  });

  // sla, calendar
  auto sla_text = std::make_shared<bool>(false);
  auto* sla = complaints->add_subcommand(
      "sla", "the SLA table in force: 受理 and 办结 limits per channel × category × urgency");
  sla->add_flag("--text", *sla_text, "print it in the complaint_sla_file format");
  sla->callback(
      [&ctx, sla_text] { ctx.run = [&ctx, sla_text] { return Sla(ctx.connection, *sla_text); }; });

  auto year = std::make_shared<int>(0);
  auto* calendar = complaints->add_subcommand(
      "calendar", "holidays (放假) and adjusted working days (调休上班) the clocks count with");
  calendar->add_option("year", *year, "e.g. 2026 (default: this year)")
      ->check(CLI::Range(1949, 2200));
  calendar->callback(
      [&ctx, year] { ctx.run = [&ctx, year] { return Calendar(ctx.connection, *year); }; });
}

}  // namespace ecoctl
