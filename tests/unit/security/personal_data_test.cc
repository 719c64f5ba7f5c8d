#include "security/personal_data.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace ecocase::security {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------- NormalizePhone

struct PhoneCase {
  const char* text;
  const char* normalized;
};

constexpr PhoneCase kValidPhones[] = {
    {"13900000088", "13900000088"},
    {"139 0000 0088", "13900000088"},
    {"139-0000-0088", "13900000088"},
    {" 13900000088 \t", "13900000088"},
    {"+86 139 0000 0088", "13900000088"},
    {"+8613900000088", "13900000088"},
    {"+86-139-0000-0088", "13900000088"},
    {"(+86) 139 0000 0088", "13900000088"},
    {"008613900000088", "13900000088"},
    {"0086 139 0000 0088", "13900000088"},
    {"8613900000088", "13900000088"},
    {"19912345678", "19912345678"},
    // Full-width forms, as Chinese input methods produce them.
    {"１３９００００００８８", "13900000088"},
    {"＋８６　１３９－００００－００８８", "13900000088"},
    {"139　0000　0088", "13900000088"},
    // Landlines keep their area code with its trunk 0.
    {"0391-1234567", "03911234567"},
    {"0391 12345678", "039112345678"},
    {"(0391) 1234567", "03911234567"},
    {"（0391）1234567", "03911234567"},
    {"010-12345678", "01012345678"},
    {"021 6123 4567", "02161234567"},
    {"+86 391 1234567", "03911234567"},
    {"+86 10 12345678", "01012345678"},
    {"0086-391-1234567", "03911234567"},
    {"+86 0391 1234567", "03911234567"},
};

TEST(NormalizePhoneTest, AcceptsMobilesAndLandlines) {
  for (const PhoneCase& c : kValidPhones) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<std::string> normalized = NormalizePhone(c.text);
    ASSERT_THAT(normalized, IsOk());
    EXPECT_EQ(*normalized, c.normalized);
    // Canonical form is a fixed point.
    EXPECT_THAT(NormalizePhone(*normalized), ::testing::Truly([&](const auto& again) {
                  return again.ok() && *again == c.normalized;
                }));
  }
}

constexpr const char* kInvalidPhones[] = {
    "",
    "   ",
    "12345",             // service number
    "95598",             // service number
    "12369",             // the hotline itself
    "1390000008",        // 10 digits
    "139000000888",      // 12 digits
    "12900000088",       // 12x is not a mobile range
    "10900000088",
    "3567890",           // local number without area code
    "0391-123456",       // 6-digit local number
    "0391-123456789",    // 9-digit local number
    "0391-0234567",      // local number starting 0
    "0391-1234567-801",  // extension
    "011-12345678",      // 010 is the only 01x area code
    "0-1234567",
    "00-12345678",
    "+1 415 555 0100",
    "+85212345678",  // Hong Kong
    "+86",
    "86",
    "861391234567",      // 86 + 10 digits
    "++8613900000088",
    "139+00000088",
    "139.0000.0088",
    "139/0000/0088",
    "tel:13900000088",
    "一三九00000088",
    "13900000088\xff",
    "\xe3\x80",  // truncated UTF-8
};

TEST(NormalizePhoneTest, RefusesEverythingElseWithoutEchoingIt) {
  for (const char* text : kInvalidPhones) {
    SCOPED_TRACE(text);
    absl::StatusOr<std::string> normalized = NormalizePhone(text, "complaint.reporter_phone");
    ASSERT_THAT(normalized, StatusIs(absl::StatusCode::kInvalidArgument,
                                     AllOf(StartsWith("complaint.reporter_phone: "),
                                           HasSubstr("mainland China mobile number"))));
    EXPECT_EQ(normalized.status().GetPayload(common::kFieldPayload),
              absl::Cord("complaint.reporter_phone"));
    std::string digits;
    for (char ch : absl::string_view(text)) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
    }
    if (digits.size() >= 6) {
      EXPECT_THAT(std::string(normalized.status().message()), Not(HasSubstr(digits)));
    }
  }
}

TEST(NormalizePhoneTest, DefaultFieldName) {
  EXPECT_THAT(NormalizePhone("12345"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("phone: ")));
}

// ---------------------------------------------------------------- MaskPhone

struct MaskCase {
  const char* input;
  const char* masked;
};

constexpr MaskCase kPhoneMasks[] = {
    {"13900000088", "139****0088"},
    {"+86 139-1234-5678", "139****5678"},
    {"１３９００００００８８", "139****0088"},
    {"0391-1234567", "0391-*****67"},
    {"039112345678", "0391-******78"},
    {"010-12345678", "010-******78"},
    {"021 6123 4567", "021-******67"},
    {"", ""},
    {"   ", ""},
    {"not a phone", "****"},
    {"12345", "****"},
    {"3567890", "****"},
};

TEST(MaskPhoneTest, Table) {
  for (const MaskCase& c : kPhoneMasks) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(MaskPhone(c.input), c.masked);
  }
}

TEST(MaskPhoneTest, HidesTheMiddleOfEveryMobile) {
  // Numbers that differ only in the middle four digits mask the same.
  EXPECT_EQ(MaskPhone("13912340088"), MaskPhone("13956780088"));
  EXPECT_THAT(MaskPhone("13912340088"), Not(HasSubstr("1234")));
}

// ---------------------------------------------------------------- MaskName

constexpr MaskCase kNameMasks[] = {
    {"王小明", "王**"},
    {"王明", "王*"},
    {"王", "王*"},
    {" 王小明 ", "王**"},
    {"欧阳娜娜", "欧***"},  // compound surname: only its first character shows
    {"阿依古丽·买买提", "阿***"},
    {"司马 光", "司**"},
    {"\xF0\xA0\x80\x80明", "\xF0\xA0\x80\x80*"},  // U+20000, CJK extension B
    {"Zhang Wei", "Z***"},
    {"john", "j***"},
    {"Élodie Martin", "É***"},
    {"", ""},
    {"  ", ""},
    {"\xff\xfe", "***"},
    {"王\xff", "***"},
    {"\xe7\x8e", "***"},  // truncated 王
};

TEST(MaskNameTest, Table) {
  for (const MaskCase& c : kNameMasks) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(MaskName(c.input), c.masked);
  }
}

}  // namespace
}  // namespace ecocase::security
