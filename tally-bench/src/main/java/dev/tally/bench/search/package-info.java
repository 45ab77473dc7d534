/**
 * Search and recovery benchmarks (bin/bench-search): freshness, segment queries, rebuilds,
 * recovery and verification, on Lucene and OpenSearch, against peers run in the same process.
 * Outside the default build.
 */
package dev.tally.bench.search;
