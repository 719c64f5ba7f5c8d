#include "domain/hj212/segment.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/hj212/frame.h"

namespace ecocase::domain::hj212 {
namespace {

constexpr absl::string_view kCpOpen = "CP=&&";
constexpr absl::string_view kCpClose = "&&";

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Rejection ParseHeader(absl::string_view text, std::vector<HeaderField>* out) {
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(';', begin);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view item = text.substr(begin, end - begin);
    begin = end + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == absl::string_view::npos || eq == 0 || !IsPrintableAscii(item)) {
      // Name only: the value may be the password.
      return {Reason::kBadHeaderField,
              eq == absl::string_view::npos
                  ? absl::StrCat("item without '=' (", item.size(), " bytes)")
                  : absl::StrCat("field \"",
                                 absl::CHexEscape(item.substr(0, std::min<size_t>(eq, 16))),
                                 "\"")};
    }
    absl::string_view name = item.substr(0, eq);
    for (const HeaderField& field : *out) {
      if (field.name == name) return {Reason::kDuplicateHeaderField, std::string(name)};
    }
    out->push_back({std::string(name), std::string(item.substr(eq + 1))});
  }
  return {};
}

}  // namespace

Segment SplitSegment(absl::string_view data) {
  Segment segment;
  size_t cp = data.find(kCpOpen);
  absl::string_view header = cp == absl::string_view::npos ? data : data.substr(0, cp);
  if (cp != absl::string_view::npos && cp > 0 && data[cp - 1] != ';') {
    segment.missing_separator = true;
  }
  segment.error = ParseHeader(header, &segment.header);
  if (!segment.error.ok()) return segment;
  if (cp == absl::string_view::npos) {
    segment.error = {Reason::kNoCp, ""};
    return segment;
  }
  segment.cp_offset = cp + kCpOpen.size();
  absl::string_view rest = data.substr(segment.cp_offset);
  if (rest.size() >= kCpClose.size() && absl::EndsWith(rest, kCpClose)) {
    rest.remove_suffix(kCpClose.size());
  } else {
    segment.error = {Reason::kCpNotClosed, ""};
  }
  segment.cp = std::string(rest);
  return segment;
}

const std::string* FindHeader(const Segment& segment, absl::string_view name) {
  for (const HeaderField& field : segment.header) {
    if (field.name == name) return &field.value;
  }
  return nullptr;
}

CpArea ParseCp(absl::string_view cp) {
  CpArea area;
  absl::string_view text = absl::StripAsciiWhitespace(cp);
  CpGroup group;
  size_t i = 0;
  // Names only in the detail: a CN 1014 value is a key.
  auto bad = [&area](absl::string_view name) {
    if (area.error.ok()) {
      area.error = {Reason::kBadCpField,
                    absl::StrCat("item \"", absl::CHexEscape(name.substr(0, 16)), "\"")};
    }
  };
  while (i <= text.size()) {
    // One item: name up to '=' (or a delimiter), then the value.
    size_t name_end = text.find_first_of("=,;", i);
    if (name_end == absl::string_view::npos) name_end = text.size();
    absl::string_view name = text.substr(i, name_end - i);
    char delimiter = '\0';
    if (name_end < text.size() && text[name_end] == '=') {
      size_t value_begin = name_end + 1;
      size_t scan_from = value_begin;
      if (text.substr(value_begin, 2) == "//") {
        size_t close = text.find("//", value_begin + 2);
        if (close == absl::string_view::npos) {
          bad(name);
          scan_from = text.size();
        } else {
          scan_from = close + 2;
        }
      }
      size_t value_end = text.find_first_of(",;", scan_from);
      if (value_end == absl::string_view::npos) value_end = text.size();
      if (name.empty()) bad(name);
      group.push_back(
          {std::string(name), std::string(text.substr(value_begin, value_end - value_begin))});
      i = value_end;
    } else {
      if (!name.empty()) {
        bad(name);
        group.push_back({std::string(name), ""});
      }
      i = name_end;
    }
    if (i < text.size()) delimiter = text[i];
    ++i;
    if (delimiter != ',' && !group.empty()) {
      area.groups.push_back(std::move(group));
      group.clear();
    }
  }
  return area;
}

bool IsPlainText(absl::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  return Utf8Length(text).has_value();
}

}  // namespace ecocase::domain::hj212
