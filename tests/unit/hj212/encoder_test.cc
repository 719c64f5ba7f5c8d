#include "domain/hj212/encoder.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "domain/hj212/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::DecodeText;
using fixtures::Lenient2005;
using fixtures::Profile;
using fixtures::Strict2017;

Packet DecodeOk(absl::string_view frame, const DeviceProfile& profile) {
  DecodeResult r = DecodeText(frame, profile);
  EXPECT_TRUE(r.ok()) << ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  return r.packet;
}

std::string Encoded(const Packet& packet) {
  absl::StatusOr<std::string> frame = EncodePacket(packet);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return frame.value_or("");
}

// Vector S04, the 2017 hour-data upload with the answer bit, and S05 its 9014.
constexpr absl::string_view kS04 =
    "##0325QN=20160801090000001;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,"
    "w00000-Max=20.1,w00000-Flag=N;w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,"
    "w01001-Flag=N;w01018-Cou=63.0,w01018-Min=40.1,w01018-Avg=40.1,w01018-Max=40.1,"
    "w01018-Flag=N&&B7C1\r\n";
constexpr absl::string_view kS05 =
    "##0087QN=20160801090000001;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;"
    "CP=&&&&FF01\r\n";

TEST(Encoder, DataAckIs9014AsInTheStandard) {
  Packet upload = DecodeOk(kS04, Strict2017());
  std::optional<Packet> answer = AnswerFor(upload, ProtocolVersion::k2017);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->cn, "9014");
  EXPECT_EQ(Encoded(*answer), kS05);
}

TEST(Encoder, UploadsAreNeverAnsweredWith9011) {
  for (absl::string_view cn : {"2011", "2051", "2061", "2031", "2041", "2081", "3020", "1011"}) {
    SCOPED_TRACE(cn);
    Packet upload = HostRequest("20160801085857223", "32", cn, "123456",
                                "010000A8900016F000169DC0", "", ProtocolVersion::k2017);
    std::optional<Packet> answer = AnswerFor(upload, ProtocolVersion::k2017);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->cn, "9014");
  }
  Packet no_ack = DecodeOk(
      "##0317QN=20191012133710130;ST=22;CN=2011;PW=123456;MN=Y80110010000010;Flag=4;CP=&&"
      "DataTime=20191012133710;a21005-Rtd=0.00,a21005-Flag=N;a21004-Rtd=0.00,a21004-Flag=N;"
      "a21007-Rtd=0.033,a21007-Flag=N;a21006-Rtd=0.036,a21006-Flag=N;a21001-Rtd=25.40,"
      "a21001-Flag=N;a21003-Rtd=101.94,a21003-Flag=N;a21002-Rtd=49.20,a21002-Flag=N&&cc01\r\n",
      Profile(ProtocolVersion::k2017, Strictness::kLenient));
  EXPECT_EQ(AnswerFor(no_ack, ProtocolVersion::k2017), std::nullopt);  // Flag=4: no answer bit
}

TEST(Encoder, DeviceAnswers9011And9012MatchTheStandard) {
  Packet request = DecodeOk(
      "##0107QN=20160801085857223;ST=32;CN=1000;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
      "CP=&&OverTime=5;ReCount=3&&CAC1\r\n",
      Strict2017());
  EXPECT_EQ(Encoded(RequestAnswer(request, QnRtn::kReady, ProtocolVersion::k2017)),
            "##0094QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=4;CP=&&QnRtn=1&&1B00\r\n");
  EXPECT_EQ(Encoded(ExecutionResult(request, ExeRtn::kSuccess, ProtocolVersion::k2017)),
            "##0095QN=20160801085857223;ST=91;CN=9012;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=4;CP=&&ExeRtn=1&&6240\r\n");
  EXPECT_EQ(AnswerFor(request, ProtocolVersion::k2017), std::nullopt);  // a host command
}

TEST(Encoder, Form2005PutsTheQnInsideTheCp) {
  Packet request = DecodeOk(
      "##0097QN=20040516010101001;ST=32;CN=1000;PW=123456;MN=88888880000001;Flag=3;"
      "CP=&&OverTime=5;Recount=3&&56C0\r\n",
      Lenient2005());
  // Vector K02.
  EXPECT_EQ(Encoded(RequestAnswer(request, QnRtn::kReady, ProtocolVersion::k2005)),
            "##0084ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;"
            "CP=&&QN=20040516010101001;QnRtn=1&&7200\r\n");
  Packet upload = HostRequest("20040516010101001", "32", "2051", "123456", "88888880000001",
                              "DataTime=20040516021000", ProtocolVersion::k2005);
  Packet ack = DataAck(upload, ProtocolVersion::k2005);
  EXPECT_EQ(BuildSegment(ack), "ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;"
                               "CP=&&QN=20040516010101001;CN=2051&&");
}

