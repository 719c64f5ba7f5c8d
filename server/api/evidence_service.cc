#include "api/evidence_service.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/evidence_convert.h"
#include "api/grpc_status.h"
#include "api/officer_check.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "security/sha256.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;
using domain::Action;

constexpr absl::string_view kService = "ecocase.v1.EvidenceService/";
constexpr int kMaxEvidencePage = 200;

storage::AuditEntry EvidenceAudit(const domain::Principal& caller, absl::string_view method,
                                  const std::string& resource,
                                  const storage::EvidencePlacement& placement,
                                  const google::protobuf::Message& digest_of) {
  return {.actor = caller.ResourceName(),
          .action = std::string(method),
          .resource = resource,
          .change_digest = MessageDigest(digest_of),
          .district_code = placement.district_code,
          .enterprise_uscc = placement.enterprise_uscc};
}

absl::Status StoreUnconfigured() {
  return common::WithReason(
      absl::FailedPreconditionError(
          "evidence storage is not configured on this server (set evidence_dir)"),
      "EVIDENCE_STORE_UNCONFIGURED");
}

}  // namespace

EvidenceServiceImpl::EvidenceServiceImpl(Authorizer& authorizer,
                                         storage::EvidenceRepository& evidence,
                                         storage::BlobStore* blobs, const EvidenceParents& parents,
                                         storage::UserRepository& users,
                                         storage::MutationRunner& mutations,
                                         const common::Clock& clock, EvidenceServiceOptions options)
    : authorizer_(authorizer),
      evidence_(evidence),
      blobs_(blobs),
      parents_(parents),
      users_(users),
      mutations_(mutations),
      clock_(clock),
      options_(std::move(options)) {}

std::string EvidenceServiceImpl::UploadId(int64_t evidence_id) {
  return absl::StrCat("evidence-", evidence_id);
}

absl::Status EvidenceServiceImpl::RequireBlobs() const {
  return blobs_ == nullptr ? StoreUnconfigured() : absl::OkStatus();
}

absl::StatusOr<storage::StoredEvidence> EvidenceServiceImpl::OwnUpload(
    const domain::Principal& caller, int64_t id) {
  absl::StatusOr<storage::StoredEvidence> item = evidence_.Get(id);
  if (item.ok() && item->item.uploaded_by != caller.ResourceName()) {
    // Only the uploader continues an upload; to anyone else it does not exist.
    return absl::NotFoundError(absl::StrCat("evidence/", id, " is not an upload of yours"));
  }
  return item;
}

absl::StatusOr<storage::StoredEvidence> EvidenceServiceImpl::Visible(
    const domain::Principal& caller, int64_t id) {
  const absl::Status not_found = absl::NotFoundError(absl::StrCat("evidence/", id, " not found"));
  absl::StatusOr<storage::StoredEvidence> item = evidence_.Get(id);
  if (!item.ok()) return item.status();
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  absl::StatusOr<EvidenceParent> parent = parents_.Resolve(item->item.parent, "name", scope);
  if (absl::IsNotFound(parent.status())) return not_found;
  if (!parent.ok()) return parent.status();
  if (!domain::MaySeeEvidence(item->item, ViewerOf(caller, *parent))) return not_found;
  return item;
}

absl::StatusOr<v1::Evidence> EvidenceServiceImpl::Commit(
    const domain::Principal& caller, absl::string_view method, int64_t id,
    const std::string& request_id, const google::protobuf::Message* request,
    absl::FunctionRef<absl::Status(domain::EvidenceItem&)> change) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), request_id,
                           request == nullptr ? "" : RequestDigest(*request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence stored, evidence_.Lock(tx, id));
        ECOCASE_RETURN_IF_ERROR(change(stored.item));
        const absl::Time now = clock_.Now();
        ECOCASE_RETURN_IF_ERROR(evidence_.StoreProgress(tx, stored.item, now));
        v1::Evidence result = ToProto(stored.item);
        return storage::MutationResult{
            result.SerializeAsString(),
            EvidenceAudit(caller, method, result.name(), stored.placement, result)};
      }));
  v1::Evidence out;
  if (!out.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return out;
}

