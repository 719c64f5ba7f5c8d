#include "domain/complaint.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/principal.h"
#include "domain/text_check.h"
#include "domain/user.h"
#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

constexpr int kMaxAttachments = 20;
constexpr int kMaxLinks = 20;
constexpr double kEarthRadiusM = 6371000.0;

// 1-`max` printable ASCII characters without spaces: order numbers, references.
bool IsToken(absl::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// `inspections/{id}`, `tasks/{id}` or `cases/{id}`: what findings may point at.
bool IsFindingsLink(absl::string_view link) {
  for (absl::string_view collection : {"inspections/", "tasks/", "cases/"}) {
    absl::string_view id = link;
    if (absl::ConsumePrefix(&id, collection)) {
      return !id.empty() && id.size() <= 64 &&
             std::all_of(id.begin(), id.end(), [](char c) {
               return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                      c == '_';
             });
    }
  }
  return false;
}

absl::Status WrongState(const Complaint& c, absl::string_view action,
                        absl::string_view allowed) {
  return common::WithReason(
      absl::FailedPreconditionError(absl::StrCat(c.ResourceName(), " is ",
                                                 ComplaintStateName(c.state), ": ", action,
                                                 " needs a complaint that is ", allowed)),
      "COMPLAINT_STATE");
}

bool In(ComplaintState state, std::initializer_list<ComplaintState> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

// Accepted and still being handled: what a repeat report links to.
bool AcceptedAndOpen(ComplaintState s) {
  return In(s, {ComplaintState::kAccepted, ComplaintState::kDispatched,
                ComplaintState::kFindingsRecorded, ComplaintState::kReplied,
                ComplaintState::kRevisited});
}

using complaint_kinds_internal::FromName;
using complaint_kinds_internal::NameOf;
// Whether an enum holds one of its named values (not UNSPECIFIED, not out of range).
template <typename Enum, size_t N>
bool IsNamed(Enum value, const std::array<absl::string_view, N>& /*names*/) {
  const size_t i = static_cast<size_t>(value);
  return i >= 1 && i < N;
}

constexpr std::array<absl::string_view, 11> kStateNames = {
    "UNSPECIFIED", "RECEIVED",  "ACCEPTED", "NOT_ACCEPTED", "DISPATCHED", "ROUTED_OUT",
    "FINDINGS_RECORDED", "REPLIED", "REVISITED", "CLOSED", "MERGED"};
constexpr std::array<absl::string_view, 11> kStateLabels = {
    "未指定", "登记", "受理", "不予受理", "交办", "转出", "查处/核实", "答复", "回访", "办结",
    "并案"};
constexpr std::array<absl::string_view, 4> kGroundNames = {"UNSPECIFIED", "OUTSIDE_REMIT",
                                                           "OTHER_PROCEDURE", "REPEAT_REPORT"};
constexpr std::array<absl::string_view, 4> kOutcomeNames = {"UNSPECIFIED", "VERIFIED",
                                                            "PARTLY_VERIFIED", "NOT_VERIFIED"};
constexpr std::array<absl::string_view, 5> kSatisfactionNames = {
    "UNSPECIFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED", "UNREACHABLE"};
constexpr std::array<absl::string_view, 3> kLinkNames = {"UNSPECIFIED", "MERGED", "REPEAT"};

absl::Status ValidateAssignment(Assignment& a, absl::string_view field) {
  if (!IsDistrictCode(a.district_code)) {
    return common::InvalidFieldError(absl::StrCat(field, ".district_code"),
                                     "must be a six-digit GB/T 2260 code, e.g. 410802");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(a.team, 0, 64, absl::StrCat(field, ".team")));
  if (!a.officer.empty()) {
    absl::string_view bare = a.officer;
    absl::ConsumePrefix(&bare, "users/");
    absl::StatusOr<std::string> username =
        UsernameFromName(absl::StrCat("users/", bare), absl::StrCat(field, ".officer"));
    if (!username.ok()) return username.status();
    a.officer = *std::move(username);
  }
  return absl::OkStatus();
}

// Who can be answered: anyone who left a phone, and every 12345 order (through the
// platform, even for an anonymous caller).
std::optional<ReplyRecipient> RecipientOf(int64_t complaint_id, ComplaintChannel channel,
                                          const std::string& order_number,
                                          const Reporter& reporter) {
  const bool via_12345 = channel == ComplaintChannel::k12345Transfer && !order_number.empty();
  const bool reachable = !reporter.anonymous && !reporter.phone.empty();
  if (!via_12345 && !reachable) return std::nullopt;
  ReplyRecipient r;
  r.complaint_id = complaint_id;
  r.channel = channel;
  r.external_order_number = via_12345 ? order_number : "";
  if (reachable) {
    r.reporter_name = reporter.name;
    r.reporter_phone = reporter.phone;
  }
  return r;
}

// One reply per person or per 12345 order.
std::string RecipientKey(const ReplyRecipient& r, const std::string& identity_hash) {
  if (!r.external_order_number.empty()) return "order:" + r.external_order_number;
  if (!identity_hash.empty()) return "who:" + identity_hash;
  return "phone:" + r.reporter_phone;
}

std::vector<const Reporter*> AllReporters(const Complaint& c) {
  std::vector<const Reporter*> all = {&c.reporter};
  for (const LinkedComplaint& l : c.linked) all.push_back(&l.reporter);
  return all;
}

bool LinksTo(const Findings& f, absl::string_view collection) {
  return std::any_of(f.links.begin(), f.links.end(),
                     [&](const std::string& link) { return absl::StartsWith(link, collection); });
}

void Terminate(Complaint& c, ComplaintState state, absl::Time now) {
  c.state = state;
  c.update_time = now;
  c.close_time = now;
}

}  // namespace

absl::string_view ComplaintStateName(ComplaintState state) { return NameOf(state, kStateNames); }
std::optional<ComplaintState> ComplaintStateFromName(absl::string_view name) {
  return FromName<ComplaintState>(name, kStateNames);
}
absl::string_view ComplaintStateLabel(ComplaintState state) {
  return NameOf(state, kStateLabels);
}
absl::string_view NotAcceptedGroundName(NotAcceptedGround ground) {
  return NameOf(ground, kGroundNames);
}
std::optional<NotAcceptedGround> NotAcceptedGroundFromName(absl::string_view name) {
  return FromName<NotAcceptedGround>(name, kGroundNames);
}
absl::string_view FindingsOutcomeName(FindingsOutcome outcome) {
  return NameOf(outcome, kOutcomeNames);
}
std::optional<FindingsOutcome> FindingsOutcomeFromName(absl::string_view name) {
  return FromName<FindingsOutcome>(name, kOutcomeNames);
}
absl::string_view SatisfactionName(Satisfaction satisfaction) {
  return NameOf(satisfaction, kSatisfactionNames);
}
std::optional<Satisfaction> SatisfactionFromName(absl::string_view name) {
  return FromName<Satisfaction>(name, kSatisfactionNames);
}
absl::string_view LinkKindName(LinkKind kind) { return NameOf(kind, kLinkNames); }
std::optional<LinkKind> LinkKindFromName(absl::string_view name) {
  return FromName<LinkKind>(name, kLinkNames);
}

std::string Complaint::ResourceName() const { return absl::StrCat("complaints/", id); }

bool Complaint::closed() const {
  return In(state, {ComplaintState::kNotAccepted, ComplaintState::kRoutedOut,
                    ComplaintState::kClosed, ComplaintState::kMerged});
}

const Findings* Complaint::current_findings() const {
  if (findings.empty() || findings.back().round != reopen_count) return nullptr;
  return &findings.back();
}

absl::StatusOr<int64_t> ComplaintIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "complaints/") || !absl::SimpleAtoi(name, &id) || id <= 0) {
    return common::InvalidFieldError(field, "must be `complaints/{id}`");
  }
  return id;
}

