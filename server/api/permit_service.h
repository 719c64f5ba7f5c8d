#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/permit.h"
#include "ecocase/v1/permit.grpc.pb.h"
#include "storage/incident_repository.h"
#include "storage/mutation.h"
#include "storage/permit_repository.h"
#include "storage/task_repository.h"

namespace ecocase::api {

struct PermitOptions {
  // The bureau's own area: a jurisdiction covering it sees everything.
  std::string city_code = "410800";
  // The issuing authority named on permits (条例 art. 6: the 设区的市 authority).
  std::string issuing_authority = "焦作市生态环境局";
  // ListExpiringPermits without within_days: renewal must be asked 60 days before expiry
  // (条例 art. 14).
  int default_expiring_within_days = 60;
  // Shown with the open incidents of GetPermitStatus (how long the enterprise may explain).
  absl::Duration explain_window = absl::Hours(72);
};

// PermitService: translation, authorization and transactions; the rules are
// domain/permit.h's, the SQL storage/mysql/mysql_permit_repository.cc's.
class PermitServiceImpl final : public ecocase::v1::PermitService::Service {
 public:
  // `tasks` and `incidents` give GetPermitStatus the enterprise's open and overdue
  // rectification tasks and its open incidents.
  PermitServiceImpl(Authorizer& authorizer, storage::PermitRepository& permits,
                    storage::TaskRepository& tasks, storage::IncidentRepository& incidents,
                    storage::MutationRunner& mutations, const common::Clock& clock,
                    PermitOptions options);

  grpc::Status CreatePermit(grpc::ServerContext* context,
                            const ecocase::v1::CreatePermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status GetPermit(grpc::ServerContext* context, const ecocase::v1::GetPermitRequest* request,
                         ecocase::v1::Permit* response) override;
  grpc::Status ListPermits(grpc::ServerContext* context,
                           const ecocase::v1::ListPermitsRequest* request,
                           ecocase::v1::ListPermitsResponse* response) override;
  grpc::Status UpdatePermit(grpc::ServerContext* context,
                            const ecocase::v1::UpdatePermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status IssuePermit(grpc::ServerContext* context,
                           const ecocase::v1::IssuePermitRequest* request,
                           ecocase::v1::Permit* response) override;
  grpc::Status ChangePermit(grpc::ServerContext* context,
                            const ecocase::v1::ChangePermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status RenewPermit(grpc::ServerContext* context,
                           const ecocase::v1::RenewPermitRequest* request,
                           ecocase::v1::Permit* response) override;
  grpc::Status RevokePermit(grpc::ServerContext* context,
                            const ecocase::v1::RevokePermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status CancelPermit(grpc::ServerContext* context,
                            const ecocase::v1::CancelPermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status ImportPermit(grpc::ServerContext* context,
                            const ecocase::v1::ImportPermitRequest* request,
                            ecocase::v1::Permit* response) override;
  grpc::Status ListPermitVersions(grpc::ServerContext* context,
                                  const ecocase::v1::ListPermitVersionsRequest* request,
                                  ecocase::v1::ListPermitVersionsResponse* response) override;
  grpc::Status GetLimitInForce(grpc::ServerContext* context,
                               const ecocase::v1::GetLimitInForceRequest* request,
                               ecocase::v1::LimitInForce* response) override;
  grpc::Status GetPermitStatus(grpc::ServerContext* context,
                               const ecocase::v1::GetPermitStatusRequest* request,
                               ecocase::v1::PermitStatus* response) override;
  grpc::Status ListExpiringPermits(grpc::ServerContext* context,
                                   const ecocase::v1::ListExpiringPermitsRequest* request,
                                   ecocase::v1::ListPermitsResponse* response) override;
  // Public: no token, no Authorize.
  grpc::Status GetPublicPermit(grpc::ServerContext* context,
                               const ecocase::v1::GetPublicPermitRequest* request,
                               ecocase::v1::PublicPermit* response) override;

 private:
  // The decision a transition makes on a locked permit and its holder.
  using Decide = absl::FunctionRef<absl::StatusOr<domain::PermitEdit>(const storage::LockedPermit&,
                                                                      absl::Time now)>;

  absl::Status DoCreate(grpc::ServerContext* context,
                        const ecocase::v1::CreatePermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListPermitsRequest& request,
                      ecocase::v1::ListPermitsResponse& response);
  absl::Status DoUpdate(grpc::ServerContext* context,
                        const ecocase::v1::UpdatePermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoChange(grpc::ServerContext* context,
                        const ecocase::v1::ChangePermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoRenew(grpc::ServerContext* context, const ecocase::v1::RenewPermitRequest& request,
                       ecocase::v1::Permit& response);
  absl::Status DoRevoke(grpc::ServerContext* context,
                        const ecocase::v1::RevokePermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoCancel(grpc::ServerContext* context,
                        const ecocase::v1::CancelPermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoImport(grpc::ServerContext* context,
                        const ecocase::v1::ImportPermitRequest& request,
                        ecocase::v1::Permit& response);
  absl::Status DoLimitInForce(grpc::ServerContext* context,
                              const ecocase::v1::GetLimitInForceRequest& request,
                              ecocase::v1::LimitInForce& response);
  absl::Status DoStatus(grpc::ServerContext* context,
                        const ecocase::v1::GetPermitStatusRequest& request,
                        ecocase::v1::PermitStatus& response);
  absl::Status DoExpiring(grpc::ServerContext* context,
                          const ecocase::v1::ListExpiringPermitsRequest& request,
                          ecocase::v1::ListPermitsResponse& response);

  // Locks the permit `name` in the caller's scope (checking `etag` when given), lets
  // `decide` compute the change and stores it: one audited, idempotent transaction.
  // `*_field` name the request fields in errors.
  absl::Status Transition(const domain::Principal& caller, absl::string_view method,
                          const std::string& name, absl::string_view name_field,
                          const std::string& etag, absl::string_view etag_field,
                          const std::string& request_id, const google::protobuf::Message& request,
                          Decide decide, ecocase::v1::Permit& out);
  // Runs a permit-changing mutation keyed by (caller, method, request_id) and parses the
  // stored/returned response into `out`.
  absl::Status RunMutation(const domain::Principal& caller, absl::string_view method,
                           const std::string& request_id, const google::protobuf::Message& request,
                           absl::FunctionRef<absl::StatusOr<domain::Permit>(storage::Tx&)> body,
                           ecocase::v1::Permit& out);

  Authorizer& authorizer_;
  storage::PermitRepository& permits_;
  storage::TaskRepository& tasks_;
  storage::IncidentRepository& incidents_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  const PermitOptions options_;
};

// Expiry by date (the `expire_permits` sweep): permits in force whose last day of validity
// has ended (Asia/Shanghai, per the injected clock) become EXPIRED with end_time = the end
// of that day, each in its own transaction audited as `users/system`. Idempotent: a permit
// renewed or expired meanwhile is left alone.
class PermitExpiry final {
 public:
  PermitExpiry(storage::PermitRepository& permits, storage::MutationRunner& mutations,
               const common::Clock& clock)
      : permits_(permits), mutations_(mutations), clock_(clock) {}

  // Expires what is due (at most `batch` permits per call); returns how many it expired.
  // The first error is returned after the others had their turn.
  absl::StatusOr<int> ExpireDue(int batch = 500);

 private:
  storage::PermitRepository& permits_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
};

}  // namespace ecocase::api