absl::Status EvidenceServiceImpl::AuditRead(const domain::Principal& caller,
                                            absl::string_view method, const std::string& resource,
                                            const storage::EvidencePlacement& placement,
                                            const google::protobuf::Message& digest_of) {
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, method), "", ""};
  return mutations_
      .Run(key,
           [&](storage::Tx&) -> absl::StatusOr<storage::MutationResult> {
             return storage::MutationResult{
                 "", EvidenceAudit(caller, method, resource, placement, digest_of)};
           })
      .status();
}

absl::StatusOr<int64_t> EvidenceServiceImpl::Offset(const domain::Principal& caller,
                                                    storage::StoredEvidence& item) {
  const std::string upload_id = UploadId(item.item.id);
  absl::StatusOr<int64_t> offset = blobs_->UploadOffset(upload_id);
  if (!absl::IsNotFound(offset.status())) return offset;
  // No partial file: either nothing arrived yet, or the blob was completed and the commit
  // did not happen (a crash between the two), or the same content is stored already.
  absl::StatusOr<int64_t> blob_size = blobs_->Stat(item.item.sha256);
  if (blob_size.ok() && *blob_size == item.item.size_bytes) {
    ECOCASE_RETURN_IF_ERROR(MarkStored(caller, item, {item.item.sha256, *blob_size}));
    return item.item.size_bytes;
  }
  if (!blob_size.ok() && !absl::IsNotFound(blob_size.status())) return blob_size.status();
  ECOCASE_RETURN_IF_ERROR(blobs_->StartUpload(upload_id, item.item.size_bytes));
  return 0;
}

absl::Status EvidenceServiceImpl::Finish(const domain::Principal& caller,
                                         storage::StoredEvidence& item) {
  const std::string upload_id = UploadId(item.item.id);
  absl::StatusOr<storage::StoredBlob> blob = blobs_->Complete(upload_id, item.item.sha256);
  if (!blob.ok() && common::ReasonOf(blob.status()) == "EVIDENCE_HASH_MISMATCH") {
    // The bytes are not the file the officer declared: the item is refused for good.
    ECOCASE_RETURN_IF_ERROR(
        Commit(caller, "UploadEvidence", item.item.id, "", nullptr,
               [](domain::EvidenceItem& locked) { return domain::AbandonUpload(locked); })
            .status());
    ECOCASE_RETURN_IF_ERROR(blobs_->Abandon(upload_id));
    common::Log(common::LogLevel::kWarning, "evidence_hash_mismatch")
        .Str("evidence", item.item.ResourceName())
        .Str("by", caller.ResourceName());
    return common::WithReason(
        absl::FailedPreconditionError(
            absl::StrCat("the file received does not have the declared SHA-256 ", item.item.sha256,
                         "; ", item.item.ResourceName(), " is abandoned: start a new upload")),
        "EVIDENCE_HASH_MISMATCH");
  }
  if (!blob.ok()) return blob.status();
  return MarkStored(caller, item, *blob);
}

absl::Status EvidenceServiceImpl::MarkStored(const domain::Principal& caller,
                                             storage::StoredEvidence& item,
                                             const storage::StoredBlob& blob) {
  ECOCASE_RETURN_IF_ERROR(Commit(caller, "UploadEvidence", item.item.id, "", nullptr,
                                 [&](domain::EvidenceItem& locked) {
                                   // Completing a STORED item again changes nothing.
                                   if (locked.state == domain::EvidenceState::kUploading) {
                                     locked.received_bytes = blob.size_bytes;
                                   }
                                   return domain::CompleteUpload(locked, blob.sha256, clock_.Now());
                                 })
                              .status());
  item.item.state = domain::EvidenceState::kStored;
  item.item.received_bytes = item.item.size_bytes;
  return absl::OkStatus();
}

