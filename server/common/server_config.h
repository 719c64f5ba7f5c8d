#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config.h"

namespace ecocase::common {

// Every setting of ecocase-server, with its default (see `ecocase-server --help`).
const std::vector<ConfigKey>& ServerConfigKeys();

// The server's settings, typed and validated.
struct ServerConfig {
  std::string listen;
  bool plaintext = false;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;

  std::string db_host;
  int db_port = 3306;
  std::string db_socket;
  std::string db_user;
  std::string db_name;
  std::string db_password;  // Resolved from ECOCASE_DB_PASSWORD or db_password_file.
  int db_pool_size = 8;
  absl::Duration db_acquire_timeout;
  absl::Duration db_connect_timeout;
  absl::Duration db_io_timeout;
  absl::Duration db_startup_timeout;

  int max_threads = 64;
  absl::Duration health_probe_interval;
  absl::Duration shutdown_grace;
  std::string calendar_file;
  std::string replica_id;
  std::string log_level;
  bool migrate_only = false;
  bool test_hooks = false;

  // Identity and write conventions.
  std::string city_code;
  absl::Duration access_token_ttl;
  absl::Duration refresh_token_ttl;
  int password_hash_iterations = 600000;
  int login_max_failures = 5;
  absl::Duration login_failure_window;
  absl::Duration login_lockout;
  absl::Duration idempotency_retention;
  std::string bootstrap_admin_password;

  // Online monitoring ingest.
  int ingest_batch_rows = 1000;
  absl::Duration ingest_max_delay;
  int ingest_queue_rows = 200000;
  int ingest_writers = 2;
  absl::Duration reading_backfill_window;
  absl::Duration reading_max_future_skew;
  absl::Duration reading_retention;
  absl::Duration device_cache_ttl;
  std::string hj212_listen;  // host:port; empty: no gateway
  std::string hj212_host;    // from hj212_listen
  int hj212_port = 0;
  int hj212_max_connections = 20000;
  absl::Duration hj212_idle_timeout;
  absl::Duration hj212_frame_timeout;

  // The alert feed.
  absl::Duration alert_poll_interval;

  // The exceedance and missing-data evaluation (issue 7).
  absl::Duration evaluation_interval;
  absl::Duration evaluation_hour_grace;
  int evaluation_min_valid_minutes = 45;
  int evaluation_min_valid_hours = 20;
  int incident_close_after = 2;
  absl::Duration device_offline_after;
  absl::Duration incident_explain_window;
  int exceedance_task_days = 10;

  // Data marks (自主标记).
  absl::Duration data_mark_max_length;
  absl::Duration data_mark_max_future;
  absl::Duration data_mark_max_age;
  // Hotline complaints (issue 8).
  std::string field_key_file;  // The reporter-identity key, 64 hex digits, mode 600.
  std::string field_key;       // The same from ECOCASE_FIELD_KEY; at most one of the two.
  std::string complaint_sla_file;
  double complaint_duplicate_distance_m = 500;
  absl::Duration complaint_duplicate_window;
  int complaint_task_days = 15;
  // Enforcement cases (issue 9).
  std::string case_number_pattern;
  int case_statement_days = 5;
  int case_correction_days = 30;
  // Evidence (issue 10).
  std::string evidence_dir;  // Empty: no blob store, uploads refused.
  int evidence_max_file_mib = 2048;
  int evidence_chunk_kib = 1024;
  int evidence_quota_mib = 20480;
  absl::Duration evidence_stale_upload_after;
};

// Types and validates the merged settings; INVALID_ARGUMENT names the bad setting.
absl::StatusOr<ServerConfig> ParseServerConfig(const Config& config);

}  // namespace ecocase::common
