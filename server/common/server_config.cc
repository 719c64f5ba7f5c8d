#include "common/server_config.h"

#include <unistd.h>

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
      {"calendar_file", "", "holiday schedule file adding years to the built-in 2025-2026 schedule"},
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
      {"bootstrap_admin_password", "",
       "if no ADMIN exists, create user `admin` with this password", /*env_only=*/true},
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
  if (s.health_probe_interval < absl::Milliseconds(50)) {
    return absl::InvalidArgumentError("health_probe_interval must be at least 50ms");
  }
  return s;
}

}  // namespace ecocase::common
