// The HJ 212 TCP gateway against the real database: stations talk raw TCP to a gateway on
// an ephemeral port; readings land in the `reading` table through the real device
// directory, batching writer and MySQL repository.
#include "ingest/hj212_gateway.h"

#include <poll.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/hj212/cp_values.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/segment.h"
#include "ingest/device_directory.h"
#include "ingest/reading_writer.h"
#include "security/password_hasher.h"
#include "security/sm4_decryptor.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_reading_repository.h"
#include "testing/status_matchers.h"
#include "testing/test_database.h"

namespace ecocase::ingest {
namespace {

namespace hj212 = ::ecocase::domain::hj212;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::TestSchema;

// The stations' registered devices. PWs are hashed as the enterprise service does.
constexpr char kMnA[] = "AAAA0000000000000000000A";  // 2017 strict, outlet DA001
constexpr char kPwA[] = "123456";
constexpr char kMnB[] = "BBBB0000000000000000000B";  // 2017 strict, outlet DA001
constexpr char kPwB[] = "654321";
constexpr char kMnSm4[] = "CCCC0000000000000000000C";  // 2025, SM4 required
constexpr char kMn2025[] = "FFFF0000000000000000000F";  // 2025, plaintext
constexpr char kMnLegacy[] = "LD130133000015";             // 2005 lenient, wastewater
constexpr char kMnUnbound[] = "EEEE0000000000000000000E";  // 2017, bound to no outlet
constexpr char kMnUnknown[] = "DDDD0000000000000000000D";  // not registered
constexpr char kPw[] = "123456";                           // of the other devices

// HJ 212-2025 A.2 test key (16 x 0x30) is the registered key; the station below has another.
constexpr char kKeyHex[] = "30303030303030303030303030303030";
constexpr char kWrongKeyHex[] = "31313131313131313131313131313131";

// 2026-11-29 10:00 Beijing time. Data times in the packets are Beijing time.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 29, 2, 0, 0),
                                        absl::UTCTimeZone());

hj212::Sm4Key Key(absl::string_view hex) {
  std::string bytes = absl::HexStringToBytes(hex);
  hj212::Sm4Key key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

struct Upload {
  std::string mn = kMnA;
  std::string pw = kPwA;
  std::string qn = "20261129095900001";
  std::string st = "31";
  std::string cn = "2051";
  std::optional<int> flag = 5;  // 2017, answer requested
  std::optional<int> pnum;
  std::optional<int> pno;
  std::optional<std::string> rf;
  std::string cp =
      "DataTime=20261129095800;a21026-Min=10.1,a21026-Avg=12.5,a21026-Max=14.0,a21026-Flag=N;"
      "a21002-Min=30.0,a21002-Avg=31.5,a21002-Max=33.0,a21002-Flag=N";
};

std::string Frame(const Upload& u, const hj212::Sm4Key* key = nullptr) {
  hj212::Packet p;
  p.qn = u.qn;
  p.st = u.st;
  p.cn = u.cn;
  p.pw = u.pw;
  p.mn = u.mn;
  p.flag = u.flag;
  p.pnum = u.pnum;
  p.pno = u.pno;
  p.rf = u.rf;
  p.cp = u.cp;
  static const security::Sm4CpDecryptor cipher;
  hj212::EncodeOptions options;
  if (key != nullptr) {
    options.cipher = &cipher;
    options.key = key;
  }
  absl::StatusOr<std::string> frame = hj212::EncodePacket(p, options);
  EXPECT_THAT(frame, IsOk());
  return frame.ok() ? *frame : "";
}

Upload Heartbeat(const std::string& mn, const std::string& pw, const std::string& qn,
                 int flag = 5) {
  Upload u;
  u.mn = mn;
  u.pw = pw;
  u.qn = qn;
  u.st = "91";
  u.cn = "9015";
  u.flag = flag;
  u.cp = "";
  return u;
}

// What the gateway sent back, read from its header (and the 2005 CP).
struct Answer {
  std::string cn;
  std::string qn;
  std::string flag;
  std::string cp;
};

// A station: a blocking TCP client with a receive timeout, framing what comes back with
// the codec's own FrameReader.
class Station {
 public:
  explicit Station(int port) : socket_(io_) {
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(),
                                            static_cast<uint16_t>(port)));
  }

