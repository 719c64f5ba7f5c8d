#include "storage/scope.h"

namespace ecocase::storage {

Scope Scope::For(const domain::Principal& principal, const std::string& city_wide_code) {
  Scope scope;
  if (principal.role == domain::Role::kEnterprise) {
    scope.enterprise_uscc = principal.jurisdiction.enterprise_uscc;
    // An enterprise user without an enterprise sees nothing: an empty USCC matches no row.
    return scope;
  }
  for (const std::string& code : principal.jurisdiction.district_codes) {
    if (domain::CodeCovers(code, city_wide_code)) {
      scope.everything = true;
      return scope;
    }
  }
  scope.district_codes = principal.jurisdiction.district_codes;
  return scope;
}

Scope Scope::All() {
  Scope scope;
  scope.everything = true;
  return scope;
}

}  // namespace ecocase::storage
