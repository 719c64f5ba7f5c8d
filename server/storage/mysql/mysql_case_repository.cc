#include "storage/mysql/mysql_case_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "storage/mysql/case_document.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::CaseEvent;
using domain::CaseOfficer;
using domain::CaseSourceKind;
using domain::CaseState;
using domain::EnforcementCase;

// The states in which a case is open (not NOT_FILED, CLOSED or ARCHIVED).
constexpr absl::string_view kOpen = "k.state NOT IN ('NOT_FILED', 'CLOSED', 'ARCHIVED')";

// Columns read by ReadCaseRow, in this order (alias k).
constexpr absl::string_view kCaseColumns =
    "k.id, k.case_number, k.source_kind, k.source_link, k.party_kind, k.party_name, "
    "k.enterprise_uscc, k.district_code, k.summary, DATE_FORMAT(k.discovery_day, '%Y-%m-%d'), "
    "k.state, k.state_reason, DATE_FORMAT(k.filed_day, '%Y-%m-%d'), k.closure_ground, "
    "k.document, DATE_FORMAT(k.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(k.update_time, '%Y-%m-%d %H:%i:%s.%f'), k.version";

constexpr absl::string_view kInsertCase =
    "INSERT INTO enforcement_case (case_number, case_year, case_seq, source_kind, source_link, "
    "party_kind, party_name, enterprise_uscc, district_code, summary, discovery_day, state, "
    "state_reason, filed_day, notified, public_decision, closure_ground, clock_due, document, "
    "created_by, create_time, update_time, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
// Bumps the version only from the one the caller read (the row is locked, so a miss means
// a caller bug or a lost lock). A NULL year and sequence keep the stored ones; notified,
// once set, stays set.
constexpr absl::string_view kUpdateCase =
    "UPDATE enforcement_case SET case_number = ?, case_year = COALESCE(?, case_year), "
    "case_seq = COALESCE(?, case_seq), district_code = ?, summary = ?, discovery_day = ?, "
    "state = ?, state_reason = ?, filed_day = ?, notified = notified OR ?, public_decision = ?, "
    "closure_ground = ?, "
    "clock_due = ?, document = ?, update_time = ?, version = version + 1 "
    "WHERE id = ? AND version = ?";
constexpr absl::string_view kInsertOfficer =
    "INSERT INTO case_officer (case_id, position, username, certificate_number, "
    "certificate_expiry) VALUES (?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertEvidence =
    "INSERT INTO case_evidence (case_id, position, ref) VALUES (?, ?, ?)";
constexpr absl::string_view kInsertEvent =
    "INSERT INTO case_event (case_id, seq, kind, state, actor, event_time, note) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";

// The year's counter, incremented with its row X-locked to COMMIT. The year's first filing
// creates the row instead (the ODKU covers a concurrent first filing). INSERT IGNORE then
// SELECT ... FOR UPDATE would take a shared lock on the existing row first, and two
// filings upgrading their shared locks deadlock at every filing, not only the year's first.
constexpr absl::string_view kBumpCounter =
    "UPDATE case_number_counter SET last_seq = last_seq + 1 WHERE year = ?";
constexpr absl::string_view kCreateCounter =
    "INSERT INTO case_number_counter (year, last_seq) VALUES (?, 1) "
    "ON DUPLICATE KEY UPDATE last_seq = last_seq + 1";
constexpr absl::string_view kReadCounter =
    "SELECT last_seq FROM case_number_counter WHERE year = ? FOR UPDATE";

// Findings that may call for a case (the `?` is `now`, for overdue tasks), each with the
// scope predicate appended by ListCandidates: kind, link, enterprise, district,
// description, found time. A link's shape belongs to its source kinds (ValidateNewCase), so
// "a case with this link" is looked up on the (source_kind, source_link) index.
constexpr absl::string_view kComplaintCandidates =
    "SELECT 'COMPLAINT', CONCAT('complaints/', c.id), COALESCE(c.enterprise_uscc, ''), "
    "c.district_code, LEFT(c.description, 200), "
    "DATE_FORMAT(COALESCE(c.update_time, c.receive_time), '%Y-%m-%d %H:%i:%s.%f') AS found "
    "FROM complaint c WHERE c.case_clue AND c.state <> 'MERGED' AND NOT EXISTS (SELECT 1 FROM "
    "enforcement_case k WHERE k.source_kind = 'COMPLAINT' AND "
    "k.source_link = CONCAT('complaints/', c.id)) AND ";
