#include "storage/mysql/mysql_task_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::ExtensionState;
using domain::Reinspection;
using domain::Rectification;
using domain::Task;
using domain::TaskExtension;
using domain::TaskState;

// The states in which a task is open (not VERIFIED or CANCELLED).
constexpr absl::string_view kOpen = "t.state IN ('ISSUED', 'ACKNOWLEDGED', 'SUBMITTED')";

// Columns read into a domain::Task, in this order, by every query below (aliases t task,
// e enterprise, o outlet); the rows of the current report and extension ride along.
constexpr absl::string_view kTaskColumns =
    "t.id, e.uscc, o.code, t.source_kind, t.source, t.title, t.legal_basis, t.deadline_days, "
    "t.deadline_working, DATE_FORMAT(t.due_day, '%Y-%m-%d'), "
    "DATE_FORMAT(t.due_time, '%Y-%m-%d %H:%i:%s.%f'), t.due_provisional, t.state, t.refused, "
    "t.state_reason, t.issued_by, DATE_FORMAT(t.issue_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(t.update_time, '%Y-%m-%d %H:%i:%s.%f'), t.version, e.district_code, "
    "t.rectification_seq, t.extension_seq";
constexpr absl::string_view kTaskFrom =
    " FROM rectification_task t JOIN enterprise e ON e.id = t.enterprise_id "
    "LEFT JOIN outlet o ON o.id = t.outlet_id";

constexpr absl::string_view kInsertTask =
    "INSERT INTO rectification_task (enterprise_id, outlet_id, source_kind, source, title, "
    "legal_basis, deadline_days, deadline_working, due_day, due_time, due_provisional, state, "
    "refused, state_reason, issued_by, issue_time, update_time, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
constexpr absl::string_view kUpdateTask =
    "UPDATE rectification_task SET deadline_days = ?, deadline_working = ?, due_day = ?, "
    "due_time = ?, due_provisional = ?, state = ?, refused = ?, state_reason = ?, "
    "rectification_seq = ?, extension_seq = ?, update_time = ?, version = version + 1 "
    "WHERE id = ?";
constexpr absl::string_view kInsertItem =
    "INSERT INTO task_item (task_id, kind, position, content) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kInsertRectification =
    "INSERT INTO task_rectification (task_id, seq, report, submitted_by, submit_time) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertEvidence =
    "INSERT INTO task_rectification_evidence (task_id, seq, position, reference) "
    "VALUES (?, ?, ?, ?)";
constexpr absl::string_view kInsertReinspection =
    "INSERT INTO task_reinspection (task_id, seq, kind, inspection_date, outcome, findings, "
    "record_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertOfficer =
    "INSERT INTO task_reinspection_officer (task_id, seq, position, officer) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kInsertExtension =
    "INSERT INTO task_extension (task_id, seq, reason, extra_days, extra_working, state, "
    "requested_by, request_time, decided_by, decision_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kDecideExtension =
    "UPDATE task_extension SET state = ?, decided_by = ?, decision_note = ?, decide_time = ? "
    "WHERE task_id = ? AND seq = ?";

constexpr absl::string_view kActionItems = "ACTION";
constexpr absl::string_view kEvidenceItems = "EVIDENCE";

// A task as read, with the sequence numbers of the child rows it shows.
struct StoredTask {
  Task task;
  int rectification_seq = 0;
  int extension_seq = 0;
};

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("bad date '", text, "' in the database"));
  }
  return day;
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(absl::StrCat("tasks/", id, " has an unknown ", what));
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("tasks/", id, " not found"));
}

absl::Status EnterpriseNotFound(const std::string& uscc) {
  return absl::NotFoundError(absl::StrCat("enterprises/", uscc, " not found"));
}

