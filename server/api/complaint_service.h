#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/complaint.h"
#include "domain/complaint_sla.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/complaint.grpc.pb.h"
#include "security/field_cipher.h"
#include "storage/alert_repository.h"
#include "storage/complaint_repository.h"
#include "storage/mutation.h"
#include "storage/task_repository.h"
#include "storage/user_repository.h"

namespace ecocase::api {

struct ComplaintOptions {
  // The bureau's own area: a jurisdiction covering it sees everything.
  std::string city_code;
  // What counts as a likely duplicate or a repeat report [M] (domain/complaint.h).
  domain::DuplicateOptions duplicates;
  // The period of the rectification task verified findings issue when the officer does
  // not give one.
  int findings_task_days = 15;
  bool findings_task_working_days = true;
};

// ComplaintService: hotline complaints (12369 / 12345 / 信访). Translation, authorization
// and transactions; the rules are domain/complaint.h's and domain/complaint_sla.h's, the
// SQL storage/mysql/mysql_complaint_repository.cc's.
//
// Reporter identity: the repository encrypts it with `cipher` and this service hashes the
// normalised phone with it (so a repeat reporter is found without decrypting). Responses,
// including those kept for request_id retries, carry it masked; RevealReporter alone
// returns it in clear, to HOTLINE_OPERATOR, and is audited but never stored. Without a
// cipher, complaints naming a reporter are refused (FAILED_PRECONDITION).
class ComplaintServiceImpl final : public ecocase::v1::ComplaintService::Service {
 public:
  // `calendar`, `policy`, `clock` and `cipher` (may be null) must outlive the service.
  ComplaintServiceImpl(Authorizer& authorizer, storage::ComplaintRepository& complaints,
                       storage::TaskRepository& tasks, storage::UserRepository& users,
                       storage::MutationRunner& mutations, const domain::WorkingCalendar& calendar,
                       const domain::SlaPolicy& policy, const common::Clock& clock,
                       const security::FieldCipher* cipher, storage::AlertRepository& alerts,
                       ComplaintOptions options);

  // Called after a commit that appended an alert (wakes the alert feed's watchers).
  void set_on_alerts(std::function<void()> on_alerts) { on_alerts_ = std::move(on_alerts); }

  grpc::Status CreateComplaint(grpc::ServerContext* context,
                               const ecocase::v1::CreateComplaintRequest* request,
                               ecocase::v1::Complaint* response) override;
  grpc::Status GetComplaint(grpc::ServerContext* context,
                            const ecocase::v1::GetComplaintRequest* request,
                            ecocase::v1::Complaint* response) override;
  grpc::Status ListComplaints(grpc::ServerContext* context,
                              const ecocase::v1::ListComplaintsRequest* request,
                              ecocase::v1::ListComplaintsResponse* response) override;
  grpc::Status RevealReporter(grpc::ServerContext* context,
                              const ecocase::v1::RevealReporterRequest* request,
                              ecocase::v1::ReporterContact* response) override;
  grpc::Status AcceptComplaint(grpc::ServerContext* context,
                               const ecocase::v1::AcceptComplaintRequest* request,
                               ecocase::v1::Complaint* response) override;
  grpc::Status RejectComplaint(grpc::ServerContext* context,
                               const ecocase::v1::RejectComplaintRequest* request,
                               ecocase::v1::Complaint* response) override;
  grpc::Status DispatchComplaint(grpc::ServerContext* context,
                                 const ecocase::v1::DispatchComplaintRequest* request,
                                 ecocase::v1::Complaint* response) override;
  grpc::Status RerouteComplaint(grpc::ServerContext* context,
                                const ecocase::v1::RerouteComplaintRequest* request,
                                ecocase::v1::Complaint* response) override;
  grpc::Status RouteOutComplaint(grpc::ServerContext* context,
                                 const ecocase::v1::RouteOutComplaintRequest* request,
                                 ecocase::v1::Complaint* response) override;
  grpc::Status RecordFindings(grpc::ServerContext* context,
                              const ecocase::v1::RecordFindingsRequest* request,
                              ecocase::v1::Complaint* response) override;
  grpc::Status ReplyComplaint(grpc::ServerContext* context,
                              const ecocase::v1::ReplyComplaintRequest* request,
                              ecocase::v1::Complaint* response) override;
  grpc::Status RecordRevisit(grpc::ServerContext* context,
                             const ecocase::v1::RecordRevisitRequest* request,
                             ecocase::v1::Complaint* response) override;
  grpc::Status CloseComplaint(grpc::ServerContext* context,
                              const ecocase::v1::CloseComplaintRequest* request,
                              ecocase::v1::Complaint* response) override;
  grpc::Status ExtendComplaint(grpc::ServerContext* context,
                               const ecocase::v1::ExtendComplaintRequest* request,
                               ecocase::v1::Complaint* response) override;
  grpc::Status MergeComplaint(grpc::ServerContext* context,
                              const ecocase::v1::MergeComplaintRequest* request,
                              ecocase::v1::Complaint* response) override;
  grpc::Status SuggestDuplicates(grpc::ServerContext* context,
                                 const ecocase::v1::SuggestDuplicatesRequest* request,
                                 ecocase::v1::SuggestDuplicatesResponse* response) override;
  grpc::Status GetSlaPolicy(grpc::ServerContext* context,
                            const ecocase::v1::GetSlaPolicyRequest* request,
                            ecocase::v1::SlaPolicy* response) override;
  grpc::Status GetHolidayCalendar(grpc::ServerContext* context,
                                  const ecocase::v1::GetHolidayCalendarRequest* request,
                                  ecocase::v1::HolidayCalendar* response) override;

