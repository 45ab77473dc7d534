/**
 * The search index's contract: documents derived from the store, applied in batches that carry the
 * oplog position they reach, searched with the query language; plus the swappable index the server
 * serves while a generation is replaced. Implementations live in the index modules and are held to
 * the testkit's IndexContract.
 */
package dev.tally.core.index;
