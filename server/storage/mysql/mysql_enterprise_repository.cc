#include "storage/mysql/mysql_enterprise_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>

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

using domain::Contact;
using domain::Device;
using domain::Enterprise;
using domain::GeoPoint;
using domain::Outlet;

// ---------------------------------------------------------------------------------------
// Shared helpers.

void SetLocation(sql::PreparedStatement& stmt, int index, const std::optional<GeoPoint>& p) {
  if (p.has_value()) {
    stmt.setDouble(index, p->latitude);
    stmt.setDouble(index + 1, p->longitude);
  } else {
    stmt.setNull(index, sql::DataType::DOUBLE);
    stmt.setNull(index + 1, sql::DataType::DOUBLE);
  }
}

std::optional<GeoPoint> ReadLocation(sql::ResultSet& rs, int index) {
  if (rs.isNull(index) || rs.isNull(index + 1)) return std::nullopt;
  return GeoPoint{static_cast<double>(rs.getDouble(index)),
                  static_cast<double>(rs.getDouble(index + 1))};
}

absl::StatusOr<absl::Time> ReadTime(sql::ResultSet& rs, int index) {
  return ParseSqlTime(rs.getString(index));
}

// The protocol profile in four columns from `index`: protocol_version, strictness,
// crc_mode, encryption. The SM4 keys are secret and never read by the registry.
absl::StatusOr<domain::hj212::DeviceProfile> ReadProtocol(sql::ResultSet& rs, int index,
                                                          const std::string& mn) {
  domain::hj212::DeviceProfile p;
  auto version = domain::ProtocolVersionFromStoredName(std::string(rs.getString(index)));
  auto strictness = domain::StrictnessFromName(std::string(rs.getString(index + 1)));
  auto crc = domain::CrcModeFromName(std::string(rs.getString(index + 2)));
  auto encryption = domain::CpEncryptionFromName(std::string(rs.getString(index + 3)));
  if (!version || !strictness || !crc || !encryption) {
    return absl::InternalError(absl::StrCat("devices/", mn, " has an unknown protocol profile"));
  }
  p.version = *version;
  p.strictness = *strictness;
  p.crc_mode = *crc;
  p.encryption = *encryption;
  return p;
}

// Binds protocol_version, strictness, crc_mode, encryption, sm4_keys from `index`.
void SetProtocol(sql::PreparedStatement& stmt, int index,
                 const domain::hj212::DeviceProfile& p) {
  stmt.setString(index, std::string(domain::ProtocolVersionStoredName(p.version)));
  stmt.setString(index + 1, std::string(domain::StrictnessName(p.strictness)));
  stmt.setString(index + 2, std::string(domain::CrcModeName(p.crc_mode)));
  stmt.setString(index + 3, std::string(domain::CpEncryptionName(p.encryption)));
  stmt.setString(index + 4, domain::Sm4KeysText(p.sm4_keys));
}

// Runs an INSERT/UPDATE; a duplicate key becomes `duplicate`, anything else is rethrown for
// RunInTransaction to map.
absl::Status ExecuteUnique(sql::PreparedStatement& stmt, absl::Status duplicate) {
  try {
    stmt.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErDupEntry) return duplicate;
    throw;
  }
  return absl::OkStatus();
}

absl::Status StaleEtag(const std::string& resource) {
  return common::WithReason(absl::AbortedError(absl::StrCat(
                                resource, " was changed by someone else; read it again and retry")),
                            "ETAG_MISMATCH");
}

// ---------------------------------------------------------------------------------------
// Enterprises.

// Columns read into an Enterprise, in this order, by every query below.
constexpr absl::string_view kEnterpriseColumns =
    "e.id, e.uscc, e.display_name, e.address, e.district_code, e.industry_code, "
    "e.management_class, e.key_discharger, e.latitude, e.longitude, e.version, "
    "DATE_FORMAT(e.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(e.update_time, '%Y-%m-%d %H:%i:%s.%f')";

constexpr absl::string_view kInsertEnterprise =
    "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
    "management_class, key_discharger, latitude, longitude, version, create_time, "
    "update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
constexpr absl::string_view kUpdateEnterprise =
    "UPDATE enterprise SET display_name = ?, address = ?, district_code = ?, "
    "industry_code = ?, management_class = ?, key_discharger = ?, latitude = ?, "
    "longitude = ?, version = version + 1, update_time = ? WHERE id = ?";
