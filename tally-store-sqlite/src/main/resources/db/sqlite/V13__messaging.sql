-- Messaging (issue 13; docs/messaging.md). A campaign is a document of its own (oplog entity
-- 'campaign'); its definition is the checked JSON of its trigger, audience, steps and limits.
-- The send queue: one row per (campaign, step, contact, occurrence), unique, so that queueing is
-- idempotent (a fan-out or a step that runs twice inserts nothing the second time) and no
-- occurrence is sent twice. Each change of a send appends an oplog entry (entity 'send'). A send
-- keeps no personal data (the body is rendered at delivery from the store's document), so it
-- outlives its contact as the record of what happened (contact_id has no foreign key).
--
-- A sender claims due sends through the one door: the claim sets claimed_by and claimed_until (a
-- lease) in a write transaction, which the write lock serializes across processes, and no
-- transaction stays open while a delivery waits on the network. A claim whose lease ran out may be
-- taken by another sender; the delivery then repeats with the same Idempotency-Key (the send's id).
CREATE TABLE campaigns (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id   BIGINT NOT NULL REFERENCES workspaces (id),
  name           TEXT   NOT NULL,
  state          TEXT   NOT NULL,  -- draft | running | paused
  definition     TEXT   NOT NULL,
  version        BIGINT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  started_at     BIGINT,
  start_position BIGINT            -- the oplog head when it started: fan-out reads an index at least there
);
CREATE INDEX campaigns_ws ON campaigns (workspace_id, id);

CREATE TABLE sends (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  BIGINT  NOT NULL REFERENCES workspaces (id),
  campaign_id   BIGINT  NOT NULL REFERENCES campaigns (id),
  step          INTEGER NOT NULL,
  contact_id    BIGINT  NOT NULL,
  occurrence    BIGINT  NOT NULL,  -- the event's id, the segment entry's oplog position, 0 for a broadcast
  state         TEXT    NOT NULL,  -- queued | held | sent | skipped | expired | failed
  reason        TEXT,
  due_at        BIGINT  NOT NULL,  -- epoch milliseconds, as every time of a send
  expires_at    BIGINT  NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_status   INTEGER,
  claimed_by    TEXT,
  claimed_until BIGINT,
  version       BIGINT  NOT NULL,  -- raised by each change, as its oplog entries say
  created_at    BIGINT  NOT NULL,
  updated_at    BIGINT  NOT NULL,
  sent_at       BIGINT,
  UNIQUE (campaign_id, step, contact_id, occurrence)
);
CREATE INDEX sends_due ON sends (due_at, id) WHERE state IN ('queued', 'held');
CREATE INDEX sends_campaign ON sends (campaign_id, id);
CREATE INDEX sends_campaign_state ON sends (campaign_id, state);
CREATE INDEX sends_contact_sent ON sends (workspace_id, contact_id, sent_at) WHERE state = 'sent';

-- The kill switch: while a row holds a workspace (0: every workspace), nothing of it is delivered.
CREATE TABLE messaging_pauses (
  workspace_id BIGINT NOT NULL PRIMARY KEY,
  paused_at    BIGINT NOT NULL
);
