#include "domain/hj212/frame.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/hj212/crc.h"
#include "domain/hj212/encoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_frames.h"

namespace ecocase::domain::hj212 {
namespace {

using fixtures::kV01Frame;
using fixtures::ReadAll;
using ::testing::ElementsAre;

// Vector S08: Chinese log text, 152 bytes but 144 characters.
constexpr absl::string_view kS08Segment =
    "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20100301145000;PolId=w01018;i11001-Info=//清洗管路//&&";

// A segment whose CP area holds what 2025 ciphertext may hold: "##", a length, "&&", CR LF
// and NUL. Only the length field may be trusted to find its end.
std::string BinarySegment() {
  return absl::StrCat("QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;",
                      "Flag=9;CP=&&", std::string("\x00##0004abcd\r\n&&\r\n##", 19), "&&");
}

// A summary of events that compares across chunkings.
std::vector<std::string> Summarize(const std::vector<FrameEvent>& events) {
  std::vector<std::string> out;
  for (const FrameEvent& e : events) {
    out.push_back(e.ok() ? absl::StrCat("frame@", e.frame.offset, ":", e.frame.data, "|",
                                        e.frame.crc_field)
                         : absl::StrCat(ReasonName(e.rejection.reason), "@", e.frame.offset, ":",
                                        e.rejection.detail));
  }
  return out;
}

std::vector<FrameEvent> ReadInChunks(absl::string_view text, const std::vector<size_t>& cuts,
                                     FrameReaderOptions options = {}) {
  FrameReader reader(options);
  std::vector<FrameEvent> events;
  size_t begin = 0;
  auto drain = [&] {
    while (std::optional<FrameEvent> e = reader.Next()) events.push_back(*std::move(e));
  };
  for (size_t cut : cuts) {
    reader.Append(text.substr(begin, cut - begin));
    drain();
    begin = cut;
  }
  reader.Append(text.substr(begin));
  drain();
  reader.Finish();
  drain();
  return events;
}

std::string MixedStream() {
  return absl::StrCat("noise\r\n", kV01Frame, FrameSegment(kS08Segment), "#",
                      FrameSegment(BinarySegment()), "##01x1",
                      "##0100QN=20160801085857223;ST=32;CN=1062;PW=100000;"
                      "MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n",
                      kV01Frame, "tail");
}

TEST(FrameReader, WholeStreamGivesFramesAndReasonsInOrder) {
  std::vector<FrameEvent> events = ReadAll(MixedStream());
  std::vector<Reason> reasons;
  for (const FrameEvent& e : events) reasons.push_back(e.rejection.reason);
  EXPECT_THAT(reasons,
              ElementsAre(Reason::kGarbage, Reason::kOk, Reason::kOk,
                          Reason::kBadLengthField,  // "###0...": the lone '#' starts a "##"
                          Reason::kOk, Reason::kBadLengthField, Reason::kLengthMismatch,
                          Reason::kOk, Reason::kGarbage));
  EXPECT_EQ(events[1].frame.data, fixtures::kV01Segment);
  EXPECT_EQ(events[2].frame.data, kS08Segment);
  EXPECT_EQ(events[4].frame.data, BinarySegment());
  EXPECT_EQ(events[7].frame.data, fixtures::kV01Segment);
}

TEST(FrameReader, ByteByByteGivesTheSameEvents) {
  const std::string stream = MixedStream();
  std::vector<size_t> cuts;
  for (size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(Summarize(ReadInChunks(stream, cuts)), Summarize(ReadAll(stream)));
}

TEST(FrameReader, RandomSplitsGiveTheSameEvents) {
  const std::string stream = MixedStream();
  const std::vector<std::string> expected = Summarize(ReadAll(stream));
  std::mt19937 rng(212);
  for (int round = 0; round < 300; ++round) {
    std::vector<size_t> cuts;
    std::uniform_int_distribution<size_t> step(1, 40);
    for (size_t at = step(rng); at < stream.size(); at += step(rng)) cuts.push_back(at);
    ASSERT_EQ(Summarize(ReadInChunks(stream, cuts)), expected) << "round " << round;
  }
}

TEST(FrameReader, OversizedLengthIsRejectedWithoutWaitingForIt) {
  FrameReader reader;  // strict: 1024
  reader.Append("##2000QN=2016");
  std::optional<FrameEvent> event = reader.Next();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->rejection.reason, Reason::kLengthTooLarge);
  EXPECT_EQ(event->rejection.detail, "2000 > 1024");
}

TEST(FrameReader, LenientAcceptsUpTo9999) {
  std::string cp(1500, 'x');
  std::string segment = absl::StrCat("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&", cp, "&&");
  std::vector<FrameEvent> strict = ReadAll(FrameSegment(segment));
  EXPECT_EQ(strict[0].rejection.reason, Reason::kLengthTooLarge);
  std::vector<FrameEvent> lenient = ReadAll(FrameSegment(segment), FrameReaderOptions::Lenient());
  ASSERT_TRUE(lenient[0].ok());
  EXPECT_EQ(lenient[0].frame.data, segment);
}

TEST(FrameReader, GarbageBeforeAFrameIsSkippedAndCounted) {
  std::vector<FrameEvent> events = ReadAll(absl::StrCat("\x01\x02garbage", kV01Frame));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].rejection.reason, Reason::kGarbage);
  EXPECT_EQ(events[0].rejection.detail, "9 bytes at stream offset 0");
  ASSERT_TRUE(events[1].ok());
  EXPECT_EQ(events[1].frame.offset, 9u);
}

