#include "storage/blob/file_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "security/sha256.h"

namespace ecocase::storage::blob {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxUploadIdLength = 128;
constexpr mode_t kDirMode = 0750;
constexpr mode_t kPartMode = 0640;
constexpr mode_t kBlobMode = 0440;
constexpr absl::string_view kPartSuffix = ".part";
constexpr absl::string_view kMetaSuffix = ".meta";
constexpr absl::string_view kTmpSuffix = ".tmp";
constexpr absl::string_view kMetaKey = "declared_size_bytes=";
constexpr size_t kMaxMetaBytes = 64;

// An I/O failure as a Status: what the caller can do about it decides the code.
absl::Status ErrnoStatus(int err, absl::string_view what, const fs::path& path) {
  std::string message = absl::StrCat(what, " ", path.string(), ": ", std::strerror(err));
  switch (err) {
    case ENOENT: return absl::NotFoundError(message);
    case ENOSPC:
    case EDQUOT: return absl::ResourceExhaustedError(message);
    case EIO:
    case ESTALE:
    case ETIMEDOUT:
    case EAGAIN:
    case ENOLCK: return absl::UnavailableError(message);
    default: return absl::InternalError(message);
  }
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::StatusOr<Fd> OpenFile(const fs::path& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  return Fd(fd);
}

absl::StatusOr<struct stat> StatFd(const Fd& fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "cannot stat", path);
  return st;
}

// Reads up to `size` bytes at `offset`; fewer only at the end of the file.
absl::StatusOr<size_t> ReadAt(const Fd& fd, char* out, size_t size, int64_t offset,
                              const fs::path& path) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd.get(), out + done, size - done, offset + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "cannot read", path);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

absl::Status WriteAt(const Fd& fd, absl::string_view data, int64_t offset, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd.get(), data.data(), data.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "cannot write", path);
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return absl::OkStatus();
}

absl::Status SyncData(const Fd& fd, const fs::path& path) {
  if (::fdatasync(fd.get()) != 0) return ErrnoStatus(errno, "cannot fdatasync", path);
  return absl::OkStatus();
}

absl::Status SyncFile(const Fd& fd, const fs::path& path) {
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "cannot fsync", path);
  return absl::OkStatus();
}

// Makes the entries of `dir` (a created, linked or removed name) durable.
absl::Status SyncDir(const fs::path& dir) {
  ECOCASE_ASSIGN_OR_RETURN(Fd fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  return SyncFile(fd, dir);
}

// Creates `dir` and its missing parents, syncing each parent that gained an entry.
absl::Status EnsureDir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), kDirMode) == 0) return SyncDir(dir.parent_path());
  if (errno == ENOENT && dir.has_parent_path() && dir.parent_path() != dir) {
    ECOCASE_RETURN_IF_ERROR(EnsureDir(dir.parent_path()));
    if (::mkdir(dir.c_str(), kDirMode) == 0) return SyncDir(dir.parent_path());
  }
  if (errno != EEXIST) return ErrnoStatus(errno, "cannot create directory", dir);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return ErrnoStatus(errno, "cannot stat", dir);
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir.string(), " is not a directory"));
  }
  return absl::OkStatus();
}

absl::Status RemoveFile(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "cannot remove", path);
  }
  return absl::OkStatus();
}

bool IsUploadIdChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; }

bool IsValidUploadId(absl::string_view id) {
  return !id.empty() && id.size() <= kMaxUploadIdLength &&
         std::all_of(id.begin(), id.end(), IsUploadIdChar);
}

absl::Status CheckUploadId(absl::string_view id) {
  if (IsValidUploadId(id)) return absl::OkStatus();
  return common::InvalidFieldError("upload_id",
                                   "must be 1 to 128 of the characters A-Z a-z 0-9 _ -");
}

absl::Status CheckSha256(absl::string_view hash) {
  const bool valid = hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
  if (valid) return absl::OkStatus();
  return common::InvalidFieldError("sha256", "must be 64 lower-case hex digits");
}

absl::Status UploadNotFound(absl::string_view upload_id) {
  return absl::NotFoundError(absl::StrCat("upload ", upload_id, " not found"));
}