TEST(Encoder, Answers2025) {
  DeviceProfile p2025 = Profile(ProtocolVersion::k2025, Strictness::kStrict);
  // 9015 heartbeat with the answer bit -> 9013, Flag=8.
  Packet heartbeat = DecodeOk(
      FrameSegment("QN=20240601085857223;ST=91;CN=9015;PW=123456;MN=010000A8900016F000169DC0;"
                   "Flag=9;CP=&&&&"),
      p2025);
  std::optional<Packet> answer = AnswerFor(heartbeat, ProtocolVersion::k2025);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(Encoded(*answer),
            "##0087QN=20240601085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=8;CP=&&&&3900\r\n");
  // 9014 to an upload (hj212-2025.md §3: 21C0).
  Packet upload = HostRequest("20240601085857223", "32", "2011", "123456",
                              "010000A8900016F000169DC0", "", ProtocolVersion::k2025);
  EXPECT_EQ(Encoded(DataAck(upload, ProtocolVersion::k2025)),
            "##0087QN=20240601085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=8;CP=&&&&21C0\r\n");
  // 1001 registration from an unactivated DAS -> 9013 with "MN=" (48C0).
  Packet registration = DecodeOk(
      FrameSegment("QN=20240601085857223;ST=32;CN=1001;PW=123456;MN=;Flag=9;"
                   "CP=&&i23005-Info=6970000000001ABCDEFG1234&&"),
      p2025);
  answer = AnswerFor(registration, ProtocolVersion::k2025);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(Encoded(*answer),
            "##0063QN=20240601085857223;ST=91;CN=9013;PW=123456;MN=;Flag=8;CP=&&&&48C0\r\n");
}

TEST(Encoder, RegistrationAndKeyRotationRequests2025) {
  // hj212-2025.md §3, frames built from caoyiliang/HJ212's Appendix-C-style segments.
  EXPECT_EQ(Encoded(AssignMnRequest("20240601085857223", "32", "123456",
                                    "010000A8900016F000169DC0", "6970000000001ABCDEFG1234")),
            "##0123QN=20240601085857223;ST=32;CN=1002;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=9;CP=&&i23005-Info=6970000000001ABCDEFG1234&&6FC0\r\n");
  EXPECT_EQ(Encoded(KeyRotationRequest("20240601085857223", "32", "123456",
                                       "010000A8900016F000169DC0", "20240601085857223",
                                       "0000000000000000")),
            "##0140QN=20240601085857223;ST=32;CN=1014;PW=123456;MN=010000A8900016F000169DC0;"
            "Flag=9;CP=&&SKCreateTime=20240601085857223,NewSK=0000000000000000&&EA41\r\n");
  std::optional<Sm4Key> key = Sm4KeyFromText("0000000000000000");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ((*key)[0], 0x30);
  EXPECT_EQ(Sm4KeyFromText("short"), std::nullopt);
  EXPECT_EQ(FormatQn(absl::CivilSecond(2024, 6, 1, 8, 58, 57), 223), "20240601085857223");
}

TEST(Encoder, EncodedPacketsReparseToTheSamePacket) {
  const std::pair<absl::string_view, DeviceProfile> cases[] = {
      {kS04, Strict2017()},
      {"##0214ST=32;CN=2051;QN=20040516010101001;PW=123456;MN=88888880000001;PNO=1;PNUM=1;"
       "CP=&&DataTime=20040516021000;B01-Cou=200;101-Cou=2.5,101-Min=1.1,101-Avg=1.1,"
       "101-Max=1.1;102-Cou=2.5,102-Min=2.1,102-Avg=2.1,102-Max=2.1&&8341\r\n",
       Lenient2005()},
      {"##0131QN=20160802000000001;ST=32;CN=2041;PW=123456;MN=010000A8900016F000169DC0;Flag=5"
       "CP=&&DataTime=20160801000000;SB1-RT=1.1;SB2-RT=2.1&&8EC1\r\n",
       Strict2017()},
  };
  for (const auto& [frame, profile] : cases) {
    SCOPED_TRACE(frame);
    Packet first = DecodeOk(frame, profile);
    Packet again = DecodeOk(Encoded(first), profile);
    EXPECT_TRUE(Equivalent(first, again));
  }
}

TEST(Encoder, SegmentsOver9999BytesAreRefused) {
  Packet big = HostRequest("20160801085857223", "32", "3020", "123456",
                           "010000A8900016F000169DC0", std::string(10000, 'x'),
                           ProtocolVersion::k2017);
  EXPECT_EQ(EncodePacket(big).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace ecocase::domain::hj212
