#include "common/server_config.h"

#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace ecocase::common {

const std::vector<ConfigKey>& ServerConfigKeys() {
  static const auto* keys = new std::vector<ConfigKey>{
      {"listen", "127.0.0.1:50051", "host:port to serve gRPC on"},
      {"plaintext", "false", "serve without TLS (only when asked for explicitly)"},
      {"tls_cert_file", "", "server certificate chain (PEM), from deploy/tls/gen-certs.sh"},
      {"tls_key_file", "", "server private key (PEM)"},
      {"tls_client_ca_file", "", "if set, require client certificates signed by this CA (mTLS)"},
      {"db_host", "127.0.0.1", "database host"},
      {"db_port", "3306", "database TCP port"},
      {"db_socket", "", "database unix socket; used instead of host:port when set"},
      {"db_user", "ecocase", "database user"},
      {"db_name", "ecocase", "database schema"},
      {"db_password", "", "database password", /*env_only=*/true},
      {"db_password_file", "", "file holding the database password (first line)"},
      {"db_pool_size", "8", "database connections at most"},
      {"db_acquire_timeout", "2s", "wait for a free connection before RESOURCE_EXHAUSTED"},
      {"db_connect_timeout", "3s", "timeout to open a database connection"},
      {"db_io_timeout", "30s", "read/write timeout of a database connection"},
      {"db_startup_timeout", "60s", "how long startup waits for the database to answer"},
      {"max_threads", "64",
       "threads serving RPCs at most; beyond them a call gets RESOURCE_EXHAUSTED (the database "
       "pool bounds the work in flight)"},
      {"health_probe_interval", "1s", "how often health checks the database"},
      {"shutdown_grace", "10s", "on SIGTERM, how long in-flight RPCs may take to finish"},
      {"calendar_file", "",
       "holiday schedule file adding years to the built-in 2025-2026 schedule"},
      {"replica_id", "", "name of this replica for sweep leases; default host:pid"},
      {"log_level", "info", "debug, info, warning or error"},
      {"migrate_only", "false", "apply database migrations, then exit"},
      {"test_hooks", "false", "register TestHookService (fault tests only)"},
      {"city_code", "410800",
       "the bureau's area (GB/T 2260); a jurisdiction covering it sees everything"},
      {"access_token_ttl", "8h", "lifetime of an access token"},
      {"refresh_token_ttl", "168h", "lifetime of a refresh token"},
      {"password_hash_iterations", "600000",
       "PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP floor 600000)"},
      {"login_max_failures", "5", "failed sign-ins per user or address before a lockout"},
      {"login_failure_window", "15m", "window in which failed sign-ins are counted"},
      {"login_lockout", "15m", "how long a throttled user or address must wait"},
      {"idempotency_retention", "168h", "how long request_ids are remembered (at least 7 days)"},
      {"ingest_batch_rows", "1000", "readings written in one transaction at most"},
      {"ingest_max_delay", "100ms",
       "how long a reading may wait for its batch to fill before it is written anyway"},
      {"ingest_queue_rows", "200000",
       "readings waiting to be written at most; beyond it ingest is refused (back-pressure)"},
      {"ingest_writers", "2", "batches written concurrently (one database connection each)"},
      {"reading_backfill_window", "2160h",
       "readings older than this are refused (HJ 212 devices re-send weeks of data at most)"},
      {"reading_max_future_skew", "10m", "readings dated later than now plus this are refused"},
      {"reading_retention", "43848h",
       "raw readings are kept this long, at least 5 years (43800h) by law, then dropped by month"},
      {"hj212_listen", "127.0.0.1:9212",
       "host:port of the HJ 212 TCP gateway for monitoring stations; empty turns it off"},
      {"hj212_max_connections", "20000", "station connections open at once at most"},
      {"hj212_idle_timeout", "10m",
       "a station connection without a complete frame this long is closed"},
      {"hj212_frame_timeout", "30s",
       "a frame begun and not completed within this closes the connection"},
      {"device_cache_ttl", "30s",
       "how long the ingest doors trust a looked-up device before asking the database again"},
      {"data_mark_max_length", "744h",
       "longest period one data mark (自主标记) may cover (31 days); longer ones take several"},
      {"data_mark_max_future", "168h",
       "how far ahead planned maintenance or calibration may be marked"},
      {"data_mark_max_age", "2160h",
       "how long ago a data mark may start (as reading_backfill_window: older data is not "
       "judged again)"},
      {"evaluation_interval", "1m",
       "how often the exceedance and missing-data evaluation judges finished hours"},
      {"evaluation_hour_grace", "10m",
       "an hour is judged this long after it ends (hourly uploads arrive just after the hour); "
       "later data judge it again"},
      {"evaluation_min_valid_minutes", "45",
       "valid minute values an hourly mean needs (HJ 212-2017 App. D formula 24)"},
      {"evaluation_min_valid_hours", "20",
       "valid hourly means a daily mean needs (HJ 212-2017 App. D formula 25)"},
      {"incident_close_after", "2",
       "consecutive compliant windows (hours or days) that close an incident"},
      {"device_offline_after", "1h",
       "a device silent this long gets a DEVICE_OFFLINE incident (domain-rules §2.6)"},
      {"incident_explain_window", "72h",
       "how long after an incident opens the enterprise may explain it; unexplained "
       "exceedances are then flagged as case candidates"},
      {"exceedance_task_days", "10",
       "the period of the rectification task a new exceedance issues, in working days"},
      {"field_key_file", "",
       "file holding the key that encrypts complaint reporters' names and phones: 64 hex "
       "digits (openssl rand -hex 32), mode 600; without a key (or ECOCASE_FIELD_KEY) only "
       "anonymous complaints can be registered"},
      {"field_key", "", "the reporter-identity key itself, 64 hex digits", /*env_only=*/true},
      {"complaint_sla_file", "",
       "file of complaint SLA rows (channel category urgency acceptance= closure= ...) that "
       "replace or add to the built-in table of domain-rules §5"},
      {"complaint_duplicate_distance_m", "500",
       "complaints of the same category within this many metres are suggested as duplicates"},
      {"complaint_duplicate_window", "720h",
       "complaints received within this time of each other may be duplicates or repeat reports"},
      {"complaint_task_days", "15",
       "working days of the rectification task verified complaint findings issue by default"},
      {"case_number_pattern", "焦环罚〔{year}〕{seq}号",
       "the case number assigned at filing: {year} and {seq} once each, numbered without gaps "
       "per year"},
      {"case_statement_days", "5",
       "working days after the notice is received that the party may state its defence "
       "(陈述申辩期)"},
      {"case_correction_days", "30",
       "calendar days of the rectification task a served decision's correction orders issue by "
       "default"},
      {"evidence_dir", "",
       "directory of the evidence blob store (content-addressed files and partial uploads), "
       "shared by replicas; empty: evidence uploads are refused"},
      {"evidence_max_file_mib", "2048", "largest evidence file accepted, in MiB"},
      {"evidence_chunk_kib", "1024", "largest chunk of an evidence upload stream, in KiB"},
      {"evidence_quota_mib", "20480",
       "MiB of evidence one user may start uploading within 24 hours"},
      {"evidence_stale_upload_after", "168h",
       "evidence uploads not written to for this long are abandoned and their bytes deleted"},
      {"alert_poll_interval", "1s",
       "how often the alert feed looks for new alerts (from any replica) to send to watches"},
      {"bootstrap_admin_password", "", "if no ADMIN exists, create user `admin` with this password",
       /*env_only=*/true},
  };
  return *keys;
}

