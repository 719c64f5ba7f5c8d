// Evidence (证据) through EvidenceService: evidence upload | status | get | list | abandon.
// An upload declares the file (SHA-256, size, kind, capture time and place, device,
// officers, parent) and streams it in chunks that each carry their offset and hash. Running
// the same upload command again after an interruption resumes where the server's bytes end:
// the server answers StartEvidenceUpload with the item already started.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "ecocase/v1/evidence.grpc.pb.h"
#include "file_transfer.h"
#include "output.h"
#include "reasons.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::BareUsername;
using registry::RequestIdOrNew;

// A stream is given this long beyond --timeout-ms per byte still to move (64 KiB/s) before
// its deadline: a dead connection fails instead of hanging, and the upload resumes.
constexpr int64_t kSlowestBytesPerSecond = 64 << 10;
// Failed streams in a row, without the server's offset moving, before giving up.
constexpr int kMaxResumes = 5;

const std::vector<std::pair<v1::EvidenceKind, const char*>>& KindWords() {
  static const auto* words = new std::vector<std::pair<v1::EvidenceKind, const char*>>{
      {v1::DOCUMENT, "书证"},
      {v1::PHYSICAL, "物证"},
      {v1::AUDIO_VISUAL, "视听资料"},
      {v1::ELECTRONIC_DATA, "电子数据"},
      {v1::WITNESS_TESTIMONY, "证人证言"},
      {v1::PARTY_STATEMENT, "当事人的陈述"},
      {v1::APPRAISAL_OPINION, "鉴定意见"},
      {v1::INSPECTION_TRANSCRIPT, "勘验笔录"},
      {v1::ON_SITE_RECORD, "现场笔录"},
      {v1::TEST_REPORT, "检测报告"},
      {v1::ASSESSMENT_REPORT, "评估报告"},
      {v1::DETERMINATION_OPINION, "认定意见"},
  };
  return *words;
}

// "DOCUMENT 书证, PHYSICAL 物证, …" for --help.
std::string KindHelp() {
  std::string text;
  for (const auto& [kind, word] : KindWords()) {
    text += (text.empty() ? "" : ", ") + v1::EvidenceKind_Name(kind) + " " + word;
  }
  return text;
}

// "AUDIO_VISUAL 视听资料": the enum name and the server's label (or ours).
std::string KindLabel(v1::EvidenceKind kind, const std::string& server_label = "") {
  std::string word = server_label;
  for (const auto& [k, w] : KindWords()) {
    if (word.empty() && k == kind) word = w;
  }
  return v1::EvidenceKind_Name(kind) + (word.empty() ? "" : " " + word);
}

// The kind's enum name in any case; `on-site-record` is ON_SITE_RECORD too.
v1::EvidenceKind ParseKind(const std::string& text) {
  std::string name;
  for (char c : text) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  v1::EvidenceKind kind = v1::EVIDENCE_KIND_UNSPECIFIED;
  if (!v1::EvidenceKind_Parse(name, &kind) || kind == v1::EVIDENCE_KIND_UNSPECIFIED) {
    throw CommandError(kExitUsage, "--kind " + text + ": one of " + KindHelp());
  }
  return kind;
}

std::string StateLabel(v1::Evidence::State s) {
  switch (s) {
    case v1::Evidence::UPLOADING: return "UPLOADING 上传中";
    case v1::Evidence::STORED: return "STORED 已保存";
    case v1::Evidence::ABANDONED: return "ABANDONED 已放弃";
    default: return "?";
  }
}

// `evidence/{id}` for ID or evidence/ID.
std::string EvidenceName(const std::string& text) {
  return registry::NumberedName(text, "evidence", "evidence item");
}

// `cases/N`, `inspections/N` or `tasks/N` as given; a usage error otherwise.
std::string ParentName(const std::string& text) {
  static const std::map<std::string, std::string> kCollections = {
      {"cases", "case"}, {"inspections", "inspection record"}, {"tasks", "task"}};
  size_t slash = text.find('/');
  auto it = kCollections.find(text.substr(0, slash));
  if (slash == std::string::npos || it == kCollections.end()) {
    throw CommandError(kExitUsage,
                       "--parent " + text + ": expected cases/N, inspections/N or tasks/N");
  }
  return registry::NumberedName(text, it->first, it->second);
}

