#include "security/audit_chain.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "security/sha256.h"

namespace ecocase::security {
namespace {

using ::testing::HasSubstr;

struct Record {
  AuditFields fields;
  std::string hash;
};

AuditFields Fields(int64_t sequence) {
  AuditFields f;
  f.sequence = sequence;
  f.record_time_micros = 1'780'000'000'000'000 + sequence * 1'000'001;
  f.actor = absl::StrCat("users/officer", sequence % 3);
  f.action = "UpdateUser";
  f.resource = absl::StrCat("users/u", sequence);
  f.request_id = sequence % 2 == 0 ? absl::StrCat("req-", sequence) : "";
  f.change_digest = Sha256Hex(absl::StrCat("state ", sequence));
  f.district_code = sequence % 2 == 0 ? "410802" : "";
  f.enterprise_uscc = sequence % 4 == 0 ? "91410800MA00000001" : "";
  return f;
}

// Links `records` the way the appender does: each previous_hash is the hash before it.
void Relink(std::vector<Record>& records) {
  std::string previous(kGenesisHash);
  for (Record& r : records) {
    r.fields.previous_hash = previous;
    r.hash = AuditRecordHash(r.fields);
    previous = r.hash;
  }
}

std::vector<Record> MakeChain(int n) {
  std::vector<Record> records;
  for (int i = 1; i <= n; ++i) records.push_back({Fields(i), ""});
  Relink(records);
  return records;
}

void Feed(AuditChainVerifier& verifier, const std::vector<Record>& records) {
  for (const Record& r : records) verifier.Add(r.fields, r.hash);
}

void FeedAndFinishAtLast(AuditChainVerifier& verifier, const std::vector<Record>& records) {
  Feed(verifier, records);
  if (records.empty()) {
    verifier.Finish(0, kGenesisHash);
  } else {
    verifier.Finish(records.back().fields.sequence, records.back().hash);
  }
}

std::string Item(absl::string_view s) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[7 - i] = static_cast<char>((s.size() >> (8 * i)) & 0xff);
  return absl::StrCat(out, s);
}

TEST(AuditRecordHashTest, IsSha256OfLengthPrefixedFieldsInFixedOrder) {
  AuditFields f = Fields(4);
  f.previous_hash = std::string(kGenesisHash);
  const std::string expected = Sha256Hex(absl::StrCat(
      Item("ecocase.audit.v1"), Item(f.previous_hash), Item("4"),
      Item(absl::StrCat(f.record_time_micros)), Item(f.actor), Item(f.action),
      Item(f.resource), Item(f.request_id), Item(f.change_digest), Item(f.district_code),
      Item(f.enterprise_uscc)));
  EXPECT_EQ(AuditRecordHash(f), expected);
  EXPECT_EQ(AuditRecordHash(f).size(), 64u);
  EXPECT_EQ(AuditRecordHash(f), absl::AsciiStrToLower(AuditRecordHash(f)));
}

TEST(AuditRecordHashTest, EveryFieldChangesTheHash) {
  AuditFields base = Fields(2);
  base.previous_hash = std::string(kGenesisHash);
  const std::string h = AuditRecordHash(base);
  std::vector<std::pair<std::string, AuditFields>> variants;
  auto vary = [&](const std::string& name, auto change) {
    AuditFields f = base;
    change(f);
    variants.emplace_back(name, f);
  };
  vary("sequence", [](AuditFields& f) { f.sequence = 3; });
  vary("record_time", [](AuditFields& f) { f.record_time_micros += 1; });
  vary("actor", [](AuditFields& f) { f.actor += "x"; });
  vary("action", [](AuditFields& f) { f.action = "DisableUser"; });
  vary("resource", [](AuditFields& f) { f.resource = "users/other"; });
  vary("request_id", [](AuditFields& f) { f.request_id = "req-other"; });
  vary("change_digest", [](AuditFields& f) { f.change_digest = Sha256Hex("other"); });
  vary("district_code", [](AuditFields& f) { f.district_code = "410803"; });
  vary("enterprise_uscc", [](AuditFields& f) { f.enterprise_uscc = "91410800MA00000002"; });
  vary("previous_hash", [](AuditFields& f) { f.previous_hash = Sha256Hex("x"); });
  for (const auto& [name, f] : variants) {
    SCOPED_TRACE(name);
    EXPECT_NE(AuditRecordHash(f), h);
  }
}

TEST(AuditRecordHashTest, FieldBoundariesAreUnambiguous) {
  AuditFields a = Fields(1);
  AuditFields b = a;
  a.actor = "users/ab";
  a.action = "c";
  b.actor = "users/a";
  b.action = "bc";
  EXPECT_NE(AuditRecordHash(a), AuditRecordHash(b));
  // An empty district followed by an enterprise is not the same as the reverse.
  a = Fields(1);
  b = a;
  a.district_code = "";
  a.enterprise_uscc = "410802";
  b.district_code = "410802";
  b.enterprise_uscc = "";
  EXPECT_NE(AuditRecordHash(a), AuditRecordHash(b));
}

TEST(AuditChainVerifierTest, IntactChainVerifies) {
  const std::vector<Record> chain = MakeChain(5);
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_TRUE(verifier.intact()) << verifier.problem();
  EXPECT_EQ(verifier.record_count(), 5);
  EXPECT_EQ(verifier.first_broken_sequence(), 0);
  EXPECT_EQ(verifier.problem(), "");
  EXPECT_EQ(verifier.last_sequence(), 5);
  EXPECT_EQ(verifier.last_hash(), chain.back().hash);
}

TEST(AuditChainVerifierTest, EmptyChainWithHeadZeroIsIntact) {
  AuditChainVerifier verifier;
  verifier.Finish(0, kGenesisHash);
  EXPECT_TRUE(verifier.intact()) << verifier.problem();
  EXPECT_EQ(verifier.record_count(), 0);
  EXPECT_EQ(verifier.last_sequence(), 0);
  EXPECT_EQ(verifier.last_hash(), kGenesisHash);
}

TEST(AuditChainVerifierTest, EmptyChainWithAWrongHeadHashIsBroken) {
  AuditChainVerifier verifier;
  verifier.Finish(0, Sha256Hex("forged"));
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 1);
}

