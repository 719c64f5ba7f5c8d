#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "storage/reading_repository.h"

namespace ecocase::ingest {

struct DeviceDirectoryOptions {
  // How long a looked-up device (or its absence) is trusted before asking the database
  // again: a rebind, a new profile or key reaches the doors within this time.
  absl::Duration ttl = absl::Seconds(30);
  // Bound on cached MNs (unknown ones included, which anyone can make up): beyond it the
  // cache starts afresh.
  size_t max_entries = 100000;
};

// The registered devices as the ingest doors see them: a read-through cache over
// ReadingRepository::FindDevice. Blocking (may query the database): call it from a worker
// thread, never from an event loop. Thread-safe.
class DeviceDirectory {
 public:
  DeviceDirectory(storage::ReadingRepository& repository, const common::Clock& clock,
                  DeviceDirectoryOptions options = {});

  // The device registered under exactly `mn`. NOT_FOUND when there is none; UNAVAILABLE
  // (or another storage error) when the database cannot say.
  absl::StatusOr<storage::DeviceRecord> Find(const std::string& mn);

  // Whether `password` is the device's registered PW. A PW once verified against the
  // stored hash is remembered by its SHA-256 digest until the record is refreshed, so a
  // station's every packet does not cost a key derivation.
  bool CheckPassword(const storage::DeviceRecord& device, absl::string_view password);

  // Forgets `mn` (after a rebind through this process).
  void Invalidate(const std::string& mn);

 private:
  struct Entry {
    std::optional<storage::DeviceRecord> device;
    absl::Time fetched;
    std::string verified_pw_digest;  // SHA-256 of the last PW that matched the hash
  };

  storage::ReadingRepository& repository_;
  const common::Clock& clock_;
  const DeviceDirectoryOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::ingest