constexpr absl::string_view kIncidentCandidates =
    "SELECT 'EXCEEDANCE_INCIDENT', CONCAT('incidents/', i.id), e.uscc, e.district_code, "
    "LEFT(CONCAT(e.display_name, ' ', o.code, ' ', i.kind, IF(i.pollutant = '', '', "
    "CONCAT(' ', i.pollutant))), 200), "
    "DATE_FORMAT(i.update_time, '%Y-%m-%d %H:%i:%s.%f') AS found "
    "FROM incident i JOIN enterprise e ON e.id = i.enterprise_id "
    "JOIN outlet o ON o.id = i.outlet_id WHERE i.case_candidate AND NOT EXISTS (SELECT 1 FROM "
    "enforcement_case k WHERE k.source_kind = 'EXCEEDANCE_INCIDENT' AND "
    "k.source_link = CONCAT('incidents/', i.id)) AND ";
constexpr absl::string_view kTaskCandidates =
    "SELECT IF(t.refused, 'REFUSED_TASK', 'OVERDUE_TASK'), CONCAT('tasks/', t.id), e.uscc, "
    "e.district_code, LEFT(t.title, 200), "
    "DATE_FORMAT(IF(t.refused, t.update_time, t.due_time), '%Y-%m-%d %H:%i:%s.%f') AS found "
    "FROM rectification_task t JOIN enterprise e ON e.id = t.enterprise_id "
    "WHERE (t.refused OR (t.state IN ('ISSUED', 'ACKNOWLEDGED', 'SUBMITTED') AND "
    "t.due_time <= ?)) AND NOT EXISTS (SELECT 1 FROM enforcement_case k WHERE "
    "k.source_kind IN ('REFUSED_TASK', 'OVERDUE_TASK') AND "
    "k.source_link = CONCAT('tasks/', t.id)) AND ";

// "?, ?, ?" for `n` values.
std::string Placeholders(size_t n) {
  std::vector<absl::string_view> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("cases/", id, " not found"));
}

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("cases/", id, " has an unknown ", what, " in the database"));
}

// Staff see the cases of the districts their scope covers. An ENTERPRISE scope sees its own
// enterprise's cases once notified (事先告知), and no others.
SqlPredicate CaseScope(const Scope& scope) {
  if (!scope.everything && !scope.enterprise_uscc.empty()) {
    return {"(k.enterprise_uscc = ? AND k.notified)", {scope.enterprise_uscc}};
  }
  return ScopePredicate(scope, "k.district_code", "NULL");
}

template <typename Enum>
absl::StatusOr<Enum> Named(std::optional<Enum> (*from_name)(absl::string_view),
                           const std::string& name, int64_t id, absl::string_view what) {
  std::optional<Enum> value = from_name(name);
  if (!value.has_value()) return BadColumn(id, what);
  return *value;
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, int64_t id) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("cases/", id, " has a bad date '", text, "'"));
  }
  return day;
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

void SetOptionalString(sql::PreparedStatement& stmt, int i, const std::string& value) {
  if (value.empty()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, value);
  }
}

void SetOptionalDay(sql::PreparedStatement& stmt, int i, const std::optional<absl::CivilDay>& day) {
  if (day.has_value()) {
    stmt.setString(i, DayText(*day));
  } else {
    stmt.setNull(i, sql::DataType::DATE);
  }
}

void SetOptionalTime(sql::PreparedStatement& stmt, int i, const std::optional<absl::Time>& t) {
  if (t.has_value()) {
    stmt.setString(i, FormatSqlTime(*t));
  } else {
    stmt.setNull(i, sql::DataType::VARCHAR);
  }
}

// The closure ground as stored: UNSPECIFIED while there is none.
absl::StatusOr<domain::ClosureGround> ReadClosureGround(const std::string& name, int64_t id) {
  if (name == "UNSPECIFIED") return domain::ClosureGround::kUnspecified;
  return Named(domain::ClosureGroundFromName, name, id, "closure ground");
}