// "3.0 MiB (3145728 字节)".
std::string SizeText(int64_t bytes) {
  return FormatBytes(bytes) + " (" + std::to_string(bytes) + " 字节)";
}

// What a refusal's reason code means, for the hint under the server's message.
std::string ReasonText(const std::string& reason) {
  static const auto* texts = new std::map<std::string, std::string>{
      {"EVIDENCE_STATE", "the item is not being uploaded (stored or abandoned) 证据不在上传中"},
      {"EVIDENCE_QUOTA",
       "your uploads of the last 24 hours would pass the quota 超出24小时上传限额"},
      {"EVIDENCE_HASH_MISMATCH",
       "the bytes received do not have the declared SHA-256 — was the file changed while "
       "uploading? the item is abandoned; run the command again to upload anew "
       "文件校验值不符，本次上传已作废"},
      {"EVIDENCE_SIZE_MISMATCH", "the bytes do not add up to the declared size 大小不符"},
      {"EVIDENCE_OFFSET_MISMATCH", "the chunk did not start where the server's bytes end"},
      {"EVIDENCE_CHUNK_HASH_MISMATCH", "a chunk was damaged in transit 数据块校验不符"},
  };
  auto it = texts->find(reason);
  return it == texts->end() ? "" : it->second;
}

// Throws for a failed call: a refusal with its reason code and meaning, an unknown outcome
// of a change with how to retry it (when `request_id` is given).
void CheckEvidence(const grpc::Status& s, const std::string& request_id = "") {
  if (s.ok()) return;
  std::string reason = ErrorReason(s);
  if (!reason.empty()) {
    std::string text = ReasonText(reason);
    throw RpcError(s, "refused 不予办理: " + reason + (text.empty() ? "" : " — " + text));
  }
  if (!request_id.empty()) CheckChange(s, request_id);
  Check(s);
}

// Calls EvidenceService as the signed-in user.
struct EvidenceClient {
  explicit EvidenceClient(const Connection& c)
      : connection(c),
        store(ConfigStore::FromEnvironment()),
        client(c, store),
        evidence(v1::EvidenceService::NewStub(MakeChannel(c))) {}

  v1::Evidence Get(const std::string& name) {
    v1::GetEvidenceRequest request;
    request.set_name(name);
    v1::Evidence item;
    CheckEvidence(client.Call(
        [&](grpc::ClientContext& ctx) { return evidence->GetEvidence(&ctx, request, &item); }));
    return item;
  }

  grpc::Status TryWhere(const std::string& name, v1::EvidenceUpload* upload) {
    v1::GetEvidenceUploadRequest request;
    request.set_name(name);
    return client.Call([&](grpc::ClientContext& ctx) {
      return evidence->GetEvidenceUpload(&ctx, request, upload);
    });
  }

  v1::EvidenceUpload Where(const std::string& name) {
    v1::EvidenceUpload upload;
    CheckEvidence(TryWhere(name, &upload));
    return upload;
  }

  // A context for a stream moving `bytes`: signed in, with a deadline for that many at
  // `bytes_per_second` (the slowest rate tolerated) beyond the usual one.
  void PrepareStream(grpc::ClientContext& ctx, int64_t bytes, int64_t bytes_per_second) {
    auto allowed = std::chrono::milliseconds(connection.timeout_ms) +
                   std::chrono::seconds(bytes / std::max<int64_t>(bytes_per_second, 1));
    ctx.set_deadline(std::chrono::system_clock::now() + allowed);
    ctx.AddMetadata("authorization", "Bearer " + client.session().access_token());
  }

  const Connection& connection;
  ConfigStore store;
  AuthenticatedClient client;
  std::unique_ptr<v1::EvidenceService::Stub> evidence;
};

