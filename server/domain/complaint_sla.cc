#include "domain/complaint_sla.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/regulatory_time.h"

namespace ecocase::domain {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr int kMaxBasisLength = 500;
constexpr int kMaxReasonLength = 500;

// Debian's abseil has its own absl::string_view; convert at the API boundary.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Code points of UTF-8 text, or -1 when it holds a control character (line breaks too).
int TextLength(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return -1;
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool TextOk(absl::string_view s, int max) {
  const int n = TextLength(s);
  return n >= 1 && n <= max && !absl::StripAsciiWhitespace(s).empty();
}

bool UnitOk(SlaUnit unit) {
  return unit == SlaUnit::kHours || unit == SlaUnit::kWorkingDays ||
         unit == SlaUnit::kCalendarDays;
}

bool LimitOk(const SlaLimit& limit) {
  return UnitOk(limit.unit) && limit.amount >= 1 && limit.amount <= kMaxDeadlineAmount;
}

absl::string_view UnitSuffix(SlaUnit unit) {
  switch (unit) {
    case SlaUnit::kHours:
      return "h";
    case SlaUnit::kWorkingDays:
      return "wd";
    case SlaUnit::kCalendarDays:
      return "cd";
  }
  return "?";
}

// "" if fine, else the problem.
std::string LimitProblem(absl::string_view what, const SlaLimit& limit) {
  if (!UnitOk(limit.unit)) return absl::StrCat(what, " has no unit (want h, wd or cd)");
  if (limit.amount < 1 || limit.amount > kMaxDeadlineAmount) {
    return absl::StrCat(what, " must be 1-", kMaxDeadlineAmount, " ", UnitSuffix(limit.unit),
                        ", got ", limit.amount);
  }
  return "";
}

std::string KeyProblem(const SlaKey& key) {
  if ((key.channel && *key.channel == ComplaintChannel::kUnspecified) ||
      (key.category && *key.category == ComplaintCategory::kUnspecified) ||
      (key.urgency && *key.urgency == ComplaintUrgency::kUnspecified)) {
    return "a key names UNSPECIFIED; name a value or use *";
  }
  return "";
}

std::string RuleProblem(const SlaRule& rule) {
  if (std::string p = LimitProblem("acceptance", rule.acceptance); !p.empty()) return p;
  if (std::string p = LimitProblem("closure", rule.closure); !p.empty()) return p;
  if (rule.closure_from != SlaAnchor::kIntake && rule.closure_from != SlaAnchor::kAcceptance) {
    return "closure_from must be intake or acceptance";
  }
  if (rule.max_extension.amount == 0) {
    if (rule.max_extensions != 0) {
      return "extensions are allowed but no extension limit is given (extension=<limit>)";
    }
  } else {
    if (std::string p = LimitProblem("extension", rule.max_extension); !p.empty()) return p;
    if (rule.max_extensions < 1 || rule.max_extensions > kMaxSlaExtensions) {
      return absl::StrCat("extensions must be 1-", kMaxSlaExtensions, ", got ",
                          rule.max_extensions);
    }
  }
  if (!TextOk(rule.basis, kMaxBasisLength)) {
    return absl::StrCat("basis must be 1-", kMaxBasisLength,
                        " characters of text without line breaks");
  }
  return "";
}

bool IsFullWildcard(const SlaKey& key) {
  return !key.channel && !key.category && !key.urgency;
}

// Higher is more specific; see SlaPolicy::Lookup.
int Rank(const SlaKey& key) {
  return (key.urgency ? 4 : 0) + (key.channel ? 2 : 0) + (key.category ? 1 : 0);
}

template <typename Enum>
std::string KeyPart(const std::optional<Enum>& value, absl::string_view (*name)(Enum)) {
  return value ? std::string(name(*value)) : "*";
}

// The last day a day-based due instant (24:00) belongs to; for an hours-based due, the
// day it falls in. Nanoseconds, not seconds, so an hours-based due a moment after midnight
// stays on its own day.
absl::CivilDay LastDay(absl::Time due) {
  return common::RegulatoryDay(due - absl::Nanoseconds(1));
}

std::string ChineseDate(absl::CivilDay day) {
  return absl::StrCat(day.year(), "年", day.month(), "月", day.day(), "日");
}

// --- Text form ---------------------------------------------------------------------------

absl::string_view NextWord(absl::string_view* rest) {
  const size_t end = std::min(rest->find_first_of(" \t"), rest->size());
  const absl::string_view word = rest->substr(0, end);
  *rest = absl::StripLeadingAsciiWhitespace(rest->substr(end));
  return word;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// "15wd" -> {15, kWorkingDays}. The amount's range is checked with the rule.
bool ParseLimit(absl::string_view text, SlaLimit* limit) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  const absl::string_view number = text.substr(0, digits), suffix = text.substr(digits);
  if (!AllDigits(number) || number.size() > 6) return false;
  int amount = 0;
  for (char c : number) amount = amount * 10 + (c - '0');
  if (suffix == "h") {
    limit->unit = SlaUnit::kHours;
  } else if (suffix == "wd") {
    limit->unit = SlaUnit::kWorkingDays;
  } else if (suffix == "cd") {
    limit->unit = SlaUnit::kCalendarDays;
  } else {
    return false;
  }
  limit->amount = amount;
  return true;
}

template <size_t N>
std::string NameList(const std::array<absl::string_view, N>& names) {
  std::string list;
  for (size_t i = 1; i < N; ++i) absl::StrAppend(&list, absl::AsciiStrToLower(names[i]), ", ");
  return absl::StrCat(list, "or *");
}

// "" if fine; `*value` nullopt for "*".
template <typename Enum, size_t N>
std::string ParseKeyPart(absl::string_view word, absl::string_view what,
                         std::optional<Enum> (*from_name)(absl::string_view),
                         const std::array<absl::string_view, N>& names,
                         std::optional<Enum>* value) {
  if (word == "*") {
    value->reset();
    return "";
  }
  const std::string upper = absl::AsciiStrToUpper(word);
  *value = from_name(upper);
  if (!*value) {
    return absl::StrCat("unknown ", what, " \"", word, "\" (want ", NameList(names), ")");
  }
  return "";
}

struct ParsedRow {
  SlaRow row;
  int line = 0;
};

constexpr absl::string_view kLineSyntax =
    "want: <channel|*> <category|*> <urgency|*> acceptance=<limit> closure=<limit> "
    "[closure_from=intake|acceptance] [extension=<limit> [extensions=N]] basis=<text>";

std::string ParseLine(absl::string_view line, SlaRow* row) {
  namespace internal = complaint_kinds_internal;
  absl::string_view rest = line;
  const absl::string_view channel = NextWord(&rest);
  const absl::string_view category = NextWord(&rest);
  const absl::string_view urgency = NextWord(&rest);
  if (urgency.empty() || urgency.find('=') != absl::string_view::npos ||
      category.find('=') != absl::string_view::npos) {
    return absl::StrCat("a rule starts with three keys; ", kLineSyntax);
  }
  if (std::string p = ParseKeyPart(channel, "channel", &ComplaintChannelFromName,
                                   internal::kChannelNames, &row->key.channel);
      !p.empty()) {
    return p;
  }
  if (std::string p = ParseKeyPart(category, "category", &ComplaintCategoryFromName,
                                   internal::kCategoryNames, &row->key.category);
      !p.empty()) {
    return p;
  }
  if (std::string p = ParseKeyPart(urgency, "urgency", &ComplaintUrgencyFromName,
                                   internal::kUrgencyNames, &row->key.urgency);
      !p.empty()) {
    return p;
  }

  std::set<std::string> seen;
  bool has_basis = false;
  while (!rest.empty()) {
    // basis takes the rest of the line, spaces and all.
    if (absl::ConsumePrefix(&rest, "basis=")) {
      row->rule.basis = std::string(absl::StripAsciiWhitespace(rest));
      has_basis = true;
      break;
    }
    const absl::string_view word = NextWord(&rest);
    const size_t eq = word.find('=');
    if (eq == absl::string_view::npos) {
      return absl::StrCat("\"", word, "\" is not key=value; ", kLineSyntax);
    }
    const absl::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
    if (!seen.emplace(key).second) {
      return absl::StrCat(key, " is given twice");
    }
    if (key == "acceptance" || key == "closure" || key == "extension") {
      SlaLimit* limit = key == "acceptance"  ? &row->rule.acceptance
                        : key == "closure"   ? &row->rule.closure
                                             : &row->rule.max_extension;
      if (!ParseLimit(value, limit)) {
        return absl::StrCat("bad ", key, " limit \"", value,
                            "\" (want <N>h, <N>wd or <N>cd, e.g. 2h, 15wd, 60cd)");
      }
    } else if (key == "closure_from") {
      if (value == "intake") {
        row->rule.closure_from = SlaAnchor::kIntake;
      } else if (value == "acceptance") {
        row->rule.closure_from = SlaAnchor::kAcceptance;
      } else {
        return absl::StrCat("bad closure_from \"", value, "\" (want intake or acceptance)");
      }
    } else if (key == "extensions") {
      if (!AllDigits(value) || value.size() > 2) {
        return absl::StrCat("bad extensions \"", value, "\" (want a count, e.g. 1)");
      }
      row->rule.max_extensions = 0;
      for (char c : value) row->rule.max_extensions = row->rule.max_extensions * 10 + (c - '0');
    } else {
      return absl::StrCat("unknown key \"", key,
                          "\" (want acceptance, closure, closure_from, extension, extensions "
                          "or basis)");
    }
  }
  for (absl::string_view required : {"acceptance", "closure"}) {
    if (!seen.contains(std::string(required))) return absl::StrCat("missing ", required, "=");
  }
  if (!has_basis) return "missing basis= (the legal basis, last on the line)";
  if (seen.contains("extensions") && !seen.contains("extension")) {
    return "extensions= needs extension=<limit>";
  }
  if (seen.contains("extension") && !seen.contains("extensions")) row->rule.max_extensions = 1;
  return RuleProblem(row->rule);
}

absl::StatusOr<std::vector<ParsedRow>> ParseRows(absl::string_view text) {
  absl::ConsumePrefix(&text, kByteOrderMark);
  std::vector<ParsedRow> rows;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    ParsedRow parsed;
    parsed.line = line_number;
    std::string problem = ParseLine(line, &parsed.row);
    if (problem.empty()) {
      for (const ParsedRow& earlier : rows) {
        if (earlier.row.key == parsed.row.key) {
          problem = absl::StrCat(SlaKeyText(parsed.row.key), " is already given on line ",
                                 earlier.line);
          break;
        }
      }
    }
    if (!problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", problem));
    }
    rows.push_back(std::move(parsed));
  }
  return rows;
}

// Create, but a row problem names the line it came from.
absl::StatusOr<SlaPolicy> CreateFromLines(std::vector<SlaRow> rows, const std::vector<int>& lines) {
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string problem = KeyProblem(rows[i].key);
    if (problem.empty()) problem = RuleProblem(rows[i].rule);
    if (!problem.empty() && lines[i] > 0) {
      return absl::InvalidArgumentError(absl::StrCat("line ", lines[i], ": ", problem));
    }
  }
  return SlaPolicy::Create(std::move(rows));
}

