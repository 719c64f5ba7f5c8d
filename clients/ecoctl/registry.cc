#include "registry.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <ostream>

#include "client.h"
#include "errors.h"
#include "output.h"

namespace ecoctl::registry {
namespace {

namespace v1 = ::ecocase::v1;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A whole number text ("35", "0.5", "1e2"); false if anything else follows.
bool ParseNumber(const std::string& text, double* value) {
  std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(t.c_str(), &end);
  return end != nullptr && *end == '\0' && std::isfinite(*value);
}

[[noreturn]] void BadSpec(const std::string& spec, const std::string& problem) {
  throw CommandError(kExitUsage, "--limit '" + spec + "': " + problem +
                                     "\n  expected OUTLET:POLLUTANT=VALUE[UNIT]/WINDOW[@O2]"
                                     "[,annual=MASSt][,std=STANDARD], e.g. "
                                     "DA001:a21026=35mg/m3/hour@6,std=GB 13223-2011 "
                                     "(see `ecoctl permits --help`)");
}

struct Label {
  const char* code;
  const char* name;
};

// The divisions of 焦作市 (GB/T 2260), as in deploy/demo/jiaozuo.sql.
constexpr Label kDistricts[] = {
    {"410800", "焦作市"}, {"410802", "解放区"}, {"410803", "中站区"}, {"410804", "马村区"},
    {"410811", "山阳区"}, {"410821", "修武县"}, {"410822", "博爱县"}, {"410823", "武陟县"},
    {"410825", "温县"},   {"410882", "沁阳市"}, {"410883", "孟州市"},
    {"410871", "焦作城乡一体化示范区"},
};

// GB/T 4754-2017 classes of the industries the bureau regulates most (display only).
constexpr Label kIndustries[] = {
    {"D4411", "火力发电"},
    {"D4412", "热电联产"},
    {"D4417", "生物质能发电"},
    {"D4430", "热力生产和供应"},
    {"D4620", "污水处理及其再生利用"},
    {"C1910", "皮革鞣制加工"},
    {"C2211", "木竹浆制造"},
    {"C2212", "非木竹浆制造"},
    {"C2221", "机制纸及纸板制造"},
    {"C2611", "无机酸制造"},
    {"C2612", "无机碱制造"},
    {"C2613", "无机盐制造"},
    {"C2614", "有机化学原料制造"},
    {"C2619", "其他基础化学原料制造"},
    {"C2621", "氮肥制造"},
    {"C3011", "水泥制造"},
    {"C3216", "铝冶炼"},
    {"N7820", "环境卫生管理"},
};

// HJ 212-2017 Appendix B factor codes (domain-rules Appendix A), the common ones.
constexpr Label kFactors[] = {
    {"a00000", "废气"},       {"a01011", "烟气流速"},   {"a01012", "烟气温度"},
    {"a01014", "烟气湿度"},   {"a19001", "氧气含量"},   {"a20057", "汞及其化合物"},
    {"a21001", "氨"},         {"a21002", "氮氧化物"},   {"a21005", "一氧化碳"},
    {"a21018", "氟化物"},     {"a21024", "氯化氢"},     {"a21026", "二氧化硫"},
    {"a21028", "硫化氢"},     {"a24088", "非甲烷总烃"}, {"a34013", "烟尘"},
    {"a34039", "硫酸雾"},     {"w00000", "污水"},       {"w01001", "pH值"},
    {"w01010", "水温"},       {"w01012", "悬浮物"},     {"w01017", "五日生化需氧量"},
    {"w01018", "化学需氧量"}, {"w20116", "总铬"},       {"w20117", "六价铬"},
    {"w21001", "总氮"},       {"w21003", "氨氮"},       {"w21011", "总磷"},
    {"w21016", "氰化物"},     {"w21017", "氟化物"},     {"w21019", "硫化物"},
};

template <size_t N>
const char* Find(const Label (&labels)[N], const std::string& code) {
  for (const Label& l : labels) {
    if (code == l.code) return l.name;
  }
  return nullptr;
}

}  // namespace

const char kLimitSpecHelp[] =
    "A limit SPEC (--limit, repeatable; one per outlet and pollutant):\n"
    "  OUTLET:POLLUTANT=VALUE[UNIT]/WINDOW[@O2][,annual=MASS[t]][,std=STANDARD]\n"
    "    OUTLET     outlet code, DA### (air) or DW### (water), e.g. DA001\n"
    "    POLLUTANT  HJ 212 factor code: a34013 烟尘, a21026 SO2, a21002 NOx, a21005 CO,\n"
    "               a21024 HCl, w01018 COD, w21003 NH3-N, w21011 TP, w21001 TN, w01001 pH\n"
    "    VALUE      permitted concentration (许可排放浓度), > 0\n"
    "    UNIT       mg/m3 (air) or mg/L (water); may be left out: mg/m3 for a#####, mg/L\n"
    "               for w#####, dimensionless for pH (w01001)\n"
    "    WINDOW     hour (小时均值) or day (日均值)\n"
    "    @O2        reference oxygen (基准氧含量) in percent, air only, e.g. @6\n"
    "    annual=    permitted annual mass (许可排放量) in tonnes a year, e.g. annual=120.5t\n"
    "    std=       the standard it comes from; last, takes the rest of the SPEC\n"
    "  e.g. --limit 'DA001:a21026=35mg/m3/hour@6,annual=120.5t,std=GB 13223-2011'\n"
    "       --limit 'DW001:w01018=50mg/L/day,std=GB 18918-2002 一级A'\n"
    "  `permits get` shows limits in the same notation.\n";

std::string NormalizeCode(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string EnterpriseName(const std::string& uscc_or_name) {
  if (StartsWith(uscc_or_name, "enterprises/")) return uscc_or_name;
  return "enterprises/" + NormalizeCode(uscc_or_name);
}

std::string OutletName(const std::string& uscc_or_name, const std::string& code) {
  return EnterpriseName(uscc_or_name) + "/outlets/" + NormalizeCode(code);
}

std::string PermitName(const std::string& number_or_name) {
  if (StartsWith(number_or_name, "enterprises/")) return number_or_name;
  std::string number = NormalizeCode(number_or_name);
  if (number.size() != 22) {
    throw CommandError(kExitUsage,
                       "permit number '" + number_or_name +
                           "' must have 22 characters (HJ 608-2017): the holder's 18-character "
                           "credit code, a 3-digit site sequence and P, e.g. "
                           "91410800MA44TE5T0P001P");
  }
  return "enterprises/" + number.substr(0, 18) + "/permits/" + number;
}

std::string UsccOf(const std::string& resource_name) {
  const std::string prefix = "enterprises/";
  if (!StartsWith(resource_name, prefix)) return resource_name;
  std::string rest = resource_name.substr(prefix.size());
  return rest.substr(0, rest.find('/'));
}

void AddRequestIdFlag(CLI::App* cmd, std::string& request_id) {
  cmd->add_option("--request-id", request_id,
                  "idempotency key (default: a new UUID); repeat one to retry a change safely");
}

std::string RequestIdOrNew(const std::string& given) {
  return given.empty() ? NewRequestId() : given;
}

std::string DateShape(const std::string& text) {
  google::type::Date ignored;
  return ParseDate(text, &ignored) ? "" : "must be a date YYYY-MM-DD";
}

google::type::Date ToDate(const std::string& text) {
  google::type::Date d;
  ParseDate(text, &d);
  return d;
}

google::protobuf::Timestamp ParseShanghaiTime(const std::string& text, const std::string& flag) {
  std::string t = Trim(text);
  bool utc = false;
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) {
    utc = true;
    t.pop_back();
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  int n = 0;
  bool ok = false;
  if (t.size() == 10) {
    ok = std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10;
  } else if (t.size() == 16) {
    ok = std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) == 6 &&
         n == 16;
  } else if (t.size() == 19) {
    ok = std::sscanf(t.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s,
                     &n) == 7 &&
         n == 19;
  }
  if (t.size() > 10 && sep != 'T' && sep != ' ') ok = false;
  if (!ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    throw CommandError(kExitUsage, flag + " '" + text +
                                       "': expected YYYY-MM-DDTHH:MM (Asia/Shanghai), "
                                       "YYYY-MM-DD, or a UTC time ending in Z");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  google::protobuf::Timestamp ts;
  ts.set_seconds(static_cast<int64_t>(timegm(&tm)) - (utc ? 0 : 8 * 3600));
  return ts;
}

std::string TimeShape(const std::string& text) {
  try {
    ParseShanghaiTime(text, "time");
    return "";
  } catch (const CommandError&) {
    return "must be YYYY-MM-DDTHH:MM (Asia/Shanghai), YYYY-MM-DD, or UTC ending in Z";
  }
}

const std::vector<std::pair<std::string, v1::ManagementClass>>& ClassNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::ManagementClass>>{
      {"key", v1::MANAGEMENT_CLASS_KEY},
      {"simplified", v1::MANAGEMENT_CLASS_SIMPLIFIED},
      {"registration", v1::MANAGEMENT_CLASS_REGISTRATION},
  };
  return *names;
}

std::string ClassName(v1::ManagementClass c) {
  for (const auto& [name, value] : ClassNames()) {
    if (value == c) return name;
  }
  return v1::ManagementClass_Name(c);
}

const std::vector<std::pair<std::string, v1::Permit::State>>& StateNames() {
  static const auto* names = new std::vector<std::pair<std::string, v1::Permit::State>>{
      {"draft", v1::Permit::DRAFT},         {"in-force", v1::Permit::IN_FORCE},
      {"expired", v1::Permit::EXPIRED},     {"revoked", v1::Permit::REVOKED},
      {"cancelled", v1::Permit::CANCELLED},
  };
  return *names;
}

std::string StateName(v1::Permit::State s) {
  for (const auto& [name, value] : StateNames()) {
    if (value == s) return name;
  }
  return v1::Permit::State_Name(s);
}

v1::PermitLimit ParseLimitSpec(const std::string& spec) {
  v1::PermitLimit limit;
  std::string s = Trim(spec);
  size_t colon = s.find(':');
  if (colon == std::string::npos) BadSpec(spec, "no ':' after the outlet code");
  limit.set_outlet_code(NormalizeCode(s.substr(0, colon)));
  if (limit.outlet_code().empty()) BadSpec(spec, "the outlet code is missing");
  std::string rest = s.substr(colon + 1);
  size_t eq = rest.find('=');
  if (eq == std::string::npos) BadSpec(spec, "no '=' after the pollutant code");
  limit.set_pollutant_code(Lower(Trim(rest.substr(0, eq))));
  if (limit.pollutant_code().empty()) BadSpec(spec, "the pollutant code is missing");
  rest = rest.substr(eq + 1);

  // Options after the first comma; std= takes everything after it, commas included.
  std::string main = rest;
  std::string options;
  if (size_t comma = rest.find(','); comma != std::string::npos) {
    main = rest.substr(0, comma);
    options = rest.substr(comma + 1);
  }
  while (!options.empty()) {
    std::string option = Trim(options);
    if (StartsWith(option, "std=")) {
      limit.set_standard(Trim(option.substr(4)));
      if (limit.standard().empty()) BadSpec(spec, "std= names no standard");
      break;
    }
    std::string piece = option;
    options.clear();
    if (size_t comma = option.find(','); comma != std::string::npos) {
      piece = option.substr(0, comma);
      options = option.substr(comma + 1);
    }
    piece = Trim(piece);
    if (StartsWith(piece, "annual=")) {
      std::string mass = Trim(piece.substr(7));
      if (mass.size() > 2 && mass.compare(mass.size() - 2, 2, "/a") == 0) {
        mass.resize(mass.size() - 2);
      }
      if (!mass.empty() && (mass.back() == 't' || mass.back() == 'T')) mass.pop_back();
      double value = 0;
      if (!ParseNumber(mass, &value)) BadSpec(spec, "annual= must be tonnes, e.g. annual=120.5t");
      limit.set_annual_mass_limit_t(value);
    } else {
      BadSpec(spec, "unknown option '" + piece + "' (annual= and std= are known)");
    }
  }

  main = Trim(main);
  if (size_t at = main.rfind('@'); at != std::string::npos) {
    std::string o2 = Trim(main.substr(at + 1));
    if (!o2.empty() && o2.back() == '%') o2.pop_back();
    double value = 0;
    if (!ParseNumber(o2, &value)) BadSpec(spec, "@ must give the reference O2 in percent, e.g. @6");
    limit.set_reference_o2_percent(value);
    main = Trim(main.substr(0, at));
  }
  size_t slash = main.rfind('/');
  if (slash == std::string::npos) BadSpec(spec, "no /hour or /day (the averaging window)");
  std::string window = Lower(Trim(main.substr(slash + 1)));
  if (window == "hour" || window == "h" || window == "1h" || window == "hourly") {
    limit.set_averaging_window(v1::AVERAGING_WINDOW_HOUR);
  } else if (window == "day" || window == "d" || window == "24h" || window == "daily") {
    limit.set_averaging_window(v1::AVERAGING_WINDOW_DAY);
  } else {
    BadSpec(spec, "the averaging window must be hour or day, not '" + window + "'");
  }
  std::string value_unit = Trim(main.substr(0, slash));
  size_t number_end = 0;
  while (number_end < value_unit.size() &&
         (std::isdigit(static_cast<unsigned char>(value_unit[number_end])) ||
          value_unit[number_end] == '.')) {
    ++number_end;
  }
  double value = 0;
  if (!ParseNumber(value_unit.substr(0, number_end), &value)) {
    BadSpec(spec, "the concentration must be a number, e.g. =35mg/m3/hour");
  }
  limit.set_concentration_limit(value);
  std::string unit = Trim(value_unit.substr(number_end));
  if (unit.empty()) {
    const std::string& code = limit.pollutant_code();
    unit = code == "w01001"                     ? "dimensionless"
           : (!code.empty() && code[0] == 'w') ? "mg/L"
                                               : "mg/m3";
  }
  limit.set_concentration_unit(unit);
  return limit;
}

std::string FormatNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", value);
  return buf;
}

