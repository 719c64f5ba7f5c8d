// bench_echo_client: closed-loop load on bench_echo_server with the callback client API —
// `--channels` connections, `--inflight` calls outstanding on each, every completed call
// replaced by the next at once (as h2load -c 4 -m 16 in perf-reliability.md §2.1). Prints
// one JSON line: {"channels":..,"inflight":..,"elapsed_s":..,"rpcs":..,"failed":..,
// "rpcs_per_s":..}; exit 1 if any call failed.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "echo.grpc.pb.h"

namespace {

struct Counters {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
  std::atomic<bool> stop{false};
  std::atomic<int> stopped{0};  // callers that saw `stop` and issued no more
};

// One call outstanding at a time; the completion callback issues the next.
class Caller {
 public:
  Caller(ecocase::bench::Echo::Stub& stub, Counters& counters)
      : stub_(stub), counters_(counters) {}

  void Issue() {
    // A context serves one call; the previous one is done when this runs.
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    request_.set_a(++sequence_);
    request_.set_b(1);
    stub_.async()->Sum(context_.get(), &request_, &reply_,
                       [this](grpc::Status status) { Done(status); });
  }

 private:
  void Done(const grpc::Status& status) {
    if (status.ok() && reply_.sum() == request_.a() + 1) {
      counters_.ok.fetch_add(1, std::memory_order_relaxed);
    } else {
      counters_.failed.fetch_add(1, std::memory_order_relaxed);
    }
    if (counters_.stop.load()) {
      ++counters_.stopped;
      return;
    }
    Issue();
  }

  ecocase::bench::Echo::Stub& stub_;
  Counters& counters_;
  std::unique_ptr<grpc::ClientContext> context_;
  ecocase::bench::SumRequest request_;
  ecocase::bench::SumReply reply_;
  int64_t sequence_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_echo_client — closed-loop callback-API load on bench_echo_server"};
  std::string server = "127.0.0.1:50551";
  int channels = 4;
  int inflight = 16;
  double warmup_s = 1;
  double duration_s = 5;
  app.add_option("--server", server, "HOST:PORT of bench_echo_server")->capture_default_str();
  app.add_option("--channels", channels, "connections (h2load -c)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--inflight", inflight, "calls outstanding per connection (h2load -m)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--warmup", warmup_s, "seconds of load before the measurement")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--duration", duration_s, "seconds measured")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::unique_ptr<ecocase::bench::Echo::Stub>> stubs;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    // Its own subchannel pool gives every channel its own TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::fprintf(stderr, "bench_echo_client: cannot connect to %s\n", server.c_str());
      return 1;
    }
    stubs.push_back(ecocase::bench::Echo::NewStub(channel));
  }

  Counters counters;
  std::vector<std::unique_ptr<Caller>> callers;
  for (int c = 0; c < channels; ++c) {
    for (int i = 0; i < inflight; ++i) {
      callers.push_back(std::make_unique<Caller>(*stubs[static_cast<size_t>(c)], counters));
    }
  }
  for (auto& caller : callers) caller->Issue();

  absl::SleepFor(absl::Seconds(warmup_s));
  const int64_t ok_before = counters.ok.load();
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(duration_s));
  const int64_t ok_after = counters.ok.load();
  const absl::Duration elapsed = absl::Now() - start;
  counters.stop = true;
  // Every caller stops after its current call; all must be done before `callers` goes.
  const absl::Time give_up = absl::Now() + absl::Seconds(15);
  while (counters.stopped.load() != static_cast<int>(callers.size())) {
    if (absl::Now() > give_up) {
      std::fprintf(stderr, "bench_echo_client: calls did not finish\n");
      std::_Exit(1);  // callbacks may still reference `callers`
    }
    absl::SleepFor(absl::Milliseconds(10));
  }

  const int64_t rpcs = ok_after - ok_before;
  const double seconds = absl::ToDoubleSeconds(elapsed);
  std::printf("%s\n",
              absl::StrFormat("{\"channels\":%d,\"inflight\":%d,\"elapsed_s\":%.3f,\"rpcs\":%d,"
                              "\"failed\":%d,\"rpcs_per_s\":%.1f}",
                              channels, inflight, seconds, rpcs, counters.failed.load(),
                              static_cast<double>(rpcs) / seconds)
                  .c_str());
  return counters.failed.load() == 0 ? 0 : 1;
}
