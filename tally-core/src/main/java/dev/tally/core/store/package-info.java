/**
 * The store's contract, the one door: every write runs as a {@link dev.tally.core.store.WriteWork}
 * in one durable transaction that updates the document, its identities, summaries and counts and
 * appends one oplog entry per change; positions grow in commit order. Implementations live in the
 * store modules and are held to the testkit's StoreContract.
 */
package dev.tally.core.store;
