#include "api/evidence_links.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/evidence.h"
#include "domain/inspection_record.h"
#include "storage/scope.h"

namespace ecocase::api {

absl::Status EvidenceLinks::CheckLinkable(absl::string_view ref,
                                          absl::string_view district_code) const {
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat(ref, " not found in district ", district_code));
  if (absl::StartsWith(ref, "evidence/")) {
    ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(ref, "evidence"));
    absl::StatusOr<storage::StoredEvidence> item = evidence_.Get(id);
    if (absl::IsNotFound(item.status())) return not_found;
    if (!item.ok()) return item.status();
    if (item->placement.district_code != district_code) return not_found;
    return domain::CheckCitable(item->item);
  }
  if (absl::StartsWith(ref, "inspections/")) {
    ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::InspectionIdFromName(ref, "evidence"));
    absl::StatusOr<domain::InspectionRecord> record = inspections_.Get(storage::Scope::All(), id);
    if (absl::IsNotFound(record.status())) return not_found;
    if (!record.ok()) return record.status();
    if (record->district_code != district_code) return not_found;
    return domain::CheckCitable(*record);
  }
  return common::InvalidFieldError("evidence", "must be `evidence/{id}` or `inspections/{id}`");
}

}  // namespace ecocase::api