TEST(AuditChainVerifierTest, CheckpointOfAnIntactChainIsHeld) {
  const std::vector<Record> chain = MakeChain(5);
  for (int checkpoint = 1; checkpoint <= 5; ++checkpoint) {
    SCOPED_TRACE(checkpoint);
    // Upper-case hex from a client is the same hash.
    AuditChainVerifier verifier(checkpoint, absl::AsciiStrToUpper(chain[checkpoint - 1].hash));
    FeedAndFinishAtLast(verifier, chain);
    EXPECT_TRUE(verifier.intact()) << verifier.problem();
  }
}

TEST(AuditChainVerifierTest, ChangedMiddleRecordIsTheFirstBrokenLink) {
  std::vector<Record> chain = MakeChain(5);
  chain[2].fields.actor = "users/intruder";  // Record 3, stored hash kept.
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 3);
  EXPECT_THAT(verifier.problem(), HasSubstr("record 3 was changed"));
  EXPECT_EQ(verifier.record_count(), 5);  // Every record is still counted.
}

TEST(AuditChainVerifierTest, ChangedHashColumnIsFound) {
  std::vector<Record> chain = MakeChain(5);
  chain[1].hash = Sha256Hex("forged");
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_EQ(verifier.first_broken_sequence(), 2);
  EXPECT_THAT(verifier.problem(), HasSubstr("record 2 was changed"));
}

TEST(AuditChainVerifierTest, DeletedMiddleRecordIsMissing) {
  std::vector<Record> chain = MakeChain(5);
  chain.erase(chain.begin() + 2);  // Record 3.
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 3);
  EXPECT_EQ(verifier.problem(), "record 3 is missing");
  EXPECT_EQ(verifier.record_count(), 4);
}

TEST(AuditChainVerifierTest, SeveralDeletedRecordsAreNamedAsARange) {
  std::vector<Record> chain = MakeChain(6);
  chain.erase(chain.begin() + 1, chain.begin() + 4);  // Records 2, 3, 4.
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_EQ(verifier.first_broken_sequence(), 2);
  EXPECT_EQ(verifier.problem(), "records 2 to 4 are missing");
}

