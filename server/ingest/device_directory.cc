#include "ingest/device_directory.h"

#include "security/password_hasher.h"
#include "security/sha256.h"

namespace ecocase::ingest {

DeviceDirectory::DeviceDirectory(storage::ReadingRepository& repository,
                                 const common::Clock& clock, DeviceDirectoryOptions options)
    : repository_(repository), clock_(clock), options_(options) {}

absl::StatusOr<storage::DeviceRecord> DeviceDirectory::Find(const std::string& mn) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(mn);
    if (it != entries_.end() && now - it->second.fetched < options_.ttl) {
      if (!it->second.device) return absl::NotFoundError("device not registered");
      return *it->second.device;
    }
  }
  // Outside the lock: a slow database must not hold up lookups of cached devices.
  absl::StatusOr<std::optional<storage::DeviceRecord>> fetched = repository_.FindDevice(mn);
  if (!fetched.ok()) return fetched.status();
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= options_.max_entries && !entries_.contains(mn)) entries_.clear();
  Entry& entry = entries_[mn];
  // A verified PW stays verified only while the stored hash is the same one.
  if (!entry.device || !*fetched || entry.device->password_hash != (*fetched)->password_hash) {
    entry.verified_pw_digest.clear();
  }
  entry.device = *fetched;
  entry.fetched = now;
  if (!entry.device) return absl::NotFoundError("device not registered");
  return *entry.device;
}

bool DeviceDirectory::CheckPassword(const storage::DeviceRecord& device,
                                    absl::string_view password) {
  const std::string digest = security::Sha256Hex(password);
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(device.mn);
    if (it != entries_.end() && it->second.device &&
        it->second.device->password_hash == device.password_hash &&
        !it->second.verified_pw_digest.empty() && it->second.verified_pw_digest == digest) {
      return true;
    }
  }
  // The hash's own cost applies (10,000 iterations for device PWs): a few milliseconds once
  // per PW, outside the lock.
  static const security::PasswordHasher hasher;
  if (!hasher.Verify(password, device.password_hash)) return false;
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(device.mn);
  if (it != entries_.end() && it->second.device &&
      it->second.device->password_hash == device.password_hash) {
    it->second.verified_pw_digest = digest;
  }
  return true;
}

void DeviceDirectory::Invalidate(const std::string& mn) {
  absl::MutexLock lock(&mu_);
  entries_.erase(mn);
}

}  // namespace ecocase::ingest
