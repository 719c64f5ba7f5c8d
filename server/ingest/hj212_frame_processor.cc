#include "ingest/hj212_frame_processor.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "domain/hj212/commands.h"
#include "domain/hj212/cp_values.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/packet.h"

namespace ecocase::ingest {
namespace {

namespace hj212 = ::ecocase::domain::hj212;
namespace monitoring = ::ecocase::domain::monitoring;
using ::ecocase::common::Log;
using ::ecocase::common::LogLevel;

// The device.mn column: a longer MN cannot be registered, so it is refused without asking
// the database (and without filling the directory's cache with junk).
constexpr size_t kMaxMnLength = 24;
// Header values go into logs: bound what a peer can make us write.
constexpr size_t kMaxLoggedField = 32;

std::string Clip(absl::string_view value) {
  return std::string(value.substr(0, kMaxLoggedField));
}

void Reject(Hj212FrameOutcome& out, hj212::Reason reason, std::string detail,
            LogLevel level = LogLevel::kWarning) {
  out.rejection = std::string(hj212::ReasonName(reason));
  out.detail = std::move(detail);
  out.level = level;
}

void Reject(Hj212FrameOutcome& out, const hj212::Rejection& rejection,
            LogLevel level = LogLevel::kWarning) {
  Reject(out, rejection.reason, rejection.detail, level);
}

// Appends the encoded `answer` to `into`. Answers are a few dozen bytes, so encoding can
// only fail on a bug; that is logged and the answer dropped (the station resends).
void AddAnswer(const std::optional<hj212::Packet>& answer, std::vector<Hj212Answer>& into) {
  if (!answer) return;
  absl::StatusOr<std::string> frame = hj212::EncodePacket(*answer);
  if (!frame.ok()) {
    Log(LogLevel::kError, "hj212_answer_not_encoded")
        .Str("mn", Clip(answer->mn))
        .Str("cn", answer->cn)
        .Str("error", frame.status().message());
    return;
  }
  into.push_back({*std::move(frame), answer->cn == hj212::cn::kDataAnswer});
}

void LogNotification(const hj212::Packet& packet, absl::string_view peer) {
  if (packet.cn == hj212::cn::kHeartbeat) {
    // Every station, every minute or so: only on request.
    Log(LogLevel::kDebug, "hj212_heartbeat").Str("mn", Clip(packet.mn)).Str("peer", peer);
  } else if (packet.cn == hj212::cn::kRegister) {
    std::optional<hj212::Registration> registration = hj212::ReadRegistration(packet);
    Log(LogLevel::kInfo, "hj212_registration")
        .Str("mn", Clip(packet.mn))
        .Str("das_id", registration ? Clip(registration->das_id) : "")
        .Str("peer", peer);
  } else if (packet.cn == hj212::cn::kKey) {
    // SM4 keys are registered with the device record; this gateway hands out none. The
    // CP area (it may carry a key) is not logged.
    Log(LogLevel::kInfo, "hj212_key_request").Str("mn", Clip(packet.mn)).Str("peer", peer);
  } else {
    Log(LogLevel::kInfo, "hj212_notification")
        .Str("mn", Clip(packet.mn))
        .Str("cn", packet.cn)
        .Str("peer", peer);
  }
}

}  // namespace

Hj212FrameProcessor::Hj212FrameProcessor(DeviceDirectory& directory,
                                         const hj212::CpDecryptor* cipher,
                                         const common::Clock& clock, Hj212StatsRecorder& stats,
                                         Hj212FrameProcessorOptions options)
    : directory_(directory),
      cipher_(cipher),
      clock_(clock),
      stats_(stats),
      options_(options),
      reassembler_(options.reassembly) {}

Hj212FrameOutcome Hj212FrameProcessor::Process(const hj212::Frame& frame,
                                               absl::string_view peer) {
  Hj212FrameOutcome out;
  const hj212::Peek peek = hj212::PeekHeader(frame);
  out.mn = Clip(peek.mn);
  out.cn = Clip(peek.cn);

  if (peek.mn.empty()) {
    // HJ 212-2025: a DAS not yet activated registers (CN 1001) before it has an MN.
    if (peek.cn == hj212::cn::kRegister) {
      ProcessRegistration(frame, peer, out);
    } else {
      Reject(out, hj212::Reason::kEmptyMn, absl::StrCat("CN=", out.cn));
    }
    return out;
  }
  if (peek.mn.size() > kMaxMnLength) {
    Reject(out, hj212::Reason::kBadMn, absl::StrCat(peek.mn.size(), " characters"));
    return out;
  }

  absl::StatusOr<storage::DeviceRecord> device = directory_.Find(peek.mn);
  if (!device.ok()) {
    if (absl::IsNotFound(device.status())) {
      Reject(out, hj212::Reason::kUnknownDevice, absl::StrCat("MN=", out.mn));
    } else {
      out.rejection = "DIRECTORY_UNAVAILABLE";
      out.detail = std::string(device.status().message());
    }
    return out;
  }

  // The profile carries no PW (the record has only its hash): it is checked below.
  hj212::DecodeResult decoded = hj212::Decode(frame, device->profile, cipher_);
  out.qn = Clip(decoded.packet.qn);
  if (!decoded.ok()) {
    Reject(out, decoded.rejection);
    return out;
  }
  hj212::Packet& packet = decoded.packet;
  if (packet.pw.empty()) {
    // Lenient profiles let a packet omit PW; without one nothing proves who sent it.
    Reject(out, hj212::Reason::kMissingField, "PW");
    return out;
  }
  if (!directory_.CheckPassword(*device, packet.pw)) {
    Reject(out, hj212::Reason::kPasswordMismatch, absl::StrCat("MN=", out.mn));
    return out;
  }
  out.authenticated = true;

  const hj212::ProtocolVersion version = device->profile.version;
  switch (hj212::ClassifyFromDevice(packet.cn)) {
    case hj212::CommandKind::kNotification:
      // 9015 heartbeat, 1013, 1001, 1014: answered at once, nothing stored.
      LogNotification(packet, peer);
      AddAnswer(hj212::AnswerFor(packet, version), out.answers);
      return out;
    case hj212::CommandKind::kUpload:
      ProcessUpload(std::move(packet), *device, clock_.Now(), out);
      return out;
    case hj212::CommandKind::kAnswer:
    case hj212::CommandKind::kOther:
      // Answers to host requests this gateway never sends, or host commands: nothing to do.
      out.not_stored = true;
      return out;
  }
  return out;
}

void Hj212FrameProcessor::ProcessRegistration(const hj212::Frame& frame, absl::string_view peer,
                                              Hj212FrameOutcome& out) {
  hj212::DeviceProfile profile;
  profile.version = hj212::ProtocolVersion::k2025;
  hj212::DecodeResult decoded = hj212::Decode(frame, profile, nullptr);
  out.qn = Clip(decoded.packet.qn);
  if (!decoded.ok()) {
    Reject(out, decoded.rejection);
    return;
  }
  // No device, so no PW to check: the 9013 only says "received" and reveals nothing; the
  // bureau assigns the MN (CN 1002) out of band.
  LogNotification(decoded.packet, peer);
  AddAnswer(hj212::AnswerFor(decoded.packet, hj212::ProtocolVersion::k2025), out.answers);
}

void Hj212FrameProcessor::ProcessUpload(hj212::Packet packet,
                                        const storage::DeviceRecord& device, absl::Time now,
                                        Hj212FrameOutcome& out) {
  const hj212::ProtocolVersion version = device.profile.version;
  if (!monitoring::ReadingKindFromCn(packet.cn)) {
    // Uploads of data ecocase does not keep (2021 status, 2041, 2081, 3020 site logs ...).
    // They are answered all the same: the packet was received and judged, and without the
    // answer the station would resend it, then back-fill it, for ever.
    out.not_stored = true;
    AddAnswer(hj212::AnswerFor(packet, version), out.answers);
    return;
  }
  if (device.outlet_id == 0) {
    // Readings belong to an outlet; the station is told nothing so that it keeps them and
    // back-fills once the bureau binds it.
    out.rejection = "DEVICE_UNBOUND";
    out.detail = absl::StrCat("MN=", out.mn, " is bound to no outlet");
    return;
  }

  hj212::ReassemblyResult assembled;
  {
    absl::MutexLock lock(&mu_);
    assembled = reassembler_.Add(std::move(packet), now);
  }
  if (!assembled.rejection.ok()) {
    // A resent part of a set still incomplete is routine; the others deserve a look.
    Reject(out, assembled.rejection,
           assembled.rejection.reason == hj212::Reason::kSubpacketDuplicate ? LogLevel::kInfo
                                                                            : LogLevel::kWarning);
    return;
  }
  if (!assembled.complete) return;  // a part of an incomplete set: answered once complete

  const hj212::Packet& whole = *assembled.complete;
  out.store = true;
  out.rows = RowsOf(whole, device.outlet_id, now, &out.reading_rejections);
  // Refused readings do not withhold the answer: the packet was received and every good
  // reading in it is stored; the same packet sent again would be judged the same way, so
  // withholding the 9014 would only make the station resend it for ever.
  if (whole.ack_requested()) {
    // One 9014 per sub-packet, each with its own QN (§1.7, Tables C.47-C.50).
    for (const std::string& qn : assembled.part_qns) {
      hj212::Packet part = whole;
      part.qn = qn;
      AddAnswer(hj212::DataAck(part, version), out.answers_on_commit);
    }
  }
}

std::vector<storage::ReadingRow> Hj212FrameProcessor::RowsOf(
    const hj212::Packet& packet, int64_t outlet_id, absl::Time now,
    std::vector<monitoring::ReadingRejection>* rejected) {
  monitoring::PacketReadings readings =
      monitoring::ReadingsFromPacket(packet, now, options_.reading_checks);
  std::vector<storage::ReadingRow> rows;
  rows.reserve(readings.readings.size());
  for (monitoring::Reading& reading : readings.readings) {
    storage::ReadingRow row;
    row.reading = std::move(reading);
    row.outlet_id = outlet_id;
    row.source = monitoring::ReadingSource::kHj212;
    row.receive_time = now;
    rows.push_back(std::move(row));
  }
  for (monitoring::ReadingRejection& r : readings.rejections) rejected->push_back(std::move(r));
  return rows;
}

std::vector<std::vector<storage::ReadingRow>> Hj212FrameProcessor::ExpireSubpackets() {
  const absl::Time now = clock_.Now();
  std::vector<hj212::ExpiredSet> expired;
  {
    absl::MutexLock lock(&mu_);
    expired = reassembler_.Expire(now);
  }
  std::vector<std::vector<storage::ReadingRow>> stores;
  for (const hj212::ExpiredSet& set : expired) {
    Log log(LogLevel::kWarning, "hj212_subpacket_timeout");
    log.Str("reason", hj212::ReasonName(hj212::Reason::kSubpacketTimeout))
        .Str("mn", Clip(set.mn))
        .Str("cn", set.cn)
        .Str("data_time", Clip(set.data_time))
        .Int("parts", static_cast<int64_t>(set.parts.size()))
        .Int("pnum", set.pnum);
    // The device may have been unbound or removed since: its parts are then dropped.
    absl::StatusOr<storage::DeviceRecord> device = directory_.Find(set.mn);
    if (!device.ok() || device->outlet_id == 0) {
      log.Str("dropped", device.ok() ? "device bound to no outlet"
                                     : std::string(device.status().message()));
      continue;
    }
    std::vector<storage::ReadingRow> rows;
    std::vector<monitoring::ReadingRejection> rejected;
    for (const hj212::Packet& part : set.parts) {
      std::vector<storage::ReadingRow> part_rows = RowsOf(part, device->outlet_id, now, &rejected);
      for (storage::ReadingRow& row : part_rows) rows.push_back(std::move(row));
    }
    for (const monitoring::ReadingRejection& r : rejected) {
      stats_.ReadingRejected(monitoring::ReadingReasonName(r.reason));
    }
    log.Int("readings", static_cast<int64_t>(rows.size()))
        .Int("readings_rejected", static_cast<int64_t>(rejected.size()));
    stores.push_back(std::move(rows));
  }
  stats_.SubpacketSetsExpired(static_cast<int64_t>(expired.size()));
  return stores;
}

size_t Hj212FrameProcessor::pending_subpacket_sets() const {
  absl::MutexLock lock(&mu_);
  return reassembler_.pending_sets();
}

}  // namespace ecocase::ingest
