#include "storage/mysql/mysql_evidence_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/mysql/mysql_error.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

using domain::EvidenceItem;
using domain::EvidenceState;
using nlohmann::json;

// Columns read by ReadEvidenceRow, in this order.
constexpr absl::string_view kEvidenceColumns =
    "id, sha256, size_bytes, media_type, file_name, kind, "
    "DATE_FORMAT(capture_time, '%Y-%m-%d %H:%i:%s.%f'), latitude, longitude, device_id, "
    "device_model, capturing_officers, parent, district_code, enterprise_uscc, description, "
    "corrects, state, received_bytes, uploaded_by, "
    "DATE_FORMAT(create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(upload_time, '%Y-%m-%d %H:%i:%s.%f')";

constexpr absl::string_view kInsertEvidence =
    "INSERT INTO evidence_item (sha256, size_bytes, media_type, file_name, kind, capture_time, "
    "latitude, longitude, device_id, device_model, capturing_officers, parent, district_code, "
    "enterprise_uscc, description, corrects, state, received_bytes, uploaded_by, create_time, "
    "upload_time, update_time) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// `live` follows state (a generated column), so abandoning frees the natural key.
constexpr absl::string_view kStoreProgress =
    "UPDATE evidence_item SET state = ?, received_bytes = ?, upload_time = ?, update_time = ? "
    "WHERE id = ?";

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("evidence/", id, " not found"));
}

absl::Status BadColumn(int64_t id, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("evidence/", id, " has an unknown ", what, " in the database"));
}

void SetOptionalString(sql::PreparedStatement& stmt, int i, const std::string& value) {
  if (value.empty()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, value);
  }
}

// absl::Time() (the epoch) is how the domain says "not yet".
void SetOptionalTime(sql::PreparedStatement& stmt, int i, absl::Time t) {
  if (t == absl::Time()) {
    stmt.setNull(i, sql::DataType::VARCHAR);
  } else {
    stmt.setString(i, FormatSqlTime(t));
  }
}

std::string OfficersJson(const std::vector<std::string>& officers) {
  json array = json::array();
  for (const std::string& username : officers) array.push_back(username);
  return array.dump();
}

absl::StatusOr<std::vector<std::string>> ReadOfficers(const std::string& text, int64_t id) {
  const json array = json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) {
    return absl::DataLossError(
        absl::StrCat("evidence/", id, " has capturing officers that are not a JSON array"));
  }
  std::vector<std::string> officers;
  for (const json& username : array) {
    if (!username.is_string()) {
      return absl::DataLossError(
          absl::StrCat("evidence/", id, " has a capturing officer that is not a string"));
    }
    officers.push_back(username.get<std::string>());
  }
  return officers;
}

absl::StatusOr<StoredEvidence> ReadEvidenceRow(sql::ResultSet& rs) {
  StoredEvidence stored;
  EvidenceItem& item = stored.item;
  item.id = rs.getInt64(1);
  item.sha256 = rs.getString(2);
  item.size_bytes = rs.getInt64(3);
  item.media_type = rs.getString(4);
  item.file_name = rs.getString(5);
  std::optional<domain::EvidenceKind> kind =
      domain::EvidenceKindFromName(std::string(rs.getString(6)));
  if (!kind.has_value()) return BadColumn(item.id, "kind");
  item.kind = *kind;
  ECOCASE_ASSIGN_OR_RETURN(item.capture_time, ParseSqlTime(rs.getString(7)));
  if (!rs.isNull(8) && !rs.isNull(9)) {
    item.location = domain::GeoPoint{static_cast<double>(rs.getDouble(8)),
                                     static_cast<double>(rs.getDouble(9))};
  }
  item.device_id = rs.getString(10);
  item.device_model = rs.getString(11);
  ECOCASE_ASSIGN_OR_RETURN(item.capturing_officers, ReadOfficers(rs.getString(12), item.id));
  item.parent = rs.getString(13);
  if (!rs.isNull(14)) stored.placement.district_code = rs.getString(14);
  if (!rs.isNull(15)) stored.placement.enterprise_uscc = rs.getString(15);
  item.description = rs.getString(16);
  if (!rs.isNull(17)) item.corrects = rs.getInt64(17);
  std::optional<EvidenceState> state = domain::EvidenceStateFromName(std::string(rs.getString(18)));
  if (!state.has_value()) return BadColumn(item.id, "state");
  item.state = *state;
  item.received_bytes = rs.getInt64(19);
  item.uploaded_by = rs.getString(20);
  ECOCASE_ASSIGN_OR_RETURN(item.create_time, ParseSqlTime(rs.getString(21)));
  if (!rs.isNull(22)) {
    ECOCASE_ASSIGN_OR_RETURN(item.upload_time, ParseSqlTime(rs.getString(22)));
  }
  return stored;
}

