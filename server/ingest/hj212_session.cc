#include "ingest/hj212_session.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "domain/hj212/reasons.h"

namespace ecocase::ingest {
namespace {

namespace hj212 = ::ecocase::domain::hj212;
namespace monitoring = ::ecocase::domain::monitoring;
using ::ecocase::common::Log;
using ::ecocase::common::LogLevel;

constexpr size_t kMaxMnsNoted = 4;
// How soon a connection held back by the gateway-wide in-flight bound looks again: soon at
// first, then less often, so thousands of waiting connections do not spin the event loop.
constexpr auto kFirstCapacityRetry = std::chrono::milliseconds(20);
constexpr auto kLastCapacityRetry = std::chrono::milliseconds(1000);

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

// Bytes the frame took on the wire: "##" + length, segment, CRC, terminator.
uint64_t WireSize(const hj212::Frame& frame) {
  return 6 + frame.data.size() + 4 + (frame.terminator == hj212::Terminator::kCrLf ? 2 : 1);
}

std::string PeerOf(const asio::ip::tcp::socket& socket) {
  asio::error_code error;
  asio::ip::tcp::endpoint endpoint = socket.remote_endpoint(error);
  if (error) return "unknown";
  return absl::StrCat(endpoint.address().to_string(), ":", endpoint.port());
}

}  // namespace

Hj212Session::Hj212Session(asio::ip::tcp::socket socket, uint64_t id,
                           Hj212SessionContext& context)
    : socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      timer_(executor_),
      id_(id),
      context_(context),
      peer_(PeerOf(socket_)),
      reader_(context.options.frame_reader) {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  // Dead peers behind NAT are found by the idle timeout; keepalive finds them sooner when
  // the kernel's settings allow.
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  // Reads are done with read_some after a readiness wait, so no buffer is held per idle
  // connection; non-blocking keeps a spurious wakeup from blocking the event loop.
  socket_.non_blocking(true, ignored);
}

void Hj212Session::Start() {
  asio::dispatch(executor_, [self = shared_from_this()] {
    const SteadyClock::time_point now = SteadyClock::now();
    self->opened_ = now;
    self->last_frame_ = now;
    Log(LogLevel::kInfo, "hj212_connection_opened")
        .Int("connection", static_cast<int64_t>(self->id_))
        .Str("peer", self->peer_);
    self->ArmTimer(now + ToChrono(self->context_.options.idle_timeout));
    self->WaitReadable();
  });
}

void Hj212Session::Stop() {
  asio::post(executor_, [self = shared_from_this()] { self->Close("server_stop"); });
}

void Hj212Session::WaitReadable() {
  if (closed_ || reading_ || peer_done_ || waiting_for_capacity_ ||
      in_flight_ >= context_.options.max_in_flight_per_connection) {
    return;
  }
  reading_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const asio::error_code& error) {
                       self->OnReadable(error);
                     });
}

void Hj212Session::OnReadable(const asio::error_code& error) {
  reading_ = false;
  if (closed_) return;
  if (error) {
    Close("read_error");
    return;
  }
  // One buffer per event-loop thread, not per connection: with thousands of stations
  // mostly idle, per-connection buffers would be most of the gateway's memory.
  thread_local std::array<char, 16 * 1024> buffer;
  asio::error_code read_error;
  const size_t n = socket_.read_some(asio::buffer(buffer), read_error);
  if (read_error == asio::error::would_block || read_error == asio::error::try_again) {
    WaitReadable();
    return;
  }
  if (read_error == asio::error::eof || read_error == asio::error::connection_reset) {
    // Whatever is still incomplete will never be: log it, then let the frames in flight be
    // answered (a station may half-close after its last upload) before closing.
    reader_.Finish();
    while (std::optional<hj212::FrameEvent> event = reader_.Next()) {
      if (!event->ok()) OnFramingRejection(*event);
    }
    peer_done_ = true;
    if ((in_flight_ == 0 && !writing_) || read_error == asio::error::connection_reset) {
      Close("peer_closed");
    }
    return;
  }
  if (read_error) {
    Close("read_error");
    return;
  }
  bytes_read_ += n;
  reader_.Append(absl::string_view(buffer.data(), n));
  Pump();
}