absl::StatusOr<StoredTask> ReadTaskRow(sql::ResultSet& rs) {
  StoredTask s;
  Task& t = s.task;
  t.id = rs.getInt64(1);
  t.enterprise_uscc = rs.getString(2);
  if (!rs.isNull(3)) t.outlet_code = rs.getString(3);
  auto kind = domain::TaskSourceKindFromName(std::string(rs.getString(4)));
  if (!kind.has_value()) return BadColumn(t.id, "source kind");
  t.source_kind = *kind;
  t.source = rs.getString(5);
  t.title = rs.getString(6);
  t.legal_basis = rs.getString(7);
  t.deadline.days = rs.getInt(8);
  t.deadline.working_days = rs.getBoolean(9);
  ECOCASE_ASSIGN_OR_RETURN(t.due_day, ParseDay(rs.getString(10)));
  ECOCASE_ASSIGN_OR_RETURN(t.due_time, ParseSqlTime(rs.getString(11)));
  t.due_provisional = rs.getBoolean(12);
  auto state = domain::TaskStateFromName(std::string(rs.getString(13)));
  if (!state.has_value()) return BadColumn(t.id, "state");
  t.state = *state;
  t.refused = rs.getBoolean(14);
  t.state_reason = rs.getString(15);
  t.issued_by = rs.getString(16);
  ECOCASE_ASSIGN_OR_RETURN(t.issue_time, ParseSqlTime(rs.getString(17)));
  ECOCASE_ASSIGN_OR_RETURN(t.update_time, ParseSqlTime(rs.getString(18)));
  t.version = rs.getInt64(19);
  t.district_code = rs.getString(20);
  s.rectification_seq = rs.getInt(21);
  s.extension_seq = rs.getInt(22);
  return s;
}

