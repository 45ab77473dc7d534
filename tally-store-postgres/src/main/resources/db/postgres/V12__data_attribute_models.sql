-- Data attributes of companies beside those of contacts (Intercom's model: contact | company).
-- Every attribute so far was a contact's. Names are unique per (workspace, model): each model's
-- custom_attributes are typed against its own definitions, and the cap (--max-custom-attributes)
-- counts each model apart. The new unique constraint is added before the old one is dropped.
ALTER TABLE data_attributes
  ADD COLUMN model TEXT NOT NULL DEFAULT 'contact' CHECK (model IN ('contact', 'company'));
ALTER TABLE data_attributes
  ADD CONSTRAINT data_attributes_workspace_model_name UNIQUE (workspace_id, model, name);
ALTER TABLE data_attributes DROP CONSTRAINT data_attributes_workspace_id_name_key;
