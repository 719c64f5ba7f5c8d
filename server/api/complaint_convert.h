#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/complaint.h"
#include "domain/complaint_sla.h"
#include "domain/working_calendar.h"
#include "ecocase/v1/complaint.pb.h"

namespace ecocase::api {

// ecocase.v1 complaint messages <-> domain::Complaint. The domain enums carry the proto's
// numbers, so enum values convert by number once the proto value is checked.

// The fields a caller may set on a new complaint, checked for what the proto can carry
// wrongly (enum values, `enterprises/{uscc}`, coordinates); the rules are
// domain::ValidateNewComplaint's. The reporter's phone is normalised
// (security::NormalizePhone) so that equal numbers hash equally. INVALID_ARGUMENT names the
// field under "complaint.". A given intake_time is left in deadlines.intake_time (the
// service checks it); otherwise that is the infinite past.
absl::StatusOr<domain::Complaint> NewComplaintFromProto(const ecocase::v1::Complaint& proto);

// The complaint as staff see it: the reporter's name and phone masked (MaskName,
// MaskPhone), on the complaint and on every linked one. `rule` is the SLA rule in force for
// it; `now` decides the overdue flags.
ecocase::v1::Complaint ToProto(const domain::Complaint& complaint, const domain::SlaRule& rule,
                               absl::Time now);

// An assignment from the request; the officer may be `users/{name}` or bare.
domain::Assignment AssignmentFromProto(const ecocase::v1::Assignment& proto);

absl::StatusOr<domain::Findings> FindingsFromProto(const ecocase::v1::Findings& proto,
                                                   absl::string_view field);
absl::StatusOr<domain::Revisit> RevisitFromProto(const ecocase::v1::Revisit& proto,
                                                 absl::string_view field);
absl::StatusOr<domain::SlaLimit> SlaLimitFromProto(const ecocase::v1::SlaLimit& proto,
                                                   absl::string_view field);
ecocase::v1::SlaLimit ToProto(const domain::SlaLimit& limit);
ecocase::v1::SlaPolicy ToProto(const domain::SlaPolicy& policy);
// The holidays and adjusted working days of `year`.
ecocase::v1::HolidayCalendar CalendarToProto(const domain::WorkingCalendar& calendar, int year);

}  // namespace ecocase::api
