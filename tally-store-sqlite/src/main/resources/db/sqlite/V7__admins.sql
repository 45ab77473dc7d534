-- Teammates (Intercom's admins) of each workspace: a document kind of its own, with a version and
-- oplog entries (entity 'admin'). email_key is the lower-cased email: unique per workspace, so two
-- teammates cannot differ only in case. Ids come from AUTOINCREMENT, far below 2^53, so a
-- JavaScript client reads them exactly (the store refuses one at or above 2^53).
CREATE TABLE admins (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
  name         TEXT    NOT NULL,
  email        TEXT    NOT NULL,
  email_key    TEXT    NOT NULL,
  version      BIGINT  NOT NULL,
  created_at   BIGINT  NOT NULL,
  UNIQUE (workspace_id, email_key)
);

-- A token may act for one teammate (GET /me answers with it); a teammate with tokens cannot be
-- deleted (the foreign key, and a 409 before it, say so).
ALTER TABLE workspace_tokens ADD COLUMN admin_id BIGINT REFERENCES admins (id);
CREATE INDEX workspace_tokens_admin ON workspace_tokens (admin_id);

-- Which teammate owns which contact (the contact document's owner_id), kept in the same write
-- transaction as the document, so deleting a teammate finds every contact it owns by one indexed
-- lookup and the foreign key makes a dangling owner impossible.
CREATE TABLE contact_owners (
  contact_id   BIGINT NOT NULL PRIMARY KEY REFERENCES contacts (id),
  workspace_id BIGINT NOT NULL,
  admin_id     BIGINT NOT NULL REFERENCES admins (id)
) WITHOUT ROWID;
CREATE INDEX contact_owners_admin ON contact_owners (admin_id, contact_id);

-- Before teammates existed an owner_id could be any number, and none named a teammate (there were
-- none). Such values are removed, as an update of each contact through the oplog: the version is
-- raised and an entry appended, so the index drops them too (docs/intercom-api-notes.md).
INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at)
  SELECT workspace_id, 'contact', id, version + 1, 'update', CAST(strftime('%s', 'now') AS INTEGER)
  FROM contacts WHERE json_extract(doc, '$.f.owner_id') IS NOT NULL ORDER BY id;
UPDATE contacts SET doc = json_remove(doc, '$.f.owner_id'), version = version + 1
  WHERE json_extract(doc, '$.f.owner_id') IS NOT NULL;
