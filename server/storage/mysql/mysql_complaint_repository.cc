#include "storage/mysql/mysql_complaint_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <array>
#include <map>
#include <memory>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "common/status_macros.h"
#include "security/field_cipher.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/scope_sql.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::AcceptanceDecision;
using domain::Assignment;
using domain::ClosureExtension;
using domain::Complaint;
using domain::ComplaintDeadlines;
using domain::ComplaintReply;
using domain::ComplaintState;
using domain::Findings;
using domain::LinkedComplaint;
using domain::LinkKind;
using domain::NotAcceptedGround;
using domain::Reporter;
using domain::Revisit;
using domain::RoutingEntry;
using domain::SlaUnit;
using security::FieldCipher;

constexpr absl::string_view kNameContext = "complaint.reporter_name";
constexpr absl::string_view kPhoneContext = "complaint.reporter_phone";
constexpr absl::string_view kNoKey =
    "no field encryption key configured (field_key_file or ECOCASE_FIELD_KEY)";

constexpr absl::string_view kOpen =
    "c.state NOT IN ('NOT_ACCEPTED', 'ROUTED_OUT', 'CLOSED', 'MERGED')";
constexpr absl::string_view kAcceptedAndOpen =
    "c.state IN ('ACCEPTED', 'DISPATCHED', 'FINDINGS_RECORDED', 'REPLIED', 'REVISITED')";
// A running clock (acceptance while RECEIVED, closure while open) due at or before the
// instant bound twice.
constexpr absl::string_view kClockDueBy =
    "((c.state = 'RECEIVED' AND c.acceptance_due <= ?) OR c.closure_due <= ?)";

constexpr std::array<std::pair<SlaUnit, absl::string_view>, 3> kUnitNames = {{
    {SlaUnit::kHours, "HOURS"},
    {SlaUnit::kCalendarDays, "CALENDAR_DAYS"},
    {SlaUnit::kWorkingDays, "WORKING_DAYS"},
}};

// What a transition changes, bound by BindProgress in this order.
constexpr std::array<absl::string_view, 20> kProgressColumns = {
    "state",
    "accepted",
    "not_accepted_ground",
    "acceptance_reason",
    "acceptance_authority",
    "acceptance_decided_by",
    "acceptance_decide_time",
    "assigned_district",
    "assigned_team",
    "assigned_officer",
    "reopen_count",
    "case_clue",
    "intake_time",
    "acceptance_due",
    "acceptance_provisional",
    "closure_due",
    "closure_provisional",
    "closure_awaits_acceptance",
    "update_time",
    "close_time",
};

// What intake fixes, bound by Create in this order.
constexpr std::array<absl::string_view, 16> kIntakeColumns = {
    "channel",
    "external_order_number",
    "reporter_anonymous",
    "reporter_name_enc",
    "reporter_phone_enc",
    "reporter_hash",
    "address",
    "district_code",
    "latitude",
    "longitude",
    "category",
    "urgency",
    "description",
    "enterprise_uscc",
    "received_by",
    "receive_time",
};

constexpr absl::string_view kInsertAttachment =
    "INSERT INTO complaint_attachment (complaint_id, position, reference) VALUES (?, ?, ?)";
constexpr absl::string_view kInsertRouting =
    "INSERT INTO complaint_routing (complaint_id, seq, from_district, from_team, from_officer, "
    "to_district, to_team, to_officer, outside_body, reason, routed_by, routing_time) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertFindings =
    "INSERT INTO complaint_findings (complaint_id, seq, outcome, findings_text, recorded_by, "
    "record_time, reopen_round) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertLink =
    "INSERT INTO complaint_findings_link (complaint_id, seq, position, link) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kDeleteLinks =
    "DELETE FROM complaint_findings_link WHERE complaint_id = ? AND seq = ?";
constexpr absl::string_view kInsertReply =
    "INSERT INTO complaint_reply (complaint_id, seq, to_complaint_id, external_order_number, "
    "reply_text, replied_by, reply_time, reopen_round) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertRevisit =
    "INSERT INTO complaint_revisit (complaint_id, seq, revisited_complaint_id, satisfaction, "
    "handling_reason, note, revisited_by, revisit_time, reopen_round) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertExtension =
    "INSERT INTO complaint_extension (complaint_id, seq, extra_amount, extra_unit, reason, "
    "approved_by, approve_time, previous_due, new_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kLink =
    "UPDATE complaint SET master_id = ?, link_kind = ?, link_time = ? WHERE id = ?";

// A DATETIME(6) column as the text ParseSqlTime reads; NULL stays NULL.
std::string TimeText(absl::string_view column) {
  return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m-%d %H:%i:%s.%f')");
}

std::string ReporterColumns(absl::string_view alias) {
  return absl::Substitute(
      "$0.reporter_anonymous, $0.reporter_name_enc, $0.reporter_phone_enc, "
      "$0.reporter_hash",
      alias);
}

// Read by ReadComplaintRow, in this order (alias c).
const std::string& ComplaintColumns() {
  static const std::string* const columns = new std::string(absl::StrCat(
      "c.id, c.channel, c.external_order_number, ", ReporterColumns("c"),
      ", c.address, c.district_code, c.latitude, c.longitude, c.category, c.urgency, "
      "c.description, c.enterprise_uscc, c.state, c.accepted, c.not_accepted_ground, "
      "c.acceptance_reason, c.acceptance_authority, c.acceptance_decided_by, ",
      TimeText("c.acceptance_decide_time"),
      ", c.assigned_district, c.assigned_team, c.assigned_officer, c.reopen_count, c.case_clue, "
      "c.master_id, ",
      TimeText("c.intake_time"), ", ", TimeText("c.acceptance_due"), ", c.acceptance_provisional, ",
      TimeText("c.closure_due"),
      ", c.closure_provisional, c.closure_awaits_acceptance, c.received_by, ",
      TimeText("c.receive_time"), ", ", TimeText("c.update_time"), ", ", TimeText("c.close_time"),
      ", c.version"));
  return *columns;
}

