#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/complaint.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct ComplaintFilter {
  std::optional<domain::ComplaintState> state;
  std::optional<domain::ComplaintChannel> channel;
  std::optional<domain::ComplaintCategory> category;
  std::string district_code;     // Empty: all in scope; a city code covers its districts.
  std::string assigned_officer;  // Bare username: complaints currently assigned to them.
  std::string enterprise_uscc;   // The reported enterprise.
  bool open_only = false;        // Not NOT_ACCEPTED, ROUTED_OUT, CLOSED or MERGED.
  // Open complaints with a clock past due at `now`: still RECEIVED with acceptance_due <=
  // now, or closure_due <= now.
  bool overdue_only = false;
  // Open complaints with a running clock due at or before this instant (due soon).
  std::optional<absl::Time> due_before;
  bool case_clue_only = false;  // Verified findings flagged as a case clue.
  absl::Time now;               // Required with overdue_only.
};

// The List key: newest first, (receive_time DESC, id DESC).
struct ComplaintCursor {
  absl::Time receive_time;
  int64_t id = 0;
};

// Hotline complaints with their whole history. A complaint is in scope in its location's
// district_code and in its assigned district (a re-route hands it to another district's
// officers); reads take a Scope and a complaint outside it is NOT_FOUND, the same as one
// that does not exist. An ENTERPRISE scope sees no complaint at all (reporters are
// protected from the reported unit).
//
// The reporter's name and phone are encrypted at rest with the repository's FieldCipher
// (contexts "complaint.reporter_name" and "complaint.reporter_phone") and decrypted on
// every read: domain::Complaint carries them in plain, and the API decides what a caller
// sees. `reporter.identity_hash` is stored as given (the caller computes it). Storing a
// non-anonymous reporter without a cipher is FAILED_PRECONDITION; a blob that does not
// decrypt is DATA_LOSS.
//
// Reads fill everything: acceptance, the current assignment, routing (oldest first),
// findings (oldest first, with their links), replies, revisits, deadlines with their
// extensions (oldest first), and on a master `linked`: every complaint whose master_id is
// this one, oldest link first, with its decrypted reporter.
class ComplaintRepository {
 public:
  virtual ~ComplaintRepository() = default;

  // Inserts a received complaint (validated, domain::Receive'd, deadlines computed; id and
  // version ignored). When `external_order_number` is not empty and a complaint with the
  // same number exists (whatever its scope), returns that one with created = false and
  // writes nothing (a 12345 order imported twice is one complaint). NOT_FOUND when
  // `enterprise_uscc` is set and that enterprise does not exist within `scope`. Otherwise
  // the stored complaint (id, version 1) with created = true.
  virtual absl::StatusOr<std::pair<domain::Complaint, bool>> Create(
      Tx& tx, const Scope& scope, domain::Complaint complaint) = 0;

  // Locks complaint `id` (SELECT ... FOR UPDATE) within `scope` and loads it whole.
  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::Complaint> Lock(Tx& tx, const Scope& scope, int64_t id) = 0;

  // Stores what a domain transition changed from `before` (as Lock returned it) to
  // `after`: the complaint's columns (state, acceptance, assignment, reopen_count,
  // case_clue, master_id and link kind/time, deadlines, close_time), routing entries,
  // findings, replies, revisits and extensions appended beyond those of `before`, and the
  // links of existing findings when they changed. `after.linked` is not stored (it is
  // derived from the linked complaints' master_id). Bumps version and sets update_time to
  // `now`; returns `after` as stored. INTERNAL when `after` changed the identity (id,
  // channel, order number, reporter, receive_time) or dropped history entries.
  virtual absl::StatusOr<domain::Complaint> Store(Tx& tx, const domain::Complaint& before,
                                                  domain::Complaint after, absl::Time now) = 0;

  // Points every complaint in `ids` at `master_id` (their links move with a merge). Does
  // not change their version.
  virtual absl::Status Repoint(Tx& tx, const std::vector<int64_t>& ids, int64_t master_id) = 0;

  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::Complaint> Get(const Scope& scope, int64_t id) = 0;

  // Newest first (receive_time DESC, id DESC), those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::Complaint>> List(
      const Scope& scope, const ComplaintFilter& filter, int limit,
      const std::optional<ComplaintCursor>& after) = 0;

  // Accepted complaints still open (ACCEPTED, DISPATCHED, FINDINGS_RECORDED, REPLIED,
  // REVISITED) whose reporter has `identity_hash`, newest first, at most `limit`, any
  // scope: candidates for a repeat report (12369 办法 art. 8(4)).
  virtual absl::StatusOr<std::vector<domain::Complaint>> ListOpenByReporter(
      Tx& tx, const std::string& identity_hash, int limit) = 0;

  // Complaints of `category` received within [since, until] in `scope`, not MERGED,
  // newest first, at most `limit`: candidates for duplicate suggestions (the domain scores
  // them).
  virtual absl::StatusOr<std::vector<domain::Complaint>> ListRecent(
      const Scope& scope, domain::ComplaintCategory category, absl::Time since, absl::Time until,
      int limit) = 0;

  // Open complaints with a clock past due at `now` that the overdue sweep has not reported
  // (see MarkOverdueReported), oldest first, at most `limit`, loaded whole (no scope).
  virtual absl::StatusOr<std::vector<domain::Complaint>> ListUnreportedOverdue(absl::Time now,
                                                                             int limit) = 0;
  // Remembers that the sweep reported `clock` of complaint `id` overdue at `due` (the
  // acceptance clock once; the closure clock once per closure_due, so an extension that
  // passes too is reported again). Does not change the version. Returns false, writing
  // nothing, when the clock was reported already or no longer runs at that due (decided,
  // closed, extended).
  virtual absl::StatusOr<bool> MarkOverdueReported(Tx& tx, int64_t id, domain::SlaClock clock,
                                                   absl::Time due) = 0;
};

}  // namespace ecocase::storage
