#include "domain/hj212/packet.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "domain/hj212/cp_values.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/segment.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::DecodeText;
using fixtures::Lenient2005;
using fixtures::Profile;
using fixtures::Strict2017;
using ::testing::ElementsAre;

constexpr absl::string_view kMn = "010000A8900016F000169DC0";

// A 2017 minute-data upload with the answer bit, framed.
std::string Upload(absl::string_view header_tail = "Flag=5",
                   absl::string_view cp = "DataTime=20160801084000;w01018-Avg=40.1,w01018-Flag=N") {
  return FrameSegment(absl::StrCat("QN=20160801085857223;ST=32;CN=2051;PW=123456;MN=", kMn, ";",
                                   header_tail, ";CP=&&", cp, "&&"));
}

TEST(Flag, DecodeTable) {
  struct Row {
    int flag;
    int version_bits;
    bool split;
    bool ack;
  };
  const Row rows[] = {{0, 0, false, false}, {1, 0, false, true}, {2, 0, true, false},
                      {3, 0, true, true},   {4, 1, false, false}, {5, 1, false, true},
                      {6, 1, true, false},  {7, 1, true, true},   {8, 2, false, false},
                      {9, 2, false, true},  {10, 2, true, false}, {11, 2, true, true},
                      {12, 3, false, false}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.flag);
    EXPECT_EQ(DecodeFlag(row.flag), (FlagBits{row.version_bits, row.split, row.ack}));
  }
  EXPECT_EQ(VersionFromBits(3), std::nullopt);
  EXPECT_EQ(EncodeFlag(ProtocolVersion::k2025, false, true), 9);
  EXPECT_EQ(EncodeFlag(ProtocolVersion::k2017, true, true), 7);
}

TEST(Decode, StrictUploadIsAccepted) {
  DecodeResult r = DecodeText(Upload(), Strict2017());
  ASSERT_TRUE(r.ok()) << ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  EXPECT_EQ(r.packet.cn, "2051");
  EXPECT_TRUE(r.packet.ack_requested());
  EXPECT_EQ(r.packet.cp_groups.size(), 2u);
  EXPECT_EQ(FindCpValue(r.packet.cp_groups, "w01018-Avg"), "40.1");
  EXPECT_TRUE(r.packet.notes.empty());
}

TEST(Decode, VersionMismatchIsReportedNotGuessed) {
  // A 2005 upload (no QN, no Flag) to a device registered as strict 2017.
  std::string v02 =
      "##0139ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;"
      "B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980\r\n";
  DecodeResult strict = DecodeText(v02, Strict2017());
  EXPECT_EQ(strict.rejection.reason, Reason::kVersionMismatch);
  EXPECT_EQ(strict.rejection.detail, "no Flag says 2005, registered 2017");
  EXPECT_EQ(strict.packet.mn, "LD130133000015");  // readable for the log

  DecodeResult lenient = DecodeText(v02, Lenient2005());
  ASSERT_TRUE(lenient.ok()) << ReasonName(lenient.rejection.reason);
  EXPECT_EQ(lenient.packet.version, ProtocolVersion::k2005);
  EXPECT_FALSE(lenient.packet.ack_requested());

  // A 2017 packet to a strict 2025 profile.
  DecodeResult v2025 = DecodeText(Upload(), Profile(ProtocolVersion::k2025, Strictness::kStrict));
  EXPECT_EQ(v2025.rejection.reason, Reason::kVersionMismatch);
  EXPECT_EQ(v2025.rejection.detail, "Flag=5 says 2017, registered 2025");
}

TEST(Decode, UnknownVersionBitsStrictRejectLenientNotes) {
  EXPECT_EQ(DecodeText(Upload("Flag=13"), Strict2017()).rejection.reason,
            Reason::kVersionMismatch);
  DecodeResult lenient =
      DecodeText(Upload("Flag=13"), Profile(ProtocolVersion::k2017, Strictness::kLenient));
  ASSERT_TRUE(lenient.ok());
  EXPECT_THAT(lenient.packet.notes,
              ElementsAre(Reason::kVersionUnknown, Reason::kVersionMismatch));
  EXPECT_EQ(lenient.packet.flag, 13);
}

TEST(Decode, BadFlagIsRejectedInEveryMode) {
  EXPECT_EQ(DecodeText(Upload("Flag=x"), Lenient2005()).rejection.reason, Reason::kBadFlag);
  EXPECT_EQ(DecodeText(Upload("Flag=256"), Strict2017()).rejection.reason, Reason::kBadFlag);
}

TEST(Decode, SubPacketNumbersFollowFlagBit1) {
  DecodeResult ok = DecodeText(Upload("Flag=7;PNUM=2;PNO=2"), Strict2017());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok.packet.split);
  EXPECT_EQ(ok.packet.pno, 2);
  EXPECT_EQ(DecodeText(Upload("Flag=7"), Strict2017()).rejection.reason,
            Reason::kBadPacketNumber);
  EXPECT_EQ(DecodeText(Upload("Flag=5;PNUM=2;PNO=1"), Strict2017()).rejection.reason,
            Reason::kBadPacketNumber);
  EXPECT_EQ(DecodeText(Upload("Flag=7;PNUM=2;PNO=3"), Strict2017()).rejection.reason,
            Reason::kBadPacketNumber);
  EXPECT_EQ(DecodeText(Upload("Flag=7;PNUM=2"), Strict2017()).rejection.reason,
            Reason::kBadPacketNumber);
}

