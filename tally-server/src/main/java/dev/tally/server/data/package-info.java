/**
 * The data directory: its lock (one serving process at a time), and where the store and the index
 * live in it.
 */
package dev.tally.server.data;
