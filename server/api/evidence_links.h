#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/evidence_repository.h"
#include "storage/inspection_repository.h"

namespace ecocase::api {

// What a case may cite as evidence: an evidence item stored whole and verified, or an
// inspection record signed by its officers and the party — of the case's own district. A
// reference to anything else would put an unverifiable or unfinished piece in the file.
class EvidenceLinks {
 public:
  EvidenceLinks(storage::EvidenceRepository& evidence, storage::InspectionRepository& inspections)
      : evidence_(evidence), inspections_(inspections) {}

  // `ref` is `evidence/{id}` or `inspections/{id}` (INVALID_ARGUMENT `evidence` otherwise).
  // NOT_FOUND when it does not exist or lies in another district than `district_code`;
  // FAILED_PRECONDITION EVIDENCE_STATE for an item not STORED, INSPECTION_STATE for a record
  // not SIGNED.
  absl::Status CheckLinkable(absl::string_view ref, absl::string_view district_code) const;

 private:
  storage::EvidenceRepository& evidence_;
  storage::InspectionRepository& inspections_;
};

}  // namespace ecocase::api