TEST(AuditChainVerifierTest, DeletedFirstRecordIsMissing) {
  std::vector<Record> chain = MakeChain(3);
  chain.erase(chain.begin());
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_EQ(verifier.first_broken_sequence(), 1);
  EXPECT_EQ(verifier.problem(), "record 1 is missing");
}

TEST(AuditChainVerifierTest, FirstRecordMustStartFromTheGenesisHash) {
  std::vector<Record> chain = MakeChain(3);
  chain[0].fields.previous_hash = Sha256Hex("older history");
  chain[0].hash = AuditRecordHash(chain[0].fields);  // Self-consistent, but not a start.
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, chain);
  EXPECT_EQ(verifier.first_broken_sequence(), 1);
  EXPECT_THAT(verifier.problem(), HasSubstr("record 1 does not start the chain"));
}

TEST(AuditChainVerifierTest, DeletedLastRecordIsFoundByTheHead) {
  const std::vector<Record> full = MakeChain(5);
  std::vector<Record> cut(full.begin(), full.end() - 1);
  AuditChainVerifier verifier;
  Feed(verifier, cut);
  verifier.Finish(5, full.back().hash);  // The head still says 5.
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 5);
  EXPECT_EQ(verifier.problem(), "records after 4 are missing (the chain head says 5)");
}

TEST(AuditChainVerifierTest, DeletedLastRecordWithRewrittenHeadIsFoundOnlyByACheckpoint) {
  const std::vector<Record> full = MakeChain(5);
  const std::vector<Record> cut(full.begin(), full.end() - 1);

  AuditChainVerifier without_checkpoint;
  FeedAndFinishAtLast(without_checkpoint, cut);  // The head was moved back to 4.
  EXPECT_TRUE(without_checkpoint.intact());

  AuditChainVerifier with_checkpoint(5, full.back().hash);
  FeedAndFinishAtLast(with_checkpoint, cut);
  EXPECT_FALSE(with_checkpoint.intact());
  EXPECT_EQ(with_checkpoint.first_broken_sequence(), 5);
  EXPECT_THAT(with_checkpoint.problem(), HasSubstr("the chain no longer holds checkpoint 5"));

  // An older checkpoint is still held by the shorter chain.
  AuditChainVerifier older_checkpoint(3, full[2].hash);
  FeedAndFinishAtLast(older_checkpoint, cut);
  EXPECT_TRUE(older_checkpoint.intact());
}

TEST(AuditChainVerifierTest, CheckpointBeyondAnEmptyChainIsBroken) {
  AuditChainVerifier verifier(3, Sha256Hex("x"));
  verifier.Finish(0, kGenesisHash);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 3);
  EXPECT_THAT(verifier.problem(), HasSubstr("checkpoint 3"));
}

TEST(AuditChainVerifierTest, ReorderedRecordsAreFound) {
  // Rows swapped but fed in sequence order: both sequence numbers are where they were,
  // so the content of record 3 no longer matches its hash.
  {
    std::vector<Record> chain = MakeChain(5);
    std::swap(chain[2].fields.sequence, chain[3].fields.sequence);
    std::swap(chain[2], chain[3]);
    AuditChainVerifier verifier;
    FeedAndFinishAtLast(verifier, chain);
    EXPECT_EQ(verifier.first_broken_sequence(), 3);
    EXPECT_THAT(verifier.problem(), HasSubstr("record 3 was changed"));
  }
  // A forger who also recomputes each moved record's own hash still cannot make it link.
  {
    std::vector<Record> chain = MakeChain(5);
    std::swap(chain[2], chain[3]);
    chain[2].fields.sequence = 3;
    chain[3].fields.sequence = 4;
    chain[2].hash = AuditRecordHash(chain[2].fields);
    chain[3].hash = AuditRecordHash(chain[3].fields);
    AuditChainVerifier verifier;
    FeedAndFinishAtLast(verifier, chain);
    EXPECT_EQ(verifier.first_broken_sequence(), 3);
    EXPECT_THAT(verifier.problem(), HasSubstr("record 3 does not link to record 2"));
  }
  // Records handed over out of order.
  {
    std::vector<Record> chain = MakeChain(5);
    std::swap(chain[2], chain[3]);
    AuditChainVerifier verifier;
    FeedAndFinishAtLast(verifier, chain);
    EXPECT_EQ(verifier.first_broken_sequence(), 3);
    EXPECT_FALSE(verifier.intact());
  }
}

