#include "output.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ecoctl {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// East Asian Width W and F (Unicode 15, abridged to the blocks a bureau's data uses:
// Hangul Jamo, CJK punctuation and ideographs, kana, Hangul, fullwidth forms, emoji).
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// Combining marks and zero-width characters take no column.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
};

bool InRanges(char32_t c, const Range* begin, const Range* end) {
  return std::any_of(begin, end, [c](const Range& r) { return c >= r.first && c <= r.last; });
}

int CharWidth(char32_t c) {
  if (InRanges(c, std::begin(kZero), std::end(kZero))) return 0;
  if (InRanges(c, std::begin(kWide), std::end(kWide))) return 2;
  return 1;
}

void PadTo(std::ostream& out, const std::string& text, int width) {
  out << text;
  for (int w = DisplayWidth(text); w < width; ++w) out << ' ';
}

}  // namespace

int DisplayWidth(std::string_view s) {
  int width = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > s.size()) len = 1;  // Truncated sequence: one column per byte.
    char32_t c = len == 1 ? b : b & (0xFF >> (len + 1));
    for (int k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    width += CharWidth(c);
    i += len;
  }
  return width;
}

Table::Table(std::vector<std::string> headers) { rows_.push_back(std::move(headers)); }

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(rows_.front().size());
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<int> widths(rows_.front().size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    // No padding after the last cell: trailing blanks only get in the way of grep.
    size_t last = row.size();
    while (last > 1 && row[last - 1].empty()) --last;
    for (size_t i = 0; i < last; ++i) {
      if (i + 1 < last) {
        PadTo(out, row[i], widths[i]);
        out << "  ";
      } else {
        out << row[i];
      }
    }
    out << '\n';
  }
}

void PrintFields(std::ostream& out, const Fields& fields) {
  int width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, DisplayWidth(label));
  for (const auto& [label, value] : fields) {
    PadTo(out, label, width + 2);
    out << value << '\n';
  }
}

std::string Summary(const std::string& text, int max_chars) {
  std::string out;
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(text[i]);
    if ((ch & 0xC0) != 0x80) {  // The first byte of a character.
      if (chars == max_chars) return out + "…";
      ++chars;
    }
    out.push_back(ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : text[i]);
  }
  return out;
}

std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items,
                   const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void PrintNumberedList(std::ostream& out, const std::string& title,
                       const google::protobuf::RepeatedPtrField<std::string>& items) {
  out << "\n" << title << " (" << items.size() << ")\n";
  int i = 0;
  for (const std::string& item : items) out << "  " << ++i << ". " << item << "\n";
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json);
  if (!status.ok()) return "{}";
  return json;
}

std::string FormatTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  std::time_t shanghai = static_cast<std::time_t>(t.seconds() + 8 * 3600);
  std::tm tm{};
  gmtime_r(&shanghai, &tm);
  char out[40];
  std::strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S +08:00", &tm);
  return out;
}

std::string FormatDate(const google::type::Date& d) {
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return out;
}

bool ParseDate(const std::string& text, google::type::Date* date) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  date->set_year(std::stoi(text.substr(0, 4)));
  date->set_month(std::stoi(text.substr(5, 2)));
  date->set_day(std::stoi(text.substr(8, 2)));
  return true;
}

const std::vector<std::pair<std::string, ecocase::v1::Role>>& RoleNames() {
  static const auto* names = new std::vector<std::pair<std::string, ecocase::v1::Role>>{
      {"admin", ecocase::v1::ROLE_ADMIN},
      {"supervisor", ecocase::v1::ROLE_SUPERVISOR},
      {"officer", ecocase::v1::ROLE_OFFICER},
      {"hotline-operator", ecocase::v1::ROLE_HOTLINE_OPERATOR},
      {"enterprise", ecocase::v1::ROLE_ENTERPRISE},
      {"station", ecocase::v1::ROLE_STATION},
      {"integration", ecocase::v1::ROLE_INTEGRATION},
  };
  return *names;
}

std::string RoleName(ecocase::v1::Role role) {
  for (const auto& [name, value] : RoleNames()) {
    if (value == role) return name;
  }
  return ecocase::v1::Role_Name(role);
}

std::string UserScope(const ecocase::v1::User& user) {
  if (!user.enterprise_uscc().empty()) return "USCC " + user.enterprise_uscc();
  std::string out;
  for (const std::string& code : user.district_codes()) {
    if (!out.empty()) out += ",";
    out += code;
  }
  return out;
}

std::string CertificateText(const ecocase::v1::User& user) {
  if (!user.has_certificate()) return "";
  const auto& c = user.certificate();
  return c.number() + " (" + FormatDate(c.valid_from()) + ".." + FormatDate(c.valid_until()) +
         ")";
}

Fields UserFields(const ecocase::v1::User& user) {
  Fields f = {{"name", user.name()},
              {"display name", user.display_name()},
              {"role", RoleName(user.role())}};
  if (!user.enterprise_uscc().empty()) {
    f.emplace_back("enterprise", user.enterprise_uscc());
  } else {
    f.emplace_back("districts", UserScope(user));
  }
  if (user.has_certificate()) f.emplace_back("certificate", CertificateText(user));
  f.emplace_back("status", user.disabled() ? "disabled" : "active");
  f.emplace_back("created", FormatTime(user.create_time()));
  f.emplace_back("updated", FormatTime(user.update_time()));
  f.emplace_back("etag", user.etag());
  return f;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "CODE_" + std::to_string(static_cast<int>(code));
  }
}

void PrintRpcError(std::ostream& out, const grpc::Status& status) {
  out << "error: " << StatusCodeName(status.error_code()) << ": " << status.error_message()
      << "\n";
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) return;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      // The server's descriptions may already start with the field's name.
      std::string_view description = v.description();
      std::string prefix = v.field() + ": ";
      if (description.substr(0, prefix.size()) == prefix) description.remove_prefix(prefix.size());
      out << "  " << v.field() << ": " << description << "\n";
    }
  }
}

}  // namespace ecoctl