// "?, ?, ?" for `n` values.
std::string Placeholders(size_t n) {
  std::vector<absl::string_view> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

// Runs `query`, whose only parameters are the ids of `tasks` (in order), and calls `row`
// with the task its first column names.
absl::Status ForEachChildRow(sql::Connection& conn, std::vector<StoredTask>& tasks,
                             const std::map<int64_t, size_t>& index, const std::string& query,
                             absl::FunctionRef<absl::Status(Task&, sql::ResultSet&)> row) {
  auto stmt = Prepare(conn, query);
  int i = 1;
  for (const StoredTask& s : tasks) stmt->setInt64(i++, s.task.id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  while (rs->next()) {
    auto it = index.find(rs->getInt64(1));
    if (it == index.end()) continue;
    ECOCASE_RETURN_IF_ERROR(row(tasks[it->second].task, *rs));
  }
  return absl::OkStatus();
}

// Fills the lists, the current report, the re-inspections and the extension of `tasks`,
// a handful of statements whatever their number.
absl::Status LoadChildren(sql::Connection& conn, std::vector<StoredTask>& tasks) {
  if (tasks.empty()) return absl::OkStatus();
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < tasks.size(); ++i) index[tasks[i].task.id] = i;
  const std::string ids = Placeholders(tasks.size());

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT task_id, kind, content FROM task_item WHERE task_id IN (", ids,
                   ") ORDER BY task_id, kind, position"),
      [](Task& t, sql::ResultSet& rs) {
        std::string kind = rs.getString(2);
        (kind == kActionItems ? t.required_actions : t.evidence_required)
            .push_back(rs.getString(3));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT r.task_id, r.report, r.submitted_by, "
                   "DATE_FORMAT(r.submit_time, '%Y-%m-%d %H:%i:%s.%f') FROM task_rectification r "
                   "JOIN rectification_task t ON t.id = r.task_id AND t.rectification_seq = r.seq "
                   "WHERE r.task_id IN (",
                   ids, ")"),
      [](Task& t, sql::ResultSet& rs) -> absl::Status {
        Rectification r;
        r.report = rs.getString(2);
        r.submitted_by = rs.getString(3);
        ECOCASE_ASSIGN_OR_RETURN(r.submit_time, ParseSqlTime(rs.getString(4)));
        t.rectification = std::move(r);
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT v.task_id, v.reference FROM task_rectification_evidence v "
                   "JOIN rectification_task t ON t.id = v.task_id AND t.rectification_seq = v.seq "
                   "WHERE v.task_id IN (",
                   ids, ") ORDER BY v.task_id, v.position"),
      [](Task& t, sql::ResultSet& rs) {
        if (!t.rectification.has_value()) {
          return absl::InternalError(
              absl::StrCat(t.ResourceName(), " has evidence without its report"));
        }
        t.rectification->evidence.push_back(rs.getString(2));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT task_id, seq, kind, DATE_FORMAT(inspection_date, '%Y-%m-%d'), "
                   "outcome, findings, DATE_FORMAT(record_time, '%Y-%m-%d %H:%i:%s.%f') "
                   "FROM task_reinspection WHERE task_id IN (",
                   ids, ") ORDER BY task_id, seq"),
      [](Task& t, sql::ResultSet& rs) -> absl::Status {
        if (rs.getInt(2) != static_cast<int>(t.reinspections.size()) + 1) {
          return absl::InternalError(
              absl::StrCat(t.ResourceName(), " has a gap in its re-inspections"));
        }
        Reinspection r;
        auto kind = domain::ReinspectionKindFromName(std::string(rs.getString(3)));
        auto outcome = domain::ReinspectionOutcomeFromName(std::string(rs.getString(5)));
        if (!kind.has_value() || !outcome.has_value()) {
          return BadColumn(t.id, "re-inspection kind or outcome");
        }
        r.kind = *kind;
        r.outcome = *outcome;
        ECOCASE_ASSIGN_OR_RETURN(r.date, ParseDay(rs.getString(4)));
        r.findings = rs.getString(6);
        ECOCASE_ASSIGN_OR_RETURN(r.record_time, ParseSqlTime(rs.getString(7)));
        t.reinspections.push_back(std::move(r));
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT task_id, seq, officer FROM task_reinspection_officer "
                   "WHERE task_id IN (",
                   ids, ") ORDER BY task_id, seq, position"),
      [](Task& t, sql::ResultSet& rs) {
        const int seq = rs.getInt(2);
        if (seq < 1 || seq > static_cast<int>(t.reinspections.size())) {
          return absl::InternalError(
              absl::StrCat(t.ResourceName(), " has officers of an unknown re-inspection"));
        }
        t.reinspections[static_cast<size_t>(seq - 1)].officers.push_back(rs.getString(3));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, tasks, index,
      absl::StrCat("SELECT x.task_id, x.reason, x.extra_days, x.extra_working, x.state, "
                   "x.requested_by, x.decided_by, x.decision_note FROM task_extension x "
                   "JOIN rectification_task t ON t.id = x.task_id AND t.extension_seq = x.seq "
                   "WHERE x.task_id IN (",
                   ids, ")"),
      [](Task& t, sql::ResultSet& rs) {
        TaskExtension x;
        x.reason = rs.getString(2);
        x.extra.days = rs.getInt(3);
        x.extra.working_days = rs.getBoolean(4);
        auto state = domain::ExtensionStateFromName(std::string(rs.getString(5)));
        if (!state.has_value()) return BadColumn(t.id, "extension state");
        x.state = *state;
        x.requested_by = rs.getString(6);
        x.decided_by = rs.getString(7);
        x.decision_note = rs.getString(8);
        t.extension = std::move(x);
        return absl::OkStatus();
      }));
  return absl::OkStatus();
}

// Runs a query of kTaskColumns and reads every task whole.
absl::StatusOr<std::vector<StoredTask>> ReadTasks(sql::Connection& conn,
                                                  sql::PreparedStatement& stmt) {
  std::vector<StoredTask> tasks;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(StoredTask s, ReadTaskRow(*rs));
      tasks.push_back(std::move(s));
    }
  }
  ECOCASE_RETURN_IF_ERROR(LoadChildren(conn, tasks));
  return tasks;
}

