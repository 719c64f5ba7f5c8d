#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecocase::domain::hj212 {

// Why a frame, a packet or a sub-packet was rejected, or (for the ones marked "note") what
// a lenient profile let through. Every rejection carries exactly one of these; the names
// are the UPPER_SNAKE_CASE codes logged and returned to callers (the framing and CP ones
// match ../shared/hj212/vectors.json).
enum class Reason {
  kOk = 0,

  // Framing (FrameReader, CheckFrame).
  kGarbage,              // bytes that belonged to no frame were skipped
  kBadLengthField,       // "##" not followed by 4 decimal digits
  kLengthTooLarge,       // declared data length above the limit (1024 strict, 9999 lenient)
  kLengthMismatch,       // CRC + terminator are not where the declared length puts them
  kCrcNotHex,            // the CRC field is not 4 hex digits
  kBadTerminator,        // the frame does not end with CR LF
  kTruncated,            // the stream ended inside a frame
  kLengthCountsChars,    // the length counts UTF-8 characters, not bytes (note when lenient)
  kLfTerminator,         // LF without CR (note when lenient)

  // CRC (Appendix A).
  kCrcMismatch,          // the CRC field differs from the HJ 212 CRC of the data segment
  kCrcModbusVariant,     // note: the CRC matched CRC-16/MODBUS (plain or byte-swapped)

  // Data-segment syntax.
  kNoCp,                 // no "CP=&&" in the data segment
  kCpNotClosed,          // the data segment does not end with the closing "&&"
  kBadHeaderField,       // a header item is not name=value, or holds control characters
  kDuplicateHeaderField, // the same header field twice
  kUnknownHeaderField,   // note: a header field the standard does not define (kept)
  kMissingSeparator,     // note: no ';' before "CP=&&" (the standard's own Table C example)
  kBadCpField,           // a CP item is not name=value, or a //...// text is not closed
  kCpNotUtf8,            // the CP area is not UTF-8 text
  kCpTooLong,            // the CP area exceeds 950 bytes

  // Header fields, judged against the device profile.
  kMissingField,         // a field the profile requires is absent (detail names it)
  kBadQn,
  kBadSt,
  kBadCn,
  kBadPw,
  kBadMn,
  kEmptyMn,              // empty MN outside 2025 registration (CN 1001 and its 9013)
  kBadFlag,
  kBadPacketNumber,      // PNUM/PNO malformed, out of range, or present without Flag D
  kBadRf,                // note: RF present with a value other than 1 (accepted as not back-filled)
  kPasswordMismatch,     // PW differs from the registered one
  kVersionMismatch,      // Flag version bits differ from the registered protocol version
  kVersionUnknown,       // note: Flag version bits name no known standard (kept raw)

  // HJ 212-2025 SM4 encryption of the CP area.
  kNoKey,                // the profile expects SM4 but holds no key
  kDecryptFailed,        // the decryptor failed, or a {0x..} text ciphertext is malformed
  kDecryptOrCrcFailed,   // after SM4 decryption the CRC or text check fails: wrong key, damage
  kNotEncrypted,         // the profile requires SM4 but the CP area arrived in plaintext

  // Sub-packet reassembly (§1.7).
  kSubpacketDuplicate,   // the same PNO again with the same content (ignored)
  kSubpacketConflict,    // the same PNO again with different content (first one kept)
  kSubpacketTimeout,     // an incomplete set expired
  kReassemblyFull,       // the memory bound for incomplete sets is reached

  // For the ingest layer, listed here so every rejection has one vocabulary.
  kUnknownDevice,        // MN not registered
};

// The code, e.g. "CRC_MISMATCH".
absl::string_view ReasonName(Reason reason);

// One short English sentence, e.g. "CRC field differs from the HJ 212 CRC of the data".
absl::string_view ReasonText(Reason reason);

// A rejection: the reason and a detail naming the offending value (never a key or password).
struct Rejection {
  Reason reason = Reason::kOk;
  std::string detail;

  bool ok() const { return reason == Reason::kOk; }
};

// INVALID_ARGUMENT "<NAME>: <text> (<detail>)" carrying ReasonName as the ecocase reason
// payload (common/errors.h); OK for kOk.
absl::Status ToStatus(const Rejection& rejection);

}  // namespace ecocase::domain::hj212