TEST(AuditChainVerifierTest, InsertedRecordIsFound) {
  std::vector<Record> chain = MakeChain(4);
  Record forged{Fields(3), ""};
  forged.fields.actor = "users/intruder";
  forged.fields.previous_hash = chain[1].hash;  // Links properly to record 2 ...
  forged.hash = AuditRecordHash(forged.fields);
  std::vector<Record> tampered = {chain[0], chain[1], forged, chain[2], chain[3]};
  for (size_t i = 3; i < tampered.size(); ++i) {  // ... and the later ones are renumbered.
    tampered[i].fields.sequence = static_cast<int64_t>(i) + 1;
    tampered[i].hash = AuditRecordHash(tampered[i].fields);
  }
  AuditChainVerifier verifier;
  FeedAndFinishAtLast(verifier, tampered);
  EXPECT_EQ(verifier.first_broken_sequence(), 4);
  EXPECT_THAT(verifier.problem(), HasSubstr("record 4 does not link to record 3"));
}

TEST(AuditChainVerifierTest, CheckpointHashMismatchFindsARewrittenChain) {
  const std::vector<Record> original = MakeChain(5);
  std::vector<Record> rewritten = original;
  rewritten[1].fields.actor = "users/intruder";
  Relink(rewritten);  // Every later hash and the head recomputed: self-consistent.

  AuditChainVerifier without_checkpoint;
  FeedAndFinishAtLast(without_checkpoint, rewritten);
  EXPECT_TRUE(without_checkpoint.intact());

  AuditChainVerifier verifier(4, original[3].hash);
  FeedAndFinishAtLast(verifier, rewritten);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 4);
  EXPECT_THAT(verifier.problem(), HasSubstr("the chain no longer holds checkpoint 4"));
}

TEST(AuditChainVerifierTest, HeadHashMismatchIsFound) {
  const std::vector<Record> chain = MakeChain(5);
  AuditChainVerifier verifier;
  Feed(verifier, chain);
  verifier.Finish(5, chain[3].hash);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 5);
  EXPECT_THAT(verifier.problem(), HasSubstr("the chain head's hash does not match record 5"));
}

TEST(AuditChainVerifierTest, RecordsBeyondTheHeadAreFound) {
  const std::vector<Record> chain = MakeChain(5);
  AuditChainVerifier verifier;
  Feed(verifier, chain);
  verifier.Finish(3, chain[2].hash);
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 4);
  EXPECT_THAT(verifier.problem(), HasSubstr("not covered by the chain head"));
}

TEST(AuditChainVerifierTest, MissingHeadRowIsFound) {
  AuditChainVerifier verifier;
  Feed(verifier, MakeChain(2));
  verifier.FinishWithoutHead();
  EXPECT_FALSE(verifier.intact());
  EXPECT_EQ(verifier.first_broken_sequence(), 3);
  EXPECT_THAT(verifier.problem(), HasSubstr("audit_head"));
}

TEST(AuditChainVerifierTest, OnlyTheFirstBrokenLinkIsReported) {
  std::vector<Record> chain = MakeChain(6);
  chain[1].fields.action = "DeleteUser";  // Record 2 changed ...
  chain.erase(chain.begin() + 3);         // ... and record 4 deleted.
  AuditChainVerifier verifier(6, chain.back().hash);
  Feed(verifier, chain);
  verifier.Finish(9, Sha256Hex("whatever"));
  EXPECT_EQ(verifier.first_broken_sequence(), 2);
  EXPECT_THAT(verifier.problem(), HasSubstr("record 2 was changed"));
  EXPECT_EQ(verifier.record_count(), 5);
}

}  // namespace
}  // namespace ecocase::security
