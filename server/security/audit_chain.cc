#include "security/audit_chain.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "security/sha256.h"

namespace ecocase::security {
namespace {

// Names the encoding, so a future change of fields or order cannot collide with it.
constexpr absl::string_view kEncodingTag = "ecocase.audit.v1";

// Appends `item` as its length (8 bytes, big-endian) and its bytes.
void AppendItem(std::string& out, absl::string_view item) {
  const uint64_t size = item.size();
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  out.append(item.data(), item.size());
}

}  // namespace

std::string AuditRecordHash(const AuditFields& fields) {
  std::string encoded;
  AppendItem(encoded, kEncodingTag);
  AppendItem(encoded, fields.previous_hash);
  AppendItem(encoded, absl::StrCat(fields.sequence));
  AppendItem(encoded, absl::StrCat(fields.record_time_micros));
  AppendItem(encoded, fields.actor);
  AppendItem(encoded, fields.action);
  AppendItem(encoded, fields.resource);
  AppendItem(encoded, fields.request_id);
  AppendItem(encoded, fields.change_digest);
  AppendItem(encoded, fields.district_code);
  AppendItem(encoded, fields.enterprise_uscc);
  return Sha256Hex(encoded);
}

AuditChainVerifier::AuditChainVerifier(int64_t checkpoint_sequence, std::string checkpoint_hash)
    : checkpoint_sequence_(checkpoint_sequence > 0 ? checkpoint_sequence : 0),
      checkpoint_hash_(absl::AsciiStrToLower(checkpoint_hash)) {}

void AuditChainVerifier::Break(int64_t sequence, std::string problem) {
  if (!intact()) return;  // Only the first broken link counts.
  first_broken_ = sequence;
  problem_ = std::move(problem);
}

void AuditChainVerifier::Add(const AuditFields& fields, absl::string_view stored_hash) {
  ++count_;
  const int64_t expected = last_sequence_ + 1;
  const int64_t sequence = fields.sequence;
  if (!intact()) {
    // Past the first broken link nothing more is judged; the records are only counted.
  } else if (sequence > expected) {
    Break(expected, sequence == expected + 1
                        ? absl::StrCat("record ", expected, " is missing")
                        : absl::StrCat("records ", expected, " to ", sequence - 1,
                                       " are missing"));
  } else if (sequence < expected) {
    Break(expected, last_sequence_ == 0
                        ? absl::StrCat("the chain starts at record ", sequence, ", not at 1")
                        : absl::StrCat("record ", sequence, " comes after record ",
                                       last_sequence_, " (the records are out of order)"));
  } else if (AuditRecordHash(fields) != stored_hash) {
    Break(sequence, absl::StrCat("record ", sequence,
                                 " was changed (its content does not match its hash)"));
  } else if (fields.previous_hash != last_hash_) {
    Break(sequence,
          sequence == 1
              ? std::string("record 1 does not start the chain (its previous_hash is not the "
                            "genesis hash)")
              : absl::StrCat("record ", sequence, " does not link to record ", last_sequence_,
                             " (records were removed, inserted or reordered)"));
  } else if (sequence == checkpoint_sequence_) {
    checkpoint_seen_ = true;
    if (stored_hash != checkpoint_hash_) {
      Break(sequence, absl::StrCat("the chain no longer holds checkpoint ", sequence,
                                   ": record ", sequence,
                                   " has another hash (the chain was rewritten up to there)"));
    }
  }
  last_sequence_ = sequence;
  last_hash_ = std::string(stored_hash);
}

void AuditChainVerifier::CheckCheckpointSeen() {
  if (checkpoint_sequence_ > 0 && !checkpoint_seen_) {
    Break(checkpoint_sequence_, absl::StrCat("the chain no longer holds checkpoint ",
                                             checkpoint_sequence_, " (it ends at record ",
                                             last_sequence_, ")"));
  }
}

void AuditChainVerifier::Finish(int64_t head_sequence, absl::string_view head_hash) {
  if (last_sequence_ < head_sequence) {
    Break(last_sequence_ + 1,
          last_sequence_ == 0
              ? absl::StrCat("every record is missing (the chain head says ", head_sequence, ")")
              : absl::StrCat("records after ", last_sequence_,
                             " are missing (the chain head says ", head_sequence, ")"));
  } else if (last_sequence_ > head_sequence) {
    Break(head_sequence + 1,
          absl::StrCat("records after ", head_sequence,
                       " are not covered by the chain head (it says ", head_sequence,
                       ", the chain ends at record ", last_sequence_, ")"));
  } else if (head_hash != last_hash_) {
    Break(last_sequence_ == 0 ? 1 : last_sequence_,
          last_sequence_ == 0
              ? std::string("the chain head's hash is not the genesis hash of an empty chain")
              : absl::StrCat("the chain head's hash does not match record ", last_sequence_));
  }
  CheckCheckpointSeen();
}

void AuditChainVerifier::FinishWithoutHead() {
  Break(last_sequence_ + 1, "the chain head (the audit_head row) is missing");
  CheckCheckpointSeen();
}

}  // namespace ecocase::security
