#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/enforcement_case.h"
#include "storage/mutation.h"
#include "storage/scope.h"

namespace ecocase::storage {

struct CaseFilter {
  std::optional<domain::CaseState> state;
  std::string district_code;  // Empty: all in scope; a city code covers its districts.
  std::string officer;        // Bare username: cases this officer is assigned to.
  std::optional<domain::CaseSourceKind> source_kind;
  std::string source_link;      // Cases opened from this link, e.g. "complaints/12".
  std::string enterprise_uscc;  // The party's enterprise.
  bool open_only = false;       // Not NOT_FILED, CLOSED or ARCHIVED.
  // Open cases whose stored clock_due (see Store) is at or before `now`.
  bool overdue_only = false;
  absl::Time now;  // Required with overdue_only.
  // Decisions the law makes public (domain::IsPublicDecision), whatever the scope.
  bool public_only = false;
};

// The List key: newest first, (create_time DESC, id DESC).
struct CaseCursor {
  absl::Time create_time;
  int64_t id = 0;
};

// A finding of earlier work that may call for a case and has none yet (no case has its
// link as source_link).
struct CaseCandidate {
  domain::CaseSourceKind kind = domain::CaseSourceKind::kUnspecified;
  std::string link;             // complaints/{id}, incidents/{id}, tasks/{id}
  std::string enterprise_uscc;  // "" when unknown
  std::string district_code;
  std::string description;  // what was found, for the case summary
  absl::Time found_time;
};

// Enforcement cases with their whole record.
//
// Scope: staff see the cases whose district_code their scope covers. An ENTERPRISE scope
// sees only cases of its own enterprise_uscc that have been notified (事先告知) at least
// once — from notification on, whatever happens to the case later; before that a case is
// NOT_FOUND to it, the same as one that does not exist.
//
// Case numbers are gapless per year: NextCaseSeq takes the next number of a per-year
// counter row locked inside the filing transaction, so a rolled-back filing gives its
// number back and concurrent filings queue on the row.
class CaseRepository {
 public:
  virtual ~CaseRepository() = default;

  // Inserts a new case (validated, domain::OpenClue'd; id and version ignored) with
  // `clock_due` (see Store). When `c.source.link` is not empty, the kind is not REFERRAL
  // and a case with the same source kind and link exists (whatever its scope or state),
  // returns that one with created = false and writes nothing: one case per finding.
  // NOT_FOUND when `enterprise_uscc` is set and that enterprise does not exist within
  // `scope`. Otherwise the stored case (id, version 1) with created = true.
  virtual absl::StatusOr<std::pair<domain::EnforcementCase, bool>> Create(
      Tx& tx, const Scope& scope, domain::EnforcementCase c,
      std::optional<absl::Time> clock_due) = 0;

  // Locks case `id` (SELECT ... FOR UPDATE) within `scope` and loads it whole. NOT_FOUND
  // outside scope.
  virtual absl::StatusOr<domain::EnforcementCase> Lock(Tx& tx, const Scope& scope,
                                                       int64_t id) = 0;

  // The next case sequence number of `year` (1, 2, ...), gapless: locks the year's counter
  // row (creating it at 0 when missing) and increments it within `tx`.
  virtual absl::StatusOr<int64_t> NextCaseSeq(Tx& tx, int year) = 0;

  // Stores `after` over `before` (as Lock returned it): every column and child record;
  // timeline events beyond those of `before` are appended (the timeline is append-only).
  // `clock_due`: the earliest due instant of the case's running clocks (filing, decision,
  // service, payment), nullopt when none runs; ListCases' overdue filter compares it.
  // Bumps version and sets update_time to `now`; returns `after` as stored. INTERNAL when
  // `after` changed the identity (id, source, party, create_time) or dropped timeline
  // events. ALREADY_EXISTS when the case number is taken (a second filing of one number).
  virtual absl::StatusOr<domain::EnforcementCase> Store(Tx& tx,
                                                        const domain::EnforcementCase& before,
                                                        domain::EnforcementCase after,
                                                        std::optional<absl::Time> clock_due,
                                                        absl::Time now) = 0;

  // NOT_FOUND outside scope.
  virtual absl::StatusOr<domain::EnforcementCase> Get(const Scope& scope, int64_t id) = 0;

  // Newest first (create_time DESC, id DESC), those after `after`, at most `limit`.
  virtual absl::StatusOr<std::vector<domain::EnforcementCase>> List(
      const Scope& scope, const CaseFilter& filter, int limit,
      const std::optional<CaseCursor>& after) = 0;

  // Case candidates in `scope` (staff scopes only; an enterprise scope gets none), newest
  // first, at most `limit`: complaints with case_clue set and not MERGED; incidents with
  // case_candidate set; rectification tasks that are refused (REFUSED_TASK) or, not
  // refused, open (not VERIFIED or CANCELLED) and past due_time at `now` (OVERDUE_TASK);
  // each only when no case has its link as source_link.
  virtual absl::StatusOr<std::vector<CaseCandidate>> ListCandidates(const Scope& scope,
                                                                    absl::Time now,
                                                                    int limit) = 0;

  // The finding a new case's source links to, within `scope`: a complaint, an incident or a
  // rectification task (REFUSED_TASK only when the task is refused), with its enterprise
  // ("" when none) and district in `enterprise_uscc` / `district_code` (the other fields as
  // ListCandidates fills them; found_time is left unset). NOT_FOUND when it does not exist
  // in scope; nullopt for the kinds whose records live elsewhere (inspections, referrals).
  virtual absl::StatusOr<std::optional<CaseCandidate>> LookupSource(
      const Scope& scope, const domain::CaseSource& source) = 0;

  // Open cases whose clock_due is at or before `now` and was not reported yet (see
  // MarkOverdueReported), oldest due first, at most `limit`, loaded whole (no scope).
  virtual absl::StatusOr<std::vector<domain::EnforcementCase>> ListUnreportedOverdue(
      absl::Time now, int limit) = 0;
  // Remembers that the overdue sweep reported case `id` at `due`. Does not change the
  // version. Returns false, writing nothing, when it was reported already or its clock_due
  // is no longer `due` (the step was done, the clock moved).
  virtual absl::StatusOr<bool> MarkOverdueReported(Tx& tx, int64_t id, absl::Time due) = 0;
};

}  // namespace ecocase::storage