std::vector<Task> TasksOf(std::vector<StoredTask> stored) {
  std::vector<Task> tasks;
  tasks.reserve(stored.size());
  for (StoredTask& s : stored) tasks.push_back(std::move(s.task));
  return tasks;
}

// One task by id within scope (not locked).
absl::StatusOr<std::optional<StoredTask>> SelectTask(sql::Connection& conn, const Scope& scope,
                                                     int64_t id) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt = Prepare(conn, absl::StrCat("SELECT ", kTaskColumns, kTaskFrom, " WHERE t.id = ? AND ",
                                         p.sql));
  stmt->setInt64(1, id);
  BindStrings(*stmt, 2, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<StoredTask> tasks, ReadTasks(conn, *stmt));
  if (tasks.empty()) return std::optional<StoredTask>();
  return std::optional<StoredTask>(std::move(tasks.front()));
}

// The id of the task issued for a finding, locking its index entry (or the gap where it
// would be, so that two issuers of the same finding serialise).
std::optional<int64_t> LockBySource(sql::Connection& conn, const Task& task) {
  auto stmt = Prepare(conn,
                      "SELECT id FROM rectification_task WHERE source_kind = ? AND source = ? "
                      "FOR UPDATE");
  stmt->setString(1, std::string(domain::TaskSourceKindName(task.source_kind)));
  stmt->setString(2, task.source);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getInt64(1);
}

// The next sequence number of a history table for task `id` (the task is locked).
int NextSeq(sql::Connection& conn, absl::string_view table, int64_t id) {
  auto stmt = Prepare(conn, absl::StrCat("SELECT COALESCE(MAX(seq), 0) + 1 FROM ", table,
                                         " WHERE task_id = ?"));
  stmt->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  rs->next();
  return rs->getInt(1);
}

void InsertItems(sql::Connection& conn, int64_t id, absl::string_view kind,
                 const std::vector<std::string>& items) {
  if (items.empty()) return;
  auto stmt = Prepare(conn, kInsertItem);
  for (size_t i = 0; i < items.size(); ++i) {
    stmt->setInt64(1, id);
    stmt->setString(2, std::string(kind));
    stmt->setInt(3, static_cast<int>(i));
    stmt->setString(4, items[i]);
    stmt->executeUpdate();
  }
}

void InsertRectification(sql::Connection& conn, int64_t id, int seq, const Rectification& r) {
  auto stmt = Prepare(conn, kInsertRectification);
  stmt->setInt64(1, id);
  stmt->setInt(2, seq);
  stmt->setString(3, r.report);
  stmt->setString(4, r.submitted_by);
  stmt->setString(5, FormatSqlTime(r.submit_time));
  stmt->executeUpdate();
  if (r.evidence.empty()) return;
  auto evidence = Prepare(conn, kInsertEvidence);
  for (size_t i = 0; i < r.evidence.size(); ++i) {
    evidence->setInt64(1, id);
    evidence->setInt(2, seq);
    evidence->setInt(3, static_cast<int>(i));
    evidence->setString(4, r.evidence[i]);
    evidence->executeUpdate();
  }
}

void InsertReinspection(sql::Connection& conn, int64_t id, int seq, const Reinspection& r) {
  auto stmt = Prepare(conn, kInsertReinspection);
  stmt->setInt64(1, id);
  stmt->setInt(2, seq);
  stmt->setString(3, std::string(domain::ReinspectionKindName(r.kind)));
  stmt->setString(4, DayText(r.date));
  stmt->setString(5, std::string(domain::ReinspectionOutcomeName(r.outcome)));
  stmt->setString(6, r.findings);
  stmt->setString(7, FormatSqlTime(r.record_time));
  stmt->executeUpdate();
  if (r.officers.empty()) return;
  auto officers = Prepare(conn, kInsertOfficer);
  for (size_t i = 0; i < r.officers.size(); ++i) {
    officers->setInt64(1, id);
    officers->setInt(2, seq);
    officers->setInt(3, static_cast<int>(i));
    officers->setString(4, r.officers[i]);
    officers->executeUpdate();
  }
}

