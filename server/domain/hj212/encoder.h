#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/hj212/commands.h"
#include "domain/hj212/crc.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/profile.h"

namespace ecocase::domain::hj212 {

// The plaintext data segment of `packet`: QN;ST;CN;PW;MN;Flag;PNUM;PNO;RF;<extra>;CP=&&cp&&,
// in the standard's order. QN and PW are left out when empty (2005 answers carry no QN),
// Flag/PNUM/PNO/RF when unset; ST, CN and MN are always written ("MN=" for 2025 1001).
std::string BuildSegment(const Packet& packet);

struct EncodeOptions {
  // With both set, the CP area is SM4-encrypted after the CRC is taken (2025 A.2).
  const CpDecryptor* cipher = nullptr;
  const Sm4Key* key = nullptr;
  // What the peer checks; only a lenient MODBUS device needs anything but kHj212.
  CrcVariant crc_variant = CrcVariant::kHj212;
};

// The complete frame "##" + 4-digit byte length + segment + CRC + CR LF. OUT_OF_RANGE if the
// segment exceeds 9999 bytes; errors of the cipher as they come.
absl::StatusOr<std::string> EncodePacket(const Packet& packet, const EncodeOptions& options = {});

// Frames an already built plaintext segment (no encryption). Precondition: <= 9999 bytes.
std::string FrameSegment(absl::string_view segment, CrcVariant variant = CrcVariant::kHj212);

// Answers. `version` is the device's REGISTERED protocol, which picks the form:
//  2017/2025: QN=<request QN>;ST=91;CN=90xx;PW=<same>;MN=<same>;Flag=<version << 2>;CP=&&..&&
//  2005 (§1.12): no QN in the header; it goes into the CP: CP=&&QN=<QN>;...&&, Flag=0.

// 9014 data answer to an upload (§1.7; 2017 Tables C.16-C.20). Send it only after the data
// is stored durably, one per sub-packet, and never for a rejected packet.
Packet DataAck(const Packet& upload, ProtocolVersion version);
// 9013 notification answer (1013, 2025 9015 heartbeat, 1001, 1014).
Packet NotificationAck(const Packet& notification, ProtocolVersion version);
// 9011 and 9012 are what a DEVICE answers to a host request; the host never sends them. For
// device simulators and tests.
Packet RequestAnswer(const Packet& request, QnRtn code, ProtocolVersion version);
Packet ExecutionResult(const Packet& request, ExeRtn code, ProtocolVersion version);

// The answer the host owes an accepted packet from a device, or nullopt: uploads with the
// answer bit get 9014 (never 9011), notifications with it get 9013, nothing else is answered.
std::optional<Packet> AnswerFor(const Packet& received, ProtocolVersion version);

// Host requests (Flag = version << 2 | answer bit). `qn` from FormatQn.
Packet HostRequest(absl::string_view qn, absl::string_view st, absl::string_view cn,
                   absl::string_view pw, absl::string_view mn, absl::string_view cp,
                   ProtocolVersion version);
// 2025 CN 1002: the bureau assigns `new_mn` to the DAS that registered with `das_id`.
Packet AssignMnRequest(absl::string_view qn, absl::string_view st, absl::string_view pw,
                       absl::string_view new_mn, absl::string_view das_id);
// 2025 CN 1014 from the host: the next SM4 key (16 characters) and its creation time
// (17-digit QN-style). Encrypt it with the current key through EncodeOptions.
Packet KeyRotationRequest(absl::string_view qn, absl::string_view st, absl::string_view pw,
                          absl::string_view mn, absl::string_view created,
                          absl::string_view new_key);

}  // namespace ecocase::domain::hj212