constexpr absl::string_view kInsertContact =
    "INSERT INTO enterprise_contact (enterprise_id, position, name, title, phone) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr absl::string_view kDeleteContacts =
    "DELETE FROM enterprise_contact WHERE enterprise_id = ?";
constexpr absl::string_view kSelectContacts =
    "SELECT enterprise_id, name, title, phone FROM enterprise_contact "
    "WHERE enterprise_id = ? ORDER BY position";
// For a page of enterprises: this prefix, one `?` per enterprise, kSelectContactsInEnd.
constexpr absl::string_view kSelectContactsIn =
    "SELECT enterprise_id, name, title, phone FROM enterprise_contact "
    "WHERE enterprise_id IN (";
constexpr absl::string_view kSelectContactsInEnd = ") ORDER BY enterprise_id, position";

absl::StatusOr<Enterprise> ReadEnterprise(sql::ResultSet& rs) {
  Enterprise e;
  e.id = rs.getInt64(1);
  e.uscc = rs.getString(2);
  e.display_name = rs.getString(3);
  e.address = rs.getString(4);
  e.district_code = rs.getString(5);
  e.industry_code = rs.getString(6);
  auto management_class = domain::ManagementClassFromName(std::string(rs.getString(7)));
  if (!management_class.has_value()) {
    return absl::InternalError(
        absl::StrCat("enterprises/", e.uscc, " has an unknown management class"));
  }
  e.management_class = *management_class;
  e.key_discharger = rs.getBoolean(8);
  e.location = ReadLocation(rs, 9);
  e.version = rs.getInt64(11);
  ECOCASE_ASSIGN_OR_RETURN(e.create_time, ReadTime(rs, 12));
  ECOCASE_ASSIGN_OR_RETURN(e.update_time, ReadTime(rs, 13));
  return e;
}

Contact ReadContact(sql::ResultSet& rs) {
  return Contact{rs.getString(2), rs.getString(3), rs.getString(4)};
}

void LoadContacts(sql::Connection& conn, Enterprise& e) {
  auto stmt = Prepare(conn, kSelectContacts);
  stmt->setInt64(1, e.id);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  e.contacts.clear();
  while (rs->next()) e.contacts.push_back(ReadContact(*rs));
}

// The contacts of a whole page in one round trip.
void LoadContacts(sql::Connection& conn, std::vector<Enterprise>& page) {
  if (page.empty()) return;
  std::vector<absl::string_view> marks(page.size(), "?");
  auto stmt = Prepare(
      conn, absl::StrCat(kSelectContactsIn, absl::StrJoin(marks, ", "), kSelectContactsInEnd));
  std::map<int64_t, Enterprise*> by_id;
  for (size_t i = 0; i < page.size(); ++i) {
    stmt->setInt64(static_cast<int>(i) + 1, page[i].id);
    page[i].contacts.clear();
    by_id[page[i].id] = &page[i];
  }
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  while (rs->next()) by_id[rs->getInt64(1)]->contacts.push_back(ReadContact(*rs));
}

void InsertContacts(sql::Connection& conn, const Enterprise& e) {
  auto stmt = Prepare(conn, kInsertContact);
  for (size_t i = 0; i < e.contacts.size(); ++i) {
    const Contact& c = e.contacts[i];
    stmt->setInt64(1, e.id);
    stmt->setInt(2, static_cast<int>(i));
    stmt->setString(3, c.name);
    stmt->setString(4, c.title);
    stmt->setString(5, c.phone);
    stmt->executeUpdate();
  }
}

// One enterprise by USCC within `scope`, with its contacts, optionally locked.
absl::StatusOr<std::optional<Enterprise>> SelectEnterprise(sql::Connection& conn,
                                                           const Scope& scope,
                                                           const std::string& uscc,
                                                           bool for_update) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt = Prepare(
      conn, absl::StrCat("SELECT ", kEnterpriseColumns, " FROM enterprise e WHERE e.uscc = ? AND ",
                         p.sql, for_update ? " FOR UPDATE" : ""));
  stmt->setString(1, uscc);
  BindStrings(*stmt, 2, p.values);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::optional<Enterprise>();
  ECOCASE_ASSIGN_OR_RETURN(Enterprise e, ReadEnterprise(*rs));
  LoadContacts(conn, e);
  return std::optional<Enterprise>(std::move(e));
}

absl::Status EnterpriseNotFound(const std::string& uscc) {
  return absl::NotFoundError(absl::StrCat("enterprises/", uscc, " not found"));
}