// "?, ?, ?" for `n` values.
std::string Placeholders(size_t n) {
  std::vector<absl::string_view> marks(n, "?");
  return absl::StrJoin(marks, ", ");
}

const std::string& InsertComplaintSql() {
  static const std::string* const sql = new std::string(
      absl::StrCat("INSERT INTO complaint (", absl::StrJoin(kIntakeColumns, ", "), ", ",
                   absl::StrJoin(kProgressColumns, ", "), ") VALUES (",
                   Placeholders(kIntakeColumns.size() + kProgressColumns.size()), ")"));
  return *sql;
}

// Bumps the version only from the one the caller read (the row is locked, so a miss means
// a caller bug or a lost lock).
const std::string& UpdateComplaintSql() {
  static const std::string* const sql = new std::string(
      absl::StrCat("UPDATE complaint SET ", absl::StrJoin(kProgressColumns, " = ?, "),
                   " = ?, version = version + 1 WHERE id = ? AND version = ?"));
  return *sql;
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("complaints/", id, " not found"));
}

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("complaints/", id, " has an unknown ", what, " in the database"));
}

// Complaints are seen in the district where the matter is and in the district they are
// assigned to (a re-route hands them to another district's officers). An ENTERPRISE scope
// sees none (reporters are protected from the reported unit).
SqlPredicate ComplaintScope(const Scope& scope) {
  if (!scope.everything && !scope.enterprise_uscc.empty()) return {"FALSE", {}};
  // The enterprise column is never used: the scope has no enterprise.
  SqlPredicate where = ScopePredicate(scope, "c.district_code", "NULL");
  if (scope.everything) return where;
  SqlPredicate assigned = ScopePredicate(scope, "c.assigned_district", "NULL");
  where.sql = absl::StrCat("(", where.sql, " OR ", assigned.sql, ")");
  where.values.insert(where.values.end(), assigned.values.begin(), assigned.values.end());
  return where;
}

template <typename Enum>
absl::StatusOr<Enum> Named(std::optional<Enum> (*from_name)(absl::string_view),
                           const std::string& name, int64_t id, absl::string_view what) {
  std::optional<Enum> value = from_name(name);
  if (!value.has_value()) return BadColumn(id, what);
  return *value;
}

absl::string_view UnitName(SlaUnit unit) {
  for (const auto& [value, name] : kUnitNames) {
    if (value == unit) return name;
  }
  return "UNSPECIFIED";
}

std::optional<SlaUnit> UnitFromName(absl::string_view name) {
  for (const auto& [value, unit_name] : kUnitNames) {
    if (unit_name == name) return value;
  }
  return std::nullopt;
}

absl::StatusOr<absl::Time> ReadTime(sql::ResultSet& rs, int column) {
  return ParseSqlTime(rs.getString(column));
}

// A NULL time is the domain's unset absl::Time().
absl::StatusOr<absl::Time> ReadOptionalTime(sql::ResultSet& rs, int column) {
  if (rs.isNull(column)) return absl::Time();
  return ReadTime(rs, column);
}

void SetOptionalTime(sql::PreparedStatement& stmt, int i, absl::Time t) {
  if (t == absl::Time()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, FormatSqlTime(t));
  }
}

void SetOptionalString(sql::PreparedStatement& stmt, int i, const std::string& value) {
  if (value.empty()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, value);
  }
}

// District, team and officer at `first`; absent when the district is NULL.
std::optional<Assignment> ReadAssignment(sql::ResultSet& rs, int first) {
  if (rs.isNull(first)) return std::nullopt;
  Assignment a;
  a.district_code = rs.getString(first);
  a.team = rs.getString(first + 1);
  a.officer = rs.getString(first + 2);
  return a;
}

int BindAssignment(sql::PreparedStatement& stmt, int i, const std::optional<Assignment>& a) {
  if (!a.has_value()) {
    for (int n = 0; n < 3; ++n) stmt.setNull(i++, sql::DataType::VARCHAR);
    return i;
  }
  stmt.setString(i++, a->district_code);
  stmt.setString(i++, a->team);
  stmt.setString(i++, a->officer);
  return i;
}

// The reporter as stored: blobs and hash, nullopt for NULL.
struct SealedReporter {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<std::string> hash;
};

absl::StatusOr<SealedReporter> Seal(const FieldCipher* cipher, const Reporter& reporter) {
  SealedReporter sealed;
  if (reporter.anonymous) return sealed;
  if (cipher == nullptr) return absl::FailedPreconditionError(kNoKey);
  if (!reporter.name.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(sealed.name, cipher->Encrypt(reporter.name, kNameContext));
  }
  if (!reporter.phone.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(sealed.phone, cipher->Encrypt(reporter.phone, kPhoneContext));
  }
  if (!reporter.identity_hash.empty()) sealed.hash = reporter.identity_hash;
  return sealed;
}

// The plaintext of the blob in `column` ("" when NULL).
absl::StatusOr<std::string> Unseal(const FieldCipher* cipher, sql::ResultSet& rs, int column,
                                   absl::string_view context, int64_t id) {
  if (rs.isNull(column)) return std::string();
  if (cipher == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("complaints/", id, " has an encrypted reporter but ", kNoKey));
  }
  absl::StatusOr<std::string> plain = cipher->Decrypt(std::string(rs.getString(column)), context);
  if (!plain.ok()) {
    return absl::Status(plain.status().code(),
                        absl::StrCat("complaints/", id, ": ", plain.status().message()));
  }
  return plain;
}

// The columns of ReporterColumns() at `first`, decrypted.
absl::StatusOr<Reporter> ReadReporter(const FieldCipher* cipher, sql::ResultSet& rs, int first,
                                      int64_t id) {
  Reporter r;
  r.anonymous = rs.getBoolean(first);
  ECOCASE_ASSIGN_OR_RETURN(r.name, Unseal(cipher, rs, first + 1, kNameContext, id));
  ECOCASE_ASSIGN_OR_RETURN(r.phone, Unseal(cipher, rs, first + 2, kPhoneContext, id));
  r.identity_hash = rs.getString(first + 3);
  return r;
}

