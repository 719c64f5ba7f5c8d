#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/hj212/profile.h"
#include "domain/monitoring/reading.h"
#include "storage/scope.h"

namespace ecocase::storage {

// A device as the ingest doors need it: where it reports, how it speaks, how it signs in.
// Holds secrets (the PW hash and SM4 keys): never log it.
struct DeviceRecord {
  std::string mn;
  int64_t outlet_id = 0;        // 0 when bound to no outlet
  std::string enterprise_uscc;  // of the outlet; empty when unbound
  std::string outlet_code;
  std::string password_hash;    // security::PasswordHasher format
  domain::hj212::DeviceProfile profile;  // `password` left unset: checked against the hash
};

// One row to store: a checked reading and where it belongs.
struct ReadingRow {
  domain::monitoring::Reading reading;
  int64_t outlet_id = 0;
  domain::monitoring::ReadingSource source = domain::monitoring::ReadingSource::kHj212;
  absl::Time receive_time;
};

// A stored reading as read back.
struct StoredReading {
  domain::monitoring::Reading reading;
  std::string enterprise_uscc;
  std::string outlet_code;
  domain::monitoring::ReadingSource source = domain::monitoring::ReadingSource::kHj212;
  absl::Time receive_time;
};

struct ReadingQuery {
  std::string enterprise_uscc;  // required, with outlet_code
  std::string outlet_code;
  std::string pollutant;        // empty: every factor
  domain::monitoring::ReadingKind kind = domain::monitoring::ReadingKind::kUnspecified;  // any
  absl::Time start_time = absl::InfinitePast();  // data_time >= start
  absl::Time end_time = absl::InfiniteFuture();  // data_time < end
};

// Keyset position: readings are ordered by (data_time, pollutant, kind, mn).
struct ReadingCursor {
  absl::Time data_time;
  std::string pollutant;
  int kind = 0;
  std::string mn;
};

class ReadingRepository {
 public:
  virtual ~ReadingRepository() = default;

  // The device registered under exactly `mn` (MNs compare byte for byte), or nullopt.
  virtual absl::StatusOr<std::optional<DeviceRecord>> FindDevice(const std::string& mn) = 0;

  // Stores the rows in one transaction, committed when this returns OK. A row whose natural
  // key (mn, pollutant, kind, data_time) is already stored is left as it is. Returns how
  // many rows were new. Safe to call again with the same rows after any error.
  virtual absl::StatusOr<int64_t> Insert(const std::vector<ReadingRow>& rows) = 0;

  // Readings of one outlet in `scope` (NOT_FOUND for an outlet outside it or absent),
  // ordered by data time, those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredReading>> List(
      const Scope& scope, const ReadingQuery& query, int limit,
      const std::optional<ReadingCursor>& after) = 0;

  // Retention: makes sure monthly partitions exist up to `months_ahead` past `now`, and
  // drops the ones that end before `now - retention`. Returns the partitions dropped.
  virtual absl::StatusOr<std::vector<std::string>> MaintainPartitions(
      absl::Time now, absl::Duration retention, int months_ahead) = 0;
};

}  // namespace ecocase::storage
