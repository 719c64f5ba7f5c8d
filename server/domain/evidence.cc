#include "domain/evidence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "domain/complaint_kinds.h"
#include "domain/text_check.h"
#include "domain/user.h"

namespace ecocase::domain {
namespace {

using complaint_kinds_internal::FromName;
using complaint_kinds_internal::NameOf;

constexpr std::array<absl::string_view, 13> kKindNames = {
    "UNSPECIFIED",           "DOCUMENT",          "PHYSICAL",        "AUDIO_VISUAL",
    "ELECTRONIC_DATA",       "WITNESS_TESTIMONY", "PARTY_STATEMENT", "APPRAISAL_OPINION",
    "INSPECTION_TRANSCRIPT", "ON_SITE_RECORD",    "TEST_REPORT",     "ASSESSMENT_REPORT",
    "DETERMINATION_OPINION"};
constexpr std::array<absl::string_view, 13> kKindLabels = {
    "未指定",   "书证",     "物证",     "视听资料", "电子数据", "证人证言", "当事人的陈述",
    "鉴定意见", "勘验笔录", "现场笔录", "检测报告", "评估报告", "认定意见"};
constexpr std::array<absl::string_view, 4> kStateNames = {"UNSPECIFIED", "UPLOADING", "STORED",
                                                          "ABANDONED"};

constexpr int kMaxFileName = 255;
constexpr int kMaxDevice = 128;
constexpr int kMaxDescription = 1000;
constexpr size_t kMaxOfficers = 10;
constexpr size_t kMaxMediaPart = 64;

absl::Status Refused(absl::string_view reason, absl::string_view message) {
  return common::WithReason(absl::FailedPreconditionError(message), reason);
}

absl::Status WrongState(const EvidenceItem& item, absl::string_view action) {
  return Refused("EVIDENCE_STATE",
                 absl::StrCat(item.ResourceName(), " is ", EvidenceStateName(item.state), ": ",
                              action, " needs an item that is UPLOADING"));
}

// `{collection}/{positive id}`.
bool IsLink(absl::string_view link, absl::string_view collection) {
  int64_t id = 0;
  return absl::ConsumePrefix(&link, collection) && absl::ConsumePrefix(&link, "/") &&
         !link.empty() && std::all_of(link.begin(), link.end(), absl::ascii_isdigit) &&
         absl::SimpleAtoi(link, &id) && id > 0;
}

bool IsRestrictedName(absl::string_view part) {
  if (part.empty() || part.size() > kMaxMediaPart) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(part.front()))) return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("!#$&-^_.+").find(c) != absl::string_view::npos;
  });
}

bool NeedsTwoOfficers(EvidenceKind kind) {
  return kind == EvidenceKind::kOnSiteRecord || kind == EvidenceKind::kInspectionTranscript;
}

