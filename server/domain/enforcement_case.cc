#include "domain/enforcement_case.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/complaint_kinds.h"
#include "domain/principal.h"
#include "domain/text_check.h"
#include "domain/uscc.h"
#include "domain/user.h"

namespace ecocase::domain {
namespace {

using complaint_kinds_internal::FromName;
using complaint_kinds_internal::NameOf;

constexpr std::array<absl::string_view, 16> kStateNames = {
    "UNSPECIFIED",   "CLUE",         "NOT_FILED",  "FILED",
    "INVESTIGATING", "UNDER_REVIEW", "NOTIFIED",   "HEARING_REQUESTED",
    "HEARING_HELD",  "DECIDED",      "NO_PENALTY", "TRANSFERRED",
    "SERVED",        "EXECUTING",    "CLOSED",     "ARCHIVED"};
constexpr std::array<absl::string_view, 16> kStateLabels = {
    "未指定", "线索",     "不予立案", "立案", "调查取证", "案件审查", "告知", "听证申请",
    "听证",   "处罚决定", "不予处罚", "移送", "送达",     "执行",     "结案", "归档"};
constexpr std::array<absl::string_view, 8> kSourceNames = {
    "UNSPECIFIED",  "COMPLAINT",  "EXCEEDANCE_INCIDENT", "REFUSED_TASK",
    "OVERDUE_TASK", "INSPECTION", "RANDOM_INSPECTION",   "REFERRAL"};
constexpr std::array<absl::string_view, 3> kPartyNames = {"UNSPECIFIED", "ORGANISATION",
                                                          "INDIVIDUAL"};
constexpr std::array<absl::string_view, 13> kPenaltyNames = {"UNSPECIFIED",
                                                             "WARNING",
                                                             "CRITICISM",
                                                             "FINE",
                                                             "CONFISCATION",
                                                             "PERMIT_SUSPENSION",
                                                             "QUALIFICATION_DOWNGRADE",
                                                             "PERMIT_REVOCATION",
                                                             "PRODUCTION_LIMIT",
                                                             "PRODUCTION_SUSPENSION",
                                                             "CLOSURE",
                                                             "EMPLOYMENT_RESTRICTION",
                                                             "DEMOLITION"};
constexpr std::array<absl::string_view, 13> kPenaltyLabels = {
    "未指定",       "警告",         "通报批评",     "罚款",         "没收",
    "暂扣许可证件", "降低资质等级", "吊销许可证件", "限制生产经营", "责令停产停业",
    "责令关闭",     "限制从业",     "责令限期拆除"};
constexpr std::array<absl::string_view, 3> kResponseNames = {"UNSPECIFIED", "DEFENCE_STATED",
                                                             "WAIVED"};
constexpr std::array<absl::string_view, 4> kHearingNames = {"UNSPECIFIED", "HELD", "NO_SHOW",
                                                            "WITHDRAWN"};
constexpr std::array<absl::string_view, 3> kTransferNames = {
    "UNSPECIFIED", "ADMINISTRATIVE_DETENTION", "CRIMINAL"};
constexpr std::array<absl::string_view, 7> kServiceNames = {
    "UNSPECIFIED", "DIRECT", "LEFT_AT_PLACE", "ENTRUSTED", "POSTAL", "ELECTRONIC", "PUBLIC_NOTICE"};
constexpr std::array<absl::string_view, 6> kClosureNames = {"UNSPECIFIED",
                                                            "FULLY_PERFORMED",
                                                            "NO_EXECUTION_NEEDED",
                                                            "TRANSFER_COMPLETED",
                                                            "COURT_ENFORCEMENT_ACCEPTED",
                                                            "DECISION_REVOKED"};

template <typename Enum, size_t N>
bool IsNamed(Enum value, const std::array<absl::string_view, N>& /*names*/) {
  const size_t i = static_cast<size_t>(value);
  return i >= 1 && i < N;
}

bool In(CaseState state, std::initializer_list<CaseState> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

// `{collection}/{positive id}`.
bool IsLink(absl::string_view link, absl::string_view collection) {
  int64_t id = 0;
  return absl::ConsumePrefix(&link, collection) && absl::ConsumePrefix(&link, "/") &&
         !link.empty() && std::all_of(link.begin(), link.end(), absl::ascii_isdigit) &&
         absl::SimpleAtoi(link, &id) && id > 0;
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Fen as yuan for messages: 5000000 -> "50000.00元".
std::string Yuan(int64_t fen) { return absl::StrFormat("%d.%02d元", fen / 100, fen % 100); }

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return common::WithReason(absl::FailedPreconditionError(message), reason);
}

absl::Status WrongState(const EnforcementCase& c, absl::string_view action,
                        absl::string_view allowed) {
  return Refused("CASE_STATE", absl::StrCat(c.ResourceName(), " is ", CaseStateName(c.state), ": ",
                                            action, " needs a case that is ", allowed));
}

void Record(EnforcementCase& c, absl::string_view kind, const std::string& actor, absl::Time now,
            std::string note = "") {
  c.update_time = now;
  c.timeline.push_back(CaseEvent{std::string(kind), c.state, actor, now, std::move(note)});
}

void Move(EnforcementCase& c, CaseState to, absl::string_view kind, const std::string& actor,
          absl::Time now, std::string note = "") {
  c.state = to;
  Record(c, kind, actor, now, std::move(note));
}

bool Investigator(const EnforcementCase& c, absl::string_view username) {
  return std::any_of(c.officers.begin(), c.officers.end(),
                     [&](const CaseOfficer& o) { return o.username == username; });
}

absl::Status NeedEvidence(const EnforcementCase& c, absl::string_view action) {
  if (!c.evidence.empty()) return absl::OkStatus();
  return Refused("CASE_EVIDENCE", absl::StrCat(action, " needs evidence: ", c.ResourceName(),
                                               " has no evidence item linked"));
}

bool Amounted(PenaltyKind kind) {
  return kind == PenaltyKind::kFine || kind == PenaltyKind::kConfiscation;
}

int64_t AmountOf(const std::vector<PenaltyItem>& items, PenaltyKind kind) {
  int64_t total = 0;
  for (const PenaltyItem& i : items) {
    if (i.kind == kind) total += i.amount_fen;
  }
  return total;
}

bool HasKind(const std::vector<PenaltyItem>& items, std::initializer_list<PenaltyKind> kinds) {
  return std::any_of(items.begin(), items.end(), [&](const PenaltyItem& i) {
    return std::find(kinds.begin(), kinds.end(), i.kind) != kinds.end();
  });
}

absl::Status ValidatePenalties(const std::vector<PenaltyItem>& items, absl::string_view field) {
  if (items.empty() || items.size() > 10) {
    return common::InvalidFieldError(field, "must hold 1-10 penalties");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const PenaltyItem& item = items[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (!IsNamed(item.kind, kPenaltyNames)) {
      return common::InvalidFieldError(absl::StrCat(at, ".kind"), "is required");
    }
    if (Amounted(item.kind) ? item.amount_fen <= 0 : item.amount_fen != 0) {
      return common::InvalidFieldError(absl::StrCat(at, ".amount_fen"),
                                       Amounted(item.kind)
                                           ? "must be positive for a fine or confiscation"
                                           : "is only for a fine or confiscation");
    }
  }
  return absl::OkStatus();
}

// The states before a decision in which the case is being worked on.
bool BeforeDecision(CaseState s) {
  return In(
      s, {CaseState::kClue, CaseState::kFiled, CaseState::kInvestigating, CaseState::kUnderReview,
          CaseState::kNotified, CaseState::kHearingRequested, CaseState::kHearingHeld});
}

// Art. 45: the decision may not add a kind or raise an amount over the latest notice.
absl::Status NotHeavier(const std::vector<PenaltyItem>& decided,
                        const std::vector<PenaltyItem>& notified) {
  for (const PenaltyItem& item : decided) {
    if (!HasKind(notified, {item.kind})) {
      return Refused("CASE_HEAVIER_THAN_NOTIFIED",
                     absl::StrCat("the decision adds ", PenaltyKindLabel(item.kind),
                                  ", which the party was not notified of (行政处罚法 art. 45): "
                                  "notify again first"));
    }
  }
  for (PenaltyKind kind : {PenaltyKind::kFine, PenaltyKind::kConfiscation}) {
    const int64_t d = AmountOf(decided, kind);
    const int64_t n = AmountOf(notified, kind);
    if (d > n) {
      return Refused("CASE_HEAVIER_THAN_NOTIFIED",
                     absl::StrCat("the decided ", PenaltyKindLabel(kind), " ", Yuan(d),
                                  " is heavier than the notified ", Yuan(n),
                                  " (行政处罚法 art. 45): notify again first"));
    }
  }
  return absl::OkStatus();
}

// The reviews `why` lists must be recorded.
absl::Status NeedReviews(const EnforcementCase& c, const RequiredReviews& why) {
  if (!why.legal_review.empty() && !c.legal_review) {
    return Refused("CASE_LEGAL_REVIEW",
                   absl::StrCat("the decision needs legal review (法制审核) first: ",
                                absl::StrJoin(why.legal_review, "; ")));
  }
  if (!why.collective_discussion.empty() && !c.collective_discussion) {
    return Refused("CASE_COLLECTIVE_DISCUSSION",
                   absl::StrCat("the decision needs collective discussion (集体讨论) first: ",
                                absl::StrJoin(why.collective_discussion, "; ")));
  }
  return absl::OkStatus();
}

// The gates of a penalty decision on `today` that concern the party's rights.
absl::Status PartyHeard(const EnforcementCase& c, absl::CivilDay today) {
  const Notification& n = c.notifications.back();
  const bool waived = c.response && c.response->kind == ResponseKind::kWaived;
  const bool hearing_done = c.hearing.has_value();  // held, no-show or withdrawn
  if (!c.response && today <= n.statement_end_day) {
    return Refused(
        "CASE_STATEMENT_PERIOD",
        absl::StrCat("the statement period (陈述申辩期) runs to ", Day(n.statement_end_day),
                     " and the party has neither stated its defence nor waived it"));
  }
  if (n.hearing_right && !waived && !hearing_done && today <= n.hearing_request_end_day) {
    return Refused("CASE_HEARING_PERIOD",
                   absl::StrCat("the party may request a hearing until ",
                                Day(n.hearing_request_end_day), " and has not waived it"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view CaseStateName(CaseState state) { return NameOf(state, kStateNames); }
std::optional<CaseState> CaseStateFromName(absl::string_view name) {
  return FromName<CaseState>(name, kStateNames);
}
absl::string_view CaseStateLabel(CaseState state) { return NameOf(state, kStateLabels); }
absl::string_view CaseSourceKindName(CaseSourceKind kind) { return NameOf(kind, kSourceNames); }
std::optional<CaseSourceKind> CaseSourceKindFromName(absl::string_view name) {
  return FromName<CaseSourceKind>(name, kSourceNames);
}
absl::string_view PartyKindName(PartyKind kind) { return NameOf(kind, kPartyNames); }
std::optional<PartyKind> PartyKindFromName(absl::string_view name) {
  return FromName<PartyKind>(name, kPartyNames);
}
absl::string_view PenaltyKindName(PenaltyKind kind) { return NameOf(kind, kPenaltyNames); }
std::optional<PenaltyKind> PenaltyKindFromName(absl::string_view name) {
  return FromName<PenaltyKind>(name, kPenaltyNames);
}
absl::string_view PenaltyKindLabel(PenaltyKind kind) { return NameOf(kind, kPenaltyLabels); }
absl::string_view ResponseKindName(ResponseKind kind) { return NameOf(kind, kResponseNames); }
std::optional<ResponseKind> ResponseKindFromName(absl::string_view name) {
  return FromName<ResponseKind>(name, kResponseNames);
}
absl::string_view HearingOutcomeName(HearingOutcome outcome) {
  return NameOf(outcome, kHearingNames);
}
std::optional<HearingOutcome> HearingOutcomeFromName(absl::string_view name) {
  return FromName<HearingOutcome>(name, kHearingNames);
}
absl::string_view TransferKindName(TransferKind kind) { return NameOf(kind, kTransferNames); }
std::optional<TransferKind> TransferKindFromName(absl::string_view name) {
  return FromName<TransferKind>(name, kTransferNames);
}
absl::string_view ServiceMethodName(ServiceMethod method) { return NameOf(method, kServiceNames); }
std::optional<ServiceMethod> ServiceMethodFromName(absl::string_view name) {
  return FromName<ServiceMethod>(name, kServiceNames);
}
absl::string_view ClosureGroundName(ClosureGround ground) { return NameOf(ground, kClosureNames); }
std::optional<ClosureGround> ClosureGroundFromName(absl::string_view name) {
  return FromName<ClosureGround>(name, kClosureNames);
}

std::string EnforcementCase::ResourceName() const { return absl::StrCat("cases/", id); }

bool IsPublicDecision(const EnforcementCase& c) {
  return c.decision && c.decision->kind == DecisionKind::kPenalty &&
         c.party_kind == PartyKind::kOrganisation &&
         c.closure_ground != ClosureGround::kDecisionRevoked;
}

absl::StatusOr<int64_t> CaseIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "cases/") || !absl::SimpleAtoi(name, &id) || id <= 0) {
    return common::InvalidFieldError(field, "must be `cases/{id}`");
  }
  return id;
}

int64_t EnforcementCase::FineFen() const {
  if (!decision || decision->kind != DecisionKind::kPenalty) return 0;
  return AmountOf(decision->penalties, PenaltyKind::kFine);
}

int64_t EnforcementCase::PaidFen() const {
  int64_t paid = 0;
  for (const Payment& p : payments) paid += p.amount_fen;
  return paid;
}

absl::StatusOr<std::string> FormatCaseNumber(absl::string_view pattern, int year, int64_t seq) {
  auto once = [&](absl::string_view placeholder) {
    const size_t at = pattern.find(placeholder);
    return at != absl::string_view::npos && pattern.find(placeholder, at + 1) == pattern.npos;
  };
  if (!once("{year}") || !once("{seq}") || CodePoints(pattern, false) > 64) {
    return common::InvalidFieldError(
        "case_number_pattern",
        "must hold `{year}` and `{seq}` once each within 64 characters, e.g. "
        "焦环罚〔{year}〕{seq}号");
  }
  if (year < 1000 || year > 9999) {
    return common::InvalidFieldError("year", "must be a four-digit year");
  }
  if (seq <= 0) return common::InvalidFieldError("seq", "must be positive");
  return absl::StrReplaceAll(pattern,
                             {{"{year}", absl::StrCat(year)}, {"{seq}", absl::StrCat(seq)}});
}

absl::Status ValidateNewCase(EnforcementCase& c, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  const absl::string_view link = c.source.link;
  bool link_ok = false;
  switch (c.source.kind) {
    case CaseSourceKind::kComplaint: link_ok = IsLink(link, "complaints"); break;
    case CaseSourceKind::kExceedanceIncident: link_ok = IsLink(link, "incidents"); break;
    case CaseSourceKind::kRefusedTask:
    case CaseSourceKind::kOverdueTask: link_ok = IsLink(link, "tasks"); break;
    case CaseSourceKind::kInspection:
    case CaseSourceKind::kRandomInspection: link_ok = IsLink(link, "inspections"); break;
    case CaseSourceKind::kReferral: link_ok = CheckText(link, 1, 128, "", false).ok(); break;
    default: return common::InvalidFieldError(field("source.kind"), "is required");
  }
  if (!link_ok) {
    static constexpr std::array<absl::string_view, 8> kShapes = {
        "",
        "`complaints/{id}`",
        "`incidents/{id}`",
        "`tasks/{id}`",
        "`tasks/{id}`",
        "`inspections/{id}`",
        "`inspections/{id}`",
        "the referral letter number, 1-128 characters"};
    return common::InvalidFieldError(
        field("source.link"), absl::StrCat("must be ", NameOf(c.source.kind, kShapes), " for ",
                                           CaseSourceKindName(c.source.kind)));
  }
  if (!IsNamed(c.party_kind, kPartyNames)) {
    return common::InvalidFieldError(field("party_kind"), "is required");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(c.party_name, 1, 200, field("party_name"), false));
  if (c.party_kind == PartyKind::kOrganisation || !c.enterprise_uscc.empty()) {
    absl::StatusOr<std::string> uscc = NormalizeUscc(c.enterprise_uscc);
    if (!uscc.ok()) {
      return common::InvalidFieldError(
          field("enterprise_uscc"),
          absl::StrCat("must be a valid unified social credit code for the party: ",
                       uscc.status().message()));
    }
    c.enterprise_uscc = *std::move(uscc);
  }
  if (!IsDistrictCode(c.district_code)) {
    return common::InvalidFieldError(field("district_code"),
                                     "must be a six-digit GB/T 2260 code, e.g. 410802");
  }
  return CheckText(c.summary, 1, 500, field("summary"), /*multiline=*/true);
}

void OpenClue(EnforcementCase& c, const std::string& actor, absl::Time now) {
  if (c.discovery_day == absl::CivilDay()) c.discovery_day = common::RegulatoryDay(now);
  c.create_time = now;
  Move(c, CaseState::kClue, "OPEN", actor, now,
       absl::StrCat(CaseSourceKindName(c.source.kind), " ", c.source.link));
}

absl::Status AssignOfficer(EnforcementCase& c, CaseOfficer officer, const std::string& actor,
                           absl::Time now) {
  if (!BeforeDecision(c.state)) {
    return WrongState(c, "assigning an officer", "not yet decided");
  }
  absl::string_view bare = officer.username;
  absl::ConsumePrefix(&bare, "users/");
  ECOCASE_ASSIGN_OR_RETURN(officer.username,
                           UsernameFromName(absl::StrCat("users/", bare), "officer.username"));
  ECOCASE_RETURN_IF_ERROR(
      CheckText(officer.certificate_number, 1, 64, "officer.certificate_number", false));
  if (officer.certificate_expiry == absl::CivilDay()) {
    return common::InvalidFieldError("officer.certificate_expiry", "is required");
  }
  for (const Recusal& r : c.recusals) {
    if (r.username == officer.username) {
      return Refused("CASE_OFFICER_RECUSED",
                     absl::StrCat("users/", officer.username, " was recused from ",
                                  c.ResourceName(), " (", r.reason, ")"));
    }
  }
  if (Investigator(c, officer.username)) return absl::OkStatus();
  const std::string note =
      absl::StrCat("users/", officer.username, " certificate ", officer.certificate_number,
                   " valid until ", Day(officer.certificate_expiry));
  c.officers.push_back(std::move(officer));
  Record(c, "ASSIGN_OFFICER", actor, now, note);
  return absl::OkStatus();
}

absl::Status Recuse(EnforcementCase& c, absl::string_view username, const std::string& reason,
                    const std::string& actor, absl::Time now) {
  if (!BeforeDecision(c.state)) return WrongState(c, "recusal", "not yet decided");
  absl::ConsumePrefix(&username, "users/");
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 1, 500, "reason", /*multiline=*/true));
  auto it = std::find_if(c.officers.begin(), c.officers.end(),
                         [&](const CaseOfficer& o) { return o.username == username; });
  if (it == c.officers.end()) {
    return common::InvalidFieldError(
        "username", absl::StrCat("users/", username, " is not assigned to ", c.ResourceName()));
  }
  c.recusals.push_back(Recusal{it->username, reason, actor, now});
  c.officers.erase(it);
  Record(c, "RECUSE", actor, now, absl::StrCat("users/", username, ": ", reason));
  return absl::OkStatus();
}

absl::Status File(EnforcementCase& c, const std::string& case_number,
                  absl::CivilDay violation_end_day, bool harms_life_or_health,
                  const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kClue) return WrongState(c, "filing (立案)", "CLUE");
  ECOCASE_RETURN_IF_ERROR(CheckText(case_number, 1, 64, "case_number", false));
  if (violation_end_day == absl::CivilDay() || violation_end_day > c.discovery_day) {
    return common::InvalidFieldError("violation_end_date",
                                     "is required and may not be after the day it was discovered");
  }
  // Art. 36: not discovered within the period counted from the day after the act ended.
  const int years = harms_life_or_health ? 5 : 2;
  const absl::CivilDay last(violation_end_day.year() + years, violation_end_day.month(),
                            violation_end_day.day());
  if (c.discovery_day > last) {
    return Refused(
        "CASE_LIMITATION",
        absl::StrCat("the limitation period (行政处罚法 art. 36) has run: the violation ended ",
                     Day(violation_end_day), " and was discovered ", Day(c.discovery_day),
                     ", after the ", years, "-year period ending ", Day(last)));
  }
  c.case_number = case_number;
  c.filed_day = common::RegulatoryDay(now);
  Move(c, CaseState::kFiled, "FILE", actor, now, case_number);
  return absl::OkStatus();
}

absl::Status NotFile(EnforcementCase& c, const std::string& reason, const std::string& actor,
                     absl::Time now) {
  if (c.state != CaseState::kClue) return WrongState(c, "not filing (不予立案)", "CLUE");
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 1, 500, "reason", /*multiline=*/true));
  c.state_reason = reason;
  Move(c, CaseState::kNotFiled, "NOT_FILE", actor, now, reason);
  return absl::OkStatus();
}

