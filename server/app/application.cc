#include "app/application.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/alert_service.h"
#include "api/audit_service.h"
#include "api/authorizer.h"
#include "api/data_mark_service.h"
#include "api/incident_service.h"
#include "api/inspection_service.h"
#include "api/enterprise_service.h"
#include "api/evidence_upload_sweep.h"
#include "api/health_monitor.h"
#include "api/monitoring_service.h"
#include "api/permit_service.h"
#include "api/system_service.h"
#include "api/task_service.h"
#include "api/test_hook_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/sweep_scheduler.h"
#include "common/thread_pool.h"
#include "storage/mysql/connection_pool.h"
#include "security/sm4_decryptor.h"
#include "storage/mysql/migrations.h"
#include "storage/mysql/mysql_alert_repository.h"
#include "storage/mysql/mysql_audit_repository.h"
#include "storage/mysql/mysql_case_repository.h"
#include "storage/mysql/mysql_complaint_repository.h"
#include "storage/mysql/mysql_data_mark_repository.h"
#include "storage/mysql/mysql_evaluation_repository.h"
#include "storage/mysql/mysql_incident_repository.h"
#include "storage/mysql/mysql_enterprise_repository.h"
#include "storage/mysql/mysql_evidence_repository.h"
#include "storage/mysql/mysql_inspection_repository.h"
#include "storage/blob/file_blob_store.h"
#include "storage/mysql/mysql_lease_store.h"
#include "storage/mysql/mysql_login_throttle.h"
#include "storage/mysql/mysql_mutation_runner.h"
#include "storage/mysql/mysql_permit_repository.h"
#include "storage/mysql/mysql_reading_repository.h"
#include "storage/mysql/mysql_session_repository.h"
#include "storage/mysql/mysql_system_repository.h"
#include "storage/mysql/mysql_task_repository.h"
#include "storage/mysql/mysql_user_repository.h"

namespace ecocase::app {
namespace {

using common::Log;
using common::LogLevel;

// The database may start after us (systemd, compose): keep trying for a bounded time.
absl::Status WaitForDatabase(storage::mysql::ConnectionPool& pool, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::Status s = pool.Probe();
    if (s.ok() || absl::Now() >= deadline) return s;
    Log(LogLevel::kWarning, "waiting_for_database").Str("error", s.message());
    absl::SleepFor(absl::Seconds(1));
  }
}

// The services' options with the bureau's area, which is auth's setting.
template <typename Options>
Options WithCity(Options options, const std::string& city_code) {
  options.city_code = city_code;
  return options;
}

absl::Status MigrateWith(storage::mysql::ConnectionPool& pool) {
  ECOCASE_ASSIGN_OR_RETURN(auto migrations, storage::mysql::LoadMigrations(
                                                embedded::EmbeddedMigrations()));
  ECOCASE_ASSIGN_OR_RETURN(auto report, storage::mysql::ApplyMigrations(pool, migrations));
  Log(LogLevel::kInfo, "schema_ready")
      .Int("schema_version", report.schema_version)
      .Int("applied_now", static_cast<int64_t>(report.applied_now.size()));
  return absl::OkStatus();
}

}  // namespace

