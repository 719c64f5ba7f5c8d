#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "api/authorizer.h"
#include "common/clock.h"
#include "domain/evaluation/data_mark.h"
#include "ecocase/v1/data_mark.grpc.pb.h"
#include "storage/data_mark_repository.h"
#include "storage/mutation.h"

namespace ecocase::api {

// DataMarkService: data marks (自主标记). Translation, authorization and transactions; the
// rules are domain/evaluation/data_mark.h's, the SQL mysql_data_mark_repository.cc's. The
// enterprise creates and withdraws marks of its own outlets; officers and supervisors review
// them within their districts; staff and the enterprise read. Accepting a mark asks the
// evaluator, in the same transaction, to judge the hours it covers again.
class DataMarkServiceImpl final : public ecocase::v1::DataMarkService::Service {
 public:
  // `city_code` is the bureau's own area: a jurisdiction covering it sees everything.
  // `clock` must outlive the service.
  DataMarkServiceImpl(Authorizer& authorizer, storage::DataMarkRepository& marks,
                      storage::MutationRunner& mutations, const common::Clock& clock,
                      std::string city_code, domain::evaluation::DataMarkOptions options);

  grpc::Status CreateDataMark(grpc::ServerContext* context,
                              const ecocase::v1::CreateDataMarkRequest* request,
                              ecocase::v1::DataMark* response) override;
  grpc::Status GetDataMark(grpc::ServerContext* context,
                           const ecocase::v1::GetDataMarkRequest* request,
                           ecocase::v1::DataMark* response) override;
  grpc::Status ListDataMarks(grpc::ServerContext* context,
                             const ecocase::v1::ListDataMarksRequest* request,
                             ecocase::v1::ListDataMarksResponse* response) override;
  grpc::Status ReviewDataMark(grpc::ServerContext* context,
                              const ecocase::v1::ReviewDataMarkRequest* request,
                              ecocase::v1::DataMark* response) override;
  grpc::Status WithdrawDataMark(grpc::ServerContext* context,
                                const ecocase::v1::WithdrawDataMarkRequest* request,
                                ecocase::v1::DataMark* response) override;

 private:
  using Change = absl::FunctionRef<absl::Status(domain::evaluation::DataMark&, absl::Time now)>;

  absl::Status DoCreate(grpc::ServerContext* context,
                        const ecocase::v1::CreateDataMarkRequest& request,
                        ecocase::v1::DataMark& response);
  absl::Status DoGet(grpc::ServerContext* context, const ecocase::v1::GetDataMarkRequest& request,
                     ecocase::v1::DataMark& response);
  absl::Status DoList(grpc::ServerContext* context,
                      const ecocase::v1::ListDataMarksRequest& request,
                      ecocase::v1::ListDataMarksResponse& response);
  absl::Status DoReview(grpc::ServerContext* context,
                        const ecocase::v1::ReviewDataMarkRequest& request,
                        ecocase::v1::DataMark& response);
  absl::Status DoWithdraw(grpc::ServerContext* context,
                          const ecocase::v1::WithdrawDataMarkRequest& request,
                          ecocase::v1::DataMark& response);

  // Runs a mark-changing mutation keyed by (caller, method, request_id), audited as
  // `audit_action`, and parses the stored/returned response into `out`.
  absl::Status RunMutation(
      const domain::Principal& caller, absl::string_view method, absl::string_view audit_action,
      const std::string& request_id, const google::protobuf::Message& request,
      absl::FunctionRef<absl::StatusOr<domain::evaluation::DataMark>(storage::Tx&)> body,
      ecocase::v1::DataMark& out);
  // Locks the mark `name` in the caller's scope (checking `etag` when given), applies
  // `change` and stores it: one audited, idempotent transaction.
  absl::Status Transition(const domain::Principal& caller, absl::string_view method,
                          absl::string_view audit_action, const std::string& name,
                          const std::string& etag, const std::string& request_id,
                          const google::protobuf::Message& request, Change change,
                          ecocase::v1::DataMark& out);

  Authorizer& authorizer_;
  storage::DataMarkRepository& marks_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  const std::string city_code_;
  const domain::evaluation::DataMarkOptions options_;
};

}  // namespace ecocase::api
