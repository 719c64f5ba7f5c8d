// Enforcement cases (行政处罚案件) through CaseService, the officer's day: cases list | get |
// clocks | candidates (officers, supervisors), open (线索), and one command per step of the
// procedure: assign | recuse | file | not-file | investigate | attach | submit-review |
// return | notify | respond | request-hearing | schedule-hearing | hearing | flag-reviews |
// legal-review | collective | decide | transfer | transfer-sent | serve | pay | court |
// close | archive, the decision clock: pause | resume | extend, the measures (查封扣押,
// 限制生产, 停产整治): measure | extend-measure | lift-measure, daily-penalty (按日连续处罚),
// and decisions (the public list, no sign-in). The server enforces every legal gate; a
// refused step prints its reason (CASE_…) and what is missing.
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "ecocase/v1/case.grpc.pb.h"
#include "output.h"
#include "reasons.h"
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
// The date and time overloads, beside this file's IsSet(CaseDeadline) which would hide them.
using ::ecoctl::IsSet;

// The server's limits, checked here only where it costs nothing (the server checks all).
constexpr int kMaxPenalties = 10;
constexpr int kMaxOrders = 20;
constexpr int kMaxHearingRecordChars = 2000;
constexpr int kMaxCorrectionDays = 365;
constexpr int kMaxExtensionDays = 366;
// ¥9,999,999,999.99: more than any fine, far from int64.
constexpr int kMaxYuanDigits = 10;

// --- Names ----------------------------------------------------------------------------------