absl::StatusOr<EnforcementCase> ReadCaseRow(sql::ResultSet& rs) {
  EnforcementCase c;
  c.id = rs.getInt64(1);
  if (!rs.isNull(2)) c.case_number = rs.getString(2);
  ECOCASE_ASSIGN_OR_RETURN(
      c.source.kind, Named(domain::CaseSourceKindFromName, rs.getString(3), c.id, "source kind"));
  c.source.link = rs.getString(4);
  ECOCASE_ASSIGN_OR_RETURN(c.party_kind,
                           Named(domain::PartyKindFromName, rs.getString(5), c.id, "party kind"));
  c.party_name = rs.getString(6);
  if (!rs.isNull(7)) c.enterprise_uscc = rs.getString(7);
  c.district_code = rs.getString(8);
  c.summary = rs.getString(9);
  ECOCASE_ASSIGN_OR_RETURN(c.discovery_day, ParseDay(rs.getString(10), c.id));
  ECOCASE_ASSIGN_OR_RETURN(c.state,
                           Named(domain::CaseStateFromName, rs.getString(11), c.id, "state"));
  c.state_reason = rs.getString(12);
  if (!rs.isNull(13)) {
    ECOCASE_ASSIGN_OR_RETURN(c.filed_day, ParseDay(rs.getString(13), c.id));
  }
  ECOCASE_ASSIGN_OR_RETURN(c.closure_ground, ReadClosureGround(rs.getString(14), c.id));
  ECOCASE_RETURN_IF_ERROR(FromDocument(rs.getString(15), c));
  ECOCASE_ASSIGN_OR_RETURN(c.create_time, ParseSqlTime(rs.getString(16)));
  ECOCASE_ASSIGN_OR_RETURN(c.update_time, ParseSqlTime(rs.getString(17)));
  c.version = rs.getInt64(18);
  return c;
}

// Runs `query`, whose only parameters are the ids of `cases` (in order), and calls `row`
// with the case its first column names.
absl::Status ForEachChildRow(
    sql::Connection& conn, std::vector<EnforcementCase>& cases,
    const std::map<int64_t, size_t>& index, const std::string& query,
    absl::FunctionRef<absl::Status(EnforcementCase&, sql::ResultSet&)> row) {
  auto stmt = Prepare(conn, query);
  int i = 1;
  for (const EnforcementCase& c : cases) stmt->setInt64(i++, c.id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  while (rs->next()) {
    auto it = index.find(rs->getInt64(1));
    if (it == index.end()) continue;
    ECOCASE_RETURN_IF_ERROR(row(cases[it->second], *rs));
  }
  return absl::OkStatus();
}

// Fills the officers, evidence and timeline of `cases`: one statement per child table
// whatever their number.
absl::Status LoadChildren(sql::Connection& conn, std::vector<EnforcementCase>& cases) {
  if (cases.empty()) return absl::OkStatus();
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < cases.size(); ++i) index[cases[i].id] = i;
  const std::string ids = absl::StrCat(" IN (", Placeholders(cases.size()), ")");

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, cases, index,
      absl::StrCat("SELECT case_id, username, certificate_number, "
                   "DATE_FORMAT(certificate_expiry, '%Y-%m-%d') FROM case_officer WHERE case_id",
                   ids, " ORDER BY case_id, position"),
      [](EnforcementCase& c, sql::ResultSet& rs) -> absl::Status {
        CaseOfficer o;
        o.username = rs.getString(2);
        o.certificate_number = rs.getString(3);
        ECOCASE_ASSIGN_OR_RETURN(o.certificate_expiry, ParseDay(rs.getString(4), c.id));
        c.officers.push_back(std::move(o));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(
      ForEachChildRow(conn, cases, index,
                      absl::StrCat("SELECT case_id, ref FROM case_evidence WHERE case_id", ids,
                                   " ORDER BY case_id, position"),
                      [](EnforcementCase& c, sql::ResultSet& rs) {
                        c.evidence.push_back(rs.getString(2));
                        return absl::OkStatus();
                      }));

  return ForEachChildRow(
      conn, cases, index,
      absl::StrCat("SELECT case_id, kind, state, actor, "
                   "DATE_FORMAT(event_time, '%Y-%m-%d %H:%i:%s.%f'), note FROM case_event "
                   "WHERE case_id",
                   ids, " ORDER BY case_id, seq"),
      [](EnforcementCase& c, sql::ResultSet& rs) -> absl::Status {
        CaseEvent e;
        e.kind = rs.getString(2);
        ECOCASE_ASSIGN_OR_RETURN(
            e.state, Named(domain::CaseStateFromName, rs.getString(3), c.id, "event state"));
        e.actor = rs.getString(4);
        ECOCASE_ASSIGN_OR_RETURN(e.time, ParseSqlTime(rs.getString(5)));
        e.note = rs.getString(6);
        c.timeline.push_back(std::move(e));
        return absl::OkStatus();
      });
}

// Runs a query of kCaseColumns and reads every case whole.
absl::StatusOr<std::vector<EnforcementCase>> ReadCases(sql::Connection& conn,
                                                       sql::PreparedStatement& stmt) {
  std::vector<EnforcementCase> cases;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(EnforcementCase c, ReadCaseRow(*rs));
      cases.push_back(std::move(c));
    }
  }
  ECOCASE_RETURN_IF_ERROR(LoadChildren(conn, cases));
  return cases;
}