  // Best effort: the gateway may already have cut the connection.
  void Send(absl::string_view bytes) {
    asio::error_code ignored;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ignored);
  }

  // The next answer within `limit`, or nullopt (nothing came, or the connection closed).
  std::optional<Answer> Next(absl::Duration limit = absl::Seconds(10)) {
    const absl::Time end = absl::Now() + limit;
    while (true) {
      while (std::optional<hj212::FrameEvent> event = reader_.Next()) {
        if (!event->ok()) continue;
        hj212::Segment segment = hj212::SplitSegment(event->frame.data);
        auto field = [&segment](absl::string_view name) {
          const std::string* value = hj212::FindHeader(segment, name);
          return value ? *value : std::string();
        };
        return Answer{field("CN"), field("QN"), field("Flag"), segment.cp};
      }
      if (closed_ || !Fill(end)) return std::nullopt;
    }
  }

  // Closes our sending side only, as a station may after its last upload.
  void ShutdownSend() {
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }

  // True once the gateway closed the connection, within `limit`.
  bool WaitClosed(absl::Duration limit = absl::Seconds(10)) {
    const absl::Time end = absl::Now() + limit;
    while (!closed_ && Fill(end)) {
    }
    return closed_;
  }

 private:
  // Reads what arrives before `end`; false on timeout or close.
  bool Fill(absl::Time end) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) return false;
    char buffer[4096];
    asio::error_code error;
    const size_t n = socket_.read_some(asio::buffer(buffer), error);
    if (error) {
      closed_ = true;
      return false;
    }
    reader_.Append(absl::string_view(buffer, n));
    return true;
  }

  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  hj212::FrameReader reader_{hj212::FrameReaderOptions::Lenient()};
  bool closed_ = false;
};

bool WaitFor(const std::function<bool()>& condition, absl::Duration limit = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + limit;
  while (absl::Now() < end) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return condition();
}

