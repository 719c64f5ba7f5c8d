#pragma once

#include "storage/mysql/connection_pool.h"
#include "storage/reading_repository.h"

namespace ecocase::storage::mysql {

class MysqlReadingRepository final : public ReadingRepository {
 public:
  explicit MysqlReadingRepository(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::optional<DeviceRecord>> FindDevice(const std::string& mn) override;
  absl::StatusOr<int64_t> Insert(const std::vector<ReadingRow>& rows) override;
  absl::StatusOr<std::vector<StoredReading>> List(
      const Scope& scope, const ReadingQuery& query, int limit,
      const std::optional<ReadingCursor>& after) override;
  absl::StatusOr<std::vector<std::string>> MaintainPartitions(absl::Time now,
                                                              absl::Duration retention,
                                                              int months_ahead) override;

 private:
  ConnectionPool& pool_;
};

// The device-profile column values ("2017", "LENIENT", ...) as the domain types, and back.
// Exposed for the registry repository, which writes the same columns.
std::string ProtocolVersionColumn(domain::hj212::ProtocolVersion version);
std::string StrictnessColumn(domain::hj212::Strictness strictness);
std::string CrcModeColumn(domain::hj212::CrcMode mode);
std::string EncryptionColumn(domain::hj212::CpEncryption encryption);
std::string Sm4KeysColumn(const std::vector<domain::hj212::Sm4Key>& keys);
absl::StatusOr<domain::hj212::DeviceProfile> ProfileFromColumns(
    const std::string& version, const std::string& strictness, const std::string& crc_mode,
    const std::string& encryption, const std::string& sm4_keys);

}  // namespace ecocase::storage::mysql
