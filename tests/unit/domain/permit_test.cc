#include "domain/permit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "testing/status_matchers.h"
#include "testing/uscc.h"

namespace ecocase::domain {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::HasSubstr;

using ::ecocase::testing::ValidUscc;

const std::string kUscc = ValidUscc("91410802MA45ABCD1");
const std::string kNumber1 = kUscc + "001P";
const std::string kNumber2 = kUscc + "002P";

// The Asia/Shanghai instant of a civil time.
absl::Time Shanghai(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::FixedTimeZone(8 * 3600));
}

std::string FieldOf(const absl::Status& s) {
  auto payload = s.GetPayload(common::kFieldPayload);
  return payload.has_value() ? std::string(*payload) : "";
}

PermitLimit So2(double limit = 35) {
  PermitLimit l;
  l.outlet_code = "DA001";
  l.pollutant_code = "a21026";
  l.concentration_limit = limit;
  l.concentration_unit = "mg/m3";
  l.averaging_window = AveragingWindow::kHour;
  l.reference_o2_percent = 6;
  l.annual_mass_limit_t = 120.5;
  l.standard = "GB 13223-2011";
  return l;
}

PermitLimit Cod() {
  PermitLimit l;
  l.outlet_code = "DW001";
  l.pollutant_code = "w01018";
  l.concentration_limit = 50;
  l.concentration_unit = "mg/L";
  l.averaging_window = AveragingWindow::kDay;
  return l;
}

PermitHolder Holder() {
  PermitHolder h;
  h.enterprise_id = 7;
  h.uscc = kUscc;
  h.display_name = "焦作市测试热电有限公司";
  h.district_code = "410802";
  h.outlet_codes = {"DA001", "DA002", "DW001"};
  return h;
}

PermitNumber Number(const std::string& n) { return ParsePermitNumber(n, "permit_number").value(); }

Permit Draft(std::vector<PermitLimit> limits = {So2()}) {
  return NewDraft(Number(kNumber1), Holder(), absl::CivilDay(2026, 3, 1),
                  absl::CivilDay(2031, 2, 28), std::move(limits), "焦作市生态环境局",
                  "permit.limits")
      .value();
}

Permit Issued(absl::Time now = Shanghai(2026, 3, 2, 9)) {
  Permit p = Draft();
  return Issue(p, Holder(), now).value().permit;
}

// --- State machine ---------------------------------------------------------------------

TEST(PermitStateMachineTest, EveryStateAndTransition) {
  using S = PermitState;
  using T = PermitTransition;
  const std::optional<S> kNo;  // FAILED_PRECONDITION.
  struct Row {
    S from;
    T transition;
    std::optional<S> to;
  };
  const Row kTable[] = {
      {S::kDraft, T::kEditDraft, S::kDraft},
      {S::kDraft, T::kIssue, S::kInForce},
      {S::kDraft, T::kChange, kNo},
      {S::kDraft, T::kRenew, kNo},
      {S::kDraft, T::kExpire, kNo},
      {S::kDraft, T::kRevoke, kNo},
      {S::kDraft, T::kCancel, S::kCancelled},
      {S::kDraft, T::kImport, kNo},

      {S::kInForce, T::kEditDraft, kNo},
      {S::kInForce, T::kIssue, kNo},
      {S::kInForce, T::kChange, S::kInForce},
      {S::kInForce, T::kRenew, S::kInForce},
      {S::kInForce, T::kExpire, S::kExpired},
      {S::kInForce, T::kRevoke, S::kRevoked},
      {S::kInForce, T::kCancel, S::kCancelled},
      {S::kInForce, T::kImport, S::kInForce},

      {S::kExpired, T::kEditDraft, kNo},
      {S::kExpired, T::kIssue, kNo},
      {S::kExpired, T::kChange, kNo},
      {S::kExpired, T::kRenew, kNo},
      {S::kExpired, T::kExpire, kNo},
      {S::kExpired, T::kRevoke, kNo},
      {S::kExpired, T::kCancel, S::kCancelled},
      {S::kExpired, T::kImport, kNo},

      {S::kRevoked, T::kEditDraft, kNo},
      {S::kRevoked, T::kIssue, kNo},
      {S::kRevoked, T::kChange, kNo},
      {S::kRevoked, T::kRenew, kNo},
      {S::kRevoked, T::kExpire, kNo},
      {S::kRevoked, T::kRevoke, kNo},
      {S::kRevoked, T::kCancel, S::kCancelled},
      {S::kRevoked, T::kImport, kNo},

      {S::kCancelled, T::kEditDraft, kNo},
      {S::kCancelled, T::kIssue, kNo},
      {S::kCancelled, T::kChange, kNo},
      {S::kCancelled, T::kRenew, kNo},
      {S::kCancelled, T::kExpire, kNo},
      {S::kCancelled, T::kRevoke, kNo},
      {S::kCancelled, T::kCancel, kNo},
      {S::kCancelled, T::kImport, kNo},
  };
  EXPECT_EQ(std::size(kTable), 5u * 8u);
  for (const Row& row : kTable) {
    SCOPED_TRACE(
        absl::StrCat(PermitStateName(row.from), " ", PermitTransitionName(row.transition)));
    auto next = NextState(row.from, row.transition);
    if (row.to.has_value()) {
      ASSERT_THAT(next, IsOk());
      EXPECT_EQ(*next, *row.to);
    } else {
      EXPECT_THAT(next, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 HasSubstr(std::string(PermitStateName(row.from)))));
    }
  }
}

