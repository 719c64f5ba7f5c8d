// ecocase-server: reads the configuration, starts the Application (app/application.h:
// pool -> migrations -> repositories -> services -> server), then waits for SIGTERM/SIGINT
// and shuts down gracefully.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "app/application.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "common/server_config.h"
#include "domain/complaint_sla.h"
#include "domain/working_calendar.h"
#include "security/field_cipher.h"

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

// The reporter-identity key from ECOCASE_FIELD_KEY or field_key_file; null when neither
// is set (only anonymous complaints can then be registered).
absl::StatusOr<std::shared_ptr<const ecocase::security::FieldCipher>> LoadFieldCipher(
    const ecocase::common::ServerConfig& config) {
  using ecocase::security::FieldCipher;
  if (!config.field_key.empty()) {
    auto cipher = FieldCipher::FromKeyText(config.field_key, "ECOCASE_FIELD_KEY");
    if (!cipher.ok()) return cipher.status();
    return std::make_shared<const FieldCipher>(*std::move(cipher));
  }
  if (!config.field_key_file.empty()) {
    auto cipher = FieldCipher::FromFile(config.field_key_file);
    if (!cipher.ok()) return cipher.status();
    return std::make_shared<const FieldCipher>(*std::move(cipher));
  }
  return std::shared_ptr<const FieldCipher>();
}

// The built-in SLA table, with the rows of complaint_sla_file replacing or adding to it.
absl::StatusOr<ecocase::domain::SlaPolicy> LoadSlaPolicy(const std::string& file) {
  auto defaults = ecocase::domain::DefaultSlaPolicy();
  if (!defaults.ok() || file.empty()) return defaults;
  auto text = ecocase::common::ReadFileToString(file);
  if (!text.ok()) return text.status();
  auto policy = ecocase::domain::OverrideSlaPolicy(*defaults, *text);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", policy.status().message()));
  }
  return policy;
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

  auto field_cipher = LoadFieldCipher(*config);
  if (!field_cipher.ok()) return Fail("field encryption key", field_cipher.status());
  auto sla_policy = LoadSlaPolicy(config->complaint_sla_file);
  if (!sla_policy.ok()) return Fail("complaint SLA table", sla_policy.status());

  ecocase::app::ApplicationOptions options;
  options.field_cipher = *field_cipher;
  options.complaint_sla = *std::move(sla_policy);
  options.complaints.duplicates.max_distance_m = config->complaint_duplicate_distance_m;
  options.complaints.duplicates.window = config->complaint_duplicate_window;
  options.complaints.findings_task_days = config->complaint_task_days;
  options.cases.case_number_pattern = config->case_number_pattern;
  options.cases.rules.statement_days = config->case_statement_days;
  options.cases.correction_task_days = config->case_correction_days;
  options.evidence_dir = config->evidence_dir;
  options.evidence.limits.max_size_bytes = int64_t{config->evidence_max_file_mib} << 20;
  options.evidence.limits.max_chunk_bytes = int64_t{config->evidence_chunk_kib} << 10;
  options.evidence.daily_quota_bytes = int64_t{config->evidence_quota_mib} << 20;
  options.evidence_stale_upload_after = config->evidence_stale_upload_after;
  options.db = DbOptionsFrom(*config);
  options.db_startup_timeout = config->db_startup_timeout;
  options.server.listen_address = config->listen;
  options.server.plaintext = config->plaintext;
  options.server.tls_cert_file = config->tls_cert_file;
  options.server.tls_key_file = config->tls_key_file;
  options.server.tls_client_ca_file = config->tls_client_ca_file;
  options.server.max_threads = config->max_threads;
  options.auth.access_token_ttl = config->access_token_ttl;
  options.auth.refresh_token_ttl = config->refresh_token_ttl;
  options.auth.login_max_failures = config->login_max_failures;
  options.auth.login_failure_window = config->login_failure_window;
  options.auth.login_lockout = config->login_lockout;
  options.auth.city_code = config->city_code;
  options.passwords.pbkdf2_iterations = config->password_hash_iterations;
  options.health_probe_interval = config->health_probe_interval;
  options.idempotency_retention = config->idempotency_retention;
  options.replica_id = config->replica_id;
  options.test_hooks = config->test_hooks;
  options.bootstrap_admin_password = config->bootstrap_admin_password;
  options.alerts.poll_interval = config->alert_poll_interval;
  options.data_marks.max_length = config->data_mark_max_length;
  options.data_marks.max_future = config->data_mark_max_future;
  options.data_marks.max_age = config->data_mark_max_age;
  options.evaluation_interval = config->evaluation_interval;
  ecocase::evaluation::EvaluationOptions& e = options.evaluation;
  e.hour_grace = config->evaluation_hour_grace;
  e.means.min_valid_minutes_per_hour = config->evaluation_min_valid_minutes;
  e.means.min_valid_realtime_minutes_per_hour = config->evaluation_min_valid_minutes;
  e.means.min_valid_hours_per_day = config->evaluation_min_valid_hours;
  e.incidents.compliant_windows_to_close = config->incident_close_after;
  e.offline.threshold = config->device_offline_after;
  e.explain_window = config->incident_explain_window;
  e.task_deadline_days = config->exceedance_task_days;
  e.max_replay = config->reading_backfill_window;
  ecocase::app::MonitoringOptions& m = options.monitoring;
  m.writer.max_batch_rows = static_cast<size_t>(config->ingest_batch_rows);
  m.writer.max_delay = config->ingest_max_delay;
  m.writer.max_queued_rows = static_cast<size_t>(config->ingest_queue_rows);
  m.writer.writer_threads = config->ingest_writers;
  m.checks.backfill_window = config->reading_backfill_window;
  m.checks.max_future_skew = config->reading_max_future_skew;
  m.reading_retention = config->reading_retention;
  m.devices.ttl = config->device_cache_ttl;
  m.hj212_enabled = !config->hj212_listen.empty();
  m.hj212.listen_address = config->hj212_host;
  m.hj212.port = config->hj212_port;
  m.hj212.max_connections = static_cast<size_t>(config->hj212_max_connections);
  m.hj212.idle_timeout = config->hj212_idle_timeout;
  m.hj212.frame_timeout = config->hj212_frame_timeout;
  m.hj212.reading_checks = m.checks;

  if (config->migrate_only) {
    if (auto s = ecocase::app::Application::Migrate(options); !s.ok()) {
      return Fail("migrations", s);
    }
    return 0;
  }
  auto app = ecocase::app::Application::Start(options, *calendar, clock);
  if (!app.ok()) return Fail("startup", app.status());

  std::string host = config->listen.substr(0, config->listen.rfind(':'));
  Log(LogLevel::kInfo, "serving")
      .Str("address", absl::StrCat(host, ":", (*app)->port()))
      .Bool("tls", !config->plaintext)
      .Str("replica", config->replica_id);
  // A line for scripts and people; the port matters when listen asked for port 0.
  std::printf("ecocase-server listening on %s:%d (%s)\n", host.c_str(), (*app)->port(),
              config->plaintext ? "plaintext" : "TLS");
  if ((*app)->hj212_port() != 0) {
    std::printf("ecocase-server HJ 212 gateway on %s:%d\n", config->hj212_host.c_str(),
                (*app)->hj212_port());
  }
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(LogLevel::kInfo, "shutting_down")
      .Str("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
      .Int("grace_ms", absl::ToInt64Milliseconds(config->shutdown_grace));
  (*app)->Shutdown(config->shutdown_grace);
  Log(LogLevel::kInfo, "stopped");
  return 0;
}
