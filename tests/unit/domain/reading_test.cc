// Readings from HJ 212 uploads and the checks every door applies to a reading.
#include "domain/monitoring/reading.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/hj212/segment.h"

namespace ecocase::domain::monitoring {
namespace {

using hj212::Packet;
using hj212::ProtocolVersion;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Optional;

// 2026-11-29 10:00:00 Beijing time = 02:00:00 UTC.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 29, 2, 5, 0),
                                        absl::UTCTimeZone());

Packet Upload(absl::string_view cn, absl::string_view cp,
              ProtocolVersion version = ProtocolVersion::k2017, absl::string_view st = "31") {
  Packet p;
  p.cn = std::string(cn);
  p.st = std::string(st);
  p.mn = "41080200000001";
  p.version = version;
  p.cp = std::string(cp);
  p.cp_groups = hj212::ParseCp(cp).groups;
  return p;
}

TEST(ReadingsFromPacketTest, RealtimeUploadGivesOneReadingPerFactorInUtc) {
  Packet p = Upload("2011",
                    "DataTime=20261129100000;a21026-Rtd=35.2,a21026-Flag=N;"
                    "a21002-Rtd=80.1,a21002-ZsRtd=95.0,a21002-Flag=M;a19001-Rtd=9.8");
  PacketReadings out = ReadingsFromPacket(p, kNow, {});
  EXPECT_THAT(out.rejections, IsEmpty());
  ASSERT_EQ(out.readings.size(), 3u);
  const Reading& so2 = out.readings[0];
  EXPECT_EQ(so2.mn, "41080200000001");
  EXPECT_EQ(so2.pollutant, "a21026");
  EXPECT_EQ(so2.kind, ReadingKind::kRealtime);
  EXPECT_EQ(so2.data_time,
            absl::FromCivil(absl::CivilSecond(2026, 11, 29, 2, 0, 0), absl::UTCTimeZone()));
  EXPECT_THAT(so2.value, Optional(35.2));
  EXPECT_EQ(so2.flag, "N");
  EXPECT_THAT(out.readings[1].zs_value, Optional(95.0));
  EXPECT_EQ(out.readings[1].flag, "M");
  EXPECT_EQ(out.readings[2].flag, "N");  // no -Flag item: normal
}

TEST(ReadingsFromPacketTest, HourlyUploadCarriesAvgMinMaxCouAndBackfill) {
  Packet p = Upload("2061",
                    "DataTime=20261129080000;w01018-Avg=40.1,w01018-Min=38.0,w01018-Max=42.5,"
                    "w01018-Cou=1.25,w01018-Flag=N",
                    ProtocolVersion::k2025, "32");
  p.backfilled = true;
  PacketReadings out = ReadingsFromPacket(p, kNow, {});
  ASSERT_EQ(out.readings.size(), 1u);
  const Reading& cod = out.readings[0];
  EXPECT_EQ(cod.kind, ReadingKind::kHour);
  EXPECT_THAT(cod.value, Optional(40.1));
  EXPECT_THAT(cod.min_value, Optional(38.0));
  EXPECT_THAT(cod.max_value, Optional(42.5));
  EXPECT_THAT(cod.cou, Optional(1.25));
  EXPECT_TRUE(cod.backfilled);
}

TEST(ReadingsFromPacketTest, BadItemsAreRefusedOneByOne) {
  Packet p = Upload("2011",
                    "DataTime=20261129100000;a21026-Rtd=abc;a21002-Rtd=1e999;"
                    "a34013-Rtd=12.0,a34013-Flag=TOOLONG;a19001-Flag=N;a01012-Rtd=120.5");
  PacketReadings out = ReadingsFromPacket(p, kNow, {});
  ASSERT_EQ(out.readings.size(), 1u);
  EXPECT_EQ(out.readings[0].pollutant, "a01012");
  EXPECT_THAT(out.rejections,
              ElementsAre(Field(&ReadingRejection::reason, ReadingReason::kBadValue),
                          Field(&ReadingRejection::reason, ReadingReason::kBadValue),
                          Field(&ReadingRejection::reason, ReadingReason::kBadFlag),
                          Field(&ReadingRejection::reason, ReadingReason::kNoValue)));
  EXPECT_EQ(out.rejections[0].pollutant, "a21026");
  EXPECT_EQ(out.rejections[0].detail, "a21026-Rtd=abc");
}

TEST(ReadingsFromPacketTest, DataTimeProblemsRefuseEveryReading) {
  PacketReadings missing = ReadingsFromPacket(Upload("2011", "a21026-Rtd=1"), kNow, {});
  EXPECT_THAT(missing.readings, IsEmpty());
  EXPECT_THAT(missing.rejections,
              ElementsAre(Field(&ReadingRejection::reason, ReadingReason::kMissingDataTime)));
  PacketReadings bad =
      ReadingsFromPacket(Upload("2011", "DataTime=20261332100000;a21026-Rtd=1"), kNow, {});
  EXPECT_THAT(bad.rejections,
              ElementsAre(Field(&ReadingRejection::reason, ReadingReason::kBadDataTime)));
  // Beijing 10:20 is 15 minutes after now: beyond the 10-minute skew.
  PacketReadings future =
      ReadingsFromPacket(Upload("2011", "DataTime=20261129102000;a21026-Rtd=1"), kNow, {});
  EXPECT_THAT(future.rejections,
              ElementsAre(Field(&ReadingRejection::reason, ReadingReason::kDataTimeInFuture)));
  PacketReadings old =
      ReadingsFromPacket(Upload("2011", "DataTime=20250101000000;a21026-Rtd=1"), kNow, {});
  EXPECT_THAT(old.rejections,
              ElementsAre(Field(&ReadingRejection::reason, ReadingReason::kDataTimeTooOld)));
}

TEST(ReadingsFromPacketTest, Hj2005CodesAreMappedBySystemCodeAndUnknownOnesKept) {
  // A 2005 stack upload with millisecond DataTime and the old numeric codes.
  Packet air = Upload("2011", "DataTime=20261129100000000;02-Rtd=35.0;S01-Rtd=9.5;801-Rtd=3",
                      ProtocolVersion::k2005, "31");
  PacketReadings out = ReadingsFromPacket(air, kNow, {});
  EXPECT_THAT(out.rejections, IsEmpty());
  std::vector<std::string> codes;
  for (const Reading& r : out.readings) codes.push_back(r.pollutant);
  EXPECT_THAT(codes, ElementsAre("a21026", "a19001", "801"));
  // The same digits on a water system name another factor.
  Packet water = Upload("2011", "DataTime=20261129100000;011-Rtd=40", ProtocolVersion::k2005, "32");
  ASSERT_EQ(ReadingsFromPacket(water, kNow, {}).readings.size(), 1u);
  EXPECT_EQ(ReadingsFromPacket(water, kNow, {}).readings[0].pollutant, "w01018");
}

TEST(ReadingsFromPacketTest, CommandsWithoutReadingsGiveNothing) {
  EXPECT_THAT(ReadingsFromPacket(Upload("9015", ""), kNow, {}).readings, IsEmpty());
  EXPECT_THAT(ReadingsFromPacket(Upload("3020", "DataTime=20261129100000;i13004-Info=1"), kNow, {})
                  .readings,
              IsEmpty());
  EXPECT_EQ(ReadingKindFromCn("2031"), ReadingKind::kDay);
  EXPECT_EQ(ReadingKindFromCn("2051"), ReadingKind::kMinute);
  EXPECT_EQ(ReadingKindFromCn("1011"), std::nullopt);
}

TEST(CheckReadingTest, NamesTheFirstProblem) {
  Reading r;
  r.mn = "M1";
  r.pollutant = "a21026";
  r.kind = ReadingKind::kRealtime;
  r.data_time = kNow - absl::Minutes(1);
  r.value = 1.0;
  std::string detail;
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kOk);
  r.pollutant = "a21026;DROP";
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kBadPollutant);
  r.pollutant = "a21026";
  r.kind = ReadingKind::kUnspecified;
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kBadKind);
  r.kind = ReadingKind::kDay;
  r.value = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kBadValue);
  r.value.reset();
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kNoValue);
  r.cou = 2.0;
  EXPECT_EQ(CheckReading(r, kNow, {}, &detail), ReadingReason::kOk);
  ReadingCheckOptions narrow;
  narrow.backfill_window = absl::Seconds(30);
  EXPECT_EQ(CheckReading(r, kNow, narrow, &detail), ReadingReason::kDataTimeTooOld);
  EXPECT_EQ(ReadingReasonName(ReadingReason::kDataTimeTooOld), "DATA_TIME_TOO_OLD");
}

}  // namespace
}  // namespace ecocase::domain::monitoring
