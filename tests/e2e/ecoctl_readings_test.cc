// Online monitoring with the real server and the real ecoctl over TLS: devices bound with
// their HJ 212 protocol profiles, a STATION account scoped to its devices ingesting a CSV
// file, and staff reading the outlet's readings back in Beijing time, page by page.
#include <map>
#include <regex>
#include <set>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUscc[] = "91410800MA44TE5T0P";
constexpr char kMn[] = "DE0000000000410803031001";  // Strict 2017: 24 upper-case hex digits.
constexpr char kStationPassword[] = "e2e-station-Passw0rd";

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Occurrences of `needle` in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class EcoctlReadingsTest : public EcoctlTest {
 protected:
  // admin signs in and registers the enterprise with outlet DA001 (SO2, NOx).
  void SetUpRegistry() {
    Login("admin", "admin", kAdminPassword);
    Result ent = Ecoctl("admin", {"enterprises", "create", "--uscc", kUscc, "--name",
                                  "焦作示范化工有限公司", "--address", "焦作市中站区示范化工园区1号",
                                  "--district", "410803", "--industry", "C2614", "--class",
                                  "key"});
    ASSERT_EQ(ent.code, 0) << ent.output;
    Result da = Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA001", "--name",
                                 "1号工艺加热炉烟囱", "--pollutants", "a21026,a21002"});
    ASSERT_EQ(da.code, 0) << da.output;
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = base_dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // Yesterday in Beijing at `hour`:00, as "YYYY-MM-DDTHH:MM" (within the server's
  // backfill window and never in the future).
  static std::string YesterdayAt(int hour) {
    absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
    absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), beijing) - 1;
    absl::CivilHour at(yesterday.year(), yesterday.month(), yesterday.day(), hour);
    return absl::FormatCivilTime(at).substr(0, 13) + ":00";
  }
};

