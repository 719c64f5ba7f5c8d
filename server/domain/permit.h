#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/enterprise.h"

// Discharge permits (排污许可证, domain-rules §3): numbers (HJ 608-2017), limits, the
// lifecycle state machine and "which version applies at T". Pure: no I/O, no clock — every
// function takes `now` when it needs it.
namespace ecocase::domain {

enum class PermitState { kDraft, kInForce, kExpired, kRevoked, kCancelled };
enum class PermitSource { kBureau, kNationalPlatform };
enum class AveragingWindow { kUnspecified, kHour, kDay };
enum class VersionReason { kIssue, kChange, kRenewal, kImport };

// "DRAFT", "IN_FORCE", ... as stored in the database; nullopt for an unknown name.
absl::string_view PermitStateName(PermitState state);
std::optional<PermitState> PermitStateFromName(absl::string_view name);
absl::string_view PermitSourceName(PermitSource source);
std::optional<PermitSource> PermitSourceFromName(absl::string_view name);
absl::string_view AveragingWindowName(AveragingWindow window);  // "HOUR", "DAY"
std::optional<AveragingWindow> AveragingWindowFromName(absl::string_view name);
absl::string_view VersionReasonName(VersionReason reason);
std::optional<VersionReason> VersionReasonFromName(absl::string_view name);

inline constexpr absl::string_view kPhFactorCode = "w01001";
inline constexpr absl::string_view kUnitAir = "mg/m3";
inline constexpr absl::string_view kUnitWater = "mg/L";
inline constexpr absl::string_view kUnitDimensionless = "dimensionless";

// One permitted limit: outlet × pollutant.
struct PermitLimit {
  std::string outlet_code;     // DA001, DW001 (HJ 608-2017).
  std::string pollutant_code;  // HJ 212 factor code, a21026, w01018.
  double concentration_limit = 0;
  std::string concentration_unit;  // mg/m3 (air), mg/L (water), dimensionless (pH).
  AveragingWindow averaging_window = AveragingWindow::kUnspecified;
  std::optional<double> reference_o2_percent;
  std::optional<double> annual_mass_limit_t;
  std::string standard;  // e.g. GB 13223-2011.

  bool operator==(const PermitLimit&) const = default;
};

// An immutable version of an issued permit.
struct PermitVersion {
  int version = 0;
  absl::Time effective_time;  // From when its limits apply.
  VersionReason reason = VersionReason::kIssue;
  absl::CivilDay valid_until;  // Last day of validity at this version.
  std::string note;
  std::vector<PermitLimit> limits;
  absl::Time create_time;
};

struct Permit {
  int64_t id = 0;  // 0 until stored.
  int64_t enterprise_id = 0;
  std::string permit_number;
  std::string enterprise_uscc;
  std::string site_sequence;  // "001": the production site (固定污染源) within the unit.
  PermitState state = PermitState::kDraft;
  PermitSource source = PermitSource::kBureau;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;  // Of the latest version (of the draft before issue).
  std::string issuing_authority;
  std::optional<absl::Time> issue_time;
  int current_version = 0;  // 0 for a draft.
  // The effective time of the latest version (unset for a draft).
  std::optional<absl::Time> current_effective_time;
  std::vector<PermitLimit> limits;  // The draft's, or the latest version's.
  std::string end_reason;
  std::optional<absl::Time> end_time;  // When it stopped being in force.
  std::string case_name;               // The case whose decision revoked it (吊销), `cases/{id}`.
  int64_t version = 0;                 // Optimistic concurrency; the etag.
  absl::Time create_time;
  absl::Time update_time;
  // The holder, as read with the permit (for audit records and views).
  std::string holder_name;
  std::string holder_district_code;

