// hj212sim: HJ 212 monitoring stations (数采仪) talking to the ecocase HJ 212 gateway over
// TCP — the demo's live data, the fault tests' witness of what was acknowledged, and the
// ingest benchmark's load. See README.md.
#include <sys/resource.h>

#include <csignal>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <asio.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/regulatory_time.h"
#include "domain/hj212/cp_values.h"
#include "hj212sim/ack_log.h"
#include "hj212sim/driver.h"
#include "hj212sim/packet_builder.h"
#include "hj212sim/schedule.h"
#include "hj212sim/station.h"
#include "hj212sim/station_config.h"
#include "hj212sim/summary.h"
#include "hj212sim/value_model.h"
#include "security/sm4_decryptor.h"

namespace hj212sim {
namespace {

using ecocase::common::Log;
using ecocase::common::LogLevel;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // not everything acknowledged, or a runtime error
constexpr int kExitUsage = 64;

// The gateway's back-fill window is 90 days (domain/monitoring/reading.h).
constexpr absl::Duration kBackfillWindow = absl::Hours(24 * 90);

struct Flags {
  std::string server = "127.0.0.1:9212";
  std::vector<std::string> station_files;
  std::vector<std::string> station_specs;
  int count_stations = 0;
  std::string mn_prefix = "4108";
  std::string pw = "123456";
  std::string version = "2017";
  std::string kind = "air";
  std::string sm4_key;
  int interval_s = 30;
  int minute_interval = 0;
  bool hourly = true;
  bool daily = false;
  uint64_t seed = 1;
  double exceed_rate = 0;
  double bad_rate = 0;
  double outage_rate = 0;
  double outage_s = 120;
  int backfill_hours = 0;
  double ack_timeout_s = 10;
  int max_inflight = 16;
  double connect_timeout_s = 10;
  double reconnect_max_s = 30;
  std::string ack_log;
  int64_t packets = 0;
  double duration_s = 0;
  double drain_timeout_s = 30;
  bool closed_loop = false;
  std::string start_time;
  int readings_per_packet = 0;
  int idle_connections = 0;
  bool verbose = false;
};

void AddFlags(CLI::App& app, Flags& f) {
  const auto rate = CLI::Range(0.0, 1.0);
  app.add_option("--server", f.server, "HOST:PORT of the HJ 212 gateway")->capture_default_str();

  auto* stations = app.add_option_group("Stations");
  stations
      ->add_option("--stations", f.station_files,
                   "file of stations, one per line: MN PW VERSION [options]; '#' comments. "
                   "VERSION 2005|2017|2025; options: lenient, sm4=<32 hex digits> (2025), "
                   "kind=air|water, pollutants=a21026,a21002, codes=2005|2017, "
                   "exceed=a21026,a21002 (every value of these factors is an exceedance)")
      ->check(CLI::ExistingFile);
  stations->add_option("--station", f.station_specs,
                       "one station \"MN,PW,VERSION[,option...]\" (repeatable), options as in "
                       "--stations");
  stations
      ->add_option("--count-stations", f.count_stations,
                   "also generate N stations with MNs <mn-prefix>000001.. padded to the "
                   "version's MN length")
      ->check(CLI::NonNegativeNumber);
  stations->add_option("--mn-prefix", f.mn_prefix, "MN prefix of generated stations")
      ->capture_default_str();
  stations->add_option("--pw", f.pw, "PW of generated stations")->capture_default_str();
  stations->add_option("--version", f.version, "HJ 212 version of generated stations")
      ->check(CLI::IsMember({"2005", "2017", "2025"}))
      ->capture_default_str();
  stations->add_option("--kind", f.kind, "kind of generated stations (air: ST=31, water: ST=32)")
      ->check(CLI::IsMember({"air", "water"}))
      ->capture_default_str();
  stations->add_option("--sm4-key", f.sm4_key,
                       "SM4 key (32 hex digits) of generated 2025 stations: CP areas encrypted");

  auto* uploads = app.add_option_group("Uploads");
  uploads->add_option("--interval", f.interval_s, "seconds between real-time uploads (CN 2011)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  uploads
      ->add_option("--minute-interval", f.minute_interval,
                   "minutes per minute-data upload (CN 2051): 1 2 3 4 5 6 10 12 15 20 30; "
                   "0 = none")
      ->capture_default_str();
  uploads->add_option("--hourly", f.hourly, "hour data (CN 2061) at each Beijing hour: on|off")
      ->default_str("on");
  uploads->add_flag("--daily", f.daily, "day data (CN 2031) at each Beijing midnight");
  uploads->add_option("--seed", f.seed, "seed of values and faults (same seed, same run)")
      ->capture_default_str();
  uploads
      ->add_option("--exceed-rate", f.exceed_rate,
                   "probability that a pollutant value is an exceedance (3-5x its "
                   "baseline; pH leaves 6-9)")
      ->check(rate)
      ->capture_default_str();
  uploads
      ->add_option("--readings-per-packet", f.readings_per_packet,
                   "factors per packet: cut or extend each station's list (0 = as "
                   "listed; 8 in --closed-loop)")
      ->check(CLI::NonNegativeNumber);

  auto* faults = app.add_option_group("Faults");
  faults
      ->add_option("--bad-rate", f.bad_rate,
                   "probability that an upload is preceded by a damaged frame (wrong CRC or "
                   "unclosed CP) the gateway must not acknowledge")
      ->check(rate)
      ->capture_default_str();
  faults
      ->add_option("--outage-rate", f.outage_rate,
                   "probability per upload that the station then goes silent (closes its "
                   "connection) for --outage seconds and back-fills afterwards")
      ->check(rate)
      ->capture_default_str();
  faults->add_option("--outage", f.outage_s, "seconds of one outage")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  faults
      ->add_option("--backfill-hours", f.backfill_hours,
                   "at start, hour data of the last N hours as 补传 (RF=1 for 2025)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  auto* reliability = app.add_option_group("Reliability");
  reliability
      ->add_option("--ack-timeout", f.ack_timeout_s,
                   "seconds without a 9014 before an upload is re-sent unchanged")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  reliability
      ->add_option("--max-inflight", f.max_inflight, "unacknowledged uploads per station at most")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  reliability->add_option("--connect-timeout", f.connect_timeout_s, "seconds per connect attempt")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  reliability
      ->add_option("--reconnect-max", f.reconnect_max_s,
                   "longest reconnect backoff in seconds (starts at 0.5, doubles)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  reliability->add_option("--ack-log", f.ack_log,
                          "append \"MN CN DATATIME POLLUTANT\" per acknowledged reading, "
                          "flushed per packet");

  auto* run = app.add_option_group("Run");
  run->add_option("--packets", f.packets,
                  "each station makes N uploads, then waits for their 9014s; exit 0 only if "
                  "all were acknowledged")
      ->check(CLI::PositiveNumber);
  run->add_option("--duration", f.duration_s, "stop after this many seconds")
      ->check(CLI::PositiveNumber);
  run->add_option("--drain-timeout", f.drain_timeout_s,
                  "with --packets: seconds to wait for the last 9014s")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_flag("--closed-loop", f.closed_loop,
                "load mode: each station sends its next real-time upload as soon as the "
                "previous one is acknowledged, DataTime stepping 1 s per packet");
  run->add_option("--start-time", f.start_time,
                  "first DataTime of --closed-loop, YYYYMMDDhhmmss Beijing time (default: "
                  "now minus 30 days)");
  run->add_option("--idle-connections", f.idle_connections,
                  "only open N silent TCP connections and hold them (prints "
                  "{\"connected\":N} once all are up) until killed")
      ->check(CLI::PositiveNumber);
  run->add_flag("--verbose", f.verbose, "log every packet sent and acknowledged");
}

uint64_t StationSeed(uint64_t seed, absl::string_view mn) {
  uint64_t h = 1469598103934665603ull;
  for (char c : mn) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return seed ^ h;
}

absl::StatusOr<std::vector<StationConfig>> CollectStations(const Flags& f) {
  std::vector<StationConfig> all;
  for (const std::string& path : f.station_files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
    absl::StatusOr<std::vector<StationConfig>> stations = ParseStationsFile(text.str());
    if (!stations.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", stations.status().message()));
    }
    all.insert(all.end(), stations->begin(), stations->end());
  }
  for (const std::string& spec : f.station_specs) {
    absl::StatusOr<StationConfig> station = ParseStationSpec(spec);
    if (!station.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--station: ", station.status().message()));
    }
    all.push_back(*std::move(station));
  }
  if (f.count_stations > 0) {
    GeneratedStations spec;
    spec.count = f.count_stations;
    spec.mn_prefix = f.mn_prefix;
    spec.pw = f.pw;
    spec.version = *ParseVersion(f.version);
    spec.kind = *ParseStationKind(f.kind);
    if (!f.sm4_key.empty()) {
      spec.sm4 = ParseSm4Hex(f.sm4_key);
      if (!spec.sm4) return absl::InvalidArgumentError("--sm4-key needs 32 hex digits");
    }
    for (StationConfig& station : GenerateStations(spec)) {
      if (absl::Status s = ValidateStation(station); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("--count-stations: ", s.message()));
      }
      all.push_back(std::move(station));
    }
  }
  absl::flat_hash_set<std::string> seen;
  for (const StationConfig& station : all) {
    if (!seen.insert(station.mn).second) {
      return absl::InvalidArgumentError(absl::StrCat("MN ", station.mn, " is listed twice"));
    }
  }
  return all;
}

absl::StatusOr<asio::ip::tcp::endpoint> Resolve(asio::io_context& io, absl::string_view server) {
  const size_t colon = server.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError("--server must be HOST:PORT");
  }
  absl::string_view host = server.substr(0, colon);
  const std::string port(server.substr(colon + 1));
  host = absl::StripSuffix(absl::StripPrefix(host, "["), "]");  // [::1]:9212
  asio::ip::tcp::resolver resolver(io);
  asio::error_code ec;
  auto results = resolver.resolve(std::string(host), port, ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve ", server, ": ", ec ? ec.message() : "no address"));
  }
  return results.begin()->endpoint();
}

// Many stations or idle connections need many descriptors: take what the hard limit allows.
absl::Status RaiseFileLimit(size_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return absl::OkStatus();
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && needed > limit.rlim_cur) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "need about ", needed, " file descriptors, RLIMIT_NOFILE allows ", limit.rlim_cur));
  }
  return absl::OkStatus();
}

