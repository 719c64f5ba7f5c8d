#include "ingest/reading_writer.h"

#include <utility>

#include "absl/synchronization/notification.h"
#include "common/log.h"

namespace ecocase::ingest {

ReadingWriter::ReadingWriter(storage::ReadingRepository& repository,
                             ReadingWriterOptions options)
    : repository_(repository), options_(std::move(options)) {
  absl::MutexLock lock(&join_mu_);
  for (int i = 0; i < std::max(1, options_.writer_threads); ++i) {
    threads_.emplace_back([this] { RunWriter(); });
  }
}

ReadingWriter::~ReadingWriter() { Stop(); }

absl::Status ReadingWriter::Submit(std::vector<storage::ReadingRow> rows, Done done) {
  if (rows.empty()) {
    done(absl::OkStatus());
    return absl::OkStatus();
  }
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("the reading writer is stopping");
  // One submission larger than the whole queue is still taken when the queue is empty, so
  // a big batch is never refused for ever.
  if (queued_rows_ > 0 && queued_rows_ + rows.size() > options_.max_queued_rows) {
    return absl::ResourceExhaustedError("too many readings waiting to be stored; retry later");
  }
  queued_rows_ += rows.size();
  waiting_rows_ += rows.size();
  queue_.push_back(Submission{std::move(rows), std::move(done), absl::Now()});
  return absl::OkStatus();
}

absl::Status ReadingWriter::Write(std::vector<storage::ReadingRow> rows) {
  absl::Notification finished;
  absl::Status outcome;
  absl::Status submitted = Submit(std::move(rows), [&](absl::Status s) {
    outcome = std::move(s);
    finished.Notify();
  });
  if (!submitted.ok()) return submitted;
  finished.WaitForNotification();
  return outcome;
}

void ReadingWriter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  absl::MutexLock lock(&join_mu_);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

ReadingWriterStats ReadingWriter::stats() const {
  absl::MutexLock lock(&mu_);
  ReadingWriterStats s = stats_;
  s.queued_rows = static_cast<int64_t>(queued_rows_);
  return s;
}

std::vector<ReadingWriter::Submission> ReadingWriter::NextBatch() {
  absl::MutexLock lock(&mu_);
  auto has_work = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  };
  // Write at once when no other batch is being written: an idle pipeline adds no delay.
  // While one commits, rows gather for the next until it is full, the other commit ends,
  // or the oldest row has waited max_delay: under load batches grow by themselves.
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || queue_.empty() || in_flight_ == 0 ||
           waiting_rows_ >= options_.max_batch_rows;
  };
  while (true) {
    mu_.Await(absl::Condition(&has_work));
    if (queue_.empty()) return {};  // stopping and drained
    mu_.AwaitWithDeadline(absl::Condition(&ready), queue_.front().queued + options_.max_delay);
    if (queue_.empty()) continue;  // another writer took them meanwhile
    std::vector<Submission> batch;
    size_t rows = 0;
    while (!queue_.empty()) {
      size_t next = queue_.front().rows.size();
      if (!batch.empty() && rows + next > options_.max_batch_rows) break;
      rows += next;
      waiting_rows_ -= next;
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    ++in_flight_;
    return batch;
  }
}

void ReadingWriter::RunWriter() {
  while (true) {
    std::vector<Submission> batch = NextBatch();
    if (batch.empty()) return;
    WriteBatch(std::move(batch));
  }
}

void ReadingWriter::WriteBatch(std::vector<Submission> batch) {
  std::vector<storage::ReadingRow> rows;
  size_t count = 0;
  for (const Submission& s : batch) count += s.rows.size();
  rows.reserve(count);
  for (Submission& s : batch) {
    for (storage::ReadingRow& row : s.rows) rows.push_back(std::move(row));
  }

  absl::StatusOr<int64_t> inserted = absl::UnknownError("not attempted");
  for (int attempt = 1; attempt <= std::max(1, options_.max_attempts); ++attempt) {
    inserted = repository_.Insert(rows);
    if (inserted.ok()) break;
    // Inserts are idempotent by natural key, so even an unknown COMMIT outcome may be
    // retried; errors that a retry cannot mend are not.
    absl::StatusCode code = inserted.status().code();
    bool retryable = code == absl::StatusCode::kUnavailable ||
                     code == absl::StatusCode::kAborted ||
                     code == absl::StatusCode::kResourceExhausted ||
                     code == absl::StatusCode::kDeadlineExceeded;
    common::Log(common::LogLevel::kWarning, "reading_batch_failed")
        .Int("rows", static_cast<int64_t>(rows.size()))
        .Int("attempt", attempt)
        .Str("error", inserted.status().ToString());
    if (!retryable || attempt == options_.max_attempts) break;
    absl::SleepFor(options_.retry_backoff * attempt);
  }

  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    queued_rows_ -= rows.size();
    if (inserted.ok()) {
      ++stats_.batches;
      stats_.rows_written += static_cast<int64_t>(rows.size());
      stats_.rows_new += *inserted;
    } else {
      ++stats_.failed_batches;
    }
  }
  absl::Status outcome = inserted.ok() ? absl::OkStatus() : inserted.status();
  for (Submission& s : batch) s.done(outcome);
}

}  // namespace ecocase::ingest