class Hj212GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schema_ = TestSchema::Create("gw").release();
    storage::mysql::ConnectionPool pool(schema_->options());
    auto migrations = storage::mysql::LoadMigrations(embedded::EmbeddedMigrations());
    ASSERT_THAT(migrations, IsOk());
    ASSERT_THAT(storage::mysql::ApplyMigrations(pool, *migrations), IsOk());

    schema_->Execute(
        "INSERT INTO enterprise (uscc, display_name, address, district_code, industry_code, "
        "management_class, create_time, update_time) VALUES ('91410800MA9G000001', "
        "'焦作市测试热电有限公司', '焦作市解放区', '410802', 'D4411', 'KEY', NOW(6), NOW(6))");
    schema_->Execute(
        "INSERT INTO outlet (enterprise_id, code, kind, display_name, create_time, update_time) "
        "SELECT id, 'DA001', 'AIR', '1号锅炉排口', NOW(6), NOW(6) FROM enterprise");
    outlet_id_ = schema_->QueryInt("SELECT id FROM outlet WHERE code = 'DA001'");

    security::PasswordHasher hasher(security::PasswordHashOptions{10000});
    auto device = [&](const std::string& mn, const std::string& pw, bool bound,
                      const std::string& version, const std::string& strictness,
                      const std::string& encryption, const std::string& keys) {
      absl::StatusOr<std::string> hash = hasher.Hash(pw);
      ASSERT_THAT(hash, IsOk());
      schema_->Execute(absl::StrCat(
          "INSERT INTO device (mn, outlet_id, password_hash, protocol_version, strictness, "
          "crc_mode, encryption, sm4_keys, bind_time, update_time) VALUES ('",
          mn, "', ", bound ? absl::StrCat(outlet_id_) : "NULL", ", '", *hash, "', '", version,
          "', '", strictness, "', 'HJ212', '", encryption, "', '", keys, "', NOW(6), NOW(6))"));
    };
    device(kMnA, kPwA, true, "2017", "STRICT", "NONE", "");
    device(kMnB, kPwB, true, "2017", "STRICT", "NONE", "");
    device(kMnSm4, kPw, true, "2025", "STRICT", "REQUIRED", kKeyHex);
    device(kMn2025, kPw, true, "2025", "STRICT", "NONE", "");
    device(kMnLegacy, kPw, true, "2005", "LENIENT", "NONE", "");
    device(kMnUnbound, kPw, false, "2017", "STRICT", "NONE", "");
  }

  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(schema_, nullptr);
    schema_->Execute("DELETE FROM reading");
    storage::DbOptions db = schema_->options();
    db.pool_size = 4;
    pool_ = std::make_unique<storage::mysql::ConnectionPool>(db);
    repository_ = std::make_unique<storage::mysql::MysqlReadingRepository>(*pool_);
    directory_ = std::make_unique<DeviceDirectory>(*repository_, clock_);
    ReadingWriterOptions writer;
    writer.max_delay = absl::Milliseconds(10);
    writer_ = std::make_unique<ReadingWriter>(*repository_, writer);
  }

  void TearDown() override {
    if (gateway_) gateway_->Stop();
    gateway_.reset();
    if (writer_) writer_->Stop();
  }

  // Starts the gateway on an ephemeral port with `options` (timeouts short for tests).
  void StartGateway(Hj212GatewayOptions options = {}) {
    options.listen_address = "127.0.0.1";
    options.port = 0;
    options.reassembly_sweep_interval = absl::Milliseconds(20);
    auto gateway = Hj212Gateway::Start(options, *directory_, *writer_, &cipher_, clock_);
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
  }

  std::unique_ptr<Station> Connect() { return std::make_unique<Station>(gateway_->port()); }

  Hj212GatewayStats Stats() const { return gateway_->stats(); }
  int64_t Rejected(absl::string_view reason) const {
    return Hj212GatewayStats::Count(Stats().frames_rejected, reason);
  }
  int64_t Closed(absl::string_view reason) const {
    return Hj212GatewayStats::Count(Stats().connections_closed, reason);
  }

  static int64_t Rows(const std::string& where = "1=1") {
    return schema_->QueryInt(absl::StrCat("SELECT COUNT(*) FROM reading WHERE ", where));
  }

  // Sends a heartbeat and expects its 9013 as the very next answer: proof that the
  // connection still works and that nothing else was answered before it.
  void ExpectNextAnswerIsHeartbeatAck(Station& station, const std::string& mn = kMnA,
                                      const std::string& pw = kPwA) {
    station.Send(Frame(Heartbeat(mn, pw, "20261129095959999")));
    std::optional<Answer> answer = station.Next();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->cn, "9013");
    EXPECT_EQ(answer->qn, "20261129095959999");
  }

  static TestSchema* schema_;
  static int64_t outlet_id_;

  common::FakeClock clock_{kNow};
  security::Sm4CpDecryptor cipher_;
  std::unique_ptr<storage::mysql::ConnectionPool> pool_;
  std::unique_ptr<storage::mysql::MysqlReadingRepository> repository_;
  std::unique_ptr<DeviceDirectory> directory_;
  std::unique_ptr<ReadingWriter> writer_;
  std::unique_ptr<Hj212Gateway> gateway_;
};

TestSchema* Hj212GatewayTest::schema_ = nullptr;
int64_t Hj212GatewayTest::outlet_id_ = 0;

TEST_F(Hj212GatewayTest, UploadWithAnswerBitIsAckedOnceAfterItsReadingsCommitted) {
  StartGateway();
  auto station = Connect();
  station->Send(Frame(Upload{}));

  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  // Committed before the answer left.
  EXPECT_EQ(Rows(), 2);
  EXPECT_EQ(ack->cn, "9014");
  EXPECT_EQ(ack->qn, "20261129095900001");
  EXPECT_EQ(ack->flag, "4");
  EXPECT_EQ(ack->cp, "");
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnA, "' AND pollutant = 'a21026' AND kind = 2 ",
                              "AND value = 12.5 AND min_value = 10.1 AND max_value = 14 ",
                              "AND outlet_id = ", outlet_id_, " AND source = 1 ",
                              "AND backfilled = 0 AND data_time = '2026-11-29 01:58:00'")),
            1);
  ExpectNextAnswerIsHeartbeatAck(*station);

  Hj212GatewayStats stats = Stats();
  EXPECT_EQ(stats.data_acks_sent, 1);
  EXPECT_EQ(stats.readings_stored, 2);
  EXPECT_EQ(stats.frames_accepted, 2);
  EXPECT_EQ(Hj212GatewayStats::Total(stats.frames_rejected), 0);
}

