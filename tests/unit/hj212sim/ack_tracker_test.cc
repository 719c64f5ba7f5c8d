#include "hj212sim/ack_tracker.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hj212sim/ack_log.h"
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

const absl::Time kT0 = Beijing(2026, 11, 29, 10, 0, 0);

// Three uploads of one station sent in a row, and what the gateway would make of them.
class AckTrackerTest : public ::testing::TestWithParam<hj212::ProtocolVersion> {
 protected:
  void SetUp() override {
    station_ =
        MakeStation(GetParam(), GetParam() == hj212::ProtocolVersion::k2005 ? kMn2005 : kMn2017);
    if (GetParam() == hj212::ProtocolVersion::k2025) station_.sm4 = StandardKey();
    PacketBuilder builder(station_, DefaultFactors(station_.kind), values_, &cipher_);
    for (int i = 0; i < 3; ++i) {
      const absl::Time t = kT0 + absl::Seconds(30 * i);
      absl::StatusOr<Upload> upload =
          builder.Build({UploadKind::kRealtime, t, absl::ZeroDuration(), t}, qns_.Next(t), false);
      ASSERT_TRUE(upload.ok()) << upload.status();
      uploads_.push_back(*upload);
      tracker_.Sent(*std::move(upload), t);
    }
  }

  // The 9014 the gateway sends for `upload`, decoded as the station decodes answers.
  hj212::Packet AnswerTo(const Upload& upload) {
    const hj212::DecodeResult received =
        DecodeOne(upload.frame, RegisteredProfile(station_), &cipher_);
    EXPECT_TRUE(received.ok()) << hj212::ReasonName(received.rejection.reason);
    hj212::DeviceProfile lenient;
    lenient.version = station_.version;
    lenient.strictness = hj212::Strictness::kLenient;
    const hj212::DecodeResult answer = DecodeOne(simtest::AckFrame(received.packet), lenient);
    EXPECT_TRUE(answer.ok()) << hj212::ReasonName(answer.rejection.reason);
    return answer.packet;
  }

  StationConfig station_;
  ValueModel values_{3, 0.0};
  ecocase::security::Sm4CpDecryptor cipher_;
  QnSource qns_;
  AckTracker tracker_;
  std::vector<Upload> uploads_;
};

TEST_P(AckTrackerTest, A9014ClearsExactlyThePacketItNames) {
  const hj212::Packet answer = AnswerTo(uploads_[1]);
  EXPECT_EQ(answer.cn, "9014");
  if (GetParam() == hj212::ProtocolVersion::k2005) {
    EXPECT_EQ(answer.qn, "");  // 2005 answers carry the QN in the CP
  }
  const std::optional<std::string> qn = AnsweredQn(answer);
  ASSERT_EQ(qn, uploads_[1].qn);

  std::optional<InFlight> done = tracker_.Acknowledge(*qn);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->upload.frame, uploads_[1].frame);
  EXPECT_EQ(done->first_sent, kT0 + absl::Seconds(30));
  EXPECT_EQ(tracker_.size(), 2u);
  EXPECT_FALSE(tracker_.Acknowledge(*qn).has_value());  // a second answer clears nothing
  EXPECT_TRUE(tracker_.RecentlyAcknowledged(*qn));
  std::vector<const InFlight*> left = tracker_.TakeAll(kT0 + absl::Minutes(5));
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0]->upload.qn, uploads_[0].qn);
  EXPECT_EQ(left[1]->upload.qn, uploads_[2].qn);
}

INSTANTIATE_TEST_SUITE_P(Versions, AckTrackerTest,
                         ::testing::Values(hj212::ProtocolVersion::k2005,
                                           hj212::ProtocolVersion::k2017,
                                           hj212::ProtocolVersion::k2025),
                         [](const auto& info) {
                           return std::string("V") +
                                  std::string(hj212::ProtocolVersionName(info.param));
                         });

TEST(AckTracker, OverdueUploadsComeBackUnchangedOncePerTimeout) {
  AckTracker tracker;
  Upload a;
  a.qn = "20261129100000001";
  a.frame = "frame-a";
  Upload b;
  b.qn = "20261129100005001";
  b.frame = "frame-b";
  tracker.Sent(a, kT0);
  tracker.Sent(b, kT0 + absl::Seconds(5));
  const absl::Duration timeout = absl::Seconds(10);
  EXPECT_EQ(tracker.NextDeadline(timeout), kT0 + absl::Seconds(10));
  EXPECT_TRUE(tracker.TakeOverdue(kT0 + absl::Seconds(9), timeout).empty());

  std::vector<const InFlight*> due = tracker.TakeOverdue(kT0 + absl::Seconds(10), timeout);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]->upload.frame, "frame-a");
  EXPECT_EQ(due[0]->attempts, 2);
  // Sent again at 10 s: next due at 20 s, with b (due at 15 s) first.
  due = tracker.TakeOverdue(kT0 + absl::Seconds(20), timeout);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0]->upload.frame, "frame-a");
  EXPECT_EQ(due[1]->upload.frame, "frame-b");
}

TEST(AckTracker, AnsweredQnReadsTheHeaderOrThe2005Cp) {
  hj212::Packet upload =
      hj212::HostRequest("20040516010101001", "32", "2011", "123456", std::string(kMn2005), "",
                         hj212::ProtocolVersion::k2005);
  EXPECT_EQ(AnsweredQn(hj212::DataAck(upload, hj212::ProtocolVersion::k2005)), "20040516010101001");
  EXPECT_EQ(AnsweredQn(hj212::DataAck(upload, hj212::ProtocolVersion::k2017)), "20040516010101001");
  upload.qn.clear();  // a 2005 upload without QN gets an answer that names nothing
  EXPECT_EQ(AnsweredQn(hj212::DataAck(upload, hj212::ProtocolVersion::k2005)), std::nullopt);
}

TEST(AckLog, AppendsOneLinePerReadingOfEachAcknowledgedUpload) {
  Upload upload;
  upload.cn = "2061";
  upload.data_time = "20261129090000";
  upload.pollutants = {"a21026", "a00000"};
  EXPECT_EQ(AckLogLines(kMn2017, upload),
            "010000A8900016F000169DC0 2061 20261129090000 a21026\n"
            "010000A8900016F000169DC0 2061 20261129090000 a00000\n");

  const std::string path = ::testing::TempDir() + "/hj212sim_ack_log_test.txt";
  std::remove(path.c_str());
  {
    absl::StatusOr<std::unique_ptr<AckLog>> log = AckLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Append(kMn2017, upload).ok());
    // Flushed per packet: readable before the log is closed.
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), AckLogLines(kMn2017, upload));
  }
  std::remove(path.c_str());
  EXPECT_FALSE(AckLog::Open("/nonexistent-dir/ack.log").ok());
}

}  // namespace
}  // namespace hj212sim
