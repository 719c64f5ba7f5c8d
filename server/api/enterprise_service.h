#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "ecocase/v1/enterprise.grpc.pb.h"
#include "security/password_hasher.h"
#include "storage/enterprise_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// PBKDF2 cost of device (HJ 212 PW) hashes. Lower than users' on purpose: the HJ 212
// gateway verifies the PW on every connection of every station, and a PW is a
// machine-set secret, not a person's reused password.
inline constexpr int kDevicePasswordIterations = 10000;

// The registry of discharging units, their outlets and monitoring devices. Reads are
// limited to the caller's scope (an officer's districts, an enterprise's own record);
// out of scope is NOT_FOUND, the same as absent. Contacts and locations are shown only to
// bureau staff and the enterprise itself (domain::MaySeeEnterpriseContacts).
class EnterpriseServiceImpl final : public ecocase::v1::EnterpriseService::Service {
 public:
  // `city_code` is the bureau's own area: a jurisdiction covering it sees everything.
  EnterpriseServiceImpl(Authorizer& authorizer, storage::EnterpriseRepository& enterprises,
                        storage::MutationRunner& mutations, const common::Clock& clock,
                        std::string city_code);

  grpc::Status CreateEnterprise(grpc::ServerContext* context,
                                const ecocase::v1::CreateEnterpriseRequest* request,
                                ecocase::v1::Enterprise* response) override;
  grpc::Status GetEnterprise(grpc::ServerContext* context,
                             const ecocase::v1::GetEnterpriseRequest* request,
                             ecocase::v1::Enterprise* response) override;
  grpc::Status ListEnterprises(grpc::ServerContext* context,
                               const ecocase::v1::ListEnterprisesRequest* request,
                               ecocase::v1::ListEnterprisesResponse* response) override;
  grpc::Status UpdateEnterprise(grpc::ServerContext* context,
                                const ecocase::v1::UpdateEnterpriseRequest* request,
                                ecocase::v1::Enterprise* response) override;
  grpc::Status CreateOutlet(grpc::ServerContext* context,
                            const ecocase::v1::CreateOutletRequest* request,
                            ecocase::v1::Outlet* response) override;
  grpc::Status GetOutlet(grpc::ServerContext* context, const ecocase::v1::GetOutletRequest* request,
                         ecocase::v1::Outlet* response) override;
  grpc::Status ListOutlets(grpc::ServerContext* context,
                           const ecocase::v1::ListOutletsRequest* request,
                           ecocase::v1::ListOutletsResponse* response) override;
  grpc::Status UpdateOutlet(grpc::ServerContext* context,
                            const ecocase::v1::UpdateOutletRequest* request,
                            ecocase::v1::Outlet* response) override;
  grpc::Status BindDevice(grpc::ServerContext* context,
                          const ecocase::v1::BindDeviceRequest* request,
                          ecocase::v1::Device* response) override;
  grpc::Status UnbindDevice(grpc::ServerContext* context,
                            const ecocase::v1::UnbindDeviceRequest* request,
                            ecocase::v1::Device* response) override;

 private:
  absl::Status DoCreateEnterprise(grpc::ServerContext* context,
                                  const ecocase::v1::CreateEnterpriseRequest& request,
                                  ecocase::v1::Enterprise& response);
  absl::Status DoGetEnterprise(grpc::ServerContext* context,
                               const ecocase::v1::GetEnterpriseRequest& request,
                               ecocase::v1::Enterprise& response);
  absl::Status DoListEnterprises(grpc::ServerContext* context,
                                 const ecocase::v1::ListEnterprisesRequest& request,
                                 ecocase::v1::ListEnterprisesResponse& response);
  absl::Status DoUpdateEnterprise(grpc::ServerContext* context,
                                  const ecocase::v1::UpdateEnterpriseRequest& request,
                                  ecocase::v1::Enterprise& response);
  absl::Status DoCreateOutlet(grpc::ServerContext* context,
                              const ecocase::v1::CreateOutletRequest& request,
                              ecocase::v1::Outlet& response);
  absl::Status DoGetOutlet(grpc::ServerContext* context,
                           const ecocase::v1::GetOutletRequest& request,
                           ecocase::v1::Outlet& response);
  absl::Status DoListOutlets(grpc::ServerContext* context,
                             const ecocase::v1::ListOutletsRequest& request,
                             ecocase::v1::ListOutletsResponse& response);
  absl::Status DoUpdateOutlet(grpc::ServerContext* context,
                              const ecocase::v1::UpdateOutletRequest& request,
                              ecocase::v1::Outlet& response);
  absl::Status DoBindDevice(grpc::ServerContext* context,
                            const ecocase::v1::BindDeviceRequest& request,
                            ecocase::v1::Device& response);
  absl::Status DoUnbindDevice(grpc::ServerContext* context,
                              const ecocase::v1::UnbindDeviceRequest& request,
                              ecocase::v1::Device& response);

  // Runs one change through the mutation runner (idempotency key, transaction, audit
  // record) and parses the stored or fresh response into `out`. `fingerprint` is the
  // request without request_id and secrets.
  absl::Status RunMutation(
      const domain::Principal& caller, absl::string_view method, const std::string& request_id,
      const google::protobuf::Message& fingerprint,
      absl::FunctionRef<absl::StatusOr<storage::MutationResult>(storage::Tx&)> body,
      google::protobuf::Message& out);

  Authorizer& authorizer_;
  storage::EnterpriseRepository& enterprises_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  const std::string city_code_;
  const security::PasswordHasher device_hasher_;
};

}  // namespace ecocase::api
