-- Exceedance and missing-data evaluation (issue 7): data marks, incidents with the window
-- verdicts that produced them, the evaluation's own bookkeeping, device activity for the
-- offline check, and the alert feed that WatchAlerts streams.

-- 自主标记: a period of an outlet's data the enterprise declares affected (maintenance,
-- fault, calibration, start-up/shut-down, stopped ...). Only ACCEPTED marks exclude data.
CREATE TABLE IF NOT EXISTS data_mark (
  id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  enterprise_id  BIGINT       NOT NULL,
  outlet_id      BIGINT       NOT NULL,
  pollutant      VARCHAR(16)  NOT NULL DEFAULT '' COMMENT 'HJ 212 factor code; empty = every factor',
  mark_type      VARCHAR(24)  NOT NULL
    COMMENT 'MAINTENANCE, FAULT, CALIBRATION, COMMUNICATION, STOPPED, START_STOP, ABNORMAL_CONDITION',
  start_time     DATETIME(6)  NOT NULL,
  end_time       DATETIME(6)  NOT NULL COMMENT 'Exclusive',
  reason         VARCHAR(1000) NOT NULL,
  state          VARCHAR(16)  NOT NULL COMMENT 'PENDING, ACCEPTED, REJECTED, WITHDRAWN',
  review_reason  VARCHAR(1000) NOT NULL DEFAULT '',
  reviewed_by    VARCHAR(128) NOT NULL DEFAULT '',
  review_time    DATETIME(6)  NULL,
  created_by     VARCHAR(128) NOT NULL,
  create_time    DATETIME(6)  NOT NULL,
  update_time    DATETIME(6)  NOT NULL,
  version        BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  KEY idx_mark_outlet_time (outlet_id, start_time),
  KEY idx_mark_enterprise (enterprise_id, create_time, id),
  KEY idx_mark_state (state, create_time, id),
  CONSTRAINT fk_mark_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id),
  CONSTRAINT fk_mark_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Evidence references handed in with a mark (evidence item names, document numbers).