absl::StatusOr<Complaint> ReadComplaintRow(const FieldCipher* cipher, sql::ResultSet& rs) {
  Complaint c;
  c.id = rs.getInt64(1);
  ECOCASE_ASSIGN_OR_RETURN(
      c.channel, Named(domain::ComplaintChannelFromName, rs.getString(2), c.id, "channel"));
  c.external_order_number = rs.getString(3);
  ECOCASE_ASSIGN_OR_RETURN(c.reporter, ReadReporter(cipher, rs, 4, c.id));
  c.location.address = rs.getString(8);
  c.location.district_code = rs.getString(9);
  if (!rs.isNull(10) && !rs.isNull(11)) {
    c.location.lat_lng = domain::GeoPoint{static_cast<double>(rs.getDouble(10)),
                                          static_cast<double>(rs.getDouble(11))};
  }
  ECOCASE_ASSIGN_OR_RETURN(
      c.category, Named(domain::ComplaintCategoryFromName, rs.getString(12), c.id, "category"));
  ECOCASE_ASSIGN_OR_RETURN(
      c.urgency, Named(domain::ComplaintUrgencyFromName, rs.getString(13), c.id, "urgency"));
  c.description = rs.getString(14);
  c.enterprise_uscc = rs.getString(15);
  ECOCASE_ASSIGN_OR_RETURN(c.state,
                           Named(domain::ComplaintStateFromName, rs.getString(16), c.id, "state"));
  if (!rs.isNull(17)) {
    AcceptanceDecision d;
    d.accepted = rs.getBoolean(17);
    if (!rs.isNull(18)) {
      ECOCASE_ASSIGN_OR_RETURN(d.ground, Named(domain::NotAcceptedGroundFromName, rs.getString(18),
                                               c.id, "not-accepted ground"));
    }
    d.reason = rs.getString(19);
    d.authority = rs.getString(20);
    d.decided_by = rs.getString(21);
    ECOCASE_ASSIGN_OR_RETURN(d.decide_time, ReadTime(rs, 22));
    c.acceptance = std::move(d);
  }
  c.assignment = ReadAssignment(rs, 23);
  c.reopen_count = rs.getInt(26);
  c.case_clue = rs.getBoolean(27);
  if (!rs.isNull(28)) c.master_id = rs.getInt64(28);
  ComplaintDeadlines& d = c.deadlines;
  ECOCASE_ASSIGN_OR_RETURN(d.intake_time, ReadTime(rs, 29));
  ECOCASE_ASSIGN_OR_RETURN(d.acceptance_due, ReadTime(rs, 30));
  d.acceptance_provisional = rs.getBoolean(31);
  ECOCASE_ASSIGN_OR_RETURN(d.closure_due, ReadTime(rs, 32));
  d.closure_provisional = rs.getBoolean(33);
  d.closure_awaits_acceptance = rs.getBoolean(34);
  c.received_by = rs.getString(35);
  ECOCASE_ASSIGN_OR_RETURN(c.receive_time, ReadTime(rs, 36));
  ECOCASE_ASSIGN_OR_RETURN(c.update_time, ReadTime(rs, 37));
  ECOCASE_ASSIGN_OR_RETURN(c.close_time, ReadOptionalTime(rs, 38));
  c.version = rs.getInt64(39);
  return c;
}

