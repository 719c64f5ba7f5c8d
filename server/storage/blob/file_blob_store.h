#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/blob_store.h"

namespace ecocase::storage::blob {

struct BlobLimits {
  int64_t max_file_bytes = int64_t{4} << 30;   // Largest declared size of one upload.
  int64_t max_chunk_bytes = int64_t{4} << 20;  // Largest single Append.
};

// BlobStore on a directory of a POSIX filesystem, local or shared by replicas (NFSv4):
//
//   root/blobs/ab/cd/<sha256>      the blob whose hash starts with "abcd", mode 0440
//   root/uploads/<id>.part         the bytes received so far, mode 0640
//   root/uploads/<id>.meta         "declared_size_bytes=<n>", written once
//   root/uploads/<id>.meta.*.tmp   a .meta being written (left only by a crash)
//
// Durability: Append returns after fdatasync(2). Complete hashes the part file from disk,
// fsyncs it, makes it read-only and hard-links it into blobs/ (link(2) is atomic and never
// replaces an existing blob, also on NFS), then fsyncs the blob directory before removing
// the upload. A crash therefore leaves either no blob or a complete, verified one; at worst
// an upload whose retried Complete finds its blob already present.
//
// Memory: every read goes through one buffer of kIoBufferBytes per call, whatever the file
// size. Writers of one upload exclude each other with an open-file-description lock on its
// part file (fcntl F_OFD_SETLK), which also works between threads of one process.
// Thread-safe: the object holds no mutable state.
class FileBlobStore final : public BlobStore {
 public:
  // Size of the buffer used to hash, compare and read files.
  static constexpr size_t kIoBufferBytes = size_t{1} << 20;

  // Creates root, root/blobs and root/uploads as needed. FAILED_PRECONDITION if blobs/ and
  // uploads/ are on different filesystems (Complete needs link(2) between them).
  static absl::StatusOr<std::unique_ptr<FileBlobStore>> Create(std::filesystem::path root,
                                                               BlobLimits limits);

  absl::Status StartUpload(absl::string_view upload_id, int64_t declared_size_bytes) override;
  absl::StatusOr<int64_t> UploadOffset(absl::string_view upload_id) override;
  absl::StatusOr<int64_t> Append(absl::string_view upload_id, int64_t offset_bytes,
                                 absl::string_view data) override;
  absl::StatusOr<StoredBlob> Complete(absl::string_view upload_id,
                                      absl::string_view expected_sha256) override;
  absl::Status Abandon(absl::string_view upload_id) override;
  absl::StatusOr<std::vector<PendingUpload>> ListStaleUploads(absl::Time cutoff) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(absl::string_view sha256) override;
  absl::StatusOr<int64_t> Stat(absl::string_view sha256) override;

  // Where the blob named `sha256` lives (the hash is not checked).
  std::filesystem::path BlobPath(absl::string_view sha256) const;
  std::filesystem::path PartPath(absl::string_view upload_id) const;

 private:
  FileBlobStore(std::filesystem::path root, BlobLimits limits);

  absl::StatusOr<int64_t> DeclaredSize(absl::string_view upload_id) const;
  absl::Status WriteMeta(absl::string_view upload_id, int64_t declared_size_bytes) const;
  // Removes the part and .meta files and syncs uploads/.
  absl::Status RemoveUpload(absl::string_view upload_id) const;

  std::filesystem::path blobs_dir_;
  std::filesystem::path uploads_dir_;
  BlobLimits limits_;
};

}  // namespace ecocase::storage::blob
