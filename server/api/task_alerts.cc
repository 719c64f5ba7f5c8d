#include "api/task_alerts.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace ecocase::api {

storage::AlertEvent TaskAlert(absl::string_view method, const domain::Task& task) {
  storage::AlertEvent e;
  e.kind = method == "IssueTask"         ? "TASK_ISSUED"
           : method == "MarkTaskOverdue" ? "TASK_OVERDUE"
                                         : "TASK_CHANGED";
  e.resource = task.ResourceName();
  e.enterprise_uscc = task.enterprise_uscc;
  e.district_code = task.district_code;
  const std::string due = absl::FormatCivilTime(task.due_day);
  std::string what;
  if (method == "IssueTask") {
    what = absl::StrCat("【新整改任务】", task.title, "，限 ", due, " 前完成");
  } else if (method == "AcknowledgeTask") {
    what = absl::StrCat("【任务已签收】", task.title);
  } else if (method == "SubmitRectification") {
    what = absl::StrCat("【整改报告已提交】", task.title, "，待复查");
  } else if (method == "RecordReinspection") {
    what = task.state == domain::TaskState::kVerified
               ? absl::StrCat("【复查通过】", task.title, "：已核实整改完成")
               : absl::StrCat("【复查未通过】", task.title, "：拒不改正，重新限期至 ", due);
  } else if (method == "RejectRectification") {
    what = absl::StrCat("【整改报告退回】", task.title, "，重新限期至 ", due);
  } else if (method == "RequestExtension") {
    what = absl::StrCat("【延期申请】", task.title);
  } else if (method == "DecideExtension") {
    what = absl::StrCat("【延期审批】", task.title, "，期限 ", due);
  } else if (method == "CancelTask") {
    what = absl::StrCat("【任务撤销】", task.title);
  } else if (method == "MarkTaskOverdue") {
    what = absl::StrCat("【任务逾期】", task.title, "，期限 ", due, " 已过");
  } else {
    what = absl::StrCat("【任务变更】", task.title);
  }
  e.title = what;
  e.detail = absl::StrCat(task.ResourceName(), " enterprises/", task.enterprise_uscc);
  return e;
}

}  // namespace ecocase::api
