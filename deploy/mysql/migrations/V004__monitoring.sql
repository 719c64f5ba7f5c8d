-- Online monitoring: each device's protocol profile, which devices a STATION account
-- reports for, and the readings themselves (the one high-volume table).

-- The protocol profile the bureau registered for each MN (HJ 212 version, strictness,
-- CRC variant, SM4 encryption of the CP area). The profile, never the Flag bits of a
-- packet, decides how a frame is judged.
ALTER TABLE device
  ADD COLUMN protocol_version VARCHAR(8)   NOT NULL DEFAULT '2017'
      COMMENT '2005, 2017 or 2025' AFTER password_hash,
  ADD COLUMN strictness       VARCHAR(8)   NOT NULL DEFAULT 'STRICT'
      COMMENT 'STRICT or LENIENT (legacy devices, domain-rules 1.13)' AFTER protocol_version,
  ADD COLUMN crc_mode         VARCHAR(16)  NOT NULL DEFAULT 'HJ212'
      COMMENT 'HJ212, or HJ212_OR_MODBUS for lenient legacy devices' AFTER strictness,
  ADD COLUMN encryption       VARCHAR(8)   NOT NULL DEFAULT 'NONE'
      COMMENT 'NONE, OPTIONAL or REQUIRED (HJ 212-2025 SM4 of the CP area)' AFTER crc_mode,
  ADD COLUMN sm4_keys         VARCHAR(100) NOT NULL DEFAULT ''
      COMMENT 'Secret. Hex SM4 keys, current first, comma separated' AFTER encryption;

-- STATION accounts (gRPC collectors) may ingest only for the devices listed here.
CREATE TABLE IF NOT EXISTS app_user_device (
  user_id BIGINT      NOT NULL,
  mn      VARCHAR(24) NOT NULL,
  PRIMARY KEY (user_id, mn),
  KEY idx_user_device_mn (mn),
  CONSTRAINT fk_user_device_user FOREIGN KEY (user_id) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Raw readings, one row per device, factor, kind and data time (the natural key: a
-- duplicate or re-sent reading is a no-op). Not audited row by row (architecture 5).
-- Partitioned by month of data_time so retention (at least 5 years of raw records) drops
-- whole partitions; a sweep adds months ahead and drops expired ones. Only ASCII columns in
-- the key keep rows small.
CREATE TABLE IF NOT EXISTS reading (
  mn           VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  pollutant    VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
               COMMENT 'HJ 212 factor code, e.g. a21026',
  kind         TINYINT     NOT NULL COMMENT '1 real-time 2011, 2 minute 2051, 3 hour 2061, 4 day 2031',
  data_time    DATETIME    NOT NULL COMMENT 'UTC; the packet DataTime is Beijing time',
  outlet_id    BIGINT      NOT NULL COMMENT 'The outlet the MN was bound to when it arrived',
  value        DOUBLE      NULL COMMENT 'Rtd for real-time data, Avg otherwise',
  min_value    DOUBLE      NULL,
  max_value    DOUBLE      NULL,
  cou          DOUBLE      NULL COMMENT 'Emission amount of the interval',
  zs_value     DOUBLE      NULL COMMENT 'Converted to the reference O2 (ZsRtd / ZsAvg)',
  flag         VARCHAR(4)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'N'
               COMMENT 'HJ 212 data flag (Table 8)',
  backfilled   BOOLEAN     NOT NULL DEFAULT FALSE COMMENT 'Arrived as a resend (RF=1 or late)',
  source       TINYINT     NOT NULL COMMENT '1 HJ 212 gateway, 2 gRPC',
  receive_time DATETIME(6) NOT NULL,
  PRIMARY KEY (mn, pollutant, kind, data_time),
  KEY idx_reading_outlet (outlet_id, pollutant, kind, data_time)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin
PARTITION BY RANGE (TO_DAYS(data_time)) (
  PARTITION p_before VALUES LESS THAN (TO_DAYS('2025-01-01')),
  PARTITION p202501 VALUES LESS THAN (TO_DAYS('2025-02-01')),
  PARTITION p202502 VALUES LESS THAN (TO_DAYS('2025-03-01')),
  PARTITION p202503 VALUES LESS THAN (TO_DAYS('2025-04-01')),
  PARTITION p202504 VALUES LESS THAN (TO_DAYS('2025-05-01')),
  PARTITION p202505 VALUES LESS THAN (TO_DAYS('2025-06-01')),
  PARTITION p202506 VALUES LESS THAN (TO_DAYS('2025-07-01')),
  PARTITION p202507 VALUES LESS THAN (TO_DAYS('2025-08-01')),
  PARTITION p202508 VALUES LESS THAN (TO_DAYS('2025-09-01')),
  PARTITION p202509 VALUES LESS THAN (TO_DAYS('2025-10-01')),
  PARTITION p202510 VALUES LESS THAN (TO_DAYS('2025-11-01')),
  PARTITION p202511 VALUES LESS THAN (TO_DAYS('2025-12-01')),
  PARTITION p202512 VALUES LESS THAN (TO_DAYS('2026-01-01')),
  PARTITION p202601 VALUES LESS THAN (TO_DAYS('2026-02-01')),
  PARTITION p202602 VALUES LESS THAN (TO_DAYS('2026-03-01')),
  PARTITION p202603 VALUES LESS THAN (TO_DAYS('2026-04-01')),
  PARTITION p202604 VALUES LESS THAN (TO_DAYS('2026-05-01')),
  PARTITION p202605 VALUES LESS THAN (TO_DAYS('2026-06-01')),
  PARTITION p202606 VALUES LESS THAN (TO_DAYS('2026-07-01')),
  PARTITION p202607 VALUES LESS THAN (TO_DAYS('2026-08-01')),
  PARTITION p202608 VALUES LESS THAN (TO_DAYS('2026-09-01')),
  PARTITION p202609 VALUES LESS THAN (TO_DAYS('2026-10-01')),
  PARTITION p202610 VALUES LESS THAN (TO_DAYS('2026-11-01')),
  PARTITION p202611 VALUES LESS THAN (TO_DAYS('2026-12-01')),
  PARTITION p202612 VALUES LESS THAN (TO_DAYS('2027-01-01')),
  PARTITION p202701 VALUES LESS THAN (TO_DAYS('2027-02-01')),
  PARTITION p202702 VALUES LESS THAN (TO_DAYS('2027-03-01')),
  PARTITION p202703 VALUES LESS THAN (TO_DAYS('2027-04-01')),
  PARTITION p202704 VALUES LESS THAN (TO_DAYS('2027-05-01')),
  PARTITION p202705 VALUES LESS THAN (TO_DAYS('2027-06-01')),
  PARTITION p202706 VALUES LESS THAN (TO_DAYS('2027-07-01')),
  PARTITION p202707 VALUES LESS THAN (TO_DAYS('2027-08-01')),
  PARTITION p202708 VALUES LESS THAN (TO_DAYS('2027-09-01')),
  PARTITION p202709 VALUES LESS THAN (TO_DAYS('2027-10-01')),
  PARTITION p202710 VALUES LESS THAN (TO_DAYS('2027-11-01')),
  PARTITION p202711 VALUES LESS THAN (TO_DAYS('2027-12-01')),
  PARTITION p202712 VALUES LESS THAN (TO_DAYS('2028-01-01')),
  PARTITION p_future VALUES LESS THAN MAXVALUE
);