TEST_F(Hj212GatewayTest, UploadWithoutAnswerBitIsStoredAndNotAnswered) {
  StartGateway();
  auto station = Connect();
  Upload realtime;
  realtime.cn = "2011";
  realtime.flag = 4;  // 2017, no answer
  realtime.cp =
      "DataTime=20261129095930;a21026-Rtd=12.3,a21026-Flag=N;a19001-Rtd=9.1,a19001-Flag=N";
  station->Send(Frame(realtime));

  ASSERT_TRUE(WaitFor([&] { return Stats().readings_stored == 2; }));
  EXPECT_EQ(Rows("kind = 1 AND data_time = '2026-11-29 01:59:30'"), 2);
  ExpectNextAnswerIsHeartbeatAck(*station);
  EXPECT_EQ(Stats().data_acks_sent, 0);
}

TEST_F(Hj212GatewayTest, DuplicatePacketAddsNoRowsAndIsAckedAgain) {
  StartGateway();
  auto station = Connect();
  const std::string frame = Frame(Upload{});
  station->Send(frame);
  ASSERT_TRUE(station->Next().has_value());
  ASSERT_EQ(Rows(), 2);

  station->Send(frame);  // the station missed our answer and resends
  std::optional<Answer> again = station->Next();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->cn, "9014");
  EXPECT_EQ(again->qn, "20261129095900001");
  EXPECT_EQ(Rows(), 2);
  // Counted once the write completed, which may be just after the station read it.
  EXPECT_TRUE(WaitFor([&] { return Stats().data_acks_sent == 2; }));
}

TEST_F(Hj212GatewayTest, BackfilledPacketIsStoredAsBackfilled) {
  StartGateway();
  auto station = Connect();
  Upload hourly;
  hourly.mn = kMn2025;
  hourly.pw = kPw;
  hourly.cn = "2061";
  hourly.flag = 9;  // 2025, answer requested
  hourly.rf = "1";
  hourly.qn = "20261129095900002";
  hourly.cp = "DataTime=20261128080000;a21026-Min=8.0,a21026-Avg=9.0,a21026-Max=10.0,a21026-Flag=N";
  station->Send(Frame(hourly));

  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->cn, "9014");
  EXPECT_EQ(ack->qn, "20261129095900002");
  EXPECT_EQ(ack->flag, "8");
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMn2025, "' AND kind = 3 AND backfilled = 1 ",
                              "AND data_time = '2026-11-28 00:00:00'")),
            1);
}