void InsertExtension(sql::Connection& conn, int64_t id, int seq, const TaskExtension& x,
                     absl::Time now) {
  auto stmt = Prepare(conn, kInsertExtension);
  stmt->setInt64(1, id);
  stmt->setInt(2, seq);
  stmt->setString(3, x.reason);
  stmt->setInt(4, x.extra.days);
  stmt->setBoolean(5, x.extra.working_days);
  stmt->setString(6, std::string(domain::ExtensionStateName(x.state)));
  stmt->setString(7, x.requested_by);
  stmt->setString(8, FormatSqlTime(now));
  stmt->setString(9, x.decided_by);
  stmt->setString(10, x.decision_note);
  stmt->executeUpdate();
}

void DecideExtension(sql::Connection& conn, int64_t id, int seq, const TaskExtension& x,
                     absl::Time now) {
  auto stmt = Prepare(conn, kDecideExtension);
  stmt->setString(1, std::string(domain::ExtensionStateName(x.state)));
  stmt->setString(2, x.decided_by);
  stmt->setString(3, x.decision_note);
  stmt->setString(4, FormatSqlTime(now));
  stmt->setInt64(5, id);
  stmt->setInt(6, seq);
  stmt->executeUpdate();
}

bool SameRectification(const Rectification& a, const Rectification& b) {
  return a.report == b.report && a.evidence == b.evidence && a.submitted_by == b.submitted_by &&
         a.submit_time == b.submit_time;
}

bool SameExtension(const TaskExtension& a, const TaskExtension& b) {
  return a.reason == b.reason && a.extra.days == b.extra.days &&
         a.extra.working_days == b.extra.working_days && a.state == b.state &&
         a.requested_by == b.requested_by && a.decided_by == b.decided_by &&
         a.decision_note == b.decision_note;
}

// The times storage keeps: whole microseconds.
void Truncate(Task& t) {
  t.due_time = TruncateToMicros(t.due_time);
  t.issue_time = TruncateToMicros(t.issue_time);
  t.update_time = TruncateToMicros(t.update_time);
  if (t.rectification.has_value()) {
    t.rectification->submit_time = TruncateToMicros(t.rectification->submit_time);
  }
  for (Reinspection& r : t.reinspections) r.record_time = TruncateToMicros(r.record_time);
}

