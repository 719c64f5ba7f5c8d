#include "api/task_service.h"

#include <grpcpp/server_context.h>

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"
#include "api/officer_check.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "api/task_alerts.h"
#include "api/task_convert.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.TaskService/";
// due_within_days beyond ten years is a mistake, not a query.
constexpr int kMaxWithinDays = 3660;

storage::AuditEntry TaskAudit(const std::string& actor, absl::string_view action,
                              const domain::Task& task, const ecocase::v1::Task& result) {
  return {.actor = actor,
          .action = std::string(action),
          .resource = result.name(),
          .change_digest = MessageDigest(result),
          .district_code = task.district_code,
          .enterprise_uscc = task.enterprise_uscc};
}

}  // namespace

TaskServiceImpl::TaskServiceImpl(Authorizer& authorizer, storage::TaskRepository& tasks,
                                 storage::UserRepository& users, storage::MutationRunner& mutations,
                                 const domain::WorkingCalendar& calendar,
                                 const common::Clock& clock, std::string city_code,
                                 storage::AlertRepository& alerts)
    : authorizer_(authorizer),
      tasks_(tasks),
      users_(users),
      mutations_(mutations),
      calendar_(calendar),
      clock_(clock),
      city_code_(std::move(city_code)),
      alerts_(alerts) {}

absl::Status TaskServiceImpl::RunMutation(
    const domain::Principal& caller, absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request,
    absl::FunctionRef<absl::StatusOr<domain::Task>(storage::Tx&)> body, ecocase::v1::Task& out) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(domain::Task task, body(tx));
        ECOCASE_RETURN_IF_ERROR(alerts_.Append(tx, TaskAlert(method, task), clock_.Now()).status());
        ecocase::v1::Task result = ToProto(task, clock_.Now());
        return storage::MutationResult{result.SerializeAsString(),
                                       TaskAudit(caller.ResourceName(), method, task, result)};
      }));
  if (on_alerts_) on_alerts_();
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status TaskServiceImpl::Transition(const domain::Principal& caller, absl::string_view method,
                                         const std::string& name, const std::string& etag,
                                         const std::string& request_id,
                                         const google::protobuf::Message& request, Change change,
                                         ecocase::v1::Task& out) {
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::TaskIdFromName(name, "name"));
  int64_t version = 0;
  if (!etag.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(version, VersionFromEtag(etag, "etag"));
  }
  storage::Scope scope = storage::Scope::For(caller, city_code_);
  return RunMutation(
      caller, method, request_id, request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Task> {
        const absl::Time now = clock_.Now();
        return tasks_.Update(
            tx, scope, id, version, [&](domain::Task& task) { return change(task, now); }, now);
      },
      out);
}

absl::Status TaskServiceImpl::CheckOfficers(const domain::Reinspection& reinspection,
                                            const domain::Principal& caller) {
  for (size_t i = 0; i < reinspection.officers.size(); ++i) {
    const std::string& username = reinspection.officers[i];
    if (username == caller.username) continue;  // Authorized as an OFFICER just now.
    ECOCASE_RETURN_IF_ERROR(
        CheckEnabledOfficer(users_, username, absl::StrCat("reinspection.officers[", i, "]")));
  }
  return absl::OkStatus();
}

// --- Issue, read, list -------------------------------------------------------------------

absl::Status TaskServiceImpl::DoIssue(grpc::ServerContext* context,
                                      const ecocase::v1::IssueTaskRequest& request,
                                      ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kIssueTask));
  if (!request.has_task()) return common::InvalidFieldError("task", "is required");
  ECOCASE_ASSIGN_OR_RETURN(domain::Task task, NewTaskFromProto(request.task()));
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewTask(task, "task"));
  const storage::Scope scope = storage::Scope::For(caller, city_code_);
  const std::string actor = caller.ResourceName();

  // A source that already has its task changes nothing: no audit record, and the body ends
  // with this sentinel, which rolls the (empty) transaction back.
  std::optional<domain::Task> existing;
  absl::Status s = RunMutation(
      caller, "IssueTask", request.request_id(), request,
      [&](storage::Tx& tx) -> absl::StatusOr<domain::Task> {
        existing.reset();
        const absl::Time now = clock_.Now();
        domain::Task issued = task;
        domain::Issue(issued, actor, now, calendar_);
        ECOCASE_ASSIGN_OR_RETURN(auto stored, tasks_.Issue(tx, scope, std::move(issued), now));
        if (!stored.second) {
          existing = std::move(stored.first);
          return absl::CancelledError("already issued");
        }
        return std::move(stored.first);
      },
      response);
  if (!existing.has_value()) return s;
  // One finding is one enterprise's: the same source for another enterprise is a mistake of
  // the caller, told without showing the other task.
  if (existing->enterprise_uscc != task.enterprise_uscc) {
    return common::InvalidFieldError("task.source",
                                     "already has a task issued to another enterprise");
  }
  // The task is returned only to a caller who may see it.
  ECOCASE_ASSIGN_OR_RETURN(domain::Task visible, tasks_.Get(scope, existing->id));
  response = ToProto(visible, clock_.Now());
  return absl::OkStatus();
}

