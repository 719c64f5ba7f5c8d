// Inspection records (现场检查笔录, 勘察笔录, 询问笔录) through InspectionService: inspections
// record | get | list | update | attach | sign | correct | render (alias `inspection`). A
// record is a draft until every officer has signed with their own account and the party has
// signed or refused before a witness; then it is signed and immutable, and a correction is
// a new draft. The server checks the officers (two or more, certificates valid today,
// credentials shown); a refused step prints its reason (INSPECTION_…).
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "dates.h"
#include "ecocase/v1/inspection.grpc.pb.h"
#include "output.h"
#include "reasons.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::BareUsername;
using registry::DistrictLabel;
using registry::EnterpriseName;
using registry::FromName;
using registry::Keys;
using registry::NameOf;
using registry::RequestIdOrNew;
using registry::UsccOf;

const std::vector<std::pair<std::string, v1::InspectionRecord::Kind>>& KindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::InspectionRecord::Kind>>{
      {"on-site", v1::InspectionRecord::ON_SITE_INSPECTION},
      {"survey", v1::InspectionRecord::SURVEY},
      {"interview", v1::InspectionRecord::INTERVIEW},
  };
  return *names;
}

const std::vector<std::pair<std::string, v1::InspectionRecord::State>>& StateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::InspectionRecord::State>>{
      {"draft", v1::InspectionRecord::DRAFT},
      {"signed", v1::InspectionRecord::SIGNED},
  };
  return *names;
}

std::string KindLabel(const v1::InspectionRecord& r) {
  std::string word = r.kind_label();
  if (word.empty()) {
    switch (r.kind()) {
      case v1::InspectionRecord::ON_SITE_INSPECTION: word = "现场检查笔录"; break;
      case v1::InspectionRecord::SURVEY: word = "勘察笔录"; break;
      case v1::InspectionRecord::INTERVIEW: word = "询问笔录"; break;
      default: break;
    }
  }
  return NameOf(KindNames(), r.kind()) + " " + word;
}

std::string StateLabel(v1::InspectionRecord::State s) {
  switch (s) {
    case v1::InspectionRecord::DRAFT: return "draft 草稿";
    case v1::InspectionRecord::SIGNED: return "signed 已签署";
    default: return "?";
  }
}

// What a refusal's reason code means, for the hint under the server's message.
std::string ReasonText(const std::string& reason) {
  static const auto* texts = new std::map<std::string, std::string>{
      {"INSPECTION_OFFICERS",
       "at least two officers who showed their certificates, each signing with their own "
       "account, and you among them 需两名以上出示执法证件的执法人员各自签名"},
      {"INSPECTION_PARTY_SIGNATURE",
       "the last officer signs with the party's signature (--party-signed NAME) or its refusal "
       "before a witness (--refused --witness NAME) 须当事人签名或见证人证明拒签"},
      {"INSPECTION_SIGNED",
       "the record is signed and cannot change: `ecoctl inspections correct` makes a new draft "
       "已签署，不可修改"},
      {"INSPECTION_STATE", "the record is not in a state that allows this 笔录状态不允许此操作"},
      {"EVIDENCE_STATE", "only a stored evidence item can be attached 证据尚未上传完成"},
  };
  auto it = texts->find(reason);
  return it == texts->end() ? "" : it->second;
}

// `inspections/{id}` for ID or inspections/ID.
std::string RecordName(const std::string& text) {
  return registry::NumberedName(text, "inspections", "inspection record");
}

std::string RecordId(const std::string& name) { return registry::LastSegment(name); }

// Throws for a failed call: a stale etag, a refusal with its reason code and meaning, or a
// change whose outcome is unknown (with how to retry it).
void CheckRecord(const grpc::Status& s, const std::string& request_id, const std::string& name,
                 const std::string& etag = "") {
  if (s.ok()) return;
  std::string see = name.empty() ? "" : "; see `ecoctl inspections get " + RecordId(name) + "`";
  if (s.error_code() == grpc::StatusCode::ABORTED) {
    throw RpcError(s, "(sent etag " + etag + ") the record changed since it was read" + see +
                          " and repeat the command if it is still right");
  }
  std::string reason = ErrorReason(s);
  if (!reason.empty()) {
    std::string text = ReasonText(reason);
    throw RpcError(s, "refused 不予办理: " + reason + (text.empty() ? "" : " — " + text) + see);
  }
  CheckChange(s, request_id);
}