void Hj212Session::Pump() {
  const SteadyClock::time_point now = SteadyClock::now();
  bool drained = false;
  while (!closed_) {
    if (in_flight_ >= context_.options.max_in_flight_per_connection) break;
    if (static_cast<size_t>(context_.frames_in_flight->load()) >=
        context_.options.max_frames_in_flight) {
      waiting_for_capacity_ = true;
      break;
    }
    std::optional<hj212::FrameEvent> event = reader_.Next();
    if (!event) {
      drained = true;
      break;
    }
    if (!event->ok()) {
      OnFramingRejection(*event);
      continue;
    }
    // Bytes skipped before this frame (garbage, rejected frames) count against the peer.
    if (event->frame.offset > accounted_) unaccepted_bytes_ += event->frame.offset - accounted_;
    accounted_ = std::max(accounted_, event->frame.offset + WireSize(event->frame));
    last_frame_ = now;
    capacity_retry_ = kFirstCapacityRetry;
    Dispatch(std::move(event->frame));
  }
  if (closed_) return;
  const uint64_t consumed = bytes_read_ - reader_.buffered();
  if (consumed > accounted_) {
    unaccepted_bytes_ += consumed - accounted_;
    accounted_ = consumed;
  }
  if (unaccepted_bytes_ > context_.options.max_unaccepted_bytes) {
    Close("no_valid_frame");
    return;
  }
  // A frame begun and not finished starts the slow clock; frames waiting while the
  // connection is paused are ours to take, not the peer's delay.
  if (drained && reader_.buffered() > 0) {
    if (!partial_since_) {
      partial_since_ = now;
      ArmTimer(now + ToChrono(context_.options.frame_timeout));
    }
  } else {
    partial_since_.reset();
  }
  if (waiting_for_capacity_) {
    ArmTimer(now + capacity_retry_);
    capacity_retry_ = std::min<SteadyClock::duration>(2 * capacity_retry_, kLastCapacityRetry);
  }
  WaitReadable();
}

void Hj212Session::OnFramingRejection(const hj212::FrameEvent& event) {
  const absl::string_view reason = hj212::ReasonName(event.rejection.reason);
  context_.stats.FrameRejected(reason);
  ++frames_rejected_;
  LogRejection(reason, event.rejection.detail, LogLevel::kWarning, "", "", "");
}

void Hj212Session::Dispatch(hj212::Frame frame) {
  ++in_flight_;
  ++frames_;
  context_.frames_in_flight->fetch_add(1);
  asio::post(context_.workers, [self = shared_from_this(), frame = std::move(frame)] {
    self->ProcessOnWorker(frame);
  });
}

void Hj212Session::ProcessOnWorker(const hj212::Frame& frame) {
  Hj212FrameOutcome outcome = context_.processor.Process(frame, peer_);
  const uint64_t size = WireSize(frame);
  bool finished = true;
  if (outcome.store) {
    const int64_t rows = static_cast<int64_t>(outcome.rows.size());
    // The commit callback runs on a writer thread, perhaps after the gateway stopped: it
    // reaches the session only through the gate, and only if the session still exists.
    auto done = [weak = weak_from_this(), gate = context_.gate,
                 in_flight = context_.frames_in_flight, rows,
                 acks = std::move(outcome.answers_on_commit), mn = outcome.mn,
                 cn = outcome.cn, qn = outcome.qn](absl::Status status) mutable {
      // Released here, not on the strand: the session may be gone by now.
      in_flight->fetch_sub(1);
      gate->RunIfOpen([&] {
        if (std::shared_ptr<Hj212Session> self = weak.lock()) {
          asio::post(self->executor_,
                     [self, status = std::move(status), rows, acks = std::move(acks),
                      mn = std::move(mn), cn = std::move(cn), qn = std::move(qn)]() mutable {
                       self->OnCommitted(status, rows, std::move(acks), mn, cn, qn);
                     });
        }
      });
    };
    absl::Status submitted = context_.writer.Submit(std::move(outcome.rows), std::move(done));
    if (submitted.ok()) {
      finished = false;  // OnCommitted finishes it
    } else {
      // Queue full or writer stopping: no answer, the station sends it again.
      context_.stats.StoreFailed();
      Log(LogLevel::kWarning, "hj212_store_refused")
          .Str("mn", outcome.mn)
          .Str("cn", outcome.cn)
          .Str("qn", outcome.qn)
          .Str("peer", peer_)
          .Str("error", submitted.message());
    }
  }
  asio::post(executor_,
             [self = shared_from_this(), outcome = std::move(outcome), size, finished]() mutable {
               self->OnProcessed(std::move(outcome), size, finished);
             });
}