// Case `id` within `scope`, locked when `for_update`; NOT_FOUND otherwise.
absl::StatusOr<EnforcementCase> SelectCase(sql::Connection& conn, const Scope& scope, int64_t id,
                                           bool for_update) {
  SqlPredicate p = CaseScope(scope);
  auto stmt = Prepare(
      conn, absl::StrCat("SELECT ", kCaseColumns, " FROM enforcement_case k WHERE k.id = ? AND ",
                         p.sql, for_update ? " FOR UPDATE" : ""));
  stmt->setInt64(1, id);
  BindStrings(*stmt, 2, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<EnforcementCase> found, ReadCases(conn, *stmt));
  if (found.empty()) return NotFound(id);
  return std::move(found.front());
}

// The case opened from the same finding, locking it.
std::optional<int64_t> LockBySource(sql::Connection& conn, const domain::CaseSource& source) {
  auto stmt = Prepare(conn,
                      "SELECT id FROM enforcement_case WHERE source_kind = ? AND source_link = ? "
                      "ORDER BY id LIMIT 1 FOR UPDATE");
  stmt->setString(1, std::string(domain::CaseSourceKindName(source.kind)));
  stmt->setString(2, source.link);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getInt64(1);
}

// The year and sequence of a case number just given: the filing year's counter, which the
// filing transaction holds locked since NextCaseSeq, is at the number it took.
struct NumberSlot {
  int year = 0;
  int64_t seq = 0;
};

absl::StatusOr<NumberSlot> SlotOf(sql::Connection& conn, const EnforcementCase& c) {
  if (!c.filed_day.has_value()) {
    return absl::InternalError(
        absl::StrCat(c.ResourceName(), " got case number ", c.case_number, " without filing"));
  }
  NumberSlot slot;
  slot.year = static_cast<int>(c.filed_day->year());
  auto stmt = Prepare(conn, kReadCounter);
  stmt->setInt(1, slot.year);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) {
    return absl::InternalError(absl::StrCat(c.ResourceName(), " got case number ", c.case_number,
                                            " without NextCaseSeq(", slot.year, ")"));
  }
  slot.seq = rs->getInt64(1);
  return slot;
}

absl::Status NumberTaken(const EnforcementCase& c) {
  return absl::AlreadyExistsError(
      absl::StrCat("case number ", c.case_number, " is already taken by another case"));
}

void InsertOfficers(sql::Connection& conn, int64_t id, const std::vector<CaseOfficer>& officers) {
  if (officers.empty()) return;
  auto stmt = Prepare(conn, kInsertOfficer);
  for (size_t i = 0; i < officers.size(); ++i) {
    stmt->setInt64(1, id);
    stmt->setInt(2, static_cast<int>(i));
    stmt->setString(3, officers[i].username);
    stmt->setString(4, officers[i].certificate_number);
    stmt->setString(5, DayText(officers[i].certificate_expiry));
    stmt->executeUpdate();
  }
}

void InsertEvidence(sql::Connection& conn, int64_t id, const std::vector<std::string>& refs) {
  if (refs.empty()) return;
  auto stmt = Prepare(conn, kInsertEvidence);
  for (size_t i = 0; i < refs.size(); ++i) {
    stmt->setInt64(1, id);
    stmt->setInt(2, static_cast<int>(i));
    stmt->setString(3, refs[i]);
    stmt->executeUpdate();
  }
}

// Inserts the timeline events beyond the first `stored`, numbered from 1.
void AppendEvents(sql::Connection& conn, int64_t id, size_t stored,
                  const std::vector<CaseEvent>& events) {
  if (events.size() <= stored) return;
  auto stmt = Prepare(conn, kInsertEvent);
  for (size_t i = stored; i < events.size(); ++i) {
    const CaseEvent& e = events[i];
    stmt->setInt64(1, id);
    stmt->setInt(2, static_cast<int>(i) + 1);
    stmt->setString(3, e.kind);
    stmt->setString(4, std::string(domain::CaseStateName(e.state)));
    stmt->setString(5, e.actor);
    stmt->setString(6, FormatSqlTime(e.time));
    stmt->setString(7, e.note);
    stmt->executeUpdate();
  }
}

