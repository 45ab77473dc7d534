/**
 * The embedded search index on Lucene: the document layout, the query compiler, sorting and paging,
 * the applied position in the commit, and snapshots with a checksummed manifest.
 */
package dev.tally.index.lucene;
