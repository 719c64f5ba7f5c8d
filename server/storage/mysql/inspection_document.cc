#include "storage/mysql/inspection_document.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace ecocase::storage::mysql {
namespace {

using domain::AttachedEvidence;
using domain::InspectionOfficer;
using domain::InspectionRecord;
using domain::PartySignature;
using domain::SignatureRefusal;
using nlohmann::json;

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

// What FromInspectionDocument reports as DATA_LOSS.
class BadDocument : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// Every reader throws (json::exception or BadDocument) on a missing or mistyped field.
std::string Text(const json& j, const char* key) { return j.at(key).get<std::string>(); }
bool Flag(const json& j, const char* key) { return j.at(key).get<bool>(); }
int64_t Int(const json& j, const char* key) { return j.at(key).get<int64_t>(); }
absl::Time TimeOf(const json& j, const char* key) { return absl::FromUnixMicros(Int(j, key)); }

bool Present(const json& j, const char* key) { return j.contains(key) && !j.at(key).is_null(); }

const json& ObjectAt(const json& j, const char* key) {
  const json& object = j.at(key);
  if (!object.is_object()) throw BadDocument(absl::StrCat(key, " is not an object"));
  return object;
}

const json& ArrayAt(const json& j, const char* key) {
  const json& array = j.at(key);
  if (!array.is_array()) throw BadDocument(absl::StrCat(key, " is not an array"));
  return array;
}

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
  r.officers.clear();
  for (const json& o : ArrayAt(doc, "officers")) r.officers.push_back(ReadOfficer(o));
  r.evidence.clear();
  for (const json& e : ArrayAt(doc, "evidence")) r.evidence.push_back(ReadEvidence(e));
  r.party_signature.reset();
  if (Present(doc, "party_signature")) {
    const json& s = ObjectAt(doc, "party_signature");
    r.party_signature = PartySignature{Text(s, "name"), TimeOf(s, "time")};
  }
  r.refusal.reset();
  if (Present(doc, "refusal")) {
    const json& x = ObjectAt(doc, "refusal");
    SignatureRefusal refusal;
    refusal.witness_name = Text(x, "witness_name");
    refusal.witness_note = Text(x, "witness_note");
    refusal.note = Text(x, "note");
    refusal.time = TimeOf(x, "time");
    r.refusal = std::move(refusal);
  }
}

}  // namespace

std::string ToInspectionDocument(const InspectionRecord& record) {
  return DocumentJson(record).dump();
}

absl::Status FromInspectionDocument(const std::string& document, InspectionRecord& record) {
  const json doc = json::parse(document, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::DataLossError(
        absl::StrCat(record.ResourceName(), " has a document that is not valid JSON"));
  }
  try {
    ReadDocument(doc, record);
  } catch (const json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(record.ResourceName(), " has a bad document: ", e.what()));
  } catch (const BadDocument& e) {
    return absl::DataLossError(
        absl::StrCat(record.ResourceName(), " has a bad document: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace ecocase::storage::mysql