grpc::Status TaskServiceImpl::IssueTask(grpc::ServerContext* context,
                                        const ecocase::v1::IssueTaskRequest* request,
                                        ecocase::v1::Task* response) {
  return ToGrpcStatus(DoIssue(context, *request, *response));
}

absl::Status TaskServiceImpl::DoGet(grpc::ServerContext* context,
                                    const ecocase::v1::GetTaskRequest& request,
                                    ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetTask));
  ECOCASE_ASSIGN_OR_RETURN(int64_t id, domain::TaskIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(domain::Task task,
                           tasks_.Get(storage::Scope::For(caller, city_code_), id));
  response = ToProto(task, clock_.Now());
  return absl::OkStatus();
}

grpc::Status TaskServiceImpl::GetTask(grpc::ServerContext* context,
                                      const ecocase::v1::GetTaskRequest* request,
                                      ecocase::v1::Task* response) {
  return ToGrpcStatus(DoGet(context, *request, *response));
}

absl::Status TaskServiceImpl::DoList(grpc::ServerContext* context,
                                     const ecocase::v1::ListTasksRequest& request,
                                     ecocase::v1::ListTasksResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListTasks));
  const absl::Time now = clock_.Now();
  storage::TaskFilter filter;
  filter.now = now;
  if (!request.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(filter.enterprise_uscc,
                             domain::UsccFromEnterpriseName(request.enterprise(), "enterprise"));
  }
  if (!ecocase::v1::Task::State_IsValid(request.state())) {
    return common::InvalidFieldError("state", "is not a task state");
  }
  filter.state = FromProto(request.state());
  filter.overdue_only = request.overdue_only();
  if (request.due_within_days() < 0 || request.due_within_days() > kMaxWithinDays) {
    return common::InvalidFieldError("due_within_days",
                                     absl::StrCat("must be between 0 and ", kMaxWithinDays));
  }
  if (request.due_within_days() > 0) {
    // Due by the end of the N-th day from today (Asia/Shanghai).
    const absl::CivilDay last = common::RegulatoryDay(now) + request.due_within_days();
    filter.due_before = common::FromRegulatory(absl::CivilSecond(last + 1));
  }
  if (!request.district_code().empty()) {
    if (!domain::IsDistrictCode(request.district_code())) {
      return common::InvalidFieldError("district_code", "must be a six-digit GB/T 2260 code");
    }
    filter.district_code = request.district_code();
  }
  // The due-soon bound moves with the day, so the page token is tied to it too.
  std::string query = QueryFingerprint(
      {"ListTasks", caller.ResourceName(), filter.enterprise_uscc,
       absl::StrCat(static_cast<int>(request.state())), filter.overdue_only ? "overdue" : "",
       absl::StrCat(request.due_within_days()), filter.district_code,
       request.due_within_days() > 0 ? absl::FormatCivilTime(common::RegulatoryDay(now)) : ""});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<storage::TaskCursor> after,
                           ParseTimeIdCursor<storage::TaskCursor>(page.after));
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<domain::Task> tasks,
      tasks_.List(storage::Scope::For(caller, city_code_), filter, page.size + 1, after));
  const bool more = static_cast<int>(tasks.size()) > page.size;
  if (more) tasks.resize(page.size);
  for (const domain::Task& t : tasks) *response.add_tasks() = ToProto(t, now);
  if (more) {
    const domain::Task& last = tasks.back();
    response.set_next_page_token(MakePageToken(query, TimeIdKeyText(last.issue_time, last.id)));
  }
  return absl::OkStatus();
}

