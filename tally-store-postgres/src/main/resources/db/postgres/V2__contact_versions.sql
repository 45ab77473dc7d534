-- (id, version) in one index, so verifying the search index against the store can be answered by
-- index-only scans, without reading the contact documents.
CREATE INDEX contacts_versions ON contacts (id) INCLUDE (version);