// Stores what `change` did to a locked task.
absl::Status StoreChange(sql::Connection& conn, const StoredTask& before, Task& after,
                         absl::Time now) {
  const Task& old = before.task;
  const int64_t id = old.id;
  if (after.id != id || after.enterprise_uscc != old.enterprise_uscc ||
      after.outlet_code != old.outlet_code || after.source_kind != old.source_kind ||
      after.source != old.source) {
    return absl::InternalError(absl::StrCat("a change tried to alter the identity of ",
                                            old.ResourceName()));
  }
  if (after.reinspections.size() < old.reinspections.size()) {
    return absl::InternalError(
        absl::StrCat("a change tried to drop re-inspections of ", old.ResourceName()));
  }
  after.update_time = now;
  Truncate(after);

  int rectification_seq = before.rectification_seq;
  if (!after.rectification.has_value()) {
    rectification_seq = 0;
  } else if (!old.rectification.has_value() ||
             !SameRectification(*old.rectification, *after.rectification)) {
    rectification_seq = NextSeq(conn, "task_rectification", id);
    InsertRectification(conn, id, rectification_seq, *after.rectification);
  }

  for (size_t i = old.reinspections.size(); i < after.reinspections.size(); ++i) {
    InsertReinspection(conn, id, static_cast<int>(i) + 1, after.reinspections[i]);
  }

  int extension_seq = before.extension_seq;
  if (!after.extension.has_value()) {
    extension_seq = 0;
  } else if (!old.extension.has_value() ||
             (after.extension->state == ExtensionState::kPending &&
              old.extension->state != ExtensionState::kPending)) {
    // A new request: the earlier one, decided, stays in history.
    extension_seq = NextSeq(conn, "task_extension", id);
    InsertExtension(conn, id, extension_seq, *after.extension, now);
  } else if (!SameExtension(*old.extension, *after.extension)) {
    DecideExtension(conn, id, extension_seq, *after.extension, now);
  }

  auto stmt = Prepare(conn, kUpdateTask);
  stmt->setInt(1, after.deadline.days);
  stmt->setBoolean(2, after.deadline.working_days);
  stmt->setString(3, DayText(after.due_day));
  stmt->setString(4, FormatSqlTime(after.due_time));
  stmt->setBoolean(5, after.due_provisional);
  stmt->setString(6, std::string(domain::TaskStateName(after.state)));
  stmt->setBoolean(7, after.refused);
  stmt->setString(8, after.state_reason);
  stmt->setInt(9, rectification_seq);
  stmt->setInt(10, extension_seq);
  stmt->setString(11, FormatSqlTime(now));
  stmt->setInt64(12, id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

// The existing task for the same finding, as Issue returns it: visible within scope, or
// FAILED_PRECONDITION (the finding was already turned into a task elsewhere).
absl::StatusOr<std::pair<Task, bool>> Existing(sql::Connection& conn, const Scope& scope,
                                               const Task& task, int64_t id) {
  ECOCASE_ASSIGN_OR_RETURN(std::optional<StoredTask> existing, SelectTask(conn, scope, id));
  if (!existing.has_value()) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            domain::TaskSourceKindName(task.source_kind), " ", task.source,
            " already has a task outside your jurisdiction")),
        "TASK_SOURCE_TAKEN");
  }
  return std::make_pair(std::move(existing->task), false);
}

}  // namespace

absl::StatusOr<std::pair<Task, bool>> MysqlTaskRepository::Issue(Tx& tx, const Scope& scope,
                                                                 Task task, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  Truncate(task);

  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto enterprise = Prepare(
      conn, absl::StrCat("SELECT e.id FROM enterprise e WHERE e.uscc = ? AND ", p.sql));
  enterprise->setString(1, task.enterprise_uscc);
  BindStrings(*enterprise, 2, p.values);
  int64_t enterprise_id = 0;
  {
    std::unique_ptr<sql::ResultSet> rs(enterprise->executeQuery());
    if (!rs->next()) return EnterpriseNotFound(task.enterprise_uscc);
    enterprise_id = rs->getInt64(1);
  }
  std::optional<int64_t> outlet_id;
  if (!task.outlet_code.empty()) {
    auto outlet = Prepare(conn, "SELECT id FROM outlet WHERE enterprise_id = ? AND code = ?");
    outlet->setInt64(1, enterprise_id);
    outlet->setString(2, task.outlet_code);
    std::unique_ptr<sql::ResultSet> rs(outlet->executeQuery());
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("enterprises/", task.enterprise_uscc, "/outlets/",
                                              task.outlet_code, " not found"));
    }
    outlet_id = rs->getInt64(1);
  }

  if (std::optional<int64_t> id = LockBySource(conn, task); id.has_value()) {
    return Existing(conn, scope, task, *id);
  }
  int64_t id = 0;
  try {
    auto stmt = Prepare(conn, kInsertTask);
    stmt->setInt64(1, enterprise_id);
    if (outlet_id.has_value()) {
      stmt->setInt64(2, *outlet_id);
    } else {
      stmt->setNull(2, sql::DataType::BIGINT);
    }
    stmt->setString(3, std::string(domain::TaskSourceKindName(task.source_kind)));
    stmt->setString(4, task.source);
    stmt->setString(5, task.title);
    stmt->setString(6, task.legal_basis);
    stmt->setInt(7, task.deadline.days);
    stmt->setBoolean(8, task.deadline.working_days);
    stmt->setString(9, DayText(task.due_day));
    stmt->setString(10, FormatSqlTime(task.due_time));
    stmt->setBoolean(11, task.due_provisional);
    stmt->setString(12, std::string(domain::TaskStateName(task.state)));
    stmt->setBoolean(13, task.refused);
    stmt->setString(14, task.state_reason);
    stmt->setString(15, task.issued_by);
    stmt->setString(16, FormatSqlTime(task.issue_time));
    stmt->setString(17, FormatSqlTime(now));
    stmt->executeUpdate();
    id = LastInsertId(conn);
  } catch (const sql::SQLException& e) {
    // Another transaction issued the same finding between our look and our insert.
    if (e.getErrorCode() != kErDupEntry) throw;
    std::optional<int64_t> taken = LockBySource(conn, task);
    if (!taken.has_value()) throw;
    return Existing(conn, scope, task, *taken);
  }
  InsertItems(conn, id, kActionItems, task.required_actions);
  InsertItems(conn, id, kEvidenceItems, task.evidence_required);
  ECOCASE_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, SelectTask(conn, Scope::All(), id));
  if (!stored.has_value()) return absl::InternalError("an issued task vanished");
  return std::make_pair(std::move(stored->task), true);
}

