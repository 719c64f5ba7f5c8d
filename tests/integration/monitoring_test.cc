// MonitoringService against the real database through the real Application: the gRPC
// ingest door (batch and stream) acknowledges only stored readings, duplicates are no-ops,
// a STATION account reports only for its own devices, and reads are scoped and paginated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/proto_convert.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "ecocase/v1/monitoring.grpc.pb.h"
#include "testing/test_app.h"
#include "testing/uscc.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;
using ::ecocase::testing::ValidUscc;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

const std::string kPlant = ValidUscc("91410802MA3Y00001");   // 解放区
const std::string kOther = ValidUscc("91410803MA3Y00002");   // 中站区
constexpr char kDeviceA[] = "41080200000001DA001A";
constexpr char kDeviceB[] = "41080200000001DA001B";
constexpr char kUnbound[] = "41080300000002DA001C";

std::string PlantOutlet() { return absl::StrCat("enterprises/", kPlant, "/outlets/DA001"); }

class MonitoringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = TestApp::Start("mon");
    ASSERT_NE(app_, nullptr);
    registry_ = v1::EnterpriseService::NewStub(app_->channel());
    monitoring_ = v1::MonitoringService::NewStub(app_->channel());
    admin_ = app_->AdminToken();
    app_->CreateEnterprise(kPlant, "410802", "焦作市某某热电有限公司");
    app_->CreateEnterprise(kOther, "410803", "焦作市某某水泥有限公司");
    app_->CreateOutlet(kPlant, "DA001", {"a21026", "a21002"});
    app_->CreateOutlet(kOther, "DA001", {"a21026", "a21002"});
    Bind(PlantOutlet(), kDeviceA);
    Bind(PlantOutlet(), kDeviceB);
    Bind(absl::StrCat("enterprises/", kOther, "/outlets/DA001"), kUnbound);
    Unbind(kUnbound);
    station_ = CreateStation("station-a", {kDeviceA, kUnbound});
  }

  void Bind(const std::string& outlet, const std::string& mn) {
    v1::BindDeviceRequest request;
    request.set_outlet(outlet);
    request.set_mn(mn);
    request.set_device_password("123456");
    v1::Device out;
    auto ctx = TestApp::Context(admin_);
    grpc::Status s = registry_->BindDevice(ctx.get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Unbind(const std::string& mn) {
    v1::UnbindDeviceRequest request;
    request.set_name(absl::StrCat("devices/", mn));
    v1::Device out;
    auto ctx = TestApp::Context(admin_);
    grpc::Status s = registry_->UnbindDevice(ctx.get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string CreateStation(const std::string& username, const std::vector<std::string>& mns) {
    v1::CreateUserRequest request;
    v1::User* u = request.mutable_user();
    u->set_username(username);
    u->set_display_name("在线监测数据采集");
    u->set_role(v1::ROLE_STATION);
    u->add_district_codes("410800");
    for (const std::string& mn : mns) u->add_device_mns(mn);
    request.set_password(absl::StrCat("password-", username));
    v1::User out;
    auto ctx = TestApp::Context(admin_);
    grpc::Status s = app_->auth().CreateUser(ctx.get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return app_->Login(username, absl::StrCat("password-", username));
  }

  // A real-time reading `minutes_ago` before the (fake) now, on a whole minute.
  v1::Reading Realtime(const std::string& mn, const std::string& pollutant, int minutes_ago,
                       double value) {
    absl::Time t = absl::FromUnixSeconds(
        absl::ToUnixSeconds(app_->clock().Now()) / 60 * 60 - 60 * minutes_ago);
    v1::Reading r;
    r.set_mn(mn);
    r.set_pollutant(pollutant);
    r.set_kind(v1::READING_KIND_REALTIME);
    *r.mutable_data_time() = api::ToTimestamp(t);
    r.set_value(value);
    return r;
  }

  grpc::Status Ingest(const std::string& token, const std::vector<v1::Reading>& readings,
                      v1::IngestReadingsResponse* out) {
    v1::IngestReadingsRequest request;
    for (const v1::Reading& r : readings) *request.add_readings() = r;
    auto ctx = TestApp::Context(token);
    return monitoring_->IngestReadings(ctx.get(), request, out);
  }

  // Every reading of the plant's outlet `token` sees, page by page.
  std::vector<v1::Reading> ListAll(const std::string& token, v1::ListReadingsRequest request) {
    std::vector<v1::Reading> all;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ListReadingsResponse response;
      auto ctx = TestApp::Context(token);
      grpc::Status s = monitoring_->ListReadings(ctx.get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), response.readings().begin(), response.readings().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  std::vector<v1::Reading> PlantReadings() {
    v1::ListReadingsRequest request;
    request.set_outlet(PlantOutlet());
    return ListAll(admin_, request);
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::EnterpriseService::Stub> registry_;
  std::unique_ptr<v1::MonitoringService::Stub> monitoring_;
  std::string admin_;
  std::string station_;
};

TEST_F(MonitoringTest, BatchIsStoredAndAResendAddsNothing) {
  std::vector<v1::Reading> batch = {Realtime(kDeviceA, "a21026", 3, 35.2),
                                    Realtime(kDeviceA, "a21002", 3, 80.5),
                                    Realtime(kDeviceA, "a21026", 2, 36.0)};
  v1::IngestReadingsResponse response;
  ASSERT_TRUE(Ingest(station_, batch, &response).ok());
  EXPECT_EQ(response.accepted_count(), 3);
  EXPECT_THAT(response.rejections(), IsEmpty());

  // The same readings again (a client unsure whether the first call arrived), then a
  // back-fill of one of them with another value: accepted, nothing added or changed.
  ASSERT_TRUE(Ingest(station_, batch, &response).ok());
  EXPECT_EQ(response.accepted_count(), 3);
  v1::Reading resent = batch[0];
  resent.set_value(99.9);
  resent.set_backfilled(true);
  ASSERT_TRUE(Ingest(station_, {resent}, &response).ok());

  std::vector<v1::Reading> stored = PlantReadings();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].pollutant(), "a21002");  // same data time: by factor code
  EXPECT_EQ(stored[1].pollutant(), "a21026");
  EXPECT_DOUBLE_EQ(stored[1].value(), 35.2);
  EXPECT_FALSE(stored[1].backfilled());
  EXPECT_EQ(stored[1].outlet(), PlantOutlet());
  EXPECT_EQ(stored[1].source(), "GRPC");
  EXPECT_EQ(stored[1].flag(), "N");
  EXPECT_EQ(stored[2].data_time().seconds() - stored[1].data_time().seconds(), 60);
}

TEST_F(MonitoringTest, EachBadReadingIsRefusedWithItsReasonAndTheRestStored) {
  v1::Reading future = Realtime(kDeviceA, "a21026", -60, 1);
  v1::Reading ancient = Realtime(kDeviceA, "a21026", 60 * 24 * 400, 1);
  v1::Reading no_value = Realtime(kDeviceA, "a21026", 5, 1);
  no_value.clear_value();
  v1::Reading bad_code = Realtime(kDeviceA, "SO2 ", 5, 1);
  v1::Reading no_kind = Realtime(kDeviceA, "a21026", 6, 1);
  no_kind.set_kind(v1::READING_KIND_UNSPECIFIED);
  v1::Reading fraction = Realtime(kDeviceA, "a21026", 7, 1);
  fraction.mutable_data_time()->set_nanos(500000000);
  std::vector<v1::Reading> batch = {
      Realtime(kDeviceA, "a21026", 1, 30.0),  // fine
      Realtime(kDeviceB, "a21026", 1, 30.0),  // bound, but not on this account
      Realtime("NOSUCHDEVICE01", "a21026", 1, 30.0),
      Realtime(kUnbound, "a21026", 1, 30.0),  // on the account, bound to no outlet
      future, ancient, no_value, bad_code, no_kind, fraction};
  v1::IngestReadingsResponse response;
  ASSERT_TRUE(Ingest(station_, batch, &response).ok());
  EXPECT_EQ(response.accepted_count(), 1);
  std::vector<std::pair<int, std::string>> reasons;
  for (const auto& r : response.rejections()) reasons.emplace_back(r.index(), r.reason());
  EXPECT_THAT(reasons, ElementsAre(std::pair(1, "UNKNOWN_DEVICE"), std::pair(2, "UNKNOWN_DEVICE"),
                                   std::pair(3, "DEVICE_UNBOUND"),
                                   std::pair(4, "DATA_TIME_IN_FUTURE"),
                                   std::pair(5, "DATA_TIME_TOO_OLD"), std::pair(6, "NO_VALUE"),
                                   std::pair(7, "BAD_POLLUTANT"), std::pair(8, "BAD_KIND"),
                                   std::pair(9, "BAD_DATA_TIME")));
  EXPECT_EQ(PlantReadings().size(), 1u);
}

TEST_F(MonitoringTest, OnlyStationsIngestAndOnlyWithinLimits) {
  v1::IngestReadingsResponse response;
  EXPECT_EQ(Ingest(admin_, {Realtime(kDeviceA, "a21026", 1, 1)}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Ingest(station_, {}, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<v1::Reading> too_many(5001, Realtime(kDeviceA, "a21026", 1, 1));
  EXPECT_EQ(Ingest(station_, too_many, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(PlantReadings(), IsEmpty());
}

TEST_F(MonitoringTest, AStationsDevicesChangeWithItsAccount) {
  v1::UpdateUserRequest request;
  request.mutable_user()->set_name("users/station-a");
  request.mutable_user()->add_device_mns(kDeviceB);
  request.mutable_update_mask()->add_paths("device_mns");
  v1::User updated;
  auto ctx = TestApp::Context(admin_);
  grpc::Status s = app_->auth().UpdateUser(ctx.get(), request, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(updated.device_mns(), ElementsAre(kDeviceB));

  // The same session: the next call already sees the new list.
  v1::IngestReadingsResponse response;
  ASSERT_TRUE(Ingest(station_, {Realtime(kDeviceA, "a21026", 1, 1), Realtime(kDeviceB, "a21026", 1, 2)},
                     &response)
                  .ok());
  EXPECT_EQ(response.accepted_count(), 1);
  ASSERT_EQ(response.rejections_size(), 1);
  EXPECT_EQ(response.rejections(0).index(), 0);
  EXPECT_EQ(response.rejections(0).reason(), "UNKNOWN_DEVICE");
}

TEST_F(MonitoringTest, StreamStoresEveryMessageBeforeItAnswers) {
  auto ctx = TestApp::Context(station_);
  v1::IngestReadingsResponse response;
  auto writer = monitoring_->StreamReadings(ctx.get(), &response);
  for (int m = 0; m < 5; ++m) {
    v1::IngestReadingsRequest request;
    for (int i = 0; i < 20; ++i) {
      *request.add_readings() = Realtime(kDeviceA, "a21026", 1 + m * 20 + i, 10 + i);
    }
    if (m == 2) *request.add_readings() = Realtime(kDeviceB, "a21026", 1, 1);
    ASSERT_TRUE(writer->Write(request));
  }
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.accepted_count(), 100);
  ASSERT_EQ(response.rejections_size(), 1);
  EXPECT_EQ(response.rejections(0).index(), 60);  // counted over the whole stream
  EXPECT_EQ(response.rejections(0).reason(), "UNKNOWN_DEVICE");
  EXPECT_EQ(PlantReadings().size(), 100u);
}

TEST_F(MonitoringTest, ReadsAreScopedFilteredAndPaginated) {
  std::vector<v1::Reading> batch;
  for (int i = 0; i < 7; ++i) {
    batch.push_back(Realtime(kDeviceA, "a21026", 10 - i, 20 + i));
    batch.push_back(Realtime(kDeviceA, "a21002", 10 - i, 50 + i));
  }
  v1::IngestReadingsResponse response;
  ASSERT_TRUE(Ingest(station_, batch, &response).ok());

  v1::ListReadingsRequest request;
  request.set_outlet(PlantOutlet());
  request.set_pollutant("a21026");
  request.set_page_size(3);
  std::vector<v1::Reading> so2 = ListAll(admin_, request);
  ASSERT_EQ(so2.size(), 7u);
  for (size_t i = 0; i < so2.size(); ++i) EXPECT_DOUBLE_EQ(so2[i].value(), 20 + i);

  // A time window: data time in [now-6min, now-3min).
  absl::Time minute = absl::FromUnixSeconds(
      absl::ToUnixSeconds(app_->clock().Now()) / 60 * 60);
  *request.mutable_start_time() = api::ToTimestamp(minute - absl::Minutes(6));
  *request.mutable_end_time() = api::ToTimestamp(minute - absl::Minutes(3));
  EXPECT_EQ(ListAll(admin_, request).size(), 3u);

  // The enterprise reads its own outlet; another enterprise's account and an officer of
  // another district get NOT_FOUND, the same as for an outlet that does not exist.
  std::string own = app_->CreateUserAndLogin("plant-user", v1::ROLE_ENTERPRISE, {}, kPlant);
  std::string other = app_->CreateUserAndLogin("other-user", v1::ROLE_ENTERPRISE, {}, kOther);
  std::string zhongzhan = app_->CreateUserAndLogin("zz-officer", v1::ROLE_OFFICER, {"410803"});
  v1::ListReadingsRequest mine;
  mine.set_outlet(PlantOutlet());
  EXPECT_EQ(ListAll(own, mine).size(), 14u);
  for (const std::string& token : {other, zhongzhan}) {
    v1::ListReadingsResponse out;
    auto ctx = TestApp::Context(token);
    EXPECT_EQ(monitoring_->ListReadings(ctx.get(), mine, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  v1::ListReadingsRequest absent;
  absent.set_outlet(absl::StrCat("enterprises/", kPlant, "/outlets/DA009"));
  v1::ListReadingsResponse out;
  auto ctx = TestApp::Context(admin_);
  EXPECT_EQ(monitoring_->ListReadings(ctx.get(), absent, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace ecocase
