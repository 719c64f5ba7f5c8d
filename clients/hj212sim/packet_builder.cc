#include "hj212sim/packet_builder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/regulatory_time.h"
#include "domain/hj212/commands.h"
#include "domain/hj212/cp_values.h"
#include "domain/hj212/encoder.h"

namespace hj212sim {
namespace {

std::string Number(double value, int decimals) { return absl::StrFormat("%.*f", decimals, value); }

// -Cou: a volume in m³ for the flow factor, a mass in kg for a pollutant.
std::string EmissionNumber(const Factor& factor, double cou) {
  return Number(cou, factor.flow ? 2 : 4);
}

}  // namespace

std::string BeijingDataTime(absl::Time t) {
  return hj212::FormatHjTime(absl::ToCivilSecond(t, ecocase::common::RegulatoryTimeZone()));
}

std::string QnSource::Next(absl::Time now) {
  const int64_t ms = std::max(absl::ToUnixMillis(now), last_ms_ + 1);
  last_ms_ = ms;
  const absl::Time t = absl::FromUnixMillis(ms);
  return hj212::FormatQn(absl::ToCivilSecond(t, ecocase::common::RegulatoryTimeZone()),
                         static_cast<int>(ms % 1000));
}

hj212::DeviceProfile RegisteredProfile(const StationConfig& station) {
  hj212::DeviceProfile profile;
  profile.version = station.version;
  profile.strictness = station.lenient ? hj212::Strictness::kLenient : hj212::Strictness::kStrict;
  if (station.sm4) {
    profile.encryption = hj212::CpEncryption::kRequired;
    profile.sm4_keys = {*station.sm4};
  }
  profile.password = station.pw;
  return profile;
}

PacketBuilder::PacketBuilder(StationConfig station, std::vector<const Factor*> factors,
                             const ValueModel& values, const hj212::CpDecryptor* cipher)
    : station_(std::move(station)),
      factors_(std::move(factors)),
      values_(values),
      cipher_(cipher) {}

std::string PacketBuilder::CodeOf(const Factor& factor) const {
  if (station_.codes == CodeSet::k2005 && !factor.code_2005.empty()) {
    return std::string(factor.code_2005);
  }
  return std::string(factor.code);
}

std::string PacketBuilder::BuildCp(const DueUpload& due) const {
  std::string cp = absl::StrCat("DataTime=", BeijingDataTime(due.data_time));
  const std::string& mn = station_.mn;
  if (due.kind == UploadKind::kRealtime) {
    for (const Factor* f : factors_) {
      const std::string code = CodeOf(*f);
      const Sample sample = values_.Instant(mn, *f, due.data_time, station_.Exceeds(f->code));
      absl::StrAppend(&cp, ";", code, "-Rtd=", Number(sample.value, f->decimals), ",", code,
                      "-Flag=N");
    }
    return cp;
  }
  const double flow_avg =
      values_.Period(mn, FlowFactor(station_.kind), due.data_time, due.period).avg;
  for (const Factor* f : factors_) {
    const std::string code = CodeOf(*f);
    const Aggregate agg =
        values_.Period(mn, *f, due.data_time, due.period, station_.Exceeds(f->code));
    absl::StrAppend(&cp, ";");
    if (f->emission) {
      absl::StrAppend(&cp, code, "-Cou=",
                      EmissionNumber(*f, ValueModel::Emission(*f, agg.avg, flow_avg, due.period)),
                      ",");
    }
    absl::StrAppend(&cp, code, "-Min=", Number(agg.min, f->decimals), ",", code,
                    "-Avg=", Number(agg.avg, f->decimals), ",", code,
                    "-Max=", Number(agg.max, f->decimals), ",", code, "-Flag=N");
  }
  return cp;
}

hj212::Packet PacketBuilder::BuildPacket(const DueUpload& due, absl::string_view qn,
                                         bool backfill) const {
  hj212::Packet packet;
  packet.qn = std::string(qn);
  packet.st = std::string(SystemCode(station_.kind));
  packet.cn = std::string(CnOf(due.kind));
  packet.pw = station_.pw;
  packet.mn = station_.mn;
  packet.version = station_.version;
  packet.flag = hj212::EncodeFlag(station_.version, /*split=*/false, /*ack=*/true);
  packet.flag_bits = hj212::DecodeFlag(*packet.flag);
  // RF exists from 2025 on (hj212-2025.md §2.2); older devices re-send with the old
  // DataTime only.
  if (backfill && station_.version == hj212::ProtocolVersion::k2025) {
    packet.rf = "1";
    packet.backfilled = true;
  }
  packet.cp = BuildCp(due);
  return packet;
}

absl::StatusOr<Upload> PacketBuilder::Build(const DueUpload& due, absl::string_view qn,
                                            bool backfill) const {
  hj212::Packet packet = BuildPacket(due, qn, backfill);
  if (packet.cp.size() > hj212::kMaxCpLength) {
    return absl::OutOfRangeError(absl::StrCat("MN ", station_.mn, ": CN ", packet.cn, " with ",
                                              factors_.size(), " factors has a ", packet.cp.size(),
                                              "-byte CP area (at most ", hj212::kMaxCpLength, ")"));
  }
  hj212::EncodeOptions options;
  if (station_.sm4 && cipher_ != nullptr) {
    options.cipher = cipher_;
    options.key = &*station_.sm4;
  }
  absl::StatusOr<std::string> frame = hj212::EncodePacket(packet, options);
  if (!frame.ok()) return frame.status();
  // "##" + 4 digits + segment + CRC + CR LF.
  if (frame->size() - 12 > hj212::kMaxDataLengthStrict) {
    return absl::OutOfRangeError(absl::StrCat("MN ", station_.mn, ": a CN ", packet.cn,
                                              " segment exceeds ", hj212::kMaxDataLengthStrict,
                                              " bytes"));
  }
  Upload upload;
  upload.kind = due.kind;
  upload.qn = packet.qn;
  upload.cn = packet.cn;
  upload.data_time = BeijingDataTime(due.data_time);
  // The 2017 code even where the CP says the 原编码: the gateway stores readings under the
  // 2017 code (it maps 2005 codes by ST), and the ack log is compared with what it stored.
  for (const Factor* f : factors_) upload.pollutants.emplace_back(f->code);
  upload.backfill = backfill;
  upload.frame = *std::move(frame);
  return upload;
}

std::string PacketBuilder::Malformed(const DueUpload& due, absl::string_view qn,
                                     Malformation how) const {
  const hj212::Packet packet = BuildPacket(due, qn, /*backfill=*/false);
  if (how == Malformation::kCpNotClosed) {
    std::string segment = hj212::BuildSegment(packet);
    segment.resize(segment.size() - 2);  // drop the closing "&&"
    return hj212::FrameSegment(segment);
  }
  // Encrypted like the real thing, so only the CRC is wrong.
  hj212::EncodeOptions options;
  if (station_.sm4 && cipher_ != nullptr) {
    options.cipher = cipher_;
    options.key = &*station_.sm4;
  }
  absl::StatusOr<std::string> frame = hj212::EncodePacket(packet, options);
  if (!frame.ok()) return "##0000";         // unreachable for a packet Build accepted; still bad
  const size_t crc_at = frame->size() - 6;  // 4 CRC characters, then CR LF
  const std::optional<uint16_t> crc =
      hj212::ParseCrcHex(absl::string_view(*frame).substr(crc_at, 4));
  frame->replace(crc_at, 4, hj212::CrcHex(static_cast<uint16_t>(crc.value_or(0) ^ 0x5A5A)));
  return *std::move(frame);
}

}  // namespace hj212sim
