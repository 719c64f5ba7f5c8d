#include "api/system_service.h"

#include "api/grpc_status.h"
#include "common/regulatory_time.h"

namespace ecocase::api {

grpc::Status SystemServiceImpl::GetServerInfo(grpc::ServerContext* /*context*/,
                                              const ecocase::v1::GetServerInfoRequest*,
                                              ecocase::v1::ServerInfo* response) {
  auto schema_version = repository_.SchemaVersion();
  if (!schema_version.ok()) return ToGrpcStatus(schema_version.status());
  absl::Time now = clock_.Now();
  response->set_version(ECOCASE_VERSION);
  response->set_schema_version(*schema_version);
  response->mutable_server_time()->set_seconds(absl::ToUnixSeconds(now));
  response->mutable_server_time()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(now - absl::FromUnixSeconds(
                                                              absl::ToUnixSeconds(now)))));
  absl::CivilDay today = common::RegulatoryDay(now);
  response->mutable_regulatory_date()->set_year(static_cast<int32_t>(today.year()));
  response->mutable_regulatory_date()->set_month(today.month());
  response->mutable_regulatory_date()->set_day(today.day());
  for (int year : calendar_.LoadedYears()) response->add_calendar_years(year);
  for (const std::string& source : calendar_.Sources()) response->add_calendar_sources(source);
  return grpc::Status::OK;
}

}  // namespace ecocase::api
