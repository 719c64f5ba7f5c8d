#include "evaluation/incident_text.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/regulatory_time.h"

namespace ecocase::evaluation {
namespace {

using domain::evaluation::IncidentEventKind;
using domain::evaluation::IncidentKind;

std::string BeijingMinute(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, common::RegulatoryTimeZone());
}

std::string WindowWord(const storage::IncidentRecord& r) {
  return r.window_length >= absl::Hours(24) ? "日" : "小时";
}

std::string Subject(const storage::IncidentRecord& r) {
  std::string who = r.enterprise_name.empty() ? r.enterprise_uscc : r.enterprise_name;
  return absl::StrCat(who, " ", r.outlet_code);
}

std::string Prefix(IncidentEventKind event, IncidentKind kind) {
  switch (event) {
    case IncidentEventKind::kOpened:
      switch (kind) {
        case IncidentKind::kExceedance: return "【新超标】";
        case IncidentKind::kMissingData: return "【数据缺失】";
        case IncidentKind::kDeviceOffline: return "【设备离线】";
        case IncidentKind::kUnspecified: break;
      }
      return "【新事件】";
    case IncidentEventKind::kUpdated: return "【事件更新】";
    case IncidentEventKind::kClosed: return "【事件关闭】";
    case IncidentEventKind::kWithdrawn: return "【事件撤销】";
    case IncidentEventKind::kUnspecified: break;
  }
  return "【事件】";
}

}  // namespace

std::string FactorName(absl::string_view code) {
  static const auto* const kNames = new std::map<std::string, std::string, std::less<>>{
      {"a19001", "氧含量"},     {"a21002", "氮氧化物"}, {"a21005", "一氧化碳"},
      {"a21024", "氯化氢"},     {"a21026", "二氧化硫"}, {"a34013", "颗粒物"},
      {"a24088", "非甲烷总烃"}, {"w00000", "废水流量"}, {"w01001", "pH值"},
      {"w01018", "化学需氧量"}, {"w21003", "氨氮"},     {"w21001", "总氮"},
      {"w21011", "总磷"},
  };
  auto it = kNames->find(code);
  return it == kNames->end() ? std::string(code) : it->second;
}

std::string IncidentAlertTitle(IncidentEventKind event, const storage::IncidentRecord& r) {
  const domain::evaluation::Incident& in = r.incident;
  const std::string prefix = Prefix(event, in.key.kind);
  const std::string subject = Subject(r);
  const std::string factor = FactorName(in.key.pollutant);
  switch (in.key.kind) {
    case IncidentKind::kExceedance:
      if (event == IncidentEventKind::kClosed) {
        return absl::StrCat(prefix, subject, " ", factor, "超标已恢复达标（共", in.bad_windows,
                            "个", WindowWord(r), "超标）");
      }
      if (event == IncidentEventKind::kWithdrawn) {
        return absl::StrCat(prefix, subject, " ", factor,
                            "超标经复核撤销（迟到数据或已接受的数据标记）");
      }
      return absl::StrFormat(
          "%s%s %s%s均值超标：峰值 %.4g %s（限值 %.4g，%.2f倍），%s 起，共 %d 个%s", prefix,
          subject, factor, WindowWord(r), in.peak_value, in.peak_unit, in.peak_limit, in.peak_ratio,
          BeijingMinute(in.first_bad_window), in.bad_windows, WindowWord(r));
    case IncidentKind::kMissingData:
      if (event == IncidentEventKind::kClosed) {
        return absl::StrCat(prefix, subject, " ", factor, "有效数据已恢复（缺失", in.bad_windows,
                            "个", WindowWord(r), "）");
      }
      if (event == IncidentEventKind::kWithdrawn) {
        return absl::StrCat(prefix, subject, " ", factor,
                            "数据缺失经复核撤销（数据已补传或已标记）");
      }
      return absl::StrCat(prefix, subject, " ", factor, "自 ", BeijingMinute(in.first_bad_window),
                          " 起缺少有效", WindowWord(r), "数据，共 ", in.bad_windows, " 个",
                          WindowWord(r));
    case IncidentKind::kDeviceOffline:
      if (event == IncidentEventKind::kClosed) {
        return absl::StrCat(prefix, subject, " 监测设备 ", r.mn, " 已恢复上传");
      }
      return absl::StrCat(prefix, subject, " 监测设备 ", r.mn, " 自 ",
                          BeijingMinute(in.first_bad_window), " 起无数据上传");
    case IncidentKind::kUnspecified: break;
  }
  return absl::StrCat(prefix, subject);
}

std::string IncidentAlertDetail(const storage::IncidentRecord& r) {
  const domain::evaluation::Incident& in = r.incident;
  std::string text =
      absl::StrCat(r.ResourceName(), " 首个异常时段 ", BeijingMinute(in.first_bad_window),
                   "，最后异常时段 ", BeijingMinute(in.last_bad_window));
  if (in.closing_window) absl::StrAppend(&text, "，关闭于 ", BeijingMinute(*in.closing_window));
  absl::StrAppend(&text, "；规则 ", r.rule_version);
  return text;
}

std::string TaskIssuedAlertTitle(const domain::Task& task, const storage::IncidentRecord& r) {
  // The task's title names the outlet already.
  std::string who = r.enterprise_name.empty() ? r.enterprise_uscc : r.enterprise_name;
  return absl::StrCat("【新整改任务】", who, " ", task.title, "，限 ",
                      absl::FormatCivilTime(task.due_day), " 前完成");
}

}  // namespace ecocase::evaluation