TEST(Decode, Rf1IsBackfillOtherValuesAreNoted) {
  DeviceProfile p2025 = Profile(ProtocolVersion::k2025, Strictness::kStrict);
  DecodeResult backfill = DecodeText(Upload("Flag=9;RF=1"), p2025);
  ASSERT_TRUE(backfill.ok());
  EXPECT_TRUE(backfill.packet.backfilled);
  DecodeResult rf0 = DecodeText(Upload("Flag=9;RF=0"), p2025);
  ASSERT_TRUE(rf0.ok());
  EXPECT_FALSE(rf0.packet.backfilled);
  EXPECT_TRUE(rf0.packet.HasNote(Reason::kBadRf));
}

TEST(Decode, EmptyMnOnlyForTheRegistrationOf2025) {
  std::string registration = FrameSegment(
      "QN=20240601085857223;ST=32;CN=1001;PW=123456;MN=;Flag=9;"
      "CP=&&i23005-Info=6970000000001ABCDEFG1234,i23006-Info=CPU0001&&");
  DecodeResult r = DecodeText(registration, Profile(ProtocolVersion::k2025, Strictness::kStrict));
  ASSERT_TRUE(r.ok()) << ReasonName(r.rejection.reason);
  std::optional<Registration> reg = ReadRegistration(r.packet);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->das_id, "6970000000001ABCDEFG1234");
  EXPECT_EQ(reg->cpu_id, "CPU0001");

  std::string upload = FrameSegment(
      "QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=;Flag=9;CP=&&DataTime=20240601085857&&");
  EXPECT_EQ(DecodeText(upload, Profile(ProtocolVersion::k2025, Strictness::kStrict))
                .rejection.reason,
            Reason::kEmptyMn);
}

TEST(Decode, PasswordIsCheckedWhenTheProfileHasOne) {
  DeviceProfile profile = Strict2017();
  profile.password = "654321";
  DecodeResult r = DecodeText(Upload(), profile);
  EXPECT_EQ(r.rejection.reason, Reason::kPasswordMismatch);
  EXPECT_EQ(r.rejection.detail.find("123456"), std::string::npos);  // never echo a password
  profile.password = "123456";
  EXPECT_TRUE(DecodeText(Upload(), profile).ok());
}

TEST(Decode, ModbusCrcOnlyForLenientProfilesThatAskForIt) {
  std::string segment(fixtures::kV01Segment);
  std::string modbus = FrameSegment(segment, CrcVariant::kModbusSwapped);
  EXPECT_EQ(DecodeText(modbus, Strict2017()).rejection.reason, Reason::kCrcMismatch);
  DeviceProfile lenient = Profile(ProtocolVersion::k2017, Strictness::kLenient);
  EXPECT_EQ(DecodeText(modbus, lenient).rejection.reason, Reason::kCrcMismatch);
  lenient.crc_mode = CrcMode::kHj212OrModbus;
  DecodeResult r = DecodeText(modbus, lenient);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.packet.crc_variant, CrcVariant::kModbusSwapped);
  EXPECT_TRUE(r.packet.HasNote(Reason::kCrcModbusVariant));

  DeviceProfile strict_modbus = Strict2017();
  strict_modbus.crc_mode = CrcMode::kHj212OrModbus;
  EXPECT_FALSE(ValidateProfile(strict_modbus).ok());
  EXPECT_TRUE(ValidateProfile(lenient).ok());
}

TEST(Decode, LenientFramingDeviationsAreNotesStrictOnesRejections) {
  std::string lf = Upload();
  lf.erase(lf.size() - 2, 1);  // CR LF -> LF
  EXPECT_EQ(DecodeText(lf, Strict2017()).rejection.reason, Reason::kLfTerminator);
  DecodeResult lenient = DecodeText(lf, Profile(ProtocolVersion::k2017, Strictness::kLenient));
  ASSERT_TRUE(lenient.ok());
  EXPECT_TRUE(lenient.packet.HasNote(Reason::kLfTerminator));
}

TEST(Decode, HeaderSyntax) {
  EXPECT_EQ(DecodeText(Upload("Flag=5;MN=X"), Strict2017()).rejection.reason,
            Reason::kDuplicateHeaderField);
  EXPECT_EQ(DecodeText(Upload("Flag=5;junk"), Strict2017()).rejection.reason,
            Reason::kBadHeaderField);
  DecodeResult extra = DecodeText(Upload("Flag=5;Vendor=abc"), Strict2017());
  ASSERT_TRUE(extra.ok());
  EXPECT_TRUE(extra.packet.HasNote(Reason::kUnknownHeaderField));
  ASSERT_EQ(extra.packet.extra_header.size(), 1u);
  EXPECT_EQ(extra.packet.extra_header[0].value, "abc");
  // Header fields by name, in any order (vector V11/K04).
  std::string reordered = FrameSegment(absl::StrCat(
      "ST=32;CN=2051;QN=20160801085857223;MN=", kMn,
      ";PW=123456;Flag=4;CP=&&DataTime=20160801084000&&"));
  EXPECT_TRUE(DecodeText(reordered, Strict2017()).ok());
}

