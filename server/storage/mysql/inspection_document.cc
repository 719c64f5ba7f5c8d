#include "storage/mysql/inspection_document.h"

#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "storage/mysql/json_document.h"

namespace ecocase::storage::mysql {
namespace {

using domain::AttachedEvidence;
using domain::InspectionOfficer;
using domain::InspectionRecord;
using domain::PartySignature;
using domain::SignatureRefusal;
using json_document::BadDocument;
using json_document::Flag;
using json_document::Int;
using json_document::json;
using json_document::ListOf;
using json_document::Micros;
using json_document::OptionalOf;
using json_document::Present;
using json_document::Text;
using json_document::TimeOf;

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

json OfficerJson(const InspectionOfficer& o) {
  json officer = {{"username", o.username},
                  {"display_name", o.display_name},
                  {"certificate_number", o.certificate_number},
                  {"credentials_shown", o.credentials_shown}};
  if (o.sign_time.has_value()) officer["sign_time"] = Micros(*o.sign_time);
  return officer;
}

InspectionOfficer ReadOfficer(const json& j) {
  InspectionOfficer o;
  o.username = Text(j, "username");
  o.display_name = Text(j, "display_name");
  o.certificate_number = Text(j, "certificate_number");
  o.credentials_shown = Flag(j, "credentials_shown");
  if (Present(j, "sign_time")) o.sign_time = TimeOf(j, "sign_time");
  return o;
}

json EvidenceJson(const AttachedEvidence& e) {
  return {{"id", e.id},
          {"kind", std::string(domain::EvidenceKindName(e.kind))},
          {"file_name", e.file_name},
          {"sha256", e.sha256}};
}

AttachedEvidence ReadEvidence(const json& j) {
  AttachedEvidence e;
  e.id = Int(j, "id");
  const std::string kind = Text(j, "kind");
  if (kind != kUnspecified) {
    std::optional<domain::EvidenceKind> known = domain::EvidenceKindFromName(kind);
    if (!known.has_value()) throw BadDocument(absl::StrCat("unknown evidence kind '", kind, "'"));
    e.kind = *known;
  }
  e.file_name = Text(j, "file_name");
  e.sha256 = Text(j, "sha256");
  return e;
}

json DocumentJson(const InspectionRecord& r) {
  json doc = {{"party_name", r.party_name},
              {"person_present", r.person_present},
              {"person_title", r.person_title},
              {"place", r.place},
              {"start_time", Micros(r.start_time)},
              {"end_time", Micros(r.end_time)},
              {"findings", r.findings},
              {"signed_by", r.signed_by}};
  json officers = json::array();
  for (const InspectionOfficer& o : r.officers) officers.push_back(OfficerJson(o));
  doc["officers"] = std::move(officers);
  json evidence = json::array();
  for (const AttachedEvidence& e : r.evidence) evidence.push_back(EvidenceJson(e));
  doc["evidence"] = std::move(evidence);
  if (r.party_signature.has_value()) {
    doc["party_signature"] = {{"name", r.party_signature->name},
                              {"time", Micros(r.party_signature->time)}};
  }
  if (r.refusal.has_value()) {
    const SignatureRefusal& x = *r.refusal;
    doc["refusal"] = {{"witness_name", x.witness_name},
                      {"witness_note", x.witness_note},
                      {"note", x.note},
                      {"time", Micros(x.time)}};
  }
  return doc;
}

void ReadDocument(const json& doc, InspectionRecord& r) {
  if (!doc.is_object()) throw BadDocument("not a JSON object");
  r.party_name = Text(doc, "party_name");
  r.person_present = Text(doc, "person_present");
  r.person_title = Text(doc, "person_title");
  r.place = Text(doc, "place");
  r.start_time = TimeOf(doc, "start_time");
  r.end_time = TimeOf(doc, "end_time");
  r.findings = Text(doc, "findings");
  r.signed_by = Text(doc, "signed_by");
  r.officers = ListOf<InspectionOfficer>(doc, "officers", ReadOfficer);
  r.evidence = ListOf<AttachedEvidence>(doc, "evidence", ReadEvidence);
  r.party_signature = OptionalOf<PartySignature>(doc, "party_signature", [](const json& s) {
    return PartySignature{Text(s, "name"), TimeOf(s, "time")};
  });
  r.refusal = OptionalOf<SignatureRefusal>(doc, "refusal", [](const json& x) {
    SignatureRefusal refusal;
    refusal.witness_name = Text(x, "witness_name");
    refusal.witness_note = Text(x, "witness_note");
    refusal.note = Text(x, "note");
    refusal.time = TimeOf(x, "time");
    return refusal;
  });
}

}  // namespace

std::string ToInspectionDocument(const InspectionRecord& record) {
  return DocumentJson(record).dump();
}

absl::Status FromInspectionDocument(const std::string& document, InspectionRecord& record) {
  return json_document::ReadJsonDocument(document, record.ResourceName(),
                                         [&](const json& doc) { ReadDocument(doc, record); });
}

}  // namespace ecocase::storage::mysql
