/**
 * Tally the process: the CLI entry point, the wiring of the store and the index the settings choose
 * ({@link dev.tally.server.Engines}), start-up and shutdown, and structured logging.
 */
package dev.tally.server;
