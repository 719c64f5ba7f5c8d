#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "security/password_hasher.h"
#include "security/sha256.h"
#include "security/tokens.h"
#include "testing/status_matchers.h"

namespace ecocase::security {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// Low cost keeps the suite fast; only DefaultCost* tests touch 600,000.
constexpr int kTestIterations = 1000;

PasswordHasher TestHasher(int iterations = kTestIterations) {
  return PasswordHasher(PasswordHashOptions{.pbkdf2_iterations = iterations});
}

std::vector<std::string> Parts(absl::string_view encoded) { return absl::StrSplit(encoded, '$'); }

// `encoded` with part `index` (0 scheme, 1 iterations, 2 salt, 3 hash) replaced.
std::string WithPart(absl::string_view encoded, int index, absl::string_view value) {
  std::vector<std::string> parts = Parts(encoded);
  parts.at(static_cast<size_t>(index)) = std::string(value);
  return absl::StrJoin(parts, "$");
}

// Changes the first character of a base64 field to another base64 character; the result
// is still canonical base64 of the same length, only the bytes differ.
std::string FlipFirstChar(absl::string_view b64) {
  std::string s(b64);
  s[0] = s[0] == 'A' ? 'B' : 'A';
  return s;
}

// ---------------------------------------------------------------- PasswordHasher

TEST(PasswordHasherTest, HashThenVerify) {
  const PasswordHasher hasher = TestHasher();
  absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  EXPECT_TRUE(hasher.Verify("correct horse battery", *encoded));
  EXPECT_FALSE(hasher.NeedsRehash(*encoded));
}

TEST(PasswordHasherTest, EncodingIsSelfDescribing) {
  absl::StatusOr<std::string> encoded = TestHasher().Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  // 16-byte salt -> 24 base64 chars, 32-byte hash -> 44.
  EXPECT_THAT(*encoded,
              MatchesRegex("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}="));
  std::string salt;
  std::string hash;
  ASSERT_TRUE(absl::Base64Unescape(Parts(*encoded)[2], &salt));
  ASSERT_TRUE(absl::Base64Unescape(Parts(*encoded)[3], &hash));
  EXPECT_THAT(salt, SizeIs(16));
  EXPECT_THAT(hash, SizeIs(32));
}

TEST(PasswordHasherTest, WrongPasswordIsFalse) {
  const PasswordHasher hasher = TestHasher();
  absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  EXPECT_FALSE(hasher.Verify("correct horse batterY", *encoded));
  EXPECT_FALSE(hasher.Verify("correct horse battery ", *encoded));
  EXPECT_FALSE(hasher.Verify("", *encoded));
}

TEST(PasswordHasherTest, SamePasswordHashesDifferently) {
  const PasswordHasher hasher = TestHasher();
  absl::StatusOr<std::string> a = hasher.Hash("correct horse battery");
  absl::StatusOr<std::string> b = hasher.Hash("correct horse battery");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(*a, *b);
  EXPECT_NE(Parts(*a)[2], Parts(*b)[2]);  // The salts differ, hence the hashes.
  EXPECT_TRUE(hasher.Verify("correct horse battery", *a));
  EXPECT_TRUE(hasher.Verify("correct horse battery", *b));
}

TEST(PasswordHasherTest, NonAsciiAndEmptyPasswordsRoundTrip) {
  const PasswordHasher hasher = TestHasher();
  for (absl::string_view password : {"生态环境局焦作市解放区", ""}) {
    SCOPED_TRACE(password);
    absl::StatusOr<std::string> encoded = hasher.Hash(password);
    ASSERT_THAT(encoded, IsOk());
    EXPECT_TRUE(hasher.Verify(password, *encoded));
  }
  // An embedded NUL is part of the password, not a terminator.
  absl::StatusOr<std::string> encoded = hasher.Hash(absl::string_view("a\0b", 3));
  ASSERT_THAT(encoded, IsOk());
  EXPECT_TRUE(hasher.Verify(absl::string_view("a\0b", 3), *encoded));
  EXPECT_FALSE(hasher.Verify("a", *encoded));
}

// RFC 6070-style vector for PBKDF2-HMAC-SHA256 (first 32 bytes of the 40-byte output; the
// first block does not depend on dkLen), so stored hashes interoperate with other tools.
TEST(PasswordHasherTest, VerifiesKnownAnswer) {
  const std::string salt = "saltSALTsaltSALTsaltSALTsaltSALTsalt";  // 36 bytes.
  const std::string hash =
      absl::HexStringToBytes("348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1");
  const std::string encoded =
      absl::StrCat("pbkdf2-sha256$4096$", absl::Base64Escape(salt), "$", absl::Base64Escape(hash));
  const PasswordHasher hasher = TestHasher();
  EXPECT_TRUE(hasher.Verify("passwordPASSWORDpassword", encoded));
  EXPECT_FALSE(hasher.Verify("passwordPASSWORDpassworD", encoded));
  EXPECT_TRUE(hasher.NeedsRehash(encoded)) << "salt is not the current 16 bytes";
}

TEST(PasswordHasherTest, TamperedPartsAreFalse) {
  const PasswordHasher hasher = TestHasher();
  absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  const std::vector<std::string> parts = Parts(*encoded);
  ASSERT_THAT(parts, SizeIs(4));

  EXPECT_FALSE(
      hasher.Verify("correct horse battery", WithPart(*encoded, 3, FlipFirstChar(parts[3]))));
  EXPECT_FALSE(
      hasher.Verify("correct horse battery", WithPart(*encoded, 2, FlipFirstChar(parts[2]))));
  EXPECT_FALSE(hasher.Verify("correct horse battery", WithPart(*encoded, 1, "1001")));
  EXPECT_FALSE(hasher.Verify("correct horse battery", WithPart(*encoded, 1, "999")));
  EXPECT_FALSE(hasher.Verify("correct horse battery", WithPart(*encoded, 0, "pbkdf2-sha512")));
  // Swapping salt and hash fields is not a valid hash either.
  EXPECT_FALSE(hasher.Verify("correct horse battery",
                             absl::StrCat(parts[0], "$", parts[1], "$", parts[3], "$", parts[2])));
}

TEST(PasswordHasherTest, MalformedEncodingsAreFalseAndNeedRehash) {
  const PasswordHasher hasher = TestHasher();
  absl::StatusOr<std::string> good = hasher.Hash("correct horse battery");
  ASSERT_THAT(good, IsOk());
  const std::vector<std::string> p = Parts(*good);
  const std::string salt = p[2];
  const std::string hash = p[3];
  const std::string unpadded_hash = hash.substr(0, hash.size() - 1);

  const std::vector<std::string> malformed = {
      "",
      "$",
      "$$$",
      "pbkdf2-sha256",
      "pbkdf2-sha256$1000",
      absl::StrCat("pbkdf2-sha256$1000$", salt),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$"),
      absl::StrCat("pbkdf2-sha256$1000$$", hash),
      absl::StrCat("$1000$", salt, "$", hash),
      absl::StrCat("PBKDF2-SHA256$1000$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash, "$"),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash, "$extra"),
      absl::StrCat("$pbkdf2-sha256$1000$", salt, "$", hash),  // passlib's leading '$'.
      // Iterations: zero, huge, negative, non-numeric, padded or signed spellings.
      absl::StrCat("pbkdf2-sha256$0$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$1000000000000$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$10000001$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$99999999999999999999999$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$-1000$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$abc$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$1e3$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$ 1000$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$+1000$", salt, "$", hash),
      absl::StrCat("pbkdf2-sha256$01000$", salt, "$", hash),
      // Base64: illegal characters, base64url alphabet, missing padding, wrong lengths.
      absl::StrCat("pbkdf2-sha256$1000$!!!!!!!!!!!!!!!!!!!!!!==$", hash),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash.substr(0, 10), "*", hash.substr(11)),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", unpadded_hash),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash, "AAAA"),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash.substr(0, 40)),
      absl::StrCat("pbkdf2-sha256$1000$", absl::Base64Escape("12345678"), "$", hash),
      absl::StrCat("pbkdf2-sha256$1000$", absl::Base64Escape(std::string(65, 's')), "$", hash),
      absl::StrCat("pbkdf2-sha256$1000$", salt, "$", hash, std::string(1, '\0')),
      std::string(1 << 20, '$'),
      absl::StrCat("pbkdf2-sha256$1000$", std::string(1 << 20, 'A'), "$", hash),
  };
  for (const std::string& encoded : malformed) {
    SCOPED_TRACE(encoded.substr(0, 100));
    EXPECT_FALSE(hasher.Verify("correct horse battery", encoded));
    EXPECT_TRUE(hasher.NeedsRehash(encoded));
  }
}

TEST(PasswordHasherTest, BaseSixtyFourUrlAlphabetIsRejected) {
  const PasswordHasher hasher = TestHasher();
  // Hash until the salt contains '+' or '/', then spell it base64url: not our format.
  for (int attempt = 0; attempt < 100; ++attempt) {
    absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
    ASSERT_THAT(encoded, IsOk());
    std::string salt = Parts(*encoded)[2];
    if (salt.find_first_of("+/") == std::string::npos) continue;
    for (char& c : salt) c = c == '+' ? '-' : c == '/' ? '_' : c;
    EXPECT_FALSE(hasher.Verify("correct horse battery", WithPart(*encoded, 2, salt)));
    return;
  }
  GTEST_SKIP() << "no salt with '+' or '/' in 100 tries";
}

TEST(PasswordHasherTest, OldCostStillVerifiesAndNeedsRehash) {
  absl::StatusOr<std::string> old_hash = TestHasher(1000).Hash("correct horse battery");
  ASSERT_THAT(old_hash, IsOk());
  const PasswordHasher raised = TestHasher(2000);
  EXPECT_TRUE(raised.Verify("correct horse battery", *old_hash));
  EXPECT_FALSE(raised.Verify("wrong horse battery", *old_hash));
  EXPECT_TRUE(raised.NeedsRehash(*old_hash));

  absl::StatusOr<std::string> new_hash = raised.Hash("correct horse battery");
  ASSERT_THAT(new_hash, IsOk());
  EXPECT_THAT(*new_hash, StartsWith("pbkdf2-sha256$2000$"));
  EXPECT_FALSE(raised.NeedsRehash(*new_hash));
  // A lowered configuration never downgrades a stronger stored hash.
  EXPECT_FALSE(TestHasher(1000).NeedsRehash(*new_hash));
  EXPECT_TRUE(TestHasher(1000).Verify("correct horse battery", *new_hash));
}

TEST(PasswordHasherTest, DefaultCostIsOwaspFloor) {
  EXPECT_GE(PasswordHashOptions{}.pbkdf2_iterations, 600000);
  // One real hash at the default cost (~0.3 s) to show the cost is what gets stored.
  const PasswordHasher hasher;
  absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  EXPECT_THAT(*encoded, StartsWith("pbkdf2-sha256$600000$"));
  EXPECT_FALSE(hasher.NeedsRehash(*encoded));
}

TEST(PasswordHasherTest, OutOfRangeConfigurationIsAnError) {
  EXPECT_THAT(TestHasher(0).Hash("correct horse battery"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pbkdf2_iterations")));
  EXPECT_THAT(TestHasher(-5).Hash("correct horse battery"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(TestHasher(10'000'001).Hash("correct horse battery"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PasswordHasherTest, AbsurdlyLongPasswordIsRejected) {
  const PasswordHasher hasher = TestHasher();
  const std::string huge(1 << 20, 'x');
  EXPECT_THAT(hasher.Hash(huge), StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
  ASSERT_THAT(encoded, IsOk());
  EXPECT_FALSE(hasher.Verify(huge, *encoded));
  hasher.BurnTime(huge);  // Must not crash either.
}

TEST(PasswordHasherTest, BurnTimeRunsWithoutResult) {
  const PasswordHasher hasher = TestHasher();
  hasher.BurnTime("no such user's password");
  hasher.BurnTime("");
  TestHasher(0).BurnTime("misconfigured cost is clamped, not a crash");
}

// Run once by hand: --gtest_also_run_disabled_tests --gtest_filter='*DefaultCostTiming*'
TEST(PasswordHasherTest, DISABLED_DefaultCostTiming) {
  const PasswordHasher hasher;
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    absl::StatusOr<std::string> encoded = hasher.Hash("correct horse battery");
    const auto t1 = Clock::now();
    ASSERT_THAT(encoded, IsOk());
    EXPECT_TRUE(hasher.Verify("correct horse battery", *encoded));
    const auto t2 = Clock::now();
    hasher.BurnTime("correct horse battery");
    const auto t3 = Clock::now();
    const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    std::printf("600000 iterations: Hash %.1f ms, Verify %.1f ms, BurnTime %.1f ms\n", ms(t1 - t0),
                ms(t2 - t1), ms(t3 - t2));
  }
}

// ---------------------------------------------------------------- ValidateNewPassword

TEST(ValidateNewPasswordTest, AcceptsByLengthOnly) {
  for (absl::string_view password : {
           "1234567890",                    // 10 ASCII: the minimum.
           "aaaaaaaaaa",                    // No composition rules.
           "correct horse battery staple",  // Spaces are allowed.
           "生态环境局焦作市解放",          // 10 code points, 30 bytes.
           "生态环境局焦作市解放区",        // 11 code points.
           "密码Password😀!",                // Emoji is one code point.
       }) {
    SCOPED_TRACE(password);
    EXPECT_THAT(ValidateNewPassword(password), IsOk());
  }
  EXPECT_THAT(ValidateNewPassword(std::string(128, 'a')), IsOk());
  std::string chinese_126_bytes;
  for (int i = 0; i < 42; ++i) chinese_126_bytes += "环";
  EXPECT_THAT(ValidateNewPassword(chinese_126_bytes), IsOk());
}

TEST(ValidateNewPasswordTest, RejectsShortCountingCodePoints) {
  for (absl::string_view password : {
           "",
           "123456789",           // 9 ASCII.
           "焦作市生态环境局",    // 8 code points although 24 bytes.
           "生态环境局焦作市解",  // 9 code points, 27 bytes.
           "😀😀😀😀😀😀😀😀😀",           // 9 code points, 36 bytes.
       }) {
    SCOPED_TRACE(password);
    EXPECT_THAT(ValidateNewPassword(password),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("password"), HasSubstr("at least 10"))));
  }
}

TEST(ValidateNewPasswordTest, RejectsOver128Bytes) {
  EXPECT_THAT(
      ValidateNewPassword(std::string(129, 'a')),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("password"), HasSubstr("128"))));
  std::string chinese_129_bytes;
  for (int i = 0; i < 43; ++i) chinese_129_bytes += "环";  // Only 43 characters.
  EXPECT_THAT(ValidateNewPassword(chinese_129_bytes),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("password")));
}

TEST(ValidateNewPasswordTest, RejectsControlCharacters) {
  for (const std::string& password : {
           std::string("abcdefghij\n"), std::string("\tabcdefghij"), std::string("abcde\rfghij"),
           std::string("abcdefghij\x1b"), std::string("abcdefghij\x7f"),
           std::string("abcde\0fghij", 11),
           std::string("abcdefghij\xc2\x85"),  // U+0085 NEXT LINE (C1).
       }) {
    SCOPED_TRACE(absl::CEscape(password));
    EXPECT_THAT(ValidateNewPassword(password),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr("password"), HasSubstr("control"))));
  }
}