std::string FormatLimitSpec(const v1::PermitLimit& l) {
  std::string out = l.outlet_code() + ":" + l.pollutant_code() + "=" +
                    FormatNumber(l.concentration_limit());
  if (l.concentration_unit() != "dimensionless") out += l.concentration_unit();
  out += "/" + WindowName(l.averaging_window());
  if (l.has_reference_o2_percent()) out += "@" + FormatNumber(l.reference_o2_percent());
  if (l.has_annual_mass_limit_t()) out += ",annual=" + FormatNumber(l.annual_mass_limit_t()) + "t";
  if (!l.standard().empty()) out += ",std=" + l.standard();
  return out;
}

std::string DistrictLabel(const std::string& code) {
  const char* name = Find(kDistricts, code);
  return name == nullptr ? code : code + " " + name;
}

std::string DistrictShort(const std::string& code) {
  const char* name = Find(kDistricts, code);
  return name == nullptr ? code : name;
}

std::string IndustryLabel(const std::string& code) {
  const char* name = Find(kIndustries, code);
  return name == nullptr ? code : code + " " + name;
}

std::string FactorName(const std::string& code) {
  const char* name = Find(kFactors, code);
  return name == nullptr ? "" : name;
}

std::string FactorLabel(const std::string& code) {
  std::string name = FactorName(code);
  return name.empty() ? code : code + " " + name;
}

