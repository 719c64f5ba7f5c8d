#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/inspection_record.h"
#include "ecocase/v1/inspection.pb.h"

namespace ecocase::api {

// The record as staff see it (etag from its version, kind_label, resource names).
ecocase::v1::InspectionRecord ToProto(const domain::InspectionRecord& record);
ecocase::v1::InspectionRecord::State ToProto(domain::InspectionState state);
// STATE_UNSPECIFIED -> nullopt.
std::optional<domain::InspectionState> FromProto(ecocase::v1::InspectionRecord::State state);

// The content of a draft from the request's record (fields under `prefix`, e.g. "record"):
// the enterprise name parsed, officers' usernames parsed (`users/` or bare, INVALID_ARGUMENT
// naming `{prefix}.officers[i].user`), the rest copied as given (domain::ValidateDraft checks
// it). Output-only fields (names and certificates of officers, signatures, evidence, state)
// are ignored.
absl::StatusOr<domain::InspectionRecord> DraftFromProto(const ecocase::v1::InspectionRecord& record,
                                                        absl::string_view prefix);

// The party's part as handed to SignInspectionRecord (times are set when recorded).
domain::PartySignature PartySignatureFromProto(const ecocase::v1::PartySignature& signature);
domain::SignatureRefusal RefusalFromProto(const ecocase::v1::SignatureRefusal& refusal);

}  // namespace ecocase::api
