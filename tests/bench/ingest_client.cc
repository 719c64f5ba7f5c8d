// bench_ingest_client: G4 side A. Signs in as the STATION account and sends
// MonitoringService.IngestReadings from `--threads` threads, each waiting for its answer
// (the server answers after COMMIT) before sending its next batch. Readings answered
// within the measured window count. Prints one JSON line: {"threads":..,"readings_per_rpc":..,
// "elapsed_s":..,"rpcs":..,"readings":..,"readings_per_s":..,"failed_rpcs":..,"rejected":..,
// "p50_ms":..,"p99_ms":..}; exit 1 if an RPC failed or a reading was rejected.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_readings.h"
#include "ecocase/v1/auth.grpc.pb.h"
#include "ecocase/v1/monitoring.grpc.pb.h"

namespace {

namespace v1 = ecocase::v1;
using ecocase::bench::ReadingPlan;

struct Flags {
  std::string server = "127.0.0.1:50051";
  std::string user = "bench-station";
  std::string password = "bench-station-password";
  std::string mn_prefix = "4108A0";
  int devices = 4;
  int threads = 4;
  int readings_per_rpc = 1000;
  int64_t base_unix = 0;
  int round = 0;
  double warmup_s = 1;
  double duration_s = 5;
};

struct ThreadResult {
  int64_t rpcs = 0;      // answered OK within the window
  int64_t readings = 0;  // accepted by those
  int64_t failed = 0;    // any time
  int64_t rejected = 0;  // any time
  std::vector<double> latencies_ms;  // of the measured RPCs
  std::string first_error;
};

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

v1::IngestReadingsRequest Request(const ReadingPlan& plan, int round, int stream,
                                  int64_t batch) {
  v1::IngestReadingsRequest request;
  for (const auto& r : ecocase::bench::Batch(plan, round, stream, batch)) {
    v1::Reading* out = request.add_readings();
    out->set_mn(r.mn);
    out->set_pollutant(std::string(r.pollutant));
    out->set_kind(v1::READING_KIND_REALTIME);
    out->mutable_data_time()->set_seconds(absl::ToUnixSeconds(r.data_time));
    out->set_value(r.value);
  }
  return request;
}

void RunStream(const Flags& f, const ReadingPlan& plan, const std::string& token, int stream,
               absl::Time measure_from, absl::Time measure_until, ThreadResult& result) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
  args.SetMaxSendMessageSize(64 << 20);
  auto stub = v1::MonitoringService::NewStub(
      grpc::CreateCustomChannel(f.server, grpc::InsecureChannelCredentials(), args));
  const int64_t batches = ecocase::bench::BatchesPerRound(plan);
  for (int64_t batch = 0; absl::Now() < measure_until; ++batch) {
    if (batch >= batches) {
      result.first_error = "the round's data-time span is used up; lower --duration";
      ++result.failed;
      return;
    }
    const v1::IngestReadingsRequest request = Request(plan, f.round, stream, batch);
    v1::IngestReadingsResponse response;
    auto ctx = Context(token);
    const absl::Time sent = absl::Now();
    const grpc::Status status = stub->IngestReadings(ctx.get(), request, &response);
    const absl::Time answered = absl::Now();
    if (!status.ok()) {
      if (result.first_error.empty()) result.first_error = status.error_message();
      ++result.failed;
      continue;
    }
    result.rejected += response.rejections_size();
    if (response.rejections_size() > 0 && result.first_error.empty()) {
      result.first_error = "rejected: " + response.rejections(0).reason();
    }
    if (answered >= measure_from && answered <= measure_until) {
      ++result.rpcs;
      result.readings += response.accepted_count();
      result.latencies_ms.push_back(absl::ToDoubleMilliseconds(answered - sent));
    }
  }
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

int Run(const Flags& f) {
  if (f.threads > f.devices) {
    std::fprintf(stderr, "bench_ingest_client: --threads must not exceed --devices\n");
    return 64;
  }
  std::string token;
  {
    auto auth = v1::AuthService::NewStub(
        grpc::CreateChannel(f.server, grpc::InsecureChannelCredentials()));
    v1::LoginRequest request;
    request.set_username(f.user);
    request.set_password(f.password);
    v1::LoginResponse response;
    auto ctx = Context("");
    grpc::Status s = auth->Login(ctx.get(), request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "bench_ingest_client: Login: %s\n", s.error_message().c_str());
      return 1;
    }
    token = response.access_token();
  }
  ReadingPlan plan;
  plan.mn_prefix = f.mn_prefix;
  plan.devices = f.devices;
  plan.base = absl::FromUnixSeconds(f.base_unix);
  plan.readings_per_batch = f.readings_per_rpc;

  const absl::Time measure_from = absl::Now() + absl::Seconds(f.warmup_s);
  const absl::Time measure_until = measure_from + absl::Seconds(f.duration_s);
  std::vector<ThreadResult> results(static_cast<size_t>(f.threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < f.threads; ++t) {
    threads.emplace_back(RunStream, std::cref(f), std::cref(plan), std::cref(token), t,
                         measure_from, measure_until, std::ref(results[static_cast<size_t>(t)]));
  }
  for (auto& t : threads) t.join();

  ThreadResult all;
  for (ThreadResult& r : results) {
    all.rpcs += r.rpcs;
    all.readings += r.readings;
    all.failed += r.failed;
    all.rejected += r.rejected;
    all.latencies_ms.insert(all.latencies_ms.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    if (all.first_error.empty()) all.first_error = r.first_error;
  }
  std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
  if (!all.first_error.empty()) {
    std::fprintf(stderr, "bench_ingest_client: %s\n", all.first_error.c_str());
  }
  std::printf("%s\n",
              absl::StrFormat("{\"threads\":%d,\"readings_per_rpc\":%d,\"elapsed_s\":%.3f,"
                              "\"rpcs\":%d,\"readings\":%d,\"readings_per_s\":%.1f,"
                              "\"failed_rpcs\":%d,\"rejected\":%d,\"p50_ms\":%.2f,"
                              "\"p99_ms\":%.2f}",
                              f.threads, f.readings_per_rpc, f.duration_s, all.rpcs,
                              all.readings, static_cast<double>(all.readings) / f.duration_s,
                              all.failed, all.rejected, Percentile(all.latencies_ms, 0.5),
                              Percentile(all.latencies_ms, 0.99))
                  .c_str());
  return all.failed == 0 && all.rejected == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_ingest_client — G4 load: IngestReadings from concurrent threads"};
  Flags f;
  app.add_option("--server", f.server, "HOST:PORT of ecocase-server (plaintext)")
      ->capture_default_str();
  app.add_option("--user", f.user, "STATION account")->capture_default_str();
  app.add_option("--password", f.password, "its password")->capture_default_str();
  app.add_option("--mn-prefix", f.mn_prefix, "MN prefix of its devices (bench_setup)")
      ->capture_default_str();
  app.add_option("--devices", f.devices, "devices on the account")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--threads", f.threads, "concurrent clients, one device each")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--readings-per-rpc", f.readings_per_rpc, "readings in one IngestReadings")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  app.add_option("--base-unix", f.base_unix,
                 "first data time (Unix seconds) of round 0; rounds follow a day apart")
      ->required();
  app.add_option("--round", f.round, "round number: which day of data times to write")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--warmup", f.warmup_s, "seconds of load before the measurement")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--duration", f.duration_s, "seconds measured")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(f);
}