std::string WindowName(v1::AveragingWindow window) {
  switch (window) {
    case v1::AVERAGING_WINDOW_HOUR: return "hour";
    case v1::AVERAGING_WINDOW_DAY: return "day";
    default: return "?";
  }
}

std::string LocationText(const google::type::LatLng& location) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f, %.6f", location.latitude(), location.longitude());
  return buf;
}

void PrintLimits(std::ostream& out,
                 const google::protobuf::RepeatedPtrField<v1::PermitLimit>& limits,
                 const std::vector<std::pair<std::string, std::string>>& outlet_names) {
  std::vector<std::string> headers = {"OUTLET"};
  if (!outlet_names.empty()) headers.push_back("OUTLET NAME");
  for (const char* h : {"POLLUTANT", "LIMIT", "WINDOW", "REF O2", "ANNUAL", "STANDARD"}) {
    headers.push_back(h);
  }
  Table table(headers);
  for (const v1::PermitLimit& l : limits) {
    std::vector<std::string> row = {l.outlet_code()};
    if (!outlet_names.empty()) {
      std::string name;
      for (const auto& [code, display] : outlet_names) {
        if (code == l.outlet_code()) name = display;
      }
      row.push_back(name);
    }
    std::string unit =
        l.concentration_unit() == "dimensionless" ? "" : " " + l.concentration_unit();
    row.push_back(FactorLabel(l.pollutant_code()));
    row.push_back(FormatNumber(l.concentration_limit()) + unit);
    row.push_back(WindowName(l.averaging_window()));
    row.push_back(l.has_reference_o2_percent() ? FormatNumber(l.reference_o2_percent()) + " %"
                                               : "");
    row.push_back(l.has_annual_mass_limit_t() ? FormatNumber(l.annual_mass_limit_t()) + " t" : "");
    row.push_back(l.standard());
    table.AddRow(row);
  }
  table.Print(out);
}

std::string NumberedName(const std::string& text, const std::string& collection,
                         const std::string& what) {
  const std::string prefix = collection + "/";
  std::string id = text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
  bool digits = !id.empty() && id.size() <= 18;
  for (char ch : id) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) {
    throw CommandError(kExitUsage, what + " '" + text + "': expected its number, e.g. 12 or " +
                                       prefix + "12");
  }
  return prefix + id;
}

std::string LastSegment(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::string BareUsername(const std::string& username) {
  return username.rfind("users/", 0) == 0 ? username.substr(6) : username;
}

int CharCount(const std::string& utf8) {
  int n = 0;
  for (unsigned char ch : utf8) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace ecoctl::registry