absl::Status StartInvestigation(EnforcementCase& c, const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kFiled) return WrongState(c, "investigation", "FILED");
  ECOCASE_RETURN_IF_ERROR(
      NeedTwoOfficers(c, common::RegulatoryDay(now), "investigation (调查取证)"));
  Move(c, CaseState::kInvestigating, "START_INVESTIGATION", actor, now);
  return absl::OkStatus();
}

absl::Status AddEvidence(EnforcementCase& c, const std::string& ref, absl::Time now) {
  if (!BeforeDecision(c.state) || c.state == CaseState::kClue) {
    return WrongState(c, "linking evidence", "filed and not yet decided");
  }
  if (!IsLink(ref, "evidence") && !IsLink(ref, "inspections")) {
    return common::InvalidFieldError("evidence", "must be `evidence/{id}` or `inspections/{id}`");
  }
  if (std::find(c.evidence.begin(), c.evidence.end(), ref) != c.evidence.end()) {
    return absl::OkStatus();
  }
  c.evidence.push_back(ref);
  c.update_time = now;
  return absl::OkStatus();
}

absl::Status SubmitForReview(EnforcementCase& c, const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kInvestigating) {
    return WrongState(c, "review (案件审查)", "INVESTIGATING");
  }
  ECOCASE_RETURN_IF_ERROR(NeedEvidence(c, "review (案件审查)"));
  ECOCASE_RETURN_IF_ERROR(NeedTwoOfficers(c, common::RegulatoryDay(now), "review (案件审查)"));
  Move(c, CaseState::kUnderReview, "SUBMIT_FOR_REVIEW", actor, now);
  return absl::OkStatus();
}