TEST(FrameReader, EndlessGarbageDoesNotGrowTheBuffer) {
  FrameReader reader;
  int garbage_reports = 0;
  for (int i = 0; i < 1000; ++i) {
    reader.Append(std::string(1000, 'z'));
    while (std::optional<FrameEvent> e = reader.Next()) {
      EXPECT_EQ(e->rejection.reason, Reason::kGarbage);
      ++garbage_reports;
    }
    ASSERT_LE(reader.buffered(), 1u);
  }
  EXPECT_GT(garbage_reports, 0);
}

TEST(FrameReader, LengthCountsUtf8Bytes) {
  ASSERT_EQ(kS08Segment.size(), 152u);
  std::vector<FrameEvent> events = ReadAll(FrameSegment(kS08Segment));
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].ok());
  EXPECT_EQ(events[0].frame.data, kS08Segment);
  EXPECT_EQ(events[0].frame.crc_field, "9741");
  EXPECT_FALSE(events[0].frame.length_counts_chars);
}

TEST(FrameReader, CharacterCountedLengthOnlyWhenLenient) {
  // A C#-style sender counts 144 characters.
  std::string frame = absl::StrCat("##0144", kS08Segment, "9741\r\n");
  std::vector<FrameEvent> strict = ReadAll(frame);
  EXPECT_EQ(strict[0].rejection.reason, Reason::kLengthMismatch);
  std::vector<FrameEvent> lenient = ReadAll(frame, FrameReaderOptions::Lenient());
  ASSERT_EQ(lenient.size(), 1u);
  ASSERT_TRUE(lenient[0].ok());
  EXPECT_TRUE(lenient[0].frame.length_counts_chars);
  EXPECT_EQ(lenient[0].frame.data, kS08Segment);
}

TEST(FrameReader, BinarySegmentIsTakenByLengthOnly) {
  const std::string segment = BinarySegment();
  std::vector<FrameEvent> events = ReadAll(absl::StrCat(FrameSegment(segment), kV01Frame));
  ASSERT_EQ(events.size(), 2u);
  ASSERT_TRUE(events[0].ok());
  EXPECT_EQ(events[0].frame.data, segment);
  ASSERT_TRUE(events[1].ok());
  EXPECT_EQ(events[1].frame.data, fixtures::kV01Segment);
}

TEST(FrameReader, TruncatedAtEndOfStream) {
  absl::string_view cut = kV01Frame.substr(0, kV01Frame.size() - 10);
  FrameReader reader;
  reader.Append(cut);
  EXPECT_EQ(reader.Next(), std::nullopt);  // waits for more
  reader.Finish();
  std::optional<FrameEvent> event = reader.Next();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->rejection.reason, Reason::kTruncated);
  while (std::optional<FrameEvent> rest = reader.Next()) {
    EXPECT_NE(rest->rejection.reason, Reason::kOk);
  }
}

TEST(FrameReader, LfTerminatorOnlyWhenLenient) {
  std::string frame(kV01Frame.substr(0, kV01Frame.size() - 2));
  frame += "\n";
  EXPECT_EQ(ReadAll(frame)[0].rejection.reason, Reason::kBadTerminator);
  std::vector<FrameEvent> lenient = ReadAll(frame, FrameReaderOptions::Lenient());
  ASSERT_TRUE(lenient[0].ok());
  EXPECT_EQ(lenient[0].frame.terminator, Terminator::kLf);
}

TEST(FrameReader, CrcNotHexWithSoundTerminatorDropsTheWholeFrame) {
  std::string bad(kV01Frame);
  bad[bad.size() - 3] = 'G';  // 1C8G
  std::vector<FrameEvent> events = ReadAll(absl::StrCat(bad, kV01Frame));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].rejection.reason, Reason::kCrcNotHex);
  EXPECT_TRUE(events[1].ok());
}

TEST(CheckFrame, ReportsEveryFindingOfAWholeMessage) {
  EXPECT_TRUE(CheckFrame(kV01Frame).findings.empty());
  FrameCheck truncated = CheckFrame(kV01Frame.substr(0, kV01Frame.size() - 4));
  EXPECT_THAT(truncated.findings, ElementsAre(Reason::kBadTerminator, Reason::kLengthMismatch,
                                              Reason::kCrcNotHex));
  EXPECT_THAT(CheckFrame(absl::StrCat("##0144", kS08Segment, "9741\r\n")).findings,
              ElementsAre(Reason::kLengthCountsChars));
}

TEST(Utf8, CountsCharactersAndBytes) {
  EXPECT_EQ(Utf8Length("清洗管路"), 4u);
  EXPECT_EQ(Utf8PrefixBytes("清洗管路", 2), 6u);
  EXPECT_EQ(Utf8Length("\xff"), std::nullopt);
  EXPECT_EQ(Utf8PrefixBytes("ab", 3), std::nullopt);
}

}  // namespace
}  // namespace ecocase::domain::hj212
