// bench_ingest_sql: G4 side B. Writes, as multi-row INSERT statements for the mariadb CLI,
// the rows bench_ingest_client would send with the same plan: streams take turns, one
// statement per batch, each statement its own autocommit transaction (as each of the
// server's batches is one transaction). The target is a copy of the reading table
// (CREATE TABLE bench_reading LIKE reading).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench_readings.h"

namespace {

using ecocase::bench::ReadingPlan;

struct Flags {
  std::string mn_prefix = "4108A0";
  int devices = 4;
  int streams = 4;
  std::string outlet_ids;
  int64_t base_unix = 0;
  int round = 0;
  int64_t rows = 100000;
  int rows_per_statement = 1000;
  std::string table = "bench_reading";
  std::string out = "-";
};

// Column order of V004's reading table.
constexpr absl::string_view kColumns =
    "(mn, pollutant, kind, data_time, outlet_id, value, min_value, max_value, cou, zs_value, "
    "flag, backfilled, source, receive_time)";
constexpr int kKindRealtime = 1;
constexpr int kSourceGrpc = 2;

int Run(const Flags& f) {
  std::vector<int64_t> outlet_ids;
  for (absl::string_view id : absl::StrSplit(f.outlet_ids, ',', absl::SkipEmpty())) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(id, &value)) {
      std::fprintf(stderr, "bench_ingest_sql: bad outlet id %s\n", std::string(id).c_str());
      return 64;
    }
    outlet_ids.push_back(value);
  }
  if (static_cast<int>(outlet_ids.size()) != f.devices || f.streams > f.devices) {
    std::fprintf(stderr,
                 "bench_ingest_sql: give one --outlet-ids entry per device, and no more "
                 "--streams than --devices\n");
    return 64;
  }
  ReadingPlan plan;
  plan.mn_prefix = f.mn_prefix;
  plan.devices = f.devices;
  plan.base = absl::FromUnixSeconds(f.base_unix);
  plan.readings_per_batch = f.rows_per_statement;

  std::ofstream file;
  if (f.out != "-") file.open(f.out, std::ios::trunc);
  std::ostream& out = f.out == "-" ? std::cout : file;
  const std::string receive_time =
      absl::FormatTime("%Y-%m-%d %H:%M:%E6S", absl::Now(), absl::UTCTimeZone());
  const int64_t statements = (f.rows + f.rows_per_statement - 1) / f.rows_per_statement;
  if (statements / f.streams + 1 > ecocase::bench::BatchesPerRound(plan)) {
    std::fprintf(stderr, "bench_ingest_sql: --rows exceed one round's data-time span\n");
    return 64;
  }
  std::string sql;
  for (int64_t s = 0; s < statements; ++s) {
    const int stream = static_cast<int>(s % f.streams);
    const int64_t batch = s / f.streams;
    const int64_t outlet_id = outlet_ids[static_cast<size_t>(stream)];
    sql = absl::StrCat("INSERT INTO ", f.table, " ", kColumns, " VALUES ");
    bool first = true;
    for (const auto& r : ecocase::bench::Batch(plan, f.round, stream, batch)) {
      absl::StrAppend(&sql, first ? "" : ",", "('", r.mn, "','", r.pollutant, "',",
                      kKindRealtime, ",'",
                      absl::FormatTime("%Y-%m-%d %H:%M:%S", r.data_time, absl::UTCTimeZone()),
                      "',", outlet_id, ",", absl::StrFormat("%.1f", r.value),
                      ",NULL,NULL,NULL,NULL,'N',0,", kSourceGrpc, ",'", receive_time, "')");
      first = false;
    }
    sql.append(";\n");
    out << sql;
  }
  out.flush();
  if (!out) {
    std::fprintf(stderr, "bench_ingest_sql: cannot write %s\n", f.out.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_ingest_sql — G4 baseline: the benchmark's rows as multi-row INSERTs"};
  Flags f;
  app.add_option("--mn-prefix", f.mn_prefix, "MN prefix of the devices (bench_setup)")
      ->capture_default_str();
  app.add_option("--devices", f.devices, "devices")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--streams", f.streams, "client threads of the gRPC side, taking turns here")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--outlet-ids", f.outlet_ids,
                 "outlet id of device 1, 2, ... (comma separated), as stored in device.outlet_id")
      ->required();
  app.add_option("--base-unix", f.base_unix,
                 "first data time (Unix seconds) of round 0; rounds follow a day apart")
      ->required();
  app.add_option("--round", f.round, "round number: which day of data times to write")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--rows", f.rows, "rows in all (rounded up to whole statements)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--rows-per-statement", f.rows_per_statement, "rows in one INSERT")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  app.add_option("--table", f.table, "target table")->capture_default_str();
  app.add_option("--out", f.out, "output file; - for stdout")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(f);
}