absl::Status ReturnForInvestigation(EnforcementCase& c, const std::string& reasons,
                                    const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kUnderReview) {
    return WrongState(c, "returning for investigation", "UNDER_REVIEW");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(reasons, 1, 1000, "reasons", /*multiline=*/true));
  c.state_reason = reasons;
  Move(c, CaseState::kInvestigating, "RETURN_FOR_INVESTIGATION", actor, now, reasons);
  return absl::OkStatus();
}

bool HasHearingRight(const std::vector<PenaltyItem>& penalties, PartyKind party,
                     const CaseOptions& options) {
  const int64_t large = party == PartyKind::kIndividual ? options.large_amount_individual_fen
                                                        : options.large_amount_organisation_fen;
  // Art. 63 (1)-(5); 限制生产经营 and 责令限期拆除 as 其他较重 [M].
  return AmountOf(penalties, PenaltyKind::kFine) >= large ||
         AmountOf(penalties, PenaltyKind::kConfiscation) >= large ||
         HasKind(penalties, {PenaltyKind::kQualificationDowngrade, PenaltyKind::kPermitRevocation,
                             PenaltyKind::kProductionLimit, PenaltyKind::kProductionSuspension,
                             PenaltyKind::kClosure, PenaltyKind::kEmploymentRestriction,
                             PenaltyKind::kDemolition});
}

