/**
 * Issue 13's measures: broadcast fan-out against batched JDBC inserts of the same rows, delivery
 * against the receiver's own ceiling (wrk), and event → webhook latency at a steady rate.
 */
package dev.tally.bench.messaging;
