#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "security/sha256.h"
#include "storage/blob/file_blob_store.h"
#include "testing/status_matchers.h"

namespace ecocase::storage::blob {
namespace {

namespace fs = std::filesystem;

using ::ecocase::security::Sha256Hex;
using ::ecocase::security::Sha256Stream;
using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

constexpr BlobLimits kTestLimits{.max_file_bytes = int64_t{128} << 20,
                                 .max_chunk_bytes = int64_t{1} << 20};

// Deterministic bytes that differ with `seed`.
std::string Content(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

MATCHER_P(IsOkAndHolds, matcher, "") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(matcher, *arg, result_listener);
}

std::optional<std::string> ReasonOf(const absl::Status& status) {
  auto reason = status.GetPayload(common::kReasonPayload);
  if (!reason.has_value()) return std::nullopt;
  return std::string(*reason);
}

int64_t MaxRssBytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

// Regular files under `dir`, recursively.
std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

class FileBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "/blob_store_test.XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    root_ = pattern;
    store_ = NewStore();
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::unique_ptr<FileBlobStore> NewStore() {
    absl::StatusOr<std::unique_ptr<FileBlobStore>> store =
        FileBlobStore::Create(root_, kTestLimits);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Uploads `content` in chunks of `chunk` bytes and completes it.
  absl::StatusOr<StoredBlob> Upload(absl::string_view id, absl::string_view content,
                                    size_t chunk = 1000) {
    absl::Status started = store_->StartUpload(id, static_cast<int64_t>(content.size()));
    if (!started.ok()) return started;
    for (size_t at = 0; at < content.size(); at += chunk) {
      absl::StatusOr<int64_t> offset =
          store_->Append(id, static_cast<int64_t>(at), content.substr(at, chunk));
      if (!offset.ok()) return offset.status();
    }
    return store_->Complete(id, Sha256Hex(content));
  }

  std::string ReadAll(absl::string_view sha256) {
    absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open(sha256);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return "";
    std::string out;
    while (true) {
      absl::StatusOr<std::string> chunk = (*reader)->Next();
      EXPECT_THAT(chunk, IsOk());
      if (!chunk.ok() || chunk->empty()) break;
      EXPECT_LE(chunk->size(), FileBlobStore::kIoBufferBytes);
      out += *chunk;
    }
    EXPECT_EQ((*reader)->size_bytes(), static_cast<int64_t>(out.size()));
    return out;
  }

  fs::path root_;
  std::unique_ptr<FileBlobStore> store_;
};

TEST_F(FileBlobStoreTest, UploadInChunksThenComplete) {
  const std::string content = Content(3500, 1);
  ASSERT_THAT(store_->StartUpload("up-1", 3500), IsOk());
  EXPECT_THAT(store_->UploadOffset("up-1"), IsOkAndHolds(0));
  int64_t offset = 0;
  for (size_t at = 0; at < content.size(); at += 1000) {
    absl::StatusOr<int64_t> next = store_->Append("up-1", offset, content.substr(at, 1000));
    ASSERT_THAT(next, IsOk());
    EXPECT_EQ(*next, std::min<int64_t>(offset + 1000, 3500));
    offset = *next;
    EXPECT_THAT(store_->UploadOffset("up-1"), IsOkAndHolds(offset));
  }

  absl::StatusOr<StoredBlob> blob = store_->Complete("up-1", Sha256Hex(content));
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(blob->sha256, Sha256Hex(content));
  EXPECT_EQ(blob->size_bytes, 3500);

  const fs::path path = store_->BlobPath(blob->sha256);
  EXPECT_EQ(path,
            root_ / "blobs" / blob->sha256.substr(0, 2) / blob->sha256.substr(2, 2) / blob->sha256);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0440u);
  EXPECT_THAT(store_->Stat(blob->sha256), IsOkAndHolds(3500));
  EXPECT_EQ(ReadAll(blob->sha256), content);
  // The upload is gone, without leftovers.
  EXPECT_THAT(store_->UploadOffset("up-1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FilesUnder(root_ / "uploads"), IsEmpty());
}

TEST_F(FileBlobStoreTest, EmptyFileCompletes) {
  ASSERT_THAT(store_->StartUpload("empty", 0), IsOk());
  absl::StatusOr<StoredBlob> blob = store_->Complete("empty", Sha256Hex(""));
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(blob->size_bytes, 0);
  EXPECT_EQ(ReadAll(blob->sha256), "");
}

TEST_F(FileBlobStoreTest, ResumesAfterDisconnectFromUploadOffset) {
  const std::string content = Content(10'000, 2);
  ASSERT_THAT(store_->StartUpload("resume", 10'000), IsOk());
  ASSERT_THAT(store_->Append("resume", 0, content.substr(0, 4000)), IsOk());
  ASSERT_THAT(store_->Append("resume", 4000, content.substr(4000, 2500)), IsOk());
  store_.reset();  // The client drops; the server (or another replica) takes over.

  std::unique_ptr<FileBlobStore> again = NewStore();
  ASSERT_NE(again, nullptr);
  // The client starts again with the same declaration and asks where to continue.
  ASSERT_THAT(again->StartUpload("resume", 10'000), IsOk());
  absl::StatusOr<int64_t> offset = again->UploadOffset("resume");
  ASSERT_THAT(offset, IsOkAndHolds(6500));
  ASSERT_THAT(again->Append("resume", *offset, content.substr(*offset)), IsOkAndHolds(10'000));
  absl::StatusOr<StoredBlob> blob = again->Complete("resume", Sha256Hex(content));
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(blob->sha256, Sha256Hex(content));
}

TEST_F(FileBlobStoreTest, RestartingWithAnotherSizeIsRefused) {
  ASSERT_THAT(store_->StartUpload("sized", 100), IsOk());
  absl::Status status = store_->StartUpload("sized", 101);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("100 bytes")));
  EXPECT_THAT(ReasonOf(status), Optional(std::string("UPLOAD_SIZE_CHANGED")));
}

TEST_F(FileBlobStoreTest, UnknownUploadIsNotFound) {
  EXPECT_THAT(store_->UploadOffset("nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Append("nope", 0, "x"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Complete("nope", Sha256Hex("x")), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FileBlobStoreTest, GapIsRefusedWithTheExpectedOffset) {
  ASSERT_THAT(store_->StartUpload("gap", 100), IsOk());
  ASSERT_THAT(store_->Append("gap", 0, "hello"), IsOk());
  absl::StatusOr<int64_t> skipped = store_->Append("gap", 10, "world");
  EXPECT_THAT(skipped, StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("continues at offset 5, not 10")));
  EXPECT_THAT(ReasonOf(skipped.status()), Optional(std::string("UPLOAD_OFFSET_MISMATCH")));
  EXPECT_THAT(store_->UploadOffset("gap"), IsOkAndHolds(5));
  EXPECT_THAT(store_->Append("gap", -1, "x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("offset_bytes")));
}

TEST_F(FileBlobStoreTest, RetriedChunkIsAcceptedOnlyWithTheSameBytes) {
  ASSERT_THAT(store_->StartUpload("retry", 20), IsOk());
  ASSERT_THAT(store_->Append("retry", 0, "0123456789"), IsOkAndHolds(10));
  // The acknowledgement was lost and the client sends the chunk again.
  EXPECT_THAT(store_->Append("retry", 0, "0123456789"), IsOkAndHolds(10));
  // A retry straddling the end: the known part must match, the rest is appended.
  EXPECT_THAT(store_->Append("retry", 5, "56789abcde"), IsOkAndHolds(15));
  absl::StatusOr<int64_t> conflict = store_->Append("retry", 5, "5X789abcdefghij");
  EXPECT_THAT(conflict,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("continue at offset 15")));
  EXPECT_THAT(ReasonOf(conflict.status()), Optional(std::string("UPLOAD_CHUNK_CONFLICT")));
  EXPECT_THAT(store_->UploadOffset("retry"), IsOkAndHolds(15));
  EXPECT_THAT(store_->Append("retry", 15, "fghij"), IsOkAndHolds(20));
  EXPECT_THAT(store_->Complete("retry", Sha256Hex("0123456789abcdefghij")), IsOk());
}

TEST_F(FileBlobStoreTest, LimitsAreEnforced) {
  EXPECT_THAT(store_->StartUpload("big", kTestLimits.max_file_bytes + 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("declared_size_bytes")));
  EXPECT_THAT(store_->StartUpload("neg", -1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("declared_size_bytes")));

  ASSERT_THAT(store_->StartUpload("limits", 10), IsOk());
  EXPECT_THAT(store_->Append("limits", 0, "0123456789X"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("declared size of 10")));
  ASSERT_THAT(store_->Append("limits", 0, "01234"), IsOk());
  EXPECT_THAT(store_->Append("limits", 5, "567890"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("data")));

  const std::string too_big(static_cast<size_t>(kTestLimits.max_chunk_bytes) + 1, 'x');
  ASSERT_THAT(store_->StartUpload("chunky", kTestLimits.max_chunk_bytes * 2), IsOk());
  EXPECT_THAT(store_->Append("chunky", 0, too_big),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("above the limit")));
  EXPECT_THAT(store_->UploadOffset("chunky"), IsOkAndHolds(0));
}

TEST_F(FileBlobStoreTest, IncompleteUploadCannotComplete) {
  ASSERT_THAT(store_->StartUpload("short", 10), IsOk());
  ASSERT_THAT(store_->Append("short", 0, "01234"), IsOk());
  absl::StatusOr<StoredBlob> blob = store_->Complete("short", Sha256Hex("0123456789"));
  EXPECT_THAT(blob, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("5 of 10")));
  EXPECT_THAT(ReasonOf(blob.status()), Optional(std::string("UPLOAD_INCOMPLETE")));
  EXPECT_THAT(store_->UploadOffset("short"), IsOkAndHolds(5));
}

TEST_F(FileBlobStoreTest, TamperedContentIsRefusedAndDiscarded) {
  const std::string content = Content(5000, 3);
  std::string tampered = content;
  tampered[2500] ^= 0x01;
  ASSERT_THAT(store_->StartUpload("tamper2", 5000), IsOk());
  for (size_t at = 0; at < tampered.size(); at += 1000) {
    ASSERT_THAT(store_->Append("tamper2", at, absl::string_view(tampered).substr(at, 1000)),
                IsOk());
  }
  absl::StatusOr<StoredBlob> refused = store_->Complete("tamper2", Sha256Hex(content));
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(Sha256Hex(tampered))));
  EXPECT_THAT(ReasonOf(refused.status()), Optional(std::string("EVIDENCE_HASH_MISMATCH")));
  // Nothing is stored, and the client starts over at offset 0 with the same upload.
  EXPECT_THAT(store_->Stat(Sha256Hex(content)), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Stat(Sha256Hex(tampered)), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FilesUnder(root_ / "blobs"), IsEmpty());
  EXPECT_THAT(store_->UploadOffset("tamper2"), IsOkAndHolds(0));
  ASSERT_THAT(store_->Append("tamper2", 0, content), IsOkAndHolds(5000));
  EXPECT_THAT(store_->Complete("tamper2", Sha256Hex(content)), IsOk());
}

TEST_F(FileBlobStoreTest, DuplicateContentIsStoredOnce) {
  const std::string content = Content(4096, 4);
  absl::StatusOr<StoredBlob> first = Upload("dup-a", content);
  absl::StatusOr<StoredBlob> second = Upload("dup-b", content, 999);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->sha256, second->sha256);
  EXPECT_THAT(FilesUnder(root_ / "blobs"), ElementsAre(store_->BlobPath(first->sha256)));
  EXPECT_THAT(FilesUnder(root_ / "uploads"), IsEmpty());
  EXPECT_EQ(ReadAll(first->sha256), content);
}

TEST_F(FileBlobStoreTest, OpenStreamsTheSameBytesInBoundedChunks) {
  const std::string content = Content(FileBlobStore::kIoBufferBytes * 5 / 2, 5);
  absl::StatusOr<StoredBlob> blob = Upload("stream", content, kTestLimits.max_chunk_bytes);
  ASSERT_THAT(blob, IsOk());
  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open(blob->sha256);
  ASSERT_THAT(reader, IsOk());
  EXPECT_EQ((*reader)->size_bytes(), static_cast<int64_t>(content.size()));
  std::vector<size_t> sizes;
  std::string read;
  while (true) {
    absl::StatusOr<std::string> chunk = (*reader)->Next();
    ASSERT_THAT(chunk, IsOk());
    if (chunk->empty()) break;
    sizes.push_back(chunk->size());
    read += *chunk;
  }
  EXPECT_THAT(sizes, ElementsAre(FileBlobStore::kIoBufferBytes, FileBlobStore::kIoBufferBytes,
                                 FileBlobStore::kIoBufferBytes / 2));
  EXPECT_EQ(read, content);
  EXPECT_THAT((*reader)->Next(), IsOkAndHolds(std::string()));  // Stays at the end.

  EXPECT_THAT(store_->Open(Sha256Hex("never stored")), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Stat(Sha256Hex("never stored")), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FileBlobStoreTest, UnsafeUploadIdsAreRefused) {
  const std::vector<std::string> bad_ids = {"",         ".",
                                            "..",       "../escape",
                                            "a/b",      "/etc/passwd",
                                            "a.part",   "a b",
                                            "a\\b",     std::string("a\0b", 3),
                                            "\xc3\xa9", std::string(129, 'a')};
  for (const std::string& id : bad_ids) {
    SCOPED_TRACE(absl::StrCat("id '", id, "'"));
    const auto invalid = StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("upload_id"));
    EXPECT_THAT(store_->StartUpload(id, 1), invalid);
    EXPECT_THAT(store_->UploadOffset(id), invalid);
    EXPECT_THAT(store_->Append(id, 0, "x"), invalid);
    EXPECT_THAT(store_->Complete(id, Sha256Hex("x")), invalid);
    EXPECT_THAT(store_->Abandon(id), invalid);
  }
  EXPECT_THAT(store_->StartUpload(std::string(128, 'a'), 1), IsOk());
  EXPECT_THAT(store_->StartUpload("Az09_-", 1), IsOk());
  // Nothing was created outside the store.
  EXPECT_FALSE(fs::exists(root_.parent_path() / "escape.part"));
  EXPECT_FALSE(fs::exists(root_ / "escape.part"));
}

TEST_F(FileBlobStoreTest, MalformedHashesAreRefused) {
  const std::string good = Sha256Hex("x");
  std::string upper = good;
  upper[0] = 'A';
  upper[1] = 'B';
  const std::vector<std::string> bad_hashes = {"",
                                               "../../../../etc/passwd",
                                               good.substr(1),
                                               good + "0",
                                               upper,
                                               std::string(64, 'g'),
                                               "../" + good.substr(3),
                                               good.substr(0, 2) + "/" + good.substr(3)};
  ASSERT_THAT(store_->StartUpload("hashes", 1), IsOk());
  ASSERT_THAT(store_->Append("hashes", 0, "x"), IsOk());
  for (const std::string& hash : bad_hashes) {
    SCOPED_TRACE(absl::StrCat("hash '", hash, "'"));
    const auto invalid = StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sha256"));
    EXPECT_THAT(store_->Open(hash), invalid);
    EXPECT_THAT(store_->Stat(hash), invalid);
    EXPECT_THAT(store_->Complete("hashes", hash), invalid);
  }
  EXPECT_THAT(store_->UploadOffset("hashes"), IsOkAndHolds(1));  // Untouched by the refusals.
}

TEST_F(FileBlobStoreTest, AbandonAndListStaleUploads) {
  ASSERT_THAT(store_->StartUpload("stale-a", 10), IsOk());
  ASSERT_THAT(store_->Append("stale-a", 0, "abc"), IsOk());
  ASSERT_THAT(store_->StartUpload("stale-b", 10), IsOk());
  // A .meta being written when the process died.
  ASSERT_TRUE(std::ofstream(root_ / "uploads" / "stale-c.meta.0123.tmp").good());
  // Not an upload's file: ignored.
  ASSERT_TRUE(std::ofstream(root_ / "uploads" / "README").good());

  EXPECT_THAT(store_->ListStaleUploads(absl::InfinitePast()), IsOkAndHolds(IsEmpty()));
  absl::StatusOr<std::vector<PendingUpload>> stale =
      store_->ListStaleUploads(absl::InfiniteFuture());
  ASSERT_THAT(stale, IsOk());
  EXPECT_THAT(*stale, ElementsAre(AllOf(Field(&PendingUpload::upload_id, "stale-a"),
                                        Field(&PendingUpload::offset_bytes, 3)),
                                  AllOf(Field(&PendingUpload::upload_id, "stale-b"),
                                        Field(&PendingUpload::offset_bytes, 0)),
                                  Field(&PendingUpload::upload_id, "stale-c")));
  EXPECT_GT((*stale)[0].last_write_time, absl::Now() - absl::Hours(1));

  for (const PendingUpload& upload : *stale) EXPECT_THAT(store_->Abandon(upload.upload_id), IsOk());
  EXPECT_THAT(store_->Abandon("never-started"), IsOk());
  EXPECT_THAT(store_->UploadOffset("stale-a"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->ListStaleUploads(absl::InfiniteFuture()), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(FilesUnder(root_ / "uploads"), ElementsAre(root_ / "uploads" / "README"));
}

TEST_F(FileBlobStoreTest, ConcurrentWriterIsRefused) {
  ASSERT_THAT(store_->StartUpload("busy", 10), IsOk());
  // Another request (thread or replica) holds the upload.
  const int fd = ::open(store_->PartPath("busy").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  ASSERT_EQ(::fcntl(fd, F_OFD_SETLK, &lock), 0);

  absl::StatusOr<int64_t> appended = store_->Append("busy", 0, "x");
  EXPECT_THAT(appended, StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(ReasonOf(appended.status()), Optional(std::string("UPLOAD_BUSY")));
  EXPECT_THAT(store_->Complete("busy", Sha256Hex("x")), StatusIs(absl::StatusCode::kAborted));

  ::close(fd);  // Releases the lock.
  EXPECT_THAT(store_->Append("busy", 0, "x"), IsOkAndHolds(1));
}

// The states a crash inside Complete can leave behind; a retried Complete finishes the job.
TEST_F(FileBlobStoreTest, CompleteInterruptedAfterLinkIsFinishedOnRetry) {
  for (const bool made_read_only : {false, true}) {
    SCOPED_TRACE(made_read_only ? "after chmod" : "before chmod");
    const std::string id = made_read_only ? "crash-b" : "crash-a";
    const std::string content = Content(3000, made_read_only ? 7 : 6);
    const std::string hash = Sha256Hex(content);
    ASSERT_THAT(store_->StartUpload(id, 3000), IsOk());
    ASSERT_THAT(store_->Append(id, 0, content), IsOk());
    const fs::path blob = store_->BlobPath(hash);
    fs::create_directories(blob.parent_path());
    ASSERT_EQ(::link(store_->PartPath(id).c_str(), blob.c_str()), 0);
    if (made_read_only) {
      ASSERT_EQ(::chmod(blob.c_str(), 0440), 0);
    }

    absl::StatusOr<StoredBlob> stored = NewStore()->Complete(id, hash);
    ASSERT_THAT(stored, IsOk());
    EXPECT_EQ(stored->size_bytes, 3000);
    EXPECT_EQ(ReadAll(hash), content);
    EXPECT_THAT(store_->UploadOffset(id), StatusIs(absl::StatusCode::kNotFound));
    struct stat st {};
    ASSERT_EQ(::stat(blob.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0440u);
    EXPECT_EQ(st.st_nlink, 1u);
  }
}

// A crashed Complete left a blob linked to the part; a retry with a wrong hash must not
// discard (truncate) the bytes, which are now the blob's.
TEST_F(FileBlobStoreTest, MismatchNeverTruncatesAStoredBlob) {
  const std::string content = Content(3000, 8);
  ASSERT_THAT(store_->StartUpload("linked", 3000), IsOk());
  ASSERT_THAT(store_->Append("linked", 0, content), IsOk());
  const fs::path blob = store_->BlobPath(Sha256Hex(content));
  fs::create_directories(blob.parent_path());
  ASSERT_EQ(::link(store_->PartPath("linked").c_str(), blob.c_str()), 0);

  EXPECT_THAT(store_->Complete("linked", Sha256Hex("other")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReadAll(Sha256Hex(content)), content);
}

TEST_F(FileBlobStoreTest, CreateRefusesARootThatIsAFile) {
  const fs::path file = root_ / "not-a-dir";
  ASSERT_TRUE(std::ofstream(file).good());
  EXPECT_THAT(FileBlobStore::Create(file, kTestLimits), ::testing::Not(IsOk()));
  EXPECT_THAT(FileBlobStore::Create(root_ / "bad-limits", BlobLimits{.max_chunk_bytes = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// 64 MiB written in 1 MiB chunks. Complete hashes it through one fixed buffer: the process's
// peak memory must not grow by anything near the file's size.
TEST_F(FileBlobStoreTest, LargeFileCompletesWithBoundedMemory) {
  static_assert(FileBlobStore::kIoBufferBytes <= (size_t{4} << 20));
  constexpr int64_t kChunk = int64_t{1} << 20;
  constexpr int64_t kSize = int64_t{64} << 20;
  ASSERT_THAT(store_->StartUpload("large", kSize), IsOk());
  Sha256Stream expected;
  for (int64_t offset = 0; offset < kSize; offset += kChunk) {
    const std::string chunk = Content(kChunk, static_cast<uint32_t>(offset / kChunk));
    expected.Update(chunk);
    ASSERT_THAT(store_->Append("large", offset, chunk), IsOkAndHolds(offset + kChunk));
  }
  const std::string hash = expected.FinishHex();

  const int64_t peak_before = MaxRssBytes();
  absl::StatusOr<StoredBlob> blob = store_->Complete("large", hash);
  const int64_t peak_after = MaxRssBytes();
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(blob->size_bytes, kSize);
  EXPECT_LT(peak_after - peak_before, int64_t{16} << 20)
      << "Complete grew the peak RSS by " << (peak_after - peak_before) << " bytes";
  EXPECT_THAT(store_->Stat(hash), IsOkAndHolds(kSize));
}

}  // namespace
}  // namespace ecocase::storage::blob