absl::Status EvidenceServiceImpl::DoStart(grpc::ServerContext* context,
                                          const v1::StartEvidenceUploadRequest& request,
                                          v1::Evidence& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kStartEvidenceUpload));
  ECOCASE_RETURN_IF_ERROR(RequireBlobs());
  ECOCASE_ASSIGN_OR_RETURN(domain::EvidenceItem item, FromProto(request.evidence()));
  const bool enterprise = caller.role == domain::Role::kEnterprise;
  if (enterprise && item.capturing_officers.empty()) {
    item.capturing_officers.push_back(caller.username);
  }
  const absl::Time now = clock_.Now();
  ECOCASE_RETURN_IF_ERROR(domain::ValidateNewEvidence(item, "evidence", options_.limits, now));
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  ECOCASE_ASSIGN_OR_RETURN(EvidenceParent parent,
                           parents_.Resolve(item.parent, "evidence.parent", scope));
  item.parent = parent.name;
  if (enterprise) {
    if (item.capturing_officers != std::vector<std::string>{caller.username}) {
      return common::InvalidFieldError("evidence.capturing_officers",
                                       "an enterprise's upload names its own user only");
    }
  } else {
    for (size_t i = 0; i < item.capturing_officers.size(); ++i) {
      ECOCASE_RETURN_IF_ERROR(CheckEnabledEnforcer(
          users_, item.capturing_officers[i], absl::StrCat("evidence.capturing_officers[", i, "]"),
          parent.placement.district_code));
    }
  }
  if (item.corrects > 0) {
    absl::StatusOr<storage::StoredEvidence> old = evidence_.Get(item.corrects);
    if (absl::IsNotFound(old.status()) ||
        (old.ok() &&
         (old->item.parent != item.parent || old->item.state != domain::EvidenceState::kStored))) {
      return common::InvalidFieldError(
          "evidence.corrects", "must name a stored item of the same parent (evidence/{id})");
    }
    if (!old.ok()) return old.status();
  }
  domain::StartUpload(item, caller.ResourceName(), now);
  ECOCASE_ASSIGN_OR_RETURN(const int64_t used, evidence_.SumDeclaredBytesSince(
                                                   caller.ResourceName(), now - absl::Hours(24)));
  storage::MutationKey key{caller.ResourceName(), absl::StrCat(kService, "StartEvidenceUpload"),
                           request.request_id(), RequestDigest(request)};
  ECOCASE_ASSIGN_OR_RETURN(
      std::string bytes,
      mutations_.Run(key, [&](storage::Tx& tx) -> absl::StatusOr<storage::MutationResult> {
        ECOCASE_ASSIGN_OR_RETURN(auto created, evidence_.Create(tx, item, parent.placement));
        // A new upload counts against the quota; resuming one started before does not.
        if (created.second && used + item.size_bytes > options_.daily_quota_bytes) {
          return common::WithReason(
              absl::ResourceExhaustedError(absl::StrCat(
                  "uploads of the last 24 hours would pass the quota of ",
                  options_.daily_quota_bytes >> 20, " MiB (", used >> 20, " MiB used)")),
              "EVIDENCE_QUOTA");
        }
        v1::Evidence result = ToProto(created.first.item);
        return storage::MutationResult{
            result.SerializeAsString(),
            EvidenceAudit(caller, "StartEvidenceUpload", result.name(), parent.placement, result)};
      }));
  if (!response.ParseFromString(bytes)) return absl::InternalError("stored response is corrupt");
  return absl::OkStatus();
}