// Runs `query`, whose only parameters are the ids of `complaints` (in order), and calls
// `row` with the complaint its first column names.
absl::Status ForEachChildRow(sql::Connection& conn, std::vector<Complaint>& complaints,
                             const std::map<int64_t, size_t>& index, const std::string& query,
                             absl::FunctionRef<absl::Status(Complaint&, sql::ResultSet&)> row) {
  auto stmt = Prepare(conn, query);
  int i = 1;
  for (const Complaint& c : complaints) stmt->setInt64(i++, c.id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  while (rs->next()) {
    auto it = index.find(rs->getInt64(1));
    if (it == index.end()) continue;
    ECOCASE_RETURN_IF_ERROR(row(complaints[it->second], *rs));
  }
  return absl::OkStatus();
}

// Fills the attachments, history and links of `complaints`: one statement per child table
// whatever their number.
absl::Status LoadChildren(sql::Connection& conn, const FieldCipher* cipher,
                          std::vector<Complaint>& complaints) {
  if (complaints.empty()) return absl::OkStatus();
  std::map<int64_t, size_t> index;
  for (size_t i = 0; i < complaints.size(); ++i) index[complaints[i].id] = i;
  const std::string ids = absl::StrCat(" IN (", Placeholders(complaints.size()), ")");

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, reference FROM complaint_attachment WHERE complaint_id",
                   ids, " ORDER BY complaint_id, position"),
      [](Complaint& c, sql::ResultSet& rs) {
        c.attachments.push_back(rs.getString(2));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, from_district, from_team, from_officer, to_district, "
                   "to_team, to_officer, outside_body, reason, routed_by, ",
                   TimeText("routing_time"), " FROM complaint_routing WHERE complaint_id", ids,
                   " ORDER BY complaint_id, seq"),
      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        RoutingEntry e;
        e.from = ReadAssignment(rs, 2);
        e.to = ReadAssignment(rs, 5);
        e.outside_body = rs.getString(8);
        e.reason = rs.getString(9);
        e.by = rs.getString(10);
        ECOCASE_ASSIGN_OR_RETURN(e.time, ReadTime(rs, 11));
        c.routing.push_back(std::move(e));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, outcome, findings_text, recorded_by, ",
                   TimeText("record_time"),
                   ", reopen_round FROM complaint_findings WHERE complaint_id", ids,
                   " ORDER BY complaint_id, seq"),
      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        Findings f;
        ECOCASE_ASSIGN_OR_RETURN(f.outcome, Named(domain::FindingsOutcomeFromName, rs.getString(2),
                                                  c.id, "findings outcome"));
        f.text = rs.getString(3);
        f.recorded_by = rs.getString(4);
        ECOCASE_ASSIGN_OR_RETURN(f.record_time, ReadTime(rs, 5));
        f.round = rs.getInt(6);
        c.findings.push_back(std::move(f));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(
      ForEachChildRow(conn, complaints, index,
                      absl::StrCat("SELECT complaint_id, seq, link FROM complaint_findings_link "
                                   "WHERE complaint_id",
                                   ids, " ORDER BY complaint_id, seq, position"),
                      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
                        const int seq = rs.getInt(2);
                        if (seq < 1 || static_cast<size_t>(seq) > c.findings.size()) {
                          return BadColumn(c.id, "findings number in its links");
                        }
                        c.findings[seq - 1].links.push_back(rs.getString(3));
                        return absl::OkStatus();
                      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, to_complaint_id, external_order_number, reply_text, "
                   "replied_by, ",
                   TimeText("reply_time"), ", reopen_round FROM complaint_reply WHERE complaint_id",
                   ids, " ORDER BY complaint_id, seq"),
      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        ComplaintReply r;
        r.to_complaint_id = rs.getInt64(2);
        r.external_order_number = rs.getString(3);
        r.text = rs.getString(4);
        r.by = rs.getString(5);
        ECOCASE_ASSIGN_OR_RETURN(r.time, ReadTime(rs, 6));
        r.round = rs.getInt(7);
        c.replies.push_back(std::move(r));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, revisited_complaint_id, satisfaction, handling_reason, "
                   "note, revisited_by, ",
                   TimeText("revisit_time"),
                   ", reopen_round FROM complaint_revisit WHERE complaint_id", ids,
                   " ORDER BY complaint_id, seq"),
      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        Revisit v;
        v.complaint_id = rs.getInt64(2);
        ECOCASE_ASSIGN_OR_RETURN(v.satisfaction, Named(domain::SatisfactionFromName,
                                                       rs.getString(3), c.id, "satisfaction"));
        v.handling_reason = rs.getBoolean(4);
        v.note = rs.getString(5);
        v.by = rs.getString(6);
        ECOCASE_ASSIGN_OR_RETURN(v.time, ReadTime(rs, 7));
        v.round = rs.getInt(8);
        c.revisits.push_back(std::move(v));
        return absl::OkStatus();
      }));

  ECOCASE_RETURN_IF_ERROR(ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT complaint_id, extra_amount, extra_unit, reason, approved_by, ",
                   TimeText("approve_time"), ", ", TimeText("previous_due"), ", ",
                   TimeText("new_due"), " FROM complaint_extension WHERE complaint_id", ids,
                   " ORDER BY complaint_id, seq"),
      [](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        ClosureExtension x;
        x.extra.amount = rs.getInt(2);
        ECOCASE_ASSIGN_OR_RETURN(x.extra.unit,
                                 Named(UnitFromName, rs.getString(3), c.id, "extension unit"));
        x.reason = rs.getString(4);
        x.approved_by = rs.getString(5);
        ECOCASE_ASSIGN_OR_RETURN(x.approve_time, ReadTime(rs, 6));
        ECOCASE_ASSIGN_OR_RETURN(x.previous_due, ReadTime(rs, 7));
        ECOCASE_ASSIGN_OR_RETURN(x.new_due, ReadTime(rs, 8));
        c.deadlines.extensions.push_back(std::move(x));
        return absl::OkStatus();
      }));

  return ForEachChildRow(
      conn, complaints, index,
      absl::StrCat("SELECT l.master_id, l.id, l.link_kind, l.channel, l.external_order_number, ",
                   ReporterColumns("l"), ", ", TimeText("l.link_time"),
                   " FROM complaint l WHERE l.master_id", ids,
                   " ORDER BY l.master_id, l.link_time, l.id"),
      [cipher](Complaint& c, sql::ResultSet& rs) -> absl::Status {
        LinkedComplaint l;
        l.complaint_id = rs.getInt64(2);
        ECOCASE_ASSIGN_OR_RETURN(
            l.kind, Named(domain::LinkKindFromName, rs.getString(3), l.complaint_id, "link kind"));
        ECOCASE_ASSIGN_OR_RETURN(l.channel, Named(domain::ComplaintChannelFromName, rs.getString(4),
                                                  l.complaint_id, "channel"));
        l.external_order_number = rs.getString(5);
        ECOCASE_ASSIGN_OR_RETURN(l.reporter, ReadReporter(cipher, rs, 6, l.complaint_id));
        ECOCASE_ASSIGN_OR_RETURN(l.link_time, ReadTime(rs, 10));
        c.linked.push_back(std::move(l));
        return absl::OkStatus();
      });
}

// Runs a query of ComplaintColumns() and reads every complaint whole.
absl::StatusOr<std::vector<Complaint>> ReadComplaints(sql::Connection& conn,
                                                      const FieldCipher* cipher,
                                                      sql::PreparedStatement& stmt) {
  std::vector<Complaint> complaints;
  {
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(Complaint c, ReadComplaintRow(cipher, *rs));
      complaints.push_back(std::move(c));
    }
  }
  ECOCASE_RETURN_IF_ERROR(LoadChildren(conn, cipher, complaints));
  return complaints;
}

// Complaint `id` within `scope`, locked when `for_update`; NOT_FOUND otherwise.
absl::StatusOr<Complaint> SelectComplaint(sql::Connection& conn, const FieldCipher* cipher,
                                          const Scope& scope, int64_t id, bool for_update) {
  SqlPredicate p = ComplaintScope(scope);
  auto stmt = Prepare(
      conn, absl::StrCat("SELECT ", ComplaintColumns(), " FROM complaint c WHERE c.id = ? AND ",
                         p.sql, for_update ? " FOR UPDATE" : ""));
  stmt->setInt64(1, id);
  BindStrings(*stmt, 2, p.values);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<Complaint> found, ReadComplaints(conn, cipher, *stmt));
  if (found.empty()) return NotFound(id);
  return std::move(found.front());
}

