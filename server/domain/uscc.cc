#include "domain/uscc.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ecocase::domain {
namespace {

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int SymbolValue(char c) {
  size_t pos = kAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

char UsccCheckCharacter(absl::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17 && i < first17.size(); ++i) {
    sum += SymbolValue(first17[i]) * kWeights[i];
  }
  return kAlphabet[(31 - sum % 31) % 31];
}

absl::StatusOr<std::string> NormalizeUscc(absl::string_view code) {
  std::string normalized;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    normalized.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (normalized.size() != 18) {
    return absl::InvalidArgumentError(
        absl::StrCat("must have 18 characters, has ", normalized.size()));
  }
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (SymbolValue(normalized[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "character ", i + 1, " is not one of 0-9 and A-Y without I, O, S, V, Z"));
    }
  }
  char expected = UsccCheckCharacter(normalized);
  if (normalized[17] != expected) {
    return absl::InvalidArgumentError(absl::StrCat(
        "check character is ", std::string(1, normalized[17]), ", expected ",
        std::string(1, expected), " (GB 32100-2015): a typo?"));
  }
  return normalized;
}

}  // namespace ecocase::domain
