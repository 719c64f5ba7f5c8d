-- Alerts about hotline complaints (issue 8) concern no enterprise: the reported unit must
-- never learn of a complaint from the feed, so such alerts carry no enterprise and are
-- seen by district only.
ALTER TABLE alert_event MODIFY enterprise_id BIGINT NULL
  COMMENT 'NULL for alerts that concern no enterprise (complaints)';

-- The complaint overdue sweep: which clocks it has reported overdue, so each overdue clock
-- is audited and alerted once (closure again when an extension moves its due and that
-- passes too).
ALTER TABLE complaint
  ADD COLUMN acceptance_overdue_flagged  BOOLEAN     NOT NULL DEFAULT FALSE,
  ADD COLUMN closure_overdue_flagged_due DATETIME(6) NULL
    COMMENT 'The closure_due the sweep reported overdue';
