-- Archived contacts (issue 12: POST /contacts/{id}/archive and /unarchive). An archived contact keeps
-- its document, events, tags, notes and identities (an archived contact's email or external_id
-- stays taken), but it leaves search, segments and lists: every read of what the index must hold
-- (lists, documents, contact ids, the versions verify compares) takes live contacts only, and
-- workspaces.contact_count counts live contacts only (archiving takes one off, unarchiving puts it
-- back). Archiving and unarchiving raise the contact's version with an oplog entry, so the projector
-- removes an archived contact from the index and puts it back on unarchive.
ALTER TABLE contacts ADD COLUMN archived_at BIGINT;

-- Verify reads (id, version) of live contacts by index-only scans of a partial index.
DROP INDEX contacts_versions;
CREATE INDEX contacts_versions ON contacts (id) INCLUDE (version) WHERE archived_at IS NULL;

-- GET /contacts pages through a workspace's live contacts without stepping over archived ones.
CREATE INDEX contacts_live ON contacts (workspace_id, id) WHERE archived_at IS NULL;
