#include "security/personal_data.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"

namespace ecocase::security {
namespace {

// Length of the UTF-8 sequence at the start of `s` and its code point, or 0 if it is not
// a valid, shortest-form sequence.
size_t DecodeUtf8(absl::string_view s, uint32_t* code_point) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  size_t size = 0;
  uint32_t cp = 0;
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    size = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    size = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    size = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < size) return 0;
  for (size_t i = 1; i < size; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  constexpr uint32_t kMinForSize[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForSize[size] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return size;
}

// CJK ideographs (unified, extension A, compatibility, extensions B and later), i.e. the
// characters Chinese names are written in.
bool IsHan(uint32_t cp) {
  return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}

// Text with full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space folded to
// ASCII; false if anything else non-ASCII remains or the UTF-8 is invalid.
bool FoldToAscii(absl::string_view text, std::string* out) {
  while (!text.empty()) {
    uint32_t cp = 0;
    const size_t size = DecodeUtf8(text, &cp);
    if (size == 0) return false;
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out->push_back(static_cast<char>(cp - 0xFEE0));
    } else if (cp == 0x3000) {
      out->push_back(' ');
    } else {
      return false;
    }
    text.remove_prefix(size);
  }
  return true;
}

constexpr absl::string_view kPhoneForm =
    "must be a mainland China mobile number (11 digits, 13x-19x) or a landline number with "
    "its area code (such as 0391 for Jiaozuo)";

bool IsMobile(absl::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

// Digits of the area code including its leading 0, or 0 if `d` is not a valid landline.
size_t LandlineAreaCodeSize(absl::string_view d) {
  if (d.size() < 2 || d[0] != '0') return 0;
  size_t area = 0;
  if (d[1] == '1') {
    area = absl::StartsWith(d, "010") ? 3 : 0;  // 010 Beijing is the only 01x code.
  } else if (d[1] == '2') {
    area = 3;  // 020-029: the large cities.
  } else if (d[1] >= '3' && d[1] <= '9') {
    area = 4;  // e.g. 0391 Jiaozuo.
  }
  if (area == 0) return 0;
  const size_t local = d.size() - std::min(d.size(), area);
  if (local < 7 || local > 8 || d[area] == '0') return 0;
  return area;
}

std::string Stars(size_t n) { return std::string(n, '*'); }

}  // namespace

absl::StatusOr<std::string> NormalizePhone(absl::string_view text, absl::string_view field) {
  std::string folded;
  if (!FoldToAscii(text, &folded)) {
    return common::InvalidFieldError(field, absl::StrCat(kPhoneForm, "; it contains other "
                                                                     "characters"));
  }
  std::string digits;
  bool plus = false;
  for (char c : folded) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '\t' && c != '-' && c != '(' && c != ')') {
      return common::InvalidFieldError(
          field, absl::StrCat(kPhoneForm, "; only digits, spaces, dashes, parentheses and a "
                                          "leading + are allowed"));
    }
  }
  absl::string_view d(digits);
  bool international = false;
  if (plus) {
    if (!absl::ConsumePrefix(&d, "86")) {
      return common::InvalidFieldError(
          field, absl::StrCat(kPhoneForm, "; only +86 numbers are accepted"));
    }
    international = true;
  } else if (absl::ConsumePrefix(&d, "0086")) {
    international = true;
  } else if (d.size() == 13 && absl::StartsWith(d, "861")) {
    // A bare 86 only before a mobile: "86" + a landline's trunk-less digits is ambiguous.
    d.remove_prefix(2);
  }
  std::string national(d);
  // After +86 a landline drops its trunk 0 ("+86 391 1234567", "+86 10 12345678"); put
  // it back.
  if (international && !national.empty() && national[0] != '0' && !IsMobile(national)) {
    national.insert(national.begin(), '0');
  }
  if (IsMobile(national) || LandlineAreaCodeSize(national) != 0) return national;
  return common::InvalidFieldError(field, kPhoneForm);
}

std::string MaskPhone(absl::string_view phone) {
  if (absl::StripAsciiWhitespace(phone).empty()) return "";
  absl::StatusOr<std::string> normalized = NormalizePhone(phone);
  if (!normalized.ok()) return "****";
  const std::string& d = *normalized;
  if (IsMobile(d)) return absl::StrCat(d.substr(0, 3), "****", d.substr(7));
  const size_t area = LandlineAreaCodeSize(d);
  return absl::StrCat(d.substr(0, area), "-", Stars(d.size() - area - 2), d.substr(d.size() - 2));
}

std::string MaskName(absl::string_view name) {
  name = absl::StripAsciiWhitespace(name);
  if (name.empty()) return "";
  uint32_t first = 0;
  const size_t first_size = DecodeUtf8(name, &first);
  if (first_size == 0) return "***";
  const absl::string_view kept = name.substr(0, first_size);
  if (!IsHan(first)) return absl::StrCat(kept, "***");
  size_t rest = 0;
  for (absl::string_view tail = name.substr(first_size); !tail.empty();) {
    uint32_t cp = 0;
    const size_t size = DecodeUtf8(tail, &cp);
    if (size == 0) return "***";
    if (cp != ' ') ++rest;
    tail.remove_prefix(size);
  }
  return absl::StrCat(kept, Stars(std::clamp<size_t>(rest, 1, 3)));
}

}  // namespace ecocase::security
