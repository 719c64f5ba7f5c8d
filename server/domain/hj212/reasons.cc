#include "domain/hj212/reasons.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace ecocase::domain::hj212 {
namespace {

struct ReasonInfo {
  absl::string_view name;
  absl::string_view text;
};

ReasonInfo Info(Reason reason) {
  switch (reason) {
    case Reason::kOk: return {"OK", "accepted"};
    case Reason::kGarbage: return {"GARBAGE", "bytes outside any frame were skipped"};
    case Reason::kBadLengthField:
      return {"BAD_LENGTH_FIELD", "\"##\" is not followed by 4 decimal digits"};
    case Reason::kLengthTooLarge:
      return {"LENGTH_TOO_LARGE", "declared data length exceeds the limit"};
    case Reason::kLengthMismatch:
      return {"LENGTH_MISMATCH", "CRC and terminator are not where the declared length puts them"};
    case Reason::kCrcNotHex: return {"CRC_NOT_HEX", "CRC field is not 4 hex digits"};
    case Reason::kBadTerminator: return {"BAD_TERMINATOR", "frame does not end with CR LF"};
    case Reason::kTruncated: return {"TRUNCATED", "stream ended inside a frame"};
    case Reason::kLengthCountsChars:
      return {"LENGTH_COUNTS_CHARS", "length field counts UTF-8 characters, not bytes"};
    case Reason::kLfTerminator: return {"LF_TERMINATOR", "frame ends with LF without CR"};
    case Reason::kCrcMismatch:
      return {"CRC_MISMATCH", "CRC field differs from the HJ 212 CRC of the data segment"};
    case Reason::kCrcModbusVariant:
      return {"CRC_MODBUS_VARIANT", "CRC matched the CRC-16/MODBUS variant, not HJ 212"};
    case Reason::kNoCp: return {"NO_CP", "data segment has no CP=&&"};
    case Reason::kCpNotClosed: return {"CP_NOT_CLOSED", "data segment does not end with &&"};
    case Reason::kBadHeaderField: return {"BAD_HEADER_FIELD", "header item is not name=value text"};
    case Reason::kDuplicateHeaderField:
      return {"DUPLICATE_HEADER_FIELD", "header field appears twice"};
    case Reason::kUnknownHeaderField:
      return {"UNKNOWN_HEADER_FIELD", "header field not defined by the standard"};
    case Reason::kMissingSeparator: return {"MISSING_SEPARATOR", "no ';' before CP=&&"};
    case Reason::kBadCpField:
      return {"BAD_CP_FIELD", "CP item is not name=value, or //text// is not closed"};
    case Reason::kCpNotUtf8: return {"CP_NOT_UTF8", "CP area is not UTF-8 text"};
    case Reason::kCpTooLong: return {"CP_TOO_LONG", "CP area exceeds 950 bytes"};
    case Reason::kMissingField: return {"MISSING_FIELD", "required header field is absent"};
    case Reason::kBadQn: return {"BAD_QN", "QN is not a 17-digit timestamp"};
    case Reason::kBadSt: return {"BAD_ST", "ST is not a 2-character system code"};
    case Reason::kBadCn: return {"BAD_CN", "CN is not a 4-digit command code"};
    case Reason::kBadPw: return {"BAD_PW", "PW is not a 6-character password"};
    case Reason::kBadMn: return {"BAD_MN", "MN does not have the profile's format"};
    case Reason::kEmptyMn: return {"EMPTY_MN", "MN is empty outside device registration"};
    case Reason::kBadFlag: return {"BAD_FLAG", "Flag is not an integer 0-255"};
    case Reason::kBadPacketNumber:
      return {"BAD_PACKET_NUMBER", "PNUM/PNO malformed or inconsistent with Flag"};
    case Reason::kBadRf: return {"BAD_RF", "RF has a value other than 1"};
    case Reason::kPasswordMismatch:
      return {"PASSWORD_MISMATCH", "PW differs from the registered password"};
    case Reason::kVersionMismatch:
      return {"VERSION_MISMATCH", "protocol version differs from the registered one"};
    case Reason::kVersionUnknown:
      return {"VERSION_UNKNOWN", "Flag version bits name no known standard"};
    case Reason::kNoKey: return {"NO_KEY", "profile expects SM4 but has no key"};
    case Reason::kDecryptFailed: return {"DECRYPT_FAILED", "CP area could not be decrypted"};
    case Reason::kDecryptOrCrcFailed:
      return {"DECRYPT_OR_CRC_FAILED",
              "CRC or text check failed after SM4 decryption: wrong key or damaged frame"};
    case Reason::kNotEncrypted:
      return {"NOT_ENCRYPTED", "profile requires SM4 but the CP area is plaintext"};
    case Reason::kSubpacketDuplicate:
      return {"SUBPACKET_DUPLICATE", "sub-packet received twice with the same content"};
    case Reason::kSubpacketConflict:
      return {"SUBPACKET_CONFLICT", "sub-packet received twice with different content"};
    case Reason::kSubpacketTimeout:
      return {"SUBPACKET_TIMEOUT", "incomplete sub-packet set expired"};
    case Reason::kReassemblyFull:
      return {"REASSEMBLY_FULL", "too many incomplete sub-packet sets"};
    case Reason::kUnknownDevice: return {"UNKNOWN_DEVICE", "MN is not registered"};
  }
  return {"UNKNOWN_REASON", "unknown reason"};
}

}  // namespace

absl::string_view ReasonName(Reason reason) { return Info(reason).name; }

absl::string_view ReasonText(Reason reason) { return Info(reason).text; }

absl::Status ToStatus(const Rejection& rejection) {
  if (rejection.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(ReasonName(rejection.reason), ": ",
                                     ReasonText(rejection.reason));
  if (!rejection.detail.empty()) absl::StrAppend(&message, " (", rejection.detail, ")");
  return common::WithReason(absl::InvalidArgumentError(message), ReasonName(rejection.reason));
}

}  // namespace ecocase::domain::hj212
