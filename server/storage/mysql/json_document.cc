#include "storage/mysql/json_document.h"

namespace ecocase::storage::mysql::json_document {

absl::Status ReadJsonDocument(const std::string& document, absl::string_view resource,
                              absl::FunctionRef<void(const json&)> read) {
  const json doc = json::parse(document, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::DataLossError(absl::StrCat(resource, " has a document that is not valid JSON"));
  }
  try {
    read(doc);
  } catch (const json::exception& e) {
    return absl::DataLossError(absl::StrCat(resource, " has a bad document: ", e.what()));
  } catch (const BadDocument& e) {
    return absl::DataLossError(absl::StrCat(resource, " has a bad document: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace ecocase::storage::mysql::json_document