// Takes the exclusive lock on an upload's part file, released when `fd` is closed. OFD locks
// belong to the open file, so they exclude other threads of this process as well as other
// processes.
absl::Status LockUpload(const Fd& fd, const fs::path& path, absl::string_view upload_id) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd.get(), F_OFD_SETLK, &lock) == 0) return absl::OkStatus();
  if (errno == EAGAIN || errno == EACCES) {
    return common::WithReason(
        absl::AbortedError(absl::StrCat("upload ", upload_id,
                                        " is being written by another request; retry later")),
        "UPLOAD_BUSY");
  }
  return ErrnoStatus(errno, "cannot lock", path);
}

// Opens and locks the part file of an existing upload for writing.
absl::StatusOr<Fd> OpenUpload(const fs::path& path, absl::string_view upload_id) {
  absl::StatusOr<Fd> fd = OpenFile(path, O_RDWR);
  if (absl::IsNotFound(fd.status())) return UploadNotFound(upload_id);
  if (!fd.ok()) return fd.status();
  ECOCASE_RETURN_IF_ERROR(LockUpload(*fd, path, upload_id));
  // The lock holder before us may have completed the upload and unlinked this file (whose
  // inode may now be a blob): only the file still named by `path` is the upload.
  ECOCASE_ASSIGN_OR_RETURN(const struct stat opened, StatFd(*fd, path));
  struct stat named {};
  if (::stat(path.c_str(), &named) != 0) {
    if (errno == ENOENT) return UploadNotFound(upload_id);
    return ErrnoStatus(errno, "cannot stat", path);
  }
  if (named.st_dev != opened.st_dev || named.st_ino != opened.st_ino) {
    return UploadNotFound(upload_id);
  }
  return fd;
}

std::string RandomSuffix() {
  std::random_device random;
  return absl::StrFormat("%08x%08x", random(), random());
}

// The file's upload id (the name up to its first '.'), if it is one of an upload's files.
std::optional<std::string> UploadIdOfFile(absl::string_view name) {
  const size_t dot = name.find('.');
  if (dot == absl::string_view::npos) return std::nullopt;
  absl::string_view id = name.substr(0, dot);
  absl::string_view rest = name.substr(dot);
  const bool known = rest == kPartSuffix || rest == kMetaSuffix ||
                     (absl::StartsWith(rest, kMetaSuffix) && absl::EndsWith(rest, kTmpSuffix));
  if (!known || !IsValidUploadId(id)) return std::nullopt;
  return std::string(id);
}

class FileBlobReader final : public BlobReader {
 public:
  FileBlobReader(Fd fd, int64_t size_bytes, fs::path path)
      : fd_(std::move(fd)), size_bytes_(size_bytes), path_(std::move(path)) {}

  int64_t size_bytes() const override { return size_bytes_; }

  absl::StatusOr<std::string> Next() override {
    const int64_t remaining = size_bytes_ - offset_;
    if (remaining <= 0) return std::string();
    std::string chunk(std::min<size_t>(FileBlobStore::kIoBufferBytes, remaining), '\0');
    ECOCASE_ASSIGN_OR_RETURN(size_t n, ReadAt(fd_, chunk.data(), chunk.size(), offset_, path_));
    chunk.resize(n);
    offset_ += static_cast<int64_t>(n);
    return chunk;
  }

 private:
  Fd fd_;
  int64_t size_bytes_;
  fs::path path_;
  int64_t offset_ = 0;
};

}  // namespace

FileBlobStore::FileBlobStore(fs::path root, BlobLimits limits)
    : blobs_dir_(root / "blobs"), uploads_dir_(root / "uploads"), limits_(limits) {}

