/**
 * Verification by digests: (id, version) pairs summed per bucket on both sides, compared bucket by
 * bucket, and id by id only where the digests differ, so agreeing stores and indexes are compared
 * without reading documents.
 */
package dev.tally.core.verify;