TEST_F(EcoctlReadingsTest, DevicesAreBoundWithTheirProtocolAndTheKeyIsNeverShown) {
  SetUpRegistry();
  ASSERT_EQ(Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA002", "--name", "2号",
                             "--pollutants", "a21026"})
                .code,
            0);
  ASSERT_EQ(Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA003", "--name", "3号",
                             "--pollutants", "a21026"})
                .code,
            0);

  // Default: 2017 strict, and a generated PW of the 6 characters strict devices send.
  Result plain = Ecoctl("admin", {"devices", "bind", kUscc, "DA001", "--mn", kMn});
  ASSERT_EQ(plain.code, 0) << plain.output;
  EXPECT_THAT(plain.output, HasSubstr("HJ 212-2017, strict"));
  EXPECT_EQ(Capture(plain.output, "device password \\(HJ 212 PW\\) +(\\S+)\n").size(), 6u)
      << plain.output;

  // A legacy 2005 device, lenient.
  Result legacy = Ecoctl("admin", {"devices", "bind", kUscc, "DA002", "--mn", "DM410803031002",
                                   "--protocol", "2005", "--lenient", "--password-stdin"},
                         "legacy-pw-01");
  ASSERT_EQ(legacy.code, 0) << legacy.output;
  EXPECT_THAT(legacy.output, HasSubstr("HJ/T 212-2005, lenient"));

  // 2025 with SM4 required: the key from a file, never echoed.
  const std::string key = "0123456789ABCDEFFEDCBA9876543210";
  std::string key_file = WriteFile("sm4.key", key + "\n");
  Result sealed = Ecoctl("admin", {"devices", "bind", kUscc, "DA003", "--mn",
                                   "DE0000000000410803031003", "--protocol", "2025",
                                   "--encryption", "required", "--sm4-key-file", key_file,
                                   "--password-stdin"},
                         "123456");
  ASSERT_EQ(sealed.code, 0) << sealed.output;
  EXPECT_THAT(sealed.output, HasSubstr("HJ 212-2025, strict, SM4 encryption required"));
  EXPECT_THAT(sealed.output, Not(HasSubstr(key)));

  Result outlets = Ecoctl("admin", {"outlets", "list", kUscc});
  ASSERT_EQ(outlets.code, 0) << outlets.output;
  EXPECT_THAT(outlets.output, HasSubstr(std::string(kMn) + " (2017)"));
  EXPECT_THAT(outlets.output, HasSubstr("DM410803031002 (2005 lenient)"));
  EXPECT_THAT(outlets.output, HasSubstr("DE0000000000410803031003 (2025 SM4 required)"));
  Result json = Ecoctl("admin", {"--json", "outlets", "get", kUscc, "DA003"});
  ASSERT_EQ(json.code, 0) << json.output;
  EXPECT_THAT(json.output, HasSubstr("\"encryption\":\"ENCRYPTION_REQUIRED\""));
  EXPECT_THAT(json.output, Not(HasSubstr("sm4Key")));
  EXPECT_THAT(json.output, Not(HasSubstr(key)));

  // Encryption before 2025 is refused, naming the field; the key from stdin after the PW.
  ASSERT_EQ(Ecoctl("admin", {"outlets", "create", kUscc, "--code", "DA004", "--name", "4号",
                             "--pollutants", "a21026"})
                .code,
            0);
  Result refused = Ecoctl("admin", {"devices", "bind", kUscc, "DA004", "--mn",
                                    "DE0000000000410803031004", "--encryption", "optional",
                                    "--password-stdin", "--sm4-key-stdin"},
                          "123456\n" + key);
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("protocol.encryption"));
  EXPECT_THAT(refused.output, Not(HasSubstr(key)));
  Result from_stdin = Ecoctl("admin", {"devices", "bind", kUscc, "DA004", "--mn",
                                       "DE0000000000410803031004", "--protocol", "2025",
                                       "--encryption", "optional", "--password-stdin",
                                       "--sm4-key-stdin"},
                             "123456\nSm4-Demo-Key-016");
  ASSERT_EQ(from_stdin.code, 0) << from_stdin.output;
  EXPECT_THAT(from_stdin.output, HasSubstr("SM4 encryption optional"));
  EXPECT_EQ(schema_->QueryString(
                "SELECT sm4_keys FROM device WHERE mn = 'DE0000000000410803031004'"),
            "536d342d44656d6f2d4b65792d303136");
}

