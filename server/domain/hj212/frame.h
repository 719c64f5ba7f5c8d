#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/hj212/profile.h"
#include "domain/hj212/reasons.h"

namespace ecocase::domain::hj212 {

// §1.2: frame = "##" + 4-digit data length + data segment + 4-hex CRC + CR LF.

enum class Terminator { kCrLf, kLf };

// One frame cut out of the stream by its length field. Nothing inside `data` was looked at:
// with HJ 212-2025 it may hold raw SM4 ciphertext (any byte, "##", "&&", CR LF, NUL). The CRC
// is checked by Decode, which may have to decrypt first.
struct Frame {
  std::string data;        // the data segment exactly as sent
  std::string crc_field;   // the 4 characters as sent, e.g. "1dc0"
  uint16_t crc = 0;        // crc_field's value
  Terminator terminator = Terminator::kCrLf;
  bool length_counts_chars = false;  // the length field counted UTF-8 characters
  uint64_t offset = 0;               // stream offset of "##", for logs
};

struct FrameReaderOptions {
  // Larger declared lengths are rejected at once (kLengthTooLarge), without waiting for them.
  size_t max_data_length = kMaxDataLengthStrict;
  bool accept_lf_terminator = false;  // a lone LF ends a frame (Frame::terminator says so)
  bool accept_char_length = false;    // a length counting UTF-8 characters is also tried

  // For a listener that serves lenient devices; Decode still holds each device to its profile.
  static FrameReaderOptions Lenient() { return {kMaxDataLengthLenient, true, true}; }
};

// A complete frame, or a rejection with its reason.
struct FrameEvent {
  Rejection rejection;  // kOk when `frame` is set
  Frame frame;

  bool ok() const { return rejection.ok(); }
};

// Cuts frames out of a TCP byte stream (粘包/拆包): bytes go in as they arrive, complete frames
// come out in order, whatever the chunk boundaries. A frame is taken strictly by its length
// field; the segment is never searched for "&&", "##" or CR LF. When CRC + terminator are not
// where the length says, the frame is rejected and the reader resynchronises by skipping one
// byte and looking for the next "##" (§1.2). Memory: the unconsumed bytes, at most one frame
// (6 + max_data_length + 6) plus whatever the caller appended since it last drained Next().
class FrameReader {
 public:
  explicit FrameReader(FrameReaderOptions options = {});

  void Append(absl::string_view bytes);

  // End of stream: a frame still incomplete becomes kTruncated, leftovers kGarbage.
  void Finish();

  // The next frame or rejection; nullopt when more bytes are needed (or all is drained after
  // Finish). Call until nullopt after each Append.
  std::optional<FrameEvent> Next();

  // Bytes held for an incomplete frame.
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::optional<FrameEvent> TakeGarbage(bool force);
  FrameEvent Reject(Reason reason, std::string detail);
  size_t MaxFrame() const { return 6 + options_.max_data_length + 6; }
  void Skip(size_t to);
  void Compact();

  FrameReaderOptions options_;
  std::string buf_;
  size_t pos_ = 0;          // next unexamined byte of buf_
  uint64_t base_ = 0;       // stream offset of buf_[0]
  uint64_t claimed_ = 0;    // skipped bytes before this offset belong to a rejected frame
  uint64_t garbage_ = 0;    // skipped bytes not yet reported
  uint64_t garbage_at_ = 0; // stream offset of the first of them
  bool finished_ = false;
};

// One-shot diagnosis of a message already known to be exactly one frame (a stored raw frame,
// a test vector): every framing problem, each located from the END of the message the way
// ../shared/hj212/vectors.json does (terminator, then the 4 CRC characters before it). The
// CRC is the plaintext HJ 212 CRC; encrypted 2025 frames need Decode.
struct FrameCheck {
  // kBadLengthField, kTruncated, kBadTerminator, kLfTerminator, kLengthMismatch,
  // kLengthCountsChars, kCrcNotHex, kCrcMismatch; empty for a sound frame.
  std::vector<Reason> findings;
  std::optional<size_t> declared_length;
  std::optional<Terminator> terminator;
  std::string data;       // the segment as delimited by the message end
  std::string crc_field;  // the 4 characters before the terminator
  uint16_t crc_calc = 0;  // HJ 212 CRC of `data`
};
FrameCheck CheckFrame(absl::string_view message);

// Number of bytes in the first `chars` UTF-8 characters of `text`; nullopt if `text` is
// shorter or not UTF-8 there.
std::optional<size_t> Utf8PrefixBytes(absl::string_view text, size_t chars);

// Number of UTF-8 characters, or nullopt if `text` is not UTF-8.
std::optional<size_t> Utf8Length(absl::string_view text);

}  // namespace ecocase::domain::hj212
