#pragma once

#include <string>

namespace ecocase::testing {

// `first17` followed by its GB 32100-2015 check character (weights 3^(i-1) mod 31), written
// out independently of the server's implementation so tests do not check the code with
// itself.
inline std::string ValidUscc(const std::string& first17) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int weight = 1, sum = 0;
  for (char c : first17) {
    sum += static_cast<int>(alphabet.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  return first17 + alphabet[(31 - sum % 31) % 31];
}

}  // namespace ecocase::testing