absl::Status Notify(EnforcementCase& c, Notification n, const CaseOptions& options,
                    const WorkingCalendar& calendar, const std::string& actor, absl::Time now) {
  if (!In(c.state, {CaseState::kUnderReview, CaseState::kNotified, CaseState::kHearingHeld})) {
    return WrongState(c, "notification (事先告知)", "UNDER_REVIEW, NOTIFIED or HEARING_HELD");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(n.facts, 1, 2000, "notification.facts", /*multiline=*/true));
  ECOCASE_RETURN_IF_ERROR(ValidatePenalties(n.proposed, "notification.proposed"));
  ECOCASE_RETURN_IF_ERROR(
      CheckText(n.legal_basis, 1, 1000, "notification.legal_basis", /*multiline=*/true));
  ECOCASE_RETURN_IF_ERROR(CheckText(n.rights, 1, 1000, "notification.rights", /*multiline=*/true));
  const absl::CivilDay today = common::RegulatoryDay(now);
  if (n.received_day == absl::CivilDay() || n.received_day > today ||
      (c.filed_day && n.received_day < *c.filed_day)) {
    return common::InvalidFieldError("notification.received_date",
                                     "is required, from the filing day to today");
  }
  n.statement_end_day = calendar.AddWorkingDays(n.received_day, options.statement_days, nullptr);
  n.hearing_right = HasHearingRight(n.proposed, c.party_kind, options);
  n.hearing_request_end_day = calendar.AddWorkingDays(n.received_day, kHearingRequestDays, nullptr);
  const std::string note = absl::StrCat(
      "statement period to ", Day(n.statement_end_day),
      n.hearing_right
          ? absl::StrCat("; hearing may be requested until ", Day(n.hearing_request_end_day))
          : "; no hearing right");
  c.notifications.push_back(std::move(n));
  c.response.reset();
  c.hearing.reset();
  Move(c, CaseState::kNotified, "NOTIFY", actor, now, note);
  return absl::OkStatus();
}

