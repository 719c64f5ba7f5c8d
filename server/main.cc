// ecocase-server: wiring only. config -> pool -> migrations -> repositories -> services
// -> server; then wait for SIGTERM/SIGINT and shut down gracefully.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/health_monitor.h"
#include "api/server.h"
#include "api/system_service.h"
#include "api/test_hook_service.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "common/server_config.h"
#include "common/sweep_scheduler.h"
#include "domain/working_calendar.h"
#include "storage/mysql/connection_pool.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_lease_store.h"
#include "storage/mysql/mysql_system_repository.h"

namespace {

using ecocase::common::Log;
using ecocase::common::LogLevel;

int Fail(absl::string_view what, const absl::Status& status) {
  Log(LogLevel::kError, "startup_failed").Str("step", what).Str("error", status.ToString());
  std::cerr << "ecocase-server: " << what << ": " << status.message() << "\n";
  return 2;
}

LogLevel ParseLevel(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

ecocase::storage::DbOptions DbOptionsFrom(const ecocase::common::ServerConfig& c) {
  ecocase::storage::DbOptions o;
  o.host = c.db_host;
  o.port = c.db_port;
  o.socket = c.db_socket;
  o.user = c.db_user;
  o.password = c.db_password;
  o.schema = c.db_name;
  o.pool_size = c.db_pool_size;
  o.acquire_timeout = c.db_acquire_timeout;
  o.connect_timeout = c.db_connect_timeout;
  o.io_timeout = c.db_io_timeout;
  return o;
}

absl::StatusOr<ecocase::domain::WorkingCalendar> LoadCalendar(const std::string& file) {
  if (file.empty()) return ecocase::domain::DefaultWorkingCalendar();
  auto text = ecocase::common::ReadFileToString(file);
  if (!text.ok()) return text.status();
  auto schedule = ecocase::domain::ParseHolidaySchedule(*text);
  if (!schedule.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", schedule.status().message()));
  }
  return ecocase::domain::DefaultWorkingCalendar({*std::move(schedule)});
}

// The database may start after us (systemd, compose): keep trying for a bounded time.
absl::Status WaitForDatabase(ecocase::storage::mysql::ConnectionPool& pool,
                             absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::Status s = pool.Probe();
    if (s.ok() || absl::Now() >= deadline) return s;
    Log(LogLevel::kWarning, "waiting_for_database").Str("error", s.message());
    absl::SleepFor(absl::Seconds(1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread; one thread below waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const auto& keys = ecocase::common::ServerConfigKeys();
  auto raw = ecocase::common::Config::Load(keys, std::vector<std::string>(argv + 1, argv + argc),
                                          ecocase::common::ProcessEnv());
  if (!raw.ok()) return Fail("configuration", raw.status());
  if (raw->help_requested()) {
    std::cout << "Usage: ecocase-server [--config=FILE] [--key=value ...]\n\n"
              << ecocase::common::Config::Usage(keys);
    return 0;
  }
  auto config = ecocase::common::ParseServerConfig(*raw);
  if (!config.ok()) return Fail("configuration", config.status());
  ecocase::common::SetMinLogLevel(ParseLevel(config->log_level));

  auto& clock = ecocase::common::SystemClock::Instance();
  auto calendar = LoadCalendar(config->calendar_file);
  if (!calendar.ok()) return Fail("holiday calendar", calendar.status());
  int this_year = static_cast<int>(ecocase::common::RegulatoryDay(clock.Now()).year());
  for (int year : {this_year, this_year + 1}) {
    if (!calendar->IsYearLoaded(year)) {
      Log(LogLevel::kWarning, "calendar_year_missing")
          .Int("year", year)
          .Str("effect", "working-day deadlines in this year count weekends only and are "
                         "marked provisional; add the State Council schedule to the calendar");
    }
  }

  ecocase::storage::mysql::ConnectionPool pool(DbOptionsFrom(*config));
  if (auto s = WaitForDatabase(pool, config->db_startup_timeout); !s.ok()) {
    return Fail("database", s);
  }
  auto migrations = ecocase::storage::mysql::LoadMigrations(
      ecocase::embedded::EmbeddedMigrations());
  if (!migrations.ok()) return Fail("migrations", migrations.status());
  auto report = ecocase::storage::mysql::ApplyMigrations(pool, *migrations);
  if (!report.ok()) return Fail("migrations", report.status());
  Log(LogLevel::kInfo, "schema_ready")
      .Int("schema_version", report->schema_version)
      .Int("applied_now", static_cast<int64_t>(report->applied_now.size()));
  if (config->migrate_only) return 0;

  ecocase::storage::mysql::MysqlSystemRepository system_repository(pool);
  ecocase::api::SystemServiceImpl system_service(system_repository, *calendar, clock);
  ecocase::api::TestHookServiceImpl test_hook_service;
  std::vector<grpc::Service*> services = {&system_service};
  if (config->test_hooks) services.push_back(&test_hook_service);

  ecocase::api::ServerOptions server_options;
  server_options.listen_address = config->listen;
  server_options.plaintext = config->plaintext;
  server_options.tls_cert_file = config->tls_cert_file;
  server_options.tls_key_file = config->tls_key_file;
  server_options.tls_client_ca_file = config->tls_client_ca_file;
  server_options.max_threads = config->max_threads;
  auto server = ecocase::api::GrpcServer::Start(server_options, services);
  if (!server.ok()) return Fail("listen", server.status());
  auto health = std::make_unique<ecocase::api::HealthMonitor>(
      (*server)->health(), [&pool] { return pool.Probe(); }, config->health_probe_interval);

  // Periodic jobs (expiry, overdue and offline sweeps) run in one replica at a time; each
  // capability registers its jobs here with AddJob before Start.
  ecocase::storage::mysql::MysqlLeaseStore lease_store(pool);
  ecocase::common::SweepScheduler sweeps(lease_store, clock, config->replica_id);
  if (auto s = sweeps.Start(absl::Seconds(5)); !s.ok()) return Fail("sweeps", s);

  std::string host = config->listen.substr(0, config->listen.rfind(':'));
  Log(LogLevel::kInfo, "serving")
      .Str("address", absl::StrCat(host, ":", (*server)->port()))
      .Bool("tls", !config->plaintext)
      .Str("replica", config->replica_id);
  // A line for scripts and people; the port matters when listen asked for port 0.
  std::printf("ecocase-server listening on %s:%d (%s)\n", host.c_str(), (*server)->port(),
              config->plaintext ? "plaintext" : "TLS");
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(LogLevel::kInfo, "shutting_down")
      .Str("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
      .Int("grace_ms", absl::ToInt64Milliseconds(config->shutdown_grace));
  health->Drain();
  sweeps.Stop();  // Hands leases over to the other replicas at once.
  (*server)->Shutdown(config->shutdown_grace);
  health.reset();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}