// The complaint that came in on a 12345 order, locking its index entry (or the gap where
// it would be, so that two imports of the same order serialise).
std::optional<int64_t> LockByOrderNumber(sql::Connection& conn, const std::string& number) {
  auto stmt = Prepare(conn, "SELECT id FROM complaint WHERE external_order_number = ? FOR UPDATE");
  stmt->setString(1, number);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getInt64(1);
}

int BindProgress(sql::PreparedStatement& stmt, int i, const Complaint& c) {
  stmt.setString(i++, std::string(domain::ComplaintStateName(c.state)));
  if (c.acceptance.has_value()) {
    const AcceptanceDecision& d = *c.acceptance;
    stmt.setBoolean(i++, d.accepted);
    if (d.ground == NotAcceptedGround::kUnspecified) {
      stmt.setNull(i++, sql::DataType::VARCHAR);
    } else {
      stmt.setString(i++, std::string(domain::NotAcceptedGroundName(d.ground)));
    }
    stmt.setString(i++, d.reason);
    stmt.setString(i++, d.authority);
    stmt.setString(i++, d.decided_by);
    stmt.setString(i++, FormatSqlTime(d.decide_time));
  } else {
    for (int n = 0; n < 6; ++n) stmt.setNull(i++, sql::DataType::VARCHAR);
  }
  i = BindAssignment(stmt, i, c.assignment);
  stmt.setInt(i++, c.reopen_count);
  stmt.setBoolean(i++, c.case_clue);
  const ComplaintDeadlines& d = c.deadlines;
  stmt.setString(i++, FormatSqlTime(d.intake_time));
  stmt.setString(i++, FormatSqlTime(d.acceptance_due));
  stmt.setBoolean(i++, d.acceptance_provisional);
  stmt.setString(i++, FormatSqlTime(d.closure_due));
  stmt.setBoolean(i++, d.closure_provisional);
  stmt.setBoolean(i++, d.closure_awaits_acceptance);
  stmt.setString(i++, FormatSqlTime(c.update_time));
  SetOptionalTime(stmt, i++, c.close_time);
  return i;
}

// Inserts the entries beyond the first `stored` with `sql`, whose first two parameters are
// the complaint and the entry's number (from 1); `bind` sets the others.
template <typename Entry>
void AppendRows(sql::Connection& conn, absl::string_view sql, int64_t id, size_t stored,
                const std::vector<Entry>& entries,
                absl::FunctionRef<void(sql::PreparedStatement&, const Entry&)> bind) {
  if (entries.size() <= stored) return;
  auto stmt = Prepare(conn, sql);
  for (size_t i = stored; i < entries.size(); ++i) {
    stmt->setInt64(1, id);
    stmt->setInt(2, static_cast<int>(i) + 1);
    bind(*stmt, entries[i]);
    stmt->executeUpdate();
  }
}

void InsertLinks(sql::Connection& conn, int64_t id, int seq,
                 const std::vector<std::string>& links) {
  if (links.empty()) return;
  auto stmt = Prepare(conn, kInsertLink);
  for (size_t i = 0; i < links.size(); ++i) {
    stmt->setInt64(1, id);
    stmt->setInt(2, seq);
    stmt->setInt(3, static_cast<int>(i));
    stmt->setString(4, links[i]);
    stmt->executeUpdate();
  }
}

// Writes the history `after` holds beyond `before`'s, and the changed links of findings
// stored before.
void AppendHistory(sql::Connection& conn, int64_t id, const Complaint& before,
                   const Complaint& after) {
  AppendRows<RoutingEntry>(conn, kInsertRouting, id, before.routing.size(), after.routing,
                           [](sql::PreparedStatement& stmt, const RoutingEntry& e) {
                             int i = BindAssignment(stmt, 3, e.from);
                             i = BindAssignment(stmt, i, e.to);
                             stmt.setString(i++, e.outside_body);
                             stmt.setString(i++, e.reason);
                             stmt.setString(i++, e.by);
                             stmt.setString(i, FormatSqlTime(e.time));
                           });

  for (size_t i = 0; i < before.findings.size(); ++i) {
    if (after.findings[i].links == before.findings[i].links) continue;
    auto remove = Prepare(conn, kDeleteLinks);
    remove->setInt64(1, id);
    remove->setInt(2, static_cast<int>(i) + 1);
    remove->executeUpdate();
    InsertLinks(conn, id, static_cast<int>(i) + 1, after.findings[i].links);
  }
  AppendRows<Findings>(conn, kInsertFindings, id, before.findings.size(), after.findings,
                       [](sql::PreparedStatement& stmt, const Findings& f) {
                         stmt.setString(3, std::string(domain::FindingsOutcomeName(f.outcome)));
                         stmt.setString(4, f.text);
                         stmt.setString(5, f.recorded_by);
                         stmt.setString(6, FormatSqlTime(f.record_time));
                         stmt.setInt(7, f.round);
                       });
  for (size_t i = before.findings.size(); i < after.findings.size(); ++i) {
    InsertLinks(conn, id, static_cast<int>(i) + 1, after.findings[i].links);
  }

  AppendRows<ComplaintReply>(conn, kInsertReply, id, before.replies.size(), after.replies,
                             [](sql::PreparedStatement& stmt, const ComplaintReply& r) {
                               stmt.setInt64(3, r.to_complaint_id);
                               stmt.setString(4, r.external_order_number);
                               stmt.setString(5, r.text);
                               stmt.setString(6, r.by);
                               stmt.setString(7, FormatSqlTime(r.time));
                               stmt.setInt(8, r.round);
                             });
  AppendRows<Revisit>(conn, kInsertRevisit, id, before.revisits.size(), after.revisits,
                      [](sql::PreparedStatement& stmt, const Revisit& v) {
                        stmt.setInt64(3, v.complaint_id);
                        stmt.setString(4, std::string(domain::SatisfactionName(v.satisfaction)));
                        stmt.setBoolean(5, v.handling_reason);
                        stmt.setString(6, v.note);
                        stmt.setString(7, v.by);
                        stmt.setString(8, FormatSqlTime(v.time));
                        stmt.setInt(9, v.round);
                      });
  AppendRows<ClosureExtension>(conn, kInsertExtension, id, before.deadlines.extensions.size(),
                               after.deadlines.extensions,
                               [](sql::PreparedStatement& stmt, const ClosureExtension& x) {
                                 stmt.setInt(3, x.extra.amount);
                                 stmt.setString(4, std::string(UnitName(x.extra.unit)));
                                 stmt.setString(5, x.reason);
                                 stmt.setString(6, x.approved_by);
                                 stmt.setString(7, FormatSqlTime(x.approve_time));
                                 stmt.setString(8, FormatSqlTime(x.previous_due));
                                 stmt.setString(9, FormatSqlTime(x.new_due));
                               });
}