absl::Status RecordResponse(EnforcementCase& c, ResponseKind kind, const std::string& note,
                            const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kNotified) return WrongState(c, "the party's response", "NOTIFIED");
  if (!IsNamed(kind, kResponseNames)) return common::InvalidFieldError("kind", "is required");
  ECOCASE_RETURN_IF_ERROR(CheckText(note, 0, 2000, "note", /*multiline=*/true));
  c.response = PartyResponse{kind, note, common::RegulatoryDay(now)};
  Record(c, ResponseKindName(kind), actor, now, note);
  return absl::OkStatus();
}

absl::Status RequestHearing(EnforcementCase& c, absl::CivilDay request_day,
                            const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kNotified) return WrongState(c, "a hearing request", "NOTIFIED");
  const Notification& n = c.notifications.back();
  if (request_day < n.received_day || request_day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("request_day", "must be between the notice and today");
  }
  if (!n.hearing_right) {
    return Refused("CASE_NO_HEARING_RIGHT",
                   "the notified penalty gives no right to a hearing (行政处罚法 art. 63)");
  }
  if (c.response && c.response->kind == ResponseKind::kWaived) {
    return Refused("CASE_HEARING_WAIVED",
                   absl::StrCat("the party waived its rights on ", Day(c.response->day)));
  }
  if (c.hearing) {
    return Refused("CASE_HEARING_WAIVED", absl::StrCat("the hearing on this notice was already ",
                                                       HearingOutcomeName(c.hearing->outcome)));
  }
  if (request_day > n.hearing_request_end_day) {
    return Refused(
        "CASE_HEARING_REQUEST_LATE",
        absl::StrCat("a hearing must be requested within ", kHearingRequestDays,
                     " working days of the notice received ", Day(n.received_day), ", i.e. by ",
                     Day(n.hearing_request_end_day), "; requested ", Day(request_day)));
  }
  c.hearing = Hearing{};
  c.hearing->request_day = request_day;
  Move(c, CaseState::kHearingRequested, "REQUEST_HEARING", actor, now);
  return absl::OkStatus();
}

absl::Status ScheduleHearing(EnforcementCase& c, absl::CivilDay notice_day,
                             absl::CivilDay hearing_day, const std::string& presiding,
                             const WorkingCalendar& calendar, const std::string& actor,
                             absl::Time now) {
  if (c.state != CaseState::kHearingRequested) {
    return WrongState(c, "scheduling the hearing", "HEARING_REQUESTED");
  }
  if (notice_day == absl::CivilDay() || hearing_day == absl::CivilDay()) {
    return common::InvalidFieldError("hearing_date", "notice and hearing days are required");
  }
  if (notice_day < c.hearing->request_day || notice_day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError(
        "notice_date", "must lie between the hearing request and today (the notice went out)");
  }
  absl::string_view bare = presiding;
  absl::ConsumePrefix(&bare, "users/");
  ECOCASE_ASSIGN_OR_RETURN(std::string username,
                           UsernameFromName(absl::StrCat("users/", bare), "presiding"));
  const absl::CivilDay earliest = calendar.AddWorkingDays(notice_day, kHearingNoticeDays, nullptr);
  if (hearing_day < earliest) {
    return Refused("CASE_HEARING_NOTICE",
                   absl::StrCat("the hearing notice must go out at least ", kHearingNoticeDays,
                                " working days before the hearing (行政处罚法 arts. 64, 85): "
                                "notice ",
                                Day(notice_day), ", so the hearing may be held from ",
                                Day(earliest), ", not ", Day(hearing_day)));
  }
  if (Investigator(c, username)) {
    return Refused(
        "CASE_HEARING_PRESIDER",
        absl::StrCat("users/", username, " investigated the case and may not preside the hearing"));
  }
  c.hearing->notice_day = notice_day;
  c.hearing->hearing_day = hearing_day;
  c.hearing->presiding = username;
  Record(c, "SCHEDULE_HEARING", actor, now, Day(hearing_day));
  return absl::OkStatus();
}