absl::Status EvidenceServiceImpl::DoUpload(grpc::ServerContext* context,
                                           grpc::ServerReader<v1::UploadEvidenceRequest>& reader,
                                           v1::Evidence& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kUploadEvidence));
  ECOCASE_RETURN_IF_ERROR(RequireBlobs());
  v1::UploadEvidenceRequest chunk;
  if (!reader.Read(&chunk)) {
    return common::InvalidFieldError("name", "the stream carried no chunk");
  }
  const std::string name = chunk.name();
  ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(name, "name"));
  ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence item, OwnUpload(caller, id));
  if (item.item.state == domain::EvidenceState::kUploading) {
    ECOCASE_ASSIGN_OR_RETURN(item.item.received_bytes, Offset(caller, item));
  }
  if (item.item.state == domain::EvidenceState::kStored) {
    // A retry of a completed upload: the item as stored.
    response = ToProto(item.item);
    return absl::OkStatus();
  }
  const std::string upload_id = UploadId(id);
  do {
    if (chunk.name() != name) {
      return common::InvalidFieldError("name", "must name the same item in every message");
    }
    ECOCASE_RETURN_IF_ERROR(domain::CheckChunk(item.item, chunk.offset(),
                                               static_cast<int64_t>(chunk.data().size()),
                                               options_.limits)
                                .status());
    ECOCASE_RETURN_IF_ERROR(
        domain::CheckChunkHash(chunk.sha256(), security::Sha256Hex(chunk.data())));
    ECOCASE_ASSIGN_OR_RETURN(item.item.received_bytes,
                             blobs_->Append(upload_id, chunk.offset(), chunk.data()));
    if (item.item.received_bytes == item.item.size_bytes) {
      ECOCASE_RETURN_IF_ERROR(Finish(caller, item));
      ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence stored, evidence_.Get(id));
      response = ToProto(stored.item);
      return absl::OkStatus();
    }
  } while (reader.Read(&chunk));
  // The stream ended early (the client will resume): remember how far it got.
  const int64_t received = item.item.received_bytes;
  ECOCASE_ASSIGN_OR_RETURN(
      response,
      Commit(caller, "UploadEvidence", id, "", nullptr, [&](domain::EvidenceItem& locked) {
        if (locked.state == domain::EvidenceState::kUploading) {
          locked.received_bytes = received;
        }
        return absl::OkStatus();
      }));
  return absl::OkStatus();
}

absl::Status EvidenceServiceImpl::DoGetUpload(grpc::ServerContext* context,
                                              const v1::GetEvidenceUploadRequest& request,
                                              v1::EvidenceUpload& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetEvidenceUpload));
  ECOCASE_RETURN_IF_ERROR(RequireBlobs());
  ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence item, OwnUpload(caller, id));
  if (item.item.state == domain::EvidenceState::kUploading) {
    ECOCASE_ASSIGN_OR_RETURN(item.item.received_bytes, Offset(caller, item));
  }
  ECOCASE_ASSIGN_OR_RETURN(domain::UploadProgress progress, domain::ResumeOffset(item.item));
  response.set_name(item.item.ResourceName());
  response.set_offset(progress.offset);
  response.set_size_bytes(item.item.size_bytes);
  response.set_complete(progress.complete);
  response.set_max_chunk_bytes(options_.limits.max_chunk_bytes);
  return absl::OkStatus();
}

absl::Status EvidenceServiceImpl::DoAbandon(grpc::ServerContext* context,
                                            const v1::AbandonEvidenceUploadRequest& request,
                                            v1::Evidence& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kAbandonEvidenceUpload));
  ECOCASE_RETURN_IF_ERROR(RequireBlobs());
  ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(request.name(), "name"));
  ECOCASE_RETURN_IF_ERROR(OwnUpload(caller, id).status());
  ECOCASE_ASSIGN_OR_RETURN(
      response, Commit(caller, "AbandonEvidenceUpload", id, request.request_id(), &request,
                       [](domain::EvidenceItem& locked) { return domain::AbandonUpload(locked); }));
  // After the commit: should this fail, the stale-upload sweep deletes the bytes.
  return blobs_->Abandon(UploadId(id));
}

