#include "evaluation/exceedance_task.h"

#include "absl/strings/str_cat.h"
#include "evaluation/incident_text.h"

namespace ecocase::evaluation {

domain::Task ExceedanceTask(const storage::IncidentRecord& record,
                            const EvaluationOptions& options) {
  const bool air = !record.outlet_code.empty() && record.outlet_code[1] == 'A';
  domain::Task task;
  task.enterprise_uscc = record.enterprise_uscc;
  task.outlet_code = record.outlet_code;
  task.source_kind = domain::TaskSourceKind::kExceedanceIncident;
  task.source = record.ResourceName();
  task.title = absl::StrCat(record.outlet_code, " ", FactorName(record.incident.key.pollutant),
                            record.window_length >= absl::Hours(24) ? "日" : "小时",
                            "均值超过许可排放浓度，限期整改");
  task.legal_basis = absl::StrCat("《排污许可管理条例》第二十一条、第三十四条；",
                                  air ? "《中华人民共和国大气污染防治法》第九十九条"
                                      : "《中华人民共和国水污染防治法》第八十三条");
  task.required_actions = {
      "立即查明超标原因并采取措施减少排放",
      "按排污许可证要求记录环境管理台账并报告超标情况及原因",
      "提交整改报告，说明整改措施及整改后连续达标情况",
  };
  task.evidence_required = {
      "超标原因分析及整改报告",
      "整改后自动监测数据或第三方监测报告",
  };
  task.deadline.days = options.task_deadline_days;
  task.deadline.working_days = options.task_deadline_working_days;
  return task;
}

}  // namespace ecocase::evaluation
