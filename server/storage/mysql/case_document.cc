#include "storage/mysql/case_document.h"

#include <array>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/mysql/json_document.h"

namespace ecocase::storage::mysql {
namespace {

using domain::CaseMeasure;
using domain::CaseTransfer;
using domain::Decision;
using domain::DecisionExtension;
using domain::DecisionKind;
using domain::EnforcementCase;
using domain::ExcludedPeriod;
using domain::ExcludedPeriodKind;
using domain::ExtensionApproval;
using domain::Hearing;
using domain::Notification;
using domain::PartyResponse;
using domain::Payment;
using domain::PenaltyItem;
using domain::Recusal;
using domain::ReviewRecord;
using domain::Service;
using json_document::BadDocument;
using json_document::Flag;
using json_document::Int;
using json_document::json;
using json_document::ListOf;
using json_document::Micros;
using json_document::OptionalOf;
using json_document::Text;
using json_document::TimeOf;

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

// The clock records' enums have no names in the domain; these are ecocase.v1's.
constexpr std::array<absl::string_view, 10> kExcludedNames = {
    "UNSPECIFIED", "HEARING",    "PUBLIC_NOTICE", "MONITORING", "APPRAISAL",
    "TESTING",     "ASSESSMENT", "DETERMINATION", "SERVICE",    "OTHER"};
constexpr std::array<absl::string_view, 3> kApprovalNames = {"UNSPECIFIED", "HEAD",
                                                             "COLLECTIVE_DISCUSSION"};
constexpr std::array<absl::string_view, 3> kDecisionNames = {"UNSPECIFIED", "PENALTY",
                                                             "NO_PENALTY"};

template <typename Enum, size_t N>
std::string Named(Enum value, const std::array<absl::string_view, N>& names) {
  const size_t i = static_cast<size_t>(value);
  return std::string(i < N ? names[i] : names[0]);
}

template <typename Enum, size_t N>
std::optional<Enum> FromNames(absl::string_view name,
                              const std::array<absl::string_view, N>& names) {
  for (size_t i = 1; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// ---- Reading: every accessor throws (json::exception or BadDocument) on a bad field ----

absl::CivilDay DayOf(const json& j, const char* key) {
  const std::string text = Text(j, key);
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    throw BadDocument(absl::StrCat("bad day '", text, "' in ", key));
  }
  return day;
}

std::optional<absl::CivilDay> OptionalDayOf(const json& j, const char* key) {
  if (!json_document::Present(j, key)) return std::nullopt;
  return DayOf(j, key);
}

void PutOptionalDay(json& j, const char* key, const std::optional<absl::CivilDay>& day) {
  if (day.has_value()) j[key] = Day(*day);
}

// An enum by name, UNSPECIFIED included.
template <typename Enum>
Enum EnumOf(const json& j, const char* key, std::optional<Enum> (*from_name)(absl::string_view)) {
  const std::string name = Text(j, key);
  if (name == kUnspecified) return Enum::kUnspecified;
  std::optional<Enum> value = from_name(name);
  if (!value.has_value()) throw BadDocument(absl::StrCat("unknown ", key, " '", name, "'"));
  return *value;
}

template <typename Enum, size_t N>
Enum EnumOf(const json& j, const char* key, const std::array<absl::string_view, N>& names) {
  const std::string name = Text(j, key);
  if (name == kUnspecified) return Enum::kUnspecified;
  std::optional<Enum> value = FromNames<Enum>(name, names);
  if (!value.has_value()) throw BadDocument(absl::StrCat("unknown ", key, " '", name, "'"));
  return *value;
}

// ---- The records, both ways ----

json PenaltiesJson(const std::vector<PenaltyItem>& items) {
  json array = json::array();
  for (const PenaltyItem& p : items) {
    array.push_back(
        {{"kind", std::string(domain::PenaltyKindName(p.kind))}, {"amount_fen", p.amount_fen}});
  }
  return array;
}

std::vector<PenaltyItem> ReadPenalties(const json& j, const char* key) {
  return ListOf<PenaltyItem>(j, key, [](const json& e) {
    PenaltyItem p;
    p.kind = EnumOf(e, "kind", domain::PenaltyKindFromName);
    p.amount_fen = Int(e, "amount_fen");
    return p;
  });
}

json ReviewJson(const ReviewRecord& r) {
  return {{"by", r.by}, {"conclusion", r.conclusion}, {"time", Micros(r.time)}};
}

ReviewRecord ReadReview(const json& j) {
  ReviewRecord r;
  r.by = Text(j, "by");
  r.conclusion = Text(j, "conclusion");
  r.time = TimeOf(j, "time");
  return r;
}

json StringsJson(const std::vector<std::string>& values) {
  json array = json::array();
  for (const std::string& v : values) array.push_back(v);
  return array;
}

std::vector<std::string> ReadStrings(const json& j, const char* key) {
  return ListOf<std::string>(j, key, [](const json& e) { return e.get<std::string>(); });
}

json DocumentJson(const EnforcementCase& c) {
  json doc = json::object();

  json recusals = json::array();
  for (const Recusal& r : c.recusals) {
    recusals.push_back(
        {{"username", r.username}, {"reason", r.reason}, {"by", r.by}, {"time", Micros(r.time)}});
  }
  doc["recusals"] = std::move(recusals);

  json notifications = json::array();
  for (const Notification& n : c.notifications) {
    notifications.push_back({{"facts", n.facts},
                             {"proposed", PenaltiesJson(n.proposed)},
                             {"legal_basis", n.legal_basis},
                             {"rights", n.rights},
                             {"received_day", Day(n.received_day)},
                             {"statement_end_day", Day(n.statement_end_day)},
                             {"hearing_right", n.hearing_right},
                             {"hearing_request_end_day", Day(n.hearing_request_end_day)}});
  }
  doc["notifications"] = std::move(notifications);

  if (c.response.has_value()) {
    const PartyResponse& r = *c.response;
    doc["response"] = {{"kind", std::string(domain::ResponseKindName(r.kind))},
                       {"note", r.note},
                       {"day", Day(r.day)}};
  }
  if (c.hearing.has_value()) {
    const Hearing& h = *c.hearing;
    json hearing = {{"request_day", Day(h.request_day)},
                    {"presiding", h.presiding},
                    {"outcome", std::string(domain::HearingOutcomeName(h.outcome))},
                    {"record", h.record}};
    PutOptionalDay(hearing, "notice_day", h.notice_day);
    PutOptionalDay(hearing, "hearing_day", h.hearing_day);
    doc["hearing"] = std::move(hearing);
  }
  doc["hearing_held"] = c.hearing_held;
  doc["legal_review_flagged"] = c.legal_review_flagged;
  doc["collective_discussion_flagged"] = c.collective_discussion_flagged;
  if (c.legal_review.has_value()) doc["legal_review"] = ReviewJson(*c.legal_review);
  if (c.collective_discussion.has_value()) {
    doc["collective_discussion"] = ReviewJson(*c.collective_discussion);
  }
  if (c.decision.has_value()) {
    const Decision& d = *c.decision;
    doc["decision"] = {{"kind", Named(d.kind, kDecisionNames)},
                       {"penalties", PenaltiesJson(d.penalties)},
                       {"correction_orders", StringsJson(d.correction_orders)},
                       {"legal_basis", d.legal_basis},
                       {"reason", d.reason},
                       {"day", Day(d.day)}};
  }
  if (c.transfer.has_value()) {
    const CaseTransfer& t = *c.transfer;
    json transfer = {{"kind", std::string(domain::TransferKindName(t.kind))},
                     {"receiving_body", t.receiving_body},
                     {"note", t.note},
                     {"package", StringsJson(t.package)},
                     {"day", Day(t.day)},
                     {"send_by_day", Day(t.send_by_day)},
                     {"receipt", t.receipt}};
    PutOptionalDay(transfer, "sent_day", t.sent_day);
    doc["transfer"] = std::move(transfer);
  }
  if (c.service.has_value()) {
    const Service& s = *c.service;
    doc["service"] = {{"method", std::string(domain::ServiceMethodName(s.method))},
                      {"day", Day(s.day)},
                      {"electronic_consent", s.electronic_consent}};
  }

  json payments = json::array();
  for (const Payment& p : c.payments) {
    payments.push_back({{"amount_fen", p.amount_fen}, {"day", Day(p.day)}, {"receipt", p.receipt}});
  }
  doc["payments"] = std::move(payments);
  PutOptionalDay(doc, "court_enforcement_day", c.court_enforcement_day);

  json excluded = json::array();
  for (const ExcludedPeriod& p : c.excluded_periods) {
    json period = {
        {"kind", Named(p.kind, kExcludedNames)}, {"first", Day(p.first)}, {"note", p.note}};
    PutOptionalDay(period, "last", p.last);
    excluded.push_back(std::move(period));
  }
  doc["excluded_periods"] = std::move(excluded);

  json extensions = json::array();
  for (const DecisionExtension& x : c.decision_extensions) {
    extensions.push_back({{"days", x.days},
                          {"approval", Named(x.approval, kApprovalNames)},
                          {"approved_by", x.approved_by},
                          {"approve_time", Micros(x.approve_time)},
                          {"reason", x.reason}});
  }
  doc["decision_extensions"] = std::move(extensions);

  json measures = json::array();
  for (const CaseMeasure& m : c.measures) {
    json extensions_of = json::array();
    for (int amount : m.extensions) extensions_of.push_back(amount);
    json measure = {{"kind", std::string(domain::CaseMeasureKindName(m.kind))},
                    {"document", m.document},
                    {"start_day", Day(m.start_day)},
                    {"amount", m.amount},
                    {"extensions", std::move(extensions_of)},
                    {"note", m.note}};
    PutOptionalDay(measure, "lifted_day", m.lifted_day);
    measures.push_back(std::move(measure));
  }
  doc["measures"] = std::move(measures);
  doc["revoked_permits"] = StringsJson(c.revoked_permits);
  doc["correction_tasks"] = StringsJson(c.correction_tasks);
  return doc;
}

void ReadDocument(const json& doc, EnforcementCase& c) {
  if (!doc.is_object()) throw BadDocument("not a JSON object");
  c.recusals = ListOf<Recusal>(doc, "recusals", [](const json& e) {
    Recusal r;
    r.username = Text(e, "username");
    r.reason = Text(e, "reason");
    r.by = Text(e, "by");
    r.time = TimeOf(e, "time");
    return r;
  });
  c.notifications = ListOf<Notification>(doc, "notifications", [](const json& e) {
    Notification n;
    n.facts = Text(e, "facts");
    n.proposed = ReadPenalties(e, "proposed");
    n.legal_basis = Text(e, "legal_basis");
    n.rights = Text(e, "rights");
    n.received_day = DayOf(e, "received_day");
    n.statement_end_day = DayOf(e, "statement_end_day");
    n.hearing_right = Flag(e, "hearing_right");
    n.hearing_request_end_day = DayOf(e, "hearing_request_end_day");
    return n;
  });
  c.response = OptionalOf<PartyResponse>(doc, "response", [](const json& e) {
    PartyResponse r;
    r.kind = EnumOf(e, "kind", domain::ResponseKindFromName);
    r.note = Text(e, "note");
    r.day = DayOf(e, "day");
    return r;
  });
  c.hearing = OptionalOf<Hearing>(doc, "hearing", [](const json& e) {
    Hearing h;
    h.request_day = DayOf(e, "request_day");
    h.notice_day = OptionalDayOf(e, "notice_day");
    h.hearing_day = OptionalDayOf(e, "hearing_day");
    h.presiding = Text(e, "presiding");
    h.outcome = EnumOf(e, "outcome", domain::HearingOutcomeFromName);
    h.record = Text(e, "record");
    return h;
  });
  c.hearing_held = Flag(doc, "hearing_held");
  c.legal_review_flagged = Flag(doc, "legal_review_flagged");
  c.collective_discussion_flagged = Flag(doc, "collective_discussion_flagged");
  c.legal_review = OptionalOf<ReviewRecord>(doc, "legal_review", ReadReview);
  c.collective_discussion = OptionalOf<ReviewRecord>(doc, "collective_discussion", ReadReview);
  c.decision = OptionalOf<Decision>(doc, "decision", [](const json& e) {
    Decision d;
    d.kind = EnumOf<DecisionKind>(e, "kind", kDecisionNames);
    d.penalties = ReadPenalties(e, "penalties");
    d.correction_orders = ReadStrings(e, "correction_orders");
    d.legal_basis = Text(e, "legal_basis");
    d.reason = Text(e, "reason");
    d.day = DayOf(e, "day");
    return d;
  });
  c.transfer = OptionalOf<CaseTransfer>(doc, "transfer", [](const json& e) {
    CaseTransfer t;
    t.kind = EnumOf(e, "kind", domain::TransferKindFromName);
    t.receiving_body = Text(e, "receiving_body");
    t.note = Text(e, "note");
    t.package = ReadStrings(e, "package");
    t.day = DayOf(e, "day");
    t.send_by_day = DayOf(e, "send_by_day");
    t.sent_day = OptionalDayOf(e, "sent_day");
    t.receipt = Text(e, "receipt");
    return t;
  });
  c.service = OptionalOf<Service>(doc, "service", [](const json& e) {
    Service s;
    s.method = EnumOf(e, "method", domain::ServiceMethodFromName);
    s.day = DayOf(e, "day");
    s.electronic_consent = Flag(e, "electronic_consent");
    return s;
  });
  c.payments = ListOf<Payment>(doc, "payments", [](const json& e) {
    Payment p;
    p.amount_fen = Int(e, "amount_fen");
    p.day = DayOf(e, "day");
    p.receipt = Text(e, "receipt");
    return p;
  });
  c.court_enforcement_day = OptionalDayOf(doc, "court_enforcement_day");
  c.excluded_periods = ListOf<ExcludedPeriod>(doc, "excluded_periods", [](const json& e) {
    ExcludedPeriod p;
    p.kind = EnumOf<ExcludedPeriodKind>(e, "kind", kExcludedNames);
    p.first = DayOf(e, "first");
    p.last = OptionalDayOf(e, "last");
    p.note = Text(e, "note");
    return p;
  });
  c.decision_extensions = ListOf<DecisionExtension>(doc, "decision_extensions", [](const json& e) {
    DecisionExtension x;
    x.days = static_cast<int>(Int(e, "days"));
    x.approval = EnumOf<ExtensionApproval>(e, "approval", kApprovalNames);
    x.approved_by = Text(e, "approved_by");
    x.approve_time = TimeOf(e, "approve_time");
    x.reason = Text(e, "reason");
    return x;
  });
  c.measures = ListOf<CaseMeasure>(doc, "measures", [](const json& e) {
    CaseMeasure m;
    m.kind = EnumOf(e, "kind", domain::CaseMeasureKindFromName);
    m.document = Text(e, "document");
    m.start_day = DayOf(e, "start_day");
    m.amount = static_cast<int>(Int(e, "amount"));
    m.extensions = ListOf<int>(e, "extensions", [](const json& x) { return x.get<int>(); });
    m.lifted_day = OptionalDayOf(e, "lifted_day");
    m.note = Text(e, "note");
    return m;
  });
  c.revoked_permits = ReadStrings(doc, "revoked_permits");
  c.correction_tasks = ReadStrings(doc, "correction_tasks");
}

}  // namespace

std::string ToDocument(const EnforcementCase& c) { return DocumentJson(c).dump(); }

absl::Status FromDocument(const std::string& document, EnforcementCase& c) {
  return json_document::ReadJsonDocument(document, c.ResourceName(),
                                         [&](const json& doc) { ReadDocument(doc, c); });
}

}  // namespace ecocase::storage::mysql
