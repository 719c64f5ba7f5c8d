// readings list | ingest: online monitoring readings (在线监测数据) through MonitoringService.
// list reads one outlet's raw readings; ingest sends a CSV file the way a gRPC collector
// (a STATION account) would, in batches.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "config_store.h"
#include "ecocase/v1/monitoring.grpc.pb.h"
#include "output.h"
#include "registry.h"

namespace ecoctl {
namespace {

namespace v1 = ::ecocase::v1;
using registry::FactorLabel;
using registry::FormatNumber;
using registry::ParseShanghaiTime;

// IngestReadings takes at most 5000; 1000 keeps each call small enough to retry.
constexpr int kIngestBatch = 1000;

const std::vector<std::pair<std::string, v1::ReadingKind>>& KindNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ReadingKind>>{
      {"realtime", v1::READING_KIND_REALTIME},
      {"minute", v1::READING_KIND_MINUTE},
      {"hour", v1::READING_KIND_HOUR},
      {"day", v1::READING_KIND_DAY},
  };
  return *names;
}

std::string KindName(v1::ReadingKind kind) {
  for (const auto& [name, value] : KindNames()) {
    if (value == kind) return name;
  }
  return "?";
}

// A kind by its name or by the HJ 212 upload command that carries it (2011, 2051, 2061,
// 2031); READING_KIND_UNSPECIFIED for anything else.
v1::ReadingKind KindFromText(const std::string& text) {
  for (const auto& [name, value] : KindNames()) {
    if (name == text) return value;
  }
  if (text == "2011") return v1::READING_KIND_REALTIME;
  if (text == "2051") return v1::READING_KIND_MINUTE;
  if (text == "2061") return v1::READING_KIND_HOUR;
  if (text == "2031") return v1::READING_KIND_DAY;
  return v1::READING_KIND_UNSPECIFIED;
}

// `enterprises/{uscc}/outlets/{code}`, also from the shorthand USCC/CODE.
std::string OutletArgument(const std::string& text) {
  if (text.rfind("enterprises/", 0) == 0) return text;
  size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw CommandError(kExitUsage, "--outlet '" + text +
                                       "': expected enterprises/USCC/outlets/CODE or USCC/CODE");
  }
  return registry::OutletName(text.substr(0, slash), text.substr(slash + 1));
}

// "2026-11-29 08:00:00": Beijing time, the zone said once in the column header.
std::string BeijingTime(const google::protobuf::Timestamp& t) {
  std::string text = FormatTime(t);
  return text.size() > 19 ? text.substr(0, 19) : text;
}

std::string Optional(bool has, double value) { return has ? FormatNumber(value) : ""; }

// --- list ---------------------------------------------------------------------------------

struct ListOptions {
  std::string outlet;
  std::string pollutant;
  std::string kind;
  std::string from;
  std::string to;
  int page_size = 0;
  std::string page_token;
};

int List(const Connection& c, const ListOptions& o) {
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto monitoring = v1::MonitoringService::NewStub(MakeChannel(c));
  v1::ListReadingsRequest request;
  request.set_outlet(OutletArgument(o.outlet));
  request.set_pollutant(o.pollutant);
  if (!o.kind.empty()) request.set_kind(KindFromText(o.kind));
  if (!o.from.empty()) *request.mutable_start_time() = ParseShanghaiTime(o.from, "--from");
  if (!o.to.empty()) *request.mutable_end_time() = ParseShanghaiTime(o.to, "--to");
  request.set_page_size(o.page_size);
  request.set_page_token(o.page_token);
  auto all = ListPages<v1::ListReadingsResponse>(
      client, request, o.page_size > 0, [&](grpc::ClientContext& ctx, const auto& r, auto* page) {
        return monitoring->ListReadings(&ctx, r, page);
      });
  if (c.json) {
    std::cout << ToJson(all) << "\n";
    return kExitOk;
  }
  Table table({"DATA TIME (+08:00)", "POLLUTANT", "KIND", "VALUE", "MIN", "MAX", "CONVERTED",
               "COU", "FLAG", "MN", "SOURCE"});
  for (const v1::Reading& r : all.readings()) {
    std::string flag = r.flag().empty() ? "N" : r.flag();
    if (r.backfilled()) flag += " 补传";
    table.AddRow({BeijingTime(r.data_time()), FactorLabel(r.pollutant()), KindName(r.kind()),
                  Optional(r.has_value(), r.value()), Optional(r.has_min_value(), r.min_value()),
                  Optional(r.has_max_value(), r.max_value()),
                  Optional(r.has_converted_value(), r.converted_value()),
                  Optional(r.has_cou(), r.cou()), flag, r.mn(), r.source()});
  }
  table.Print(std::cout);
  std::cout << all.readings_size() << (all.readings_size() == 1 ? " reading\n" : " readings\n");
  if (!all.next_page_token().empty()) {
    // The token is bound to the query: the next page needs the same filters.
    std::cout << "more: ecoctl readings list --outlet " << request.outlet();
    if (!o.pollutant.empty()) std::cout << " --pollutant " << o.pollutant;
    if (!o.kind.empty()) std::cout << " --kind " << o.kind;
    if (!o.from.empty()) std::cout << " --from " << o.from;
    if (!o.to.empty()) std::cout << " --to " << o.to;
    std::cout << " --page-size " << o.page_size << " --page-token " << all.next_page_token()
              << "\n";
  }
  return kExitOk;
}