absl::Status ValidateNewComplaint(Complaint& c, absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!IsNamed(c.channel, complaint_kinds_internal::kChannelNames)) {
    return common::InvalidFieldError(field("channel"), "is required");
  }
  if (c.channel == ComplaintChannel::k12345Transfer || !c.external_order_number.empty()) {
    // The 12345 order number is the import's idempotency key (§5.2).
    if (!IsToken(c.external_order_number, 64)) {
      return common::InvalidFieldError(
          field("external_order_number"),
          c.channel == ComplaintChannel::k12345Transfer
              ? "is required for a 12345 transfer: the 12345 work order number, 1-64 "
                "printable characters"
              : "must be 1-64 printable characters without spaces");
    }
  }
  if (c.reporter.anonymous) {
    // Anonymous means nothing identifying is kept, not "kept but hidden": every report is
    // kept confidential anyway (环境保护法 art. 57).
    if (!c.reporter.name.empty() || !c.reporter.phone.empty()) {
      return common::InvalidFieldError(field("reporter"),
                                       "an anonymous report keeps no name or phone");
    }
    c.reporter.identity_hash.clear();
  } else {
    if (absl::StripAsciiWhitespace(c.reporter.phone).empty()) {
      return common::InvalidFieldError(field("reporter.phone"),
                                       "is required unless the report is anonymous");
    }
    ECOCASE_RETURN_IF_ERROR(CheckText(c.reporter.name, 0, 64, field("reporter.name")));
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(c.location.address, 1, 300, field("location.address")));
  if (!IsDistrictCode(c.location.district_code)) {
    return common::InvalidFieldError(field("location.district_code"),
                                     "must be a six-digit GB/T 2260 code, e.g. 410802");
  }
  if (c.location.lat_lng) {
    const GeoPoint& p = *c.location.lat_lng;
    if (!std::isfinite(p.latitude) || p.latitude < -90 || p.latitude > 90) {
      return common::InvalidFieldError(field("location.lat_lng.latitude"),
                                       "must be between -90 and 90 degrees (WGS-84)");
    }
    if (!std::isfinite(p.longitude) || p.longitude < -180 || p.longitude > 180) {
      return common::InvalidFieldError(field("location.lat_lng.longitude"),
                                       "must be between -180 and 180 degrees (WGS-84)");
    }
  }
  if (!IsNamed(c.category, complaint_kinds_internal::kCategoryNames)) {
    return common::InvalidFieldError(field("category"), "is required");
  }
  if (!IsNamed(c.urgency, complaint_kinds_internal::kUrgencyNames)) {
    return common::InvalidFieldError(field("urgency"), "is required");
  }
  ECOCASE_RETURN_IF_ERROR(
      CheckText(c.description, 1, 2000, field("description"), /*multiline=*/true));
  if (!c.enterprise_uscc.empty()) {
    absl::StatusOr<std::string> uscc = NormalizeUscc(c.enterprise_uscc);
    if (!uscc.ok()) {
      return common::InvalidFieldError(
          field("enterprise"),
          absl::StrCat("holds no valid credit code: ", uscc.status().message()));
    }
    c.enterprise_uscc = *std::move(uscc);
  }
  if (c.attachments.size() > kMaxAttachments) {
    return common::InvalidFieldError(field("attachments"),
                                     absl::StrCat("must hold at most ", kMaxAttachments,
                                                  " references"));
  }
  // References are file numbers as often as ids: 焦环函〔2026〕12号 as well as REC-0031.
  for (size_t i = 0; i < c.attachments.size(); ++i) {
    ECOCASE_RETURN_IF_ERROR(CheckText(c.attachments[i], 1, 128,
                                      absl::StrCat(field("attachments"), "[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status CheckIntakeTime(absl::Time intake, absl::Time now, absl::string_view field) {
  if (intake > now || intake < now - kMaxIntakeAge) {
    return common::InvalidFieldError(field, "must lie within the last 30 days and not ahead");
  }
  return absl::OkStatus();
}

void Receive(Complaint& c, const std::string& actor, absl::Time now) {
  c.state = ComplaintState::kReceived;
  c.received_by = actor;
  c.receive_time = now;
  c.update_time = now;
}

absl::Status Accept(Complaint& c, const std::string& actor, absl::Time now) {
  if (c.state != ComplaintState::kReceived) return WrongState(c, "accepting", "RECEIVED");
  AcceptanceDecision d;
  d.accepted = true;
  d.decided_by = actor;
  d.decide_time = now;
  c.acceptance = std::move(d);
  c.state = ComplaintState::kAccepted;
  c.update_time = now;
  return absl::OkStatus();
}

absl::Status Reject(Complaint& c, NotAcceptedGround ground, const std::string& reason,
                    const std::string& authority, const std::string& actor, absl::Time now) {
  if (c.state != ComplaintState::kReceived) return WrongState(c, "not accepting", "RECEIVED");
  if (ground != NotAcceptedGround::kOutsideRemit && ground != NotAcceptedGround::kOtherProcedure) {
    return common::InvalidFieldError(
        "ground", ground == NotAcceptedGround::kRepeatReport
                      ? "a repeat report is linked to the accepted complaint instead"
                      : "must be OUTSIDE_REMIT or OTHER_PROCEDURE");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 1, 500, "reason", /*multiline=*/true));
  // 12369 办法 art. 8 (2), (3): the reporter is told where to go instead.
  ECOCASE_RETURN_IF_ERROR(CheckText(authority, 1, 200, "authority"));
  AcceptanceDecision d;
  d.accepted = false;
  d.ground = ground;
  d.reason = reason;
  d.authority = authority;
  d.decided_by = actor;
  d.decide_time = now;
  c.acceptance = std::move(d);
  Terminate(c, ComplaintState::kNotAccepted, now);
  return absl::OkStatus();
}

absl::Status Dispatch(Complaint& c, Assignment to, const std::string& note,
                      const std::string& actor, absl::Time now) {
  if (c.state != ComplaintState::kAccepted) return WrongState(c, "dispatching", "ACCEPTED");
  ECOCASE_RETURN_IF_ERROR(ValidateAssignment(to, "assignment"));
  ECOCASE_RETURN_IF_ERROR(CheckText(note, 0, 500, "note", /*multiline=*/true));
  RoutingEntry e;
  e.to = to;
  e.reason = note;
  e.by = actor;
  e.time = now;
  c.routing.push_back(std::move(e));
  c.assignment = std::move(to);
  c.state = ComplaintState::kDispatched;
  c.update_time = now;
  return absl::OkStatus();
}

absl::Status Reroute(Complaint& c, Assignment to, const std::string& reason,
                     const std::string& actor, absl::Time now) {
  if (c.state != ComplaintState::kDispatched) return WrongState(c, "re-routing", "DISPATCHED");
  ECOCASE_RETURN_IF_ERROR(ValidateAssignment(to, "assignment"));
  if (c.assignment && *c.assignment == to) {
    return common::InvalidFieldError("assignment", "is the current assignment");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 1, 500, "reason", /*multiline=*/true));
  RoutingEntry e;
  e.from = c.assignment;
  e.to = to;
  e.reason = reason;
  e.by = actor;
  e.time = now;
  c.routing.push_back(std::move(e));
  c.assignment = std::move(to);
  c.update_time = now;
  return absl::OkStatus();
}

absl::Status RouteOut(Complaint& c, const std::string& body, const std::string& reason,
                      const std::string& actor, absl::Time now) {
  if (!In(c.state, {ComplaintState::kAccepted, ComplaintState::kDispatched})) {
    return WrongState(c, "routing out to another body", "ACCEPTED or DISPATCHED");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(body, 1, 200, "body"));
  ECOCASE_RETURN_IF_ERROR(CheckText(reason, 1, 500, "reason", /*multiline=*/true));
  RoutingEntry e;
  e.from = c.assignment;
  e.outside_body = body;
  e.reason = reason;
  e.by = actor;
  e.time = now;
  c.routing.push_back(std::move(e));
  Terminate(c, ComplaintState::kRoutedOut, now);
  return absl::OkStatus();
}

absl::Status RecordFindings(Complaint& c, Findings findings, const std::string& actor,
                            absl::Time now) {
  if (c.state != ComplaintState::kDispatched) {
    return WrongState(c, "recording findings", "DISPATCHED");
  }
  if (!IsNamed(findings.outcome, kOutcomeNames)) {
    return common::InvalidFieldError("findings.outcome",
                                     "is required: VERIFIED, PARTLY_VERIFIED or NOT_VERIFIED");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(findings.text, 1, 2000, "findings.text", /*multiline=*/true));
  if (findings.links.size() > kMaxLinks) {
    return common::InvalidFieldError("findings.links",
                                     absl::StrCat("must hold at most ", kMaxLinks, " links"));
  }
  std::vector<std::string> links;
  for (size_t i = 0; i < findings.links.size(); ++i) {
    if (!IsFindingsLink(findings.links[i])) {
      return common::InvalidFieldError(
          absl::StrCat("findings.links[", i, "]"),
          "must be `inspections/{id}`, `tasks/{id}` or `cases/{id}`");
    }
    if (std::find(links.begin(), links.end(), findings.links[i]) == links.end()) {
      links.push_back(findings.links[i]);
    }
  }
  findings.links = std::move(links);
  findings.recorded_by = actor;
  findings.record_time = now;
  findings.round = c.reopen_count;
  // §5.3: verified complaints are clues for 立案, whatever the later penalty.
  if (findings.outcome != FindingsOutcome::kNotVerified) c.case_clue = true;
  c.findings.push_back(std::move(findings));
  c.state = ComplaintState::kFindingsRecorded;
  c.update_time = now;
  return absl::OkStatus();
}

absl::Status AddFindingsLink(Complaint& c, const std::string& link, absl::Time now) {
  if (c.state == ComplaintState::kMerged || c.findings.empty()) {
    return WrongState(c, "linking what the findings produced",
                      "one with findings recorded (FINDINGS_RECORDED or later)");
  }
  if (!IsFindingsLink(link)) {
    return common::InvalidFieldError("link",
                                     "must be `inspections/{id}`, `tasks/{id}` or `cases/{id}`");
  }
  std::vector<std::string>& links = c.findings.back().links;
  if (std::find(links.begin(), links.end(), link) != links.end()) return absl::OkStatus();
  if (links.size() >= kMaxLinks) {
    return common::InvalidFieldError("link", absl::StrCat("the findings already hold ",
                                                          kMaxLinks, " links"));
  }
  links.push_back(link);
  c.update_time = now;
  return absl::OkStatus();
}

FindingsFollowUp FollowUpFor(const Complaint& c) {
  FindingsFollowUp out;
  if (c.state == ComplaintState::kMerged || c.findings.empty()) return out;
  const Findings& latest = c.findings.back();
  // A partly verified complaint still found something to put right.
  const bool found = latest.outcome == FindingsOutcome::kVerified ||
                     latest.outcome == FindingsOutcome::kPartlyVerified;
  out.issue_rectification_task =
      found && !c.enterprise_uscc.empty() && !LinksTo(latest, "tasks/");
  // One case per complaint, whichever round produced it.
  const bool has_case = std::any_of(c.findings.begin(), c.findings.end(),
                                    [](const Findings& f) { return LinksTo(f, "cases/"); });
  out.flag_case_clue = c.case_clue && !has_case;
  return out;
}

std::vector<ReplyRecipient> ReplyFanOut(const Complaint& c) {
  std::vector<ReplyRecipient> out;
  std::set<std::string> seen;
  auto add = [&](int64_t id, ComplaintChannel channel, const std::string& order,
                 const Reporter& reporter) {
    std::optional<ReplyRecipient> r = RecipientOf(id, channel, order, reporter);
    if (r && seen.insert(RecipientKey(*r, reporter.identity_hash)).second) {
      out.push_back(*std::move(r));
    }
  };
  add(c.id, c.channel, c.external_order_number, c.reporter);
  for (const LinkedComplaint& l : c.linked) {
    add(l.complaint_id, l.channel, l.external_order_number, l.reporter);
  }
  return out;
}

absl::StatusOr<std::vector<ReplyRecipient>> Reply(Complaint& c, const std::string& text,
                                                  const std::string& actor, absl::Time now) {
  if (c.state != ComplaintState::kFindingsRecorded) {
    return WrongState(c, "replying", "FINDINGS_RECORDED");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(text, 1, 2000, "text", /*multiline=*/true));
  // Replies may be shown beyond the reporter (12345 platform, public pages): never carry
  // an identity (环境保护法 art. 57). Single-character names would match too much.
  for (const Reporter* r : AllReporters(c)) {
    const bool names_it = CodePoints(r->name, false) >= 2 && absl::StrContains(text, r->name);
    const bool dials_it = r->phone.size() >= 5 && absl::StrContains(text, r->phone);
    if (names_it || dials_it) {
      return common::InvalidFieldError("text", "must not contain a reporter's name or phone");
    }
  }
  std::vector<ReplyRecipient> recipients = ReplyFanOut(c);
  auto record = [&](int64_t to, const std::string& order) {
    ComplaintReply reply;
    reply.text = text;
    reply.to_complaint_id = to;
    reply.external_order_number = order;
    reply.by = actor;
    reply.time = now;
    reply.round = c.reopen_count;
    c.replies.push_back(std::move(reply));
  };
  if (recipients.empty()) record(0, "");
  for (const ReplyRecipient& r : recipients) record(r.complaint_id, r.external_order_number);
  c.state = ComplaintState::kReplied;
  c.update_time = now;
  return recipients;
}

std::vector<ReplyRecipient> PendingRevisits(const Complaint& c) {
  std::vector<ReplyRecipient> pending;
  for (ReplyRecipient& r : ReplyFanOut(c)) {
    const bool done = std::any_of(c.revisits.begin(), c.revisits.end(), [&](const Revisit& v) {
      return v.round == c.reopen_count && v.complaint_id == r.complaint_id;
    });
    if (!done) pending.push_back(std::move(r));
  }
  return pending;
}

absl::Status RecordRevisit(Complaint& c, Revisit revisit, const std::string& actor,
                           absl::Time now) {
  if (!In(c.state, {ComplaintState::kReplied, ComplaintState::kRevisited})) {
    return WrongState(c, "a revisit", "REPLIED or REVISITED");
  }
  const std::vector<ReplyRecipient> recipients = ReplyFanOut(c);
  if (recipients.empty()) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            c.ResourceName(), " has nobody to revisit (anonymous report): close it")),
        "COMPLAINT_NO_REVISIT");
  }
  if (revisit.complaint_id == 0) revisit.complaint_id = c.id;
  if (std::none_of(recipients.begin(), recipients.end(), [&](const ReplyRecipient& r) {
        return r.complaint_id == revisit.complaint_id;
      })) {
    return common::InvalidFieldError(
        "revisit.complaint_id", "must name this complaint or one linked to it with a reporter "
                                "who was replied to");
  }
  if (!IsNamed(revisit.satisfaction, kSatisfactionNames)) {
    return common::InvalidFieldError(
        "revisit.satisfaction",
        "is required: SATISFIED, BASICALLY_SATISFIED, DISSATISFIED or UNREACHABLE");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(revisit.note, 0, 500, "revisit.note", /*multiline=*/true));
  // Only 不满意 can blame the handling.
  if (revisit.satisfaction != Satisfaction::kDissatisfied) revisit.handling_reason = false;
  revisit.by = actor;
  revisit.time = now;
  revisit.round = c.reopen_count;
  const bool reopen = revisit.handling_reason;
  c.revisits.push_back(std::move(revisit));
  c.update_time = now;
  if (!reopen) {
    c.state = ComplaintState::kRevisited;
    return absl::OkStatus();
  }
  // §5.3: 不满意 because of the handling department sends it back to be handled again,
  // with the same assignment until someone re-routes it.
  RoutingEntry e;
  e.from = c.assignment;
  e.to = c.assignment;
  e.reason = "回访不满意（承办原因），重新办理";
  e.by = actor;
  e.time = now;
  c.routing.push_back(std::move(e));
  ++c.reopen_count;
  c.state = ComplaintState::kDispatched;
  return absl::OkStatus();
}

