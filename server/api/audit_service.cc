#include "api/audit_service.h"

#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "security/audit_chain.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

constexpr absl::string_view kListMethod = "ecocase.v1.AuditService/ListAuditRecords";

void ToProto(const storage::AuditRecordRow& row, ecocase::v1::AuditRecord& record) {
  record.set_sequence(row.sequence);
  *record.mutable_record_time() = ToTimestamp(row.record_time);
  record.set_actor(row.actor);
  record.set_action(row.action);
  record.set_resource(row.resource);
  record.set_request_id(row.request_id);
  record.set_change_digest(row.change_digest);
  record.set_previous_hash(row.previous_hash);
  record.set_hash(row.hash);
}

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

grpc::Status AuditServiceImpl::ListAuditRecords(
    grpc::ServerContext* context, const ecocase::v1::ListAuditRecordsRequest* request,
    ecocase::v1::ListAuditRecordsResponse* response) {
  auto principal = authorizer_.Authorize(context, domain::Action::kListAuditRecords);
  if (!principal.ok()) return ToGrpcStatus(principal.status());

  const std::string query = QueryFingerprint(
      {kListMethod, principal->ResourceName(), request->resource(), request->actor()});
  auto page = ParsePage(request->page_size(), request->page_token(), query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  std::optional<int64_t> before;
  if (!page->after.empty()) {
    int64_t sequence = 0;
    if (!absl::SimpleAtoi(page->after, &sequence) || sequence < 1) {
      return ToGrpcStatus(common::InvalidFieldError(
          "page_token", "is not a token of this query; start again without page_token"));
    }
    before = sequence;
  }

  storage::AuditFilter filter;
  filter.resource = request->resource();
  filter.actor = request->actor();
  // One more than the page: whether a next page exists without an empty last page.
  auto rows = repository_.List(storage::Scope::For(*principal, city_code_), filter,
                               page->size + 1, before);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  const bool more = rows->size() > static_cast<size_t>(page->size);
  if (more) rows->resize(page->size);
  for (const storage::AuditRecordRow& row : *rows) ToProto(row, *response->add_records());
  if (more) {
    response->set_next_page_token(MakePageToken(query, absl::StrCat(rows->back().sequence)));
  }
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::VerifyAuditChain(
    grpc::ServerContext* context, const ecocase::v1::VerifyAuditChainRequest* request,
    ecocase::v1::VerifyAuditChainResponse* response) {
  auto principal = authorizer_.Authorize(context, domain::Action::kVerifyAuditChain);
  if (!principal.ok()) return ToGrpcStatus(principal.status());

  const ecocase::v1::AuditCheckpoint& checkpoint = request->checkpoint();
  if (checkpoint.sequence() < 0) {
    return ToGrpcStatus(
        common::InvalidFieldError("checkpoint.sequence", "must not be negative"));
  }
  const std::string hash = absl::AsciiStrToLower(checkpoint.hash());
  if (checkpoint.sequence() > 0 && !IsSha256Hex(hash)) {
    return ToGrpcStatus(common::InvalidFieldError(
        "checkpoint.hash", "must be the 64 hexadecimal digits of the checkpoint's hash"));
  }
  if (checkpoint.sequence() == 0 && !hash.empty() && hash != security::kGenesisHash) {
    return ToGrpcStatus(common::InvalidFieldError(
        "checkpoint.hash", "must be empty or 64 zeros when checkpoint.sequence is 0"));
  }

  auto report = repository_.Verify(checkpoint.sequence(), hash);
  if (!report.ok()) return ToGrpcStatus(report.status());
  response->set_intact(report->intact);
  response->set_record_count(report->record_count);
  response->mutable_head()->set_sequence(report->last_sequence);
  response->mutable_head()->set_hash(report->last_hash);
  response->set_first_broken_sequence(report->first_broken_sequence);
  response->set_problem(report->problem);
  return grpc::Status::OK;
}

}  // namespace ecocase::api