grpc::Status TaskServiceImpl::ListTasks(grpc::ServerContext* context,
                                        const ecocase::v1::ListTasksRequest* request,
                                        ecocase::v1::ListTasksResponse* response) {
  absl::Status s = DoList(context, *request, *response);
  if (!s.ok()) response->Clear();
  return ToGrpcStatus(s);
}

// --- The enterprise's side -----------------------------------------------------------------

absl::Status TaskServiceImpl::DoAcknowledge(grpc::ServerContext* context,
                                            const ecocase::v1::AcknowledgeTaskRequest& request,
                                            ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kAcknowledgeTask));
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "AcknowledgeTask", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) { return domain::Acknowledge(task, actor, now); },
      response);
}

grpc::Status TaskServiceImpl::AcknowledgeTask(grpc::ServerContext* context,
                                              const ecocase::v1::AcknowledgeTaskRequest* request,
                                              ecocase::v1::Task* response) {
  return ToGrpcStatus(DoAcknowledge(context, *request, *response));
}

absl::Status TaskServiceImpl::DoSubmit(grpc::ServerContext* context,
                                       const ecocase::v1::SubmitRectificationRequest& request,
                                       ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kSubmitRectification));
  ECOCASE_RETURN_IF_ERROR(domain::TaskIdFromName(request.name(), "name").status());
  if (!request.has_rectification()) {
    return common::InvalidFieldError("rectification", "is required");
  }
  const domain::Rectification rectification = RectificationFromProto(request.rectification());
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "SubmitRectification", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::Submit(task, rectification, actor, now);
      },
      response);
}

grpc::Status TaskServiceImpl::SubmitRectification(
    grpc::ServerContext* context, const ecocase::v1::SubmitRectificationRequest* request,
    ecocase::v1::Task* response) {
  return ToGrpcStatus(DoSubmit(context, *request, *response));
}

absl::Status TaskServiceImpl::DoRequestExtension(
    grpc::ServerContext* context, const ecocase::v1::RequestExtensionRequest& request,
    ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRequestExtension));
  ECOCASE_RETURN_IF_ERROR(domain::TaskIdFromName(request.name(), "name").status());
  if (!request.has_extension()) return common::InvalidFieldError("extension", "is required");
  if (!request.extension().has_extra()) {
    return common::InvalidFieldError("extension.extra", "is required");
  }
  const domain::TaskExtension extension = ExtensionFromProto(request.extension());
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "RequestExtension", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::RequestExtension(task, extension, actor, now);
      },
      response);
}

grpc::Status TaskServiceImpl::RequestExtension(grpc::ServerContext* context,
                                               const ecocase::v1::RequestExtensionRequest* request,
                                               ecocase::v1::Task* response) {
  return ToGrpcStatus(DoRequestExtension(context, *request, *response));
}

// --- The bureau's side ---------------------------------------------------------------------

absl::Status TaskServiceImpl::DoReinspect(grpc::ServerContext* context,
                                          const ecocase::v1::RecordReinspectionRequest& request,
                                          ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRecordReinspection));
  ECOCASE_RETURN_IF_ERROR(domain::TaskIdFromName(request.name(), "name").status());
  if (!request.has_reinspection()) {
    return common::InvalidFieldError("reinspection", "is required");
  }
  ECOCASE_ASSIGN_OR_RETURN(domain::Reinspection reinspection,
                           ReinspectionFromProto(request.reinspection(), "reinspection"));
  ECOCASE_RETURN_IF_ERROR(CheckOfficers(reinspection, caller));
  std::optional<domain::TaskDeadline> new_deadline;
  if (request.has_new_deadline()) new_deadline = DeadlineFromProto(request.new_deadline());
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "RecordReinspection", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::RecordReinspection(task, reinspection, new_deadline, actor, now, calendar_);
      },
      response);
}

grpc::Status TaskServiceImpl::RecordReinspection(
    grpc::ServerContext* context, const ecocase::v1::RecordReinspectionRequest* request,
    ecocase::v1::Task* response) {
  return ToGrpcStatus(DoReinspect(context, *request, *response));
}