TEST(PermitStateMachineTest, RefusalNamesWhatIsNeeded) {
  EXPECT_THAT(NextState(PermitState::kRevoked, PermitTransition::kChange),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("only a permit in force can be changed")));
  EXPECT_THAT(NextState(PermitState::kInForce, PermitTransition::kEditDraft),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ChangePermit")));
}

TEST(PermitStateMachineTest, NamesRoundTrip) {
  for (PermitState s : {PermitState::kDraft, PermitState::kInForce, PermitState::kExpired,
                        PermitState::kRevoked, PermitState::kCancelled}) {
    EXPECT_EQ(PermitStateFromName(PermitStateName(s)), s);
  }
  EXPECT_EQ(PermitStateFromName("ACTIVE"), std::nullopt);
  EXPECT_EQ(AveragingWindowFromName("HOUR"), AveragingWindow::kHour);
  EXPECT_EQ(VersionReasonFromName(VersionReasonName(VersionReason::kRenewal)),
            VersionReason::kRenewal);
}

// --- Numbers and names -----------------------------------------------------------------

TEST(PermitNumberTest, Hj608Form) {
  auto n = ParsePermitNumber(kNumber1, "permit.permit_number");
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(n->number, kNumber1);
  EXPECT_EQ(n->uscc, kUscc);
  EXPECT_EQ(n->site_sequence, "001");
  // Lower case and spaces are normalised.
  std::string lower = absl::AsciiStrToLower(kUscc) + " 002p";
  EXPECT_EQ(ParsePermitNumber(lower, "f").value().number, kNumber2);
}

TEST(PermitNumberTest, BadNumbersNameTheField) {
  std::string bad_check = kUscc;
  bad_check[17] = bad_check[17] == '0' ? '1' : '0';
  const std::string kBad[] = {
      "",
      kUscc + "01P",       // Too short.
      bad_check + "001P",  // USCC check character.
      kUscc + "000P",      // No site 000.
      kUscc + "0A1P",      // Site must be digits.
      kUscc + "001W",      // 排污登记, not a permit.
  };
  for (const std::string& text : kBad) {
    SCOPED_TRACE(text);
    auto n = ParsePermitNumber(text, "permit.permit_number");
    EXPECT_THAT(n, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(n.status()), "permit.permit_number");
  }
  EXPECT_THAT(ParsePermitNumber(bad_check + "001P", "f"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("credit code")));
}

