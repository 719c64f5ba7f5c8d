#include "domain/enterprise.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <functional>

#include "domain/uscc.h"

namespace ecocase::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// GB 32100-2015 check character, written out here independently of domain/uscc.cc:
// weights 3^(i-1) mod 31 over the 31-symbol alphabet.
std::string WithCheck(const std::string& first17) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int weight = 1, sum = 0;
  for (char c : first17) {
    sum += static_cast<int>(alphabet.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  return first17 + alphabet[(31 - sum % 31) % 31];
}

Enterprise PowerPlant() {
  Enterprise e;
  e.uscc = "91110000600037341L";
  e.display_name = "焦作市某某热电有限公司";
  e.address = "焦作市解放区某某路 1 号";
  e.district_code = "410802";
  e.industry_code = "D4411";
  e.management_class = ManagementClass::kKey;
  e.key_discharger = true;
  e.location = GeoPoint{35.2158, 113.2418};
  e.contacts = {Contact{"王建国", "环保负责人", "+86-391-3930000"}};
  return e;
}

Outlet Stack() {
  Outlet o;
  o.enterprise_uscc = "91110000600037341L";
  o.code = "DA001";
  o.display_name = "1号锅炉烟囱";
  o.pollutant_codes = {"a21026", "a21002", "a34013"};
  return o;
}

// --- GB 32100 check characters -----------------------------------------------------------

TEST(EnterpriseUsccTest, ValidCodesPass) {
  // python-stdnum's doctest, worked by hand in domain-rules §3.9.
  Enterprise e = PowerPlant();
  EXPECT_TRUE(ValidateEnterprise(e, "enterprise").ok());
  // Codes built from Jiaozuo registrations with the check character computed here.
  for (const std::string& first17 :
       {std::string("91410800MA3X0000A"), std::string("91410802000000001"),
        std::string("12410800415800000"), std::string("Y1410823MA0000001")}) {
    SCOPED_TRACE(first17);
    Enterprise v = PowerPlant();
    v.uscc = WithCheck(first17);
    EXPECT_TRUE(ValidateEnterprise(v, "enterprise").ok());
    EXPECT_EQ(v.uscc, WithCheck(first17));
  }
}

TEST(EnterpriseUsccTest, WrongCheckCharacterIsRejectedNamingTheField) {
  for (char wrong : std::string("0123456789ABCDEFGHJKMNPQRTUWXY")) {  // Every symbol but L.
    Enterprise e = PowerPlant();
    e.uscc = std::string("91110000600037341") + wrong;
    absl::Status s = ValidateEnterprise(e, "enterprise");
    SCOPED_TRACE(e.uscc);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith("enterprise.uscc:"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("expected L"));
  }
}

TEST(EnterpriseUsccTest, LowerCaseSpacesAndHyphensAreNormalised) {
  Enterprise e = PowerPlant();
  e.uscc = "91110000600037341l";
  ASSERT_TRUE(ValidateEnterprise(e, "enterprise").ok());
  EXPECT_EQ(e.uscc, "91110000600037341L");
  std::string mixed = WithCheck("91410800MA3X0000A");
  e.uscc = "9141-0800 ma3x 0000a" + std::string(1, static_cast<char>(std::tolower(mixed[17])));
  ASSERT_TRUE(ValidateEnterprise(e, "enterprise").ok());
  EXPECT_EQ(e.uscc, mixed);
}

TEST(EnterpriseUsccTest, WrongLengthIsRejected) {
  for (const std::string& code :
       {std::string(""), std::string("91110000600037341"), std::string("91110000600037341LL"),
        std::string("9111000060003734")}) {
    Enterprise e = PowerPlant();
    e.uscc = code;
    absl::Status s = ValidateEnterprise(e, "enterprise");
    SCOPED_TRACE(code);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith("enterprise.uscc:"));
    EXPECT_THAT(std::string(s.message()), HasSubstr("18 characters"));
  }
}

