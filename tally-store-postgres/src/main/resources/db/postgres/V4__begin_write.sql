-- A write batch begins here, in one round trip: the oplog's advisory lock first (one per schema,
-- held to the end of the transaction; see PgSession), then the head, read with a fresh snapshot (a
-- VOLATILE function takes one per query), so it includes every batch that committed while this
-- one waited for the lock. 1952541804 is "tall" in ASCII.
CREATE FUNCTION tally_begin_write() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1952541804, hashtext(current_schema()));
  RETURN (SELECT COALESCE(MAX(position), 0) FROM oplog);
END
$$;