Fields EvidenceFields(const v1::Evidence& e) {
  Fields f = {{"evidence 证据", e.name()},
              {"state 状态", StateLabel(e.state())},
              {"kind 种类", KindLabel(e.kind(), e.kind_label())},
              {"file 文件", e.file_name() + " (" + e.media_type() + ")"},
              {"size 大小", SizeText(e.size_bytes())},
              {"sha256", e.sha256()}};
  if (e.state() == v1::Evidence::UPLOADING) {
    f.emplace_back("received 已接收", SizeText(e.received_bytes()));
  }
  f.emplace_back("parent 所属", e.parent());
  f.emplace_back("captured 采集时间", FormatTime(e.capture_time()));
  if (e.has_location()) {
    char where[64];
    std::snprintf(where, sizeof(where), "%.6f, %.6f (WGS-84)", e.location().latitude(),
                  e.location().longitude());
    f.emplace_back("location 位置", where);
  }
  f.emplace_back("device 设备",
                 e.device_id() + (e.device_model().empty() ? "" : " (" + e.device_model() + ")"));
  std::string officers;
  for (const std::string& o : e.capturing_officers()) {
    officers += (officers.empty() ? "" : ", ") + BareUsername(o);
  }
  f.emplace_back("officers 采集人员", officers);
  if (!e.description().empty()) f.emplace_back("description 说明", e.description());
  if (!e.corrects().empty()) f.emplace_back("corrects 更正", e.corrects());
  f.emplace_back("uploaded by 上传人", BareUsername(e.uploaded_by()));
  f.emplace_back("started 开始上传", FormatTime(e.create_time()));
  if (e.state() == v1::Evidence::STORED) {
    f.emplace_back("stored 上传完成", FormatTime(e.upload_time()));
  }
  return f;
}

void PrintEvidence(const Connection& conn, const v1::Evidence& e, const std::string& headline) {
  if (conn.json) {
    std::cout << ToJson(e) << "\n";
    return;
  }
  if (!headline.empty()) std::cout << headline << "\n";
  PrintFields(std::cout, EvidenceFields(e));
}

// --- upload -----------------------------------------------------------------------------

struct UploadOptions {
  std::string file;
  std::string parent;
  std::string kind;
  std::vector<std::string> officers;
  std::string device_id;
  std::string device_model;
  double lat = 0;
  double lng = 0;
  std::string captured;
  std::string description;
  std::string media_type;
  std::string corrects;
  int64_t chunk_size = static_cast<int64_t>(kFileBufferBytes);
  int64_t max_rate_kib = 0;
  // For tests: end the stream cleanly once this run has sent this many bytes, as an
  // interrupted upload would, and exit 1. Hidden from --help.
  int64_t stop_after = 0;
  std::string request_id;
  CLI::App* cmd = nullptr;
};

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

// The item to declare for the file at `path` (hashed here, streaming).
v1::Evidence Declare(const UploadOptions& o, const struct stat& st, const std::string& username) {
  v1::Evidence e;
  e.set_kind(ParseKind(o.kind));
  e.set_size_bytes(static_cast<int64_t>(st.st_size));
  e.set_media_type(o.media_type.empty() ? MediaTypeFor(o.file) : o.media_type);
  e.set_file_name(std::filesystem::path(o.file).filename().string());
  if (o.captured.empty()) {
    // The file's modification time: a camera's or recorder's file is written when captured.
    e.mutable_capture_time()->set_seconds(static_cast<int64_t>(st.st_mtim.tv_sec));
    e.mutable_capture_time()->set_nanos(static_cast<int32_t>(st.st_mtim.tv_nsec));
  } else {
    *e.mutable_capture_time() = registry::ParseShanghaiTime(o.captured, "--captured");
  }
  if (o.cmd->count("--lat") > 0) {
    e.mutable_location()->set_latitude(o.lat);
    e.mutable_location()->set_longitude(o.lng);
  }
  e.set_device_id(o.device_id.empty() ? "ecoctl-" + Hostname() : o.device_id);
  e.set_device_model(o.device_model);
  if (o.officers.empty()) {
    e.add_capturing_officers(BareUsername(username));
  } else {
    for (const std::string& officer : o.officers) e.add_capturing_officers(BareUsername(officer));
  }
  e.set_parent(ParentName(o.parent));
  e.set_description(o.description);
  if (!o.corrects.empty()) e.set_corrects(EvidenceName(o.corrects));
  std::cerr << "计算 SHA-256: " << o.file << " (" << FormatBytes(e.size_bytes()) << ")\n";
  e.set_sha256(FileSha256Hex(o.file));
  return e;
}

