/**
 * The wiring: the one place that knows which store and index exist. It opens the backends the
 * settings choose (for {@code serve} and for the offline commands alike) and hands the rest of the
 * server their contracts ({@code Store}, {@code IndexEngine}); ArchitectureTest keeps every other
 * package off the backend modules.
 */
package dev.tally.server.wiring;