TEST(EnterpriseUsccTest, LettersOutsideTheAlphabetAreRejected) {
  // I, O, S, V and Z are not GB 32100 symbols (nor are punctuation or full-width digits),
  // even where the check arithmetic would otherwise work out.
  for (char bad : std::string("IOSVZ")) {
    for (size_t pos : {size_t{0}, size_t{9}, size_t{17}}) {
      Enterprise e = PowerPlant();
      e.uscc[pos] = bad;
      absl::Status s = ValidateEnterprise(e, "enterprise");
      SCOPED_TRACE(e.uscc);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(s.message()), StartsWith("enterprise.uscc:"));
      EXPECT_THAT(std::string(s.message()), HasSubstr("not one of"));
    }
  }
  Enterprise e = PowerPlant();
  e.uscc = "91110000600037341*";
  EXPECT_FALSE(ValidateEnterprise(e, "enterprise").ok());
}

// --- Enterprise fields ---------------------------------------------------------------------

TEST(EnterpriseTest, EachBadFieldIsNamed) {
  struct Case {
    std::function<void(Enterprise&)> spoil;
    std::string field;
  };
  const Case kCases[] = {
      {[](Enterprise& e) { e.display_name = ""; }, "enterprise.display_name"},
      {[](Enterprise& e) { e.display_name = std::string(201, 'x'); }, "enterprise.display_name"},
      {[](Enterprise& e) { e.display_name = "热电\t公司"; }, "enterprise.display_name"},
      {[](Enterprise& e) { e.address = ""; }, "enterprise.address"},
      {[](Enterprise& e) { e.district_code = ""; }, "enterprise.district_code"},
      {[](Enterprise& e) { e.district_code = "41080"; }, "enterprise.district_code"},
      {[](Enterprise& e) { e.district_code = "41080A"; }, "enterprise.district_code"},
      {[](Enterprise& e) { e.industry_code = ""; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.industry_code = "4411"; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.industry_code = "d4411"; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.industry_code = "U4411"; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.industry_code = "D4"; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.industry_code = "D44111"; }, "enterprise.industry_code"},
      {[](Enterprise& e) { e.management_class = ManagementClass::kUnspecified; },
       "enterprise.management_class"},
      {[](Enterprise& e) {
         e.location = GeoPoint{90.5, 113.2};
       },
       "enterprise.location.latitude"},
      {[](Enterprise& e) {
         e.location = GeoPoint{35.2, -180.5};
       },
       "enterprise.location.longitude"},
      {[](Enterprise& e) {
         e.location = GeoPoint{std::nan(""), 113.2};
       },
       "enterprise.location.latitude"},
      {[](Enterprise& e) {
         e.contacts.resize(21, Contact{"张三", "", ""});
       },
       "enterprise.contacts"},
      {[](Enterprise& e) {
         e.contacts.push_back(Contact{"", "法定代表人", "13800000000"});
       },
       "enterprise.contacts[1].name"},
      {[](Enterprise& e) {
         e.contacts.push_back(Contact{"李四", std::string(65, 'x'), ""});
       },
       "enterprise.contacts[1].title"},
      {[](Enterprise& e) {
         e.contacts.push_back(Contact{"李四", "", "138 0000 0000"});
       },
       "enterprise.contacts[1].phone"},
      {[](Enterprise& e) {
         e.contacts.push_back(Contact{"李四", "", std::string(33, '1')});
       },
       "enterprise.contacts[1].phone"},
  };
  for (const Case& c : kCases) {
    Enterprise e = PowerPlant();
    c.spoil(e);
    absl::Status s = ValidateEnterprise(e, "enterprise");
    SCOPED_TRACE(c.field);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith(c.field + ":"));
  }
}

TEST(EnterpriseTest, OptionalFieldsMayBeAbsentAndBoundariesPass) {
  Enterprise e = PowerPlant();
  e.location.reset();
  e.contacts.clear();
  e.key_discharger = false;
  e.industry_code = "N77";
  e.display_name.clear();
  for (int i = 0; i < 200; ++i) e.display_name += "厂";  // 200 characters, 600 bytes.
  EXPECT_TRUE(ValidateEnterprise(e, "enterprise").ok());
  e.location = GeoPoint{-90, 180};
  e.contacts.assign(20, Contact{"张三", "", "0391-1234567"});
  EXPECT_TRUE(ValidateEnterprise(e, "enterprise").ok());
}