TEST_F(Hj212GatewayTest, WrongPasswordIsRefusedWithoutAnswerAndTheConnectionStaysUsable) {
  StartGateway();
  auto station = Connect();
  Upload upload;
  upload.pw = "000000";
  station->Send(Frame(upload));

  ASSERT_TRUE(WaitFor([&] { return Rejected("PASSWORD_MISMATCH") == 1; }));
  ExpectNextAnswerIsHeartbeatAck(*station);
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, UnknownMnIsRefusedWithoutAnswerAndTheConnectionStaysUsable) {
  StartGateway();
  auto station = Connect();
  Upload upload;
  upload.mn = kMnUnknown;
  station->Send(Frame(upload));

  ASSERT_TRUE(WaitFor([&] { return Rejected("UNKNOWN_DEVICE") == 1; }));
  ExpectNextAnswerIsHeartbeatAck(*station);
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, DeviceBoundToNoOutletHasItsUploadsRefused) {
  StartGateway();
  auto station = Connect();
  Upload upload;
  upload.mn = kMnUnbound;
  upload.pw = kPw;
  station->Send(Frame(upload));

  ASSERT_TRUE(WaitFor([&] { return Rejected("DEVICE_UNBOUND") == 1; }));
  ExpectNextAnswerIsHeartbeatAck(*station, kMnUnbound, kPw);
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, Sm4PacketWithTheWrongKeyIsRefusedAndTheRightKeyIsStored) {
  StartGateway();
  auto station = Connect();
  Upload minute;
  minute.mn = kMnSm4;
  minute.pw = kPw;
  minute.flag = 9;
  const hj212::Sm4Key wrong = Key(kWrongKeyHex);
  station->Send(Frame(minute, &wrong));
  ASSERT_TRUE(WaitFor([&] { return Rejected("DECRYPT_OR_CRC_FAILED") == 1; }));
  EXPECT_EQ(Rows(), 0);

  minute.qn = "20261129095900003";
  const hj212::Sm4Key right = Key(kKeyHex);
  station->Send(Frame(minute, &right));
  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->cn, "9014");
  EXPECT_EQ(ack->qn, "20261129095900003");
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnSm4, "'")), 2);
}

TEST_F(Hj212GatewayTest, LenientLegacyDeviceIsAccepted) {
  StartGateway();
  auto station = Connect();
  // Like vectors.json V02: no QN, no Flag, 17-digit DataTime, 2005 factor codes.
  station->Send(hj212::FrameSegment(
      absl::StrCat("ST=32;CN=2011;PW=123456;MN=", kMnLegacy,
                   ";CP=&&DataTime=20261129095817000;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;"
                   "060-Rtd=1.803,060-Flag=N&&")));
  ASSERT_TRUE(WaitFor([&] { return Stats().readings_stored == 3; }));
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnLegacy, "' AND pollutant IN ('w00000', 'w01018', ",
                              "'w21003') AND data_time = '2026-11-29 01:58:17'")),
            3);

  // With a QN and the answer bit, the 2005 answer names the request inside its CP.
  station->Send(hj212::FrameSegment(
      absl::StrCat("QN=20261129095900004;ST=32;CN=2011;PW=123456;MN=", kMnLegacy,
                   ";Flag=1;CP=&&DataTime=20261129095917000;011-Rtd=230.0,011-Flag=N&&")));
  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->cn, "9014");
  EXPECT_EQ(ack->qn, "");
  EXPECT_EQ(ack->cp, "QN=20261129095900004;CN=2011");
}

TEST_F(Hj212GatewayTest, GarbageAndBadCrcAreCountedAndTheConnectionKeepsWorking) {
  StartGateway();
  auto station = Connect();
  station->Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string damaged = Frame(Upload{});
  damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == '0' ? '1' : '0';  // CRC digit
  station->Send(damaged);
  Upload good;
  good.qn = "20261129095900005";
  station->Send(Frame(good));

  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->qn, "20261129095900005");
  EXPECT_EQ(Rows(), 2);
  EXPECT_GE(Rejected("GARBAGE"), 1);
  EXPECT_EQ(Rejected("CRC_MISMATCH"), 1);
}

TEST_F(Hj212GatewayTest, FrameOverTheStrictLengthIsRejected) {
  StartGateway();
  auto station = Connect();
  Upload big;
  big.cp = "DataTime=20261129095800";
  for (int i = 0; big.cp.size() <= 1100; ++i) {
    absl::StrAppend(&big.cp, ";a", 99000 + i, "-Avg=1.0");
  }
  station->Send(Frame(big));
  ASSERT_TRUE(WaitFor([&] { return Rejected("LENGTH_TOO_LARGE") == 1; }));
  ExpectNextAnswerIsHeartbeatAck(*station);
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, ConnectionSendingOnlyGarbageIsCut) {
  StartGateway();
  auto station = Connect();
  const std::string junk(8 * 1024, 'x');
  for (int i = 0; i < 12; ++i) station->Send(junk);  // 96 KiB, no frame
  EXPECT_TRUE(station->WaitClosed());
  EXPECT_TRUE(WaitFor([&] { return Closed("no_valid_frame") == 1; }));
}

