-- Enforcement cases (行政处罚案件, issue 9): the case with the columns lists filter and
-- scope on, its officers and evidence as child rows, and its timeline as append-only child
-- rows numbered from 1 per case.
--
-- The procedure records (notifications, the party's response, the hearing, review flags and
-- records, the decision, transfer, service, payments, court enforcement, the decision
-- clock's excluded periods and extensions, measures, revoked permits, correction tasks,
-- recusals) are one JSON document per case: a deeply nested legal record that is always read and written whole
-- and never queried by its inner fields, so child tables would add joins and no index
-- anyone uses. LONGTEXT with a JSON_VALID check works on MariaDB (whose JSON is LONGTEXT)
-- and on MySQL 8 alike. In it, enums are stored by name, money in integer fen, days as
-- "YYYY-MM-DD" and instants as integer microseconds since the epoch (UTC).

CREATE TABLE IF NOT EXISTS enforcement_case (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_year       INT          NULL COMMENT 'Year of the case number; NULL before filing',
  case_seq        BIGINT       NULL COMMENT 'Number within case_year (gapless); NULL before filing',
  -- Binary collation: a case number is an identifier, matched exactly.
  case_number     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL
    COMMENT 'e.g. 焦环罚〔2026〕12号; NULL for clues and unfiled cases',
  source_kind     VARCHAR(24)  NOT NULL
    COMMENT 'COMPLAINT, EXCEEDANCE_INCIDENT, REFUSED_TASK, OVERDUE_TASK, INSPECTION, RANDOM_INSPECTION, REFERRAL',
  source_link     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
    COMMENT 'complaints/{id}, incidents/{id}, tasks/{id}, inspections/{id} or a letter number',
  -- One case per finding: the link again, except for referrals (one letter may refer
  -- several matters), so that two concurrent openings of one finding meet on this unique
  -- key. READ COMMITTED takes no gap locks, so a locking read of a missing row cannot.
  unique_source   VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
    AS (IF(source_kind = 'REFERRAL' OR source_link = '', NULL, source_link)) STORED,
  party_kind      VARCHAR(16)  NOT NULL COMMENT 'ORGANISATION, INDIVIDUAL',
  party_name      VARCHAR(200) NOT NULL,
  enterprise_uscc CHAR(18)     NULL COMMENT 'The party''s enterprise; NULL for individuals',
  district_code   CHAR(6)      NOT NULL COMMENT 'GB/T 2260; the case''s scope',
  summary         VARCHAR(500) NOT NULL COMMENT '案由',
  discovery_day   DATE         NOT NULL COMMENT 'Asia/Shanghai',
  state           VARCHAR(24)  NOT NULL
    COMMENT 'CLUE, NOT_FILED, FILED, INVESTIGATING, UNDER_REVIEW, NOTIFIED, HEARING_REQUESTED, HEARING_HELD, DECIDED, NO_PENALTY, TRANSFERRED, SERVED, EXECUTING, CLOSED, ARCHIVED',
  state_reason    VARCHAR(1000) NOT NULL DEFAULT '',
  filed_day       DATE         NULL COMMENT 'Asia/Shanghai; NULL before filing',
  notified        BOOLEAN      NOT NULL DEFAULT FALSE
    COMMENT 'Set at the first 事先告知 and never cleared: the enterprise sees the case from then on',
  public_decision BOOLEAN      NOT NULL DEFAULT FALSE
    COMMENT 'A penalty decision the law makes public (行政处罚法 art. 48): against an organisation, not revoked',
  closure_ground  VARCHAR(32)  NOT NULL DEFAULT 'UNSPECIFIED'
    COMMENT 'FULLY_PERFORMED, NO_EXECUTION_NEEDED, TRANSFER_COMPLETED, COURT_ENFORCEMENT_ACCEPTED, DECISION_REVOKED',
  clock_due       DATETIME(6)  NULL
    COMMENT 'Earliest due instant of the running clocks (filing, decision, service, payment)',
  overdue_reported_due DATETIME(6) NULL
    COMMENT 'The clock_due the overdue sweep last reported: a later due that runs out is reported again',
  document        LONGTEXT     NOT NULL COMMENT 'The procedure records (see above)',
  created_by      VARCHAR(128) NOT NULL,
  create_time     DATETIME(6)  NOT NULL,
  update_time     DATETIME(6)  NOT NULL,
  version         BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  CONSTRAINT ck_case_document CHECK (JSON_VALID(document)),
  UNIQUE KEY uk_case_number (case_number),
  UNIQUE KEY uk_case_year_seq (case_year, case_seq),
  UNIQUE KEY uk_case_unique_source (source_kind, unique_source),
  KEY idx_case_source (source_kind, source_link),
  KEY idx_case_create (create_time, id),
  KEY idx_case_district (district_code, create_time, id),
  KEY idx_case_enterprise (enterprise_uscc, notified),
  KEY idx_case_state_due (state, clock_due),
  KEY idx_case_due (clock_due, id),
  KEY idx_case_public (public_decision, create_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The officers currently assigned, in the order assigned (replaced on every store).
CREATE TABLE IF NOT EXISTS case_officer (
  case_id            BIGINT      NOT NULL,
  position           INT         NOT NULL,
  username           VARCHAR(64) NOT NULL COMMENT 'Bare username',
  certificate_number VARCHAR(64) NOT NULL COMMENT '执法证 number',
  certificate_expiry DATE        NOT NULL COMMENT 'Last valid day',
  PRIMARY KEY (case_id, position),
  KEY idx_officer_username (username, case_id),
  CONSTRAINT fk_officer_case FOREIGN KEY (case_id) REFERENCES enforcement_case (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Linked evidence items and inspection records, in the order linked.
CREATE TABLE IF NOT EXISTS case_evidence (
  case_id  BIGINT       NOT NULL,
  position INT          NOT NULL,
  ref      VARCHAR(128) NOT NULL COMMENT 'evidence/{id} or inspections/{id}',
  PRIMARY KEY (case_id, position),
  CONSTRAINT fk_evidence_case FOREIGN KEY (case_id) REFERENCES enforcement_case (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The timeline: every step, numbered from 1 per case; never changed.
CREATE TABLE IF NOT EXISTS case_event (
  case_id    BIGINT       NOT NULL,
  seq        INT          NOT NULL,
  kind       VARCHAR(32)  NOT NULL COMMENT 'The step: OPEN, FILE, NOTIFY, ASSIGN_OFFICER, ...',
  state      VARCHAR(24)  NOT NULL COMMENT 'The case state after the step',
  actor      VARCHAR(128) NOT NULL COMMENT 'users/{username}',
  event_time DATETIME(6)  NOT NULL,
  note       TEXT         NOT NULL,
  PRIMARY KEY (case_id, seq),
  CONSTRAINT fk_event_case FOREIGN KEY (case_id) REFERENCES enforcement_case (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last case number given per year. Filing locks the year's row and increments it in
-- its own transaction, so a rolled-back filing gives its number back and numbers stay
-- gapless; concurrent filings queue on the row.
CREATE TABLE IF NOT EXISTS case_number_counter (
  year     INT    NOT NULL PRIMARY KEY,
  last_seq BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