TEST(EnterpriseTest, IndustryCodesFollowGbT4754) {
  for (const char* ok : {"D4411", "C3011", "N7721", "A011", "T96"}) {
    EXPECT_TRUE(IsIndustryCode(ok)) << ok;
  }
  for (const char* bad : {"", "D", "D1", "U4411", "Z44", "d4411", "D44a1", "DD441", "D441100"}) {
    EXPECT_FALSE(IsIndustryCode(bad)) << bad;
  }
}

TEST(EnterpriseTest, ManagementClassNamesRoundTrip) {
  for (ManagementClass c :
       {ManagementClass::kKey, ManagementClass::kSimplified, ManagementClass::kRegistration}) {
    EXPECT_EQ(ManagementClassFromName(ManagementClassName(c)), c);
  }
  EXPECT_EQ(ManagementClassFromName("key"), std::nullopt);
}

TEST(EnterpriseTest, OnlyStaffAndTheEnterpriseSeeContacts) {
  EXPECT_TRUE(MaySeeEnterpriseContacts(Role::kAdmin));
  EXPECT_TRUE(MaySeeEnterpriseContacts(Role::kSupervisor));
  EXPECT_TRUE(MaySeeEnterpriseContacts(Role::kOfficer));
  EXPECT_TRUE(MaySeeEnterpriseContacts(Role::kHotlineOperator));
  EXPECT_TRUE(MaySeeEnterpriseContacts(Role::kEnterprise));
  EXPECT_FALSE(MaySeeEnterpriseContacts(Role::kIntegration));
  EXPECT_FALSE(MaySeeEnterpriseContacts(Role::kStation));
  EXPECT_FALSE(MaySeeEnterpriseContacts(Role::kUnspecified));
}

// --- Outlets ---------------------------------------------------------------------------

TEST(OutletTest, CodesFollowHj608AndGiveTheKind) {
  for (const char* ok : {"DA001", "DA999", "DW001", "DW123"})
    EXPECT_TRUE(IsHj608OutletCode(ok)) << ok;
  for (const char* bad : {"", "DA01", "DA0001", "da001", "DN001", "TA001", "DAx01", "DW00 "}) {
    EXPECT_FALSE(IsHj608OutletCode(bad)) << bad;
  }
  EXPECT_EQ(OutletKindFromCode("DA001"), OutletKind::kAir);
  EXPECT_EQ(OutletKindFromCode("DW002"), OutletKind::kWater);
  EXPECT_EQ(OutletKindFromCode("DX001"), OutletKind::kUnspecified);
}

TEST(OutletTest, ValidAirOutletGetsItsKindAndSortedPollutants) {
  Outlet o = Stack();
  o.kind = OutletKind::kWater;  // Whatever was sent, the code decides.
  ASSERT_TRUE(ValidateOutlet(o, "outlet").ok());
  EXPECT_EQ(o.kind, OutletKind::kAir);
  EXPECT_THAT(o.pollutant_codes, ElementsAre("a21002", "a21026", "a34013"));
  Outlet w = Stack();
  w.code = "DW001";
  w.pollutant_codes = {"w01018", "w21003", "w00000"};
  ASSERT_TRUE(ValidateOutlet(w, "outlet").ok());
  EXPECT_EQ(w.kind, OutletKind::kWater);
}

TEST(OutletTest, PollutantCodesFollowHj212) {
  for (const char* ok : {"a21026", "w01018", "a00000", "w21003"}) {
    EXPECT_TRUE(IsHj212FactorCode(ok)) << ok;
  }
  for (const char* bad :
       {"", "a2102", "a210260", "A21026", "W01018", "b21026", "g12701", "a2102x", "02", "B02"}) {
    EXPECT_FALSE(IsHj212FactorCode(bad)) << bad;
  }
}