absl::StatusOr<std::unique_ptr<FileBlobStore>> FileBlobStore::Create(fs::path root,
                                                                     BlobLimits limits) {
  if (limits.max_file_bytes < 0 || limits.max_chunk_bytes <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "blob store limits: max_file_bytes must not be negative and max_chunk_bytes must be "
        "positive, got ",
        limits.max_file_bytes, " and ", limits.max_chunk_bytes));
  }
  std::error_code error;
  root = fs::absolute(root, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("blob store root ", root.string(), ": ", error.message()));
  }
  std::unique_ptr<FileBlobStore> store(new FileBlobStore(root, limits));
  ECOCASE_RETURN_IF_ERROR(EnsureDir(store->blobs_dir_));
  ECOCASE_RETURN_IF_ERROR(EnsureDir(store->uploads_dir_));
  struct stat blobs {};
  struct stat uploads {};
  if (::stat(store->blobs_dir_.c_str(), &blobs) != 0) {
    return ErrnoStatus(errno, "cannot stat", store->blobs_dir_);
  }
  if (::stat(store->uploads_dir_.c_str(), &uploads) != 0) {
    return ErrnoStatus(errno, "cannot stat", store->uploads_dir_);
  }
  if (blobs.st_dev != uploads.st_dev) {
    return absl::FailedPreconditionError(absl::StrCat(store->blobs_dir_.string(), " and ",
                                                      store->uploads_dir_.string(),
                                                      " must be on the same filesystem"));
  }
  return store;
}

fs::path FileBlobStore::BlobPath(absl::string_view sha256) const {
  return blobs_dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256.substr(2, 2)) /
         std::string(sha256);
}

fs::path FileBlobStore::PartPath(absl::string_view upload_id) const {
  return uploads_dir_ / absl::StrCat(upload_id, kPartSuffix);
}

absl::StatusOr<int64_t> FileBlobStore::DeclaredSize(absl::string_view upload_id) const {
  const fs::path path = uploads_dir_ / absl::StrCat(upload_id, kMetaSuffix);
  absl::StatusOr<Fd> fd = OpenFile(path, O_RDONLY);
  if (absl::IsNotFound(fd.status())) return UploadNotFound(upload_id);
  if (!fd.ok()) return fd.status();
  char buffer[kMaxMetaBytes];
  ECOCASE_ASSIGN_OR_RETURN(size_t n, ReadAt(*fd, buffer, sizeof(buffer), 0, path));
  absl::string_view text(buffer, n);
  int64_t size = 0;
  if (!absl::ConsumePrefix(&text, kMetaKey) ||
      !absl::SimpleAtoi(absl::StripSuffix(text, "\n"), &size) || size < 0) {
    return absl::InternalError(absl::StrCat("corrupt upload metadata in ", path.string()));
  }
  return size;
}

absl::Status FileBlobStore::WriteMeta(absl::string_view upload_id,
                                      int64_t declared_size_bytes) const {
  // Written whole under a temporary name, then linked: a reader never sees half of it, and
  // of two replicas starting the same upload the first one's file wins (link never replaces).
  const fs::path meta = uploads_dir_ / absl::StrCat(upload_id, kMetaSuffix);
  const fs::path tmp =
      uploads_dir_ / absl::StrCat(upload_id, kMetaSuffix, ".", RandomSuffix(), kTmpSuffix);
  absl::Status status = [&]() -> absl::Status {
    ECOCASE_ASSIGN_OR_RETURN(Fd fd, OpenFile(tmp, O_WRONLY | O_CREAT | O_EXCL, kPartMode));
    ECOCASE_RETURN_IF_ERROR(WriteAt(fd, absl::StrCat(kMetaKey, declared_size_bytes, "\n"), 0, tmp));
    ECOCASE_RETURN_IF_ERROR(SyncData(fd, tmp));
    if (::link(tmp.c_str(), meta.c_str()) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "cannot link", meta);
    }
    return absl::OkStatus();
  }();
  absl::Status removed = RemoveFile(tmp);
  return status.ok() ? removed : status;
}

absl::Status FileBlobStore::RemoveUpload(absl::string_view upload_id) const {
  // The part first: without it the upload no longer exists for UploadOffset.
  ECOCASE_RETURN_IF_ERROR(RemoveFile(PartPath(upload_id)));
  ECOCASE_RETURN_IF_ERROR(RemoveFile(uploads_dir_ / absl::StrCat(upload_id, kMetaSuffix)));
  return SyncDir(uploads_dir_);
}

