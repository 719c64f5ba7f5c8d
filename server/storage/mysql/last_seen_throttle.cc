#include "storage/mysql/last_seen_throttle.h"

#include <algorithm>

namespace ecocase::storage::mysql {

std::map<std::string, absl::Time> LastSeenThrottle::ToWrite(
    const std::map<std::string, absl::Time>& seen) const {
  std::map<std::string, absl::Time> out;
  absl::MutexLock lock(&mu_);
  for (const auto& [mn, t] : seen) {
    auto it = stored_.find(mn);
    if (it == stored_.end() || t - it->second >= refresh_) out.emplace(mn, t);
  }
  return out;
}

void LastSeenThrottle::Written(const std::map<std::string, absl::Time>& written) {
  absl::MutexLock lock(&mu_);
  for (const auto& [mn, t] : written) {
    auto [it, inserted] = stored_.try_emplace(mn, t);
    if (!inserted) it->second = std::max(it->second, t);
  }
}

}  // namespace ecocase::storage::mysql
