-- Evidence items and inspection records (证据, 现场检查笔录 / 勘察笔录 / 询问笔录; issue 10).
--
-- An evidence item's bytes live in the blob store under its SHA-256; this table holds what
-- the officer declared and how far the upload got. Everything but the upload's progress
-- (state, received_bytes, upload_time, update_time) is immutable once inserted.
--
-- An inspection record is read and written whole, like an enforcement case's procedure
-- records (V009): the columns lists filter and scope on, and the rest (party, place, times,
-- officers with their certificates and signatures, findings, attached evidence, the party's
-- signature or refusal) as one JSON document. LONGTEXT with a JSON_VALID check works on
-- MariaDB and MySQL 8 alike; in it, enums are stored by name and instants as integer
-- microseconds since the epoch (UTC).

CREATE TABLE IF NOT EXISTS evidence_item (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256          CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL
    COMMENT 'Declared SHA-256, 64 lower-case hex digits; names the blob',
  size_bytes      BIGINT       NOT NULL COMMENT 'Declared size',
  media_type      VARCHAR(129) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
    COMMENT 'type/subtype, lower case',
  file_name       VARCHAR(255) NOT NULL COMMENT 'Display only, never a path',
  kind            VARCHAR(32)  NOT NULL COMMENT 'DOCUMENT, PHYSICAL, AUDIO_VISUAL, ...',
  capture_time    DATETIME(6)  NOT NULL,
  latitude        DOUBLE       NULL COMMENT 'WGS-84; NULL with longitude when not reported',
  longitude       DOUBLE       NULL,
  device_id       VARCHAR(128) NOT NULL,
  device_model    VARCHAR(128) NOT NULL DEFAULT '',
  -- Always read with the item and never searched, so a JSON array beats a child table.
  capturing_officers TEXT      NOT NULL COMMENT 'JSON array of bare usernames',
  -- Binary collation: parent and uploader are identifiers, matched exactly.
  parent          VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
    COMMENT 'cases/{id}, inspections/{id} or tasks/{id}',
  district_code   CHAR(6)      NULL COMMENT 'The parent''s district; NULL when unknown',
  enterprise_uscc CHAR(18)     NULL COMMENT 'The parent''s enterprise; NULL when none',
  description     TEXT         NOT NULL,
  corrects        BIGINT       NULL COMMENT 'The item this one corrects; NULL for none',
  state           VARCHAR(16)  NOT NULL COMMENT 'UPLOADING, STORED, ABANDONED',
  received_bytes  BIGINT       NOT NULL DEFAULT 0,
  uploaded_by     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
    COMMENT 'users/{username}',
  create_time     DATETIME(6)  NOT NULL COMMENT 'The upload started',
  upload_time     DATETIME(6)  NULL COMMENT 'The upload completed; NULL before',
  update_time     DATETIME(6)  NOT NULL COMMENT 'Last progress; the stale-upload sweep reads it',
  -- 1 unless ABANDONED, NULL then: a unique key admits many NULLs (MariaDB and MySQL), so
  -- uk_evidence_natural allows one live item per uploader, parent and hash, and two
  -- concurrent starts of the same upload meet on it. Derived from state so it cannot drift.
  live            TINYINT      AS (IF(state = 'ABANDONED', NULL, 1)) STORED,
  CONSTRAINT ck_evidence_officers CHECK (JSON_VALID(capturing_officers)),
  UNIQUE KEY uk_evidence_natural (uploaded_by, parent, sha256, live),
  KEY idx_evidence_parent (parent, id),
  KEY idx_evidence_stale (state, update_time),
  KEY idx_evidence_quota (uploaded_by, create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS inspection_record (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind            VARCHAR(32)  NOT NULL COMMENT 'ON_SITE_INSPECTION, SURVEY, INTERVIEW',
  state           VARCHAR(16)  NOT NULL COMMENT 'DRAFT, SIGNED',
  district_code   CHAR(6)      NOT NULL COMMENT 'GB/T 2260; the record''s scope',
  enterprise_uscc CHAR(18)     NULL COMMENT 'The party''s enterprise; NULL for individuals',
  corrects        BIGINT       NULL COMMENT 'The signed record this one corrects; NULL for none',
  created_by      VARCHAR(128) NOT NULL COMMENT 'users/{username}',
  create_time     DATETIME(6)  NOT NULL,
  update_time     DATETIME(6)  NOT NULL,
  sign_time       DATETIME(6)  NULL COMMENT 'NULL while a draft',
  version         BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  document        LONGTEXT     NOT NULL COMMENT 'The rest of the record (see above)',
  CONSTRAINT ck_inspection_document CHECK (JSON_VALID(document)),
  -- Lists run newest first; InnoDB reads these ascending indexes backwards.
  KEY idx_inspection_create (create_time, id),
  KEY idx_inspection_district (district_code, create_time, id),
  KEY idx_inspection_enterprise (enterprise_uscc, create_time, id),
  KEY idx_inspection_corrects (corrects)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
