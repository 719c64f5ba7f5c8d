#pragma once

#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/task.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/task.grpc.pb.h"
#include "storage/alert_repository.h"
#include "storage/mutation.h"
#include "storage/task_repository.h"
#include "storage/user_repository.h"

namespace ecocase::api {

// TaskService: rectification tasks (整改). Translation, authorization and transactions; the
// rules are domain/task.h's, the SQL storage/mysql/mysql_task_repository.cc's. Every
// finding (incident, complaint, inspection, case decision, permit review) issues its task
// through IssueTask, idempotently per (source_kind, source).
class TaskServiceImpl final : public ecocase::v1::TaskService::Service {
 public:
  // `city_code` is the bureau's own area: a jurisdiction covering it sees everything.
  // `users` checks that the officers named on a re-inspection are officers. `calendar`
  // and `clock` must outlive the service.
  TaskServiceImpl(Authorizer& authorizer, storage::TaskRepository& tasks,
                  storage::UserRepository& users, storage::MutationRunner& mutations,
                  const domain::WorkingCalendar& calendar, const common::Clock& clock,
                  std::string city_code, storage::AlertRepository& alerts);

  // Called after a commit that appended an alert (wakes the alert feed's watchers).
  void set_on_alerts(std::function<void()> on_alerts) { on_alerts_ = std::move(on_alerts); }

  grpc::Status IssueTask(grpc::ServerContext* context, const ecocase::v1::IssueTaskRequest* request,
                         ecocase::v1::Task* response) override;
  grpc::Status GetTask(grpc::ServerContext* context, const ecocase::v1::GetTaskRequest* request,
                       ecocase::v1::Task* response) override;
  grpc::Status ListTasks(grpc::ServerContext* context, const ecocase::v1::ListTasksRequest* request,
                         ecocase::v1::ListTasksResponse* response) override;
  grpc::Status AcknowledgeTask(grpc::ServerContext* context,
                               const ecocase::v1::AcknowledgeTaskRequest* request,
                               ecocase::v1::Task* response) override;
  grpc::Status SubmitRectification(grpc::ServerContext* context,
                                   const ecocase::v1::SubmitRectificationRequest* request,
                                   ecocase::v1::Task* response) override;
  grpc::Status RecordReinspection(grpc::ServerContext* context,
                                  const ecocase::v1::RecordReinspectionRequest* request,
                                  ecocase::v1::Task* response) override;
  grpc::Status RejectRectification(grpc::ServerContext* context,
                                   const ecocase::v1::RejectRectificationRequest* request,
                                   ecocase::v1::Task* response) override;
  grpc::Status RequestExtension(grpc::ServerContext* context,
                                const ecocase::v1::RequestExtensionRequest* request,
                                ecocase::v1::Task* response) override;
  grpc::Status DecideExtension(grpc::ServerContext* context,
                               const ecocase::v1::DecideExtensionRequest* request,
                               ecocase::v1::Task* response) override;
  grpc::Status CancelTask(grpc::ServerContext* context,
                          const ecocase::v1::CancelTaskRequest* request,
                          ecocase::v1::Task* response) override;

 private:
  // A domain transition applied to the locked task at `now`.
  using Change = absl::FunctionRef<absl::Status(domain::Task&, absl::Time now)>;

  absl::Status DoIssue(grpc::ServerContext* context, const ecocase::v1::IssueTaskRequest& request,
                       ecocase::v1::Task& response);
  absl::Status DoGet(grpc::ServerContext* context, const ecocase::v1::GetTaskRequest& request,
                     ecocase::v1::Task& response);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListTasksRequest& request,
                      ecocase::v1::ListTasksResponse& response);
  absl::Status DoAcknowledge(grpc::ServerContext* context,
                             const ecocase::v1::AcknowledgeTaskRequest& request,
                             ecocase::v1::Task& response);
  absl::Status DoSubmit(grpc::ServerContext* context,
                        const ecocase::v1::SubmitRectificationRequest& request,
                        ecocase::v1::Task& response);
  absl::Status DoReinspect(grpc::ServerContext* context,
                           const ecocase::v1::RecordReinspectionRequest& request,
                           ecocase::v1::Task& response);
  absl::Status DoReject(grpc::ServerContext* context,
                        const ecocase::v1::RejectRectificationRequest& request,
                        ecocase::v1::Task& response);
  absl::Status DoRequestExtension(grpc::ServerContext* context,
                                  const ecocase::v1::RequestExtensionRequest& request,
                                  ecocase::v1::Task& response);
  absl::Status DoDecideExtension(grpc::ServerContext* context,
                                 const ecocase::v1::DecideExtensionRequest& request,
                                 ecocase::v1::Task& response);
  absl::Status DoCancel(grpc::ServerContext* context, const ecocase::v1::CancelTaskRequest& request,
                        ecocase::v1::Task& response);

  // INVALID_ARGUMENT naming the officer unless each username is an enabled OFFICER.
  absl::Status CheckOfficers(const domain::Reinspection& reinspection,
                             const domain::Principal& caller);
  // Locks the task `name` in the caller's scope (checking `etag` when given), applies
  // `change` and stores it: one audited, idempotent transaction.
  absl::Status Transition(const domain::Principal& caller, absl::string_view method,
                          const std::string& name, const std::string& etag,
                          const std::string& request_id, const google::protobuf::Message& request,
                          Change change, ecocase::v1::Task& out);
  // Runs a task-changing mutation keyed by (caller, method, request_id) and parses the
  // stored/returned response into `out`.
  absl::Status RunMutation(const domain::Principal& caller, absl::string_view method,
                           const std::string& request_id, const google::protobuf::Message& request,
                           absl::FunctionRef<absl::StatusOr<domain::Task>(storage::Tx&)> body,
                           ecocase::v1::Task& out);

  Authorizer& authorizer_;
  storage::TaskRepository& tasks_;
  storage::UserRepository& users_;
  storage::MutationRunner& mutations_;
  const domain::WorkingCalendar& calendar_;
  const common::Clock& clock_;
  const std::string city_code_;
  storage::AlertRepository& alerts_;
  std::function<void()> on_alerts_;
};

// Overdue detection (the `mark_overdue_tasks` sweep): each open task past its due time
// (per the injected clock) is logged and audited once as `users/system` — once per due
// time, so a task whose deadline moved and passed again is recorded again. Nothing the
// enterprise sees changes: `overdue` is computed on every read.
class TaskOverdueSweep final {
 public:
  TaskOverdueSweep(storage::TaskRepository& tasks, storage::MutationRunner& mutations,
                   const common::Clock& clock, storage::AlertRepository& alerts)
      : tasks_(tasks), mutations_(mutations), clock_(clock), alerts_(alerts) {}

  // Records what became overdue (at most `batch` tasks per call); returns how many. The
  // first error is returned after the others had their turn.
  absl::StatusOr<int> MarkOverdue(int batch = 500);

 private:
  storage::TaskRepository& tasks_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  storage::AlertRepository& alerts_;
};

}  // namespace ecocase::api