void Hj212Session::OnProcessed(Hj212FrameOutcome outcome, uint64_t size, bool finished) {
  if (outcome.rejection.empty()) {
    context_.stats.FrameAccepted();
  } else {
    context_.stats.FrameRejected(outcome.rejection);
    ++frames_rejected_;
    LogRejection(outcome.rejection, outcome.detail, outcome.level, outcome.mn, outcome.cn,
                 outcome.qn);
  }
  if (outcome.not_stored) context_.stats.PacketNotStored();
  if (!outcome.reading_rejections.empty()) {
    for (const monitoring::ReadingRejection& r : outcome.reading_rejections) {
      context_.stats.ReadingRejected(monitoring::ReadingReasonName(r.reason));
    }
    // One line per packet: the count and the first refused reading.
    const monitoring::ReadingRejection& first = outcome.reading_rejections.front();
    if (logged_rejections_ < context_.options.max_logged_rejections_per_connection) {
      ++logged_rejections_;
      Log(LogLevel::kWarning, "hj212_readings_rejected")
          .Int("count", static_cast<int64_t>(outcome.reading_rejections.size()))
          .Str("reason", monitoring::ReadingReasonName(first.reason))
          .Str("pollutant", first.pollutant.substr(0, 32))
          .Str("detail", first.detail.substr(0, 64))
          .Str("mn", outcome.mn)
          .Str("cn", outcome.cn)
          .Str("qn", outcome.qn)
          .Str("peer", peer_);
    }
  }
  if (outcome.authenticated) {
    unaccepted_bytes_ = 0;
    NoteMn(outcome.mn);
  } else if (!outcome.rejection.empty()) {
    unaccepted_bytes_ += size;
  }
  for (Hj212Answer& answer : outcome.answers) Send(std::move(answer));
  if (!closed_ && unaccepted_bytes_ > context_.options.max_unaccepted_bytes) {
    Close("no_valid_frame");
  }
  if (finished) {
    context_.frames_in_flight->fetch_sub(1);
    FinishFrame();
  }
}

void Hj212Session::OnCommitted(const absl::Status& status, int64_t rows,
                               std::vector<Hj212Answer> acks, const std::string& mn,
                               const std::string& cn, const std::string& qn) {
  if (status.ok()) {
    context_.stats.ReadingsStored(rows);
    for (Hj212Answer& ack : acks) Send(std::move(ack));
  } else {
    context_.stats.StoreFailed();
    Log(LogLevel::kWarning, "hj212_store_failed")
        .Str("mn", mn)
        .Str("cn", cn)
        .Str("qn", qn)
        .Str("peer", peer_)
        .Str("error", status.message());
  }
  FinishFrame();
}

void Hj212Session::FinishFrame() {
  --in_flight_;
  if (closed_) return;
  if (peer_done_) {
    if (in_flight_ == 0 && !writing_) Close("peer_closed");
    return;
  }
  Pump();
}

void Hj212Session::Send(Hj212Answer answer) {
  if (closed_) return;
  if (queued_answer_bytes_ + answer.frame.size() > context_.options.max_queued_answer_bytes) {
    Close("slow_reader");
    return;
  }
  queued_answer_bytes_ += answer.frame.size();
  answers_.push_back(std::move(answer));
  if (!writing_) WriteNext();
}

