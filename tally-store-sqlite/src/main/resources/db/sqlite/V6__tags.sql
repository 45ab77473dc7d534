-- Tags (issue 12). A tag is a document of its own (its oplog entries have entity 'tag'); a contact's
-- tags are rows of contact_tags, read with the contact's document in one query, and each tagging
-- or untagging raises the contact's version. Names are unique per workspace ignoring case, as
-- Intercom's are: name_key is the name case-folded by Tally (Locale.ROOT lower case), and only live
-- tags hold theirs, so a deleted tag's name is free at once.
--
-- Deleting a tag marks it (deleted_at) in one transaction; its contact_tags rows then go in bounded
-- batches, each raising the contacts' versions with an oplog entry, and the tag's row goes with the
-- last batch. Readers join contact_tags with live tags only, so a deleted tag is never seen on a
-- contact, mid-way included.
CREATE TABLE tags (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
  name         TEXT    NOT NULL,
  name_key     TEXT    NOT NULL,
  version      BIGINT  NOT NULL,
  created_at   BIGINT  NOT NULL,
  deleted_at   BIGINT
);
CREATE UNIQUE INDEX tags_name ON tags (workspace_id, name_key) WHERE deleted_at IS NULL;
CREATE INDEX tags_ws ON tags (workspace_id, id);
CREATE INDEX tags_deleted ON tags (id) WHERE deleted_at IS NOT NULL;

CREATE TABLE contact_tags (
  contact_id   BIGINT NOT NULL REFERENCES contacts (id),
  tag_id       BIGINT NOT NULL REFERENCES tags (id),
  workspace_id BIGINT NOT NULL,
  applied_at   BIGINT NOT NULL,
  PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_tag ON contact_tags (tag_id, contact_id);
