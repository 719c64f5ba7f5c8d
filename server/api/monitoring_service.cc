#include "api/monitoring_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "storage/scope.h"

namespace ecocase::api {
namespace {

using domain::Action;
using domain::monitoring::Reading;
using domain::monitoring::ReadingKind;
using domain::monitoring::ReadingReason;
using domain::monitoring::ReadingSource;

// A stream may run for a long time; its response lists at most this many rejections.
constexpr int kMaxListedRejections = 10000;

void AddRejection(ecocase::v1::IngestReadingsResponse& response, int index,
                  const std::string& pollutant, ReadingReason reason, const std::string& detail) {
  if (response.rejections_size() >= kMaxListedRejections) return;
  ecocase::v1::ReadingRejection* r = response.add_rejections();
  r->set_index(index);
  r->set_pollutant(pollutant);
  r->set_reason(std::string(domain::monitoring::ReadingReasonName(reason)));
  r->set_detail(detail);
}

std::optional<double> Optional(bool has, double value) {
  return has ? std::optional<double>(value) : std::nullopt;
}

// The reading as sent, or the reason it cannot even be read.
ReadingReason FromProto(const ecocase::v1::Reading& in, Reading& out, std::string& detail) {
  out.mn = in.mn();
  out.pollutant = in.pollutant();
  out.kind = static_cast<ReadingKind>(in.kind());
  if (in.kind() < 0 || in.kind() > static_cast<int>(ReadingKind::kDay)) {
    out.kind = ReadingKind::kUnspecified;
  }
  if (!in.has_data_time()) return ReadingReason::kMissingDataTime;
  if (in.data_time().nanos() != 0) {
    // The natural key is whole seconds (HJ 212 DataTime); rounding would make two
    // different readings one.
    detail = "data_time must be whole seconds";
    return ReadingReason::kBadDataTime;
  }
  out.data_time = FromTimestamp(in.data_time());
  out.value = Optional(in.has_value(), in.value());
  out.min_value = Optional(in.has_min_value(), in.min_value());
  out.max_value = Optional(in.has_max_value(), in.max_value());
  out.cou = Optional(in.has_cou(), in.cou());
  out.zs_value = Optional(in.has_converted_value(), in.converted_value());
  out.flag = in.flag().empty() ? "N" : in.flag();
  out.backfilled = in.backfilled();
  return ReadingReason::kOk;
}

ecocase::v1::Reading ToProto(const storage::StoredReading& s) {
  ecocase::v1::Reading out;
  const Reading& r = s.reading;
  out.set_mn(r.mn);
  out.set_pollutant(r.pollutant);
  out.set_kind(static_cast<ecocase::v1::ReadingKind>(r.kind));
  *out.mutable_data_time() = ToTimestamp(r.data_time);
  if (r.value) out.set_value(*r.value);
  if (r.min_value) out.set_min_value(*r.min_value);
  if (r.max_value) out.set_max_value(*r.max_value);
  if (r.cou) out.set_cou(*r.cou);
  if (r.zs_value) out.set_converted_value(*r.zs_value);
  out.set_flag(r.flag);
  out.set_backfilled(r.backfilled);
  out.set_outlet(absl::StrCat("enterprises/", s.enterprise_uscc, "/outlets/", s.outlet_code));
  out.set_source(s.source == ReadingSource::kGrpc ? "GRPC" : "HJ212");
  *out.mutable_receive_time() = ToTimestamp(s.receive_time);
  return out;
}

// Page keys: "<unix seconds>|<pollutant>|<kind>|<mn>" (factor codes and MNs are
// alphanumeric, so '|' cannot occur in them).
std::string CursorKey(const Reading& r) {
  return absl::StrCat(absl::ToUnixSeconds(r.data_time), "|", r.pollutant, "|",
                      static_cast<int>(r.kind), "|", r.mn);
}

absl::StatusOr<storage::ReadingCursor> CursorFromKey(absl::string_view key) {
  std::vector<std::string> parts = absl::StrSplit(key, '|');
  storage::ReadingCursor c;
  int64_t seconds = 0;
  if (parts.size() != 4 || !absl::SimpleAtoi(parts[0], &seconds) ||
      !absl::SimpleAtoi(parts[2], &c.kind)) {
    return common::InvalidFieldError("page_token", "is not a token this list returned");
  }
  c.data_time = absl::FromUnixSeconds(seconds);
  c.pollutant = parts[1];
  c.mn = parts[3];
  return c;
}

// Waits for the writes of one stream: each message's rows are submitted as they arrive
// and committed by the writer in the background.
class PendingWrites {
 public:
  ingest::ReadingWriter::Done Track() {
    absl::MutexLock lock(&mu_);
    ++pending_;
    return [this](absl::Status s) {
      absl::MutexLock lock(&mu_);
      if (!s.ok() && first_error_.ok()) first_error_ = std::move(s);
      --pending_;
    };
  }
  void Untrack() {
    absl::MutexLock lock(&mu_);
    --pending_;
  }
  absl::Status Wait() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* pending) { return *pending == 0; }, &pending_));
    return first_error_;
  }

 private:
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

