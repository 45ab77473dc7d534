-- Companies (issue 12). A company is a document of its own (its oplog entries have entity
-- 'company'); company_key holds the company_id the customer gives it, unique per workspace among live
-- companies. name and the counted user_count are columns (looked up, kept in the write
-- transactions); every other field and the custom attributes are the JSON document doc.
--
-- A contact's companies are rows of contact_companies, read with the contact's document in one
-- query like its tags; attaching or detaching raises the contact's version. Deleting a company
-- marks it (deleted_at) at once and detaches its contacts in bounded batches afterwards, as tags.
CREATE TABLE companies (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
  company_key  TEXT   NOT NULL,  -- the customer's company_id (TEXT: not one of Tally's ids)
  name         TEXT,
  doc          TEXT   NOT NULL,
  user_count   BIGINT NOT NULL DEFAULT 0,
  version      BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  deleted_at   BIGINT
);
CREATE UNIQUE INDEX companies_key ON companies (workspace_id, company_key) WHERE deleted_at IS NULL;
CREATE INDEX companies_ws ON companies (workspace_id, id);
CREATE INDEX companies_name ON companies (workspace_id, name);
CREATE INDEX companies_deleted ON companies (id) WHERE deleted_at IS NOT NULL;

CREATE TABLE contact_companies (
  contact_id   BIGINT NOT NULL REFERENCES contacts (id),
  company_id   BIGINT NOT NULL REFERENCES companies (id),
  workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
  attached_at  BIGINT NOT NULL,
  PRIMARY KEY (contact_id, company_id)
) WITHOUT ROWID;
CREATE INDEX contact_companies_company ON contact_companies (company_id, contact_id);