absl::StatusOr<ServerConfig> ParseServerConfig(const Config& c) {
  ServerConfig s;
  s.listen = c.Get("listen");
  ECOCASE_ASSIGN_OR_RETURN(s.plaintext, c.GetBool("plaintext"));
  s.tls_cert_file = c.Get("tls_cert_file");
  s.tls_key_file = c.Get("tls_key_file");
  s.tls_client_ca_file = c.Get("tls_client_ca_file");
  s.db_host = c.Get("db_host");
  ECOCASE_ASSIGN_OR_RETURN(s.db_port, c.GetInt("db_port", 1, 65535));
  s.db_socket = c.Get("db_socket");
  s.db_user = c.Get("db_user");
  s.db_name = c.Get("db_name");
  s.db_password = c.Get("db_password");
  if (const std::string& file = c.Get("db_password_file"); !file.empty()) {
    if (c.Origin("db_password") != "default") {
      return absl::InvalidArgumentError(
          "set either ECOCASE_DB_PASSWORD or db_password_file, not both");
    }
    ECOCASE_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file));
    absl::string_view first_line = absl::string_view(text).substr(0, text.find('\n'));
    s.db_password = std::string(absl::StripTrailingAsciiWhitespace(first_line));
  }
  ECOCASE_ASSIGN_OR_RETURN(s.db_pool_size, c.GetInt("db_pool_size", 1, 256));
  ECOCASE_ASSIGN_OR_RETURN(s.db_acquire_timeout, c.GetDuration("db_acquire_timeout"));
  ECOCASE_ASSIGN_OR_RETURN(s.db_connect_timeout, c.GetDuration("db_connect_timeout"));
  ECOCASE_ASSIGN_OR_RETURN(s.db_io_timeout, c.GetDuration("db_io_timeout"));
  ECOCASE_ASSIGN_OR_RETURN(s.db_startup_timeout, c.GetDuration("db_startup_timeout"));
  ECOCASE_ASSIGN_OR_RETURN(s.max_threads, c.GetInt("max_threads", 2, 1024));
  ECOCASE_ASSIGN_OR_RETURN(s.health_probe_interval, c.GetDuration("health_probe_interval"));
  ECOCASE_ASSIGN_OR_RETURN(s.shutdown_grace, c.GetDuration("shutdown_grace"));
  s.calendar_file = c.Get("calendar_file");
  s.replica_id = c.Get("replica_id");
  if (s.replica_id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    s.replica_id = absl::StrCat(host, ":", getpid());
  }
  s.log_level = c.Get("log_level");
  if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warning" &&
      s.log_level != "error") {
    return absl::InvalidArgumentError("log_level must be debug, info, warning or error");
  }
  ECOCASE_ASSIGN_OR_RETURN(s.migrate_only, c.GetBool("migrate_only"));
  ECOCASE_ASSIGN_OR_RETURN(s.test_hooks, c.GetBool("test_hooks"));
  s.city_code = c.Get("city_code");
  if (s.city_code.size() != 6 || s.city_code.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError("city_code must be a six-digit GB/T 2260 code");
  }
  ECOCASE_ASSIGN_OR_RETURN(s.access_token_ttl, c.GetDuration("access_token_ttl"));
  ECOCASE_ASSIGN_OR_RETURN(s.refresh_token_ttl, c.GetDuration("refresh_token_ttl"));
  ECOCASE_ASSIGN_OR_RETURN(s.password_hash_iterations,
                           c.GetInt("password_hash_iterations", 1, 10000000));
  ECOCASE_ASSIGN_OR_RETURN(s.login_max_failures, c.GetInt("login_max_failures", 1, 1000));
  ECOCASE_ASSIGN_OR_RETURN(s.login_failure_window, c.GetDuration("login_failure_window"));
  ECOCASE_ASSIGN_OR_RETURN(s.login_lockout, c.GetDuration("login_lockout"));
  ECOCASE_ASSIGN_OR_RETURN(s.idempotency_retention, c.GetDuration("idempotency_retention"));
  if (s.idempotency_retention < absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError(
        "idempotency_retention must be at least 168h: mobile clients retry for days");
  }
  if (s.access_token_ttl <= absl::ZeroDuration() || s.refresh_token_ttl < s.access_token_ttl) {
    return absl::InvalidArgumentError(
        "access_token_ttl must be positive and refresh_token_ttl at least as long");
  }
  s.bootstrap_admin_password = c.Get("bootstrap_admin_password");
  ECOCASE_ASSIGN_OR_RETURN(s.ingest_batch_rows, c.GetInt("ingest_batch_rows", 1, 5000));
  ECOCASE_ASSIGN_OR_RETURN(s.ingest_max_delay, c.GetDuration("ingest_max_delay"));
  ECOCASE_ASSIGN_OR_RETURN(s.ingest_queue_rows, c.GetInt("ingest_queue_rows", 1000, 10000000));
  ECOCASE_ASSIGN_OR_RETURN(s.ingest_writers, c.GetInt("ingest_writers", 1, 16));
  ECOCASE_ASSIGN_OR_RETURN(s.reading_backfill_window, c.GetDuration("reading_backfill_window"));
  ECOCASE_ASSIGN_OR_RETURN(s.reading_max_future_skew, c.GetDuration("reading_max_future_skew"));
  ECOCASE_ASSIGN_OR_RETURN(s.reading_retention, c.GetDuration("reading_retention"));
  ECOCASE_ASSIGN_OR_RETURN(s.device_cache_ttl, c.GetDuration("device_cache_ttl"));
  s.hj212_listen = c.Get("hj212_listen");
  if (!s.hj212_listen.empty()) {
    size_t colon = s.hj212_listen.rfind(':');
    int port = -1;
    if (colon == std::string::npos || colon == 0 ||
        !absl::SimpleAtoi(absl::string_view(s.hj212_listen).substr(colon + 1), &port) || port < 0 ||
        port > 65535) {
      return absl::InvalidArgumentError("hj212_listen must be host:port (port 0 picks one)");
    }
    s.hj212_host = s.hj212_listen.substr(0, colon);
    s.hj212_port = port;
  }
  ECOCASE_ASSIGN_OR_RETURN(s.hj212_max_connections, c.GetInt("hj212_max_connections", 1, 1000000));
  ECOCASE_ASSIGN_OR_RETURN(s.hj212_idle_timeout, c.GetDuration("hj212_idle_timeout"));
  ECOCASE_ASSIGN_OR_RETURN(s.hj212_frame_timeout, c.GetDuration("hj212_frame_timeout"));
  if (s.ingest_max_delay <= absl::ZeroDuration() || s.ingest_max_delay > absl::Seconds(10)) {
    return absl::InvalidArgumentError("ingest_max_delay must be between 1ms and 10s");
  }
  if (s.reading_retention < absl::Hours(24 * 365 * 5)) {
    return absl::InvalidArgumentError(
        "reading_retention must be at least 43800h: raw monitoring records are kept 5 years");
  }
  if (s.reading_backfill_window <= absl::ZeroDuration() ||
      s.reading_max_future_skew < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "reading_backfill_window must be positive and reading_max_future_skew not negative");
  }
  ECOCASE_ASSIGN_OR_RETURN(s.data_mark_max_length, c.GetDuration("data_mark_max_length"));
  ECOCASE_ASSIGN_OR_RETURN(s.data_mark_max_future, c.GetDuration("data_mark_max_future"));
  ECOCASE_ASSIGN_OR_RETURN(s.data_mark_max_age, c.GetDuration("data_mark_max_age"));
  if (s.data_mark_max_length <= absl::ZeroDuration() ||
      s.data_mark_max_age <= absl::ZeroDuration() ||
      s.data_mark_max_future < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "data_mark_max_length and data_mark_max_age must be positive and data_mark_max_future "
        "not negative");
  }
  ECOCASE_ASSIGN_OR_RETURN(s.evaluation_interval, c.GetDuration("evaluation_interval"));
  ECOCASE_ASSIGN_OR_RETURN(s.evaluation_hour_grace, c.GetDuration("evaluation_hour_grace"));
  ECOCASE_ASSIGN_OR_RETURN(s.evaluation_min_valid_minutes,
                           c.GetInt("evaluation_min_valid_minutes", 1, 60));
  ECOCASE_ASSIGN_OR_RETURN(s.evaluation_min_valid_hours,
                           c.GetInt("evaluation_min_valid_hours", 1, 24));
  ECOCASE_ASSIGN_OR_RETURN(s.incident_close_after, c.GetInt("incident_close_after", 1, 48));
  ECOCASE_ASSIGN_OR_RETURN(s.device_offline_after, c.GetDuration("device_offline_after"));
  ECOCASE_ASSIGN_OR_RETURN(s.incident_explain_window, c.GetDuration("incident_explain_window"));
  ECOCASE_ASSIGN_OR_RETURN(s.exceedance_task_days, c.GetInt("exceedance_task_days", 1, 365));
  s.field_key_file = c.Get("field_key_file");
  s.field_key = c.Get("field_key");
  if (!s.field_key_file.empty() && !s.field_key.empty()) {
    return absl::InvalidArgumentError("set either ECOCASE_FIELD_KEY or field_key_file, not both");
  }
  s.complaint_sla_file = c.Get("complaint_sla_file");
  ECOCASE_ASSIGN_OR_RETURN(int distance, c.GetInt("complaint_duplicate_distance_m", 1, 100000));
  s.complaint_duplicate_distance_m = distance;
  ECOCASE_ASSIGN_OR_RETURN(s.complaint_duplicate_window,
                           c.GetDuration("complaint_duplicate_window"));
  ECOCASE_ASSIGN_OR_RETURN(s.complaint_task_days, c.GetInt("complaint_task_days", 1, 365));
  s.case_number_pattern = c.Get("case_number_pattern");
  for (const std::string part : {"{year}", "{seq}"}) {
    const size_t at = s.case_number_pattern.find(part);
    if (at == std::string::npos || s.case_number_pattern.find(part, at + 1) != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("case_number_pattern must hold ", part, " exactly once"));
    }
  }
  ECOCASE_ASSIGN_OR_RETURN(s.case_statement_days, c.GetInt("case_statement_days", 3, 15));
  ECOCASE_ASSIGN_OR_RETURN(s.case_correction_days, c.GetInt("case_correction_days", 1, 365));
  s.evidence_dir = c.Get("evidence_dir");
  ECOCASE_ASSIGN_OR_RETURN(s.evidence_max_file_mib, c.GetInt("evidence_max_file_mib", 1, 65536));
  // A chunk and its message must fit gRPC's 4 MiB default receive limit.
  ECOCASE_ASSIGN_OR_RETURN(s.evidence_chunk_kib, c.GetInt("evidence_chunk_kib", 16, 3072));
  ECOCASE_ASSIGN_OR_RETURN(s.evidence_quota_mib, c.GetInt("evidence_quota_mib", 1, 1 << 22));
  ECOCASE_ASSIGN_OR_RETURN(s.evidence_stale_upload_after,
                           c.GetDuration("evidence_stale_upload_after"));
  if (s.evidence_stale_upload_after < absl::Hours(1)) {
    return absl::InvalidArgumentError("evidence_stale_upload_after must be at least 1h");
  }
  if (s.evaluation_interval < absl::Seconds(1) || s.evaluation_hour_grace < absl::ZeroDuration() ||
      s.evaluation_hour_grace > absl::Hours(24) || s.device_offline_after < absl::Minutes(1) ||
      s.incident_explain_window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "evaluation_interval must be at least 1s, evaluation_hour_grace within 0-24h, "
        "device_offline_after at least 1m and incident_explain_window positive");
  }
  ECOCASE_ASSIGN_OR_RETURN(s.alert_poll_interval, c.GetDuration("alert_poll_interval"));
  if (s.alert_poll_interval < absl::Milliseconds(10) || s.alert_poll_interval > absl::Minutes(10)) {
    return absl::InvalidArgumentError("alert_poll_interval must be between 10ms and 10m");
  }
  if (s.health_probe_interval < absl::Milliseconds(50)) {
    return absl::InvalidArgumentError("health_probe_interval must be at least 50ms");
  }
  return s;
}

}  // namespace ecocase::common
