#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/case_clocks.h"
#include "domain/working_calendar.h"

namespace ecocase::domain {

// Enforcement cases (生态环境行政处罚案件, domain-rules §4) as pure rules: the penalty
// procedure as a state machine with the gates the law sets. Storage assigns the case number
// and ids; the clocks (90-day decision limit, service and payment deadlines, late surcharge)
// live in case_clocks.h and come in here as data. Values of the enums are meant to match
// ecocase.v1.Case and are stored by name. Days are Asia/Shanghai; periods count from the day
// after their start (民法典 art. 201).
//
// The procedure (§4.2):
//
//   CLUE 线索 ──File──> FILED 立案 ──StartInvestigation──> INVESTIGATING 调查取证
//   ──SubmitForReview──> UNDER_REVIEW 案件审查 ──Notify──> NOTIFIED 告知
//   ──RequestHearing──> HEARING_REQUESTED 听证申请 ──RecordHearing(held)──> HEARING_HELD 听证
//   NOTIFIED | HEARING_HELD ──Decide(penalty)──> DECIDED 处罚决定 ──Serve──> SERVED 送达
//   ──RecordPayment | RecordCourtEnforcement──> EXECUTING 执行 ──Close──> CLOSED 结案
//   ──Archive──> ARCHIVED 归档
//
//   CLUE ──NotFile──> NOT_FILED 不予立案 (closed)
//   UNDER_REVIEW ──ReturnForInvestigation──> INVESTIGATING (补充调查, reasons kept)
//   HEARING_REQUESTED ──RecordHearing(no-show / withdrawn)──> NOTIFIED (hearing waived)
//   NOTIFIED | HEARING_HELD ──Notify──> NOTIFIED (re-notified, e.g. a heavier penalty)
//   UNDER_REVIEW | NOTIFIED | HEARING_HELD ──Decide(no penalty)──> NO_PENALTY 不予处罚
//   INVESTIGATING .. HEARING_HELD ──Transfer──> TRANSFERRED 移送 (to the police)
//   NO_PENALTY | TRANSFERRED | DECIDED | SERVED | EXECUTING ──Close(ground)──> CLOSED
//
// 立案 is its own state so that a filed case can wait for its officers: it enters
// investigation only with two valid certificates. Legal review (法制审核) and collective
// discussion (集体讨论) are records on the case, not states: either may be required, in no
// fixed order, and both only gate the decision.
//
// Illegal steps are FAILED_PRECONDITION with a reason (CASE_STATE for the wrong state, the
// gate's own reason otherwise) and a message naming the missing condition; bad input is
// INVALID_ARGUMENT naming the field.

enum class CaseState {
  kUnspecified = 0,
  kClue = 1,              // 线索
  kNotFiled = 2,          // 不予立案 (closed)
  kFiled = 3,             // 立案
  kInvestigating = 4,     // 调查取证
  kUnderReview = 5,       // 案件审查
  kNotified = 6,          // 告知
  kHearingRequested = 7,  // 听证申请
  kHearingHeld = 8,       // 听证
  kDecided = 9,           // 处罚决定
  kNoPenalty = 10,        // 不予处罚
  kTransferred = 11,      // 移送
  kServed = 12,           // 送达
  kExecuting = 13,        // 执行
  kClosed = 14,           // 结案
  kArchived = 15,         // 归档
};
absl::string_view CaseStateName(CaseState state);  // "CLUE", ...
std::optional<CaseState> CaseStateFromName(absl::string_view name);
absl::string_view CaseStateLabel(CaseState state);  // "线索", ...

// Where the case came from, kept as a link (§4, issue 9 item 1).
enum class CaseSourceKind {
  kUnspecified = 0,
  kComplaint = 1,           // complaints/{id}
  kExceedanceIncident = 2,  // incidents/{id}
  kRefusedTask = 3,         // tasks/{id}: 拒不改正
  kOverdueTask = 4,         // tasks/{id}: 逾期未改正
  kInspection = 5,          // inspections/{id}
  kRandomInspection = 6,    // inspections/{id}: 双随机
  kReferral = 7,            // 移交: the referring body's letter number, 1-128 characters
};
absl::string_view CaseSourceKindName(CaseSourceKind kind);  // "COMPLAINT", ...
std::optional<CaseSourceKind> CaseSourceKindFromName(absl::string_view name);

enum class PartyKind { kUnspecified = 0, kOrganisation = 1, kIndividual = 2 };
absl::string_view PartyKindName(PartyKind kind);  // "ORGANISATION", "INDIVIDUAL"
std::optional<PartyKind> PartyKindFromName(absl::string_view name);

// Kinds of administrative penalty (行政处罚法 art. 9; 责令限期拆除 from the 2023 办法).
enum class PenaltyKind {
  kUnspecified = 0,
  kWarning = 1,                 // 警告
  kCriticism = 2,               // 通报批评
  kFine = 3,                    // 罚款
  kConfiscation = 4,            // 没收违法所得、没收非法财物
  kPermitSuspension = 5,        // 暂扣许可证件
  kQualificationDowngrade = 6,  // 降低资质等级
  kPermitRevocation = 7,        // 吊销许可证件
  kProductionLimit = 8,         // 限制开展生产经营活动
  kProductionSuspension = 9,    // 责令停产停业 / 停产整治
  kClosure = 10,                // 责令关闭
  kEmploymentRestriction = 11,  // 限制从业
  kDemolition = 12,             // 责令限期拆除
};
absl::string_view PenaltyKindName(PenaltyKind kind);  // "FINE", ...
std::optional<PenaltyKind> PenaltyKindFromName(absl::string_view name);
absl::string_view PenaltyKindLabel(PenaltyKind kind);  // "罚款", ...

enum class ResponseKind {
  kUnspecified = 0,
  kDefenceStated = 1,  // 已陈述申辩
  kWaived = 2,         // 放弃陈述、申辩 (and the hearing)
};
absl::string_view ResponseKindName(ResponseKind kind);
std::optional<ResponseKind> ResponseKindFromName(absl::string_view name);

enum class HearingOutcome {
  kUnspecified = 0,
  kHeld = 1,       // 已举行
  kNoShow = 2,     // 无正当理由不参加: treated as a waiver (art. 64(8))
  kWithdrawn = 3,  // 撤回听证申请
};
absl::string_view HearingOutcomeName(HearingOutcome outcome);
std::optional<HearingOutcome> HearingOutcomeFromName(absl::string_view name);

enum class TransferKind {
  kUnspecified = 0,
  kAdministrativeDetention = 1,  // 移送行政拘留 (环境保护法 art. 63)
  kCriminal = 2,                 // 移送涉嫌犯罪案件 (国务院令第310号)
};
absl::string_view TransferKindName(TransferKind kind);
std::optional<TransferKind> TransferKindFromName(absl::string_view name);

// 送达 methods (行政处罚法 art. 61; 民事诉讼法).
enum class ServiceMethod {
  kUnspecified = 0,
  kDirect = 1,        // 直接送达
  kLeftAtPlace = 2,   // 留置送达
  kEntrusted = 3,     // 委托送达
  kPostal = 4,        // 邮寄送达
  kElectronic = 5,    // 电子送达: only with the party's written consent
  kPublicNotice = 6,  // 公告送达
};
absl::string_view ServiceMethodName(ServiceMethod method);
std::optional<ServiceMethod> ServiceMethodFromName(absl::string_view name);

// 结案 grounds (2010 办法 art. 67; 2023 办法 [M]).
enum class ClosureGround {
  kUnspecified = 0,
  kFullyPerformed = 1,            // 执行完毕: fine and late surcharge paid
  kNoExecutionNeeded = 2,         // 不予处罚, nothing to execute
  kTransferCompleted = 3,         // 移送完毕
  kCourtEnforcementAccepted = 4,  // 法院受理强制执行申请
  kDecisionRevoked = 5,           // 决定被撤销 (复议、诉讼或自行撤销)
};
absl::string_view ClosureGroundName(ClosureGround ground);
std::optional<ClosureGround> ClosureGroundFromName(absl::string_view name);

// The rules marked [M] in domain-rules §4 as options, with their documented defaults.
struct CaseOptions {
  // 陈述申辩期限, working days after the notice is received ("commonly 3-5 days" [M]; the
  // law's "五日" are working days, art. 85).
  int statement_days = 5;
  // 较大数额 (art. 63) for fines and confiscations, in fen: ¥50,000 for organisations and
  // ¥5,000 for individuals [M: confirm the Henan values]; "以上" includes the amount.
  int64_t large_amount_organisation_fen = 5'000'000;
  int64_t large_amount_individual_fen = 500'000;
  // A fine from which legal review and collective discussion are required [M: ¥200,000].
  int64_t major_fine_fen = 20'000'000;
  // Permit revocation, production suspension and closure need legal review and collective
  // discussion [M: the usual 重大执法决定 list].
  bool heavy_kinds_need_reviews = true;
};

// Statutory periods [V]: hearing request within 5 days of the notice, hearing notice at
// least 7 days before the hearing (行政处罚法 art. 64). Art. 85 makes the law's "五日" and
// "七日" working days (不含法定节假日), counted on the platform calendar.
inline constexpr int kHearingRequestDays = 5;
inline constexpr int kHearingNoticeDays = 7;

struct CaseSource {
  CaseSourceKind kind = CaseSourceKind::kUnspecified;
  std::string link;  // complaints/{id}, incidents/{id}, tasks/{id}, inspections/{id}, ...
};

// An officer as assigned to the case, with the certificate the law requires (art. 42).
struct CaseOfficer {
  std::string username;  // without `users/`
  std::string certificate_number;
  absl::CivilDay certificate_expiry;  // last valid day
};

struct Recusal {
  std::string username;
  std::string reason;
  std::string by;
  absl::Time time;
};

struct PenaltyItem {
  PenaltyKind kind = PenaltyKind::kUnspecified;
  int64_t amount_fen = 0;  // fines and confiscations only
};

struct Notification {
  std::string facts;  // 违法事实
  std::vector<PenaltyItem> proposed;
  std::string legal_basis;      // 处罚依据
  std::string rights;           // 陈述、申辩 (和听证) 权利 as told
  absl::CivilDay received_day;  // the party received the notice
  // Set by Notify:
  absl::CivilDay statement_end_day;        // last day of the statement period
  bool hearing_right = false;              // art. 63
  absl::CivilDay hearing_request_end_day;  // last day to request a hearing
};

struct PartyResponse {
  ResponseKind kind = ResponseKind::kUnspecified;
  std::string note;
  absl::CivilDay day;
};

struct Hearing {
  absl::CivilDay request_day;
  std::optional<absl::CivilDay> notice_day;  // 听证通知 sent
  std::optional<absl::CivilDay> hearing_day;
  std::string presiding;  // username of the presiding officer: not an investigator
  HearingOutcome outcome = HearingOutcome::kUnspecified;
  std::string record;  // 听证笔录 summary
};

// 法制审核 or 集体讨论 as recorded.
struct ReviewRecord {
  std::string by;  // users/{username}: the reviewer or the chair
  std::string conclusion;
  absl::Time time;
};

enum class DecisionKind { kUnspecified = 0, kPenalty = 1, kNoPenalty = 2 };

struct Decision {
  DecisionKind kind = DecisionKind::kUnspecified;
  std::vector<PenaltyItem> penalties;          // for a penalty
  std::vector<std::string> correction_orders;  // 责令改正 items (art. 28): rectification tasks
  std::string legal_basis;
  std::string reason;  // the grounds, e.g. 违法行为轻微并及时改正 for no penalty
  absl::CivilDay day;  // set by Decide
};

// The package must reach the police within this many days of the transfer decision
// (移送行政拘留暂行办法 art. 12) [M: calendar days].
inline constexpr int kTransferSendDays = 3;

struct CaseTransfer {
  TransferKind kind = TransferKind::kUnspecified;
  std::string receiving_body;  // e.g. 焦作市公安局解放分局
  std::string note;
  // 移送材料 (暂行办法 art. 11): 案件移送审批表, 移送书, 调查报告, 证据材料, 涉案物品清单...
  std::vector<std::string> package;
  absl::CivilDay day;                      // set by Transfer
  absl::CivilDay send_by_day;              // set by Transfer: day + kTransferSendDays
  std::optional<absl::CivilDay> sent_day;  // set by RecordTransferSent
  std::string receipt;                     // the police's 回执 number
};

struct Service {
  ServiceMethod method = ServiceMethod::kUnspecified;
  absl::CivilDay day;               // the party received the decision
  bool electronic_consent = false;  // signed consent to e-service (art. 61)
};

struct Payment {
  int64_t amount_fen = 0;
  absl::CivilDay day;
  std::string receipt;  // bank receipt / 罚没收据 number
};

// One entry of the timeline the read model shows.
struct CaseEvent {
  std::string kind;                           // the step: "FILE", "NOTIFY", "ASSIGN_OFFICER", ...
  CaseState state = CaseState::kUnspecified;  // after the step
  std::string actor;                          // users/{username}
  absl::Time time;
  std::string note;
};

// A measure besides the penalty (domain-rules §4.5-4.6; rules in case_measures.h).
enum class CaseMeasureKind {
  kUnspecified = 0,
  kSealing = 1,               // 查封、扣押: days, at most 30 + 30
  kProductionLimit = 2,       // 限制生产: months, at most 3 + 3
  kProductionSuspension = 3,  // 停产整治: until lifted
};
absl::string_view CaseMeasureKindName(CaseMeasureKind kind);  // "SEALING", ...
std::optional<CaseMeasureKind> CaseMeasureKindFromName(absl::string_view name);
absl::string_view CaseMeasureKindLabel(CaseMeasureKind kind);  // "查封、扣押", ...

struct CaseMeasure {
  CaseMeasureKind kind = CaseMeasureKind::kUnspecified;
  std::string document;      // the decision's number, e.g. 焦环封〔2026〕3号, 1-64
  absl::CivilDay start_day;  // executed / served
  int amount = 0;            // days (sealing) or months (production limit); 0 for suspension
  std::vector<int> extensions = {};
  std::optional<absl::CivilDay> lifted_day = std::nullopt;  // 解除: in force until the day before
  std::string note = {};
};

struct EnforcementCase {
  int64_t id = 0;
  std::string case_number;  // assigned at filing; empty for clues and unfiled cases
  CaseSource source;
  PartyKind party_kind = PartyKind::kUnspecified;
  std::string party_name;
  std::string enterprise_uscc;  // optional (individuals)
  std::string district_code;
  std::string summary;           // 案由
  absl::CivilDay discovery_day;  // the violation was discovered (limitation, art. 36)