TEST_F(EcoctlReadingsTest, StationIngestsACsvAndStaffReadItInBeijingTime) {
  SetUpRegistry();
  Result bind = Ecoctl("admin", {"devices", "bind", kUscc, "DA001", "--mn", kMn, "--protocol",
                                 "2017", "--password-stdin"},
                       "123456");
  ASSERT_EQ(bind.code, 0) << bind.output;
  Result station = Ecoctl("admin", {"users", "create", "--username", "station1", "--display-name",
                                    "中站区数采汇聚", "--role", "station", "--district", "410803",
                                    "--device", kMn, "--password-stdin"},
                          kStationPassword);
  ASSERT_EQ(station.code, 0) << station.output;
  EXPECT_THAT(station.output, HasSubstr(std::string(kMn) + " (1 device)"));
  Result listed = Ecoctl("admin", {"users", "list", "--role", "station"});
  EXPECT_THAT(listed.output, HasSubstr(std::string("410803; MN ") + kMn)) << listed.output;

  // Four readings of the station's device and one of a device that is not its own.
  std::string csv = "mn,pollutant,kind,data_time,value,flag\n";
  for (const auto& [hour, value] : {std::pair{8, "12.5"}, {9, "13"}, {10, "14.25"}}) {
    csv += std::string(kMn) + ",a21026,hour," + YesterdayAt(hour) + "," + value + ",N\n";
  }
  csv += std::string(kMn) + ",a21002,hour," + YesterdayAt(8) + ",40\n";
  csv += "FFFFFFFFFFFFFFFFFFFFFFFF,a21026,hour," + YesterdayAt(8) + ",1,N\n";
  std::string file = WriteFile("readings.csv", csv);

  Login("station", "station1", kStationPassword);
  Result ingest = Ecoctl("station", {"readings", "ingest", "--file", file});
  EXPECT_EQ(ingest.code, 1) << ingest.output;  // One was rejected.
  EXPECT_THAT(ingest.output, HasSubstr("accepted 4, rejected 1 of 5 readings"));
  std::string rejected = LineWith(ingest.output, "UNKNOWN_DEVICE");
  EXPECT_THAT(rejected, ::testing::StartsWith("6 ")) << ingest.output;  // Its line in the file.
  // Sending it again stores nothing twice.
  Result again = Ecoctl("station", {"readings", "ingest", "--file", file});
  EXPECT_THAT(again.output, HasSubstr("accepted 4, rejected 1 of 5 readings"));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM reading"), 4);

  // Staff read them back; data times in Beijing time as they were written.
  std::string day = YesterdayAt(8).substr(0, 10);
  Result so2 = Ecoctl("admin", {"readings", "list", "--outlet", std::string(kUscc) + "/DA001",
                                "--pollutant", "a21026", "--kind", "hour"});
  ASSERT_EQ(so2.code, 0) << so2.output;
  EXPECT_THAT(so2.output, HasSubstr("DATA TIME (+08:00)"));
  EXPECT_THAT(LineWith(so2.output, day + " 08:00:00"), HasSubstr("12.5"));
  EXPECT_THAT(LineWith(so2.output, day + " 10:00:00"), HasSubstr("14.25"));
  EXPECT_THAT(so2.output, HasSubstr("3 readings"));
  EXPECT_THAT(so2.output, HasSubstr("GRPC"));

  Result window = Ecoctl("admin", {"readings", "list", "--outlet",
                                   "enterprises/" + std::string(kUscc) + "/outlets/DA001",
                                   "--from", YesterdayAt(9), "--to", YesterdayAt(10)});
  ASSERT_EQ(window.code, 0) << window.output;
  EXPECT_THAT(window.output, HasSubstr("1 reading\n"));
  EXPECT_THAT(window.output, HasSubstr(day + " 09:00:00"));

  // Page by page: the hint repeats the query with the next token.
  Result first = Ecoctl("admin", {"readings", "list", "--outlet", std::string(kUscc) + "/DA001",
                                  "--page-size", "3"});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("3 readings"));
  std::string token = Capture(first.output, "--page-token (\\S+)\n");
  ASSERT_FALSE(token.empty()) << first.output;
  Result second = Ecoctl("admin", {"readings", "list", "--outlet", std::string(kUscc) + "/DA001",
                                   "--page-size", "3", "--page-token", token});
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_THAT(second.output, HasSubstr("1 reading\n"));
  EXPECT_THAT(second.output, Not(HasSubstr("more:")));
  Result all = Ecoctl("admin", {"--json", "readings", "list", "--outlet",
                                std::string(kUscc) + "/DA001"});
  ASSERT_EQ(all.code, 0) << all.output;
  EXPECT_EQ(Count(all.output, "\"dataTime\""), 4) << all.output;

  // A station reads nothing: ListReadings is for staff and the enterprise.
  Result denied =
      Ecoctl("station", {"readings", "list", "--outlet", std::string(kUscc) + "/DA001"});
  EXPECT_EQ(denied.code, 1) << denied.output;
  EXPECT_THAT(denied.output, HasSubstr("PERMISSION_DENIED"));

  // The admin gives the account another device instead: the station's own readings are
  // now refused like anyone else's.
  Result moved = Ecoctl("admin", {"users", "update", "station1", "--device",
                                  "FFFFFFFFFFFFFFFFFFFFFFFF"});
  ASSERT_EQ(moved.code, 0) << moved.output;
  Result refused = Ecoctl("station", {"readings", "ingest", "--file", file});
  EXPECT_THAT(refused.output, HasSubstr("accepted 0, rejected 5 of 5 readings"))
      << refused.output;
}

