#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Propagation macros named like upstream abseil's later ABSL_RETURN_IF_ERROR /
// ABSL_ASSIGN_OR_RETURN (not in Debian 12's abseil), so a migration is a rename.

#define ECOCASE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    if (absl::Status ecocase_status_ = (expr);         \
        !ecocase_status_.ok()) {                       \
      return ecocase_status_;                          \
    }                                                  \
  } while (false)

#define ECOCASE_CONCAT_INNER_(a, b) a##b
#define ECOCASE_CONCAT_(a, b) ECOCASE_CONCAT_INNER_(a, b)

#define ECOCASE_ASSIGN_OR_RETURN(lhs, expr) \
  ECOCASE_ASSIGN_OR_RETURN_IMPL_(ECOCASE_CONCAT_(ecocase_statusor_, __LINE__), lhs, expr)

#define ECOCASE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()
