#include "hj212sim/station_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hj212sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Codes(const std::vector<const Factor*>& factors) {
  std::vector<std::string> codes;
  for (const Factor* f : factors) codes.emplace_back(f->code);
  return codes;
}

TEST(StationConfig, ParsesALineWithOptions) {
  absl::StatusOr<std::optional<StationConfig>> line = ParseStationLine(
      "010000A8900016F000169DC0 123456 2025 sm4=30303030303030303030303030303030 "
      "kind=water pollutants=w01018,w21003  # COD and NH3-N only");
  ASSERT_TRUE(line.ok()) << line.status();
  ASSERT_TRUE(line->has_value());
  const StationConfig& s = **line;
  EXPECT_EQ(s.mn, "010000A8900016F000169DC0");
  EXPECT_EQ(s.pw, "123456");
  EXPECT_EQ(s.version, hj212::ProtocolVersion::k2025);
  ASSERT_TRUE(s.sm4.has_value());
  EXPECT_EQ((*s.sm4)[15], 0x30);
  EXPECT_EQ(s.kind, StationKind::kWater);
  EXPECT_THAT(s.pollutants, ElementsAre("w01018", "w21003"));
  EXPECT_EQ(s.codes, CodeSet::k2017);
}

TEST(StationConfig, Version2005DefaultsToTheOldCodes) {
  absl::StatusOr<std::optional<StationConfig>> line =
      ParseStationLine("LD130133000015 123456 2005 lenient");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ((*line)->codes, CodeSet::k2005);
  EXPECT_TRUE((*line)->lenient);
  line = ParseStationLine("LD130133000015 123456 2005 codes=2017");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ((*line)->codes, CodeSet::k2017);
}

TEST(StationConfig, RefusesWhatTheGatewayWouldRefuse) {
  const struct {
    const char* line;
    const char* complaint;
  } cases[] = {
      {"010000A8900016F000169DC0 123456 2018", "version must be"},
      {"010000A8900016F000169DC0 123456", "expected MN PW VERSION"},
      {"SHORTMN 123456 2017", "24 upper-case hex"},
      {"010000a8900016f000169dc0 123456 2017", "24 upper-case hex"},
      {"88888880000001 123456 2017", "24 upper-case hex"},
      {"SHORT 123456 2005", "14 letters or digits"},
      {"010000A8900016F000169DC0 1234 2017", "6 characters"},
      {"010000A8900016F000169DC0 123456 2017 sm4=30303030303030303030303030303030", "2025"},
      {"010000A8900016F000169DC0 123456 2025 sm4=3030", "32 hex digits"},
      {"010000A8900016F000169DC0 123456 2017 encrypt", "unknown option"},
      {"010000A8900016F000169DC0 123456 2017 pollutants=w01018", "no air factor w01018"},
      {"010000A8900016F000169DC0 12;456 2017 lenient", "PW"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    absl::StatusOr<std::optional<StationConfig>> line = ParseStationLine(c.line);
    ASSERT_FALSE(line.ok());
    EXPECT_EQ(line.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(line.status().message()), HasSubstr(c.complaint));
  }
  // 'lenient' relaxes the formats, as the gateway's LENIENT profile does.
  EXPECT_TRUE(ParseStationLine("SHORTMN 1234 2017 lenient").ok());
}

TEST(StationConfig, FilesSkipCommentsAndNameTheBadLine) {
  absl::StatusOr<std::vector<StationConfig>> stations = ParseStationsFile(
      "# Jiaozuo demo stations\n"
      "\n"
      "010000A8900016F000169DC0 123456 2017\n"
      "   88888880000001 654321 2005   # an old wastewater DAS\r\n");
  ASSERT_TRUE(stations.ok()) << stations.status();
  ASSERT_EQ(stations->size(), 2u);
  EXPECT_EQ((*stations)[1].pw, "654321");

  stations = ParseStationsFile("010000A8900016F000169DC0 123456 2017\nbad line\n");
  ASSERT_FALSE(stations.ok());
  EXPECT_THAT(std::string(stations.status().message()), HasSubstr("line 2:"));
}

TEST(StationConfig, SpecsTakeCommaSeparatedPollutants) {
  absl::StatusOr<StationConfig> spec =
      ParseStationSpec("010000A8900016F000169DC0,123456,2017,pollutants=a21026,a21002,lenient");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(spec->pollutants, ElementsAre("a21026", "a21002"));
  EXPECT_TRUE(spec->lenient);
  spec = ParseStationSpec("010000A8900016F000169DC0, 123456, 2017, pollutants=a21026+a34013");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(spec->pollutants, ElementsAre("a21026", "a34013"));
}

TEST(StationConfig, ExceedNamesFactorsThatAlwaysExceed) {
  absl::StatusOr<std::optional<StationConfig>> line =
      ParseStationLine("010000A8900016F000169DC0 123456 2017 exceed=a21026,a21002");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_THAT((*line)->exceed, ElementsAre("a21026", "a21002"));
  EXPECT_TRUE((*line)->Exceeds("a21026"));
  EXPECT_FALSE((*line)->Exceeds("a34013"));

  // In a spec the lists after pollutants= and exceed= both take the bare codes that follow.
  absl::StatusOr<StationConfig> spec = ParseStationSpec(
      "010000A8900016F000169DC0,123456,2017,pollutants=a21026,a21002,a19001,exceed=a21026,"
      "a21002,kind=air");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(spec->pollutants, ElementsAre("a21026", "a21002", "a19001"));
  EXPECT_THAT(spec->exceed, ElementsAre("a21026", "a21002"));
  spec = ParseStationSpec("010000A8900016F000169DC0,123456,2017,exceed=a21026+w01018");
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()), HasSubstr("no air factor w01018"));

  const struct {
    const char* line;
    const char* complaint;
  } refused[] = {
      {"010000A8900016F000169DC0 123456 2017 exceed=", "exceed= is empty"},
      {"010000A8900016F000169DC0 123456 2017 exceed=a19001", "a19001 is an operating parameter"},
      {"010000A8900016F000169DC0 123456 2017 exceed=w01018", "no air factor w01018"},
      // a21005 (CO) exists but is not among the default air factors.
      {"010000A8900016F000169DC0 123456 2017 exceed=a21005", "does not report a21005"},
      {"010000A8900016F000169DC0 123456 2017 pollutants=a21002,a19001 exceed=a21026",
       "does not report a21026"},
  };
  for (const auto& c : refused) {
    SCOPED_TRACE(c.line);
    absl::StatusOr<std::optional<StationConfig>> bad = ParseStationLine(c.line);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr(c.complaint));
  }
}

