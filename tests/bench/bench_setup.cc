// bench_setup: registers what the ingest benchmarks send for, through the public API as an
// ADMIN would: one enterprise; one outlet per gRPC device, bound, and a STATION account
// listing those devices (G4); HJ 212 devices bound a few to an outlet with one shared PW
// (G7). Prints one JSON line with the counts and the time it took; exit 1 on any error.
// The ADMIN password comes from the environment (ECOCASE_BOOTSTRAP_ADMIN_PASSWORD).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_readings.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "testing/uscc.h"

namespace {

namespace v1 = ecocase::v1;

struct Flags {
  std::string server = "127.0.0.1:50051";
  std::string admin_user = "admin";
  std::string admin_password_env = "ECOCASE_BOOTSTRAP_ADMIN_PASSWORD";
  int grpc_devices = 4;
  std::string grpc_mn_prefix = "4108A0";
  std::string station_user = "bench-station";
  std::string station_password = "bench-station-password";
  int hj212_devices = 300;
  std::string hj212_mn_prefix = "4108B0";
  std::string hj212_pw = "123456";
  int devices_per_outlet = 10;
};

// Outlet codes: DA001.. for the gRPC devices, DA100.. for the HJ 212 ones.
constexpr int kFirstHj212Outlet = 100;
constexpr int kMaxOutletNumber = 999;

class Registrar {
 public:
  explicit Registrar(std::shared_ptr<grpc::Channel> channel)
      : auth_(v1::AuthService::NewStub(channel)),
        registry_(v1::EnterpriseService::NewStub(channel)) {}

  bool Login(const std::string& user, const std::string& password) {
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    v1::LoginResponse response;
    auto ctx = Context();
    if (!Check("Login", auth_->Login(ctx.get(), request, &response))) return false;
    token_ = response.access_token();
    return true;
  }

  bool CreateEnterprise(const std::string& uscc) {
    v1::CreateEnterpriseRequest request;
    v1::Enterprise* e = request.mutable_enterprise();
    e->set_uscc(uscc);
    e->set_display_name("焦作市基准测试热电有限公司");
    e->set_address("焦作市解放区测试路 1 号");
    e->set_district_code("410802");
    e->set_industry_code("D4411");
    e->set_management_class(v1::MANAGEMENT_CLASS_KEY);
    v1::Enterprise out;
    auto ctx = Context();
    return Check("CreateEnterprise", registry_->CreateEnterprise(ctx.get(), request, &out));
  }

  bool CreateOutlet(const std::string& uscc, const std::string& code) {
    v1::CreateOutletRequest request;
    request.set_parent("enterprises/" + uscc);
    request.mutable_outlet()->set_code(code);
    request.mutable_outlet()->set_display_name(absl::StrCat(code, " 号排放口"));
    for (absl::string_view pollutant : ecocase::bench::kPollutants) {
      request.mutable_outlet()->add_pollutant_codes(std::string(pollutant));
    }
    v1::Outlet out;
    auto ctx = Context();
    return Check("CreateOutlet " + code, registry_->CreateOutlet(ctx.get(), request, &out));
  }

  bool BindDevice(const std::string& uscc, const std::string& code, const std::string& mn,
                  const std::string& pw) {
    v1::BindDeviceRequest request;
    request.set_outlet(absl::StrCat("enterprises/", uscc, "/outlets/", code));
    request.set_mn(mn);
    request.set_device_password(pw);
    request.mutable_protocol()->set_version(v1::DeviceProtocol::VERSION_2017);
    v1::Device out;
    auto ctx = Context();
    return Check("BindDevice " + mn, registry_->BindDevice(ctx.get(), request, &out));
  }

  bool CreateStation(const Flags& f) {
    v1::CreateUserRequest request;
    v1::User* u = request.mutable_user();
    u->set_username(f.station_user);
    u->set_display_name("基准测试数据采集");
    u->set_role(v1::ROLE_STATION);
    u->add_district_codes("410800");
    for (int d = 1; d <= f.grpc_devices; ++d) {
      u->add_device_mns(ecocase::bench::DeviceMn(f.grpc_mn_prefix, d));
    }
    request.set_password(f.station_password);
    v1::User out;
    auto ctx = Context();
    return Check("CreateUser", auth_->CreateUser(ctx.get(), request, &out));
  }

 private:
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  }

