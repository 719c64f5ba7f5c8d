#include "hj212sim/station.h"

#include <string>
#include <utility>
#include <vector>

#include "domain/hj212/cp_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "security/sm4_decryptor.h"
#include "sim_test_util.h"

namespace hj212sim {
namespace {

using simtest::Beijing;
using simtest::kMn2005;
using simtest::kMn2017;
using simtest::MakeStation;
using simtest::StandardKey;

const absl::Time kT0 = Beijing(2026, 11, 29, 10, 20, 0);

// The gateway in miniature: judges each frame by the station's registered profile and
// answers every accepted upload that asks for it with a 9014 (what server/ingest does once
// the readings are committed).
class FakeGateway {
 public:
  explicit FakeGateway(const StationConfig& station) : profile_(RegisteredProfile(station)) {}

  std::string Answer(const std::vector<Outgoing>& outgoing) {
    std::string answers;
    for (const Outgoing& out : outgoing) {
      const hj212::DecodeResult r = simtest::DecodeOne(out.frame, profile_, &cipher_);
      if (!r.ok()) {
        ++refused;
        continue;
      }
      accepted.push_back(r.packet);
      if (r.packet.ack_requested()) answers += simtest::AckFrame(r.packet);
    }
    return answers;
  }

  std::vector<hj212::Packet> accepted;
  int refused = 0;

 private:
  hj212::DeviceProfile profile_;
  ecocase::security::Sm4CpDecryptor cipher_;
};

StationOptions RealtimeOnly(absl::Duration interval) {
  StationOptions options;
  options.schedule = {interval, 0, false, false};
  return options;
}

std::string DataTimeOf(const hj212::Packet& packet) {
  std::optional<absl::string_view> t = hj212::FindCpValue(packet.cp_groups, "DataTime");
  return t ? std::string(*t) : "";
}

absl::Time ParseDataTime(const hj212::Packet& packet) {
  return ecocase::common::FromRegulatory(*hj212::ParseHjTime(DataTimeOf(packet), false));
}

class StationTest : public ::testing::Test {
 protected:
  std::unique_ptr<Station> Make(const StationConfig& config, const StationOptions& options,
                                int readings_per_packet = 0) {
    return std::make_unique<Station>(
        PacketBuilder(config, *ResolveFactors(config, readings_per_packet), values_, &cipher_),
        options, /*seed=*/5);
  }

  ValueModel values_{5, 0.0};
  ecocase::security::Sm4CpDecryptor cipher_;
};

class StationVersionTest : public StationTest,
                           public ::testing::WithParamInterface<hj212::ProtocolVersion> {};

TEST_P(StationVersionTest, UploadsFollowTheScheduleAndEach9014ClearsOne) {
  StationConfig config =
      MakeStation(GetParam(), GetParam() == hj212::ProtocolVersion::k2005 ? kMn2005 : kMn2017);
  if (GetParam() == hj212::ProtocolVersion::k2025) config.sm4 = StandardKey();
  StationOptions options = RealtimeOnly(absl::Seconds(30));
  options.packets = 3;
  std::unique_ptr<Station> station = Make(config, options);
  FakeGateway gateway(config);

  station->Start(kT0);
  station->OnConnected(kT0);
  for (int s = 0; s <= 90; ++s) {
    const absl::Time now = kT0 + absl::Seconds(s);
    std::vector<Outgoing> out = station->Poll(now);
    // One upload at 0, 30 and 60 s; the limit stops the one at 90 s.
    EXPECT_EQ(out.size(), (s % 30 == 0 && s < 90) ? 1u : 0u) << s;
    std::vector<InFlight> acked = station->OnBytes(gateway.Answer(out), now);
    ASSERT_EQ(acked.size(), out.size());
    for (const InFlight& f : acked) EXPECT_EQ(f.upload.qn, out[0].qn);
  }
  ASSERT_EQ(gateway.accepted.size(), 3u);
  EXPECT_EQ(gateway.refused, 0);
  EXPECT_EQ(DataTimeOf(gateway.accepted[2]), "20261129102100");
  EXPECT_TRUE(station->Done());
  EXPECT_EQ(station->stats().sent, 3);
  EXPECT_EQ(station->stats().acked, 3);
  EXPECT_EQ(station->stats().acked_readings, 21);
  EXPECT_EQ(station->stats().resent, 0);
  EXPECT_TRUE(station->TakeEvents().empty());
}

INSTANTIATE_TEST_SUITE_P(Versions, StationVersionTest,
                         ::testing::Values(hj212::ProtocolVersion::k2005,
                                           hj212::ProtocolVersion::k2017,
                                           hj212::ProtocolVersion::k2025),
                         [](const auto& info) {
                           return std::string("V") +
                                  std::string(hj212::ProtocolVersionName(info.param));
                         });

TEST_F(StationTest, UnansweredUploadsAreResentUnchangedAfterTimeoutAndReconnect) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationOptions options = RealtimeOnly(absl::Hours(1));
  options.ack_timeout = absl::Seconds(10);
  std::unique_ptr<Station> station = Make(config, options);
  station->OnConnected(kT0);
  std::vector<Outgoing> first = station->Poll(kT0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(station->Poll(kT0 + absl::Seconds(9)).empty());

  std::vector<Outgoing> again = station->Poll(kT0 + absl::Seconds(10));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].why, Outgoing::Why::kResend);
  EXPECT_EQ(again[0].frame, first[0].frame);