absl::Status RecordHearing(EnforcementCase& c, HearingOutcome outcome, const std::string& record,
                           const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kHearingRequested) {
    return WrongState(c, "recording the hearing", "HEARING_REQUESTED");
  }
  if (!IsNamed(outcome, kHearingNames)) {
    return common::InvalidFieldError("outcome", "is required");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(record, outcome == HearingOutcome::kHeld ? 1 : 0, 2000,
                                    "record", /*multiline=*/true));
  const std::optional<absl::CivilDay>& day = c.hearing->hearing_day;
  if (outcome != HearingOutcome::kWithdrawn && (!day || common::RegulatoryDay(now) < *day)) {
    return Refused("CASE_HEARING_NOT_DUE",
                   day ? absl::StrCat("the hearing is scheduled for ", Day(*day))
                       : "the hearing has not been scheduled");
  }
  c.hearing->outcome = outcome;
  c.hearing->record = record;
  if (outcome == HearingOutcome::kHeld) c.hearing_held = true;
  Move(c, outcome == HearingOutcome::kHeld ? CaseState::kHearingHeld : CaseState::kNotified,
       absl::StrCat("HEARING_", HearingOutcomeName(outcome)), actor, now, record);
  return absl::OkStatus();
}

absl::Status FlagReviews(EnforcementCase& c, bool legal_review, bool collective_discussion,
                         const std::string& actor, absl::Time now) {
  if (!BeforeDecision(c.state)) return WrongState(c, "flagging reviews", "not yet decided");
  c.legal_review_flagged = legal_review;
  c.collective_discussion_flagged = collective_discussion;
  Record(
      c, "FLAG_REVIEWS", actor, now,
      absl::StrCat("legal review ", legal_review ? "required" : "not flagged",
                   ", collective discussion ", collective_discussion ? "required" : "not flagged"));
  return absl::OkStatus();
}

namespace {

absl::Status RecordReview(EnforcementCase& c, std::optional<ReviewRecord>& slot,
                          absl::string_view kind, const std::string& conclusion,
                          const std::string& actor, absl::Time now) {
  if (!In(c.state, {CaseState::kUnderReview, CaseState::kNotified, CaseState::kHearingHeld})) {
    return WrongState(c, kind, "UNDER_REVIEW, NOTIFIED or HEARING_HELD");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(conclusion, 1, 2000, "conclusion", /*multiline=*/true));
  slot = ReviewRecord{actor, conclusion, now};
  Record(c, kind, actor, now, conclusion);
  return absl::OkStatus();
}

}  // namespace

absl::Status RecordLegalReview(EnforcementCase& c, const std::string& conclusion,
                               const std::string& actor, absl::Time now) {
  return RecordReview(c, c.legal_review, "LEGAL_REVIEW", conclusion, actor, now);
}

absl::Status RecordCollectiveDiscussion(EnforcementCase& c, const std::string& conclusion,
                                        const std::string& actor, absl::Time now) {
  return RecordReview(c, c.collective_discussion, "COLLECTIVE_DISCUSSION", conclusion, actor, now);
}

RequiredReviews ReviewsRequired(const EnforcementCase& c, const std::vector<PenaltyItem>& penalties,
                                const CaseOptions& options) {
  RequiredReviews why;
  if (c.legal_review_flagged) why.legal_review.push_back("the case is flagged for it");
  if (c.collective_discussion_flagged) {
    why.collective_discussion.push_back("the case is flagged for it");
  }
  if (c.hearing_held) {
    why.legal_review.push_back("a hearing was held (行政处罚法 art. 58)");
  }
  const int64_t fine = AmountOf(penalties, PenaltyKind::kFine);
  if (fine >= options.major_fine_fen) {
    const std::string major =
        absl::StrCat("the fine ", Yuan(fine), " reaches ", Yuan(options.major_fine_fen));
    why.legal_review.push_back(major);
    why.collective_discussion.push_back(major);
  }
  if (options.heavy_kinds_need_reviews &&
      HasKind(penalties, {PenaltyKind::kPermitRevocation, PenaltyKind::kProductionSuspension,
                          PenaltyKind::kClosure})) {
    const std::string heavy = "the penalty revokes a permit or stops production";
    why.legal_review.push_back(heavy);
    why.collective_discussion.push_back(heavy);
  }
  return why;
}

