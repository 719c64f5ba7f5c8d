#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/authorizer.h"
#include "api/evidence_links.h"
#include "common/clock.h"
#include "domain/case_decision_clock.h"
#include "domain/enforcement_case.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/case.grpc.pb.h"
#include "storage/alert_repository.h"
#include "storage/case_repository.h"
#include "storage/mutation.h"
#include "storage/permit_repository.h"
#include "storage/task_repository.h"
#include "storage/user_repository.h"

namespace ecocase::api {

struct CaseServiceOptions {
  // The bureau's own area: a jurisdiction covering it sees everything.
  std::string city_code;
  // The case number format, `{year}` and `{seq}` once each [M].
  std::string case_number_pattern = "焦环罚〔{year}〕{seq}号";
  // The procedure's [M] rules (statement period, 较大数额, reviews) and clocks.
  domain::CaseOptions rules;
  domain::CaseClockOptions clocks;
  domain::MeasureLimits measures;
  domain::DailyPenaltyOptions daily_penalty;
  // The period of the correction task a served decision issues when the request gives none:
  // calendar days from service [M].
  int correction_task_days = 30;
};

// CaseService: enforcement cases under the penalty procedure. Translation, authorization
// and transactions; the rules are domain/enforcement_case.h's and domain/case_decision_clock.h's,
// the SQL storage/mysql/mysql_case_repository.cc's.
//
// Every change locks the case, applies the domain step, recomputes the clocks (the earliest
// running due is stored for the overdue lists) and stores it in one transaction; the
// response is kept for request_id retries. Filing takes the year's next number inside the
// same transaction, so numbers are gapless. Serving a penalty decision issues its correction
// orders as one rectification task (source `cases/{id}`), linked both ways, and revokes the
// party's permits in force when the decision says 吊销, through the permit rules
// (domain::Revoke), in the same transaction.
class CaseServiceImpl final : public ecocase::v1::CaseService::Service {
 public:
  // `calendar` and `clock` must outlive the service.
  CaseServiceImpl(Authorizer& authorizer, storage::CaseRepository& cases,
                  storage::TaskRepository& tasks, storage::PermitRepository& permits,
                  storage::UserRepository& users, storage::MutationRunner& mutations,
                  const domain::WorkingCalendar& calendar, const common::Clock& clock,
                  storage::AlertRepository& alerts, const EvidenceLinks& evidence_links,
                  CaseServiceOptions options);
  // Called after every committed change (wakes the alert feed's watchers).
  void set_on_alerts(std::function<void()> on_alerts) { on_alerts_ = std::move(on_alerts); }

