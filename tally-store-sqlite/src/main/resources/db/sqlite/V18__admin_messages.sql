-- Admin messages (POST /messages; docs/messaging.md, "Admin messages"). A message is a campaign of
-- kind 'message' holding its subject and body, running from its creation with its one send queued
-- in the same transaction, so the send queue stays one table and a message takes the campaigns'
-- path (claim, final check on the store, channel). The campaign list and fan-out read kind
-- 'campaign' only; the indexes keep both reads off the messages, however many there are.
ALTER TABLE campaigns ADD COLUMN kind TEXT NOT NULL DEFAULT 'campaign';
CREATE INDEX campaigns_ws_kind ON campaigns (workspace_id, kind, id);
CREATE INDEX campaigns_running ON campaigns (id) WHERE state = 'running' AND kind = 'campaign';
