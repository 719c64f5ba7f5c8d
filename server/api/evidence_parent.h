#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/evidence.h"
#include "domain/principal.h"
#include "storage/case_repository.h"
#include "storage/evidence_repository.h"
#include "storage/inspection_repository.h"
#include "storage/scope.h"
#include "storage/task_repository.h"

namespace ecocase::api {

// What an evidence item belongs to, as the caller may see it.
struct EvidenceParent {
  std::string name;  // cases/{id}, inspections/{id}, tasks/{id}
  storage::EvidencePlacement placement;
  bool is_case = false;
};

// Looks up `name` (a case, inspection record or task) within `scope`. The repositories'
// scopes decide: an enterprise sees its own tasks, and its own cases once notified, and no
// inspection record. NOT_FOUND when it does not exist or is not visible; INVALID_ARGUMENT
// naming `field` for anything else than those three kinds of name.
class EvidenceParents {
 public:
  EvidenceParents(storage::CaseRepository& cases, storage::InspectionRepository& inspections,
                  storage::TaskRepository& tasks)
      : cases_(cases), inspections_(inspections), tasks_(tasks) {}

  absl::StatusOr<EvidenceParent> Resolve(absl::string_view name, absl::string_view field,
                                         const storage::Scope& scope) const;

 private:
  storage::CaseRepository& cases_;
  storage::InspectionRepository& inspections_;
  storage::TaskRepository& tasks_;
};

// The viewer of an item whose parent `parent` the caller could resolve (domain::MaySeeEvidence
// decides the rest): staff see what is in their scope; an enterprise resolves only its own
// notified cases and its own tasks.
domain::EvidenceViewer ViewerOf(const domain::Principal& caller, const EvidenceParent& parent);

}  // namespace ecocase::api
