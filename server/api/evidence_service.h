#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/authorizer.h"
#include "api/evidence_parent.h"
#include "common/clock.h"
#include "domain/evidence.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "storage/blob_store.h"
#include "storage/evidence_repository.h"
#include "storage/mutation.h"
#include "storage/user_repository.h"

namespace ecocase::api {

struct EvidenceServiceOptions {
  // The bureau's own area: a jurisdiction covering it sees everything.
  std::string city_code;
  // Upload limits: largest file, largest chunk, capture-time window [M].
  domain::EvidenceOptions limits;
  // The bytes one user may start uploading within 24 hours [M].
  int64_t daily_quota_bytes = int64_t{20} << 30;
};

// EvidenceService: resumable, verified evidence uploads and audited reads. Translation,
// authorization and transactions; the rules are domain/evidence.h's, the bytes go to the
// BlobStore (content-addressed, named by SHA-256) and the metadata to the EvidenceRepository.
//
// Crash safety: the item row is committed UPLOADING before any byte arrives; every chunk is
// on stable storage (BlobStore::Append) before the next is read; the blob becomes visible
// only whole and verified (BlobStore::Complete); the item turns STORED in a transaction
// after that. A crash between the two leaves an UPLOADING item whose blob exists: the next
// GetEvidenceUpload or UploadEvidence of it finds the blob and completes the item. An item
// therefore never names a partial file.
//
// Without a blob store (no evidence_dir configured) every call but the reads of metadata is
// FAILED_PRECONDITION EVIDENCE_STORE_UNCONFIGURED.
class EvidenceServiceImpl final : public ecocase::v1::EvidenceService::Service {
 public:
  // `blobs` may be null; `clock` must outlive the service.
  EvidenceServiceImpl(Authorizer& authorizer, storage::EvidenceRepository& evidence,
                      storage::BlobStore* blobs, const EvidenceParents& parents,
                      storage::UserRepository& users, storage::MutationRunner& mutations,
                      const common::Clock& clock, EvidenceServiceOptions options);

  grpc::Status StartEvidenceUpload(grpc::ServerContext* context,
                                   const ecocase::v1::StartEvidenceUploadRequest* request,
                                   ecocase::v1::Evidence* response) override;
  grpc::Status UploadEvidence(grpc::ServerContext* context,
                              grpc::ServerReader<ecocase::v1::UploadEvidenceRequest>* reader,
                              ecocase::v1::Evidence* response) override;
  grpc::Status GetEvidenceUpload(grpc::ServerContext* context,
                                 const ecocase::v1::GetEvidenceUploadRequest* request,
                                 ecocase::v1::EvidenceUpload* response) override;
  grpc::Status AbandonEvidenceUpload(grpc::ServerContext* context,
                                     const ecocase::v1::AbandonEvidenceUploadRequest* request,
                                     ecocase::v1::Evidence* response) override;
  grpc::Status GetEvidence(grpc::ServerContext* context,
                           const ecocase::v1::GetEvidenceRequest* request,
                           ecocase::v1::Evidence* response) override;
  grpc::Status ListEvidence(grpc::ServerContext* context,
                            const ecocase::v1::ListEvidenceRequest* request,
                            ecocase::v1::ListEvidenceResponse* response) override;
  grpc::Status DownloadEvidence(
      grpc::ServerContext* context, const ecocase::v1::DownloadEvidenceRequest* request,
      grpc::ServerWriter<ecocase::v1::DownloadEvidenceResponse>* writer) override;

  // The blob store's name of an item's partial upload.
  static std::string UploadId(int64_t evidence_id);

 private:
  absl::Status DoStart(grpc::ServerContext* context,
                       const ecocase::v1::StartEvidenceUploadRequest& request,
                       ecocase::v1::Evidence& response);
  absl::Status DoUpload(grpc::ServerContext* context,
                        grpc::ServerReader<ecocase::v1::UploadEvidenceRequest>& reader,
                        ecocase::v1::Evidence& response);
  absl::Status DoGetUpload(grpc::ServerContext* context,
                           const ecocase::v1::GetEvidenceUploadRequest& request,
                           ecocase::v1::EvidenceUpload& response);
  absl::Status DoAbandon(grpc::ServerContext* context,
                         const ecocase::v1::AbandonEvidenceUploadRequest& request,
                         ecocase::v1::Evidence& response);
  absl::Status DoGet(grpc::ServerContext* context, const ecocase::v1::GetEvidenceRequest& request,
                     ecocase::v1::Evidence& response);
  absl::Status DoList(grpc::ServerContext* context, const ecocase::v1::ListEvidenceRequest& request,
                      ecocase::v1::ListEvidenceResponse& response);
  absl::Status DoDownload(grpc::ServerContext* context,
                          const ecocase::v1::DownloadEvidenceRequest& request,
                          grpc::ServerWriter<ecocase::v1::DownloadEvidenceResponse>& writer);

  absl::Status RequireBlobs() const;
  // The caller's own upload: NOT_FOUND for anyone else's (and for what does not exist).
  absl::StatusOr<storage::StoredEvidence> OwnUpload(const domain::Principal& caller, int64_t id);
  // An item the caller may see: its parent resolves in the caller's scope and
  // domain::MaySeeEvidence agrees; NOT_FOUND otherwise.
  absl::StatusOr<storage::StoredEvidence> Visible(const domain::Principal& caller, int64_t id);
  // The upload's offset in the blob store, opening the upload when it has none yet. When
  // the blob store already holds the item's verified blob (a crash after Complete and
  // before the commit), completes the item and returns its size.
  absl::StatusOr<int64_t> Offset(const domain::Principal& caller, storage::StoredEvidence& item);
  // Completes the upload: verifies the whole file in the blob store and commits STORED, or
  // abandons the item on a hash mismatch (the error is returned).
  absl::Status Finish(const domain::Principal& caller, storage::StoredEvidence& item);
  // Commits the item STORED with the blob the store verified (a no-op when it is already).
  absl::Status MarkStored(const domain::Principal& caller, storage::StoredEvidence& item,
                          const storage::StoredBlob& blob);
  // Commits a change of an item's upload state (locked, changed by `change`, stored,
  // audited as `method`) and returns the stored item as the response shows it.
  absl::StatusOr<ecocase::v1::Evidence> Commit(
      const domain::Principal& caller, absl::string_view method, int64_t id,
      const std::string& request_id, const google::protobuf::Message* request,
      absl::FunctionRef<absl::Status(domain::EvidenceItem&)> change);
  // Records an audited read of `resource` (no request_id: nothing to replay).
  absl::Status AuditRead(const domain::Principal& caller, absl::string_view method,
                         const std::string& resource, const storage::EvidencePlacement& placement,
                         const google::protobuf::Message& digest_of);

  Authorizer& authorizer_;
  storage::EvidenceRepository& evidence_;
  storage::BlobStore* blobs_;
  const EvidenceParents& parents_;
  storage::UserRepository& users_;
  storage::MutationRunner& mutations_;
  const common::Clock& clock_;
  EvidenceServiceOptions options_;
};

}  // namespace ecocase::api
