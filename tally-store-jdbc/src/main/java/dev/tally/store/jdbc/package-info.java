/**
 * The store written once over JDBC: the write transaction ({@link
 * dev.tally.store.jdbc.JdbcWriteTx}), the reads, the group-commit writer and the error
 * classification, parameterised by a {@link dev.tally.store.jdbc.Dialect} and a {@link
 * dev.tally.store.jdbc.WriterSession}. Knows no driver; the database modules add theirs.
 */
package dev.tally.store.jdbc;
