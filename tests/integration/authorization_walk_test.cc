// Walks every RPC the server registers (found through server reflection, so a new service
// cannot be forgotten) and proves each one refuses a call without a token and a call from
// a role the literal table below does not allow.
#include <grpcpp/generic/generic_stub.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "testing/test_app.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;

// Methods anyone may call without signing in.
const std::set<std::string> kPublic = {
    "/ecocase.v1.AuthService/Login",
    "/ecocase.v1.AuthService/RefreshToken",
    "/ecocase.v1.SystemService/GetServerInfo",
    "/ecocase.v1.PermitService/GetPublicPermit",
    "/ecocase.v1.CaseService/ListPublicDecisions",
};

// Who may call what, written out independently of the policy table. Letters: A admin,
// S supervisor, O officer, H hotline operator, E enterprise, T station, I integration.
const std::map<std::string, std::string> kAllowed = {
    {"/ecocase.v1.AuthService/Logout", "ASOHETI"},
    {"/ecocase.v1.AuthService/WhoAmI", "ASOHETI"},
    {"/ecocase.v1.AuthService/CreateUser", "A"},
    {"/ecocase.v1.AuthService/GetUser", "ASE"},
    {"/ecocase.v1.AuthService/ListUsers", "ASE"},
    {"/ecocase.v1.AuthService/UpdateUser", "A"},
    {"/ecocase.v1.AuthService/DisableUser", "A"},
    {"/ecocase.v1.AuthService/EnableUser", "A"},
    {"/ecocase.v1.AuthService/ResetPassword", "A"},
    {"/ecocase.v1.AuditService/ListAuditRecords", "AS"},
    {"/ecocase.v1.AuditService/VerifyAuditChain", "AS"},
    {"/ecocase.v1.EnterpriseService/CreateEnterprise", "AOI"},
    {"/ecocase.v1.EnterpriseService/GetEnterprise", "ASOHEI"},
    {"/ecocase.v1.EnterpriseService/ListEnterprises", "ASOHEI"},
    {"/ecocase.v1.EnterpriseService/UpdateEnterprise", "AO"},
    {"/ecocase.v1.EnterpriseService/CreateOutlet", "AOI"},
    {"/ecocase.v1.EnterpriseService/GetOutlet", "ASOHEI"},
    {"/ecocase.v1.EnterpriseService/ListOutlets", "ASOHEI"},
    {"/ecocase.v1.EnterpriseService/UpdateOutlet", "AOI"},
    {"/ecocase.v1.EnterpriseService/BindDevice", "AOI"},
    {"/ecocase.v1.EnterpriseService/UnbindDevice", "AOI"},
    {"/ecocase.v1.PermitService/CreatePermit", "OS"},
    {"/ecocase.v1.PermitService/GetPermit", "ASOEI"},
    {"/ecocase.v1.PermitService/ListPermits", "ASOEI"},
    {"/ecocase.v1.PermitService/UpdatePermit", "OS"},
    {"/ecocase.v1.PermitService/IssuePermit", "S"},
    {"/ecocase.v1.PermitService/ChangePermit", "S"},
    {"/ecocase.v1.PermitService/RenewPermit", "S"},
    {"/ecocase.v1.PermitService/RevokePermit", "S"},
    {"/ecocase.v1.PermitService/CancelPermit", "S"},
    {"/ecocase.v1.PermitService/ImportPermit", "I"},
    {"/ecocase.v1.PermitService/ListPermitVersions", "ASOEI"},
    {"/ecocase.v1.PermitService/GetLimitInForce", "ASOEI"},
    {"/ecocase.v1.PermitService/GetPermitStatus", "ASOE"},
    {"/ecocase.v1.PermitService/ListExpiringPermits", "ASO"},
    {"/ecocase.v1.MonitoringService/IngestReadings", "T"},
    {"/ecocase.v1.MonitoringService/StreamReadings", "T"},
    {"/ecocase.v1.MonitoringService/ListReadings", "ASOHE"},
    {"/ecocase.v1.TaskService/IssueTask", "OSI"},
    {"/ecocase.v1.TaskService/GetTask", "ASOHE"},
    {"/ecocase.v1.TaskService/ListTasks", "ASOHE"},
    {"/ecocase.v1.TaskService/AcknowledgeTask", "E"},
    {"/ecocase.v1.TaskService/SubmitRectification", "E"},
    {"/ecocase.v1.TaskService/RecordReinspection", "O"},
    {"/ecocase.v1.TaskService/RejectRectification", "O"},
    {"/ecocase.v1.TaskService/RequestExtension", "E"},
    {"/ecocase.v1.TaskService/DecideExtension", "S"},
    {"/ecocase.v1.TaskService/CancelTask", "OS"},
    {"/ecocase.v1.AlertService/ListAlerts", "ASOHE"},
    {"/ecocase.v1.AlertService/WatchAlerts", "ASOHE"},
    {"/ecocase.v1.DataMarkService/CreateDataMark", "E"},
    {"/ecocase.v1.DataMarkService/GetDataMark", "ASOHE"},
    {"/ecocase.v1.DataMarkService/ListDataMarks", "ASOHE"},
    {"/ecocase.v1.DataMarkService/ReviewDataMark", "OS"},
    {"/ecocase.v1.DataMarkService/WithdrawDataMark", "E"},
    {"/ecocase.v1.IncidentService/GetIncident", "ASOHE"},
    {"/ecocase.v1.IncidentService/ListIncidents", "ASOHE"},
    {"/ecocase.v1.IncidentService/ExplainIncident", "E"},
    {"/ecocase.v1.ComplaintService/CreateComplaint", "HI"},
    {"/ecocase.v1.ComplaintService/GetComplaint", "ASOH"},
    {"/ecocase.v1.ComplaintService/ListComplaints", "ASOH"},
    {"/ecocase.v1.ComplaintService/RevealReporter", "H"},
    {"/ecocase.v1.ComplaintService/AcceptComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/RejectComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/DispatchComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/RerouteComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/RouteOutComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/RecordFindings", "SO"},
    {"/ecocase.v1.ComplaintService/ReplyComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/RecordRevisit", "H"},
    {"/ecocase.v1.ComplaintService/CloseComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/ExtendComplaint", "S"},
    {"/ecocase.v1.ComplaintService/MergeComplaint", "SH"},
    {"/ecocase.v1.ComplaintService/SuggestDuplicates", "ASOH"},
    {"/ecocase.v1.ComplaintService/GetSlaPolicy", "ASOHETI"},
    {"/ecocase.v1.ComplaintService/GetHolidayCalendar", "ASOHETI"},
    {"/ecocase.v1.CaseService/OpenCase", "SO"},
    {"/ecocase.v1.CaseService/GetCase", "ASOE"},
    {"/ecocase.v1.CaseService/ListCases", "ASOE"},
    {"/ecocase.v1.CaseService/ListCaseCandidates", "ASO"},
    {"/ecocase.v1.CaseService/AssignCaseOfficer", "S"},
    {"/ecocase.v1.CaseService/RecuseCaseOfficer", "S"},
    {"/ecocase.v1.CaseService/FileCase", "S"},
    {"/ecocase.v1.CaseService/NotFileCase", "S"},
    {"/ecocase.v1.CaseService/StartInvestigation", "SO"},
    {"/ecocase.v1.CaseService/AttachCaseEvidence", "SO"},
    {"/ecocase.v1.CaseService/SubmitForReview", "SO"},
    {"/ecocase.v1.CaseService/ReturnForInvestigation", "S"},
    {"/ecocase.v1.CaseService/NotifyParty", "SO"},
    {"/ecocase.v1.CaseService/RecordPartyResponse", "SO"},
    {"/ecocase.v1.CaseService/RequestHearing", "SO"},
    {"/ecocase.v1.CaseService/ScheduleHearing", "SO"},
    {"/ecocase.v1.CaseService/RecordHearing", "SO"},
    {"/ecocase.v1.CaseService/FlagReviews", "S"},
    {"/ecocase.v1.CaseService/RecordLegalReview", "S"},
    {"/ecocase.v1.CaseService/RecordCollectiveDiscussion", "S"},
    {"/ecocase.v1.CaseService/DecideCase", "S"},
    {"/ecocase.v1.CaseService/TransferCase", "S"},
    {"/ecocase.v1.CaseService/ServeDecision", "SO"},
    {"/ecocase.v1.CaseService/RecordPayment", "SO"},
    {"/ecocase.v1.CaseService/RecordCourtEnforcement", "SO"},
    {"/ecocase.v1.CaseService/CloseCase", "S"},
    {"/ecocase.v1.CaseService/ArchiveCase", "SO"},
    {"/ecocase.v1.CaseService/PauseDecisionClock", "SO"},
    {"/ecocase.v1.CaseService/ResumeDecisionClock", "SO"},
    {"/ecocase.v1.CaseService/ExtendDecisionClock", "S"},
    {"/ecocase.v1.CaseService/ImposeMeasure", "SO"},
    {"/ecocase.v1.CaseService/ExtendMeasure", "S"},
    {"/ecocase.v1.CaseService/LiftMeasure", "SO"},
    {"/ecocase.v1.CaseService/GetDailyPenalty", "ASO"},
    {"/ecocase.v1.CaseService/RecordTransferSent", "SO"},
    {"/ecocase.v1.EvidenceService/StartEvidenceUpload", "SOE"},
    {"/ecocase.v1.EvidenceService/UploadEvidence", "SOE"},
    {"/ecocase.v1.EvidenceService/GetEvidenceUpload", "SOE"},
    {"/ecocase.v1.EvidenceService/AbandonEvidenceUpload", "SOE"},
    {"/ecocase.v1.EvidenceService/GetEvidence", "ASOE"},
    {"/ecocase.v1.EvidenceService/ListEvidence", "ASOE"},
    {"/ecocase.v1.EvidenceService/DownloadEvidence", "ASOE"},
    {"/ecocase.v1.InspectionService/CreateInspectionRecord", "SO"},
    {"/ecocase.v1.InspectionService/GetInspectionRecord", "ASO"},
    {"/ecocase.v1.InspectionService/ListInspectionRecords", "ASO"},
    {"/ecocase.v1.InspectionService/UpdateInspectionRecord", "SO"},
    {"/ecocase.v1.InspectionService/AttachInspectionEvidence", "SO"},
    {"/ecocase.v1.InspectionService/SignInspectionRecord", "SO"},
    {"/ecocase.v1.InspectionService/CorrectInspectionRecord", "SO"},
    {"/ecocase.v1.InspectionService/RenderInspectionRecord", "ASO"},
};