// The LIKE pattern matching `text` anywhere, with `!` escaping the wildcards.
std::string ContainsPattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '!' || c == '%' || c == '_') out.push_back('!');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

// ---------------------------------------------------------------------------------------
// Outlets.

// Columns read into an Outlet, in this order, by every query below.
constexpr absl::string_view kOutletColumns =
    "o.id, e.uscc, e.district_code, o.code, o.kind, o.display_name, o.latitude, "
    "o.longitude, o.version, DATE_FORMAT(o.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(o.update_time, '%Y-%m-%d %H:%i:%s.%f')";

constexpr absl::string_view kInsertOutlet =
    "INSERT INTO outlet (enterprise_id, code, kind, display_name, latitude, longitude, "
    "version, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)";
constexpr absl::string_view kUpdateOutlet =
    "UPDATE outlet SET display_name = ?, latitude = ?, longitude = ?, version = version + 1, "
    "update_time = ? WHERE id = ?";
constexpr absl::string_view kInsertPollutant =
    "INSERT INTO outlet_pollutant (outlet_id, pollutant_code) VALUES (?, ?)";
constexpr absl::string_view kDeletePollutants = "DELETE FROM outlet_pollutant WHERE outlet_id = ?";
constexpr absl::string_view kSelectPollutants =
    "SELECT pollutant_code FROM outlet_pollutant WHERE outlet_id = ? ORDER BY pollutant_code";
constexpr absl::string_view kSelectOutletDevices =
    "SELECT mn, DATE_FORMAT(bind_time, '%Y-%m-%d %H:%i:%s.%f'), protocol_version, strictness, "
    "crc_mode, encryption FROM device WHERE outlet_id = ? ORDER BY mn";
constexpr absl::string_view kSelectOutletsOf =
    "SELECT o.id, e.uscc, e.district_code, o.code, o.kind, o.display_name, o.latitude, "
    "o.longitude, o.version, DATE_FORMAT(o.create_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(o.update_time, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id "
    "WHERE o.enterprise_id = ? AND o.code > ? ORDER BY o.code LIMIT ?";

absl::StatusOr<Outlet> ReadOutlet(sql::ResultSet& rs) {
  Outlet o;
  o.id = rs.getInt64(1);
  o.enterprise_uscc = rs.getString(2);
  o.district_code = rs.getString(3);
  o.code = rs.getString(4);
  auto kind = domain::OutletKindFromName(std::string(rs.getString(5)));
  if (!kind.has_value()) {
    return absl::InternalError(absl::StrCat(o.ResourceName(), " has an unknown kind"));
  }
  o.kind = *kind;
  o.display_name = rs.getString(6);
  o.location = ReadLocation(rs, 7);
  o.version = rs.getInt64(9);
  ECOCASE_ASSIGN_OR_RETURN(o.create_time, ReadTime(rs, 10));
  ECOCASE_ASSIGN_OR_RETURN(o.update_time, ReadTime(rs, 11));
  return o;
}

// Pollutant codes and bound devices of `o`.
absl::Status LoadOutletDetails(sql::Connection& conn, Outlet& o) {
  auto pollutants = Prepare(conn, kSelectPollutants);
  pollutants->setInt64(1, o.id);
  std::unique_ptr<sql::ResultSet> rs(pollutants->executeQuery());
  o.pollutant_codes.clear();
  while (rs->next()) o.pollutant_codes.push_back(rs->getString(1));

  auto devices = Prepare(conn, kSelectOutletDevices);
  devices->setInt64(1, o.id);
  std::unique_ptr<sql::ResultSet> drs(devices->executeQuery());
  o.devices.clear();
  while (drs->next()) {
    Device d;
    d.mn = drs->getString(1);
    d.enterprise_uscc = o.enterprise_uscc;
    d.outlet_code = o.code;
    d.district_code = o.district_code;
    if (!drs->isNull(2)) {
      ECOCASE_ASSIGN_OR_RETURN(absl::Time t, ReadTime(*drs, 2));
      d.bind_time = t;
    }
    ECOCASE_ASSIGN_OR_RETURN(d.protocol, ReadProtocol(*drs, 3, d.mn));
    o.devices.push_back(std::move(d));
  }
  return absl::OkStatus();
}

