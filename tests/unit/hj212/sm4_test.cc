#include "security/sm4_decryptor.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/hj212/crc.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/packet.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::ReadAll;
using security::Sm4CpDecryptor;

Sm4Key KeyFromHex(absl::string_view hex) {
  std::string bytes = absl::HexStringToBytes(hex);
  Sm4Key key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

// HJ 212-2025 Appendix A.2: key = 16 x 0x30, the header of P2-P5.
const Sm4Key kStandardKey = KeyFromHex("30303030303030303030303030303030");
constexpr absl::string_view kHeader2025 =
    "QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&";
// P2's CP area (208 bytes = 13 blocks) and the printed ciphertext of P3.
constexpr absl::string_view kP2Cp =
    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    "a01012-Min=9.3,a01012-Avg=9.3,a01012-Max=9.3,a01012-Flag=N;a01014-Min=3.20,"
    "a01014-Avg=3.211,a01014-Max=3.212,a01014-Flag=N";
constexpr absl::string_view kP3CipherHex =
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC"
    "76F57F2CA7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E1C2B3075592B4D1E0"
    "9C4D8BB27BE97B559E3DA6643781A6F477769DEEB009B10DFFF3426922725D607DC4480F0CAC5F70DB2587B1"
    "24BCB281592721D6E4BC180A97E5E111499CBE822E31C8D7761553543AA24207C290997BBDE64F9266BC5F52"
    "9A172E381C1D898CA1A0D771A914A7B2D7467C70B94F1D4A7B0350A48DBF8B41";
// P4's CP area (147 bytes = 9 blocks + "g=N") and P5's 144 encrypted bytes.
constexpr absl::string_view kP4Cp =
    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    "a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N";
constexpr absl::string_view kP5CipherHex =
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC"
    "76F57F2CA7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E13B391A1D2A454B65"
    "388D5D9435DBF021528C7BF9755EF16518710C0CAC0ADEF9C5156CD0A5A17674AC0ED2ABC40023E9EF701285"
    "54B82438E91ADCE98A0D03A4";

// Reading A of hj212-2025.md §2.7.3: raw ciphertext bytes, the length counting them.
std::string RawEncryptedFrame(absl::string_view cp_on_wire, absl::string_view crc) {
  std::string data = absl::StrCat(kHeader2025, cp_on_wire, "&&");
  return absl::StrCat("##", absl::StrFormat("%04d", data.size()), data, crc, "\r\n");
}

DeviceProfile Profile2025(CpEncryption encryption, std::vector<Sm4Key> keys) {
  DeviceProfile profile;
  profile.version = ProtocolVersion::k2025;
  profile.encryption = encryption;
  profile.sm4_keys = std::move(keys);
  return profile;
}

DecodeResult DecodeOne(absl::string_view text, const DeviceProfile& profile,
                       const CpDecryptor* cipher) {
  std::vector<FrameEvent> events = ReadAll(text);
  EXPECT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].ok()) << ReasonName(events[0].rejection.reason);
  return Decode(events[0].frame, profile, cipher);
}

TEST(Sm4, GbT32907Example) {
  Sm4CpDecryptor sm4;
  Sm4Key key = KeyFromHex("0123456789abcdeffedcba9876543210");
  std::string plain = absl::HexStringToBytes("0123456789abcdeffedcba9876543210");
  absl::StatusOr<std::string> sealed = sm4.EncryptCp(plain, key);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(absl::BytesToHexString(*sealed), "681edf34d206965e86b3e94f536e4246");
  absl::StatusOr<std::string> opened = sm4.DecryptCp(*sealed, key);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, plain);
}

