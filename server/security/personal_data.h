#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecocase::security {

// Helpers for reporter identity (domain-rules §5.1, §5.3: the informant is kept
// confidential; phone numbers are masked in enforcement views). Pure functions; none of
// them ever puts the value it was given into an error message.

// Canonical digits of a mainland China phone number, the form that is encrypted and
// hashed (FieldCipher::LookupHash), so "139 0000 0088", "+86 139-0000-0088" and
// "８６１３９００００００８８" all find the same reporter:
//   mobile:   11 digits, "1" then 3-9 (13x-19x), after an optional +86 / 0086 / 86 prefix;
//   landline: "0" + area code (010 and 02x are 3 digits with the 0, others 4, e.g. 0391)
//             + a 7- or 8-digit local number not starting with 0;
//             "0391-1234567" -> "03911234567", "+86 391 1234567" -> "03911234567".
// Spaces, tabs, dashes and parentheses are ignored; full-width digits and punctuation (as
// Chinese input methods type them) count as their ASCII forms. A landline without its
// area code, an extension, a service number (12345, 95xxx) or anything else is
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> NormalizePhone(absl::string_view text,
                                           absl::string_view field = "phone");

// The phone as officers and supervisors see it: "139****0088" for a mobile; the area code
// and the last 2 digits for a landline, "0391-*****67" (a landline's last 4 digits plus
// the area code would leave only 1,000 candidates). Accepts anything NormalizePhone
// accepts; returns "" for an empty or all-space value (anonymous) and "****" for text that
// is not a phone, so a bad value is hidden rather than shown.
std::string MaskPhone(absl::string_view phone);

// The name as officers and supervisors see it. A name starting with a Chinese character
// keeps that character (the surname) and masks the rest with one "*" per character, at
// most 3: "王小明" -> "王**", "王明" -> "王*", "王" -> "王*". A compound surname (欧阳,
// 司马) thus shows only its first character: more masking, never less. Any other name
// keeps its first character and gets "***": "Zhang Wei" -> "Z***". Returns "" for an
// empty or all-space name and "***" for invalid UTF-8.
std::string MaskName(absl::string_view name);

}  // namespace ecocase::security
