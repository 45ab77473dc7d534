-- Subscription types and the workspace's time zone (issue 13; docs/messaging.md, "Subscription
-- types"). A subscription type is Intercom's: opt_in (a message of it goes only to contacts who
-- opted in) or opt_out (it goes unless the contact opted out); its state is live, draft or
-- archived; content_types is a JSON array of "email" and "sms_message". Changes append oplog
-- entries (entity 'subscription_type').
--
-- contact_subscriptions holds a contact's explicit choice, as Intercom's API has it: a row on an
-- opt_in type means opted in, a row on an opt_out type means opted out; no row is the type's
-- default. Writing or removing a row raises the contact's version with an oplog entry (as tagging
-- does), so the oplog says whose consent changed. The rows go with the contact.
--
-- workspaces.time_zone: the IANA zone quiet hours fall back to when a contact has no
-- custom_attributes.time_zone. workspaces.version: raised by each change of the workspace, as
-- its oplog entries say.
CREATE TABLE subscription_types (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  BIGINT NOT NULL REFERENCES workspaces (id),
  name          TEXT   NOT NULL,
  description   TEXT   NOT NULL,
  locale        TEXT   NOT NULL,
  consent_type  TEXT   NOT NULL,  -- opt_in | opt_out
  content_types TEXT   NOT NULL,  -- JSON array: "email", "sms_message"
  state         TEXT   NOT NULL,  -- live | draft | archived
  version       BIGINT NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE INDEX subscription_types_ws ON subscription_types (workspace_id, id);

CREATE TABLE contact_subscriptions (
  contact_id           BIGINT NOT NULL REFERENCES contacts (id),
  subscription_type_id BIGINT NOT NULL REFERENCES subscription_types (id),
  workspace_id         BIGINT NOT NULL REFERENCES workspaces (id),
  created_at           BIGINT NOT NULL,
  PRIMARY KEY (contact_id, subscription_type_id)
);
CREATE INDEX contact_subscriptions_ws ON contact_subscriptions (workspace_id);

ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE workspaces ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