TEST_F(Hj212GatewayTest, IdleConnectionIsClosed) {
  Hj212GatewayOptions options;
  options.idle_timeout = absl::Milliseconds(300);
  StartGateway(options);
  auto station = Connect();
  EXPECT_TRUE(station->WaitClosed());
  EXPECT_TRUE(WaitFor([&] { return Closed("idle") == 1; }));
}

TEST_F(Hj212GatewayTest, SlowFrameIsClosed) {
  Hj212GatewayOptions options;
  options.frame_timeout = absl::Milliseconds(300);
  StartGateway(options);
  auto station = Connect();
  const std::string frame = Frame(Upload{});
  station->Send(frame.substr(0, frame.size() / 2));
  EXPECT_TRUE(station->WaitClosed());
  EXPECT_TRUE(WaitFor([&] { return Closed("slow") == 1; }));
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, HeartbeatIsAnsweredWith9013) {
  StartGateway();
  auto station = Connect();
  station->Send(Frame(Heartbeat(kMn2025, kPw, "20261129095900006", 9)));
  std::optional<Answer> answer = station->Next();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->cn, "9013");
  EXPECT_EQ(answer->qn, "20261129095900006");
  EXPECT_EQ(answer->flag, "8");
  EXPECT_TRUE(WaitFor([&] { return Stats().notification_acks_sent == 1; }));
  EXPECT_EQ(Rows(), 0);
}

TEST_F(Hj212GatewayTest, RegistrationWithoutMnIsAnswered) {
  StartGateway();
  auto station = Connect();
  Upload registration = Heartbeat("", kPw, "20261129095900007", 9);
  registration.st = "32";
  registration.cn = "1001";
  registration.cp = "i23005-Info=6970000000001ABCDEFG1234";
  station->Send(Frame(registration));
  std::optional<Answer> answer = station->Next();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->cn, "9013");
  EXPECT_EQ(answer->qn, "20261129095900007");
}

TEST_F(Hj212GatewayTest, SplitPacketIsStoredOnceCompleteAndEveryPartAcked) {
  StartGateway();
  auto station = Connect();
  // HJ 212-2017 Tables C.47-C.50 style: each part its own QN, both with the DataTime.
  Upload part1;
  part1.cn = "2061";
  part1.flag = 7;  // 2017, split, answer requested
  part1.pnum = 2;
  part1.pno = 1;
  part1.qn = "20261129085857534";
  part1.cp =
      "DataTime=20261129080000;a21026-Min=10.0,a21026-Avg=11.0,a21026-Max=12.0,a21026-Flag=N";
  Upload part2 = part1;
  part2.pno = 2;
  part2.qn = "20261129085857535";
  part2.cp =
      "DataTime=20261129080000;a21002-Min=20.0,a21002-Avg=21.0,a21002-Max=22.0,a21002-Flag=N";

  station->Send(Frame(part1));
  ASSERT_TRUE(WaitFor([&] { return Stats().frames_accepted == 1; }));
  EXPECT_EQ(Stats().subpacket_sets_pending, 1);
  EXPECT_EQ(Rows(), 0);

  station->Send(Frame(part2));
  std::optional<Answer> first = station->Next();
  std::optional<Answer> second = station->Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->cn, "9014");
  EXPECT_EQ(second->cn, "9014");
  EXPECT_THAT((std::vector<std::string>{first->qn, second->qn}),
              ::testing::UnorderedElementsAre(part1.qn, part2.qn));
  EXPECT_EQ(Rows("kind = 3 AND data_time = '2026-11-29 00:00:00'"), 2);
  EXPECT_EQ(Stats().subpacket_sets_pending, 0);
}

TEST_F(Hj212GatewayTest, IncompleteSplitPacketIsStoredWhenItsSetTimesOut) {
  Hj212GatewayOptions options;
  options.reassembly.timeout = absl::Minutes(10);
  StartGateway(options);
  auto station = Connect();
  Upload part1;
  part1.cn = "2061";
  part1.flag = 7;
  part1.pnum = 2;
  part1.pno = 1;
  part1.cp = "DataTime=20261129080000;a21026-Avg=11.0,a21026-Flag=N";
  station->Send(Frame(part1));
  ASSERT_TRUE(WaitFor([&] { return Stats().subpacket_sets_pending == 1; }));

  clock_.Advance(absl::Minutes(11));
  ASSERT_TRUE(WaitFor([&] { return Rows() == 1; }));
  EXPECT_EQ(Stats().subpacket_sets_expired, 1);
  EXPECT_EQ(Stats().subpacket_sets_pending, 0);
}

