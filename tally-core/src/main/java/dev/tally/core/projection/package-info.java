/**
 * Deriving the index from the store: the projector tails the oplog and brings the ids it names up
 * to their current version (idempotent, monotonic, one code path for live tailing, redrive and
 * rebuild); the rebuild fills a new generation; the verifier compares store and index by digests.
 */
package dev.tally.core.projection;
