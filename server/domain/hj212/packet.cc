#include "domain/hj212/packet.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/hj212/cp_values.h"

namespace ecocase::domain::hj212 {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool AllOf(absl::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

bool IsUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
bool IsDigitOrUpper(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

std::optional<int> ParseInt(absl::string_view s, size_t max_digits) {
  if (!AllDigits(s) || s.size() > max_digits) return std::nullopt;
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

std::optional<CrcVariant> MatchCrc(absl::string_view data, uint16_t crc,
                                   const DeviceProfile& profile) {
  if (Crc16Hj212(data) == crc) return CrcVariant::kHj212;
  if (profile.crc_mode == CrcMode::kHj212OrModbus && profile.lenient()) {
    for (CrcVariant v : {CrcVariant::kModbus, CrcVariant::kModbusSwapped}) {
      if (ComputeCrc(v, data) == crc) return v;
    }
  }
  return std::nullopt;
}

// Raw header values by name; unknown names go to packet.extra_header.
struct RawHeader {
  const std::string* qn = nullptr;
  const std::string* st = nullptr;
  const std::string* cn = nullptr;
  const std::string* pw = nullptr;
  const std::string* mn = nullptr;
  const std::string* flag = nullptr;
  const std::string* pnum = nullptr;
  const std::string* pno = nullptr;
  const std::string* rf = nullptr;
};

RawHeader ReadHeader(const Segment& segment, Packet& packet) {
  RawHeader raw;
  for (const HeaderField& field : segment.header) {
    const std::string** slot = nullptr;
    if (field.name == "QN") slot = &raw.qn;
    else if (field.name == "ST") slot = &raw.st;
    else if (field.name == "CN") slot = &raw.cn;
    else if (field.name == "PW") slot = &raw.pw;
    else if (field.name == "MN") slot = &raw.mn;
    else if (field.name == "Flag") slot = &raw.flag;
    else if (field.name == "PNUM") slot = &raw.pnum;
    else if (field.name == "PNO") slot = &raw.pno;
    else if (field.name == "RF") slot = &raw.rf;
    if (slot != nullptr) {
      *slot = &field.value;
    } else {
      packet.extra_header.push_back(field);
    }
  }
  packet.qn = raw.qn ? *raw.qn : "";
  packet.st = raw.st ? *raw.st : "";
  packet.cn = raw.cn ? *raw.cn : "";
  packet.pw = raw.pw ? *raw.pw : "";
  packet.mn = raw.mn ? *raw.mn : "";
  if (raw.rf) packet.rf = *raw.rf;
  return raw;
}

// Decode state: rejections end it; deviations are rejections for strict profiles and notes
// for lenient ones.
class Judge {
 public:
  Judge(const DeviceProfile& profile, DecodeResult& result)
      : profile_(profile), result_(result) {}

  // Returns true (stop) after recording the rejection.
  bool Reject(Reason reason, std::string detail = "") {
    result_.rejection = {reason, std::move(detail)};
    return true;
  }
  // Returns true (stop) for strict profiles; notes it for lenient ones.
  bool Deviate(Reason reason, std::string detail = "") {
    if (!profile_.lenient()) return Reject(reason, std::move(detail));
    Note(reason);
    return false;
  }
  void Note(Reason reason) {
    std::vector<Reason>& notes = result_.packet.notes;
    if (std::find(notes.begin(), notes.end(), reason) == notes.end()) notes.push_back(reason);
  }

 private:
  const DeviceProfile& profile_;
  DecodeResult& result_;
};

// Steps 3-4 of Decode: the plaintext CP area and the CRC over the plaintext segment.
bool RecoverCp(const Frame& frame, const Segment& segment, const DeviceProfile& profile,
               const CpDecryptor* cipher, Judge& judge, Packet& packet) {
  const bool printed = absl::StartsWith(segment.cp, "{0x");
  const bool plain = !printed && IsPlainText(segment.cp);
  const bool encryptable =
      IsEncryptedCn(packet.cn) && (segment.cp.size() >= 16 || printed);
  const bool decrypt = profile.encryption != CpEncryption::kNone && encryptable &&
                       (profile.encryption == CpEncryption::kRequired || !plain);

  if (decrypt && plain && MatchCrc(frame.data, frame.crc, profile)) {
    return judge.Reject(Reason::kNotEncrypted, absl::StrCat("CN=", packet.cn));
  }
  if (!decrypt) {
    std::optional<CrcVariant> variant = MatchCrc(frame.data, frame.crc, profile);
    if (!variant) {
      std::string detail = absl::StrCat("field ", frame.crc_field, ", HJ 212 CRC ",
                                        CrcHex(Crc16Hj212(frame.data)));
      if (!plain) absl::StrAppend(&detail, "; the CP area is binary (SM4 without a key?)");
      return judge.Reject(Reason::kCrcMismatch, std::move(detail));
    }
    packet.crc_variant = *variant;
    packet.cp = segment.cp;
    return false;
  }

  if (cipher == nullptr || profile.sm4_keys.empty()) return judge.Reject(Reason::kNoKey);
  std::string area = segment.cp;
  if (printed) {
    absl::StatusOr<std::string> raw = UnhexPrintedCiphertext(segment.cp);
    if (!raw.ok()) return judge.Reject(Reason::kDecryptFailed, std::string(raw.status().message()));
    area = *std::move(raw);
  }
  const absl::string_view head = absl::string_view(frame.data).substr(0, segment.cp_offset);
  for (size_t i = 0; i < profile.sm4_keys.size(); ++i) {
    absl::StatusOr<std::string> text = DecryptCpArea(*cipher, area, profile.sm4_keys[i]);
    if (!text.ok()) {
      return judge.Reject(Reason::kDecryptFailed, std::string(text.status().message()));
    }
    // The CRC covers the plaintext segment (2025 A.2). It has only 8 bits of state, so the
    // plaintext must also read as text before a key counts as right.
    if (!IsPlainText(*text)) continue;
    std::optional<CrcVariant> variant =
        MatchCrc(absl::StrCat(head, *text, "&&"), frame.crc, profile);
    if (!variant) continue;
    packet.cp = *std::move(text);
    packet.crc_variant = *variant;
    packet.encrypted = true;
    packet.key_index = i;
    return false;
  }
  return judge.Reject(Reason::kDecryptOrCrcFailed,
                      absl::StrCat("CN=", packet.cn, ", ", profile.sm4_keys.size(),
                                   " key(s) tried"));
}

bool CheckFields(const RawHeader& raw, const DeviceProfile& profile, Judge& judge,
                 Packet& packet) {
  const bool strict = !profile.lenient();
  // Required fields: §1.13 strict wants all six; lenient devices may omit QN, PW and Flag.
  struct Required {
    const char* name;
    const std::string* value;
    bool even_lenient;
  };
  const Required required[] = {{"QN", raw.qn, false}, {"ST", raw.st, true},
                               {"CN", raw.cn, true},  {"PW", raw.pw, false},
                               {"MN", raw.mn, true},  {"Flag", raw.flag, false}};
  for (const Required& field : required) {
    if (field.value == nullptr && (strict || field.even_lenient)) {
      return judge.Reject(Reason::kMissingField, field.name);
    }
  }
  if (!AllDigits(packet.cn) || packet.cn.size() != 4) {
    return judge.Reject(Reason::kBadCn, packet.cn);
  }
  if (raw.qn) {
    bool good = strict ? packet.qn.size() == 17 && AllDigits(packet.qn) &&
                             ParseHjTime(absl::string_view(packet.qn).substr(0, 14), false)
                       : packet.qn.size() <= 32;
    if (!good) return judge.Reject(Reason::kBadQn, packet.qn.substr(0, 32));
  }
  bool st_good = strict ? packet.st.size() == 2 && AllOf(packet.st, IsDigitOrUpper)
                        : !packet.st.empty() && packet.st.size() <= 5 && AllOf(packet.st, IsAlnum);
  if (!st_good) return judge.Reject(Reason::kBadSt, packet.st.substr(0, 8));
  if (raw.pw) {
    bool good = strict ? packet.pw.size() == 6 : packet.pw.size() <= 32;
    if (!good) return judge.Reject(Reason::kBadPw, absl::StrCat(packet.pw.size(), " characters"));
  }
  if (packet.mn.empty()) {
    // 2025: an unactivated DAS registers (CN 1001, answered by 9013) before the bureau
    // assigns its MN.
    if (!(profile.version == ProtocolVersion::k2025 &&
          (packet.cn == "1001" || packet.cn == "9013"))) {
      return judge.Reject(Reason::kEmptyMn, absl::StrCat("CN=", packet.cn));
    }
  } else {
    bool good = true;
    if (!strict) {
      good = packet.mn.size() <= 32;
    } else if (profile.version == ProtocolVersion::k2005) {
      good = packet.mn.size() == 14 && AllOf(packet.mn, IsAlnum);
    } else {
      good = packet.mn.size() == 24 && AllOf(packet.mn, IsUpperHex);
    }
    if (!good) return judge.Reject(Reason::kBadMn, packet.mn.substr(0, 32));
  }

  // PNUM/PNO: present together, 1 <= PNO <= PNUM; present iff Flag D (from 2017 on: a 2005
  // Flag=3 request carries none, vector K01).
  if (raw.pnum || raw.pno) {
    std::optional<int> pnum = raw.pnum ? ParseInt(*raw.pnum, 4) : std::nullopt;
    std::optional<int> pno = raw.pno ? ParseInt(*raw.pno, 4) : std::nullopt;
    if (!pnum || !pno || *pnum < 1 || *pno < 1 || *pno > *pnum) {
      return judge.Reject(Reason::kBadPacketNumber,
                          absl::StrCat("PNUM=", raw.pnum ? raw.pnum->substr(0, 8) : "(none)",
                                       " PNO=", raw.pno ? raw.pno->substr(0, 8) : "(none)"));
    }
    packet.pnum = pnum;
    packet.pno = pno;
    packet.split = true;
    if (packet.flag && !packet.flag_bits.split &&
        judge.Deviate(Reason::kBadPacketNumber, "PNUM/PNO without Flag bit 1")) {
      return true;
    }
  } else if (packet.flag && packet.flag_bits.split && packet.flag_bits.version_bits >= 1 &&
             judge.Deviate(Reason::kBadPacketNumber, "Flag bit 1 without PNUM/PNO")) {
    return true;
  }

  if (packet.rf) {
    packet.backfilled = *packet.rf == "1";
    // §2.2 of the 2025 note: anything but RF=1 is kept as real-time data, with a note.
    if (!packet.backfilled) judge.Note(Reason::kBadRf);
  }
  return false;
}

bool CheckCp(const DeviceProfile& profile, Judge& judge, Packet& packet) {
  if (!IsPlainText(packet.cp) && judge.Deviate(Reason::kCpNotUtf8)) return true;
  if (packet.cp.size() > kMaxCpLength &&
      judge.Deviate(Reason::kCpTooLong, absl::StrCat(packet.cp.size(), " bytes"))) {
    return true;
  }
  CpArea area = ParseCp(packet.cp);
  packet.cp_groups = std::move(area.groups);
  if (!area.error.ok() && judge.Deviate(area.error.reason, area.error.detail)) return true;
  if (std::optional<absl::string_view> time = FindCpValue(packet.cp_groups, "DataTime")) {
    // Lenient devices send 17-digit DataTime (§1.13).
    if (!ParseHjTime(*time, profile.lenient()) &&
        judge.Deviate(Reason::kBadCpField, absl::StrCat("DataTime=", time->substr(0, 20)))) {
      return true;
    }
  }
  return false;
}

}  // namespace

FlagBits DecodeFlag(int flag) { return {flag >> 2, (flag & 2) != 0, (flag & 1) != 0}; }

int EncodeFlag(ProtocolVersion version, bool split, bool ack) {
  return (static_cast<int>(version) << 2) | (split ? 2 : 0) | (ack ? 1 : 0);
}

std::optional<ProtocolVersion> VersionFromBits(int version_bits) {
  switch (version_bits) {
    case 0: return ProtocolVersion::k2005;
    case 1: return ProtocolVersion::k2017;
    case 2: return ProtocolVersion::k2025;
    default: return std::nullopt;
  }
}

bool IsEncryptedCn(absl::string_view cn) {
  if (cn.size() != 4 || !AllDigits(cn)) return false;
  return cn[0] == '2' || cn == "1014" || cn == "3020";
}

bool Packet::HasNote(Reason reason) const {
  return std::find(notes.begin(), notes.end(), reason) != notes.end();
}

bool Equivalent(const Packet& a, const Packet& b) {
  auto same_header = [](const std::vector<HeaderField>& x, const std::vector<HeaderField>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                      [](const HeaderField& f, const HeaderField& g) {
                        return f.name == g.name && f.value == g.value;
                      });
  };
  return a.qn == b.qn && a.st == b.st && a.cn == b.cn && a.pw == b.pw && a.mn == b.mn &&
         a.flag == b.flag && a.pnum == b.pnum && a.pno == b.pno && a.rf == b.rf &&
         same_header(a.extra_header, b.extra_header) && a.cp == b.cp &&
         a.cp_groups == b.cp_groups && a.version == b.version && a.flag_bits == b.flag_bits &&
         a.split == b.split && a.backfilled == b.backfilled && a.encrypted == b.encrypted;
}

Peek PeekHeader(const Frame& frame) {
  Segment segment = SplitSegment(frame.data);
  Peek peek;
  if (const std::string* mn = FindHeader(segment, "MN")) peek.mn = *mn;
  if (const std::string* cn = FindHeader(segment, "CN")) peek.cn = *cn;
  if (const std::string* flag = FindHeader(segment, "Flag")) {
    std::optional<int> value = ParseInt(*flag, 3);
    if (value && *value <= 255) peek.flag = value;
  }
  return peek;
}

DecodeResult Decode(const Frame& frame, const DeviceProfile& profile, const CpDecryptor* cipher) {
  DecodeResult result;
  Packet& packet = result.packet;
  packet.version = profile.version;
  Judge judge(profile, result);

  // 1. Size and terminator, by the profile (the reader may serve laxer devices too).
  if (frame.data.size() > profile.max_data_length()) {
    judge.Reject(Reason::kLengthTooLarge,
                 absl::StrCat(frame.data.size(), " > ", profile.max_data_length()));
    return result;
  }
  if (frame.terminator == Terminator::kLf && judge.Deviate(Reason::kLfTerminator)) return result;
  if (frame.length_counts_chars && judge.Deviate(Reason::kLengthCountsChars)) return result;

  // 2. Header, by name.
  Segment segment = SplitSegment(frame.data);
  RawHeader raw = ReadHeader(segment, packet);
  if (!segment.error.ok()) {
    // Without a sound CP split nothing can be decrypted; a damaged frame says so first.
    if (!MatchCrc(frame.data, frame.crc, profile)) {
      judge.Reject(Reason::kCrcMismatch, absl::StrCat("field ", frame.crc_field, ", HJ 212 CRC ",
                                                      CrcHex(Crc16Hj212(frame.data))));
    } else {
      result.rejection = segment.error;
    }
    return result;
  }

  // 3-4. Decrypt the CP area if the profile and CN call for it, then the CRC.
  if (RecoverCp(frame, segment, profile, cipher, judge, packet)) return result;
  if (packet.crc_variant != CrcVariant::kHj212) judge.Note(Reason::kCrcModbusVariant);

  // 5. Flag and the version it carries; an absent Flag is 2005.
  if (raw.flag) {
    std::optional<int> flag = ParseInt(*raw.flag, 3);
    if (!flag || *flag > 255) {
      judge.Reject(Reason::kBadFlag, raw.flag->substr(0, 8));
      return result;
    }
    packet.flag = flag;
    packet.flag_bits = DecodeFlag(*flag);
  }
  std::optional<ProtocolVersion> carried = VersionFromBits(packet.flag_bits.version_bits);
  if (carried != profile.version) {
    if (!carried) judge.Note(Reason::kVersionUnknown);
    std::string detail = absl::StrCat(
        packet.flag ? absl::StrCat("Flag=", *packet.flag) : "no Flag", " says ",
        carried ? ProtocolVersionName(*carried)
                : absl::StrCat("version bits ", packet.flag_bits.version_bits),
        ", registered ", ProtocolVersionName(profile.version));
    if (judge.Deviate(Reason::kVersionMismatch, std::move(detail))) return result;
  }

  // 6-7. Header fields, sub-packet numbers, RF.
  if (CheckFields(raw, profile, judge, packet)) return result;

  // 8. The plaintext CP area.
  if (CheckCp(profile, judge, packet)) return result;

  // 9. PW last: a wrong password on an otherwise sound packet is an access problem.
  if (profile.password && packet.pw != *profile.password) {
    judge.Reject(Reason::kPasswordMismatch, absl::StrCat("MN=", packet.mn));
    return result;
  }

  if (!packet.extra_header.empty()) judge.Note(Reason::kUnknownHeaderField);
  if (segment.missing_separator) judge.Note(Reason::kMissingSeparator);
  return result;
}

}  // namespace ecocase::domain::hj212