  CaseState state = CaseState::kUnspecified;
  std::string state_reason;  // 不予立案 reason, the review's return reasons, ...
  std::optional<absl::CivilDay> filed_day;
  std::vector<CaseOfficer> officers;  // currently assigned
  std::vector<Recusal> recusals;
  std::vector<std::string> evidence;        // evidence/{id}, inspections/{id}
  std::vector<Notification> notifications;  // latest last
  std::optional<PartyResponse> response;    // to the latest notification
  std::optional<Hearing> hearing;           // on the latest notification
  bool hearing_held = false;          // on any notification: legal review stays required (art. 58)
  bool legal_review_flagged = false;  // 重大/复杂 (art. 58 (1), (3)): set by the officer
  bool collective_discussion_flagged = false;  // 情节复杂或重大违法 (art. 57)
  std::optional<ReviewRecord> legal_review;
  std::optional<ReviewRecord> collective_discussion;
  std::optional<Decision> decision;
  std::optional<CaseTransfer> transfer;
  std::optional<Service> service;
  std::vector<Payment> payments;
  std::optional<absl::CivilDay> court_enforcement_day;
  ClosureGround closure_ground = ClosureGround::kUnspecified;
  // The decision clock's records (case_decision_clock.h): periods not counted towards the
  // 90 days, and approved extensions, in the order recorded.
  std::vector<ExcludedPeriod> excluded_periods;
  std::vector<DecisionExtension> decision_extensions;
  std::vector<CaseMeasure> measures;  // in the order imposed
  // Permits revoked (吊销) by the served decision, enterprises/{uscc}/permits/{number}.
  std::vector<std::string> revoked_permits;
  // Rectification tasks issued from the decision's correction orders (tasks/{id}).
  std::vector<std::string> correction_tasks;
  std::vector<CaseEvent> timeline;

  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;  // the etag, bumped by storage

