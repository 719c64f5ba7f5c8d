#include "domain/hj212/reassembly.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/hj212/encoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::DecodeText;
using fixtures::Strict2017;

const absl::Time kT0 = absl::FromUnixSeconds(1470000000);

// Vectors S06 and S07: one hour record in two sub-packets, each with its own QN.
constexpr absl::string_view kS06 =
    "##0260QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=6;"
    "PNUM=2;PNO=1;CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,"
    "w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,"
    "w01001-Max=7.8,w01001-Flag=N&&DC41\r\n";
constexpr absl::string_view kS07 =
    "##0201QN=20160801085857535;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=6;"
    "PNUM=2;PNO=2;CP=&&DataTime=20160801080000;w01018-Cou=63.0,w01018-Min=40.1,"
    "w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N&&DEC1\r\n";
constexpr absl::string_view kWholeCp =
    "DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,"
    "w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N;w01018-Cou=63.0,"
    "w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,w01018-Flag=N";

Packet Part(absl::string_view frame) {
  DecodeResult r = DecodeText(frame, Strict2017());
  EXPECT_TRUE(r.ok()) << ReasonName(r.rejection.reason);
  return r.packet;
}

TEST(Reassembler, InOrder) {
  Reassembler reassembler;
  ReassemblyResult first = reassembler.Add(Part(kS06), kT0);
  EXPECT_TRUE(first.rejection.ok());
  EXPECT_FALSE(first.complete.has_value());
  EXPECT_EQ(reassembler.pending_sets(), 1u);
  ReassemblyResult second = reassembler.Add(Part(kS07), kT0 + absl::Seconds(1));
  ASSERT_TRUE(second.complete.has_value());
  EXPECT_EQ(second.complete->cp, kWholeCp);
  EXPECT_EQ(second.complete->qn, "20160801085857534");
  EXPECT_FALSE(second.complete->split);
  EXPECT_EQ(second.complete->pnum, std::nullopt);
  EXPECT_THAT(second.part_qns, ::testing::ElementsAre("20160801085857534", "20160801085857535"));
  EXPECT_EQ(reassembler.pending_sets(), 0u);
  EXPECT_EQ(reassembler.pending_bytes(), 0u);
}

TEST(Reassembler, OutOfOrderGivesTheSameWhole) {
  Reassembler reassembler;
  EXPECT_FALSE(reassembler.Add(Part(kS07), kT0).complete.has_value());
  ReassemblyResult done = reassembler.Add(Part(kS06), kT0);
  ASSERT_TRUE(done.complete.has_value());
  EXPECT_EQ(done.complete->cp, kWholeCp);
  EXPECT_EQ(done.complete->qn, "20160801085857534");  // the header of PNO 1
}

TEST(Reassembler, DuplicatesAndConflicts) {
  Reassembler reassembler;
  reassembler.Add(Part(kS06), kT0);
  EXPECT_EQ(reassembler.Add(Part(kS06), kT0).rejection.reason, Reason::kSubpacketDuplicate);
  Packet changed = Part(kS06);
  changed.cp += ",w01001-EFlag=A01";
  EXPECT_EQ(reassembler.Add(changed, kT0).rejection.reason, Reason::kSubpacketConflict);
  ReassemblyResult done = reassembler.Add(Part(kS07), kT0);
  ASSERT_TRUE(done.complete.has_value());
  EXPECT_EQ(done.complete->cp, kWholeCp);  // the first copy was kept
}

TEST(Reassembler, SetsAreKeyedByDataTimeNotQn) {
  Reassembler reassembler;
  reassembler.Add(Part(kS06), kT0);
  // Same MN, CN and PNUM, another hour: a different set.
  std::string other_hour(kS07);
  other_hour.replace(other_hour.find("DataTime=20160801080000"), 23, "DataTime=20160801090000");
  Packet part = Part(FrameSegment(other_hour.substr(6, other_hour.size() - 12)));
  EXPECT_FALSE(reassembler.Add(part, kT0).complete.has_value());
  EXPECT_EQ(reassembler.pending_sets(), 2u);
}

TEST(Reassembler, IncompleteSetsTimeOutWithTheirParts) {
  Reassembler reassembler(ReassemblyOptions{absl::Minutes(10), 16, 1 << 20});
  reassembler.Add(Part(kS06), kT0);
  EXPECT_TRUE(reassembler.Expire(kT0 + absl::Minutes(9)).empty());
  std::vector<ExpiredSet> expired = reassembler.Expire(kT0 + absl::Minutes(10));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].mn, "010000A8900016F000169DC0");
  EXPECT_EQ(expired[0].data_time, "20160801080000");
  EXPECT_EQ(expired[0].pnum, 2);
  ASSERT_EQ(expired[0].parts.size(), 1u);
  EXPECT_EQ(expired[0].parts[0].pno, 1);
  EXPECT_EQ(reassembler.pending_sets(), 0u);
  EXPECT_EQ(reassembler.pending_bytes(), 0u);
  // The late second part now starts a new set instead of completing a lost one.
  EXPECT_FALSE(reassembler.Add(Part(kS07), kT0 + absl::Minutes(11)).complete.has_value());
}

TEST(Reassembler, MemoryIsBounded) {
  Reassembler by_sets(ReassemblyOptions{absl::Minutes(10), 1, 1 << 20});
  by_sets.Add(Part(kS06), kT0);
  std::string other_mn(kS07);
  other_mn.replace(other_mn.find("MN=010000A8900016F000169DC0"), 27, "MN=010000A8900016F000169DC1");
  Packet part = Part(FrameSegment(other_mn.substr(6, other_mn.size() - 12)));
  EXPECT_EQ(by_sets.Add(part, kT0).rejection.reason, Reason::kReassemblyFull);

  Reassembler by_bytes(ReassemblyOptions{absl::Minutes(10), 16, 100});
  EXPECT_EQ(by_bytes.Add(Part(kS06), kT0).rejection.reason, Reason::kReassemblyFull);
}

TEST(Reassembler, WholePacketsPassThrough) {
  Reassembler reassembler;
  ReassemblyResult r = reassembler.Add(Part(fixtures::kV01Frame), kT0);
  ASSERT_TRUE(r.complete.has_value());
  EXPECT_EQ(r.complete->cn, "1062");
  EXPECT_EQ(reassembler.pending_sets(), 0u);
}

}  // namespace
}  // namespace ecocase::domain::hj212
