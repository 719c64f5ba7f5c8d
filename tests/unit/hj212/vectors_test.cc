// Every packet of tests/data/hj212/vectors.json against its expected verdict.
//
// The file gives, per packet, the framing/CRC errors every mode must report (frame.errors)
// and the syntax of the data segment (parse). What a device's profile then decides is not in
// the file; the table kVerdicts below says which profile each packet is judged by and what
// it must yield, so every vector has an explicit verdict.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/segment.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::kV01Frame;
using fixtures::Profile;
using ::testing::UnorderedElementsAreArray;
using Json = nlohmann::json;

constexpr ProtocolVersion k2005 = ProtocolVersion::k2005;
constexpr ProtocolVersion k2017 = ProtocolVersion::k2017;
constexpr ProtocolVersion k2025 = ProtocolVersion::k2025;
constexpr Strictness kStrict = Strictness::kStrict;
constexpr Strictness kLenient = Strictness::kLenient;

struct Verdict {
  const char* id;
  ProtocolVersion version;
  Strictness strictness;
  Reason expected;
  const char* why;
};

// One row per (vector, profile) judgement; every vector has at least one.
constexpr Verdict kVerdicts[] = {
    {"V01", k2017, kStrict, Reason::kOk, "the 2017 Appendix A example"},
    {"V02", k2005, kLenient, Reason::kOk, "2005 upload without QN and Flag, 17-digit DataTime"},
    {"V02", k2017, kStrict, Reason::kVersionMismatch, "a 2005 packet to a strict 2017 profile"},
    {"V02", k2005, kStrict, Reason::kMissingField, "strict 2005 wants QN and Flag"},
    {"V03", k2005, kLenient, Reason::kCrcMismatch, "published with a wrong CRC"},
    {"V04", k2005, kLenient, Reason::kOk, "lower-case CRC"},
    {"V05", k2017, kLenient, Reason::kOk, "24-character PW, 15-character MN"},
    {"V05", k2017, kStrict, Reason::kBadPw, "PW is not 6 characters"},
    {"V06", k2017, kLenient, Reason::kOk, "pre-2025 Flag=8, noted as a version mismatch"},
    {"V06", k2017, kStrict, Reason::kVersionMismatch, "Flag=8 is 2025 by its bits"},
    {"V06", k2025, kStrict, Reason::kBadMn, "Flag=8 does not make it a 2025 device"},
    {"V07", k2005, kLenient, Reason::kOk, "non-hex 24-character MN, ele01 codes"},
    {"V08", k2017, kLenient, Reason::kOk, "15-character MN"},
    {"V08", k2017, kStrict, Reason::kBadMn, "MN is not 24 hex digits"},
    {"V09", k2017, kLenient, Reason::kCrcMismatch, "published with a wrong CRC"},
    {"V10", k2017, kLenient, Reason::kCrcMismatch, "published with a wrong CRC"},
    {"V11", k2005, kLenient, Reason::kCrcMismatch, "published with a wrong CRC"},
    {"S01", k2017, kStrict, Reason::kOk, ""},
    {"S02", k2017, kStrict, Reason::kOk, ""},
    {"S03", k2017, kStrict, Reason::kOk, ""},
    {"S04", k2017, kStrict, Reason::kOk, ""},
    {"S05", k2017, kStrict, Reason::kOk, ""},
    {"S06", k2017, kStrict, Reason::kOk, "sub-packet 1/2"},
    {"S07", k2017, kStrict, Reason::kOk, "sub-packet 2/2"},
    {"S08", k2017, kStrict, Reason::kOk, "UTF-8 log text, length in bytes"},
    {"S09", k2017, kStrict, Reason::kOk, ""},
    {"S10", k2017, kStrict, Reason::kOk, "the standard's 'Flag=5CP=&&', noted"},
    {"S11", k2017, kStrict, Reason::kOk, "'CP=&& &&' is empty"},
    {"K01", k2005, kStrict, Reason::kOk, "2005 Flag=3 without PNUM/PNO"},
    {"K02", k2005, kLenient, Reason::kOk, "2005 answer, QN inside CP"},
    {"K02", k2005, kStrict, Reason::kMissingField, "no QN in the header"},
    {"K03", k2005, kStrict, Reason::kOk, "2005 alarm upload"},
    {"K04", k2005, kLenient, Reason::kOk, "reordered header, PNUM/PNO without Flag"},
    {"M01_truncated", k2017, kStrict, Reason::kTruncated, "the stream ends inside it"},
    {"M02_len_too_small", k2017, kStrict, Reason::kLengthMismatch, ""},
    {"M03_len_too_big", k2017, kStrict, Reason::kLengthMismatch, ""},
    {"M04_cp_not_closed", k2017, kStrict, Reason::kCpNotClosed, ""},
    {"M05_no_cp", k2017, kStrict, Reason::kNoCp, ""},
    {"M06_crc_bitflip_value", k2017, kStrict, Reason::kCrcMismatch, ""},
    {"M06_crc_bitflip_value", k2005, kLenient, Reason::kCrcMismatch, "every mode"},
    {"M07_crc_collision_97", k2017, kStrict, Reason::kOk,
     "a CRC collision: no parser can catch it"},
};