 private:
  // A domain transition by `caller` applied to the locked complaint at `now`, inside the
  // transaction.
  using Change = absl::FunctionRef<absl::Status(const domain::Principal& caller, storage::Tx&,
                                                domain::Complaint&, absl::Time now)>;

  absl::Status DoCreate(grpc::ServerContext* context,
                        const ecocase::v1::CreateComplaintRequest& request,
                        ecocase::v1::Complaint& response);
  absl::Status DoList(grpc::ServerContext* context,
                      const ecocase::v1::ListComplaintsRequest& request,
                      ecocase::v1::ListComplaintsResponse& response);
  absl::Status DoReveal(grpc::ServerContext* context,
                        const ecocase::v1::RevealReporterRequest& request,
                        ecocase::v1::ReporterContact& response);
  absl::Status DoFindings(grpc::ServerContext* context,
                          const ecocase::v1::RecordFindingsRequest& request,
                          ecocase::v1::Complaint& response);
  absl::Status DoMerge(grpc::ServerContext* context,
                       const ecocase::v1::MergeComplaintRequest& request,
                       ecocase::v1::Complaint& response);
  absl::Status DoSuggest(grpc::ServerContext* context,
                         const ecocase::v1::SuggestDuplicatesRequest& request,
                         ecocase::v1::SuggestDuplicatesResponse& response);

  // Authorizes `action`, locks the complaint `name` in the caller's scope (checking `etag`
  // when given), applies `change` and stores it: one audited, idempotent transaction.
  absl::Status Transition(grpc::ServerContext* context, domain::Action action,
                          absl::string_view method, const std::string& name,
                          const std::string& etag, const std::string& request_id,
                          const google::protobuf::Message& request, Change change,
                          ecocase::v1::Complaint& out);
  // Runs a complaint-changing mutation keyed by (caller, method, request_id); `body`
  // returns the complaint to answer with, stored masked for retries; the alert the method
  // raises (complaint_alerts.h) is appended in the same transaction.
  absl::Status RunMutation(const domain::Principal& caller, absl::string_view method,
                           const std::string& request_id, const google::protobuf::Message& request,
                           absl::FunctionRef<absl::StatusOr<domain::Complaint>(storage::Tx&)> body,
                           ecocase::v1::Complaint& out);
  // Issues the task verified findings call for and links it to the complaint's findings.
  absl::Status IssueFindingsTask(storage::Tx& tx, domain::Complaint& complaint,
                                 const ecocase::v1::FindingsRectification& rectification,
                                 const std::string& actor, absl::Time now);

  const domain::SlaRule& RuleFor(const domain::Complaint& complaint) const;
  ecocase::v1::Complaint View(const domain::Complaint& complaint, absl::Time now) const;

  Authorizer& authorizer_;
  storage::ComplaintRepository& complaints_;
  storage::TaskRepository& tasks_;
  storage::UserRepository& users_;
  storage::MutationRunner& mutations_;
  const domain::WorkingCalendar& calendar_;
  const domain::SlaPolicy& policy_;
  const common::Clock& clock_;
  const security::FieldCipher* cipher_;
  storage::AlertRepository& alerts_;
  const ComplaintOptions options_;
  std::function<void()> on_alerts_;
};

}  // namespace ecocase::api