void Hj212Session::WriteNext() {
  writing_ = true;
  asio::async_write(socket_, asio::buffer(answers_.front().frame),
                    [self = shared_from_this()](const asio::error_code& error, size_t) {
                      self->writing_ = false;
                      if (self->closed_) return;
                      if (error) {
                        self->Close("write_error");
                        return;
                      }
                      const Hj212Answer& sent = self->answers_.front();
                      if (sent.data_ack) {
                        self->context_.stats.DataAckSent();
                      } else {
                        self->context_.stats.NotificationAckSent();
                      }
                      self->queued_answer_bytes_ -= sent.frame.size();
                      self->answers_.pop_front();
                      if (!self->answers_.empty()) {
                        self->WriteNext();
                      } else if (self->peer_done_ && self->in_flight_ == 0) {
                        self->Close("peer_closed");
                      }
                    });
}

void Hj212Session::LogRejection(absl::string_view reason, absl::string_view detail,
                                LogLevel level, absl::string_view mn, absl::string_view cn,
                                absl::string_view qn) {
  if (logged_rejections_ >= context_.options.max_logged_rejections_per_connection) return;
  ++logged_rejections_;
  Log(level, "hj212_frame_rejected")
      .Str("reason", reason)
      .Str("detail", detail.substr(0, 160))
      .Str("mn", mn)
      .Str("cn", cn)
      .Str("qn", qn)
      .Str("peer", peer_)
      .Int("connection", static_cast<int64_t>(id_));
  if (logged_rejections_ == context_.options.max_logged_rejections_per_connection) {
    Log(LogLevel::kWarning, "hj212_rejections_not_logged")
        .Str("peer", peer_)
        .Int("connection", static_cast<int64_t>(id_))
        .Int("after", logged_rejections_);
  }
}

void Hj212Session::NoteMn(const std::string& mn) {
  if (mns_.size() >= kMaxMnsNoted) return;
  if (std::find(mns_.begin(), mns_.end(), mn) == mns_.end()) mns_.push_back(mn);
}

void Hj212Session::ArmTimer(SteadyClock::time_point deadline) {
  if (closed_ || (timer_deadline_ && *timer_deadline_ <= deadline)) return;
  timer_deadline_ = deadline;
  timer_.expires_at(deadline);  // cancels the wait for a later deadline
  timer_.async_wait([self = shared_from_this()](const asio::error_code& error) {
    self->OnTimer(error);
  });
}

void Hj212Session::OnTimer(const asio::error_code& error) {
  if (error == asio::error::operation_aborted || closed_) return;
  timer_deadline_.reset();
  const SteadyClock::time_point now = SteadyClock::now();
  const SteadyClock::duration idle = ToChrono(context_.options.idle_timeout);
  const SteadyClock::duration frame_timeout = ToChrono(context_.options.frame_timeout);
  if (partial_since_ && now - *partial_since_ >= frame_timeout) {
    Close("slow");
    return;
  }
  // Frames in flight, or held back by the gateway-wide bound, wait for us (the database),
  // not for the station.
  if (in_flight_ == 0 && !waiting_for_capacity_ && now - last_frame_ >= idle) {
    Close("idle");
    return;
  }
  if (waiting_for_capacity_) {
    waiting_for_capacity_ = false;
    Pump();  // takes frames if there is room now, or waits again
    if (closed_) return;
  }
  SteadyClock::time_point next = last_frame_ + idle;
  if (next <= now) next = now + idle;
  if (partial_since_) next = std::min(next, *partial_since_ + frame_timeout);
  ArmTimer(next);
}

void Hj212Session::Close(absl::string_view reason) {
  if (closed_) return;
  closed_ = true;
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  timer_.cancel();
  context_.stats.ConnectionClosed(reason);
  const auto open_for = std::chrono::duration_cast<std::chrono::milliseconds>(
      SteadyClock::now() - opened_);
  Log(LogLevel::kInfo, "hj212_connection_closed")
      .Int("connection", static_cast<int64_t>(id_))
      .Str("peer", peer_)
      .Str("reason", reason)
      .Str("mn", absl::StrJoin(mns_, ","))
      .Int("frames", frames_)
      .Int("frames_rejected", frames_rejected_)
      .Int("open_ms", open_for.count());
  context_.on_closed(id_);
}

}  // namespace ecocase::ingest