// The times storage keeps: whole microseconds.
void Truncate(EnforcementCase& c) {
  auto t = [](absl::Time& time) { time = TruncateToMicros(time); };
  for (domain::Recusal& r : c.recusals) t(r.time);
  if (c.legal_review.has_value()) t(c.legal_review->time);
  if (c.collective_discussion.has_value()) t(c.collective_discussion->time);
  for (domain::DecisionExtension& x : c.decision_extensions) t(x.approve_time);
  for (CaseEvent& e : c.timeline) t(e.time);
  t(c.create_time);
  t(c.update_time);
}

// Store writes no identity column, so a transition that changed one would be lost.
bool IdentityChanged(const EnforcementCase& before, const EnforcementCase& after) {
  return after.id != before.id || after.source.kind != before.source.kind ||
         after.source.link != before.source.link || after.party_kind != before.party_kind ||
         after.party_name != before.party_name || after.enterprise_uscc != before.enterprise_uscc ||
         TruncateToMicros(after.create_time) != before.create_time;
}

}  // namespace

absl::StatusOr<std::pair<EnforcementCase, bool>> MysqlCaseRepository::Create(
    Tx& tx, const Scope& scope, EnforcementCase c, std::optional<absl::Time> clock_due) {
  sql::Connection& conn = tx.connection();
  const bool one_per_finding = !c.source.link.empty() && c.source.kind != CaseSourceKind::kReferral;
  auto existing = [&](int64_t id) -> absl::StatusOr<std::pair<EnforcementCase, bool>> {
    ECOCASE_ASSIGN_OR_RETURN(EnforcementCase found,
                             SelectCase(conn, Scope::All(), id, /*for_update=*/false));
    return std::make_pair(std::move(found), false);
  };
  if (one_per_finding) {
    if (std::optional<int64_t> id = LockBySource(conn, c.source); id.has_value()) {
      return existing(*id);
    }
  }
  if (!c.enterprise_uscc.empty()) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    auto stmt =
        Prepare(conn, absl::StrCat("SELECT e.id FROM enterprise e WHERE e.uscc = ? AND ", p.sql));
    stmt->setString(1, c.enterprise_uscc);
    BindStrings(*stmt, 2, p.values);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) {
      return absl::NotFoundError(absl::StrCat("enterprises/", c.enterprise_uscc, " not found"));
    }
  }
  Truncate(c);
  std::optional<NumberSlot> slot;
  if (!c.case_number.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(slot, SlotOf(conn, c));
  }

  int64_t id = 0;
  try {
    auto stmt = Prepare(conn, kInsertCase);
    int i = 1;
    SetOptionalString(*stmt, i++, c.case_number);
    if (slot.has_value()) {
      stmt->setInt(i++, slot->year);
      stmt->setInt64(i++, slot->seq);
    } else {
      stmt->setNull(i++, sql::DataType::INTEGER);
      stmt->setNull(i++, sql::DataType::BIGINT);
    }
    stmt->setString(i++, std::string(domain::CaseSourceKindName(c.source.kind)));
    stmt->setString(i++, c.source.link);
    stmt->setString(i++, std::string(domain::PartyKindName(c.party_kind)));
    stmt->setString(i++, c.party_name);
    SetOptionalString(*stmt, i++, c.enterprise_uscc);
    stmt->setString(i++, c.district_code);
    stmt->setString(i++, c.summary);
    stmt->setString(i++, DayText(c.discovery_day));
    stmt->setString(i++, std::string(domain::CaseStateName(c.state)));
    stmt->setString(i++, c.state_reason);
    SetOptionalDay(*stmt, i++, c.filed_day);
    stmt->setBoolean(i++, !c.notifications.empty());
    stmt->setBoolean(i++, domain::IsPublicDecision(c));
    stmt->setString(i++, std::string(domain::ClosureGroundName(c.closure_ground)));
    SetOptionalTime(*stmt, i++, clock_due);
    stmt->setString(i++, ToDocument(c));
    stmt->setString(i++, c.timeline.empty() ? std::string() : c.timeline.front().actor);
    stmt->setString(i++, FormatSqlTime(c.create_time));
    stmt->setString(i++, FormatSqlTime(c.update_time));
    stmt->executeUpdate();
    id = LastInsertId(conn);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErDupEntry) throw;
    // Another transaction opened a case from the same finding between our look and our
    // insert (its row is committed now: the insert waited for it).
    if (one_per_finding) {
      if (std::optional<int64_t> taken = LockBySource(conn, c.source); taken.has_value()) {
        return existing(*taken);
      }
    }
    return NumberTaken(c);
  }
  InsertOfficers(conn, id, c.officers);
  InsertEvidence(conn, id, c.evidence);
  AppendEvents(conn, id, 0, c.timeline);
  ECOCASE_ASSIGN_OR_RETURN(EnforcementCase stored,
                           SelectCase(conn, Scope::All(), id, /*for_update=*/false));
  return std::make_pair(std::move(stored), true);
}