void InsertPollutants(sql::Connection& conn, const Outlet& o) {
  auto stmt = Prepare(conn, kInsertPollutant);
  for (const std::string& code : o.pollutant_codes) {
    stmt->setInt64(1, o.id);
    stmt->setString(2, code);
    stmt->executeUpdate();
  }
}

// One outlet within `scope` (the owning enterprise's), with its details, optionally locked.
absl::StatusOr<std::optional<Outlet>> SelectOutlet(sql::Connection& conn, const Scope& scope,
                                                   const std::string& uscc, const std::string& code,
                                                   bool for_update) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt =
      Prepare(conn, absl::StrCat("SELECT ", kOutletColumns,
                                 " FROM outlet o JOIN enterprise e ON e.id = o.enterprise_id "
                                 "WHERE e.uscc = ? AND o.code = ? AND ",
                                 p.sql, for_update ? " FOR UPDATE" : ""));
  stmt->setString(1, uscc);
  stmt->setString(2, code);
  BindStrings(*stmt, 3, p.values);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::optional<Outlet>();
  ECOCASE_ASSIGN_OR_RETURN(Outlet o, ReadOutlet(*rs));
  ECOCASE_RETURN_IF_ERROR(LoadOutletDetails(conn, o));
  return std::optional<Outlet>(std::move(o));
}

absl::Status OutletNotFound(const std::string& uscc, const std::string& code) {
  return absl::NotFoundError(absl::StrCat("enterprises/", uscc, "/outlets/", code, " not found"));
}

// The id and district of an enterprise within `scope`; nullopt when not visible.
struct EnterpriseRef {
  int64_t id = 0;
  std::string district_code;
};

std::optional<EnterpriseRef> FindEnterprise(sql::Connection& conn, const Scope& scope,
                                            const std::string& uscc) {
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt = Prepare(conn, absl::StrCat("SELECT e.id, e.district_code FROM enterprise e "
                                         "WHERE e.uscc = ? AND ",
                                         p.sql));
  stmt->setString(1, uscc);
  BindStrings(*stmt, 2, p.values);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) return std::nullopt;
  return EnterpriseRef{rs->getInt64(1), rs->getString(2)};
}

// ---------------------------------------------------------------------------------------
// Devices.

constexpr absl::string_view kLockDevice =
    "SELECT id, mn, outlet_id FROM device WHERE mn = ? FOR UPDATE";
// A (re)bind registers the protocol profile afresh, SM4 keys included.
constexpr absl::string_view kInsertDevice =
    "INSERT INTO device (mn, outlet_id, password_hash, bind_time, update_time, protocol_version, "
    "strictness, crc_mode, encryption, sm4_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kRebindDevice =
    "UPDATE device SET outlet_id = ?, password_hash = ?, bind_time = ?, update_time = ?, "
    "protocol_version = ?, strictness = ?, crc_mode = ?, encryption = ?, sm4_keys = ? "
    "WHERE id = ?";
// A binding opened at the very instant the previous one (of zero length) was opened and
// closed replaces that one: no reading can fall into an empty interval.
constexpr absl::string_view kOpenBinding =
    "INSERT INTO device_binding (mn, outlet_id, bind_time, unbind_time) "
    "VALUES (?, ?, ?, NULL) ON DUPLICATE KEY UPDATE outlet_id = ?, unbind_time = NULL";
constexpr absl::string_view kUnbindDevice =
    "UPDATE device SET outlet_id = NULL, bind_time = NULL, update_time = ? WHERE id = ?";
constexpr absl::string_view kCloseBinding =
    "UPDATE device_binding SET unbind_time = ? WHERE mn = ? AND unbind_time IS NULL";
constexpr absl::string_view kDeviceKnown = "SELECT 1 FROM device WHERE mn = ?";

absl::Status DeviceNotFound(const std::string& mn) {
  return absl::NotFoundError(
      absl::StrCat("devices/", mn, " is not bound to an outlet you can see"));
}

}  // namespace

