#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/complaint_kinds.h"
#include "domain/complaint_sla.h"
#include "domain/enterprise.h"

namespace ecocase::domain {

// Hotline complaints (12369 / 12345 / 信访, domain-rules §5) as pure rules: intake checks,
// the lifecycle, duplicates and merging. Deadlines live in complaint_sla.h; encryption of
// the reporter's identity and the etag bump belong to storage. Values of the enums are
// meant to match ecocase.v1.Complaint and are stored by name.
//
// The lifecycle (12369 办法 art. 8; 12345 closed loop 受理-派单-办理-回复-办结-回访, §5.2):
//
//   RECEIVED 登记 ──Accept──> ACCEPTED 受理 ──Dispatch──> DISPATCHED 交办 ──RecordFindings──>
//   FINDINGS_RECORDED 查处/核实 ──Reply──> REPLIED 答复 ──RecordRevisit──> REVISITED 回访
//   ──Close──> CLOSED 办结
//
//   RECEIVED ──Reject / LinkRepeatReport──> NOT_ACCEPTED 不予受理 (closed)
//   DISPATCHED ──Reroute──> DISPATCHED (another district, team or officer; history kept)
//   ACCEPTED | DISPATCHED ──RouteOut──> ROUTED_OUT 转出 (another body handles it; closed)
//   REPLIED | REVISITED ──RecordRevisit(不满意, handling reason)──> DISPATCHED (reopened)
//   REPLIED ──Close──> CLOSED only when there is nobody to revisit (anonymous report)
//   RECEIVED | ACCEPTED | DISPATCHED ──Merge──> MERGED 并案 into a master (closed)
//
// Every other step is FAILED_PRECONDITION with reason COMPLAINT_STATE naming the state.

enum class ComplaintState {
  kUnspecified = 0,
  kReceived = 1,          // 登记
  kAccepted = 2,          // 受理
  kNotAccepted = 3,       // 不予受理 (closed)
  kDispatched = 4,        // 交办
  kRoutedOut = 5,         // 转出: another body handles it (closed for the bureau)
  kFindingsRecorded = 6,  // 查处/核实
  kReplied = 7,           // 答复
  kRevisited = 8,         // 回访
  kClosed = 9,            // 办结
  kMerged = 10,           // 并案 (closed; the master carries it on)
};
absl::string_view ComplaintStateName(ComplaintState state);  // "RECEIVED", ...
std::optional<ComplaintState> ComplaintStateFromName(absl::string_view name);
// The Chinese label told to a reporter asking about progress: "登记", "受理", ...
absl::string_view ComplaintStateLabel(ComplaintState state);

// Grounds for 不予受理 (12369 办法 art. 8 (2)-(4)).
enum class NotAcceptedGround {
  kUnspecified = 0,
  kOutsideRemit = 1,    // 不属于生态环境部门职责: tell the caller whom to approach
  kOtherProcedure = 2,  // 应当或已经通过诉讼、仲裁、行政复议等途径解决
  kRepeatReport = 3,    // 同一举报人重复举报已受理事项: linked, told the progress
};
absl::string_view NotAcceptedGroundName(NotAcceptedGround ground);  // "OUTSIDE_REMIT", ...
std::optional<NotAcceptedGround> NotAcceptedGroundFromName(absl::string_view name);

enum class FindingsOutcome {
  kUnspecified = 0,
  kVerified = 1,        // 属实
  kPartlyVerified = 2,  // 部分属实
  kNotVerified = 3,     // 不属实
};
absl::string_view FindingsOutcomeName(FindingsOutcome outcome);  // "VERIFIED", ...
std::optional<FindingsOutcome> FindingsOutcomeFromName(absl::string_view name);

enum class Satisfaction {
  kUnspecified = 0,
  kSatisfied = 1,           // 满意
  kBasicallySatisfied = 2,  // 基本满意
  kDissatisfied = 3,        // 不满意
  // 未能联系: the revisit was tried and nobody answered. Not in §5.3's list; without it a
  // complaint whose reporter never picks up could not be closed.
  kUnreachable = 4,
};
absl::string_view SatisfactionName(Satisfaction satisfaction);  // "SATISFIED", ...
std::optional<Satisfaction> SatisfactionFromName(absl::string_view name);

enum class LinkKind {
  kUnspecified = 0,
  kMerged = 1,  // another reporter, same matter: merged into this master (§5.3)
  kRepeat = 2,  // the same reporter again: not accepted, linked (12369 办法 art. 8(4))
};
absl::string_view LinkKindName(LinkKind kind);  // "MERGED", "REPEAT"
std::optional<LinkKind> LinkKindFromName(absl::string_view name);

// Personal data (环境保护法 art. 57): plain here, encrypted by storage, never logged.
struct Reporter {
  std::string name;   // optional
  std::string phone;  // required unless anonymous
  bool anonymous = false;  // no identity kept at all, hence no reply and no revisit
  // Keyed hash of the normalised phone (FieldCipher::LookupHash, purpose
  // "reporter_phone"), computed by the service at intake so that a repeat reporter is found
  // without decrypting. Empty when anonymous.
  std::string identity_hash;
};

struct ComplaintLocation {
  std::string address;
  std::string district_code;  // GB/T 2260
  std::optional<GeoPoint> lat_lng;
};

// Who handles it inside the bureau: a district, optionally a team and an officer.
struct Assignment {
  std::string district_code;
  std::string team;     // optional, e.g. "大气执法一中队"
  std::string officer;  // optional username (no `users/` prefix)

