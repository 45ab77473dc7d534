/**
 * The HTTP API in Intercom's shapes (Javalin): routes for contacts, events, data attributes,
 * search, bulk loads and administration; errors mapped once to Intercom's error list; idempotency
 * keys; health and Prometheus metrics. Sees only the core's contracts, never a backend.
 */
package dev.tally.server.http;
