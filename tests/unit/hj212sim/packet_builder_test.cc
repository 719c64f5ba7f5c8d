#include "hj212sim/packet_builder.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "domain/hj212/cp_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "security/sm4_decryptor.h"
#include "sim_test_util.h"

namespace hj212sim {
namespace {

using simtest::Beijing;
using simtest::DecodeOne;
using simtest::kMn2005;
using simtest::kMn2017;
using simtest::MakeStation;
using simtest::StandardKey;
using ::testing::ElementsAre;

const absl::Time kSample = Beijing(2026, 11, 29, 10, 0, 30);
const DueUpload kRealtime{UploadKind::kRealtime, kSample, absl::ZeroDuration(), kSample};
const DueUpload kHour{UploadKind::kHour, Beijing(2026, 11, 29, 9, 0, 0), absl::Hours(1),
                      Beijing(2026, 11, 29, 10, 0, 0)};
constexpr absl::string_view kQn = "20261129100031123";

std::string Cp(const hj212::Packet& packet, absl::string_view name) {
  std::optional<absl::string_view> value = hj212::FindCpValue(packet.cp_groups, name);
  return value ? std::string(*value) : "(absent)";
}

double Number(const hj212::Packet& packet, absl::string_view name) {
  double value = -1;
  EXPECT_TRUE(absl::SimpleAtod(Cp(packet, name), &value)) << name;
  return value;
}

class PacketBuilderTest : public ::testing::Test {
 protected:
  PacketBuilder Builder(const StationConfig& station) {
    return PacketBuilder(station, DefaultFactors(station.kind), values_, &cipher_);
  }
  Upload Build(const PacketBuilder& builder, const DueUpload& due, bool backfill = false) {
    absl::StatusOr<Upload> upload = builder.Build(due, kQn, backfill);
    EXPECT_TRUE(upload.ok()) << upload.status();
    return upload.value_or(Upload{});
  }