// Calls InspectionService as the signed-in user.
struct InspectionClient {
  explicit InspectionClient(const Connection& c)
      : store(ConfigStore::FromEnvironment()),
        client(c, store),
        inspections(v1::InspectionService::NewStub(MakeChannel(c))) {}

  v1::InspectionRecord Get(const std::string& name) {
    v1::GetInspectionRecordRequest request;
    request.set_name(name);
    v1::InspectionRecord record;
    CheckRecord(client.Call([&](grpc::ClientContext& ctx) {
      return inspections->GetInspectionRecord(&ctx, request, &record);
    }),
                "", "");
    return record;
  }

  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::InspectionService::Stub> inspections;
};

// --- Printing -----------------------------------------------------------------------------

// "2026-12-06 09:30" (Beijing), for table cells and ranges.
std::string ShortTime(const google::protobuf::Timestamp& t) {
  return IsSet(t) ? FormatTime(t).substr(0, 16) : "";
}

// Officers who have not signed yet.
std::vector<std::string> Unsigned(const v1::InspectionRecord& r) {
  std::vector<std::string> out;
  for (const v1::InspectionOfficer& o : r.officers()) {
    if (!IsSet(o.sign_time())) out.push_back(BareUsername(o.user()));
  }
  return out;
}

std::string PartyText(const v1::InspectionRecord& r) {
  if (r.has_party_signature() && !r.party_signature().name().empty()) {
    return "signed 已签名: " + r.party_signature().name() + " " +
           ShortTime(r.party_signature().time());
  }
  if (r.has_refusal() && !r.refusal().witness_name().empty()) {
    const v1::SignatureRefusal& f = r.refusal();
    return "refused 拒绝签字 (" + (f.note().empty() ? std::string("拒绝签字") : f.note()) +
           "); witness 见证人 " + f.witness_name() +
           (f.witness_note().empty() ? "" : " (" + f.witness_note() + ")") + " " +
           ShortTime(f.time());
  }
  return "";
}

void PrintRecord(const Connection& conn, AuthenticatedClient& client, const v1::InspectionRecord& r,
                 const std::string& headline) {
  if (conn.json) {
    std::cout << ToJson(r) << "\n";
    return;
  }
  if (!headline.empty()) std::cout << headline << "\n";
  Fields f = {{"record 笔录", r.name()},
              {"kind 种类", KindLabel(r)},
              {"state 状态", StateLabel(r.state())},
              {"party 当事人", r.party_name()}};
  f.emplace_back(
      "present 现场负责人",
      r.person_present() + (r.person_title().empty() ? "" : " (" + r.person_title() + ")"));
  if (!r.enterprise().empty()) {
    f.emplace_back(
        "enterprise 单位",
        EnterpriseLabel(UsccOf(r.enterprise()), EnterpriseDisplayName(client, r.enterprise())));
  }
  f.emplace_back("district 区县", DistrictLabel(r.district_code()));
  f.emplace_back("place 地点", r.place());
  f.emplace_back("time 时间",
                 ShortTime(r.start_time()) + " — " + ShortTime(r.end_time()) + " (+08:00)");
  if (!r.corrects().empty()) f.emplace_back("corrects 更正", r.corrects());
  std::string party = PartyText(r);
  if (!party.empty()) f.emplace_back("party's part 当事人", party);
  f.emplace_back("created", FormatTime(r.create_time()) + " by " + BareUsername(r.created_by()));
  f.emplace_back("updated", FormatTime(r.update_time()));
  if (r.state() == v1::InspectionRecord::SIGNED) {
    f.emplace_back("signed 签署完成",
                   FormatTime(r.sign_time()) + " by " + BareUsername(r.signed_by()));
  }
  f.emplace_back("etag", r.etag());
  PrintFields(std::cout, f);

  std::cout << "\nofficers 执法人员 (" << r.officers_size() << ")\n";
  if (!r.officers().empty()) {
    Table table({"OFFICER", "NAME 姓名", "CERTIFICATE 执法证号", "SHOWN 出示证件", "SIGNED 签名"});
    for (const v1::InspectionOfficer& o : r.officers()) {
      table.AddRow({BareUsername(o.user()), o.display_name(), o.certificate_number(),
                    o.credentials_shown() ? "yes 是" : "NO 否",
                    IsSet(o.sign_time()) ? ShortTime(o.sign_time()) : "(not yet 未签)"});
    }
    table.Print(std::cout);
  }
  std::cout << "\nfindings 检查情况\n";
  std::istringstream lines(r.findings());
  for (std::string line; std::getline(lines, line);) std::cout << "  " << line << "\n";
  std::cout << "\nevidence 证据 (" << r.evidence_size() << ")\n";
  if (!r.evidence().empty()) {
    Table table({"EVIDENCE", "KIND", "FILE", "SHA256"});
    for (const v1::AttachedEvidence& e : r.evidence()) {
      table.AddRow({e.evidence(), v1::EvidenceKind_Name(e.kind()), e.file_name(), e.sha256()});
    }
    table.Print(std::cout);
  }
}

