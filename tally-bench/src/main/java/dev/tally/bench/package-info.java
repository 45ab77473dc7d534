/**
 * The benchmarks' entry point ({@link dev.tally.bench.Bench}, every benchmark a subcommand of
 * bin/bench) and the write benchmarks (bin/bench writes, writes-pg): Tally against a bare JDBC loop
 * on the same database, with a breakdown of where the time and CPU go. Outside the default build.
 */
package dev.tally.bench;
