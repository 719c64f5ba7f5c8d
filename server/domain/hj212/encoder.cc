#include "domain/hj212/encoder.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecocase::domain::hj212 {
namespace {

constexpr absl::string_view kInteractionSt = "91";

// An answer to `received`: same QN, PW and MN; ST=91; no answer bit, no sub-packets.
Packet Answer(const Packet& received, absl::string_view cn, std::string cp_items,
              ProtocolVersion version) {
  Packet answer;
  answer.st = std::string(kInteractionSt);
  answer.cn = std::string(cn);
  answer.pw = received.pw;
  answer.mn = received.mn;
  answer.version = version;
  answer.flag = EncodeFlag(version, /*split=*/false, /*ack=*/false);
  answer.flag_bits = DecodeFlag(*answer.flag);
  if (version == ProtocolVersion::k2005) {
    // 2005 answers name the request inside the CP (keso-elft/mina; vector K02).
    std::string items = received.qn.empty() ? "" : absl::StrCat("QN=", received.qn);
    if (!cp_items.empty()) absl::StrAppend(&items, items.empty() ? "" : ";", cp_items);
    answer.cp = std::move(items);
  } else {
    answer.qn = received.qn;
    answer.cp = std::move(cp_items);
  }
  answer.cp_groups = ParseCp(answer.cp).groups;
  return answer;
}

}  // namespace

std::string BuildSegment(const Packet& packet) {
  std::string out;
  if (!packet.qn.empty()) absl::StrAppend(&out, "QN=", packet.qn, ";");
  absl::StrAppend(&out, "ST=", packet.st, ";CN=", packet.cn, ";");
  if (!packet.pw.empty()) absl::StrAppend(&out, "PW=", packet.pw, ";");
  absl::StrAppend(&out, "MN=", packet.mn, ";");
  if (packet.flag) absl::StrAppend(&out, "Flag=", *packet.flag, ";");
  if (packet.pnum) absl::StrAppend(&out, "PNUM=", *packet.pnum, ";");
  if (packet.pno) absl::StrAppend(&out, "PNO=", *packet.pno, ";");
  if (packet.rf) absl::StrAppend(&out, "RF=", *packet.rf, ";");
  for (const HeaderField& field : packet.extra_header) {
    absl::StrAppend(&out, field.name, "=", field.value, ";");
  }
  absl::StrAppend(&out, "CP=&&", packet.cp, "&&");
  return out;
}

std::string FrameSegment(absl::string_view segment, CrcVariant variant) {
  return absl::StrCat("##", absl::StrFormat("%04d", segment.size() % 10000), segment,
                      CrcHex(ComputeCrc(variant, segment)), "\r\n");
}

absl::StatusOr<std::string> EncodePacket(const Packet& packet, const EncodeOptions& options) {
  std::string segment = BuildSegment(packet);
  const uint16_t crc = ComputeCrc(options.crc_variant, segment);  // over the plaintext
  if (options.cipher != nullptr && options.key != nullptr) {
    absl::StatusOr<std::string> sealed = EncryptCpArea(*options.cipher, packet.cp, *options.key);
    if (!sealed.ok()) return sealed.status();
    segment.resize(segment.size() - packet.cp.size() - 2);
    absl::StrAppend(&segment, *sealed, "&&");
  }
  if (segment.size() > kMaxDataLengthLenient) {
    return absl::OutOfRangeError(
        absl::StrCat("data segment of ", segment.size(), " bytes exceeds 9999"));
  }
  return absl::StrCat("##", absl::StrFormat("%04d", segment.size()), segment, CrcHex(crc),
                      "\r\n");
}

Packet DataAck(const Packet& upload, ProtocolVersion version) {
  return Answer(upload, cn::kDataAnswer,
                version == ProtocolVersion::k2005 ? absl::StrCat("CN=", upload.cn) : "",
                version);
}

Packet NotificationAck(const Packet& notification, ProtocolVersion version) {
  return Answer(notification, cn::kNotificationAnswer, "", version);
}

Packet RequestAnswer(const Packet& request, QnRtn code, ProtocolVersion version) {
  return Answer(request, cn::kRequestAnswer, absl::StrCat("QnRtn=", static_cast<int>(code)),
                version);
}

Packet ExecutionResult(const Packet& request, ExeRtn code, ProtocolVersion version) {
  return Answer(request, cn::kExecutionResult, absl::StrCat("ExeRtn=", static_cast<int>(code)),
                version);
}

std::optional<Packet> AnswerFor(const Packet& received, ProtocolVersion version) {
  if (!received.ack_requested()) return std::nullopt;
  switch (ClassifyFromDevice(received.cn)) {
    case CommandKind::kUpload: return DataAck(received, version);
    case CommandKind::kNotification: return NotificationAck(received, version);
    case CommandKind::kAnswer:
    case CommandKind::kOther: return std::nullopt;
  }
  return std::nullopt;
}

Packet HostRequest(absl::string_view qn, absl::string_view st, absl::string_view cn,
                   absl::string_view pw, absl::string_view mn, absl::string_view cp,
                   ProtocolVersion version) {
  Packet request;
  request.qn = std::string(qn);
  request.st = std::string(st);
  request.cn = std::string(cn);
  request.pw = std::string(pw);
  request.mn = std::string(mn);
  request.version = version;
  request.flag = EncodeFlag(version, /*split=*/false, /*ack=*/true);
  request.flag_bits = DecodeFlag(*request.flag);
  request.cp = std::string(cp);
  request.cp_groups = ParseCp(request.cp).groups;
  return request;
}

Packet AssignMnRequest(absl::string_view qn, absl::string_view st, absl::string_view pw,
                       absl::string_view new_mn, absl::string_view das_id) {
  return HostRequest(qn, st, cn::kSetMn, pw, new_mn, absl::StrCat("i23005-Info=", das_id),
                     ProtocolVersion::k2025);
}

Packet KeyRotationRequest(absl::string_view qn, absl::string_view st, absl::string_view pw,
                          absl::string_view mn, absl::string_view created,
                          absl::string_view new_key) {
  return HostRequest(qn, st, cn::kKey, pw, mn,
                     absl::StrCat("SKCreateTime=", created, ",NewSK=", new_key),
                     ProtocolVersion::k2025);
}

}  // namespace ecocase::domain::hj212
