-- The oplog's retention: entries older than the retention are pruned, and the highest pruned
-- position is kept here, so a reader (an index, a snapshot) knows whether it can still catch up.
CREATE TABLE oplog_floor (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position BIGINT  NOT NULL
);
INSERT INTO oplog_floor (id, position) VALUES (1, 0);
CREATE INDEX oplog_at ON oplog (at);