TEST(PermitNameTest, ParsesAndChecksTheHolder) {
  auto key = ParsePermitName(PermitName(kUscc, kNumber1), "name");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->uscc, kUscc);
  EXPECT_EQ(key->permit_number, kNumber1);
  std::string other = ValidUscc("91410802MA45ABCD2");
  EXPECT_THAT(ParsePermitName(PermitName(other, kNumber1), "name"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not begin")));
  EXPECT_THAT(ParsePermitName(absl::StrCat("enterprises/", kUscc, "/permit/", kNumber1), "name"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePermitName("", "name"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(UsccFromEnterpriseName("enterprises/" + kUscc, "parent").value(), kUscc);
  EXPECT_THAT(UsccFromEnterpriseName("enterprises/123", "parent"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  auto outlet =
      OutletRefFromName(absl::StrCat("enterprises/", kUscc, "/outlets/DA001"), "outlet");
  ASSERT_THAT(outlet, IsOk());
  EXPECT_EQ(outlet->code, "DA001");
  EXPECT_THAT(OutletRefFromName(absl::StrCat("enterprises/", kUscc, "/outlets/DX001"), "outlet"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Limits and validity -----------------------------------------------------------------

TEST(PermitLimitTest, ValidLimitsPassAndUnitsAreNormalised) {
  PermitLimit ph;
  ph.outlet_code = "dw001";
  ph.pollutant_code = "w01001";
  ph.concentration_limit = 9;
  ph.concentration_unit = "";
  ph.averaging_window = AveragingWindow::kDay;
  PermitLimit so2 = So2();
  so2.concentration_unit = "mg/m³";
  PermitLimit cod = Cod();
  cod.concentration_unit = "mg/l";
  std::vector<PermitLimit> limits = {so2, cod, ph};
  ASSERT_THAT(ValidateLimits(limits, "permit.limits"), IsOk());
  EXPECT_EQ(limits[0].concentration_unit, "mg/m3");
  EXPECT_EQ(limits[1].concentration_unit, "mg/L");
  EXPECT_EQ(limits[2].concentration_unit, "dimensionless");
  EXPECT_EQ(limits[2].outlet_code, "DW001");
}

TEST(PermitLimitTest, EachBadFieldIsNamed) {
  struct Case {
    std::function<void(PermitLimit&)> spoil;
    std::string field;
  };
  const Case kCases[] = {
      {[](PermitLimit& l) { l.outlet_code = "DX001"; }, "permit.limits[1].outlet_code"},
      {[](PermitLimit& l) { l.outlet_code = "DA01"; }, "permit.limits[1].outlet_code"},
      {[](PermitLimit& l) { l.pollutant_code = "SO2"; }, "permit.limits[1].pollutant_code"},
      {[](PermitLimit& l) { l.pollutant_code = "a2102"; }, "permit.limits[1].pollutant_code"},
      {[](PermitLimit& l) { l.pollutant_code = "w01018"; }, "permit.limits[1].pollutant_code"},
      {[](PermitLimit& l) { l.concentration_limit = 0; }, "permit.limits[1].concentration_limit"},
      {[](PermitLimit& l) { l.concentration_limit = -3; }, "permit.limits[1].concentration_limit"},
      {[](PermitLimit& l) { l.concentration_unit = "mg/L"; },
       "permit.limits[1].concentration_unit"},
      {[](PermitLimit& l) { l.concentration_unit = ""; }, "permit.limits[1].concentration_unit"},
      {[](PermitLimit& l) { l.averaging_window = AveragingWindow::kUnspecified; },
       "permit.limits[1].averaging_window"},
      {[](PermitLimit& l) { l.reference_o2_percent = 21; },
       "permit.limits[1].reference_o2_percent"},
      {[](PermitLimit& l) { l.reference_o2_percent = -1; },
       "permit.limits[1].reference_o2_percent"},
      {[](PermitLimit& l) { l.annual_mass_limit_t = -0.5; },
       "permit.limits[1].annual_mass_limit_t"},
      {[](PermitLimit& l) { l.standard = std::string(65, 'x'); }, "permit.limits[1].standard"},
      // The same outlet × pollutant as limits[0].
      {[](PermitLimit& l) { l = So2(50); }, "permit.limits[1].pollutant_code"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.field);
    PermitLimit second = So2();
    second.pollutant_code = "a21002";  // NOx, so the base case is no duplicate.
    c.spoil(second);
    std::vector<PermitLimit> limits = {So2(), second};
    absl::Status s = ValidateLimits(limits, "permit.limits");
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
}

TEST(PermitLimitTest, WaterRulesAndPh) {
  std::vector<PermitLimit> o2_on_water = {Cod()};
  o2_on_water[0].reference_o2_percent = 6;
  EXPECT_EQ(FieldOf(ValidateLimits(o2_on_water, "limits")), "limits[0].reference_o2_percent");
  std::vector<PermitLimit> air_unit = {Cod()};
  air_unit[0].concentration_unit = "mg/m3";
  EXPECT_EQ(FieldOf(ValidateLimits(air_unit, "limits")), "limits[0].concentration_unit");
  std::vector<PermitLimit> ph = {Cod()};
  ph[0].pollutant_code = "w01001";
  ph[0].concentration_limit = 9;
  EXPECT_EQ(FieldOf(ValidateLimits(ph, "limits")), "limits[0].concentration_unit");
  ph[0].concentration_unit = "dimensionless";
  EXPECT_THAT(ValidateLimits(ph, "limits"), IsOk());
}

TEST(PermitLimitTest, OutletsMustBeRegistered) {
  PermitLimit l = So2();
  l.outlet_code = "DA009";
  absl::Status s = CheckLimitOutlets({So2(), l}, Holder(), "permit.limits");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition,
                          HasSubstr("permit.limits[1].outlet_code: outlet DA009")));
}

TEST(PermitValidityTest, UntilNotBeforeFromAndEndsAtShanghaiMidnight) {
  EXPECT_THAT(ValidateValidity(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 1), "permit"),
              IsOk());
  absl::Status s =
      ValidateValidity(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 2, 28), "permit");
  EXPECT_EQ(FieldOf(s), "permit.valid_until");
  // The last day 2031-02-28 ends at 2031-03-01 00:00 +08:00 = 2031-02-28 16:00 UTC.
  EXPECT_EQ(ValidityEnd(absl::CivilDay(2031, 2, 28)),
            absl::FromCivil(absl::CivilSecond(2031, 2, 28, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(ValidityStart(absl::CivilDay(2026, 3, 1)), Shanghai(2026, 3, 1));
  EXPECT_THAT(ValidateText("", "reason", true), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateText("", "note", false), IsOk());
  EXPECT_THAT(ValidateText(std::string(501, 'x'), "note", false),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateText(std::string(500, 'x'), "note", true), IsOk());
}

// --- Lifecycle -------------------------------------------------------------------------

TEST(PermitLifecycleTest, IssueNeedsLimits) {
  EXPECT_THAT(Issue(Draft({}), Holder(), Shanghai(2026, 3, 2)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("without limits")));
}

TEST(PermitLifecycleTest, IssueMakesVersionOneFromTheLaterOfNowAndValidFrom) {
  absl::Time now = Shanghai(2026, 3, 2, 9);
  PermitEdit e = Issue(Draft(), Holder(), now).value();
  EXPECT_EQ(e.permit.state, PermitState::kInForce);
  EXPECT_EQ(e.permit.current_version, 1);
  EXPECT_EQ(e.permit.issue_time, now);
  ASSERT_TRUE(e.new_version.has_value());
  EXPECT_EQ(e.new_version->version, 1);
  EXPECT_EQ(e.new_version->effective_time, now);  // valid_from 2026-03-01 is past.
  EXPECT_EQ(e.new_version->reason, VersionReason::kIssue);
  EXPECT_EQ(e.new_version->limits, e.permit.limits);

  // Issued ahead of its first day: the limits apply from that day.
  Permit later = Draft();
  later.valid_from = absl::CivilDay(2026, 4, 1);
  PermitEdit e2 = Issue(later, Holder(), now).value();
  EXPECT_EQ(e2.new_version->effective_time, Shanghai(2026, 4, 1));
  EXPECT_EQ(e2.permit.issue_time, now);
}

TEST(PermitLifecycleTest, IssueRefusesEndedValidityAndOverlaps) {
  EXPECT_THAT(Issue(Draft(), Holder(), Shanghai(2031, 3, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("validity ended")));

  PermitHolder site_taken = Holder();
  site_taken.in_force.push_back({99, kUscc + "009P", "001", {"DA002"}});
  EXPECT_THAT(
      Issue(Draft(), site_taken, Shanghai(2026, 3, 2)),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("site 001 of enterprises/" + kUscc + " already has a permit in force")));

  PermitHolder outlet_taken = Holder();
  outlet_taken.in_force.push_back({99, kNumber2, "002", {"DA001"}});
  EXPECT_THAT(Issue(Draft(), outlet_taken, Shanghai(2026, 3, 2)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("outlet DA001 is already limited by permit " + kNumber2)));

  PermitHolder other_site = Holder();
  other_site.in_force.push_back({99, kNumber2, "002", {"DA002"}});
  EXPECT_THAT(Issue(Draft(), other_site, Shanghai(2026, 3, 2)), IsOk());
}

TEST(PermitLifecycleTest, EditDraftOnlyAndChecksValidity) {
  Permit d = Draft();
  DraftPatch patch;
  patch.valid_until = absl::CivilDay(2026, 2, 1);
  EXPECT_EQ(FieldOf(EditDraft(d, Holder(), patch, "permit").status()), "permit.valid_until");
  DraftPatch limits;
  limits.limits = std::vector<PermitLimit>{Cod(), So2()};
  PermitEdit e = EditDraft(d, Holder(), limits, "permit").value();
  EXPECT_TRUE(e.rewrite_draft_limits);
  EXPECT_EQ(e.permit.limits[0].outlet_code, "DA001");  // Sorted by outlet, pollutant.
  EXPECT_THAT(EditDraft(Issued(), Holder(), limits, "permit"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(PermitLifecycleTest, ChangeMakesANewVersionNotBeforeTheLatest) {
  Permit p = Issued(Shanghai(2026, 3, 2, 9));
  absl::Time now = Shanghai(2026, 6, 1, 10);
  PermitEdit e = Change(p, Holder(), {So2(50)}, std::nullopt, "焦环许变〔2026〕1号", now).value();
  EXPECT_EQ(e.permit.current_version, 2);
  EXPECT_EQ(e.new_version->version, 2);
  EXPECT_EQ(e.new_version->effective_time, now);
  EXPECT_EQ(e.new_version->reason, VersionReason::kChange);
  EXPECT_EQ(e.new_version->note, "焦环许变〔2026〕1号");
  EXPECT_EQ(e.new_version->limits[0].concentration_limit, 50);

  // A future effective time is fine; one before version 1's is not.
  EXPECT_THAT(Change(p, Holder(), {So2(50)}, Shanghai(2026, 7, 1), "n", now), IsOk());
  EXPECT_THAT(Change(p, Holder(), {So2(50)}, Shanghai(2026, 3, 2, 8), "n", now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("version 1")));
  EXPECT_THAT(Change(p, Holder(), {So2(50)}, Shanghai(2031, 3, 1), "n", now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("validity ends")));
  EXPECT_THAT(Change(p, Holder(), {}, std::nullopt, "n", now),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  Permit revoked = Revoke(p, "以欺骗手段取得", "", now).value().permit;
  EXPECT_THAT(Change(revoked, Holder(), {So2(50)}, std::nullopt, "n", now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REVOKED")));
}

TEST(PermitLifecycleTest, RenewMustExtendWhileInForce) {
  Permit p = Issued();
  absl::Time now = Shanghai(2030, 12, 1);
  EXPECT_THAT(Renew(p, absl::CivilDay(2031, 2, 28), "", now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("extends validity")));
  PermitEdit e = Renew(p, absl::CivilDay(2036, 2, 28), "焦环许续〔2030〕8号", now).value();
  EXPECT_EQ(e.permit.valid_until, absl::CivilDay(2036, 2, 28));
  EXPECT_EQ(e.new_version->reason, VersionReason::kRenewal);
  EXPECT_EQ(e.new_version->valid_until, absl::CivilDay(2036, 2, 28));
  EXPECT_EQ(e.new_version->limits, p.limits);
  EXPECT_EQ(e.new_version->effective_time, now);
  // Too late: the last day has passed, even before the sweep noticed.
  EXPECT_THAT(Renew(p, absl::CivilDay(2036, 2, 28), "", Shanghai(2031, 3, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("validity ended")));
}

TEST(PermitLifecycleTest, ExpiryAtTheEndOfTheLastDay) {
  Permit p = Issued();
  absl::Time end = Shanghai(2031, 3, 1);
  EXPECT_FALSE(DueForExpiry(p, end - absl::Microseconds(1)));
  EXPECT_THAT(Expire(p, end - absl::Microseconds(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(DueForExpiry(p, end));
  PermitEdit e = Expire(p, end + absl::Hours(3)).value();
  EXPECT_EQ(e.permit.state, PermitState::kExpired);
  EXPECT_EQ(e.permit.end_time, end);  // Not when the sweep ran.
  EXPECT_FALSE(DueForExpiry(e.permit, end + absl::Hours(3)));
}

TEST(PermitLifecycleTest, RevokeAndCancel) {
  Permit p = Issued();
  absl::Time now = Shanghai(2027, 1, 5, 10);
  PermitEdit r = Revoke(p, "吊销：焦环罚〔2027〕3号", "cases/42", now).value();
  EXPECT_EQ(r.permit.state, PermitState::kRevoked);
  EXPECT_EQ(r.permit.end_time, now);
  EXPECT_EQ(r.permit.case_name, "cases/42");
  // 注销 after revocation keeps when it stopped being in force.
  PermitEdit c = Cancel(r.permit, "许可证被吊销", now + absl::Hours(48)).value();
  EXPECT_EQ(c.permit.state, PermitState::kCancelled);
  EXPECT_EQ(c.permit.end_time, now);
  // A permit cancelled while in force ends now; a draft never was in force.
  EXPECT_EQ(Cancel(p, "单位依法终止", now).value().permit.end_time, now);
  EXPECT_EQ(Cancel(Draft(), "不予许可", now).value().permit.end_time, std::nullopt);
  EXPECT_THAT(Cancel(c.permit, "again", now), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// --- Import ----------------------------------------------------------------------------

ImportRecord Record(std::vector<PermitLimit> limits = {So2(), Cod()}) {
  ImportRecord r;
  r.number = Number(kNumber1);
  r.valid_from = absl::CivilDay(2024, 5, 1);
  r.valid_until = absl::CivilDay(2029, 4, 30);
  r.limits = std::move(limits);
  r.issue_time = Shanghai(2024, 4, 28, 10);
  return r;
}

TEST(PermitImportTest, NewRecordIsInForceAsVersionOne) {
  absl::Time now = Shanghai(2026, 3, 2, 9);
  PermitEdit e = ImportNew(Record(), Holder(), "焦作市生态环境局", now).value();
  EXPECT_EQ(e.permit.state, PermitState::kInForce);
  EXPECT_EQ(e.permit.source, PermitSource::kNationalPlatform);
  EXPECT_EQ(e.permit.issue_time, Shanghai(2024, 4, 28, 10));
  EXPECT_EQ(e.new_version->version, 1);
  EXPECT_EQ(e.new_version->reason, VersionReason::kImport);
  EXPECT_EQ(e.new_version->effective_time, Shanghai(2024, 5, 1));  // Validity start.
  // A record whose validity already ended is kept as history, expired.
  PermitEdit old = ImportNew(Record(), Holder(), "焦作市生态环境局", Shanghai(2029, 5, 1)).value();
  EXPECT_EQ(old.permit.state, PermitState::kExpired);
  EXPECT_EQ(old.permit.end_time, Shanghai(2029, 5, 1));
  EXPECT_THAT(ImportNew(Record({}), Holder(), "a", now),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(PermitImportTest, SameRecordChangesNothingChangedRecordMakesAVersion) {
  absl::Time now = Shanghai(2026, 3, 2, 9);
  Permit p = ImportNew(Record(), Holder(), "焦作市生态环境局", now).value().permit;
  // Same content in another order: unchanged.
  auto same = ImportExisting(p, Holder(), Record({Cod(), So2()}), now);
  ASSERT_THAT(same, IsOk());
  EXPECT_FALSE(same->has_value());

  ImportRecord changed = Record({So2(30), Cod()});
  changed.issue_time = Shanghai(2026, 3, 10);
  auto edit = ImportExisting(p, Holder(), changed, now);
  ASSERT_THAT(edit, IsOk());
  ASSERT_TRUE(edit->has_value());
  EXPECT_EQ((*edit)->new_version->version, 2);
  EXPECT_EQ((*edit)->new_version->effective_time, Shanghai(2026, 3, 10));

  // A changed record dated before the latest version takes effect when it arrives.
  ImportRecord stale = Record({So2(30), Cod()});
  auto late = ImportExisting(p, Holder(), stale, now);
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ((*late)->new_version->effective_time, now);
}

TEST(PermitImportTest, RefusesDraftsBureauPermitsAndEndedPermits) {
  absl::Time now = Shanghai(2026, 3, 2, 9);
  EXPECT_THAT(ImportExisting(Draft(), Holder(), Record(), now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("draft")));
  EXPECT_THAT(ImportExisting(Issued(), Holder(), Record(), now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("bureau")));
  Permit p = ImportNew(Record(), Holder(), "a", now).value().permit;
  Permit revoked = Revoke(p, "r", "", now).value().permit;
  EXPECT_FALSE(ImportExisting(revoked, Holder(), Record(), now).value().has_value());
  EXPECT_THAT(ImportExisting(revoked, Holder(), Record({So2(1)}), now),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REVOKED")));
}

// --- Which version applies when --------------------------------------------------------

TEST(PermitVersionAtTest, Boundaries) {
  const absl::Time t1 = Shanghai(2026, 3, 2, 9);
  const absl::Time t2 = Shanghai(2026, 6, 1, 0);
  const absl::Time t3 = Shanghai(2026, 6, 1, 0);  // Same instant: the higher version wins.
  const absl::CivilDay until(2031, 2, 28);
  const absl::Time end = ValidityEnd(until);
  const absl::Duration us = absl::Microseconds(1);
  std::vector<VersionSpan> v = {{1, t1, until}, {2, t2, until}};
  EXPECT_EQ(VersionAt(v, std::nullopt, t1 - us), std::nullopt);
  EXPECT_EQ(VersionAt(v, std::nullopt, t1), 1);
  EXPECT_EQ(VersionAt(v, std::nullopt, t2 - us), 1);
  EXPECT_EQ(VersionAt(v, std::nullopt, t2), 2);
  EXPECT_EQ(VersionAt(v, std::nullopt, end - us), 2);
  EXPECT_EQ(VersionAt(v, std::nullopt, end), std::nullopt);
  v.push_back({3, t3, until});
  EXPECT_EQ(VersionAt(v, std::nullopt, t2), 3);
  // Ended (revoked) at r: in force until just before it.
  const absl::Time r = Shanghai(2027, 1, 1, 12);
  EXPECT_EQ(VersionAt(v, r, r - us), 3);
  EXPECT_EQ(VersionAt(v, r, r), std::nullopt);
  // A renewal's validity covers times after the old last day.
  std::vector<VersionSpan> renewed = {{1, t1, until},
                                      {2, Shanghai(2030, 12, 1), absl::CivilDay(2036, 2, 28)}};
  EXPECT_EQ(VersionAt(renewed, std::nullopt, end), 2);
  EXPECT_EQ(VersionAt(renewed, std::nullopt, Shanghai(2030, 12, 1) - us), 1);
}

TEST(PermitStatusTest, DaysToExpiryAndSitePermits) {
  EXPECT_EQ(DaysToExpiry(absl::CivilDay(2026, 5, 1), absl::CivilDay(2026, 3, 2)), 60);
  EXPECT_EQ(DaysToExpiry(absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2)), -1);
  Permit a = Issued();
  Permit b = a;
  b.permit_number = kNumber2;
  b.site_sequence = "002";
  b.state = PermitState::kExpired;
  b.end_time = Shanghai(2026, 1, 1);
  Permit b_old = b;
  b_old.permit_number = kUscc + "009P";  // Same site, ended earlier.
  b_old.end_time = Shanghai(2025, 1, 1);
  Permit draft = Draft();
  draft.permit_number = kUscc + "003P";
  draft.site_sequence = "003";
  std::vector<Permit> out = SitePermits({b_old, draft, b, a});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].permit_number, kNumber1);
  EXPECT_EQ(out[1].permit_number, kNumber2);
}

}  // namespace
}  // namespace ecocase::domain