// The times storage keeps: whole microseconds.
void Truncate(Complaint& c) {
  auto t = [](absl::Time& time) { time = TruncateToMicros(time); };
  if (c.acceptance.has_value()) t(c.acceptance->decide_time);
  for (RoutingEntry& e : c.routing) t(e.time);
  for (Findings& f : c.findings) t(f.record_time);
  for (ComplaintReply& r : c.replies) t(r.time);
  for (Revisit& v : c.revisits) t(v.time);
  ComplaintDeadlines& d = c.deadlines;
  t(d.intake_time);
  t(d.acceptance_due);
  t(d.closure_due);
  for (ClosureExtension& x : d.extensions) {
    t(x.approve_time);
    t(x.previous_due);
    t(x.new_due);
  }
  for (LinkedComplaint& l : c.linked) t(l.link_time);
  t(c.receive_time);
  t(c.update_time);
  t(c.close_time);
}

bool SameReporter(const Reporter& a, const Reporter& b) {
  return a.name == b.name && a.phone == b.phone && a.anonymous == b.anonymous &&
         a.identity_hash == b.identity_hash;
}

bool SameLocation(const domain::ComplaintLocation& a, const domain::ComplaintLocation& b) {
  if (a.address != b.address || a.district_code != b.district_code ||
      a.lat_lng.has_value() != b.lat_lng.has_value()) {
    return false;
  }
  return !a.lat_lng.has_value() || (a.lat_lng->latitude == b.lat_lng->latitude &&
                                    a.lat_lng->longitude == b.lat_lng->longitude);
}

// Store writes no intake column, so a transition that changed one would be lost.
bool IntakeChanged(const Complaint& before, const Complaint& after) {
  return after.id != before.id || after.channel != before.channel ||
         after.external_order_number != before.external_order_number ||
         !SameReporter(after.reporter, before.reporter) ||
         TruncateToMicros(after.receive_time) != before.receive_time ||
         after.received_by != before.received_by ||
         !SameLocation(after.location, before.location) || after.category != before.category ||
         after.urgency != before.urgency || after.description != before.description ||
         after.enterprise_uscc != before.enterprise_uscc || after.attachments != before.attachments;
}

bool HistoryShrank(const Complaint& before, const Complaint& after) {
  return after.routing.size() < before.routing.size() ||
         after.findings.size() < before.findings.size() ||
         after.replies.size() < before.replies.size() ||
         after.revisits.size() < before.revisits.size() ||
         after.deadlines.extensions.size() < before.deadlines.extensions.size();
}

// How a complaint that just got a master is linked to it: merged, or not accepted as a
// repeat report.
absl::StatusOr<LinkKind> LinkKindOf(const Complaint& c) {
  if (c.state == ComplaintState::kMerged) return LinkKind::kMerged;
  if (c.state == ComplaintState::kNotAccepted && c.acceptance.has_value() &&
      c.acceptance->ground == NotAcceptedGround::kRepeatReport) {
    return LinkKind::kRepeat;
  }
  return absl::InternalError(absl::StrCat(c.ResourceName(),
                                          " got a master without being merged or linked as a "
                                          "repeat report"));
}

}  // namespace

absl::StatusOr<std::pair<Complaint, bool>> MysqlComplaintRepository::Create(Tx& tx,
                                                                            const Scope& scope,
                                                                            Complaint complaint) {
  sql::Connection& conn = tx.connection();
  const std::string& order_number = complaint.external_order_number;
  auto existing = [&](int64_t id) -> absl::StatusOr<std::pair<Complaint, bool>> {
    ECOCASE_ASSIGN_OR_RETURN(Complaint c, SelectComplaint(conn, cipher_, Scope::All(), id,
                                                          /*for_update=*/false));
    return std::make_pair(std::move(c), false);
  };
  if (!order_number.empty()) {
    if (std::optional<int64_t> id = LockByOrderNumber(conn, order_number); id.has_value()) {
      return existing(*id);
    }
  }
  if (!complaint.enterprise_uscc.empty()) {
    SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
    auto stmt =
        Prepare(conn, absl::StrCat("SELECT e.id FROM enterprise e WHERE e.uscc = ? AND ", p.sql));
    stmt->setString(1, complaint.enterprise_uscc);
    BindStrings(*stmt, 2, p.values);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    if (!rs->next()) {
      return absl::NotFoundError(
          absl::StrCat("enterprises/", complaint.enterprise_uscc, " not found"));
    }
  }
  ECOCASE_ASSIGN_OR_RETURN(SealedReporter sealed, Seal(cipher_, complaint.reporter));
  Truncate(complaint);

  int64_t id = 0;
  try {
    auto stmt = Prepare(conn, InsertComplaintSql());
    int i = 1;
    stmt->setString(i++, std::string(domain::ComplaintChannelName(complaint.channel)));
    SetOptionalString(*stmt, i++, order_number);
    stmt->setBoolean(i++, complaint.reporter.anonymous);
    for (const std::optional<std::string>* value : {&sealed.name, &sealed.phone, &sealed.hash}) {
      SetOptionalString(*stmt, i++, value->value_or(""));
    }
    const domain::ComplaintLocation& where = complaint.location;
    stmt->setString(i++, where.address);
    stmt->setString(i++, where.district_code);
    if (where.lat_lng.has_value()) {
      stmt->setDouble(i++, where.lat_lng->latitude);
      stmt->setDouble(i++, where.lat_lng->longitude);
    } else {
      stmt->setNull(i++, sql::DataType::DOUBLE);
      stmt->setNull(i++, sql::DataType::DOUBLE);
    }
    stmt->setString(i++, std::string(domain::ComplaintCategoryName(complaint.category)));
    stmt->setString(i++, std::string(domain::ComplaintUrgencyName(complaint.urgency)));
    stmt->setString(i++, complaint.description);
    SetOptionalString(*stmt, i++, complaint.enterprise_uscc);
    stmt->setString(i++, complaint.received_by);
    stmt->setString(i++, FormatSqlTime(complaint.receive_time));
    BindProgress(*stmt, i, complaint);
    stmt->executeUpdate();
    id = LastInsertId(conn);
  } catch (const sql::SQLException& e) {
    // Another transaction imported the same order between our look and our insert.
    if (e.getErrorCode() != kErDupEntry || order_number.empty()) throw;
    std::optional<int64_t> taken = LockByOrderNumber(conn, order_number);
    if (!taken.has_value()) throw;
    return existing(*taken);
  }
  if (!complaint.attachments.empty()) {
    auto stmt = Prepare(conn, kInsertAttachment);
    for (size_t i = 0; i < complaint.attachments.size(); ++i) {
      stmt->setInt64(1, id);
      stmt->setInt(2, static_cast<int>(i));
      stmt->setString(3, complaint.attachments[i]);
      stmt->executeUpdate();
    }
  }
  AppendHistory(conn, id, Complaint{}, complaint);
  ECOCASE_ASSIGN_OR_RETURN(Complaint stored, SelectComplaint(conn, cipher_, Scope::All(), id,
                                                             /*for_update=*/false));
  return std::make_pair(std::move(stored), true);
}