TEST(Sm4, OnlyWholeBlocks) {
  Sm4CpDecryptor sm4;
  EXPECT_EQ(sm4.DecryptCp("short", kStandardKey).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Sm4, StandardExamplesRoundTrip) {
  Sm4CpDecryptor sm4;
  const std::string p3 = absl::HexStringToBytes(kP3CipherHex);
  ASSERT_EQ(p3.size(), 208u);
  EXPECT_EQ(DecryptCpArea(sm4, p3, kStandardKey).value(), kP2Cp);
  EXPECT_EQ(EncryptCpArea(sm4, kP2Cp, kStandardKey).value(), p3);

  // 147 bytes: 9 blocks encrypted, the tail "g=N" stays plaintext.
  const std::string p5 = absl::StrCat(absl::HexStringToBytes(kP5CipherHex), "g=N");
  EXPECT_EQ(EncryptCpArea(sm4, kP4Cp, kStandardKey).value(), p5);
  EXPECT_EQ(DecryptCpArea(sm4, p5, kStandardKey).value(), kP4Cp);
  EXPECT_NE(p5.find('\0'), std::string::npos);  // raw ciphertext holds NUL
}

TEST(Sm4, EncryptedFramesDecodeThenCheckTheCrc) {
  Sm4CpDecryptor sm4;
  const std::string p3 = RawEncryptedFrame(absl::HexStringToBytes(kP3CipherHex), "2200");
  ASSERT_TRUE(absl::StartsWith(p3, "##0295"));  // the standard's length, counting raw bytes
  for (CpEncryption mode : {CpEncryption::kOptional, CpEncryption::kRequired}) {
    DecodeResult r = DecodeOne(p3, Profile2025(mode, {kStandardKey}), &sm4);
    ASSERT_TRUE(r.ok()) << ReasonName(r.rejection.reason) << " " << r.rejection.detail;
    EXPECT_TRUE(r.packet.encrypted);
    EXPECT_EQ(r.packet.cp, kP2Cp);
    EXPECT_EQ(r.packet.cp_groups.size(), 4u);
  }
  const std::string p5 = RawEncryptedFrame(
      absl::StrCat(absl::HexStringToBytes(kP5CipherHex), "g=N"), "B541");
  ASSERT_TRUE(absl::StartsWith(p5, "##0234"));
  DecodeResult r5 = DecodeOne(p5, Profile2025(CpEncryption::kRequired, {kStandardKey}), &sm4);
  ASSERT_TRUE(r5.ok()) << ReasonName(r5.rejection.reason);
  EXPECT_EQ(r5.packet.cp, kP4Cp);
}

TEST(Sm4, TheCrcIsOverThePlaintext) {
  const std::string data =
      absl::StrCat(kHeader2025, absl::HexStringToBytes(kP3CipherHex), "&&");
  EXPECT_EQ(CrcHex(Crc16Hj212(data)), "CFC1");
  EXPECT_EQ(CrcHex(Crc16Hj212(absl::StrCat(kHeader2025, kP2Cp, "&&"))), "2200");
}

TEST(Sm4, WrongKeyIsDecryptOrCrcFailed) {
  Sm4CpDecryptor sm4;
  const std::string p3 = RawEncryptedFrame(absl::HexStringToBytes(kP3CipherHex), "2200");
  Sm4Key wrong = kStandardKey;
  wrong[15] = 0x31;
  DecodeResult r = DecodeOne(p3, Profile2025(CpEncryption::kRequired, {wrong}), &sm4);
  EXPECT_EQ(r.rejection.reason, Reason::kDecryptOrCrcFailed);
  EXPECT_EQ(r.rejection.detail, "CN=2051, 1 key(s) tried");
  EXPECT_EQ(r.packet.mn, "010000A8900016F000169DC0");  // for the log
  // During a 1014 rotation the previous key is still tried.
  DecodeResult rotated =
      DecodeOne(p3, Profile2025(CpEncryption::kRequired, {wrong, kStandardKey}), &sm4);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated.packet.key_index, 1u);
}

TEST(Sm4, ProfileDecidesAboutPlaintextAndMissingKeys) {
  Sm4CpDecryptor sm4;
  const std::string p2 = FrameSegment(absl::StrCat(kHeader2025, kP2Cp, "&&"));
  const std::string p3 = RawEncryptedFrame(absl::HexStringToBytes(kP3CipherHex), "2200");
  // Private networks may send plaintext ("宜加密").
  DecodeResult optional = DecodeOne(p2, Profile2025(CpEncryption::kOptional, {kStandardKey}), &sm4);
  ASSERT_TRUE(optional.ok());
  EXPECT_FALSE(optional.packet.encrypted);
  // The Internet must not ("应加密").
  EXPECT_EQ(DecodeOne(p2, Profile2025(CpEncryption::kRequired, {kStandardKey}), &sm4)
                .rejection.reason,
            Reason::kNotEncrypted);
  // Ciphertext for a profile without encryption: the CRC fails, and says why it might.
  DecodeResult none = DecodeOne(p3, Profile2025(CpEncryption::kNone, {}), &sm4);
  EXPECT_EQ(none.rejection.reason, Reason::kCrcMismatch);
  EXPECT_THAT(none.rejection.detail, ::testing::HasSubstr("binary"));
  EXPECT_EQ(DecodeOne(p3, Profile2025(CpEncryption::kRequired, {kStandardKey}), nullptr)
                .rejection.reason,
            Reason::kNoKey);
  // Answers and heartbeats are never encrypted, whatever the profile.
  DecodeResult heartbeat = DecodeOne(
      FrameSegment("QN=20240601085857223;ST=91;CN=9015;PW=123456;MN=010000A8900016F000169DC0;"
                   "Flag=9;CP=&&&&"),
      Profile2025(CpEncryption::kRequired, {kStandardKey}), &sm4);
  EXPECT_TRUE(heartbeat.ok());
}

