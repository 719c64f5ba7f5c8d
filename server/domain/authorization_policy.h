#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/principal.h"

namespace ecocase::domain {

// Everything a caller can ask for, one per RPC that needs a signed-in user. Which
// objects an allowed role may touch is then decided by its jurisdiction, as a predicate in
// the repository query (absent and out of scope are the same NOT_FOUND).
enum class Action {
  kWhoAmI,
  kLogout,
  kCreateUser,
  kGetUser,
  kListUsers,
  kUpdateUser,
  kDisableUser,
  kEnableUser,
  kResetPassword,
  kListAuditRecords,
  kVerifyAuditChain,
  // Enterprises, outlets, devices.
  kCreateEnterprise,
  kGetEnterprise,
  kListEnterprises,
  kUpdateEnterprise,
  kCreateOutlet,
  kGetOutlet,
  kListOutlets,
  kUpdateOutlet,
  kBindDevice,
  kUnbindDevice,
  // Permits.
  kCreatePermit,
  kGetPermit,
  kListPermits,
  kUpdatePermit,
  kIssuePermit,
  kChangePermit,
  kRenewPermit,
  kRevokePermit,
  kCancelPermit,
  kImportPermit,
  kListPermitVersions,
  kGetLimitInForce,
  kGetPermitStatus,
  kListExpiringPermits,
  kIngestReadings,
  kStreamReadings,
  kListReadings,
  // Rectification tasks.
  kIssueTask,
  kGetTask,
  kListTasks,
  kAcknowledgeTask,
  kSubmitRectification,
  kRecordReinspection,
  kRejectRectification,
  kRequestExtension,
  kDecideExtension,
  kCancelTask,
  // The alert feed.
  kListAlerts,
  kWatchAlerts,
  // Data marks (自主标记).
  kCreateDataMark,
  kGetDataMark,
  kListDataMarks,
  kReviewDataMark,
  kWithdrawDataMark,
  // Incidents of the exceedance evaluation.
  kGetIncident,
  kListIncidents,
  kExplainIncident,
  // Hotline complaints.
  kCreateComplaint,
  kGetComplaint,
  kListComplaints,
  kRevealReporter,
  kAcceptComplaint,
  kRejectComplaint,
  kDispatchComplaint,
  kRerouteComplaint,
  kRouteOutComplaint,
  kRecordFindings,
  kReplyComplaint,
  kRecordRevisit,
  kCloseComplaint,
  kExtendComplaint,
  kMergeComplaint,
  kSuggestDuplicates,
  kGetSlaPolicy,
  kGetHolidayCalendar,
  // Enforcement cases.
  kOpenCase,
  kGetCase,
  kListCases,
  kListCaseCandidates,
  kAssignCaseOfficer,
  kRecuseCaseOfficer,
  kFileCase,
  kNotFileCase,
  kStartInvestigation,
  kAttachCaseEvidence,
  kSubmitForReview,
  kReturnForInvestigation,
  kNotifyParty,
  kRecordPartyResponse,
  kRequestHearing,
  kScheduleHearing,
  kRecordHearing,
  kFlagReviews,
  kRecordLegalReview,
  kRecordCollectiveDiscussion,
  kDecideCase,
  kTransferCase,
  kServeDecision,
  kRecordCasePayment,
  kRecordCourtEnforcement,
  kCloseCase,
  kArchiveCase,
  kPauseDecisionClock,
  kResumeDecisionClock,
  kExtendDecisionClock,
  kImposeMeasure,
  kExtendMeasure,
  kLiftMeasure,
  kGetDailyPenalty,
  kRecordTransferSent,
  // Evidence (issue 10).
  kStartEvidenceUpload,
  kUploadEvidence,
  kGetEvidenceUpload,
  kAbandonEvidenceUpload,
  kGetEvidence,
  kListEvidence,
  kDownloadEvidence,
  // Inspection records (issue 10).
  kCreateInspectionRecord,
  kGetInspectionRecord,
  kListInspectionRecords,
  kUpdateInspectionRecord,
  kAttachInspectionEvidence,
  kSignInspectionRecord,
  kCorrectInspectionRecord,
  kRenderInspectionRecord,
};

// Every action, for tests that walk the table.
const std::vector<Action>& AllActions();
absl::string_view ActionName(Action action);

// The policy table: whether `role` may ever perform `action`.
bool IsAllowed(Role role, Action action);

// OK, or PERMISSION_DENIED naming the role and action.
absl::Status CheckAllowed(const Principal& principal, Action action);

}  // namespace ecocase::domain
