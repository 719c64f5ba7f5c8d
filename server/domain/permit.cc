#include "domain/permit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/regulatory_time.h"
#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

template <typename E>
struct NameRow {
  E value;
  absl::string_view name;
};

constexpr NameRow<PermitState> kStateNames[] = {
    {PermitState::kDraft, "DRAFT"},         {PermitState::kInForce, "IN_FORCE"},
    {PermitState::kExpired, "EXPIRED"},     {PermitState::kRevoked, "REVOKED"},
    {PermitState::kCancelled, "CANCELLED"},
};
constexpr NameRow<PermitSource> kSourceNames[] = {
    {PermitSource::kBureau, "BUREAU"},
    {PermitSource::kNationalPlatform, "NATIONAL_PLATFORM"},
};
constexpr NameRow<AveragingWindow> kWindowNames[] = {
    {AveragingWindow::kHour, "HOUR"},
    {AveragingWindow::kDay, "DAY"},
};
constexpr NameRow<VersionReason> kReasonNames[] = {
    {VersionReason::kIssue, "ISSUE"},
    {VersionReason::kChange, "CHANGE"},
    {VersionReason::kRenewal, "RENEWAL"},
    {VersionReason::kImport, "IMPORT"},
};
constexpr NameRow<PermitTransition> kTransitionNames[] = {
    {PermitTransition::kEditDraft, "edit"}, {PermitTransition::kIssue, "issue"},
    {PermitTransition::kChange, "change"},  {PermitTransition::kRenew, "renew"},
    {PermitTransition::kExpire, "expire"},  {PermitTransition::kRevoke, "revoke"},
    {PermitTransition::kCancel, "cancel"},  {PermitTransition::kImport, "import"},
};

template <typename E, size_t N>
absl::string_view NameOf(const NameRow<E> (&rows)[N], E value, absl::string_view fallback) {
  for (const auto& row : rows) {
    if (row.value == value) return row.name;
  }
  return fallback;
}