  station->OnDisconnected(kT0 + absl::Seconds(12));
  EXPECT_TRUE(station->Poll(kT0 + absl::Seconds(25)).empty());  // nothing while down
  station->OnConnected(kT0 + absl::Seconds(26));
  again = station->Poll(kT0 + absl::Seconds(26));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].frame, first[0].frame);

  FakeGateway gateway(config);
  EXPECT_EQ(station->OnBytes(gateway.Answer(again), kT0 + absl::Seconds(27)).size(), 1u);
  // The late answer to an earlier copy is a harmless duplicate.
  EXPECT_TRUE(station->OnBytes(gateway.Answer(first), kT0 + absl::Seconds(28)).empty());
  EXPECT_EQ(station->stats().resent, 2);
  EXPECT_EQ(station->stats().duplicate_acks, 1);
  EXPECT_EQ(station->outstanding(), 0u);
}

TEST_F(StationTest, MaxInflightBoundsTheUnacknowledged) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationOptions options = RealtimeOnly(absl::Seconds(1));
  options.max_inflight = 4;
  options.ack_timeout = absl::Hours(1);
  std::unique_ptr<Station> station = Make(config, options);
  station->OnConnected(kT0);
  std::vector<Outgoing> sent;
  for (int s = 0; s < 10; ++s) {
    for (Outgoing& out : station->Poll(kT0 + absl::Seconds(s))) sent.push_back(std::move(out));
  }
  EXPECT_EQ(sent.size(), 4u);
  EXPECT_EQ(station->outstanding(), 4u);
  EXPECT_EQ(station->pending(), 6u);

  FakeGateway gateway(config);
  EXPECT_EQ(station->OnBytes(gateway.Answer(sent), kT0 + absl::Seconds(10)).size(), 4u);
  std::vector<Outgoing> next = station->Poll(kT0 + absl::Seconds(10));
  EXPECT_EQ(next.size(), 4u);  // the oldest waiting ones; the tick at 10 s waits its turn
  FakeGateway check(config);
  check.Answer(next);
  ASSERT_EQ(check.accepted.size(), 4u);
  EXPECT_EQ(DataTimeOf(check.accepted[0]), "20261129102004");
}

TEST_F(StationTest, DamagedFramesPrecedeUploadsAndAreNeverAcknowledged) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationOptions options = RealtimeOnly(absl::Seconds(10));
  options.bad_rate = 1.0;
  std::unique_ptr<Station> station = Make(config, options);
  FakeGateway gateway(config);
  station->OnConnected(kT0);
  for (int s = 0; s < 60; s += 10) {
    std::vector<Outgoing> out = station->Poll(kT0 + absl::Seconds(s));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].why, Outgoing::Why::kBad);
    EXPECT_EQ(out[1].why, Outgoing::Why::kFirst);
    EXPECT_NE(out[0].qn, out[1].qn);
    station->OnBytes(gateway.Answer(out), kT0 + absl::Seconds(s));
  }
  EXPECT_EQ(gateway.refused, 6);
  EXPECT_EQ(station->stats().bad_sent, 6);
  EXPECT_EQ(station->stats().acked, 6);
  EXPECT_EQ(station->stats().unexpected_acks, 0);
}

TEST_F(StationTest, AnAcknowledgedDamagedFrameIsReported) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationOptions options = RealtimeOnly(absl::Seconds(10));
  options.bad_rate = 1.0;
  std::unique_ptr<Station> station = Make(config, options);
  station->OnConnected(kT0);
  std::vector<Outgoing> out = station->Poll(kT0);
  ASSERT_EQ(out.size(), 2u);
  // A gateway that answers the damaged frame's QN.
  const hj212::Packet damaged = hj212::HostRequest(out[0].qn, "31", "2011", config.pw, config.mn,
                                                   "", hj212::ProtocolVersion::k2017);
  EXPECT_TRUE(station->OnBytes(simtest::AckFrame(damaged), kT0).empty());
  std::vector<StationEvent> events = station->TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, StationEvent::Type::kAckForBadFrame);
  EXPECT_EQ(station->stats().unexpected_acks, 1);
  EXPECT_EQ(station->outstanding(), 1u);
}

