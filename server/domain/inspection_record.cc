#include "domain/inspection_record.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "common/status_macros.h"
#include "domain/complaint_kinds.h"
#include "domain/principal.h"
#include "domain/text_check.h"
#include "domain/uscc.h"
#include "domain/user.h"

namespace ecocase::domain {
namespace {

using complaint_kinds_internal::FromName;
using complaint_kinds_internal::NameOf;

constexpr std::array<absl::string_view, 4> kKindNames = {"UNSPECIFIED", "ON_SITE_INSPECTION",
                                                         "SURVEY", "INTERVIEW"};
constexpr std::array<absl::string_view, 4> kKindLabels = {"未指定", "现场检查笔录", "勘察笔录",
                                                          "询问笔录"};
constexpr std::array<absl::string_view, 3> kStateNames = {"UNSPECIFIED", "DRAFT", "SIGNED"};

constexpr absl::Duration kMaxDuration = absl::Hours(24);
constexpr absl::Duration kClockSkew = absl::Minutes(1);

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return common::WithReason(absl::FailedPreconditionError(message), reason);
}

std::string When(absl::Time t) {
  return absl::FormatTime("%Y年%m月%d日%H时%M分", t, common::RegulatoryTimeZone());
}

absl::Status CheckOfficers(std::vector<InspectionOfficer>& officers, absl::Time start,
                           absl::string_view field) {
  if (officers.empty() || officers.size() > static_cast<size_t>(kMaxInspectionOfficers)) {
    return common::InvalidFieldError(
        field, absl::StrCat("must name 1-", kMaxInspectionOfficers, " officers"));
  }
  for (size_t i = 0; i < officers.size(); ++i) {
    InspectionOfficer& o = officers[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    absl::string_view username = o.username;
    absl::ConsumePrefix(&username, "users/");
    if (!UsernameFromName(absl::StrCat("users/", username), at).ok()) {
      return common::InvalidFieldError(absl::StrCat(at, ".username"),
                                       "must be an officer's username");
    }
    o.username = std::string(username);
    for (size_t j = 0; j < i; ++j) {
      if (officers[j].username == o.username) {
        return common::InvalidFieldError(absl::StrCat(at, ".username"), "names an officer twice");
      }
    }
    ECOCASE_RETURN_IF_ERROR(CheckText(o.display_name, 1, 64, absl::StrCat(at, ".display_name")));
    ECOCASE_RETURN_IF_ERROR(
        CheckText(o.certificate_number, 1, 64, absl::StrCat(at, ".certificate_number")));
    if (o.sign_time && *o.sign_time < start) {
      return common::InvalidFieldError(absl::StrCat(at, ".sign_time"),
                                       "must not be before the start time");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view InspectionKindName(InspectionKind kind) { return NameOf(kind, kKindNames); }
std::optional<InspectionKind> InspectionKindFromName(absl::string_view name) {
  return FromName<InspectionKind>(name, kKindNames);
}
absl::string_view InspectionKindLabel(InspectionKind kind) { return NameOf(kind, kKindLabels); }
absl::string_view InspectionStateName(InspectionState state) { return NameOf(state, kStateNames); }
std::optional<InspectionState> InspectionStateFromName(absl::string_view name) {
  return FromName<InspectionState>(name, kStateNames);
}

std::string InspectionRecord::ResourceName() const { return absl::StrCat("inspections/", id); }

absl::StatusOr<int64_t> InspectionIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::ConsumePrefix(&name, "inspections/") || name.empty() ||
      !std::all_of(name.begin(), name.end(), absl::ascii_isdigit) || !absl::SimpleAtoi(name, &id) ||
      id <= 0) {
    return common::InvalidFieldError(field, "must be `inspections/{id}`");
  }
  return id;
}

absl::Status CheckMutable(const InspectionRecord& record) {
  if (record.state != InspectionState::kSigned) return absl::OkStatus();
  return Refused("INSPECTION_SIGNED",
                 absl::StrCat(record.ResourceName(),
                              " is signed and cannot change: record a correction instead"));
}

absl::Status CheckCitable(const InspectionRecord& record) {
  if (record.state == InspectionState::kSigned) return absl::OkStatus();
  return Refused("INSPECTION_STATE",
                 absl::StrCat(record.ResourceName(),
                              " is still a draft: a record is evidence once every officer and "
                              "the party (or the witness of its refusal) signed"));
}

absl::Status ValidateDraft(InspectionRecord& record, absl::string_view prefix, absl::Time now) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!InspectionKindFromName(InspectionKindName(record.kind))) {
    return common::InvalidFieldError(field("kind"), "is required");
  }
  if (!record.enterprise_uscc.empty()) {
    absl::StatusOr<std::string> uscc = NormalizeUscc(record.enterprise_uscc);
    if (!uscc.ok()) {
      return common::InvalidFieldError(
          field("enterprise_uscc"),
          absl::StrCat("must be a valid unified social credit code: ", uscc.status().message()));
    }
    record.enterprise_uscc = *std::move(uscc);
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(record.party_name, 1, 200, field("party_name")));
  ECOCASE_RETURN_IF_ERROR(CheckText(record.person_present, 1, 64, field("person_present")));
  ECOCASE_RETURN_IF_ERROR(CheckText(record.person_title, 0, 64, field("person_title")));
  ECOCASE_RETURN_IF_ERROR(CheckText(record.place, 1, 200, field("place")));
  if (!IsDistrictCode(record.district_code)) {
    return common::InvalidFieldError(field("district_code"),
                                     "must be a six-digit GB/T 2260 code, e.g. 410802");
  }
  if (record.start_time == absl::Time() || record.start_time > now + kClockSkew) {
    return common::InvalidFieldError(field("start_time"), "must be set and not in the future");
  }
  if (record.end_time <= record.start_time || record.end_time > now + kClockSkew ||
      record.end_time - record.start_time > kMaxDuration) {
    return common::InvalidFieldError(
        field("end_time"), "must be after the start time, within 24 hours, not in the future");
  }
  ECOCASE_RETURN_IF_ERROR(CheckOfficers(record.officers, record.start_time, field("officers")));
  ECOCASE_RETURN_IF_ERROR(
      CheckText(record.findings, 1, 5000, field("findings"), /*multiline=*/true));
  if (record.party_signature && record.refusal) {
    return common::InvalidFieldError(field("refusal"), "cannot stand beside the party's signature");
  }
  if (record.party_signature) {
    ECOCASE_RETURN_IF_ERROR(
        CheckText(record.party_signature->name, 1, 64, field("party_signature.name")));
    if (record.party_signature->time < record.start_time ||
        record.party_signature->time > now + kClockSkew) {
      return common::InvalidFieldError(field("party_signature.time"),
                                       "must lie between the start time and now");
    }
  }
  if (record.refusal) {
    ECOCASE_RETURN_IF_ERROR(
        CheckText(record.refusal->witness_name, 1, 64, field("refusal.witness_name")));
    ECOCASE_RETURN_IF_ERROR(
        CheckText(record.refusal->witness_note, 0, 200, field("refusal.witness_note")));
    ECOCASE_RETURN_IF_ERROR(CheckText(record.refusal->note, 1, 200, field("refusal.note")));
    if (record.refusal->time < record.start_time || record.refusal->time > now + kClockSkew) {
      return common::InvalidFieldError(field("refusal.time"),
                                       "must lie between the start time and now");
    }
  }
  if (record.corrects < 0) {
    return common::InvalidFieldError(field("corrects"), "must be the id of a signed record");
  }
  return absl::OkStatus();
}

void CreateDraft(InspectionRecord& record, const std::string& actor, absl::Time now) {
  record.state = InspectionState::kDraft;
  record.created_by = actor;
  record.create_time = now;
  record.update_time = now;
}

absl::Status UpdateDraft(InspectionRecord& record, InspectionRecord draft, absl::string_view prefix,
                         absl::Time now) {
  ECOCASE_RETURN_IF_ERROR(CheckMutable(record));
  ECOCASE_RETURN_IF_ERROR(ValidateDraft(draft, prefix, now));
  draft.id = record.id;
  draft.evidence = std::move(record.evidence);
  draft.corrects = record.corrects;
  draft.state = record.state;
  draft.created_by = std::move(record.created_by);
  draft.create_time = record.create_time;
  draft.version = record.version;
  // Signatures were given to the old text.
  for (InspectionOfficer& o : draft.officers) o.sign_time.reset();
  draft.party_signature.reset();
  draft.refusal.reset();
  draft.signed_by.clear();
  draft.sign_time = absl::Time();
  draft.update_time = now;
  record = std::move(draft);
  return absl::OkStatus();
}

absl::Status AttachEvidence(InspectionRecord& record, const EvidenceItem& item, absl::Time now) {
  ECOCASE_RETURN_IF_ERROR(CheckMutable(record));
  ECOCASE_RETURN_IF_ERROR(CheckCitable(item));
  if (std::any_of(record.evidence.begin(), record.evidence.end(),
                  [&](const AttachedEvidence& e) { return e.id == item.id; })) {
    return absl::OkStatus();
  }
  if (record.evidence.size() >= static_cast<size_t>(kMaxInspectionEvidence)) {
    return common::InvalidFieldError(
        "evidence", absl::StrCat("holds the most items a record takes, ", kMaxInspectionEvidence));
  }
  record.evidence.push_back(AttachedEvidence{item.id, item.kind, item.file_name, item.sha256});
  record.update_time = now;
  return absl::OkStatus();
}

absl::Status Sign(InspectionRecord& record, const std::string& actor, absl::Time now) {
  ECOCASE_RETURN_IF_ERROR(CheckMutable(record));
  if (record.state != InspectionState::kDraft) {
    return Refused("INSPECTION_STATE",
                   absl::StrCat(record.ResourceName(), " is ", InspectionStateName(record.state),
                                ": signing needs a DRAFT"));
  }
  if (record.officers.size() < static_cast<size_t>(kMinInspectionOfficers)) {
    return Refused(
        "INSPECTION_OFFICERS",
        absl::StrCat("signing ", record.ResourceName(), " needs at least ", kMinInspectionOfficers,
                     " officers (行政处罚法 arts. 42, 55); it has ", record.officers.size()));
  }
  std::vector<std::string> not_shown;
  std::vector<std::string> not_signed;
  for (const InspectionOfficer& o : record.officers) {
    if (!o.credentials_shown) not_shown.push_back(o.username);
    if (!o.sign_time) not_signed.push_back(o.username);
  }
  if (!not_shown.empty()) {
    return Refused("INSPECTION_OFFICERS",
                   absl::StrCat("signing ", record.ResourceName(),
                                " needs every officer's credentials shown; not shown: ",
                                absl::StrJoin(not_shown, ", ")));
  }
  if (!not_signed.empty()) {
    return Refused("INSPECTION_OFFICERS",
                   absl::StrCat("signing ", record.ResourceName(),
                                " needs every officer's signature; not signed: ",
                                absl::StrJoin(not_signed, ", ")));
  }
  absl::string_view username = actor;
  absl::ConsumePrefix(&username, "users/");
  if (std::none_of(record.officers.begin(), record.officers.end(),
                   [&](const InspectionOfficer& o) { return o.username == username; })) {
    return Refused("INSPECTION_OFFICERS",
                   absl::StrCat(actor, " is not an officer of ", record.ResourceName(),
                                ": only its officers sign it"));
  }
  if (!record.party_signature) {
    if (!record.refusal) {
      return Refused("INSPECTION_PARTY_SIGNATURE",
                     absl::StrCat("signing ", record.ResourceName(),
                                  " needs the party's signature or its refusal with a witness"));
    }
    if (absl::StripAsciiWhitespace(record.refusal->witness_name).empty()) {
      return Refused("INSPECTION_PARTY_SIGNATURE",
                     absl::StrCat("the party refused to sign ", record.ResourceName(),
                                  ": the refusal needs a witness"));
    }
  }
  record.state = InspectionState::kSigned;
  record.signed_by = actor;
  record.sign_time = now;
  record.update_time = now;
  return absl::OkStatus();
}

absl::StatusOr<bool> SignAsOfficer(InspectionRecord& record, const std::string& actor,
                                   std::optional<PartySignature> party,
                                   std::optional<SignatureRefusal> refusal, absl::Time now) {
  ECOCASE_RETURN_IF_ERROR(CheckMutable(record));
  if (record.state != InspectionState::kDraft) {
    return Refused("INSPECTION_STATE",
                   absl::StrCat(record.ResourceName(), " is ", InspectionStateName(record.state),
                                ": signing needs a DRAFT"));
  }
  if (party && refusal) {
    return common::InvalidFieldError("refusal", "cannot stand beside the party's signature");
  }
  absl::string_view username = actor;
  absl::ConsumePrefix(&username, "users/");
  // Work on a copy: a refusal below leaves the record as it was.
  InspectionRecord r = record;
  auto me = std::find_if(r.officers.begin(), r.officers.end(),
                         [&](const InspectionOfficer& o) { return o.username == username; });
  if (me == r.officers.end()) {
    return Refused("INSPECTION_OFFICERS",
                   absl::StrCat(actor, " is not an officer of ", r.ResourceName(),
                                ": only its officers sign it"));
  }
  if (!me->credentials_shown) {
    return Refused("INSPECTION_OFFICERS",
                   absl::StrCat(actor, " has not shown the enforcement certificate on ",
                                r.ResourceName(), ": record it (credentials_shown) first"));
  }
  bool changed = false;
  if (party) {
    ECOCASE_RETURN_IF_ERROR(CheckText(party->name, 1, 64, "party_signature.name"));
    if (r.refusal || (r.party_signature && r.party_signature->name != party->name)) {
      return Refused("INSPECTION_PARTY_SIGNATURE",
                     absl::StrCat(r.ResourceName(), " already records the party's ",
                                  r.refusal ? "refusal" : "signature", "; it is recorded once"));
    }
    if (!r.party_signature) {
      party->time = now;
      r.party_signature = *std::move(party);
      changed = true;
    }
  }
  if (refusal) {
    if (refusal->note.empty()) refusal->note = kSignatureRefusalNote;
    ECOCASE_RETURN_IF_ERROR(CheckText(refusal->witness_name, 1, 64, "refusal.witness_name"));
    ECOCASE_RETURN_IF_ERROR(CheckText(refusal->witness_note, 0, 200, "refusal.witness_note"));
    ECOCASE_RETURN_IF_ERROR(CheckText(refusal->note, 1, 200, "refusal.note"));
    const bool same = r.refusal && r.refusal->witness_name == refusal->witness_name &&
                      r.refusal->witness_note == refusal->witness_note &&
                      r.refusal->note == refusal->note;
    if (r.party_signature || (r.refusal && !same)) {
      return Refused(
          "INSPECTION_PARTY_SIGNATURE",
          absl::StrCat(r.ResourceName(), " already records the party's ",
                       r.party_signature ? "signature" : "refusal", "; it is recorded once"));
    }
    if (!r.refusal) {
      refusal->time = now;
      r.refusal = *std::move(refusal);
      changed = true;
    }
  }
  if (!me->sign_time) {
    me->sign_time = now;
    changed = true;
  }
  if (std::all_of(r.officers.begin(), r.officers.end(),
                  [](const InspectionOfficer& o) { return o.sign_time.has_value(); })) {
    // The last officer's signature completes it, or nothing is recorded.
    ECOCASE_RETURN_IF_ERROR(Sign(r, actor, now));
    record = std::move(r);
    return true;
  }
  if (changed) r.update_time = now;
  record = std::move(r);
  return false;
}

absl::StatusOr<InspectionRecord> StartCorrection(const InspectionRecord& original,
                                                 const std::string& actor, absl::Time now) {
  if (original.state != InspectionState::kSigned) {
    return Refused("INSPECTION_STATE", absl::StrCat(original.ResourceName(), " is ",
                                                    InspectionStateName(original.state),
                                                    ": only a signed record is corrected; "
                                                    "edit the draft instead"));
  }
  InspectionRecord r = original;
  r.id = 0;
  r.corrects = original.id;
  for (InspectionOfficer& o : r.officers) o.sign_time.reset();
  r.party_signature.reset();
  r.refusal.reset();
  r.signed_by.clear();
  r.sign_time = absl::Time();
  r.version = 0;
  CreateDraft(r, actor, now);
  return r;
}

std::string RenderInspectionRecord(const InspectionRecord& r) {
  const bool interview = r.kind == InspectionKind::kInterview;
  std::string out;
  auto line = [&](auto&&... parts) { absl::StrAppend(&out, parts..., "\n"); };
  line(interview ? "询问笔录" : "现场检查（勘察）笔录");
  line("笔录类型：", InspectionKindLabel(r.kind));
  line("编号：", r.ResourceName());
  if (r.corrects != 0) line("更正：inspections/", r.corrects);
  if (r.state != InspectionState::kSigned) line("状态：草稿（未签署）");
  line(interview ? "询问时间：" : "检查时间：", When(r.start_time), "至", When(r.end_time));
  line(interview ? "询问地点：" : "检查地点：", r.place);
  if (r.enterprise_uscc.empty()) {
    line(interview ? "当事人：" : "被检查单位（人）：", r.party_name);
  } else {
    line(interview ? "当事人：" : "被检查单位（人）：", r.party_name, "（统一社会信用代码：",
         r.enterprise_uscc, "）");
  }
  line(interview ? "被询问人：" : "现场负责人：", r.person_present,
       r.person_title.empty() ? "" : absl::StrCat("（", r.person_title, "）"));
  line("执法人员：");
  for (const InspectionOfficer& o : r.officers) {
    line("  ", o.display_name, "（执法证号：", o.certificate_number, "，",
         o.credentials_shown ? "已出示执法证件" : "未出示执法证件", "）");
  }
  line(interview ? "询问内容：" : "检查情况：");
  line(r.findings);
  line("附证据：", r.evidence.empty() ? "无" : "");
  for (size_t i = 0; i < r.evidence.size(); ++i) {
    const AttachedEvidence& e = r.evidence[i];
    line("  ", i + 1, ". evidence/", e.id, " ", EvidenceKindLabel(e.kind), " ", e.file_name,
         " SHA-256：", e.sha256);
  }
  if (r.party_signature) {
    line("当事人签名：", r.party_signature->name, "（", When(r.party_signature->time), "）");
  } else if (r.refusal) {
    line("当事人签名：拒签（", r.refusal->note, "）");
    line("见证人：", r.refusal->witness_name,
         r.refusal->witness_note.empty() ? "" : absl::StrCat("（", r.refusal->witness_note, "）"),
         "（", When(r.refusal->time), "）");
  } else {
    line("当事人签名：（未签）");
  }
  line("执法人员签名：");
  for (const InspectionOfficer& o : r.officers) {
    line("  ", o.display_name, "（", o.sign_time ? When(*o.sign_time) : "未签", "）");
  }
  if (r.state == InspectionState::kSigned) line("签署时间：", When(r.sign_time));
  return out;
}

}  // namespace ecocase::domain
