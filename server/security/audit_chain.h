#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace ecocase::security {

// 64 zeros: the previous_hash of the first record.
inline constexpr absl::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The fields of one audit record that its hash covers.
struct AuditFields {
  int64_t sequence = 0;
  int64_t record_time_micros = 0;  // UTC microseconds since the Unix epoch.
  std::string actor;
  std::string action;
  std::string resource;
  std::string request_id;
  std::string change_digest;
  std::string district_code;
  std::string enterprise_uscc;
  std::string previous_hash;
};

// SHA-256 (hex) over an unambiguous encoding of every field, previous_hash included, so a
// change to any field of any record changes every later hash.
//
// Encoding (version 1): the tag "ecocase.audit.v1", then previous_hash, sequence,
// record_time_micros, actor, action, resource, request_id, change_digest, district_code,
// enterprise_uscc, in that order. Each item is its byte length as 8 bytes big-endian
// followed by its bytes; the integers are written in decimal ASCII. An absent district or
// enterprise is the empty string (the table stores NULL).
std::string AuditRecordHash(const AuditFields& fields);

// Checks a chain record by record, in sequence order, without holding it in memory, and
// keeps the first broken link: the first record whose content no longer matches its
// hash, that does not link to the record before it, or that is missing; or, at Finish(),
// a chain that ends elsewhere than its head row says or no longer holds the checkpoint.
class AuditChainVerifier {
 public:
  // `checkpoint_sequence`/`checkpoint_hash`: a point of the chain the caller kept outside
  // the database (sequence 0 = none); the chain must still hold it. This is what catches
  // a cut-off tail when the head row was rewritten as well.
  explicit AuditChainVerifier(int64_t checkpoint_sequence = 0, std::string checkpoint_hash = "");

  // Feeds the next record in sequence order; `stored_hash` is the hash column as read.
  void Add(const AuditFields& fields, absl::string_view stored_hash);
  // After the last record: `head_sequence`/`head_hash` from the audit_head row, the
  // database's own note of where the chain ends.
  void Finish(int64_t head_sequence, absl::string_view head_hash);
  // After the last record, when the audit_head row itself is gone.
  void FinishWithoutHead();

  bool intact() const { return first_broken_ == 0; }
  // Records fed, broken or not.
  int64_t record_count() const { return count_; }
  // The sequence of the first broken link (0 when intact).
  int64_t first_broken_sequence() const { return first_broken_; }
  // What is wrong at first_broken_sequence(), e.g. "record 7 was changed" ("" when intact).
  const std::string& problem() const { return problem_; }
  // The last record fed (0 and kGenesisHash before any): the next checkpoint when intact.
  int64_t last_sequence() const { return last_sequence_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  void Break(int64_t sequence, std::string problem);
  void CheckCheckpointSeen();

  int64_t count_ = 0;
  int64_t last_sequence_ = 0;
  std::string last_hash_ = std::string(kGenesisHash);
  int64_t first_broken_ = 0;
  std::string problem_;
  int64_t checkpoint_sequence_;
  std::string checkpoint_hash_;
  bool checkpoint_seen_ = false;
};

}  // namespace ecocase::security