CREATE TABLE IF NOT EXISTS data_mark_evidence (
  mark_id   BIGINT       NOT NULL,
  position  INT          NOT NULL,
  reference VARCHAR(500) NOT NULL,
  PRIMARY KEY (mark_id, position),
  CONSTRAINT fk_mark_evidence FOREIGN KEY (mark_id) REFERENCES data_mark (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One incident per outlet x pollutant x kind x first bad window. Its summary columns are
-- derived from its incident_window rows (see domain/evaluation/incidents.h) and rewritten
-- with them; a re-evaluation that no longer finds it marks it WITHDRAWN (kept for audit).
CREATE TABLE IF NOT EXISTS incident (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  enterprise_id    BIGINT       NOT NULL,
  outlet_id        BIGINT       NOT NULL,
  pollutant        VARCHAR(16)  NOT NULL DEFAULT '' COMMENT 'Empty for DEVICE_OFFLINE',
  kind             VARCHAR(16)  NOT NULL COMMENT 'EXCEEDANCE, MISSING_DATA, DEVICE_OFFLINE',
  mn               VARCHAR(24)  NOT NULL DEFAULT '' COMMENT 'DEVICE_OFFLINE: the silent device',
  first_bad_window DATETIME(6)  NOT NULL,
  window_seconds   INT          NOT NULL COMMENT '3600 hour, 86400 day',
  state            VARCHAR(16)  NOT NULL COMMENT 'OPEN, CLOSED, WITHDRAWN',
  last_bad_window  DATETIME(6)  NOT NULL,
  bad_windows      INT          NOT NULL,
  peak_value       DOUBLE       NOT NULL DEFAULT 0,
  peak_limit       DOUBLE       NOT NULL DEFAULT 0,
  peak_unit        VARCHAR(16)  NOT NULL DEFAULT '',
  peak_ratio       DOUBLE       NOT NULL DEFAULT 0,
  closing_window   DATETIME(6)  NULL,
  compliant_run    INT          NOT NULL DEFAULT 0,
  rule_version     VARCHAR(128) NOT NULL,
  task_id          BIGINT       NULL COMMENT 'The rectification task it issued',
  explanation      VARCHAR(2000) NOT NULL DEFAULT '' COMMENT 'The enterprise''s 情况说明',
  explained_by     VARCHAR(128) NOT NULL DEFAULT '',
  explain_time     DATETIME(6)  NULL,
  case_candidate   BOOLEAN      NOT NULL DEFAULT FALSE
    COMMENT 'Flagged for the case issue: unexplained past the window',
  open_time        DATETIME(6)  NOT NULL COMMENT 'When the evaluation first found it',
  update_time      DATETIME(6)  NOT NULL,
  version          BIGINT       NOT NULL DEFAULT 1,
  UNIQUE KEY uk_incident (outlet_id, pollutant, kind, first_bad_window),
  KEY idx_incident_state (state, kind, open_time),
  KEY idx_incident_enterprise (enterprise_id, open_time, id),
  KEY idx_incident_open (open_time, id),
  CONSTRAINT fk_incident_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id),
  CONSTRAINT fk_incident_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The windows an incident holds, first bad through closing: the inputs that reproduce it.
CREATE TABLE IF NOT EXISTS incident_window (
  incident_id   BIGINT       NOT NULL,
  window_start  DATETIME(6)  NOT NULL,
  verdict       VARCHAR(16)  NOT NULL COMMENT 'EXCEEDANCE, COMPLIANT, MISSING, EXCLUDED',
  value         DOUBLE       NOT NULL DEFAULT 0,
  limit_value   DOUBLE       NOT NULL DEFAULT 0,
  unit          VARCHAR(16)  NOT NULL DEFAULT '',
  ratio         DOUBLE       NOT NULL DEFAULT 0,
  valid_count   INT          NOT NULL DEFAULT 0,
  rule_version  VARCHAR(128) NOT NULL,
  detail        VARCHAR(1000) NOT NULL DEFAULT '',
  PRIMARY KEY (incident_id, window_start),
  CONSTRAINT fk_window_incident FOREIGN KEY (incident_id) REFERENCES incident (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How far the evaluation has judged each outlet: hours before evaluated_through are done
-- unless an evaluation_request asks again.
CREATE TABLE IF NOT EXISTS evaluation_progress (
  outlet_id          BIGINT      NOT NULL PRIMARY KEY,
  evaluated_through  DATETIME(6) NOT NULL COMMENT 'End (exclusive) of the last hour judged',
  update_time        DATETIME(6) NOT NULL,
  CONSTRAINT fk_progress_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Hours to judge again: late readings and reviewed marks add them; the sweep removes them.
CREATE TABLE IF NOT EXISTS evaluation_request (
  outlet_id   BIGINT      NOT NULL,
  hour_start  DATETIME(6) NOT NULL,
  request_time DATETIME(6) NOT NULL,
  PRIMARY KEY (outlet_id, hour_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When each device was last heard from (any accepted reading), for DEVICE_OFFLINE.
CREATE TABLE IF NOT EXISTS device_activity (
  mn         VARCHAR(24) NOT NULL PRIMARY KEY,
  last_seen  DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The alert feed: new and changed incidents and tasks, in commit order. seq comes from
-- alert_sequence under a row lock held to COMMIT, so a reader that has seen seq N has seen
-- every event below N (AUTO_INCREMENT values can commit out of order).
CREATE TABLE IF NOT EXISTS alert_event (
  seq            BIGINT       NOT NULL PRIMARY KEY,
  kind           VARCHAR(32)  NOT NULL
    COMMENT 'INCIDENT_OPENED, INCIDENT_UPDATED, INCIDENT_CLOSED, INCIDENT_WITHDRAWN, TASK_ISSUED, TASK_CHANGED ...',
  resource       VARCHAR(128) NOT NULL COMMENT 'incidents/12, tasks/7',
  enterprise_id  BIGINT       NOT NULL,
  district_code  VARCHAR(12)  NOT NULL COMMENT 'The enterprise''s district, for scoped reads',
  title          VARCHAR(500) NOT NULL COMMENT 'Chinese one-line summary',
  detail         VARCHAR(2000) NOT NULL DEFAULT '',
  create_time    DATETIME(6)  NOT NULL,
  KEY idx_alert_enterprise (enterprise_id, seq),
  KEY idx_alert_district (district_code, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS alert_sequence (
  id        TINYINT NOT NULL PRIMARY KEY,
  last_seq  BIGINT  NOT NULL
) ENGINE=InnoDB;
INSERT IGNORE INTO alert_sequence (id, last_seq) VALUES (1, 0);
