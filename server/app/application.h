#pragma once

#include "domain/monitoring/reading.h"
#include "ingest/device_directory.h"
#include "ingest/hj212_gateway.h"
#include "ingest/reading_writer.h"
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/alert_hub.h"
#include "api/auth_service.h"
#include "api/complaint_overdue_sweep.h"
#include "api/complaint_service.h"
#include "api/case_overdue_sweep.h"
#include "api/case_service.h"
#include "api/evidence_service.h"
#include "api/server.h"
#include "common/clock.h"
#include "domain/evaluation/data_mark.h"
#include "evaluation/monitoring_evaluator.h"
#include "domain/working_calendar.h"
#include "domain/complaint_sla.h"
#include "security/field_cipher.h"
#include "security/password_hasher.h"
#include "storage/db_options.h"

namespace ecocase::app {

// Online monitoring: the ingest pipeline and raw-reading retention.
struct MonitoringOptions {
  ingest::ReadingWriterOptions writer;
  ingest::DeviceDirectoryOptions devices;
  domain::monitoring::ReadingCheckOptions checks;
  // Raw readings are kept at least this long (the law asks for 5 years), then their monthly
  // partitions are dropped.
  absl::Duration reading_retention = absl::Hours(24 * (365 * 5 + 2));
  // Monthly partitions are created this many months ahead of now.
  int partition_months_ahead = 3;
  // Threads doing the blocking work of ingest streams (they hold none while idle).
  int stream_threads = 4;
  // The HJ 212 TCP gateway; not started when disabled.
  bool hj212_enabled = true;
  ingest::Hj212GatewayOptions hj212;
};

struct ApplicationOptions {
  storage::DbOptions db;
  absl::Duration db_startup_timeout = absl::Seconds(60);
  api::ServerOptions server;
  api::AuthOptions auth;
  security::PasswordHashOptions passwords;
  absl::Duration health_probe_interval = absl::Seconds(1);
  // AIP-155 keys are kept at least this long, then purged by a sweep.
  absl::Duration idempotency_retention = absl::Hours(24 * 7);
  absl::Duration sweep_tick = absl::Seconds(5);
  std::string replica_id = "replica";
  bool test_hooks = false;
  // When set and no ADMIN exists yet, creates user `admin` with this password.
  std::string bootstrap_admin_password;
  MonitoringOptions monitoring;
  // The alert feed: how often it is polled, what it keeps for watches.
  api::AlertFeedOptions alerts;
  // Limits of new data marks (自主标记).
  domain::evaluation::DataMarkOptions data_marks;
  // The exceedance and missing-data evaluation (issue 7) and how often its sweep runs.
  evaluation::EvaluationOptions evaluation;
  absl::Duration evaluation_interval = absl::Minutes(1);
  // Hotline complaints: the key that encrypts reporters' names and phones (null: only
  // anonymous complaints can be registered), the SLA table (unset: the defaults of
  // domain-rules §5) and the duplicate and task settings (city_code is auth's).
  std::shared_ptr<const security::FieldCipher> field_cipher;
  std::optional<domain::SlaPolicy> complaint_sla;
  api::ComplaintOptions complaints;
  // Enforcement cases: number format, [M] rules and clocks (city_code is auth's).
  api::CaseServiceOptions cases;
  // Evidence: the blob store's directory (empty: uploads refused), limits and quota
  // (city_code is auth's), and when an upload left alone is abandoned.
  std::string evidence_dir;
  api::EvidenceServiceOptions evidence;
  absl::Duration evidence_stale_upload_after = absl::Hours(24 * 7);
};

// The whole server wired together: pool -> migrations -> repositories -> services -> gRPC
// server, health monitor and sweeps. main() and the integration tests both start it, so
// tests exercise the same wiring that runs in production.
class Application {
 public:
  // Waits for the database (up to db_startup_timeout), applies migrations, starts
  // serving. `calendar` and `clock` must outlive the application.
  static absl::StatusOr<std::unique_ptr<Application>> Start(
      const ApplicationOptions& options, const domain::WorkingCalendar& calendar,
      const common::Clock& clock);
  // Applies migrations and returns (for --migrate_only).
  static absl::Status Migrate(const ApplicationOptions& options);
  ~Application();

  int port() const;
  // The HJ 212 gateway's port; 0 when it is disabled.
  int hj212_port() const;
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // The alert feed: call Notify() after committing a transaction that appended alerts,
  // so watches see them without waiting for the next poll.
  api::AlertHub& alert_hub();
  // Turns NOT_SERVING, hands sweep leases over, stops accepting calls and lets in-flight
  // ones finish within `grace`.
  void Shutdown(absl::Duration grace);

 private:
  struct Parts;
  explicit Application(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace ecocase::app