// One line after a change: what was done, the record and its state, who still signs.
std::string StepLine(const std::string& done, const v1::InspectionRecord& r) {
  std::string line = done + " " + r.name() + ": " + StateLabel(r.state());
  if (r.state() == v1::InspectionRecord::DRAFT) {
    std::vector<std::string> waiting = Unsigned(r);
    std::string names;
    for (const std::string& w : waiting) names += (names.empty() ? "" : ", ") + w;
    if (!names.empty()) line += " — to sign 待签名: " + names;
    if (PartyText(r).empty()) line += "; the party's signature or refusal is still missing";
  } else {
    line += " — complete, immutable 已签署完成";
  }
  return line;
}

// --- record, update ---------------------------------------------------------------------

struct RecordOptions {
  std::string name;  // update
  std::string kind;
  std::string party;
  std::string present;
  std::string title;
  std::string place;
  std::string enterprise;
  std::string district;
  std::string start;
  std::string end;
  std::vector<std::string> officers;
  std::vector<std::string> not_shown;
  std::string findings;
  std::string etag;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

// --findings TEXT, or @FILE for the text of a UTF-8 file.
std::string FindingsText(const std::string& given) {
  if (given.empty() || given[0] != '@') return given;
  std::ifstream in(given.substr(1), std::ios::binary);
  if (!in) throw CommandError(kExitUsage, "--findings " + given + ": cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The content of a record the server takes back on update: no output-only fields.
v1::InspectionRecord Content(const v1::InspectionRecord& current) {
  v1::InspectionRecord r;
  r.set_name(current.name());
  r.set_kind(current.kind());
  r.set_enterprise(current.enterprise());
  r.set_party_name(current.party_name());
  r.set_person_present(current.person_present());
  r.set_person_title(current.person_title());
  r.set_place(current.place());
  if (current.enterprise().empty()) r.set_district_code(current.district_code());
  *r.mutable_start_time() = current.start_time();
  *r.mutable_end_time() = current.end_time();
  for (const v1::InspectionOfficer& o : current.officers()) {
    v1::InspectionOfficer* officer = r.add_officers();
    officer->set_user(o.user());
    officer->set_credentials_shown(o.credentials_shown());
  }
  r.set_findings(current.findings());
  return r;
}

// The flags given, over `r`: all of them for record, the ones to change for update.
void ApplyFlags(const RecordOptions& o, v1::InspectionRecord* r) {
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  if (given("--kind")) r->set_kind(FromName(KindNames(), o.kind));
  if (given("--party")) r->set_party_name(o.party);
  if (given("--present")) r->set_person_present(o.present);
  if (given("--title")) r->set_person_title(o.title);
  if (given("--place")) r->set_place(o.place);
  if (given("--enterprise")) {
    r->set_enterprise(o.enterprise.empty() ? "" : EnterpriseName(o.enterprise));
  }
  // With an enterprise its district is the record's (output only).
  if (given("--district")) r->set_district_code(o.district);
  if (!r->enterprise().empty()) r->clear_district_code();
  if (given("--start")) *r->mutable_start_time() = registry::ParseShanghaiTime(o.start, "--start");
  if (given("--end")) *r->mutable_end_time() = registry::ParseShanghaiTime(o.end, "--end");
  if (given("--findings")) r->set_findings(FindingsText(o.findings));
  if (!o.officers.empty()) {
    r->clear_officers();
    for (const std::string& user : o.officers) r->add_officers()->set_user(BareUsername(user));
  }
  for (const std::string& user : o.not_shown) {
    bool listed = false;
    for (const v1::InspectionOfficer& officer : r->officers()) {
      listed = listed || BareUsername(officer.user()) == BareUsername(user);
    }
    if (!listed) {
      throw CommandError(kExitUsage, "--credentials-not-shown " + user +
                                         ": not one of the record's officers (--officer)");
    }
  }
  // A new officer list: each showed the certificate unless told otherwise. Without one, only
  // the officers named change.
  for (v1::InspectionOfficer& officer : *r->mutable_officers()) {
    bool not_shown = false;
    for (const std::string& user : o.not_shown) {
      not_shown = not_shown || BareUsername(officer.user()) == BareUsername(user);
    }
    if (not_shown) {
      officer.set_credentials_shown(false);
    } else if (!o.officers.empty()) {
      officer.set_credentials_shown(true);
    }
  }
}

int Record(const Connection& conn, const RecordOptions& o) {
  v1::CreateInspectionRecordRequest request;
  ApplyFlags(o, request.mutable_record());
  if (request.record().enterprise().empty() && request.record().district_code().empty()) {
    throw CommandError(kExitUsage,
                       "give the --enterprise USCC inspected, or the --district "
                       "(six digits) of the place");
  }
  request.set_request_id(RequestIdOrNew(o.request_id));
  InspectionClient ic(conn);
  v1::InspectionRecord created;
  CheckRecord(ic.client.Call([&](grpc::ClientContext& ctx) {
    return ic.inspections->CreateInspectionRecord(&ctx, request, &created);
  }),
              request.request_id(), "");
  PrintRecord(conn, ic.client, created, StepLine("drafted 已起草", created));
  if (!conn.json) {
    std::cout << "\nnext: each officer signs with their own account: `ecoctl inspections sign "
              << RecordId(created.name())
              << "`; the last one with --party-signed NAME or --refused --witness NAME\n";
  }
  return kExitOk;
}

// Reads the record for its etag, builds the request with `fill(request, current)`, sends it
// with `send` and prints one line, `done`, or the record as JSON.
template <typename Request, typename Fill, typename Send>
int Change(const Connection& conn, const std::string& id, const std::string& etag,
           const std::string& request_id, const std::string& done, Fill fill, Send send) {
  std::string name = RecordName(id);  // A usage error even when not signed in.
  InspectionClient ic(conn);
  v1::InspectionRecord current = ic.Get(name);
  Request request;
  fill(request, current);
  request.set_etag(etag.empty() ? current.etag() : etag);
  request.set_request_id(RequestIdOrNew(request_id));
  v1::InspectionRecord changed;
  grpc::Status s = ic.client.Call(
      [&](grpc::ClientContext& ctx) { return send(*ic.inspections, ctx, request, &changed); });
  CheckRecord(s, request.request_id(), name, request.etag());
  if (conn.json) {
    std::cout << ToJson(changed) << "\n";
  } else {
    std::cout << StepLine(done, changed) << "\n";
  }
  return kExitOk;
}

int Update(const Connection& conn, const RecordOptions& o) {
  return Change<v1::UpdateInspectionRecordRequest>(
      conn, o.name, o.etag, o.request_id, "updated 已修改 (signatures cleared 签名已清除)",
      [&](auto& r, const v1::InspectionRecord& current) {
        *r.mutable_record() = Content(current);
        ApplyFlags(o, r.mutable_record());
      },
      [](auto& stub, auto& ctx, const auto& r, v1::InspectionRecord* out) {
        return stub.UpdateInspectionRecord(&ctx, r, out);
      });
}

// --- attach, sign, correct --------------------------------------------------------------

struct StepOptions {
  std::string id;
  std::string evidence;      // attach
  std::string party_signed;  // sign
  bool refused = false;      // sign
  std::string witness;       // sign
  std::string witness_note;  // sign
  std::string note;          // sign
  std::string etag;
  std::string request_id;
};

int Attach(const Connection& conn, const StepOptions& o) {
  std::string evidence = registry::NumberedName(o.evidence, "evidence", "evidence item");
  return Change<v1::AttachInspectionEvidenceRequest>(
      conn, o.id, o.etag, o.request_id, "attached " + evidence + " to",
      [&](auto& r, const v1::InspectionRecord& current) {
        r.set_name(current.name());
        r.set_evidence(evidence);
      },
      [](auto& stub, auto& ctx, const auto& r, v1::InspectionRecord* out) {
        return stub.AttachInspectionEvidence(&ctx, r, out);
      });
}

int Sign(const Connection& conn, const StepOptions& o) {
  return Change<v1::SignInspectionRecordRequest>(
      conn, o.id, o.etag, o.request_id, "signed 已签名",
      [&](auto& r, const v1::InspectionRecord& current) {
        r.set_name(current.name());
        if (!o.party_signed.empty()) r.mutable_party_signature()->set_name(o.party_signed);
        if (o.refused) {
          r.mutable_refusal()->set_witness_name(o.witness);
          r.mutable_refusal()->set_witness_note(o.witness_note);
          r.mutable_refusal()->set_note(o.note);
        }
      },
      [](auto& stub, auto& ctx, const auto& r, v1::InspectionRecord* out) {
        return stub.SignInspectionRecord(&ctx, r, out);
      });
}

int Correct(const Connection& conn, const StepOptions& o) {
  v1::CorrectInspectionRecordRequest request;
  request.set_name(RecordName(o.id));
  request.set_request_id(RequestIdOrNew(o.request_id));
  InspectionClient ic(conn);
  v1::InspectionRecord draft;
  CheckRecord(ic.client.Call([&](grpc::ClientContext& ctx) {
    return ic.inspections->CorrectInspectionRecord(&ctx, request, &draft);
  }),
              request.request_id(), request.name());
  PrintRecord(conn, ic.client, draft,
              StepLine("correction drafted 更正笔录已起草 for " + request.name() + ":", draft));
  if (!conn.json) {
    std::cout << "\nnext: change it with `ecoctl inspections update " << RecordId(draft.name())
              << " …`, then every officer signs again\n";
  }
  return kExitOk;
}

// --- get, list, render ------------------------------------------------------------------

int Get(const Connection& conn, const std::string& id) {
  std::string name = RecordName(id);
  InspectionClient ic(conn);
  v1::InspectionRecord r = ic.Get(name);
  PrintRecord(conn, ic.client, r, "");
  if (!conn.json && r.state() == v1::InspectionRecord::DRAFT) {
    std::cout << "\n" << StepLine("now", r) << "\n";
  }
  return kExitOk;
}

int Render(const Connection& conn, const std::string& id) {
  v1::RenderInspectionRecordRequest request;
  request.set_name(RecordName(id));
  InspectionClient ic(conn);
  v1::RenderedInspectionRecord rendered;
  CheckRecord(ic.client.Call([&](grpc::ClientContext& ctx) {
    return ic.inspections->RenderInspectionRecord(&ctx, request, &rendered);
  }),
              "", request.name());
  if (conn.json) {
    std::cout << ToJson(rendered) << "\n";
    return kExitOk;
  }
  std::cout << rendered.text();
  if (!rendered.text().empty() && rendered.text().back() != '\n') std::cout << "\n";
  return kExitOk;
}

struct ListOptions {
  std::string enterprise;
  std::string state;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& conn, const ListOptions& o) {
  v1::ListInspectionRecordsRequest request;
  if (!o.enterprise.empty()) request.set_enterprise(EnterpriseName(o.enterprise));
  if (!o.state.empty()) request.set_state(FromName(StateNames(), o.state));
  request.set_page_size(o.page_size > 0 ? o.page_size : 200);
  request.set_page_token(o.page_token);
  InspectionClient ic(conn);
  auto all = ListPages<v1::ListInspectionRecordsResponse>(
      ic.client, request, o.page_size > 0,
      [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return ic.inspections->ListInspectionRecords(&ctx, r, page);
      });
  if (conn.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(
      {"ID", "KIND", "STATE", "PARTY 当事人", "PLACE 地点", "START 开始", "OFFICERS", "EVIDENCE"});
  for (const v1::InspectionRecord& r : all.records()) {
    std::string officers;
    for (const v1::InspectionOfficer& officer : r.officers()) {
      officers += (officers.empty() ? "" : ",") + BareUsername(officer.user());
    }
    table.AddRow({RecordId(r.name()), KindLabel(r), StateLabel(r.state()), Summary(r.party_name()),
                  Summary(r.place()), ShortTime(r.start_time()), officers,
                  std::to_string(r.evidence_size())});
  }
  table.Print(std::cout);
  std::cout << all.records_size() << (all.records_size() == 1 ? " record\n" : " records\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

// The content flags of record and update; `required` for record.
void AddContentFlags(CLI::App* cmd, RecordOptions& o, bool required) {
  auto need = [required](CLI::Option* option) { return required ? option->required() : option; };
  need(cmd->add_option("--kind", o.kind,
                       "on-site 现场检查笔录, survey 勘察笔录 or interview 询问笔录"))
      ->check(CLI::IsMember(Keys(KindNames())));
  need(cmd->add_option("--party", o.party, "the party (被检查单位 / 被询问人), 1-200 characters"));
  need(cmd->add_option("--present", o.present, "the person present (现场负责人 / 被询问人)"));
  cmd->add_option("--title", o.title, "their position (职务)");
  need(cmd->add_option("--place", o.place, "where (检查地点)"));
  cmd->add_option("--enterprise", o.enterprise,
                  "the enterprise inspected (credit code); its district is the record's");
  cmd->add_option("--district", o.district, "the district (six digits) without --enterprise");
  need(cmd->add_option("--start", o.start,
                       "when it started, e.g. \"2026-12-06 09:30\" (Beijing) or UTC ending in Z"))
      ->check(registry::TimeShape);
  need(cmd->add_option("--end", o.end, "when it ended (at most 24 hours later)"))
      ->check(registry::TimeShape);
  need(cmd->add_option("--officer", o.officers,
                       "an officer present (username), repeatable: at least two to sign, you "
                       "among them; each showed the certificate (已出示执法证件) unless "
                       "--credentials-not-shown")
           ->allow_extra_args(false));
  cmd->add_option("--credentials-not-shown", o.not_shown,
                  "this officer did not show the certificate (repeatable)")
      ->allow_extra_args(false);
  need(cmd->add_option("--findings", o.findings,
                       "what was found (检查情况), 1-5000 characters, or @FILE for a UTF-8 file"));
  registry::AddRequestIdFlag(cmd, o.request_id);
}

CLI::App* AddStepCommand(CLI::App* inspections, const char* name, const char* description,
                         StepOptions& o, bool with_etag = true) {
  auto* cmd = inspections->add_subcommand(name, description);
  cmd->add_option("id", o.id, "the record: its number or inspections/ID")->required();
  if (with_etag) {
    cmd->add_option("--etag", o.etag,
                    "only if the record still has this etag (default: the one read just before)");
  }
  registry::AddRequestIdFlag(cmd, o.request_id);
  return cmd;
}

}  // namespace

void AddInspectionCommands(CLI::App& app, Context& ctx) {
  auto* inspections = app.add_subcommand(
      "inspections",
      "inspection records (现场检查笔录, 勘察笔录, 询问笔录): drafted on site, signed by every "
      "officer and by the party (or its refusal before a witness), then immutable. Times in "
      "Beijing time (UTC+8)");
  inspections->alias("inspection");
  inspections->require_subcommand(1);

  auto record = std::make_shared<RecordOptions>();
  auto* record_cmd = inspections->add_subcommand(
      "record",
      "draft a record (officer): the officers' names and certificates come from their "
      "accounts");
  record->cmd = record_cmd;
  AddContentFlags(record_cmd, *record, /*required=*/true);
  OnRun(record_cmd, ctx, record, Record);

  auto get_id = std::make_shared<std::string>();
  auto* get = inspections->add_subcommand(
      "get", "one record: officers and their signatures, findings, evidence, the party's part");
  get->add_option("id", *get_id, "the record: its number or inspections/ID")->required();
  OnRun(get, ctx, get_id, Get);

  auto list = std::make_shared<ListOptions>();
  auto* list_cmd = inspections->add_subcommand("list", "records in your districts, newest first");
  list_cmd->add_option("--enterprise", list->enterprise, "only this enterprise's (credit code)");
  list_cmd->add_option("--state", list->state, "draft or signed")
      ->check(CLI::IsMember(Keys(StateNames())));
  AddPageFlags(list_cmd, list->page_size, list->page_token);
  OnRun(list_cmd, ctx, list, List);

  auto update = std::make_shared<RecordOptions>();
  auto* update_cmd = inspections->add_subcommand(
      "update",
      "change a draft: the flags given replace those parts (--officer the whole "
      "list); signatures already given are cleared");
  update->cmd = update_cmd;
  update_cmd->add_option("id", update->name, "the record: its number or inspections/ID")
      ->required();
  AddContentFlags(update_cmd, *update, /*required=*/false);
  update_cmd->add_option("--etag", update->etag,
                         "only if the record still has this etag (default: the one read just "
                         "before)");
  OnRun(update_cmd, ctx, update, Update);

  auto attach = std::make_shared<StepOptions>();
  auto* attach_cmd =
      AddStepCommand(inspections, "attach",
                     "attach a stored evidence item to a draft (`ecoctl evidence upload "
                     "FILE --parent inspections/N …` first)",
                     *attach);
  attach_cmd->add_option("evidence", attach->evidence, "evidence/N")->required();
  OnRun(attach_cmd, ctx, attach, Attach);

  auto sign = std::make_shared<StepOptions>();
  auto* sign_cmd = AddStepCommand(
      inspections, "sign",
      "sign as one of the record's officers; the last signature, with the party's signature or "
      "refusal, completes the record",
      *sign);
  auto* party = sign_cmd->add_option("--party-signed", sign->party_signed,
                                     "the party signed: who (1-64 characters)");
  auto* refused =
      sign_cmd->add_flag("--refused", sign->refused, "the party refused to sign (拒绝签字)");
  refused->excludes(party);
  auto* witness =
      sign_cmd->add_option("--witness", sign->witness, "with --refused: the witness (见证人)");
  refused->needs(witness);
  witness->needs(refused);
  sign_cmd->add_option("--witness-note", sign->witness_note, "the witness's unit or ID")
      ->needs(refused);
  sign_cmd->add_option("--note", sign->note, "the refusal's words (default 拒绝签字)")
      ->needs(refused);
  OnRun(sign_cmd, ctx, sign, Sign);

  auto correct = std::make_shared<StepOptions>();
  auto* correct_cmd = AddStepCommand(
      inspections, "correct",
      "a new draft correcting a signed record: content and evidence copied, signatures cleared",
      *correct, /*with_etag=*/false);
  OnRun(correct_cmd, ctx, correct, Correct);

  auto render_id = std::make_shared<std::string>();
  auto* render =
      inspections->add_subcommand("render", "the record as text for the case file (笔录文本)");
  render->add_option("id", *render_id, "the record: its number or inspections/ID")->required();
  OnRun(render, ctx, render_id, Render);
}

}  // namespace ecoctl
