-- Tally's store on SQLite. Every id is a 64-bit integer: key columns are INTEGER PRIMARY KEY
-- (SQLite's 64-bit rowid; the type must be spelled INTEGER to alias the rowid), every other id
-- column is BIGINT. AUTOINCREMENT keeps ids from being reused after deletes.

CREATE TABLE workspaces (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL UNIQUE,
  created_at    BIGINT  NOT NULL,
  contact_count BIGINT  NOT NULL DEFAULT 0  -- kept in each write transaction, so no scan is needed
);

CREATE TABLE workspace_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
  token_hash   TEXT    NOT NULL UNIQUE,     -- SHA-256 of the token; the token itself is never stored
  prefix       TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL
);
CREATE INDEX workspace_tokens_ws ON workspace_tokens (workspace_id);

CREATE TABLE admin_tokens (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT    NOT NULL UNIQUE,
  created_at BIGINT  NOT NULL
);

CREATE TABLE contacts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
  version      BIGINT  NOT NULL,
  doc          TEXT    NOT NULL
);
CREATE INDEX contacts_ws ON contacts (workspace_id, id);

-- Unique identities of users per workspace: kind is 'external_id' or 'email' (lower-cased).
CREATE TABLE identities (
  workspace_id BIGINT NOT NULL,
  kind         TEXT   NOT NULL,
  value        TEXT   NOT NULL,
  contact_id   BIGINT NOT NULL REFERENCES contacts (id),
  PRIMARY KEY (workspace_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX identities_contact ON identities (contact_id);

CREATE TABLE events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL,
  contact_id   BIGINT  NOT NULL REFERENCES contacts (id),
  name         TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  metadata     TEXT    NOT NULL,
  UNIQUE (workspace_id, contact_id, name, created_at)
);
CREATE INDEX events_contact ON events (contact_id, id);

CREATE TABLE event_summaries (
  contact_id   BIGINT NOT NULL REFERENCES contacts (id),
  name         TEXT   NOT NULL,
  workspace_id BIGINT NOT NULL,
  count        BIGINT NOT NULL,
  first_at     BIGINT NOT NULL,
  last_at      BIGINT NOT NULL,
  PRIMARY KEY (contact_id, name)
) WITHOUT ROWID;

CREATE TABLE data_attributes (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id       BIGINT  NOT NULL REFERENCES workspaces (id),
  name               TEXT    NOT NULL,
  data_type          TEXT    NOT NULL,
  description        TEXT,
  options            TEXT    NOT NULL,
  messenger_writable INTEGER NOT NULL,
  archived           INTEGER NOT NULL DEFAULT 0,
  created_at         BIGINT  NOT NULL,
  updated_at         BIGINT  NOT NULL,
  UNIQUE (workspace_id, name)
);

-- The oplog: ids, versions and operations only, never personal data. Positions are assigned by
-- the single writer connection, so their order is commit order.
CREATE TABLE oplog (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL,
  entity       TEXT    NOT NULL,
  entity_id    BIGINT  NOT NULL,
  version      BIGINT  NOT NULL,
  op           TEXT    NOT NULL,
  at           BIGINT  NOT NULL
);

CREATE TABLE idempotency_keys (
  workspace_id BIGINT  NOT NULL,
  key          TEXT    NOT NULL,
  fingerprint  TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  position     BIGINT  NOT NULL,
  contact_id   BIGINT,
  created_at   BIGINT  NOT NULL,
  PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_contact ON idempotency_keys (contact_id);