MonitoringServiceImpl::MonitoringServiceImpl(Authorizer& authorizer,
                                             ingest::DeviceDirectory& devices,
                                             ingest::ReadingWriter& writer,
                                             storage::ReadingRepository& readings,
                                             const common::Clock& clock, std::string city_code,
                                             domain::monitoring::ReadingCheckOptions checks)
    : authorizer_(authorizer),
      devices_(devices),
      writer_(writer),
      readings_(readings),
      clock_(clock),
      city_code_(std::move(city_code)),
      checks_(checks) {}

absl::StatusOr<std::vector<storage::ReadingRow>> MonitoringServiceImpl::Prepare(
    const domain::Principal& caller, const ecocase::v1::IngestReadingsRequest& request,
    int first_index, ecocase::v1::IngestReadingsResponse& response) {
  if (request.readings_size() == 0 || request.readings_size() > kMaxReadingsPerRequest) {
    return common::InvalidFieldError(
        "readings", absl::StrCat("must hold 1 to ", kMaxReadingsPerRequest, " readings"));
  }
  const absl::Time now = clock_.Now();
  const std::vector<std::string>& mine = caller.jurisdiction.device_mns;
  std::vector<storage::ReadingRow> rows;
  rows.reserve(request.readings_size());
  // Devices looked up once per request, not once per reading.
  std::map<std::string, std::optional<storage::DeviceRecord>> seen;
  for (int i = 0; i < request.readings_size(); ++i) {
    const int index = first_index + i;
    Reading reading;
    std::string detail;
    ReadingReason reason = FromProto(request.readings(i), reading, detail);
    if (reason == ReadingReason::kOk) reason = CheckReading(reading, now, checks_, &detail);
    if (reason != ReadingReason::kOk) {
      AddRejection(response, index, reading.pollutant, reason, detail);
      continue;
    }
    auto it = seen.find(reading.mn);
    if (it == seen.end()) {
      std::optional<storage::DeviceRecord> device;
      // Not on the caller's account and not registered look the same (no existence leak).
      if (std::find(mine.begin(), mine.end(), reading.mn) != mine.end()) {
        absl::StatusOr<storage::DeviceRecord> found = devices_.Find(reading.mn);
        if (found.ok()) {
          device = *std::move(found);
        } else if (found.status().code() != absl::StatusCode::kNotFound) {
          return found.status();
        }
      }
      it = seen.emplace(reading.mn, std::move(device)).first;
    }
    if (!it->second) {
      AddRejection(response, index, reading.pollutant, ReadingReason::kUnknownDevice, reading.mn);
      continue;
    }
    if (it->second->outlet_id == 0) {
      AddRejection(response, index, reading.pollutant, ReadingReason::kDeviceUnbound, reading.mn);
      continue;
    }
    rows.push_back(storage::ReadingRow{std::move(reading), it->second->outlet_id,
                                       ReadingSource::kGrpc, now});
  }
  return rows;
}

absl::Status MonitoringServiceImpl::DoIngest(grpc::ServerContext* context,
                                             const ecocase::v1::IngestReadingsRequest& request,
                                             ecocase::v1::IngestReadingsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kIngestReadings));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::ReadingRow> rows,
                           Prepare(caller, request, 0, response));
  const int accepted = static_cast<int>(rows.size());
  ECOCASE_RETURN_IF_ERROR(writer_.Write(std::move(rows)));
  response.set_accepted_count(accepted);
  return absl::OkStatus();
}

