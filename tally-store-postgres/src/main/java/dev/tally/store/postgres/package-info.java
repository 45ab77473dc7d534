/**
 * The shared store on PostgreSQL: its dialect (a contact written by one fused statement), its
 * writer session (the oplog's advisory lock, so positions grow in commit order across processes),
 * schema migrations, a read pool that fails fast while the database is away, and leases on the
 * database clock. {@code doctor} audits key widths and capacity.
 */
package dev.tally.store.postgres;