// Declared in dependency order: members are destroyed in reverse, services before the
// repositories and pool they use.
struct Application::Parts {
  Parts(const ApplicationOptions& o, const domain::WorkingCalendar& calendar,
        const common::Clock& clock, domain::SlaPolicy sla,
        std::unique_ptr<storage::BlobStore> blob_store)
      : sla_policy(std::move(sla)),
        field_cipher(o.field_cipher),
        blobs(std::move(blob_store)),
        pool(o.db),
        mutations(pool, clock),
        users(pool),
        sessions(pool),
        throttle(pool),
        audit(pool),
        system(pool),
        enterprises(pool),
        permits(pool),
        tasks(pool),
        alerts(pool),
        data_marks(pool),
        evaluation(pool),
        incidents(pool),
        complaints(pool, field_cipher.get()),
        cases(pool),
        evidence_items(pool),
        inspections(pool),
        leases(pool),
        readings(pool),
        devices(readings, clock, o.monitoring.devices),
        writer(readings, o.monitoring.writer),
        blocking_work(o.monitoring.stream_threads, /*max_queued=*/4096),
        alert_hub(alerts, o.alerts),
        hasher(o.passwords),
        authorizer(sessions, clock),
        auth_service(authorizer, users, sessions, throttle, mutations, hasher, clock, o.auth),
        audit_service(authorizer, audit, o.auth.city_code),
        system_service(system, calendar, clock),
        enterprise_service(authorizer, enterprises, mutations, clock, o.auth.city_code),
        permit_service(authorizer, permits, tasks, incidents, mutations, clock,
                       api::PermitOptions{.city_code = o.auth.city_code,
                                          .explain_window = o.evaluation.explain_window}),
        task_service(authorizer, tasks, users, mutations, calendar, clock, o.auth.city_code,
                     alerts),
        data_mark_service(authorizer, data_marks, mutations, clock, o.auth.city_code,
                          o.data_marks),
        monitoring_service(authorizer, devices, writer, readings, blocking_work, clock,
                           o.auth.city_code, o.monitoring.checks),
        alert_service(authorizer, alerts, alert_hub, blocking_work, o.auth.city_code),
        permit_expiry(permits, mutations, clock),
        task_overdue(tasks, mutations, clock, alerts),
        incident_service(authorizer, incidents, mutations, clock, o.auth.city_code,
                         o.evaluation.explain_window),
        evaluator(evaluation, incidents, data_marks, tasks, alerts, mutations, calendar, clock,
                  o.evaluation),
        complaint_service(authorizer, complaints, tasks, users, mutations, calendar, sla_policy,
                          clock, field_cipher.get(), alerts,
                          WithCity(o.complaints, o.auth.city_code)),
        complaint_overdue(complaints, mutations, alerts, clock),
        evidence_links(evidence_items, inspections),
        case_service(authorizer, cases, tasks, permits, users, mutations, calendar, clock, alerts,
                     evidence_links, WithCity(o.cases, o.auth.city_code)),
        case_overdue(cases, mutations, alerts, calendar, clock, o.cases.clocks),
        evidence_parents(cases, inspections, tasks),
        evidence_service(authorizer, evidence_items, blobs.get(), evidence_parents, users,
                         mutations, clock, WithCity(o.evidence, o.auth.city_code)),
        inspection_service(authorizer, inspections, evidence_items, users, enterprises, mutations,
                           clock, o.auth.city_code),
        sweeps(leases, clock, o.replica_id) {}