absl::Status EvidenceServiceImpl::DoGet(grpc::ServerContext* context,
                                        const v1::GetEvidenceRequest& request,
                                        v1::Evidence& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kGetEvidence));
  ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence item, Visible(caller, id));
  if (item.item.state == domain::EvidenceState::kUploading && blobs_ != nullptr) {
    absl::StatusOr<int64_t> offset = blobs_->UploadOffset(UploadId(id));
    if (offset.ok()) item.item.received_bytes = *offset;
  }
  response = ToProto(item.item);
  return AuditRead(caller, "GetEvidence", response.name(), item.placement, response);
}

absl::Status EvidenceServiceImpl::DoList(grpc::ServerContext* context,
                                         const v1::ListEvidenceRequest& request,
                                         v1::ListEvidenceResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListEvidence));
  const bool enterprise = caller.role == domain::Role::kEnterprise;
  if (enterprise && request.include_incomplete()) {
    return common::InvalidFieldError("include_incomplete", "is for bureau staff only");
  }
  const storage::Scope scope = storage::Scope::For(caller, options_.city_code);
  ECOCASE_ASSIGN_OR_RETURN(EvidenceParent parent,
                           parents_.Resolve(request.parent(), "parent", scope));
  const std::string query = QueryFingerprint({"ListEvidence", caller.ResourceName(), parent.name,
                                              request.include_incomplete() ? "all" : "stored"});
  ECOCASE_ASSIGN_OR_RETURN(Page page, ParsePage(request.page_size(), request.page_token(), query));
  page.size = std::min(page.size, kMaxEvidencePage);
  int64_t after_id = 0;
  if (!page.after.empty() && !absl::SimpleAtoi(page.after, &after_id)) {
    return common::InvalidFieldError("page_token", "is not a token of this query");
  }
  ECOCASE_ASSIGN_OR_RETURN(
      std::vector<storage::StoredEvidence> items,
      evidence_.List(parent.name, request.include_incomplete(), page.size, after_id));
  const domain::EvidenceViewer viewer = ViewerOf(caller, parent);
  for (const storage::StoredEvidence& item : items) {
    if (domain::MaySeeEvidence(item.item, viewer)) *response.add_evidence() = ToProto(item.item);
  }
  if (static_cast<int>(items.size()) == page.size) {
    response.set_next_page_token(MakePageToken(query, absl::StrCat(items.back().item.id)));
  }
  return AuditRead(caller, "ListEvidence", parent.name, parent.placement, response);
}