  bool operator==(const Assignment&) const = default;
};

struct AcceptanceDecision {
  bool accepted = false;
  NotAcceptedGround ground = NotAcceptedGround::kUnspecified;  // when not accepted
  std::string reason;     // when not accepted
  std::string authority;  // the body to approach instead, when not accepted
  std::string decided_by;  // users/{username}
  absl::Time decide_time;
};

// One step of routing: a dispatch, a re-route, a route-out or a reopen.
struct RoutingEntry {
  std::optional<Assignment> from;  // empty for the first dispatch
  std::optional<Assignment> to;    // empty when routed out
  std::string outside_body;        // the other body, when routed out
  std::string reason;
  std::string by;  // users/{username}
  absl::Time time;
};

struct Findings {
  FindingsOutcome outcome = FindingsOutcome::kUnspecified;
  std::string text;
  // What the complaint produced: `inspections/{id}`, `tasks/{id}`, `cases/{id}`.
  std::vector<std::string> links;
  std::string recorded_by;
  absl::Time record_time;
  int round = 0;  // the complaint's reopen_count when recorded
};

// Someone a reply goes to: the reporter of `complaint_id` (the master or one linked to
// it), or the 12345 work order it came in on.
struct ReplyRecipient {
  int64_t complaint_id = 0;
  ComplaintChannel channel = ComplaintChannel::kUnspecified;
  std::string external_order_number;  // 12345 orders: the reply closes the order there
  std::string reporter_name;
  std::string reporter_phone;

  bool operator==(const ReplyRecipient&) const = default;
};

struct ComplaintReply {
  std::string text;  // public-safe: no reporter's name or phone
  int64_t to_complaint_id = 0;  // 0: kept on record only (anonymous, nobody to answer)
  std::string external_order_number;
  std::string by;
  absl::Time time;
  int round = 0;
};

struct Revisit {
  int64_t complaint_id = 0;  // whose reporter was asked; 0 means the complaint's own
  Satisfaction satisfaction = Satisfaction::kUnspecified;
  // For 不满意: whether the cause lies with the handling (承办) — that reopens it (§5.3).
  bool handling_reason = false;
  std::string note;
  std::string by;
  absl::Time time;
  int round = 0;
};

// A complaint folded into this one; its reporter is replied to with the master's reply.
struct LinkedComplaint {
  int64_t complaint_id = 0;
  LinkKind kind = LinkKind::kUnspecified;
  ComplaintChannel channel = ComplaintChannel::kUnspecified;
  std::string external_order_number;
  Reporter reporter;
  absl::Time link_time;
};

struct Complaint {
  int64_t id = 0;
  ComplaintChannel channel = ComplaintChannel::kUnspecified;
  std::string external_order_number;  // the 12345 工单号: required for 12345, unique
  Reporter reporter;
  ComplaintLocation location;
  ComplaintCategory category = ComplaintCategory::kUnspecified;
  ComplaintUrgency urgency = ComplaintUrgency::kUnspecified;
  std::string description;
  std::string enterprise_uscc;           // optional: the reported unit, if known
  std::vector<std::string> attachments;  // references, stored elsewhere

  ComplaintState state = ComplaintState::kUnspecified;
  std::optional<AcceptanceDecision> acceptance;
  std::optional<Assignment> assignment;  // the current one
  std::vector<RoutingEntry> routing;     // every dispatch, re-route, route-out, reopen
  std::vector<Findings> findings;        // one per round, latest last
  std::vector<ComplaintReply> replies;
  std::vector<Revisit> revisits;
  int reopen_count = 0;
  bool case_clue = false;  // verified findings: a clue (线索) for 立案 (§5.3, §4.2)