  grpc::Status OpenCase(grpc::ServerContext* context, const ecocase::v1::OpenCaseRequest* request,
                        ecocase::v1::Case* response) override;
  grpc::Status GetCase(grpc::ServerContext* context, const ecocase::v1::GetCaseRequest* request,
                       ecocase::v1::Case* response) override;
  grpc::Status ListCases(grpc::ServerContext* context, const ecocase::v1::ListCasesRequest* request,
                         ecocase::v1::ListCasesResponse* response) override;
  grpc::Status ListCaseCandidates(grpc::ServerContext* context,
                                  const ecocase::v1::ListCaseCandidatesRequest* request,
                                  ecocase::v1::ListCaseCandidatesResponse* response) override;
  grpc::Status AssignCaseOfficer(grpc::ServerContext* context,
                                 const ecocase::v1::AssignCaseOfficerRequest* request,
                                 ecocase::v1::Case* response) override;
  grpc::Status RecuseCaseOfficer(grpc::ServerContext* context,
                                 const ecocase::v1::RecuseCaseOfficerRequest* request,
                                 ecocase::v1::Case* response) override;
  grpc::Status FileCase(grpc::ServerContext* context, const ecocase::v1::FileCaseRequest* request,
                        ecocase::v1::Case* response) override;
  grpc::Status NotFileCase(grpc::ServerContext* context,
                           const ecocase::v1::NotFileCaseRequest* request,
                           ecocase::v1::Case* response) override;
  grpc::Status StartInvestigation(grpc::ServerContext* context,
                                  const ecocase::v1::StartInvestigationRequest* request,
                                  ecocase::v1::Case* response) override;
  grpc::Status AttachCaseEvidence(grpc::ServerContext* context,
                                  const ecocase::v1::AttachCaseEvidenceRequest* request,
                                  ecocase::v1::Case* response) override;
  grpc::Status SubmitForReview(grpc::ServerContext* context,
                               const ecocase::v1::SubmitForReviewRequest* request,
                               ecocase::v1::Case* response) override;
  grpc::Status ReturnForInvestigation(grpc::ServerContext* context,
                                      const ecocase::v1::ReturnForInvestigationRequest* request,
                                      ecocase::v1::Case* response) override;
  grpc::Status NotifyParty(grpc::ServerContext* context,
                           const ecocase::v1::NotifyPartyRequest* request,
                           ecocase::v1::Case* response) override;
  grpc::Status RecordPartyResponse(grpc::ServerContext* context,
                                   const ecocase::v1::RecordPartyResponseRequest* request,
                                   ecocase::v1::Case* response) override;
  grpc::Status RequestHearing(grpc::ServerContext* context,
                              const ecocase::v1::RequestHearingRequest* request,
                              ecocase::v1::Case* response) override;
  grpc::Status ScheduleHearing(grpc::ServerContext* context,
                               const ecocase::v1::ScheduleHearingRequest* request,
                               ecocase::v1::Case* response) override;
  grpc::Status RecordHearing(grpc::ServerContext* context,
                             const ecocase::v1::RecordHearingRequest* request,
                             ecocase::v1::Case* response) override;
  grpc::Status FlagReviews(grpc::ServerContext* context,
                           const ecocase::v1::FlagReviewsRequest* request,
                           ecocase::v1::Case* response) override;
  grpc::Status RecordLegalReview(grpc::ServerContext* context,
                                 const ecocase::v1::RecordReviewRequest* request,
                                 ecocase::v1::Case* response) override;
  grpc::Status RecordCollectiveDiscussion(grpc::ServerContext* context,
                                          const ecocase::v1::RecordReviewRequest* request,
                                          ecocase::v1::Case* response) override;
  grpc::Status DecideCase(grpc::ServerContext* context,
                          const ecocase::v1::DecideCaseRequest* request,
                          ecocase::v1::Case* response) override;
  grpc::Status TransferCase(grpc::ServerContext* context,
                            const ecocase::v1::TransferCaseRequest* request,
                            ecocase::v1::Case* response) override;
  grpc::Status ServeDecision(grpc::ServerContext* context,
                             const ecocase::v1::ServeDecisionRequest* request,
                             ecocase::v1::Case* response) override;
  grpc::Status RecordPayment(grpc::ServerContext* context,
                             const ecocase::v1::RecordPaymentRequest* request,
                             ecocase::v1::Case* response) override;
  grpc::Status RecordCourtEnforcement(grpc::ServerContext* context,
                                      const ecocase::v1::RecordCourtEnforcementRequest* request,
                                      ecocase::v1::Case* response) override;
  grpc::Status CloseCase(grpc::ServerContext* context, const ecocase::v1::CloseCaseRequest* request,
                         ecocase::v1::Case* response) override;
  grpc::Status ArchiveCase(grpc::ServerContext* context,
                           const ecocase::v1::ArchiveCaseRequest* request,
                           ecocase::v1::Case* response) override;
  grpc::Status PauseDecisionClock(grpc::ServerContext* context,
                                  const ecocase::v1::PauseDecisionClockRequest* request,
                                  ecocase::v1::Case* response) override;
  grpc::Status ResumeDecisionClock(grpc::ServerContext* context,
                                   const ecocase::v1::ResumeDecisionClockRequest* request,
                                   ecocase::v1::Case* response) override;
  grpc::Status ExtendDecisionClock(grpc::ServerContext* context,
                                   const ecocase::v1::ExtendDecisionClockRequest* request,
                                   ecocase::v1::Case* response) override;
  grpc::Status ImposeMeasure(grpc::ServerContext* context,
                             const ecocase::v1::ImposeMeasureRequest* request,
                             ecocase::v1::Case* response) override;
  grpc::Status ExtendMeasure(grpc::ServerContext* context,
                             const ecocase::v1::ExtendMeasureRequest* request,
                             ecocase::v1::Case* response) override;
  grpc::Status LiftMeasure(grpc::ServerContext* context,
                           const ecocase::v1::LiftMeasureRequest* request,
                           ecocase::v1::Case* response) override;
  grpc::Status GetDailyPenalty(grpc::ServerContext* context,
                               const ecocase::v1::GetDailyPenaltyRequest* request,
                               ecocase::v1::DailyPenalty* response) override;
  grpc::Status RecordTransferSent(grpc::ServerContext* context,
                                  const ecocase::v1::RecordTransferSentRequest* request,
                                  ecocase::v1::Case* response) override;
  grpc::Status ListPublicDecisions(grpc::ServerContext* context,
                                   const ecocase::v1::ListPublicDecisionsRequest* request,
                                   ecocase::v1::ListPublicDecisionsResponse* response) override;