// Where one stream got to.
struct StreamResult {
  grpc::Status status;
  v1::Evidence item;     // the server's answer when the status is OK
  bool stopped = false;  // --stop-after ended it
};

// Streams the file from `offset` to its end (or --stop-after) in chunks of `chunk_bytes`,
// each with its SHA-256.
StreamResult SendFrom(EvidenceClient& ec, const std::string& name, std::ifstream& file,
                      int64_t offset, int64_t size, int64_t chunk_bytes, int64_t stop_at,
                      int64_t bytes_per_second, RateLimiter& limiter, Progress& progress) {
  StreamResult result;
  grpc::ClientContext ctx;
  int64_t slowest = bytes_per_second > 0 ? std::min(kSlowestBytesPerSecond, bytes_per_second / 2)
                                         : kSlowestBytesPerSecond;
  ec.PrepareStream(ctx, size - offset, slowest);
  auto writer = ec.evidence->UploadEvidence(&ctx, &result.item);
  file.clear();
  file.seekg(offset);
  std::string buffer(static_cast<size_t>(chunk_bytes), '\0');
  v1::UploadEvidenceRequest chunk;
  chunk.set_name(name);
  while (offset < size) {
    if (offset >= stop_at) {
      result.stopped = true;
      break;
    }
    int64_t n = std::min(chunk_bytes, size - offset);
    file.read(buffer.data(), n);
    if (file.gcount() != n) {
      throw CommandError(kExitRpcError,
                         "the file became shorter while uploading; run the "
                         "command again once it is complete");
    }
    std::string_view data(buffer.data(), static_cast<size_t>(n));
    chunk.set_offset(offset);
    chunk.set_data(data.data(), data.size());
    chunk.set_sha256(Sha256Hex(data));
    // False once the server has ended the stream: Finish says why.
    if (!writer->Write(chunk)) break;
    offset += n;
    progress.Update(offset);
    limiter.Pace(n);
  }
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

bool Resumable(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNAUTHENTICATED:  // Where() refreshes the session before the next.
      return true;
    default: return false;
  }
}