absl::Status TaskServiceImpl::DoReject(grpc::ServerContext* context,
                                       const ecocase::v1::RejectRectificationRequest& request,
                                       ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kRejectRectification));
  ECOCASE_RETURN_IF_ERROR(domain::TaskIdFromName(request.name(), "name").status());
  if (!request.has_new_deadline()) {
    return common::InvalidFieldError("new_deadline",
                                     "is required: the enterprise gets a new period");
  }
  const domain::TaskDeadline new_deadline = DeadlineFromProto(request.new_deadline());
  return Transition(
      caller, "RejectRectification", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::RejectRectification(task, request.reason(), new_deadline, now, calendar_);
      },
      response);
}

grpc::Status TaskServiceImpl::RejectRectification(
    grpc::ServerContext* context, const ecocase::v1::RejectRectificationRequest* request,
    ecocase::v1::Task* response) {
  return ToGrpcStatus(DoReject(context, *request, *response));
}

absl::Status TaskServiceImpl::DoDecideExtension(grpc::ServerContext* context,
                                                const ecocase::v1::DecideExtensionRequest& request,
                                                ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kDecideExtension));
  const std::string actor = caller.ResourceName();
  return Transition(
      caller, "DecideExtension", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::DecideExtension(task, request.grant(), request.note(), actor, now,
                                       calendar_);
      },
      response);
}

grpc::Status TaskServiceImpl::DecideExtension(grpc::ServerContext* context,
                                              const ecocase::v1::DecideExtensionRequest* request,
                                              ecocase::v1::Task* response) {
  return ToGrpcStatus(DoDecideExtension(context, *request, *response));
}

absl::Status TaskServiceImpl::DoCancel(grpc::ServerContext* context,
                                       const ecocase::v1::CancelTaskRequest& request,
                                       ecocase::v1::Task& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kCancelTask));
  return Transition(
      caller, "CancelTask", request.name(), request.etag(), request.request_id(), request,
      [&](domain::Task& task, absl::Time now) {
        return domain::Cancel(task, request.reason(), now);
      },
      response);
}

grpc::Status TaskServiceImpl::CancelTask(grpc::ServerContext* context,
                                         const ecocase::v1::CancelTaskRequest* request,
                                         ecocase::v1::Task* response) {
  return ToGrpcStatus(DoCancel(context, *request, *response));
}

// --- Overdue sweep -------------------------------------------------------------------------

absl::StatusOr<int> TaskOverdueSweep::MarkOverdue(int batch) {
  const absl::Time now = clock_.Now();
  ECOCASE_ASSIGN_OR_RETURN(std::vector<domain::Task> due, tasks_.ListOverdueOpen(now, batch));
  domain::Principal system;
  system.username = "system";
  const std::string actor = system.ResourceName();
  int marked = 0;
  absl::Status first_error;
  for (const domain::Task& task : due) {
    bool moved = false;
    storage::MutationKey key{actor, absl::StrCat(kService, "MarkTaskOverdue"), "", ""};
    auto result =
        mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
          moved = false;
          ECOCASE_ASSIGN_OR_RETURN(bool flagged,
                                   tasks_.MarkOverdueFlagged(tx, task.id, task.due_time));
          // Closed, re-dated or flagged by another replica since it was listed.
          if (!flagged) {
            moved = true;
            return absl::CancelledError("no longer overdue as listed");
          }
          ECOCASE_RETURN_IF_ERROR(
              alerts_.Append(tx, TaskAlert("MarkTaskOverdue", task), now).status());
          ecocase::v1::Task proto = ToProto(task, now);
          return storage::MutationResult{"", TaskAudit(actor, "MarkTaskOverdue", task, proto)};
        });
    if (result.ok()) {
      ++marked;
      common::Log(common::LogLevel::kInfo, "task_overdue")
          .Str("task", task.ResourceName())
          .Str("enterprise", absl::StrCat("enterprises/", task.enterprise_uscc))
          .Str("due_date", absl::FormatCivilTime(task.due_day));
    } else if (!moved) {
      common::Log(common::LogLevel::kWarning, "task_overdue_mark_failed")
          .Str("task", task.ResourceName())
          .Str("error", result.status().message());
      if (first_error.ok()) first_error = result.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return marked;
}

}  // namespace ecocase::api
