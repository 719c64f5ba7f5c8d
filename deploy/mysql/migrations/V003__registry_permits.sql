-- Enterprises (排污单位), outlets (排放口), monitoring devices (MN) and discharge permits
-- (排污许可证) with immutable versions and limits.

CREATE TABLE IF NOT EXISTS enterprise (
  id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  uscc             CHAR(18)     NOT NULL COMMENT 'Unified social credit code, checked',
  display_name     VARCHAR(200) NOT NULL,
  address          VARCHAR(300) NOT NULL,
  district_code    CHAR(6)      NOT NULL COMMENT 'GB/T 2260; scope of officers',
  industry_code    VARCHAR(8)   NOT NULL COMMENT 'GB/T 4754, e.g. D4411',
  management_class VARCHAR(16)  NOT NULL COMMENT 'KEY, SIMPLIFIED, REGISTRATION',
  key_discharger   BOOLEAN      NOT NULL DEFAULT FALSE,
  latitude         DOUBLE       NULL,
  longitude        DOUBLE       NULL,
  version          BIGINT       NOT NULL DEFAULT 1,
  create_time      DATETIME(6)  NOT NULL,
  update_time      DATETIME(6)  NOT NULL,
  UNIQUE KEY uk_enterprise_uscc (uscc),
  KEY idx_enterprise_district (district_code, uscc)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS enterprise_contact (
  enterprise_id BIGINT       NOT NULL,
  position      INT          NOT NULL COMMENT 'Order as given',
  name          VARCHAR(64)  NOT NULL,
  title         VARCHAR(64)  NOT NULL DEFAULT '',
  phone         VARCHAR(32)  NOT NULL DEFAULT '',
  PRIMARY KEY (enterprise_id, position),
  CONSTRAINT fk_contact_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS outlet (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  enterprise_id BIGINT       NOT NULL,
  code          CHAR(5)      NOT NULL COMMENT 'DA### air, DW### water (HJ 608-2017)',
  kind          VARCHAR(8)   NOT NULL COMMENT 'AIR or WATER',
  display_name  VARCHAR(100) NOT NULL,
  latitude      DOUBLE       NULL,
  longitude     DOUBLE       NULL,
  version       BIGINT       NOT NULL DEFAULT 1,
  create_time   DATETIME(6)  NOT NULL,
  update_time   DATETIME(6)  NOT NULL,
  UNIQUE KEY uk_outlet_code (enterprise_id, code),
  CONSTRAINT fk_outlet_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS outlet_pollutant (
  outlet_id      BIGINT     NOT NULL,
  pollutant_code VARCHAR(8) NOT NULL COMMENT 'HJ 212 factor code, e.g. a21026',
  PRIMARY KEY (outlet_id, pollutant_code),
  CONSTRAINT fk_pollutant_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The current binding of each MN; unique across the system.
CREATE TABLE IF NOT EXISTS device (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  mn            VARCHAR(24)  NOT NULL,
  outlet_id     BIGINT       NULL COMMENT 'NULL once unbound',
  password_hash VARCHAR(255) NOT NULL COMMENT 'Salted hash of the HJ 212 PW',
  bind_time     DATETIME(6)  NULL,
  update_time   DATETIME(6)  NOT NULL,
  UNIQUE KEY uk_device_mn (mn),
  KEY idx_device_outlet (outlet_id),
  CONSTRAINT fk_device_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which outlet an MN reported for when: readings are attributed through this history.
CREATE TABLE IF NOT EXISTS device_binding (
  mn          VARCHAR(24) NOT NULL,
  outlet_id   BIGINT      NOT NULL,
  bind_time   DATETIME(6) NOT NULL,
  unbind_time DATETIME(6) NULL,
  PRIMARY KEY (mn, bind_time),
  KEY idx_binding_outlet (outlet_id),
  CONSTRAINT fk_binding_outlet FOREIGN KEY (outlet_id) REFERENCES outlet (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS permit (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  permit_number     VARCHAR(32)  NOT NULL COMMENT 'USCC + site sequence + P',
  enterprise_id     BIGINT       NOT NULL,
  -- VARCHAR, not CHAR: MariaDB refuses a CHAR column in an indexed generated column
  -- (error 1901: the value would depend on sql_mode PAD_CHAR_TO_FULL_LENGTH).
  site_sequence     VARCHAR(3)   NOT NULL COMMENT 'Production site within the enterprise',
  state             VARCHAR(16)  NOT NULL COMMENT 'DRAFT, IN_FORCE, EXPIRED, REVOKED, CANCELLED',
  source            VARCHAR(24)  NOT NULL COMMENT 'BUREAU or NATIONAL_PLATFORM',
  valid_from        DATE         NOT NULL,
  valid_until       DATE         NOT NULL COMMENT 'Of the latest version',
  issuing_authority VARCHAR(100) NOT NULL,
  issue_time        DATETIME(6)  NULL,
  current_version   INT          NOT NULL DEFAULT 0,
  end_reason        VARCHAR(500) NOT NULL DEFAULT '',
  end_time          DATETIME(6)  NULL COMMENT 'When it stopped being in force',
  case_name         VARCHAR(64)  NOT NULL DEFAULT '' COMMENT 'Case that revoked it',
  version           BIGINT       NOT NULL DEFAULT 1 COMMENT 'Optimistic concurrency; the etag',
  create_time       DATETIME(6)  NOT NULL,
  update_time       DATETIME(6)  NOT NULL,
  -- At most one permit in force per production site: NULL unless in force.
  in_force_site     VARCHAR(40)  GENERATED ALWAYS AS
    (IF(state = 'IN_FORCE', CONCAT(enterprise_id, '/', site_sequence), NULL)) STORED,
  UNIQUE KEY uk_permit_number (permit_number),
  UNIQUE KEY uk_permit_in_force_site (in_force_site),
  KEY idx_permit_enterprise (enterprise_id),
  KEY idx_permit_state_until (state, valid_until),
  CONSTRAINT fk_permit_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Immutable versions. valid_until_end is the instant validity ends (00:00 Asia/Shanghai
-- after the last day, in UTC), so "in force at T" is a range test.
CREATE TABLE IF NOT EXISTS permit_version (
  permit_id       BIGINT       NOT NULL,
  version         INT          NOT NULL,
  effective_time  DATETIME(6)  NOT NULL,
  reason          VARCHAR(16)  NOT NULL COMMENT 'ISSUE, CHANGE, RENEWAL, IMPORT',
  valid_until     DATE         NOT NULL,
  valid_until_end DATETIME(6)  NOT NULL,
  note            VARCHAR(500) NOT NULL DEFAULT '',
  create_time     DATETIME(6)  NOT NULL,
  PRIMARY KEY (permit_id, version),
  KEY idx_version_effective (permit_id, effective_time),
  CONSTRAINT fk_version_permit FOREIGN KEY (permit_id) REFERENCES permit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Limits per version × outlet × pollutant; version 0 holds a draft's limits.
CREATE TABLE IF NOT EXISTS permit_limit (
  permit_id           BIGINT       NOT NULL,
  version             INT          NOT NULL,
  outlet_code         CHAR(5)      NOT NULL,
  pollutant_code      VARCHAR(8)   NOT NULL,
  concentration_limit DOUBLE       NOT NULL,
  concentration_unit  VARCHAR(16)  NOT NULL,
  averaging_window    VARCHAR(8)   NOT NULL COMMENT 'HOUR or DAY',
  reference_o2        DOUBLE       NULL COMMENT 'Percent',
  annual_mass_t       DOUBLE       NULL COMMENT 'Tonnes per year',
  standard            VARCHAR(64)  NOT NULL DEFAULT '',
  PRIMARY KEY (permit_id, version, outlet_code, pollutant_code),
  KEY idx_limit_outlet (outlet_code, pollutant_code),
  CONSTRAINT fk_limit_permit FOREIGN KEY (permit_id) REFERENCES permit (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