// clang-format off
constexpr std::string_view kDefaultPolicyText =
R"(# 投诉举报办理时限（SLA）默认表 — domain-rules §5。
# [S]：有二手来源，正式文本待核对；[M]：焦作市局待确认的默认值。
# 每行：<渠道|*> <类别|*> <紧急程度|*> acceptance=<受理时限> closure=<办结时限>
#       [closure_from=intake|acceptance] [extension=<单次延期上限> [extensions=<次数>]] basis=<依据>
# 单位：h 小时，wd 工作日，cd 自然日（不因节假日顺延）。起算日不计入。
# 最具体的行生效：先看紧急程度，再看渠道，再看类别；"* * *" 兜底。

# 兜底：未列明的渠道按12369/信访的法定最长时限。
* * * acceptance=15cd closure=60cd closure_from=acceptance extension=30cd basis=兜底规则：按《环保举报热线工作管理办法》（环境保护部令第15号）的最长时限：15日内告知是否受理，自受理之日起60日内办结

# 12369 [S]：当场或15日内告知是否受理；自受理之日起60日内办结；情况复杂的经负责人批准可延长一次，不超过30日，并告知举报人延期理由。
12369_phone * * acceptance=15cd closure=60cd closure_from=acceptance extension=30cd basis=《环保举报热线工作管理办法》（环境保护部令第15号）：15日内告知是否受理；自受理之日起60日内办结，情况复杂的经负责人批准可延长不超过30日，并告知举报人延期理由
12369_wechat * * acceptance=15cd closure=60cd closure_from=acceptance extension=30cd basis=《环保举报热线工作管理办法》（环境保护部令第15号）：15日内告知是否受理；自受理之日起60日内办结，情况复杂的经负责人批准可延长不超过30日，并告知举报人延期理由
12369_web * * acceptance=15cd closure=60cd closure_from=acceptance extension=30cd basis=《环保举报热线工作管理办法》（环境保护部令第15号）：15日内告知是否受理；自受理之日起60日内办结，情况复杂的经负责人批准可延长不超过30日，并告知举报人延期理由

