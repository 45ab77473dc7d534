-- Keys of the server's own (issue 13): made once, on first use, by whichever process asks first
-- (the first insert wins; every process then reads the same key). 'unsubscribe' keys the HMAC of
-- the one-click unsubscribe links in emails: losing it only makes links already sent invalid.
CREATE TABLE server_keys (
  name       TEXT   NOT NULL PRIMARY KEY,
  secret     TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);