TEST_F(Hj212GatewayTest, EveryMnOnAConnectionAuthenticatesOnItsOwn) {
  StartGateway();
  auto station = Connect();
  // A's PW does not open B.
  Upload as_b;
  as_b.mn = kMnB;
  as_b.pw = kPwA;
  station->Send(Frame(as_b));
  ASSERT_TRUE(WaitFor([&] { return Rejected("PASSWORD_MISMATCH") == 1; }));
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnB, "'")), 0);

  // A data collector serving both devices sends each with its own PW.
  station->Send(Frame(Upload{}));
  ASSERT_TRUE(station->Next().has_value());
  Upload b;
  b.mn = kMnB;
  b.pw = kPwB;
  b.qn = "20261129095900008";
  station->Send(Frame(b));
  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->qn, "20261129095900008");
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnB, "'")), 2);
  EXPECT_EQ(Rows(absl::StrCat("mn = '", kMnA, "'")), 2);
}

TEST_F(Hj212GatewayTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  Hj212GatewayOptions options;
  options.max_connections = 1;
  StartGateway(options);
  auto first = Connect();
  ASSERT_TRUE(WaitFor([&] { return Stats().connections_open == 1; }));
  auto second = Connect();
  EXPECT_TRUE(second->WaitClosed());
  EXPECT_EQ(Stats().connections_refused, 1);
  ExpectNextAnswerIsHeartbeatAck(*first);
}

TEST_F(Hj212GatewayTest, StopClosesConnectionsAndMayBeCalledTwice) {
  StartGateway();
  auto station = Connect();
  ASSERT_TRUE(WaitFor([&] { return Stats().connections_open == 1; }));
  gateway_->Stop();
  EXPECT_TRUE(station->WaitClosed());
  gateway_->Stop();
  EXPECT_EQ(Stats().connections_open, 0);
  EXPECT_EQ(Closed("server_stop"), 1);
}

TEST_F(Hj212GatewayTest, UploadThatCannotBeStoredIsNotAnswered) {
  StartGateway();
  writer_->Stop();  // later Submits are refused
  auto station = Connect();
  station->Send(Frame(Upload{}));
  ASSERT_TRUE(WaitFor([&] { return Stats().store_failures == 1; }));
  ExpectNextAnswerIsHeartbeatAck(*station);
  EXPECT_EQ(Rows(), 0);
  EXPECT_EQ(Stats().data_acks_sent, 0);
}

TEST_F(Hj212GatewayTest, ConnectionPausedAtItsInFlightBoundAnswersEveryFrame) {
  Hj212GatewayOptions options;
  options.max_in_flight_per_connection = 1;
  StartGateway(options);
  auto station = Connect();
  std::string burst;
  std::vector<std::string> qns;
  for (int i = 0; i < 6; ++i) {
    Upload u;
    u.qn = absl::StrCat("2026112909590010", i);
    u.cp = absl::StrCat("DataTime=2026112909", 50 + i, "00;a21026-Avg=", i, ",a21026-Flag=N");
    qns.push_back(u.qn);
    burst += Frame(u);
  }
  station->Send(burst);  // one write: the frames arrive together
  std::vector<std::string> acked;
  for (int i = 0; i < 6; ++i) {
    std::optional<Answer> ack = station->Next();
    ASSERT_TRUE(ack.has_value()) << "answer " << i;
    acked.push_back(ack->qn);
  }
  EXPECT_THAT(acked, ::testing::UnorderedElementsAreArray(qns));
  EXPECT_EQ(Rows(), 6);
}