// --- ingest -------------------------------------------------------------------------------

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    fields.push_back(Trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

// A reading file: mn,pollutant,kind,data_time,value,flag per line; an optional header
// line starting with `mn`, blank lines and `#` comments are skipped. Every line is checked
// before anything is sent, so a malformed file stores nothing. `lines` gets each
// reading's line number.
std::vector<v1::Reading> ReadCsv(const std::string& path, std::vector<int>& lines) {
  std::ifstream in(path);
  if (!in) throw CommandError(kExitUsage, "--file " + path + ": cannot open it");
  std::vector<v1::Reading> readings;
  std::string line;
  int number = 0;
  bool seen_data = false;
  auto bad = [&](const std::string& why) {
    return CommandError(kExitUsage, path + " line " + std::to_string(number) + ": " + why +
                                        " (columns: mn,pollutant,kind,data_time,value,flag)");
  };
  while (std::getline(in, line)) {
    ++number;
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    std::vector<std::string> f = SplitCsv(trimmed);
    bool first = !seen_data;
    seen_data = true;
    if (first && (f[0] == "mn" || f[0] == "MN")) continue;  // The header line.
    if (f.size() < 4 || f.size() > 6) throw bad("expected 4 to 6 columns");
    v1::Reading r;
    r.set_mn(f[0]);
    r.set_pollutant(f[1]);
    v1::ReadingKind kind = KindFromText(f[2]);
    if (kind == v1::READING_KIND_UNSPECIFIED) {
      throw bad("kind '" + f[2] +
                "' is not realtime, minute, hour or day (or 2011, 2051, 2061, 2031)");
    }
    r.set_kind(kind);
    try {
      *r.mutable_data_time() = ParseShanghaiTime(f[3], "data_time");
    } catch (const CommandError& e) {
      throw bad(e.what());
    }
    if (f.size() > 4 && !f[4].empty()) {
      size_t used = 0;
      double value = 0;
      try {
        value = std::stod(f[4], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != f[4].size()) throw bad("value '" + f[4] + "' is not a number");
      r.set_value(value);
    }
    if (f.size() > 5) r.set_flag(f[5]);
    readings.push_back(std::move(r));
    lines.push_back(number);
  }
  return readings;
}

struct IngestOptions {
  std::string file;
};

int Ingest(const Connection& c, const IngestOptions& o) {
  std::vector<int> lines;
  std::vector<v1::Reading> readings = ReadCsv(o.file, lines);
  if (readings.empty()) {
    throw CommandError(kExitUsage, "--file " + o.file + ": no readings in it");
  }
  ConfigStore store = ConfigStore::FromEnvironment();
  AuthenticatedClient client(c, store);
  auto monitoring = v1::MonitoringService::NewStub(MakeChannel(c));
  // One response for the whole file, rejections indexed over it.
  v1::IngestReadingsResponse total;
  for (size_t first = 0; first < readings.size(); first += kIngestBatch) {
    size_t end = std::min(readings.size(), first + kIngestBatch);
    v1::IngestReadingsRequest request;
    for (size_t i = first; i < end; ++i) *request.add_readings() = readings[i];
    v1::IngestReadingsResponse response;
    grpc::Status s = client.Call([&](grpc::ClientContext& ctx) {
      return monitoring->IngestReadings(&ctx, request, &response);
    });
    if (!s.ok()) {
      std::string hint =
          first == 0 ? "Nothing was stored."
                     : "The readings before line " + std::to_string(lines[first]) +
                           " were stored. Sending the whole file again is safe: a reading "
                           "already stored is accepted again and changes nothing.";
      throw RpcError(s, hint);
    }
    total.set_accepted_count(total.accepted_count() + response.accepted_count());
    for (v1::ReadingRejection rejection : response.rejections()) {
      rejection.set_index(rejection.index() + static_cast<int>(first));
      *total.add_rejections() = std::move(rejection);
    }
  }
  if (c.json) {
    std::cout << ToJson(total) << "\n";
  } else {
    std::cout << "accepted " << total.accepted_count() << ", rejected "
              << total.rejections_size() << " of " << readings.size() << " readings\n";
    if (total.rejections_size() > 0) {
      Table table({"LINE", "MN", "POLLUTANT", "REASON", "DETAIL"});
      for (const v1::ReadingRejection& r : total.rejections()) {
        bool known = r.index() >= 0 && static_cast<size_t>(r.index()) < readings.size();
        table.AddRow({known ? std::to_string(lines[r.index()]) : "?",
                      known ? readings[r.index()].mn() : "", r.pollutant(), r.reason(),
                      r.detail()});
      }
      table.Print(std::cout);
    }
  }
  // Scripts notice a partial ingest by the exit code.
  return total.rejections_size() == 0 ? kExitOk : kExitRpcError;
}

}  // namespace

void AddReadingCommands(CLI::App& app, Context& ctx) {
  auto* readings = app.add_subcommand(
      "readings", "online monitoring readings (在线监测数据): list an outlet's, ingest a file");
  readings->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  auto* list = readings->add_subcommand(
      "list",
      "raw readings of one outlet by data time, shown in Beijing time (UTC+8); staff in "
      "their scope, an enterprise its own. Without --page-size every page: narrow long "
      "series with --from/--to");
  list->add_option("--outlet", list_options->outlet,
                   "enterprises/USCC/outlets/CODE (or USCC/CODE)")
      ->required();
  list->add_option("--pollutant", list_options->pollutant, "only this HJ 212 factor, e.g. a21026");
  list->add_option("--kind", list_options->kind, "only this kind: realtime, minute, hour, day")
      ->check(CLI::IsMember(registry::Keys(KindNames())));
  list->add_option("--from", list_options->from,
                   "data time at or after, Beijing time: 2026-11-29T08:00 or 2026-11-29 (a "
                   "trailing Z means UTC)")
      ->check(registry::TimeShape);
  list->add_option("--to", list_options->to, "data time before, same forms as --from")
      ->check(registry::TimeShape);
  AddPageFlags(list, list_options->page_size, list_options->page_token);
  list->callback([&ctx, list_options] {
    ctx.run = [&ctx, list_options] { return List(ctx.connection, *list_options); };
  });

  auto ingest_options = std::make_shared<IngestOptions>();
  auto* ingest = readings->add_subcommand(
      "ingest",
      "send readings from a CSV file (STATION accounts, for their own devices), 1000 per "
      "call; prints the accepted and each rejected reading and exits 1 if any was rejected. "
      "Resending is safe: a stored reading is accepted again and changes nothing");
  ingest->add_option("--file", ingest_options->file,
                     "CSV: mn,pollutant,kind,data_time,value,flag — kind realtime|minute|hour|"
                     "day, data_time in Beijing time (2026-11-29T08:00[:00], or UTC ending in "
                     "Z), flag optional (N); an optional header line, # comments")
      ->required();
  ingest->callback([&ctx, ingest_options] {
    ctx.run = [&ctx, ingest_options] { return Ingest(ctx.connection, *ingest_options); };
  });
}

}  // namespace ecoctl
