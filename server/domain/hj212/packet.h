#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/hj212/crc.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/profile.h"
#include "domain/hj212/reasons.h"
#include "domain/hj212/segment.h"

namespace ecocase::domain::hj212 {

// Flag (§1.3): bits V5..V0 (version), then "has PNUM/PNO", then "answer required". 2025
// swapped the letters A and D but not the positions, so the bits are named by meaning.
struct FlagBits {
  int version_bits = 0;  // Flag >> 2: 0 = 2005, 1 = 2017, 2 = 2025
  bool split = false;    // bit 1 (value 2): PNUM/PNO present
  bool ack = false;      // bit 0 (value 1): the receiver must answer

  friend bool operator==(const FlagBits&, const FlagBits&) = default;
};
FlagBits DecodeFlag(int flag);
int EncodeFlag(ProtocolVersion version, bool split, bool ack);
// The standard that version bits name, or nullopt for bits no standard defines yet.
std::optional<ProtocolVersion> VersionFromBits(int version_bits);

// One accepted packet. Header strings are as sent ("" when absent: 2005 devices omit QN and
// Flag); the CP area is plaintext (decrypted if it arrived encrypted).
// PW (and a 1014 NewSK in the CP) are secrets: log the MN, CN and QN, never a whole Packet.
struct Packet {
  std::string qn;
  std::string st;
  std::string cn;
  std::string pw;
  std::string mn;
  std::optional<int> flag;
  std::optional<int> pnum;
  std::optional<int> pno;
  std::optional<std::string> rf;          // raw RF value (2025)
  std::vector<HeaderField> extra_header;  // fields the standard does not define, in order

  std::string cp;                // the plaintext CP area, verbatim
  std::vector<CpGroup> cp_groups;

  // Derived.
  ProtocolVersion version = ProtocolVersion::k2017;  // the registered one it was judged by
  FlagBits flag_bits;          // from `flag`; all zero when Flag is absent
  bool split = false;          // a sub-packet (PNUM/PNO present)
  bool backfilled = false;     // RF=1: a 补传 resend of older data
  bool encrypted = false;      // the CP area arrived SM4-encrypted
  size_t key_index = 0;        // which DeviceProfile::sm4_keys entry decrypted it
  CrcVariant crc_variant = CrcVariant::kHj212;
  // What the profile let through (lenient deviations, unknown header fields, ...).
  std::vector<Reason> notes;

  bool ack_requested() const { return flag_bits.ack; }
  bool HasNote(Reason reason) const;
};

// Same header fields, CP and derived meaning; notes, CRC variant and key index are ignored
// (they describe the transport, not the packet). The round-trip property is
// Equivalent(Decode(Encode(p)), p).
bool Equivalent(const Packet& a, const Packet& b);

struct DecodeResult {
  Rejection rejection;  // kOk when accepted
  // The packet when accepted; on rejection whatever could be read (header, maybe CP) so
  // that the rejection can be logged with its MN and CN.
  Packet packet;

  bool ok() const { return rejection.ok(); }
};

// The header of a frame, read without a profile, to find the device (MN) whose profile then
// judges the frame. Only the header is read: the CP area may be ciphertext.
struct Peek {
  std::string mn;
  std::string cn;
  std::optional<int> flag;  // nullopt when absent or malformed
};
Peek PeekHeader(const Frame& frame);

// Judges one frame by the device's registered profile, in this order: size and terminator;
// header split; SM4 decryption of the CP area when the profile and CN call for it (2025),
// then the CRC over the plaintext segment; CP syntax; header fields; version; PW. `cipher`
// may be null when the profile has no encryption.
DecodeResult Decode(const Frame& frame, const DeviceProfile& profile, const CpDecryptor* cipher);

// CNs whose CP area HJ 212-2025 §6.4.4 encrypts: 2000-2999, 1014 and 3020.
bool IsEncryptedCn(absl::string_view cn);

}  // namespace ecocase::domain::hj212