// Sends an empty request to `method` with `token` (none when empty).
grpc::StatusCode CallEmpty(grpc::GenericStub& stub, const std::string& method,
                           const std::string& token) {
  auto ctx = TestApp::Context(token);
  grpc::CompletionQueue cq;
  grpc::ByteBuffer request;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  auto call = stub.PrepareUnaryCall(ctx.get(), method, request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status.error_code();
}

// The ecocase.v1 services the server registers, from server reflection's list_services
// (encoded by hand: Debian ships no reflection .proto).
std::set<std::string> RegisteredServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  const char kListServices[] = {0x3a, 0x00};
  grpc::Slice slice(kListServices, sizeof(kListServices));
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  ctx.TryCancel();
  grpc::Status finished;
  call->Finish(&finished, reinterpret_cast<void*>(4));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  std::set<std::string> names;
  std::regex service(R"(ecocase\.v1\.[A-Za-z]+Service)");
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), service);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  return names;
}

TEST(AuthorizationWalkTest, EveryRpcRefusesMissingTokensAndWrongRoles) {
  auto app = TestApp::Start("walk");
  ASSERT_NE(app, nullptr);
  const std::map<char, std::pair<v1::Role, std::vector<std::string>>> kRoles = {
      {'S', {v1::ROLE_SUPERVISOR, {"410800"}}},     {'O', {v1::ROLE_OFFICER, {"410802"}}},
      {'H', {v1::ROLE_HOTLINE_OPERATOR, {"410800"}}}, {'E', {v1::ROLE_ENTERPRISE, {}}},
      {'T', {v1::ROLE_STATION, {"410802"}}},         {'I', {v1::ROLE_INTEGRATION, {"410800"}}},
  };
  std::map<char, std::string> tokens = {{'A', app->AdminToken()}};
  for (const auto& [letter, role] : kRoles) {
    tokens[letter] = app->CreateUserAndLogin(
        absl::StrCat("walk-", std::string(1, static_cast<char>(std::tolower(letter)))),
        role.first, role.second, letter == 'E' ? "91110000600037341L" : "");
  }

  std::set<std::string> services = RegisteredServices(app->channel());
  ASSERT_TRUE(services.contains("ecocase.v1.AuthService"));
  ASSERT_TRUE(services.contains("ecocase.v1.AuditService"));
  grpc::GenericStub stub(app->channel());
  int walked = 0;
  for (const std::string& service_name : services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int m = 0; m < service->method_count(); ++m) {
      std::string method = absl::StrCat("/", service_name, "/", service->method(m)->name());
      SCOPED_TRACE(method);
      ++walked;
      if (kPublic.contains(method)) continue;
      auto allowed = kAllowed.find(method);
      ASSERT_NE(allowed, kAllowed.end()) << "add " << method << " to kAllowed or kPublic";
      EXPECT_EQ(CallEmpty(stub, method, ""), grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_EQ(CallEmpty(stub, method, "eco_not-a-real-token"),
                grpc::StatusCode::UNAUTHENTICATED);
      for (const auto& [letter, token] : tokens) {
        SCOPED_TRACE(std::string(1, letter));
        bool may = allowed->second.find(letter) != std::string::npos;
        if (may && method == "/ecocase.v1.AuthService/Logout") continue;  // Keeps the token.
        grpc::StatusCode code = CallEmpty(stub, method, token);
        if (may) {
          EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED);
          EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED);
        } else {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED);
        }
      }
    }
  }
  EXPECT_GE(walked, static_cast<int>(kAllowed.size() + kPublic.size()));
}

}  // namespace
}  // namespace ecocase