TEST(StationConfig, GeneratedStationsHaveValidSerialMns) {
  GeneratedStations spec;
  spec.count = 3;
  spec.mn_prefix = "4108";
  spec.pw = "123456";
  std::vector<StationConfig> stations = GenerateStations(spec);
  ASSERT_EQ(stations.size(), 3u);
  EXPECT_EQ(stations[0].mn, "410800000000000000000001");
  EXPECT_EQ(stations[2].mn, "410800000000000000000003");
  for (const StationConfig& s : stations) EXPECT_TRUE(ValidateStation(s).ok()) << s.mn;

  spec.version = hj212::ProtocolVersion::k2005;
  spec.mn_prefix = "JZ";
  stations = GenerateStations(spec);
  EXPECT_EQ(stations[0].mn, "JZ000000000001");
  EXPECT_EQ(stations[0].codes, CodeSet::k2005);
  EXPECT_TRUE(ValidateStation(stations[0]).ok());

  spec.mn_prefix = "X";
  spec.version = hj212::ProtocolVersion::k2017;
  spec.count = 1;
  EXPECT_EQ(GenerateStations(spec)[0].mn.size(), 24u);
}

TEST(StationConfig, ReadingsPerPacketCutsOrExtendsTheFactorList) {
  StationConfig air;
  air.kind = StationKind::kAir;
  absl::StatusOr<std::vector<const Factor*>> factors = ResolveFactors(air, 0);
  ASSERT_TRUE(factors.ok());
  EXPECT_EQ(factors->size(), 7u);
  factors = ResolveFactors(air, 8);
  ASSERT_TRUE(factors.ok());
  EXPECT_THAT(Codes(*factors), ElementsAre("a21026", "a21002", "a34013", "a19001", "a01012",
                                           "a01014", "a00000", "a01011"));
  air.pollutants = {"a00000", "a21026"};
  factors = ResolveFactors(air, 1);
  ASSERT_TRUE(factors.ok());
  EXPECT_THAT(Codes(*factors), ElementsAre("a00000"));

  StationConfig water;
  water.kind = StationKind::kWater;
  EXPECT_FALSE(ResolveFactors(water, 9).ok());
  EXPECT_EQ(ResolveFactors(water, 8)->size(), 8u);
}

}  // namespace
}  // namespace hj212sim
