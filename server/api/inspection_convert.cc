#include "api/inspection_convert.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/proto_convert.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/enterprise.h"
#include "domain/user.h"

namespace ecocase::api {
namespace {

namespace v1 = ecocase::v1;

// The enums of domain/inspection_record.h and domain/evidence.h carry the proto's numbers;
// the casts below rely on it and unknown numbers read as UNSPECIFIED.
template <typename To, typename From>
To SameNumber(From value, int max) {
  int n = static_cast<int>(value);
  return n >= 0 && n <= max ? static_cast<To>(n) : static_cast<To>(0);
}

}  // namespace

v1::InspectionRecord::State ToProto(domain::InspectionState state) {
  return SameNumber<v1::InspectionRecord::State>(state, v1::InspectionRecord::State_MAX);
}

std::optional<domain::InspectionState> FromProto(v1::InspectionRecord::State state) {
  if (state == v1::InspectionRecord::STATE_UNSPECIFIED) return std::nullopt;
  return SameNumber<domain::InspectionState>(state,
                                             static_cast<int>(domain::InspectionState::kSigned));
}

v1::InspectionRecord ToProto(const domain::InspectionRecord& r) {
  v1::InspectionRecord out;
  out.set_name(r.ResourceName());
  out.set_kind(SameNumber<v1::InspectionRecord::Kind>(r.kind, v1::InspectionRecord::Kind_MAX));
  if (!r.enterprise_uscc.empty())
    out.set_enterprise(absl::StrCat("enterprises/", r.enterprise_uscc));
  out.set_party_name(r.party_name);
  out.set_person_present(r.person_present);
  out.set_person_title(r.person_title);
  out.set_place(r.place);
  out.set_district_code(r.district_code);
  *out.mutable_start_time() = ToTimestamp(r.start_time);
  *out.mutable_end_time() = ToTimestamp(r.end_time);
  for (const domain::InspectionOfficer& o : r.officers) {
    v1::InspectionOfficer* p = out.add_officers();
    p->set_user(UserResourceName(o.username));
    p->set_credentials_shown(o.credentials_shown);
    p->set_display_name(o.display_name);
    p->set_certificate_number(o.certificate_number);
    if (o.sign_time) *p->mutable_sign_time() = ToTimestamp(*o.sign_time);
  }
  out.set_findings(r.findings);
  for (const domain::AttachedEvidence& e : r.evidence) {
    v1::AttachedEvidence* p = out.add_evidence();
    p->set_evidence(absl::StrCat("evidence/", e.id));
    p->set_kind(SameNumber<v1::EvidenceKind>(e.kind, v1::EvidenceKind_MAX));
    p->set_file_name(e.file_name);
    p->set_sha256(e.sha256);
  }
  if (r.party_signature) {
    out.mutable_party_signature()->set_name(r.party_signature->name);
    *out.mutable_party_signature()->mutable_time() = ToTimestamp(r.party_signature->time);
  }
  if (r.refusal) {
    v1::SignatureRefusal* p = out.mutable_refusal();
    p->set_witness_name(r.refusal->witness_name);
    p->set_witness_note(r.refusal->witness_note);
    p->set_note(r.refusal->note);
    *p->mutable_time() = ToTimestamp(r.refusal->time);
  }
  if (r.corrects != 0) out.set_corrects(absl::StrCat("inspections/", r.corrects));
  out.set_state(ToProto(r.state));
  out.set_created_by(r.created_by);
  out.set_signed_by(r.signed_by);
  *out.mutable_create_time() = ToTimestamp(r.create_time);
  *out.mutable_update_time() = ToTimestamp(r.update_time);
  if (r.state == domain::InspectionState::kSigned) {
    *out.mutable_sign_time() = ToTimestamp(r.sign_time);
  }
  out.set_etag(EtagForVersion(r.version));
  out.set_kind_label(std::string(domain::InspectionKindLabel(r.kind)));
  return out;
}

absl::StatusOr<domain::InspectionRecord> DraftFromProto(const v1::InspectionRecord& in,
                                                        absl::string_view prefix) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  domain::InspectionRecord r;
  if (!v1::InspectionRecord::Kind_IsValid(in.kind())) {
    return common::InvalidFieldError(field("kind"), "is not a kind of record");
  }
  r.kind = static_cast<domain::InspectionKind>(in.kind());
  if (!in.enterprise().empty()) {
    ECOCASE_ASSIGN_OR_RETURN(r.enterprise_uscc,
                             domain::UsccFromEnterpriseName(in.enterprise(), field("enterprise")));
  }
  r.party_name = in.party_name();
  r.person_present = in.person_present();
  r.person_title = in.person_title();
  r.place = in.place();
  r.district_code = in.district_code();
  if (in.has_start_time()) r.start_time = FromTimestamp(in.start_time());
  if (in.has_end_time()) r.end_time = FromTimestamp(in.end_time());
  for (int i = 0; i < in.officers_size(); ++i) {
    const v1::InspectionOfficer& o = in.officers(i);
    domain::InspectionOfficer officer;
    ECOCASE_ASSIGN_OR_RETURN(
        officer.username,
        domain::UsernameFromName(UserResourceName(o.user()),
                                 absl::StrCat(field("officers"), "[", i, "].user")));
    officer.credentials_shown = o.credentials_shown();
    r.officers.push_back(std::move(officer));
  }
  r.findings = in.findings();
  return r;
}

domain::PartySignature PartySignatureFromProto(const v1::PartySignature& signature) {
  domain::PartySignature out;
  out.name = signature.name();
  return out;
}

domain::SignatureRefusal RefusalFromProto(const v1::SignatureRefusal& refusal) {
  domain::SignatureRefusal out;
  out.witness_name = refusal.witness_name();
  out.witness_note = refusal.witness_note();
  out.note = refusal.note();  // "" -> the default, when recorded
  return out;
}

}  // namespace ecocase::api