absl::Status MonitoringServiceImpl::DoStream(
    grpc::ServerContext* context, grpc::ServerReader<ecocase::v1::IngestReadingsRequest>& reader,
    ecocase::v1::IngestReadingsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kStreamReadings));
  PendingWrites pending;
  absl::Status failed;
  int64_t accepted = 0;
  int index = 0;
  ecocase::v1::IngestReadingsRequest message;
  while (failed.ok() && reader.Read(&message)) {
    absl::StatusOr<std::vector<storage::ReadingRow>> rows =
        Prepare(caller, message, index, response);
    index += message.readings_size();
    if (!rows.ok()) {
      failed = rows.status();
      break;
    }
    const int64_t count = static_cast<int64_t>(rows->size());
    absl::Status submitted = writer_.Submit(*std::move(rows), pending.Track());
    if (!submitted.ok()) {
      pending.Untrack();
      failed = submitted;
      break;
    }
    accepted += count;
  }
  // Whatever was submitted is waited for: the response must not precede a COMMIT, and an
  // error must not leave work running for a call that is over.
  absl::Status written = pending.Wait();
  if (!failed.ok()) return failed;
  ECOCASE_RETURN_IF_ERROR(written);
  response.set_accepted_count(static_cast<int32_t>(std::min<int64_t>(accepted, INT32_MAX)));
  return absl::OkStatus();
}

absl::Status MonitoringServiceImpl::DoList(grpc::ServerContext* context,
                                           const ecocase::v1::ListReadingsRequest& request,
                                           ecocase::v1::ListReadingsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kListReadings));
  ECOCASE_ASSIGN_OR_RETURN(domain::OutletRef outlet,
                           domain::OutletRefFromName(request.outlet(), "outlet"));
  storage::ReadingQuery query;
  query.enterprise_uscc = outlet.enterprise_uscc;
  query.outlet_code = outlet.code;
  if (!request.pollutant().empty()) {
    const std::string& code = request.pollutant();
    if (code.size() > 16 || !std::all_of(code.begin(), code.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c));
        })) {
      return common::InvalidFieldError("pollutant", "must be an HJ 212 factor code, e.g. a21026");
    }
    query.pollutant = request.pollutant();
  }
  if (request.kind() < 0 || request.kind() > static_cast<int>(ReadingKind::kDay)) {
    return common::InvalidFieldError("kind", "is not a ReadingKind");
  }
  query.kind = static_cast<ReadingKind>(request.kind());
  if (request.has_start_time()) query.start_time = FromTimestamp(request.start_time());
  if (request.has_end_time()) query.end_time = FromTimestamp(request.end_time());
  if (query.start_time >= query.end_time && request.has_start_time() && request.has_end_time()) {
    return common::InvalidFieldError("end_time", "must be after start_time");
  }
  std::string fingerprint = QueryFingerprint(
      {"ListReadings", caller.ResourceName(), request.outlet(), query.pollutant,
       absl::StrCat(request.kind()), request.start_time().SerializeAsString(),
       request.end_time().SerializeAsString()});
  ECOCASE_ASSIGN_OR_RETURN(Page page,
                           ParsePage(request.page_size(), request.page_token(), fingerprint));
  std::optional<storage::ReadingCursor> after;
  if (!page.after.empty()) {
    ECOCASE_ASSIGN_OR_RETURN(after, CursorFromKey(page.after));
  }
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::StoredReading> rows,
                           readings_.List(storage::Scope::For(caller, city_code_), query,
                                          page.size + 1, after));
  bool more = static_cast<int>(rows.size()) > page.size;
  if (more) rows.resize(page.size);
  for (const storage::StoredReading& r : rows) *response.add_readings() = ToProto(r);
  if (more) response.set_next_page_token(MakePageToken(fingerprint, CursorKey(rows.back().reading)));
  return absl::OkStatus();
}

grpc::Status MonitoringServiceImpl::IngestReadings(
    grpc::ServerContext* context, const ecocase::v1::IngestReadingsRequest* request,
    ecocase::v1::IngestReadingsResponse* response) {
  return ToGrpcStatus(DoIngest(context, *request, *response));
}

grpc::Status MonitoringServiceImpl::StreamReadings(
    grpc::ServerContext* context, grpc::ServerReader<ecocase::v1::IngestReadingsRequest>* reader,
    ecocase::v1::IngestReadingsResponse* response) {
  return ToGrpcStatus(DoStream(context, *reader, *response));
}

grpc::Status MonitoringServiceImpl::ListReadings(grpc::ServerContext* context,
                                                 const ecocase::v1::ListReadingsRequest* request,
                                                 ecocase::v1::ListReadingsResponse* response) {
  return ToGrpcStatus(DoList(context, *request, *response));
}

}  // namespace ecocase::api
