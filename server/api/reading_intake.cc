#include "api/reading_intake.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"

namespace ecocase::api {
namespace {

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

}  // namespace

absl::StatusOr<std::vector<storage::ReadingRow>> ReadingIntake::Prepare(
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

}  // namespace ecocase::api
