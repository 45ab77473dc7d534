-- The distinct event names of each workspace, so the cap on them (--max-event-names) is checked by
-- one indexed lookup and one count of a bounded range inside the write transaction, never by a
-- COUNT(DISTINCT) over every contact's summaries. A name stays once used (deleting the contacts
-- that did it does not free its place); it goes with its workspace.
CREATE TABLE event_names (
  workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
  name         TEXT   NOT NULL,
  PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;
INSERT INTO event_names (workspace_id, name)
  SELECT DISTINCT workspace_id, name FROM event_summaries;