absl::Status FileBlobStore::StartUpload(absl::string_view upload_id, int64_t declared_size_bytes) {
  ECOCASE_RETURN_IF_ERROR(CheckUploadId(upload_id));
  if (declared_size_bytes < 0 || declared_size_bytes > limits_.max_file_bytes) {
    return common::InvalidFieldError(
        "declared_size_bytes",
        absl::StrCat("must be between 0 and ", limits_.max_file_bytes, " bytes"));
  }
  absl::StatusOr<int64_t> declared = DeclaredSize(upload_id);
  if (absl::IsNotFound(declared.status())) {
    ECOCASE_RETURN_IF_ERROR(WriteMeta(upload_id, declared_size_bytes));
    declared = DeclaredSize(upload_id);
  }
  if (!declared.ok()) return declared.status();
  if (*declared != declared_size_bytes) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat("upload ", upload_id, " was started with ",
                                                   *declared, " bytes, not ", declared_size_bytes)),
        "UPLOAD_SIZE_CHANGED");
  }
  const fs::path part = PartPath(upload_id);
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPartMode);
  if (fd < 0) {
    if (errno == EEXIST) return absl::OkStatus();  // Resumed: the bytes received so far stay.
    return ErrnoStatus(errno, "cannot create", part);
  }
  ::close(fd);
  return SyncDir(uploads_dir_);  // The new part and .meta names.
}

absl::StatusOr<int64_t> FileBlobStore::UploadOffset(absl::string_view upload_id) {
  ECOCASE_RETURN_IF_ERROR(CheckUploadId(upload_id));
  const fs::path part = PartPath(upload_id);
  struct stat st {};
  if (::stat(part.c_str(), &st) != 0) {
    if (errno == ENOENT) return UploadNotFound(upload_id);
    return ErrnoStatus(errno, "cannot stat", part);
  }
  return static_cast<int64_t>(st.st_size);
}

absl::StatusOr<int64_t> FileBlobStore::Append(absl::string_view upload_id, int64_t offset_bytes,
                                              absl::string_view data) {
  ECOCASE_RETURN_IF_ERROR(CheckUploadId(upload_id));
  if (offset_bytes < 0) return common::InvalidFieldError("offset_bytes", "must not be negative");
  const int64_t size = static_cast<int64_t>(data.size());
  if (size > limits_.max_chunk_bytes) {
    return common::InvalidFieldError(
        "data", absl::StrCat("chunk of ", size, " bytes is above the limit of ",
                             limits_.max_chunk_bytes, " bytes"));
  }
  ECOCASE_ASSIGN_OR_RETURN(const int64_t declared, DeclaredSize(upload_id));
  if (offset_bytes > declared || size > declared - offset_bytes) {
    return common::InvalidFieldError(
        "data", absl::StrCat("chunk at offset ", offset_bytes, " of ", size,
                             " bytes passes the declared size of ", declared, " bytes"));
  }
  const fs::path part = PartPath(upload_id);
  ECOCASE_ASSIGN_OR_RETURN(Fd fd, OpenUpload(part, upload_id));
  ECOCASE_ASSIGN_OR_RETURN(const struct stat st, StatFd(fd, part));
  const int64_t current = st.st_size;
  if (offset_bytes > current) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat("upload ", upload_id, " continues at offset ",
                                                   current, ", not ", offset_bytes)),
        "UPLOAD_OFFSET_MISMATCH");
  }
  // A retried chunk may overlap bytes already received: they must be the same bytes.
  const int64_t overlap = std::min(current - offset_bytes, size);
  if (overlap > 0) {
    std::string buffer(std::min<size_t>(kIoBufferBytes, static_cast<size_t>(overlap)), '\0');
    for (int64_t done = 0; done < overlap;) {
      const size_t want = std::min<size_t>(buffer.size(), static_cast<size_t>(overlap - done));
      ECOCASE_ASSIGN_OR_RETURN(size_t n,
                               ReadAt(fd, buffer.data(), want, offset_bytes + done, part));
      if (n != want || absl::string_view(buffer.data(), n) != data.substr(done, n)) {
        return common::WithReason(
            absl::FailedPreconditionError(absl::StrCat(
                "upload ", upload_id, ": the chunk at offset ", offset_bytes,
                " differs from the bytes already received; continue at offset ", current)),
            "UPLOAD_CHUNK_CONFLICT");
      }
      done += static_cast<int64_t>(n);
    }
  }
  const absl::string_view tail = data.substr(static_cast<size_t>(overlap));
  ECOCASE_RETURN_IF_ERROR(WriteAt(fd, tail, current, part));
  // Also after a pure retry: the earlier write may not have reached the disk.
  ECOCASE_RETURN_IF_ERROR(SyncData(fd, part));
  return current + static_cast<int64_t>(tail.size());
}

