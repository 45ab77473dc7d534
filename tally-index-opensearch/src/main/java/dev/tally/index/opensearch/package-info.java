/**
 * The shared search index on OpenSearch over its REST API: the mapping, the query compiler, bulk
 * writes with external versions and tombstones, generations behind an alias, and snapshots through
 * a snapshot repository.
 */
package dev.tally.index.opensearch;