// Runs a query of kEvidenceColumns and reads every row.
absl::StatusOr<std::vector<StoredEvidence>> ReadRows(sql::PreparedStatement& stmt) {
  std::vector<StoredEvidence> rows;
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    ECOCASE_ASSIGN_OR_RETURN(StoredEvidence stored, ReadEvidenceRow(*rs));
    rows.push_back(std::move(stored));
  }
  return rows;
}

absl::StatusOr<StoredEvidence> SelectById(sql::Connection& conn, int64_t id, bool for_update) {
  auto stmt =
      Prepare(conn, absl::StrCat("SELECT ", kEvidenceColumns, " FROM evidence_item WHERE id = ?",
                                 for_update ? " FOR UPDATE" : ""));
  stmt->setInt64(1, id);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<StoredEvidence> rows, ReadRows(*stmt));
  if (rows.empty()) return NotFound(id);
  return std::move(rows.front());
}

// The live (not ABANDONED) item of the same upload, if any. A locking read sees the latest
// committed row even where the transaction's snapshot would not.
absl::StatusOr<std::optional<StoredEvidence>> SelectLive(sql::Connection& conn,
                                                         const EvidenceItem& item,
                                                         bool for_update) {
  auto stmt = Prepare(conn, absl::StrCat("SELECT ", kEvidenceColumns,
                                         " FROM evidence_item WHERE uploaded_by = ? AND "
                                         "parent = ? AND sha256 = ? AND live = 1",
                                         for_update ? " FOR UPDATE" : ""));
  stmt->setString(1, item.uploaded_by);
  stmt->setString(2, item.parent);
  stmt->setString(3, item.sha256);
  ECOCASE_ASSIGN_OR_RETURN(std::vector<StoredEvidence> rows, ReadRows(*stmt));
  if (rows.empty()) return std::optional<StoredEvidence>();
  return std::optional<StoredEvidence>(std::move(rows.front()));
}

int64_t Insert(sql::Connection& conn, const EvidenceItem& item,
               const EvidencePlacement& placement) {
  auto stmt = Prepare(conn, kInsertEvidence);
  int i = 1;
  stmt->setString(i++, item.sha256);
  stmt->setInt64(i++, item.size_bytes);
  stmt->setString(i++, item.media_type);
  stmt->setString(i++, item.file_name);
  stmt->setString(i++, std::string(domain::EvidenceKindName(item.kind)));
  stmt->setString(i++, FormatSqlTime(item.capture_time));
  if (item.location.has_value()) {
    stmt->setDouble(i++, item.location->latitude);
    stmt->setDouble(i++, item.location->longitude);
  } else {
    stmt->setNull(i++, sql::DataType::DOUBLE);
    stmt->setNull(i++, sql::DataType::DOUBLE);
  }
  stmt->setString(i++, item.device_id);
  stmt->setString(i++, item.device_model);
  stmt->setString(i++, OfficersJson(item.capturing_officers));
  stmt->setString(i++, item.parent);
  SetOptionalString(*stmt, i++, placement.district_code);
  SetOptionalString(*stmt, i++, placement.enterprise_uscc);
  stmt->setString(i++, item.description);
  if (item.corrects != 0) {
    stmt->setInt64(i++, item.corrects);
  } else {
    stmt->setNull(i++, sql::DataType::BIGINT);
  }
  stmt->setString(i++, std::string(domain::EvidenceStateName(item.state)));
  stmt->setInt64(i++, item.received_bytes);
  stmt->setString(i++, item.uploaded_by);
  stmt->setString(i++, FormatSqlTime(item.create_time));
  SetOptionalTime(*stmt, i++, item.upload_time);
  stmt->setString(i, FormatSqlTime(item.create_time));  // update_time: the start
  stmt->executeUpdate();
  return LastInsertId(conn);
}

// The times storage keeps: whole microseconds.
void Truncate(EvidenceItem& item) {
  item.capture_time = TruncateToMicros(item.capture_time);
  item.create_time = TruncateToMicros(item.create_time);
  item.upload_time = TruncateToMicros(item.upload_time);
}

}  // namespace

