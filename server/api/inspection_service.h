#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/inspection_record.h"
#include "ecocase/v1/inspection.grpc.pb.h"
#include "storage/enterprise_repository.h"
#include "storage/evidence_repository.h"
#include "storage/inspection_repository.h"
#include "storage/mutation.h"
#include "storage/user_repository.h"

namespace ecocase::api {

// InspectionService: on-site inspection records (现场检查笔录 / 勘察笔录 / 询问笔录). Translation,
// authorization and transactions; the rules are domain/inspection_record.h's, the SQL
// storage/mysql/mysql_inspection_repository.cc's. Every write is one audited, idempotent
// transaction; rendering the case-file copy is audited as a read.
class InspectionServiceImpl final : public ecocase::v1::InspectionService::Service {
 public:
  // `city_code` is the bureau's own area: a jurisdiction covering it sees everything.
  // `users` supplies the officers' names and certificates; `evidence` the items attached;
  // `enterprises` the district of an inspected enterprise. `clock` must outlive the service.
  InspectionServiceImpl(Authorizer& authorizer, storage::InspectionRepository& inspections,
                        storage::EvidenceRepository& evidence, storage::UserRepository& users,
                        storage::EnterpriseRepository& enterprises,
                        storage::MutationRunner& mutations, const common::Clock& clock,
                        std::string city_code);

  grpc::Status CreateInspectionRecord(grpc::ServerContext* context,
                                      const ecocase::v1::CreateInspectionRecordRequest* request,
                                      ecocase::v1::InspectionRecord* response) override;
  grpc::Status GetInspectionRecord(grpc::ServerContext* context,
                                   const ecocase::v1::GetInspectionRecordRequest* request,
                                   ecocase::v1::InspectionRecord* response) override;
  grpc::Status ListInspectionRecords(grpc::ServerContext* context,
                                     const ecocase::v1::ListInspectionRecordsRequest* request,
                                     ecocase::v1::ListInspectionRecordsResponse* response) override;
  grpc::Status UpdateInspectionRecord(grpc::ServerContext* context,
                                      const ecocase::v1::UpdateInspectionRecordRequest* request,
                                      ecocase::v1::InspectionRecord* response) override;
  grpc::Status AttachInspectionEvidence(grpc::ServerContext* context,
                                        const ecocase::v1::AttachInspectionEvidenceRequest* request,
                                        ecocase::v1::InspectionRecord* response) override;
  grpc::Status SignInspectionRecord(grpc::ServerContext* context,
                                    const ecocase::v1::SignInspectionRecordRequest* request,
                                    ecocase::v1::InspectionRecord* response) override;
  grpc::Status CorrectInspectionRecord(grpc::ServerContext* context,
                                       const ecocase::v1::CorrectInspectionRecordRequest* request,
                                       ecocase::v1::InspectionRecord* response) override;
  grpc::Status RenderInspectionRecord(grpc::ServerContext* context,
                                      const ecocase::v1::RenderInspectionRecordRequest* request,
                                      ecocase::v1::RenderedInspectionRecord* response) override;

 private:
  // A change of the locked record at `now`, within the transaction.
  using Change =
      absl::FunctionRef<absl::Status(storage::Tx&, domain::InspectionRecord&, absl::Time now)>;

  absl::Status DoCreate(grpc::ServerContext* context,
                        const ecocase::v1::CreateInspectionRecordRequest& request,
                        ecocase::v1::InspectionRecord& response);
  absl::Status DoGet(grpc::ServerContext* context,
                     const ecocase::v1::GetInspectionRecordRequest& request,
                     ecocase::v1::InspectionRecord& response);
  absl::Status DoList(grpc::ServerContext* context,
                      const ecocase::v1::ListInspectionRecordsRequest& request,
                      ecocase::v1::ListInspectionRecordsResponse& response);
  absl::Status DoUpdate(grpc::ServerContext* context,
                        const ecocase::v1::UpdateInspectionRecordRequest& request,
                        ecocase::v1::InspectionRecord& response);
  absl::Status DoAttach(grpc::ServerContext* context,
                        const ecocase::v1::AttachInspectionEvidenceRequest& request,
                        ecocase::v1::InspectionRecord& response);
  absl::Status DoSign(grpc::ServerContext* context,
                      const ecocase::v1::SignInspectionRecordRequest& request,
                      ecocase::v1::InspectionRecord& response);
  absl::Status DoCorrect(grpc::ServerContext* context,
                         const ecocase::v1::CorrectInspectionRecordRequest& request,
                         ecocase::v1::InspectionRecord& response);
  absl::Status DoRender(grpc::ServerContext* context,
                        const ecocase::v1::RenderInspectionRecordRequest& request,
                        ecocase::v1::RenderedInspectionRecord& response);

  // Fills each officer's name and certificate number from their account, which must be a
  // certified enforcer of `district_code` today (INVALID_ARGUMENT naming
  // `record.officers[i].user` otherwise).
  absl::Status FillOfficers(domain::InspectionRecord& record, absl::Time now);
  // Runs a record-changing mutation keyed by (caller, method, request_id) and parses the
  // stored/returned response into `out`.
  absl::Status RunMutation(
      const domain::Principal& caller, absl::string_view method, const std::string& request_id,
      const google::protobuf::Message& request,
      absl::FunctionRef<absl::StatusOr<domain::InspectionRecord>(storage::Tx&)> body,
      ecocase::v1::InspectionRecord& out);
  // Locks the record `name` (request field `name_field`) in the caller's scope, checks
  // `etag` when given, applies `change` and stores it.
  absl::Status Transition(const domain::Principal& caller, absl::string_view method,
                          const std::string& name, absl::string_view name_field,
                          const std::string& etag, const std::string& request_id,
                          const google::protobuf::Message& request, Change change,
                          ecocase::v1::InspectionRecord& out);

  Authorizer& authorizer_;
  storage::InspectionRepository& inspections_;
  storage::EvidenceRepository& evidence_;
  storage::UserRepository& users_;
  storage::EnterpriseRepository& enterprises_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  const std::string city_code_;
};

}  // namespace ecocase::api