TEST_F(Hj212GatewayTest, StationsHeldBackByTheGatewayWideBoundAreAllAnswered) {
  Hj212GatewayOptions options;
  options.max_frames_in_flight = 1;
  StartGateway(options);
  std::vector<std::unique_ptr<Station>> stations;
  for (int s = 0; s < 3; ++s) {
    stations.push_back(Connect());
    std::string burst;
    for (int u = 0; u < 3; ++u) {
      Upload upload;
      upload.qn = absl::StrFormat("20261129095%d%02d000", s, u);
      upload.cp = absl::StrFormat("DataTime=202611290%d%02d00;a21026-Avg=1.0,a21026-Flag=N",
                                  7 + s, 10 + u);
      burst += Frame(upload);
    }
    stations.back()->Send(burst);
  }
  for (int s = 0; s < 3; ++s) {
    for (int u = 0; u < 3; ++u) {
      std::optional<Answer> ack = stations[s]->Next();
      ASSERT_TRUE(ack.has_value()) << "station " << s << " upload " << u;
      EXPECT_EQ(ack->cn, "9014");
    }
  }
  EXPECT_EQ(Rows(), 9);
  EXPECT_TRUE(WaitFor([&] { return Stats().frames_in_flight == 0; }));
}

TEST_F(Hj212GatewayTest, HalfClosedStationGetsItsAnswerBeforeTheConnectionCloses) {
  StartGateway();
  auto station = Connect();
  station->Send(Frame(Upload{}));
  station->ShutdownSend();
  std::optional<Answer> ack = station->Next();
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->cn, "9014");
  EXPECT_TRUE(station->WaitClosed());
  EXPECT_TRUE(WaitFor([&] { return Closed("peer_closed") == 1; }));
  EXPECT_EQ(Rows(), 2);
}

TEST_F(Hj212GatewayTest, ManyStationsAtOnceOnSeveralEventLoopThreads) {
  Hj212GatewayOptions options;
  options.io_threads = 3;
  options.worker_threads = 3;
  StartGateway(options);
  constexpr int kStations = 40;
  constexpr int kUploads = 5;
  std::vector<std::unique_ptr<Station>> stations;
  for (int s = 0; s < kStations; ++s) stations.push_back(Connect());
  const absl::CivilMinute first(2026, 11, 29, 6, 0);
  for (int u = 0; u < kUploads; ++u) {
    for (int s = 0; s < kStations; ++s) {
      Upload upload;
      upload.mn = s % 2 == 0 ? kMnA : kMnB;
      upload.pw = s % 2 == 0 ? kPwA : kPwB;
      upload.qn = absl::StrFormat("20261129%06d%03d", s, u);
      upload.cp = absl::StrCat("DataTime=", hj212::FormatHjTime(first + (s * kUploads + u)),
                               ";a21026-Avg=1.0,a21026-Flag=N;a21002-Avg=2.0,a21002-Flag=N");
      stations[s]->Send(Frame(upload));
    }
  }
  for (int s = 0; s < kStations; ++s) {
    for (int u = 0; u < kUploads; ++u) {
      std::optional<Answer> ack = stations[s]->Next();
      ASSERT_TRUE(ack.has_value()) << "station " << s << " upload " << u;
      EXPECT_EQ(ack->cn, "9014");
    }
  }
  EXPECT_EQ(Rows(), kStations * kUploads * 2);
  EXPECT_TRUE(WaitFor([&] { return Stats().data_acks_sent == kStations * kUploads; }));
  Hj212GatewayStats stats = Stats();
  EXPECT_EQ(stats.connections_open, kStations);
  EXPECT_EQ(Hj212GatewayStats::Total(stats.frames_rejected), 0);
}

TEST(Hj212GatewayOptionsTest, RejectsOptionsOutOfRange) {
  Hj212GatewayOptions options;
  EXPECT_THAT(ValidateHj212GatewayOptions(options), IsOk());
  options.max_unaccepted_bytes = 1000;
  EXPECT_THAT(ValidateHj212GatewayOptions(options),
              ::ecocase::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  options = {};
  options.io_threads = 0;
  EXPECT_THAT(ValidateHj212GatewayOptions(options),
              ::ecocase::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ecocase::ingest
