-- Identity, sessions, login throttling, idempotency keys and the audit chain.

CREATE TABLE IF NOT EXISTS app_user (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username         VARCHAR(64)  NOT NULL,
  display_name     VARCHAR(128) NOT NULL,
  role             VARCHAR(32)  NOT NULL COMMENT 'ADMIN, SUPERVISOR, OFFICER, HOTLINE_OPERATOR, ENTERPRISE, STATION, INTEGRATION',
  enterprise_uscc  CHAR(18)     NULL COMMENT 'Scope of ENTERPRISE users',
  password_hash    VARCHAR(255) NOT NULL COMMENT 'pbkdf2-sha256$iterations$salt$hash',
  disabled         BOOLEAN      NOT NULL DEFAULT FALSE,
  cert_number      VARCHAR(64)  NULL COMMENT 'Enforcement certificate (执法证) number',
  cert_valid_from  DATE         NULL,
  cert_valid_until DATE         NULL,
  version          BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  create_time      DATETIME(6)  NOT NULL,
  update_time      DATETIME(6)  NOT NULL,
  UNIQUE KEY uk_app_user_username (username),
  KEY idx_app_user_enterprise (enterprise_uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Jurisdiction of non-enterprise users: GB/T 2260 codes; a city code covers its districts.
CREATE TABLE IF NOT EXISTS app_user_district (
  user_id       BIGINT  NOT NULL,
  district_code CHAR(6) NOT NULL,
  PRIMARY KEY (user_id, district_code),
  KEY idx_user_district_code (district_code),
  CONSTRAINT fk_user_district_user FOREIGN KEY (user_id) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per signed-in session. Only SHA-256 digests of tokens are stored.
CREATE TABLE IF NOT EXISTS auth_session (
  id                  BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id             BIGINT      NOT NULL,
  access_digest       CHAR(64)    NOT NULL,
  access_expire_time  DATETIME(6) NOT NULL,
  refresh_digest      CHAR(64)    NOT NULL,
  refresh_expire_time DATETIME(6) NOT NULL,
  revoke_time         DATETIME(6) NULL,
  create_time         DATETIME(6) NOT NULL,
  UNIQUE KEY uk_session_access (access_digest),
  UNIQUE KEY uk_session_refresh (refresh_digest),
  KEY idx_session_user (user_id),
  CONSTRAINT fk_session_user FOREIGN KEY (user_id) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed sign-ins per username and per client address, shared by all replicas.
CREATE TABLE IF NOT EXISTS login_throttle (
  subject      VARCHAR(200) NOT NULL COMMENT 'user:<sha256 of username> or addr:<ip>',
  failures     INT          NOT NULL,
  window_start DATETIME(6)  NOT NULL,
  locked_until DATETIME(6)  NULL,
  PRIMARY KEY (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- AIP-155 request ids: the first successful response per (principal, method, request_id).
CREATE TABLE IF NOT EXISTS idempotency_key (
  principal     VARCHAR(128) NOT NULL,
  method        VARCHAR(128) NOT NULL,
  request_id    VARCHAR(64)  NOT NULL,
  request_hash  CHAR(64)     NOT NULL COMMENT 'SHA-256 of the request without request_id',
  response      MEDIUMBLOB   NOT NULL COMMENT 'Serialized response message',
  create_time   DATETIME(6)  NOT NULL,
  PRIMARY KEY (principal, method, request_id),
  KEY idx_idempotency_create_time (create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only, hash-chained record of every change. hash = SHA-256(previous_hash ||
-- canonical record); see server/security/audit_chain.cc. No personal data.
CREATE TABLE IF NOT EXISTS audit_log (
  sequence        BIGINT       NOT NULL PRIMARY KEY COMMENT '1, 2, 3, ... without gaps',
  record_time     DATETIME(6)  NOT NULL,
  actor           VARCHAR(128) NOT NULL,
  action          VARCHAR(128) NOT NULL,
  resource        VARCHAR(255) NOT NULL,
  request_id      VARCHAR(64)  NOT NULL DEFAULT '',
  change_digest   CHAR(64)     NOT NULL,
  district_code   CHAR(6)      NULL COMMENT 'For scoped reads',
  enterprise_uscc CHAR(18)     NULL COMMENT 'For scoped reads',
  previous_hash   CHAR(64)     NOT NULL,
  hash            CHAR(64)     NOT NULL,
  KEY idx_audit_resource (resource, sequence),
  KEY idx_audit_actor (actor, sequence)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The chain's head, one row: appenders lock it, so records get consecutive sequence
-- numbers in commit order and each links to the one before.
CREATE TABLE IF NOT EXISTS audit_head (
  id       TINYINT  NOT NULL PRIMARY KEY,
  sequence BIGINT   NOT NULL,
  hash     CHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO audit_head (id, sequence, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
