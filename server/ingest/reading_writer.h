#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/reading_repository.h"

namespace ecocase::ingest {

struct ReadingWriterOptions {
  // A batch is written at once when no other batch is being written; otherwise when it
  // holds this many rows, the other batch committed, or its oldest row waited max_delay.
  size_t max_batch_rows = 1000;
  absl::Duration max_delay = absl::Milliseconds(100);
  // Rows queued and not yet committed, across all submitters; beyond it Submit refuses.
  size_t max_queued_rows = 200000;
  // Batches in flight at once (each on its own connection): one commits while the next
  // fills, and group commit shares the fsync.
  int writer_threads = 2;
  // A failed batch is retried (inserts are idempotent) this many times in all, then its
  // submitters get the error and no acknowledgement.
  int max_attempts = 4;
  absl::Duration retry_backoff = absl::Milliseconds(250);
};

struct ReadingWriterStats {
  int64_t batches = 0;
  int64_t rows_written = 0;   // rows sent in committed batches
  int64_t rows_new = 0;       // of those, not already stored
  int64_t failed_batches = 0;
  int64_t queued_rows = 0;
};

// The one batching writer behind both ingest doors (HJ 212 gateway and gRPC). Submitters
// hand over rows with a callback; rows of many submitters share one multi-row INSERT
// transaction; each callback runs once that transaction committed (or finally failed).
// Nothing is acknowledged before COMMIT. Thread-safe.
class ReadingWriter {
 public:
  using Done = std::function<void(absl::Status)>;

  ReadingWriter(storage::ReadingRepository& repository, ReadingWriterOptions options);
  ~ReadingWriter();  // Stop()
  ReadingWriter(const ReadingWriter&) = delete;
  ReadingWriter& operator=(const ReadingWriter&) = delete;

  // Queues `rows`. `done` runs exactly once, on a writer thread: OK after every row is
  // committed (new or already stored), or the error after the last attempt. Returns
  // RESOURCE_EXHAUSTED when the queue is full and UNAVAILABLE once stopping; `done` is then
  // not called. An empty `rows` completes at once. `done` must not block for long.
  absl::Status Submit(std::vector<storage::ReadingRow> rows, Done done);

  // Submit and wait for the outcome (for synchronous RPC handlers).
  absl::Status Write(std::vector<storage::ReadingRow> rows);

  // Writes what is queued, then stops the writer threads. Later Submits are UNAVAILABLE.
  void Stop();

  ReadingWriterStats stats() const;

 private:
  struct Submission {
    std::vector<storage::ReadingRow> rows;
    Done done;
    absl::Time queued;
  };

  void RunWriter();
  // Takes the next batch: whole submissions up to max_batch_rows (one larger submission
  // alone), when ReadingWriterOptions says it is due.
  std::vector<Submission> NextBatch();
  void WriteBatch(std::vector<Submission> batch);

  storage::ReadingRepository& repository_;
  const ReadingWriterOptions options_;

  mutable absl::Mutex mu_;
  std::deque<Submission> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_rows_ ABSL_GUARDED_BY(mu_) = 0;  // queued plus being written
  size_t waiting_rows_ ABSL_GUARDED_BY(mu_) = 0;  // in queue_ only
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;        // batches being written
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  ReadingWriterStats stats_ ABSL_GUARDED_BY(mu_);

  absl::Mutex join_mu_;  // Stop() may be called twice (and by the destructor)
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace ecocase::ingest