absl::StatusOr<std::pair<StoredEvidence, bool>> MysqlEvidenceRepository::Create(
    Tx& tx, EvidenceItem item, const EvidencePlacement& placement) {
  sql::Connection& conn = tx.connection();
  item.id = 0;
  Truncate(item);
  ECOCASE_ASSIGN_OR_RETURN(std::optional<StoredEvidence> existing,
                           SelectLive(conn, item, /*for_update=*/false));
  if (existing.has_value()) return std::make_pair(std::move(*existing), false);
  try {
    item.id = Insert(conn, item, placement);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErDupEntry) throw;
    // Another transaction started the same upload between our look and our insert; the
    // insert waited for it to commit, so its row is there to read.
    ECOCASE_ASSIGN_OR_RETURN(existing, SelectLive(conn, item, /*for_update=*/true));
    if (existing.has_value()) return std::make_pair(std::move(*existing), false);
    return absl::AbortedError(absl::StrCat("an upload of ", item.sha256, " under ", item.parent,
                                           " was started and abandoned concurrently; retry"));
  }
  return std::make_pair(StoredEvidence{std::move(item), placement}, true);
}

absl::StatusOr<StoredEvidence> MysqlEvidenceRepository::Lock(Tx& tx, int64_t id) {
  return SelectById(tx.connection(), id, /*for_update=*/true);
}

absl::Status MysqlEvidenceRepository::StoreProgress(Tx& tx, const EvidenceItem& item,
                                                    absl::Time now) {
  sql::Connection& conn = tx.connection();
  auto stmt = Prepare(conn, kStoreProgress);
  stmt->setString(1, std::string(domain::EvidenceStateName(item.state)));
  stmt->setInt64(2, item.received_bytes);
  SetOptionalTime(*stmt, 3, item.upload_time);
  stmt->setString(4, FormatSqlTime(now));
  stmt->setInt64(5, item.id);
  if (stmt->executeUpdate() > 0) return absl::OkStatus();
  // Zero rows may also mean "matched but unchanged" (the server counts changed rows).
  auto exists = Prepare(conn, "SELECT 1 FROM evidence_item WHERE id = ?");
  exists->setInt64(1, item.id);
  std::unique_ptr<sql::ResultSet> rs(exists->executeQuery());
  return rs->next() ? absl::OkStatus() : NotFound(item.id);
}

absl::StatusOr<StoredEvidence> MysqlEvidenceRepository::Get(int64_t id) {
  StoredEvidence found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get evidence", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectById(conn, id, /*for_update=*/false));
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<StoredEvidence>> MysqlEvidenceRepository::List(const std::string& parent,
                                                                          bool include_incomplete,
                                                                          int limit,
                                                                          int64_t after_id) {
  std::vector<StoredEvidence> items;
  if (limit <= 0) return items;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list evidence", [&](sql::Connection& conn) {
    auto stmt = Prepare(
        conn,
        absl::StrCat("SELECT ", kEvidenceColumns, " FROM evidence_item WHERE parent = ? AND id > ?",
                     include_incomplete ? "" : " AND state = 'STORED'", " ORDER BY id LIMIT ?"));
    stmt->setString(1, parent);
    stmt->setInt64(2, after_id);
    stmt->setInt(3, limit);
    ECOCASE_ASSIGN_OR_RETURN(items, ReadRows(*stmt));
    return absl::OkStatus();
  }));
  return items;
}

absl::StatusOr<int64_t> MysqlEvidenceRepository::SumDeclaredBytesSince(
    const std::string& uploaded_by, absl::Time since) {
  int64_t total = 0;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "sum declared evidence bytes", [&](sql::Connection& conn) {
        // SUM of BIGINT is DECIMAL; the cast reads it back as an integer.
        auto stmt = Prepare(conn,
                            "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS SIGNED) FROM "
                            "evidence_item WHERE uploaded_by = ? AND create_time >= ? AND "
                            "state <> 'ABANDONED'");
        stmt->setString(1, uploaded_by);
        stmt->setString(2, FormatSqlTime(since));
        std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
        if (rs->next()) total = rs->getInt64(1);
        return absl::OkStatus();
      }));
  return total;
}

absl::StatusOr<std::vector<EvidenceItem>> MysqlEvidenceRepository::ListStaleUploads(
    absl::Time cutoff, int limit) {
  std::vector<EvidenceItem> items;
  if (limit <= 0) return items;
  ECOCASE_RETURN_IF_ERROR(
      RunWithConnection(pool_, "list stale evidence uploads", [&](sql::Connection& conn) {
        items.clear();  // The body runs again on a replaced connection.
        auto stmt = Prepare(conn, absl::StrCat("SELECT ", kEvidenceColumns,
                                               " FROM evidence_item WHERE state = 'UPLOADING' AND "
                                               "update_time < ? ORDER BY update_time, id LIMIT ?"));
        stmt->setString(1, FormatSqlTime(cutoff));
        stmt->setInt(2, limit);
        ECOCASE_ASSIGN_OR_RETURN(std::vector<StoredEvidence> rows, ReadRows(*stmt));
        for (StoredEvidence& stored : rows) items.push_back(std::move(stored.item));
        return absl::OkStatus();
      }));
  return items;
}

}  // namespace ecocase::storage::mysql
