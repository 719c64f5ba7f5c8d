// The policy table checked against expectations written out separately, role by role, so
// a change to either has to be made deliberately in both.
#include "domain/authorization_policy.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace ecocase::domain {
namespace {

// Literal expectations: who may do what. A = admin, S = supervisor, O = officer,
// H = hotline operator, E = enterprise, T = station, I = integration.
const std::map<std::string, std::string> kExpected = {
    {"WhoAmI", "ASOHETI"},
    {"Logout", "ASOHETI"},
    {"CreateUser", "A"},
    {"GetUser", "ASE"},
    {"ListUsers", "ASE"},
    {"UpdateUser", "A"},
    {"DisableUser", "A"},
    {"EnableUser", "A"},
    {"ResetPassword", "A"},
    {"ListAuditRecords", "AS"},
    {"VerifyAuditChain", "AS"},
    {"CreateEnterprise", "AOI"},
    {"GetEnterprise", "ASOHEI"},
    {"ListEnterprises", "ASOHEI"},
    {"UpdateEnterprise", "AO"},
    {"CreateOutlet", "AOI"},
    {"GetOutlet", "ASOHEI"},
    {"ListOutlets", "ASOHEI"},
    {"UpdateOutlet", "AOI"},
    {"BindDevice", "AOI"},
    {"UnbindDevice", "AOI"},
    {"CreatePermit", "OS"},
    {"GetPermit", "ASOEI"},
    {"ListPermits", "ASOEI"},
    {"UpdatePermit", "OS"},
    {"IssuePermit", "S"},
    {"ChangePermit", "S"},
    {"RenewPermit", "S"},
    {"RevokePermit", "S"},
    {"CancelPermit", "S"},
    {"ImportPermit", "I"},
    {"ListPermitVersions", "ASOEI"},
    {"GetLimitInForce", "ASOEI"},
    {"GetPermitStatus", "ASOE"},
    {"ListExpiringPermits", "ASO"},
    {"IngestReadings", "T"},
    {"StreamReadings", "T"},
    {"ListReadings", "ASOHE"},
    {"IssueTask", "OSI"},
    {"GetTask", "ASOHE"},
    {"ListTasks", "ASOHE"},
    {"AcknowledgeTask", "E"},
    {"SubmitRectification", "E"},
    {"RecordReinspection", "O"},
    {"RejectRectification", "O"},
    {"RequestExtension", "E"},
    {"DecideExtension", "S"},
    {"CancelTask", "OS"},
    {"ListAlerts", "ASOHE"},
    {"WatchAlerts", "ASOHE"},
    {"CreateDataMark", "E"},
    {"GetDataMark", "ASOHE"},
    {"ListDataMarks", "ASOHE"},
    {"ReviewDataMark", "OS"},
    {"WithdrawDataMark", "E"},
    {"GetIncident", "ASOHE"},
    {"ListIncidents", "ASOHE"},
    {"ExplainIncident", "E"},
    {"CreateComplaint", "HI"},
    {"GetComplaint", "ASOH"},
    {"ListComplaints", "ASOH"},
    {"RevealReporter", "H"},
    {"AcceptComplaint", "SH"},
    {"RejectComplaint", "SH"},
    {"DispatchComplaint", "SH"},
    {"RerouteComplaint", "SH"},
    {"RouteOutComplaint", "SH"},
    {"RecordFindings", "SO"},
    {"ReplyComplaint", "SH"},
    {"RecordRevisit", "H"},
    {"CloseComplaint", "SH"},
    {"ExtendComplaint", "S"},
    {"MergeComplaint", "SH"},
    {"SuggestDuplicates", "ASOH"},
    {"GetSlaPolicy", "ASOHETI"},
    {"GetHolidayCalendar", "ASOHETI"},
    {"OpenCase", "SO"},
    {"GetCase", "ASOE"},
    {"ListCases", "ASOE"},
    {"ListCaseCandidates", "ASO"},
    {"AssignCaseOfficer", "S"},
    {"RecuseCaseOfficer", "S"},
    {"FileCase", "S"},
    {"NotFileCase", "S"},
    {"StartInvestigation", "SO"},
    {"AttachCaseEvidence", "SO"},
    {"SubmitForReview", "SO"},
    {"ReturnForInvestigation", "S"},
    {"NotifyParty", "SO"},
    {"RecordPartyResponse", "SO"},
    {"RequestHearing", "SO"},
    {"ScheduleHearing", "SO"},
    {"RecordHearing", "SO"},
    {"FlagReviews", "S"},
    {"RecordLegalReview", "S"},
    {"RecordCollectiveDiscussion", "S"},
    {"DecideCase", "S"},
    {"TransferCase", "S"},
    {"ServeDecision", "SO"},
    {"RecordPayment", "SO"},
    {"RecordCourtEnforcement", "SO"},
    {"CloseCase", "S"},
    {"ArchiveCase", "SO"},
    {"PauseDecisionClock", "SO"},
    {"ResumeDecisionClock", "SO"},
    {"ExtendDecisionClock", "S"},
    {"ImposeMeasure", "SO"},
    {"ExtendMeasure", "S"},
    {"LiftMeasure", "SO"},
    {"GetDailyPenalty", "ASO"},
    {"RecordTransferSent", "SO"},
    {"StartEvidenceUpload", "SOE"},
    {"UploadEvidence", "SOE"},
    {"GetEvidenceUpload", "SOE"},
    {"AbandonEvidenceUpload", "SOE"},
    {"GetEvidence", "ASOE"},
    {"ListEvidence", "ASOE"},
    {"DownloadEvidence", "ASOE"},
    {"CreateInspectionRecord", "SO"},
    {"GetInspectionRecord", "ASO"},
    {"ListInspectionRecords", "ASO"},
    {"UpdateInspectionRecord", "SO"},
    {"AttachInspectionEvidence", "SO"},
    {"SignInspectionRecord", "SO"},
    {"CorrectInspectionRecord", "SO"},
    {"RenderInspectionRecord", "ASO"},
};

const std::map<char, Role> kLetters = {
    {'A', Role::kAdmin},          {'S', Role::kSupervisor}, {'O', Role::kOfficer},
    {'H', Role::kHotlineOperator}, {'E', Role::kEnterprise}, {'T', Role::kStation},
    {'I', Role::kIntegration},
};

TEST(AuthorizationPolicyTest, EveryActionMatchesTheLiteralExpectations) {
  std::set<std::string> covered;
  for (Action action : AllActions()) {
    std::string name(ActionName(action));
    SCOPED_TRACE(name);
    auto it = kExpected.find(name);
    ASSERT_NE(it, kExpected.end()) << "add " << name << " to kExpected";
    covered.insert(name);
    for (const auto& [letter, role] : kLetters) {
      bool expected = it->second.find(letter) != std::string::npos;
      EXPECT_EQ(IsAllowed(role, action), expected) << "role " << RoleName(role);
    }
    EXPECT_FALSE(IsAllowed(Role::kUnspecified, action));
  }
  EXPECT_EQ(covered.size(), kExpected.size()) << "kExpected names an action the policy lacks";
}

TEST(AuthorizationPolicyTest, DeniedRoleGetsPermissionDeniedNamingRoleAndAction) {
  Principal station;
  station.role = Role::kStation;
  absl::Status s = CheckAllowed(station, Action::kCreateUser);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role STATION may not CreateUser");
}

TEST(JurisdictionTest, CityCodesCoverTheirDistricts) {
  EXPECT_TRUE(CodeCovers("410800", "410802"));
  EXPECT_TRUE(CodeCovers("410800", "410800"));
  EXPECT_TRUE(CodeCovers("410000", "410883"));
  EXPECT_TRUE(CodeCovers("410802", "410802"));
  EXPECT_FALSE(CodeCovers("410802", "410803"));
  EXPECT_FALSE(CodeCovers("410800", "410902"));
  EXPECT_FALSE(CodeCovers("41080", "410802"));
  EXPECT_FALSE(CodeCovers("4108xx", "410802"));
  Jurisdiction j{{"410802", "410821"}, ""};
  EXPECT_TRUE(JurisdictionCovers(j, "410821"));
  EXPECT_FALSE(JurisdictionCovers(j, "410800"));
}

}  // namespace
}  // namespace ecocase::domain