absl::Status Decide(EnforcementCase& c, Decision d, const CaseOptions& options,
                    const std::string& actor, absl::Time now) {
  const absl::CivilDay today = common::RegulatoryDay(now);
  if (d.kind == DecisionKind::kNoPenalty) {
    if (!In(c.state, {CaseState::kUnderReview, CaseState::kNotified, CaseState::kHearingHeld})) {
      return WrongState(c, "a no-penalty decision", "UNDER_REVIEW, NOTIFIED or HEARING_HELD");
    }
    if (!d.penalties.empty() || !d.correction_orders.empty()) {
      return common::InvalidFieldError("decision.penalties",
                                       "must be empty for a no-penalty decision");
    }
    ECOCASE_RETURN_IF_ERROR(CheckText(d.reason, 1, 1000, "decision.reason", /*multiline=*/true));
    ECOCASE_RETURN_IF_ERROR(NeedEvidence(c, "a decision"));
    ECOCASE_RETURN_IF_ERROR(NeedReviews(c, ReviewsRequired(c, {}, options)));
    d.day = today;
    const std::string note = d.reason;
    c.decision = std::move(d);
    Move(c, CaseState::kNoPenalty, "DECIDE_NO_PENALTY", actor, now, note);
    return absl::OkStatus();
  }
  if (d.kind != DecisionKind::kPenalty) {
    return common::InvalidFieldError("decision.kind", "is required");
  }
  if (c.state == CaseState::kHearingRequested) {
    return Refused("CASE_HEARING_PENDING",
                   absl::StrCat("the party requested a hearing on ", Day(c.hearing->request_day),
                                " and it has not been held, missed or withdrawn"));
  }
  if (!In(c.state, {CaseState::kNotified, CaseState::kHearingHeld})) {
    return WrongState(c, "a penalty decision", "NOTIFIED or HEARING_HELD");
  }
  ECOCASE_RETURN_IF_ERROR(ValidatePenalties(d.penalties, "decision.penalties"));
  if (d.correction_orders.empty() || d.correction_orders.size() > 20) {
    return common::InvalidFieldError(
        "decision.correction_orders",
        "must hold 1-20 correction orders (责令改正, 行政处罚法 art. 28)");
  }
  for (size_t i = 0; i < d.correction_orders.size(); ++i) {
    ECOCASE_RETURN_IF_ERROR(CheckText(d.correction_orders[i], 1, 500,
                                      absl::StrCat("decision.correction_orders[", i, "]"),
                                      /*multiline=*/true));
  }
  ECOCASE_RETURN_IF_ERROR(
      CheckText(d.legal_basis, 1, 1000, "decision.legal_basis", /*multiline=*/true));
  ECOCASE_RETURN_IF_ERROR(CheckText(d.reason, 0, 1000, "decision.reason", /*multiline=*/true));
  ECOCASE_RETURN_IF_ERROR(NeedEvidence(c, "a decision"));
  ECOCASE_RETURN_IF_ERROR(PartyHeard(c, today));
  ECOCASE_RETURN_IF_ERROR(NotHeavier(d.penalties, c.notifications.back().proposed));
  ECOCASE_RETURN_IF_ERROR(NeedReviews(c, ReviewsRequired(c, d.penalties, options)));
  d.day = today;
  std::vector<std::string> items;
  for (const PenaltyItem& p : d.penalties) {
    items.push_back(Amounted(p.kind) ? absl::StrCat(PenaltyKindLabel(p.kind), Yuan(p.amount_fen))
                                     : std::string(PenaltyKindLabel(p.kind)));
  }
  c.decision = std::move(d);
  Move(c, CaseState::kDecided, "DECIDE_PENALTY", actor, now, absl::StrJoin(items, "、"));
  return absl::OkStatus();
}

absl::Status Transfer(EnforcementCase& c, CaseTransfer t, const std::string& actor,
                      absl::Time now) {
  if (!In(c.state, {CaseState::kInvestigating, CaseState::kUnderReview, CaseState::kNotified,
                    CaseState::kHearingHeld})) {
    return WrongState(c, "transfer (移送)",
                      "INVESTIGATING, UNDER_REVIEW, NOTIFIED or HEARING_HELD");
  }
  if (!IsNamed(t.kind, kTransferNames)) {
    return common::InvalidFieldError("transfer.kind", "is required");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(t.receiving_body, 1, 200, "transfer.receiving_body", false));
  ECOCASE_RETURN_IF_ERROR(CheckText(t.note, 0, 1000, "transfer.note", /*multiline=*/true));
  if (t.package.empty() || t.package.size() > 20) {
    return common::InvalidFieldError("transfer.package",
                                     "must list 1-20 documents (暂行办法 art. 11)");
  }
  for (size_t i = 0; i < t.package.size(); ++i) {
    ECOCASE_RETURN_IF_ERROR(
        CheckText(t.package[i], 1, 200, absl::StrCat("transfer.package[", i, "]"), false));
  }
  ECOCASE_RETURN_IF_ERROR(NeedEvidence(c, "a transfer"));
  t.day = common::RegulatoryDay(now);
  t.send_by_day = t.day + kTransferSendDays;
  t.sent_day.reset();
  t.receipt.clear();
  const std::string note = absl::StrCat(TransferKindName(t.kind), " to ", t.receiving_body);
  c.transfer = std::move(t);
  Move(c, CaseState::kTransferred, "TRANSFER", actor, now, note);
  return absl::OkStatus();
}

bool RevokesPermit(const EnforcementCase& c) {
  return c.decision && c.decision->kind == DecisionKind::kPenalty &&
         std::any_of(c.decision->penalties.begin(), c.decision->penalties.end(),
                     [](const PenaltyItem& p) { return p.kind == PenaltyKind::kPermitRevocation; });
}

absl::Status NotePermitRevoked(EnforcementCase& c, const std::string& permit_name,
                               const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kServed || !RevokesPermit(c)) {
    return WrongState(c, "revoking a permit", "SERVED with a decision to revoke it");
  }
  if (std::find(c.revoked_permits.begin(), c.revoked_permits.end(), permit_name) !=
      c.revoked_permits.end()) {
    return absl::OkStatus();
  }
  c.revoked_permits.push_back(permit_name);
  Record(c, "REVOKE_PERMIT", actor, now, permit_name);
  return absl::OkStatus();
}

absl::Status RecordTransferSent(EnforcementCase& c, absl::CivilDay day, const std::string& receipt,
                                const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kTransferred || !c.transfer) {
    return WrongState(c, "sending the transfer package", "TRANSFERRED");
  }
  if (c.transfer->sent_day) {
    return Refused("CASE_TRANSFER_SENT",
                   absl::StrCat("the package was sent on ", Day(*c.transfer->sent_day)));
  }
  if (day < c.transfer->day || day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("sent_date", "must lie between the transfer and today");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(receipt, 1, 64, "receipt", false));
  c.transfer->sent_day = day;
  c.transfer->receipt = receipt;
  Record(c, "TRANSFER_SENT", actor, now,
         absl::StrCat(Day(day), day > c.transfer->send_by_day ? " (late)" : "", " ", receipt));
  return absl::OkStatus();
}