  ValueModel values_{7, 0.0};
  ecocase::security::Sm4CpDecryptor cipher_;
};

TEST_F(PacketBuilderTest, RealtimeUpload2017DecodesUnderTheStrictProfile) {
  const StationConfig station = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  const Upload upload = Build(Builder(station), kRealtime);
  const hj212::DecodeResult r = DecodeOne(upload.frame, RegisteredProfile(station));
  ASSERT_TRUE(r.ok()) << hj212::ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  const hj212::Packet& p = r.packet;
  EXPECT_EQ(p.qn, kQn);
  EXPECT_EQ(p.st, "31");
  EXPECT_EQ(p.cn, "2011");
  EXPECT_EQ(p.flag, 5);  // 2017 (1 << 2) | answer required
  EXPECT_TRUE(p.ack_requested());
  EXPECT_FALSE(p.rf.has_value());
  EXPECT_EQ(Cp(p, "DataTime"), "20261129100030");  // Beijing time
  EXPECT_EQ(Cp(p, "a21026-Flag"), "N");
  EXPECT_GT(Number(p, "a21026-Rtd"), 0);
  EXPECT_EQ(upload.qn, kQn);
  EXPECT_EQ(upload.cn, "2011");
  EXPECT_EQ(upload.data_time, "20261129100030");
  EXPECT_THAT(upload.pollutants,
              ElementsAre("a21026", "a21002", "a34013", "a19001", "a01012", "a01014", "a00000"));
}

TEST_F(PacketBuilderTest, HourDataCarriesCouOnlyForEmissionFactors) {
  const StationConfig station =
      MakeStation(hj212::ProtocolVersion::k2017, kMn2017, StationKind::kWater);
  const Upload upload = Build(Builder(station), kHour);
  const hj212::DecodeResult r = DecodeOne(upload.frame, RegisteredProfile(station));
  ASSERT_TRUE(r.ok()) << hj212::ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  const hj212::Packet& p = r.packet;
  EXPECT_EQ(p.st, "32");
  EXPECT_EQ(p.cn, "2061");
  EXPECT_EQ(Cp(p, "DataTime"), "20261129090000");  // the start of the hour
  for (absl::string_view code : {"w01018", "w21003", "w01001", "w00000"}) {
    SCOPED_TRACE(code);
    const std::string c(code);
    EXPECT_LE(Number(p, c + "-Min"), Number(p, c + "-Avg"));
    EXPECT_LE(Number(p, c + "-Avg"), Number(p, c + "-Max"));
    EXPECT_EQ(Cp(p, c + "-Flag"), "N");
  }
  EXPECT_GT(Number(p, "w01018-Cou"), 0);       // COD: kg
  EXPECT_GT(Number(p, "w00000-Cou"), 0);       // the flow: m³
  EXPECT_EQ(Cp(p, "w01001-Cou"), "(absent)");  // pH has no emission amount
}

TEST_F(PacketBuilderTest, ExceedFactorsExceedInRealtimeAndHourDataOnly) {
  StationConfig station = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  station.exceed = {"a21026"};
  const double so2 = FindFactor("a21026")->baseline;
  const double nox = FindFactor("a21002")->baseline;
  const hj212::DecodeResult rt =
      DecodeOne(Build(Builder(station), kRealtime).frame, RegisteredProfile(station));
  ASSERT_TRUE(rt.ok());
  EXPECT_GE(Number(rt.packet, "a21026-Rtd"), 3 * so2);
  EXPECT_LT(Number(rt.packet, "a21002-Rtd"), 2 * nox);  // the others stay as they were

  const hj212::DecodeResult hour =
      DecodeOne(Build(Builder(station), kHour).frame, RegisteredProfile(station));
  ASSERT_TRUE(hour.ok());
  EXPECT_GE(Number(hour.packet, "a21026-Avg"), 3 * so2);
  EXPECT_LE(Number(hour.packet, "a21026-Avg"), 5 * so2);
  EXPECT_LT(Number(hour.packet, "a21002-Avg"), 2 * nox);
  // O2, which corrects SO2 to the reference oxygen, is untouched.
  EXPECT_LT(Number(hour.packet, "a19001-Avg"), 10);
}

TEST_F(PacketBuilderTest, Station2005SendsTheOldCodesAndDecodesLeniently) {
  const StationConfig station = MakeStation(hj212::ProtocolVersion::k2005, kMn2005);
  const Upload upload = Build(Builder(station), kRealtime);
  hj212::DeviceProfile lenient = RegisteredProfile(station);
  lenient.strictness = hj212::Strictness::kLenient;
  const hj212::DecodeResult r = DecodeOne(upload.frame, lenient);
  ASSERT_TRUE(r.ok()) << hj212::ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  EXPECT_EQ(r.packet.flag, 1);  // 2005: version bits 0, answer required
  EXPECT_EQ(r.packet.version, hj212::ProtocolVersion::k2005);
  EXPECT_TRUE(r.packet.notes.empty());        // nothing a lenient profile had to let through
  EXPECT_GT(Number(r.packet, "02-Rtd"), 0);   // SO2 by its 原编码
  EXPECT_GT(Number(r.packet, "S01-Rtd"), 0);  // O2
  // Acknowledged readings are named by the 2017 code the gateway stores them under.
  EXPECT_THAT(upload.pollutants, ::testing::Contains("a00000"));
  // The frame is standard enough for a strict 2005 profile too.
  EXPECT_TRUE(DecodeOne(upload.frame, RegisteredProfile(station)).ok());

  StationConfig modern = station;
  modern.codes = CodeSet::k2017;
  const hj212::DecodeResult r2 = DecodeOne(Build(Builder(modern), kRealtime).frame, lenient);
  ASSERT_TRUE(r2.ok());
  EXPECT_GT(Number(r2.packet, "a21026-Rtd"), 0);
}

TEST_F(PacketBuilderTest, Sm4Station2025DecodesWithItsKeyOnly) {
  StationConfig station = MakeStation(hj212::ProtocolVersion::k2025, kMn2017);
  station.sm4 = StandardKey();
  const Upload upload = Build(Builder(station), kHour);
  EXPECT_FALSE(absl::StrContains(upload.frame, "DataTime="));  // the CP area is ciphertext

  const hj212::DecodeResult r = DecodeOne(upload.frame, RegisteredProfile(station), &cipher_);
  ASSERT_TRUE(r.ok()) << hj212::ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  EXPECT_TRUE(r.packet.encrypted);
  EXPECT_EQ(r.packet.flag, 9);  // 2025 (2 << 2) | answer required
  EXPECT_EQ(Cp(r.packet, "DataTime"), "20261129090000");
  EXPECT_FALSE(r.packet.backfilled);

  hj212::DeviceProfile wrong = RegisteredProfile(station);
  wrong.sm4_keys[0][0] ^= 0x01;
  const hj212::DecodeResult refused = DecodeOne(upload.frame, wrong, &cipher_);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.rejection.reason, hj212::Reason::kDecryptOrCrcFailed);
}

TEST_F(PacketBuilderTest, BackfillIn2025CarriesRf1AndOlderVersionsOnlyTheOldDataTime) {
  for (bool encrypted : {false, true}) {
    SCOPED_TRACE(encrypted ? "SM4" : "plaintext");
    StationConfig station = MakeStation(hj212::ProtocolVersion::k2025, kMn2017);
    if (encrypted) station.sm4 = StandardKey();
    const Upload upload = Build(Builder(station), kHour, /*backfill=*/true);
    EXPECT_TRUE(upload.backfill);
    const hj212::DecodeResult r = DecodeOne(upload.frame, RegisteredProfile(station), &cipher_);
    ASSERT_TRUE(r.ok()) << hj212::ReasonName(r.rejection.reason);
    EXPECT_EQ(r.packet.rf, "1");
    EXPECT_TRUE(r.packet.backfilled);
  }
  const StationConfig old = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  const hj212::DecodeResult r =
      DecodeOne(Build(Builder(old), kHour, /*backfill=*/true).frame, RegisteredProfile(old));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.packet.rf.has_value());
  EXPECT_EQ(Cp(r.packet, "DataTime"), "20261129090000");
}