TEST(Decode, CpRules) {
  std::string long_cp = absl::StrCat("DataTime=20160801084000;i11001-Info=//",
                                     std::string(940, 'x'), "//");
  // With a standard header a CP area over 950 bytes makes the segment exceed 1024 too.
  EXPECT_EQ(DecodeText(Upload("Flag=5", long_cp), Strict2017()).rejection.reason,
            Reason::kLengthTooLarge);
  DecodeResult long_lenient =
      DecodeText(Upload("Flag=5", long_cp), Profile(ProtocolVersion::k2017, Strictness::kLenient));
  ASSERT_TRUE(long_lenient.ok());
  EXPECT_TRUE(long_lenient.packet.HasNote(Reason::kCpTooLong));
  EXPECT_EQ(DecodeText(Upload("Flag=5", "DataTime=20160801084000000"), Strict2017())
                .rejection.reason,
            Reason::kBadCpField);
  EXPECT_EQ(DecodeText(Upload("Flag=5", "DataTime=20160231084000"), Strict2017())
                .rejection.reason,
            Reason::kBadCpField);
  EXPECT_EQ(DecodeText(Upload("Flag=5", "a=1;junk"), Strict2017()).rejection.reason,
            Reason::kBadCpField);
  DecodeResult lenient = DecodeText(Upload("Flag=5", "a=1;junk"),
                                    Profile(ProtocolVersion::k2017, Strictness::kLenient));
  ASSERT_TRUE(lenient.ok());
  EXPECT_TRUE(lenient.packet.HasNote(Reason::kBadCpField));
}

TEST(Decode, MissingFieldNamesIt) {
  DecodeResult r = DecodeText(FrameSegment(absl::StrCat(
                                  "QN=20160801085857223;ST=32;CN=2051;MN=", kMn,
                                  ";Flag=4;CP=&&&&")),
                              Strict2017());
  EXPECT_EQ(r.rejection.reason, Reason::kMissingField);
  EXPECT_EQ(r.rejection.detail, "PW");
}

TEST(Decode, RejectionCarriesAStatusWithTheReason) {
  DecodeResult r = DecodeText(Upload("Flag=x"), Strict2017());
  absl::Status status = ToStatus(r.rejection);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("BAD_FLAG: "));
  EXPECT_TRUE(ToStatus(Rejection{}).ok());
}

TEST(Segment, InfoTextMayHoldSeparators) {
  CpArea area = ParseCp("DataTime=20160801084000;i11001-Info=//清洗;管路,完成//;PolId=w01018");
  ASSERT_TRUE(area.error.ok());
  ASSERT_EQ(area.groups.size(), 3u);
  EXPECT_EQ(area.groups[1][0].value, "//清洗;管路,完成//");
  EXPECT_EQ(ParseCp("i11001-Info=//open").error.reason, Reason::kBadCpField);
  EXPECT_TRUE(ParseCp(" ").groups.empty());
  EXPECT_EQ(ParseCp("a=1;;b=2;").groups.size(), 2u);
}

TEST(CpValues, FactorKeysFlagsTimesAndSentinels) {
  std::optional<FactorKey> key = SplitFactorKey("a21026-ZsRtd");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->code, "a21026");
  EXPECT_EQ(key->suffix, "ZsRtd");
  EXPECT_EQ(SplitFactorKey("DataTime"), std::nullopt);
  EXPECT_EQ(ParseDataFlag("N"), DataFlag::kNormal);
  EXPECT_EQ(ParseDataFlag("T"), DataFlag::kOverRange);
  EXPECT_EQ(ParseDataFlag("Td"), DataFlag::kKeyProcessFault);
  EXPECT_EQ(ParseDataFlag("X"), DataFlag::kOther);
  EXPECT_EQ(ParseHjTime("20160801084000", false), absl::CivilSecond(2016, 8, 1, 8, 40, 0));
  EXPECT_EQ(ParseHjTime("20160824003817000", false), std::nullopt);
  EXPECT_EQ(ParseHjTime("20160824003817000", true), absl::CivilSecond(2016, 8, 24, 0, 38, 17));
  EXPECT_EQ(FormatHjTime(absl::CivilSecond(2016, 8, 1, 8, 40, 0)), "20160801084000");
  EXPECT_TRUE(IsDataTypeMaximum("9999.99", 4, 2));
  EXPECT_TRUE(IsDataTypeMaximum("9999.990", 4, 2));
  EXPECT_FALSE(IsDataTypeMaximum("9999.98", 4, 2));
  EXPECT_FALSE(IsDataTypeMaximum("99.99", 4, 2));
}

}  // namespace
}  // namespace ecocase::domain::hj212