  // The acceptance and closure clocks, set by the service from the SLA policy at intake
  // and moved by acceptance and extensions (complaint_sla.h).
  ComplaintDeadlines deadlines;

  int64_t master_id = 0;  // when MERGED or linked as a repeat report
  std::vector<LinkedComplaint> linked;  // on a master

  std::string received_by;  // users/{username}; an integration user for 12345 imports
  absl::Time receive_time;
  absl::Time update_time;
  absl::Time close_time;  // when it reached a closed state
  int64_t version = 0;    // the etag, bumped by storage

  std::string ResourceName() const;  // complaints/{id}
  // NOT_ACCEPTED, ROUTED_OUT, CLOSED or MERGED.
  bool closed() const;
  // The findings of the current round, if recorded.
  const Findings* current_findings() const;
};

// `complaints/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ComplaintIdFromName(absl::string_view name, absl::string_view field);

// Checks a complaint about to be registered (fields under `prefix`, e.g. "complaint"):
// channel, category and urgency; the 12345 order number (1-64 printable, required for a
// 12345 transfer); the reporter (anonymous: no name or phone; otherwise a phone, whose
// format is not checked here, and a name of at most 64); address 1-300; a six-digit
// district code; latitude/longitude ranges; description 1-2000; the reported enterprise's
// credit code (normalised in place) when given; at most 20 attachment references of 1-128
// characters (Chinese file numbers included) without line breaks.
absl::Status ValidateNewComplaint(Complaint& complaint, absl::string_view prefix);

// How far back a complaint's receipt elsewhere (a transferred 12345 order, a letter) may
// lie: the clocks count from it.
inline constexpr absl::Duration kMaxIntakeAge = absl::Hours(24 * 30);

// INVALID_ARGUMENT naming `field` unless `intake` lies within kMaxIntakeAge before `now`
// and not after it.
absl::Status CheckIntakeTime(absl::Time intake, absl::Time now, absl::string_view field);

// Registers a validated complaint: state RECEIVED (登记).
void Receive(Complaint& complaint, const std::string& actor, absl::Time now);

// Transitions. Each returns FAILED_PRECONDITION (reason COMPLAINT_STATE) when the state
// does not allow it, INVALID_ARGUMENT naming the field for bad input, and otherwise
// changes `complaint` (update_time = now). `actor` is users/{username}.

// RECEIVED -> ACCEPTED.
absl::Status Accept(Complaint& complaint, const std::string& actor, absl::Time now);

// RECEIVED -> NOT_ACCEPTED on ground OUTSIDE_REMIT or OTHER_PROCEDURE, with the reason
// (1-500) and the authority the reporter should approach (1-200), both told to them.
absl::Status Reject(Complaint& complaint, NotAcceptedGround ground, const std::string& reason,
                    const std::string& authority, const std::string& actor, absl::Time now);

// ACCEPTED -> DISPATCHED to `to` (district code required; team 0-64, officer 0-64).
// `note` (0-500) is kept in the routing history.
absl::Status Dispatch(Complaint& complaint, Assignment to, const std::string& note,
                      const std::string& actor, absl::Time now);

// DISPATCHED -> DISPATCHED with another assignment; `reason` 1-500; history kept.
absl::Status Reroute(Complaint& complaint, Assignment to, const std::string& reason,
                     const std::string& actor, absl::Time now);

// ACCEPTED | DISPATCHED -> ROUTED_OUT to `body` (1-200, e.g. "焦作市住房和城乡建设局"),
// `reason` 1-500; history kept. The complaint is closed for the bureau.
absl::Status RouteOut(Complaint& complaint, const std::string& body, const std::string& reason,
                      const std::string& actor, absl::Time now);

// DISPATCHED -> FINDINGS_RECORDED. Outcome required, text 1-2000, 0-20 links as
// `inspections/{id}`, `tasks/{id}` or `cases/{id}`. Verified or partly verified findings
// make the complaint a case clue (§5.3).
absl::Status RecordFindings(Complaint& complaint, Findings findings, const std::string& actor,
                            absl::Time now);

// Adds a link to the current findings (the task or case they produced, issued after
// them); no-op when present. FAILED_PRECONDITION without findings or when merged.
absl::Status AddFindingsLink(Complaint& complaint, const std::string& link, absl::Time now);

// What verified findings call for (issue 8 item 6).
struct FindingsFollowUp {
  // Verified or partly verified against a known enterprise, and no task linked yet.
  bool issue_rectification_task = false;
  // A case clue with no case linked yet: tell the case module.
  bool flag_case_clue = false;
};
FindingsFollowUp FollowUpFor(const Complaint& complaint);

// Whom a reply goes to: the complaint's reporter and every linked one, except anonymous
// reporters (nobody to answer); a 12345 work order is always answered through the 12345
// platform. One entry per person or order (by 12345 order number, else identity hash,
// else phone), the complaint's own first.
std::vector<ReplyRecipient> ReplyFanOut(const Complaint& complaint);

// FINDINGS_RECORDED -> REPLIED. `text` 1-2000, public-safe: it must not contain the name
// (2+ characters) or phone of any reporter. One reply per recipient of ReplyFanOut (one
// kept on record when there is none); returns those recipients for sending.
absl::StatusOr<std::vector<ReplyRecipient>> Reply(Complaint& complaint, const std::string& text,
                                                  const std::string& actor, absl::Time now);

// Recipients of the current round not yet revisited.
std::vector<ReplyRecipient> PendingRevisits(const Complaint& complaint);

// REPLIED | REVISITED: records the revisit of one recipient (complaint_id 0 = the
// complaint's own reporter; otherwise one of ReplyFanOut, INVALID_ARGUMENT else).
// Satisfaction required; note 0-500. 不满意 with handling_reason reopens it: back to
// DISPATCHED, reopen_count + 1, the routing history notes it (the SLA decides the clock).
// Anything else -> REVISITED. FAILED_PRECONDITION (COMPLAINT_NO_REVISIT) when there is
// nobody to revisit.
absl::Status RecordRevisit(Complaint& complaint, Revisit revisit, const std::string& actor,
                           absl::Time now);

// -> CLOSED (办结): from REVISITED once no recipient of this round is pending
// (FAILED_PRECONDITION, REVISIT_PENDING, otherwise), or from REPLIED when there is nobody
// to revisit.
absl::Status Close(Complaint& complaint, const std::string& actor, absl::Time now);

// Duplicates (§5.3). [M] defaults: the distances and windows are design choices, to be
// confirmed locally (§5.3 gives "e.g. 72 h, 500 m"; issue 8 asks for a window).
struct DuplicateOptions {
  double max_distance_m = 500;
  absl::Duration window = absl::Hours(24 * 30);
  bool include_closed = false;  // suggest closed complaints too (CLOSED ones only)
};

struct DuplicateMatch {
  int64_t complaint_id = 0;
  bool same_enterprise = false;
  std::optional<double> distance_m;  // when both have coordinates
  absl::Duration apart;              // between the receive times
  double score = 0;                  // 0..1, higher is likelier
};

// Great-circle (haversine) distance on a sphere of radius 6 371 000 m.
double DistanceMeters(const GeoPoint& a, const GeoPoint& b);

// The same matter: same category, and the same reported enterprise or within
// max_distance_m of each other.
bool SameMatter(const Complaint& a, const Complaint& b, const DuplicateOptions& options);

// `existing` as a likely duplicate of `candidate`: the same matter, received within the
// window, and `existing` still a candidate (not NOT_ACCEPTED, ROUTED_OUT or MERGED; not
// CLOSED unless include_closed). Nullopt when it is not one.
std::optional<DuplicateMatch> DuplicateScore(const Complaint& candidate,
                                             const Complaint& existing,
                                             const DuplicateOptions& options);

// The likely duplicates of `candidate` among `existing` (itself skipped), best first.
std::vector<DuplicateMatch> LikelyDuplicates(const Complaint& candidate,
                                             const std::vector<Complaint>& existing,
                                             const DuplicateOptions& options);

// The same reporter (equal non-empty identity hashes) re-reporting a matter of `existing`
// that is accepted and still open: link it (LinkRepeatReport), do not open it again.
bool IsRepeatReport(const Complaint& candidate, const Complaint& existing,
                    const DuplicateOptions& options);

// 12369 办法 art. 8(4): `repeat` (RECEIVED) -> NOT_ACCEPTED (REPEAT_REPORT) linked to
// `existing` (accepted and open), whose progress the reason states for the reporter.
absl::Status LinkRepeatReport(Complaint& existing, Complaint& repeat, const std::string& actor,
                              absl::Time now);

// Merges `duplicate` (RECEIVED, ACCEPTED or DISPATCHED) into `master` (RECEIVED to
// FINDINGS_RECORDED: not yet answered): duplicate -> MERGED with master_id; the master
// links it and keeps its reporter, and takes over the duplicate's own links. Returns the
// ids of those taken-over complaints, whose master_id the caller points at the master.
absl::StatusOr<std::vector<int64_t>> Merge(Complaint& master, Complaint& duplicate,
                                           const std::string& actor, absl::Time now);

}  // namespace ecocase::domain