TEST(ValidateNewPasswordTest, RejectsInvalidUtf8) {
  for (const std::string& password : {
           std::string("abcdefghij\xff"),
           std::string("abcdefghij\xe7\x94"),          // Truncated 3-byte sequence.
           std::string("abcdefghij\xc0\xaf"),          // Overlong '/'.
           std::string("abcdefghij\xed\xa0\x80"),      // UTF-16 surrogate.
           std::string("abcdefghij\xf4\x90\x80\x80"),  // Beyond U+10FFFF.
           std::string("abcdefghij\x80"),              // Lone continuation byte.
       }) {
    SCOPED_TRACE(absl::CEscape(password));
    EXPECT_THAT(ValidateNewPassword(password),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("password")));
  }
}

TEST(ValidateNewPasswordTest, NamesTheFieldForBadRequestDetails) {
  absl::Status status = ValidateNewPassword("short");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("password: ")));
  EXPECT_EQ(status.GetPayload(common::kFieldPayload), absl::Cord("password"));

  status = ValidateNewPassword("short", "new_password");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("new_password: ")));
  EXPECT_EQ(status.GetPayload(common::kFieldPayload), absl::Cord("new_password"));
}

TEST(ValidateNewPasswordTest, MessageNeverEchoesThePassword) {
  const std::string password = "secret\nvalue-42";
  absl::Status status = ValidateNewPassword(password);
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret")));
  EXPECT_THAT(std::string(ValidateNewPassword("hunter2").message()), Not(HasSubstr("hunter2")));
}