absl::Status EvidenceServiceImpl::DoDownload(
    grpc::ServerContext* context, const v1::DownloadEvidenceRequest& request,
    grpc::ServerWriter<v1::DownloadEvidenceResponse>& writer) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kDownloadEvidence));
  ECOCASE_RETURN_IF_ERROR(RequireBlobs());
  ECOCASE_ASSIGN_OR_RETURN(const int64_t id, domain::EvidenceIdFromName(request.name(), "name"));
  ECOCASE_ASSIGN_OR_RETURN(storage::StoredEvidence item, Visible(caller, id));
  if (item.item.state != domain::EvidenceState::kStored) {
    return common::WithReason(
        absl::FailedPreconditionError(
            absl::StrCat(item.item.ResourceName(), " is not stored yet: nothing to download")),
        "EVIDENCE_STATE");
  }
  const int64_t start = request.offset();
  if (start < 0 || start > item.item.size_bytes) {
    return common::InvalidFieldError(
        "offset", absl::StrCat("must be 0..", item.item.size_bytes, " (the file's size)"));
  }
  ECOCASE_ASSIGN_OR_RETURN(std::unique_ptr<storage::BlobReader> blob,
                           blobs_->Open(item.item.sha256));
  v1::DownloadEvidenceResponse message;
  *message.mutable_evidence() = ToProto(item.item);
  // The read is on record before the first byte leaves.
  ECOCASE_RETURN_IF_ERROR(
      AuditRead(caller, "DownloadEvidence", item.item.ResourceName(), item.placement, request));
  // The whole file is hashed, also the part a resumed download skips.
  security::Sha256Stream hash;
  int64_t offset = 0;
  bool sent = false;
  while (true) {
    ECOCASE_ASSIGN_OR_RETURN(std::string data, blob->Next());
    if (data.empty()) break;
    if (context->IsCancelled()) return absl::CancelledError("the client went away");
    hash.Update(data);
    const int64_t end = offset + static_cast<int64_t>(data.size());
    if (end > start) {
      const size_t skip = static_cast<size_t>(std::max<int64_t>(0, start - offset));
      message.set_offset(offset + static_cast<int64_t>(skip));
      message.set_data(skip == 0 ? std::move(data) : data.substr(skip));
      if (!writer.Write(message)) return absl::CancelledError("the client went away");
      message.clear_evidence();
      sent = true;
    }
    offset = end;
  }
  if (!sent) {  // an empty file, or nothing left after `offset`
    message.set_offset(start);
    message.clear_data();
    if (!writer.Write(message)) return absl::CancelledError("the client went away");
  }
  // Bytes that changed on disk must not pass for evidence: the client is told, and so is
  // the log.
  if (offset != item.item.size_bytes || hash.FinishHex() != item.item.sha256) {
    common::Log(common::LogLevel::kError, "evidence_blob_damaged")
        .Str("evidence", item.item.ResourceName())
        .Str("sha256", item.item.sha256);
    return absl::DataLossError(absl::StrCat("the stored file of ", item.item.ResourceName(),
                                            " no longer matches its SHA-256"));
  }
  return absl::OkStatus();
}

grpc::Status EvidenceServiceImpl::StartEvidenceUpload(grpc::ServerContext* context,
                                                      const v1::StartEvidenceUploadRequest* request,
                                                      v1::Evidence* response) {
  return ToGrpcStatus(DoStart(context, *request, *response));
}

grpc::Status EvidenceServiceImpl::UploadEvidence(
    grpc::ServerContext* context, grpc::ServerReader<v1::UploadEvidenceRequest>* reader,
    v1::Evidence* response) {
  return ToGrpcStatus(DoUpload(context, *reader, *response));
}

grpc::Status EvidenceServiceImpl::GetEvidenceUpload(grpc::ServerContext* context,
                                                    const v1::GetEvidenceUploadRequest* request,
                                                    v1::EvidenceUpload* response) {
  return ToGrpcStatus(DoGetUpload(context, *request, *response));
}

grpc::Status EvidenceServiceImpl::AbandonEvidenceUpload(
    grpc::ServerContext* context, const v1::AbandonEvidenceUploadRequest* request,
    v1::Evidence* response) {
  return ToGrpcStatus(DoAbandon(context, *request, *response));
}

grpc::Status EvidenceServiceImpl::GetEvidence(grpc::ServerContext* context,
                                              const v1::GetEvidenceRequest* request,
                                              v1::Evidence* response) {
  return ToGrpcStatus(DoGet(context, *request, *response));
}

grpc::Status EvidenceServiceImpl::ListEvidence(grpc::ServerContext* context,
                                               const v1::ListEvidenceRequest* request,
                                               v1::ListEvidenceResponse* response) {
  return ToGrpcStatus(DoList(context, *request, *response));
}

grpc::Status EvidenceServiceImpl::DownloadEvidence(
    grpc::ServerContext* context, const v1::DownloadEvidenceRequest* request,
    grpc::ServerWriter<v1::DownloadEvidenceResponse>* writer) {
  return ToGrpcStatus(DoDownload(context, *request, *writer));
}

}  // namespace ecocase::api
