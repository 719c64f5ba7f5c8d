// SQL literals of the reading writer: escaping, doubles that read back exactly, and times.
// The database reads them back in reading_pipeline_test; here the text itself.
#include "storage/mysql/sql_literal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ecocase::storage::mysql {
namespace {

std::string String(absl::string_view text) {
  std::string out;
  AppendSqlString(out, text);
  return out;
}

std::string Double(std::optional<double> v) {
  std::string out;
  EXPECT_TRUE(AppendSqlDouble(out, v));
  return out;
}

TEST(SqlLiteralTest, StringsAreQuotedAndEscaped) {
  EXPECT_EQ(String("a21026"), "'a21026'");
  EXPECT_EQ(String(""), "''");
  EXPECT_EQ(String("O'Brien \"x\""), R"('O\'Brien \"x\"')");
  EXPECT_EQ(String("back\\slash"), R"('back\\slash')");
  EXPECT_EQ(String(std::string("nul\0end", 7)), R"('nul\0end')");
  EXPECT_EQ(String("line\nfeed\rreturn\x1a"), R"('line\nfeed\rreturn\Z')");
  // UTF-8 passes through: no byte of a multi-byte character is an ASCII special.
  EXPECT_EQ(String("焦作"), "'焦作'");
}

TEST(SqlLiteralTest, DoublesAreExponentLiteralsThatRoundTrip) {
  EXPECT_EQ(Double(std::nullopt), "NULL");
  EXPECT_EQ(Double(1.5), "1.5e+00");
  EXPECT_EQ(Double(-0.25), "-2.5e-01");
  EXPECT_EQ(Double(0.0), "0e+00");
  for (double v : {0.1, 1.0 / 3.0, 123456.789, 1e-300, std::numeric_limits<double>::min(),
                   std::numeric_limits<double>::max(), -7.0e22}) {
    std::string text = Double(v);
    EXPECT_NE(text.find('e'), std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

TEST(SqlLiteralTest, ANumberThatIsNotFiniteHasNoLiteral) {
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    std::string out = "x";
    EXPECT_FALSE(AppendSqlDouble(out, v));
    EXPECT_EQ(out, "x");
  }
}

TEST(SqlLiteralTest, TimesAreUtcDateTimes) {
  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(2026, 3, 7, 8, 9, 5), absl::UTCTimeZone()) +
      absl::Microseconds(42) + absl::Nanoseconds(999);
  std::string micros;
  AppendSqlDateTimeMicros(micros, t);
  EXPECT_EQ(micros, "'2026-03-07 08:09:05.000042'");

  std::string number, number_micros;
  EXPECT_TRUE(AppendSqlDateTimeNumber(number, t));
  EXPECT_TRUE(AppendSqlDateTimeMicrosNumber(number_micros, t));
  EXPECT_EQ(number, "20260307080905");
  EXPECT_EQ(number_micros, "20260307080905.000042");
}

TEST(SqlLiteralTest, ATimeOutsideDateTimeHasNoNumber) {
  for (int year : {999, 10000}) {
    const absl::Time t = absl::FromCivil(absl::CivilSecond(year, 1, 1), absl::UTCTimeZone());
    std::string out = "x";
    EXPECT_FALSE(AppendSqlDateTimeNumber(out, t));
    EXPECT_FALSE(AppendSqlDateTimeMicrosNumber(out, t));
    EXPECT_EQ(out, "x");
  }
}

}  // namespace
}  // namespace ecocase::storage::mysql