absl::Status Close(Complaint& c, const std::string& /*actor*/, absl::Time now) {
  if (c.state == ComplaintState::kReplied) {
    if (!ReplyFanOut(c).empty()) {
      return WrongState(c, "closing a complaint with a reporter to revisit", "REVISITED");
    }
  } else if (c.state != ComplaintState::kRevisited) {
    return WrongState(c, "closing", "REVISITED (or REPLIED when anonymous)");
  } else if (const std::vector<ReplyRecipient> pending = PendingRevisits(c); !pending.empty()) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            c.ResourceName(), " still has ", pending.size(),
            " reporter(s) to revisit, starting with complaints/", pending.front().complaint_id)),
        "REVISIT_PENDING");
  }
  Terminate(c, ComplaintState::kClosed, now);
  return absl::OkStatus();
}

double DistanceMeters(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
  const double phi1 = a.latitude * kRadiansPerDegree;
  const double phi2 = b.latitude * kRadiansPerDegree;
  const double dphi = phi2 - phi1;
  const double dlambda = (b.longitude - a.longitude) * kRadiansPerDegree;
  const double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) *
                       std::sin(dlambda / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

bool SameMatter(const Complaint& a, const Complaint& b, const DuplicateOptions& options) {
  if (a.category != b.category || a.category == ComplaintCategory::kUnspecified) return false;
  if (!a.enterprise_uscc.empty() && a.enterprise_uscc == b.enterprise_uscc) return true;
  return a.location.lat_lng && b.location.lat_lng &&
         DistanceMeters(*a.location.lat_lng, *b.location.lat_lng) <= options.max_distance_m;
}

std::optional<DuplicateMatch> DuplicateScore(const Complaint& candidate,
                                             const Complaint& existing,
                                             const DuplicateOptions& options) {
  if (existing.id != 0 && existing.id == candidate.id) return std::nullopt;
  const bool open = !existing.closed() && existing.state != ComplaintState::kUnspecified;
  const bool closed_ok = options.include_closed && existing.state == ComplaintState::kClosed;
  if (!open && !closed_ok) return std::nullopt;
  if (!SameMatter(candidate, existing, options)) return std::nullopt;
  const absl::Duration apart = absl::AbsDuration(candidate.receive_time - existing.receive_time);
  if (apart > options.window) return std::nullopt;

  DuplicateMatch m;
  m.complaint_id = existing.id;
  m.same_enterprise =
      !candidate.enterprise_uscc.empty() && candidate.enterprise_uscc == existing.enterprise_uscc;
  if (candidate.location.lat_lng && existing.location.lat_lng) {
    m.distance_m = DistanceMeters(*candidate.location.lat_lng, *existing.location.lat_lng);
  }
  m.apart = apart;
  // Place weighs more than time: the same enterprise counts as the same place.
  double place = 1.0;
  if (!m.same_enterprise) {
    place = options.max_distance_m > 0 ? 1.0 - *m.distance_m / options.max_distance_m : 1.0;
  }
  const double window_s = absl::ToDoubleSeconds(options.window);
  const double time = window_s > 0 ? 1.0 - absl::ToDoubleSeconds(apart) / window_s : 1.0;
  m.score = std::clamp(0.6 * place + 0.4 * time, 0.0, 1.0);
  return m;
}

std::vector<DuplicateMatch> LikelyDuplicates(const Complaint& candidate,
                                             const std::vector<Complaint>& existing,
                                             const DuplicateOptions& options) {
  std::vector<DuplicateMatch> out;
  for (const Complaint& e : existing) {
    if (std::optional<DuplicateMatch> m = DuplicateScore(candidate, e, options)) {
      out.push_back(*m);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const DuplicateMatch& a, const DuplicateMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.complaint_id < b.complaint_id;
  });
  return out;
}

bool IsRepeatReport(const Complaint& candidate, const Complaint& existing,
                    const DuplicateOptions& options) {
  const std::string& hash = candidate.reporter.identity_hash;
  if (hash.empty() || candidate.reporter.anonymous) return false;
  if (existing.id != 0 && existing.id == candidate.id) return false;
  if (!AcceptedAndOpen(existing.state)) return false;
  // A reporter merged into the master earlier is as much its reporter as the first one.
  const std::vector<const Reporter*> reporters = AllReporters(existing);
  const bool same_reporter =
      std::any_of(reporters.begin(), reporters.end(),
                  [&](const Reporter* r) { return !r->anonymous && r->identity_hash == hash; });
  return same_reporter && SameMatter(candidate, existing, options);
}

absl::Status LinkRepeatReport(Complaint& existing, Complaint& repeat, const std::string& actor,
                              absl::Time now) {
  if (repeat.state != ComplaintState::kReceived) {
    return WrongState(repeat, "linking as a repeat report", "RECEIVED");
  }
  if (!AcceptedAndOpen(existing.state)) {
    return WrongState(existing, "taking a repeat report",
                      "accepted and open (ACCEPTED to REVISITED)");
  }
  if (existing.id == repeat.id) {
    return common::InvalidFieldError("complaint", "cannot be linked to itself");
  }
  AcceptanceDecision d;
  d.accepted = false;
  d.ground = NotAcceptedGround::kRepeatReport;
  d.reason = absl::StrCat("您反映的同一事项已受理（", existing.ResourceName(),
                          "），目前办理进度：", ComplaintStateLabel(existing.state),
                          "。不再重复受理，办理结果将一并答复。");
  d.decided_by = actor;
  d.decide_time = now;
  repeat.acceptance = std::move(d);
  repeat.master_id = existing.id;
  Terminate(repeat, ComplaintState::kNotAccepted, now);

  LinkedComplaint link;
  link.complaint_id = repeat.id;
  link.kind = LinkKind::kRepeat;
  link.channel = repeat.channel;
  link.external_order_number = repeat.external_order_number;
  link.reporter = repeat.reporter;
  link.link_time = now;
  existing.linked.push_back(std::move(link));
  existing.update_time = now;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> Merge(Complaint& master, Complaint& duplicate,
                                           const std::string& /*actor*/, absl::Time now) {
  if (master.id == duplicate.id) {
    return common::WithReason(absl::FailedPreconditionError(absl::StrCat(
                                  master.ResourceName(), " cannot be merged into itself")),
                              "COMPLAINT_MERGE");
  }
  // Once answered, the master's reply went out without this reporter: a new complaint.
  if (!In(master.state, {ComplaintState::kReceived, ComplaintState::kAccepted,
                         ComplaintState::kDispatched, ComplaintState::kFindingsRecorded})) {
    return WrongState(master, "being a merge master",
                      "not yet answered (RECEIVED to FINDINGS_RECORDED)");
  }
  if (!In(duplicate.state, {ComplaintState::kReceived, ComplaintState::kAccepted,
                            ComplaintState::kDispatched})) {
    return WrongState(duplicate, "merging into another",
                      "RECEIVED, ACCEPTED or DISPATCHED (no findings yet)");
  }
  LinkedComplaint link;
  link.complaint_id = duplicate.id;
  link.kind = LinkKind::kMerged;
  link.channel = duplicate.channel;
  link.external_order_number = duplicate.external_order_number;
  link.reporter = duplicate.reporter;
  link.link_time = now;
  master.linked.push_back(std::move(link));
  // Links stay flat: what the duplicate had absorbed now hangs off the master.
  std::vector<int64_t> moved;
  for (LinkedComplaint& l : duplicate.linked) {
    moved.push_back(l.complaint_id);
    master.linked.push_back(std::move(l));
  }
  duplicate.linked.clear();
  master.update_time = now;

  duplicate.master_id = master.id;
  Terminate(duplicate, ComplaintState::kMerged, now);
  return moved;
}

}  // namespace ecocase::domain
