-- Rectification tasks (整改): orders to fix a finding by a date, the enterprise's reports
-- and the officers' re-inspections (复查), history kept. Lists (required actions, evidence,
-- officers) are child rows rather than JSON: the stack has no JSON parser on the C++ side,
-- MariaDB's JSON is LONGTEXT while MySQL's is a binary type, and rows can be searched
-- (e.g. the re-inspections an officer took part in).

CREATE TABLE IF NOT EXISTS rectification_task (
  id                  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  enterprise_id       BIGINT       NOT NULL,
  outlet_id           BIGINT       NULL COMMENT 'The outlet the task concerns, if any',
  source_kind         VARCHAR(24)  NOT NULL
    COMMENT 'EXCEEDANCE_INCIDENT, COMPLAINT, INSPECTION, CASE_DECISION, PERMIT_REVIEW',
  -- Binary collation: a finding is an identifier, matched exactly (case included).
  source              VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
    COMMENT 'The finding, e.g. incidents/123 or an inspection record number',
  title               VARCHAR(200) NOT NULL,
  legal_basis         VARCHAR(500) NOT NULL,
  deadline_days       INT          NOT NULL COMMENT 'The period as issued or last reset',
  deadline_working    BOOLEAN      NOT NULL COMMENT 'Working days (工作日) rather than calendar days',
  due_day             DATE         NOT NULL COMMENT 'Last day of the period, Asia/Shanghai',
  due_time            DATETIME(6)  NOT NULL COMMENT 'The instant it is due (end of due_day), UTC',
  due_provisional     BOOLEAN      NOT NULL DEFAULT FALSE
    COMMENT 'The due day lies in a year whose holidays are not loaded yet',
  state               VARCHAR(16)  NOT NULL
    COMMENT 'ISSUED, ACKNOWLEDGED, SUBMITTED, VERIFIED, CANCELLED',
  refused             BOOLEAN      NOT NULL DEFAULT FALSE COMMENT '拒不改正 found by a re-inspection',
  state_reason        VARCHAR(500) NOT NULL DEFAULT '',
  rectification_seq   INT          NOT NULL DEFAULT 0
    COMMENT 'The task_rectification row shown as the current report; 0 none',
  extension_seq       INT          NOT NULL DEFAULT 0
    COMMENT 'The task_extension row that is pending or was last decided; 0 none',
  issued_by           VARCHAR(128) NOT NULL,
  issue_time          DATETIME(6)  NOT NULL,
  update_time         DATETIME(6)  NOT NULL,
  version             BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  -- The due_time for which the overdue sweep last flagged the task: a moved deadline makes
  -- it eligible again. Not part of the task's state, so not covered by version.
  overdue_flagged_due DATETIME(6)  NULL,
  UNIQUE KEY uk_task_source (source_kind, source),
  KEY idx_task_state_due (state, due_time),
  KEY idx_task_enterprise (enterprise_id, issue_time, id),
  KEY idx_task_issue (issue_time, id),
  CONSTRAINT fk_task_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id),
  CONSTRAINT fk_task_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The task's own lists, in the order given.
CREATE TABLE IF NOT EXISTS task_item (
  task_id  BIGINT       NOT NULL,
  kind     VARCHAR(16)  NOT NULL COMMENT 'ACTION (整改要求) or EVIDENCE (proof to hand in)',
  position INT          NOT NULL,
  content  VARCHAR(500) NOT NULL,
  PRIMARY KEY (task_id, kind, position),
  CONSTRAINT fk_item_task FOREIGN KEY (task_id) REFERENCES rectification_task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every rectification report handed in, numbered from 1 per task; never changed.
CREATE TABLE IF NOT EXISTS task_rectification (
  task_id      BIGINT       NOT NULL,
  seq          INT          NOT NULL,
  report       TEXT         NOT NULL,
  submitted_by VARCHAR(128) NOT NULL,
  submit_time  DATETIME(6)  NOT NULL,
  PRIMARY KEY (task_id, seq),
  CONSTRAINT fk_rectification_task FOREIGN KEY (task_id) REFERENCES rectification_task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_rectification_evidence (
  task_id   BIGINT       NOT NULL,
  seq       INT          NOT NULL,
  position  INT          NOT NULL,
  reference VARCHAR(500) NOT NULL COMMENT 'Evidence id or document number',
  PRIMARY KEY (task_id, seq, position),
  CONSTRAINT fk_evidence_rectification FOREIGN KEY (task_id, seq)
    REFERENCES task_rectification (task_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every re-inspection (复查), numbered from 1 per task; never changed.
CREATE TABLE IF NOT EXISTS task_reinspection (
  task_id         BIGINT      NOT NULL,
  seq             INT         NOT NULL,
  kind            VARCHAR(16) NOT NULL COMMENT 'ON_SITE, COVERT (暗查), NON_SITE',
  inspection_date DATE        NOT NULL COMMENT 'Asia/Shanghai',
  outcome         VARCHAR(16) NOT NULL COMMENT 'CORRECTED, NOT_CORRECTED, OBSTRUCTED',
  findings        TEXT        NOT NULL,
  record_time     DATETIME(6) NOT NULL,
  PRIMARY KEY (task_id, seq),
  CONSTRAINT fk_reinspection_task FOREIGN KEY (task_id) REFERENCES rectification_task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_reinspection_officer (
  task_id  BIGINT       NOT NULL,
  seq      INT          NOT NULL,
  position INT          NOT NULL,
  officer  VARCHAR(128) NOT NULL COMMENT 'Username',
  PRIMARY KEY (task_id, seq, position),
  KEY idx_reinspection_officer (officer),
  CONSTRAINT fk_officer_reinspection FOREIGN KEY (task_id, seq)
    REFERENCES task_reinspection (task_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Extension requests, numbered from 1 per task: a request is a new row, its decision
-- completes that row.
CREATE TABLE IF NOT EXISTS task_extension (
  task_id       BIGINT       NOT NULL,
  seq           INT          NOT NULL,
  reason        VARCHAR(200) NOT NULL,
  extra_days    INT          NOT NULL,
  extra_working BOOLEAN      NOT NULL,
  state         VARCHAR(16)  NOT NULL COMMENT 'PENDING, GRANTED, REFUSED',
  requested_by  VARCHAR(128) NOT NULL,
  request_time  DATETIME(6)  NOT NULL,
  decided_by    VARCHAR(128) NOT NULL DEFAULT '',
  decision_note VARCHAR(500) NOT NULL DEFAULT '',
  decide_time   DATETIME(6)  NULL,
  PRIMARY KEY (task_id, seq),
  CONSTRAINT fk_extension_task FOREIGN KEY (task_id) REFERENCES rectification_task (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