absl::StatusOr<StoredBlob> FileBlobStore::Complete(absl::string_view upload_id,
                                                   absl::string_view expected_sha256) {
  ECOCASE_RETURN_IF_ERROR(CheckUploadId(upload_id));
  ECOCASE_RETURN_IF_ERROR(CheckSha256(expected_sha256));
  ECOCASE_ASSIGN_OR_RETURN(const int64_t declared, DeclaredSize(upload_id));
  const fs::path part = PartPath(upload_id);
  const fs::path blob = BlobPath(expected_sha256);
  {
    // A Complete interrupted after it linked the blob and made the file read-only (which
    // also keeps it from being opened for writing again): only the clean-up is left.
    struct stat part_st {};
    struct stat blob_st {};
    if (::stat(part.c_str(), &part_st) == 0 && (part_st.st_mode & S_IWUSR) == 0 &&
        ::stat(blob.c_str(), &blob_st) == 0 && part_st.st_dev == blob_st.st_dev &&
        part_st.st_ino == blob_st.st_ino) {
      ECOCASE_RETURN_IF_ERROR(RemoveUpload(upload_id));
      return StoredBlob{std::string(expected_sha256), static_cast<int64_t>(blob_st.st_size)};
    }
  }
  ECOCASE_ASSIGN_OR_RETURN(Fd fd, OpenUpload(part, upload_id));
  ECOCASE_ASSIGN_OR_RETURN(const struct stat st, StatFd(fd, part));
  const int64_t size = st.st_size;
  if (size != declared) {
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat("upload ", upload_id, " has ", size, " of ",
                                                   declared, " bytes; continue at offset ", size)),
        "UPLOAD_INCOMPLETE");
  }

  security::Sha256Stream hash;
  std::string buffer(kIoBufferBytes, '\0');
  for (int64_t offset = 0; offset < size;) {
    ECOCASE_ASSIGN_OR_RETURN(size_t n, ReadAt(fd, buffer.data(), buffer.size(), offset, part));
    if (n == 0) return absl::InternalError(absl::StrCat(part.string(), " shrank while hashed"));
    hash.Update(absl::string_view(buffer.data(), n));
    offset += static_cast<int64_t>(n);
  }
  const std::string actual = hash.FinishHex();
  if (actual != expected_sha256) {
    // The bytes are known to be wrong somewhere; a resume must not build on them. Unless
    // a crashed Complete already linked this file as a blob (of other content than the
    // caller now expects): a blob is never changed.
    if (st.st_nlink == 1) {
      if (::ftruncate(fd.get(), 0) != 0) return ErrnoStatus(errno, "cannot truncate", part);
      ECOCASE_RETURN_IF_ERROR(SyncData(fd, part));
    }
    return common::WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "upload ", upload_id, ": content has SHA-256 ", actual, ", expected ", expected_sha256,
            "; the bytes were discarded, upload again from offset 0")),
        "EVIDENCE_HASH_MISMATCH");
  }

  ECOCASE_RETURN_IF_ERROR(SyncFile(fd, part));
  ECOCASE_RETURN_IF_ERROR(EnsureDir(blob.parent_path()));
  if (::link(part.c_str(), blob.c_str()) != 0) {
    if (errno != EEXIST) return ErrnoStatus(errno, "cannot link", blob);
    // Same hash, so same content: stored before by another upload, or by this one before a
    // crash. A size difference would mean the store itself is damaged.
    struct stat existing {};
    if (::stat(blob.c_str(), &existing) != 0) return ErrnoStatus(errno, "cannot stat", blob);
    if (existing.st_size != size) {
      return absl::InternalError(absl::StrCat("stored blob ", blob.string(), " has ",
                                              existing.st_size, " bytes, expected ", size));
    }
  }
  // After the link, because the part must stay writable while it is an upload. If it is
  // the blob's inode (also after a crash and a retry) the blob becomes read-only now.
  if (::fchmod(fd.get(), kBlobMode) != 0) return ErrnoStatus(errno, "cannot chmod", part);
  ECOCASE_RETURN_IF_ERROR(SyncFile(fd, part));
  ECOCASE_RETURN_IF_ERROR(SyncDir(blob.parent_path()));
  ECOCASE_RETURN_IF_ERROR(RemoveUpload(upload_id));
  return StoredBlob{std::string(expected_sha256), size};
}

