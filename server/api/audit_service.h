#pragma once

#include <string>
#include <utility>

#include "api/authorizer.h"
#include "ecocase/v1/audit.grpc.pb.h"
#include "storage/audit_repository.h"

namespace ecocase::api {

// Reads and verifies the hash-chained audit log. Records are written by the mutation
// runner inside each change's transaction, never through this service.
class AuditServiceImpl final : public ecocase::v1::AuditService::Service {
 public:
  // `city_code`: the bureau's own area (e.g. "410800"); a jurisdiction covering it sees
  // every record (storage::Scope::For).
  AuditServiceImpl(Authorizer& authorizer, storage::AuditRepository& repository,
                   std::string city_code)
      : authorizer_(authorizer), repository_(repository), city_code_(std::move(city_code)) {}

  // Records in the caller's scope, newest first, keyset-paginated by sequence.
  // INVALID_ARGUMENT for a negative page_size or a page_token of another query.
  grpc::Status ListAuditRecords(grpc::ServerContext* context,
                                const ecocase::v1::ListAuditRecordsRequest* request,
                                ecocase::v1::ListAuditRecordsResponse* response) override;
  // A broken chain is an OK response with intact = false. INVALID_ARGUMENT for a
  // checkpoint with a negative sequence or (sequence > 0) a hash that is not 64 hex digits.
  grpc::Status VerifyAuditChain(grpc::ServerContext* context,
                                const ecocase::v1::VerifyAuditChainRequest* request,
                                ecocase::v1::VerifyAuditChainResponse* response) override;

 private:
  Authorizer& authorizer_;
  storage::AuditRepository& repository_;
  const std::string city_code_;
};

}  // namespace ecocase::api