# 来信来访 [M]：《信访工作条例》15日内决定是否受理；自受理之日起60日内办结；延期不超过30日并告知。
letter_visit * * acceptance=15cd closure=60cd closure_from=acceptance extension=30cd basis=《信访工作条例》（2022年5月1日起施行）：15日内决定是否受理并告知；自受理之日起60日内办结，经批准可延长不超过30日并告知信访人

# 12345 转办 [S]/[M]：1个工作日内签收（"红黄灯"监测）；投诉举报15个工作日内办结，自收到次日起算
# （其他地方有13个工作日的规定）；延期须在到期前经12345中心申请，上限10个工作日 [M]。
12345_transfer * * acceptance=1wd closure=15wd extension=10wd basis=《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）：受理、派单、办理、回复、办结、回访闭环，限时办理；焦作市12345工单1个工作日内签收、15个工作日内办结（待市局确认）

# 紧急 [M]：正在发生、影响群众的污染（夜间施工噪声、异味、冒黑烟等）。
* * urgent acceptance=2h closure=5wd extension=5wd basis=紧急类投诉举报：2小时内受理、5个工作日内办结（焦作市局默认值，待确认；domain-rules §5.2）

# 突发 [M]：疑似突发环境事件、应急类工单：现场响应1-2小时，当日办结。
* * emergency acceptance=1h closure=24h extension=5wd basis=应急类（疑似突发环境事件）：1小时内受理并组织现场响应，24小时内办结（焦作市局默认值，待确认；domain-rules §5.2）
)";
// clang-format on

}  // namespace