absl::StatusOr<EnforcementCase> MysqlCaseRepository::Lock(Tx& tx, const Scope& scope, int64_t id) {
  return SelectCase(tx.connection(), scope, id, /*for_update=*/true);
}

absl::StatusOr<int64_t> MysqlCaseRepository::NextCaseSeq(Tx& tx, int year) {
  sql::Connection& conn = tx.connection();
  auto bump = Prepare(conn, kBumpCounter);
  bump->setInt(1, year);
  if (bump->executeUpdate() == 0) {
    auto create = Prepare(conn, kCreateCounter);
    create->setInt(1, year);
    create->executeUpdate();
  }
  auto read = Prepare(conn, kReadCounter);
  read->setInt(1, year);
  std::unique_ptr<sql::ResultSet> rs(read->executeQuery());
  if (!rs->next()) return absl::InternalError(absl::StrCat("the ", year, " case counter vanished"));
  return rs->getInt64(1);
}

absl::StatusOr<EnforcementCase> MysqlCaseRepository::Store(Tx& tx, const EnforcementCase& before,
                                                           EnforcementCase after,
                                                           std::optional<absl::Time> clock_due,
                                                           absl::Time now) {
  sql::Connection& conn = tx.connection();
  if (IdentityChanged(before, after)) {
    return absl::InternalError(
        absl::StrCat("a change tried to alter the identity of ", before.ResourceName()));
  }
  if (after.timeline.size() < before.timeline.size()) {
    return absl::InternalError(
        absl::StrCat("a change tried to drop timeline events of ", before.ResourceName()));
  }
  after.update_time = now;
  Truncate(after);
  std::optional<NumberSlot> slot;
  if (!after.case_number.empty() && after.case_number != before.case_number) {
    ECOCASE_ASSIGN_OR_RETURN(slot, SlotOf(conn, after));
  }

  try {
    auto update = Prepare(conn, kUpdateCase);
    int i = 1;
    SetOptionalString(*update, i++, after.case_number);
    if (slot.has_value()) {
      update->setInt(i++, slot->year);
      update->setInt64(i++, slot->seq);
    } else {
      update->setNull(i++, sql::DataType::INTEGER);
      update->setNull(i++, sql::DataType::BIGINT);
    }
    update->setString(i++, after.district_code);
    update->setString(i++, after.summary);
    update->setString(i++, DayText(after.discovery_day));
    update->setString(i++, std::string(domain::CaseStateName(after.state)));
    update->setString(i++, after.state_reason);
    SetOptionalDay(*update, i++, after.filed_day);
    update->setBoolean(i++, !after.notifications.empty());
    update->setBoolean(i++, domain::IsPublicDecision(after));
    update->setString(i++, std::string(domain::ClosureGroundName(after.closure_ground)));
    SetOptionalTime(*update, i++, clock_due);
    update->setString(i++, ToDocument(after));
    update->setString(i++, FormatSqlTime(after.update_time));
    update->setInt64(i++, before.id);
    update->setInt64(i, before.version);
    if (update->executeUpdate() == 0) {
      return absl::AbortedError(
          absl::StrCat(before.ResourceName(), " was changed concurrently; read it again"));
    }
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErDupEntry) throw;
    return NumberTaken(after);
  }
  if (after.officers.size() != before.officers.size() ||
      !std::equal(after.officers.begin(), after.officers.end(), before.officers.begin(),
                  [](const CaseOfficer& a, const CaseOfficer& b) {
                    return a.username == b.username &&
                           a.certificate_number == b.certificate_number &&
                           a.certificate_expiry == b.certificate_expiry;
                  })) {
    auto remove = Prepare(conn, "DELETE FROM case_officer WHERE case_id = ?");
    remove->setInt64(1, before.id);
    remove->executeUpdate();
    InsertOfficers(conn, before.id, after.officers);
  }
  if (after.evidence != before.evidence) {
    auto remove = Prepare(conn, "DELETE FROM case_evidence WHERE case_id = ?");
    remove->setInt64(1, before.id);
    remove->executeUpdate();
    InsertEvidence(conn, before.id, after.evidence);
  }
  AppendEvents(conn, before.id, before.timeline.size(), after.timeline);
  after.version = before.version + 1;
  return after;
}