absl::StatusOr<Complaint> MysqlComplaintRepository::Lock(Tx& tx, const Scope& scope, int64_t id) {
  return SelectComplaint(tx.connection(), cipher_, scope, id, /*for_update=*/true);
}

absl::StatusOr<Complaint> MysqlComplaintRepository::Store(Tx& tx, const Complaint& before,
                                                          Complaint after, absl::Time now) {
  sql::Connection& conn = tx.connection();
  if (IntakeChanged(before, after)) {
    return absl::InternalError(
        absl::StrCat("a change tried to alter the identity or intake of ", before.ResourceName()));
  }
  if (HistoryShrank(before, after)) {
    return absl::InternalError(
        absl::StrCat("a change tried to drop history entries of ", before.ResourceName()));
  }
  if (before.master_id != 0 && after.master_id != before.master_id) {
    return absl::InternalError(absl::StrCat("a change tried to move the link of ",
                                            before.ResourceName(), " (Repoint moves links)"));
  }
  std::optional<LinkKind> new_link;
  if (before.master_id == 0 && after.master_id != 0) {
    ECOCASE_ASSIGN_OR_RETURN(new_link, LinkKindOf(after));
  }
  after.update_time = now;
  Truncate(after);

  auto update = Prepare(conn, UpdateComplaintSql());
  int i = BindProgress(*update, 1, after);
  update->setInt64(i++, before.id);
  update->setInt64(i, before.version);
  if (update->executeUpdate() == 0) {
    return absl::AbortedError(
        absl::StrCat(before.ResourceName(), " was changed concurrently; read it again"));
  }
  if (new_link.has_value()) {
    // Both linking transitions close the linked complaint at the instant of the link.
    auto link = Prepare(conn, kLink);
    link->setInt64(1, after.master_id);
    link->setString(2, std::string(domain::LinkKindName(*new_link)));
    link->setString(3, FormatSqlTime(after.close_time));
    link->setInt64(4, before.id);
    link->executeUpdate();
  }
  AppendHistory(conn, before.id, before, after);
  after.version = before.version + 1;
  return after;
}

absl::Status MysqlComplaintRepository::Repoint(Tx& tx, const std::vector<int64_t>& ids,
                                               int64_t master_id) {
  if (ids.empty()) return absl::OkStatus();
  auto stmt = Prepare(tx.connection(), absl::StrCat("UPDATE complaint SET master_id = ? "
                                                    "WHERE id IN (",
                                                    Placeholders(ids.size()), ")"));
  stmt->setInt64(1, master_id);
  int i = 2;
  for (int64_t id : ids) stmt->setInt64(i++, id);
  stmt->executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Complaint> MysqlComplaintRepository::Get(const Scope& scope, int64_t id) {
  Complaint found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get complaint", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectComplaint(conn, cipher_, scope, id,
                                                    /*for_update=*/false));
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<Complaint>> MysqlComplaintRepository::List(
    const Scope& scope, const ComplaintFilter& filter, int limit,
    const std::optional<ComplaintCursor>& after) {
  std::vector<Complaint> complaints;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list complaints", [&](sql::Connection& conn) {
    SqlPredicate p = ComplaintScope(scope);
    // The district filter covers districts the way scope does (a city code, its districts).
    std::optional<SqlPredicate> district;
    if (!filter.district_code.empty()) {
      Scope area;
      area.district_codes = {filter.district_code};
      district = ComplaintScope(area);
    }
    std::string query = absl::StrCat(
        "SELECT ", ComplaintColumns(), " FROM complaint c WHERE ", p.sql,
        filter.state.has_value() ? " AND c.state = ?" : "",
        filter.channel.has_value() ? " AND c.channel = ?" : "",
        filter.category.has_value() ? " AND c.category = ?" : "",
        district.has_value() ? absl::StrCat(" AND ", district->sql) : "",
        filter.assigned_officer.empty() ? "" : " AND c.assigned_officer = ?",
        filter.enterprise_uscc.empty() ? "" : " AND c.enterprise_uscc = ?",
        filter.open_only ? absl::StrCat(" AND ", kOpen) : "",
        filter.overdue_only ? absl::StrCat(" AND ", kOpen, " AND ", kClockDueBy) : "",
        filter.due_before.has_value() ? absl::StrCat(" AND ", kOpen, " AND ", kClockDueBy) : "",
        filter.case_clue_only ? " AND c.case_clue" : "",
        after.has_value() ? " AND (c.receive_time < ? OR (c.receive_time = ? AND c.id < ?))" : "",
        " ORDER BY c.receive_time DESC, c.id DESC LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = BindStrings(*stmt, 1, p.values);
    if (filter.state.has_value()) {
      stmt->setString(i++, std::string(domain::ComplaintStateName(*filter.state)));
    }
    if (filter.channel.has_value()) {
      stmt->setString(i++, std::string(domain::ComplaintChannelName(*filter.channel)));
    }
    if (filter.category.has_value()) {
      stmt->setString(i++, std::string(domain::ComplaintCategoryName(*filter.category)));
    }
    if (district.has_value()) i = BindStrings(*stmt, i, district->values);
    if (!filter.assigned_officer.empty()) stmt->setString(i++, filter.assigned_officer);
    if (!filter.enterprise_uscc.empty()) stmt->setString(i++, filter.enterprise_uscc);
    for (const std::optional<absl::Time>& bound :
         {filter.overdue_only ? std::optional<absl::Time>(filter.now) : std::nullopt,
          filter.due_before}) {
      if (!bound.has_value()) continue;
      const std::string t = FormatSqlTime(*bound);
      stmt->setString(i++, t);
      stmt->setString(i++, t);
    }
    if (after.has_value()) {
      const std::string t = FormatSqlTime(after->receive_time);
      stmt->setString(i++, t);
      stmt->setString(i++, t);
      stmt->setInt64(i++, after->id);
    }
    stmt->setInt(i, limit);
    ECOCASE_ASSIGN_OR_RETURN(complaints, ReadComplaints(conn, cipher_, *stmt));
    return absl::OkStatus();
  }));
  return complaints;
}