  const domain::SlaPolicy sla_policy;
  const std::shared_ptr<const security::FieldCipher> field_cipher;
  // Null without evidence_dir.
  const std::unique_ptr<storage::BlobStore> blobs;
  storage::mysql::ConnectionPool pool;
  storage::mysql::MysqlMutationRunner mutations;
  storage::mysql::MysqlUserRepository users;
  storage::mysql::MysqlSessionRepository sessions;
  storage::mysql::MysqlLoginThrottle throttle;
  storage::mysql::MysqlAuditRepository audit;
  storage::mysql::MysqlSystemRepository system;
  storage::mysql::MysqlEnterpriseRepository enterprises;
  storage::mysql::MysqlPermitRepository permits;
  storage::mysql::MysqlTaskRepository tasks;
  storage::mysql::MysqlAlertRepository alerts;
  storage::mysql::MysqlDataMarkRepository data_marks;
  storage::mysql::MysqlEvaluationRepository evaluation;
  storage::mysql::MysqlIncidentRepository incidents;
  storage::mysql::MysqlComplaintRepository complaints;
  storage::mysql::MysqlCaseRepository cases;
  storage::mysql::MysqlEvidenceRepository evidence_items;
  storage::mysql::MysqlInspectionRepository inspections;
  storage::mysql::MysqlLeaseStore leases;
  storage::mysql::MysqlReadingRepository readings;
  ingest::DeviceDirectory devices;
  ingest::ReadingWriter writer;
  // Blocking work of callback-API streams (authorization, device lookups, alert backlogs).
  common::ThreadPool blocking_work;
  api::AlertHub alert_hub;
  security::PasswordHasher hasher;
  api::Authorizer authorizer;
  api::AuthServiceImpl auth_service;
  api::AuditServiceImpl audit_service;
  api::SystemServiceImpl system_service;
  api::EnterpriseServiceImpl enterprise_service;
  api::PermitServiceImpl permit_service;
  api::TaskServiceImpl task_service;
  api::DataMarkServiceImpl data_mark_service;
  api::MonitoringServiceImpl monitoring_service;
  api::AlertServiceImpl alert_service;
  api::PermitExpiry permit_expiry;
  api::TaskOverdueSweep task_overdue;
  api::IncidentServiceImpl incident_service;
  evaluation::MonitoringEvaluator evaluator;
  api::ComplaintServiceImpl complaint_service;
  api::ComplaintOverdueSweep complaint_overdue;
  api::EvidenceLinks evidence_links;
  api::CaseServiceImpl case_service;
  api::CaseOverdueSweep case_overdue;
  api::EvidenceParents evidence_parents;
  api::EvidenceServiceImpl evidence_service;
  std::unique_ptr<api::EvidenceUploadSweep> upload_sweep;  // with a blob store only
  api::InspectionServiceImpl inspection_service;
  api::TestHookServiceImpl test_hook_service;
  security::Sm4CpDecryptor sm4;
  std::unique_ptr<ingest::Hj212Gateway> gateway;
  std::unique_ptr<api::GrpcServer> server;
  std::unique_ptr<api::HealthMonitor> health;
  common::SweepScheduler sweeps;
};

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Application::~Application() { Shutdown(absl::ZeroDuration()); }

absl::Status Application::Migrate(const ApplicationOptions& options) {
  storage::mysql::ConnectionPool pool(options.db);
  ECOCASE_RETURN_IF_ERROR(WaitForDatabase(pool, options.db_startup_timeout));
  return MigrateWith(pool);
}