std::string FormatSlaLimit(const SlaLimit& limit) {
  return absl::StrCat(limit.amount, UnitSuffix(limit.unit));
}

std::string SlaLimitDisplay(const SlaLimit& limit) {
  switch (limit.unit) {
    case SlaUnit::kHours:
      return absl::StrCat(limit.amount, "小时");
    case SlaUnit::kWorkingDays:
      return absl::StrCat(limit.amount, "个工作日");
    case SlaUnit::kCalendarDays:
      return absl::StrCat(limit.amount, "日");
  }
  return absl::StrCat(limit.amount);
}

std::string SlaKeyText(const SlaKey& key) {
  return absl::StrCat(KeyPart(key.channel, &ComplaintChannelName), " ",
                      KeyPart(key.category, &ComplaintCategoryName), " ",
                      KeyPart(key.urgency, &ComplaintUrgencyName));
}

absl::StatusOr<SlaPolicy> SlaPolicy::Create(std::vector<SlaRow> rows) {
  bool has_default = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    const SlaRow& row = rows[i];
    std::string problem = KeyProblem(row.key);
    if (problem.empty()) problem = RuleProblem(row.rule);
    if (problem.empty()) {
      for (size_t j = 0; j < i; ++j) {
        if (rows[j].key == row.key) {
          problem = absl::StrCat("the same key as sla rule ", j + 1);
          break;
        }
      }
    }
    if (!problem.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("sla rule ", i + 1, " (", SlaKeyText(row.key), "): ", problem));
    }
    has_default = has_default || IsFullWildcard(row.key);
  }
  if (!has_default) {
    return absl::InvalidArgumentError(
        "the sla policy has no \"* * *\" rule, the default for complaints no other rule "
        "matches");
  }
  SlaPolicy policy;
  policy.rows_ = std::move(rows);
  return policy;
}

