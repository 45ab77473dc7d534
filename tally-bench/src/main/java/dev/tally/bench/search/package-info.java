/**
 * Search and recovery benchmarks (bin/bench freshness, segment-query, rebuild, their -opensearch
 * variants, recovery, verify, rebuild-under-writes), on Lucene and OpenSearch, against peers run in
 * the same process. Outside the default build.
 */
package dev.tally.bench.search;
