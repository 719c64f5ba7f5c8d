#include "domain/user.h"

#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

using ::testing::HasSubstr;

User Officer() {
  User u;
  u.username = "zhang.wei";
  u.display_name = "张伟";
  u.role = Role::kOfficer;
  u.jurisdiction.district_codes = {"410802"};
  return u;
}

TEST(UsccTest, ChecksTheGb32100CheckCharacter) {
  // python-stdnum's doctest value, worked through by hand in domain-rules §3.9.
  EXPECT_EQ(NormalizeUscc("91110000600037341L").value(), "91110000600037341L");
  EXPECT_EQ(NormalizeUscc("9111 0000-6000 37341l").value(), "91110000600037341L");
  EXPECT_THAT(std::string(NormalizeUscc("91110000600037341X").status().message()),
              HasSubstr("expected L"));
  EXPECT_FALSE(NormalizeUscc("9111000060003734").ok());      // Too short.
  EXPECT_FALSE(NormalizeUscc("9111000060003734IL").ok());    // I is not a symbol.
  EXPECT_EQ(UsccCheckCharacter("91110000600037341"), 'L');
}

TEST(UserTest, ValidOfficerPasses) {
  User u = Officer();
  EXPECT_TRUE(ValidateUser(u, "user").ok());
}

TEST(UserTest, EachBadFieldIsNamed) {
  struct Case {
    std::function<void(User&)> spoil;
    std::string field;
  };
  const Case kCases[] = {
      {[](User& u) { u.username = "Zhang"; }, "user.username"},
      {[](User& u) { u.username = "zw"; }, "user.username"},
      {[](User& u) { u.display_name = ""; }, "user.display_name"},
      {[](User& u) { u.display_name = "a\nb"; }, "user.display_name"},
      {[](User& u) { u.role = Role::kUnspecified; }, "user.role"},
      {[](User& u) { u.jurisdiction.district_codes.clear(); }, "user.district_codes"},
      {[](User& u) { u.jurisdiction.district_codes = {"410802", "4108"}; },
       "user.district_codes[1]"},
      {[](User& u) { u.jurisdiction.district_codes = {"410802", "410802"}; },
       "user.district_codes[1]"},
      {[](User& u) { u.jurisdiction.enterprise_uscc = "91110000600037341L"; },
       "user.enterprise_uscc"},
      {[](User& u) {
         u.certificate = EnforcementCertificate{"豫环执 0001", absl::CivilDay(2026, 5, 1),
                                                absl::CivilDay(2026, 4, 1)};
       },
       "user.certificate.valid_until"},
  };
  for (const Case& c : kCases) {
    User u = Officer();
    c.spoil(u);
    absl::Status s = ValidateUser(u, "user");
    SCOPED_TRACE(c.field);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith(c.field + ":"));
  }
}

TEST(UserTest, EnterpriseUsersHaveAnEnterpriseAndNoDistricts) {
  User u = Officer();
  u.role = Role::kEnterprise;
  EXPECT_FALSE(ValidateUser(u, "user").ok());  // Districts given.
  u.jurisdiction.district_codes.clear();
  EXPECT_FALSE(ValidateUser(u, "user").ok());  // No USCC.
  u.jurisdiction.enterprise_uscc = "91110000600037341l";
  EXPECT_TRUE(ValidateUser(u, "user").ok());
  EXPECT_EQ(u.jurisdiction.enterprise_uscc, "91110000600037341L");  // Normalised.
}

User Station() {
  User u;
  u.username = "station.mengzhou";
  u.display_name = "孟州数采网关";
  u.role = Role::kStation;
  u.jurisdiction.district_codes = {"410883"};
  u.jurisdiction.device_mns = {"41088300000001", "41088300000002"};
  return u;
}

TEST(UserTest, StationAccountsNameTheirDevicesAndKeepDistricts) {
  User u = Station();
  ASSERT_TRUE(ValidateUser(u, "user").ok());
  // Stored as given: MNs are not case-folded or reordered.
  EXPECT_THAT(u.jurisdiction.device_mns,
              ::testing::ElementsAre("41088300000001", "41088300000002"));
  u.jurisdiction.district_codes.clear();
  EXPECT_THAT(std::string(ValidateUser(u, "user").message()),
              ::testing::StartsWith("user.district_codes:"));
}

TEST(UserTest, StationDeviceListIsCheckedItemByItem) {
  struct Case {
    std::vector<std::string> mns;
    std::string field;
  };
  const Case kCases[] = {
      {{}, "user.device_mns"},
      {{"41088300000001", "4108-83"}, "user.device_mns[1]"},
      {{""}, "user.device_mns[0]"},
      {{"A234567890123456789012345"}, "user.device_mns[0]"},  // 25 characters.
      {{"41088300000001", "41088300000001"}, "user.device_mns[1]"},
      // The database compares MNs case-insensitively: one device, listed twice.
      {{"mn0001abc", "MN0001ABC"}, "user.device_mns[1]"},
  };
  for (const Case& c : kCases) {
    User u = Station();
    u.jurisdiction.device_mns = c.mns;
    absl::Status s = ValidateUser(u, "user");
    SCOPED_TRACE(c.field);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith(c.field + ":"));
  }
}

TEST(UserTest, StationAccountsHoldAtMostOneHundredDevices) {
  User u = Station();
  u.jurisdiction.device_mns.clear();
  for (int i = 0; i < 100; ++i) u.jurisdiction.device_mns.push_back("MN" + std::to_string(i));
  EXPECT_TRUE(ValidateUser(u, "user").ok());
  u.jurisdiction.device_mns.push_back("MN100");
  EXPECT_THAT(std::string(ValidateUser(u, "user").message()),
              ::testing::StartsWith("user.device_mns:"));
}

TEST(UserTest, OnlyStationAccountsHaveDevices) {
  User officer = Officer();
  officer.jurisdiction.device_mns = {"41088300000001"};
  EXPECT_THAT(std::string(ValidateUser(officer, "user").message()),
              ::testing::StartsWith("user.device_mns:"));

  User enterprise = Officer();
  enterprise.role = Role::kEnterprise;
  enterprise.jurisdiction.district_codes.clear();
  enterprise.jurisdiction.enterprise_uscc = "91110000600037341L";
  ASSERT_TRUE(ValidateUser(enterprise, "user").ok());
  enterprise.jurisdiction.device_mns = {"41088300000001"};
  EXPECT_THAT(std::string(ValidateUser(enterprise, "user").message()),
              ::testing::StartsWith("user.device_mns:"));
}

TEST(UserTest, CertificateValidityIncludesBothEnds) {
  EnforcementCertificate c{"n", absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31)};
  EXPECT_TRUE(c.ValidOn(absl::CivilDay(2026, 1, 1)));
  EXPECT_TRUE(c.ValidOn(absl::CivilDay(2026, 12, 31)));
  EXPECT_FALSE(c.ValidOn(absl::CivilDay(2027, 1, 1)));
}

TEST(UserTest, ResourceNamesParse) {
  EXPECT_EQ(UsernameFromName("users/zhang.wei", "name").value(), "zhang.wei");
  EXPECT_FALSE(UsernameFromName("zhang.wei", "name").ok());
  EXPECT_FALSE(UsernameFromName("users/", "name").ok());
  EXPECT_FALSE(UsernameFromName("users/a/b", "name").ok());
}

}  // namespace
}  // namespace ecocase::domain