const SlaRule& SlaPolicy::Lookup(ComplaintChannel channel, ComplaintCategory category,
                                 ComplaintUrgency urgency) const {
  const SlaRow* best = nullptr;
  for (const SlaRow& row : rows_) {
    const SlaKey& key = row.key;
    if ((key.channel && *key.channel != channel) || (key.category && *key.category != category) ||
        (key.urgency && *key.urgency != urgency)) {
      continue;
    }
    if (best == nullptr || Rank(key) > Rank(best->key)) best = &row;
  }
  // Create guarantees the "* * *" row, which matches everything.
  return best->rule;
}

absl::StatusOr<SlaPolicy> ParseSlaPolicy(std::string_view text) {
  absl::StatusOr<std::vector<ParsedRow>> parsed = ParseRows(ToAbsl(text));
  if (!parsed.ok()) return parsed.status();
  std::vector<SlaRow> rows;
  std::vector<int> lines;
  for (ParsedRow& p : *parsed) {
    rows.push_back(std::move(p.row));
    lines.push_back(p.line);
  }
  return CreateFromLines(std::move(rows), lines);
}

absl::StatusOr<SlaPolicy> OverrideSlaPolicy(const SlaPolicy& base, std::string_view text) {
  absl::StatusOr<std::vector<ParsedRow>> parsed = ParseRows(ToAbsl(text));
  if (!parsed.ok()) return parsed.status();
  std::vector<SlaRow> rows = base.rows();
  std::vector<int> lines(rows.size(), 0);
  for (ParsedRow& p : *parsed) {
    auto same = std::find_if(rows.begin(), rows.end(),
                             [&](const SlaRow& r) { return r.key == p.row.key; });
    if (same != rows.end()) {
      lines[same - rows.begin()] = p.line;
      *same = std::move(p.row);
    } else {
      rows.push_back(std::move(p.row));
      lines.push_back(p.line);
    }
  }
  return CreateFromLines(std::move(rows), lines);
}

std::string FormatSlaPolicy(const SlaPolicy& policy) {
  std::string text;
  for (const SlaRow& row : policy.rows()) {
    const SlaRule& rule = row.rule;
    absl::StrAppend(&text, absl::AsciiStrToLower(SlaKeyText(row.key)),
                    " acceptance=", FormatSlaLimit(rule.acceptance),
                    " closure=", FormatSlaLimit(rule.closure));
    if (rule.closure_from == SlaAnchor::kAcceptance) {
      absl::StrAppend(&text, " closure_from=acceptance");
    }
    if (rule.max_extension.amount > 0) {
      absl::StrAppend(&text, " extension=", FormatSlaLimit(rule.max_extension),
                      " extensions=", rule.max_extensions);
    }
    absl::StrAppend(&text, " basis=", rule.basis, "\n");
  }
  return text;
}

std::string_view DefaultSlaPolicyText() { return kDefaultPolicyText; }

absl::StatusOr<SlaPolicy> DefaultSlaPolicy() {
  absl::StatusOr<SlaPolicy> policy = ParseSlaPolicy(kDefaultPolicyText);
  if (!policy.ok()) {
    return absl::Status(policy.status().code(),
                        absl::StrCat("built-in sla policy: ", policy.status().message()));
  }
  return policy;
}

