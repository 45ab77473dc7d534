-- Leases (the projector's, the sender's): one holder at a time. expires_at is in epoch
-- milliseconds of the store's clock; one process uses a SQLite store, so one clock decides.
CREATE TABLE leases (
  name       TEXT   PRIMARY KEY,
  holder     TEXT   NOT NULL,
  expires_at BIGINT NOT NULL
) WITHOUT ROWID;
