#pragma once

#include <string>
#include <vector>

#include "domain/principal.h"

namespace ecocase::storage {

// Which rows a caller may see, handed to repositories so that scope is a predicate in the
// query itself, never a filter applied after fetching (OWASP API1, BOLA).
struct Scope {
  // No restriction (a city-wide or province-wide jurisdiction, or a system job).
  bool everything = false;
  // Rows whose district is covered by one of these codes (city codes cover districts).
  std::vector<std::string> district_codes;
  // Rows of this enterprise (ENTERPRISE callers), by unified social credit code.
  std::string enterprise_uscc;

  // The scope of a caller's jurisdiction. `city_wide_code` (e.g. 410800) is the bureau's
  // own area: a jurisdiction covering it sees everything, including rows without a
  // district.
  static Scope For(const domain::Principal& principal, const std::string& city_wide_code);
  static Scope All();
};

}  // namespace ecocase::storage
