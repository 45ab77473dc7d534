-- Notes teammates write about a contact. Not projected (search does not read them). A note goes with
-- its contact (personal data); a teammate's deletion leaves its notes without an author.
CREATE TABLE notes (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
  contact_id   BIGINT NOT NULL REFERENCES contacts (id),
  admin_id     BIGINT REFERENCES admins (id),
  body         TEXT   NOT NULL,
  created_at   BIGINT NOT NULL
);
CREATE INDEX notes_contact ON notes (contact_id, id);
CREATE INDEX notes_admin ON notes (admin_id);
