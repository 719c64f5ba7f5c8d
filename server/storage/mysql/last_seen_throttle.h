#pragma once

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ecocase::storage::mysql {

// Which devices' device_activity.last_seen a reading batch must write. A station uploading
// several packets a second would otherwise rewrite its row in every batch: a fifth of the
// database's work at gateway load. last_seen is only compared with the offline threshold
// (device_offline_after, at least a minute), so a stored value up to `refresh` older than
// the truth changes nothing. Remembers only what committed. Thread-safe.
class LastSeenThrottle final {
 public:
  explicit LastSeenThrottle(absl::Duration refresh) : refresh_(refresh) {}

  // Of `seen` (each MN's latest receive time in a batch), the entries to write: MNs not
  // written by this process yet, or whose written value is at least `refresh` older.
  std::map<std::string, absl::Time> ToWrite(const std::map<std::string, absl::Time>& seen) const;

  // The batch that wrote `written` committed.
  void Written(const std::map<std::string, absl::Time>& written);

 private:
  const absl::Duration refresh_;
  mutable absl::Mutex mu_;
  // One entry per device that sent readings: bounded by the registered devices.
  absl::flat_hash_map<std::string, absl::Time> stored_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::storage::mysql
