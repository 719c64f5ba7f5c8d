// bench_echo_server: the callback-API Sum(a, b) service of perf-reliability.md §1.1, the
// gRPC ceiling of this machine that G7 divides the gateway's packet rate by. Prints
// "bench_echo_server listening on HOST:PORT", serves until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"

namespace {

class EchoService final : public ecocase::bench::Echo::CallbackService {
  grpc::ServerUnaryReactor* Sum(grpc::CallbackServerContext* context,
                                const ecocase::bench::SumRequest* request,
                                ecocase::bench::SumReply* reply) override {
    reply->set_sum(request->a() + request->b());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_echo_server — callback-API gRPC echo (Sum) for the ingest benchmarks"};
  std::string listen = "127.0.0.1:0";
  app.add_option("--listen", listen, "HOST:PORT; port 0 picks a free one")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  EchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "bench_echo_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  const std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("bench_echo_server listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown();
  return 0;
}