TEST_F(EcoctlReadingsTest, AMalformedFileSendsNothing) {
  std::string file = WriteFile("bad.csv", "# two good lines, then a bad one\n" + std::string(kMn) +
                                              ",a21026,hour,2026-11-29T08:00,1\n" + kMn +
                                              ",a21026,hour,2026-11-29T09:00,2\n" + kMn +
                                              ",a21026,weekly,2026-11-29T10:00,3\n");
  // Checked before signing in is even needed: a usage error, exit 64.
  Result r = Ecoctl("nobody", {"readings", "ingest", "--file", file});
  EXPECT_EQ(r.code, 64) << r.output;
  EXPECT_THAT(r.output, HasSubstr("line 4: kind 'weekly'"));
  EXPECT_EQ(schema_->QueryInt("SELECT COUNT(*) FROM reading"), 0);
}

// deploy/demo/stations.txt describes exactly the devices deploy/demo/registry.sh binds, in
// a mix of protocols, with what the gateway's strict checks want (no server needed).
TEST(DemoStationsTest, StationsFileMatchesTheRegistryAndMixesProtocols) {
  std::string registry =
      Slurp(absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/demo/registry.sh"));
  std::string stations =
      Slurp(absl::StrCat(ECOCASE_SOURCE_DIR, "/deploy/demo/stations.txt"));
  ASSERT_FALSE(registry.empty());
  ASSERT_FALSE(stations.empty());

  // MN -> outlet code, from the registry's `outlet CODE NAME POLLUTANTS LAT LNG MN` lines.
  std::map<std::string, std::string> bound;
  std::regex outlet_line(R"(^outlet (D[AW]\d{3}) .* (\S+)$)");
  for (absl::string_view line : absl::StrSplit(registry, '\n')) {
    std::smatch m;
    std::string text(line);
    if (!std::regex_match(text, m, outlet_line)) continue;
    std::string last = m[2].str();
    if (last.find('.') == std::string::npos) bound[last] = m[1].str();  // Not a longitude.
  }
  ASSERT_GE(bound.size(), 20u);

  std::set<std::string> listed;
  int legacy = 0, sealed = 0, plain_2017 = 0;
  for (absl::string_view raw : absl::StrSplit(stations, '\n')) {
    std::string line(raw.substr(0, raw.find('#')));
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.empty()) continue;
    SCOPED_TRACE(line);
    ASSERT_GE(f.size(), 3u);
    const std::string& mn = f[0];
    EXPECT_TRUE(listed.insert(mn).second) << "listed twice";
    auto outlet = bound.find(mn);
    ASSERT_NE(outlet, bound.end()) << "not bound by registry.sh";
    EXPECT_EQ(f[1].size(), 6u) << "strict devices send a 6-character PW";
    bool lenient = false, has_key = false;
    std::string kind;
    for (size_t i = 3; i < f.size(); ++i) {
      if (f[i] == "lenient") lenient = true;
      if (f[i].rfind("sm4=", 0) == 0) {
        has_key = true;
        EXPECT_TRUE(std::regex_match(f[i].substr(4), std::regex("[0-9A-Fa-f]{32}")));
      }
      if (f[i].rfind("kind=", 0) == 0) kind = f[i].substr(5);
    }
    EXPECT_EQ(kind, outlet->second[1] == 'A' ? "air" : "water");
    if (f[2] == "2005") {
      EXPECT_TRUE(lenient);
      ++legacy;
    } else {
      EXPECT_TRUE(std::regex_match(mn, std::regex("[0-9A-F]{24}"))) << "strict MN";
      if (f[2] == "2025" && has_key) ++sealed;
      if (f[2] == "2017" && !lenient && !has_key) ++plain_2017;
    }
    EXPECT_TRUE(!has_key || f[2] == "2025");
  }
  EXPECT_EQ(listed.size(), bound.size());
  EXPECT_GE(legacy, 1);
  EXPECT_GE(sealed, 1);
  EXPECT_GT(plain_2017, static_cast<int>(bound.size()) / 2);
}

}  // namespace
}  // namespace ecocase
