#pragma once

#include "absl/status/statusor.h"

namespace ecocase::storage {

// Facts about the database itself.
class SystemRepository {
 public:
  virtual ~SystemRepository() = default;
  // Highest applied migration version. UNAVAILABLE when the database is unreachable.
  virtual absl::StatusOr<int> SchemaVersion() = 0;
};

}  // namespace ecocase::storage
