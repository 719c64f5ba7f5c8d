#include "api/monitoring_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/grpc_status.h"
#include "api/pagination.h"
#include "api/proto_convert.h"
#include "api/reading_stream.h"
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

}  // namespace

MonitoringServiceImpl::MonitoringServiceImpl(Authorizer& authorizer,
                                             ingest::DeviceDirectory& devices,
                                             ingest::ReadingWriter& writer,
                                             storage::ReadingRepository& readings,
                                             common::ThreadPool& executor,
                                             const common::Clock& clock, std::string city_code,
                                             domain::monitoring::ReadingCheckOptions checks)
    : authorizer_(authorizer),
      intake_(devices, clock, checks),
      writer_(writer),
      readings_(readings),
      executor_(executor),
      city_code_(std::move(city_code)) {}

absl::Status MonitoringServiceImpl::DoIngest(grpc::ServerContext* context,
                                             const ecocase::v1::IngestReadingsRequest& request,
                                             ecocase::v1::IngestReadingsResponse& response) {
  ECOCASE_ASSIGN_OR_RETURN(domain::Principal caller,
                           authorizer_.Authorize(context, Action::kIngestReadings));
  ECOCASE_ASSIGN_OR_RETURN(std::vector<storage::ReadingRow> rows,
                           intake_.Prepare(caller, request, 0, response));
  const int accepted = static_cast<int>(rows.size());
  ECOCASE_RETURN_IF_ERROR(writer_.Write(std::move(rows)));
  response.set_accepted_count(accepted);
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

grpc::ServerReadReactor<ecocase::v1::IngestReadingsRequest>*
MonitoringServiceImpl::StreamReadings(grpc::CallbackServerContext* context,
                                      ecocase::v1::IngestReadingsResponse* response) {
  return new ReadingStreamReactor(context, authorizer_, intake_, writer_, executor_, response);
}

grpc::Status MonitoringServiceImpl::ListReadings(grpc::ServerContext* context,
                                                 const ecocase::v1::ListReadingsRequest* request,
                                                 ecocase::v1::ListReadingsResponse* response) {
  return ToGrpcStatus(DoList(context, *request, *response));
}

}  // namespace ecocase::api
