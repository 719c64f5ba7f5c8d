#include "api/reading_stream.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "api/grpc_status.h"

namespace ecocase::api {

ReadingStreamReactor::ReadingStreamReactor(grpc::CallbackServerContext* context,
                                           Authorizer& authorizer, ReadingIntake& intake,
                                           ingest::ReadingWriter& writer,
                                           common::ThreadPool& executor,
                                           ecocase::v1::IngestReadingsResponse* response)
    : context_(context),
      authorizer_(authorizer),
      intake_(intake),
      writer_(writer),
      executor_(executor),
      response_(response) {
  {
    absl::MutexLock lock(&mu_);
    processing_ = true;  // authorization first; no read before it
  }
  Post([this] { Authorize(); });
}

void ReadingStreamReactor::Post(std::function<void()> task) {
  if (!executor_.Post(std::move(task))) {
    {
      absl::MutexLock lock(&mu_);
      processing_ = false;
      if (failure_.ok()) {
        failure_ = absl::ResourceExhaustedError("the server is busy; retry the stream later");
      }
      MaybeFinishLocked();
    }
    FinishIfDecided();
  }
}

void ReadingStreamReactor::Authorize() {
  absl::StatusOr<domain::Principal> caller =
      authorizer_.Authorize(context_, domain::Action::kStreamReadings);
  {
    absl::MutexLock lock(&mu_);
    processing_ = false;
    if (!caller.ok()) {
      if (failure_.ok()) failure_ = caller.status();
    } else {
      caller_ = *std::move(caller);
      authorized_ = true;
    }
    MaybeReadLocked();
    MaybeFinishLocked();
  }
  FinishIfDecided();
}

void ReadingStreamReactor::OnReadDone(bool ok) {
  std::shared_ptr<ecocase::v1::IngestReadingsRequest> message;
  {
    absl::MutexLock lock(&mu_);
    reading_ = false;
    if (!ok) reads_done_ = true;  // half-close, or the call broke (OnCancel says which)
    if (!ok || !failure_.ok()) {
      MaybeFinishLocked();
    } else {
      processing_ = true;
      // The message moves to the task, so the next read may reuse `incoming_`.
      message = std::make_shared<ecocase::v1::IngestReadingsRequest>(std::move(incoming_));
      incoming_.Clear();
    }
  }
  if (message == nullptr) {
    FinishIfDecided();
    return;
  }
  Post([this, message] { Process(std::move(*message)); });
}

void ReadingStreamReactor::Process(ecocase::v1::IngestReadingsRequest message) {
  domain::Principal caller;
  int first_index = 0;
  {
    absl::MutexLock lock(&mu_);
    caller = caller_;
    first_index = next_index_;
    next_index_ += message.readings_size();
  }
  // Rejections are collected apart and merged under the lock: the response is shared.
  ecocase::v1::IngestReadingsResponse rejections;
  absl::StatusOr<std::vector<storage::ReadingRow>> rows =
      intake_.Prepare(caller, message, first_index, rejections);
  int64_t count = 0;
  {
    absl::MutexLock lock(&mu_);
    response_->mutable_rejections()->MergeFrom(rejections.rejections());
    if (!rows.ok()) {
      processing_ = false;
      if (failure_.ok()) failure_ = rows.status();
      MaybeFinishLocked();
    } else {
      count = static_cast<int64_t>(rows->size());
      // Still `processing_`: the stream cannot finish while the rows are being handed over.
      ++pending_;
    }
  }
  if (!rows.ok()) {
    FinishIfDecided();
    return;
  }
  absl::Status submitted =
      writer_.Submit(*std::move(rows), [this](absl::Status s) { Written(std::move(s)); });
  {
    absl::MutexLock lock(&mu_);
    processing_ = false;
    if (!submitted.ok()) {
      --pending_;
      if (failure_.ok()) failure_ = submitted;
    } else {
      accepted_ += count;
    }
    MaybeReadLocked();
    MaybeFinishLocked();
  }
  FinishIfDecided();
}

void ReadingStreamReactor::Written(absl::Status status) {
  {
    absl::MutexLock lock(&mu_);
    --pending_;
    if (!status.ok() && failure_.ok()) failure_ = std::move(status);
    MaybeReadLocked();
    MaybeFinishLocked();
  }
  FinishIfDecided();
}

void ReadingStreamReactor::OnCancel() {
  {
    absl::MutexLock lock(&mu_);
    if (failure_.ok()) failure_ = absl::CancelledError("the client cancelled the stream");
    MaybeFinishLocked();
  }
  FinishIfDecided();
}

void ReadingStreamReactor::OnDone() { delete this; }

void ReadingStreamReactor::MaybeReadLocked() {
  if (finished_ || !authorized_ || reading_ || processing_ || reads_done_ || !failure_.ok() ||
      pending_ >= kMaxPendingMessages) {
    return;
  }
  reading_ = true;
  StartRead(&incoming_);
}

void ReadingStreamReactor::MaybeFinishLocked() {
  // Nothing may still refer to this reactor once Finish is called: OnDone deletes it.
  if (finished_ || reading_ || processing_ || pending_ > 0) return;
  if (failure_.ok() && !reads_done_) return;
  finished_ = true;
  if (!failure_.ok()) {
    to_finish_ = ToGrpcStatus(failure_);
    return;
  }
  response_->set_accepted_count(static_cast<int32_t>(std::min<int64_t>(accepted_, INT32_MAX)));
  to_finish_ = grpc::Status::OK;
}

void ReadingStreamReactor::FinishIfDecided() {
  std::optional<grpc::Status> status;
  {
    absl::MutexLock lock(&mu_);
    status = std::exchange(to_finish_, std::nullopt);
  }
  if (status.has_value()) Finish(*status);
}

}  // namespace ecocase::api