// ---------------------------------------------------------------- Tokens

TEST(TokensTest, OpaqueTokenHasPrefixAndLength) {
  const std::string token = NewOpaqueToken();
  EXPECT_THAT(token, StartsWith("eco_"));
  EXPECT_THAT(token, SizeIs(47));
  EXPECT_EQ(token.size(), kOpaqueTokenLength);
  EXPECT_THAT(token, MatchesRegex("eco_[A-Za-z0-9_-]{43}"));
  // The body decodes back to exactly 32 random bytes.
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(absl::string_view(token).substr(4), &bytes));
  EXPECT_THAT(bytes, SizeIs(32));
}

TEST(TokensTest, ThousandTokensAreDistinctAndBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = NewOpaqueToken();
    ASSERT_THAT(token, SizeIs(47));
    ASSERT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
              std::string::npos)
        << token;
    seen.insert(token);
  }
  EXPECT_THAT(seen, SizeIs(1000));
}

TEST(TokensTest, DigestIsStableSha256Hex) {
  const std::string token = NewOpaqueToken();
  const std::string digest = TokenDigest(token);
  EXPECT_THAT(digest, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(digest, TokenDigest(token));
  EXPECT_EQ(digest, Sha256Hex(token));
  EXPECT_NE(digest, TokenDigest(NewOpaqueToken()));
  EXPECT_THAT(digest, Not(HasSubstr(token.substr(4, 8))));
  // Known answer: SHA-256("abc").
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokensTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_FALSE(ConstantTimeEquals(absl::string_view("a\0b", 3), absl::string_view("a\0c", 3)));
  const std::string digest = TokenDigest("eco_x");
  EXPECT_TRUE(ConstantTimeEquals(digest, std::string(digest)));
  std::string changed = digest;
  changed.back() = changed.back() == '0' ? '1' : '0';
  EXPECT_FALSE(ConstantTimeEquals(digest, changed));
}

constexpr absl::string_view kUnambiguous =
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

TEST(TokensTest, RandomPasswordLengthAndCharset) {
  EXPECT_EQ(RandomPassword(0), "");
  EXPECT_EQ(RandomPassword(-3), "");
  for (int length : {1, 10, 16, 64, 200}) {
    const std::string password = RandomPassword(length);
    EXPECT_THAT(password, SizeIs(length));
    EXPECT_EQ(absl::string_view(password).find_first_not_of(kUnambiguous), absl::string_view::npos)
        << password;
    EXPECT_EQ(password.find_first_of("0O1lI"), std::string::npos) << password;
  }
  EXPECT_THAT(ValidateNewPassword(RandomPassword(16)), IsOk());
  EXPECT_NE(RandomPassword(16), RandomPassword(16));
}

TEST(TokensTest, RandomPasswordUsesWholeAlphabetRoughlyUniformly) {
  // 570,000 draws: each of the 57 characters is expected 10,000 times (sd ~99). The
  // bounds are 6 sd wide, so a false failure is practically impossible, while plain modulo
  // without rejection sampling (28 characters at 5/256, 29 at 4/256: ~11,130 and ~8,910)
  // falls outside them.
  const std::string sample = RandomPassword(570'000);
  for (char c : kUnambiguous) {
    const auto n = std::count(sample.begin(), sample.end(), c);
    EXPECT_GT(n, 9400) << c;
    EXPECT_LT(n, 10600) << c;
  }
}

// FIPS 180-2 test vectors.
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256StreamTest, PiecesHashLikeTheWhole) {
  std::string message;
  for (int i = 0; i < 100'000; ++i) message.push_back(static_cast<char>(i * 7 + i / 251));
  for (const size_t piece : {size_t{1}, size_t{63}, size_t{64}, size_t{4096}, message.size()}) {
    SCOPED_TRACE(piece);
    Sha256Stream hash;
    for (size_t at = 0; at < message.size(); at += piece) {
      hash.Update(absl::string_view(message).substr(at, piece));
    }
    EXPECT_EQ(hash.size_bytes(), static_cast<int64_t>(message.size()));
    EXPECT_EQ(hash.FinishHex(), Sha256Hex(message));
  }
}

TEST(Sha256StreamTest, FinishResetsForTheNextMessage) {
  Sha256Stream hash;
  EXPECT_EQ(hash.FinishHex(), Sha256Hex(""));
  hash.Update("ab");
  hash.Update("");
  hash.Update("c");
  EXPECT_EQ(hash.FinishHex(), Sha256Hex("abc"));
  EXPECT_EQ(hash.size_bytes(), 0);
  hash.Update("abc");
  Sha256Stream moved = std::move(hash);
  EXPECT_EQ(moved.FinishHex(), Sha256Hex("abc"));
}

}  // namespace
}  // namespace ecocase::security