absl::StatusOr<Task> MysqlTaskRepository::Update(
    Tx& tx, const Scope& scope, int64_t id, int64_t expected_version,
    absl::FunctionRef<absl::Status(Task&)> change, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  // Lock the task row alone (a joined FOR UPDATE would lock its enterprise too); the
  // connection reads committed data, so the load below sees what the lock protects.
  {
    auto lock = Prepare(conn, "SELECT id FROM rectification_task WHERE id = ? FOR UPDATE");
    lock->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
    if (!rs->next()) return NotFound(id);
  }
  ECOCASE_ASSIGN_OR_RETURN(std::optional<StoredTask> before, SelectTask(conn, scope, id));
  if (!before.has_value()) return NotFound(id);
  if (expected_version != 0 && expected_version != before->task.version) {
    return common::WithReason(
        absl::AbortedError(absl::StrCat(before->task.ResourceName(),
                                        " was changed by someone else; read it again and retry")),
        "ETAG_MISMATCH");
  }
  Task after = before->task;
  ECOCASE_RETURN_IF_ERROR(change(after));
  ECOCASE_RETURN_IF_ERROR(StoreChange(conn, *before, after, now));
  ECOCASE_ASSIGN_OR_RETURN(std::optional<StoredTask> stored, SelectTask(conn, Scope::All(), id));
  if (!stored.has_value()) return absl::InternalError("an updated task vanished");
  return std::move(stored->task);
}

absl::StatusOr<Task> MysqlTaskRepository::Get(const Scope& scope, int64_t id) {
  std::optional<StoredTask> found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get task", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectTask(conn, scope, id));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return NotFound(id);
  return std::move(found->task);
}