// A sample of each enabled upload, so that a station whose packets cannot be built (too
// many factors for one CP area) is refused before anything is sent.
absl::Status CheckBuildable(const PacketBuilder& builder, const StationOptions& options,
                            absl::Time now) {
  const absl::Time hour = absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 3600 * 3600);
  std::vector<DueUpload> samples = {{UploadKind::kRealtime, hour, absl::ZeroDuration(), hour}};
  if (options.schedule.minute_interval > 0) {
    samples.push_back(
        {UploadKind::kMinute, hour, absl::Minutes(options.schedule.minute_interval), hour});
  }
  if (options.schedule.hourly || options.backfill_hours > 0) {
    samples.push_back({UploadKind::kHour, hour, absl::Hours(1), hour});
  }
  if (options.schedule.daily) samples.push_back({UploadKind::kDay, hour, absl::Hours(24), hour});
  for (const DueUpload& due : samples) {
    absl::StatusOr<Upload> upload = builder.Build(due, "20260101000000000", /*backfill=*/true);
    if (!upload.ok()) return upload.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<StationOptions> MakeStationOptions(const Flags& f, absl::Time now) {
  StationOptions o;
  o.schedule.realtime_interval = absl::Seconds(f.interval_s);
  o.schedule.minute_interval = f.minute_interval;
  o.schedule.hourly = f.hourly;
  o.schedule.daily = f.daily;
  if (f.minute_interval != 0 && !ValidMinuteInterval(f.minute_interval)) {
    return absl::InvalidArgumentError(
        "--minute-interval must be one of 1 2 3 4 5 6 10 12 15 20 30 (HJ 212 Table 4)");
  }
  o.closed_loop = f.closed_loop;
  if (f.closed_loop) {
    if (f.backfill_hours > 0 || f.minute_interval > 0 || f.daily) {
      return absl::InvalidArgumentError(
          "--closed-loop sends real-time data only: drop --backfill-hours, "
          "--minute-interval and --daily");
    }
    o.closed_loop_start = now - absl::Hours(24 * 30);
    if (!f.start_time.empty()) {
      std::optional<absl::CivilSecond> start = hj212::ParseHjTime(f.start_time, false);
      if (!start) return absl::InvalidArgumentError("--start-time must be YYYYMMDDhhmmss");
      o.closed_loop_start = ecocase::common::FromRegulatory(*start);
    }
    if (o.closed_loop_start > now) {
      return absl::InvalidArgumentError("--start-time is in the future");
    }
    if (o.closed_loop_start < now - kBackfillWindow + absl::Hours(24)) {
      Log(LogLevel::kWarning, "start_time_near_backfill_window")
          .Str("start_time", f.start_time)
          .Int("window_days", 90);
    }
  } else if (!f.start_time.empty()) {
    return absl::InvalidArgumentError("--start-time is for --closed-loop");
  }
  o.packets = f.packets;
  o.backfill_hours = f.backfill_hours;
  o.ack_timeout = absl::Seconds(f.ack_timeout_s);
  o.max_inflight = static_cast<size_t>(f.max_inflight);
  o.bad_rate = f.bad_rate;
  o.outage_rate = f.outage_rate;
  o.outage = absl::Seconds(f.outage_s);
  return o;
}

int RunIdle(const Flags& f) {
  if (absl::Status s = RaiseFileLimit(static_cast<size_t>(f.idle_connections) + 64); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return kExitFailure;
  }
  asio::io_context io;
  absl::StatusOr<asio::ip::tcp::endpoint> server = Resolve(io, f.server);
  if (!server.ok()) {
    std::cerr << "error: " << server.status().message() << "\n";
    return kExitUsage;
  }
  IdleConnections idle(io, *server, f.idle_connections);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&idle](const asio::error_code& ec, int) {
    if (!ec) idle.Stop();
  });
  Log(LogLevel::kInfo, "idle_started")
      .Str("server", f.server)
      .Int("connections", f.idle_connections);
  idle.Start();
  io.run();
  return kExitOk;
}