TEST(OutletTest, EachBadFieldIsNamed) {
  struct Case {
    std::function<void(Outlet&)> spoil;
    std::string field;
  };
  const Case kCases[] = {
      {[](Outlet& o) { o.code = "DX001"; }, "outlet.code"},
      {[](Outlet& o) { o.code = "DA01"; }, "outlet.code"},
      {[](Outlet& o) { o.display_name = ""; }, "outlet.display_name"},
      {[](Outlet& o) { o.display_name = std::string(101, 'x'); }, "outlet.display_name"},
      {[](Outlet& o) {
         o.location = GeoPoint{91, 0};
       },
       "outlet.location.latitude"},
      {[](Outlet& o) {
         o.location = GeoPoint{0, 181};
       },
       "outlet.location.longitude"},
      {[](Outlet& o) { o.pollutant_codes.clear(); }, "outlet.pollutant_codes"},
      {[](Outlet& o) {
         o.pollutant_codes = {"a21026", "SO2"};
       },
       "outlet.pollutant_codes[1]"},
      {[](Outlet& o) {
         o.pollutant_codes = {"a21026", "a21002", "a21026"};
       },
       "outlet.pollutant_codes[2]"},
      // An air outlet does not monitor COD, a water outlet not SO2.
      {[](Outlet& o) {
         o.pollutant_codes = {"a21026", "w01018"};
       },
       "outlet.pollutant_codes[1]"},
      {[](Outlet& o) {
         o.code = "DW001";
         o.pollutant_codes = {"w01018", "a21026"};
       },
       "outlet.pollutant_codes[1]"},
  };
  for (const Case& c : kCases) {
    Outlet o = Stack();
    c.spoil(o);
    absl::Status s = ValidateOutlet(o, "outlet");
    SCOPED_TRACE(c.field);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith(c.field + ":"));
  }
}

// --- Devices ---------------------------------------------------------------------------

TEST(DeviceTest, MnIsOneTo24LettersAndDigits) {
  for (const char* ok : {"1", "88888880000001", "010000A8900016F000169DC0", "abcXYZ09"}) {
    EXPECT_TRUE(ValidateMn(ok, "mn").ok()) << ok;
  }
  for (const char* bad : {"", "010000A8900016F000169DC00", "8888-888", "MN 1", "设备01"}) {
    absl::Status s = ValidateMn(bad, "mn");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), StartsWith("mn:"));
  }
}

TEST(DeviceTest, PasswordIsSixTo64PrintableCharactersAndNeverEchoed) {
  EXPECT_TRUE(ValidateDevicePassword("123456", "device_password").ok());
  EXPECT_TRUE(ValidateDevicePassword(std::string(64, 'x'), "device_password").ok());
  EXPECT_TRUE(ValidateDevicePassword("Pw!@#$%^*()", "device_password").ok());
  for (const std::string& bad :
       {std::string("12345"), std::string(65, 'x'), std::string("abc def"), std::string("abc;def"),
        std::string("a=b&c,d"), std::string("密码密码密码"), std::string("abc\ndef")}) {
    absl::Status s = ValidateDevicePassword(bad, "device_password");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), StartsWith("device_password:"));
    EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr(bad)));
  }
}

// --- Device protocol profiles ----------------------------------------------------------

TEST(DeviceProtocolTest, DefaultIs2017StrictWithTheAppendixACrcOnly) {
  auto profile = DeviceProfileFor(DeviceProtocolRequest{}, "protocol");
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->version, hj212::ProtocolVersion::k2017);
  EXPECT_EQ(profile->strictness, hj212::Strictness::kStrict);
  EXPECT_EQ(profile->crc_mode, hj212::CrcMode::kHj212);
  EXPECT_EQ(profile->encryption, hj212::CpEncryption::kNone);
  EXPECT_TRUE(profile->sm4_keys.empty());
  EXPECT_FALSE(profile->password.has_value());
}

