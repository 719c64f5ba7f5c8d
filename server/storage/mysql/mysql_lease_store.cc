#include "storage/mysql/mysql_lease_store.h"

#include <memory>
#include <optional>
#include <string>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/mysql/sql_time.h"
#include "storage/mysql/transaction.h"

namespace ecocase::storage::mysql {
namespace {

// Column sizes of sweep_lease; checked here because a too-long value must not be
// silently cut into somebody else's name.
constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxHolderBytes = 128;

sql::SQLString Sql(absl::string_view s) { return sql::SQLString(s.data(), s.size()); }

absl::Status CheckIds(absl::string_view name, absl::string_view holder) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease name must be 1 to ", kMaxNameBytes, " bytes: '", name, "'"));
  }
  // The empty holder marks a row nobody has held yet (kInsertFreeLease).
  if (holder.empty() || holder.size() > kMaxHolderBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease holder must be 1 to ", kMaxHolderBytes, " bytes: '", holder, "'"));
  }
  return absl::OkStatus();
}

struct LeaseRow {
  std::string holder;
  absl::Time expires_at;
};

constexpr absl::string_view kSelectLeaseForUpdate =
    "SELECT holder, DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM sweep_lease WHERE name = ? FOR UPDATE";

// Reads the lease row under an exclusive row lock, held until the transaction ends.
absl::StatusOr<std::optional<LeaseRow>> LockLeaseRow(sql::Connection& c,
                                                     absl::string_view name) {
  auto select = Prepare(c, kSelectLeaseForUpdate);
  select->setString(1, Sql(name));
  std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
  if (!rs->next()) return std::nullopt;
  LeaseRow row;
  row.holder = rs->getString(1).asStdString();
  ECOCASE_ASSIGN_OR_RETURN(row.expires_at, ParseSqlTime(rs->getString(2).asStdString()));
  return row;
}

// Creates the row of a lease nobody holds (empty holder, expired at the epoch) unless it
// exists. On an existing row, ON DUPLICATE KEY UPDATE makes InnoDB take an exclusive lock
// at once (INSERT IGNORE would take a shared one), so racing callers queue on the row
// instead of deadlocking while upgrading shared locks to exclusive ones.
constexpr absl::string_view kInsertFreeLease =
    "INSERT INTO sweep_lease (name, holder, expires_at, acquired_at) "
    "VALUES (?, '', '1970-01-01 00:00:00', '1970-01-01 00:00:00') "
    "ON DUPLICATE KEY UPDATE name = name";
constexpr absl::string_view kTakeLease =
    "UPDATE sweep_lease SET holder = ?, expires_at = ?, acquired_at = ? WHERE name = ?";
constexpr absl::string_view kRenewLease =
    "UPDATE sweep_lease SET expires_at = ? WHERE name = ?";

}  // namespace

absl::StatusOr<bool> MysqlLeaseStore::TryAcquire(absl::string_view name,
                                                 absl::string_view holder, absl::Time now,
                                                 absl::Duration ttl) {
  ECOCASE_RETURN_IF_ERROR(CheckIds(name, holder));
  if (ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("lease ", name, ": ttl must be positive"));
  }
  now = TruncateToMicros(now);
  const absl::Time expires = TruncateToMicros(now + ttl);
  // After the epoch, so a never-held row (expired at the epoch) is free; within DATETIME.
  if (now <= absl::UnixEpoch() ||
      expires >= absl::FromCivil(absl::CivilYear(9999), absl::UTCTimeZone())) {
    return absl::InvalidArgumentError(absl::StrCat("lease ", name, ": time out of range"));
  }
  const std::string now_text = FormatSqlTime(now);
  const std::string expires_text = FormatSqlTime(expires);

  bool held = false;
  std::optional<std::string> taken_from;
  ECOCASE_RETURN_IF_ERROR(RunInTransaction(
      pool_, "acquire sweep lease", [&](sql::Connection& c) -> absl::Status {
        held = false;  // The body may run again after a retry.
        taken_from.reset();
        auto insert = Prepare(c, kInsertFreeLease);
        insert->setString(1, Sql(name));
        insert->executeUpdate();
        ECOCASE_ASSIGN_OR_RETURN(std::optional<LeaseRow> row, LockLeaseRow(c, name));
        if (!row.has_value()) return absl::InternalError("sweep_lease row vanished");

        if (row->holder == holder && row->expires_at > now) {
          auto renew = Prepare(c, kRenewLease);
          renew->setString(1, expires_text);
          renew->setString(2, Sql(name));
          renew->executeUpdate();
        } else if (row->expires_at <= now) {
          auto take = Prepare(c, kTakeLease);
          take->setString(1, Sql(holder));
          take->setString(2, expires_text);
          take->setString(3, now_text);
          take->setString(4, Sql(name));
          take->executeUpdate();
          if (!row->holder.empty() && row->holder != holder) taken_from = row->holder;
        } else {
          return absl::OkStatus();  // Another holder's lease is still valid.
        }
        held = true;
        return absl::OkStatus();
      }));
  if (taken_from.has_value()) {
    // Normal after a graceful handover; after a crash it tells when the holder died.
    common::Log(common::LogLevel::kInfo, "sweep_lease_taken_over")
        .Str("lease", name)
        .Str("holder", holder)
        .Str("previous_holder", *taken_from);
  }
  return held;
}

namespace {

// A past time: the lease is free at once for everybody.
constexpr absl::string_view kReleaseLease =
    "UPDATE sweep_lease SET expires_at = '1970-01-01 00:00:00' WHERE name = ?";

}  // namespace

absl::Status MysqlLeaseStore::Release(absl::string_view name, absl::string_view holder) {
  ECOCASE_RETURN_IF_ERROR(CheckIds(name, holder));
  return RunInTransaction(pool_, "release sweep lease", [&](sql::Connection& c) -> absl::Status {
    // Holders are compared in C++, byte for byte: the column's collation would let
    // "Replica-A" release the lease of "replica-a".
    ECOCASE_ASSIGN_OR_RETURN(std::optional<LeaseRow> row, LockLeaseRow(c, name));
    if (!row.has_value() || row->holder != holder) return absl::OkStatus();
    auto release = Prepare(c, kReleaseLease);
    release->setString(1, Sql(name));
    release->executeUpdate();
    return absl::OkStatus();
  });
}

namespace {

constexpr absl::string_view kRecordRun =
    "UPDATE sweep_lease SET last_run_at = ? WHERE name = ?";

}  // namespace

absl::Status MysqlLeaseStore::RecordRun(absl::string_view name, absl::string_view holder,
                                        absl::Time finished) {
  ECOCASE_RETURN_IF_ERROR(CheckIds(name, holder));
  const std::string finished_text = FormatSqlTime(TruncateToMicros(finished));
  return RunInTransaction(pool_, "record sweep run", [&](sql::Connection& c) -> absl::Status {
    ECOCASE_ASSIGN_OR_RETURN(std::optional<LeaseRow> row, LockLeaseRow(c, name));
    if (!row.has_value() || row->holder != holder) {
      return absl::FailedPreconditionError(absl::StrCat(
          "lease ", name, " is held by '", row.has_value() ? row->holder : "", "', not '",
          holder, "'"));
    }
    auto record = Prepare(c, kRecordRun);
    record->setString(1, finished_text);
    record->setString(2, Sql(name));
    record->executeUpdate();
    return absl::OkStatus();
  });
}

}  // namespace ecocase::storage::mysql
