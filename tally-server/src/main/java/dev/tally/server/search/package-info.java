/**
 * Keeping the index right while Tally serves: generations and their switching, rebuilds, healing,
 * snapshots, readiness judged on data, background verification, oplog pruning and the projector
 * lease; and the search service over the serving index.
 */
package dev.tally.server.search;