template <typename E, size_t N>
std::optional<E> ValueOf(const NameRow<E> (&rows)[N], absl::string_view name) {
  for (const auto& row : rows) {
    if (row.name == name) return row.value;
  }
  return std::nullopt;
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string EnterpriseName(absl::string_view uscc) { return absl::StrCat("enterprises/", uscc); }

absl::StatusOr<std::string> UsccInName(absl::string_view text, absl::string_view field) {
  auto uscc = NormalizeUscc(text);
  if (!uscc.ok()) {
    return common::InvalidFieldError(
        field,
        absl::StrCat("names no valid unified social credit code: ", uscc.status().message()));
  }
  return *uscc;
}

constexpr size_t kMaxLimits = 1000;
constexpr int kMaxTextLength = 500;
constexpr int kMaxStandardLength = 64;

// Code points of UTF-8 text, or -1 if it holds control characters.
int TextLength(absl::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return -1;
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::Status Precondition(absl::string_view message) {
  return absl::FailedPreconditionError(message);
}

// FAILED_PRECONDITION when the permit's validity has ended by `now` (it is in force only
// until the expiry sweep notices).
absl::Status CheckValidityNotEnded(const Permit& permit, absl::Time now, absl::string_view what) {
  if (now >= ValidityEnd(permit.valid_until)) {
    return Precondition(absl::StrCat("the permit's validity ended with ",
                                     absl::FormatCivilTime(permit.valid_until), "; it cannot be ",
                                     what, " any more"));
  }
  return absl::OkStatus();
}

// At most one permit in force per production site, and an outlet is limited by one permit
// in force only.
absl::Status CheckInForceConflicts(const Permit& permit, const PermitHolder& holder,
                                   const std::vector<PermitLimit>& limits) {
  for (const PermitHolder::InForce& other : holder.in_force) {
    if (other.permit_number == permit.permit_number) continue;
    if (other.site_sequence == permit.site_sequence) {
      return Precondition(absl::StrCat("site ", permit.site_sequence, " of ",
                                       EnterpriseName(holder.uscc),
                                       " already has a permit in force: ", other.permit_number));
    }
    for (const PermitLimit& limit : limits) {
      if (std::find(other.outlet_codes.begin(), other.outlet_codes.end(), limit.outlet_code) !=
          other.outlet_codes.end()) {
        return Precondition(absl::StrCat("outlet ", limit.outlet_code,
                                         " is already limited by permit ", other.permit_number,
                                         " in force: the permits would overlap"));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<PermitLimit> Sorted(std::vector<PermitLimit> limits) {
  std::sort(limits.begin(), limits.end(), [](const PermitLimit& a, const PermitLimit& b) {
    return std::tie(a.outlet_code, a.pollutant_code) < std::tie(b.outlet_code, b.pollutant_code);
  });
  return limits;
}

absl::Status CheckHolder(const PermitNumber& number, const PermitHolder& holder) {
  if (number.uscc != holder.uscc) {
    return absl::InternalError("permit number and holder disagree");  // Callers check first.
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view PermitStateName(PermitState state) {
  return NameOf(kStateNames, state, "UNSPECIFIED");
}
std::optional<PermitState> PermitStateFromName(absl::string_view name) {
  return ValueOf(kStateNames, name);
}
absl::string_view PermitSourceName(PermitSource source) {
  return NameOf(kSourceNames, source, "UNSPECIFIED");
}
std::optional<PermitSource> PermitSourceFromName(absl::string_view name) {
  return ValueOf(kSourceNames, name);
}
absl::string_view AveragingWindowName(AveragingWindow window) {
  return NameOf(kWindowNames, window, "UNSPECIFIED");
}
std::optional<AveragingWindow> AveragingWindowFromName(absl::string_view name) {
  return ValueOf(kWindowNames, name);
}
absl::string_view VersionReasonName(VersionReason reason) {
  return NameOf(kReasonNames, reason, "UNSPECIFIED");
}
std::optional<VersionReason> VersionReasonFromName(absl::string_view name) {
  return ValueOf(kReasonNames, name);
}
absl::string_view PermitTransitionName(PermitTransition transition) {
  return NameOf(kTransitionNames, transition, "unknown");
}

std::string Permit::ResourceName() const { return PermitName(enterprise_uscc, permit_number); }

// --- Names and codes -------------------------------------------------------------------

absl::StatusOr<PermitNumber> ParsePermitNumber(absl::string_view text, absl::string_view field) {
  std::string n;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    n.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (n.empty()) return common::InvalidFieldError(field, "is required");
  if (n.size() != 22) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be 22 characters (HJ 608-2017): the holder's unified social "
                            "credit code, a 3-digit site sequence and P; has ",
                            n.size()));
  }
  auto uscc = NormalizeUscc(n.substr(0, 18));
  if (!uscc.ok()) {
    return common::InvalidFieldError(
        field, absl::StrCat("the first 18 characters must be the holder's unified social credit "
                            "code: ",
                            uscc.status().message()));
  }
  std::string site = n.substr(18, 3);
  if (!AllDigits(site) || site == "000") {
    return common::InvalidFieldError(
        field, "characters 19-21 must be the site sequence 001-999 (HJ 608-2017)");
  }
  if (n[21] != 'P') {
    return common::InvalidFieldError(
        field, absl::StrCat("must end in P (a permit); ", std::string(1, n[21]),
                            " numbers are other records (W: 排污登记)"));
  }
  return PermitNumber{n, *uscc, site};
}

std::string PermitName(absl::string_view uscc, absl::string_view permit_number) {
  return absl::StrCat("enterprises/", uscc, "/permits/", permit_number);
}

absl::StatusOr<PermitKey> ParsePermitName(absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "enterprises" || parts[2] != "permits") {
    return common::InvalidFieldError(field, "must be `enterprises/{uscc}/permits/{permit_number}`");
  }
  auto uscc = UsccInName(parts[1], field);
  if (!uscc.ok()) return uscc.status();
  auto number = ParsePermitNumber(parts[3], field);
  if (!number.ok()) return number.status();
  if (number->uscc != *uscc) {
    return common::InvalidFieldError(
        field, "the permit number does not begin with the enterprise's unified social credit code");
  }
  return PermitKey{*uscc, number->number};
}

absl::Status ValidatePollutantCode(absl::string_view code, absl::string_view field) {
  if (code.empty()) return common::InvalidFieldError(field, "is required");
  if (!IsHj212FactorCode(code)) {
    return common::InvalidFieldError(
        field, "must be an HJ 212 factor code: a or w and 5 digits, e.g. a21026");
  }
  return absl::OkStatus();
}

// --- Validation ------------------------------------------------------------------------

absl::Status ValidateLimits(std::vector<PermitLimit>& limits, absl::string_view field) {
  if (limits.size() > kMaxLimits) {
    return common::InvalidFieldError(field, absl::StrCat("at most ", kMaxLimits, " limits"));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < limits.size(); ++i) {
    PermitLimit& l = limits[i];
    auto f = [&](absl::string_view name) { return absl::StrCat(field, "[", i, "].", name); };
    l.outlet_code = absl::AsciiStrToUpper(l.outlet_code);
    if (!IsHj608OutletCode(l.outlet_code)) {
      return common::InvalidFieldError(
          f("outlet_code"),
          "must be D, A (air) or W (water) and 3 digits, e.g. DA001 (HJ 608-2017)");
    }
    if (!IsHj212FactorCode(l.pollutant_code)) {
      return common::InvalidFieldError(
          f("pollutant_code"), "must be an HJ 212 factor code: a or w and 5 digits, e.g. a21026");
    }
    const bool air = l.pollutant_code[0] == 'a';
    if (air != (l.outlet_code[1] == 'A')) {
      return common::InvalidFieldError(
          f("pollutant_code"),
          absl::StrCat(air ? "an air pollutant" : "a water pollutant", " cannot be limited at ",
                       air ? "water outlet " : "air outlet ", l.outlet_code));
    }
    if (!std::isfinite(l.concentration_limit) || l.concentration_limit <= 0) {
      return common::InvalidFieldError(f("concentration_limit"), "must be greater than 0");
    }
    const std::string unit(absl::StripAsciiWhitespace(l.concentration_unit));
    if (l.pollutant_code == kPhFactorCode) {
      if (unit.empty() || unit == kUnitDimensionless || unit == "无量纲" || unit == "pH") {
        l.concentration_unit = std::string(kUnitDimensionless);
      } else {
        return common::InvalidFieldError(f("concentration_unit"),
                                         "must be dimensionless for pH (w01001)");
      }
      if (l.concentration_limit > 14) {
        return common::InvalidFieldError(f("concentration_limit"), "a pH is at most 14");
      }
    } else if (air) {
      if (unit != kUnitAir && unit != "mg/m³") {
        return common::InvalidFieldError(f("concentration_unit"),
                                         "must be mg/m3 for an air pollutant");
      }
      l.concentration_unit = std::string(kUnitAir);
    } else {
      if (unit != kUnitWater && unit != "mg/l") {
        return common::InvalidFieldError(f("concentration_unit"),
                                         "must be mg/L for a water pollutant");
      }
      l.concentration_unit = std::string(kUnitWater);
    }
    if (l.averaging_window == AveragingWindow::kUnspecified) {
      return common::InvalidFieldError(f("averaging_window"), "is required (hour or day)");
    }
    if (l.reference_o2_percent.has_value()) {
      if (!air) {
        return common::InvalidFieldError(f("reference_o2_percent"),
                                         "applies to air pollutants only");
      }
      double o2 = *l.reference_o2_percent;
      if (!std::isfinite(o2) || o2 < 0 || o2 >= 21) {
        return common::InvalidFieldError(f("reference_o2_percent"),
                                         "must be at least 0 and below 21 (percent)");
      }
    }
    if (l.annual_mass_limit_t.has_value() &&
        (!std::isfinite(*l.annual_mass_limit_t) || *l.annual_mass_limit_t < 0)) {
      return common::InvalidFieldError(f("annual_mass_limit_t"), "must not be negative");
    }
    int standard = TextLength(l.standard);
    if (standard < 0 || standard > kMaxStandardLength) {
      return common::InvalidFieldError(f("standard"),
                                       absl::StrCat("must be at most ", kMaxStandardLength,
                                                    " characters without control characters"));
    }
    if (!seen.insert({l.outlet_code, l.pollutant_code}).second) {
      return common::InvalidFieldError(
          f("pollutant_code"),
          absl::StrCat(l.pollutant_code, " at ", l.outlet_code,
                       " is limited twice; one limit per outlet and pollutant"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLimitOutlets(const std::vector<PermitLimit>& limits, const PermitHolder& holder,
                               absl::string_view field) {
  for (size_t i = 0; i < limits.size(); ++i) {
    const std::string& code = limits[i].outlet_code;
    if (!std::binary_search(holder.outlet_codes.begin(), holder.outlet_codes.end(), code)) {
      return Precondition(absl::StrCat(field, "[", i, "].outlet_code: outlet ", code,
                                       " is not registered for ", EnterpriseName(holder.uscc),
                                       "; register it first"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateValidity(absl::CivilDay valid_from, absl::CivilDay valid_until,
                              absl::string_view field) {
  if (valid_until < valid_from) {
    return common::InvalidFieldError(absl::StrCat(field, ".valid_until"),
                                     "must not be before valid_from");
  }
  return absl::OkStatus();
}

absl::Time ValidityEnd(absl::CivilDay valid_until) {
  return common::FromRegulatory(absl::CivilSecond(valid_until + 1));
}

absl::Time ValidityStart(absl::CivilDay valid_from) {
  return common::FromRegulatory(absl::CivilSecond(valid_from));
}

absl::Status ValidateText(absl::string_view text, absl::string_view field, bool required) {
  int n = TextLength(text);
  if (n < 0) return common::InvalidFieldError(field, "must not contain control characters");
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    return common::InvalidFieldError(field, "is required");
  }
  if (n > kMaxTextLength) {
    return common::InvalidFieldError(
        field, absl::StrCat("must be at most ", kMaxTextLength, " characters"));
  }
  return absl::OkStatus();
}

// --- Lifecycle -------------------------------------------------------------------------

absl::StatusOr<PermitState> NextState(PermitState from, PermitTransition transition) {
  auto refuse = [&](absl::string_view needs) -> absl::Status {
    return Precondition(absl::StrCat("cannot ", PermitTransitionName(transition),
                                     " a permit that is ", PermitStateName(from), ": ", needs));
  };
  switch (transition) {
    case PermitTransition::kEditDraft:
      if (from == PermitState::kDraft) return PermitState::kDraft;
      return refuse("only a draft can be edited; an issued permit changes by ChangePermit");
    case PermitTransition::kIssue:
      if (from == PermitState::kDraft) return PermitState::kInForce;
      return refuse("only a draft can be issued");
    case PermitTransition::kChange:
      if (from == PermitState::kInForce) return PermitState::kInForce;
      return refuse("only a permit in force can be changed");
    case PermitTransition::kRenew:
      if (from == PermitState::kInForce) return PermitState::kInForce;
      return refuse("only a permit in force can be renewed (apply before it expires)");
    case PermitTransition::kExpire:
      if (from == PermitState::kInForce) return PermitState::kExpired;
      return refuse("only a permit in force expires");
    case PermitTransition::kRevoke:
      if (from == PermitState::kInForce) return PermitState::kRevoked;
      return refuse("only a permit in force can be revoked");
    case PermitTransition::kCancel:
      if (from != PermitState::kCancelled) return PermitState::kCancelled;
      return refuse("it is already cancelled");
    case PermitTransition::kImport:
      if (from == PermitState::kInForce) return PermitState::kInForce;
      return refuse("a changed platform record applies to a permit in force only");
  }
  return absl::InternalError("unknown permit transition");
}

absl::StatusOr<Permit> NewDraft(const PermitNumber& number, const PermitHolder& holder,
                                absl::CivilDay valid_from, absl::CivilDay valid_until,
                                std::vector<PermitLimit> limits, std::string issuing_authority,
                                absl::string_view limits_field) {
  if (number.uscc != holder.uscc) {
    return absl::InvalidArgumentError("the permit number is not of this enterprise");
  }
  if (absl::Status s = CheckLimitOutlets(limits, holder, limits_field); !s.ok()) return s;
  Permit p;
  p.enterprise_id = holder.enterprise_id;
  p.permit_number = number.number;
  p.enterprise_uscc = holder.uscc;
  p.site_sequence = number.site_sequence;
  p.state = PermitState::kDraft;
  p.source = PermitSource::kBureau;
  p.valid_from = valid_from;
  p.valid_until = valid_until;
  p.issuing_authority = std::move(issuing_authority);
  p.limits = Sorted(std::move(limits));
  p.holder_name = holder.display_name;
  p.holder_district_code = holder.district_code;
  return p;
}

absl::StatusOr<PermitEdit> EditDraft(const Permit& permit, const PermitHolder& holder,
                                     DraftPatch patch, absl::string_view field) {
  auto next = NextState(permit.state, PermitTransition::kEditDraft);
  if (!next.ok()) return next.status();
  PermitEdit edit{permit, std::nullopt, false};
  if (patch.valid_from.has_value()) edit.permit.valid_from = *patch.valid_from;
  if (patch.valid_until.has_value()) edit.permit.valid_until = *patch.valid_until;
  if (absl::Status s = ValidateValidity(edit.permit.valid_from, edit.permit.valid_until, field);
      !s.ok()) {
    return s;
  }
  if (patch.limits.has_value()) {
    std::string limits_field = absl::StrCat(field, ".limits");
    if (absl::Status s = CheckLimitOutlets(*patch.limits, holder, limits_field); !s.ok()) return s;
    edit.permit.limits = Sorted(std::move(*patch.limits));
    edit.rewrite_draft_limits = true;
  }
  return edit;
}

absl::StatusOr<PermitEdit> Issue(const Permit& permit, const PermitHolder& holder, absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kIssue);
  if (!next.ok()) return next.status();
  if (permit.limits.empty()) {
    return Precondition(
        "a permit without limits cannot be issued: add its limits with UpdatePermit first");
  }
  if (absl::Status s = CheckValidityNotEnded(permit, now, "issued"); !s.ok()) return s;
  if (absl::Status s = CheckLimitOutlets(permit.limits, holder, "limits"); !s.ok()) return s;
  if (absl::Status s = CheckInForceConflicts(permit, holder, permit.limits); !s.ok()) return s;
  PermitEdit edit{permit, std::nullopt, false};
  Permit& p = edit.permit;
  const absl::Time effective = std::max(now, ValidityStart(permit.valid_from));
  p.state = *next;
  p.issue_time = now;
  p.current_version = 1;
  p.current_effective_time = effective;
  edit.new_version =
      PermitVersion{1, effective, VersionReason::kIssue, p.valid_until, "", p.limits, now};
  return edit;
}

absl::StatusOr<PermitEdit> Change(const Permit& permit, const PermitHolder& holder,
                                  std::vector<PermitLimit> limits,
                                  std::optional<absl::Time> effective_time, std::string note,
                                  absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kChange);
  if (!next.ok()) return next.status();
  if (absl::Status s = CheckValidityNotEnded(permit, now, "changed"); !s.ok()) return s;
  if (limits.empty()) {
    return Precondition("a permit in force needs limits: a change must name at least one");
  }
  if (absl::Status s = CheckLimitOutlets(limits, holder, "limits"); !s.ok()) return s;
  if (absl::Status s = CheckInForceConflicts(permit, holder, limits); !s.ok()) return s;
  const absl::Time effective = effective_time.value_or(now);
  if (permit.current_effective_time.has_value() && effective < *permit.current_effective_time) {
    return Precondition(absl::StrCat(
        "effective_time is before the effective time of version ", permit.current_version, " (",
        absl::FormatTime(*permit.current_effective_time, absl::UTCTimeZone()),
        "): versions follow each other"));
  }
  if (effective >= ValidityEnd(permit.valid_until)) {
    return Precondition("effective_time is after the permit's validity ends");
  }
  PermitEdit edit{permit, std::nullopt, false};
  Permit& p = edit.permit;
  p.limits = Sorted(std::move(limits));
  p.current_version = permit.current_version + 1;
  p.current_effective_time = effective;
  edit.new_version = PermitVersion{
      p.current_version, effective, VersionReason::kChange, p.valid_until, std::move(note),
      p.limits,          now};
  return edit;
}

absl::StatusOr<PermitEdit> Renew(const Permit& permit, absl::CivilDay valid_until, std::string note,
                                 absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kRenew);
  if (!next.ok()) return next.status();
  if (absl::Status s = CheckValidityNotEnded(permit, now, "renewed"); !s.ok()) return s;
  if (valid_until <= permit.valid_until) {
    return Precondition(absl::StrCat("valid_until must be after the current last day of validity ",
                                     absl::FormatCivilTime(permit.valid_until),
                                     ": a renewal extends validity"));
  }
  PermitEdit edit{permit, std::nullopt, false};
  Permit& p = edit.permit;
  absl::Time effective = now;
  if (permit.current_effective_time.has_value()) {
    effective = std::max(effective, *permit.current_effective_time);
  }
  p.valid_until = valid_until;
  p.current_version = permit.current_version + 1;
  p.current_effective_time = effective;
  edit.new_version = PermitVersion{
      p.current_version, effective, VersionReason::kRenewal, valid_until, std::move(note),
      p.limits,          now};
  return edit;
}

absl::StatusOr<PermitEdit> Revoke(const Permit& permit, std::string reason, std::string case_name,
                                  absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kRevoke);
  if (!next.ok()) return next.status();
  if (absl::Status s = CheckValidityNotEnded(permit, now, "revoked"); !s.ok()) return s;
  PermitEdit edit{permit, std::nullopt, false};
  edit.permit.state = *next;
  edit.permit.end_time = now;
  edit.permit.end_reason = std::move(reason);
  edit.permit.case_name = std::move(case_name);
  return edit;
}

absl::StatusOr<PermitEdit> Cancel(const Permit& permit, std::string reason, absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kCancel);
  if (!next.ok()) return next.status();
  PermitEdit edit{permit, std::nullopt, false};
  edit.permit.state = *next;
  edit.permit.end_reason = std::move(reason);
  if (permit.state == PermitState::kInForce) {
    // In force until now, or until its validity ended if the sweep has not run yet.
    edit.permit.end_time = std::min(now, ValidityEnd(permit.valid_until));
  }
  return edit;
}

bool DueForExpiry(const Permit& permit, absl::Time now) {
  return permit.state == PermitState::kInForce && now >= ValidityEnd(permit.valid_until);
}

absl::StatusOr<PermitEdit> Expire(const Permit& permit, absl::Time now) {
  auto next = NextState(permit.state, PermitTransition::kExpire);
  if (!next.ok()) return next.status();
  if (!DueForExpiry(permit, now)) {
    return Precondition(absl::StrCat("the permit is valid until ",
                                     absl::FormatCivilTime(permit.valid_until),
                                     " inclusive: not yet expired"));
  }
  PermitEdit edit{permit, std::nullopt, false};
  edit.permit.state = *next;
  edit.permit.end_time = ValidityEnd(permit.valid_until);
  return edit;
}

bool SameRecord(const Permit& permit, const ImportRecord& record) {
  return permit.valid_from == record.valid_from && permit.valid_until == record.valid_until &&
         Sorted(permit.limits) == Sorted(record.limits);
}

absl::StatusOr<PermitEdit> ImportNew(const ImportRecord& record, const PermitHolder& holder,
                                     std::string issuing_authority, absl::Time now) {
  if (absl::Status s = CheckHolder(record.number, holder); !s.ok()) return s;
  if (record.limits.empty()) {
    return Precondition("a permit without limits cannot be put in force: the record has none");
  }
  auto draft = NewDraft(record.number, holder, record.valid_from, record.valid_until, record.limits,
                        std::move(issuing_authority), "permit.limits");
  if (!draft.ok()) return draft.status();
  PermitEdit edit{*std::move(draft), std::nullopt, false};
  Permit& p = edit.permit;
  p.source = PermitSource::kNationalPlatform;
  const absl::Time effective = std::max(record.issue_time, ValidityStart(record.valid_from));
  p.issue_time = record.issue_time;
  p.current_version = 1;
  p.current_effective_time = effective;
  if (now >= ValidityEnd(record.valid_until)) {
    // A record whose validity has already ended is history: kept for the limits it set.
    p.state = PermitState::kExpired;
    p.end_time = ValidityEnd(record.valid_until);
  } else {
    if (absl::Status s = CheckInForceConflicts(p, holder, p.limits); !s.ok()) return s;
    p.state = PermitState::kInForce;
  }
  edit.new_version =
      PermitVersion{1, effective, VersionReason::kImport, p.valid_until, "", p.limits, now};
  return edit;
}

absl::StatusOr<std::optional<PermitEdit>> ImportExisting(const Permit& permit,
                                                         const PermitHolder& holder,
                                                         const ImportRecord& record,
                                                         absl::Time now) {
  if (permit.state == PermitState::kDraft) {
    return Precondition(
        "a draft prepared by the bureau holds this permit number; issue or cancel it first");
  }
  const bool same = SameRecord(permit, record);
  if (permit.source == PermitSource::kBureau) {
    if (same) return std::optional<PermitEdit>();
    return Precondition(
        "the permit was issued by the bureau through ecocase: change it with ChangePermit or "
        "RenewPermit, not by import");
  }
  if (same) return std::optional<PermitEdit>();
  auto next = NextState(permit.state, PermitTransition::kImport);
  if (!next.ok()) return next.status();
  if (record.limits.empty()) {
    return Precondition("a permit in force needs limits: the record has none");
  }
  if (absl::Status s = CheckLimitOutlets(record.limits, holder, "permit.limits"); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckInForceConflicts(permit, holder, record.limits); !s.ok()) return s;
  // The platform's time of the change, unless it is not after our latest version's: then
  // we only know of it from now (a version never replaces the one before it retroactively).
  absl::Time effective = std::max(record.issue_time, ValidityStart(record.valid_from));
  if (permit.current_effective_time.has_value() && effective <= *permit.current_effective_time) {
    effective = std::max(now, *permit.current_effective_time);
  }
  PermitEdit edit{permit, std::nullopt, false};
  Permit& p = edit.permit;
  p.valid_from = record.valid_from;
  p.valid_until = record.valid_until;
  p.limits = Sorted(record.limits);
  p.current_version = permit.current_version + 1;
  p.current_effective_time = effective;
  edit.new_version = PermitVersion{
      p.current_version, effective, VersionReason::kImport, p.valid_until, "", p.limits, now};
  return std::optional<PermitEdit>(std::move(edit));
}

// --- Which version applies when --------------------------------------------------------

std::optional<int> VersionAt(const std::vector<VersionSpan>& versions,
                             std::optional<absl::Time> end_time, absl::Time t) {
  const VersionSpan* latest = nullptr;
  for (const VersionSpan& v : versions) {
    if (v.effective_time <= t && (latest == nullptr || v.version > latest->version)) latest = &v;
  }
  if (latest == nullptr) return std::nullopt;
  if (t >= ValidityEnd(latest->valid_until)) return std::nullopt;
  if (end_time.has_value() && t >= *end_time) return std::nullopt;
  return latest->version;
}

int DaysToExpiry(absl::CivilDay valid_until, absl::CivilDay today) {
  return static_cast<int>(valid_until - today);
}

std::vector<Permit> SitePermits(std::vector<Permit> permits) {
  std::map<std::string, const Permit*> in_force;
  std::map<std::string, const Permit*> ended;
  for (const Permit& p : permits) {
    if (p.state == PermitState::kDraft || p.current_version == 0) continue;
    if (p.state == PermitState::kInForce) {
      in_force[p.permit_number] = &p;
      continue;
    }
    const Permit*& best = ended[p.site_sequence];
    auto end = [](const Permit* x) { return x->end_time.value_or(absl::InfinitePast()); };
    if (best == nullptr || end(&p) > end(best)) best = &p;
  }
  std::set<std::string> sites_in_force;
  std::vector<Permit> out;
  for (const auto& [number, p] : in_force) {
    sites_in_force.insert(p->site_sequence);
    out.push_back(*p);
  }
  std::vector<Permit> rest;
  for (const auto& [site, p] : ended) {
    if (!sites_in_force.contains(site)) rest.push_back(*p);
  }
  std::sort(rest.begin(), rest.end(),
            [](const Permit& a, const Permit& b) { return a.permit_number < b.permit_number; });
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace ecocase::domain