 private:
  // A domain step by `actor` (users/{username}) on the locked case at `now`, inside the
  // transaction.
  using Change = absl::FunctionRef<absl::Status(const std::string& actor, storage::Tx&,
                                                domain::EnforcementCase&, absl::Time now)>;

  absl::Status Transition(grpc::ServerContext* context, domain::Action action,
                          absl::string_view method, const std::string& name,
                          const std::string& etag, const std::string& request_id,
                          const google::protobuf::Message& request, Change change,
                          ecocase::v1::Case& out);
  absl::Status DoOpen(grpc::ServerContext* context, const ecocase::v1::OpenCaseRequest& request,
                      ecocase::v1::Case& out);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListCasesRequest& request,
                      ecocase::v1::ListCasesResponse& out);
  // Issues the served decision's correction orders as one rectification task.
  absl::Status IssueCorrectionTask(storage::Tx& tx, domain::EnforcementCase& c, int days,
                                   const std::string& actor, absl::Time now);
  // Revokes (吊销) the party's permits in force when the served decision says so.
  absl::Status RevokePermits(storage::Tx& tx, domain::EnforcementCase& c, const std::string& actor,
                             absl::Time now);
  absl::Status DoDailyPenalty(grpc::ServerContext* context,
                              const ecocase::v1::GetDailyPenaltyRequest& request,
                              ecocase::v1::DailyPenalty& out);
  absl::Status DoPublicDecisions(const ecocase::v1::ListPublicDecisionsRequest& request,
                                 ecocase::v1::ListPublicDecisionsResponse& out);
  absl::StatusOr<domain::CaseClockView> Clocks(const domain::EnforcementCase& c,
                                               absl::Time now) const;
  absl::StatusOr<ecocase::v1::Case> View(const domain::EnforcementCase& c, absl::Time now,
                                         bool party) const;

  Authorizer& authorizer_;
  storage::CaseRepository& cases_;
  storage::TaskRepository& tasks_;
  storage::PermitRepository& permits_;
  storage::UserRepository& users_;
  storage::MutationRunner& mutations_;
  const domain::WorkingCalendar& calendar_;
  const common::Clock& clock_;
  storage::AlertRepository& alerts_;
  const EvidenceLinks& evidence_links_;
  const CaseServiceOptions options_;
  std::function<void()> on_alerts_;
};

}  // namespace ecocase::api
