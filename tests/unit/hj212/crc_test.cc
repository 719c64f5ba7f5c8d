#include "domain/hj212/crc.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::kV01Segment;

TEST(Crc16Hj212, CheckValueIsNotModbus) {
  EXPECT_EQ(Crc16Hj212("123456789"), 0x2F80);
  EXPECT_EQ(Crc16Modbus("123456789"), 0x4B37);
}

TEST(Crc16Hj212, StandardWorkedExample2017) {
  ASSERT_EQ(kV01Segment.size(), 101u);
  EXPECT_EQ(Crc16Hj212(kV01Segment), 0x1C80);  // the prose's "1C08" is a typo
  EXPECT_EQ(Crc16Modbus(kV01Segment), 0x0759);
  EXPECT_EQ(ComputeCrc(CrcVariant::kModbusSwapped, kV01Segment), 0x5907);
}

TEST(Crc16Hj212, IntermediateRegistersOfTheWorkedExample) {
  // domain-rules.md §1.9: after 'Q', 'N', '=' and after the whole segment but its last byte.
  EXPECT_EQ(Crc16Hj212("Q"), 0xBC81);
  EXPECT_EQ(Crc16Hj212("QN"), 0x8581);
  EXPECT_EQ(Crc16Hj212("QN="), 0x7200);
  EXPECT_EQ(Crc16Hj212(kV01Segment.substr(0, 100)), 0x0880);
}

TEST(Crc16Hj212, StandardExamples2025) {
  EXPECT_EQ(Crc16Hj212("QN=20240601085857223;ST=32;CN=1011;PW=123456;"
                       "MN=010000A8900016F000169DC0;Flag=9;CP=&&&&"),
            0x2200);
}

TEST(Crc16Hj212, AdjacentChangesCanCollide) {
  // Vector M07: the CRC keeps 8 bits of state, so "30" and "97" give the same value.
  std::string changed(kV01Segment);
  changed.replace(changed.find("=30&&"), 3, "=97");
  EXPECT_EQ(Crc16Hj212(changed), 0x1C80);
}

TEST(CrcHex, FormatsUpperCaseAndParsesEitherCase) {
  EXPECT_EQ(CrcHex(0x1C80), "1C80");
  EXPECT_EQ(CrcHex(0x00AB), "00AB");
  EXPECT_EQ(ParseCrcHex("1dc0"), 0x1DC0);
  EXPECT_EQ(ParseCrcHex("1DC0"), 0x1DC0);
  EXPECT_EQ(ParseCrcHex("&&1C"), std::nullopt);
  EXPECT_EQ(ParseCrcHex("1C8"), std::nullopt);
}

}  // namespace
}  // namespace ecocase::domain::hj212