absl::Status CheckOfficers(std::vector<std::string>& officers, EvidenceKind kind,
                           absl::string_view field) {
  const size_t min = NeedsTwoOfficers(kind) ? 2 : 1;
  if (officers.size() < min || officers.size() > kMaxOfficers) {
    return common::InvalidFieldError(
        field, absl::StrCat("must name ", min, "-", kMaxOfficers, " officers",
                            min == 2 ? absl::StrCat(" (", EvidenceKindLabel(kind),
                                                    " is made by two officers, arts. 42, 55)")
                                     : ""));
  }
  for (size_t i = 0; i < officers.size(); ++i) {
    absl::string_view username = officers[i];
    absl::ConsumePrefix(&username, "users/");
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (!UsernameFromName(absl::StrCat("users/", username), at).ok()) {
      return common::InvalidFieldError(at, "must be an officer's username");
    }
    officers[i] = std::string(username);
    for (size_t j = 0; j < i; ++j) {
      if (officers[j] == officers[i]) {
        return common::InvalidFieldError(at, "names an officer twice");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view EvidenceKindName(EvidenceKind kind) { return NameOf(kind, kKindNames); }
std::optional<EvidenceKind> EvidenceKindFromName(absl::string_view name) {
  return FromName<EvidenceKind>(name, kKindNames);
}
absl::string_view EvidenceKindLabel(EvidenceKind kind) { return NameOf(kind, kKindLabels); }
absl::string_view EvidenceStateName(EvidenceState state) { return NameOf(state, kStateNames); }
std::optional<EvidenceState> EvidenceStateFromName(absl::string_view name) {
  return FromName<EvidenceState>(name, kStateNames);
}

std::string EvidenceItem::ResourceName() const { return absl::StrCat("evidence/", id); }

absl::StatusOr<int64_t> EvidenceIdFromName(absl::string_view name, absl::string_view field) {
  int64_t id = 0;
  if (!IsLink(name, "evidence") || !absl::SimpleAtoi(name.substr(9), &id)) {
    return common::InvalidFieldError(field, "must be `evidence/{id}`");
  }
  return id;
}

bool IsSha256Hex(absl::string_view hex) {
  return hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

bool IsMediaType(absl::string_view media_type) {
  const size_t slash = media_type.find('/');
  if (slash == absl::string_view::npos) return false;
  const absl::string_view type = media_type.substr(0, slash);
  const absl::string_view subtype = media_type.substr(slash + 1);
  static constexpr std::array<absl::string_view, 6> kTypes = {"application", "audio", "image",
                                                              "text",        "video", "model"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end() && IsRestrictedName(subtype);
}

absl::Status ValidateNewEvidence(EvidenceItem& item, absl::string_view prefix,
                                 const EvidenceOptions& options, absl::Time now) {
  auto field = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  const std::string sha256 = absl::AsciiStrToLower(item.sha256);
  if (!IsSha256Hex(sha256)) {
    return common::InvalidFieldError(field("sha256"),
                                     "must be the file's SHA-256 as 64 hexadecimal digits");
  }
  item.sha256 = sha256;
  if (item.size_bytes < 1 || item.size_bytes > options.max_size_bytes) {
    return common::InvalidFieldError(field("size_bytes"),
                                     absl::StrCat("must be 1-", options.max_size_bytes));
  }
  const std::string media_type = absl::AsciiStrToLower(item.media_type);
  if (!IsMediaType(media_type)) {
    return common::InvalidFieldError(field("media_type"),
                                     "must be a media type such as image/jpeg, without parameters");
  }
  item.media_type = media_type;
  ECOCASE_RETURN_IF_ERROR(CheckText(item.file_name, 1, kMaxFileName, field("file_name")));
  if (absl::StrContains(item.file_name, '/') || absl::StrContains(item.file_name, '\\')) {
    return common::InvalidFieldError(field("file_name"), "must be a file name, not a path");
  }
  if (!EvidenceKindFromName(EvidenceKindName(item.kind))) {
    return common::InvalidFieldError(field("kind"), "is required");
  }
  if (item.capture_time == absl::Time() || item.capture_time > now + options.clock_skew ||
      item.capture_time < now - options.max_capture_age) {
    return common::InvalidFieldError(
        field("capture_time"),
        absl::StrCat("must be set, not in the future and not more than ",
                     absl::ToInt64Hours(options.max_capture_age) / 24, " days ago"));
  }
  if (item.location) {
    // NaN fails both comparisons.
    if (!(std::fabs(item.location->latitude) <= 90)) {
      return common::InvalidFieldError(field("location.latitude"), "must be -90..90 degrees");
    }
    if (!(std::fabs(item.location->longitude) <= 180)) {
      return common::InvalidFieldError(field("location.longitude"), "must be -180..180 degrees");
    }
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(item.device_id, 1, kMaxDevice, field("device.id")));
  ECOCASE_RETURN_IF_ERROR(CheckText(item.device_model, 0, kMaxDevice, field("device.model")));
  ECOCASE_RETURN_IF_ERROR(
      CheckOfficers(item.capturing_officers, item.kind, field("capturing_officers")));
  if (!IsLink(item.parent, "cases") && !IsLink(item.parent, "inspections") &&
      !IsLink(item.parent, "tasks")) {
    return common::InvalidFieldError(field("parent"),
                                     "must be `cases/{id}`, `inspections/{id}` or `tasks/{id}`");
  }
  ECOCASE_RETURN_IF_ERROR(CheckText(item.description, 0, kMaxDescription, field("description"),
                                    /*multiline=*/true));
  if (item.corrects < 0) {
    return common::InvalidFieldError(field("corrects"), "must be the id of a stored item");
  }
  return absl::OkStatus();
}

void StartUpload(EvidenceItem& item, const std::string& actor, absl::Time now) {
  item.state = EvidenceState::kUploading;
  item.received_bytes = 0;
  item.uploaded_by = actor;
  item.create_time = now;
}

absl::StatusOr<UploadProgress> ResumeOffset(const EvidenceItem& item) {
  switch (item.state) {
    case EvidenceState::kUploading: return UploadProgress{item.received_bytes, false};
    case EvidenceState::kStored: return UploadProgress{item.size_bytes, true};
    default: return WrongState(item, "resuming");
  }
}

absl::StatusOr<int64_t> CheckChunk(const EvidenceItem& item, int64_t offset, int64_t chunk_bytes,
                                   const EvidenceOptions& options) {
  if (item.state != EvidenceState::kUploading) return WrongState(item, "writing a chunk");
  if (offset < 0) return common::InvalidFieldError("chunk.offset", "must not be negative");
  if (chunk_bytes < 1 || chunk_bytes > options.max_chunk_bytes) {
    return common::InvalidFieldError(
        "chunk.data", absl::StrCat("must hold 1-", options.max_chunk_bytes, " bytes"));
  }
  if (offset != item.received_bytes) {
    return Refused("EVIDENCE_OFFSET_MISMATCH",
                   absl::StrCat(item.ResourceName(), " has ", item.received_bytes,
                                " bytes: the next chunk starts at offset ", item.received_bytes,
                                ", not ", offset));
  }
  if (chunk_bytes > item.size_bytes - offset) {
    return Refused(
        "EVIDENCE_SIZE_MISMATCH",
        absl::StrCat(item.ResourceName(), " was declared with ", item.size_bytes,
                     " bytes: a chunk of ", chunk_bytes, " at offset ", offset, " runs past it"));
  }
  return offset + chunk_bytes;
}

absl::Status CheckChunkHash(absl::string_view declared_sha256, absl::string_view computed_sha256) {
  const std::string declared = absl::AsciiStrToLower(declared_sha256);
  if (!IsSha256Hex(declared)) {
    return common::InvalidFieldError("chunk.sha256",
                                     "must be the chunk's SHA-256 as 64 hexadecimal digits");
  }
  if (declared != absl::AsciiStrToLower(computed_sha256)) {
    return Refused("EVIDENCE_CHUNK_HASH_MISMATCH",
                   "the chunk's SHA-256 differs from the bytes received: send it again");
  }
  return absl::OkStatus();
}

absl::Status CompleteUpload(EvidenceItem& item, absl::string_view computed_sha256, absl::Time now) {
  const std::string computed = absl::AsciiStrToLower(computed_sha256);
  if (item.state == EvidenceState::kStored && computed == item.sha256) return absl::OkStatus();
  if (item.state != EvidenceState::kUploading) return WrongState(item, "completing");
  if (item.received_bytes != item.size_bytes) {
    return Refused("EVIDENCE_SIZE_MISMATCH",
                   absl::StrCat(item.ResourceName(), " was declared with ", item.size_bytes,
                                " bytes but ", item.received_bytes, " arrived"));
  }
  if (computed != item.sha256) {
    return Refused("EVIDENCE_HASH_MISMATCH",
                   absl::StrCat(item.ResourceName(),
                                ": the SHA-256 of the bytes received differs from the "
                                "declared ",
                                item.sha256));
  }
  item.state = EvidenceState::kStored;
  item.upload_time = now;
  return absl::OkStatus();
}

absl::Status AbandonUpload(EvidenceItem& item) {
  if (item.state == EvidenceState::kAbandoned) return absl::OkStatus();
  if (item.state != EvidenceState::kUploading) return WrongState(item, "abandoning");
  item.state = EvidenceState::kAbandoned;
  return absl::OkStatus();
}

absl::Status CheckCitable(const EvidenceItem& item) {
  if (item.state == EvidenceState::kStored) return absl::OkStatus();
  return Refused("EVIDENCE_STATE",
                 absl::StrCat(item.ResourceName(), " is ", EvidenceStateName(item.state),
                              ": only an item stored whole and verified is evidence"));
}

bool MaySeeEvidence(const EvidenceItem& item, const EvidenceViewer& viewer) {
  switch (viewer.role) {
    case Role::kAdmin:
    case Role::kSupervisor:
    case Role::kOfficer: return viewer.in_scope;
    case Role::kEnterprise: {
      if (item.state != EvidenceState::kStored) return false;
      if (!viewer.username.empty() && item.uploaded_by == absl::StrCat("users/", viewer.username)) {
        return true;
      }
      return absl::StartsWith(item.parent, "cases/") && viewer.own_case && viewer.case_notified;
    }
    default: return false;
  }
}

}  // namespace ecocase::domain