TEST(Sm4, PrintedHexFormIsAcceptedToo) {
  // Reading B (one public implementation): "{0xE4,0x3E,...}" sent as text.
  Sm4CpDecryptor sm4;
  std::string printed = "{";
  const std::string bytes = absl::HexStringToBytes(kP5CipherHex);
  for (size_t i = 0; i < bytes.size(); ++i) {
    absl::StrAppend(&printed, i ? "," : "", "0x",
                    absl::AsciiStrToUpper(absl::BytesToHexString(bytes.substr(i, 1))));
  }
  absl::StrAppend(&printed, "}g=N");
  FrameReaderOptions options = FrameReaderOptions::Lenient();  // the text form exceeds 1024
  std::vector<FrameEvent> events = ReadAll(RawEncryptedFrame(printed, "B541"), options);
  ASSERT_TRUE(events[0].ok());
  DeviceProfile profile = Profile2025(CpEncryption::kOptional, {kStandardKey});
  profile.strictness = Strictness::kLenient;
  DecodeResult r = Decode(events[0].frame, profile, &sm4);
  ASSERT_TRUE(r.ok()) << ReasonName(r.rejection.reason) << " " << r.rejection.detail;
  EXPECT_EQ(r.packet.cp, kP4Cp);
}

TEST(Sm4, EncoderEncryptsAfterTakingTheCrc) {
  Sm4CpDecryptor sm4;
  Packet packet = HostRequest("20240520210700000", "31", "2051", "123456",
                              "010000A8900016F000169DC0", kP2Cp, ProtocolVersion::k2025);
  EncodeOptions options;
  options.cipher = &sm4;
  options.key = &kStandardKey;
  absl::StatusOr<std::string> frame = EncodePacket(packet, options);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, RawEncryptedFrame(absl::HexStringToBytes(kP3CipherHex), "2200"));
}

TEST(Sm4, CiphertextHoldingFrameBytesDoesNotBreakFraming) {
  // Find CP areas whose ciphertext holds "##", "&&" and CR LF; frame them between two plain
  // frames and read the stream in odd chunks.
  Sm4CpDecryptor sm4;
  std::string stream;
  std::vector<std::string> expected_cps;
  for (absl::string_view needle : {"##", "&&", "\r\n"}) {
    for (int i = 0;; ++i) {
      ASSERT_LT(i, 100000) << "no ciphertext with the bytes found";
      // The factor code varies the first (encrypted) block.
      std::string cp = absl::StrFormat("w%05d-Rtd=1.5;DataTime=20240520210600", i);
      std::string sealed = EncryptCpArea(sm4, cp, kStandardKey).value();
      if (!absl::StrContains(sealed, needle)) continue;
      Packet packet = HostRequest("20240520210700000", "31", "2011", "123456",
                                  "010000A8900016F000169DC0", cp, ProtocolVersion::k2025);
      EncodeOptions options{&sm4, &kStandardKey};
      absl::StrAppend(&stream, fixtures::kV01Frame, EncodePacket(packet, options).value());
      expected_cps.push_back(cp);
      break;
    }
  }
  FrameReader reader;
  std::vector<FrameEvent> events;
  for (size_t i = 0; i < stream.size(); i += 7) {
    reader.Append(absl::string_view(stream).substr(i, 7));
    while (std::optional<FrameEvent> e = reader.Next()) events.push_back(*std::move(e));
  }
  ASSERT_EQ(events.size(), 6u);
  DeviceProfile profile = Profile2025(CpEncryption::kRequired, {kStandardKey});
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(events[2 * i].ok());
    ASSERT_TRUE(events[2 * i + 1].ok());
    DecodeResult r = Decode(events[2 * i + 1].frame, profile, &sm4);
    ASSERT_TRUE(r.ok()) << ReasonName(r.rejection.reason);
    EXPECT_EQ(r.packet.cp, expected_cps[i]);
  }
}

}  // namespace
}  // namespace ecocase::domain::hj212