struct Vector {
  std::string id;
  std::string text;   // the frame as sent
  Json frame;         // {"errors": [...], ...} or null for derived vectors (sound by design)
  Json parse;         // expected syntax, or null
};

std::vector<Vector> LoadVectors() {
  std::ifstream in(ECOCASE_HJ212_VECTORS);
  EXPECT_TRUE(in.good()) << ECOCASE_HJ212_VECTORS;
  Json root = Json::parse(in);
  std::vector<Vector> out;
  for (const Json& v : root.at("real")) {
    out.push_back({v.at("id"), v.at("raw"), v.at("frame"), v.value("parse", Json())});
  }
  for (const auto& [id, v] : root.at("derived").items()) {
    out.push_back({id, v.at("frame"), Json(), v.value("parse", Json())});
  }
  for (const auto& [id, v] : root.at("malformed").items()) {
    out.push_back({id, v.at("text"), v.at("frame"), v.value("parse", Json())});
  }
  return out;
}

const std::vector<Vector>& Vectors() {
  static const std::vector<Vector>* vectors = new std::vector<Vector>(LoadVectors());
  return *vectors;
}

std::vector<std::string> Names(const std::vector<Reason>& reasons) {
  std::vector<std::string> out;
  for (Reason r : reasons) out.emplace_back(ReasonName(r));
  return out;
}

TEST(Vectors, FileIsThereWithItsNote) {
  std::ifstream in(ECOCASE_HJ212_VECTORS);
  Json root = Json::parse(in);
  EXPECT_THAT(root.at("about").get<std::string>(), ::testing::HasSubstr("HJ 212 test vectors"));
  EXPECT_EQ(Vectors().size(), 11u + 15u + 7u);
}

TEST(Vectors, EveryVectorHasAVerdictAndEveryVerdictAVector) {
  std::set<std::string> ids;
  for (const Vector& v : Vectors()) ids.insert(v.id);
  std::set<std::string> judged;
  for (const Verdict& verdict : kVerdicts) judged.insert(verdict.id);
  EXPECT_EQ(ids, judged);
}

// frame.errors: what CheckFrame finds in the whole message, as a set.
TEST(Vectors, FrameErrorsMatchCheckFrame) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.id);
    FrameCheck check = CheckFrame(v.text);
    std::vector<std::string> expected;
    if (!v.frame.is_null()) {
      expected = v.frame.at("errors").get<std::vector<std::string>>();
      EXPECT_EQ(check.declared_length, v.frame.at("declared_len").get<size_t>());
      EXPECT_EQ(check.data.size(), v.frame.at("actual_len_bytes").get<size_t>());
      EXPECT_EQ(check.crc_field, v.frame.at("crc_field").get<std::string>());
      EXPECT_EQ(CrcHex(check.crc_calc), v.frame.at("crc_calc").get<std::string>());
      EXPECT_EQ(CrcHex(Crc16Modbus(check.data)), v.frame.at("crc_modbus").get<std::string>());
    }
    EXPECT_THAT(Names(check.findings), UnorderedElementsAreArray(expected));
  }
}

// The streaming reader on the same bytes followed by a sound frame: the first event is a
// frame exactly when frame.errors is empty, a rejection named in frame.errors otherwise, and
// the sound frame after it always comes out intact.
TEST(Vectors, StreamRejectsWithOneOfTheExpectedErrorsAndResynchronises) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(v.id);
    std::set<std::string> expected;
    if (!v.frame.is_null()) {
      for (const Json& e : v.frame.at("errors")) expected.insert(e.get<std::string>());
    }
    std::vector<FrameEvent> events = fixtures::ReadAll(absl::StrCat(v.text, kV01Frame));
    ASSERT_FALSE(events.empty());
    expected.erase("CRC_MISMATCH");  // the reader leaves the CRC to Decode (2025 decrypts first)
    if (expected.empty()) {
      ASSERT_TRUE(events[0].ok()) << ReasonName(events[0].rejection.reason);
    } else {
      EXPECT_TRUE(expected.count(std::string(ReasonName(events[0].rejection.reason))))
          << ReasonName(events[0].rejection.reason);
    }
    ASSERT_TRUE(events.back().ok());
    EXPECT_EQ(events.back().frame.data, fixtures::kV01Segment);
  }
}

