// What ecoctl prints: aligned tables and fields (by display width, so Chinese text lines
// up), JSON, times and the errors of failed calls.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "ecocase/v1/auth.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ecoctl {

// Terminal columns of UTF-8 text: East Asian wide and fullwidth characters count 2,
// combining marks 0, everything else 1.
int DisplayWidth(std::string_view utf8);

// Rows of cells printed with columns aligned by display width, two spaces apart.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// `label  value` lines with the values aligned.
using Fields = std::vector<std::pair<std::string, std::string>>;
void PrintFields(std::ostream& out, const Fields& fields);

// The first `max_chars` characters of UTF-8 text, "…" when cut; line breaks and tabs become
// spaces, so that free text fits one table cell.
std::string Summary(const std::string& text, int max_chars = 18);

// "a, b, c": the items on one line.
std::string Joined(const google::protobuf::RepeatedPtrField<std::string>& items,
                   const std::string& separator = ", ");

// A blank line, "title (N)", then the items numbered "  1. item", one a line.
void PrintNumberedList(std::ostream& out, const std::string& title,
                       const google::protobuf::RepeatedPtrField<std::string>& items);

// One line of compact JSON (lowerCamelCase names, as the API's JSON mapping).
std::string ToJson(const google::protobuf::Message& message);

// "2026-01-05 14:03:22 +08:00": regulatory time is Asia/Shanghai, whatever the machine's
// time zone. Empty for an unset timestamp.
std::string FormatTime(const google::protobuf::Timestamp& t);
std::string FormatDate(const google::type::Date& d);
// Parses YYYY-MM-DD (shape only; the server checks the date); false if malformed.
bool ParseDate(const std::string& text, google::type::Date* date);

// The CLI's role names (admin, hotline-operator, …) and back.
const std::vector<std::pair<std::string, ecocase::v1::Role>>& RoleNames();
std::string RoleName(ecocase::v1::Role role);

// A user as `label value` lines and as a table row.
Fields UserFields(const ecocase::v1::User& user);
std::string UserScope(const ecocase::v1::User& user);
std::string CertificateText(const ecocase::v1::User& user);

// "UNAVAILABLE", "PERMISSION_DENIED", …
std::string StatusCodeName(grpc::StatusCode code);
// `error: <CODE>: <message>`, then the field violations of an INVALID_ARGUMENT.
void PrintRpcError(std::ostream& out, const grpc::Status& status);

}  // namespace ecoctl
