#include "security/field_cipher.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace ecocase::security {
namespace {

using ::ecocase::testing::IsOk;
using ::ecocase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::string_view kPhoneContext = "complaint_reporter.phone";
constexpr absl::string_view kNameContext = "complaint_reporter.name";

// Bytes 00..1f; the golden values below were computed for it independently (Python's
// `cryptography` package: HKDF, HMAC and AESGCM) from the format documented in the header.
constexpr absl::string_view kGoldenKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

MATCHER_P(IsOkAndHolds, expected, "") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return *arg == expected;
}

std::string Unhex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

FieldCipher CipherFor(absl::string_view key_text) {
  absl::StatusOr<FieldCipher> cipher = FieldCipher::FromKeyText(key_text);
  EXPECT_THAT(cipher, IsOk());
  return *std::move(cipher);
}

// The blob's decoded payload (nonce | ciphertext | tag) and the text before it.
struct SplitBlob {
  std::string header;  // "v1:<key id>:"
  std::string raw;
};

SplitBlob Split(absl::string_view blob) {
  const size_t colon = blob.rfind(':');
  SplitBlob out{std::string(blob.substr(0, colon + 1)), ""};
  EXPECT_TRUE(absl::Base64Unescape(blob.substr(colon + 1), &out.raw));
  return out;
}

std::string Join(const SplitBlob& parts) {
  return absl::StrCat(parts.header, absl::Base64Escape(parts.raw));
}

std::string WriteFile(absl::string_view name, absl::string_view contents, mode_t mode) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::remove(path.c_str());  // A read-only file left by an earlier run cannot be rewritten.
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

// ---------------------------------------------------------------- known answers

