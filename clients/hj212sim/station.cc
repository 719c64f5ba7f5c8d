#include "hj212sim/station.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/hj212/commands.h"
#include "domain/hj212/reasons.h"

namespace hj212sim {
namespace {

constexpr size_t kRememberedBadQns = 256;
// HJ 212 Table 1: 3 retries, then the link counts as 通讯不可用; worth one log line.
constexpr int kAttemptsBeforeWarning = 4;

// Answers are judged leniently: the simulator checks what it was told, not the gateway's
// manners; a 2005 answer has no QN in its header.
hj212::DeviceProfile AnswerProfile(hj212::ProtocolVersion version) {
  hj212::DeviceProfile profile;
  profile.version = version;
  profile.strictness = hj212::Strictness::kLenient;
  return profile;
}

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

Station::Station(PacketBuilder builder, StationOptions options, uint64_t seed)
    : builder_(std::move(builder)),
      options_(std::move(options)),
      answer_profile_(AnswerProfile(builder_.station().version)),
      rng_state_(seed),
      reader_(hj212::FrameReaderOptions::Lenient()) {}

double Station::Draw() { return static_cast<double>(SplitMix(rng_state_) >> 11) * 0x1.0p-53; }

void Station::Start(absl::Time now) {
  if (started_) return;
  started_ = true;
  anchor_ = now;
  // The first real-time tick is the whole second of `now`; it is due at once.
  produced_until_ = absl::FromUnixSeconds(absl::ToUnixSeconds(now)) - absl::Nanoseconds(1);
  closed_loop_next_ = absl::FromUnixSeconds(absl::ToUnixSeconds(options_.closed_loop_start));
  for (const DueUpload& due : BackfillHours(now, options_.backfill_hours)) {
    if (ProductionFinished()) break;
    Enqueue(due, /*backfill=*/true, now);
  }
}

void Station::OnConnected(absl::Time /*now*/) {
  connected_ = true;
  ever_connected_ = true;
  ++stats_.connects;
  reader_ = hj212::FrameReader(hj212::FrameReaderOptions::Lenient());
  resend_all_ = !tracker_.empty();
}

void Station::OnDisconnected(absl::Time /*now*/) { connected_ = false; }

void Station::Enqueue(const DueUpload& due, bool backfill, absl::Time now) {
  if (!backfill && options_.outage_rate > 0 && WantsConnection(now) &&
      Draw() < options_.outage_rate) {
    outage_until_ = now + options_.outage;
    ++stats_.outages;
    Event(StationEvent::Type::kOutageStarted, absl::StrCat(absl::ToInt64Seconds(options_.outage)));
  }
  // Data made while the station cannot send is 补传 when it finally goes out.
  const bool offline = !WantsConnection(now) || (ever_connected_ && !connected_);
  Pending pending{stats_.produced++, due, backfill || offline};
  (pending.backfill ? backfill_ : live_).push_back(pending);
}

void Station::Produce(absl::Time now) {
  if (ProductionFinished()) return;
  if (options_.closed_loop) {
    if (connected_ && tracker_.empty() && pending() == 0 &&
        closed_loop_next_ <= now - absl::Seconds(1)) {
      Enqueue({UploadKind::kRealtime, closed_loop_next_, absl::ZeroDuration(), now},
              /*backfill=*/false, now);
      closed_loop_next_ += absl::Seconds(1);
    }
    return;
  }
  const size_t room = options_.packets > 0 ? static_cast<size_t>(options_.packets - stats_.produced)
                                           : size_t{100000};
  for (const DueUpload& due : DueBetween(options_.schedule, anchor_, produced_until_, now, room)) {
    Enqueue(due, /*backfill=*/false, now);
  }
  produced_until_ = std::max(produced_until_, now);
}

std::vector<Outgoing> Station::Poll(absl::Time now) {
  Start(now);
  Produce(now);
  std::vector<Outgoing> out;
  if (!connected_ || !WantsConnection(now)) return out;  // an outage is silence

  std::vector<const InFlight*> again =
      resend_all_ ? tracker_.TakeAll(now) : tracker_.TakeOverdue(now, options_.ack_timeout);
  resend_all_ = false;
  for (const InFlight* f : again) {
    out.push_back({Outgoing::Why::kResend, f->upload.qn, f->upload.cn, f->upload.frame});
    ++stats_.resent;
    if (f->attempts == kAttemptsBeforeWarning) {
      Event(StationEvent::Type::kNoAnswer, absl::StrCat("QN=", f->upload.qn, " CN=", f->upload.cn));
    }
  }

  while (tracker_.size() < options_.max_inflight && pending() > 0) {
    std::deque<Pending>& queue = live_.empty() ? backfill_ : live_;
    const Pending next = queue.front();
    queue.pop_front();
    if (options_.bad_rate > 0 && Draw() < options_.bad_rate) {
      const Malformation how = Draw() < 0.75 ? Malformation::kBadCrc : Malformation::kCpNotClosed;
      std::string qn = qns_.Next(now);
      out.push_back({Outgoing::Why::kBad, qn, std::string(CnOf(next.due.kind)),
                     builder_.Malformed(next.due, qn, how)});
      bad_qns_.push_back(std::move(qn));
      if (bad_qns_.size() > kRememberedBadQns) bad_qns_.pop_front();
      ++stats_.bad_sent;
    }
    absl::StatusOr<Upload> upload = builder_.Build(next.due, qns_.Next(now), next.backfill);
    if (!upload.ok()) {
      ++stats_.build_failures;
      Event(StationEvent::Type::kBuildFailed, std::string(upload.status().message()));
      continue;
    }
    upload->seq = next.seq;
    out.push_back({Outgoing::Why::kFirst, upload->qn, upload->cn, upload->frame});
    tracker_.Sent(*std::move(upload), now);
    ++stats_.sent;
  }
  return out;
}

std::vector<InFlight> Station::OnBytes(absl::string_view bytes, absl::Time now) {
  std::vector<InFlight> acked;
  reader_.Append(bytes);
  while (std::optional<hj212::FrameEvent> event = reader_.Next()) {
    OnAnswer(*event, now, acked);
  }
  return acked;
}

void Station::OnAnswer(const hj212::FrameEvent& event, absl::Time now,
                       std::vector<InFlight>& acked) {
  if (!event.ok()) {
    ++stats_.bad_answers;
    Event(StationEvent::Type::kBadAnswer, std::string(hj212::ReasonName(event.rejection.reason)));
    return;
  }
  const hj212::DecodeResult decoded = hj212::Decode(event.frame, answer_profile_, nullptr);
  if (!decoded.ok()) {
    ++stats_.bad_answers;
    Event(StationEvent::Type::kBadAnswer, std::string(hj212::ReasonName(decoded.rejection.reason)));
    return;
  }
  const hj212::Packet& answer = decoded.packet;
  if (answer.cn != hj212::cn::kDataAnswer) {
    Event(StationEvent::Type::kIgnored, absl::StrCat("CN=", answer.cn));
    return;
  }
  if (answer.mn != mn()) {
    ++stats_.unexpected_acks;
    Event(StationEvent::Type::kForeignAnswer, absl::StrCat("MN=", answer.mn));
    return;
  }
  const std::optional<std::string> qn = AnsweredQn(answer);
  if (!qn) {
    ++stats_.bad_answers;
    Event(StationEvent::Type::kBadAnswer, "9014 without a QN");
    return;
  }
  if (std::optional<InFlight> done = tracker_.Acknowledge(*qn)) {
    ++stats_.acked;
    stats_.acked_readings += static_cast<int64_t>(done->upload.pollutants.size());
    const absl::Duration latency = now - done->first_sent;
    stats_.ack_latency_sum += latency;
    stats_.ack_latency_max = std::max(stats_.ack_latency_max, latency);
    acked.push_back(*std::move(done));
    return;
  }
  if (tracker_.RecentlyAcknowledged(*qn)) {
    ++stats_.duplicate_acks;  // the answer to a re-send of an acknowledged upload
    return;
  }
  ++stats_.unexpected_acks;
  const bool bad = std::find(bad_qns_.begin(), bad_qns_.end(), *qn) != bad_qns_.end();
  Event(bad ? StationEvent::Type::kAckForBadFrame : StationEvent::Type::kUnknownAck,
        absl::StrCat("QN=", *qn));
}

}  // namespace hj212sim
