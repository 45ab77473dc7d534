-- Fan-out (issue 13). fanned_out_at: when a broadcast finished queueing its audience (NULL: not
-- yet; a fan-out a crash interrupted starts again, and queueing is idempotent, so it repeats no
-- send). messaging_cursors: how far event fan-out has read the oplog (entries after it are still
-- to be looked at; reading some again is harmless for the same reason).
ALTER TABLE campaigns ADD COLUMN fanned_out_at BIGINT;

CREATE TABLE messaging_cursors (
  name     TEXT   NOT NULL PRIMARY KEY,
  position BIGINT NOT NULL
);