  static bool Check(const std::string& what, const grpc::Status& status) {
    if (status.ok()) return true;
    std::fprintf(stderr, "bench_setup: %s: %s (code %d)\n", what.c_str(),
                 status.error_message().c_str(), static_cast<int>(status.error_code()));
    return false;
  }

  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::EnterpriseService::Stub> registry_;
  std::string token_;
};

int Run(const Flags& f) {
  const char* admin_password = std::getenv(f.admin_password_env.c_str());
  if (admin_password == nullptr || *admin_password == '\0') {
    std::fprintf(stderr, "bench_setup: %s is not set\n", f.admin_password_env.c_str());
    return 1;
  }
  const int hj212_outlets = (f.hj212_devices + f.devices_per_outlet - 1) / f.devices_per_outlet;
  if (kFirstHj212Outlet + hj212_outlets - 1 > kMaxOutletNumber) {
    std::fprintf(stderr, "bench_setup: more than %d HJ 212 outlets; raise --devices-per-outlet\n",
                 kMaxOutletNumber - kFirstHj212Outlet + 1);
    return 1;
  }
  const absl::Time start = absl::Now();
  Registrar registrar(grpc::CreateChannel(f.server, grpc::InsecureChannelCredentials()));
  if (!registrar.Login(f.admin_user, admin_password)) return 1;
  const std::string uscc = ecocase::testing::ValidUscc("91410802MA3BENCH1");
  if (!registrar.CreateEnterprise(uscc)) return 1;

  int outlets = 0;
  for (int d = 1; d <= f.grpc_devices; ++d) {
    const std::string code = absl::StrFormat("DA%03d", d);
    if (!registrar.CreateOutlet(uscc, code)) return 1;
    ++outlets;
    // gRPC collectors authenticate by account; the device PW is unused but required.
    if (!registrar.BindDevice(uscc, code, ecocase::bench::DeviceMn(f.grpc_mn_prefix, d),
                              f.hj212_pw)) {
      return 1;
    }
  }
  if (f.grpc_devices > 0 && !registrar.CreateStation(f)) return 1;

  std::string code;
  for (int d = 1; d <= f.hj212_devices; ++d) {
    if ((d - 1) % f.devices_per_outlet == 0) {
      code = absl::StrFormat("DA%03d", kFirstHj212Outlet + (d - 1) / f.devices_per_outlet);
      if (!registrar.CreateOutlet(uscc, code)) return 1;
      ++outlets;
    }
    if (!registrar.BindDevice(uscc, code, ecocase::bench::DeviceMn(f.hj212_mn_prefix, d),
                              f.hj212_pw)) {
      return 1;
    }
  }
  std::printf("%s\n", absl::StrFormat("{\"enterprises\":1,\"outlets\":%d,\"grpc_devices\":%d,"
                                      "\"hj212_devices\":%d,\"elapsed_s\":%.3f}",
                                      outlets, f.grpc_devices, f.hj212_devices,
                                      absl::ToDoubleSeconds(absl::Now() - start))
                          .c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_setup — registers the ingest benchmarks' enterprise, outlets, devices "
               "and STATION account through the gRPC API"};
  Flags f;
  app.add_option("--server", f.server, "HOST:PORT of ecocase-server (plaintext)")
      ->capture_default_str();
  app.add_option("--admin-user", f.admin_user, "an ADMIN account")->capture_default_str();
  app.add_option("--admin-password-env", f.admin_password_env,
                 "environment variable holding its password")
      ->capture_default_str();
  app.add_option("--grpc-devices", f.grpc_devices,
                 "devices for IngestReadings, one outlet each, all on the STATION account")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  app.add_option("--grpc-mn-prefix", f.grpc_mn_prefix, "MN prefix of those devices")
      ->capture_default_str();
  app.add_option("--station-user", f.station_user, "the STATION account to create")
      ->capture_default_str();
  app.add_option("--station-password", f.station_password, "its password (10-128 characters)")
      ->capture_default_str();
  app.add_option("--hj212-devices", f.hj212_devices, "devices for the HJ 212 gateway")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--hj212-mn-prefix", f.hj212_mn_prefix,
                 "their MN prefix (the same as hj212sim --mn-prefix)")
      ->capture_default_str();
  app.add_option("--hj212-pw", f.hj212_pw, "their shared PW (hj212sim --pw)")
      ->capture_default_str();
  app.add_option("--devices-per-outlet", f.devices_per_outlet, "HJ 212 devices bound per outlet")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(f);
}
