#include "domain/hj212/frame.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/hj212/crc.h"

namespace ecocase::domain::hj212 {
namespace {

constexpr size_t kHeadLength = 6;  // "##" + 4 digits
constexpr size_t kCrcLength = 4;
constexpr size_t kCompactAt = 4096;

std::optional<size_t> ParseLength(absl::string_view four) {
  size_t value = 0;
  for (char c : four) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

bool IsHex4(absl::string_view s) { return ParseCrcHex(s).has_value(); }

// Length in bytes of the UTF-8 sequence led by `lead`, or 0 if `lead` cannot lead one.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

enum class Scan { kOk, kNeedMore, kInvalid };

// Bytes taken by `chars` UTF-8 characters at the start of `text`.
Scan ScanUtf8Chars(absl::string_view text, size_t chars, size_t* bytes) {
  size_t i = 0;
  for (size_t n = 0; n < chars; ++n) {
    if (i >= text.size()) return Scan::kNeedMore;
    size_t len = Utf8SequenceLength(static_cast<unsigned char>(text[i]));
    if (len == 0) return Scan::kInvalid;
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= text.size()) return Scan::kNeedMore;
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return Scan::kInvalid;
    }
    i += len;
  }
  *bytes = i;
  return Scan::kOk;
}

// What sits at the offset where the CRC should start.
struct Trailer {
  enum Kind { kNeedMore, kSound, kCrcNotHex, kBadTerminator, kMisplaced } kind;
  Terminator terminator = Terminator::kCrLf;
  size_t end = 0;  // one past the terminator, for kSound and kCrcNotHex
};

Trailer ExamineTrailer(absl::string_view buf, size_t at, bool accept_lf) {
  if (buf.size() < at + kCrcLength + 1) return {Trailer::kNeedMore};
  bool hex = IsHex4(buf.substr(at, kCrcLength));
  char first = buf[at + kCrcLength];
  Trailer t{Trailer::kMisplaced};
  if (first == '\r') {
    if (buf.size() < at + kCrcLength + 2) return {Trailer::kNeedMore};
    if (buf[at + kCrcLength + 1] == '\n') {
      t = {Trailer::kSound, Terminator::kCrLf, at + kCrcLength + 2};
    }
  } else if (first == '\n' && accept_lf) {
    t = {Trailer::kSound, Terminator::kLf, at + kCrcLength + 1};
  }
  if (t.kind == Trailer::kSound) {
    if (!hex) t.kind = Trailer::kCrcNotHex;
    return t;
  }
  // 4 hex digits in place but no terminator after them: the length was probably right.
  return {hex ? Trailer::kBadTerminator : Trailer::kMisplaced};
}

std::string Printable(absl::string_view bytes) {
  return absl::CHexEscape(bytes.substr(0, 16));
}

}  // namespace

FrameReader::FrameReader(FrameReaderOptions options) : options_(options) {
  options_.max_data_length = std::min(options_.max_data_length, kMaxDataLengthLenient);
}

void FrameReader::Append(absl::string_view bytes) {
  if (!finished_) buf_.append(bytes.data(), bytes.size());
}

void FrameReader::Finish() { finished_ = true; }

void FrameReader::Compact() {
  if (pos_ == 0 || (pos_ < kCompactAt && pos_ * 2 < buf_.size())) return;
  buf_.erase(0, pos_);
  base_ += pos_;
  pos_ = 0;
}

void FrameReader::Skip(size_t to) {
  uint64_t from = std::max<uint64_t>(base_ + pos_, claimed_);
  uint64_t until = base_ + to;
  if (until > from) {
    if (garbage_ == 0) garbage_at_ = from;
    // Garbage is reported in pieces of at most one frame's size, so that the reports do not
    // depend on how the stream was chunked: stop there.
    uint64_t room = MaxFrame() - garbage_;
    if (until - from > room) {
      until = from + room;
      to = static_cast<size_t>(until - base_);
    }
    garbage_ += until - from;
  }
  pos_ = to;
}

std::optional<FrameEvent> FrameReader::TakeGarbage(bool force) {
  if (garbage_ == 0 || !force) return std::nullopt;
  FrameEvent event;
  event.rejection = {Reason::kGarbage,
                     absl::StrCat(garbage_, " bytes at stream offset ", garbage_at_)};
  event.frame.offset = garbage_at_;
  garbage_ = 0;
  return event;
}

FrameEvent FrameReader::Reject(Reason reason, std::string detail) {
  FrameEvent event;
  event.rejection = {reason, std::move(detail)};
  event.frame.offset = base_ + pos_;
  // The rescan skips the rest of the rejected frame up to the next "##": those bytes were
  // reported with it, not garbage again (up to the size a frame could have had).
  claimed_ = std::max<uint64_t>(claimed_, base_ + pos_ + MaxFrame());
  ++pos_;  // §1.2: skip one byte and look for the next "##"
  return event;
}