// -----------------------------------------------------------------------------------------

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Create(Tx& tx, Enterprise e, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  auto stmt = Prepare(conn, kInsertEnterprise);
  stmt->setString(1, e.uscc);
  stmt->setString(2, e.display_name);
  stmt->setString(3, e.address);
  stmt->setString(4, e.district_code);
  stmt->setString(5, e.industry_code);
  stmt->setString(6, std::string(domain::ManagementClassName(e.management_class)));
  stmt->setBoolean(7, e.key_discharger);
  SetLocation(*stmt, 8, e.location);
  stmt->setString(10, FormatSqlTime(now));
  stmt->setString(11, FormatSqlTime(now));
  ECOCASE_RETURN_IF_ERROR(ExecuteUnique(
      *stmt, absl::AlreadyExistsError(absl::StrCat(e.ResourceName(), " is already registered"))));
  e.id = LastInsertId(conn);
  InsertContacts(conn, e);
  e.version = 1;
  e.create_time = now;
  e.update_time = now;
  return e;
}

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Get(const Scope& scope,
                                                          const std::string& uscc) {
  std::optional<Enterprise> found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get enterprise", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectEnterprise(conn, scope, uscc, /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return EnterpriseNotFound(uscc);
  return *std::move(found);
}

absl::StatusOr<std::vector<Enterprise>> MysqlEnterpriseRepository::List(
    const Scope& scope, const EnterpriseFilter& filter, int limit, const std::string& after) {
  if (!filter.district_code.empty() && !domain::IsDistrictCode(filter.district_code)) {
    return absl::InvalidArgumentError("district filter must be a six-digit code");
  }
  std::vector<Enterprise> page;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list enterprises", [&](sql::Connection& conn) {
    page.clear();
    SqlPredicate in_scope = ScopePredicate(scope, "e.district_code", "e.uscc");
    // The district filter covers like a jurisdiction does (410800 -> 4108xx).
    Scope district_scope;
    if (!filter.district_code.empty()) district_scope.district_codes = {filter.district_code};
    SqlPredicate in_district = ScopePredicate(district_scope, "e.district_code", "e.uscc");
    std::string query = absl::StrCat(
        "SELECT ", kEnterpriseColumns, " FROM enterprise e WHERE e.uscc > ? AND ", in_scope.sql,
        filter.district_code.empty() ? "" : absl::StrCat(" AND ", in_district.sql),
        filter.management_class.has_value() ? " AND e.management_class = ?" : "",
        filter.name_contains.empty() ? "" : " AND e.display_name LIKE ? ESCAPE '!'",
        " ORDER BY e.uscc LIMIT ?");
    auto stmt = Prepare(conn, query);
    int i = 1;
    stmt->setString(i++, after);
    i = BindStrings(*stmt, i, in_scope.values);
    if (!filter.district_code.empty()) i = BindStrings(*stmt, i, in_district.values);
    if (filter.management_class.has_value()) {
      stmt->setString(i++, std::string(domain::ManagementClassName(*filter.management_class)));
    }
    if (!filter.name_contains.empty()) {
      stmt->setString(i++, ContainsPattern(filter.name_contains));
    }
    stmt->setInt(i, limit);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(Enterprise e, ReadEnterprise(*rs));
      page.push_back(std::move(e));
    }
    LoadContacts(conn, page);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Update(
    Tx& tx, const Scope& scope, const std::string& uscc, int64_t expected_version,
    absl::FunctionRef<absl::Status(Enterprise&)> change, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  ECOCASE_ASSIGN_OR_RETURN(std::optional<Enterprise> found,
                           SelectEnterprise(conn, scope, uscc, /*for_update=*/true));
  if (!found.has_value()) return EnterpriseNotFound(uscc);
  Enterprise e = *std::move(found);
  if (expected_version != 0 && expected_version != e.version) {
    return StaleEtag(e.ResourceName());
  }
  ECOCASE_RETURN_IF_ERROR(change(e));
  auto stmt = Prepare(conn, kUpdateEnterprise);
  stmt->setString(1, e.display_name);
  stmt->setString(2, e.address);
  stmt->setString(3, e.district_code);
  stmt->setString(4, e.industry_code);
  stmt->setString(5, std::string(domain::ManagementClassName(e.management_class)));
  stmt->setBoolean(6, e.key_discharger);
  SetLocation(*stmt, 7, e.location);
  stmt->setString(9, FormatSqlTime(now));
  stmt->setInt64(10, e.id);
  stmt->executeUpdate();
  auto del = Prepare(conn, kDeleteContacts);
  del->setInt64(1, e.id);
  del->executeUpdate();
  InsertContacts(conn, e);
  e.version += 1;
  e.update_time = now;
  return e;
}