absl::StatusOr<EnforcementCase> MysqlCaseRepository::Get(const Scope& scope, int64_t id) {
  EnforcementCase found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get case", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectCase(conn, scope, id, /*for_update=*/false));
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<EnforcementCase>> MysqlCaseRepository::List(
    const Scope& scope, const CaseFilter& filter, int limit,
    const std::optional<CaseCursor>& after) {
  std::vector<EnforcementCase> cases;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list cases", [&](sql::Connection& conn) {
    SqlPredicate p = CaseScope(scope);
    // The district filter covers districts the way scope does (a city code, its districts).
    std::optional<SqlPredicate> district;
    if (!filter.district_code.empty()) {
      Scope area;
      area.district_codes = {filter.district_code};
      district = CaseScope(area);
    }
    std::string query = absl::StrCat(
        "SELECT ", kCaseColumns, " FROM enforcement_case k WHERE ", p.sql,
        filter.state.has_value() ? " AND k.state = ?" : "",
        filter.public_only ? " AND k.public_decision" : "",
        district.has_value() ? absl::StrCat(" AND ", district->sql) : "",
        filter.officer.empty()
            ? ""
            : " AND EXISTS (SELECT 1 FROM case_officer o WHERE o.case_id = k.id AND "
              "o.username = ?)",
        filter.source_kind.has_value() ? " AND k.source_kind = ?" : "",
        filter.source_link.empty() ? "" : " AND k.source_link = ?",
        filter.enterprise_uscc.empty() ? "" : " AND k.enterprise_uscc = ?",
        filter.open_only || filter.overdue_only ? absl::StrCat(" AND ", kOpen) : "",
        filter.overdue_only ? " AND k.clock_due <= ?" : "",
        after.has_value() ? " AND (k.create_time < ? OR (k.create_time = ? AND k.id < ?))" : "",
        " ORDER BY k.create_time DESC, k.id DESC LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = BindStrings(*stmt, 1, p.values);
    if (filter.state.has_value()) {
      stmt->setString(i++, std::string(domain::CaseStateName(*filter.state)));
    }
    if (district.has_value()) i = BindStrings(*stmt, i, district->values);
    if (!filter.officer.empty()) stmt->setString(i++, filter.officer);
    if (filter.source_kind.has_value()) {
      stmt->setString(i++, std::string(domain::CaseSourceKindName(*filter.source_kind)));
    }
    if (!filter.source_link.empty()) stmt->setString(i++, filter.source_link);
    if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
    if (filter.overdue_only) stmt->setString(i++, FormatSqlTime(filter.now));
    if (after.has_value()) {
      const std::string t = FormatSqlTime(after->create_time);
      stmt->setString(i++, t);
      stmt->setString(i++, t);
      stmt->setInt64(i++, after->id);
    }
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(cases, ReadCases(conn, *stmt));
    return absl::OkStatus();
  }));
  return cases;
}

absl::StatusOr<std::vector<CaseCandidate>> MysqlCaseRepository::ListCandidates(const Scope& scope,
                                                                               absl::Time now,
                                                                               int limit) {
  std::vector<CaseCandidate> candidates;
  if (!scope.everything && !scope.enterprise_uscc.empty()) return candidates;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list case candidates", [&](sql::Connection& conn) {
        SqlPredicate complaints = ScopePredicate(scope, "c.district_code", "NULL");
        SqlPredicate incidents = ScopePredicate(scope, "e.district_code", "NULL");
        SqlPredicate tasks = ScopePredicate(scope, "e.district_code", "NULL");
        auto stmt = Prepare(
            conn, absl::StrCat("(", kComplaintCandidates, complaints.sql, ") UNION ALL (",
                               kIncidentCandidates, incidents.sql, ") UNION ALL (", kTaskCandidates,
                               tasks.sql, ") ORDER BY found DESC, 2 LIMIT ?"));
        int i = BindStrings(*stmt, 1, complaints.values);
        i = BindStrings(*stmt, i, incidents.values);
        stmt->setString(i++, FormatSqlTime(now));
        i = BindStrings(*stmt, i, tasks.values);
        stmt->setInt(i, limit);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        while (rs->next()) {
          CaseCandidate c;
          std::optional<CaseSourceKind> kind =
              domain::CaseSourceKindFromName(std::string(rs->getString(1)));
          if (!kind.has_value()) return absl::InternalError("a case candidate of unknown kind");
          c.kind = *kind;
          c.link = rs->getString(2);
          c.enterprise_uscc = rs->getString(3);
          c.district_code = rs->getString(4);
          c.description = rs->getString(5);
          ECOCASE_ASSIGN_OR_RETURN(c.found_time, ParseSqlTime(rs->getString(6)));
          candidates.push_back(std::move(c));
        }
        return absl::OkStatus();
      }));
  return candidates;
}