TEST(DeviceProtocolTest, LenientDevicesAlsoAcceptTheModbusCrc) {
  DeviceProtocolRequest request;
  request.version = hj212::ProtocolVersion::k2005;
  request.lenient = true;
  auto profile = DeviceProfileFor(request, "protocol");
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->version, hj212::ProtocolVersion::k2005);
  EXPECT_EQ(profile->strictness, hj212::Strictness::kLenient);
  EXPECT_EQ(profile->crc_mode, hj212::CrcMode::kHj212OrModbus);
  EXPECT_TRUE(hj212::ValidateProfile(*profile).ok());
}

TEST(DeviceProtocolTest, EncryptionTakesAKeyInEitherForm) {
  DeviceProtocolRequest request;
  request.version = hj212::ProtocolVersion::k2025;
  request.encryption = hj212::CpEncryption::kRequired;
  request.sm4_key = "0123456789ABCDEFfedcba9876543210";
  auto hex = DeviceProfileFor(request, "protocol");
  ASSERT_TRUE(hex.ok()) << hex.status();
  ASSERT_EQ(hex->sm4_keys.size(), 1u);
  const hj212::Sm4Key expected_hex = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                      0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  EXPECT_EQ(hex->sm4_keys[0], expected_hex);
  EXPECT_EQ(hex->encryption, hj212::CpEncryption::kRequired);

  // The standard's test key: 16 characters "0" are the bytes 0x30.
  request.encryption = hj212::CpEncryption::kOptional;
  request.sm4_key = "0000000000000000";
  auto text = DeviceProfileFor(request, "protocol");
  ASSERT_TRUE(text.ok()) << text.status();
  hj212::Sm4Key zeros;
  zeros.fill(0x30);
  EXPECT_EQ(text->sm4_keys[0], zeros);
}

TEST(DeviceProtocolTest, EachBadCombinationNamesItsFieldAndNeverTheKey) {
  struct Case {
    std::function<void(DeviceProtocolRequest&)> spoil;
    std::string field;
  };
  const Case kCases[] = {
      {[](DeviceProtocolRequest& r) { r.version = hj212::ProtocolVersion::k2017; },
       "protocol.encryption"},
      {[](DeviceProtocolRequest& r) { r.version = hj212::ProtocolVersion::k2005; },
       "protocol.encryption"},
      {[](DeviceProtocolRequest& r) { r.sm4_key.clear(); }, "protocol.sm4_key"},
      {[](DeviceProtocolRequest& r) { r.sm4_key = "0123456789abcdef0123456789abcdeg"; },
       "protocol.sm4_key"},  // 32 characters, not all hex.
      {[](DeviceProtocolRequest& r) { r.sm4_key = "0123456789abcdef0"; }, "protocol.sm4_key"},
      {[](DeviceProtocolRequest& r) { r.sm4_key = "key with  spaces"; }, "protocol.sm4_key"},
      {[](DeviceProtocolRequest& r) { r.sm4_key = "密钥密钥1234"; }, "protocol.sm4_key"},  // 16 bytes.
      {[](DeviceProtocolRequest& r) { r.encryption = hj212::CpEncryption::kNone; },
       "protocol.sm4_key"},  // A key without encryption.
  };
  for (const Case& c : kCases) {
    DeviceProtocolRequest request;
    request.version = hj212::ProtocolVersion::k2025;
    request.encryption = hj212::CpEncryption::kRequired;
    request.sm4_key = "A1B2C3D4E5F60718293A4B5C6D7E8F90";
    c.spoil(request);
    auto profile = DeviceProfileFor(request, "protocol");
    SCOPED_TRACE(c.field + " / " + request.sm4_key);
    EXPECT_EQ(profile.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(profile.status().message()), StartsWith(c.field + ":"));
    if (!request.sm4_key.empty()) {
      EXPECT_THAT(std::string(profile.status().message()),
                  ::testing::Not(HasSubstr(request.sm4_key)));
    }
  }
}