absl::StatusOr<std::vector<Task>> MysqlTaskRepository::List(
    const Scope& scope, const TaskFilter& filter, int limit,
    const std::optional<TaskCursor>& after) {
  std::vector<StoredTask> tasks;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list tasks", [&](sql::Connection& conn) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    // The district filter covers districts the way scope does (a city code, its districts).
    std::optional<SqlPredicate> district;
    if (!filter.district_code.empty()) {
      Scope area;
      area.district_codes = {filter.district_code};
      district = ScopePredicate(area, "e.district_code", "e.uscc");
    }
    std::string query = absl::StrCat(
        "SELECT ", kTaskColumns, kTaskFrom, " WHERE ", p.sql,
        filter.enterprise_uscc.empty() ? "" : " AND e.uscc = ?",
        filter.state.has_value() ? " AND t.state = ?" : "",
        filter.overdue_only ? absl::StrCat(" AND ", kOpen, " AND t.due_time <= ?") : "",
        filter.due_before.has_value() ? absl::StrCat(" AND ", kOpen, " AND t.due_time <= ?")
                                      : "",
        district.has_value() ? absl::StrCat(" AND ", district->sql) : "",
        after.has_value() ? " AND (t.issue_time < ? OR (t.issue_time = ? AND t.id < ?))" : "",
        " ORDER BY t.issue_time DESC, t.id DESC LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = BindStrings(*stmt, 1, p.values);
    if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
    if (filter.state.has_value()) {
      stmt->setString(i++, std::string(domain::TaskStateName(*filter.state)));
    }
    if (filter.overdue_only) stmt->setString(i++, FormatSqlTime(filter.now));
    if (filter.due_before.has_value()) stmt->setString(i++, FormatSqlTime(*filter.due_before));
    if (district.has_value()) i = BindStrings(*stmt, i, district->values);
    if (after.has_value()) {
      const std::string t = FormatSqlTime(after->issue_time);
      stmt->setString(i++, t);
      stmt->setString(i++, t);
      stmt->setInt64(i++, after->id);
    }
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(tasks, ReadTasks(conn, *stmt));
    return absl::OkStatus();
  }));
  return TasksOf(std::move(tasks));
}

absl::StatusOr<std::vector<Task>> MysqlTaskRepository::ListOverdueOpen(absl::Time now,
                                                                       int limit) {
  std::vector<StoredTask> tasks;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list overdue tasks", [&](sql::Connection& conn) {
        auto stmt = Prepare(
            conn, absl::StrCat("SELECT ", kTaskColumns, kTaskFrom, " WHERE ", kOpen,
                               " AND t.due_time <= ? AND (t.overdue_flagged_due IS NULL OR "
                               "t.overdue_flagged_due <> t.due_time) "
                               "ORDER BY t.due_time, t.id LIMIT ?"));
        stmt->setString(1, FormatSqlTime(now));
        stmt->setInt(2, limit);
        ECOCASE_ASSIGN_OR_RETURN(tasks, ReadTasks(conn, *stmt));
        return absl::OkStatus();
      }));
  return TasksOf(std::move(tasks));
}

absl::StatusOr<bool> MysqlTaskRepository::MarkOverdueFlagged(Tx& tx, int64_t id,
                                                             absl::Time due_time) {
  auto stmt = Prepare(tx.connection(),
                      absl::StrCat("UPDATE rectification_task t SET t.overdue_flagged_due = ? "
                                   "WHERE t.id = ? AND t.due_time = ? AND ",
                                   kOpen,
                                   " AND (t.overdue_flagged_due IS NULL OR "
                                   "t.overdue_flagged_due <> t.due_time)"));
  const std::string due = FormatSqlTime(TruncateToMicros(due_time));
  stmt->setString(1, due);
  stmt->setInt64(2, id);
  stmt->setString(3, due);
  return stmt->executeUpdate() == 1;
}

absl::StatusOr<TaskCounts> MysqlTaskRepository::CountOpenAndOverdue(
    const Scope& scope, const std::string& enterprise_uscc, absl::Time now) {
  std::optional<TaskCounts> counts;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "count tasks", [&](sql::Connection& conn) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    auto stmt = Prepare(
        conn, absl::StrCat("SELECT COUNT(t.id), COALESCE(SUM(t.due_time <= ?), 0) "
                           "FROM enterprise e LEFT JOIN rectification_task t "
                           "ON t.enterprise_id = e.id AND ",
                           kOpen, " WHERE e.uscc = ? AND ", p.sql, " GROUP BY e.id"));
    stmt->setString(1, FormatSqlTime(now));
    stmt->setString(2, enterprise_uscc);
    BindStrings(*stmt, 3, p.values);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) return absl::OkStatus();
    counts = TaskCounts{rs->getInt64(1), rs->getInt64(2)};
    return absl::OkStatus();
  }));
  if (!counts.has_value()) return EnterpriseNotFound(enterprise_uscc);
  return *counts;
}

}  // namespace ecocase::storage::mysql
