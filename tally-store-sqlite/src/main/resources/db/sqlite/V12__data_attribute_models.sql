-- Data attributes of companies beside those of contacts (Intercom's model: contact | company).
-- Every attribute so far was a contact's. Names are unique per (workspace, model): each model's
-- custom_attributes are typed against its own definitions, and the cap (--max-custom-attributes)
-- counts each model apart. SQLite cannot drop the old UNIQUE (workspace_id, name), so the table is
-- rebuilt: same ids, same rows, and the same AUTOINCREMENT sequence (ids are never reused, and a
-- store under --test-id-offsets keeps its offset).
CREATE TABLE data_attributes_v12 (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id       BIGINT  NOT NULL REFERENCES workspaces (id),
  model              TEXT    NOT NULL DEFAULT 'contact' CHECK (model IN ('contact', 'company')),
  name               TEXT    NOT NULL,
  data_type          TEXT    NOT NULL,
  description        TEXT,
  options            TEXT    NOT NULL,
  messenger_writable INTEGER NOT NULL,
  archived           INTEGER NOT NULL DEFAULT 0,
  created_at         BIGINT  NOT NULL,
  updated_at         BIGINT  NOT NULL,
  UNIQUE (workspace_id, model, name)
);
INSERT INTO data_attributes_v12 (id, workspace_id, model, name, data_type, description, options,
    messenger_writable, archived, created_at, updated_at)
  SELECT id, workspace_id, 'contact', name, data_type, description, options, messenger_writable,
    archived, created_at, updated_at
  FROM data_attributes ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'data_attributes_v12';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'data_attributes_v12', seq FROM sqlite_sequence WHERE name = 'data_attributes';
DROP TABLE data_attributes;
ALTER TABLE data_attributes_v12 RENAME TO data_attributes;
