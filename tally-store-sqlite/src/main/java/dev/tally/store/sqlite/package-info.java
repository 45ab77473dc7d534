/**
 * The embedded store on SQLite (WAL, synchronous=FULL): its dialect, its writer session (BEGIN
 * IMMEDIATE on one connection), its schema migrations, read pool, leases on the writer, the online
 * backup and a read-only version reader for verifying a served data directory.
 */
package dev.tally.store.sqlite;