TEST_F(StationTest, OutagesSilenceTheStationAndItsDataComesBackAsBackfill) {
  StationConfig config = MakeStation(hj212::ProtocolVersion::k2025, kMn2017);
  config.sm4 = StandardKey();
  StationOptions options = RealtimeOnly(absl::Seconds(30));
  options.outage_rate = 0.2;
  options.outage = absl::Seconds(95);
  options.packets = 80;
  std::unique_ptr<Station> station = Make(config, options);
  FakeGateway gateway(config);

  // The driver's part, second by second: honour WantsConnection, send, deliver answers.
  std::vector<std::pair<absl::Time, absl::Time>> outages;
  for (absl::Time now = kT0; now < kT0 + absl::Hours(2) && !station->Done();
       now += absl::Seconds(1)) {
    if (!station->WantsConnection(now) && station->connected()) {
      station->OnDisconnected(now);
      outages.push_back({now, absl::InfiniteFuture()});
    } else if (station->WantsConnection(now) && !station->connected()) {
      if (!outages.empty()) outages.back().second = now;
      station->OnConnected(now);
    }
    std::vector<Outgoing> out = station->Poll(now);
    if (!station->WantsConnection(now)) {
      EXPECT_TRUE(out.empty());
      // The station went silent during this Poll: the driver closes at once.
      if (station->connected()) {
        station->OnDisconnected(now);
        outages.push_back({now, absl::InfiniteFuture()});
      }
    }
    station->OnBytes(gateway.Answer(out), now);
  }
  ASSERT_TRUE(station->Done());
  EXPECT_GE(station->stats().outages, 2);
  EXPECT_EQ(station->stats().outages, static_cast<int64_t>(outages.size()));
  EXPECT_EQ(station->stats().acked, 80);
  ASSERT_EQ(gateway.accepted.size(), 80u);
  for (const hj212::Packet& packet : gateway.accepted) {
    const absl::Time t = ParseDataTime(packet);
    bool in_outage = false;
    for (const auto& [from, to] : outages) in_outage |= t >= from && t < to;
    EXPECT_EQ(packet.backfilled, in_outage) << DataTimeOf(packet);
  }
}

TEST_F(StationTest, BackfillHoursGoOutAfterLiveDataWithRf1) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2025, kMn2017);
  StationOptions options = RealtimeOnly(absl::Seconds(30));
  options.backfill_hours = 3;
  std::unique_ptr<Station> station = Make(config, options);
  FakeGateway gateway(config);
  station->Start(kT0);
  station->OnConnected(kT0);
  gateway.Answer(station->Poll(kT0));
  ASSERT_EQ(gateway.accepted.size(), 4u);
  EXPECT_EQ(gateway.accepted[0].cn, "2011");  // new data first (2025 §8.1.2)
  EXPECT_FALSE(gateway.accepted[0].backfilled);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(gateway.accepted[i].cn, "2061");
    EXPECT_EQ(gateway.accepted[i].rf, "1");
  }
  EXPECT_EQ(DataTimeOf(gateway.accepted[1]), "20261129070000");
  EXPECT_EQ(DataTimeOf(gateway.accepted[3]), "20261129090000");
}

TEST_F(StationTest, ClosedLoopSendsTheNextSecondOnlyAfterTheAck) {
  const StationConfig config = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationOptions options;
  options.closed_loop = true;
  options.closed_loop_start = kT0 - absl::Seconds(3);
  std::unique_ptr<Station> station = Make(config, options, /*readings_per_packet=*/8);
  FakeGateway gateway(config);
  station->OnConnected(kT0);

  std::vector<std::string> data_times;
  for (int round = 0; round < 5; ++round) {
    std::vector<Outgoing> out = station->Poll(kT0);
    if (out.empty()) break;
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(station->Poll(kT0).empty());  // one at a time
    gateway.Answer(out);
    data_times.push_back(DataTimeOf(gateway.accepted.back()));
    std::string answer = simtest::AckFrame(gateway.accepted.back());
    ASSERT_EQ(station->OnBytes(answer, kT0).size(), 1u);
  }
  // Three seconds of the past, then it waits rather than send a DataTime from the future.
  EXPECT_THAT(data_times,
              ::testing::ElementsAre("20261129101957", "20261129101958", "20261129101959"));
  EXPECT_EQ(gateway.accepted[0].cp_groups.size(), 9u);  // DataTime + 8 factors
  EXPECT_EQ(station->Poll(kT0 + absl::Seconds(1)).size(), 1u);
}

}  // namespace
}  // namespace hj212sim