absl::Time DueTime(absl::Time start, const SlaLimit& limit, const WorkingCalendar& calendar,
                   bool* provisional) {
  if (provisional != nullptr) *provisional = false;
  // Due at once rather than never, so a bad rule shows up as overdue work.
  if (!LimitOk(limit) || start == absl::InfinitePast() || start == absl::InfiniteFuture()) {
    return start;
  }
  DeadlineRule rule;
  rule.unit = limit.unit;
  rule.amount = limit.amount;
  rule.extend_past_non_working_day = false;
  const Deadline deadline = calendar.ComputeDeadline(start, rule);
  if (provisional != nullptr) *provisional = deadline.provisional;
  return deadline.due;
}

ComplaintDeadlines ComputeDeadlines(const SlaRule& rule, absl::Time intake_time,
                                    const WorkingCalendar& calendar) {
  ComplaintDeadlines d;
  d.intake_time = intake_time;
  d.acceptance_due = DueTime(intake_time, rule.acceptance, calendar, &d.acceptance_provisional);
  d.closure_due = DueTime(intake_time, rule.closure, calendar, &d.closure_provisional);
  d.closure_awaits_acceptance = rule.closure_from == SlaAnchor::kAcceptance;
  return d;
}

absl::Status AnchorClosureAtAcceptance(ComplaintDeadlines& deadlines, const SlaRule& rule,
                                       absl::Time accept_time, const WorkingCalendar& calendar) {
  if (accept_time < deadlines.intake_time) {
    return common::InvalidFieldError("accept_time", "is before the complaint's intake time");
  }
  if (rule.closure_from != SlaAnchor::kAcceptance) return absl::OkStatus();
  if (!deadlines.closure_awaits_acceptance) {
    return common::WithReason(
        absl::FailedPreconditionError(
            "the closure clock already counts from acceptance; it starts only once"),
        "SLA_ALREADY_ANCHORED");
  }
  deadlines.closure_due =
      DueTime(accept_time, rule.closure, calendar, &deadlines.closure_provisional);
  deadlines.closure_awaits_acceptance = false;
  return absl::OkStatus();
}

absl::Status ExtendClosure(ComplaintDeadlines& deadlines, const SlaRule& rule,
                           const SlaLimit& extra, const std::string& reason,
                           const std::string& approved_by, absl::Time now,
                           const WorkingCalendar& calendar) {
  if (rule.max_extension.amount == 0 || rule.max_extensions == 0) {
    return common::WithReason(
        absl::FailedPreconditionError("this complaint's sla rule allows no closure extension"),
        "SLA_EXTENSION_NOT_ALLOWED");
  }
  if (static_cast<int>(deadlines.extensions.size()) >= rule.max_extensions) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat("closure was extended ",
                                                   deadlines.extensions.size(),
                                                   " time(s) already, the most the rule allows")),
        "SLA_EXTENSION_NOT_ALLOWED");
  }
  if (deadlines.closure_awaits_acceptance) {
    return common::WithReason(
        absl::FailedPreconditionError(
            "closure counts from acceptance and the complaint is not accepted yet"),
        "SLA_NOT_ACCEPTED");
  }
  if (now >= deadlines.closure_due) {
    return common::WithReason(
        absl::FailedPreconditionError(
            "closure is already overdue; an extension must be approved before the due time"),
        "SLA_EXPIRED");
  }
  if (!TextOk(reason, kMaxReasonLength)) {
    return common::InvalidFieldError(
        "extension.reason",
        absl::StrCat("must be 1-", kMaxReasonLength,
                     " characters without line breaks; the reporter is told it"));
  }
  if (!TextOk(approved_by, 128)) {
    return common::InvalidFieldError("extension.approved_by", "must name the approver");
  }
  if (extra.unit != rule.max_extension.unit || extra.amount < 1 ||
      extra.amount > rule.max_extension.amount) {
    return common::InvalidFieldError(
        "extension.extra",
        absl::StrCat("must be 1-", rule.max_extension.amount, UnitSuffix(rule.max_extension.unit),
                     " (at most ", SlaLimitDisplay(rule.max_extension), ")"));
  }
  ClosureExtension extension;
  extension.extra = extra;
  extension.reason = reason;
  extension.approved_by = approved_by;
  extension.approve_time = now;
  extension.previous_due = deadlines.closure_due;
  // Day-based extra counts from the current last day (it is not counted again), so start
  // within that day rather than at its 24:00.
  const absl::Time from = extra.unit == SlaUnit::kHours ? deadlines.closure_due
                                                        : deadlines.closure_due -
                                                              absl::Nanoseconds(1);
  bool provisional = false;
  extension.new_due = DueTime(from, extra, calendar, &provisional);
  deadlines.closure_due = extension.new_due;
  deadlines.closure_provisional = deadlines.closure_provisional || provisional;
  deadlines.extensions.push_back(std::move(extension));
  return absl::OkStatus();
}

