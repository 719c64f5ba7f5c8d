-- Hotline complaints (12369 / 12345 / 信访, issue 8): the complaint with its current
-- acceptance, assignment and deadlines, and its history as append-only child rows numbered
-- from 1 per complaint (routing, findings, replies, revisits, closure extensions). Lists
-- are child rows rather than JSON, as for rectification tasks (V005).
--
-- The reporter's name and phone are AES-GCM blobs ("v1:<key id>:<base64>", see
-- security/field_cipher.h), never plaintext; reporter_hash is a keyed hash of the phone
-- for finding repeat reporters without decrypting. All three are NULL for an anonymous
-- report.

CREATE TABLE IF NOT EXISTS complaint (
  id                        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  channel                   VARCHAR(24)  NOT NULL
    COMMENT '12369_PHONE, 12369_WECHAT, 12369_WEB, 12345_TRANSFER, LETTER_VISIT',
  -- Binary collation: a work order number is an identifier, matched exactly.
  external_order_number     VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL
    COMMENT 'The 12345 工单号; NULL when none',
  reporter_anonymous        BOOLEAN      NOT NULL,
  reporter_name_enc         TEXT         NULL COMMENT 'Encrypted; NULL when not given',
  reporter_phone_enc        TEXT         NULL COMMENT 'Encrypted; NULL when anonymous',
  reporter_hash             CHAR(64)     CHARACTER SET ascii NULL
    COMMENT 'Keyed hash of the reporter''s phone; NULL when anonymous',
  address                   VARCHAR(300) NOT NULL,
  district_code             CHAR(6)      NOT NULL COMMENT 'GB/T 2260; the complaint''s scope',
  latitude                  DOUBLE       NULL,
  longitude                 DOUBLE       NULL,
  category                  VARCHAR(16)  NOT NULL
    COMMENT 'AIR, WATER, NOISE, SOLID_WASTE, SOIL, RADIATION, ECOLOGY, OTHER',
  urgency                   VARCHAR(16)  NOT NULL COMMENT 'NORMAL, URGENT, EMERGENCY',
  description               TEXT         NOT NULL,
  enterprise_uscc           CHAR(18)     NULL COMMENT 'The reported unit, if known',
  state                     VARCHAR(24)  NOT NULL
    COMMENT 'RECEIVED, ACCEPTED, NOT_ACCEPTED, DISPATCHED, ROUTED_OUT, FINDINGS_RECORDED, REPLIED, REVISITED, CLOSED, MERGED',
  -- The acceptance decision (受理 / 不予受理); all NULL until it is made.
  accepted                  BOOLEAN      NULL,
  not_accepted_ground       VARCHAR(24)  NULL
    COMMENT 'OUTSIDE_REMIT, OTHER_PROCEDURE, REPEAT_REPORT; NULL when accepted',
  acceptance_reason         VARCHAR(500) NULL,
  acceptance_authority      VARCHAR(200) NULL COMMENT 'The body to approach instead',
  acceptance_decided_by     VARCHAR(128) NULL,
  acceptance_decide_time    DATETIME(6)  NULL,
  -- The current assignment; all NULL while there is none.
  assigned_district         CHAR(6)      NULL,
  assigned_team             VARCHAR(64)  NULL,
  assigned_officer          VARCHAR(64)  NULL COMMENT 'Bare username',
  reopen_count              INT          NOT NULL DEFAULT 0,
  case_clue                 BOOLEAN      NOT NULL DEFAULT FALSE,
  -- Set when merged into, or linked as a repeat report of, another complaint.
  master_id                 BIGINT       NULL,
  link_kind                 VARCHAR(16)  NULL COMMENT 'MERGED, REPEAT',
  link_time                 DATETIME(6)  NULL,
  intake_time               DATETIME(6)  NOT NULL COMMENT 'What the SLA clocks count from',
  acceptance_due            DATETIME(6)  NOT NULL,
  acceptance_provisional    BOOLEAN      NOT NULL DEFAULT FALSE,
  closure_due               DATETIME(6)  NOT NULL COMMENT 'Extensions included',
  closure_provisional       BOOLEAN      NOT NULL DEFAULT FALSE,
  closure_awaits_acceptance BOOLEAN      NOT NULL DEFAULT FALSE,
  received_by               VARCHAR(128) NOT NULL,
  receive_time              DATETIME(6)  NOT NULL,
  update_time               DATETIME(6)  NOT NULL,
  close_time                DATETIME(6)  NULL,
  version                   BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  UNIQUE KEY uk_complaint_order (external_order_number),
  KEY idx_complaint_receive (receive_time, id),
  KEY idx_complaint_district (district_code, receive_time, id),
  KEY idx_complaint_state_closure (state, closure_due),
  KEY idx_complaint_state_acceptance (state, acceptance_due),
  KEY idx_complaint_reporter (reporter_hash),
  KEY idx_complaint_enterprise (enterprise_uscc),
  KEY idx_complaint_officer (assigned_officer),
  KEY idx_complaint_master (master_id, link_time, id),
  CONSTRAINT fk_complaint_master FOREIGN KEY (master_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Attachment references, in the order given.
CREATE TABLE IF NOT EXISTS complaint_attachment (
  complaint_id BIGINT       NOT NULL,
  position     INT          NOT NULL,
  reference    VARCHAR(256) NOT NULL,
  PRIMARY KEY (complaint_id, position),
  CONSTRAINT fk_attachment_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every dispatch, re-route, route-out and reopen. An assignment side is NULL when absent
-- (no `from` on the first dispatch, no `to` when routed out).
CREATE TABLE IF NOT EXISTS complaint_routing (
  complaint_id  BIGINT       NOT NULL,
  seq           INT          NOT NULL,
  from_district CHAR(6)      NULL,
  from_team     VARCHAR(64)  NULL,
  from_officer  VARCHAR(64)  NULL,
  to_district   CHAR(6)      NULL,
  to_team       VARCHAR(64)  NULL,
  to_officer    VARCHAR(64)  NULL,
  outside_body  VARCHAR(200) NOT NULL DEFAULT '' COMMENT 'The other body, when routed out',
  reason        VARCHAR(500) NOT NULL,
  routed_by     VARCHAR(128) NOT NULL,
  routing_time  DATETIME(6)  NOT NULL,
  PRIMARY KEY (complaint_id, seq),
  CONSTRAINT fk_routing_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Findings (查处/核实), one per round; only their links change later.
CREATE TABLE IF NOT EXISTS complaint_findings (
  complaint_id  BIGINT       NOT NULL,
  seq           INT          NOT NULL,
  outcome       VARCHAR(16)  NOT NULL COMMENT 'VERIFIED, PARTLY_VERIFIED, NOT_VERIFIED',
  findings_text TEXT         NOT NULL,
  recorded_by   VARCHAR(128) NOT NULL,
  record_time   DATETIME(6)  NOT NULL,
  reopen_round  INT          NOT NULL COMMENT 'The complaint''s reopen_count when recorded',
  PRIMARY KEY (complaint_id, seq),
  CONSTRAINT fk_findings_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What findings produced (inspections/{id}, tasks/{id}, cases/{id}), in order.
CREATE TABLE IF NOT EXISTS complaint_findings_link (
  complaint_id BIGINT      NOT NULL,
  seq          INT         NOT NULL,
  position     INT         NOT NULL,
  link         VARCHAR(64) NOT NULL,
  PRIMARY KEY (complaint_id, seq, position),
  KEY idx_findings_link (link),
  CONSTRAINT fk_link_findings FOREIGN KEY (complaint_id, seq)
    REFERENCES complaint_findings (complaint_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Replies (答复), one per recipient and round; to_complaint_id 0 is a reply kept on record
-- only (nobody to answer).
CREATE TABLE IF NOT EXISTS complaint_reply (
  complaint_id          BIGINT        NOT NULL,
  seq                   INT           NOT NULL,
  to_complaint_id       BIGINT        NOT NULL DEFAULT 0,
  external_order_number VARCHAR(64)   NOT NULL DEFAULT '' COMMENT 'The 12345 order answered',
  reply_text            TEXT          NOT NULL,
  replied_by            VARCHAR(128)  NOT NULL,
  reply_time            DATETIME(6)   NOT NULL,
  reopen_round          INT           NOT NULL,
  PRIMARY KEY (complaint_id, seq),
  CONSTRAINT fk_reply_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Revisits (回访) of the reporter of revisited_complaint_id (this one or a linked one).
CREATE TABLE IF NOT EXISTS complaint_revisit (
  complaint_id           BIGINT       NOT NULL,
  seq                    INT          NOT NULL,
  revisited_complaint_id BIGINT       NOT NULL,
  satisfaction           VARCHAR(24)  NOT NULL
    COMMENT 'SATISFIED, BASICALLY_SATISFIED, DISSATISFIED, UNREACHABLE',
  handling_reason        BOOLEAN      NOT NULL COMMENT '不满意 because of the handling: reopened',
  note                   VARCHAR(500) NOT NULL DEFAULT '',
  revisited_by           VARCHAR(128) NOT NULL,
  revisit_time           DATETIME(6)  NOT NULL,
  reopen_round           INT          NOT NULL,
  PRIMARY KEY (complaint_id, seq),
  CONSTRAINT fk_revisit_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Granted closure extensions, oldest first.
CREATE TABLE IF NOT EXISTS complaint_extension (
  complaint_id BIGINT       NOT NULL,
  seq          INT          NOT NULL,
  extra_amount INT          NOT NULL,
  extra_unit   VARCHAR(16)  NOT NULL COMMENT 'HOURS, CALENDAR_DAYS, WORKING_DAYS',
  reason       VARCHAR(500) NOT NULL,
  approved_by  VARCHAR(128) NOT NULL,
  approve_time DATETIME(6)  NOT NULL,
  previous_due DATETIME(6)  NOT NULL,
  new_due      DATETIME(6)  NOT NULL,
  PRIMARY KEY (complaint_id, seq),
  CONSTRAINT fk_extension_complaint FOREIGN KEY (complaint_id) REFERENCES complaint (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
