-- Segments: a name and a stored query in the contact search language. Membership is the query, so
-- a segment is never staler than search itself; nothing is projected for it.
CREATE TABLE segments (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
  name         TEXT    NOT NULL,
  person_type  TEXT    NOT NULL,
  query        TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  updated_at   BIGINT  NOT NULL
);
CREATE INDEX segments_ws ON segments (workspace_id, id);
