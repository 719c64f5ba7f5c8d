#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/case_decision_clock.h"
#include "domain/case_measures.h"
#include "domain/enforcement_case.h"
#include "ecocase/v1/case.pb.h"
#include "google/type/date.pb.h"

namespace ecocase::api {

// ecocase.v1 case messages <-> domain::EnforcementCase. The domain enums carry the proto's
// numbers, so enum values convert by number once the proto value is checked; a value the
// proto cannot name is INVALID_ARGUMENT naming the field.

// An unset google.type.Date (all zero) is nullopt; anything else must be a valid date.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(const google::type::Date& date,
                                                           absl::string_view field);

// The fields a caller may set on a new case: source, party, enterprise (`enterprises/{uscc}`),
// district, summary, discovery date. The rules are domain::ValidateNewCase's.
absl::StatusOr<domain::EnforcementCase> NewCaseFromProto(const ecocase::v1::Case& proto);

absl::StatusOr<domain::Notification> NotificationFromProto(const ecocase::v1::Notification& proto,
                                                           absl::string_view field);
absl::StatusOr<domain::Decision> DecisionFromProto(const ecocase::v1::Decision& proto,
                                                   absl::string_view field);
absl::StatusOr<domain::CaseTransfer> TransferFromProto(const ecocase::v1::CaseTransfer& proto,
                                                       absl::string_view field);
absl::StatusOr<domain::Service> ServiceFromProto(const ecocase::v1::Service& proto,
                                                 absl::string_view field);
absl::StatusOr<domain::Payment> PaymentFromProto(const ecocase::v1::Payment& proto,
                                                 absl::string_view field);
absl::StatusOr<domain::ExcludedPeriod> ExcludedPeriodFromProto(
    const ecocase::v1::ExcludedPeriod& proto, absl::string_view field);
absl::StatusOr<domain::DecisionExtension> ExtensionFromProto(
    const ecocase::v1::DecisionExtension& proto, absl::string_view field);
absl::StatusOr<domain::CaseMeasure> MeasureFromProto(const ecocase::v1::CaseMeasure& proto,
                                                     absl::string_view field);

// Who reads the case: staff see everything; the party (its enterprise) sees neither the
// source (a complaint's reporter must stay protected), the internal reviews nor the
// recusals, and the timeline only from the first notification on.
enum class CaseAudience { kStaff, kParty };

ecocase::v1::Case ToProto(const domain::EnforcementCase& c, const domain::CaseClockView& clocks,
                          CaseAudience audience);
ecocase::v1::CaseClocks ToProto(const domain::CaseClockView& clocks);
ecocase::v1::DailyPenalty ToProto(const domain::EnforcementCase& c,
                                  const domain::CaseDailyPenalty& result);
// What the public sees of a decision (domain::IsPublicDecision): number, party, summary,
// penalties, basis and date; nothing of the investigation.
ecocase::v1::PublicDecision ToPublicProto(const domain::EnforcementCase& c);

}  // namespace ecocase::api