absl::StatusOr<std::vector<Complaint>> MysqlComplaintRepository::ListOpenByReporter(
    Tx& tx, const std::string& identity_hash, int limit) {
  if (identity_hash.empty()) return std::vector<Complaint>();
  auto stmt =
      Prepare(tx.connection(),
              absl::StrCat("SELECT ", ComplaintColumns(),
                           " FROM complaint c WHERE c.reporter_hash = ? AND ", kAcceptedAndOpen,
                           " ORDER BY c.receive_time DESC, c.id DESC LIMIT ?"));
  stmt->setString(1, identity_hash);
  stmt->setInt(2, limit);
  return ReadComplaints(tx.connection(), cipher_, *stmt);
}

absl::StatusOr<std::vector<Complaint>> MysqlComplaintRepository::ListRecent(
    const Scope& scope, domain::ComplaintCategory category, absl::Time since, absl::Time until,
    int limit) {
  std::vector<Complaint> complaints;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list recent complaints", [&](sql::Connection& conn) {
        SqlPredicate p = ComplaintScope(scope);
        auto stmt = Prepare(
            conn, absl::StrCat("SELECT ", ComplaintColumns(), " FROM complaint c WHERE ", p.sql,
                               " AND c.category = ? AND c.receive_time BETWEEN ? AND ? "
                               "AND c.state <> 'MERGED' "
                               "ORDER BY c.receive_time DESC, c.id DESC LIMIT ?"));
        int i = BindStrings(*stmt, 1, p.values);
        stmt->setString(i++, std::string(domain::ComplaintCategoryName(category)));
        stmt->setString(i++, FormatSqlTime(since));
        stmt->setString(i++, FormatSqlTime(until));
        stmt->setInt(i, limit);
        ECOCASE_ASSIGN_OR_RETURN(complaints, ReadComplaints(conn, cipher_, *stmt));
        return absl::OkStatus();
      }));
  return complaints;
}

absl::StatusOr<std::vector<Complaint>> MysqlComplaintRepository::ListUnreportedOverdue(
    absl::Time now, int limit) {
  std::vector<Complaint> complaints;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list unreported overdue complaints", [&](sql::Connection& conn) {
        auto stmt = Prepare(
            conn, absl::StrCat("SELECT ", ComplaintColumns(), " FROM complaint c WHERE ", kOpen,
                               " AND ((c.state = 'RECEIVED' AND c.acceptance_due <= ? AND NOT "
                               "c.acceptance_overdue_flagged) OR (c.closure_due <= ? AND "
                               "(c.closure_overdue_flagged_due IS NULL OR "
                               "c.closure_overdue_flagged_due <> c.closure_due))) "
                               "ORDER BY c.id LIMIT ?"));
        const std::string t = FormatSqlTime(now);
        stmt->setString(1, t);
        stmt->setString(2, t);
        stmt->setInt(3, limit);
        ECOCASE_ASSIGN_OR_RETURN(complaints, ReadComplaints(conn, cipher_, *stmt));
        return absl::OkStatus();
      }));
  return complaints;
}

absl::StatusOr<bool> MysqlComplaintRepository::MarkOverdueReported(Tx& tx, int64_t id,
                                                                   domain::SlaClock clock,
                                                                   absl::Time due) {
  auto stmt = Prepare(
      tx.connection(),
      clock == domain::SlaClock::kAcceptance
          ? "UPDATE complaint SET acceptance_overdue_flagged = TRUE WHERE id = ? AND "
            "state = 'RECEIVED' AND acceptance_due = ? AND NOT acceptance_overdue_flagged"
          : absl::StrCat("UPDATE complaint c SET c.closure_overdue_flagged_due = c.closure_due "
                         "WHERE c.id = ? AND ",
                         kOpen,
                         " AND c.closure_due = ? AND (c.closure_overdue_flagged_due IS NULL OR "
                         "c.closure_overdue_flagged_due <> c.closure_due)"));
  stmt->setInt64(1, id);
  stmt->setString(2, FormatSqlTime(due));
  return stmt->executeUpdate() == 1;
}

}  // namespace ecocase::storage::mysql