const std::vector<std::pair<std::string, v1::Case::State>>& StateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Case::State>>{
      {"clue", v1::Case::CLUE},
      {"not-filed", v1::Case::NOT_FILED},
      {"filed", v1::Case::FILED},
      {"investigating", v1::Case::INVESTIGATING},
      {"under-review", v1::Case::UNDER_REVIEW},
      {"notified", v1::Case::NOTIFIED},
      {"hearing-requested", v1::Case::HEARING_REQUESTED},
      {"hearing-held", v1::Case::HEARING_HELD},
      {"decided", v1::Case::DECIDED},
      {"no-penalty", v1::Case::NO_PENALTY},
      {"transferred", v1::Case::TRANSFERRED},
      {"served", v1::Case::SERVED},
      {"executing", v1::Case::EXECUTING},
      {"closed", v1::Case::CLOSED},
      {"archived", v1::Case::ARCHIVED},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::CaseSource::Kind>>& SourceKindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::CaseSource::Kind>>{
      {"complaint", v1::CaseSource::COMPLAINT},
      {"exceedance", v1::CaseSource::EXCEEDANCE_INCIDENT},
      {"refused-task", v1::CaseSource::REFUSED_TASK},
      {"overdue-task", v1::CaseSource::OVERDUE_TASK},
      {"inspection", v1::CaseSource::INSPECTION},
      {"random-inspection", v1::CaseSource::RANDOM_INSPECTION},
      {"referral", v1::CaseSource::REFERRAL},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::PartyKind>>& PartyKindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::PartyKind>>{
      {"organisation", v1::ORGANISATION},
      {"individual", v1::INDIVIDUAL},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::PenaltyKind>>& PenaltyNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::PenaltyKind>>{
      {"warning", v1::WARNING},
      {"criticism", v1::CRITICISM},
      {"fine", v1::FINE},
      {"confiscation", v1::CONFISCATION},
      {"permit-suspension", v1::PERMIT_SUSPENSION},
      {"qualification-downgrade", v1::QUALIFICATION_DOWNGRADE},
      {"permit-revocation", v1::PERMIT_REVOCATION},
      {"production-limit", v1::PRODUCTION_LIMIT},
      {"production-suspension", v1::PRODUCTION_SUSPENSION},
      {"closure", v1::CLOSURE},
      {"employment-restriction", v1::EMPLOYMENT_RESTRICTION},
      {"demolition", v1::DEMOLITION},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::ClosureGround>>& GroundNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ClosureGround>>{
      {"fully-performed", v1::FULLY_PERFORMED},
      {"no-execution-needed", v1::NO_EXECUTION_NEEDED},
      {"transfer-completed", v1::TRANSFER_COMPLETED},
      {"court-enforcement-accepted", v1::COURT_ENFORCEMENT_ACCEPTED},
      {"decision-revoked", v1::DECISION_REVOKED},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::CaseTransfer::Kind>>& TransferNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::CaseTransfer::Kind>>{
      {"detention", v1::CaseTransfer::ADMINISTRATIVE_DETENTION},
      {"criminal", v1::CaseTransfer::CRIMINAL},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::Service::Method>>& MethodNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Service::Method>>{
      {"direct", v1::Service::DIRECT},         {"left-at-place", v1::Service::LEFT_AT_PLACE},
      {"entrusted", v1::Service::ENTRUSTED},   {"postal", v1::Service::POSTAL},
      {"electronic", v1::Service::ELECTRONIC}, {"public-notice", v1::Service::PUBLIC_NOTICE},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::ExcludedPeriod::Kind>>& PeriodNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ExcludedPeriod::Kind>>{
      {"hearing", v1::ExcludedPeriod::HEARING},
      {"public-notice", v1::ExcludedPeriod::PUBLIC_NOTICE},
      {"monitoring", v1::ExcludedPeriod::MONITORING},
      {"appraisal", v1::ExcludedPeriod::APPRAISAL},
      {"testing", v1::ExcludedPeriod::TESTING},
      {"assessment", v1::ExcludedPeriod::ASSESSMENT},
      {"determination", v1::ExcludedPeriod::DETERMINATION},
      {"service", v1::ExcludedPeriod::SERVICE},
      {"other", v1::ExcludedPeriod::OTHER},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::DecisionExtension::Approval>>& ApprovalNames() {
  static const auto* names =
      new std::vector<std::pair<std::string, v1::DecisionExtension::Approval>>{
          {"head", v1::DecisionExtension::HEAD},
          {"collective", v1::DecisionExtension::COLLECTIVE_DISCUSSION},
      };
  return *names;
}

const std::vector<std::pair<std::string, v1::CaseMeasure::Kind>>& MeasureNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::CaseMeasure::Kind>>{
      {"sealing", v1::CaseMeasure::SEALING},
      {"production-limit", v1::CaseMeasure::PRODUCTION_LIMIT},
      {"production-suspension", v1::CaseMeasure::PRODUCTION_SUSPENSION},
  };
  return *names;
}

std::string StateWord(v1::Case::State s) {
  switch (s) {
    case v1::Case::CLUE: return "线索";
    case v1::Case::NOT_FILED: return "不予立案";
    case v1::Case::FILED: return "立案";
    case v1::Case::INVESTIGATING: return "调查取证";
    case v1::Case::UNDER_REVIEW: return "案件审查";
    case v1::Case::NOTIFIED: return "告知";
    case v1::Case::HEARING_REQUESTED: return "听证申请";
    case v1::Case::HEARING_HELD: return "听证";
    case v1::Case::DECIDED: return "处罚决定";
    case v1::Case::NO_PENALTY: return "不予处罚";
    case v1::Case::TRANSFERRED: return "移送";
    case v1::Case::SERVED: return "送达";
    case v1::Case::EXECUTING: return "执行";
    case v1::Case::CLOSED: return "结案";
    case v1::Case::ARCHIVED: return "归档";
    default: return "?";
  }
}

// "investigating 调查取证": the CLI name and the server's label.
std::string StateLabel(v1::Case::State s, const std::string& server_label = "") {
  return NameOf(StateNames(), s) + " " + (server_label.empty() ? StateWord(s) : server_label);
}

std::string StateLabel(const v1::Case& c) { return StateLabel(c.state(), c.state_label()); }

std::string SourceKindLabel(v1::CaseSource::Kind k) {
  switch (k) {
    case v1::CaseSource::COMPLAINT: return "complaint 投诉举报";
    case v1::CaseSource::EXCEEDANCE_INCIDENT: return "exceedance 超标";
    case v1::CaseSource::REFUSED_TASK: return "refused-task 拒不改正";
    case v1::CaseSource::OVERDUE_TASK: return "overdue-task 逾期未改正";
    case v1::CaseSource::INSPECTION: return "inspection 现场检查";
    case v1::CaseSource::RANDOM_INSPECTION: return "random-inspection 双随机检查";
    case v1::CaseSource::REFERRAL: return "referral 移交";
    default: return "?";
  }
}

std::string PartyKindLabel(v1::PartyKind k) {
  switch (k) {
    case v1::ORGANISATION: return "organisation 单位";
    case v1::INDIVIDUAL: return "individual 个人";
    default: return "?";
  }
}

std::string PenaltyWord(v1::PenaltyKind k) {
  switch (k) {
    case v1::WARNING: return "警告";
    case v1::CRITICISM: return "通报批评";
    case v1::FINE: return "罚款";
    case v1::CONFISCATION: return "没收违法所得、没收非法财物";
    case v1::PERMIT_SUSPENSION: return "暂扣许可证件";
    case v1::QUALIFICATION_DOWNGRADE: return "降低资质等级";
    case v1::PERMIT_REVOCATION: return "吊销许可证件";
    case v1::PRODUCTION_LIMIT: return "限制开展生产经营活动";
    case v1::PRODUCTION_SUSPENSION: return "责令停产停业";
    case v1::CLOSURE: return "责令关闭";
    case v1::EMPLOYMENT_RESTRICTION: return "限制从业";
    case v1::DEMOLITION: return "责令限期拆除";
    default: return "?";
  }
}

std::string GroundLabel(v1::ClosureGround g) {
  switch (g) {
    case v1::FULLY_PERFORMED: return "fully-performed 执行完毕";
    case v1::NO_EXECUTION_NEEDED: return "no-execution-needed 不予处罚，无需执行";
    case v1::TRANSFER_COMPLETED: return "transfer-completed 移送完毕";
    case v1::COURT_ENFORCEMENT_ACCEPTED: return "court-enforcement-accepted 法院受理强制执行申请";
    case v1::DECISION_REVOKED: return "decision-revoked 决定被撤销";
    default: return "?";
  }
}

std::string TransferLabel(v1::CaseTransfer::Kind k) {
  switch (k) {
    case v1::CaseTransfer::ADMINISTRATIVE_DETENTION: return "detention 移送行政拘留";
    case v1::CaseTransfer::CRIMINAL: return "criminal 移送涉嫌犯罪案件";
    default: return "?";
  }
}

std::string MethodLabel(v1::Service::Method m) {
  switch (m) {
    case v1::Service::DIRECT: return "direct 直接送达";
    case v1::Service::LEFT_AT_PLACE: return "left-at-place 留置送达";
    case v1::Service::ENTRUSTED: return "entrusted 委托送达";
    case v1::Service::POSTAL: return "postal 邮寄送达";
    case v1::Service::ELECTRONIC: return "electronic 电子送达";
    case v1::Service::PUBLIC_NOTICE: return "public-notice 公告送达";
    default: return "?";
  }
}

std::string PeriodLabel(v1::ExcludedPeriod::Kind k) {
  switch (k) {
    case v1::ExcludedPeriod::HEARING: return "hearing 听证";
    case v1::ExcludedPeriod::PUBLIC_NOTICE: return "public-notice 公告";
    case v1::ExcludedPeriod::MONITORING: return "monitoring 监测";
    case v1::ExcludedPeriod::APPRAISAL: return "appraisal 鉴定";
    case v1::ExcludedPeriod::TESTING: return "testing 检测";
    case v1::ExcludedPeriod::ASSESSMENT: return "assessment 评估";
    case v1::ExcludedPeriod::DETERMINATION: return "determination 认定";
    case v1::ExcludedPeriod::SERVICE: return "service 送达";
    case v1::ExcludedPeriod::OTHER: return "other 其他";
    default: return "?";
  }
}

std::string ApprovalLabel(v1::DecisionExtension::Approval a) {
  switch (a) {
    case v1::DecisionExtension::HEAD: return "head 负责人批准";
    case v1::DecisionExtension::COLLECTIVE_DISCUSSION: return "collective 集体讨论决定";
    default: return "?";
  }
}

std::string MeasureWord(v1::CaseMeasure::Kind k) {
  switch (k) {
    case v1::CaseMeasure::SEALING: return "查封、扣押";
    case v1::CaseMeasure::PRODUCTION_LIMIT: return "限制生产";
    case v1::CaseMeasure::PRODUCTION_SUSPENSION: return "停产整治";
    default: return "?";
  }
}

std::string MeasureLabel(const v1::CaseMeasure& m) {
  return NameOf(MeasureNames(), m.kind()) + " " +
         (m.label().empty() ? MeasureWord(m.kind()) : m.label());
}

// "30 days 日 +30", "3 months 月", "until lifted 至解除".
std::string MeasurePeriod(const v1::CaseMeasure& m) {
  if (m.kind() == v1::CaseMeasure::PRODUCTION_SUSPENSION) return "until lifted 至解除";
  std::string text = std::to_string(m.amount()) +
                     (m.kind() == v1::CaseMeasure::SEALING ? " days 日" : " months 月");
  for (int extra : m.extensions()) text += " +" + std::to_string(extra);
  return text;
}

std::string ResponseLabel(v1::PartyResponse::Kind k) {
  switch (k) {
    case v1::PartyResponse::DEFENCE_STATED: return "defence 已陈述申辩";
    case v1::PartyResponse::WAIVED: return "waived 放弃陈述、申辩和听证";
    default: return "?";
  }
}

std::string OutcomeLabel(v1::Hearing::Outcome o) {
  switch (o) {
    case v1::Hearing::HELD: return "held 已举行";
    case v1::Hearing::NO_SHOW: return "no-show 无正当理由不参加 (视为放弃)";
    case v1::Hearing::WITHDRAWN: return "withdrawn 撤回听证申请";
    default: return "pending 待举行";
  }
}

// What a refused step's reason code means, for the hint under the server's message.
std::string ReasonText(const std::string& reason) {
  static const auto* texts = new std::map<std::string, std::string>{
      {"CASE_STATE", "the case is not in a state that allows this step 案件状态不允许此操作"},
      {"CASE_OFFICERS",
       "two enforcement officers with certificates valid today are needed "
       "需两名持有效执法证的执法人员"},
      {"CASE_OFFICER_RECUSED", "the officer was recused from this case 该执法人员已回避"},
      {"CASE_EVIDENCE", "no evidence is attached yet 尚未附证据"},
      {"CASE_LIMITATION", "the violation is past the limitation period 已过追责时效"},
      {"CASE_STATEMENT_PERIOD", "the party's statement period is still running 陈述申辩期未满"},
      {"CASE_HEARING_PERIOD", "the party may still request a hearing 听证申请期未满"},
      {"CASE_HEARING_PENDING", "a requested hearing has not taken place 听证尚未举行"},
      {"CASE_NO_HEARING_RIGHT",
       "the notified penalty gives no right to a hearing 告知的处罚不属于听证范围"},
      {"CASE_HEARING_WAIVED", "the hearing was waived or already settled 已放弃听证"},
      {"CASE_HEARING_REQUEST_LATE", "the hearing request period has ended 听证申请期已过"},
      {"CASE_HEARING_NOTICE",
       "the hearing notice must come 7 working days ahead 听证通知须提前七个工作日"},
      {"CASE_HEARING_PRESIDER",
       "the presiding officer may not be an investigator 听证主持人不得为本案调查人员"},
      {"CASE_HEARING_NOT_DUE", "the hearing day has not come 听证日期未到"},
      {"CASE_LEGAL_REVIEW", "legal review is required first 须先经法制审核"},
      {"CASE_COLLECTIVE_DISCUSSION", "collective discussion is required first 须先经集体讨论"},
      {"CASE_HEAVIER_THAN_NOTIFIED",
       "the decision is heavier than notified: notify again 处罚重于告知内容，须重新告知"},
      {"CASE_SERVICE_CONSENT",
       "electronic service needs the party's consent 电子送达须经当事人同意"},
      {"CASE_UNPAID", "the fine and late surcharge are not fully paid 罚款及加处罚款未缴清"},
      {"CASE_CLOSURE_GROUND", "that closure ground does not hold 结案理由不成立"},
      {"CASE_CLOCK_PAUSED", "the decision clock is already paused 办案期限已中止计算"},
      {"CASE_CLOCK_NOT_PAUSED", "the decision clock is not paused 办案期限未中止计算"},
      {"CASE_TRANSFER_SENT", "the transfer package was already sent 移送材料已送达"},
      {"CASE_MEASURE_STATE", "the measure was lifted or has no fixed period 措施已解除或无期限"},
      {"CASE_NO_FINE", "the decision imposes no fine 决定未处罚款"},
      {"CASE_NOT_REFUSED", "no re-inspection found the correction refused 复查未发现拒不改正"},
  };
  auto it = texts->find(reason);
  return it == texts->end() ? "" : it->second;
}

// `cases/{id}` for ID or cases/ID.
std::string CaseName(const std::string& text) {
  return registry::NumberedName(text, "cases", "case");
}

// The number in `cases/{id}`, for the commands the output suggests.
std::string CaseId(const std::string& name) { return registry::LastSegment(name); }

// A source link as the server keeps it: a bare number becomes `complaints/12`, … for the
// kinds that link to a record; a referral keeps the letter number as given.
std::string SourceLink(v1::CaseSource::Kind kind, const std::string& text) {
  const char* collection = nullptr;
  switch (kind) {
    case v1::CaseSource::COMPLAINT: collection = "complaints"; break;
    case v1::CaseSource::EXCEEDANCE_INCIDENT: collection = "incidents"; break;
    case v1::CaseSource::REFUSED_TASK:
    case v1::CaseSource::OVERDUE_TASK: collection = "tasks"; break;
    case v1::CaseSource::INSPECTION:
    case v1::CaseSource::RANDOM_INSPECTION: collection = "inspections"; break;
    default: return text;
  }
  bool digits = !text.empty();
  for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
  return digits ? std::string(collection) + "/" + text : text;
}

bool Open(const v1::Case& c) {
  switch (c.state()) {
    case v1::Case::NOT_FILED:
    case v1::Case::CLOSED:
    case v1::Case::ARCHIVED: return false;
    default: return true;
  }
}

// --- Money ------------------------------------------------------------------------------------

// "¥12,345.67" for 1234567 fen.
std::string FormatYuan(int64_t fen) {
  bool negative = fen < 0;
  uint64_t abs = negative ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string whole = std::to_string(abs / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  unsigned cents = static_cast<unsigned>(abs % 100);
  return std::string(negative ? "-" : "") + "¥" + whole + "." + (cents < 10 ? "0" : "") +
         std::to_string(cents);
}

// Exact fen of a yuan amount, without floating point: "12345.67" → 1234567, "20000" →
// 2000000, "0.5" → 50. Empty `error` when it parses; otherwise why not (signs, exponents,
// separators and more than two decimals are refused, and so is zero).
int64_t ParseYuan(const std::string& text, std::string* error) {
  std::string t = text;
  if (t.rfind("¥", 0) == 0) t = t.substr(std::string("¥").size());
  size_t dot = t.find('.');
  std::string whole = t.substr(0, dot);
  std::string cents = dot == std::string::npos ? "" : t.substr(dot + 1);
  bool digits = !whole.empty() && (dot == std::string::npos || !cents.empty());
  for (char ch : whole + cents) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) {
    *error = "'" + text + "' is not an amount in yuan, e.g. 20000 or 12345.67";
    return 0;
  }
  if (cents.size() > 2) {
    *error = "'" + text + "' has more than two decimals: amounts are exact to the fen (分)";
    return 0;
  }
  while (whole.size() > 1 && whole[0] == '0') whole.erase(0, 1);
  if (whole.size() > static_cast<size_t>(kMaxYuanDigits)) {
    *error = "'" + text + "' is too large";
    return 0;
  }
  if (cents.size() == 1) cents += "0";
  int64_t fen = std::stoll(whole) * 100 + (cents.empty() ? 0 : std::stoll(cents));
  if (fen <= 0) {
    *error = "'" + text + "' must be more than ¥0";
    return 0;
  }
  error->clear();
  return fen;
}

// CLI11 check of a yuan amount.
std::string YuanShape(const std::string& text) {
  std::string error;
  ParseYuan(text, &error);
  return error;
}

int64_t ToFen(const std::string& text, const std::string& flag) {
  std::string error;
  int64_t fen = ParseYuan(text, &error);
  if (!error.empty()) throw CommandError(kExitUsage, flag + " " + error);
  return fen;
}

bool Amounted(v1::PenaltyKind k) { return k == v1::FINE || k == v1::CONFISCATION; }

// KIND[:YUAN], e.g. fine:20000, confiscation:3500.50, warning. Throws CommandError.
v1::PenaltyItem ParsePenalty(const std::string& spec, const std::string& flag) {
  size_t colon = spec.find(':');
  std::string kind_name = spec.substr(0, colon);
  v1::PenaltyKind kind = FromName(PenaltyNames(), kind_name);
  if (kind == v1::PENALTY_KIND_UNSPECIFIED) {
    std::string known;
    for (const std::string& k : Keys(PenaltyNames())) known += (known.empty() ? "" : ", ") + k;
    throw CommandError(kExitUsage,
                       flag + " " + spec + ": unknown kind '" + kind_name + "'; one of " + known);
  }
  v1::PenaltyItem item;
  item.set_kind(kind);
  if (Amounted(kind) != (colon != std::string::npos)) {
    throw CommandError(kExitUsage,
                       flag + " " + spec + ": " +
                           (Amounted(kind) ? "a fine or confiscation needs its amount, e.g. " +
                                                 kind_name + ":20000"
                                           : kind_name + " takes no amount"));
  }
  if (Amounted(kind)) item.set_amount_fen(ToFen(spec.substr(colon + 1), flag + " " + kind_name));
  return item;
}

// The penalties of --penalty KIND[:YUAN]… and --fine YUAN.
std::vector<v1::PenaltyItem> Penalties(const std::vector<std::string>& specs,
                                       const std::string& fine) {
  std::vector<v1::PenaltyItem> items;
  for (const std::string& spec : specs) items.push_back(ParsePenalty(spec, "--penalty"));
  if (!fine.empty()) {
    v1::PenaltyItem item;
    item.set_kind(v1::FINE);
    item.set_amount_fen(ToFen(fine, "--fine"));
    items.push_back(item);
  }
  std::set<int> kinds;
  for (const v1::PenaltyItem& item : items) {
    if (!kinds.insert(item.kind()).second) {
      throw CommandError(kExitUsage, NameOf(PenaltyNames(), item.kind()) +
                                         " is given twice: one item per kind of penalty");
    }
  }
  if (items.size() > static_cast<size_t>(kMaxPenalties)) {
    throw CommandError(kExitUsage, "at most " + std::to_string(kMaxPenalties) + " penalties");
  }
  return items;
}

// "罚款 ¥20,000.00", "警告".
std::string PenaltyText(const v1::PenaltyItem& p) {
  std::string label = p.label().empty() ? PenaltyWord(p.kind()) : p.label();
  return Amounted(p.kind()) ? label + " " + FormatYuan(p.amount_fen()) : label;
}

std::string PenaltiesText(const google::protobuf::RepeatedPtrField<v1::PenaltyItem>& items) {
  std::string out;
  for (const v1::PenaltyItem& p : items) out += (out.empty() ? "" : "、") + PenaltyText(p);
  return out;
}

// --- Time -------------------------------------------------------------------------------------

// "2026-03-05 14:03" (Beijing), without seconds: for table cells.
std::string ShortTime(const google::protobuf::Timestamp& t) {
  if (!IsSet(t)) return "";
  return FormatTime(t).substr(0, 16);
}

// --- Clocks ---------------------------------------------------------------------------------

// Which clock runs in the case's state; the others are stopped (met or missed).
bool FilingRuns(const v1::Case& c) { return c.state() == v1::Case::CLUE; }
bool DecisionRuns(const v1::Case& c) {
  return c.state() >= v1::Case::FILED && c.state() <= v1::Case::HEARING_HELD;
}
bool ServiceRuns(const v1::Case& c) { return c.state() == v1::Case::DECIDED; }
bool PaymentRuns(const v1::Case& c) {
  return (c.state() == v1::Case::SERVED || c.state() == v1::Case::EXECUTING) &&
         c.clocks().owed_fen() > 0;
}

bool TransferRuns(const v1::Case& c) {
  return c.state() == v1::Case::TRANSFERRED && !IsSet(c.transfer().sent_date());
}

bool IsSet(const v1::CaseDeadline& d) { return IsSet(d.due_date()) || IsSet(d.due_time()); }

// "(in 3 days)", "(due today 今日到期)", "(OVERDUE 逾期 2 days)" for a running clock.
std::string DaysLeft(const v1::CaseDeadline& d) {
  if (!IsSet(d.due_date())) return d.overdue() ? "(OVERDUE 逾期)" : "";
  return DaysLeftText(d.due_date(), d.overdue());
}

// The due day, with the days left while the clock runs, or whether it was met.
std::string DeadlineText(const v1::CaseDeadline& d, bool running) {
  std::string text = IsSet(d.due_date()) ? DateWithWeekday(d.due_date()) : FormatTime(d.due_time());
  if (running) {
    text += " " + DaysLeft(d);
  } else {
    text += d.overdue() ? " — late 逾期" : " — met 按期";
  }
  if (d.provisional()) text += " provisional 暂定 (that year's holidays not loaded)";
  return text;
}

// The running clock as "办案期限 2027-03-05 周五 (in 89 days)"; "" when none runs.
std::string NextDue(const v1::Case& c, bool with_days_left = true) {
  const v1::CaseClocks& k = c.clocks();
  auto due = [&](const std::string& label, const v1::CaseDeadline& d) {
    if (!IsSet(d)) return std::string();
    std::string when =
        IsSet(d.due_date()) ? DateWithWeekday(d.due_date()) : ShortTime(d.due_time());
    return label + " " + when + (with_days_left ? " " + DaysLeft(d) : "");
  };
  if (FilingRuns(c)) return due("立案期限", k.filing());
  if (DecisionRuns(c)) {
    std::string text = due("办案期限", k.decision());
    if (k.decision_paused() && !text.empty()) text += " 中止计算";
    return text;
  }
  if (ServiceRuns(c)) return due("送达期限", k.service());
  if (PaymentRuns(c)) return due("缴款期限", k.payment());
  if (TransferRuns(c)) return due("移送期限", k.transfer());
  return "";
}

// "逾期 中止 暂定" markers of a table row.
std::string Marks(const v1::Case& c) {
  std::vector<std::string> marks;
  if (c.clocks().overdue()) marks.push_back("逾期");
  if (DecisionRuns(c) && c.clocks().decision_paused()) marks.push_back("中止计算");
  if (c.clocks().owed_fen() > 0 && Open(c)) {
    marks.push_back("欠缴 " + FormatYuan(c.clocks().owed_fen()));
  }
  std::string out;
  for (const std::string& m : marks) out += (out.empty() ? "" : " ") + m;
  return out;
}

void PrintClocks(const v1::Case& c) {
  const v1::CaseClocks& k = c.clocks();
  std::cout << "clocks 期限 (as of today, Beijing)\n";
  Fields f;
  if (IsSet(k.filing())) f.emplace_back("立案期限 filing", DeadlineText(k.filing(), FilingRuns(c)));
  if (IsSet(k.decision())) {
    f.emplace_back("办案期限 decision", DeadlineText(k.decision(), DecisionRuns(c)));
    int extended = 0;
    for (const v1::DecisionExtension& e : c.decision_extensions()) extended += e.days();
    std::string limit = std::to_string(k.decision_limit_days()) + " days 日";
    if (extended > 0) limit += " (extended 延长 " + std::to_string(extended) + ")";
    limit += "; used 已用 " + std::to_string(k.decision_days_used()) + ", left 剩余 " +
             std::to_string(k.decision_days_left()) + ", excluded 不计入 " +
             std::to_string(k.decision_excluded_days());
    f.emplace_back("  limit 办案时限", limit);
    if (k.decision_paused()) {
      f.emplace_back("  paused 中止计算", "yes: an excluded period is running today");
    }
  }
  if (IsSet(k.service())) {
    f.emplace_back("送达期限 service", DeadlineText(k.service(), ServiceRuns(c)));
  }
  if (IsSet(k.payment())) {
    f.emplace_back("缴款期限 payment", DeadlineText(k.payment(), PaymentRuns(c)));
  }
  if (IsSet(k.transfer())) {
    f.emplace_back("移送期限 transfer", DeadlineText(k.transfer(), TransferRuns(c)));
  }
  if (k.fine_fen() > 0 || k.paid_fen() > 0) {
    f.emplace_back("fine 罚款", FormatYuan(k.fine_fen()));
    f.emplace_back("surcharge 加处罚款", FormatYuan(k.surcharge_fen()) + " (3 % a day when late)");
    f.emplace_back("paid 已缴", FormatYuan(k.paid_fen()));
    f.emplace_back("owed 未缴", FormatYuan(k.owed_fen()));
  }
  f.emplace_back("overdue 逾期", k.overdue() ? "YES 逾期: a running clock is past due" : "no");
  if (f.size() == 1 && !k.overdue()) {
    std::cout << "  (no clock runs yet)\n";
    return;
  }
  PrintFields(std::cout, f);
}

// --- Client --------------------------------------------------------------------------------

// Calls CaseService as the signed-in user.
struct CaseClient {
  explicit CaseClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        cases(v1::CaseService::NewStub(MakeChannel(c))) {}

  v1::Case Get(const std::string& id) {
    v1::GetCaseRequest request;
    request.set_name(CaseName(id));
    v1::Case c;
    Check(client.Call([&](grpc::ClientContext& ctx) { return cases->GetCase(&ctx, request, &c); }));
    return c;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::CaseService::Stub> cases;
};

// --- Printing --------------------------------------------------------------------------------

std::string Who(const std::string& by, const google::protobuf::Timestamp& time) {
  std::string text = ShortTime(time);
  if (!by.empty()) text += (text.empty() ? "by " : " by ") + BareUsername(by);
  return text;
}

Fields CaseFields(const v1::Case& c, const std::string& enterprise_name) {
  Fields f = {{"case 案件", c.name()}};
  f.emplace_back("number 案号",
                 c.case_number().empty() ? "(none before filing 立案后编号)" : c.case_number());
  f.emplace_back("state 状态", StateLabel(c));
  if (!c.state_reason().empty()) f.emplace_back("reason 理由", c.state_reason());
  f.emplace_back("party 当事人", c.party_name() + " (" + PartyKindLabel(c.party_kind()) + ")");
  if (!c.enterprise().empty()) {
    std::string uscc = UsccOf(c.enterprise());
    f.emplace_back("enterprise 单位", EnterpriseLabel(uscc, enterprise_name));
  }
  f.emplace_back("district 区县", DistrictLabel(c.district_code()));
  f.emplace_back("summary 案由", c.summary());
  if (c.has_source()) {
    f.emplace_back("source 案件来源", SourceKindLabel(c.source().kind()) + " " + c.source().link());
  }
  if (IsSet(c.discovery_date())) {
    f.emplace_back("discovered 发现", DateWithWeekday(c.discovery_date()));
  }
  if (IsSet(c.filed_date())) f.emplace_back("filed 立案", DateWithWeekday(c.filed_date()));
  if (c.closure_ground() != v1::CLOSURE_GROUND_UNSPECIFIED) {
    f.emplace_back("closed on 结案理由", GroundLabel(c.closure_ground()));
  }
  f.emplace_back("created", FormatTime(c.create_time()));
  f.emplace_back("updated", FormatTime(c.update_time()));
  f.emplace_back("etag", c.etag());
  return f;
}

void PrintPeople(const v1::Case& c) {
  std::cout << "\nofficers 执法人员 (" << c.officers_size() << ")\n";
  if (!c.officers().empty()) {
    Table table({"OFFICER", "CERTIFICATE 执法证号", "VALID UNTIL 有效期至"});
    for (const v1::CaseOfficer& o : c.officers()) {
      table.AddRow({BareUsername(o.user()), o.certificate_number(),
                    DateWithWeekday(o.certificate_expiry())});
    }
    table.Print(std::cout);
  }
  if (!c.recusals().empty()) {
    std::cout << "\nrecusals 回避 (" << c.recusals_size() << ")\n";
    Table table({"OFFICER", "REASON", "BY"});
    for (const v1::Recusal& r : c.recusals()) {
      table.AddRow({BareUsername(r.user()), r.reason(), Who(r.by(), r.time())});
    }
    table.Print(std::cout);
  }
}

void PrintNotifications(const v1::Case& c) {
  int i = 0;
  for (const v1::Notification& n : c.notifications()) {
    ++i;
    std::cout << "\nnotification 事先告知"
              << (c.notifications_size() > 1
                      ? " " + std::to_string(i) + "/" + std::to_string(c.notifications_size())
                      : "")
              << "\n";
    Fields f = {{"received 当事人收到", DateWithWeekday(n.received_date())},
                {"proposed 拟处罚", PenaltiesText(n.proposed())},
                {"facts 违法事实", n.facts()},
                {"basis 依据", n.legal_basis()},
                {"rights 告知权利", n.rights()},
                {"statement until 陈述申辩期至", DateWithWeekday(n.statement_end_date())}};
    f.emplace_back("hearing right 听证权", n.hearing_right()
                                               ? "yes 有: may be requested until 申请期至 " +
                                                     DateWithWeekday(n.hearing_request_end_date())
                                               : "no 无");
    PrintFields(std::cout, f);
  }
  if (c.has_response() && c.response().kind() != v1::PartyResponse::KIND_UNSPECIFIED) {
    std::cout << "\nresponse 陈述申辩\n";
    Fields f = {{"response 答复", ResponseLabel(c.response().kind())},
                {"date 日期", DateWithWeekday(c.response().date())}};
    if (!c.response().note().empty()) f.emplace_back("note 内容", c.response().note());
    PrintFields(std::cout, f);
  }
  if (c.has_hearing() && IsSet(c.hearing().request_date())) {
    const v1::Hearing& h = c.hearing();
    std::cout << "\nhearing 听证\n";
    Fields f = {{"requested 申请", DateWithWeekday(h.request_date())}};
    if (IsSet(h.notice_date())) f.emplace_back("notice 通知", DateWithWeekday(h.notice_date()));
    if (IsSet(h.hearing_date())) f.emplace_back("hearing 举行", DateWithWeekday(h.hearing_date()));
    if (!h.presiding().empty()) f.emplace_back("presiding 主持人", BareUsername(h.presiding()));
    f.emplace_back("outcome 结果", OutcomeLabel(h.outcome()));
    if (!h.record().empty()) f.emplace_back("record 笔录摘要", h.record());
    PrintFields(std::cout, f);
  }
}

std::string ReviewText(bool flagged, const v1::ReviewRecord& r) {
  if (!r.conclusion().empty()) return r.conclusion() + " (" + Who(r.by(), r.time()) + ")";
  return flagged ? "required, not yet recorded 需要，尚未完成" : "";
}

void PrintReviews(const v1::Case& c) {
  std::string legal = ReviewText(c.legal_review_flagged(), c.legal_review());
  std::string collective = ReviewText(c.collective_discussion_flagged(), c.collective_discussion());
  if (legal.empty() && collective.empty()) return;
  std::cout << "\nreviews 审核\n";
  Fields f;
  if (!legal.empty()) f.emplace_back("legal review 法制审核", legal);
  if (!collective.empty()) f.emplace_back("collective 集体讨论", collective);
  PrintFields(std::cout, f);
}

void PrintDecision(const v1::Case& c) {
  if (c.has_decision() && c.decision().kind() != v1::Decision::KIND_UNSPECIFIED) {
    const v1::Decision& d = c.decision();
    std::cout << "\ndecision 决定\n";
    Fields f;
    if (d.kind() == v1::Decision::PENALTY) {
      f.emplace_back("kind 类别", "penalty 处罚决定");
      f.emplace_back("penalties 处罚", PenaltiesText(d.penalties()));
    } else {
      f.emplace_back("kind 类别", "no-penalty 不予处罚");
    }
    f.emplace_back("date 决定日期", DateWithWeekday(d.decision_date()));
    if (!d.legal_basis().empty()) f.emplace_back("basis 依据", d.legal_basis());
    if (!d.reason().empty()) f.emplace_back("reason 理由", d.reason());
    PrintFields(std::cout, f);
    if (!d.correction_orders().empty()) {
      PrintNumberedList(std::cout, "correction orders 责令改正", d.correction_orders());
    }
  }
  if (c.has_transfer() && c.transfer().kind() != v1::CaseTransfer::KIND_UNSPECIFIED) {
    const v1::CaseTransfer& t = c.transfer();
    std::cout << "\ntransfer 移送\n";
    Fields f = {{"kind 类别", TransferLabel(t.kind())},
                {"to 接收机关", t.receiving_body()},
                {"date 日期", DateWithWeekday(t.transfer_date())}};
    if (!t.note().empty()) f.emplace_back("note 说明", t.note());
    if (IsSet(t.send_by_date())) {
      f.emplace_back("send by 移送材料期限", DateWithWeekday(t.send_by_date()));
    }
    if (IsSet(t.sent_date())) {
      f.emplace_back("sent 已移送", DateWithWeekday(t.sent_date()) + " 回执 " + t.receipt());
    }
    PrintFields(std::cout, f);
    if (!t.package().empty()) PrintNumberedList(std::cout, "package 移送材料", t.package());
  }
  if (c.has_service() && c.service().method() != v1::Service::METHOD_UNSPECIFIED) {
    const v1::Service& s = c.service();
    std::cout << "\nservice 送达\n";
    Fields f = {{"method 方式", MethodLabel(s.method())},
                {"served 送达日期", DateWithWeekday(s.served_date())}};
    if (s.electronic_consent()) f.emplace_back("consent 同意电子送达", "yes 是");
    PrintFields(std::cout, f);
  }
  if (!c.payments().empty()) {
    std::cout << "\npayments 缴款 (" << c.payments_size() << ")\n";
    Table table({"DATE", "AMOUNT", "RECEIPT 票据号"});
    for (const v1::Payment& p : c.payments()) {
      table.AddRow({DateWithWeekday(p.paid_date()), FormatYuan(p.amount_fen()), p.receipt()});
    }
    table.Print(std::cout);
  }
  if (IsSet(c.court_enforcement_date())) {
    std::cout << "\ncourt enforcement 法院受理强制执行申请: "
              << DateWithWeekday(c.court_enforcement_date()) << "\n";
  }
  if (!c.correction_tasks().empty()) {
    PrintNumberedList(std::cout, "correction tasks 整改任务 (`ecoctl tasks get ID`)",
                      c.correction_tasks());
  }
}

void PrintDecisionClock(const v1::Case& c) {
  if (!c.excluded_periods().empty()) {
    std::cout << "\nexcluded periods 不计入办案期限 (" << c.excluded_periods_size() << ")\n";
    Table table({"KIND", "FROM", "TO", "NOTE"});
    for (const v1::ExcludedPeriod& p : c.excluded_periods()) {
      table.AddRow({PeriodLabel(p.kind()), DateWithWeekday(p.first_date()),
                    IsSet(p.last_date()) ? DateWithWeekday(p.last_date()) : "(running 进行中)",
                    p.note()});
    }
    table.Print(std::cout);
  }
  if (!c.decision_extensions().empty()) {
    std::cout << "\nextensions 延长办案期限 (" << c.decision_extensions_size() << ")\n";
    Table table({"DAYS", "APPROVAL", "BY", "REASON"});
    for (const v1::DecisionExtension& e : c.decision_extensions()) {
      table.AddRow({std::to_string(e.days()), ApprovalLabel(e.approval()),
                    Who(e.approved_by(), e.approve_time()), e.reason()});
    }
    table.Print(std::cout);
  }
}

void PrintMeasures(const v1::Case& c) {
  if (c.measures().empty()) return;
  std::cout << "\nmeasures 行政强制措施 (" << c.measures_size() << ")\n";
  Table table({"#", "KIND", "DOCUMENT 文书", "FROM", "PERIOD", "LAST DAY", "LIFTED 解除", "NOTE"});
  int i = 0;
  for (const v1::CaseMeasure& m : c.measures()) {
    table.AddRow({std::to_string(++i), MeasureLabel(m), m.document(),
                  DateWithWeekday(m.start_date()), MeasurePeriod(m), DateWithWeekday(m.last_date()),
                  DateWithWeekday(m.lifted_date()), m.note()});
  }
  table.Print(std::cout);
}

void PrintTimeline(const v1::Case& c) {
  std::cout << "\ntimeline 办案记录 (" << c.timeline_size() << ")\n";
  if (c.timeline().empty()) return;
  Table table({"TIME", "STEP", "STATE", "BY", "NOTE"});
  for (const v1::CaseEvent& e : c.timeline()) {
    table.AddRow(
        {ShortTime(e.time()), e.kind(), StateLabel(e.state()), BareUsername(e.actor()), e.note()});
  }
  table.Print(std::cout);
}

// What the case waits for, as the command that does it.
std::string NextStep(const v1::Case& c) {
  std::string id = CaseId(c.name());
  std::string cmd = "`ecoctl cases ";
  switch (c.state()) {
    case v1::Case::CLUE:
      return "a supervisor files it (立案): " + cmd + "file " + id +
             " --violation-end YYYY-MM-DD`, or " + cmd + "not-file " + id + " --reason …`";
    case v1::Case::FILED:
      if (c.officers_size() < 2) {
        return "a supervisor assigns two certified officers: " + cmd + "assign " + id +
               " USER`; then " + cmd + "investigate " + id + "`";
      }
      return "start the investigation (调查取证): " + cmd + "investigate " + id + "`";
    case v1::Case::INVESTIGATING:
      if (c.evidence().empty()) {
        return "attach evidence: " + cmd + "attach " + id + " evidence/N|inspections/N`; then " +
               cmd + "submit-review " + id + "`";
      }
      return "submit it for review (案件审查): " + cmd + "submit-review " + id + "`";
    case v1::Case::UNDER_REVIEW:
      return "notify the party (事先告知): " + cmd + "notify " + id +
             " --facts … --penalty KIND[:YUAN] --basis … --rights … --received DATE`, or "
             "send it back: " +
             cmd + "return " + id + " --reasons …`";
    case v1::Case::NOTIFIED:
    case v1::Case::HEARING_HELD:
      return "record the party's answer (" + cmd + "respond " + id +
             " --defence|--waive`), then decide: " + cmd + "decide " + id +
             " --penalty KIND[:YUAN] --order … --basis …`";
    case v1::Case::HEARING_REQUESTED:
      return "schedule the hearing: " + cmd + "schedule-hearing " + id +
             " --notice DATE --hearing DATE --presiding USER`; then " + cmd + "hearing " + id +
             " --held|--no-show|--withdrawn`";
    case v1::Case::DECIDED:
      return "serve the decision (送达): " + cmd + "serve " + id + " --method direct --date DATE`";
    case v1::Case::SERVED:
    case v1::Case::EXECUTING:
      if (c.clocks().owed_fen() > 0) {
        return "record the payment: " + cmd + "pay " + id +
               " --yuan AMOUNT --date DATE --receipt R`";
      }
      return "close it (结案): " + cmd + "close " + id + " --ground fully-performed`";
    case v1::Case::NO_PENALTY:
      return "close it (结案): " + cmd + "close " + id + " --ground no-execution-needed`";
    case v1::Case::TRANSFERRED:
      if (!IsSet(c.transfer().sent_date())) {
        return "send the package to the police (3 days): " + cmd + "transfer-sent " + id +
               " --receipt R`";
      }
      return "close it (结案): " + cmd + "close " + id + " --ground transfer-completed`";
    case v1::Case::CLOSED: return "archive it (归档): " + cmd + "archive " + id + "`";
    default: return "";
  }
}

// The whole case, or JSON.
void PrintCase(const Connection& conn, AuthenticatedClient& client, const v1::Case& c) {
  if (conn.json) {
    std::cout << ToJson(c) << "\n";
    return;
  }
  std::string enterprise_name = EnterpriseDisplayName(client, c.enterprise());
  PrintFields(std::cout, CaseFields(c, enterprise_name));
  PrintPeople(c);
  PrintNumberedList(std::cout, "evidence 证据", c.evidence());
  PrintNotifications(c);
  PrintReviews(c);
  PrintDecision(c);
  PrintMeasures(c);
  PrintDecisionClock(c);
  std::cout << "\n";
  PrintClocks(c);
  PrintTimeline(c);
  std::string next = NextStep(c);
  if (!next.empty()) std::cout << "\nnext: " << next << "\n";
}

// One line after a step: what was done, the case's number and new state, the next due day.
std::string StepLine(const std::string& done, const v1::Case& c, const std::string& detail) {
  std::string line = done + " " + c.name();
  if (!c.case_number().empty()) line += " " + c.case_number();
  line += ": " + StateLabel(c);
  if (!detail.empty()) line += " — " + detail;
  std::string due = NextDue(c);
  if (!due.empty()) line += "; next due " + due;
  return line;
}

// A step refused because the case changed since it was read, or because a legal gate is
// not met (the reason code and what it means).
void CheckStep(const grpc::Status& s, const std::string& etag, const std::string& request_id,
               const std::string& name) {
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag +
                          ") the case changed since it was read: look at it again with "
                          "`ecoctl cases get " +
                          CaseId(name) + "` and repeat the command if it is still right");
  }
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    std::string reason = ErrorReason(s);
    std::string text = ReasonText(reason);
    throw RpcError(s, "refused 不予办理: " + (reason.empty() ? "FAILED_PRECONDITION" : reason) +
                          (text.empty() ? "" : " — " + text) + "; see `ecoctl cases get " +
                          CaseId(name) + "`");
  }
  CheckChange(s, request_id);
}

// --- open -------------------------------------------------------------------------------------

struct OpenOptions {
  std::string source_kind;
  std::string source;
  std::string party_kind;
  std::string party;
  std::string enterprise;
  std::string district;
  std::string summary;
  std::string discovered;
  std::string request_id;
};

int OpenCase(const Connection& conn, const OpenOptions& o) {
  v1::PartyKind party_kind = FromName(PartyKindNames(), o.party_kind);
  if (party_kind == v1::ORGANISATION && o.enterprise.empty()) {
    throw CommandError(kExitUsage,
                       "an organisation is a registered enterprise: give its --enterprise USCC");
  }
  v1::OpenCaseRequest request;
  v1::Case* c = request.mutable_case_();
  v1::CaseSource::Kind kind = FromName(SourceKindNames(), o.source_kind);
  c->mutable_source()->set_kind(kind);
  c->mutable_source()->set_link(SourceLink(kind, o.source));
  c->set_party_kind(party_kind);
  c->set_party_name(o.party);
  if (!o.enterprise.empty()) c->set_enterprise(EnterpriseName(o.enterprise));
  c->set_district_code(o.district);
  c->set_summary(o.summary);
  if (!o.discovered.empty()) *c->mutable_discovery_date() = registry::ToDate(o.discovered);
  request.set_request_id(RequestIdOrNew(o.request_id));

  CaseClient cc(conn);
  // Whether a case is open for the source already: the answer is then that case. Only a
  // courtesy for the headline, so a failed look-up is not an error.
  v1::ListCasesRequest existing;
  existing.set_source_link(c->source().link());
  existing.set_page_size(1);
  v1::ListCasesResponse found;
  grpc::Status looked = cc.client.Call(
      [&](grpc::ClientContext& ctx) { return cc.cases->ListCases(&ctx, existing, &found); });
  int64_t asked = NowSeconds();
  v1::Case opened;
  grpc::Status s = cc.client.Call(
      [&](grpc::ClientContext& ctx) { return cc.cases->OpenCase(&ctx, request, &opened); });
  CheckChange(s, request.request_id());
  if (conn.json) {
    std::cout << ToJson(opened) << "\n";
    return kExitOk;
  }
  // Opening again from the same source answers with the case already open for it: found
  // before, or older than this call (a minute of slack for the clocks of this machine and
  // the server).
  bool earlier =
      (looked.ok() && !found.cases().empty() && found.cases(0).name() == opened.name()) ||
      opened.create_time().seconds() < asked - 60;
  std::cout << StepLine(earlier ? "already open for " + opened.source().link() + " since " +
                                      FormatTime(opened.create_time()) + ":"
                                : "opened",
                        opened,
                        SourceKindLabel(opened.source().kind()) + " " + opened.source().link())
            << "\n";
  std::string next = NextStep(opened);
  if (!next.empty()) std::cout << "next: " << next << "\n";
  return kExitOk;
}

// --- get, clocks, list, candidates ------------------------------------------------------------

int Get(const Connection& conn, const std::string& id) {
  CaseName(id);  // A malformed number is a usage error even when not signed in.
  CaseClient cc(conn);
  PrintCase(conn, cc.client, cc.Get(id));
  return kExitOk;
}

int Clocks(const Connection& conn, const std::string& id) {
  CaseName(id);
  CaseClient cc(conn);
  v1::Case c = cc.Get(id);
  if (conn.json) {
    std::cout << ToJson(c.clocks()) << "\n";
    return kExitOk;
  }
  std::cout << c.name() << (c.case_number().empty() ? "" : " " + c.case_number()) << ": "
            << StateLabel(c) << "\n";
  PrintClocks(c);
  PrintDecisionClock(c);
  return kExitOk;
}

struct ListOptions {
  bool mine = false;
  std::string state;
  std::string district;
  std::string officer;
  std::string source_kind;
  std::string source;
  std::string enterprise;
  bool open = false;
  bool overdue = false;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& conn, const ListOptions& o) {
  if (o.mine && !o.officer.empty()) {
    throw CommandError(kExitUsage, "--mine is --officer with your own name: give one of them");
  }
  v1::ListCasesRequest request;
  if (!o.state.empty()) request.set_state(FromName(StateNames(), o.state));
  request.set_district_code(o.district);
  if (o.mine) request.set_officer("users/me");
  if (!o.officer.empty()) request.set_officer(UserResourceName(o.officer));
  v1::CaseSource::Kind kind = FromName(SourceKindNames(), o.source_kind);
  request.set_source_kind(kind);
  if (!o.source.empty()) request.set_source_link(SourceLink(kind, o.source));
  if (!o.enterprise.empty()) request.set_enterprise(EnterpriseName(o.enterprise));
  request.set_open_only(o.open);
  request.set_overdue_only(o.overdue);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  CaseClient cc(conn);
  auto all =
      ListPages<v1::ListCasesResponse>(cc.client, request, o.page_size > 0,
                                       [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
                                         return cc.cases->ListCases(&ctx, r, page);
                                       });
  if (conn.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"ID", "NUMBER 案号", "STATE", "PARTY 当事人", "DISTRICT", "NEXT DUE", "MARKS",
               "SUMMARY 案由"});
  for (const v1::Case& c : all.cases()) {
    table.AddRow({CaseId(c.name()), c.case_number(), StateLabel(c), Summary(c.party_name()),
                  DistrictShort(c.district_code()), NextDue(c, /*with_days_left=*/false), Marks(c),
                  Summary(c.summary())});
  }
  table.Print(std::cout);
  std::cout << all.cases_size() << (all.cases_size() == 1 ? " case\n" : " cases\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

int Candidates(const Connection& conn, int page_size) {
  CaseClient cc(conn);
  v1::ListCaseCandidatesRequest request;
  request.set_page_size(page_size);
  v1::ListCaseCandidatesResponse response;
  Check(cc.client.Call([&](grpc::ClientContext& ctx) {
    return cc.cases->ListCaseCandidates(&ctx, request, &response);
  }));
  if (conn.json) {
    std::cout << ToJson(response) << "\n";
    return kExitOk;
  }
  std::set<std::string> usccs;
  for (const v1::CaseCandidate& k : response.candidates()) {
    if (!k.enterprise().empty()) usccs.insert(UsccOf(k.enterprise()));
  }
  auto names = EnterpriseDisplayNames(cc.client, usccs);
  Table table({"SOURCE KIND", "LINK", "ENTERPRISE", "DISTRICT", "FOUND", "DESCRIPTION"});
  for (const v1::CaseCandidate& k : response.candidates()) {
    std::string uscc = k.enterprise().empty() ? "" : UsccOf(k.enterprise());
    table.AddRow({SourceKindLabel(k.source().kind()), k.source().link(),
                  names[uscc].empty() ? uscc : names[uscc], DistrictShort(k.district_code()),
                  ShortTime(k.found_time()), Summary(k.description(), 30)});
  }
  table.Print(std::cout);
  std::cout << response.candidates_size()
            << (response.candidates_size() == 1 ? " candidate\n" : " candidates\n");
  if (!response.candidates().empty()) {
    std::cout << "open a case from one (线索): `ecoctl cases open --source-kind KIND --source "
                 "LINK --party-kind organisation --party NAME --enterprise USCC --district D "
                 "--summary …`\n";
  }
  return kExitOk;
}

// --- steps ------------------------------------------------------------------------------------

struct StepOptions {
  std::string id;
  std::string user;                    // assign, recuse, schedule-hearing (--presiding)
  std::string reason;                  // recuse, not-file, decide, extend
  std::string date;                    // file, request-hearing, serve, pay, court, resume
  bool harms_health = false;           // file
  std::string evidence;                // attach
  std::string facts;                   // notify
  std::vector<std::string> penalties;  // notify, decide
  std::string fine;                    // notify, decide
  std::string basis;                   // notify, decide
  std::string rights;                  // notify
  bool defence = false;                // respond
  bool waive = false;                  // respond
  std::string note;                    // respond, transfer, close, pause
  std::string notice;                  // schedule-hearing
  std::string hearing;                 // schedule-hearing
  bool held = false;                   // hearing
  bool no_show = false;                // hearing
  bool withdrawn = false;              // hearing
  std::string record;                  // hearing
  bool legal = false;                  // flag-reviews
  bool collective = false;             // flag-reviews
  std::string conclusion;              // legal-review, collective
  std::vector<std::string> orders;     // decide
  bool no_penalty = false;             // decide
  std::string kind;                    // transfer, pause
  std::string body;                    // transfer
  std::vector<std::string> package;    // transfer
  std::string document;                // measure
  int months = 0;                      // measure, extend-measure
  int index = 0;                       // extend-measure, lift-measure (from 1)
  std::string method;                  // serve
  bool consent = false;                // serve
  int correction_days = 0;             // serve
  std::string yuan;                    // pay
  std::string receipt;                 // pay, transfer-sent
  std::string ground;                  // close
  std::string from;                    // pause
  std::string to;                      // pause
  int days = 0;                        // extend
  std::string approval;                // extend
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

// Reads the case for its etag, builds the request with `fill(request, current)` and sends
// it with `send`; prints one line, `done` and `detail(changed)`, or the case as JSON.
template <typename Request, typename Fill, typename Send, typename Detail>
int Step(const Connection& conn, const StepOptions& o, const std::string& done, Fill fill,
         Send send, Detail detail) {
  CaseName(o.id);  // A malformed number is a usage error even when not signed in.
  CaseClient cc(conn);
  v1::Case current = cc.Get(o.id);
  Request request;
  request.set_name(current.name());
  fill(request, current);
  request.set_etag(o.etag.empty() ? current.etag() : o.etag);
  request.set_request_id(RequestIdOrNew(o.request_id));
  v1::Case changed;
  grpc::Status s = cc.client.Call(
      [&](grpc::ClientContext& ctx) { return send(*cc.cases, ctx, request, &changed); });
  CheckStep(s, request.etag(), request.request_id(), current.name());
  if (conn.json) {
    std::cout << ToJson(changed) << "\n";
  } else {
    std::cout << StepLine(done, changed, detail(changed)) << "\n";
  }
  return kExitOk;
}

auto NoDetail() {
  return [](const v1::Case&) { return std::string(); };
}

int Assign(const Connection& conn, const StepOptions& o) {
  std::string user = UserResourceName(o.user);
  return Step<v1::AssignCaseOfficerRequest>(
      conn, o, "assigned " + BareUsername(user) + " to",
      [&](auto& r, const v1::Case&) { r.set_user(user); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.AssignCaseOfficer(&ctx, r, out);
      },
      [&](const v1::Case& c) {
        std::string text;
        for (const v1::CaseOfficer& officer : c.officers()) {
          if (officer.user() == user || BareUsername(officer.user()) == BareUsername(user)) {
            text = "执法证 " + officer.certificate_number() + " valid until " +
                   FormatDate(officer.certificate_expiry()) + "; ";
          }
        }
        return text + std::to_string(c.officers_size()) + " officer" +
               (c.officers_size() == 1 ? "" : "s");
      });
}

int Recuse(const Connection& conn, const StepOptions& o) {
  std::string user = UserResourceName(o.user);
  return Step<v1::RecuseCaseOfficerRequest>(
      conn, o, "recused " + BareUsername(user) + " from",
      [&](auto& r, const v1::Case&) {
        r.set_user(user);
        r.set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecuseCaseOfficer(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return std::to_string(c.officers_size()) + " officer" +
               (c.officers_size() == 1 ? "" : "s") + " left";
      });
}

int File(const Connection& conn, const StepOptions& o) {
  return Step<v1::FileCaseRequest>(
      conn, o, "filed (立案)",
      [&](auto& r, const v1::Case&) {
        *r.mutable_violation_end_date() = registry::ToDate(o.date);
        r.set_harms_life_or_health(o.harms_health);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.FileCase(&ctx, r, out);
      },
      NoDetail());
}

int NotFile(const Connection& conn, const StepOptions& o) {
  return Step<v1::NotFileCaseRequest>(
      conn, o, "not filed (不予立案)", [&](auto& r, const v1::Case&) { r.set_reason(o.reason); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.NotFileCase(&ctx, r, out);
      },
      NoDetail());
}

int Investigate(const Connection& conn, const StepOptions& o) {
  return Step<v1::StartInvestigationRequest>(
      conn, o, "started the investigation of", [](auto&, const v1::Case&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.StartInvestigation(&ctx, r, out);
      },
      NoDetail());
}

int Attach(const Connection& conn, const StepOptions& o) {
  return Step<v1::AttachCaseEvidenceRequest>(
      conn, o, "attached " + o.evidence + " to",
      [&](auto& r, const v1::Case&) { r.set_evidence(o.evidence); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.AttachCaseEvidence(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return std::to_string(c.evidence_size()) + " evidence item" +
               (c.evidence_size() == 1 ? "" : "s");
      });
}

int SubmitReview(const Connection& conn, const StepOptions& o) {
  return Step<v1::SubmitForReviewRequest>(
      conn, o, "submitted for review (案件审查)", [](auto&, const v1::Case&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.SubmitForReview(&ctx, r, out);
      },
      NoDetail());
}

int Return(const Connection& conn, const StepOptions& o) {
  return Step<v1::ReturnForInvestigationRequest>(
      conn, o, "returned for investigation (补充调查)",
      [&](auto& r, const v1::Case&) { r.set_reasons(o.reason); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ReturnForInvestigation(&ctx, r, out);
      },
      NoDetail());
}

int Notify(const Connection& conn, const StepOptions& o) {
  std::vector<v1::PenaltyItem> proposed = Penalties(o.penalties, o.fine);
  if (proposed.empty()) {
    throw CommandError(kExitUsage,
                       "give the proposed penalty: --penalty KIND[:YUAN] (repeatable) and/or "
                       "--fine YUAN");
  }
  return Step<v1::NotifyPartyRequest>(
      conn, o, "notified the party of",
      [&](auto& r, const v1::Case&) {
        v1::Notification* n = r.mutable_notification();
        n->set_facts(o.facts);
        for (const v1::PenaltyItem& p : proposed) *n->add_proposed() = p;
        n->set_legal_basis(o.basis);
        n->set_rights(o.rights);
        *n->mutable_received_date() = registry::ToDate(o.date);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.NotifyParty(&ctx, r, out);
      },
      [](const v1::Case& c) {
        if (c.notifications().empty()) return std::string();
        const v1::Notification& n = c.notifications(c.notifications_size() - 1);
        return PenaltiesText(n.proposed()) + "; 陈述申辩期至 " +
               DateWithWeekday(n.statement_end_date()) +
               (n.hearing_right()
                    ? ", 听证申请期至 " + DateWithWeekday(n.hearing_request_end_date())
                    : ", no hearing right 无听证权");
      });
}

int Respond(const Connection& conn, const StepOptions& o) {
  if (o.defence == o.waive) {
    throw CommandError(kExitUsage,
                       "give --defence (已陈述申辩) or --waive (放弃陈述、申辩和听证), one");
  }
  return Step<v1::RecordPartyResponseRequest>(
      conn, o, "recorded the party's response to",
      [&](auto& r, const v1::Case&) {
        r.set_kind(o.waive ? v1::PartyResponse::WAIVED : v1::PartyResponse::DEFENCE_STATED);
        r.set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordPartyResponse(&ctx, r, out);
      },
      [](const v1::Case& c) { return ResponseLabel(c.response().kind()); });
}

int RequestHearing(const Connection& conn, const StepOptions& o) {
  return Step<v1::RequestHearingRequest>(
      conn, o, "recorded the hearing request (听证申请) on",
      [&](auto& r, const v1::Case&) {
        if (!o.date.empty()) *r.mutable_request_date() = registry::ToDate(o.date);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RequestHearing(&ctx, r, out);
      },
      NoDetail());
}

int ScheduleHearing(const Connection& conn, const StepOptions& o) {
  return Step<v1::ScheduleHearingRequest>(
      conn, o, "scheduled the hearing of",
      [&](auto& r, const v1::Case&) {
        *r.mutable_notice_date() = registry::ToDate(o.notice);
        *r.mutable_hearing_date() = registry::ToDate(o.hearing);
        r.set_presiding(UserResourceName(o.user));
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ScheduleHearing(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return "听证 " + DateWithWeekday(c.hearing().hearing_date()) + ", 主持人 " +
               BareUsername(c.hearing().presiding());
      });
}

int RecordHearing(const Connection& conn, const StepOptions& o) {
  if (o.held + o.no_show + o.withdrawn != 1) {
    throw CommandError(kExitUsage, "give --held, --no-show or --withdrawn (one)");
  }
  if (o.held && o.record.empty()) {
    throw CommandError(kExitUsage, "a held hearing needs its --record (听证笔录摘要)");
  }
  if (CharCount(o.record) > kMaxHearingRecordChars) {
    throw CommandError(kExitUsage, "--record has " + std::to_string(CharCount(o.record)) +
                                       " characters; at most " +
                                       std::to_string(kMaxHearingRecordChars));
  }
  return Step<v1::RecordHearingRequest>(
      conn, o, "recorded the hearing of",
      [&](auto& r, const v1::Case&) {
        r.set_outcome(o.held      ? v1::Hearing::HELD
                      : o.no_show ? v1::Hearing::NO_SHOW
                                  : v1::Hearing::WITHDRAWN);
        r.set_record(o.record);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordHearing(&ctx, r, out);
      },
      [](const v1::Case& c) { return OutcomeLabel(c.hearing().outcome()); });
}

int FlagReviews(const Connection& conn, const StepOptions& o) {
  if (!o.legal && !o.collective) {
    throw CommandError(kExitUsage, "give --legal (法制审核) and/or --collective (集体讨论)");
  }
  return Step<v1::FlagReviewsRequest>(
      conn, o, "flagged the reviews of",
      [&](auto& r, const v1::Case&) {
        r.set_legal_review(o.legal);
        r.set_collective_discussion(o.collective);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.FlagReviews(&ctx, r, out);
      },
      [](const v1::Case& c) {
        std::string text;
        if (c.legal_review_flagged()) text = "法制审核";
        if (c.collective_discussion_flagged()) {
          text += (text.empty() ? "" : "、") + std::string("集体讨论");
        }
        return "required 需要: " + text;
      });
}

int LegalReview(const Connection& conn, const StepOptions& o) {
  return Step<v1::RecordReviewRequest>(
      conn, o, "recorded the legal review (法制审核) of",
      [&](auto& r, const v1::Case&) { r.set_conclusion(o.conclusion); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordLegalReview(&ctx, r, out);
      },
      NoDetail());
}

int Collective(const Connection& conn, const StepOptions& o) {
  return Step<v1::RecordReviewRequest>(
      conn, o, "recorded the collective discussion (集体讨论) of",
      [&](auto& r, const v1::Case&) { r.set_conclusion(o.conclusion); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordCollectiveDiscussion(&ctx, r, out);
      },
      NoDetail());
}

int Decide(const Connection& conn, const StepOptions& o) {
  std::vector<v1::PenaltyItem> penalties = Penalties(o.penalties, o.fine);
  if (o.no_penalty) {
    if (!penalties.empty() || !o.orders.empty() || o.reason.empty()) {
      throw CommandError(kExitUsage,
                         "--no-penalty (不予处罚) takes its --reason and no --penalty, --fine "
                         "or --order");
    }
  } else {
    if (penalties.empty() || o.orders.empty() || o.basis.empty()) {
      throw CommandError(kExitUsage,
                         "a penalty decision needs --penalty KIND[:YUAN] (or --fine YUAN), "
                         "--order (责令改正, 1-20) and --basis; or give --no-penalty --reason");
    }
    if (o.orders.size() > static_cast<size_t>(kMaxOrders)) {
      throw CommandError(kExitUsage, "at most " + std::to_string(kMaxOrders) + " --order");
    }
  }
  return Step<v1::DecideCaseRequest>(
      conn, o, o.no_penalty ? "decided no penalty (不予处罚) on" : "decided (处罚决定)",
      [&](auto& r, const v1::Case&) {
        v1::Decision* d = r.mutable_decision();
        d->set_kind(o.no_penalty ? v1::Decision::NO_PENALTY : v1::Decision::PENALTY);
        for (const v1::PenaltyItem& p : penalties) *d->add_penalties() = p;
        for (const std::string& order : o.orders) d->add_correction_orders(order);
        d->set_legal_basis(o.basis);
        d->set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.DecideCase(&ctx, r, out);
      },
      [](const v1::Case& c) { return PenaltiesText(c.decision().penalties()); });
}

int Transfer(const Connection& conn, const StepOptions& o) {
  return Step<v1::TransferCaseRequest>(
      conn, o, "transferred (移送)",
      [&](auto& r, const v1::Case&) {
        v1::CaseTransfer* t = r.mutable_transfer();
        t->set_kind(FromName(TransferNames(), o.kind));
        t->set_receiving_body(o.body);
        t->set_note(o.note);
        for (const std::string& doc : o.package) t->add_package(doc);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.TransferCase(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return TransferLabel(c.transfer().kind()) + " → " + c.transfer().receiving_body();
      });
}

int TransferSent(const Connection& conn, const StepOptions& o) {
  return Step<v1::RecordTransferSentRequest>(
      conn, o, "sent the transfer package (移送材料) of",
      [&](auto& r, const v1::Case&) {
        if (!o.date.empty()) *r.mutable_sent_date() = registry::ToDate(o.date);
        r.set_receipt(o.receipt);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordTransferSent(&ctx, r, out);
      },
      [](const v1::Case& c) {
        const v1::CaseTransfer& t = c.transfer();
        bool late = IsSet(t.send_by_date()) &&
                    DaysSinceEpoch(t.sent_date()) > DaysSinceEpoch(t.send_by_date());
        return "sent 已移送 " + DateWithWeekday(t.sent_date()) + (late ? " late 逾期" : "") +
               ", 回执 " + t.receipt();
      });
}

int Serve(const Connection& conn, const StepOptions& o) {
  auto method = FromName(MethodNames(), o.method);
  if (method == v1::Service::ELECTRONIC && !o.consent) {
    throw CommandError(kExitUsage,
                       "electronic service (电子送达) needs the party's written consent: add "
                       "--consent once it is on file");
  }
  return Step<v1::ServeDecisionRequest>(
      conn, o, "served (送达) the decision of",
      [&](auto& r, const v1::Case&) {
        v1::Service* s = r.mutable_service();
        s->set_method(method);
        *s->mutable_served_date() = registry::ToDate(o.date);
        s->set_electronic_consent(o.consent);
        r.set_correction_days(o.correction_days);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ServeDecision(&ctx, r, out);
      },
      [](const v1::Case& c) {
        std::string text = MethodLabel(c.service().method());
        if (!c.correction_tasks().empty()) {
          text += "; correction tasks 整改任务 ";
          for (int i = 0; i < c.correction_tasks_size(); ++i) {
            text += (i == 0 ? "" : ", ") + c.correction_tasks(i);
          }
        }
        return text;
      });
}

int Pay(const Connection& conn, const StepOptions& o) {
  int64_t fen = ToFen(o.yuan, "--yuan");
  return Step<v1::RecordPaymentRequest>(
      conn, o, "recorded a payment of " + FormatYuan(fen) + " on",
      [&](auto& r, const v1::Case&) {
        v1::Payment* p = r.mutable_payment();
        p->set_amount_fen(fen);
        *p->mutable_paid_date() = registry::ToDate(o.date);
        p->set_receipt(o.receipt);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordPayment(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return "paid 已缴 " + FormatYuan(c.clocks().paid_fen()) + ", owed 未缴 " +
               FormatYuan(c.clocks().owed_fen());
      });
}

int Court(const Connection& conn, const StepOptions& o) {
  return Step<v1::RecordCourtEnforcementRequest>(
      conn, o, "recorded the court's acceptance (法院受理强制执行申请) on",
      [&](auto& r, const v1::Case&) { *r.mutable_accepted_date() = registry::ToDate(o.date); },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.RecordCourtEnforcement(&ctx, r, out);
      },
      NoDetail());
}

int Close(const Connection& conn, const StepOptions& o) {
  auto ground = FromName(GroundNames(), o.ground);
  if (ground == v1::DECISION_REVOKED && o.note.empty()) {
    throw CommandError(kExitUsage,
                       "decision-revoked needs a --note saying by whom (复议机关、法院)");
  }
  return Step<v1::CloseCaseRequest>(
      conn, o, "closed (结案)",
      [&](auto& r, const v1::Case&) {
        r.set_ground(ground);
        r.set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.CloseCase(&ctx, r, out);
      },
      [](const v1::Case& c) { return GroundLabel(c.closure_ground()); });
}

int Archive(const Connection& conn, const StepOptions& o) {
  return Step<v1::ArchiveCaseRequest>(
      conn, o, "archived (归档)", [](auto&, const v1::Case&) {},
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ArchiveCase(&ctx, r, out);
      },
      NoDetail());
}

int Pause(const Connection& conn, const StepOptions& o) {
  return Step<v1::PauseDecisionClockRequest>(
      conn, o, "paused the decision clock (中止计算) of",
      [&](auto& r, const v1::Case&) {
        v1::ExcludedPeriod* p = r.mutable_period();
        p->set_kind(FromName(PeriodNames(), o.kind));
        if (!o.from.empty()) *p->mutable_first_date() = registry::ToDate(o.from);
        if (!o.to.empty()) *p->mutable_last_date() = registry::ToDate(o.to);
        p->set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.PauseDecisionClock(&ctx, r, out);
      },
      [](const v1::Case& c) {
        if (c.excluded_periods().empty()) return std::string();
        const v1::ExcludedPeriod& p = c.excluded_periods(c.excluded_periods_size() - 1);
        return PeriodLabel(p.kind()) + " from " + DateWithWeekday(p.first_date()) +
               (IsSet(p.last_date()) ? " to " + DateWithWeekday(p.last_date()) : "");
      });
}

int Resume(const Connection& conn, const StepOptions& o) {
  return Step<v1::ResumeDecisionClockRequest>(
      conn, o, "resumed the decision clock of",
      [&](auto& r, const v1::Case&) {
        if (!o.date.empty()) *r.mutable_last_date() = registry::ToDate(o.date);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ResumeDecisionClock(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return "excluded 不计入 " + std::to_string(c.clocks().decision_excluded_days()) + " days";
      });
}

int Extend(const Connection& conn, const StepOptions& o) {
  return Step<v1::ExtendDecisionClockRequest>(
      conn, o, "extended the decision limit (延长办案期限) of",
      [&](auto& r, const v1::Case&) {
        v1::DecisionExtension* e = r.mutable_extension();
        e->set_days(o.days);
        e->set_approval(FromName(ApprovalNames(), o.approval));
        e->set_reason(o.reason);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ExtendDecisionClock(&ctx, r, out);
      },
      [](const v1::Case& c) {
        return "limit 办案时限 " + std::to_string(c.clocks().decision_limit_days()) + " days";
      });
}

// --- measures ---------------------------------------------------------------------------------

// The measure numbered `index` (from 1) in `cases get`; throws CommandError if there is none.
int MeasureIndex(const v1::Case& c, int index) {
  if (index < 1 || index > c.measures_size()) {
    throw CommandError(kExitUsage, c.name() + " has " + std::to_string(c.measures_size()) +
                                       " measure(s): give the number shown by `ecoctl cases get " +
                                       CaseId(c.name()) + "`");
  }
  return index - 1;
}

int Measure(const Connection& conn, const StepOptions& o) {
  auto kind = FromName(MeasureNames(), o.kind);
  bool days = o.cmd->count("--days") > 0;
  bool months = o.cmd->count("--months") > 0;
  if (kind == v1::CaseMeasure::SEALING && (!days || months)) {
    throw CommandError(kExitUsage, "查封、扣押 (sealing) runs for --days N (at most 30)");
  }
  if (kind == v1::CaseMeasure::PRODUCTION_LIMIT && (!months || days)) {
    throw CommandError(kExitUsage, "限制生产 (production-limit) runs for --months N (at most 3)");
  }
  if (kind == v1::CaseMeasure::PRODUCTION_SUSPENSION && (days || months)) {
    throw CommandError(kExitUsage,
                       "停产整治 (production-suspension) runs until lifted: no --days or --months");
  }
  return Step<v1::ImposeMeasureRequest>(
      conn, o, "imposed a measure on",
      [&](auto& r, const v1::Case&) {
        v1::CaseMeasure* m = r.mutable_measure();
        m->set_kind(kind);
        m->set_document(o.document);
        if (!o.from.empty()) *m->mutable_start_date() = registry::ToDate(o.from);
        m->set_amount(days ? o.days : o.months);
        m->set_note(o.note);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ImposeMeasure(&ctx, r, out);
      },
      [](const v1::Case& c) {
        if (c.measures().empty()) return std::string();
        const v1::CaseMeasure& m = c.measures(c.measures_size() - 1);
        return MeasureLabel(m) + " " + m.document() + " from " + DateWithWeekday(m.start_date()) +
               (IsSet(m.last_date()) ? " to " + DateWithWeekday(m.last_date())
                                     : " until lifted 至解除");
      });
}

int ExtendMeasure(const Connection& conn, const StepOptions& o) {
  bool days = o.cmd->count("--days") > 0;
  if (days == (o.cmd->count("--months") > 0)) {
    throw CommandError(kExitUsage,
                       "give the extra time as --days N (sealing) or --months N (production "
                       "limit), one");
  }
  int index = 0;
  return Step<v1::ExtendMeasureRequest>(
      conn, o, "extended a measure of",
      [&](auto& r, const v1::Case& current) {
        index = MeasureIndex(current, o.index);
        bool sealing = current.measures(index).kind() == v1::CaseMeasure::SEALING;
        if (sealing != days) {
          throw CommandError(kExitUsage, sealing ? "a sealing is extended by --days N"
                                                 : "a production limit is extended by --months N");
        }
        r.set_index(index);
        r.set_amount(days ? o.days : o.months);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.ExtendMeasure(&ctx, r, out);
      },
      [&](const v1::Case& c) {
        if (index >= c.measures_size()) return std::string();
        const v1::CaseMeasure& m = c.measures(index);
        return MeasureLabel(m) + " " + m.document() + " to " + DateWithWeekday(m.last_date());
      });
}

int LiftMeasure(const Connection& conn, const StepOptions& o) {
  int index = 0;
  return Step<v1::LiftMeasureRequest>(
      conn, o, "lifted a measure (解除) of",
      [&](auto& r, const v1::Case& current) {
        index = MeasureIndex(current, o.index);
        r.set_index(index);
        if (!o.date.empty()) *r.mutable_lifted_date() = registry::ToDate(o.date);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::Case* out) {
        return stub.LiftMeasure(&ctx, r, out);
      },
      [&](const v1::Case& c) {
        if (index >= c.measures_size()) return std::string();
        const v1::CaseMeasure& m = c.measures(index);
        return MeasureLabel(m) + " " + m.document() + " lifted " + DateWithWeekday(m.lifted_date());
      });
}

int DailyPenalty(const Connection& conn, const std::string& id) {
  CaseName(id);
  CaseClient cc(conn);
  v1::GetDailyPenaltyRequest request;
  request.set_name(CaseName(id));
  v1::DailyPenalty penalty;
  grpc::Status s = cc.client.Call(
      [&](grpc::ClientContext& ctx) { return cc.cases->GetDailyPenalty(&ctx, request, &penalty); });
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    std::string reason = ErrorReason(s);
    std::string text = ReasonText(reason);
    throw RpcError(
        s, "no daily penalty 不适用按日连续处罚: " + reason + (text.empty() ? "" : " — " + text));
  }
  Check(s);
  if (conn.json) {
    std::cout << ToJson(penalty) << "\n";
    return kExitOk;
  }
  std::cout << "daily penalty 按日连续处罚 of " << penalty.case_() << " (环境保护法 art. 59)\n";
  Table rounds(
      {"#", "ORDER SERVED 责令改正送达", "RE-INSPECTION 复查", "DAYS 日数", "STOPPED 停产日数"});
  int i = 0;
  for (const v1::DailyPenalty::Round& r : penalty.rounds()) {
    rounds.AddRow({std::to_string(++i), DateWithWeekday(r.order_served_date()),
                   DateWithWeekday(r.reinspection_date()), std::to_string(r.days()),
                   std::to_string(r.stopped_days())});
  }
  rounds.Print(std::cout);
  if (!penalty.stopped().empty()) {
    std::cout << "\ndischarge stopped by a measure 措施停止排污期间 (not counted)\n";
    Table stopped({"FROM", "TO", "DOCUMENT 文书"});
    for (const v1::DailyPenalty::Stopped& p : penalty.stopped()) {
      stopped.AddRow(
          {DateWithWeekday(p.first_date()), DateWithWeekday(p.last_date()), p.document()});
    }
    stopped.Print(std::cout);
  }
  std::cout << "\n"
            << penalty.total_days() << " days 日 × " << FormatYuan(penalty.daily_fen()) << " = "
            << FormatYuan(penalty.total_fen()) << "\n";
  return kExitOk;
}

// --- decisions (public) -----------------------------------------------------------------------

struct DecisionsOptions {
  std::string district;
  int page_size = 0;
  std::string page_token;
};

// The public list needs no sign-in: plain calls, page after page.
int PublicDecisions(const Connection& conn, const DecisionsOptions& o) {
  auto stub = v1::CaseService::NewStub(MakeChannel(conn));
  v1::ListPublicDecisionsRequest request;
  request.set_district_code(o.district);
  request.set_page_size(o.page_size > 0 ? o.page_size : 500);
  request.set_page_token(o.page_token);
  v1::ListPublicDecisionsResponse all;
  for (;;) {
    v1::ListPublicDecisionsResponse page;
    Check(CallWithRetry(conn, [&](grpc::ClientContext& ctx) {
      return stub->ListPublicDecisions(&ctx, request, &page);
    }));
    all.MergeFrom(page);
    all.set_next_page_token(page.next_page_token());
    if (o.page_size > 0 || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  if (conn.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(
      {"NUMBER 案号", "DECIDED", "PARTY 当事人", "DISTRICT", "PENALTIES 处罚", "SUMMARY 案由"});
  for (const v1::PublicDecision& d : all.decisions()) {
    table.AddRow({d.case_number(), DateWithWeekday(d.decision_date()), d.party_name(),
                  DistrictShort(d.district_code()), PenaltiesText(d.penalties()),
                  Summary(d.summary())});
  }
  table.Print(std::cout);
  std::cout << all.decisions_size() << (all.decisions_size() == 1 ? " decision\n" : " decisions\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

// --- registration -------------------------------------------------------------------------

// A subcommand on one case with the flags every step takes.
CLI::App* AddStepCommand(CLI::App* cases, const char* name, const char* description,
                         const std::shared_ptr<StepOptions>& o) {
  auto* cmd = cases->add_subcommand(name, description);
  o->cmd = cmd;
  cmd->add_option("id", o->id, "the case: its number or cases/ID")->required();
  cmd->add_option("--etag", o->etag,
                  "only if the case still has this etag (from an earlier get); default: the "
                  "etag read just before");
  registry::AddRequestIdFlag(cmd, o->request_id);
  return cmd;
}

void AddDateOption(CLI::App* cmd, const char* flag, std::string& date, const char* what,
                   bool required) {
  auto* option = cmd->add_option(flag, date, what)->check(registry::DateShape);
  if (required) option->required();
}

void AddPenaltyFlags(CLI::App* cmd, StepOptions& o, const char* what) {
  cmd->add_option("--penalty", o.penalties,
                  std::string(what) +
                      ": KIND[:YUAN], repeatable, e.g. fine:20000 or warning; KIND one of "
                      "warning, criticism, fine, confiscation, permit-suspension, "
                      "qualification-downgrade, permit-revocation, production-limit, "
                      "production-suspension, closure, employment-restriction, demolition")
      ->allow_extra_args(false);
  cmd->add_option("--fine", o.fine, "a fine (罚款) in yuan, exact to the fen: --penalty fine:YUAN")
      ->check(YuanShape);
}

}  // namespace

void AddCaseCommands(CLI::App& app, Context& ctx) {
  auto* cases = app.add_subcommand(
      "cases",
      "enforcement cases (行政处罚案件): 线索 → 立案 → 调查取证 → 案件审查 → 告知 → (听证) → "
      "处罚决定 → 送达 → 执行 → 结案 → 归档, every legal gate checked by the server; the "
      "clocks (立案 15 days, 办案 90 days less excluded periods, 送达, 缴款 with the late "
      "surcharge). Amounts in yuan exact to the fen; dates YYYY-MM-DD, Beijing");
  cases->require_subcommand(1);

  // list, candidates, get, clocks
  auto list_options = std::make_shared<ListOptions>();
  ListOptions& lo = *list_options;
  auto* list = cases->add_subcommand(
      "list", "cases in your scope, newest first, with the clock that runs (the officer's day)");
  list->add_flag("--mine", lo.mine, "only the cases you are assigned to");
  list->add_option("--officer", lo.officer, "only the cases this officer is assigned to");
  list->add_option("--state", lo.state, "only this state")
      ->check(CLI::IsMember(Keys(StateNames())));
  list->add_option("--district", lo.district,
                   "only this district (a city code covers its districts)");
  list->add_option("--source-kind", lo.source_kind, "only cases from this kind of source")
      ->check(CLI::IsMember(Keys(SourceKindNames())));
  list->add_option("--source", lo.source,
                   "only cases opened from this link, e.g. complaints/12 (a number with "
                   "--source-kind)");
  list->add_option("--enterprise", lo.enterprise, "only cases against this enterprise (USCC)");
  list->add_flag("--open", lo.open, "only open cases (not not-filed, closed or archived)");
  list->add_flag("--overdue", lo.overdue,
                 "only open cases with a running clock past due (立案, 办案, 送达, 缴款)");
  AddPageFlags(list, lo.page_size, lo.page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto candidates_size = std::make_shared<int>(0);
  auto* candidates = cases->add_subcommand(
      "candidates",
      "findings that may call for a case and have none yet: complaints flagged as clues, "
      "exceedances marked as case candidates, refused or overdue rectification tasks");
  candidates->add_option("--page-size", *candidates_size, "at most this many (default 50)")
      ->check(CLI::Range(1, 200));
  candidates->callback([&ctx, candidates_size] {
    ctx.run = [&ctx, candidates_size] { return Candidates(ctx.connection, *candidates_size); };
  });

  auto get_id = std::make_shared<std::string>();
  auto* get = cases->add_subcommand(
      "get",
      "one case: party, source, officers, evidence, notifications, hearing, reviews, "
      "decision, service, payments, the clocks and the timeline");
  get->add_option("id", *get_id, "the case: its number or cases/ID")->required();
  get->callback(
      [&ctx, get_id] { ctx.run = [&ctx, get_id] { return Get(ctx.connection, *get_id); }; });

  auto clocks_id = std::make_shared<std::string>();
  auto* clocks = cases->add_subcommand(
      "clocks",
      "the clocks of one case: 立案, 办案 (limit, used, left, excluded, extended), 送达, 缴款; "
      "fine, late surcharge, paid, owed");
  clocks->add_option("id", *clocks_id, "the case: its number or cases/ID")->required();
  clocks->callback([&ctx, clocks_id] {
    ctx.run = [&ctx, clocks_id] { return Clocks(ctx.connection, *clocks_id); };
  });

  // open
  auto open_options = std::make_shared<OpenOptions>();
  OpenOptions& oo = *open_options;
  auto* open = cases->add_subcommand(
      "open",
      "open a case as a clue (线索) from its source (officer, supervisor); opening again from "
      "the same source answers with the case already open for it");
  open->add_option("--source-kind", oo.source_kind, "what the case comes from")
      ->required()
      ->check(CLI::IsMember(Keys(SourceKindNames())));
  open->add_option("--source", oo.source,
                   "the source: complaints/12, incidents/3, tasks/7, inspections/5 (or the "
                   "number), or the referring body's letter number for a referral, e.g. "
                   "焦公移〔2026〕3号")
      ->required();
  open->add_option("--party-kind", oo.party_kind, "organisation (单位) or individual (个人)")
      ->required()
      ->check(CLI::IsMember(Keys(PartyKindNames())));
  open->add_option("--party", oo.party, "the party's name (当事人), 1-200 characters")->required();
  open->add_option("--enterprise", oo.enterprise,
                   "the party's credit code (USCC; required for an organisation)");
  open->add_option("--district", oo.district, "GB/T 2260 district code: the case's scope")
      ->required();
  open->add_option("--summary", oo.summary, "案由, 1-500 characters")->required();
  AddDateOption(open, "--discovered", oo.discovered,
                "the day the violation was discovered, YYYY-MM-DD (default today)", false);
  registry::AddRequestIdFlag(open, oo.request_id);
  open->callback([&ctx, open_options] {
    ctx.run = [&ctx, open_options] { return OpenCase(ctx.connection, *open_options); };
  });

  // officers
  auto assign = std::make_shared<StepOptions>();
  auto* assign_cmd = AddStepCommand(
      cases, "assign",
      "assign an enforcement officer of the case's district whose certificate (执法证) is "
      "valid today (supervisor)",
      assign);
  assign_cmd->add_option("user", assign->user, "the officer (username)")->required();
  OnRun(assign_cmd, ctx, assign, Assign);

  auto recuse = std::make_shared<StepOptions>();
  auto* recuse_cmd =
      AddStepCommand(cases, "recuse", "回避: remove an assigned officer (supervisor)", recuse);
  recuse_cmd->add_option("user", recuse->user, "the officer (username)")->required();
  recuse_cmd->add_option("--reason", recuse->reason, "why, 1-500 characters")->required();
  OnRun(recuse_cmd, ctx, recuse, Recuse);

  // filing
  auto file = std::make_shared<StepOptions>();
  auto* file_cmd = AddStepCommand(
      cases, "file",
      "立案: the clue becomes a case with the year's next number (supervisor); refused past "
      "the limitation period",
      file);
  AddDateOption(file_cmd, "--violation-end", file->date,
                "the last day of the violation (today when it continues)", true);
  file_cmd->add_flag("--harms-health", file->harms_health,
                     "harm to life or health: 5-year limitation instead of 2 (art. 36)");
  OnRun(file_cmd, ctx, file, File);

  auto not_file = std::make_shared<StepOptions>();
  auto* not_file_cmd =
      AddStepCommand(cases, "not-file", "不予立案, with the reason (supervisor)", not_file);
  not_file_cmd->add_option("--reason", not_file->reason, "why, 1-500 characters")->required();
  OnRun(not_file_cmd, ctx, not_file, NotFile);

  // investigation
  auto investigate = std::make_shared<StepOptions>();
  OnRun(AddStepCommand(cases, "investigate",
                       "start the investigation (调查取证); needs two officers with valid "
                       "certificates",
                       investigate),
        ctx, investigate, Investigate);

  auto attach = std::make_shared<StepOptions>();
  auto* attach_cmd =
      AddStepCommand(cases, "attach", "link an evidence item or inspection record", attach);
  attach_cmd->add_option("evidence", attach->evidence, "evidence/ID or inspections/ID")->required();
  OnRun(attach_cmd, ctx, attach, Attach);

  auto submit = std::make_shared<StepOptions>();
  OnRun(AddStepCommand(cases, "submit-review",
                       "hand the investigated case to review (案件审查, 查处分离); needs evidence",
                       submit),
        ctx, submit, SubmitReview);

  auto ret = std::make_shared<StepOptions>();
  auto* return_cmd = AddStepCommand(
      cases, "return", "send a reviewed case back for investigation (supervisor)", ret);
  return_cmd->add_option("--reasons", ret->reason, "what is missing, 1-1000 characters")
      ->required();
  OnRun(return_cmd, ctx, ret, Return);

  // notification, response, hearing
  auto notify = std::make_shared<StepOptions>();
  auto* notify_cmd = AddStepCommand(
      cases, "notify",
      "事先告知: facts, proposed penalty, basis and rights; starts the statement period and, "
      "where the law gives it, the hearing request period (working days)",
      notify);
  notify_cmd->add_option("--facts", notify->facts, "违法事实, 1-2000 characters")->required();
  AddPenaltyFlags(notify_cmd, *notify, "a proposed penalty (拟处罚), 1-10");
  notify_cmd->add_option("--basis", notify->basis, "legal basis (依据), 1-1000 characters")
      ->required();
  notify_cmd
      ->add_option("--rights", notify->rights,
                   "the rights told (陈述、申辩、听证), 1-1000 characters")
      ->required();
  AddDateOption(notify_cmd, "--received", notify->date,
                "the day the party received the notice (not in the future)", true);
  OnRun(notify_cmd, ctx, notify, Notify);

  auto respond = std::make_shared<StepOptions>();
  auto* respond_cmd =
      AddStepCommand(cases, "respond", "record the party's answer to the notice", respond);
  auto* defence = respond_cmd->add_flag("--defence", respond->defence,
                                        "the party stated its defence (陈述、申辩)");
  respond_cmd
      ->add_flag("--waive", respond->waive, "the party waived its statement and hearing rights")
      ->excludes(defence);
  respond_cmd->add_option("--note", respond->note, "what the party said, up to 2000 characters");
  OnRun(respond_cmd, ctx, respond, Respond);

  auto request_hearing = std::make_shared<StepOptions>();
  auto* request_hearing_cmd =
      AddStepCommand(cases, "request-hearing",
                     "the party asked for a hearing (within 5 working days)", request_hearing);
  AddDateOption(request_hearing_cmd, "--date", request_hearing->date,
                "the day it asked (a posted request: its postmark); default today", false);
  OnRun(request_hearing_cmd, ctx, request_hearing, RequestHearing);

  auto schedule = std::make_shared<StepOptions>();
  auto* schedule_cmd = AddStepCommand(
      cases, "schedule-hearing",
      "the hearing notice, at least 7 working days ahead; the presiding officer did not "
      "investigate",
      schedule);
  AddDateOption(schedule_cmd, "--notice", schedule->notice, "the day of the notice", true);
  AddDateOption(schedule_cmd, "--hearing", schedule->hearing, "the day of the hearing", true);
  schedule_cmd->add_option("--presiding", schedule->user, "the presiding officer (username)")
      ->required();
  OnRun(schedule_cmd, ctx, schedule, ScheduleHearing);

  auto hearing = std::make_shared<StepOptions>();
  auto* hearing_cmd = AddStepCommand(
      cases, "hearing",
      "record the hearing: held, or the party did not come or withdrew (back to notified)",
      hearing);
  auto* held = hearing_cmd->add_flag("--held", hearing->held, "it was held (听证已举行)");
  auto* no_show = hearing_cmd->add_flag("--no-show", hearing->no_show,
                                        "the party did not come without good reason (视为放弃)");
  hearing_cmd->add_flag("--withdrawn", hearing->withdrawn, "the party withdrew its request")
      ->excludes(held)
      ->excludes(no_show);
  held->excludes(no_show);
  hearing_cmd->add_option("--record", hearing->record,
                          "听证笔录 summary, 1-2000 characters (required when held)");
  OnRun(hearing_cmd, ctx, hearing, RecordHearing);

  // reviews
  auto flag = std::make_shared<StepOptions>();
  auto* flag_cmd = AddStepCommand(
      cases, "flag-reviews",
      "mark the case as needing legal review and/or collective discussion (supervisor)", flag);
  flag_cmd->add_flag("--legal", flag->legal, "法制审核");
  flag_cmd->add_flag("--collective", flag->collective, "集体讨论");
  OnRun(flag_cmd, ctx, flag, FlagReviews);

  auto legal = std::make_shared<StepOptions>();
  auto* legal_cmd = AddStepCommand(cases, "legal-review",
                                   "record the legal review (法制审核; supervisor)", legal);
  legal_cmd->add_option("--conclusion", legal->conclusion, "its conclusion, 1-2000 characters")
      ->required();
  OnRun(legal_cmd, ctx, legal, LegalReview);

  auto collective = std::make_shared<StepOptions>();
  auto* collective_cmd = AddStepCommand(
      cases, "collective", "record the collective discussion (集体讨论; supervisor)", collective);
  collective_cmd
      ->add_option("--conclusion", collective->conclusion, "its conclusion, 1-2000 characters")
      ->required();
  OnRun(collective_cmd, ctx, collective, Collective);

  // decision
  auto decide = std::make_shared<StepOptions>();
  auto* decide_cmd = AddStepCommand(
      cases, "decide",
      "处罚决定 (nothing heavier than notified) or 不予处罚 with --no-penalty (supervisor)",
      decide);
  AddPenaltyFlags(decide_cmd, *decide, "a penalty decided");
  decide_cmd
      ->add_option("--order", decide->orders,
                   "a correction order (责令改正), repeatable, 1-20: each becomes a "
                   "rectification task at service")
      ->allow_extra_args(false);
  decide_cmd->add_option("--basis", decide->basis, "legal basis (依据), 1-1000 characters");
  decide_cmd->add_flag("--no-penalty", decide->no_penalty, "不予处罚 (give the --reason)");
  decide_cmd->add_option("--reason", decide->reason,
                         "the grounds (required with --no-penalty), up to 1000 characters");
  OnRun(decide_cmd, ctx, decide, Decide);

  auto transfer = std::make_shared<StepOptions>();
  auto* transfer_cmd = AddStepCommand(cases, "transfer",
                                      "移送 to the police (supervisor); needs evidence", transfer);
  transfer_cmd
      ->add_option("--kind", transfer->kind,
                   "detention (移送行政拘留) or criminal (移送涉嫌犯罪案件)")
      ->required()
      ->check(CLI::IsMember(Keys(TransferNames())));
  transfer_cmd->add_option("--to", transfer->body, "the receiving body, e.g. 焦作市公安局解放分局")
      ->required();
  transfer_cmd->add_option("--note", transfer->note, "a note, up to 1000 characters");
  transfer_cmd
      ->add_option("--package", transfer->package,
                   "a document of the package (移送材料), repeatable, 1-20, e.g. 案件移送审批表, "
                   "移送书, 调查报告, 证据材料, 涉案物品清单")
      ->required()
      ->allow_extra_args(false);
  OnRun(transfer_cmd, ctx, transfer, Transfer);

  auto sent = std::make_shared<StepOptions>();
  auto* sent_cmd = AddStepCommand(
      cases, "transfer-sent",
      "the transfer package reached the police (within 3 days of the transfer decision)", sent);
  AddDateOption(sent_cmd, "--date", sent->date, "the day it was sent (default today)", false);
  sent_cmd
      ->add_option("--receipt", sent->receipt,
                   "the police's receipt (回执) number, 1-64 characters")
      ->required();
  OnRun(sent_cmd, ctx, sent, TransferSent);

  // execution
  auto serve = std::make_shared<StepOptions>();
  auto* serve_cmd = AddStepCommand(
      cases, "serve",
      "送达 the decision; its correction orders become rectification tasks due from the day "
      "of service",
      serve);
  serve_cmd
      ->add_option("--method", serve->method,
                   "direct 直接, left-at-place 留置, entrusted 委托, postal 邮寄, electronic 电子 "
                   "(with --consent), public-notice 公告")
      ->required()
      ->check(CLI::IsMember(Keys(MethodNames())));
  AddDateOption(serve_cmd, "--date", serve->date,
                "the day the party received the decision (not in the future)", true);
  serve_cmd->add_flag("--consent", serve->consent,
                      "the party consented in writing to electronic service");
  serve_cmd
      ->add_option("--correction-days", serve->correction_days,
                   "the correction tasks' period in days from service (default 30)")
      ->check(CLI::Range(1, kMaxCorrectionDays));
  OnRun(serve_cmd, ctx, serve, Serve);

  auto pay = std::make_shared<StepOptions>();
  auto* pay_cmd = AddStepCommand(cases, "pay", "record a payment of the fine (缴款)", pay);
  pay_cmd->add_option("--yuan", pay->yuan, "the amount in yuan, exact to the fen, e.g. 20000.00")
      ->required()
      ->check(YuanShape);
  AddDateOption(pay_cmd, "--date", pay->date, "the day it was paid", true);
  pay_cmd->add_option("--receipt", pay->receipt, "bank receipt / 罚没收据 number, 1-64 characters")
      ->required();
  OnRun(pay_cmd, ctx, pay, Pay);

  auto court = std::make_shared<StepOptions>();
  auto* court_cmd = AddStepCommand(
      cases, "court", "the court accepted the application for enforcement (申请强制执行)", court);
  AddDateOption(court_cmd, "--date", court->date, "the day the court accepted it", true);
  OnRun(court_cmd, ctx, court, Court);

  auto close = std::make_shared<StepOptions>();
  auto* close_cmd = AddStepCommand(
      cases, "close",
      "结案 on a ground that holds (supervisor); a fine must be paid with its late surcharge",
      close);
  close_cmd
      ->add_option("--ground", close->ground,
                   "fully-performed 执行完毕, no-execution-needed 不予处罚, transfer-completed "
                   "移送完毕, court-enforcement-accepted 法院受理强制执行, decision-revoked "
                   "决定被撤销")
      ->required()
      ->check(CLI::IsMember(Keys(GroundNames())));
  close_cmd->add_option("--note", close->note,
                        "a note, up to 500 characters (by whom, for decision-revoked)");
  OnRun(close_cmd, ctx, close, Close);

  auto archive = std::make_shared<StepOptions>();
  OnRun(AddStepCommand(cases, "archive", "归档 a closed case", archive), ctx, archive, Archive);

  // the decision clock
  auto pause = std::make_shared<StepOptions>();
  auto* pause_cmd = AddStepCommand(
      cases, "pause",
      "start a period not counted towards the 90-day decision limit (听证, 监测, 鉴定 …)", pause);
  pause_cmd
      ->add_option("--kind", pause->kind,
                   "hearing, public-notice, monitoring, appraisal, testing, assessment, "
                   "determination, service or other")
      ->required()
      ->check(CLI::IsMember(Keys(PeriodNames())));
  AddDateOption(pause_cmd, "--from", pause->from, "its first day (default today)", false);
  AddDateOption(pause_cmd, "--to", pause->to, "its last day, when already known", false);
  pause_cmd->add_option("--note", pause->note, "what it is, e.g. 委托监测报告");
  OnRun(pause_cmd, ctx, pause, Pause);

  auto resume = std::make_shared<StepOptions>();
  auto* resume_cmd = AddStepCommand(cases, "resume", "end the running excluded period", resume);
  AddDateOption(resume_cmd, "--last", resume->date,
                "its last excluded day (default yesterday: the clock runs again today)", false);
  OnRun(resume_cmd, ctx, resume, Resume);

  auto extend = std::make_shared<StepOptions>();
  auto* extend_cmd = AddStepCommand(
      cases, "extend",
      "extend the decision limit before it expires (supervisor): the first time up to 30 "
      "days with the head's approval, later ones by collective discussion",
      extend);
  extend_cmd->add_option("--days", extend->days, "extra days")
      ->required()
      ->check(CLI::Range(1, kMaxExtensionDays));
  extend_cmd
      ->add_option("--approval", extend->approval, "head (负责人批准) or collective (集体讨论决定)")
      ->required()
      ->check(CLI::IsMember(Keys(ApprovalNames())));
  extend_cmd->add_option("--reason", extend->reason, "why more time is needed, 1-500 characters")
      ->required();
  OnRun(extend_cmd, ctx, extend, Extend);

  // measures
  auto measure = std::make_shared<StepOptions>();
  auto* measure_cmd = AddStepCommand(
      cases, "measure",
      "impose 查封、扣押 (--days, at most 30), 限制生产 (--months, at most 3) or 停产整治 (until "
      "lifted), executed by two certified officers of the case",
      measure);
  measure_cmd
      ->add_option("--kind", measure->kind, "sealing, production-limit or production-suspension")
      ->required()
      ->check(CLI::IsMember(Keys(MeasureNames())));
  measure_cmd
      ->add_option("--document", measure->document, "the decision's number, e.g. 焦环封〔2026〕3号")
      ->required();
  AddDateOption(measure_cmd, "--start", measure->from, "executed or served on (default today)",
                false);
  measure_cmd->add_option("--days", measure->days, "a sealing's days")->check(CLI::Range(1, 60));
  measure_cmd->add_option("--months", measure->months, "a production limit's months")
      ->check(CLI::Range(1, 6));
  measure_cmd->add_option("--note", measure->note, "a note, up to 500 characters");
  OnRun(measure_cmd, ctx, measure, Measure);

  auto extend_measure = std::make_shared<StepOptions>();
  auto* extend_measure_cmd = AddStepCommand(
      cases, "extend-measure",
      "extend a sealing (≤ 30 days) or production limit (≤ 3 months) once, before it expires "
      "(supervisor: the head's approval)",
      extend_measure);
  extend_measure_cmd
      ->add_option("measure", extend_measure->index, "its number in `cases get` (1, 2, …)")
      ->required()
      ->check(CLI::PositiveNumber);
  extend_measure_cmd->add_option("--days", extend_measure->days, "extra days (sealing)")
      ->check(CLI::Range(1, 30));
  extend_measure_cmd
      ->add_option("--months", extend_measure->months, "extra months (production limit)")
      ->check(CLI::Range(1, 3));
  OnRun(extend_measure_cmd, ctx, extend_measure, ExtendMeasure);

  auto lift = std::make_shared<StepOptions>();
  auto* lift_cmd = AddStepCommand(cases, "lift-measure", "解除 a measure", lift);
  lift_cmd->add_option("measure", lift->index, "its number in `cases get` (1, 2, …)")
      ->required()
      ->check(CLI::PositiveNumber);
  AddDateOption(lift_cmd, "--date", lift->date,
                "the day it is lifted: the measure ends the day before (default today)", false);
  OnRun(lift_cmd, ctx, lift, LiftMeasure);

  auto daily_id = std::make_shared<std::string>();
  auto* daily = cases->add_subcommand(
      "daily-penalty",
      "按日连续处罚 as the correction tasks' re-inspections found it: the days from service to "
      "each refused re-inspection, less the days a measure stopped the discharge, times the "
      "decided fine");
  daily->add_option("id", *daily_id, "the case: its number or cases/ID")->required();
  daily->callback([&ctx, daily_id] {
    ctx.run = [&ctx, daily_id] { return DailyPenalty(ctx.connection, *daily_id); };
  });

  // decisions (public)
  auto decisions_options = std::make_shared<DecisionsOptions>();
  auto* decisions = cases->add_subcommand(
      "decisions",
      "penalty decisions against organisations as the law makes them public (行政处罚决定信息"
      "公开, art. 48), newest first; no sign-in needed");
  decisions->add_option("--district", decisions_options->district, "only this district");
  AddPageFlags(decisions, decisions_options->page_size, decisions_options->page_token);
  decisions->callback([&ctx, decisions_options] {
    ctx.run = [&ctx, decisions_options] {
      return PublicDecisions(ctx.connection, *decisions_options);
    };
  });
}

}  // namespace ecoctl