// 1 s, 2 s, 4 s, … with up to 20% jitter.
void ResumeBackoff(int attempt, const grpc::Status& s) {
  int ms = 1000 << (attempt - 1);
  ms += static_cast<int>(static_cast<unsigned>(std::rand()) % static_cast<unsigned>(ms / 5 + 1));
  std::cerr << "ecoctl: 上传中断 (" << StatusCodeName(s.error_code()) << ": " << s.error_message()
            << "); " << ms / 1000.0 << " s 后按服务器记录的位置续传 (" << attempt << "/"
            << kMaxResumes << ")\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

int Upload(const Connection& conn, const UploadOptions& o) {
  struct stat st {};
  if (stat(o.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw CommandError(kExitUsage, "cannot read " + o.file + ": not a regular file");
  }
  if (st.st_size == 0) throw CommandError(kExitUsage, o.file + " is empty");
  std::ifstream file(o.file, std::ios::binary);
  if (!file) throw CommandError(kExitUsage, "cannot read " + o.file);
  ParseKind(o.kind);  // Usage errors before signing in and hashing.
  ParentName(o.parent);

  EvidenceClient ec(conn);
  v1::StartEvidenceUploadRequest start;
  *start.mutable_evidence() = Declare(o, st, ec.client.session().username());
  start.set_request_id(RequestIdOrNew(o.request_id));
  v1::Evidence item;
  CheckEvidence(ec.client.Call([&](grpc::ClientContext& ctx) {
    return ec.evidence->StartEvidenceUpload(&ctx, start, &item);
  }),
                start.request_id());
  const std::string name = item.name();
  const int64_t size = start.evidence().size_bytes();

  int64_t rate = o.max_rate_kib * 1024;
  RateLimiter limiter(rate);
  std::unique_ptr<Progress> progress;
  int64_t stop_at = o.stop_after > 0 ? 0 : size;  // Set from the first offset below.
  int64_t last_offset = -1;
  int64_t hash_mismatch_at = -1;
  int failures = 0;
  bool first = true;
  for (;;) {
    v1::EvidenceUpload where;
    grpc::Status asked = ec.TryWhere(name, &where);
    if (!asked.ok() && !first && Resumable(asked) && failures < kMaxResumes) {
      ResumeBackoff(++failures, asked);  // The network is still down: wait more.
      continue;
    }
    CheckEvidence(asked);
    if (where.complete()) {
      if (first) {
        if (progress) progress->Finish();
        PrintEvidence(conn, ec.Get(name), "已上传 " + name + " (nothing left to send)");
        return kExitOk;
      }
      break;
    }
    if (first) {
      if (where.offset() > 0) {
        std::cerr << "从 " << SizeText(where.offset()) << " 处续传 " << name << "\n";
      }
      if (o.stop_after > 0) stop_at = std::min(size, where.offset() + o.stop_after);
      progress = std::make_unique<Progress>("上传 " + name, where.offset(), size);
      first = false;
    }
    if (where.offset() > last_offset) failures = 0;  // Progress since the last failure.
    last_offset = where.offset();
    int64_t chunk_bytes = o.chunk_size;
    if (where.max_chunk_bytes() > 0) chunk_bytes = std::min(chunk_bytes, where.max_chunk_bytes());
    // Small chunks under a low --max-rate, so that the progress moves smoothly.
    if (rate > 0) chunk_bytes = std::min(chunk_bytes, std::max<int64_t>(4096, rate / 4));

    StreamResult sent = SendFrom(ec, name, file, where.offset(), size, chunk_bytes, stop_at, rate,
                                 limiter, *progress);
    const grpc::Status& s = sent.status;
    if (s.ok() && sent.item.state() == v1::Evidence::STORED) {
      item = sent.item;
      break;
    }
    if (s.ok() && sent.stopped) {
      progress->Finish();
      throw CommandError(kExitRpcError,
                         "stopped " + name + " after " + SizeText(sent.item.received_bytes()) +
                             " (--stop-after, for tests); run the same command again to resume");
    }
    if (s.ok()) continue;  // The stream ended early: ask where to go on from.
    progress->Finish();
    std::string reason = ErrorReason(s);
    if (reason == "EVIDENCE_CHUNK_HASH_MISMATCH") {
      // Damaged in transit: that chunk once more, then give up.
      if (hash_mismatch_at == where.offset()) CheckEvidence(s);
      hash_mismatch_at = where.offset();
      std::cerr << "ecoctl: 数据块校验不符，重发该块\n";
      continue;
    }
    if (reason == "EVIDENCE_OFFSET_MISMATCH" || Resumable(s)) {
      if (++failures > kMaxResumes) {
        throw RpcError(s,
                       "upload interrupted 上传中断: run the same command again to resume "
                       "(重新运行同一命令即可续传)");
      }
      if (reason.empty()) ResumeBackoff(failures, s);
      continue;
    }
    CheckEvidence(s);
  }
  if (progress) progress->Finish();
  if (item.state() != v1::Evidence::STORED) item = ec.Get(name);
  PrintEvidence(conn, item, "上传完成 " + name);
  return kExitOk;
}

// --- status, get, list, abandon ---------------------------------------------------------

int UploadStatus(const Connection& conn, const std::string& text) {
  std::string name = EvidenceName(text);
  EvidenceClient ec(conn);
  v1::EvidenceUpload where = ec.Where(name);
  if (conn.json) {
    std::cout << ToJson(where) << "\n";
    return kExitOk;
  }
  int64_t percent = where.size_bytes() > 0 ? where.offset() * 100 / where.size_bytes() : 0;
  PrintFields(std::cout,
              {{"evidence 证据", where.name()},
               {"received 已接收", SizeText(where.offset()) + " / " + SizeText(where.size_bytes()) +
                                       " (" + std::to_string(percent) + "%)"},
               {"complete 完成", where.complete() ? "yes 已上传" : "no 未完成"},
               {"max chunk 单块上限", FormatBytes(where.max_chunk_bytes())}});
  if (!where.complete()) {
    std::cout << "\nnext: run the same `ecoctl evidence upload …` command again to resume "
                 "(重新运行同一命令即可续传), or give it up: `ecoctl evidence abandon "
              << where.name() << "`\n";
  }
  return kExitOk;
}

struct GetOptions {
  std::string name;
  std::string output;
  bool force = false;
};

// Streams the item's bytes to `output`.part, checks size and SHA-256, then renames. A .part
// left by a broken download is kept and continued from its end (续传); one that turns out
// not to be the item's bytes is deleted.
void Download(EvidenceClient& ec, const v1::Evidence& item, const std::string& output) {
  if (item.state() != v1::Evidence::STORED) {
    throw CommandError(kExitRpcError, item.name() + " is " + StateLabel(item.state()) +
                                          ": only a stored item can be downloaded");
  }
  const std::string part = output + ".part";
  Sha256 hash;
  int64_t written = 0;
  if (std::filesystem::exists(part)) {
    const auto kept = static_cast<int64_t>(std::filesystem::file_size(part));
    std::ifstream in(part, std::ios::binary);
    std::string buffer(size_t{1} << 20, '\0');
    while (kept <= item.size_bytes() && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      hash.Update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
    }
    if (kept <= item.size_bytes()) {
      written = kept;
    } else {
      hash.FinishHex();  // not this item's: start over
    }
  }
  std::ofstream out(part, std::ios::binary | (written > 0 ? std::ios::app : std::ios::trunc));
  if (!out) throw CommandError(kExitUsage, "cannot write " + part);
  if (written > 0) std::cerr << "从 " << SizeText(written) << " 处续传 " << item.name() << "\n";
  auto fail = [&](const std::string& why) {
    out.close();
    std::filesystem::remove(part);
    return CommandError(kExitRpcError, why);
  };
  v1::DownloadEvidenceRequest request;
  request.set_name(item.name());
  request.set_offset(written);
  grpc::ClientContext ctx;
  ec.PrepareStream(ctx, item.size_bytes() - written, kSlowestBytesPerSecond);
  auto reader = ec.evidence->DownloadEvidence(&ctx, request);
  Progress progress("下载 " + item.name(), written, item.size_bytes());
  v1::DownloadEvidenceResponse piece;
  while (reader->Read(&piece)) {
    if (piece.offset() != written) {
      ctx.TryCancel();
      reader->Finish();
      progress.Finish();
      throw fail("the server sent bytes at offset " + std::to_string(piece.offset()) +
                 ", expected " + std::to_string(written));
    }
    out.write(piece.data().data(), static_cast<std::streamsize>(piece.data().size()));
    hash.Update(piece.data());
    written += static_cast<int64_t>(piece.data().size());
    progress.Update(written);
  }
  grpc::Status s = reader->Finish();
  progress.Finish();
  out.close();
  if (!s.ok()) {
    // What arrived is kept for the next run, unless the server says the item is damaged.
    if (s.error_code() == grpc::StatusCode::DATA_LOSS) std::filesystem::remove(part);
    if (written > 0 && s.error_code() != grpc::StatusCode::DATA_LOSS) {
      std::cerr << "已保留 " << SizeText(written) << " 于 " << part
                << "；重新运行同一命令即可续传\n";
    }
    CheckEvidence(s);
  }
  if (!out) throw fail("cannot write " + part);
  std::string sha256 = hash.FinishHex();
  if (written != item.size_bytes() || sha256 != item.sha256()) {
    throw fail("the bytes received (" + SizeText(written) + ", sha256 " + sha256 +
               ") differ from the item's (" + SizeText(item.size_bytes()) + ", sha256 " +
               item.sha256() + "); nothing was written to " + output);
  }
  std::filesystem::rename(part, output);
  std::cerr << "已下载 " << item.name() << " → " << output << " (" << SizeText(written)
            << ", SHA-256 校验一致)\n";
}

int Get(const Connection& conn, const GetOptions& o) {
  std::string name = EvidenceName(o.name);
  if (!o.output.empty() && std::filesystem::exists(o.output) && !o.force) {
    throw CommandError(kExitUsage, o.output + " exists: give --force to overwrite it");
  }
  EvidenceClient ec(conn);
  v1::Evidence item = ec.Get(name);
  PrintEvidence(conn, item, "");
  if (!o.output.empty()) Download(ec, item, o.output);
  return kExitOk;
}

struct ListOptions {
  std::string parent;
  bool all = false;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& conn, const ListOptions& o) {
  v1::ListEvidenceRequest request;
  request.set_parent(ParentName(o.parent));
  request.set_include_incomplete(o.all);
  request.set_page_size(o.page_size > 0 ? o.page_size : 200);
  request.set_page_token(o.page_token);
  EvidenceClient ec(conn);
  auto all =
      ListPages<v1::ListEvidenceResponse>(ec.client, request, o.page_size > 0,
                                          [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
                                            return ec.evidence->ListEvidence(&ctx, r, page);
                                          });
  if (conn.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table(
      {"ID", "KIND 种类", "FILE 文件", "SIZE", "STATE", "CAPTURED 采集时间", "BY", "SHA256"});
  for (const v1::Evidence& e : all.evidence()) {
    table.AddRow({registry::LastSegment(e.name()), KindLabel(e.kind(), e.kind_label()),
                  Summary(e.file_name(), 30), FormatBytes(e.size_bytes()), StateLabel(e.state()),
                  FormatTime(e.capture_time()).substr(0, 16), BareUsername(e.uploaded_by()),
                  e.sha256().substr(0, 12) + "…"});
  }
  table.Print(std::cout);
  std::cout << all.evidence_size() << (all.evidence_size() == 1 ? " item\n" : " items\n");
  PrintNextPageHint(std::cout, o.page_size, all.next_page_token());
  return kExitOk;
}

struct AbandonOptions {
  std::string name;
  std::string request_id;
};

int Abandon(const Connection& conn, const AbandonOptions& o) {
  v1::AbandonEvidenceUploadRequest request;
  request.set_name(EvidenceName(o.name));
  request.set_request_id(RequestIdOrNew(o.request_id));
  EvidenceClient ec(conn);
  v1::Evidence item;
  CheckEvidence(ec.client.Call([&](grpc::ClientContext& ctx) {
    return ec.evidence->AbandonEvidenceUpload(&ctx, request, &item);
  }),
                request.request_id());
  PrintEvidence(conn, item, "已放弃 " + item.name() + " (abandoned; its bytes are deleted)");
  return kExitOk;
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, Context& ctx) {
  auto* evidence = app.add_subcommand(
      "evidence",
      "evidence (证据): upload files to a case, inspection record or task (resumable), see and "
      "download them. Times in Beijing time (UTC+8)");
  evidence->require_subcommand(1);

  auto upload = std::make_shared<UploadOptions>();
  auto* upload_cmd = evidence->add_subcommand(
      "upload",
      "upload a file as evidence: hashed (SHA-256), declared, then streamed in chunks; run the "
      "same command again after an interruption to resume (续传)");
  upload->cmd = upload_cmd;
  upload_cmd->add_option("file", upload->file, "the file")->required();
  upload_cmd
      ->add_option("--parent", upload->parent,
                   "what it belongs to: cases/N, "
                   "inspections/N or tasks/N")
      ->required();
  upload_cmd->add_option("--kind", upload->kind, "the kind of evidence (any case): " + KindHelp())
      ->required();
  upload_cmd
      ->add_option("--officer", upload->officers,
                   "a capturing officer (username), repeatable; default: you. ON_SITE_RECORD "
                   "and INSPECTION_TRANSCRIPT need two")
      ->allow_extra_args(false);
  upload_cmd->add_option("--device-id", upload->device_id,
                         "the capturing device's IMEI or serial number (default: ecoctl-HOST)");
  upload_cmd->add_option("--device-model", upload->device_model, "its model");
  auto* lat = upload_cmd->add_option("--lat", upload->lat, "where captured: latitude (WGS-84)")
                  ->check(CLI::Range(-90.0, 90.0));
  auto* lng = upload_cmd->add_option("--lng", upload->lng, "where captured: longitude (WGS-84)")
                  ->check(CLI::Range(-180.0, 180.0));
  lat->needs(lng);
  lng->needs(lat);
  upload_cmd
      ->add_option("--captured", upload->captured,
                   "when captured, YYYY-MM-DD HH:MM (Beijing) or UTC ending in Z; default: the "
                   "file's modification time")
      ->check(registry::TimeShape);
  upload_cmd->add_option("--description", upload->description, "what it shows, 0-1000 characters");
  upload_cmd->add_option("--media-type", upload->media_type,
                         "type/subtype (default from the extension, e.g. image/jpeg)");
  upload_cmd->add_option("--corrects", upload->corrects,
                         "evidence/N this item corrects (same parent)");
  upload_cmd
      ->add_option("--chunk-size", upload->chunk_size,
                   "bytes per chunk (default 1 MiB; at most the server's limit)")
      ->check(CLI::Range(int64_t{1}, int64_t{64} << 20));
  upload_cmd->add_option("--max-rate", upload->max_rate_kib, "at most this many KiB/s")
      ->check(CLI::PositiveNumber);
  // Hidden (no group): for tests, an interruption at a known point.
  upload_cmd->add_option("--stop-after", upload->stop_after)->group("")->check(CLI::PositiveNumber);
  registry::AddRequestIdFlag(upload_cmd, upload->request_id);
  OnRun(upload_cmd, ctx, upload, Upload);

  auto status_name = std::make_shared<std::string>();
  auto* status = evidence->add_subcommand(
      "status", "how much of an upload the server holds, and whether it is complete");
  status->add_option("name", *status_name, "evidence/N")->required();
  OnRun(status, ctx, status_name, UploadStatus);

  auto get = std::make_shared<GetOptions>();
  auto* get_cmd = evidence->add_subcommand(
      "get", "one item's metadata; with -o, download its bytes (checked against its SHA-256)");
  get_cmd->add_option("name", get->name, "evidence/N")->required();
  get_cmd->add_option("-o,--output", get->output,
                      "write the file here (via FILE.part, renamed once verified)");
  get_cmd->add_flag("--force", get->force, "overwrite an existing file");
  OnRun(get_cmd, ctx, get, Get);

  auto list = std::make_shared<ListOptions>();
  auto* list_cmd =
      evidence->add_subcommand("list",
                               "the items of a case, inspection record or task, oldest "
                               "first");
  list_cmd->add_option("--parent", list->parent, "cases/N, inspections/N or tasks/N")->required();
  list_cmd->add_flag("--all", list->all,
                     "also uploads in progress and abandoned ones (staff only)");
  AddPageFlags(list_cmd, list->page_size, list->page_token);
  OnRun(list_cmd, ctx, list, List);

  auto abandon = std::make_shared<AbandonOptions>();
  auto* abandon_cmd = evidence->add_subcommand(
      "abandon", "give up an unfinished upload (its bytes are deleted); a stored item stays");
  abandon_cmd->add_option("name", abandon->name, "evidence/N")->required();
  registry::AddRequestIdFlag(abandon_cmd, abandon->request_id);
  OnRun(abandon_cmd, ctx, abandon, Abandon);
}

}  // namespace ecoctl