std::string ExtensionNotice(const ClosureExtension& extension) {
  absl::string_view reason = absl::StripAsciiWhitespace(extension.reason);
  absl::ConsumeSuffix(&reason, "。");
  std::string until;
  if (extension.extra.unit == SlaUnit::kHours) {
    const absl::CivilMinute m =
        absl::ToCivilMinute(extension.new_due, common::RegulatoryTimeZone());
    until = absl::StrCat(ChineseDate(absl::CivilDay(m)), m.hour(), "时",
                         absl::Dec(m.minute(), absl::kZeroPad2), "分");
  } else {
    until = ChineseDate(LastDay(extension.new_due));
  }
  return absl::StrCat("您反映的问题因", reason, "，经批准延期办理，办结期限延长至", until, "。");
}

bool AcceptanceOverdue(const ComplaintDeadlines& deadlines, bool acceptance_decided,
                       absl::Time now) {
  return !acceptance_decided && now >= deadlines.acceptance_due;
}

bool ClosureOverdue(const ComplaintDeadlines& deadlines, bool closed, absl::Time now) {
  return !closed && now >= deadlines.closure_due;
}

bool AcceptanceDueSoon(const ComplaintDeadlines& deadlines, bool acceptance_decided,
                       absl::Time now, absl::Duration window) {
  return !acceptance_decided && now < deadlines.acceptance_due &&
         deadlines.acceptance_due - now <= window;
}

bool ClosureDueSoon(const ComplaintDeadlines& deadlines, bool closed, absl::Time now,
                    absl::Duration window) {
  return !closed && now < deadlines.closure_due && deadlines.closure_due - now <= window;
}

std::vector<SlaAlert> SlaAlerts(const std::vector<ComplaintClocks>& complaints, absl::Time now,
                                absl::Duration due_soon_window) {
  std::vector<SlaAlert> alerts;
  auto add = [&](int64_t id, SlaClock clock, absl::Time due, bool overdue) {
    alerts.push_back({.complaint_id = id,
                      .clock = clock,
                      .due = due,
                      .overdue = overdue,
                      .overdue_by = now - due});
  };
  for (const ComplaintClocks& c : complaints) {
    const ComplaintDeadlines& d = c.deadlines;
    if (AcceptanceOverdue(d, c.acceptance_decided, now)) {
      add(c.complaint_id, SlaClock::kAcceptance, d.acceptance_due, true);
    } else if (AcceptanceDueSoon(d, c.acceptance_decided, now, due_soon_window)) {
      add(c.complaint_id, SlaClock::kAcceptance, d.acceptance_due, false);
    }
    if (ClosureOverdue(d, c.closed, now)) {
      add(c.complaint_id, SlaClock::kClosure, d.closure_due, true);
    } else if (ClosureDueSoon(d, c.closed, now, due_soon_window)) {
      add(c.complaint_id, SlaClock::kClosure, d.closure_due, false);
    }
  }
  // Overdue first; within each group the earliest due first (longest overdue / soonest).
  std::sort(alerts.begin(), alerts.end(), [](const SlaAlert& a, const SlaAlert& b) {
    return std::tuple(!a.overdue, a.due, a.complaint_id, a.clock) <
           std::tuple(!b.overdue, b.due, b.complaint_id, b.clock);
  });
  return alerts;
}

}  // namespace ecocase::domain