absl::StatusOr<Outlet> MysqlEnterpriseRepository::CreateOutlet(Tx& tx, const Scope& scope, Outlet o,
                                                               absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  std::optional<EnterpriseRef> parent = FindEnterprise(conn, scope, o.enterprise_uscc);
  if (!parent.has_value()) return EnterpriseNotFound(o.enterprise_uscc);
  auto stmt = Prepare(conn, kInsertOutlet);
  stmt->setInt64(1, parent->id);
  stmt->setString(2, o.code);
  stmt->setString(3, std::string(domain::OutletKindName(o.kind)));
  stmt->setString(4, o.display_name);
  SetLocation(*stmt, 5, o.location);
  stmt->setString(7, FormatSqlTime(now));
  stmt->setString(8, FormatSqlTime(now));
  ECOCASE_RETURN_IF_ERROR(ExecuteUnique(
      *stmt, absl::AlreadyExistsError(absl::StrCat(o.ResourceName(), " already exists"))));
  o.id = LastInsertId(conn);
  InsertPollutants(conn, o);
  o.devices.clear();
  o.district_code = parent->district_code;
  o.version = 1;
  o.create_time = now;
  o.update_time = now;
  return o;
}

absl::StatusOr<Outlet> MysqlEnterpriseRepository::GetOutlet(const Scope& scope,
                                                            const std::string& uscc,
                                                            const std::string& code) {
  std::optional<Outlet> found;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "get outlet", [&](sql::Connection& conn) {
    ECOCASE_ASSIGN_OR_RETURN(found, SelectOutlet(conn, scope, uscc, code, /*for_update=*/false));
    return absl::OkStatus();
  }));
  if (!found.has_value()) return OutletNotFound(uscc, code);
  return *std::move(found);
}

absl::StatusOr<std::vector<Outlet>> MysqlEnterpriseRepository::ListOutlets(
    const Scope& scope, const std::string& uscc, int limit, const std::string& after_code) {
  std::vector<Outlet> page;
  bool parent_visible = false;
  ECOCASE_RETURN_IF_ERROR(RunWithConnection(pool_, "list outlets", [&](sql::Connection& conn) {
    page.clear();
    std::optional<EnterpriseRef> parent = FindEnterprise(conn, scope, uscc);
    parent_visible = parent.has_value();
    if (!parent_visible) return absl::OkStatus();
    auto stmt = Prepare(conn, kSelectOutletsOf);
    stmt->setInt64(1, parent->id);
    stmt->setString(2, after_code);
    stmt->setInt(3, limit);
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    while (rs->next()) {
      ECOCASE_ASSIGN_OR_RETURN(Outlet o, ReadOutlet(*rs));
      page.push_back(std::move(o));
    }
    for (Outlet& o : page) ECOCASE_RETURN_IF_ERROR(LoadOutletDetails(conn, o));
    return absl::OkStatus();
  }));
  if (!parent_visible) return EnterpriseNotFound(uscc);
  return page;
}

absl::StatusOr<Outlet> MysqlEnterpriseRepository::UpdateOutlet(
    Tx& tx, const Scope& scope, const std::string& uscc, const std::string& code,
    int64_t expected_version, absl::FunctionRef<absl::Status(Outlet&)> change, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  ECOCASE_ASSIGN_OR_RETURN(std::optional<Outlet> found,
                           SelectOutlet(conn, scope, uscc, code, /*for_update=*/true));
  if (!found.has_value()) return OutletNotFound(uscc, code);
  Outlet o = *std::move(found);
  if (expected_version != 0 && expected_version != o.version) {
    return StaleEtag(o.ResourceName());
  }
  ECOCASE_RETURN_IF_ERROR(change(o));
  auto stmt = Prepare(conn, kUpdateOutlet);
  stmt->setString(1, o.display_name);
  SetLocation(*stmt, 2, o.location);
  stmt->setString(4, FormatSqlTime(now));
  stmt->setInt64(5, o.id);
  stmt->executeUpdate();
  auto del = Prepare(conn, kDeletePollutants);
  del->setInt64(1, o.id);
  del->executeUpdate();
  InsertPollutants(conn, o);
  o.version += 1;
  o.update_time = now;
  return o;
}