TEST(CryptoKnownAnswerTest, HkdfRfc5869TestCase1) {
  absl::StatusOr<std::string> okm = crypto_internal::HkdfSha256(
      std::string(22, '\x0b'), Unhex("000102030405060708090a0b0c"), Unhex("f0f1f2f3f4f5f6f7f8f9"),
      42);
  ASSERT_THAT(okm, IsOk());
  EXPECT_EQ(absl::BytesToHexString(*okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// Test case 3 has no salt and no info: the empty-salt path FieldCipher uses.
TEST(CryptoKnownAnswerTest, HkdfRfc5869TestCase3) {
  absl::StatusOr<std::string> okm = crypto_internal::HkdfSha256(std::string(22, '\x0b'), "", "", 42);
  ASSERT_THAT(okm, IsOk());
  EXPECT_EQ(absl::BytesToHexString(*okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(CryptoKnownAnswerTest, HmacSha256Rfc4231TestCase2) {
  EXPECT_EQ(absl::BytesToHexString(
                crypto_internal::HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 16
// (AES-256; 16 has additional authenticated data).
struct GcmVector {
  const char* name;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* sealed;  // ciphertext | tag
};

constexpr GcmVector kGcmVectors[] = {
    {"case 13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"case 14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"},
    {"case 16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(CryptoKnownAnswerTest, Aes256GcmVectors) {
  for (const GcmVector& v : kGcmVectors) {
    SCOPED_TRACE(v.name);
    absl::StatusOr<std::string> sealed = crypto_internal::Aes256GcmSeal(
        Unhex(v.key), Unhex(v.nonce), Unhex(v.aad), Unhex(v.plaintext));
    ASSERT_THAT(sealed, IsOk());
    EXPECT_EQ(absl::BytesToHexString(*sealed), v.sealed);
    absl::StatusOr<std::string> opened = crypto_internal::Aes256GcmOpen(
        Unhex(v.key), Unhex(v.nonce), Unhex(v.aad), Unhex(v.sealed));
    ASSERT_THAT(opened, IsOk());
    EXPECT_EQ(absl::BytesToHexString(*opened), v.plaintext);
  }
}

TEST(CryptoKnownAnswerTest, Aes256GcmRejectsWrongSizes) {
  EXPECT_THAT(crypto_internal::Aes256GcmSeal(std::string(16, 'k'), std::string(12, 'n'), "", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(crypto_internal::Aes256GcmOpen(std::string(32, 'k'), std::string(8, 'n'), "",
                                             std::string(16, 't')),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(crypto_internal::Aes256GcmOpen(std::string(32, 'k'), std::string(12, 'n'), "", "x"),
              StatusIs(absl::StatusCode::kDataLoss));
}

// Pins the derivation and the blob format: if these change, every stored blob and lookup
// hash becomes unreadable or unmatchable.
TEST(FieldCipherTest, GoldenKeyIdHashAndBlob) {
  const FieldCipher cipher = CipherFor(kGoldenKey);
  EXPECT_EQ(cipher.key_id(), "7bfc04d6");
  EXPECT_EQ(cipher.LookupHash("13900000088", "reporter_phone"),
            "84a7dedd18bdd6aba24a7687baa17461a05923f0d567a428b8d860735436571b");
  EXPECT_THAT(cipher.Decrypt("v1:7bfc04d6:oKGio6SlpqeoqaqrzXogvuhMMcmpjUDzO4LmWazDp7PBskDYRQ==",
                             kNameContext),
              IsOkAndHolds(std::string("王小明")));
}

// ---------------------------------------------------------------- Encrypt / Decrypt

TEST(FieldCipherTest, RoundTripChineseText) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  for (absl::string_view plaintext :
       {"王小明", "欧阳娜娜", "13900000088", "焦作市解放区民主南路 88 号 3 单元", "", "x"}) {
    SCOPED_TRACE(plaintext);
    absl::StatusOr<std::string> blob = cipher.Encrypt(plaintext, kNameContext);
    ASSERT_THAT(blob, IsOk());
    if (plaintext.size() >= 6) {  // shorter ASCII may occur in base64 by chance
      EXPECT_THAT(*blob, Not(HasSubstr(std::string(plaintext))));
    }
    EXPECT_THAT(cipher.Decrypt(*blob, kNameContext), IsOkAndHolds(std::string(plaintext)));
  }
}

TEST(FieldCipherTest, BlobIsVersionedAndNamesTheKey) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  absl::StatusOr<std::string> blob = cipher.Encrypt("13900000088", kPhoneContext);
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(*blob, StartsWith(absl::StrCat("v1:", cipher.key_id(), ":")));
  EXPECT_THAT(*blob, MatchesRegex("v1:[0-9a-f]{8}:[A-Za-z0-9+/]+=*"));
  // 12 header characters + base64 of 12 nonce + 11 ciphertext + 16 tag bytes.
  EXPECT_EQ(blob->size(), 12u + 52u);
  EXPECT_EQ(Split(*blob).raw.size(), 12u + 11u + 16u);
}

TEST(FieldCipherTest, SamePlaintextEncryptsDifferentlyEachTime) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  std::set<std::string> blobs;
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<std::string> blob = cipher.Encrypt("13900000088", kPhoneContext);
    ASSERT_THAT(blob, IsOk());
    blobs.insert(*blob);
    nonces.insert(Split(*blob).raw.substr(0, 12));
  }
  EXPECT_EQ(blobs.size(), 50u);
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(FieldCipherTest, AnyFlippedBitIsRefused) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  absl::StatusOr<std::string> blob = cipher.Encrypt("王小明", kNameContext);
  ASSERT_THAT(blob, IsOk());
  const SplitBlob original = Split(*blob);
  for (size_t byte = 0; byte < original.raw.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      SplitBlob tampered = original;
      tampered.raw[byte] = static_cast<char>(tampered.raw[byte] ^ (1 << bit));
      EXPECT_THAT(cipher.Decrypt(Join(tampered), kNameContext),
                  StatusIs(absl::StatusCode::kDataLoss, HasSubstr("authentication failed")))
          << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(FieldCipherTest, AnyChangedCharacterIsRefused) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  absl::StatusOr<std::string> blob = cipher.Encrypt("王小明", kNameContext);
  ASSERT_THAT(blob, IsOk());
  for (size_t i = 0; i < blob->size(); ++i) {
    for (char replacement : {'A', '7', ':', '=', '/'}) {
      if ((*blob)[i] == replacement) continue;
      std::string tampered = *blob;
      tampered[i] = replacement;
      EXPECT_THAT(cipher.Decrypt(tampered, kNameContext), StatusIs(absl::StatusCode::kDataLoss))
          << "position " << i << " -> " << replacement;
    }
  }
}

TEST(FieldCipherTest, BlobFromAnotherColumnIsRefused) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  absl::StatusOr<std::string> blob = cipher.Encrypt("13900000088", kPhoneContext);
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(cipher.Decrypt(*blob, kNameContext),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("context")));
  EXPECT_THAT(cipher.Decrypt(*blob, "complaint_reporter.phone "),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(cipher.Decrypt(*blob, kPhoneContext), IsOk());
}

TEST(FieldCipherTest, EmptyContextIsACallerBug) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  EXPECT_THAT(cipher.Encrypt("13900000088", ""), StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<std::string> blob = cipher.Encrypt("13900000088", kPhoneContext);
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(cipher.Decrypt(*blob, ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldCipherTest, WrongKeyIsRefused) {
  const FieldCipher mine = CipherFor(FieldCipher::NewKeyText());
  const FieldCipher other = CipherFor(FieldCipher::NewKeyText());
  ASSERT_NE(mine.key_id(), other.key_id());
  absl::StatusOr<std::string> blob = mine.Encrypt("13900000088", kPhoneContext);
  ASSERT_THAT(blob, IsOk());
  EXPECT_THAT(other.Decrypt(*blob, kPhoneContext),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr(absl::StrCat("key id ", mine.key_id())),
                             HasSubstr(absl::StrCat("holds key id ", other.key_id())))));
  // Relabelled with the other key's id, the tag still fails.
  SplitBlob relabelled = Split(*blob);
  relabelled.header = absl::StrCat("v1:", other.key_id(), ":");
  EXPECT_THAT(other.Decrypt(Join(relabelled), kPhoneContext),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("authentication failed")));
}

TEST(FieldCipherTest, MalformedBlobsAreDataLossAndNotEchoed) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  // 9 plaintext bytes: 37 raw bytes, so the base64 ends in "==".
  absl::StatusOr<std::string> good = cipher.Encrypt("王小明", kPhoneContext);
  ASSERT_THAT(good, IsOk());
  const std::string header = absl::StrCat("v1:", cipher.key_id(), ":");
  const std::string payload = good->substr(header.size());
  std::string unpadded = payload;
  while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
  ASSERT_NE(unpadded, payload);
  const std::vector<std::string> malformed = {
      "",
      "v1",
      "v1:",
      header.substr(0, header.size() - 1),
      header,
      "13900000088",                                     // plaintext stored by mistake
      absl::StrCat("v2:", cipher.key_id(), ":", payload),  // unknown version
      absl::StrCat("V1:", cipher.key_id(), ":", payload),
      absl::StrCat("v1:", absl::AsciiStrToUpper(cipher.key_id()), ":", payload),
      absl::StrCat("v1:", cipher.key_id().substr(0, 7), ":", payload),
      absl::StrCat("v1::", payload),
      absl::StrCat(header, "!!!!not*base64"),
      absl::StrCat(header, unpadded),  // non-canonical spelling
      absl::StrCat(header, payload, " "),
      absl::StrCat(" ", header, payload),
      absl::StrCat(header, payload, "AAAA"),
      absl::StrCat(header, payload.substr(0, 36)),  // cut inside the payload
      absl::StrCat(header, absl::Base64Escape(std::string(27, 'x'))),  // shorter than nonce+tag
      absl::StrCat(header, absl::Base64Escape(std::string(28, 'x'))),  // empty plaintext, bad tag
      absl::StrCat(header, std::string(200000, 'A')),                 // oversized
      std::string("v1:\0\0\0\0\0\0\0\0:AAAA", 16),
  };
  for (const std::string& blob : malformed) {
    SCOPED_TRACE(blob.substr(0, 80));
    absl::StatusOr<std::string> result = cipher.Decrypt(blob, kPhoneContext);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kDataLoss));
    if (blob.size() > 4) {
      EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr(blob)));
    }
  }
}

TEST(FieldCipherTest, OversizedPlaintextIsRefused) {
  const FieldCipher cipher = CipherFor(FieldCipher::NewKeyText());
  EXPECT_THAT(cipher.Encrypt(std::string(FieldCipher::kMaxPlaintextBytes, 'a'), kNameContext),
              IsOk());
  EXPECT_THAT(cipher.Encrypt(std::string(FieldCipher::kMaxPlaintextBytes + 1, 'a'), kNameContext),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FieldCipherTest, CopiesDecryptWhatTheOriginalEncrypted) {
  std::string blob;
  std::optional<FieldCipher> copy;
  {
    const FieldCipher original = CipherFor(FieldCipher::NewKeyText());
    absl::StatusOr<std::string> encrypted = original.Encrypt("王明", kNameContext);
    ASSERT_THAT(encrypted, IsOk());
    blob = *encrypted;
    copy = original;
  }
  EXPECT_THAT(copy->Decrypt(blob, kNameContext), IsOkAndHolds(std::string("王明")));
}

// ---------------------------------------------------------------- LookupHash

TEST(FieldCipherTest, LookupHashIsDeterministicHexPerKeyAndPurpose) {
  const std::string key_text = FieldCipher::NewKeyText();
  const FieldCipher cipher = CipherFor(key_text);
  const FieldCipher same_key = CipherFor(key_text);
  const FieldCipher other_key = CipherFor(FieldCipher::NewKeyText());
  const std::string hash = cipher.LookupHash("13900000088", "reporter_phone");
  EXPECT_THAT(hash, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(cipher.LookupHash("13900000088", "reporter_phone"), hash);
  EXPECT_EQ(same_key.LookupHash("13900000088", "reporter_phone"), hash);
  EXPECT_NE(other_key.LookupHash("13900000088", "reporter_phone"), hash);
  EXPECT_NE(cipher.LookupHash("13900000088", "reporter_name"), hash);
  EXPECT_NE(cipher.LookupHash("13900000089", "reporter_phone"), hash);
  EXPECT_THAT(hash, Not(HasSubstr("13900000088")));
  // The purpose/value boundary is not ambiguous.
  EXPECT_NE(cipher.LookupHash("c", "a:b"), cipher.LookupHash("b:c", "a"));
  EXPECT_NE(cipher.LookupHash("", "reporter_phone"), cipher.LookupHash("", "reporter_name"));
}

TEST(FieldCipherTest, LookupKeyIsIndependentOfTheDataKey) {
  // A hash must not be usable as, or derivable from, the encryption key: the two come from
  // different HKDF infos. Checked indirectly: the hash of the empty value is not the
  // HMAC under the master key itself.
  const FieldCipher cipher = CipherFor(kGoldenKey);
  const std::string under_master = absl::BytesToHexString(
      crypto_internal::HmacSha256(Unhex(kGoldenKey), "14:reporter_phone:13900000088"));
  EXPECT_NE(cipher.LookupHash("13900000088", "reporter_phone"), under_master);
}

// ---------------------------------------------------------------- key parsing

TEST(FieldCipherKeyTest, NewKeyTextIsFreshHex) {
  const std::string a = FieldCipher::NewKeyText();
  const std::string b = FieldCipher::NewKeyText();
  EXPECT_THAT(a, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_NE(a, b);
  EXPECT_NE(CipherFor(a).key_id(), CipherFor(b).key_id());
}

TEST(FieldCipherKeyTest, WhitespaceAndCaseDoNotMatter) {
  const std::string key = FieldCipher::NewKeyText();
  const std::string id = CipherFor(key).key_id();
  EXPECT_EQ(CipherFor(absl::StrCat("  ", key, "\n")).key_id(), id);
  EXPECT_EQ(CipherFor(absl::StrCat("\t", absl::AsciiStrToUpper(key), "\r\n")).key_id(), id);
}

TEST(FieldCipherKeyTest, BadKeyTextIsInvalidArgumentWithoutTheKey) {
  const std::string key = FieldCipher::NewKeyText();
  std::string with_g = key;
  with_g[10] = 'g';
  std::string with_space = key;
  with_space[31] = ' ';
  struct Case {
    std::string text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"", "expected 64 hex digits"},
      {key.substr(0, 63), "got 63 characters"},
      {absl::StrCat(key, "0"), "got 65 characters"},
      {absl::StrCat(key, key), "got 128 characters"},
      {with_g, "character 11 is not a hex digit"},
      {with_space, "character 32 is not a hex digit"},
      {absl::StrCat("0x", key.substr(2)), "character 2 is not a hex digit"},
      {std::string(64, '0'), "placeholder"},
      {std::string(64, 'f'), "placeholder"},
      {"abababababababababababababababababababababababababababababababab", "placeholder"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<FieldCipher> cipher = FieldCipher::FromKeyText(c.text, "ECOCASE_FIELD_KEY");
    ASSERT_THAT(cipher, StatusIs(absl::StatusCode::kInvalidArgument,
                                 AllOf(StartsWith("ECOCASE_FIELD_KEY: "), HasSubstr(c.message))));
    const std::string message(cipher.status().message());
    // No run of 8 key characters appears in the message.
    for (size_t i = 0; i + 8 <= c.text.size(); ++i) {
      const std::string piece = c.text.substr(i, 8);
      if (absl::StripAsciiWhitespace(piece).size() < 8) continue;
      ASSERT_THAT(message, Not(HasSubstr(piece))) << "leaks key text at " << i;
    }
  }
}

TEST(FieldCipherKeyTest, DefaultSourceNameInMessages) {
  EXPECT_THAT(FieldCipher::FromKeyText("short"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("field encryption key: ")));
}

TEST(FieldCipherKeyTest, FromFileOwnerOnly) {
  const std::string key = FieldCipher::NewKeyText();
  const std::string path = WriteFile("field_key_600", absl::StrCat(key, "\n"), 0600);
  absl::StatusOr<FieldCipher> cipher = FieldCipher::FromFile(path);
  ASSERT_THAT(cipher, IsOk());
  EXPECT_EQ(cipher->key_id(), CipherFor(key).key_id());
  EXPECT_THAT(FieldCipher::FromFile(WriteFile("field_key_400", key, 0400)), IsOk());
}

TEST(FieldCipherKeyTest, FromFileRefusesSharedModesUnlessAllowed) {
  const std::string key = FieldCipher::NewKeyText();
  for (mode_t mode : {0644, 0640, 0604, 0660, 0444, 0601}) {
    SCOPED_TRACE(mode);
    const std::string path = WriteFile(absl::StrCat("field_key_", mode), key, mode);
    absl::StatusOr<FieldCipher> refused = FieldCipher::FromFile(path);
    EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition,
                                  AllOf(HasSubstr(path), HasSubstr("chmod 600"),
                                        Not(HasSubstr(key.substr(0, 16))))));
    EXPECT_THAT(FieldCipher::FromFile(path, KeyFileAccess::kAllowShared), IsOk());
  }
}

TEST(FieldCipherKeyTest, FromFileErrors) {
  EXPECT_THAT(FieldCipher::FromFile(absl::StrCat(::testing::TempDir(), "/no_such_field_key")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no_such_field_key")));
  EXPECT_THAT(FieldCipher::FromFile(::testing::TempDir(), KeyFileAccess::kAllowShared),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a regular file")));
  EXPECT_THAT(FieldCipher::FromFile(WriteFile("field_key_big", std::string(5000, 'a'), 0600)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("larger than 4096")));
  const std::string key = FieldCipher::NewKeyText();
  const std::string bad = absl::StrCat(key.substr(0, 60), "zzzz");
  const std::string path = WriteFile("field_key_bad", bad, 0600);
  EXPECT_THAT(FieldCipher::FromFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(path), HasSubstr("character 61"),
                             Not(HasSubstr(bad.substr(0, 16))))));
}

}  // namespace
}  // namespace ecocase::security
