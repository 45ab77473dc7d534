-- A covering index of (id, version): verifying the index against the store reads these pairs (or
-- digests of them) without touching the contact documents. (V2 is the projector lease table.)
CREATE INDEX contacts_versions ON contacts (id, version);