TEST(DeviceProtocolTest, StoredNamesRoundTrip) {
  for (auto v : {hj212::ProtocolVersion::k2005, hj212::ProtocolVersion::k2017,
                 hj212::ProtocolVersion::k2025}) {
    EXPECT_EQ(ProtocolVersionFromStoredName(ProtocolVersionStoredName(v)), v);
  }
  EXPECT_EQ(ProtocolVersionStoredName(hj212::ProtocolVersion::k2005), "2005");
  EXPECT_FALSE(ProtocolVersionFromStoredName("2018").has_value());
  for (auto s : {hj212::Strictness::kStrict, hj212::Strictness::kLenient}) {
    EXPECT_EQ(StrictnessFromName(StrictnessName(s)), s);
  }
  for (auto m : {hj212::CrcMode::kHj212, hj212::CrcMode::kHj212OrModbus}) {
    EXPECT_EQ(CrcModeFromName(CrcModeName(m)), m);
  }
  EXPECT_EQ(CrcModeName(hj212::CrcMode::kHj212OrModbus), "HJ212_OR_MODBUS");
  for (auto e : {hj212::CpEncryption::kNone, hj212::CpEncryption::kOptional,
                 hj212::CpEncryption::kRequired}) {
    EXPECT_EQ(CpEncryptionFromName(CpEncryptionName(e)), e);
  }
  EXPECT_FALSE(CpEncryptionFromName("none").has_value());
  EXPECT_FALSE(StrictnessFromName("").has_value());
}

TEST(DeviceProtocolTest, StoredKeysAreLowerCaseHexCurrentFirst) {
  hj212::Sm4Key current = *ParseSm4Key("00112233445566778899AABBCCDDEEFF");
  hj212::Sm4Key previous = *ParseSm4Key("0000000000000000");  // 16 x 0x30
  std::string text = Sm4KeysText({current, previous});
  EXPECT_EQ(text, "00112233445566778899aabbccddeeff,30303030303030303030303030303030");
  auto back = Sm4KeysFromText(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_THAT(*back, ElementsAre(current, previous));
  EXPECT_TRUE(Sm4KeysFromText("")->empty());
  EXPECT_EQ(Sm4KeysText({}), "");
  EXPECT_FALSE(Sm4KeysFromText("0011").has_value());
  EXPECT_FALSE(Sm4KeysFromText("00112233445566778899aabbccddeeff,").has_value());
  EXPECT_FALSE(Sm4KeysFromText("0000000000000000").has_value());  // Only hex is stored.
}

// --- Resource names --------------------------------------------------------------------

TEST(EnterpriseNamesTest, ParseAndNormalise) {
  EXPECT_EQ(UsccFromEnterpriseName("enterprises/91110000600037341l", "name").value(),
            "91110000600037341L");
  for (const char* bad : {"", "enterprises/", "enterprise/91110000600037341L",
                          "enterprises/91110000600037341X", "enterprises/91110000600037341L/x"}) {
    absl::Status s = UsccFromEnterpriseName(bad, "name").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), StartsWith("name:")) << bad;
  }
  auto key = OutletRefFromName("enterprises/91110000600037341L/outlets/DW001", "outlet");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->enterprise_uscc, "91110000600037341L");
  EXPECT_EQ(key->code, "DW001");
  for (const char* bad :
       {"enterprises/91110000600037341L", "enterprises/91110000600037341L/outlets/",
        "enterprises/91110000600037341L/outlets/DX001",
        "enterprises/91110000600037341X/outlets/DA001"}) {
    absl::Status s = OutletRefFromName(bad, "outlet").status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), StartsWith("outlet:")) << bad;
  }
  EXPECT_EQ(MnFromDeviceName("devices/88888880000001", "name").value(), "88888880000001");
  EXPECT_FALSE(MnFromDeviceName("devices/", "name").ok());
  EXPECT_FALSE(MnFromDeviceName("88888880000001", "name").ok());
}

}  // namespace
}  // namespace ecocase::domain