  std::string ResourceName() const;  // cases/{id}
  int64_t FineFen() const;           // decided fines, 0 without a penalty decision
  int64_t PaidFen() const;
};

// Whether the law makes the decision public (行政处罚法 art. 48, 三项制度): a penalty decided
// against an organisation and not revoked. Individuals' decisions stay unpublished [M].
bool IsPublicDecision(const EnforcementCase& c);

// `cases/{id}` -> id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> CaseIdFromName(absl::string_view name, absl::string_view field);

// Renders the bureau's case number: `pattern` holds `{year}` and `{seq}` once each, e.g.
// "焦环罚〔{year}〕{seq}号" with 2026 and 12 -> "焦环罚〔2026〕12号". INVALID_ARGUMENT
// naming "case_number_pattern" (or "year", "seq") otherwise.
absl::StatusOr<std::string> FormatCaseNumber(absl::string_view pattern, int year, int64_t seq);

// Checks a case about to be opened (fields under `prefix`): source kind and link shape,
// party kind and name (1-200), USCC (normalised in place; required for organisations),
// district code, summary (1-500).
absl::Status ValidateNewCase(EnforcementCase& c, absl::string_view prefix);

// Opens a validated case as a CLUE. The discovery day defaults to today.
void OpenClue(EnforcementCase& c, const std::string& actor, absl::Time now);

// Transitions: `actor` is users/{username}; today is the Asia/Shanghai day of `now`.

// Assigns an officer (CLUE to HEARING_HELD). Username, certificate number (1-64) and expiry
// required; a recused officer cannot come back (CASE_OFFICER_RECUSED).
absl::Status AssignOfficer(EnforcementCase& c, CaseOfficer officer, const std::string& actor,
                           absl::Time now);

// 回避 (art. 43): removes an assigned officer; reason 1-500. May leave fewer than two, then
// the steps that need two are refused until another is assigned.
absl::Status Recuse(EnforcementCase& c, absl::string_view username, const std::string& reason,
                    const std::string& actor, absl::Time now);

// OK when at least two assigned officers hold certificates valid on `day` (arts. 42, 55);
// FAILED_PRECONDITION CASE_OFFICERS naming `action` and the officers that fail otherwise.
absl::Status NeedTwoOfficers(const EnforcementCase& c, absl::CivilDay day,
                             absl::string_view action);

// CLUE -> FILED with the number storage assigned. Refused (CASE_LIMITATION) when the
// violation ended more than 2 years (5 with harm to life or health) before it was
// discovered (art. 36).
absl::Status File(EnforcementCase& c, const std::string& case_number,
                  absl::CivilDay violation_end_day, bool harms_life_or_health,
                  const std::string& actor, absl::Time now);

// CLUE -> NOT_FILED with the reason (1-500).
absl::Status NotFile(EnforcementCase& c, const std::string& reason, const std::string& actor,
                     absl::Time now);

// FILED -> INVESTIGATING with two officers holding certificates valid today (CASE_OFFICERS).
absl::Status StartInvestigation(EnforcementCase& c, const std::string& actor, absl::Time now);

// Links an evidence item or inspection record (FILED to HEARING_HELD): `evidence/{id}` or
// `inspections/{id}`; no-op when present.
absl::Status AddEvidence(EnforcementCase& c, const std::string& ref, absl::Time now);

// INVESTIGATING -> UNDER_REVIEW (查处分离): needs evidence (CASE_EVIDENCE) and two officers
// with valid certificates (CASE_OFFICERS).
absl::Status SubmitForReview(EnforcementCase& c, const std::string& actor, absl::Time now);

// UNDER_REVIEW -> INVESTIGATING with the reviewer's reasons (1-1000).
absl::Status ReturnForInvestigation(EnforcementCase& c, const std::string& reasons,
                                    const std::string& actor, absl::Time now);

// Whether the proposed penalty gives the party the right to a hearing (art. 63).
bool HasHearingRight(const std::vector<PenaltyItem>& penalties, PartyKind party,
                     const CaseOptions& options);

// UNDER_REVIEW | NOTIFIED | HEARING_HELD -> NOTIFIED (事先告知, arts. 44, 45). Facts
// (1-2000), 1-10 proposed penalties (amounts for fines and confiscations only), legal
// basis (1-1000), rights (1-1000) and the day the party received it (from the filing day to
// today).
// Sets the statement period, the hearing right and its request period; a new notice starts
// a new round (response and hearing cleared).
absl::Status Notify(EnforcementCase& c, Notification notification, const CaseOptions& options,
                    const WorkingCalendar& calendar, const std::string& actor, absl::Time now);

// NOTIFIED: the party stated its defence or waived (note 0-2000).
absl::Status RecordResponse(EnforcementCase& c, ResponseKind kind, const std::string& note,
                            const std::string& actor, absl::Time now);

// NOTIFIED -> HEARING_REQUESTED: refused without the right (CASE_NO_HEARING_RIGHT), after a
// waiver (CASE_HEARING_WAIVED) or after the 5 working days (CASE_HEARING_REQUEST_LATE).
absl::Status RequestHearing(EnforcementCase& c, absl::CivilDay request_day,
                            const std::string& actor, absl::Time now);

// HEARING_REQUESTED: the hearing notice went out on `notice_day` (from the request to today)
// for `hearing_day`, at least 7 working days later (CASE_HEARING_NOTICE); `presiding` must not be an investigator of the case
// (CASE_HEARING_PRESIDER).
absl::Status ScheduleHearing(EnforcementCase& c, absl::CivilDay notice_day,
                             absl::CivilDay hearing_day, const std::string& presiding,
                             const WorkingCalendar& calendar, const std::string& actor,
                             absl::Time now);

// HEARING_REQUESTED -> HEARING_HELD (held: scheduled and the day reached, record 1-2000) or
// -> NOTIFIED (no-show after scheduling, or withdrawn: the hearing is waived).
absl::Status RecordHearing(EnforcementCase& c, HearingOutcome outcome, const std::string& record,
                           const std::string& actor, absl::Time now);

// Marks the case as needing legal review and/or collective discussion (before a decision).
absl::Status FlagReviews(EnforcementCase& c, bool legal_review, bool collective_discussion,
                         const std::string& actor, absl::Time now);

// Records 法制审核 / 集体讨论 (UNDER_REVIEW, NOTIFIED, HEARING_HELD); conclusion 1-2000.
absl::Status RecordLegalReview(EnforcementCase& c, const std::string& conclusion,
                               const std::string& actor, absl::Time now);
absl::Status RecordCollectiveDiscussion(EnforcementCase& c, const std::string& conclusion,
                                        const std::string& actor, absl::Time now);

// Why legal review and collective discussion are required for `penalties` (empty: not
// required): explicit flags, a hearing held (legal review, art. 58 (2)), a major fine and
// the heavy kinds (options).
struct RequiredReviews {
  std::vector<std::string> legal_review;
  std::vector<std::string> collective_discussion;
};
RequiredReviews ReviewsRequired(const EnforcementCase& c, const std::vector<PenaltyItem>& penalties,
                                const CaseOptions& options);

// The decision (art. 57-59). Penalty: NOTIFIED | HEARING_HELD -> DECIDED; needs evidence
// (CASE_EVIDENCE), no pending hearing (CASE_HEARING_PENDING), the statement period over
// unless the party stated its defence or waived (CASE_STATEMENT_PERIOD), the hearing request
// period over unless waived (CASE_HEARING_PERIOD), the required reviews (CASE_LEGAL_REVIEW,
// CASE_COLLECTIVE_DISCUSSION), nothing heavier than notified (CASE_HEAVIER_THAN_NOTIFIED),
// and 1-20 correction orders (art. 28). No penalty: UNDER_REVIEW | NOTIFIED | HEARING_HELD
// -> NO_PENALTY with a reason; needs evidence and the explicitly flagged reviews.
absl::Status Decide(EnforcementCase& c, Decision decision, const CaseOptions& options,
                    const std::string& actor, absl::Time now);

// INVESTIGATING .. HEARING_HELD -> TRANSFERRED to the police (§4.7); needs evidence and a
// package of 1-20 documents (each 1-200 characters); the package is due at the police
// within kTransferSendDays.
absl::Status Transfer(EnforcementCase& c, CaseTransfer transfer, const std::string& actor,
                      absl::Time now);

// TRANSFERRED: the package reached the police on `day` (from the transfer to today) with
// their receipt (1-64); once only (CASE_TRANSFER_SENT).
absl::Status RecordTransferSent(EnforcementCase& c, absl::CivilDay day, const std::string& receipt,
                                const std::string& actor, absl::Time now);

// DECIDED -> SERVED on the day the party received the decision (not after today);
// electronic service needs the party's consent (CASE_SERVICE_CONSENT).
absl::Status Serve(EnforcementCase& c, Service service, const std::string& actor, absl::Time now);

// Whether the decision revokes the party's permits (吊销许可证件).
bool RevokesPermit(const EnforcementCase& c);
// Notes a permit the served decision revoked (SERVED), once.
absl::Status NotePermitRevoked(EnforcementCase& c, const std::string& permit_name,
                               const std::string& actor, absl::Time now);

// SERVED | EXECUTING -> EXECUTING: a payment (positive amount, day from service to today).
absl::Status RecordPayment(EnforcementCase& c, Payment payment, const std::string& actor,
                           absl::Time now);

// SERVED | EXECUTING -> EXECUTING: the court accepted the enforcement application.
absl::Status RecordCourtEnforcement(EnforcementCase& c, absl::CivilDay accepted_day,
                                    const std::string& actor, absl::Time now);

// -> CLOSED (结案) on a ground that holds: FULLY_PERFORMED (SERVED | EXECUTING, paid at
// least the fine plus `surcharge_fen` from case_clocks, else CASE_UNPAID), NO_EXECUTION_NEEDED
// (NO_PENALTY), TRANSFER_COMPLETED (TRANSFERRED, the package sent), COURT_ENFORCEMENT_ACCEPTED
// (recorded), DECISION_REVOKED (DECIDED | SERVED | EXECUTING, note 1-500 says by whom). Otherwise
// FAILED_PRECONDITION (CASE_CLOSURE_GROUND or CASE_UNPAID) naming what is missing.
absl::Status Close(EnforcementCase& c, ClosureGround ground, int64_t surcharge_fen,
                   const std::string& note, const std::string& actor, absl::Time now);

// CLOSED -> ARCHIVED (归档).
absl::Status Archive(EnforcementCase& c, const std::string& actor, absl::Time now);

}  // namespace ecocase::domain