// parse: the header by name, the CP groups, the raw CP text, the syntax errors, the Flag bits.
TEST(Vectors, ParseMatchesSegmentSyntax) {
  int checked = 0;
  for (const Vector& v : Vectors()) {
    if (v.parse.is_null()) continue;
    SCOPED_TRACE(v.id);
    ++checked;
    Segment segment = SplitSegment(CheckFrame(v.text).data);
    std::map<std::string, std::string> header;
    for (const HeaderField& f : segment.header) header[f.name] = f.value;
    using Header = std::map<std::string, std::string>;
    EXPECT_EQ(header, v.parse.at("header").get<Header>());

    std::vector<std::string> errors;
    if (!segment.error.ok()) errors.emplace_back(ReasonName(segment.error.reason));
    EXPECT_EQ(errors, v.parse.at("errors").get<std::vector<std::string>>());

    if (!v.parse.at("cp_raw").is_null()) {
      EXPECT_EQ(segment.cp, v.parse.at("cp_raw").get<std::string>());
      std::vector<CpGroup> expected;
      for (const Json& group : v.parse.at("cp")) {
        CpGroup g;
        for (const Json& item : group) {
          // The file's reference parser keeps "CP=&& &&" as an item " " without '=';
          // §1.4 says to trim it: an empty CP area.
          if (item[1].is_null() && item[0].get<std::string>() == " ") continue;
          g.push_back({item[0].get<std::string>(), item[1].get<std::string>()});
        }
        if (!g.empty()) expected.push_back(g);
      }
      CpArea area = ParseCp(segment.cp);
      EXPECT_TRUE(area.error.ok()) << area.error.detail;
      EXPECT_EQ(area.groups, expected);
    }
    if (v.parse.contains("flag_bits")) {
      const Json& bits = v.parse.at("flag_bits");
      FlagBits flag = DecodeFlag(std::stoi(header.at("Flag")));
      EXPECT_EQ(flag.ack, bits.at("A_ack").get<int>() == 1);
      EXPECT_EQ(flag.split, bits.at("D_split").get<int>() == 1);
      EXPECT_EQ(flag.version_bits, bits.at("version_bits").get<int>());
    }
  }
  EXPECT_EQ(checked, 11 + 15 + 2);
}

TEST(Vectors, VerdictByProfile) {
  std::map<std::string, const Vector*> by_id;
  for (const Vector& v : Vectors()) by_id[v.id] = &v;
  for (const Verdict& verdict : kVerdicts) {
    SCOPED_TRACE(absl::StrCat(verdict.id, " as ", ProtocolVersionName(verdict.version),
                              verdict.strictness == kStrict ? " strict" : " lenient", ": ",
                              verdict.why));
    ASSERT_TRUE(by_id.count(verdict.id));
    DeviceProfile profile = Profile(verdict.version, verdict.strictness);
    // The listener frames by the profile: strict devices get the strict reader.
    FrameReaderOptions options = verdict.strictness == kStrict ? FrameReaderOptions{}
                                                               : FrameReaderOptions::Lenient();
    std::vector<FrameEvent> events = fixtures::ReadAll(by_id[verdict.id]->text, options);
    ASSERT_FALSE(events.empty());
    Rejection got = events[0].rejection;
    if (events[0].ok()) got = Decode(events[0].frame, profile, nullptr).rejection;
    EXPECT_EQ(ReasonName(got.reason), ReasonName(verdict.expected)) << got.detail;
  }
}

TEST(Vectors, LenientNotesAreRecorded) {
  std::map<std::string, const Vector*> by_id;
  for (const Vector& v : Vectors()) by_id[v.id] = &v;
  DecodeResult v06 = fixtures::DecodeText(by_id["V06"]->text, Profile(k2017, kLenient));
  ASSERT_TRUE(v06.ok());
  EXPECT_TRUE(v06.packet.HasNote(Reason::kVersionMismatch));
  EXPECT_EQ(v06.packet.flag_bits.version_bits, 2);
  EXPECT_EQ(v06.packet.version, k2017);  // processed by the registered profile

  DecodeResult s10 = fixtures::DecodeText(by_id["S10"]->text, Profile(k2017, kStrict));
  ASSERT_TRUE(s10.ok());
  EXPECT_TRUE(s10.packet.HasNote(Reason::kMissingSeparator));
  EXPECT_EQ(s10.packet.flag, 5);

  DecodeResult k04 = fixtures::DecodeText(by_id["K04"]->text, Profile(k2005, kLenient));
  ASSERT_TRUE(k04.ok());
  EXPECT_TRUE(k04.packet.split);
  EXPECT_EQ(k04.packet.pnum, 1);
  EXPECT_EQ(k04.packet.qn, "20040516010101001");
}

}  // namespace
}  // namespace ecocase::domain::hj212
