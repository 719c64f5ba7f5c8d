-- Platform tables: administrative divisions (GB/T 2260) and sweep leases.
-- Every file is applied once and recorded with its checksum: never edit an applied file,
-- add a new V0NN__*.sql instead. Statements are re-runnable (IF NOT EXISTS) because MySQL
-- commits DDL implicitly and a failed migration is retried from its first statement.

CREATE TABLE IF NOT EXISTS district (
  code        CHAR(6)      NOT NULL PRIMARY KEY COMMENT 'GB/T 2260 code, e.g. 410802',
  name        VARCHAR(64)  NOT NULL COMMENT '名称, e.g. 解放区',
  parent_code CHAR(6)      NULL COMMENT 'City (4108xx -> 410800); NULL for the top',
  official    BOOLEAN      NOT NULL DEFAULT TRUE COMMENT 'FALSE for statistical codes not in GB/T 2260',
  KEY idx_district_parent (parent_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per periodic job: the replica holding the lease runs it until expires_at.
CREATE TABLE IF NOT EXISTS sweep_lease (
  name        VARCHAR(64)  NOT NULL PRIMARY KEY,
  holder      VARCHAR(128) NOT NULL COMMENT 'Replica id of the current holder',
  expires_at  DATETIME(6)  NOT NULL COMMENT 'UTC; after this any replica may take it',
  acquired_at DATETIME(6)  NOT NULL COMMENT 'UTC; when the current holder took it',
  last_run_at DATETIME(6)  NULL COMMENT 'UTC; last completed run of the job'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
