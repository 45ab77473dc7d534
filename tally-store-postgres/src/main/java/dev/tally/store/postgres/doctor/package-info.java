/**
 * {@code tally doctor} for PostgreSQL (T9, T15). {@link
 * dev.tally.store.postgres.doctor.SchemaDoctor} reads only the catalog (pg_constraint,
 * pg_attribute, pg_depend, pg_attrdef, pg_sequences, pg_stat_user_tables), in a read-only
 * transaction under a statement timeout, and reports: key and foreign-key columns narrower than
 * bigint, foreign keys whose type differs from the key they reference, sequences wider than the
 * column they feed, and each sequence's used capacity against what its column can hold with days to
 * exhaustion. Each finding carries the ALTER statements to run, dependent foreign keys first.
 * Growth is measured against samples the doctor keeps in the schema's {@code tally_doctor_samples}
 * table.
 */
package dev.tally.store.postgres.doctor;
