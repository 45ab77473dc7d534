/**
 * Tally's core: the one error type ({@link dev.tally.core.TallyException}, which says what failed,
 * with which value and whether retrying can help) and the 64-bit id rules ({@link
 * dev.tally.core.Ids}: ids are strings in JSON). The core imports no backend, no HTTP and no JDBC
 * (an architecture test enforces it); its subpackages hold the model, the query language, the
 * contracts and the projector.
 */
package dev.tally.core;
