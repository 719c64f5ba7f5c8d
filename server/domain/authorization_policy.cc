#include "domain/authorization_policy.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace ecocase::domain {
namespace {

constexpr uint32_t Bit(Role role) { return 1u << static_cast<int>(role); }

constexpr uint32_t kAnyone = Bit(Role::kAdmin) | Bit(Role::kSupervisor) | Bit(Role::kOfficer) |
                             Bit(Role::kHotlineOperator) | Bit(Role::kEnterprise) |
                             Bit(Role::kStation) | Bit(Role::kIntegration);
constexpr uint32_t kAdmin = Bit(Role::kAdmin);
constexpr uint32_t kSupervisor = Bit(Role::kSupervisor);
constexpr uint32_t kOfficer = Bit(Role::kOfficer);
constexpr uint32_t kEnterprise = Bit(Role::kEnterprise);
constexpr uint32_t kIntegration = Bit(Role::kIntegration);
constexpr uint32_t kHotline = Bit(Role::kHotlineOperator);
// Bureau staff who look things up.
constexpr uint32_t kStaff = kAdmin | kSupervisor | kOfficer | Bit(Role::kHotlineOperator);
// Who reads cases: staff but the hotline, and the party itself (once notified).
constexpr uint32_t kCaseReaders = kAdmin | kSupervisor | kOfficer | kEnterprise;
// Who reads permits: staff but the hotline, the enterprise itself, and imports.
constexpr uint32_t kReaders = kAdmin | kSupervisor | kOfficer | kEnterprise | kIntegration;

struct Grant {
  Action action;
  absl::string_view name;
  uint32_t roles;
};

// The one policy table (architecture §5). Refined by each capability's issue.
constexpr Grant kPolicy[] = {
    {Action::kWhoAmI, "WhoAmI", kAnyone},
    {Action::kLogout, "Logout", kAnyone},
    // User administration is the ADMIN's; supervisors and enterprises may look users up
    // within their scope (an enterprise sees its own accounts).
    {Action::kCreateUser, "CreateUser", kAdmin},
    {Action::kGetUser, "GetUser", kAdmin | kSupervisor | kEnterprise},
    {Action::kListUsers, "ListUsers", kAdmin | kSupervisor | kEnterprise},
    {Action::kUpdateUser, "UpdateUser", kAdmin},
    {Action::kDisableUser, "DisableUser", kAdmin},
    {Action::kEnableUser, "EnableUser", kAdmin},
    {Action::kResetPassword, "ResetPassword", kAdmin},
    // The audit trail is read by those who answer for the bureau's records.
    {Action::kListAuditRecords, "ListAuditRecords", kAdmin | kSupervisor},
    {Action::kVerifyAuditChain, "VerifyAuditChain", kAdmin | kSupervisor},
    // The registry: officers keep their districts' enterprises current; integration
    // accounts register what they import; the hotline looks enterprises up to route
    // complaints; an enterprise reads its own.
    {Action::kCreateEnterprise, "CreateEnterprise", kAdmin | kOfficer | kIntegration},
    {Action::kGetEnterprise, "GetEnterprise", kStaff | kEnterprise | kIntegration},
    {Action::kListEnterprises, "ListEnterprises", kStaff | kEnterprise | kIntegration},
    {Action::kUpdateEnterprise, "UpdateEnterprise", kAdmin | kOfficer},
    {Action::kCreateOutlet, "CreateOutlet", kAdmin | kOfficer | kIntegration},
    {Action::kGetOutlet, "GetOutlet", kStaff | kEnterprise | kIntegration},
    {Action::kListOutlets, "ListOutlets", kStaff | kEnterprise | kIntegration},
    {Action::kUpdateOutlet, "UpdateOutlet", kAdmin | kOfficer | kIntegration},
    {Action::kBindDevice, "BindDevice", kAdmin | kOfficer | kIntegration},
    {Action::kUnbindDevice, "UnbindDevice", kAdmin | kOfficer | kIntegration},
    // Permits: officers prepare drafts; putting a permit in force, changing, renewing,
    // revoking or cancelling it is a decision of the bureau, taken by supervisors.
    {Action::kCreatePermit, "CreatePermit", kOfficer | kSupervisor},
    {Action::kGetPermit, "GetPermit", kReaders},
    {Action::kListPermits, "ListPermits", kReaders},
    {Action::kUpdatePermit, "UpdatePermit", kOfficer | kSupervisor},
    {Action::kIssuePermit, "IssuePermit", kSupervisor},
    {Action::kChangePermit, "ChangePermit", kSupervisor},
    {Action::kRenewPermit, "RenewPermit", kSupervisor},
    {Action::kRevokePermit, "RevokePermit", kSupervisor},
    {Action::kCancelPermit, "CancelPermit", kSupervisor},
    {Action::kImportPermit, "ImportPermit", kIntegration},
    {Action::kListPermitVersions, "ListPermitVersions", kReaders},
    {Action::kGetLimitInForce, "GetLimitInForce", kReaders},
    {Action::kGetPermitStatus, "GetPermitStatus", kAdmin | kSupervisor | kOfficer | kEnterprise},
    {Action::kListExpiringPermits, "ListExpiringPermits", kAdmin | kSupervisor | kOfficer},
    // Monitoring: only stations (and collectors signed in as STATION) send readings, each
    // for the devices on its account; readings are read like the registry they belong to.
    {Action::kIngestReadings, "IngestReadings", Bit(Role::kStation)},
    {Action::kStreamReadings, "StreamReadings", Bit(Role::kStation)},
    {Action::kListReadings, "ListReadings", kStaff | kEnterprise},
    // Rectification tasks: officers (and integrations, for system findings) issue them;
    // only the enterprise acknowledges, reports and asks for time on its own tasks;
    // officers re-inspect and send reports back; a supervisor decides extensions.
    {Action::kIssueTask, "IssueTask", kOfficer | kSupervisor | kIntegration},
    {Action::kGetTask, "GetTask", kStaff | kEnterprise},
    {Action::kListTasks, "ListTasks", kStaff | kEnterprise},
    {Action::kAcknowledgeTask, "AcknowledgeTask", kEnterprise},
    {Action::kSubmitRectification, "SubmitRectification", kEnterprise},
    {Action::kRecordReinspection, "RecordReinspection", kOfficer},
    {Action::kRejectRectification, "RejectRectification", kOfficer},
    {Action::kRequestExtension, "RequestExtension", kEnterprise},
    {Action::kDecideExtension, "DecideExtension", kSupervisor},
    {Action::kCancelTask, "CancelTask", kOfficer | kSupervisor},
    // The alert feed is read like the incidents and tasks it announces: staff in their
    // jurisdiction, an enterprise its own; not stations or integrations.
    {Action::kListAlerts, "ListAlerts", kStaff | kEnterprise},
    {Action::kWatchAlerts, "WatchAlerts", kStaff | kEnterprise},
    // Data marks: only the enterprise marks (and takes back) periods of its own outlets;
    // officers and supervisors of its district accept or reject them.
    {Action::kCreateDataMark, "CreateDataMark", kEnterprise},
    {Action::kGetDataMark, "GetDataMark", kStaff | kEnterprise},
    {Action::kListDataMarks, "ListDataMarks", kStaff | kEnterprise},
    {Action::kReviewDataMark, "ReviewDataMark", kOfficer | kSupervisor},
    {Action::kWithdrawDataMark, "WithdrawDataMark", kEnterprise},
    // Incidents are read like tasks; only the enterprise explains its own.
    {Action::kGetIncident, "GetIncident", kStaff | kEnterprise},
    {Action::kListIncidents, "ListIncidents", kStaff | kEnterprise},
    {Action::kExplainIncident, "ExplainIncident", kEnterprise},
    // Hotline complaints: the hotline takes them in, decides acceptance, routes, replies
    // and revisits; officers find the facts; a supervisor may do any of the routing and
    // alone approves an extension. Reporters are protected from the reported unit
    // (环境保护法 art. 57): enterprises read no complaint, and only the hotline reads a
    // reporter's identity in clear.
    {Action::kCreateComplaint, "CreateComplaint", kHotline | kIntegration},
    {Action::kGetComplaint, "GetComplaint", kStaff},
    {Action::kListComplaints, "ListComplaints", kStaff},
    {Action::kRevealReporter, "RevealReporter", kHotline},
    {Action::kAcceptComplaint, "AcceptComplaint", kHotline | kSupervisor},
    {Action::kRejectComplaint, "RejectComplaint", kHotline | kSupervisor},
    {Action::kDispatchComplaint, "DispatchComplaint", kHotline | kSupervisor},
    {Action::kRerouteComplaint, "RerouteComplaint", kHotline | kSupervisor},
    {Action::kRouteOutComplaint, "RouteOutComplaint", kHotline | kSupervisor},
    {Action::kRecordFindings, "RecordFindings", kOfficer | kSupervisor},
    {Action::kReplyComplaint, "ReplyComplaint", kHotline | kSupervisor},
    {Action::kRecordRevisit, "RecordRevisit", kHotline},
    {Action::kCloseComplaint, "CloseComplaint", kHotline | kSupervisor},
    {Action::kExtendComplaint, "ExtendComplaint", kSupervisor},
    {Action::kMergeComplaint, "MergeComplaint", kHotline | kSupervisor},
    {Action::kSuggestDuplicates, "SuggestDuplicates", kStaff},
    {Action::kGetSlaPolicy, "GetSlaPolicy", kAnyone},
    {Action::kGetHolidayCalendar, "GetHolidayCalendar", kAnyone},
    // Enforcement cases: officers investigate and carry the procedure; the bureau's
    // decisions (officers, filing, review, the decision, transfer, closure, extensions) are
    // a supervisor's (负责人). The party reads its own cases once notified.
    {Action::kOpenCase, "OpenCase", kOfficer | kSupervisor},
    {Action::kGetCase, "GetCase", kCaseReaders},
    {Action::kListCases, "ListCases", kCaseReaders},
    {Action::kListCaseCandidates, "ListCaseCandidates", kAdmin | kSupervisor | kOfficer},
    {Action::kAssignCaseOfficer, "AssignCaseOfficer", kSupervisor},
    {Action::kRecuseCaseOfficer, "RecuseCaseOfficer", kSupervisor},
    {Action::kFileCase, "FileCase", kSupervisor},
    {Action::kNotFileCase, "NotFileCase", kSupervisor},
    {Action::kStartInvestigation, "StartInvestigation", kOfficer | kSupervisor},
    {Action::kAttachCaseEvidence, "AttachCaseEvidence", kOfficer | kSupervisor},
    {Action::kSubmitForReview, "SubmitForReview", kOfficer | kSupervisor},
    {Action::kReturnForInvestigation, "ReturnForInvestigation", kSupervisor},
    {Action::kNotifyParty, "NotifyParty", kOfficer | kSupervisor},
    {Action::kRecordPartyResponse, "RecordPartyResponse", kOfficer | kSupervisor},
    {Action::kRequestHearing, "RequestHearing", kOfficer | kSupervisor},
    {Action::kScheduleHearing, "ScheduleHearing", kOfficer | kSupervisor},
    {Action::kRecordHearing, "RecordHearing", kOfficer | kSupervisor},
    {Action::kFlagReviews, "FlagReviews", kSupervisor},
    {Action::kRecordLegalReview, "RecordLegalReview", kSupervisor},
    {Action::kRecordCollectiveDiscussion, "RecordCollectiveDiscussion", kSupervisor},
    {Action::kDecideCase, "DecideCase", kSupervisor},
    {Action::kTransferCase, "TransferCase", kSupervisor},
    {Action::kServeDecision, "ServeDecision", kOfficer | kSupervisor},
    {Action::kRecordCasePayment, "RecordPayment", kOfficer | kSupervisor},
    {Action::kRecordCourtEnforcement, "RecordCourtEnforcement", kOfficer | kSupervisor},
    {Action::kCloseCase, "CloseCase", kSupervisor},
    {Action::kArchiveCase, "ArchiveCase", kOfficer | kSupervisor},
    {Action::kPauseDecisionClock, "PauseDecisionClock", kOfficer | kSupervisor},
    {Action::kResumeDecisionClock, "ResumeDecisionClock", kOfficer | kSupervisor},
    {Action::kExtendDecisionClock, "ExtendDecisionClock", kSupervisor},
    {Action::kImposeMeasure, "ImposeMeasure", kOfficer | kSupervisor},
    {Action::kExtendMeasure, "ExtendMeasure", kSupervisor},
    {Action::kLiftMeasure, "LiftMeasure", kOfficer | kSupervisor},
    {Action::kGetDailyPenalty, "GetDailyPenalty", kAdmin | kSupervisor | kOfficer},
    {Action::kRecordTransferSent, "RecordTransferSent", kOfficer | kSupervisor},
    // Officers capture evidence for their cases, inspections and tasks; an enterprise
    // uploads proof of rectification to its own tasks and reads its own cases' evidence
    // once notified (the service checks the parent).
    {Action::kStartEvidenceUpload, "StartEvidenceUpload", kOfficer | kSupervisor | kEnterprise},
    {Action::kUploadEvidence, "UploadEvidence", kOfficer | kSupervisor | kEnterprise},
    {Action::kGetEvidenceUpload, "GetEvidenceUpload", kOfficer | kSupervisor | kEnterprise},
    {Action::kAbandonEvidenceUpload, "AbandonEvidenceUpload",
     kOfficer | kSupervisor | kEnterprise},
    {Action::kGetEvidence, "GetEvidence", kCaseReaders},
    {Action::kListEvidence, "ListEvidence", kCaseReaders},
    {Action::kDownloadEvidence, "DownloadEvidence", kCaseReaders},
    // Inspection records are the officers' own work; they reach the party through a case.
    {Action::kCreateInspectionRecord, "CreateInspectionRecord", kOfficer | kSupervisor},
    {Action::kGetInspectionRecord, "GetInspectionRecord", kAdmin | kSupervisor | kOfficer},
    {Action::kListInspectionRecords, "ListInspectionRecords", kAdmin | kSupervisor | kOfficer},
    {Action::kUpdateInspectionRecord, "UpdateInspectionRecord", kOfficer | kSupervisor},
    {Action::kAttachInspectionEvidence, "AttachInspectionEvidence", kOfficer | kSupervisor},
    {Action::kSignInspectionRecord, "SignInspectionRecord", kOfficer | kSupervisor},
    {Action::kCorrectInspectionRecord, "CorrectInspectionRecord", kOfficer | kSupervisor},
    {Action::kRenderInspectionRecord, "RenderInspectionRecord", kAdmin | kSupervisor | kOfficer},
};

const Grant* FindGrant(Action action) {
  for (const Grant& g : kPolicy) {
    if (g.action == action) return &g;
  }
  return nullptr;
}

}  // namespace

const std::vector<Action>& AllActions() {
  static const auto* actions = [] {
    auto* v = new std::vector<Action>();
    for (const Grant& g : kPolicy) v->push_back(g.action);
    return v;
  }();
  return *actions;
}

absl::string_view ActionName(Action action) {
  const Grant* g = FindGrant(action);
  return g == nullptr ? "Unknown" : g->name;
}

bool IsAllowed(Role role, Action action) {
  const Grant* g = FindGrant(action);
  return g != nullptr && role != Role::kUnspecified && (g->roles & Bit(role)) != 0;
}

absl::Status CheckAllowed(const Principal& principal, Action action) {
  if (IsAllowed(principal.role, action)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("role ", RoleName(principal.role),
                                                  " may not ", ActionName(action)));
}

}  // namespace ecocase::domain