int RunStations(const Flags& f) {
  const absl::Time now = absl::Now();
  absl::StatusOr<std::vector<StationConfig>> configs = CollectStations(f);
  if (!configs.ok()) {
    std::cerr << "error: " << configs.status().message() << "\n";
    return kExitUsage;
  }
  if (configs->empty()) {
    std::cerr << "error: no stations: give --stations, --station or --count-stations\n";
    return kExitUsage;
  }
  absl::StatusOr<StationOptions> options = MakeStationOptions(f, now);
  if (!options.ok()) {
    std::cerr << "error: " << options.status().message() << "\n";
    return kExitUsage;
  }
  const int readings_per_packet =
      f.readings_per_packet > 0 ? f.readings_per_packet : (f.closed_loop ? 8 : 0);

  const ValueModel values(f.seed, f.exceed_rate);
  const ecocase::security::Sm4CpDecryptor cipher;
  std::vector<std::unique_ptr<Station>> stations;
  for (const StationConfig& config : *configs) {
    absl::StatusOr<std::vector<const Factor*>> factors =
        ResolveFactors(config, readings_per_packet);
    if (!factors.ok()) {
      std::cerr << "error: MN " << config.mn << ": " << factors.status().message() << "\n";
      return kExitUsage;
    }
    PacketBuilder builder(config, *std::move(factors), values, &cipher);
    if (absl::Status s = CheckBuildable(builder, *options, now); !s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return kExitUsage;
    }
    stations.push_back(
        std::make_unique<Station>(std::move(builder), *options, StationSeed(f.seed, config.mn)));
  }

  if (absl::Status s = RaiseFileLimit(stations.size() + 64); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return kExitFailure;
  }
  std::unique_ptr<AckLog> ack_log;
  if (!f.ack_log.empty()) {
    absl::StatusOr<std::unique_ptr<AckLog>> opened = AckLog::Open(f.ack_log);
    if (!opened.ok()) {
      std::cerr << "error: " << opened.status().message() << "\n";
      return kExitFailure;
    }
    ack_log = *std::move(opened);
  }

  asio::io_context io;
  absl::StatusOr<asio::ip::tcp::endpoint> server = Resolve(io, f.server);
  if (!server.ok()) {
    std::cerr << "error: " << server.status().message() << "\n";
    return kExitUsage;
  }
  DriverOptions driver;
  driver.connect_timeout = absl::Seconds(f.connect_timeout_s);
  driver.reconnect_max = absl::Seconds(f.reconnect_max_s);
  if (f.duration_s > 0) driver.duration = absl::Seconds(f.duration_s);
  driver.packets_mode = f.packets > 0;
  driver.drain_timeout = absl::Seconds(f.drain_timeout_s);
  driver.verbose = f.verbose;
  driver.seed = f.seed;

  const size_t count = stations.size();
  Simulator simulator(io, *server, driver, std::move(stations), ack_log.get());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&simulator](const asio::error_code& ec, int signal) {
    if (!ec) simulator.Stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
  Log(LogLevel::kInfo, "started")
      .Str("server", f.server)
      .Int("stations", static_cast<int64_t>(count))
      .Str("mode", f.closed_loop ? "closed_loop" : "scheduled")
      .Int("packets", f.packets);
  simulator.Start();
  io.run();

  std::cout << SummaryJson(simulator.Summary()) << std::endl;
  return simulator.Succeeded() ? kExitOk : kExitFailure;
}

}  // namespace
}  // namespace hj212sim

int main(int argc, char** argv) {
  using namespace hj212sim;
  CLI::App app{
      "hj212sim — HJ 212 (2005/2017/2025) monitoring-station simulator for the ecocase "
      "gateway (数采仪模拟器)\n"
      "Each station keeps one TCP connection, uploads real-time/minute/hour/day data, keeps "
      "every upload until its 9014 arrives and re-sends it unchanged after --ack-timeout "
      "and after every reconnect. A JSON summary goes to stdout at exit; logs (JSON lines) "
      "to stderr.\n"
      "exit codes: 0 ok (with --packets: every upload acknowledged), 1 not all acknowledged "
      "or a runtime error, 64 usage"};
  Flags flags;
  AddFlags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  ecocase::common::SetMinLogLevel(flags.verbose ? LogLevel::kDebug : LogLevel::kInfo);
  return flags.idle_connections > 0 ? RunIdle(flags) : RunStations(flags);
}
