#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/log.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/reassembly.h"
#include "domain/monitoring/reading.h"
#include "ingest/device_directory.h"
#include "ingest/hj212_stats.h"
#include "storage/reading_repository.h"

namespace ecocase::ingest {

struct Hj212FrameProcessorOptions {
  domain::monitoring::ReadingCheckOptions reading_checks;
  domain::hj212::ReassemblyOptions reassembly;
};

// An encoded frame owed to the station.
struct Hj212Answer {
  std::string frame;
  bool data_ack = false;  // 9014; otherwise a 9013
};

// What became of one frame. The connection logs and counts it, sends `answers` at once,
// and hands `rows` to the ReadingWriter when `store` is set, sending `answers_on_commit`
// only after they committed.
struct Hj212FrameOutcome {
  // Empty when the frame was accepted. Otherwise why not: an hj212::ReasonName, or
  // DEVICE_UNBOUND / DIRECTORY_UNAVAILABLE; `detail` names the offending value (never a PW
  // or key) and `level` is the level of its log line.
  std::string rejection;
  std::string detail;
  common::LogLevel level = common::LogLevel::kWarning;

  // From the header as far as it could be read, for the logs (never the PW).
  std::string mn;
  std::string cn;
  std::string qn;
  // The MN and PW matched a registered device: the station is genuine, whatever became of
  // the packet.
  bool authenticated = false;

  std::vector<Hj212Answer> answers;
  bool store = false;  // submit `rows`, even none (every reading refused), then answer
  std::vector<storage::ReadingRow> rows;
  std::vector<Hj212Answer> answers_on_commit;
  std::vector<domain::monitoring::ReadingRejection> reading_rejections;
  bool not_stored = false;  // accepted, and nothing of it is kept (no readings in this CN)
};

// The gateway's per-frame pipeline, without sockets: find the device by the frame's MN,
// decode the frame by that device's profile, authenticate its PW, classify the command,
// reassemble sub-packets, and turn uploads into rows. Blocking (the DeviceDirectory may
// query the database; a PW is checked with PBKDF2 the first time): run it on a worker
// thread, never on the event loop. Thread-safe.
//
// Sub-packets are reassembled here, once for the whole gateway, because sets are keyed by MN
// and a station that reconnects mid-set sends its remaining parts on a new connection.
class Hj212FrameProcessor final {
 public:
  // `cipher` may be null when no device is registered with SM4 encryption.
  Hj212FrameProcessor(DeviceDirectory& directory, const domain::hj212::CpDecryptor* cipher,
                      const common::Clock& clock, Hj212StatsRecorder& stats,
                      Hj212FrameProcessorOptions options);

  // `peer` ("ip:port") is for the logs of accepted notifications (registrations, key
  // requests); rejections are returned for the caller to log.
  Hj212FrameOutcome Process(const domain::hj212::Frame& frame, absl::string_view peer);

  // Removes the sub-packet sets that timed out and returns the rows of the parts they had,
  // one vector per set, to be stored (logged as SUBPACKET_TIMEOUT). Nothing is answered
  // for them: the station has long since given up waiting and will send them again.
  std::vector<std::vector<storage::ReadingRow>> ExpireSubpackets();

  size_t pending_subpacket_sets() const;

 private:
  void ProcessRegistration(const domain::hj212::Frame& frame, absl::string_view peer,
                           Hj212FrameOutcome& out);
  void ProcessUpload(domain::hj212::Packet packet, const storage::DeviceRecord& device,
                     absl::Time now, Hj212FrameOutcome& out);
  std::vector<storage::ReadingRow> RowsOf(
      const domain::hj212::Packet& packet, int64_t outlet_id, absl::Time now,
      std::vector<domain::monitoring::ReadingRejection>* rejected);

  DeviceDirectory& directory_;
  const domain::hj212::CpDecryptor* const cipher_;
  const common::Clock& clock_;
  Hj212StatsRecorder& stats_;
  const Hj212FrameProcessorOptions options_;

  mutable absl::Mutex mu_;
  domain::hj212::Reassembler reassembler_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecocase::ingest