std::optional<FrameEvent> FrameReader::Next() {
  Compact();
  absl::string_view buf(buf_);
  size_t start = buf.find("##", pos_);
  if (start == absl::string_view::npos) {
    size_t keep = buf.size();
    if (!finished_ && keep > pos_ && buf.back() == '#') --keep;  // maybe the first half of "##"
    Skip(keep);
    return TakeGarbage(garbage_ >= MaxFrame() || (finished_ && pos_ == buf.size()));
  }
  Skip(start);
  if (pos_ != start) return TakeGarbage(true);  // a full piece of garbage; more follows
  if (std::optional<FrameEvent> garbage = TakeGarbage(true)) return garbage;

  if (buf.size() < start + kHeadLength) {
    if (!finished_) return std::nullopt;
    return Reject(Reason::kTruncated, "stream ended in the length field");
  }
  std::optional<size_t> length = ParseLength(buf.substr(start + 2, 4));
  if (!length) {
    return Reject(Reason::kBadLengthField, Printable(buf.substr(start + 2, 4)));
  }
  if (*length > options_.max_data_length) {
    return Reject(Reason::kLengthTooLarge,
                  absl::StrCat(*length, " > ", options_.max_data_length));
  }
  const size_t data_begin = start + kHeadLength;
  size_t data_length = *length;
  bool counts_chars = false;
  Trailer trailer = ExamineTrailer(buf, data_begin + data_length, options_.accept_lf_terminator);
  if (trailer.kind == Trailer::kNeedMore) {
    if (!finished_) return std::nullopt;
    return Reject(Reason::kTruncated,
                  absl::StrCat("declared ", *length, ", stream ended after ",
                               buf.size() - data_begin));
  }
  if (trailer.kind == Trailer::kMisplaced || trailer.kind == Trailer::kBadTerminator) {
    // A lenient peer may have counted characters (C# string.Length) instead of bytes.
    size_t char_bytes = 0;
    Scan scan = options_.accept_char_length
                    ? ScanUtf8Chars(buf.substr(data_begin), *length, &char_bytes)
                    : Scan::kInvalid;
    if (scan == Scan::kNeedMore && !finished_) return std::nullopt;
    if (scan == Scan::kOk && char_bytes != *length) {
      Trailer by_chars =
          ExamineTrailer(buf, data_begin + char_bytes, options_.accept_lf_terminator);
      if (by_chars.kind == Trailer::kNeedMore && !finished_) return std::nullopt;
      if (by_chars.kind == Trailer::kSound) {
        trailer = by_chars;
        data_length = char_bytes;
        counts_chars = true;
      }
    }
  }
  switch (trailer.kind) {
    case Trailer::kSound: break;
    case Trailer::kCrcNotHex: {
      // The terminator confirms the boundary: drop the whole frame without rescanning it.
      FrameEvent event = Reject(Reason::kCrcNotHex,
                                Printable(buf.substr(data_begin + data_length, kCrcLength)));
      pos_ = trailer.end;
      return event;
    }
    case Trailer::kBadTerminator: {
      // Only the bytes that decided it, so the detail does not depend on chunking.
      const size_t at = data_begin + data_length + kCrcLength;
      return Reject(Reason::kBadTerminator, Printable(buf.substr(at, buf[at] == '\r' ? 2 : 1)));
    }
    case Trailer::kNeedMore:
    case Trailer::kMisplaced:
      return Reject(Reason::kLengthMismatch,
                    absl::StrCat("declared ", *length, "; no CRC + CR LF after that many bytes"));
  }

  FrameEvent event;
  event.frame.data = std::string(buf.substr(data_begin, data_length));
  event.frame.crc_field = std::string(buf.substr(data_begin + data_length, kCrcLength));
  event.frame.crc = *ParseCrcHex(event.frame.crc_field);
  event.frame.terminator = trailer.terminator;
  event.frame.length_counts_chars = counts_chars;
  event.frame.offset = base_ + start;
  pos_ = trailer.end;
  claimed_ = base_ + trailer.end;  // what follows a sound frame is garbage again
  return event;
}

FrameCheck CheckFrame(absl::string_view message) {
  FrameCheck check;
  if (!absl::StartsWith(message, "##")) {
    check.findings.push_back(Reason::kGarbage);
    return check;
  }
  if (message.size() < kHeadLength) {
    check.findings.push_back(Reason::kTruncated);
    return check;
  }
  check.declared_length = ParseLength(message.substr(2, 4));
  if (!check.declared_length) check.findings.push_back(Reason::kBadLengthField);
  absl::string_view body = message.substr(kHeadLength);
  if (absl::EndsWith(body, "\r\n")) {
    check.terminator = Terminator::kCrLf;
    body.remove_suffix(2);
  } else if (absl::EndsWith(body, "\n")) {
    check.terminator = Terminator::kLf;
    check.findings.push_back(Reason::kLfTerminator);
    body.remove_suffix(1);
  } else {
    check.findings.push_back(Reason::kBadTerminator);
  }
  if (body.size() < kCrcLength) {
    check.findings.push_back(Reason::kTruncated);
    return check;
  }
  check.crc_field = std::string(body.substr(body.size() - kCrcLength));
  check.data = std::string(body.substr(0, body.size() - kCrcLength));
  check.crc_calc = Crc16Hj212(check.data);
  if (check.declared_length && *check.declared_length != check.data.size()) {
    std::optional<size_t> chars = Utf8Length(check.data);
    check.findings.push_back(chars == check.declared_length ? Reason::kLengthCountsChars
                                                            : Reason::kLengthMismatch);
  }
  std::optional<uint16_t> crc = ParseCrcHex(check.crc_field);
  if (!crc) {
    check.findings.push_back(Reason::kCrcNotHex);
  } else if (*crc != check.crc_calc) {
    check.findings.push_back(Reason::kCrcMismatch);
  }
  return check;
}

std::optional<size_t> Utf8PrefixBytes(absl::string_view text, size_t chars) {
  size_t bytes = 0;
  if (ScanUtf8Chars(text, chars, &bytes) != Scan::kOk) return std::nullopt;
  return bytes;
}

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t chars = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t bytes = 0;
    if (ScanUtf8Chars(text.substr(i), 1, &bytes) != Scan::kOk) return std::nullopt;
    i += bytes;
    ++chars;
  }
  return chars;
}

}  // namespace ecocase::domain::hj212