TEST_F(PacketBuilderTest, MalformedFramesAreRefused) {
  StationConfig plain = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  StationConfig sealed = MakeStation(hj212::ProtocolVersion::k2025, kMn2017);
  sealed.sm4 = StandardKey();
  for (const StationConfig& station : {plain, sealed}) {
    SCOPED_TRACE(hj212::ProtocolVersionName(station.version));
    const PacketBuilder builder = Builder(station);
    const hj212::DeviceProfile profile = RegisteredProfile(station);
    EXPECT_FALSE(
        DecodeOne(builder.Malformed(kRealtime, kQn, Malformation::kBadCrc), profile, &cipher_)
            .ok());
    const hj212::DecodeResult unclosed =
        DecodeOne(builder.Malformed(kRealtime, kQn, Malformation::kCpNotClosed), profile, &cipher_);
    EXPECT_FALSE(unclosed.ok());
  }
  const hj212::DecodeResult crc = DecodeOne(
      Builder(plain).Malformed(kRealtime, kQn, Malformation::kBadCrc), RegisteredProfile(plain));
  EXPECT_EQ(crc.rejection.reason, hj212::Reason::kCrcMismatch);
}

TEST_F(PacketBuilderTest, TooManyFactorsForOneCpAreaIsOutOfRange) {
  StationConfig station = MakeStation(hj212::ProtocolVersion::k2017, kMn2017);
  // Every air factor twice: 24 groups of hour data cannot fit 950 bytes.
  std::vector<const Factor*> factors;
  for (int round = 0; round < 2; ++round) {
    for (const Factor& f : FactorCatalogue()) {
      if (f.kind == StationKind::kAir) factors.push_back(&f);
    }
  }
  const PacketBuilder builder(station, factors, values_, nullptr);
  EXPECT_TRUE(builder.Build(kRealtime, kQn, false).ok());
  EXPECT_EQ(builder.Build(kHour, kQn, false).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(QnSource, QnsStrictlyIncreaseEvenWithinOneMillisecond) {
  QnSource qns;
  const absl::Time t = Beijing(2026, 11, 29, 10, 0, 0) + absl::Milliseconds(998);
  EXPECT_EQ(qns.Next(t), "20261129100000998");
  EXPECT_EQ(qns.Next(t), "20261129100000999");
  EXPECT_EQ(qns.Next(t), "20261129100001000");
  EXPECT_EQ(qns.Next(t - absl::Seconds(5)), "20261129100001001");  // the clock stepped back
}

}  // namespace
}  // namespace hj212sim