absl::StatusOr<Device> MysqlEnterpriseRepository::BindDevice(
    Tx& tx, const Scope& scope, const std::string& uscc, const std::string& code,
    const std::string& mn, const std::string& password_hash,
    const domain::hj212::DeviceProfile& protocol, absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  ECOCASE_ASSIGN_OR_RETURN(std::optional<Outlet> outlet,
                           SelectOutlet(conn, scope, uscc, code, /*for_update=*/false));
  if (!outlet.has_value()) return OutletNotFound(uscc, code);

  absl::Status taken = absl::AlreadyExistsError(
      absl::StrCat("devices/", mn, " is already bound to an outlet; unbind it first"));
  auto lock = Prepare(conn, kLockDevice);
  lock->setString(1, mn);
  std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
  Device d;
  d.mn = mn;
  if (rs->next()) {
    if (!rs->isNull(3)) return taken;
    // Known but unbound: bind it again (MNs compare case-insensitively; keep its spelling).
    d.mn = rs->getString(2);
    auto rebind = Prepare(conn, kRebindDevice);
    rebind->setInt64(1, outlet->id);
    rebind->setString(2, password_hash);
    rebind->setString(3, FormatSqlTime(now));
    rebind->setString(4, FormatSqlTime(now));
    SetProtocol(*rebind, 5, protocol);
    rebind->setInt64(10, rs->getInt64(1));
    rebind->executeUpdate();
  } else {
    auto insert = Prepare(conn, kInsertDevice);
    insert->setString(1, mn);
    insert->setInt64(2, outlet->id);
    insert->setString(3, password_hash);
    insert->setString(4, FormatSqlTime(now));
    insert->setString(5, FormatSqlTime(now));
    SetProtocol(*insert, 6, protocol);
    ECOCASE_RETURN_IF_ERROR(ExecuteUnique(*insert, taken));
  }
  auto history = Prepare(conn, kOpenBinding);
  history->setString(1, d.mn);
  history->setInt64(2, outlet->id);
  history->setString(3, FormatSqlTime(now));
  history->setInt64(4, outlet->id);
  history->executeUpdate();

  d.enterprise_uscc = outlet->enterprise_uscc;
  d.outlet_code = outlet->code;
  d.district_code = outlet->district_code;
  d.bind_time = now;
  d.protocol = protocol;
  d.protocol.sm4_keys.clear();  // Stored; not carried further than needed.
  return d;
}

absl::StatusOr<Device> MysqlEnterpriseRepository::UnbindDevice(Tx& tx, const Scope& scope,
                                                               const std::string& mn,
                                                               absl::Time now) {
  sql::Connection& conn = tx.connection();
  now = TruncateToMicros(now);
  SqlPredicate p = ScopePredicate(scope, "e.district_code", "e.uscc");
  auto stmt =
      Prepare(conn, absl::StrCat("SELECT d.id, d.mn, e.uscc, e.district_code, o.code, "
                                 "DATE_FORMAT(d.bind_time, '%Y-%m-%d %H:%i:%s.%f'), "
                                 "d.protocol_version, d.strictness, d.crc_mode, d.encryption "
                                 "FROM device d "
                                 "JOIN outlet o ON o.id = d.outlet_id "
                                 "JOIN enterprise e ON e.id = o.enterprise_id WHERE d.mn = ? AND ",
                                 p.sql, " FOR UPDATE"));
  stmt->setString(1, mn);
  BindStrings(*stmt, 2, p.values);
  std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
  if (!rs->next()) {
    if (scope.everything) {
      auto known = Prepare(conn, kDeviceKnown);
      known->setString(1, mn);
      std::unique_ptr<sql::ResultSet> krs(known->executeQuery());
      if (krs->next()) {
        return absl::FailedPreconditionError(
            absl::StrCat("devices/", mn, " is not bound to any outlet"));
      }
    }
    return DeviceNotFound(mn);
  }
  int64_t id = rs->getInt64(1);
  Device d;
  d.mn = rs->getString(2);
  d.enterprise_uscc = rs->getString(3);
  d.district_code = rs->getString(4);
  d.outlet_code = rs->getString(5);
  if (!rs->isNull(6)) {
    ECOCASE_ASSIGN_OR_RETURN(absl::Time t, ReadTime(*rs, 6));
    d.bind_time = t;
  }
  ECOCASE_ASSIGN_OR_RETURN(d.protocol, ReadProtocol(*rs, 7, d.mn));
  auto unbind = Prepare(conn, kUnbindDevice);
  unbind->setString(1, FormatSqlTime(now));
  unbind->setInt64(2, id);
  unbind->executeUpdate();
  auto close = Prepare(conn, kCloseBinding);
  close->setString(1, FormatSqlTime(now));
  close->setString(2, d.mn);
  close->executeUpdate();
  return d;
}

}  // namespace ecocase::storage::mysql