absl::StatusOr<std::optional<CaseCandidate>> MysqlCaseRepository::LookupSource(
    const Scope& scope, const domain::CaseSource& source) {
  absl::string_view prefix;
  std::string query;
  switch (source.kind) {
    case CaseSourceKind::kComplaint:
      prefix = "complaints/";
      query =
          "SELECT COALESCE(c.enterprise_uscc, ''), c.district_code, LEFT(c.description, 200) "
          "FROM complaint c WHERE c.id = ? AND ";
      break;
    case CaseSourceKind::kExceedanceIncident:
      prefix = "incidents/";
      query =
          "SELECT e.uscc, e.district_code, LEFT(CONCAT(e.display_name, ' ', o.code, ' ', i.kind), "
          "200) FROM incident i JOIN enterprise e ON e.id = i.enterprise_id JOIN outlet o ON "
          "o.id = i.outlet_id WHERE i.id = ? AND ";
      break;
    case CaseSourceKind::kRefusedTask:
    case CaseSourceKind::kOverdueTask:
      prefix = "tasks/";
      query = absl::StrCat(
          "SELECT e.uscc, e.district_code, LEFT(t.title, 200) FROM rectification_task t JOIN "
          "enterprise e ON e.id = t.enterprise_id WHERE t.id = ? AND ",
          source.kind == CaseSourceKind::kRefusedTask ? "t.refused AND " : "");
      break;
    default: return std::optional<CaseCandidate>();
  }
  absl::string_view rest = source.link;
  int64_t id = 0;
  if (!absl::ConsumePrefix(&rest, prefix) || !absl::SimpleAtoi(rest, &id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", CaseSourceKindName(source.kind), " source must be ", prefix, "{id}"));
  }
  std::optional<CaseCandidate> found;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "look up a case source", [&](sql::Connection& conn) {
        SqlPredicate p = ScopePredicate(
            scope,
            source.kind == CaseSourceKind::kComplaint ? "c.district_code" : "e.district_code",
            "NULL");
        auto stmt = Prepare(conn, absl::StrCat(query, p.sql));
        stmt->setInt64(1, id);
        BindStrings(*stmt, 2, p.values);
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        if (!rs->next()) return absl::OkStatus();
        CaseCandidate c;
        c.kind = source.kind;
        c.link = source.link;
        c.enterprise_uscc = rs->getString(1);
        c.district_code = rs->getString(2);
        c.description = rs->getString(3);
        found = std::move(c);
        return absl::OkStatus();
      }));
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat(source.link, " not found"));
  }
  return found;
}

absl::StatusOr<std::vector<EnforcementCase>> MysqlCaseRepository::ListUnreportedOverdue(
    absl::Time now, int limit) {
  std::vector<EnforcementCase> cases;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list unreported overdue cases", [&](sql::Connection& conn) {
        auto stmt = Prepare(
            conn, absl::StrCat("SELECT ", kCaseColumns, " FROM enforcement_case k WHERE ", kOpen,
                               " AND k.clock_due <= ? AND (k.overdue_reported_due IS NULL OR "
                               "k.overdue_reported_due <> k.clock_due) "
                               "ORDER BY k.clock_due, k.id LIMIT ?"));
        stmt->setString(1, FormatSqlTime(now));
        stmt->setInt(2, limit);
        ECOCASE_ASSIGN_OR_RETURN(cases, ReadCases(conn, *stmt));
        return absl::OkStatus();
      }));
  return cases;
}

absl::StatusOr<bool> MysqlCaseRepository::MarkOverdueReported(Tx& tx, int64_t id, absl::Time due) {
  auto stmt = Prepare(tx.connection(),
                      absl::StrCat("UPDATE enforcement_case k SET k.overdue_reported_due = "
                                   "k.clock_due WHERE k.id = ? AND ",
                                   kOpen,
                                   " AND k.clock_due = ? AND (k.overdue_reported_due IS NULL OR "
                                   "k.overdue_reported_due <> k.clock_due)"));
  stmt->setInt64(1, id);
  stmt->setString(2, FormatSqlTime(due));
  return stmt->executeUpdate() == 1;
}

}  // namespace ecocase::storage::mysql