absl::Status Serve(EnforcementCase& c, Service s, const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kDecided) return WrongState(c, "service (送达)", "DECIDED");
  if (!IsNamed(s.method, kServiceNames)) {
    return common::InvalidFieldError("service.method", "is required");
  }
  if (s.day == absl::CivilDay() || s.day < c.decision->day || s.day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("service.day", "must be between the decision and today");
  }
  if (s.method == ServiceMethod::kElectronic && !s.electronic_consent) {
    return Refused("CASE_SERVICE_CONSENT",
                   "electronic service needs the party's signed consent (行政处罚法 art. 61)");
  }
  const std::string note = absl::StrCat(ServiceMethodName(s.method), " ", Day(s.day));
  c.service = s;
  Move(c, CaseState::kServed, "SERVE", actor, now, note);
  return absl::OkStatus();
}

absl::Status RecordPayment(EnforcementCase& c, Payment p, const std::string& actor,
                           absl::Time now) {
  if (!In(c.state, {CaseState::kServed, CaseState::kExecuting})) {
    return WrongState(c, "a payment", "SERVED or EXECUTING");
  }
  if (p.amount_fen <= 0) return common::InvalidFieldError("payment.amount_fen", "must be positive");
  if (p.day < c.service->day || p.day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("payment.day", "must be between service and today");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(p.receipt, 1, 64, "payment.receipt", false));
  const std::string note = absl::StrCat(Yuan(p.amount_fen), " on ", Day(p.day));
  c.payments.push_back(std::move(p));
  Move(c, CaseState::kExecuting, "PAYMENT", actor, now, note);
  return absl::OkStatus();
}

absl::Status RecordCourtEnforcement(EnforcementCase& c, absl::CivilDay accepted_day,
                                    const std::string& actor, absl::Time now) {
  if (!In(c.state, {CaseState::kServed, CaseState::kExecuting})) {
    return WrongState(c, "court enforcement", "SERVED or EXECUTING");
  }
  if (accepted_day < c.service->day || accepted_day > common::RegulatoryDay(now)) {
    return common::InvalidFieldError("accepted_day", "must be between service and today");
  }
  c.court_enforcement_day = accepted_day;
  Move(c, CaseState::kExecuting, "COURT_ENFORCEMENT", actor, now, Day(accepted_day));
  return absl::OkStatus();
}

absl::Status Close(EnforcementCase& c, ClosureGround ground, int64_t surcharge_fen,
                   const std::string& note, const std::string& actor, absl::Time now) {
  if (!IsNamed(ground, kClosureNames)) return common::InvalidFieldError("ground", "is required");
  if (surcharge_fen < 0) return common::InvalidFieldError("surcharge_fen", "may not be negative");
  ECOCASE_RETURN_IF_ERROR(CheckText(note, ground == ClosureGround::kDecisionRevoked ? 1 : 0, 500,
                                    "note", /*multiline=*/true));
  auto not_holding = [&](absl::string_view needs) {
    return Refused("CASE_CLOSURE_GROUND",
                   absl::StrCat(c.ResourceName(), " is ", CaseStateName(c.state), ": closing on ",
                                ClosureGroundName(ground), " needs ", needs));
  };
  switch (ground) {
    case ClosureGround::kFullyPerformed: {
      if (!In(c.state, {CaseState::kServed, CaseState::kExecuting})) {
        return not_holding("a penalty decision that was served");
      }
      const int64_t due = c.FineFen() + surcharge_fen;
      if (c.PaidFen() < due) {
        return Refused(
            "CASE_UNPAID",
            absl::StrCat("the fine is not fully paid: ", Yuan(c.PaidFen()), " paid of ", Yuan(due),
                         " (fine ", Yuan(c.FineFen()), " + late surcharge ", Yuan(surcharge_fen),
                         "); close on another ground only if it holds"));
      }
      break;
    }
    case ClosureGround::kNoExecutionNeeded:
      if (c.state != CaseState::kNoPenalty) return not_holding("a no-penalty decision");
      break;
    case ClosureGround::kTransferCompleted:
      if (c.state != CaseState::kTransferred) return not_holding("a transfer");
      if (!c.transfer->sent_day) return not_holding("the transfer package sent to the police");
      break;
    case ClosureGround::kCourtEnforcementAccepted:
      if (c.state != CaseState::kExecuting || !c.court_enforcement_day) {
        return not_holding("the court's acceptance of the enforcement application");
      }
      break;
    case ClosureGround::kDecisionRevoked:
      if (!In(c.state, {CaseState::kDecided, CaseState::kServed, CaseState::kExecuting})) {
        return not_holding("a penalty decision");
      }
      break;
    default: break;
  }
  c.closure_ground = ground;
  Move(c, CaseState::kClosed, "CLOSE", actor, now,
       note.empty() ? std::string(ClosureGroundName(ground))
                    : absl::StrCat(ClosureGroundName(ground), ": ", note));
  return absl::OkStatus();
}

absl::Status Archive(EnforcementCase& c, const std::string& actor, absl::Time now) {
  if (c.state != CaseState::kClosed) return WrongState(c, "archiving (归档)", "CLOSED");
  Move(c, CaseState::kArchived, "ARCHIVE", actor, now);
  return absl::OkStatus();
}

absl::Status NeedTwoOfficers(const EnforcementCase& c, absl::CivilDay day,
                             absl::string_view action) {
  int valid = 0;
  std::vector<std::string> invalid;
  for (const CaseOfficer& o : c.officers) {
    if (day <= o.certificate_expiry) {
      ++valid;
    } else {
      invalid.push_back(absl::StrCat("users/", o.username, "'s certificate ", o.certificate_number,
                                     " expired ", Day(o.certificate_expiry)));
    }
  }
  if (valid >= 2) return absl::OkStatus();
  std::string message =
      absl::StrCat(action, " needs two officers with enforcement certificates valid on ", Day(day),
                   "; ", c.ResourceName(), " has ", valid);
  if (!invalid.empty()) absl::StrAppend(&message, ": ", absl::StrJoin(invalid, "; "));
  for (const Recusal& r : c.recusals) {
    absl::StrAppend(&message, "; users/", r.username, " was recused");
  }
  return Refused("CASE_OFFICERS", message);
}

}  // namespace ecocase::domain