absl::StatusOr<std::unique_ptr<Application>> Application::Start(
    const ApplicationOptions& options, const domain::WorkingCalendar& calendar,
    const common::Clock& clock) {
  absl::StatusOr<domain::SlaPolicy> sla_policy =
      options.complaint_sla.has_value() ? absl::StatusOr<domain::SlaPolicy>(*options.complaint_sla)
                                        : domain::DefaultSlaPolicy();
  if (!sla_policy.ok()) return sla_policy.status();
  if (options.field_cipher == nullptr) {
    Log(LogLevel::kWarning, "no_field_key")
        .Str("effect", "complaints naming a reporter are refused; set field_key_file or "
                       "ECOCASE_FIELD_KEY");
  }
  std::unique_ptr<storage::BlobStore> blobs;
  if (options.evidence_dir.empty()) {
    Log(LogLevel::kWarning, "no_evidence_dir").Str("effect", "evidence uploads are refused");
  } else {
    storage::blob::BlobLimits limits;
    limits.max_file_bytes = options.evidence.limits.max_size_bytes;
    limits.max_chunk_bytes = options.evidence.limits.max_chunk_bytes;
    ECOCASE_ASSIGN_OR_RETURN(blobs,
                             storage::blob::FileBlobStore::Create(options.evidence_dir, limits));
  }
  auto parts = std::make_unique<Parts>(options, calendar, clock, *std::move(sla_policy),
                                       std::move(blobs));
  ECOCASE_RETURN_IF_ERROR(WaitForDatabase(parts->pool, options.db_startup_timeout));
  ECOCASE_RETURN_IF_ERROR(MigrateWith(parts->pool));
  if (!options.bootstrap_admin_password.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(bool created,
                             parts->auth_service.BootstrapAdmin(options.bootstrap_admin_password));
    if (created) Log(LogLevel::kInfo, "bootstrap_admin_created").Str("username", "admin");
  }

  // The feed starts after the last alert committed; watches resume from their cursors.
  ECOCASE_RETURN_IF_ERROR(parts->alert_hub.Start());

  std::vector<grpc::Service*> services = {&parts->auth_service, &parts->audit_service,
                                          &parts->system_service};
  services.push_back(&parts->enterprise_service);
  services.push_back(&parts->permit_service);
  services.push_back(&parts->task_service);
  services.push_back(&parts->data_mark_service);
  services.push_back(&parts->monitoring_service);
  services.push_back(&parts->alert_service);
  services.push_back(&parts->incident_service);
  services.push_back(&parts->complaint_service);
  services.push_back(&parts->case_service);
  services.push_back(&parts->evidence_service);
  services.push_back(&parts->inspection_service);
  if (options.test_hooks) services.push_back(&parts->test_hook_service);
  ECOCASE_ASSIGN_OR_RETURN(parts->server, api::GrpcServer::Start(options.server, services));
  if (options.monitoring.hj212_enabled) {
    ECOCASE_ASSIGN_OR_RETURN(
        parts->gateway, ingest::Hj212Gateway::Start(options.monitoring.hj212, parts->devices,
                                                    parts->writer, &parts->sm4, clock));
  }
  Parts* p = parts.get();
  parts->health = std::make_unique<api::HealthMonitor>(
      p->server->health(), [p] { return p->pool.Probe(); }, options.health_probe_interval);

  // Periodic jobs run in one replica at a time; each capability adds its own here.
  absl::Duration retention = options.idempotency_retention;
  const common::Clock* clock_ptr = &clock;
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "purge_idempotency_keys", absl::Hours(1), absl::Minutes(10), [p, retention, clock_ptr] {
        auto purged = p->mutations.PurgeIdempotencyKeys(clock_ptr->Now() - retention);
        if (!purged.ok()) return purged.status();
        if (*purged > 0) Log(LogLevel::kInfo, "idempotency_keys_purged").Int("rows", *purged);
        return absl::OkStatus();
      }));
  // A throttle row matters only while its window or lock lasts.
  absl::Duration throttle_memory =
      std::max(options.auth.login_failure_window, options.auth.login_lockout);
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "purge_login_throttle", absl::Hours(1), absl::Minutes(10),
      [p, throttle_memory, clock_ptr] {
        auto purged = p->throttle.PurgeStale(clock_ptr->Now() - throttle_memory);
        if (!purged.ok()) return purged.status();
        if (*purged > 0) Log(LogLevel::kInfo, "login_throttle_purged").Int("rows", *purged);
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "expire_permits", absl::Minutes(10), absl::Minutes(10), [p] {
        auto expired = p->permit_expiry.ExpireDue();
        if (!expired.ok()) return expired.status();
        if (*expired > 0) Log(LogLevel::kInfo, "permits_expired").Int("count", *expired);
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "mark_overdue_tasks", absl::Minutes(10), absl::Minutes(10), [p] {
        auto marked = p->task_overdue.MarkOverdue();
        if (!marked.ok()) return marked.status();
        if (*marked > 0) Log(LogLevel::kInfo, "tasks_marked_overdue").Int("count", *marked);
        return absl::OkStatus();
      }));
  // Alerts the evaluation appends reach watchers at once rather than at the next poll.
  parts->evaluator.set_on_alerts([p] { p->alert_hub.Notify(); });
  parts->task_service.set_on_alerts([p] { p->alert_hub.Notify(); });
  parts->complaint_service.set_on_alerts([p] { p->alert_hub.Notify(); });
  parts->case_service.set_on_alerts([p] { p->alert_hub.Notify(); });
  // Case clocks run in days; every ten minutes is soon enough.
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "report_overdue_cases", absl::Minutes(10), absl::Minutes(10), [p] {
        auto reported = p->case_overdue.ReportOverdue();
        if (!reported.ok()) return reported.status();
        if (*reported > 0) Log(LogLevel::kInfo, "cases_overdue").Int("cases", *reported);
        return absl::OkStatus();
      }));
  // Hotline clocks run in hours (urgent: 2 h), so they are looked at every minute.
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "report_overdue_complaints", absl::Minutes(1), absl::Minutes(10), [p] {
        auto reported = p->complaint_overdue.ReportOverdue();
        if (!reported.ok()) return reported.status();
        if (*reported > 0) Log(LogLevel::kInfo, "complaints_overdue").Int("clocks", *reported);
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "evaluate_monitoring", options.evaluation_interval, absl::Minutes(30), [p] {
        auto stats = p->evaluator.RunOnce();
        if (!stats.ok()) return stats.status();
        if (stats->opened + stats->updated + stats->closed + stats->withdrawn +
                stats->case_candidates > 0) {
          Log(LogLevel::kInfo, "evaluation_done")
              .Int("outlets", stats->outlets_judged)
              .Int("windows", stats->windows)
              .Int("opened", stats->opened)
              .Int("updated", stats->updated)
              .Int("closed", stats->closed)
              .Int("withdrawn", stats->withdrawn)
              .Int("tasks_issued", stats->tasks_issued)
              .Int("case_candidates", stats->case_candidates);
        }
        return absl::OkStatus();
      }));
  // Uploads a client gave up on hold disk space; an hour's delay in freeing it is harmless.
  if (parts->blobs != nullptr) {
    parts->upload_sweep = std::make_unique<api::EvidenceUploadSweep>(
        parts->evidence_items, *parts->blobs, parts->mutations, clock,
        options.evidence_stale_upload_after);
    ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
        "abandon_stale_uploads", absl::Hours(1), absl::Minutes(30), [p] {
          auto removed = p->upload_sweep->AbandonStale();
          if (!removed.ok()) return removed.status();
          if (*removed > 0) Log(LogLevel::kInfo, "stale_uploads_removed").Int("count", *removed);
          return absl::OkStatus();
        }));
  }
  const MonitoringOptions monitoring = options.monitoring;
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.AddJob(
      "maintain_reading_partitions", absl::Hours(6), absl::Minutes(30),
      [p, monitoring, clock_ptr] {
        auto dropped = p->readings.MaintainPartitions(
            clock_ptr->Now(), monitoring.reading_retention, monitoring.partition_months_ahead);
        if (!dropped.ok()) return dropped.status();
        for (const std::string& name : *dropped) {
          Log(LogLevel::kInfo, "reading_partition_dropped").Str("partition", name);
        }
        return absl::OkStatus();
      }));
  ECOCASE_RETURN_IF_ERROR(parts->sweeps.Start(options.sweep_tick));
  return std::unique_ptr<Application>(new Application(std::move(parts)));
}

int Application::port() const { return parts_->server->port(); }

int Application::hj212_port() const {
  return parts_->gateway == nullptr ? 0 : parts_->gateway->port();
}

std::shared_ptr<grpc::Channel> Application::InProcessChannel() {
  return parts_->server->InProcessChannel();
}

api::AlertHub& Application::alert_hub() { return parts_->alert_hub; }

void Application::Shutdown(absl::Duration grace) {
  if (parts_->server == nullptr) return;
  parts_->health->Drain();
  parts_->sweeps.Stop();  // Hands leases over to the other replicas at once.
  // Watches end at once (UNAVAILABLE, to resume from their cursors) instead of holding
  // the server for the whole grace.
  parts_->alert_hub.Stop();
  parts_->server->Shutdown(grace);
  // Stations lose their connections (unanswered packets are re-sent to another replica or
  // after the restart; inserts are idempotent), then the queued readings are written.
  if (parts_->gateway != nullptr) parts_->gateway->Stop();
  // After the RPCs (which wait for their writes): what is queued is written, then no more.
  parts_->writer.Stop();
  parts_->health.reset();
  parts_->server.reset();
}

}  // namespace ecocase::app
