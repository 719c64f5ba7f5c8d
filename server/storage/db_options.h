#pragma once

#include <string>

#include "absl/time/time.h"

namespace ecocase::storage {

// How to reach the database and how hard to lean on it.
struct DbOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // When set, used instead of host:port.
  std::string user = "ecocase";
  std::string password;  // From the environment or a file, never the repo.
  std::string schema = "ecocase";
  int pool_size = 8;
  // How long a caller waits for a free connection before RESOURCE_EXHAUSTED.
  absl::Duration acquire_timeout = absl::Seconds(2);
  absl::Duration connect_timeout = absl::Seconds(3);
  // Socket read/write timeouts: a hung database surfaces as UNAVAILABLE, not a stuck thread.
  absl::Duration io_timeout = absl::Seconds(30);
  // An idle connection older than this is checked before it is lent out.
  absl::Duration validate_idle_after = absl::Seconds(5);
};

}  // namespace ecocase::storage
