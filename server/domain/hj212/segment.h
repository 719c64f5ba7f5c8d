#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/hj212/reasons.h"

namespace ecocase::domain::hj212 {

// Syntax of the data segment (§1.3, §1.4), with no profile and no semantics:
//   QN=..;ST=..;CN=..;PW=..;MN=..;Flag=..;[PNUM=..;PNO=..;][RF=1;]CP=&&<CP area>&&

struct HeaderField {
  std::string name;
  std::string value;
};

// A data segment split at its first "CP=&&". The header is plaintext in every version; the
// CP area may be 2025 ciphertext, so it is not split here.
struct Segment {
  std::vector<HeaderField> header;  // by name, in the order sent (devices reorder them)
  std::string cp;                   // the CP area between "CP=&&" and the closing "&&"
  size_t cp_offset = 0;             // where the CP area starts in the data segment
  // kOk, or the first of kBadHeaderField, kDuplicateHeaderField, kNoCp, kCpNotClosed. The
  // header is filled in for kNoCp and kCpNotClosed (then `cp` runs to the end).
  Rejection error;
  bool missing_separator = false;   // "Flag=5CP=&&" (the standard's own typo, vector S10)

  bool has_cp() const { return error.reason != Reason::kNoCp; }
};

// Splits header items on ';' (empty items are skipped) and each at its first '='. Header
// names and values must be printable ASCII; names are case sensitive and unique. The CP area
// is everything after the first "CP=&&" up to the final "&&" of the segment; nothing inside
// it is searched.
Segment SplitSegment(absl::string_view data);

// The value of header field `name`, or nullptr.
const std::string* FindHeader(const Segment& segment, absl::string_view name);

struct CpField {
  std::string name;   // e.g. "w01018-Avg", "DataTime"
  std::string value;  // "" for an item without '=' (then ParseCp reports kBadCpField)

  friend bool operator==(const CpField&, const CpField&) = default;
};
using CpGroup = std::vector<CpField>;

struct CpArea {
  std::vector<CpGroup> groups;  // ';'-separated groups of ','-separated name=value items
  Rejection error;              // kOk or kBadCpField (the first bad item); groups still filled
};

// Parses a plaintext CP area. Surrounding whitespace is trimmed (the standard prints
// "CP=&& &&" for an empty area); empty items and groups are skipped. A value that starts with
// "//" (xxxxxx-Info log text, §1.4) runs to the closing "//" and may hold ';' and ','.
CpArea ParseCp(absl::string_view cp);

// True if `text` is UTF-8 without control characters (tab excepted): what a plaintext CP area
// looks like, and what SM4 ciphertext almost never looks like.
bool IsPlainText(absl::string_view text);

}  // namespace ecocase::domain::hj212