absl::Status FileBlobStore::Abandon(absl::string_view upload_id) {
  ECOCASE_RETURN_IF_ERROR(CheckUploadId(upload_id));
  ECOCASE_RETURN_IF_ERROR(RemoveUpload(upload_id));
  // Temporary .meta files left by a crash in StartUpload.
  const std::string tmp_prefix = absl::StrCat(upload_id, kMetaSuffix, ".");
  std::error_code error;
  for (fs::directory_iterator it(uploads_dir_, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (absl::StartsWith(name, tmp_prefix) && absl::EndsWith(name, kTmpSuffix)) {
      ECOCASE_RETURN_IF_ERROR(RemoveFile(it->path()));
    }
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", uploads_dir_.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PendingUpload>> FileBlobStore::ListStaleUploads(absl::Time cutoff) {
  std::map<std::string, PendingUpload> uploads;
  std::error_code error;
  for (fs::directory_iterator it(uploads_dir_, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::optional<std::string> id = UploadIdOfFile(name);
    if (!id.has_value()) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // Completed or abandoned meanwhile.
      return ErrnoStatus(errno, "cannot stat", it->path());
    }
    if (!S_ISREG(st.st_mode)) continue;
    auto [entry, inserted] = uploads.try_emplace(*id);
    PendingUpload& upload = entry->second;
    const absl::Time written = absl::TimeFromTimespec(st.st_mtim);
    if (inserted) {
      upload.upload_id = *id;
      upload.last_write_time = written;
    }
    upload.last_write_time = std::max(upload.last_write_time, written);
    if (absl::EndsWith(name, kPartSuffix)) upload.offset_bytes = st.st_size;
  }
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot list ", uploads_dir_.string(), ": ", error.message()));
  }
  std::vector<PendingUpload> stale;
  for (auto& [id, upload] : uploads) {
    if (upload.last_write_time < cutoff) stale.push_back(std::move(upload));
  }
  return stale;
}

absl::StatusOr<std::unique_ptr<BlobReader>> FileBlobStore::Open(absl::string_view sha256) {
  ECOCASE_RETURN_IF_ERROR(CheckSha256(sha256));
  const fs::path path = BlobPath(sha256);
  absl::StatusOr<Fd> fd = OpenFile(path, O_RDONLY);
  if (absl::IsNotFound(fd.status())) {
    return absl::NotFoundError(absl::StrCat("blob ", sha256, " not found"));
  }
  if (!fd.ok()) return fd.status();
  ECOCASE_ASSIGN_OR_RETURN(const struct stat st, StatFd(*fd, path));
  return std::make_unique<FileBlobReader>(*std::move(fd), st.st_size, path);
}

absl::StatusOr<int64_t> FileBlobStore::Stat(absl::string_view sha256) {
  ECOCASE_RETURN_IF_ERROR(CheckSha256(sha256));
  const fs::path path = BlobPath(sha256);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("blob ", sha256, " not found"));
    return ErrnoStatus(errno, "cannot stat", path);
  }
  return static_cast<int64_t>(st.st_size);
}

}  // namespace ecocase::storage::blob