  std::string ResourceName() const;
};

// The enterprise a permit belongs to, read (and locked) before a permit changes.
struct PermitHolder {
  int64_t enterprise_id = 0;
  std::string uscc;
  std::string display_name;
  std::string district_code;
  std::vector<std::string> outlet_codes;  // Registered outlets, sorted.
  // The enterprise's permits in force, with the outlets their latest version limits.
  struct InForce {
    int64_t permit_id = 0;
    std::string permit_number;
    std::string site_sequence;
    std::vector<std::string> outlet_codes;
  };
  std::vector<InForce> in_force;
};

// A change computed by the lifecycle functions below, for storage to write: the permit's
// new header and limits, and the version to append, if any.
struct PermitEdit {
  Permit permit;
  std::optional<PermitVersion> new_version;
  bool rewrite_draft_limits = false;  // permit.limits replace the draft's.
};

// --- Names and codes -------------------------------------------------------------------

struct PermitNumber {
  std::string number;         // Normalised: upper case, no spaces.
  std::string uscc;           // The first 18 characters.
  std::string site_sequence;  // Characters 19-21.
};

// HJ 608-2017 固定污染源代码 used as the permit number: the holder's USCC (checked,
// GB 32100-2015) + 3-digit site sequence (001-999) + `P`. INVALID_ARGUMENT naming `field`.
absl::StatusOr<PermitNumber> ParsePermitNumber(absl::string_view text, absl::string_view field);

struct PermitKey {
  std::string uscc;
  std::string permit_number;
};
// `enterprises/{uscc}/permits/{permit_number}`; the number's USCC must be the
// enterprise's. INVALID_ARGUMENT naming `field`.
absl::StatusOr<PermitKey> ParsePermitName(absl::string_view name, absl::string_view field);
std::string PermitName(absl::string_view uscc, absl::string_view permit_number);
// Enterprise and outlet names are parsed by domain/enterprise.h (UsccFromEnterpriseName,
// OutletRefFromName).
// INVALID_ARGUMENT naming `field` unless `code` is an HJ 212 factor code (`^[aw]\d{5}$`).
absl::Status ValidatePollutantCode(absl::string_view code, absl::string_view field);

// --- Validation ------------------------------------------------------------------------

// Checks and normalises limits (units to their canonical spelling). INVALID_ARGUMENT naming
// the field under `field` (e.g. `permit.limits[2].concentration_unit`):
// outlet code form; factor code form; air factors on air outlets (DA) and water factors on
// water outlets (DW); limit > 0; unit mg/m3 for air, mg/L for water, dimensionless for pH
// (w01001); averaging window required; reference O2 (air only) in [0, 21); annual mass
// >= 0; no outlet × pollutant twice.
absl::Status ValidateLimits(std::vector<PermitLimit>& limits, absl::string_view field);

// FAILED_PRECONDITION naming `field[i].outlet_code` for a limit on an outlet the holder
// has not registered.
absl::Status CheckLimitOutlets(const std::vector<PermitLimit>& limits, const PermitHolder& holder,
                               absl::string_view field);

// valid_until must not be before valid_from (INVALID_ARGUMENT naming `field`.valid_until).
// Five years is the legal term (条例 art. 14) but the record is accepted as it says.
absl::Status ValidateValidity(absl::CivilDay valid_from, absl::CivilDay valid_until,
                              absl::string_view field);

// The instant validity ends: 00:00 Asia/Shanghai after the last day.
absl::Time ValidityEnd(absl::CivilDay valid_until);
// The instant validity begins: 00:00 Asia/Shanghai of the first day.
absl::Time ValidityStart(absl::CivilDay valid_from);

// Free text (reasons, notes): 1..500 code points when `required`, else 0..500, no control
// characters. INVALID_ARGUMENT naming `field`.
absl::Status ValidateText(absl::string_view text, absl::string_view field, bool required);

// --- Lifecycle -------------------------------------------------------------------------

enum class PermitTransition {
  kEditDraft,  // UpdatePermit
  kIssue,      // 核发
  kChange,     // 变更
  kRenew,      // 延续
  kExpire,     // validity ended (sweep)
  kRevoke,     // 撤销 / 吊销
  kCancel,     // 注销
  kImport,     // a changed national-platform record (new version)
};
absl::string_view PermitTransitionName(PermitTransition transition);

// The state machine: the state after `transition` from `from`, or FAILED_PRECONDITION
// naming the state the transition needs. Only the state: the time-dependent conditions
// (validity not yet ended, ...) are checked by the functions below.
absl::StatusOr<PermitState> NextState(PermitState from, PermitTransition transition);

// A new draft for `holder` (limits may be empty; they are checked when given).
// Validity and limits are checked by the caller (ValidateValidity, ValidateLimits); the
// outlets against the holder here, naming `limits_field`.
absl::StatusOr<Permit> NewDraft(const PermitNumber& number, const PermitHolder& holder,
                                absl::CivilDay valid_from, absl::CivilDay valid_until,
                                std::vector<PermitLimit> limits, std::string issuing_authority,
                                absl::string_view limits_field);

// Edits of a draft; unset fields stay.
struct DraftPatch {
  std::optional<absl::CivilDay> valid_from;
  std::optional<absl::CivilDay> valid_until;
  std::optional<std::vector<PermitLimit>> limits;
};
// The patch's limits are validated by the caller; `field` prefixes errors ("permit").
absl::StatusOr<PermitEdit> EditDraft(const Permit& permit, const PermitHolder& holder,
                                     DraftPatch patch, absl::string_view field);

// Puts a draft in force as version 1. The version takes effect at the later of `now` (the
// decision) and the start of valid_from; issue_time is `now`. FAILED_PRECONDITION without
// limits, when validity has already ended, or when the site or one of the outlets already
// has a permit in force.
absl::StatusOr<PermitEdit> Issue(const Permit& permit, const PermitHolder& holder, absl::Time now);

// A new version with new limits (变更) from `effective_time` (default `now`), which must not
// be before the latest version's and must fall within validity. In force only.
// `limits` are validated by the caller and must not be empty.
absl::StatusOr<PermitEdit> Change(const Permit& permit, const PermitHolder& holder,
                                  std::vector<PermitLimit> limits,
                                  std::optional<absl::Time> effective_time, std::string note,
                                  absl::Time now);

// A new version extending validity to `valid_until` (延续), which must be after the current
// last day; limits carry over. Effective at `now` (or the latest version's effective time
// when that is later). In force and not yet past validity only.
absl::StatusOr<PermitEdit> Renew(const Permit& permit, absl::CivilDay valid_until, std::string note,
                                 absl::Time now);

// Withdraws (撤销) or revokes (吊销) from `now`. In force only.
absl::StatusOr<PermitEdit> Revoke(const Permit& permit, std::string reason, std::string case_name,
                                  absl::Time now);

// Cancels (注销): a draft that will not be issued, a permit in force (unit closed), or one
// that expired or was revoked. end_time is kept when it had already ended.
absl::StatusOr<PermitEdit> Cancel(const Permit& permit, std::string reason, absl::Time now);

// Whether the permit is in force but its last day of validity has ended by `now`.
bool DueForExpiry(const Permit& permit, absl::Time now);
// In force → expired, end_time = the end of the last day of validity.
// FAILED_PRECONDITION when not DueForExpiry.
absl::StatusOr<PermitEdit> Expire(const Permit& permit, absl::Time now);

// A permit record of the national permit platform.
struct ImportRecord {
  PermitNumber number;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
  std::vector<PermitLimit> limits;  // Validated.
  absl::Time issue_time;            // On the platform; the request's or now.
};
// Whether `permit` already says what `record` says (validity and limits, in any order).
bool SameRecord(const Permit& permit, const ImportRecord& record);
// The permit an import creates: in force as version 1 (or expired at once when its
// validity has already ended by `now`).
absl::StatusOr<PermitEdit> ImportNew(const ImportRecord& record, const PermitHolder& holder,
                                     std::string issuing_authority, absl::Time now);
// Applies a record to an existing permit: nullopt when it changes nothing, a new version
// when it does. FAILED_PRECONDITION for a draft, a permit issued by the bureau, or one no
// longer in force.
absl::StatusOr<std::optional<PermitEdit>> ImportExisting(const Permit& permit,
                                                         const PermitHolder& holder,
                                                         const ImportRecord& record,
                                                         absl::Time now);

// --- Which version applies when --------------------------------------------------------

struct VersionSpan {
  int version = 0;
  absl::Time effective_time;
  absl::CivilDay valid_until;
};
// The version whose limits apply at `t`: the latest version (highest number) with
// effective_time <= t, provided t is before the end of its validity and before the
// permit's end_time. nullopt when no version applies. Storage's limit-in-force query is
// the same rule in SQL.
std::optional<int> VersionAt(const std::vector<VersionSpan>& versions,
                             std::optional<absl::Time> end_time, absl::Time t);

// Whole days from `today` to the last day of validity; negative once past.
int DaysToExpiry(absl::CivilDay valid_until, absl::CivilDay today);

// For an enterprise's status: its permits in force (by number), then for each other site
// the most recently ended permit. Drafts are left out.
std::vector<Permit> SitePermits(std::vector<Permit> permits);

}  // namespace ecocase::domain
