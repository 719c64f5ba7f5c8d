#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// Reading and writing the JSON documents that hold a record's nested parts (case_document,
// inspection_document). Readers throw (nlohmann::json::exception or BadDocument) on a
// missing or mistyped field; ReadJsonDocument turns both into DATA_LOSS.
namespace ecocase::storage::mysql::json_document {

using json = nlohmann::json;

class BadDocument : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Instants are stored as Unix microseconds.
inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

inline std::string Text(const json& j, const char* key) { return j.at(key).get<std::string>(); }
inline bool Flag(const json& j, const char* key) { return j.at(key).get<bool>(); }
inline int64_t Int(const json& j, const char* key) { return j.at(key).get<int64_t>(); }
inline absl::Time TimeOf(const json& j, const char* key) {
  return absl::FromUnixMicros(Int(j, key));
}

// Whether `key` holds a value (not absent, not null).
inline bool Present(const json& j, const char* key) {
  return j.contains(key) && !j.at(key).is_null();
}

// The array at `key`, each element read by `read`.
template <typename T, typename Read>
std::vector<T> ListOf(const json& j, const char* key, Read read) {
  const json& array = j.at(key);
  if (!array.is_array()) throw BadDocument(absl::StrCat(key, " is not an array"));
  std::vector<T> values;
  values.reserve(array.size());
  for (const json& element : array) values.push_back(read(element));
  return values;
}

// The object at `key` read by `read`; nullopt when absent or null.
template <typename T, typename Read>
std::optional<T> OptionalOf(const json& j, const char* key, Read read) {
  if (!Present(j, key)) return std::nullopt;
  const json& object = j.at(key);
  if (!object.is_object()) throw BadDocument(absl::StrCat(key, " is not an object"));
  return read(object);
}

// Parses `document` and hands it to `read`; DATA_LOSS naming `resource` when it is not JSON
// or `read` throws.
absl::Status ReadJsonDocument(const std::string& document, absl::string_view resource,
                              absl::FunctionRef<void(const json&)> read);

}  // namespace ecocase::storage::mysql::json_document
