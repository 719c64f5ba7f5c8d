#include "api/evidence_parent.h"

#include <cstdint>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace ecocase::api {

absl::StatusOr<EvidenceParent> EvidenceParents::Resolve(absl::string_view name,
                                                        absl::string_view field,
                                                        const storage::Scope& scope) const {
  const size_t slash = name.find('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos || !absl::SimpleAtoi(name.substr(slash + 1), &id) ||
      id <= 0) {
    return common::InvalidFieldError(field, "must be cases/{id}, inspections/{id} or tasks/{id}");
  }
  const absl::string_view kind = name.substr(0, slash);
  EvidenceParent parent;
  if (kind == "cases") {
    ECOCASE_ASSIGN_OR_RETURN(domain::EnforcementCase c, cases_.Get(scope, id));
    parent.placement = {c.district_code, c.enterprise_uscc};
    parent.is_case = true;
  } else if (kind == "inspections") {
    ECOCASE_ASSIGN_OR_RETURN(domain::InspectionRecord r, inspections_.Get(scope, id));
    parent.placement = {r.district_code, r.enterprise_uscc};
  } else if (kind == "tasks") {
    ECOCASE_ASSIGN_OR_RETURN(domain::Task t, tasks_.Get(scope, id));
    parent.placement = {t.district_code, t.enterprise_uscc};
  } else {
    return common::InvalidFieldError(field, "must be cases/{id}, inspections/{id} or tasks/{id}");
  }
  parent.name = absl::StrCat(kind, "/", id);
  return parent;
}

domain::EvidenceViewer ViewerOf(const domain::Principal& caller, const EvidenceParent& parent) {
  domain::EvidenceViewer viewer;
  viewer.role = caller.role;
  viewer.username = caller.username;
  viewer.in_scope = caller.role != domain::Role::kEnterprise;
  viewer.own_case = caller.role == domain::Role::kEnterprise && parent.is_case;
  // The case repository shows an enterprise its cases only once notified.
  viewer.case_notified = viewer.own_case;
  return viewer;
}

}  // namespace ecocase::api
